/**
 * A string column held as UTF-8 bytes: the form in which decode workers hand span and log
 * batches to the main thread (`docs/adr/0018-utf8-column-batches.md`). Its buffers are
 * transferred, not cloned, and the DuckDB appender copies the bytes into its vectors without
 * ever making JS strings of them.
 *
 * Row `i` is `bytes[ends[i - 1] ?? 0, ends[i])`, always valid UTF-8 (the builders check).
 * `nulls` (one byte per row, 1 = SQL NULL) is present only when some row is null; a null row
 * holds no bytes.
 */
export interface Utf8Column {
  readonly utf8: true;
  readonly length: number;
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly ends: Uint32Array<ArrayBuffer>;
  readonly nulls: Uint8Array<ArrayBuffer> | null;
}

export function isUtf8Column(value: unknown): value is Utf8Column {
  return (
    typeof value === 'object' && value !== null && (value as Partial<Utf8Column>).utf8 === true
  );
}

/** The column's rows as JS strings (`null` for null rows): for consumers that need strings. */
export function utf8ColumnStrings(column: Utf8Column): (string | null)[] {
  const { bytes, ends, nulls } = column;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<string | null>(column.length);
  let start = 0;
  for (let i = 0; i < column.length; i++) {
    const end = ends[i]!;
    out[i] = nulls !== null && nulls[i] === 1 ? null : text.toString('utf8', start, end);
    start = end;
  }
  return out;
}

/** The string columns of a batch type as UTF-8 columns, everything else as it is. */
export type Utf8Columns<B> = {
  [K in keyof B]: B[K] extends readonly (string | null)[] ? Utf8Column : B[K];
};

/** A batch with every UTF-8 column turned back into JS strings (its other columns shared). */
export function withStringColumns<B extends object>(batch: B | Utf8Columns<B>): B {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(batch)) {
    out[key] = isUtf8Column(value) ? utf8ColumnStrings(value) : value;
  }
  return out as B;
}

/** The buffers a worker hands over with a batch (each column's own, never shared). */
export function utf8ColumnBuffers(batch: object): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const value of Object.values(batch)) {
    if (!isUtf8Column(value)) continue;
    buffers.push(value.bytes.buffer, value.ends.buffer);
    if (value.nulls) buffers.push(value.nulls.buffer);
  }
  return buffers;
}
