import type { Config } from '../config/config.js';
import type { GroupCommitter } from '../ingest/group-committer.js';
import type { MetricPointBatch } from '../telemetry/batches.js';
import type { TenantBatch } from '../store/telemetry-store.js';
import type { TenantId } from '../tenant.js';
import { DeltaToCumulative } from './delta-to-cumulative.js';
import { OtlpToPrometheus, type ConversionStats } from './otlp-to-prometheus.js';
import { PromBatchBuilder } from './prom-batch-builder.js';
import type { WriteRequestColumns } from './remote-write-columns.js';
import { applyWriteRequest, type RemoteWriteStats } from './remote-write-decode.js';
import { SeriesRegistry } from './series-registry.js';

/**
 * The Prometheus model's ingest side, one per server: the series registry and the delta
 * state shared by the OTLP metrics receivers (HTTP and gRPC) and the remote write receiver.
 */
export class PrometheusIngest {
  readonly registry: SeriesRegistry;
  readonly deltas: DeltaToCumulative;
  private readonly otlp: OtlpToPrometheus;

  constructor(options: { maxSeriesInMemory: number; maxDeltaSeriesPerTenant: number }) {
    this.registry = new SeriesRegistry({ maxSeries: options.maxSeriesInMemory });
    this.deltas = new DeltaToCumulative({ maxSeriesPerTenant: options.maxDeltaSeriesPerTenant });
    // A cached point identity holds a few to a few dozen series (histogram buckets).
    this.otlp = new OtlpToPrometheus(
      this.deltas,
      Math.max(1000, Math.floor(options.maxSeriesInMemory / 10)),
    );
  }

  static fromConfig(config: Config): PrometheusIngest {
    return new PrometheusIngest(config.prometheus);
  }

  builder(tenant: TenantId): PromBatchBuilder {
    return new PromBatchBuilder(tenant, this.registry);
  }

  /** OTLP points → the Prometheus-model rows to write with them. */
  fromOtlp(
    tenant: TenantId,
    points: MetricPointBatch,
  ): { batch: TenantBatch; builder: PromBatchBuilder; stats: ConversionStats } {
    const builder = this.builder(tenant);
    const stats = this.otlp.convert(points, builder);
    return { batch: builder.build(), builder, stats };
  }

  /**
   * Write a decoded remote write request (`decodeWriteRequestColumns`) and wait until it is
   * committed. Throws RemoteWriteDecodeError (nothing written) on invalid labels.
   */
  async writeRemote(
    committer: GroupCommitter,
    tenant: TenantId,
    columns: WriteRequestColumns,
    /** Called with the number of samples before the commit; throws to refuse (rate limits). */
    admit: (samples: number) => Promise<void> = () => Promise.resolve(),
  ): Promise<RemoteWriteStats> {
    const builder = this.builder(tenant);
    const stats = applyWriteRequest(columns, builder);
    stats.collisions = builder.collisions;
    const batch = builder.build();
    await admit(stats.samples);
    await committer.submit(batch);
    builder.commitRegistered();
    return stats;
  }
}
