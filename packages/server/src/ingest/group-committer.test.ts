import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.js';
import type { TelemetryStore, TenantBatch } from '../store/telemetry-store.js';
import { spanBatchFromRows } from '../telemetry/batch-from-rows.js';
import { DEFAULT_TENANT } from '../tenant.js';
import { GroupCommitter, rowWeight } from './group-committer.js';

/** A store whose writes complete when the test says so, recording what each write held. */
class ManualStore {
  writes: (readonly TenantBatch[])[] = [];
  private pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  write(batches: readonly TenantBatch[]): Promise<void> {
    this.writes.push(batches);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  complete(error?: Error): void {
    const next = this.pending.shift()!;
    if (error) next.reject(error);
    else next.resolve();
  }
  asStore(): TelemetryStore {
    return this as unknown as TelemetryStore;
  }
}

function batch(spans: number): TenantBatch {
  const rows = Array.from({ length: spans }, (_, i) => ({
    traceId: '1'.padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'x',
    serviceName: 's',
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
  }));
  return { tenant: DEFAULT_TENANT, spans: spanBatchFromRows(rows) };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('GroupCommitter', () => {
  it('commits concurrent requests together and acknowledges only after the commit', async () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 1,
      maxItems: 1000,
      maxPendingItems: 10_000,
    });
    let acknowledged = 0;
    const requests = [batch(2), batch(3), batch(4)].map((b) =>
      committer.submit(b).then(() => acknowledged++),
    );
    await tick();
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]).toHaveLength(3);
    expect(acknowledged).toBe(0);
    store.complete();
    await Promise.all(requests);
    expect(acknowledged).toBe(3);
    expect(committer.stats.committedItems).toBe(9);
  });

  it('commits requests that waited behind a commit as soon as it ends, not after another delay', async () => {
    vi.useFakeTimers();
    try {
      const store = new ManualStore();
      const committer = new GroupCommitter(store.asStore(), {
        maxDelayMs: 1000,
        maxItems: 1000,
        maxPendingItems: 10_000,
      });
      const first = committer.submit(batch(1));
      await vi.advanceTimersByTimeAsync(999);
      expect(store.writes).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(store.writes).toHaveLength(1);
      const second = committer.submit(batch(2));
      // The second request waits behind the first commit for longer than maxDelayMs …
      await vi.advanceTimersByTimeAsync(1500);
      expect(store.writes).toHaveLength(1);
      store.complete();
      await first;
      // … so its commit starts when the first one ends.
      await vi.advanceTimersByTimeAsync(0);
      expect(store.writes).toHaveLength(2);
      const third = committer.submit(batch(3));
      store.complete();
      await second;
      // A request that has not waited maxDelayMs yet still waits for others to join it.
      await vi.advanceTimersByTimeAsync(0);
      expect(store.writes).toHaveLength(2);
      await vi.advanceTimersByTimeAsync(1000);
      expect(store.writes).toHaveLength(3);
      store.complete();
      await third;
    } finally {
      vi.useRealTimers();
    }
  });

  it('fails every request of a group whose commit fails, with a retryable error', async () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 0,
      maxItems: 1000,
      maxPendingItems: 10_000,
    });
    const request = committer.submit(batch(1));
    await tick();
    store.complete(new Error('disk full'));
    const error = await request.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
    expect(committer.stats.failedCommits).toBe(1);
  });

  it('refuses with 429 once accepted-but-uncommitted items reach the bound', async () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 0,
      maxItems: 10,
      maxPendingItems: 10,
    });
    const first = committer.submit(batch(6));
    const second = committer.submit(batch(4));
    const refused = await committer.submit(batch(1)).catch((e: unknown) => e);
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).retryAfterSeconds).toBeGreaterThan(0);
    expect(committer.stats.refusedRequests).toBe(1);
    store.complete();
    await tick();
    store.complete();
    await Promise.all([first, second]);
    // Room again once committed.
    const third = committer.submit(batch(1));
    await tick();
    store.complete();
    await third;
  });

  it('refuses with 429 once admitted request bytes reach maxPendingBytes, until released', () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 0,
      maxItems: 1000,
      maxPendingItems: 1000,
      maxPendingBytes: 1000,
    });
    // Alone, a request larger than the bound is still admitted (it could never pass otherwise).
    const big = committer.reserve(5000);
    const refused = (() => {
      try {
        committer.reserve(1);
      } catch (error) {
        return error;
      }
    })();
    expect((refused as AppError).status).toBe(429);
    expect((refused as AppError).retryAfterSeconds).toBeGreaterThan(0);
    big();
    big(); // releasing twice frees the bytes once
    expect(committer.stats.pendingBytes).toBe(0);
    const first = committer.reserve(600);
    expect(() => committer.reserve(600)).toThrow(AppError);
    const second = committer.reserve(400);
    expect(committer.stats.pendingBytes).toBe(1000);
    expect(committer.stats.refusedRequests).toBe(2);
    first();
    second();
    expect(committer.stats.pendingBytes).toBe(0);
  });

  it('refuses with 503 while too many committed rows wait to be sealed', () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 0,
      maxItems: 1000,
      maxPendingItems: 1000,
    });
    let unsealed = 100;
    committer.limitUnsealed(() => unsealed, 100);
    const refused = (() => {
      try {
        committer.reserve(10);
      } catch (error) {
        return error;
      }
    })();
    expect((refused as AppError).status).toBe(503);
    expect((refused as AppError).retryAfterSeconds).toBeGreaterThan(0);
    unsealed = 99;
    committer.reserve(10)();
    expect(committer.stats.refusedRequests).toBe(1);
  });

  it('splits a backlog into groups of at most maxItems, in arrival order', async () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 0,
      maxItems: 5,
      maxPendingItems: 100,
    });
    const requests = [3, 3, 3, 3].map((n) => committer.submit(batch(n)));
    await tick();
    store.complete(); // first group: the first request alone started at once
    await tick();
    store.complete();
    await tick();
    store.complete();
    await Promise.all(requests);
    expect(store.writes.map((w) => w.length)).toEqual([1, 2, 1]);
  });

  it('drains accepted work on shutdown and refuses new work', async () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 1000,
      maxItems: 1000,
      maxPendingItems: 1000,
    });
    const accepted = committer.submit(batch(2));
    const draining = committer.drain();
    await tick();
    store.complete();
    await Promise.all([accepted, draining]);
    const refused = await committer.submit(batch(1)).catch((e: unknown) => e);
    expect((refused as AppError).status).toBe(503);
  });
});

describe('rowWeight', () => {
  it('counts a span 1 and a Prometheus sample 1/8 of one', () => {
    const samples = {
      length: 32,
      seriesId: new BigInt64Array(32),
      timeMs: new BigInt64Array(32),
      value: new Float64Array(32),
    };
    expect(rowWeight(batch(3))).toBe(3);
    expect(rowWeight({ tenant: DEFAULT_TENANT, promSamples: samples })).toBe(4);
    expect(rowWeight({ ...batch(3), promSamples: samples })).toBe(7);
  });

  it('adds the weight of what a group commit wrote to committedRows', async () => {
    const store = new ManualStore();
    const committer = new GroupCommitter(store.asStore(), {
      maxDelayMs: 0,
      maxItems: 1000,
      maxPendingItems: 10_000,
    });
    const samples = {
      length: 160,
      seriesId: new BigInt64Array(160),
      timeMs: new BigInt64Array(160),
      value: new Float64Array(160),
    };
    const done = committer.submit({ ...batch(4), promSamples: samples });
    await tick();
    store.complete();
    await done;
    expect(committer.stats.committedItems).toBe(164);
    expect(committer.stats.committedRows).toBe(24);
  });
});
