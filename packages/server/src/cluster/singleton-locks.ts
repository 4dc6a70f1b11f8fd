import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';

/**
 * Jobs that exactly one node of a deployment may run at a time (storage maintenance and
 * retention; alert evaluation and other schedulers as they arrive). A node asks `hold(job)`
 * before each run; only the node holding the job's lock gets true.
 */
export interface SingletonLocks {
  /** Whether this node holds `job`'s lock, taking it when it is free. */
  hold(job: string): Promise<boolean>;
  /** The jobs this node holds now. */
  held(): readonly string[];
  close(): Promise<void>;
}

/** One node (embedded storage, or no PostgreSQL to coordinate through): it runs every job. */
export class LocalLocks implements SingletonLocks {
  private readonly jobs = new Set<string>();

  hold(job: string): Promise<boolean> {
    this.jobs.add(job);
    return Promise.resolve(true);
  }

  held(): readonly string[] {
    return [...this.jobs];
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The advisory-lock key of a job: 64 bits of a hash, so other applications' keys do not collide. */
export function advisoryKeyOf(job: string): string {
  const digest = createHash('sha256').update(`pharos:singleton:${job}`).digest();
  return digest.readBigInt64BE(0).toString();
}

export interface AdvisoryLockOptions {
  /** How often a node that does not hold a job tries to take it. */
  retryMs?: number;
  /** How often the holder checks that its connection (and so its locks) is alive. */
  checkMs?: number;
}

/**
 * Session-level PostgreSQL advisory locks on one dedicated connection. PostgreSQL releases them
 * when the connection ends — a node that crashes, is killed or loses its connection gives its
 * jobs up and another node's next attempt takes them. A node whose connection fails forgets
 * what it held at once, so two nodes never both believe they hold a job for longer than the
 * server takes to notice the dead connection (TCP keep-alive).
 */
export class PostgresAdvisoryLocks implements SingletonLocks {
  private client: pg.Client | null = null;
  private connecting: Promise<pg.Client> | null = null;
  private readonly jobs = new Set<string>();
  private readonly lastAttempt = new Map<string, number>();
  private lastCheck = 0;
  private lastWarning = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly options: AdvisoryLockOptions = {},
  ) {}

  async hold(job: string): Promise<boolean> {
    if (this.closed) return false;
    const now = Date.now();
    try {
      if (this.jobs.has(job)) {
        if (now - this.lastCheck >= (this.options.checkMs ?? 5000)) {
          this.lastCheck = now;
          await (await this.connection()).query('SELECT 1');
        }
        return this.jobs.has(job);
      }
      if (now - (this.lastAttempt.get(job) ?? 0) < (this.options.retryMs ?? 5000)) return false;
      this.lastAttempt.set(job, now);
      const client = await this.connection();
      const { rows } = await client.query<{ taken: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS taken',
        [advisoryKeyOf(job)],
      );
      if (rows[0]?.taken === true && this.client === client) {
        this.jobs.add(job);
        this.logger.info({ job }, 'this node now runs the singleton job');
      }
      return this.jobs.has(job);
    } catch (error) {
      this.lost(error);
      return false;
    }
  }

  held(): readonly string[] {
    return [...this.jobs];
  }

  private connection(): Promise<pg.Client> {
    if (this.client !== null) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, keepAlive: true });
      client.on('error', (error) => {
        if (this.client === client) this.lost(error);
      });
      client.on('end', () => {
        if (this.client === client) this.lost(new Error('connection ended'));
      });
      try {
        await client.connect();
      } catch (error) {
        client.removeAllListeners();
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** The connection failed: whatever this node held, PostgreSQL releases (or has released). */
  private lost(error: unknown): void {
    const had = [...this.jobs];
    this.jobs.clear();
    const client = this.client;
    this.client = null;
    client?.end().catch(() => undefined);
    const now = Date.now();
    if (had.length > 0 || now - this.lastWarning >= 60_000) {
      this.lastWarning = now;
      this.logger.warn({ err: error, released: had }, 'singleton lock connection failed');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.jobs.clear();
    const client = this.client ?? (await this.connecting?.catch(() => null)) ?? null;
    this.client = null;
    // Ending the session releases its advisory locks.
    await client?.end().catch(() => undefined);
  }
}
