/**
 * What the bytes of sealed span and log parts are made of: seals the benchmark's unique data
 * (the same generator as the sizing phase of `bench:ingest`) in process, then merges the parts
 * the way compaction does, and prints the compressed bytes per item of every Parquet column of
 * both (from DuckDB's `parquet_metadata`).
 *
 *   node --import tsx bench/ingest-part-columns.ts [--signal traces|logs] [--requests 200]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { decodeLogsProtobuf, decodeTracesProtobuf } from '../packages/server/src/otlp/decode.js';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import { DEFAULT_TENANT } from '../packages/server/src/tenant.js';
import { ITEMS_PER_REQUEST, logRequest, spanRequest } from './ingest/payloads.js';

const { values: args } = parseArgs({
  options: {
    signal: { type: 'string', default: 'traces' },
    requests: { type: 'string', default: '200' },
  },
});
const signal = args.signal === 'logs' ? 'logs' : 'traces';
const requests = Number(args.requests);
const limits = { maxAttributes: 128, maxValueLength: 16_384 };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-part-columns-'));
try {
  // Several seals, so that compaction has parts to merge (8 by default).
  const seals = 8;
  const store = await DuckDbTelemetryStore.open({ dataDir, compactMinParts: seals });
  const perSeal = Math.ceil(requests / seals);
  let items = 0;
  for (let s = 0; s < seals; s++) {
    for (let r = 0; r < perSeal; r++) {
      const body = signal === 'traces' ? spanRequest() : logRequest();
      const receivedAt = BigInt(Date.now()) * 1_000_000n;
      await store.write([
        signal === 'traces'
          ? { tenant: DEFAULT_TENANT, spans: decodeTracesProtobuf(body, receivedAt, limits).spans }
          : { tenant: DEFAULT_TENANT, logs: decodeLogsProtobuf(body, receivedAt, limits).logs },
      ]);
      items += ITEMS_PER_REQUEST;
    }
    const report = await store.maintain({ sealAll: true });
    if (s === seals - 2) await snapshot('sealed');
    if (s === seals - 1 && report.partsMerged === 0) throw new Error('no merge happened');
  }
  // Remove the merged-away parts now rather than after their grace period.
  await store.maintain({ now: new Date(Date.now() + 3_600_000) });
  await snapshot('merged');
  await store.close();

  /** Per-column bytes of the live parts (before the last seal: 7 sealed parts; after: merged). */
  async function snapshot(label: string): Promise<void> {
    const dir = path.join(dataDir, 'parts', signal === 'traces' ? 'spans' : 'logs');
    const files = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
      .map((e) => path.join(e.parentPath, e.name));
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const list = `[${files.map((f) => `'${f}'`).join(', ')}]`;
    const reader = await connection.runAndReadAll(
      `SELECT path_in_schema AS col, sum(total_compressed_size) AS bytes, sum(num_values) AS n,
              string_agg(DISTINCT encodings, ' | ') AS encodings
       FROM parquet_metadata(${list}) GROUP BY ALL ORDER BY bytes DESC`,
    );
    const rows = reader.getRowObjectsJS() as {
      col: string;
      bytes: bigint;
      n: bigint;
      encodings: string;
    }[];
    const fileBytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
    const fileItems = Number(rows[0]?.n ?? 0);
    console.log(
      `${signal} ${label}: ${files.length} part(s), ${fileItems} items, ${(fileBytes / fileItems).toFixed(1)} B/item on disk`,
    );
    for (const row of rows) {
      console.log(
        `  ${row.col.padEnd(24)} ${(Number(row.bytes) / fileItems).toFixed(2).padStart(7)} B/item  ${row.encodings}`,
      );
    }
    console.log(
      JSON.stringify({
        benchmark: 'ingest-part-columns',
        signal,
        label,
        parts: files.length,
        items: fileItems,
        bytesPerItem: Number((fileBytes / fileItems).toFixed(1)),
        columns: Object.fromEntries(
          rows.map((r) => [r.col, Number((Number(r.bytes) / fileItems).toFixed(2))]),
        ),
      }),
    );
    connection.closeSync();
  }
  console.error(`${items} items written`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
