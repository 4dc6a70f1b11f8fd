import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { ServiceSummary } from '../src/query/services.js';
import { traceRequest } from './helpers/otlp-requests.js';
import { startPharosProcess, type PharosProcess } from './helpers/pharos-process.js';

/**
 * Offered load far beyond what the server admits: an open-loop burst of 600 concurrent requests
 * × 512 spans against a bound of 20,000 pending items. The excess is refused at once with 429
 * and Retry-After (never buffered), everything acknowledged is stored, and memory stays bounded.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-overload-'));
let server: PharosProcess | undefined;
afterAll(() => {
  server?.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const SPANS = 512;

function body(request: number): Uint8Array {
  return traceRequest({
    service: 'overload',
    traceId: request.toString(16).padStart(32, '0'),
    count: SPANS,
    firstSpanId: request * 1000 + 1,
    name: (i) => `op-${String(i % 10)}`,
    attributes: (i) => ({
      'http.route': `/r/${String(i % 10)}`,
      'user.id': `u-${String(i)}`,
      payload: 'x'.repeat(200),
    }),
  });
}

function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

it('refuses overload with 429 + Retry-After, stores what it acknowledged, bounds memory', async () => {
  server = await startPharosProcess(dataDir, {
    PHAROS_INGEST_MAX_PENDING_ITEMS: '20000',
    PHAROS_INGEST_BATCH_MAX_DELAY_MS: '20',
  });
  const url = `${server.otlpHttpUrl}/v1/traces`;
  const bodies = Array.from({ length: 40 }, (_, i) => body(i + 1));
  const statuses: number[] = [];
  const retryAfter: string[] = [];
  let acknowledged = 0;
  for (let round = 0; round < 3; round++) {
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const response = await fetch(url, {
          method: 'POST',
          body: bodies[(round * 200 + i) % bodies.length]!,
          headers: { 'content-type': 'application/x-protobuf' },
        });
        await response.arrayBuffer();
        statuses.push(response.status);
        if (response.status === 200) acknowledged++;
        if (response.status === 429) retryAfter.push(response.headers.get('retry-after') ?? '');
      }),
    );
  }
  expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  expect(retryAfter.length).toBeGreaterThan(0);
  expect(retryAfter.every((value) => Number(value) >= 1)).toBe(true);
  expect(acknowledged).toBeGreaterThan(0);

  // The same 40 bodies were resent: spans are counted, not deduplicated, so every
  // acknowledged request adds exactly 512 spans.
  const response = await fetch(`${server.httpUrl}/api/v1/services?from=now-1h`);
  const { services } = (await response.json()) as { services: ServiceSummary[] };
  expect(services.find((s) => s.name === 'overload')?.spanCount).toBe(acknowledged * SPANS);

  // 600 requests × ~160 KiB were offered (~95 MiB on the wire, ~300k spans); admitted work is
  // bounded by 20,000 pending items, so the process stays far below "everything buffered".
  expect(peakRssMiB(server.child.pid!)).toBeLessThan(700);
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}, 120_000);
