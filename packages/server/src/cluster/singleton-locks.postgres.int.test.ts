import pg from 'pg';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { LocalLocks, PostgresAdvisoryLocks, advisoryKeyOf } from './singleton-locks.js';

/** Singleton jobs over real PostgreSQL advisory locks (the test server of the global setup). */
const url = inject('postgresUrl');
const logger = pino({ level: 'silent' });

describe('local singleton locks', () => {
  it('hold every job (one node runs everything)', async () => {
    const locks = new LocalLocks();
    expect(await locks.hold('maintenance')).toBe(true);
    expect(locks.held()).toEqual(['maintenance']);
  });
});

describe('advisory lock keys', () => {
  it('differ per job and fit a signed 64-bit integer', () => {
    const a = BigInt(advisoryKeyOf('maintenance'));
    const b = BigInt(advisoryKeyOf('alerts'));
    expect(a).not.toBe(b);
    for (const key of [a, b]) expect(BigInt.asIntN(64, key)).toBe(key);
  });
});

if (url === '') {
  describe.skip('PostgreSQL advisory locks (set PHAROS_TEST_POSTGRES=1)', () => undefined);
} else {
  describe('PostgreSQL advisory locks', () => {
    const open: PostgresAdvisoryLocks[] = [];
    const node = () => {
      const locks = new PostgresAdvisoryLocks(url, logger, { retryMs: 0, checkMs: 0 });
      open.push(locks);
      return locks;
    };
    const job = `test-${String(process.pid)}-${String(Date.now())}`;
    afterEach(async () => {
      for (const locks of open.splice(0)) await locks.close();
    });

    it('gives each job to exactly one node, and to another once the holder closes', async () => {
      const [a, b, c] = [node(), node(), node()];
      const first = await Promise.all([a.hold(job), b.hold(job), c.hold(job)]);
      expect(first.filter(Boolean)).toHaveLength(1);
      const holder = [a, b, c][first.indexOf(true)]!;
      const others = [a, b, c].filter((n) => n !== holder);
      // Holding is stable, and another job is independent.
      expect(await holder.hold(job)).toBe(true);
      expect(await others[0]!.hold(`${job}-other`)).toBe(true);
      expect(await others[1]!.hold(`${job}-other`)).toBe(false);

      await holder.close();
      const next = await Promise.all(others.map((n) => n.hold(job)));
      expect(next.filter(Boolean)).toHaveLength(1);
    });

    it('gives the job up when its connection dies, and another node takes it', async () => {
      const [a, b] = [node(), node()];
      expect(await a.hold(job)).toBe(true);
      expect(await b.hold(job)).toBe(false);
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        // Kill a's session on the server, as a crash or network failure would (b holds nothing).
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_locks
           WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`,
        );
        expect(rows).toHaveLength(1);
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      } finally {
        await admin.end();
      }
      // The server released the lock with the session: b's next attempt gets it, and a — which
      // notices the dead connection at its next check — no longer believes it holds it.
      await expect.poll(() => b.hold(job), { timeout: 5000 }).toBe(true);
      expect(await a.hold(job)).toBe(false);
      expect(a.held()).toEqual([]);
    });
  });
}
