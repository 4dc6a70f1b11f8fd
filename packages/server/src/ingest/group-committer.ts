import type { TelemetryStore, TenantBatch } from '../store/telemetry-store.js';
import { overloaded, unavailable } from '../errors.js';

export interface GroupCommitterOptions {
  /** How long the first request of a group waits for others to join it. */
  maxDelayMs: number;
  /** Items (spans + log records + points) that close a group early. */
  maxItems: number;
  /** Items accepted but not yet committed, beyond which new requests are refused. */
  maxPendingItems: number;
  /**
   * Request body bytes admitted (being decoded, queued or committing) beyond which new requests
   * are refused: the item bound alone lets a few large requests hold much memory, and says
   * nothing about requests still being decoded. Absent: bodies are not counted.
   */
  maxPendingBytes?: number;
  /** Told about every group commit, for metrics. */
  onCommit?: (items: number, seconds: number, ok: boolean) => void;
}

export interface GroupCommitterStats {
  commits: number;
  committedItems: number;
  /**
   * Committed rows weighed by what they hold in the store's hot tables: a span, log record or
   * OTLP point counts 1, a narrow Prometheus row (sample, series, exemplar, metadata — tens of
   * bytes against a span's ~1.4 KiB) 1/8. Sealing is triggered and bounded by this.
   */
  committedRows: number;
  refusedRequests: number;
  failedCommits: number;
  pendingItems: number;
  /** Body bytes of requests admitted and not yet committed (see `reserve`). */
  pendingBytes: number;
  lastCommitMs: number;
}

interface Waiting {
  batch: TenantBatch;
  items: number;
  /** `Date.now()` when it was queued. */
  queuedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Weight of a Prometheus row against a span or log record (see `committedRows`). What bounds
 * memory is less the hot row (tens of bytes) than the seal's sort (≈ 70 B per sample): at 1/16
 * a seal sorted 1.6M samples, and remote write peaked at ≈ 550–600 MiB RSS; at 1/8 (seals of
 * 800k samples) ≈ 460 MiB (bench:metrics, 10,000 series; ADR 16).
 */
const PROM_ROW_WEIGHT = 1 / 8;

/** Hot-table weight of a batch (see `GroupCommitterStats.committedRows`). */
export function rowWeight(batch: TenantBatch): number {
  return (
    (batch.spans?.length ?? 0) +
    (batch.logs?.length ?? 0) +
    (batch.metricPoints?.length ?? 0) +
    PROM_ROW_WEIGHT *
      ((batch.promSamples?.length ?? 0) +
        (batch.promExemplars?.length ?? 0) +
        (batch.promSeries?.length ?? 0) +
        (batch.promMetadata?.length ?? 0))
  );
}

export function itemCount(batch: TenantBatch): number {
  return (
    (batch.spans?.length ?? 0) +
    (batch.logs?.length ?? 0) +
    (batch.metricPoints?.length ?? 0) +
    (batch.promSamples?.length ?? 0) +
    (batch.promExemplars?.length ?? 0) +
    // Index and metadata rows count too: a metadata-only remote write must still be written.
    (batch.promSeries?.length ?? 0) +
    (batch.promMetadata?.length ?? 0)
  );
}

/**
 * Group commit: requests arriving close together are written in one store transaction, and each
 * request's promise settles only when that transaction has committed (or failed). The number of
 * items held in memory is bounded; past the bound, `submit` refuses at once with a 429 so the
 * client backs off instead of the server buffering without limit.
 */
export class GroupCommitter {
  private queue: Waiting[] = [];
  private queuedItems = 0;
  private committingItems = 0;
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private closed = false;
  private unsealed: { items: () => number; max: number } | undefined;
  readonly stats: GroupCommitterStats = {
    commits: 0,
    committedItems: 0,
    committedRows: 0,
    refusedRequests: 0,
    failedCommits: 0,
    pendingItems: 0,
    pendingBytes: 0,
    lastCommitMs: 0,
  };

  constructor(
    private readonly store: TelemetryStore,
    private readonly options: GroupCommitterOptions,
  ) {}

  /**
   * Also refuse (503) while `items()` — rows committed but not yet moved out of the store's hot
   * tables — is at `max` or more: when sealing falls behind, the hot tables (held in memory)
   * would otherwise grow with the offered load.
   */
  limitUnsealed(items: () => number, max: number): void {
    this.unsealed = { items, max };
  }

  /**
   * Throw the refusal `submit` (or `reserve`, for a body of `bytes` bytes) would give a request
   * of `items` items, without queueing anything: lets a receiver refuse before spending time
   * reading or decoding. Unknown sizes pass as 1 item and 0 bytes.
   */
  admit(items = 1, bytes = 0): void {
    if (this.closed) {
      this.stats.refusedRequests++;
      throw unavailable('server is shutting down', 5);
    }
    if (this.unsealed && this.unsealed.items() >= this.unsealed.max) {
      this.stats.refusedRequests++;
      throw unavailable(
        `storage is behind: ${this.unsealed.items()} committed rows wait to be sealed; retry later`,
        1,
      );
    }
    const pending = this.queuedItems + this.committingItems;
    if (pending > 0 && pending + items > this.options.maxPendingItems) {
      this.stats.refusedRequests++;
      throw overloaded(
        `ingest queue is full (${pending} items waiting for commit); retry later`,
        1,
      );
    }
    const limit = this.options.maxPendingBytes;
    const pendingBytes = this.stats.pendingBytes;
    if (limit !== undefined && pendingBytes > 0 && pendingBytes + bytes > limit) {
      this.stats.refusedRequests++;
      throw overloaded(
        `ingest queue is full (${pendingBytes} bytes of requests waiting for commit); retry later`,
        1,
      );
    }
  }

  /**
   * Admit a request body of `bytes` bytes before it is decoded, holding its bytes against
   * `maxPendingBytes` until the returned release is called (once its commit has settled or it
   * failed). Throws the 429 / 503 refusal when the bound or the item bound is reached; a request
   * is always admitted when nothing is pending, so one larger than the bound still gets through.
   */
  reserve(bytes: number): () => void {
    this.admit(1, bytes);
    this.stats.pendingBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.stats.pendingBytes -= bytes;
    };
  }

  async submit(batch: TenantBatch): Promise<void> {
    const items = itemCount(batch);
    if (items === 0) return;
    this.admit(items);
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ batch, items, queuedAt: Date.now(), resolve, reject });
      this.queuedItems += items;
      this.stats.pendingItems = this.queuedItems + this.committingItems;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.committing) return; // the running commit picks the queue up when it ends
    // The oldest request waits at most maxDelayMs in all for others to join it, the time it
    // spent behind a running commit included: requests queued during a commit are committed
    // as soon as it ends, not after another full delay (under sustained load that idled the
    // writer for maxDelayMs between every two commits).
    if (this.queuedItems >= this.options.maxItems || this.options.maxDelayMs === 0) {
      this.startCommit();
    } else {
      const waited = Date.now() - this.queue[0]!.queuedAt;
      this.timer ??= setTimeout(
        () => {
          this.startCommit();
        },
        Math.max(0, this.options.maxDelayMs - waited),
      );
    }
  }

  private startCommit(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.committing || this.queue.length === 0) return;
    const group = this.takeGroup();
    this.committing = this.commit(group).finally(() => {
      this.committing = undefined;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private takeGroup(): Waiting[] {
    const group: Waiting[] = [];
    let items = 0;
    while (this.queue.length > 0 && (group.length === 0 || items < this.options.maxItems)) {
      const next = this.queue.shift()!;
      group.push(next);
      items += next.items;
    }
    this.queuedItems -= items;
    this.committingItems = items;
    return group;
  }

  private async commit(group: Waiting[]): Promise<void> {
    const started = performance.now();
    let ok = false;
    try {
      await this.store.write(group.map((w) => w.batch));
      this.stats.commits++;
      this.stats.committedItems += this.committingItems;
      for (const waiting of group) this.stats.committedRows += rowWeight(waiting.batch);
      ok = true;
      for (const waiting of group) waiting.resolve();
    } catch (error) {
      this.stats.failedCommits++;
      const refused = unavailable('could not commit telemetry; retry later', 5);
      refused.cause = error;
      for (const waiting of group) waiting.reject(refused);
    } finally {
      this.stats.lastCommitMs = performance.now() - started;
      this.options.onCommit?.(this.committingItems, this.stats.lastCommitMs / 1000, ok);
      this.committingItems = 0;
      this.stats.pendingItems = this.queuedItems;
    }
  }

  /** Refuse new work, then commit everything already accepted. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.committing || this.queue.length > 0) {
      if (this.committing) await this.committing;
      else this.startCommit();
    }
  }
}
