import type { Labels } from '../query/promql/types.js';
import type { PromBatchBuilder } from './prom-batch-builder.js';
import {
  decodeWriteRequestColumns,
  labelsOfColumns,
  type WriteRequestColumns,
} from './remote-write-columns.js';
import type { SeriesEntry } from './series-registry.js';

export { RemoteWriteDecodeError } from './remote-write-wire.js';

/**
 * Prometheus remote write 1.0 `prometheus.WriteRequest` into a PromBatchBuilder, in two steps:
 * `decodeWriteRequestColumns` (stateless, on a decode worker when there is one) turns the wire
 * into columns; `applyWriteRequest` (main thread, it needs the series registry) finds each
 * series' id and hands the columns to the builder. Unknown fields are skipped; native
 * histograms (TimeSeries field 4) are counted and not stored. Field numbers and messages:
 * `remote-write-wire.ts`.
 */

export interface RemoteWriteStats {
  series: number;
  samples: number;
  exemplars: number;
  /** Native histogram samples, which this receiver does not store. */
  histogramsIgnored: number;
  /** Samples refused because their series id collided with another label set. */
  collisions: number;
}

const MS_PER_DAY = 86_400_000;

/** Series i's labels, decoded (and validated) once and only when needed. */
class ColumnLabels {
  private decoded: Labels | undefined;
  constructor(
    private readonly columns: WriteRequestColumns,
    private readonly series: number,
  ) {}

  labels(): Labels {
    this.decoded ??= labelsOfColumns(this.columns, this.series);
    return this.decoded;
  }
}

/**
 * Add a decoded request's rows to `out`. Throws RemoteWriteDecodeError when the labels of a
 * series it must decode are invalid; the builder is then to be discarded (nothing of the
 * request is written).
 */
export function applyWriteRequest(
  columns: WriteRequestColumns,
  out: PromBatchBuilder,
): RemoteWriteStats {
  const stats: RemoteWriteStats = {
    series: columns.seriesTotal,
    samples: 0,
    exemplars: 0,
    histogramsIgnored: columns.histogramsIgnored,
    collisions: 0,
  };
  const { seriesCount, labelHashes, labelStarts, labelEnds, sampleEnds } = columns;
  const { minTimeMs, maxTimeMs, timeMs } = columns;
  const seriesId = new BigInt64Array(columns.value.length);
  const entries: (SeriesEntry | null)[] = new Array<SeriesEntry | null>(seriesCount);
  let collided = false;
  for (let i = 0; i < seriesCount; i++) {
    const labelLength = labelEnds[i]! - labelStarts[i]!;
    const hashA = labelHashes[2 * i]!;
    const hashB = labelHashes[2 * i + 1]!;
    let labels: ColumnLabels | undefined;
    let entry = out.seriesByBytes(hashA, hashB, labelLength) ?? null;
    if (entry === null) {
      labels = new ColumnLabels(columns, i);
      entry = out.seriesOf(labels.labels());
      if (entry !== null) out.rememberSeriesBytes(hashA, hashB, labelLength, entry);
    }
    entries[i] = entry;
    const start = i === 0 ? 0 : sampleEnds[i - 1]!;
    const end = sampleEnds[i]!;
    if (entry === null) {
      stats.collisions += end - start;
      collided = true;
      continue;
    }
    if (end === start + 1) seriesId[start] = entry.id;
    else if (end > start) seriesId.fill(entry.id, start, end);
    if (end === start) continue;
    // An index row per UTC day the series has samples in (nearly always one).
    const firstDay = Math.floor(minTimeMs[i]! / MS_PER_DAY) * MS_PER_DAY;
    const lastDay = Math.floor(maxTimeMs[i]! / MS_PER_DAY) * MS_PER_DAY;
    if (firstDay === lastDay) {
      if (out.needsIndex(entry, firstDay)) {
        out.index(entry, labels ?? new ColumnLabels(columns, i), firstDay);
      }
    } else {
      const source = labels ?? new ColumnLabels(columns, i);
      for (let j = start; j < end; j++) {
        out.index(entry, source, Math.floor(Number(timeMs[j]!) / MS_PER_DAY) * MS_PER_DAY);
      }
    }
  }
  if (collided) addKept(out, columns, entries, seriesId);
  else out.addSampleColumns(seriesId, columns.timeMs, columns.value);
  stats.samples = columns.value.length - stats.collisions;
  for (const exemplar of columns.exemplars) {
    const entry = entries[exemplar.series];
    if (entry == null) continue;
    out.addExemplar(entry.id, exemplar.labels, exemplar.timeMs, exemplar.value);
    stats.exemplars++;
  }
  const nowMs = Date.now();
  for (const entry of columns.metadata) out.addMetadata(entry, nowMs);
  return stats;
}

/** The samples of the series that were not refused (after an id collision). */
function addKept(
  out: PromBatchBuilder,
  columns: WriteRequestColumns,
  entries: (SeriesEntry | null)[],
  seriesId: BigInt64Array,
): void {
  const keep: number[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (entries[i] === null) continue;
    const start = i === 0 ? 0 : columns.sampleEnds[i - 1]!;
    for (let j = start; j < columns.sampleEnds[i]!; j++) keep.push(j);
  }
  out.addSampleColumns(
    BigInt64Array.from(keep, (j) => seriesId[j]!),
    BigInt64Array.from(keep, (j) => columns.timeMs[j]!),
    Float64Array.from(keep, (j) => columns.value[j]!),
  );
}

/**
 * Decode a (decompressed) WriteRequest into `out` on this thread. Throws
 * RemoteWriteDecodeError on malformed input; the builder is then to be discarded.
 */
export function decodeWriteRequest(buf: Buffer, out: PromBatchBuilder): RemoteWriteStats {
  return applyWriteRequest(decodeWriteRequestColumns(buf), out);
}
