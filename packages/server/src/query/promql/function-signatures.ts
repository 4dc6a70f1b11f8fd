/** Argument and return types of Prometheus 2.42's functions (promql/parser/functions.go). */
import type { ValueType } from './ast.js';

export interface FunctionSignature {
  readonly argTypes: readonly ValueType[];
  /** 0: exactly argTypes; n > 0: the last type may repeat up to n times... as in Prometheus; -1: unbounded. */
  readonly variadic: number;
  readonly returnType: ValueType;
}

const v: ValueType = 'instant vector';
const m: ValueType = 'range vector';
const s: ValueType = 'scalar';
const str: ValueType = 'string';

const sig = (
  argTypes: ValueType[],
  returnType: ValueType = v,
  variadic = 0,
): FunctionSignature => ({
  argTypes,
  returnType,
  variadic,
});

export const FUNCTION_SIGNATURES: ReadonlyMap<string, FunctionSignature> = new Map([
  ...[
    'abs',
    'acos',
    'acosh',
    'asin',
    'asinh',
    'atan',
    'atanh',
    'ceil',
    'cos',
    'cosh',
    'deg',
    'exp',
    'floor',
    'ln',
    'log10',
    'log2',
    'rad',
    'sgn',
    'sin',
    'sinh',
    'sort',
    'sort_desc',
    'sqrt',
    'tan',
    'tanh',
    'timestamp',
    'absent',
    'histogram_count',
    'histogram_sum',
  ].map((name) => [name, sig([v])] as const),
  ...[
    'absent_over_time',
    'avg_over_time',
    'changes',
    'count_over_time',
    'delta',
    'deriv',
    'idelta',
    'increase',
    'irate',
    'last_over_time',
    'max_over_time',
    'min_over_time',
    'present_over_time',
    'rate',
    'resets',
    'stddev_over_time',
    'stdvar_over_time',
    'sum_over_time',
  ].map((name) => [name, sig([m])] as const),
  ...[
    'day_of_month',
    'day_of_week',
    'day_of_year',
    'days_in_month',
    'hour',
    'minute',
    'month',
    'year',
  ].map((name) => [name, sig([v], v, 1)] as const),
  ['clamp', sig([v, s, s])],
  ['clamp_max', sig([v, s])],
  ['clamp_min', sig([v, s])],
  ['histogram_fraction', sig([s, s, v])],
  ['histogram_quantile', sig([s, v])],
  ['holt_winters', sig([m, s, s])],
  ['label_join', sig([v, str, str, str], v, -1)],
  ['label_replace', sig([v, str, str, str, str])],
  ['pi', sig([], s)],
  ['predict_linear', sig([m, s])],
  ['quantile_over_time', sig([s, m])],
  ['round', sig([v, s], v, 1)],
  ['scalar', sig([v], s)],
  ['time', sig([], s)],
  ['vector', sig([s], v)],
]);
