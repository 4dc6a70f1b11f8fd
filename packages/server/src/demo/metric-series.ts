/**
 * Cumulative aggregations as an SDK's metric reader keeps them: one series per attribute set,
 * turned into OTLP data points at each collection.
 */
import type {
  AnyValue,
  Attributes,
  Exemplar,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  NumberDataPoint,
} from '../otlp/encode.js';

/** `http.server.request.duration` and friends: the semantic conventions' advised bounds (s). */
export const DURATION_BOUNDS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

export interface ExemplarSource {
  timeUnixNano: bigint;
  traceId: string;
  spanId: string;
}

export class HistogramSeries {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private exemplar: Exemplar | undefined;

  constructor(
    readonly attributes: Attributes,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  record(value: number, exemplar?: ExemplarSource): void {
    let bucket = 0;
    // Buckets are upper-inclusive: (bounds[i-1], bounds[i]].
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (exemplar !== undefined) this.exemplar = { ...exemplar, value };
  }

  toPoint(startTimeUnixNano: bigint, timeUnixNano: bigint): HistogramDataPoint {
    const point: HistogramDataPoint = {
      attributes: this.attributes,
      startTimeUnixNano,
      timeUnixNano,
      count: this.count,
      sum: this.sum,
      bucketCounts: [...this.counts],
      explicitBounds: this.bounds,
    };
    if (this.count > 0) {
      point.min = this.min;
      point.max = this.max;
    }
    if (this.exemplar !== undefined) point.exemplars = [this.exemplar];
    return point;
  }
}

/**
 * A base-2 exponential histogram at a fixed scale, for positive values (amounts, durations).
 * Scale 3 gives 8 buckets per power of two, about 9% relative error.
 */
export class ExponentialHistogramSeries {
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private zeroCount = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;

  constructor(
    readonly attributes: Attributes,
    private readonly scale = 3,
  ) {}

  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (value <= 0) {
      this.zeroCount++;
      return;
    }
    // Bucket i holds (base^i, base^(i+1)] with base = 2^(2^-scale).
    const index = Math.ceil(Math.log2(value) * 2 ** this.scale) - 1;
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
  }

  toPoint(startTimeUnixNano: bigint, timeUnixNano: bigint): ExponentialHistogramDataPoint {
    const point: ExponentialHistogramDataPoint = {
      attributes: this.attributes,
      startTimeUnixNano,
      timeUnixNano,
      count: this.count,
      sum: this.sum,
      scale: this.scale,
      zeroCount: this.zeroCount,
    };
    if (this.buckets.size > 0) {
      const indexes = [...this.buckets.keys()];
      const lowest = Math.min(...indexes);
      const highest = Math.max(...indexes);
      const bucketCounts = new Array<number>(highest - lowest + 1).fill(0);
      for (const [index, n] of this.buckets) bucketCounts[index - lowest] = n;
      point.positive = { offset: lowest, bucketCounts };
    }
    if (this.count > 0) {
      point.min = this.min;
      point.max = this.max;
    }
    return point;
  }
}

export class SumSeries {
  private value = 0;

  constructor(readonly attributes: Attributes) {}

  add(delta: number): void {
    this.value += delta;
  }

  /** Counts are integers: sent as int64. */
  toPoint(startTimeUnixNano: bigint, timeUnixNano: bigint): NumberDataPoint {
    return {
      attributes: this.attributes,
      startTimeUnixNano,
      timeUnixNano,
      value: BigInt(Math.round(this.value)),
    };
  }
}

/** A stable key for an attribute set: distinct for distinct names, values and value types. */
export function attributesKey(attributes: Attributes): string {
  let key = '';
  for (const name in attributes) key += `${name.length}:${name}=${valueText(attributes[name]!)};`;
  return key;
}

function valueText(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'bigint':
      return `i${value}`;
    case 'number':
      return `d${value}`;
    case 'boolean':
      return `b${value}`;
    default:
      return `o${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
  }
}
