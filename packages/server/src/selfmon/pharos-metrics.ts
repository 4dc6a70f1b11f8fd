import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GroupCommitterStats } from '../ingest/group-committer.js';
import type { OtlpSignal } from '../ingest/otlp-response.js';
import type { PromReadCacheStats } from '../store/prom-read/prom-read-cache.js';

export type IngestProtocol = 'http' | 'grpc';

export interface RemoteWriteOutcome {
  status: number;
  samples: number;
  exemplars: number;
  bytes: number;
  /** Samples refused for a series id collision. */
  collisions?: number;
  /** Native histogram samples, not stored. */
  histogramsIgnored?: number;
}

export interface IngestOutcome {
  /** HTTP status of the answer (gRPC calls report the equivalent HTTP status). */
  status: number;
  accepted: number;
  rejected: number;
  /** Bytes received on the wire (before decompression). */
  bytes: number;
  /** Attributes dropped and values truncated by the attribute limits (0 when absent). */
  attributesDropped?: number;
  valuesTruncated?: number;
}

/**
 * Pharos' own metrics, served in the Prometheus text format at `GET /metrics`. One registry per
 * server instance (tests run several in one process). Label values are bounded: signals,
 * protocols and status codes only.
 */
export class PharosMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'signal' | 'protocol' | 'status'>;
  private readonly items: Counter<'signal' | 'protocol' | 'outcome'>;
  private readonly bytes: Counter<'protocol'>;
  private readonly limitedAttributes: Counter<'signal' | 'protocol' | 'kind'>;
  private readonly remoteWriteRequests: Counter<'status'>;
  private readonly remoteWriteItems: Counter<'kind' | 'outcome'>;
  private readonly remoteWriteBytes: Counter;
  readonly commitDuration: Histogram;
  readonly commitItems: Histogram;
  readonly failedCommits: Counter;
  /** Refusals by organisation limits (see TenantLimiter). */
  readonly limitRefusals: Counter<'limit'>;

  constructor(
    committerStats: () => GroupCommitterStats,
    /** The singleton jobs this node runs now (see SingletonLocks). */
    singletonJobs: () => readonly string[] = () => [],
    /** The store's Prometheus read cache, when it has one (DuckDB). */
    promCacheStats?: () => PromReadCacheStats,
  ) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    this.requests = new Counter({
      name: 'pharos_ingest_requests_total',
      help: 'OTLP export requests answered, by signal, protocol and HTTP status',
      labelNames: ['signal', 'protocol', 'status'],
      registers: [this.registry],
    });
    this.items = new Counter({
      name: 'pharos_ingest_items_total',
      help: 'Spans, log records and metric points: accepted (committed), rejected (partial success) or refused (whole request refused)',
      labelNames: ['signal', 'protocol', 'outcome'],
      registers: [this.registry],
    });
    this.bytes = new Counter({
      name: 'pharos_ingest_received_bytes_total',
      help: 'Request body bytes received, before decompression',
      labelNames: ['protocol'],
      registers: [this.registry],
    });
    this.limitedAttributes = new Counter({
      name: 'pharos_ingest_attributes_limited_total',
      help: 'Attributes dropped beyond ingest.maxAttributesPerItem (kind="dropped") and values cut to ingest.maxAttributeValueLength (kind="truncated")',
      labelNames: ['signal', 'protocol', 'kind'],
      registers: [this.registry],
    });
    this.remoteWriteRequests = new Counter({
      name: 'pharos_remote_write_requests_total',
      help: 'Prometheus remote write requests answered, by HTTP status',
      labelNames: ['status'],
      registers: [this.registry],
    });
    this.remoteWriteItems = new Counter({
      name: 'pharos_remote_write_items_total',
      help: 'Remote write samples and exemplars: accepted (committed), rejected (series id collision) or ignored (native histograms)',
      labelNames: ['kind', 'outcome'],
      registers: [this.registry],
    });
    this.remoteWriteBytes = new Counter({
      name: 'pharos_remote_write_received_bytes_total',
      help: 'Remote write body bytes received (snappy-compressed)',
      registers: [this.registry],
    });
    this.commitDuration = new Histogram({
      name: 'pharos_ingest_commit_duration_seconds',
      help: 'Time to commit one group of requests to storage',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.commitItems = new Histogram({
      name: 'pharos_ingest_commit_items',
      help: 'Items committed per group commit',
      buckets: [1, 10, 100, 1000, 5000, 10_000, 50_000, 100_000],
      registers: [this.registry],
    });
    this.limitRefusals = new Counter({
      name: 'pharos_limit_refusals_total',
      help: 'Requests refused by an organisation rate limit or quota (limit: ingest_rate, ingest_quota, query_rate)',
      labelNames: ['limit'],
      registers: [this.registry],
    });
    this.failedCommits = new Counter({
      name: 'pharos_ingest_commit_failures_total',
      help: 'Group commits that failed (their requests were answered 503)',
      registers: [this.registry],
    });
    new Gauge({
      name: 'pharos_singleton_jobs',
      help: 'Singleton jobs (storage maintenance, …) this node runs: 1 per job it holds the lock of',
      labelNames: ['job'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const job of singletonJobs()) this.set({ job }, 1);
      },
    });
    new Gauge({
      name: 'pharos_ingest_pending_items',
      help: 'Items accepted but not yet committed (the ingest queue depth)',
      registers: [this.registry],
      collect() {
        this.set(committerStats().pendingItems);
      },
    });
    new Gauge({
      name: 'pharos_ingest_pending_bytes',
      help: 'Request body bytes admitted but not yet committed (bounded by ingest.maxPendingBytes)',
      registers: [this.registry],
      collect() {
        this.set(committerStats().pendingBytes);
      },
    });
    if (promCacheStats) this.registerPromCacheMetrics(promCacheStats);
    new Counter({
      name: 'pharos_ingest_refused_requests_total',
      help: 'Requests refused at once because the ingest queue was full or the server was stopping',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(committerStats().refusedRequests);
      },
    });
  }

  private registerPromCacheMetrics(stats: () => PromReadCacheStats): void {
    new Gauge({
      name: 'pharos_prometheus_read_cache_bytes',
      help: 'Memory held by the Prometheus read cache (sealed samples, compressed, and series index parts)',
      registers: [this.registry],
      collect() {
        this.set(stats().bytes);
      },
    });
    new Gauge({
      name: 'pharos_prometheus_read_cache_samples',
      help: 'Samples held (compressed) by the Prometheus read cache',
      registers: [this.registry],
      collect() {
        this.set(stats().samples);
      },
    });
    new Gauge({
      name: 'pharos_prometheus_read_cache_max_bytes',
      help: 'The bound of the Prometheus read cache (prometheus.readCacheBytes)',
      registers: [this.registry],
      collect() {
        this.set(stats().maxBytes);
      },
    });
    new Counter({
      name: 'pharos_prometheus_read_cache_lookups_total',
      help: 'Series samples looked up in the Prometheus read cache, by result (hit, miss)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const { hits, misses } = stats();
        this.reset();
        this.inc({ result: 'hit' }, hits);
        this.inc({ result: 'miss' }, misses);
      },
    });
    new Counter({
      name: 'pharos_prometheus_read_cache_evictions_total',
      help: 'Prometheus read cache entries dropped to stay within prometheus.readCacheBytes',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(stats().evictions);
      },
    });
  }

  recordIngest(signal: OtlpSignal, protocol: IngestProtocol, outcome: IngestOutcome): void {
    this.requests.inc({ signal, protocol, status: String(outcome.status) });
    this.bytes.inc({ protocol }, outcome.bytes);
    if (outcome.accepted > 0)
      this.items.inc({ signal, protocol, outcome: 'accepted' }, outcome.accepted);
    if (outcome.rejected > 0)
      this.items.inc({ signal, protocol, outcome: 'rejected' }, outcome.rejected);
    const dropped = outcome.attributesDropped ?? 0;
    if (dropped > 0) this.limitedAttributes.inc({ signal, protocol, kind: 'dropped' }, dropped);
    const truncated = outcome.valuesTruncated ?? 0;
    if (truncated > 0)
      this.limitedAttributes.inc({ signal, protocol, kind: 'truncated' }, truncated);
  }

  recordRemoteWrite(outcome: RemoteWriteOutcome): void {
    this.remoteWriteRequests.inc({ status: String(outcome.status) });
    this.remoteWriteBytes.inc(outcome.bytes);
    if (outcome.samples > 0) {
      this.remoteWriteItems.inc({ kind: 'sample', outcome: 'accepted' }, outcome.samples);
    }
    if (outcome.exemplars > 0) {
      this.remoteWriteItems.inc({ kind: 'exemplar', outcome: 'accepted' }, outcome.exemplars);
    }
    if ((outcome.collisions ?? 0) > 0) {
      this.remoteWriteItems.inc({ kind: 'sample', outcome: 'rejected' }, outcome.collisions);
    }
    if ((outcome.histogramsIgnored ?? 0) > 0) {
      this.remoteWriteItems.inc(
        { kind: 'histogram', outcome: 'ignored' },
        outcome.histogramsIgnored,
      );
    }
  }

  recordCommit(items: number, seconds: number, ok: boolean): void {
    if (ok) {
      this.commitDuration.observe(seconds);
      this.commitItems.observe(items);
    } else {
      this.failedCommits.inc();
    }
  }
}
