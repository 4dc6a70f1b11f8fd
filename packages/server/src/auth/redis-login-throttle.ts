import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULT_THROTTLE, type ThrottleOptions } from './login-throttle.js';

/**
 * One failure for a key, atomically: the same rule as the in-process LoginThrottle (failures
 * counted within a window; at the limit the key is locked for `lockMs` and counting restarts).
 * Returns the key's lockedUntil (ms). The key expires once neither window nor lock matters.
 */
const BUMP = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local lock = tonumber(ARGV[4])
local f = redis.call('HMGET', KEYS[1], 'failures', 'windowStart', 'lockedUntil')
local failures = tonumber(f[1]) or 0
local windowStart = tonumber(f[2]) or now
local lockedUntil = tonumber(f[3]) or 0
if now - windowStart > window then
  failures = 0
  windowStart = now
end
failures = failures + 1
if failures >= limit then
  lockedUntil = now + lock
  failures = 0
  windowStart = now
end
redis.call('HSET', KEYS[1], 'failures', failures, 'windowStart', windowStart, 'lockedUntil', lockedUntil)
redis.call('PEXPIRE', KEYS[1], math.max(window, lockedUntil - now) + 1000)
return lockedUntil
`;

function hashed(...parts: string[]): string {
  // Hashed so that a key's size does not depend on what a client sends.
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * Log-in throttling shared by every Pharos node through Redis (`redis.url`): a client spreading
 * attempts over nodes is counted once. Same rule and options as `LoginThrottle`.
 */
export class RedisLoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
    private readonly prefix = 'pharos:login:',
  ) {}

  private accountKey(email: string, ip: string): string {
    return `${this.prefix}a:${hashed(email, ip)}`;
  }

  private ipKey(ip: string): string {
    return `${this.prefix}i:${hashed(ip)}`;
  }

  async retryAfterSeconds(email: string, ip: string): Promise<number> {
    const [account, address] = await Promise.all([
      this.redis.hget(this.accountKey(email, ip), 'lockedUntil'),
      this.redis.hget(this.ipKey(ip), 'lockedUntil'),
    ]);
    const until = Math.max(Number(account ?? 0), Number(address ?? 0));
    const now = this.now();
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const { maxFailures, maxFailuresPerIp, windowMs, lockMs } = this.options;
    const now = this.now();
    await Promise.all([
      this.redis.eval(BUMP, 1, this.accountKey(email, ip), now, maxFailures, windowMs, lockMs),
      this.redis.eval(BUMP, 1, this.ipKey(ip), now, maxFailuresPerIp, windowMs, lockMs),
    ]);
  }

  async recordSuccess(email: string, ip: string): Promise<void> {
    await this.redis.del(this.accountKey(email, ip));
  }
}
