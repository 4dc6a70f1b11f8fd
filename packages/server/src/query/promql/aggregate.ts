/** Aggregation operators (sum, avg, topk, ...) with by / without, per Prometheus 2.42's engine.go. */
import type { AggregateExpr } from './ast.js';
import {
  METRIC_NAME,
  dropMetricName,
  isValidLabelName,
  keepLabels,
  labelsKey,
  removeLabels,
  setLabel,
} from './labels.js';
import { compareFloatsNaNFirst, quantile } from './range-functions.js';
import type { Labels } from './types.js';
import { PromQLError } from './types.js';
import { formatValue } from './value-format.js';
import type { Grid, StepSeries } from './values.js';
import { VectorBuilder } from './values.js';

function groupLabels(labels: Labels, node: AggregateExpr): Labels {
  return node.without
    ? removeLabels(dropMetricName(labels), node.grouping)
    : keepLabels(labels, node.grouping);
}

interface Group {
  readonly labels: Labels;
  readonly key: string;
}

/**
 * Evaluate an aggregation over every step. `param` holds the scalar parameter per step (topk,
 * bottomk, quantile) and `label` the count_values label.
 */
export function aggregate(
  node: AggregateExpr,
  input: readonly StepSeries[],
  grid: Grid,
  param: Float64Array | undefined,
  label: string | undefined,
  checkDeadline: () => void,
): StepSeries[] {
  const op = node.op;
  if (op === 'count_values') return countValues(node, input, grid, label!);

  // Group of each input series (depends on labels only).
  const groups: Group[] = [];
  const groupIndex = new Map<string, number>();
  const seriesGroup = input.map((s) => {
    const labels = groupLabels(s.labels, node);
    const key = labelsKey(labels);
    let idx = groupIndex.get(key);
    if (idx === undefined) {
      idx = groups.length;
      groups.push({ labels, key });
      groupIndex.set(key, idx);
    }
    return idx;
  });

  if (op === 'topk' || op === 'bottomk' || op === 'quantile') {
    return selectiveAggregate(node, input, grid, param!, groups, seriesGroup, checkDeadline);
  }

  if (op === 'sum') return sumBySeries(input, grid, groups, seriesGroup, checkDeadline);

  const g = groups.length;
  const value = new Float64Array(g);
  const mean = new Float64Array(g);
  const count = new Float64Array(g);
  const results: StepSeries[] = groups.map((group) => ({
    labels: group.labels,
    values: new Float64Array(grid.n),
    present: new Uint8Array(grid.n),
  }));
  for (let step = 0; step < grid.n; step++) {
    count.fill(0);
    for (let i = 0; i < input.length; i++) {
      const s = input[i]!;
      if (!s.present[step]) continue;
      const v = s.values[step]!;
      const gi = seriesGroup[i]!;
      if (count[gi] === 0) {
        count[gi] = 1;
        value[gi] =
          op === 'count' || op === 'group' ? 1 : op === 'stddev' || op === 'stdvar' ? 0 : v;
        mean[gi] = v;
        continue;
      }
      count[gi]!++;
      switch (op) {
        case 'avg': {
          const m = mean[gi]!;
          if (!Number.isFinite(m) && !Number.isNaN(m)) {
            if (!Number.isFinite(v) && !Number.isNaN(v) && m > 0 === v > 0) break;
            if (Number.isFinite(v)) break;
          }
          mean[gi] = m + v / count[gi]! - m / count[gi]!;
          break;
        }
        case 'count':
          value[gi] = count[gi]!;
          break;
        case 'group':
          break;
        case 'max':
          if (value[gi]! < v || Number.isNaN(value[gi]!)) value[gi] = v;
          break;
        case 'min':
          if (value[gi]! > v || Number.isNaN(value[gi]!)) value[gi] = v;
          break;
        case 'stddev':
        case 'stdvar': {
          const delta = v - mean[gi]!;
          mean[gi]! += delta / count[gi]!;
          value[gi]! += delta * (v - mean[gi]!);
          break;
        }
      }
    }
    for (let gi = 0; gi < g; gi++) {
      if (count[gi] === 0) continue;
      let out: number;
      switch (op) {
        case 'avg':
          out = mean[gi]!;
          break;
        case 'stdvar':
          out = value[gi]! / count[gi]!;
          break;
        case 'stddev':
          out = Math.sqrt(value[gi]! / count[gi]!);
          break;
        default:
          out = value[gi]!;
      }
      results[gi]!.present[step] = 1;
      results[gi]!.values[step] = out;
    }
    if (step % 256 === 0) checkDeadline();
  }
  return results.filter((r) => r.present.includes(1));
}

/**
 * `sum`, series by series (each series' arrays read once, in order) instead of step by step
 * across all series. Each (group, step) still adds its series in input order, starting from
 * the first value itself, so the result is bit for bit the step-major one.
 */
function sumBySeries(
  input: readonly StepSeries[],
  grid: Grid,
  groups: Group[],
  seriesGroup: number[],
  checkDeadline: () => void,
): StepSeries[] {
  const n = grid.n;
  const results: StepSeries[] = groups.map((group) => ({
    labels: group.labels,
    values: new Float64Array(n),
    present: new Uint8Array(n),
  }));
  for (let i = 0; i < input.length; i++) {
    const { values, present } = input[i]!;
    const out = results[seriesGroup[i]!]!;
    const sums = out.values;
    const seen = out.present;
    for (let step = 0; step < n; step++) {
      if (!present[step]) continue;
      if (seen[step]) sums[step]! += values[step]!;
      else {
        sums[step] = values[step]!;
        seen[step] = 1;
      }
    }
    if (i % 256 === 0) checkDeadline();
  }
  return results.filter((r) => r.present.includes(1));
}

function selectiveAggregate(
  node: AggregateExpr,
  input: readonly StepSeries[],
  grid: Grid,
  param: Float64Array,
  groups: Group[],
  seriesGroup: number[],
  checkDeadline: () => void,
): StepSeries[] {
  const op = node.op;
  if (op === 'quantile') {
    const results: StepSeries[] = groups.map((group) => ({
      labels: group.labels,
      values: new Float64Array(grid.n),
      present: new Uint8Array(grid.n),
    }));
    for (let step = 0; step < grid.n; step++) {
      const perGroup: number[][] = groups.map(() => []);
      for (let i = 0; i < input.length; i++) {
        const s = input[i]!;
        if (s.present[step]) perGroup[seriesGroup[i]!]!.push(s.values[step]!);
      }
      perGroup.forEach((values, gi) => {
        if (values.length === 0) return;
        results[gi]!.present[step] = 1;
        results[gi]!.values[step] = quantile(param[step]!, values);
      });
      if (step % 256 === 0) checkDeadline();
    }
    return results.filter((r) => r.present.includes(1));
  }
  // topk / bottomk keep the selected input series with their own labels.
  const builder = new VectorBuilder(grid.n);
  const keys = input.map((s) => labelsKey(s.labels));
  const top = op === 'topk';
  for (let step = 0; step < grid.n; step++) {
    const kf = param[step]!;
    const k = Math.trunc(kf);
    if (!(k >= 1)) continue;
    const perGroup: number[][] = groups.map(() => []);
    for (let i = 0; i < input.length; i++) {
      if (input[i]!.present[step]) perGroup[seriesGroup[i]!]!.push(i);
    }
    for (const members of perGroup) {
      if (members.length === 0) continue;
      const value = (i: number): number => input[i]!.values[step]!;
      for (const i of selectWithHeap(members, k, value, top)) {
        builder.add(input[i]!.labels, step, value(i), keys[i]);
      }
    }
    if (step % 256 === 0) checkDeadline();
  }
  return builder.build();
}

/**
 * topk / bottomk exactly as Prometheus 2.42 selects: a Go container/heap of at most k samples
 * whose root is the worst kept (NaN counts as worst), replaced only by a strictly better sample.
 * Which of several equal values survive depends on this procedure, so it is reproduced as is.
 * Returns the kept members best first.
 */
function selectWithHeap(
  members: readonly number[],
  k: number,
  value: (i: number) => number,
  top: boolean,
): number[] {
  // less(a, b): a is "smaller" in the heap's order (the root is the smallest).
  const less = (a: number, b: number): boolean => {
    const va = value(a);
    if (Number.isNaN(va)) return true;
    return top ? va < value(b) : va > value(b);
  };
  const h: number[] = [];
  const swap = (i: number, j: number): void => {
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
  };
  const up = (j: number): void => {
    while (j > 0) {
      const i = (j - 1) >> 1;
      if (i === j || !less(h[j]!, h[i]!)) break;
      swap(i, j);
      j = i;
    }
  };
  const down = (i0: number): void => {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= h.length) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < h.length && less(h[j2]!, h[j1]!)) j = j2;
      if (!less(h[j]!, h[i]!)) break;
      swap(i, j);
      i = j;
    }
  };
  for (const m of members) {
    if (h.length < k) {
      h.push(m);
      up(h.length - 1);
      continue;
    }
    const root = value(h[0]!);
    const v = value(m);
    const better = top ? root < v : root > v;
    if (better || (Number.isNaN(root) && !Number.isNaN(v))) {
      h[0] = m;
      if (k > 1) down(0);
    }
  }
  // Output best first (Prometheus sorts the heap in reverse; ties may come in any order).
  return h.sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0));
}

function countValues(
  node: AggregateExpr,
  input: readonly StepSeries[],
  grid: Grid,
  label: string,
): StepSeries[] {
  if (!isValidLabelName(label)) {
    throw new PromQLError('execution', `invalid label name "${label}"`);
  }
  const builder = new VectorBuilder(grid.n);
  const counts = new Map<string, { labels: Labels; count: number }>();
  for (let step = 0; step < grid.n; step++) {
    counts.clear();
    for (const s of input) {
      if (!s.present[step]) continue;
      const withValue = setLabel(s.labels, label, formatValue(s.values[step]!));
      const grouping = node.without ? node.grouping : [...node.grouping, label];
      const labels = node.without
        ? removeLabels(
            withValue.filter(([n]) => n !== METRIC_NAME),
            grouping,
          )
        : keepLabels(withValue, grouping);
      const key = labelsKey(labels);
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { labels, count: 1 });
    }
    for (const [key, { labels, count }] of counts) builder.add(labels, step, count, key);
  }
  return builder.build();
}

export { compareFloatsNaNFirst };
