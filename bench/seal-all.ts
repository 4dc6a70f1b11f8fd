/** Seal every hot row of a (stopped) Pharos data directory into Parquet parts. */
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: seal-all.ts DATA_DIR');
const store = await DuckDbTelemetryStore.open({ dataDir });
const report = await store.maintain({ sealAll: true });
await store.close();
console.error(`sealed ${report.sealedRows} rows into ${report.partsWritten} parts`);
