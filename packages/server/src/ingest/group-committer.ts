import type { TelemetryStore, TenantBatch } from '../store/telemetry-store.js';
import { overloaded, unavailable } from '../errors.js';

export interface GroupCommitterOptions {
  /** How long the first request of a group waits for others to join it. */
  maxDelayMs: number;
  /** Items (spans + log records + points) that close a group early. */
  maxItems: number;
  /** Items accepted but not yet committed, beyond which new requests are refused. */
  maxPendingItems: number;
  /** Told about every group commit, for metrics. */
  onCommit?: (items: number, seconds: number, ok: boolean) => void;
}

export interface GroupCommitterStats {
  commits: number;
  committedItems: number;
  refusedRequests: number;
  failedCommits: number;
  pendingItems: number;
  lastCommitMs: number;
}

interface Waiting {
  batch: TenantBatch;
  items: number;
  resolve: () => void;
  reject: (error: unknown) => void;
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
  readonly stats: GroupCommitterStats = {
    commits: 0,
    committedItems: 0,
    refusedRequests: 0,
    failedCommits: 0,
    pendingItems: 0,
    lastCommitMs: 0,
  };

  constructor(
    private readonly store: TelemetryStore,
    private readonly options: GroupCommitterOptions,
  ) {}

  /**
   * Throw the refusal `submit` would give a request of `items` items, without queueing
   * anything: lets a receiver refuse before spending time decoding. Unknown sizes pass as 1.
   */
  admit(items = 1): void {
    if (this.closed) {
      this.stats.refusedRequests++;
      throw unavailable('server is shutting down', 5);
    }
    const pending = this.queuedItems + this.committingItems;
    if (pending > 0 && pending + items > this.options.maxPendingItems) {
      this.stats.refusedRequests++;
      throw overloaded(
        `ingest queue is full (${pending} items waiting for commit); retry later`,
        1,
      );
    }
  }

  async submit(batch: TenantBatch): Promise<void> {
    const items = itemCount(batch);
    if (items === 0) return;
    this.admit(items);
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ batch, items, resolve, reject });
      this.queuedItems += items;
      this.stats.pendingItems = this.queuedItems + this.committingItems;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.committing) return; // the running commit picks the queue up when it ends
    if (this.queuedItems >= this.options.maxItems || this.options.maxDelayMs === 0) {
      this.startCommit();
    } else {
      this.timer ??= setTimeout(() => {
        this.startCommit();
      }, this.options.maxDelayMs);
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
