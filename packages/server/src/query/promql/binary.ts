/** Binary operators between scalars and instant vectors, with Prometheus 2.42's vector matching. */
import type { BinaryExpr, BinaryOp, VectorMatching } from './ast.js';
import {
  METRIC_NAME,
  dropMetricName,
  getLabel,
  keepLabels,
  labelsKey,
  labelsToString,
  removeLabels,
  setLabel,
} from './labels.js';
import { isComparison } from './parser.js';
import type { Labels } from './types.js';
import { PromQLError } from './types.js';
import type { Grid, StepSeries } from './values.js';
import { VectorBuilder } from './values.js';

/** Go's math.Pow special cases that differ from JavaScript's `**`. */
function goPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}

/** Arithmetic result, or for comparisons whether the pair is kept (value = lhs). */
export function scalarBinop(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    default:
      throw new PromQLError('internal', `operator ${op} not allowed for scalar operations`);
  }
}

/** vectorElemBinop: [value, keep]. */
function elemBinop(op: BinaryOp, l: number, r: number): [number, boolean] {
  if (isComparison(op)) return [l, scalarBinop(op, l, r) === 1];
  return [scalarBinop(op, l, r), true];
}

/** Prometheus 2.42 drops the metric name for arithmetic only (not comparisons, not atan2). */
const dropsName = (op: BinaryOp): boolean =>
  op === '+' || op === '-' || op === '*' || op === '/' || op === '%' || op === '^';

/** Vector op scalar (or scalar op vector when `scalarOnLeft`). */
export function vectorScalarBinop(
  node: BinaryExpr,
  vector: readonly StepSeries[],
  scalar: Float64Array,
  scalarOnLeft: boolean,
  grid: Grid,
): StepSeries[] {
  const { op, returnBool } = node;
  const builder = new VectorBuilder(grid.n);
  for (const s of vector) {
    const labels = dropsName(op) || returnBool ? dropMetricName(s.labels) : s.labels;
    const key = labelsKey(labels);
    for (let step = 0; step < grid.n; step++) {
      if (!s.present[step]) continue;
      let lv = s.values[step]!;
      let rv = scalar[step]!;
      if (scalarOnLeft) [lv, rv] = [rv, lv];
      let [value, keep] = elemBinop(op, lv, rv);
      if (isComparison(op) && scalarOnLeft) value = rv;
      if (returnBool) {
        value = keep ? 1 : 0;
        keep = true;
      }
      if (keep) builder.add(labels, step, value, key);
    }
  }
  return builder.build();
}

/** The labels that identify a match group: on(...) keeps them, ignoring(...) drops them and the name. */
function matchLabels(labels: Labels, matching: VectorMatching): Labels {
  return matching.on
    ? keepLabels(labels, matching.labels)
    : removeLabels(labels, [...matching.labels, METRIC_NAME]);
}

export function vectorBinop(
  node: BinaryExpr,
  lhsIn: readonly StepSeries[],
  rhsIn: readonly StepSeries[],
  grid: Grid,
): StepSeries[] {
  const matching = node.matching!;
  const { op } = node;
  if (op === 'and' || op === 'or' || op === 'unless')
    return setBinop(op, matching, lhsIn, rhsIn, grid);

  const swap = matching.card === 'one-to-many';
  const lhs = swap ? rhsIn : lhsIn;
  const rhs = swap ? lhsIn : rhsIn;
  const lSigs = lhs.map((s) => labelsKey(matchLabels(s.labels, matching)));
  const rSigs = rhs.map((s) => labelsKey(matchLabels(s.labels, matching)));
  const builder = new VectorBuilder(grid.n);
  const resultCache = new Map<string, { labels: Labels; key: string }>();

  const rightBySig = new Map<string, number>();
  const matched = new Map<string, Set<string> | null>();
  for (let step = 0; step < grid.n; step++) {
    rightBySig.clear();
    for (let j = 0; j < rhs.length; j++) {
      const rs = rhs[j]!;
      if (!rs.present[step]) continue;
      const sig = rSigs[j]!;
      const dup = rightBySig.get(sig);
      if (dup !== undefined) {
        const oneSide = swap ? 'left' : 'right';
        throw new PromQLError(
          'execution',
          `found duplicate series for the match group ${labelsToString(matchLabels(rs.labels, matching))} on the ${oneSide} hand-side of the operation: [${labelsToString(rs.labels)}, ${labelsToString(rhs[dup]!.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      rightBySig.set(sig, j);
    }
    matched.clear();
    for (let i = 0; i < lhs.length; i++) {
      const ls = lhs[i]!;
      if (!ls.present[step]) continue;
      const sig = lSigs[i]!;
      const j = rightBySig.get(sig);
      if (j === undefined) continue;
      const rs = rhs[j]!;
      let vl = ls.values[step]!;
      let vr = rs.values[step]!;
      if (swap) [vl, vr] = [vr, vl];
      const [raw, keep] = elemBinop(op, vl, vr);
      let value = raw;
      if (node.returnBool) {
        value = keep ? 1 : 0;
      } else if (!keep) continue;
      const cacheKey = `${i}\u0002${j}`;
      let result = resultCache.get(cacheKey);
      if (!result) {
        let labels = resultMetric(ls.labels, rs.labels, op, matching);
        if (node.returnBool) labels = dropMetricName(labels);
        result = { labels, key: labelsKey(labels) };
        resultCache.set(cacheKey, result);
      }
      const seen = matched.get(sig);
      if (matching.card === 'one-to-one') {
        if (seen !== undefined) {
          throw new PromQLError(
            'execution',
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
          );
        }
        matched.set(sig, null);
      } else {
        let set = seen;
        if (!set) {
          set = new Set();
          matched.set(sig, set);
        } else if (set.has(result.key)) {
          throw new PromQLError(
            'execution',
            'multiple matches for labels: grouping labels must ensure unique matches',
          );
        }
        set.add(result.key);
      }
      builder.add(result.labels, step, value, result.key);
    }
  }
  return builder.build();
}

function resultMetric(lhs: Labels, rhs: Labels, op: BinaryOp, matching: VectorMatching): Labels {
  let labels = dropsName(op) ? dropMetricName(lhs) : lhs;
  if (matching.card === 'one-to-one') {
    labels = matching.on
      ? keepLabels(labels, matching.labels)
      : removeLabels(labels, matching.labels);
  }
  for (const name of matching.include) labels = setLabel(labels, name, getLabel(rhs, name));
  return labels;
}

function setBinop(
  op: 'and' | 'or' | 'unless',
  matching: VectorMatching,
  lhs: readonly StepSeries[],
  rhs: readonly StepSeries[],
  grid: Grid,
): StepSeries[] {
  const lSigs = lhs.map((s) => labelsKey(matchLabels(s.labels, matching)));
  const rSigs = rhs.map((s) => labelsKey(matchLabels(s.labels, matching)));
  const builder = new VectorBuilder(grid.n);
  const lKeys = lhs.map((s) => labelsKey(s.labels));
  const rKeys = rhs.map((s) => labelsKey(s.labels));
  const sigs = new Set<string>();
  for (let step = 0; step < grid.n; step++) {
    sigs.clear();
    if (op === 'or') {
      for (let i = 0; i < lhs.length; i++) {
        const s = lhs[i]!;
        if (!s.present[step]) continue;
        sigs.add(lSigs[i]!);
        builder.add(s.labels, step, s.values[step]!, lKeys[i]);
      }
      for (let j = 0; j < rhs.length; j++) {
        const s = rhs[j]!;
        if (s.present[step] && !sigs.has(rSigs[j]!))
          builder.add(s.labels, step, s.values[step]!, rKeys[j]);
      }
      continue;
    }
    for (let j = 0; j < rhs.length; j++) if (rhs[j]!.present[step]) sigs.add(rSigs[j]!);
    for (let i = 0; i < lhs.length; i++) {
      const s = lhs[i]!;
      if (!s.present[step]) continue;
      if (sigs.has(lSigs[i]!) === (op === 'and'))
        builder.add(s.labels, step, s.values[step]!, lKeys[i]);
    }
  }
  return builder.build();
}
