import snappy from 'snappy';
import { expect, it } from 'vitest';
import { encodeExportTraceRequest } from '../src/otlp/encode.js';
import { DEFAULT_TENANT } from '../src/tenant.js';
import { startTestPharos } from './helpers/pharos.js';
import { encodeWriteRequest } from './helpers/remote-write.js';

it('seals early once storage.sealMaxRows rows have arrived, long before the interval', async () => {
  const pharos = await startTestPharos({
    env: { PHAROS_STORAGE_SEAL_MAX_ROWS: '1000', PHAROS_STORAGE_SEAL_INTERVAL_SECONDS: '3600' },
  });
  try {
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = encodeExportTraceRequest({
      resourceSpans: [
        {
          resource: { attributes: { 'service.name': 'sealer' } },
          scopeSpans: [
            {
              scope: { name: 't' },
              spans: Array.from({ length: 1500 }, (_, i) => ({
                traceId: 'ab'.repeat(16),
                spanId: (i + 1).toString(16).padStart(16, '0'),
                name: 'op',
                kind: 'server' as const,
                startTimeUnixNano: now,
                endTimeUnixNano: now + 1n,
              })),
            },
          ],
        },
      ],
    });
    const response = await fetch(`${pharos.httpUrl}/v1/traces`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-protobuf' },
    });
    expect(response.status).toBe(200);
    const sealedBytes = async () =>
      (await pharos.store.listPartitions(DEFAULT_TENANT)).reduce((n, p) => n + p.bytes, 0);
    const deadline = Date.now() + 10_000;
    while ((await sealedBytes()) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await sealedBytes()).toBeGreaterThan(0);
  } finally {
    await pharos.destroy();
  }
});

it('keeps remote write flowing across a UTC midnight when sealMaxRows exceeds maxUnsealedRows', async () => {
  // The unsealed-rows refusal sits at 1,000 weighed rows (8,000 samples). With sealMaxRows far
  // above it, only the hour-long interval used to start a seal, so every write after the first
  // 8,000 samples was refused until then (bench:metrics' stall after ~3,000 steps, which fell
  // right after the data's midnight). A seal must start on its own before the refusal.
  const pharos = await startTestPharos({
    env: {
      PHAROS_STORAGE_SEAL_MAX_ROWS: '1000000',
      PHAROS_STORAGE_MAX_UNSEALED_ROWS: '1000',
      PHAROS_STORAGE_SEAL_INTERVAL_SECONDS: '3600',
    },
  });
  try {
    const stepMs = 15_000;
    const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    // 100 series × 10 samples per request, 40 requests: 40,000 samples from 50 minutes before
    // midnight to 50 minutes after it.
    const firstMs = midnight - 200 * stepMs;
    const series = Array.from({ length: 100 }, (_, i) => ({
      labels: { __name__: 'midnight_total', instance: `i-${i}`, job: 'seal' },
    }));
    let refusals = 0;
    for (let request = 0; request < 40; request++) {
      const timestamps = Array.from(
        { length: 10 },
        (_, j) => firstMs + (request * 10 + j) * stepMs,
      );
      const body = snappy.compressSync(
        encodeWriteRequest(
          series.map((s) => ({
            labels: s.labels,
            timestamps,
            values: timestamps.map((t) => t / 1000),
          })),
        ),
      );
      for (;;) {
        const response = await fetch(`${pharos.httpUrl}/prometheus/api/v1/write`, {
          method: 'POST',
          body,
          headers: {
            'content-encoding': 'snappy',
            'content-type': 'application/x-protobuf',
            'x-prometheus-remote-write-version': '0.1.0',
          },
        });
        await response.arrayBuffer();
        if (response.status === 204) break;
        expect(response.status).toBe(503);
        // A refusal is fine while a seal runs; one that outlasts many seals is the stall.
        refusals++;
        expect(refusals).toBeLessThan(20);
        await new Promise((resolve) =>
          setTimeout(resolve, Number(response.headers.get('retry-after') ?? '1') * 1000),
        );
      }
    }
    const partitions = await pharos.store.listPartitions(DEFAULT_TENANT);
    const samples = partitions.filter((p) => p.signal === 'prom_samples');
    expect(samples.map((p) => p.day).sort()).toEqual([
      new Date(midnight - 86_400_000).toISOString().slice(0, 10),
      new Date(midnight).toISOString().slice(0, 10),
    ]);
    expect(samples.reduce((n, p) => n + p.rows, 0)).toBe(40_000);
    // Sealed on the way, not held in the hot table until the interval.
    expect(samples.reduce((n, p) => n + p.bytes, 0)).toBeGreaterThan(0);
  } finally {
    await pharos.destroy();
  }
}, 120_000);
