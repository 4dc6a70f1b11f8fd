/** Values flowing between evaluator nodes: every node is evaluated over all steps of a grid at once. */
import type { Labels } from './types.js';
import { PromQLError } from './types.js';
import { labelsKey } from './labels.js';

/** The evaluation timestamps: start + i * step for i < n. */
export interface Grid {
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly n: number;
}

export function gridTime(grid: Grid, i: number): number {
  return grid.start + i * grid.step;
}

/** One output series of an instant-vector node: a value at each step where `present` is 1. */
export interface StepSeries {
  readonly labels: Labels;
  readonly values: Float64Array;
  readonly present: Uint8Array;
}

/** One series of a range-vector node: raw samples (ascending ms, stale markers removed). */
export interface RangeSeries {
  readonly labels: Labels;
  readonly ts: Float64Array;
  readonly vs: Float64Array;
  /** True when known that no value is below the one before it (no counter resets). */
  readonly nonDecreasing?: boolean;
}

export type Value =
  | { readonly type: 'scalar'; readonly values: Float64Array }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'vector'; readonly series: StepSeries[] }
  | {
      readonly type: 'range';
      readonly series: RangeSeries[];
      readonly rangeMs: number;
      readonly offsetMs: number;
      /** Fixed evaluation time (@), Unix ms. */
      readonly atMs: number | undefined;
    };

export const DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

/** Collects per-step samples into series keyed by label set; two samples of one label set at one step is an error. */
export class VectorBuilder {
  private readonly byKey = new Map<string, StepSeries>();

  constructor(private readonly n: number) {}

  add(labels: Labels, step: number, value: number, key = labelsKey(labels)): void {
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels, values: new Float64Array(this.n), present: new Uint8Array(this.n) };
      this.byKey.set(key, s);
    }
    if (s.present[step]) throw new PromQLError('execution', DUPLICATE_LABELSET);
    s.present[step] = 1;
    s.values[step] = value;
  }

  build(): StepSeries[] {
    return [...this.byKey.values()];
  }
}
