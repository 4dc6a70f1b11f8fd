import pg from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/** A PostgreSQL server through a small connection pool. */
export async function openPostgresClient(url: string): Promise<SqlClient> {
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
  // Errors of idle clients (server restart) must not crash the process; the next query retries.
  pool.on('error', () => undefined);
  // Fail at start, not at the first request, when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  return {
    kind: 'postgres',
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await pool.query<T>(text, [...params])).rows;
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const executor: SqlExecutor = {
          query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
            (await client.query<T>(text, [...params])).rows,
        };
        const result = await work(executor);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** The URL with its password replaced, for logs and error messages. */
export function redactPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable PostgreSQL URL)';
  }
}
