import type { AttributeLimiter } from './attribute-limits.js';
import { NO_NUMBERS, type MetricPointBatchBuilder } from './builders.js';
import { int64Number, uint64Number } from './int64-text.js';
import { JsonWriter } from './json-writer.js';
import { writeKeyValue } from './wire-any-value.js';
import type { WireReader } from './wire-reader.js';

/**
 * The data point messages of metrics.proto (Number, Histogram, ExponentialHistogram, Summary)
 * and their exemplars, each appended as one row of a MetricPointBatchBuilder. The metric-,
 * scope- and resource-level columns are filled by `decode-metrics.ts`.
 */

const pointAttributes = new JsonWriter();
const pointExemplars = new JsonWriter();
const exemplarAttributes = new JsonWriter();

export class DataPointWireDecoder {
  // Set by `buckets`.
  private bucketOffset = 0;
  private bucketCounts: number[] = NO_NUMBERS;

  constructor(
    private readonly r: WireReader,
    private readonly out: MetricPointBatchBuilder,
    private readonly limits: AttributeLimiter,
  ) {}

  numberPoint(end: number): void {
    const r = this.r;
    let startLo = 0;
    let startHi = 0;
    let timeLo = 0;
    let timeHi = 0;
    let value = NaN;
    let flags = 0;
    openPoint();
    while (r.pos < end) {
      r.msg = 'NumberDataPoint';
      const tag = r.tag(end);
      switch (tag) {
        case 0x11:
          r.fixed64(end);
          startLo = r.lo;
          startHi = r.hi;
          break;
        case 0x19:
          r.fixed64(end);
          timeLo = r.lo;
          timeHi = r.hi;
          break;
        case 0x21:
          value = r.double(end);
          break;
        case 0x31:
          r.fixed64(end);
          value = int64Number(r.lo, r.hi);
          break;
        case 0x2a:
          this.exemplar(r.len(end));
          break;
        case 0x3a:
          writeKeyValue(r, r.len(end), pointAttributes, 0, null, null, this.limits);
          break;
        case 0x40:
          flags = r.uint32(end);
          break;
        default:
          r.skip(tag, end);
      }
    }
    const out = this.out;
    out.attributes.push(pointAttributes.closeObject());
    out.startTimeUnixNano.pushHalves(startLo, startHi);
    out.timeUnixNano.pushHalves(timeLo, timeHi);
    out.value.push(value);
    out.pushNumberPointDefaults();
    out.exemplars.push(pointExemplars.closeArray());
    out.flags.push(flags);
  }

  histogramPoint(end: number): void {
    const r = this.r;
    let startLo = 0;
    let startHi = 0;
    let timeLo = 0;
    let timeHi = 0;
    let count = 0;
    let sum = NaN;
    let min = NaN;
    let max = NaN;
    let flags = 0;
    let bucketCounts = NO_NUMBERS;
    let explicitBounds = NO_NUMBERS;
    openPoint();
    while (r.pos < end) {
      r.msg = 'HistogramDataPoint';
      const tag = r.tag(end);
      switch (tag) {
        case 0x11:
          r.fixed64(end);
          startLo = r.lo;
          startHi = r.hi;
          break;
        case 0x19:
          r.fixed64(end);
          timeLo = r.lo;
          timeHi = r.hi;
          break;
        case 0x21:
          r.fixed64(end);
          count = uint64Number(r.lo, r.hi);
          break;
        case 0x29:
          sum = r.double(end);
          break;
        case 0x31: // bucket_counts, unpacked
          if (bucketCounts === NO_NUMBERS) bucketCounts = [];
          r.fixed64(end);
          bucketCounts.push(uint64Number(r.lo, r.hi));
          break;
        case 0x32: {
          // bucket_counts, packed
          if (bucketCounts === NO_NUMBERS) bucketCounts = [];
          const e = r.len(end);
          while (r.pos < e) {
            r.fixed64(e);
            bucketCounts.push(uint64Number(r.lo, r.hi));
          }
          break;
        }
        case 0x39: // explicit_bounds, unpacked
          if (explicitBounds === NO_NUMBERS) explicitBounds = [];
          explicitBounds.push(r.double(end));
          break;
        case 0x3a: {
          // explicit_bounds, packed
          if (explicitBounds === NO_NUMBERS) explicitBounds = [];
          const e = r.len(end);
          while (r.pos < e) explicitBounds.push(r.double(e));
          break;
        }
        case 0x42:
          this.exemplar(r.len(end));
          break;
        case 0x4a:
          writeKeyValue(r, r.len(end), pointAttributes, 0, null, null, this.limits);
          break;
        case 0x50:
          flags = r.uint32(end);
          break;
        case 0x59:
          min = r.double(end);
          break;
        case 0x61:
          max = r.double(end);
          break;
        default:
          r.skip(tag, end);
      }
    }
    const out = this.out;
    out.attributes.push(pointAttributes.closeObject());
    out.startTimeUnixNano.pushHalves(startLo, startHi);
    out.timeUnixNano.pushHalves(timeLo, timeHi);
    out.value.push(NaN);
    out.count.push(count);
    out.sum.push(sum);
    out.min.push(min);
    out.max.push(max);
    out.bucketCounts.push(bucketCounts);
    out.explicitBounds.push(explicitBounds);
    out.pushNoExponential();
    out.quantiles.push(NO_NUMBERS);
    out.quantileValues.push(NO_NUMBERS);
    out.exemplars.push(pointExemplars.closeArray());
    out.flags.push(flags);
  }

  exponentialPoint(end: number): void {
    const r = this.r;
    let startLo = 0;
    let startHi = 0;
    let timeLo = 0;
    let timeHi = 0;
    let count = 0;
    let sum = NaN;
    let min = NaN;
    let max = NaN;
    let flags = 0;
    let scale = 0;
    let zeroCount = 0;
    let positiveOffset = 0;
    let positiveCounts = NO_NUMBERS;
    let negativeOffset = 0;
    let negativeCounts = NO_NUMBERS;
    openPoint();
    while (r.pos < end) {
      r.msg = 'ExponentialHistogramDataPoint';
      const tag = r.tag(end);
      switch (tag) {
        case 0x0a:
          writeKeyValue(r, r.len(end), pointAttributes, 0, null, null, this.limits);
          break;
        case 0x11:
          r.fixed64(end);
          startLo = r.lo;
          startHi = r.hi;
          break;
        case 0x19:
          r.fixed64(end);
          timeLo = r.lo;
          timeHi = r.hi;
          break;
        case 0x21:
          r.fixed64(end);
          count = uint64Number(r.lo, r.hi);
          break;
        case 0x29:
          sum = r.double(end);
          break;
        case 0x30:
          scale = r.sint32(end);
          break;
        case 0x39:
          r.fixed64(end);
          zeroCount = uint64Number(r.lo, r.hi);
          break;
        case 0x42:
          this.buckets(r.len(end));
          positiveOffset = this.bucketOffset;
          positiveCounts = this.bucketCounts;
          break;
        case 0x4a:
          this.buckets(r.len(end));
          negativeOffset = this.bucketOffset;
          negativeCounts = this.bucketCounts;
          break;
        case 0x50:
          flags = r.uint32(end);
          break;
        case 0x5a:
          this.exemplar(r.len(end));
          break;
        case 0x61:
          min = r.double(end);
          break;
        case 0x69:
          max = r.double(end);
          break;
        default:
          r.skip(tag, end);
      }
    }
    const out = this.out;
    out.attributes.push(pointAttributes.closeObject());
    out.startTimeUnixNano.pushHalves(startLo, startHi);
    out.timeUnixNano.pushHalves(timeLo, timeHi);
    out.value.push(NaN);
    out.count.push(count);
    out.sum.push(sum);
    out.min.push(min);
    out.max.push(max);
    out.bucketCounts.push(NO_NUMBERS);
    out.explicitBounds.push(NO_NUMBERS);
    out.expScale.push(scale);
    out.expZeroCount.push(zeroCount);
    out.expPositiveOffset.push(positiveOffset);
    out.expPositiveBucketCounts.push(positiveCounts);
    out.expNegativeOffset.push(negativeOffset);
    out.expNegativeBucketCounts.push(negativeCounts);
    out.quantiles.push(NO_NUMBERS);
    out.quantileValues.push(NO_NUMBERS);
    out.exemplars.push(pointExemplars.closeArray());
    out.flags.push(flags);
  }

  /** Reads ExponentialHistogramDataPoint.Buckets into `bucketOffset` / `bucketCounts`. */
  private buckets(end: number): void {
    const r = this.r;
    let counts = NO_NUMBERS;
    this.bucketOffset = 0;
    while (r.pos < end) {
      r.msg = 'ExponentialHistogramDataPoint.Buckets';
      const tag = r.tag(end);
      if (tag === 0x08) {
        this.bucketOffset = r.sint32(end);
      } else if (tag === 0x10) {
        if (counts === NO_NUMBERS) counts = [];
        r.varint64(end);
        counts.push(uint64Number(r.lo, r.hi));
      } else if (tag === 0x12) {
        if (counts === NO_NUMBERS) counts = [];
        const e = r.len(end);
        while (r.pos < e) {
          r.varint64(e);
          counts.push(uint64Number(r.lo, r.hi));
        }
      } else {
        r.skip(tag, end);
      }
    }
    this.bucketCounts = counts;
  }

  summaryPoint(end: number): void {
    const r = this.r;
    let startLo = 0;
    let startHi = 0;
    let timeLo = 0;
    let timeHi = 0;
    let count = 0;
    let sum = 0;
    let flags = 0;
    let quantiles = NO_NUMBERS;
    let quantileValues = NO_NUMBERS;
    openPoint();
    while (r.pos < end) {
      r.msg = 'SummaryDataPoint';
      const tag = r.tag(end);
      switch (tag) {
        case 0x11:
          r.fixed64(end);
          startLo = r.lo;
          startHi = r.hi;
          break;
        case 0x19:
          r.fixed64(end);
          timeLo = r.lo;
          timeHi = r.hi;
          break;
        case 0x21:
          r.fixed64(end);
          count = uint64Number(r.lo, r.hi);
          break;
        case 0x29:
          sum = r.double(end);
          break;
        case 0x32: {
          if (quantiles === NO_NUMBERS) {
            quantiles = [];
            quantileValues = [];
          }
          const e = r.len(end);
          let quantile = 0;
          let value = 0;
          while (r.pos < e) {
            r.msg = 'SummaryDataPoint.ValueAtQuantile';
            const t = r.tag(e);
            if (t === 0x09) quantile = r.double(e);
            else if (t === 0x11) value = r.double(e);
            else r.skip(t, e);
          }
          quantiles.push(quantile);
          quantileValues.push(value);
          break;
        }
        case 0x3a:
          writeKeyValue(r, r.len(end), pointAttributes, 0, null, null, this.limits);
          break;
        case 0x40:
          flags = r.uint32(end);
          break;
        default:
          r.skip(tag, end);
      }
    }
    const out = this.out;
    out.attributes.push(pointAttributes.closeObject());
    out.startTimeUnixNano.pushHalves(startLo, startHi);
    out.timeUnixNano.pushHalves(timeLo, timeHi);
    out.value.push(NaN);
    out.count.push(count);
    out.sum.push(sum);
    out.min.push(NaN);
    out.max.push(NaN);
    out.bucketCounts.push(NO_NUMBERS);
    out.explicitBounds.push(NO_NUMBERS);
    out.pushNoExponential();
    out.quantiles.push(quantiles);
    out.quantileValues.push(quantileValues);
    out.exemplars.push(pointExemplars.closeArray());
    out.flags.push(flags);
  }

  /**
   * Appends `{"timeUnixNano":"…","value":n,"traceId":"…","spanId":"…","attributes":{…}}` to
   * `pointExemplars`. An int value is exact integer text; no value is `null`.
   */
  private exemplar(end: number): void {
    const r = this.r;
    let timeLo = 0;
    let timeHi = 0;
    let valueKind = 0; // 0 none, 1 double, 2 int
    let doubleValue = 0;
    let intLo = 0;
    let intHi = 0;
    let traceStart = 0;
    let traceEnd = 0;
    let spanStart = 0;
    let spanEnd = 0;
    exemplarAttributes.reset();
    exemplarAttributes.byte(0x7b);
    while (r.pos < end) {
      r.msg = 'Exemplar';
      const tag = r.tag(end);
      switch (tag) {
        case 0x11:
          r.fixed64(end);
          timeLo = r.lo;
          timeHi = r.hi;
          break;
        case 0x19:
          doubleValue = r.double(end);
          valueKind = 1;
          break;
        case 0x31:
          r.fixed64(end);
          intLo = r.lo;
          intHi = r.hi;
          valueKind = 2;
          break;
        case 0x22:
          spanEnd = r.len(end);
          spanStart = r.pos;
          r.pos = spanEnd;
          break;
        case 0x2a:
          traceEnd = r.len(end);
          traceStart = r.pos;
          r.pos = traceEnd;
          break;
        case 0x3a:
          writeKeyValue(r, r.len(end), exemplarAttributes, 0, null, null, this.limits);
          break;
        default:
          r.skip(tag, end);
      }
    }
    exemplarAttributes.byte(0x7d);
    const w = pointExemplars;
    if (w.len > 1) w.byte(0x2c);
    w.ascii('{"timeUnixNano":"');
    w.int64Digits(timeLo, timeHi);
    w.ascii('","value":');
    if (valueKind === 1) w.double(doubleValue);
    else if (valueKind === 2) w.int64(intLo, intHi);
    else w.ascii('null');
    w.ascii(',"traceId":');
    w.hexString(r.buf, traceStart, traceEnd);
    w.ascii(',"spanId":');
    w.hexString(r.buf, spanStart, spanEnd);
    w.ascii(',"attributes":');
    w.append(exemplarAttributes);
    w.byte(0x7d);
  }
}

function openPoint(): void {
  pointAttributes.reset();
  pointAttributes.byte(0x7b);
  pointExemplars.reset();
  pointExemplars.byte(0x5b);
}
