import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject, it } from 'vitest';
import { describeMetaStoreContract } from './meta-store.contract.js';
import { openPostgresClient } from './postgres-client.js';
import type { SqlClient } from './sql-client.js';

/**
 * The contract suite on a real PostgreSQL, started by the vitest global setup when
 * PHAROS_TEST_POSTGRES=1 or CI=true (scripts/start-postgres.sh). Each test gets its own database.
 */
const baseUrl = inject('postgresUrl');

function urlFor(database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

if (baseUrl === '') {
  describe('MetaStore contract: PostgreSQL', () => {
    it.skip('needs PHAROS_TEST_POSTGRES=1 (or CI=true) to start a test PostgreSQL', () =>
      undefined);
  });
} else {
  let database = '';
  describeMetaStoreContract('PostgreSQL', {
    async create(): Promise<SqlClient> {
      // A generated identifier of [a-z0-9_] only: safe to name in DDL, which cannot bind it.
      database = `pharos_t_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE ${database}`);
      return openPostgresClient(urlFor(database));
    },
    reopen: () => openPostgresClient(urlFor(database)),
    async destroy() {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  });
}
