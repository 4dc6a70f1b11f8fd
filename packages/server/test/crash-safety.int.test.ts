import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiTrace } from '../src/query/traces.js';
import { traceRequest } from './helpers/otlp-requests.js';
import { startPharosProcess, type PharosProcess } from './helpers/pharos-process.js';

/**
 * SIGKILL during sustained ingestion, with sealing into Parquet every second so that kills also
 * land mid-seal. After a restart, every acknowledged request's spans are stored exactly once;
 * an unacknowledged request is stored whole or not at all.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-crash-'));
const processes: PharosProcess[] = [];
afterAll(() => {
  for (const p of processes) p.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const SPANS_PER_REQUEST = 50;
const traceIdOf = (request: number) => request.toString(16).padStart(32, '0');

function requestBody(request: number): Uint8Array {
  return traceRequest({
    service: 'crash-test',
    traceId: traceIdOf(request),
    count: SPANS_PER_REQUEST,
    firstSpanId: request * 1000 + 1,
    attributes: (i) => ({ request: BigInt(request), i: BigInt(i) }),
  });
}

async function spanCount(server: PharosProcess, request: number): Promise<number> {
  const response = await fetch(`${server.httpUrl}/api/v1/traces/${traceIdOf(request)}`);
  if (response.status === 404) return 0;
  if (!response.ok) throw new Error(`trace lookup failed: ${response.status}`);
  const trace = (await response.json()) as ApiTrace;
  expect(new Set(trace.spans.map((s) => s.spanId)).size).toBe(trace.spanCount);
  return trace.spanCount;
}

describe('crash safety', () => {
  it('keeps every acknowledged span exactly once across SIGKILLs', async () => {
    const acknowledged = new Set<number>();
    const sent = new Set<number>();
    let nextRequest = 1;
    const env = {
      PHAROS_STORAGE_SEAL_INTERVAL_SECONDS: '1',
      PHAROS_INGEST_BATCH_MAX_DELAY_MS: '5',
    };

    for (let round = 0; round < 3; round++) {
      const server = await startPharosProcess(dataDir, env);
      processes.push(server);
      const url = `${server.otlpHttpUrl}/v1/traces`;
      let killed = false;
      const clients = Array.from({ length: 6 }, async () => {
        while (!killed) {
          const request = nextRequest++;
          sent.add(request);
          try {
            const response = await fetch(url, {
              method: 'POST',
              body: requestBody(request),
              headers: { 'content-type': 'application/x-protobuf' },
            });
            await response.arrayBuffer();
            if (response.status === 200) acknowledged.add(request);
          } catch {
            // connection reset by the kill: not acknowledged
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 1500 + round * 700));
      server.child.kill('SIGKILL');
      killed = true;
      await server.exited;
      await Promise.all(clients);
    }

    const server = await startPharosProcess(dataDir, env);
    processes.push(server);
    expect(acknowledged.size).toBeGreaterThan(30);
    for (const request of sent) {
      const count = await spanCount(server, request);
      if (acknowledged.has(request))
        expect(count, `acknowledged request ${request}`).toBe(SPANS_PER_REQUEST);
      else expect([0, SPANS_PER_REQUEST], `unacknowledged request ${request}`).toContain(count);
    }
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);
});
