import { expect, it } from 'vitest';
import { encodeExportTraceRequest } from '../src/otlp/encode.js';
import { DEFAULT_TENANT } from '../src/tenant.js';
import { startTestPharos } from './helpers/pharos.js';

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
