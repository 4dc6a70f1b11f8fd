/** The typed syntax tree the parser produces and the evaluator walks. Positions are offsets into the query. */
import type { LabelMatcher } from './types.js';

export type ValueType = 'scalar' | 'instant vector' | 'range vector' | 'string';

export type AtModifier = number | 'start' | 'end';

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  readonly pos: number;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly pos: number;
}

export interface VectorSelector {
  readonly kind: 'vector';
  readonly name: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  offsetMs: number;
  offsetSet: boolean;
  /** Unix ms, or the query's start / end. */
  at: AtModifier | undefined;
  readonly pos: number;
}

export interface MatrixSelector {
  readonly kind: 'matrix';
  readonly vector: VectorSelector;
  readonly rangeMs: number;
  readonly pos: number;
}

export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** 0 = the default evaluation interval. */
  readonly stepMs: number;
  offsetMs: number;
  offsetSet: boolean;
  at: AtModifier | undefined;
  readonly pos: number;
}

export interface Call {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Expr[];
  readonly pos: number;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'group';

export interface AggregateExpr {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  readonly expr: Expr;
  readonly param: Expr | undefined;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly pos: number;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  readonly card: Cardinality;
  /** `on(...)` when true, `ignoring(...)` (or nothing) when false. */
  readonly on: boolean;
  readonly labels: readonly string[];
  /** Extra labels of group_left / group_right. */
  readonly include: readonly string[];
}

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly returnBool: boolean;
  /** Set when both sides are instant vectors. */
  readonly matching: VectorMatching | undefined;
  readonly pos: number;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '+' | '-';
  readonly expr: Expr;
  readonly pos: number;
}

export interface ParenExpr {
  readonly kind: 'paren';
  readonly expr: Expr;
  readonly pos: number;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr;
