import http2 from 'node:http2';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { grpcTraceExport, traceRequest } from './helpers/otlp-requests.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

/**
 * OTLP/gRPC calls are admitted when their metadata arrives, each holding an estimate of its
 * message size (64 KiB before any message was seen) against `ingest.maxPendingBytes` until its
 * message is in. Calls beyond the bound are answered RESOURCE_EXHAUSTED at once, without their
 * message being read: here calls that send metadata and no message at all fill the bound, and
 * the next one is refused although it never sends a byte of its message.
 */

const TRACE_EXPORT = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
let pharos: TestPharos;

beforeAll(async () => {
  pharos = await startTestPharos({ env: { PHAROS_INGEST_MAX_PENDING_BYTES: String(256 * 1024) } });
});
afterAll(async () => {
  await pharos.destroy();
});

/** A gRPC call that sends its metadata and then nothing; resolves with its grpc-status if answered. */
function openCall(session: http2.ClientHttp2Session) {
  const stream = session.request(
    {
      ':method': 'POST',
      ':path': TRACE_EXPORT,
      'content-type': 'application/grpc',
      te: 'trailers',
    },
    { endStream: false },
  );
  const answered = new Promise<string | null>((resolve) => {
    stream.on('response', (headers) => {
      // A refusal is a trailers-only response: grpc-status comes with the headers.
      resolve((headers['grpc-status'] as string | undefined) ?? null);
    });
    stream.on('close', () => {
      resolve(null);
    });
    // Closing a stream with CANCEL (below) reports it as an error of that stream.
    stream.on('error', () => undefined);
  });
  return { stream, answered };
}

it('refuses calls beyond the pending bytes before reading their message, and frees what cancelled calls held', async () => {
  const session = http2.connect(`http://127.0.0.1:${String(pharos.otlpGrpcPort)}`);
  // The cancelled streams below end the session with CANCEL when it closes.
  session.on('error', () => undefined);
  try {
    // 256 KiB / 64 KiB: four calls waiting for their message fill the bound.
    const waiting = Array.from({ length: 4 }, () => openCall(session));
    const refused = openCall(session);
    const answer = await Promise.race([
      refused.answered,
      new Promise((resolve) => setTimeout(resolve, 5000, 'no answer')),
    ]);
    expect(answer).toBe(String(GrpcStatus.RESOURCE_EXHAUSTED));
    for (const call of waiting) {
      const early = await Promise.race([
        call.answered,
        new Promise((resolve) => setTimeout(resolve, 100, 'waiting')),
      ]);
      expect(early).toBe('waiting');
    }

    // Cancelled calls give their share back: a real export then gets through.
    for (const call of waiting) call.stream.close(http2.constants.NGHTTP2_CANCEL);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { error } = await grpcTraceExport(
      pharos.otlpGrpcPort!,
      traceRequest({ service: 'admission', traceId: 'b'.repeat(32), count: 3 }),
    );
    expect(error).toBeNull();
  } finally {
    session.close();
  }
});
