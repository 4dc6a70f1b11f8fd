import fs from 'node:fs';
import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status as GrpcStatus,
  type Metadata,
  type ServerInterceptor,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { AppError } from '../errors.js';
import type { GroupCommitter } from '../ingest/group-committer.js';
import type { PharosMetrics } from '../selfmon/pharos-metrics.js';
import { ingestOptionsOf, ingestOtlp } from '../ingest/otlp-ingest.js';
import type { DecodePool } from '../ingest/decode-pool.js';
import type { TenantLimiter } from '../limits/tenant-limiter.js';
import type { PrometheusIngest } from '../metrics/prometheus-ingest.js';
import { exportResponse, type OtlpSignal } from '../ingest/otlp-response.js';
import { DEFAULT_TENANT, type TenantId } from '../tenant.js';

/** `opentelemetry.proto.collector.<signal>.v1.<Service>/Export` for each signal. */
const SERVICES: Record<OtlpSignal, { path: string; name: string }> = {
  traces: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    name: 'TraceService',
  },
  logs: { path: '/opentelemetry.proto.collector.logs.v1.LogsService/Export', name: 'LogsService' },
  metrics: {
    path: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    name: 'MetricsService',
  },
};

/** HTTP status of an AppError → the gRPC status OTLP clients expect. */
const GRPC_STATUS: Record<number, GrpcStatus> = {
  400: GrpcStatus.INVALID_ARGUMENT,
  401: GrpcStatus.UNAUTHENTICATED,
  403: GrpcStatus.PERMISSION_DENIED,
  413: GrpcStatus.INVALID_ARGUMENT,
  429: GrpcStatus.RESOURCE_EXHAUSTED,
  503: GrpcStatus.UNAVAILABLE,
};

// Messages are passed through as raw bytes: our own decoder reads them, in one pass.
const identity = (buffer: Buffer): Buffer => buffer;

function serviceDefinition(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: SERVICES[signal].path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

/** A message's size before it arrives: a running mean of the sizes seen, from 64 KiB. */
class MessageSizeEstimate {
  private mean = 64 * 1024;

  get bytes(): number {
    return Math.round(this.mean);
  }

  observe(bytes: number): void {
    this.mean += (bytes - this.mean) / 16;
  }
}

/**
 * Admission before the message is read. grpc-js reads a unary call's whole message before the
 * handler runs, so refusing there (in `ingestOtlp`) still holds every message offered under
 * overload in memory at once. Here a call is admitted when its metadata arrives, holding an
 * estimate of its message size against `ingest.maxPendingBytes` until the message is in (then
 * `ingestOtlp` holds the real size); beyond the bound the call is answered at once and its
 * message is never read.
 */
function admissionInterceptor(
  committer: GroupCommitter,
  metrics: PharosMetrics,
  estimate: MessageSizeEstimate,
): ServerInterceptor {
  const signalOf = new Map(
    (Object.keys(SERVICES) as OtlpSignal[]).map((signal) => [SERVICES[signal].path, signal]),
  );
  return (method, call) => {
    let release: (() => void) | null = null;
    const settle = () => {
      release?.();
      release = null;
    };
    return new ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            const signal = signalOf.get(method.path);
            if (signal === undefined) {
              nextMetadata(metadata);
              return;
            }
            try {
              release = committer.reserve(estimate.bytes);
            } catch (error) {
              const appError = error instanceof AppError ? error : undefined;
              metrics.recordIngest(signal, 'grpc', {
                status: appError?.status ?? 500,
                accepted: 0,
                rejected: 0,
                bytes: 0,
              });
              call.sendStatus({
                code: appError
                  ? (GRPC_STATUS[appError.status] ?? GrpcStatus.INTERNAL)
                  : GrpcStatus.INTERNAL,
                details: appError?.expose ? appError.message : 'internal error',
              });
              return;
            }
            nextMetadata(metadata);
          },
          onReceiveMessage: (message: Buffer, nextMessage) => {
            settle();
            estimate.observe(message.length);
            nextMessage(message);
          },
          onCancel: settle,
        });
      },
      sendStatus: (status, next) => {
        settle();
        next(status);
      },
    });
  };
}

/** TLS from the same certificate and key files as HTTPS (tls.certFile / tls.keyFile). */
function serverCredentials(tls: { certFile?: string; keyFile?: string }): ServerCredentials {
  if (tls.certFile === undefined || tls.keyFile === undefined) {
    return ServerCredentials.createInsecure();
  }
  return ServerCredentials.createSsl(
    null,
    [{ cert_chain: fs.readFileSync(tls.certFile), private_key: fs.readFileSync(tls.keyFile) }],
    false,
  );
}

export interface OtlpGrpcDeps {
  config: Config;
  committer: GroupCommitter;
  logger: Logger;
  metrics: PharosMetrics;
  /** Writes OTLP metrics in the Prometheus model too (absent: `metric_points` only). */
  prometheus?: PrometheusIngest;
  /** Organisation rate limits and quotas (absent: none). */
  limiter?: TenantLimiter | null;
  /** Decodes OTLP bodies on worker threads (absent: on the event loop). */
  decodePool?: DecodePool;
  /** The tenant of a call; authentication hooks in here. */
  tenantOf?: (metadata: Metadata) => TenantId | Promise<TenantId>;
}

export interface RunningGrpcServer {
  port: number;
  /** Stop accepting calls and wait for running ones to finish. */
  close(): Promise<void>;
}

/**
 * OTLP/gRPC receivers for traces, logs and metrics on one port. gzip-compressed messages are
 * decompressed by grpc-js, bounded by `ingest.maxDecompressedBytes`; each call is answered only
 * after its data is committed, exactly like OTLP/HTTP.
 */
export async function startOtlpGrpcServer(deps: OtlpGrpcDeps): Promise<RunningGrpcServer> {
  const server = new Server({
    'grpc.max_receive_message_length': deps.config.ingest.maxDecompressedBytes,
    'grpc.max_send_message_length': 1024 * 1024,
    interceptors: [admissionInterceptor(deps.committer, deps.metrics, new MessageSizeEstimate())],
  });
  const tenantOf = deps.tenantOf ?? (() => DEFAULT_TENANT);
  const ingestOptions = ingestOptionsOf(deps.config, {
    prometheus: deps.prometheus,
    decodePool: deps.decodePool,
    limiter: deps.limiter,
  });

  for (const signal of Object.keys(SERVICES) as OtlpSignal[]) {
    server.addService(serviceDefinition(signal), {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        Promise.resolve()
          .then(() => tenantOf(call.metadata))
          .then((tenant) =>
            ingestOtlp(deps.committer, signal, 'protobuf', call.request, tenant, ingestOptions),
          )
          .then(
            (result) => {
              const response = exportResponse(
                signal,
                'protobuf',
                result.rejected.count,
                result.rejected.messages.join('; '),
              );
              deps.metrics.recordIngest(signal, 'grpc', {
                status: 200,
                accepted: result.accepted,
                rejected: result.rejected.count,
                bytes: call.request.length,
                attributesDropped: result.limited.attributesDropped,
                valuesTruncated: result.limited.valuesTruncated,
              });
              callback(null, response.body as Buffer);
            },
            (error: unknown) => {
              const appError = error instanceof AppError ? error : undefined;
              deps.metrics.recordIngest(signal, 'grpc', {
                status: appError?.status ?? 500,
                accepted: 0,
                rejected: 0,
                bytes: call.request.length,
              });
              if (!appError || appError.status >= 500) {
                deps.logger.error({ err: error, signal }, 'OTLP/gRPC export failed');
              }
              callback({
                code: appError
                  ? (GRPC_STATUS[appError.status] ?? GrpcStatus.INTERNAL)
                  : GrpcStatus.INTERNAL,
                details: appError?.expose ? appError.message : 'internal error',
              });
            },
          );
      },
    });
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${deps.config.host}:${deps.config.otlp.grpcPort}`,
      serverCredentials(deps.config.tls),
      (error, boundPort) => {
        if (error) reject(error);
        else resolve(boundPort);
      },
    );
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 10_000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}
