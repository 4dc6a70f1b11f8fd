import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LoginThrottle, type ThrottleOptions } from './login-throttle.js';
import { RedisLoginThrottle } from './redis-login-throttle.js';

/** What both throttles must do; the Redis one must also share its counts between nodes. */
interface Throttle {
  retryAfterSeconds(email: string, ip: string): number | Promise<number>;
  recordFailure(email: string, ip: string): void | Promise<void>;
  recordSuccess(email: string, ip: string): void | Promise<void>;
}

const OPTIONS: ThrottleOptions = {
  maxFailures: 3,
  maxFailuresPerIp: 5,
  windowMs: 60_000,
  lockMs: 120_000,
  maxEntries: 1000,
};

function describeThrottle(name: string, make: (clock: () => number) => Throttle) {
  describe(`log-in throttle: ${name}`, () => {
    it('locks an account and address pair at the limit, for lockMs, and not before', async () => {
      let now = 1_000_000;
      const t = make(() => now);
      for (let i = 0; i < 2; i++) await t.recordFailure('a@x', '1.1.1.1');
      expect(await t.retryAfterSeconds('a@x', '1.1.1.1')).toBe(0);
      await t.recordFailure('a@x', '1.1.1.1');
      expect(await t.retryAfterSeconds('a@x', '1.1.1.1')).toBe(120);
      expect(await t.retryAfterSeconds('a@x', '2.2.2.2')).toBe(0);
      now += 119_500;
      expect(await t.retryAfterSeconds('a@x', '1.1.1.1')).toBe(1);
      now += 1000;
      expect(await t.retryAfterSeconds('a@x', '1.1.1.1')).toBe(0);
    });

    it('forgets failures outside the window and after a success', async () => {
      let now = 5_000_000;
      const t = make(() => now);
      await t.recordFailure('b@x', '3.3.3.3');
      await t.recordFailure('b@x', '3.3.3.3');
      now += 61_000;
      await t.recordFailure('b@x', '3.3.3.3');
      expect(await t.retryAfterSeconds('b@x', '3.3.3.3')).toBe(0);
      await t.recordSuccess('b@x', '3.3.3.3');
      await t.recordFailure('b@x', '3.3.3.3');
      await t.recordFailure('b@x', '3.3.3.3');
      expect(await t.retryAfterSeconds('b@x', '3.3.3.3')).toBe(0);
    });

    it('locks an address that fails across many accounts', async () => {
      const now = 9_000_000;
      const t = make(() => now);
      for (let i = 0; i < 5; i++) await t.recordFailure(`user${i}@x`, '4.4.4.4');
      expect(await t.retryAfterSeconds('someone-else@x', '4.4.4.4')).toBe(120);
    });
  });
}

describeThrottle('in process', (clock) => new LoginThrottle(OPTIONS, clock));

const redisUrl = inject('redisUrl');
if (redisUrl === '') {
  describe.skip('log-in throttle: Redis (redis-server not installed)', () => undefined);
} else {
  const clients: Redis[] = [];
  const prefix = `pharos:test:${process.pid}:${Date.now()}:`;
  const client = () => {
    const c = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of clients) await c.quit();
  });
  let n = 0;
  describeThrottle(
    'Redis',
    (clock) => new RedisLoginThrottle(client(), OPTIONS, clock, `${prefix}${n++}:`),
  );

  describe('log-in throttle: Redis across nodes', () => {
    it('counts failures made through different nodes together', async () => {
      const now = 2_000_000;
      const shared = `${prefix}shared:`;
      const nodeA = new RedisLoginThrottle(client(), OPTIONS, () => now, shared);
      const nodeB = new RedisLoginThrottle(client(), OPTIONS, () => now, shared);
      await nodeA.recordFailure('c@x', '5.5.5.5');
      await nodeB.recordFailure('c@x', '5.5.5.5');
      expect(await nodeA.retryAfterSeconds('c@x', '5.5.5.5')).toBe(0);
      await nodeA.recordFailure('c@x', '5.5.5.5');
      expect(await nodeB.retryAfterSeconds('c@x', '5.5.5.5')).toBe(120);
    });
  });
}
