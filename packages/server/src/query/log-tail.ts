import { sql, type SqlFragment } from '../store/sql.js';
import type { TelemetryStore } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { logTiebreak, toApiLogRecord, type ApiLogRecord } from './logs.js';
import { toBigInt } from './rows.js';

const NS_PER_MS = 1_000_000n;

export interface LogTailOptions {
  /** Rows stamped up to this long before the newest one sent still count as new (late arrivals). */
  lookbackMs?: number;
  /** At most this many rows are sent per poll (the newest ones); the rest are counted as skipped. */
  maxRowsPerPoll?: number;
}

export interface TailPoll {
  logs: ApiLogRecord[];
  /** New matching rows not sent because the poll's bound was reached. */
  skipped: number;
}

/**
 * The state of one live tail: which recent rows were already sent. Each poll reads the newest
 * matching rows stamped within the lookback window and sends those not seen before, oldest first,
 * so that rows whose timestamps lag (SDK batching, clock skew) are still sent once, and rows with
 * equal timestamps are neither lost nor repeated.
 */
export class LogTail {
  /** `time:tiebreak:occurrence` of rows sent, with their time, pruned as the window moves. */
  private readonly seen = new Map<string, bigint>();
  private readonly lookbackNs: bigint;
  private readonly maxRows: number;

  constructor(
    private readonly store: TelemetryStore,
    private readonly tenant: TenantId,
    private readonly where: SqlFragment,
    /** Rows stamped before this are never sent (the tail shows what happens from now on). */
    private readonly startNs: bigint,
    options: LogTailOptions = {},
  ) {
    this.lookbackNs = BigInt(options.lookbackMs ?? 30_000) * NS_PER_MS;
    this.maxRows = options.maxRowsPerPoll ?? 200;
  }

  async poll(nowMs: number): Promise<TailPoll> {
    const nowNs = BigInt(nowMs) * NS_PER_MS;
    const windowStart = nowNs - this.lookbackNs;
    const fromNs = windowStart > this.startNs ? windowStart : this.startNs;
    for (const [key, time] of this.seen) if (time < fromNs) this.seen.delete(key);
    const tiebreak = logTiebreak(this.store.dialect);
    // Enough rows to get past everything already sent in the window, bounded.
    const limit = Math.min(this.seen.size + this.maxRows + 1, 20_000);
    const rows = await this.store.query(
      this.tenant,
      // Up to an hour ahead: clocks of senders run early too.
      { fromNs, toNs: nowNs + 3_600_000n * NS_PER_MS },
      (s) => sql`SELECT *, ${tiebreak} AS _tiebreak FROM ${s.logs} WHERE ${this.where}
        ORDER BY time_unix_nano DESC, _tiebreak DESC LIMIT ${limit}`,
    );
    const occurrences = new Map<string, number>();
    const fresh: { key: string; time: bigint; row: (typeof rows)[number] }[] = [];
    for (const row of rows) {
      const time = toBigInt(row.time_unix_nano);
      const base = `${time}:${toBigInt(row._tiebreak)}`;
      const occurrence = occurrences.get(base) ?? 0;
      occurrences.set(base, occurrence + 1);
      const key = `${base}:${occurrence}`;
      if (!this.seen.has(key)) fresh.push({ key, time, row });
    }
    const sent = fresh.slice(0, this.maxRows);
    for (const { key, time } of sent) this.seen.set(key, time);
    return {
      logs: sent.reverse().map(({ row }) => toApiLogRecord(row)),
      skipped: fresh.length - sent.length,
    };
  }
}
