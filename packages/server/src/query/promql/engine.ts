/**
 * The PromQL evaluator (Prometheus 2.42 semantics). A query is parsed, every selector's time
 * window is computed and fetched from the SeriesSource once (pushdown), then each node is
 * evaluated over all steps of the grid at once.
 */
import type { AggregateExpr, AtModifier, Call, Expr, SubqueryExpr, VectorSelector } from './ast.js';
import { lowerBound } from '../../store/prom-read/group-samples.js';
import { aggregate } from './aggregate.js';
import { scalarBinop, vectorBinop, vectorScalarBinop } from './binary.js';
import {
  DATE_FUNCTIONS,
  MATH_FUNCTIONS,
  bucketQuantile,
  bucketQuantileSorted,
  parseGoFloat,
  roundTo,
} from './instant-functions.js';
import {
  compareLabels,
  dropMetricName,
  getLabel,
  isValidLabelName,
  labelsKey,
  labelsToObject,
  setLabel,
} from './labels.js';
import { parseExpr, typeOf } from './parser.js';
import {
  RANGE_FUNCTIONS,
  extrapolatedRateSteps,
  resetPrefix,
  type RangeWindow,
} from './range-functions.js';
import { compileMatcherRegex, expandTemplate } from './regex.js';
import type {
  EngineOptions,
  Labels,
  PromQLEngine,
  QueryResult,
  SeriesSamples,
  SeriesSource,
} from './types.js';
import { PromQLError } from './types.js';
import { formatTime, formatValue } from './value-format.js';
import type { Grid, RangeSeries, StepSeries, Value } from './values.js';
import { DUPLICATE_LABELSET, VectorBuilder, gridTime } from './values.js';

export const DEFAULT_LOOKBACK_MS = 5 * 60_000;
export const DEFAULT_MAX_SAMPLES = 50_000_000;
export const DEFAULT_TIMEOUT_MS = 2 * 60_000;
/** Prometheus' default evaluation interval, the step of subqueries without one. */
export const DEFAULT_SUBQUERY_STEP_MS = 60_000;

const TOO_MANY_SAMPLES =
  'query processing would load too many samples into memory in query execution';

/**
 * One pass over a series' values: where the Prometheus staleness markers (float64 bits
 * 0x7ff0000000000002, read from the bits) are — undefined when there are none, the usual case,
 * so no mask is allocated — and whether no value is below the one before it.
 */
function scanValues(values: Float64Array): {
  stale: Uint8Array | undefined;
  nonDecreasing: boolean;
} {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let stale: Uint8Array | undefined;
  let decreases = 0;
  for (let i = 0; i < values.length; i++) {
    if (words[2 * i + 1] === 0x7ff00000 && words[2 * i] === 0x00000002) {
      stale ??= new Uint8Array(values.length);
      stale[i] = 1;
    }
    if (i > 0 && values[i]! < values[i - 1]!) decreases++;
  }
  // With markers, a range selector drops them and compares other neighbours: unknown.
  return { stale, nonDecreasing: stale === undefined && decreases === 0 };
}

/** Index of the first timestamp > t. */
function upperBound(ts: Float64Array, t: number, from = 0): number {
  let lo = from;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function unwrapParens(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

interface LoadedSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** 1 at staleness markers; undefined when the series has none. */
  readonly stale: Uint8Array | undefined;
  /** No value below the one before it (and no markers). */
  readonly nonDecreasing: boolean;
}

class Evaluation {
  private readonly loaded = new Map<VectorSelector, LoadedSeries[]>();
  private readonly windows = new Map<VectorSelector, [number, number]>();
  private readonly lookbackMs: number;
  private readonly maxSamples: number;
  private readonly deadline: number;
  private samples = 0;
  private deadlineChecks = 0;

  constructor(
    private readonly source: SeriesSource,
    private readonly queryStart: number,
    private readonly queryEnd: number,
    options: EngineOptions,
  ) {
    this.lookbackMs = options.lookbackDeltaMs ?? DEFAULT_LOOKBACK_MS;
    this.maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
    this.deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  readonly checkDeadline = (): void => {
    if (Date.now() > this.deadline) {
      throw new PromQLError('timeout', 'query timed out in expression evaluation');
    }
  };

  private atMs(at: AtModifier | undefined): number | undefined {
    if (at === undefined) return undefined;
    if (at === 'start') return this.queryStart;
    if (at === 'end') return this.queryEnd;
    return at;
  }

  /** Walk the tree, computing the time window each selector needs for evaluation times [tmin, tmax]. */
  planWindows(e: Expr, tmin: number, tmax: number): void {
    switch (e.kind) {
      case 'vector':
      case 'matrix': {
        const selector = e.kind === 'vector' ? e : e.vector;
        const at = this.atMs(selector.at);
        const refMin = (at ?? tmin) - selector.offsetMs;
        const refMax = (at ?? tmax) - selector.offsetMs;
        const back = e.kind === 'vector' ? this.lookbackMs : e.rangeMs;
        const prev = this.windows.get(selector);
        const start = Math.min(refMin - back, prev?.[0] ?? Infinity);
        const end = Math.max(refMax, prev?.[1] ?? -Infinity);
        this.windows.set(selector, [start, end]);
        return;
      }
      case 'subquery': {
        const at = this.atMs(e.at);
        const refMin = (at ?? tmin) - e.offsetMs;
        const refMax = (at ?? tmax) - e.offsetMs;
        this.planWindows(e.expr, refMin - e.rangeMs, refMax);
        return;
      }
      case 'call':
        for (const a of e.args) this.planWindows(a, tmin, tmax);
        return;
      case 'aggregate':
        this.planWindows(e.expr, tmin, tmax);
        if (e.param) this.planWindows(e.param, tmin, tmax);
        return;
      case 'binary':
        this.planWindows(e.lhs, tmin, tmax);
        this.planWindows(e.rhs, tmin, tmax);
        return;
      case 'unary':
      case 'paren':
        this.planWindows(e.expr, tmin, tmax);
        return;
      default:
        return;
    }
  }

  /** One select per selector node, in parallel. */
  async load(): Promise<void> {
    await Promise.all(
      [...this.windows].map(async ([selector, [start, end]]) => {
        const found = await this.source.select(selector.matchers, start, end);
        this.checkDeadline();
        const series: LoadedSeries[] = [];
        for (const s of found) series.push(this.trim(s, start, end));
        series.sort((a, b) => compareLabels(a.labels, b.labels));
        this.loaded.set(selector, series);
      }),
    );
  }

  private trim(s: SeriesSamples, start: number, end: number): LoadedSeries {
    const lo = lowerBound(s.timestamps, start);
    const hi = upperBound(s.timestamps, end, lo);
    const ts = s.timestamps.subarray(lo, hi);
    const vs = s.values.subarray(lo, hi);
    this.countSamples(ts.length);
    return { labels: s.labels, ts, vs, ...scanValues(vs) };
  }

  countSamples(n: number): void {
    this.samples += n;
    if (this.samples > this.maxSamples) throw new PromQLError('execution', TOO_MANY_SAMPLES);
  }

  private tick(): void {
    if (++this.deadlineChecks % 64 === 0) this.checkDeadline();
  }

  eval(e: Expr, grid: Grid): Value {
    this.tick();
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', values: new Float64Array(grid.n).fill(e.value) };
      case 'string':
        return { type: 'string', value: e.value };
      case 'paren':
        return this.eval(e.expr, grid);
      case 'vector':
        return { type: 'vector', series: this.evalVectorSelector(e, grid, false) };
      case 'matrix':
        return this.evalMatrixSelector(e.vector, e.rangeMs);
      case 'subquery':
        return this.evalSubquery(e, grid);
      case 'unary': {
        const v = this.eval(e.expr, grid);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', values: v.values.map((x) => -x) };
        const series = this.vectorOf(v).map((s) => ({
          labels: dropMetricName(s.labels),
          values: s.values.map((x) => -x),
          present: s.present,
        }));
        this.checkUniqueLabelsPerStep(series, grid);
        return { type: 'vector', series };
      }
      case 'binary':
        return this.evalBinary(e, grid);
      case 'aggregate':
        return this.evalAggregate(e, grid);
      case 'call':
        return this.evalCall(e, grid);
    }
  }

  private vectorOf(v: Value): StepSeries[] {
    if (v.type !== 'vector')
      throw new PromQLError('internal', `expected instant vector, got ${v.type}`);
    return v.series;
  }

  private scalarOf(v: Value): Float64Array {
    if (v.type !== 'scalar') throw new PromQLError('internal', `expected scalar, got ${v.type}`);
    return v.values;
  }

  private checkUniqueLabelsPerStep(series: readonly StepSeries[], grid: Grid): void {
    const builder = new VectorBuilder(grid.n);
    for (const s of series) {
      const key = labelsKey(s.labels);
      for (let i = 0; i < grid.n; i++) if (s.present[i]) builder.add(s.labels, i, 0, key);
    }
  }

  /** Instant selector: the newest sample within the lookback window at each step (or its timestamp). */
  evalVectorSelector(node: VectorSelector, grid: Grid, timestamps: boolean): StepSeries[] {
    const at = this.atMs(node.at);
    const out: StepSeries[] = [];
    for (const s of this.loaded.get(node) ?? []) {
      const values = new Float64Array(grid.n);
      const present = new Uint8Array(grid.n);
      let any = false;
      let j = 0; // first index with ts > ref
      for (let i = 0; i < grid.n; i++) {
        const ref = (at ?? gridTime(grid, i)) - node.offsetMs;
        if (at !== undefined) j = upperBound(s.ts, ref);
        else while (j < s.ts.length && s.ts[j]! <= ref) j++;
        const k = j - 1;
        if (k < 0 || s.ts[k]! < ref - this.lookbackMs || s.stale?.[k]) continue;
        present[i] = 1;
        values[i] = timestamps ? s.ts[k]! / 1000 : s.vs[k]!;
        any = true;
      }
      if (any) {
        // Points held per step count against the sample limit too (as Prometheus counts them).
        this.countSamples(present.reduce((n, p) => n + p, 0));
        out.push({ labels: s.labels, values, present });
      }
      this.tick();
    }
    return out;
  }

  private evalMatrixSelector(node: VectorSelector, rangeMs: number): Value {
    const series: RangeSeries[] = [];
    for (const s of this.loaded.get(node) ?? []) {
      let ts = s.ts;
      let vs = s.vs;
      const stale = s.stale;
      if (stale !== undefined) {
        const keep: number[] = [];
        for (let i = 0; i < s.ts.length; i++) if (!stale[i]) keep.push(i);
        ts = Float64Array.from(keep, (i) => s.ts[i]!);
        vs = Float64Array.from(keep, (i) => s.vs[i]!);
      }
      series.push({ labels: s.labels, ts, vs, nonDecreasing: s.nonDecreasing });
    }
    return { type: 'range', series, rangeMs, offsetMs: node.offsetMs, atMs: this.atMs(node.at) };
  }

  private evalSubquery(node: SubqueryExpr, grid: Grid): Value {
    const at = this.atMs(node.at);
    const step = node.stepMs || DEFAULT_SUBQUERY_STEP_MS;
    const outerStart = at ?? grid.start;
    const outerEnd = at ?? grid.end;
    const from = outerStart - node.offsetMs - node.rangeMs;
    // Go integer division truncates toward zero; align to multiples of the step.
    let innerStart = step * Math.trunc(from / step);
    if (innerStart < from) innerStart += step;
    const innerEnd = outerEnd - node.offsetMs;
    const n = innerEnd >= innerStart ? Math.floor((innerEnd - innerStart) / step) + 1 : 0;
    const inner: Grid = { start: innerStart, end: innerEnd, step, n };
    const series: RangeSeries[] = [];
    if (n > 0) {
      const v = this.eval(node.expr, inner);
      for (const s of this.vectorOf(v)) {
        const ts: number[] = [];
        const vs: number[] = [];
        for (let i = 0; i < n; i++) {
          if (!s.present[i]) continue;
          ts.push(gridTime(inner, i));
          vs.push(s.values[i]!);
        }
        this.countSamples(ts.length);
        series.push({ labels: s.labels, ts: Float64Array.from(ts), vs: Float64Array.from(vs) });
      }
    }
    return { type: 'range', series, rangeMs: node.rangeMs, offsetMs: node.offsetMs, atMs: at };
  }

  private evalBinary(e: Extract<Expr, { kind: 'binary' }>, grid: Grid): Value {
    const l = this.eval(e.lhs, grid);
    const r = this.eval(e.rhs, grid);
    if (l.type === 'scalar' && r.type === 'scalar') {
      const values = new Float64Array(grid.n);
      for (let i = 0; i < grid.n; i++) values[i] = scalarBinop(e.op, l.values[i]!, r.values[i]!);
      return { type: 'scalar', values };
    }
    if (l.type === 'scalar') {
      return {
        type: 'vector',
        series: vectorScalarBinop(e, this.vectorOf(r), l.values, true, grid),
      };
    }
    if (r.type === 'scalar') {
      return {
        type: 'vector',
        series: vectorScalarBinop(e, this.vectorOf(l), r.values, false, grid),
      };
    }
    return { type: 'vector', series: vectorBinop(e, this.vectorOf(l), this.vectorOf(r), grid) };
  }

  private evalAggregate(e: AggregateExpr, grid: Grid): Value {
    let param: Float64Array | undefined;
    let label: string | undefined;
    if (e.param) {
      const p = this.eval(e.param, grid);
      if (p.type === 'string') label = p.value;
      else param = this.scalarOf(p);
    }
    const input = this.vectorOf(this.eval(e.expr, grid));
    return { type: 'vector', series: aggregate(e, input, grid, param, label, this.checkDeadline) };
  }

  private evalCall(e: Call, grid: Grid): Value {
    const name = e.name;
    switch (name) {
      case 'time': {
        const values = new Float64Array(grid.n);
        for (let i = 0; i < grid.n; i++) values[i] = gridTime(grid, i) / 1000;
        return { type: 'scalar', values };
      }
      case 'pi':
        return { type: 'scalar', values: new Float64Array(grid.n).fill(Math.PI) };
      case 'vector': {
        const values = this.scalarOf(this.eval(e.args[0]!, grid));
        return {
          type: 'vector',
          series: [{ labels: [], values: values.slice(), present: new Uint8Array(grid.n).fill(1) }],
        };
      }
      case 'scalar': {
        const series = this.vectorOf(this.eval(e.args[0]!, grid));
        const values = new Float64Array(grid.n).fill(NaN);
        for (let i = 0; i < grid.n; i++) {
          let count = 0;
          for (const s of series) {
            if (s.present[i]) {
              count++;
              values[i] = s.values[i]!;
            }
          }
          if (count !== 1) values[i] = NaN;
        }
        return { type: 'scalar', values };
      }
      case 'absent':
      case 'absent_over_time':
        return this.evalAbsent(e, grid);
      case 'timestamp': {
        const arg = unwrapParens(e.args[0]!);
        const series =
          arg.kind === 'vector'
            ? this.evalVectorSelector(arg, grid, true)
            : this.vectorOf(this.eval(arg, grid)).map((s) => ({
                labels: s.labels,
                values: Float64Array.from(s.values, (_, i) => gridTime(grid, i) / 1000),
                present: s.present,
              }));
        return { type: 'vector', series: this.mapSeries(series, grid, (v) => v, true) };
      }
      case 'sort':
      case 'sort_desc': {
        const series = this.vectorOf(this.eval(e.args[0]!, grid));
        if (grid.n !== 1) return { type: 'vector', series };
        const desc = name === 'sort_desc';
        const sorted = [...series].sort((a, b) => {
          const va = a.values[0]!;
          const vb = b.values[0]!;
          if (Number.isNaN(va)) return Number.isNaN(vb) ? 0 : -1;
          if (Number.isNaN(vb)) return 1;
          return desc ? vb - va : va - vb;
        });
        return { type: 'vector', series: sorted };
      }
      case 'label_replace':
        return this.evalLabelReplace(e, grid);
      case 'label_join':
        return this.evalLabelJoin(e, grid);
      case 'histogram_quantile':
        return this.evalHistogramQuantile(e, grid);
      case 'histogram_count':
      case 'histogram_sum':
      case 'histogram_fraction':
        // Native histograms only; float samples yield nothing (as in Prometheus).
        for (const a of e.args) this.eval(a, grid);
        return { type: 'vector', series: [] };
      default:
        break;
    }
    const rangeFn = RANGE_FUNCTIONS.get(name);
    if (rangeFn) return this.evalRangeFunction(e, grid);
    const math = MATH_FUNCTIONS.get(name);
    if (math) {
      const series = this.vectorOf(this.eval(e.args[0]!, grid));
      return { type: 'vector', series: this.mapSeries(series, grid, math, true) };
    }
    const date = DATE_FUNCTIONS.get(name);
    if (date) {
      if (e.args.length === 0) {
        const values = new Float64Array(grid.n);
        for (let i = 0; i < grid.n; i++) values[i] = date(gridTime(grid, i) / 1000);
        return {
          type: 'vector',
          series: [{ labels: [], values, present: new Uint8Array(grid.n).fill(1) }],
        };
      }
      const series = this.vectorOf(this.eval(e.args[0]!, grid));
      return { type: 'vector', series: this.mapSeries(series, grid, date, true) };
    }
    if (name === 'round' || name === 'clamp' || name === 'clamp_min' || name === 'clamp_max') {
      const series = this.vectorOf(this.eval(e.args[0]!, grid));
      const args = e.args.slice(1).map((a) => this.scalarOf(this.eval(a, grid)));
      return { type: 'vector', series: this.mapSeriesStep(series, grid, name, args) };
    }
    throw new PromQLError('internal', `function ${name} is not implemented`);
  }

  /** Apply an element-wise function; the metric name is dropped. */
  private mapSeries(
    series: readonly StepSeries[],
    grid: Grid,
    f: (v: number) => number,
    dropName: boolean,
  ): StepSeries[] {
    const out = series.map((s) => ({
      labels: dropName ? dropMetricName(s.labels) : s.labels,
      values: s.values.map((v, i) => (s.present[i] ? f(v) : 0)),
      present: s.present,
    }));
    this.checkUniqueLabelsPerStep(out, grid);
    return out;
  }

  private mapSeriesStep(
    series: readonly StepSeries[],
    grid: Grid,
    name: string,
    args: Float64Array[],
  ): StepSeries[] {
    const builder = new VectorBuilder(grid.n);
    for (const s of series) {
      const labels = dropMetricName(s.labels);
      const key = labelsKey(labels);
      for (let i = 0; i < grid.n; i++) {
        if (!s.present[i]) continue;
        const v = s.values[i]!;
        let out: number;
        if (name === 'round') out = roundTo(v, args[0]?.[i] ?? 1);
        else if (name === 'clamp_min') out = Math.max(v, args[0]![i]!);
        else if (name === 'clamp_max') out = Math.min(v, args[0]![i]!);
        else {
          const min = args[0]![i]!;
          const max = args[1]![i]!;
          if (max < min) continue;
          out = Math.max(min, Math.min(max, v));
        }
        builder.add(labels, i, out, key);
      }
    }
    return builder.build();
  }

  private evalRangeFunction(e: Call, grid: Grid): Value {
    const name = e.name;
    const fn = RANGE_FUNCTIONS.get(name)!;
    const rangeArgIndex = e.args.findIndex((a) => typeOf(a) === 'range vector');
    const scalarArgs = e.args.map((a, i) =>
      i === rangeArgIndex ? undefined : this.scalarOf(this.eval(a, grid)),
    );
    const range = this.eval(e.args[rangeArgIndex]!, grid);
    if (range.type !== 'range') throw new PromQLError('internal', 'expected range vector');
    const out: StepSeries[] = [];
    const scalarValues = scalarArgs.filter((a): a is Float64Array => a !== undefined);
    const args: number[] = scalarValues.map(() => 0);
    const w: RangeWindow = {
      ts: new Float64Array(0),
      vs: new Float64Array(0),
      lo: 0,
      hi: 0,
      rangeStartMs: 0,
      rangeEndMs: 0,
      rangeMs: range.rangeMs,
      stepMs: 0,
      resets: undefined,
    };
    const counterFn = name === 'rate' || name === 'increase';
    const keepName = name === 'last_over_time';
    const sliding = range.atMs === undefined && (counterFn || name === 'delta');
    for (const s of range.series) {
      if (sliding) {
        const values = new Float64Array(grid.n);
        const present = new Uint8Array(grid.n);
        const any = extrapolatedRateSteps(
          s.ts,
          s.vs,
          grid.start,
          grid.step,
          grid.n,
          range.rangeMs,
          range.offsetMs,
          counterFn,
          name === 'rate',
          values,
          present,
          s.nonDecreasing === true,
        );
        this.tick();
        if (any) out.push({ labels: dropMetricName(s.labels), values, present });
        continue;
      }
      const values = new Float64Array(grid.n);
      const present = new Uint8Array(grid.n);
      let any = false;
      let lo = 0;
      let hi = 0;
      w.ts = s.ts;
      w.vs = s.vs;
      w.resets = counterFn ? resetPrefix(s.vs) : undefined;
      for (let i = 0; i < grid.n; i++) {
        const t = grid.start + i * grid.step;
        const end = (range.atMs ?? t) - range.offsetMs;
        const start = end - range.rangeMs;
        if (range.atMs !== undefined) {
          lo = lowerBound(s.ts, start);
          hi = upperBound(s.ts, end, lo);
        } else {
          while (lo < s.ts.length && s.ts[lo]! < start) lo++;
          if (hi < lo) hi = lo;
          while (hi < s.ts.length && s.ts[hi]! <= end) hi++;
        }
        if (hi <= lo) continue;
        w.lo = lo;
        w.hi = hi;
        w.rangeStartMs = start;
        w.rangeEndMs = end;
        // With @ the node is step-invariant: Prometheus evaluates it once, at the grid's start.
        w.stepMs = range.atMs !== undefined ? grid.start : t;
        for (let a = 0; a < args.length; a++) args[a] = scalarValues[a]![i]!;
        const v = fn(w, args);
        if (v === undefined) continue;
        values[i] = v;
        present[i] = 1;
        any = true;
      }
      this.tick();
      if (any)
        out.push({ labels: keepName ? s.labels : dropMetricName(s.labels), values, present });
    }
    const seen = new Set<string>();
    for (const s of out) {
      const key = labelsKey(s.labels);
      if (seen.has(key)) throw new PromQLError('execution', DUPLICATE_LABELSET);
      seen.add(key);
    }
    return { type: 'vector', series: out };
  }

  private evalAbsent(e: Call, grid: Grid): Value {
    const arg = unwrapParens(e.args[0]!);
    const v = this.eval(arg, grid);
    const present = new Uint8Array(grid.n);
    if (v.type === 'vector') {
      for (let i = 0; i < grid.n; i++) present[i] = v.series.some((s) => s.present[i]) ? 0 : 1;
    } else if (v.type === 'range') {
      for (let i = 0; i < grid.n; i++) {
        const end = (v.atMs ?? gridTime(grid, i)) - v.offsetMs;
        const start = end - v.rangeMs;
        const any = v.series.some((s) => {
          const lo = lowerBound(s.ts, start);
          return lo < s.ts.length && s.ts[lo]! <= end;
        });
        present[i] = any ? 0 : 1;
      }
    }
    if (!present.includes(1)) return { type: 'vector', series: [] };
    // Labels come from the equality matchers of a plain selector argument.
    const selector = arg.kind === 'vector' ? arg : arg.kind === 'matrix' ? arg.vector : undefined;
    let labels: Labels = [];
    if (selector) {
      const dropped = new Set<string>();
      for (const m of selector.matchers) {
        if (m.name === '__name__') continue;
        if (m.type === '=' && !labels.some(([n]) => n === m.name))
          labels = setLabel(labels, m.name, m.value);
        else dropped.add(m.name);
      }
      labels = labels.filter(([n]) => !dropped.has(n));
    }
    return {
      type: 'vector',
      series: [{ labels, values: new Float64Array(grid.n).fill(1), present }],
    };
  }

  private stringArg(e: Expr): string {
    const v = this.eval(e, { start: 0, end: 0, step: 1, n: 1 });
    if (v.type !== 'string') throw new PromQLError('internal', 'expected string');
    return v.value;
  }

  private evalLabelReplace(e: Call, grid: Grid): Value {
    const [, dstE, replE, srcE, regexE] = e.args;
    const dst = this.stringArg(dstE!);
    const repl = this.stringArg(replE!);
    const src = this.stringArg(srcE!);
    const regexText = this.stringArg(regexE!);
    let regex: RegExp;
    try {
      regex = compileMatcherRegex(regexText);
    } catch {
      throw new PromQLError(
        'execution',
        `invalid regular expression in label_replace(): ${regexText}`,
      );
    }
    if (!isValidLabelName(dst)) {
      throw new PromQLError(
        'execution',
        `invalid destination label name in label_replace(): ${dst}`,
      );
    }
    const series = this.vectorOf(this.eval(e.args[0]!, grid));
    return {
      type: 'vector',
      series: this.relabel(series, grid, (labels) => {
        const m = regex.exec(getLabel(labels, src));
        if (!m) return labels;
        return setLabel(labels, dst, expandTemplate(repl, m));
      }),
    };
  }

  private evalLabelJoin(e: Call, grid: Grid): Value {
    const dst = this.stringArg(e.args[1]!);
    const sep = this.stringArg(e.args[2]!);
    const srcs = e.args.slice(3).map((a) => this.stringArg(a));
    for (const s of srcs) {
      if (!isValidLabelName(s))
        throw new PromQLError('execution', `invalid source label name in label_join(): ${s}`);
    }
    if (!isValidLabelName(dst)) {
      throw new PromQLError('execution', `invalid destination label name in label_join(): ${dst}`);
    }
    const series = this.vectorOf(this.eval(e.args[0]!, grid));
    return {
      type: 'vector',
      series: this.relabel(series, grid, (labels) =>
        setLabel(labels, dst, srcs.map((s) => getLabel(labels, s)).join(sep)),
      ),
    };
  }

  private relabel(
    series: readonly StepSeries[],
    grid: Grid,
    f: (l: Labels) => Labels,
  ): StepSeries[] {
    const builder = new VectorBuilder(grid.n);
    for (const s of series) {
      const labels = f(s.labels);
      const key = labelsKey(labels);
      for (let i = 0; i < grid.n; i++) if (s.present[i]) builder.add(labels, i, s.values[i]!, key);
    }
    return builder.build();
  }

  private evalHistogramQuantile(e: Call, grid: Grid): Value {
    const q = this.scalarOf(this.eval(e.args[0]!, grid));
    const series = this.vectorOf(this.eval(e.args[1]!, grid));
    const groups = new Map<string, { labels: Labels; members: { s: StepSeries; le: number }[] }>();
    for (const s of series) {
      const le = parseGoFloat(getLabel(s.labels, 'le'));
      if (le === undefined) continue;
      const labels = dropMetricName(s.labels).filter(([n]) => n !== 'le');
      const key = labelsKey(labels);
      let g = groups.get(key);
      if (!g) {
        g = { labels, members: [] };
        groups.set(key, g);
      }
      g.members.push({ s, le });
    }
    const out: StepSeries[] = [];
    for (const g of groups.values()) {
      const values = new Float64Array(grid.n);
      const present = new Uint8Array(grid.n);
      let any = false;
      const members = g.members;
      if (members.some((m) => Number.isNaN(m.le))) {
        // A NaN bound makes the sort order depend on which buckets are present: sort per step.
        for (let i = 0; i < grid.n; i++) {
          const buckets = members
            .filter((m) => m.s.present[i])
            .map((m) => ({ upperBound: m.le, count: m.s.values[i]! }));
          if (buckets.length === 0) continue;
          values[i] = bucketQuantile(q[i]!, buckets);
          present[i] = 1;
          any = true;
        }
      } else {
        // Sorted once (stably, as bucketQuantile sorts); per step only the present buckets are
        // copied into two scratch arrays.
        const sorted = [...members].sort((a, b) => a.le - b.le);
        const bounds = new Float64Array(sorted.length);
        const counts = new Float64Array(sorted.length);
        for (let i = 0; i < grid.n; i++) {
          let n = 0;
          for (const m of sorted) {
            if (!m.s.present[i]) continue;
            bounds[n] = m.le;
            counts[n] = m.s.values[i]!;
            n++;
          }
          if (n === 0) continue;
          values[i] = bucketQuantileSorted(q[i]!, bounds, counts, n);
          present[i] = 1;
          any = true;
        }
      }
      if (any) out.push({ labels: g.labels, values, present });
    }
    return { type: 'vector', series: out };
  }
}

function toQueryResult(v: Value, grid: Grid, instant: boolean): QueryResult {
  const t = formatTime(grid.start);
  if (v.type === 'string') return { resultType: 'string', result: [t, v.value] };
  if (instant) {
    if (v.type === 'scalar')
      return { resultType: 'scalar', result: [t, formatValue(v.values[0]!)] };
    if (v.type === 'vector') {
      return {
        resultType: 'vector',
        result: v.series
          .filter((s) => s.present[0])
          .map((s) => ({
            metric: labelsToObject(s.labels),
            value: [t, formatValue(s.values[0]!)],
          })),
      };
    }
    const end = (v.atMs ?? grid.start) - v.offsetMs;
    const start = end - v.rangeMs;
    const result: { metric: Record<string, string>; values: [number, string][] }[] = [];
    for (const s of v.series) {
      const values: [number, string][] = [];
      for (let i = lowerBound(s.ts, start); i < s.ts.length && s.ts[i]! <= end; i++) {
        values.push([formatTime(s.ts[i]!), formatValue(s.vs[i]!)]);
      }
      if (values.length > 0) result.push({ metric: labelsToObject(s.labels), values });
    }
    return { resultType: 'matrix', result };
  }
  const series: StepSeries[] =
    v.type === 'scalar'
      ? [{ labels: [], values: v.values, present: new Uint8Array(grid.n).fill(1) }]
      : v.type === 'vector'
        ? [...v.series].sort((a, b) => compareLabels(a.labels, b.labels))
        : [];
  const result: { metric: Record<string, string>; values: [number, string][] }[] = [];
  for (const s of series) {
    const values: [number, string][] = [];
    for (let i = 0; i < grid.n; i++) {
      if (s.present[i]) values.push([formatTime(gridTime(grid, i)), formatValue(s.values[i]!)]);
    }
    if (values.length > 0) result.push({ metric: labelsToObject(s.labels), values });
  }
  return { resultType: 'matrix', result };
}

async function run(
  source: SeriesSource,
  query: string,
  grid: Grid,
  instant: boolean,
  options: EngineOptions,
): Promise<QueryResult> {
  const expr = parseExpr(query);
  if (!instant) {
    const type = typeOf(expr);
    if (type !== 'scalar' && type !== 'instant vector') {
      throw new PromQLError(
        'bad_data',
        `invalid expression type "${type}" for range query, must be Scalar or instant Vector`,
      );
    }
  }
  const evaluation = new Evaluation(source, grid.start, grid.end, options);
  evaluation.planWindows(expr, grid.start, grid.end);
  await evaluation.load();
  const value = evaluation.eval(expr, grid);
  const result = toQueryResult(value, grid, instant);
  if (result.resultType === 'matrix') {
    evaluation.countSamples(result.result.reduce((n, s) => n + s.values.length, 0));
  }
  return result;
}

export class PromQLEvaluator implements PromQLEngine {
  constructor(private readonly defaults: EngineOptions = {}) {}

  instantQuery(
    source: SeriesSource,
    query: string,
    timeMs: number,
    options?: EngineOptions,
  ): Promise<QueryResult> {
    const grid: Grid = { start: timeMs, end: timeMs, step: 1, n: 1 };
    return run(source, query, grid, true, { ...this.defaults, ...options });
  }

  rangeQuery(
    source: SeriesSource,
    query: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    options?: EngineOptions,
  ): Promise<QueryResult> {
    if (!(stepMs > 0))
      throw new PromQLError(
        'bad_data',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    const n = endMs >= startMs ? Math.floor((endMs - startMs) / stepMs) + 1 : 0;
    const grid: Grid = { start: startMs, end: endMs, step: stepMs, n };
    return run(source, query, grid, false, { ...this.defaults, ...options });
  }
}
