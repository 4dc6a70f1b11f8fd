/**
 * Log-in throttling, in process: after `maxFailures` failed log-ins for one account from one
 * address within `windowMs`, that pair is locked for `lockMs`; an address that fails
 * `maxFailuresPerIp` times (any accounts) is locked as a whole. Memory is bounded: the oldest
 * records are dropped beyond `maxEntries`.
 */
export interface ThrottleOptions {
  maxFailures: number;
  maxFailuresPerIp: number;
  windowMs: number;
  lockMs: number;
  maxEntries: number;
}

/** What AuthService needs of a throttle: the in-process one, or RedisLoginThrottle. */
export interface LoginThrottler {
  retryAfterSeconds(email: string, ip: string): number | Promise<number>;
  recordFailure(email: string, ip: string): void | Promise<void>;
  recordSuccess(email: string, ip: string): void | Promise<void>;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailures: 5,
  maxFailuresPerIp: 50,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  maxEntries: 50_000,
};

interface Record {
  failures: number;
  windowStart: number;
  lockedUntil: number;
}

export class LoginThrottle implements LoginThrottler {
  private readonly records = new Map<string, Record>();

  constructor(
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until log-in may be tried again, or 0 when it may be tried now. */
  retryAfterSeconds(email: string, ip: string): number {
    const now = this.now();
    const until = Math.max(
      this.records.get(accountKey(email, ip))?.lockedUntil ?? 0,
      this.records.get(ipKey(ip))?.lockedUntil ?? 0,
    );
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  recordFailure(email: string, ip: string): void {
    this.bump(accountKey(email, ip), this.options.maxFailures);
    this.bump(ipKey(ip), this.options.maxFailuresPerIp);
  }

  recordSuccess(email: string, ip: string): void {
    this.records.delete(accountKey(email, ip));
  }

  private bump(key: string, limit: number): void {
    const now = this.now();
    let record = this.records.get(key);
    if (record === undefined || now - record.windowStart > this.options.windowMs) {
      record = { failures: 0, windowStart: now, lockedUntil: record?.lockedUntil ?? 0 };
    }
    record.failures += 1;
    if (record.failures >= limit) {
      record.lockedUntil = now + this.options.lockMs;
      record.failures = 0;
      record.windowStart = now;
    }
    this.records.delete(key);
    this.records.set(key, record);
    while (this.records.size > this.options.maxEntries) {
      const oldest = this.records.keys().next();
      if (oldest.done === true) break;
      this.records.delete(oldest.value);
    }
  }
}

const accountKey = (email: string, ip: string) => `a\u0000${email}\u0000${ip}`;
const ipKey = (ip: string) => `i\u0000${ip}`;
