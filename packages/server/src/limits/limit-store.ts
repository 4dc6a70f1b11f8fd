/**
 * Where rate-limit buckets and daily quota counters live: in this process, or in Redis so that
 * every node of a deployment shares them. Both implement one rule, decided atomically per call:
 *
 * - quota: the call is refused when `used + cost > quota` (the quota is never exceeded);
 * - rate: a token bucket of `burst` tokens refilled at `perSecond`. A call needs
 *   `min(cost, burst)` tokens and takes `cost`, so a batch larger than the burst passes when the
 *   bucket is full and leaves a debt that later calls wait out.
 *
 * Nothing is charged for a refused call.
 */
export interface RateRule {
  perSecond: number;
  burst: number;
}

export interface Charge {
  /** Token bucket key, with its rule; absent: no rate limit. */
  bucket?: { key: string; rule: RateRule };
  /** Daily counter key, with the quota and when the counter may be forgotten (ms from now). */
  quota?: { key: string; limit: number; ttlMs: number };
  cost: number;
  now: number;
}

export type ChargeResult =
  { ok: true } | { ok: false; limit: 'quota' } | { ok: false; limit: 'rate'; waitMs: number };

export interface LimitStore {
  charge(charge: Charge): Promise<ChargeResult>;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Tokens after refilling a bucket from `bucket.at` to `now`. */
function refilled(bucket: Bucket | undefined, rule: RateRule, now: number): number {
  if (bucket === undefined) return rule.burst;
  const elapsed = Math.max(0, now - bucket.at);
  return Math.min(rule.burst, bucket.tokens + (elapsed * rule.perSecond) / 1000);
}

/** Buckets and counters of this process; bounded (least recently used keys are forgotten). */
export class LocalLimitStore implements LimitStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly counters = new Map<string, { used: number; expiresAt: number }>();

  constructor(private readonly maxKeys = 100_000) {}

  charge({ bucket, quota, cost, now }: Charge): Promise<ChargeResult> {
    let counter = quota === undefined ? undefined : this.counters.get(quota.key);
    if (counter !== undefined && counter.expiresAt <= now) counter = undefined;
    if (quota !== undefined && (counter?.used ?? 0) + cost > quota.limit) {
      return Promise.resolve({ ok: false, limit: 'quota' });
    }
    if (bucket !== undefined) {
      const tokens = refilled(this.buckets.get(bucket.key), bucket.rule, now);
      const need = Math.min(cost, bucket.rule.burst);
      if (tokens < need) {
        const waitMs = Math.ceil(((need - tokens) * 1000) / bucket.rule.perSecond);
        return Promise.resolve({ ok: false, limit: 'rate', waitMs });
      }
      remember(this.buckets, bucket.key, { tokens: tokens - cost, at: now }, this.maxKeys);
    }
    if (quota !== undefined) {
      const used = (counter?.used ?? 0) + cost;
      remember(this.counters, quota.key, { used, expiresAt: now + quota.ttlMs }, this.maxKeys);
    }
    return Promise.resolve({ ok: true });
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, maxKeys: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxKeys) map.delete(map.keys().next().value!);
}

/**
 * The same rule in one Lua script, so that concurrent nodes cannot both take the last tokens.
 * KEYS: bucket, counter (either may be unused). ARGV: now, perSecond (0: no bucket), burst,
 * cost, quota (0: no counter), counter ttl ms. Returns {0} allowed, {1, waitMs} rate, {2} quota.
 */
const CHARGE = `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local quota = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
if quota > 0 then
  local used = tonumber(redis.call('GET', KEYS[2]) or '0')
  if used + cost > quota then return {2, 0} end
end
if rate > 0 then
  local b = redis.call('HMGET', KEYS[1], 't', 'at')
  local tokens = burst
  if b[1] then
    tokens = math.min(burst, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate / 1000)
  end
  local need = math.min(cost, burst)
  if tokens < need then return {1, math.ceil((need - tokens) * 1000 / rate)} end
  tokens = tokens - cost
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
end
if quota > 0 then
  redis.call('INCRBY', KEYS[2], cost)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return {0, 0}
`;

/** What LimitStore needs of an ioredis client. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** Buckets and counters shared by every node through Redis (`redis.url`). */
export class RedisLimitStore implements LimitStore {
  constructor(
    private readonly redis: RedisEval,
    private readonly prefix = 'pharos:limit:',
  ) {}

  async charge({ bucket, quota, cost, now }: Charge): Promise<ChargeResult> {
    const reply = (await this.redis.eval(
      CHARGE,
      2,
      `${this.prefix}${bucket?.key ?? '-'}`,
      `${this.prefix}${quota?.key ?? '-'}`,
      now,
      bucket?.rule.perSecond ?? 0,
      bucket?.rule.burst ?? 0,
      cost,
      quota?.limit ?? 0,
      quota?.ttlMs ?? 0,
    )) as [number, number];
    if (reply[0] === 2) return { ok: false, limit: 'quota' };
    if (reply[0] === 1) return { ok: false, limit: 'rate', waitMs: reply[1] };
    return { ok: true };
  }
}
