import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { Mutex } from '../../util/mutex.js';

/**
 * DuckDB's SQL parser as a library, for backends that have none to offer (ClickHouse 18.16 has
 * no EXPLAIN AST in a machine-readable form). An in-memory DuckDB with no file or network access
 * only turns statement text into its AST (`json_serialize_sql`); it never sees any data.
 */
let connection: Promise<DuckDBConnection> | null = null;
const lock = new Mutex();

async function open(): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '64MB', threads: '1' });
  const c = await instance.connect();
  await c.run('SET enable_external_access = false');
  await c.run('SET autoload_known_extensions = false');
  await c.run('SET autoinstall_known_extensions = false');
  await c.run('SET lock_configuration = true');
  return c;
}

/** `json_serialize_sql` of the text: the statement's AST as JSON text (or its parse error). */
export async function serializeSql(text: string): Promise<string> {
  connection ??= open();
  const c = await connection;
  return lock.run(async () => {
    const reader = await c.runAndReadAll('SELECT json_serialize_sql(CAST($1 AS VARCHAR)) AS ast', [
      text,
    ]);
    const value = reader.getRowObjectsJS()[0]?.ast;
    if (typeof value !== 'string') throw new Error('the SQL parser returned no AST');
    return value;
  });
}
