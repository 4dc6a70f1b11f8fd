import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import type { TenantId } from '../tenant.js';
import type { ChargeResult, LimitStore, RateRule } from './limit-store.js';

const DAY_MS = 86_400_000;

/** Per-organisation limits (from `limits.*`; null where a limit is off). */
export interface TenantLimits {
  ingest: RateRule | null;
  dailyIngestItems: number | null;
  query: RateRule | null;
}

export function tenantLimitsOf(config: Config): TenantLimits {
  const { ingestItemsPerSecond, ingestBurstItems, dailyIngestItems, queryRequestsPerSecond } =
    config.limits;
  return {
    ingest:
      ingestItemsPerSecond > 0
        ? {
            perSecond: ingestItemsPerSecond,
            burst: ingestBurstItems > 0 ? ingestBurstItems : ingestItemsPerSecond,
          }
        : null,
    dailyIngestItems: dailyIngestItems > 0 ? dailyIngestItems : null,
    query:
      queryRequestsPerSecond > 0
        ? { perSecond: queryRequestsPerSecond, burst: 2 * queryRequestsPerSecond }
        : null,
  };
}

export type LimitKind = 'ingest_rate' | 'ingest_quota' | 'query_rate';

/**
 * Rate limits and quotas per organisation, for ingestion (items) and for queries (requests).
 * A refusal is a 429 AppError with Retry-After (gRPC: RESOURCE_EXHAUSTED) naming the limit.
 * When the shared store (Redis) cannot be reached the request is let through and a warning is
 * logged at most once a minute: losing telemetry because the limiter is down would be worse than
 * not limiting for a while.
 */
export class TenantLimiter {
  private lastStoreWarning = 0;

  constructor(
    private readonly limits: TenantLimits,
    private readonly store: LimitStore,
    private readonly logger: Logger,
    private readonly onRefused: (kind: LimitKind) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get limitsIngest(): boolean {
    return this.limits.ingest !== null || this.limits.dailyIngestItems !== null;
  }

  /** Admit `items` ingested items of `tenant`, or throw the 429 that refuses them. */
  async admitIngest(tenant: TenantId, items: number): Promise<void> {
    if (!this.limitsIngest || items === 0) return;
    const now = this.now();
    const dayStart = now - (now % DAY_MS);
    const { ingest, dailyIngestItems } = this.limits;
    const result = await this.charge({
      ...(ingest ? { bucket: { key: `i:${tenant}`, rule: ingest } } : {}),
      ...(dailyIngestItems !== null
        ? {
            quota: {
              key: `q:${tenant}:${dayStart / DAY_MS}`,
              limit: dailyIngestItems,
              ttlMs: dayStart + DAY_MS - now + 60_000,
            },
          }
        : {}),
      cost: items,
      now,
    });
    if (result.ok) return;
    if (result.limit === 'quota') {
      this.onRefused('ingest_quota');
      const resetSeconds = Math.ceil((dayStart + DAY_MS - now) / 1000);
      throw new AppError(
        'resource_exhausted',
        429,
        `organisation ${tenant} has used its daily quota of ${String(dailyIngestItems)} items (this request has ${String(items)}); it resets at 00:00 UTC`,
        { retryAfterSeconds: resetSeconds },
      );
    }
    this.onRefused('ingest_rate');
    throw new AppError(
      'resource_exhausted',
      429,
      `organisation ${tenant} is over its ingest rate limit of ${String(ingest?.perSecond)} items/s: retry later`,
      { retryAfterSeconds: Math.max(1, Math.ceil(result.waitMs / 1000)) },
    );
  }

  /** Admit one API or PromQL request of `tenant`, or throw the 429 that refuses it. */
  async admitQuery(tenant: TenantId): Promise<void> {
    const rule = this.limits.query;
    if (rule === null) return;
    const result = await this.charge({
      bucket: { key: `r:${tenant}`, rule },
      cost: 1,
      now: this.now(),
    });
    if (result.ok || result.limit !== 'rate') return;
    this.onRefused('query_rate');
    throw new AppError(
      'resource_exhausted',
      429,
      `organisation ${tenant} is over its limit of ${String(rule.perSecond)} API requests/s: retry later`,
      { retryAfterSeconds: Math.max(1, Math.ceil(result.waitMs / 1000)) },
    );
  }

  private async charge(charge: Parameters<LimitStore['charge']>[0]): Promise<ChargeResult> {
    try {
      return await this.store.charge(charge);
    } catch (error) {
      const now = this.now();
      if (now - this.lastStoreWarning >= 60_000) {
        this.lastStoreWarning = now;
        this.logger.warn({ err: error }, 'rate limit store unreachable: not limiting');
      }
      return { ok: true };
    }
  }
}
