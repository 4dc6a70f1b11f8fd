import { Readable } from 'node:stream';
import {
  LOG_COLUMNS,
  METRIC_POINT_COLUMNS,
  PROM_EXEMPLAR_COLUMNS,
  PROM_METADATA_COLUMNS,
  PROM_SAMPLE_COLUMNS,
  PROM_SERIES_COLUMNS,
  SPAN_COLUMNS,
  type ColumnDef,
  type ColumnType,
  type Signal,
} from '../schema.js';
import type { TenantBatch } from '../telemetry-store.js';
import { withStringColumns } from '../../telemetry/utf8-column.js';
import { attributePairs } from './attribute-pairs.js';
import { isAttributeMap, storedColumns } from './clickhouse-schema.js';
import { TSV_NULL, tsvFloat, tsvFloatArray, tsvString, tsvStringArray } from './tsv.js';

/** One signal's rows of one write, as TabSeparated text for a single INSERT. */
export interface EncodedRows {
  signal: Signal;
  columns: [string, ...string[]];
  count: number;
  stream(): Readable;
}

/** Rows per text chunk: keeps single strings well below V8's string limit. */
const CHUNK_ROWS = 4096;

function field(type: ColumnType, value: unknown): string {
  if (value === null || value === undefined) {
    if (type.startsWith('nullable_')) return TSV_NULL;
    throw new Error(`missing value in a non-nullable ${type} column`);
  }
  switch (type) {
    case 'string':
    case 'nullable_string':
      if (typeof value !== 'string') throw new Error(`non-string value in a ${type} column`);
      return tsvString(value);
    case 'int64':
    case 'nullable_int32':
    case 'uint8':
    case 'uint32':
      return typeof value === 'bigint' ? value.toString() : String(Math.trunc(Number(value)));
    case 'float64':
    case 'nullable_float64':
      return tsvFloat(Number(value));
    case 'bool':
      return value ? '1' : '0';
    case 'float64_list':
      return tsvFloatArray(value as ArrayLike<number>);
  }
}

/** `prom_samples.stale` per row: 1 where the value is the staleness marker (by its bits). */
function staleFlags(values: Float64Array): (row: number) => string {
  // Read through an integer view: a NaN read as a number may lose its payload.
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  // The marker is 0x7ff0000000000002; JS may have set its quiet bit (0x7ff8000000000002).
  return (row) =>
    words[2 * row] === 2 && (words[2 * row + 1]! & 0x7ff7ffff) === 0x7ff00000 ? '1' : '0';
}

function encodeBatch<B extends { length: number }>(
  columns: readonly ColumnDef<B>[],
  batch: B,
  tenant: string,
  writeId: string,
  chunks: string[],
  /** Fields stored after the columns (before the write id), per row. */
  extra?: (row: number) => string,
): void {
  const values = columns.map((c) => {
    const column = c.read(batch);
    if (column.length !== batch.length) {
      throw new Error(
        `column ${c.name} holds ${column.length} values for a batch of ${batch.length} rows`,
      );
    }
    return column;
  });
  const tenantField = tsvString(tenant);
  let chunk = '';
  for (let row = 0; row < batch.length; row++) {
    let line = tenantField;
    for (let i = 0; i < columns.length; i++) {
      const def = columns[i]!;
      const value = values[i]![row];
      line += `\t${field(def.type, value)}`;
      if (isAttributeMap(def.name)) {
        const pairs = attributePairs(typeof value === 'string' ? value : '{}');
        line += `\t${tsvStringArray(pairs.keys)}\t${tsvStringArray(pairs.values)}`;
      }
    }
    if (extra) line += `\t${extra(row)}`;
    chunk += `${line}\t${writeId}\n`;
    if ((row + 1) % CHUNK_ROWS === 0) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  if (chunk !== '') chunks.push(chunk);
}

/** Encode every batch's rows of one signal, or null when the write has none. */
export function encodeSignal(
  signal: Signal,
  batches: readonly TenantBatch[],
  writeId: bigint,
): EncodedRows | null {
  const chunks: string[] = [];
  let count = 0;
  const id = writeId.toString();
  for (const b of batches) {
    if (signal === 'spans' && b.spans && b.spans.length > 0) {
      encodeBatch(SPAN_COLUMNS, withStringColumns(b.spans), b.tenant, id, chunks);
      count += b.spans.length;
    } else if (signal === 'logs' && b.logs && b.logs.length > 0) {
      encodeBatch(LOG_COLUMNS, withStringColumns(b.logs), b.tenant, id, chunks);
      count += b.logs.length;
    } else if (signal === 'metric_points' && b.metricPoints && b.metricPoints.length > 0) {
      encodeBatch(METRIC_POINT_COLUMNS, b.metricPoints, b.tenant, id, chunks);
      count += b.metricPoints.length;
    } else if (signal === 'prom_series' && b.promSeries && b.promSeries.length > 0) {
      encodeBatch(PROM_SERIES_COLUMNS, b.promSeries, b.tenant, id, chunks);
      count += b.promSeries.length;
    } else if (signal === 'prom_samples' && b.promSamples && b.promSamples.length > 0) {
      const stale = staleFlags(b.promSamples.value);
      encodeBatch(PROM_SAMPLE_COLUMNS, b.promSamples, b.tenant, id, chunks, stale);
      count += b.promSamples.length;
    } else if (signal === 'prom_exemplars' && b.promExemplars && b.promExemplars.length > 0) {
      encodeBatch(PROM_EXEMPLAR_COLUMNS, b.promExemplars, b.tenant, id, chunks);
      count += b.promExemplars.length;
    } else if (signal === 'prom_metadata' && b.promMetadata && b.promMetadata.length > 0) {
      encodeBatch(PROM_METADATA_COLUMNS, b.promMetadata, b.tenant, id, chunks);
      count += b.promMetadata.length;
    }
  }
  if (count === 0) return null;
  return {
    signal,
    columns: [
      'tenant',
      ...storedColumns(signal)
        .slice(1)
        .map((c) => c.name),
    ],
    count,
    stream: () => Readable.from(chunks, { objectMode: false }),
  };
}
