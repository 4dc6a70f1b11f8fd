import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { encodeExportTraceRequest } from '../../src/otlp/encode.js';
import type { Attributes } from '../../src/otlp/encode-model.js';

/**
 * An OTLP trace export request of `count` server spans of one service and trace, starting now and
 * lasting 1 µs. Span ids are `firstSpanId + i` (hex); `name` and `attributes` vary per span.
 */
export function traceRequest(options: {
  service: string;
  traceId: string;
  count: number;
  firstSpanId?: number;
  name?: (i: number) => string;
  attributes?: (i: number) => Attributes;
}): Uint8Array {
  const now = BigInt(Date.now()) * 1_000_000n;
  const first = options.firstSpanId ?? 1;
  return encodeExportTraceRequest({
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': options.service } },
        scopeSpans: [
          {
            scope: { name: options.service },
            spans: Array.from({ length: options.count }, (_, i) => ({
              traceId: options.traceId,
              spanId: (first + i).toString(16).padStart(16, '0'),
              name: options.name?.(i) ?? `op-${String(i)}`,
              kind: 'server' as const,
              startTimeUnixNano: now,
              endTimeUnixNano: now + 1000n,
              ...(options.attributes ? { attributes: options.attributes(i) } : {}),
            })),
          },
        ],
      },
    ],
  });
}

/** One raw OTLP/gRPC trace Export call (plaintext); resolves with the call's error, if any. */
export function grpcTraceExport(
  port: number,
  body: Uint8Array,
  metadata: Record<string, string> = {},
): Promise<{ error: ServiceError | null; response?: Buffer }> {
  const client = new Client(`127.0.0.1:${String(port)}`, credentials.createInsecure());
  const meta = new Metadata();
  for (const [key, value] of Object.entries(metadata)) meta.set(key, value);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      meta,
      (error, response) => {
        client.close();
        resolve({ error, ...(response ? { response } : {}) });
      },
    );
  });
}
