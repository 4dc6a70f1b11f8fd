/**
 * The search language's syntax tree: what `parseSearch` produces and `explainSearch` /
 * `compileSearch` consume. Field names are kept as the user wrote them; what a name means for a
 * signal (a column or an attribute) is decided when compiling.
 */

export type ComparisonOperator = '>' | '>=' | '<' | '<=';

export type SearchNode =
  /** All children hold. `{ type: 'and', children: [] }` is the empty query: everything. */
  | { type: 'and'; children: SearchNode[] }
  /** At least one child holds. */
  | { type: 'or'; children: SearchNode[] }
  | { type: 'not'; child: SearchNode }
  /** Free text or a "quoted phrase": a case-insensitive substring of the log body / span name. */
  | { type: 'text'; value: string; quoted: boolean }
  /** `field:value`, `field:"quoted value"`, or with `prefix` `field:value*`. */
  | { type: 'match'; field: string; value: string; quoted: boolean; prefix: boolean }
  /** `field:*`: the field is present (and not empty). */
  | { type: 'exists'; field: string }
  /**
   * `field>value` (also `field:>value`). `value` is the literal as written: a number, a number
   * with a duration unit (`250ms`), or a severity name (`warn`).
   */
  | { type: 'compare'; field: string; op: ComparisonOperator; value: string };

/** The empty query. */
export const MATCH_ALL: SearchNode = { type: 'and', children: [] };
