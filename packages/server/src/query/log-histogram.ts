import { badRequest } from '../errors.js';
import { sql } from '../store/sql.js';
import type { TelemetryStore, TimeRange } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { toBigInt, toNumber } from './rows.js';
import { compileSearch, requiredLogBodyText, type SearchNode } from './search/index.js';
import { nsToIso } from './time.js';

/** Severity buckets of the OpenTelemetry log data model; `unspecified` is severity number 0. */
export const SEVERITY_BUCKETS = [
  'unspecified',
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
] as const;

export type SeverityBucket = (typeof SEVERITY_BUCKETS)[number];

export interface HistogramBucket {
  time: string;
  timeUnixNano: string;
  total: number;
  counts: Record<SeverityBucket, number>;
}

export interface LogHistogram {
  stepMs: number;
  buckets: HistogramBucket[];
  total: number;
  counts: Record<SeverityBucket, number>;
}

const NS_PER_MS = 1_000_000n;
const MINUTE_NS = 60_000_000_000n;
export const TARGET_BUCKETS = 60;
export const MAX_BUCKETS = 2000;

/** Steps the automatic choice picks from, so bucket edges fall on round times. */
const NICE_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000,
  1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000,
  604_800_000,
];

/** The smallest round step giving at most about `TARGET_BUCKETS` buckets over the range. */
export function autoStepMs(range: TimeRange): number {
  const spanMs = Number((range.toNs - range.fromNs) / NS_PER_MS);
  const wanted = spanMs / TARGET_BUCKETS;
  return NICE_STEPS_MS.find((step) => step >= wanted) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1]!;
}

const STEP = /^(\d{1,9})(ms|s|m|h|d)?$/;
const STEP_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A `step` parameter: `30s`, `5m`, `1h`, or a bare number of seconds. */
export function parseStepMs(text: string): number {
  const match = STEP.exec(text.trim());
  const ms = match ? Number(match[1]) * STEP_UNIT_MS[match[2] ?? 's']! : NaN;
  if (!Number.isFinite(ms) || ms < 1) {
    throw badRequest(
      `invalid step ${JSON.stringify(text.slice(0, 40))}: use e.g. 30s, 5m, 1h or seconds`,
    );
  }
  return ms;
}

function zeroCounts(): Record<SeverityBucket, number> {
  return { unspecified: 0, trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0 };
}

/**
 * Counts of matching logs per time bucket and severity. Buckets are aligned to multiples of the
 * step since the Unix epoch; every bucket overlapping the range is present, empty ones as zeros.
 */
export async function logHistogram(
  store: TelemetryStore,
  tenant: TenantId,
  options: { query: SearchNode | null; range: TimeRange; stepMs?: number },
): Promise<LogHistogram> {
  const { dialect } = store;
  const { range } = options;
  const stepMs = options.stepMs ?? autoStepMs(range);
  const stepNs = BigInt(stepMs) * NS_PER_MS;
  const first = range.fromNs / stepNs;
  const last = (range.toNs - 1n) / stepNs;
  const count = Number(last - first + 1n);
  if (count > MAX_BUCKETS) {
    throw badRequest(
      `step ${stepMs} ms gives ${count} buckets; at most ${MAX_BUCKETS} are allowed`,
    );
  }
  const where = compileSearch(options.query, 'logs', dialect);
  const severity = dialect.intDiv(sql`(severity_number + 3)`, sql`4`);
  // Without a search, and with buckets of whole minutes (edges then fall on minutes), the counts
  // come from the store's per-minute log counts when it keeps them.
  const fromMinutes = options.query === null && stepNs % MINUTE_NS === 0n;
  const rows = await store.query(
    tenant,
    range,
    (s) =>
      fromMinutes && s.logMinutes
        ? sql`SELECT ${dialect.intDiv(sql`minute`, dialect.int64(stepNs))} AS bucket,
            ${severity} AS severity, sum(n) AS n
          FROM ${s.logMinutes} AS m GROUP BY bucket, severity`
        : sql`SELECT ${dialect.intDiv(sql`time_unix_nano`, dialect.int64(stepNs))} AS bucket,
            ${severity} AS severity, count(*) AS n
          FROM ${s.logs} WHERE ${where} GROUP BY bucket, severity`,
    { hints: { logBodyContains: requiredLogBodyText(options.query) } },
  );
  const buckets: HistogramBucket[] = [];
  for (let i = 0; i < count; i++) {
    const start = (first + BigInt(i)) * stepNs;
    buckets.push({
      time: nsToIso(start),
      timeUnixNano: start.toString(),
      total: 0,
      counts: zeroCounts(),
    });
  }
  const totals = zeroCounts();
  let total = 0;
  for (const row of rows) {
    const bucket = buckets[Number(toBigInt(row.bucket) - first)];
    const severity = SEVERITY_BUCKETS[Math.min(toNumber(row.severity), 6)] ?? 'unspecified';
    const n = toNumber(row.n);
    if (!bucket) continue;
    bucket.counts[severity] += n;
    bucket.total += n;
    totals[severity] += n;
    total += n;
  }
  return { stepMs, buckets, total, counts: totals };
}
