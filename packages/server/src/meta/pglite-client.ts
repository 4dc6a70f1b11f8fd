import fs from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/** PGlite (PostgreSQL compiled to WebAssembly) with its files under `dir`; one process per dir. */
export async function openPgliteClient(dir: string | null): Promise<SqlClient> {
  if (dir !== null) await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const db = await PGlite.create(dir ?? undefined);
  const run = async <T extends object>(
    target: Pick<PGlite, 'query'>,
    text: string,
    params: readonly unknown[] = [],
  ): Promise<T[]> => (await target.query<T>(text, [...params])).rows;
  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    transaction: (work) =>
      db.transaction((tx) => {
        const executor: SqlExecutor = { query: (text, params) => run(tx, text, params) };
        return work(executor);
      }),
    close: () => db.close(),
  };
}
