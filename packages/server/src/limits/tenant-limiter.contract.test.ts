import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '../errors.js';
import { parseTenantId } from '../tenant.js';
import { LocalLimitStore, RedisLimitStore, type LimitStore } from './limit-store.js';
import { TenantLimiter, type LimitKind, type TenantLimits } from './tenant-limiter.js';

const logger = pino({ level: 'silent' });
const acme = parseTenantId('acme');
const other = parseTenantId('other');
const DAY = 86_400_000;

const LIMITS: TenantLimits = {
  ingest: { perSecond: 1000, burst: 2000 },
  dailyIngestItems: 10_000,
  query: { perSecond: 5, burst: 10 },
};

/** The error a refused call throws (fails the test when the call was admitted). */
async function refusal(call: Promise<void>): Promise<AppError> {
  const error = await call.then(
    () => new Error('admitted, expected a refusal'),
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw error;
  return error;
}

function describeLimiter(name: string, makeStore: () => LimitStore) {
  describe(`tenant limits: ${name}`, () => {
    const make = (clock: () => number, limits = LIMITS) => {
      const refused: LimitKind[] = [];
      const limiter = new TenantLimiter(limits, makeStore(), logger, (k) => refused.push(k), clock);
      return { limiter, refused };
    };

    it('lets a burst through, refuses beyond it with Retry-After, refills at the rate', async () => {
      let now = 10 * DAY + 1000;
      const { limiter, refused } = make(() => now);
      await limiter.admitIngest(acme, 1500);
      await limiter.admitIngest(acme, 500);
      const error = await refusal(limiter.admitIngest(acme, 100));
      expect(error.status).toBe(429);
      expect(error.retryAfterSeconds).toBe(1);
      expect(error.message).toMatch(/acme.*ingest rate limit of 1000 items\/s/);
      expect(refused).toEqual(['ingest_rate']);
      // Another organisation has a bucket of its own.
      await limiter.admitIngest(other, 2000);
      now += 99;
      await expect(refusal(limiter.admitIngest(acme, 100))).resolves.toBeInstanceOf(AppError);
      now += 1;
      await limiter.admitIngest(acme, 100);
    });

    it('lets a batch larger than the burst through a full bucket and makes later calls wait out the debt', async () => {
      let now = 20 * DAY;
      const { limiter } = make(() => now);
      await limiter.admitIngest(acme, 5000);
      // Tokens are now 2000 - 5000 = -3000: 3.1 s until 100 are back.
      const error = await refusal(limiter.admitIngest(acme, 100));
      expect(error.retryAfterSeconds).toBe(4);
      now += 3099;
      await refusal(limiter.admitIngest(acme, 100));
      now += 1;
      await limiter.admitIngest(acme, 100);
    });

    it('never exceeds the daily quota, refuses until 00:00 UTC, and starts over the next day', async () => {
      let now = 30 * DAY + 23 * 3_600_000;
      const { limiter, refused } = make(() => now, { ...LIMITS, ingest: null });
      await limiter.admitIngest(acme, 6000);
      await limiter.admitIngest(acme, 4000);
      const error = await refusal(limiter.admitIngest(acme, 1));
      expect(error.status).toBe(429);
      expect(error.retryAfterSeconds).toBe(3600);
      expect(error.message).toMatch(/daily quota of 10000 items/);
      expect(refused).toEqual(['ingest_quota']);
      // A refused request is not charged: the quota is still exactly used up, not exceeded.
      await limiter.admitIngest(other, 10_000);
      now += 3_600_000;
      await limiter.admitIngest(acme, 10_000);
    });

    it('does not charge the quota for a request the rate limit refuses', async () => {
      let now = 40 * DAY;
      const { limiter } = make(() => now, { ...LIMITS, dailyIngestItems: 3000 });
      await limiter.admitIngest(acme, 2000);
      await refusal(limiter.admitIngest(acme, 500));
      now += 60_000;
      await limiter.admitIngest(acme, 1000);
      await expect(refusal(limiter.admitIngest(acme, 1))).resolves.toMatchObject({
        message: expect.stringMatching(/daily quota/) as unknown,
      });
    });

    it('limits API requests per organisation with bursts of twice the rate', async () => {
      let now = 50 * DAY;
      const { limiter, refused } = make(() => now);
      for (let i = 0; i < 10; i++) await limiter.admitQuery(acme);
      const error = await refusal(limiter.admitQuery(acme));
      expect(error.message).toMatch(/limit of 5 API requests\/s/);
      expect(refused).toEqual(['query_rate']);
      await limiter.admitQuery(other);
      now += 200;
      await limiter.admitQuery(acme);
    });

    it('does nothing when the limits are off', async () => {
      const { limiter } = make(() => 60 * DAY, {
        ingest: null,
        dailyIngestItems: null,
        query: null,
      });
      expect(limiter.limitsIngest).toBe(false);
      for (let i = 0; i < 100; i++) {
        await limiter.admitIngest(acme, 1_000_000);
        await limiter.admitQuery(acme);
      }
    });
  });
}

describeLimiter('in process', () => new LocalLimitStore());

describe('tenant limits: in process, bounded', () => {
  it('forgets the least recently used buckets beyond maxKeys', async () => {
    const store = new LocalLimitStore(2);
    const rule = { perSecond: 1, burst: 1 };
    const take = (key: string) => store.charge({ bucket: { key, rule }, cost: 1, now: 0 });
    await take('a');
    await take('b');
    await expect(take('a')).resolves.toMatchObject({ ok: false });
    await take('c');
    // `a` was the least recently written: forgotten, so its bucket is full again; `b` is not.
    await expect(take('b')).resolves.toMatchObject({ ok: false });
    await expect(take('a')).resolves.toEqual({ ok: true });
  });
});

const redisUrl = inject('redisUrl');
if (redisUrl === '') {
  describe.skip('tenant limits: Redis (redis-server not installed)', () => undefined);
} else {
  const clients: Redis[] = [];
  const prefix = `pharos:test:${String(process.pid)}:${String(Date.now())}:`;
  const client = () => {
    const c = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of clients) await c.quit();
  });
  let n = 0;
  describeLimiter('Redis', () => new RedisLimitStore(client(), `${prefix}${String(n++)}:`));

  describe('tenant limits: Redis across nodes', () => {
    it('shares buckets and quotas between nodes', async () => {
      const now = 70 * DAY;
      const shared = `${prefix}shared:`;
      const nodeA = new TenantLimiter(
        LIMITS,
        new RedisLimitStore(client(), shared),
        logger,
        undefined,
        () => now,
      );
      const nodeB = new TenantLimiter(
        LIMITS,
        new RedisLimitStore(client(), shared),
        logger,
        undefined,
        () => now,
      );
      await nodeA.admitIngest(acme, 1500);
      await refusal(nodeB.admitIngest(acme, 600));
      await nodeB.admitIngest(acme, 500);
      for (let i = 0; i < 5; i++) await nodeA.admitQuery(acme);
      for (let i = 0; i < 5; i++) await nodeB.admitQuery(acme);
      await refusal(nodeA.admitQuery(acme));
    });

    it('lets requests through when Redis is unreachable', async () => {
      const down = new Redis('redis://127.0.0.1:1', {
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        lazyConnect: true,
        retryStrategy: () => null,
      });
      const limiter = new TenantLimiter(LIMITS, new RedisLimitStore(down), logger);
      await limiter.admitIngest(acme, 1_000_000);
      await limiter.admitQuery(acme);
      down.disconnect();
    });
  });
}
