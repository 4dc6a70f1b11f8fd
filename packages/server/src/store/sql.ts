/**
 * Dialect-neutral SQL fragments. Every value goes through `sql` as a parameter or through a
 * dialect's one audited escaper when a dialect cannot bind parameters; nothing is spliced.
 *
 *   sql`SELECT name FROM ${src} WHERE service_name = ${service} AND duration_ns > ${minNs}`
 *
 * Interpolating a `SqlFragment` nests it; interpolating an `Identifier` (from `ident`) renders a
 * quoted identifier; anything else becomes a bound value.
 */

export type SqlValue = string | number | bigint | boolean | null | readonly SqlValue[];

export interface Identifier {
  readonly kind: 'identifier';
  readonly name: string;
}

type Piece = string | { readonly value: SqlValue } | Identifier;

export class SqlFragment {
  readonly kind = 'fragment';
  /** Alternating text and values, flattened. */
  readonly pieces: readonly Piece[];

  constructor(pieces: readonly Piece[]) {
    this.pieces = pieces;
  }
}

export type SqlArg = SqlValue | SqlFragment | Identifier;

function isFragment(arg: SqlArg): arg is SqlFragment {
  return arg instanceof SqlFragment;
}

function isIdentifier(arg: SqlArg): arg is Identifier {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg) && 'kind' in arg;
}

export function sql(strings: TemplateStringsArray, ...args: SqlArg[]): SqlFragment {
  const pieces: Piece[] = [];
  strings.forEach((text, i) => {
    if (text !== '') pieces.push(text);
    if (i >= args.length) return;
    const arg = args[i]!;
    if (isFragment(arg)) pieces.push(...arg.pieces);
    else if (isIdentifier(arg)) pieces.push(arg);
    else pieces.push({ value: arg });
  });
  return new SqlFragment(pieces);
}

const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A table or column name. Only plain names are accepted; they are quoted on rendering. */
export function ident(name: string): Identifier {
  if (!IDENTIFIER_PATTERN.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return { kind: 'identifier', name };
}

/** Trusted SQL text written in this code base (keywords, function names). Never user input. */
export function raw(text: string): SqlFragment {
  return new SqlFragment(text === '' ? [] : [text]);
}

export function join(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  const pieces: Piece[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0 && separator !== '') pieces.push(separator);
    pieces.push(...fragment.pieces);
  });
  return new SqlFragment(pieces);
}

export const empty = new SqlFragment([]);

/** Boolean constants every dialect reads (ClickHouse 18.16 has no TRUE / FALSE literals). */
export const alwaysTrue = new SqlFragment(['(1 = 1)']);
export const alwaysFalse = new SqlFragment(['(1 = 0)']);

export interface RenderedSql {
  text: string;
  params: SqlValue[];
}

/** How a dialect writes what a fragment holds. */
export interface SqlRenderer {
  /** `null` when the dialect inlines values through `literal` instead of binding them. */
  placeholder: ((index: number) => string) | null;
  literal: (value: SqlValue) => string;
  identifier: (name: string) => string;
}

export function render(fragment: SqlFragment, renderer: SqlRenderer): RenderedSql {
  let text = '';
  const params: SqlValue[] = [];
  for (const piece of fragment.pieces) {
    if (typeof piece === 'string') text += piece;
    else if ('kind' in piece) text += renderer.identifier(piece.name);
    else if (renderer.placeholder) {
      params.push(piece.value);
      text += renderer.placeholder(params.length);
    } else {
      text += renderer.literal(piece.value);
    }
  }
  return { text, params };
}
