import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiLogRecord } from '../src/query/logs.js';
import type { ServiceSummary } from '../src/query/services.js';
import type { ApiTrace } from '../src/query/traces.js';
import type { MetricSummary } from '../src/query/metrics.js';
import { PHAROS_BIN, startPharosProcess, type PharosProcess } from './helpers/pharos-process.js';

/**
 * The real command line, as a user runs it: `pharos start` as a process, `pharos demo` sending
 * 30 s of traffic to it, graceful shutdown on SIGTERM, and a restart that keeps the data.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-cli-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startServer(): Promise<PharosProcess> {
  const started = await startPharosProcess(dataDir);
  children.push(started.child);
  return started;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

function runDemo(
  endpoint: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    [
      PHAROS_BIN,
      'demo',
      '--endpoint',
      endpoint,
      '--duration',
      '30s',
      '--rate',
      '15',
      '--seed',
      '7',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

describe('pharos start + pharos demo', () => {
  let server: PharosProcess;

  it('fills a running Pharos with 30 s of shop traffic that the API shows', async () => {
    server = await startServer();
    const demo = await runDemo(server.otlpHttpUrl!);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stderr).toMatch(/traces \d+/); // progress lines
    expect(demo.stdout).toMatch(/Sent in/); // the summary

    const base = `${server.httpUrl}/api/v1`;
    const { services } = await getJson<{ services: ServiceSummary[] }>(
      `${base}/services?from=now-1h`,
    );
    expect(services.filter((s) => s.spanCount > 0).length).toBeGreaterThanOrEqual(8);
    expect(services.some((s) => s.errorCount > 0)).toBe(true);

    const { logs } = await getJson<{ logs: ApiLogRecord[] }>(`${base}/logs?from=now-1h&limit=1000`);
    const correlated = logs.filter((l) => l.traceId !== '');
    expect(correlated.length).toBeGreaterThan(0);

    // Traces reached through their logs: the logs point at real spans of real traces.
    const traceIds = [...new Set(correlated.map((l) => l.traceId))].slice(0, 150);
    const traces = await Promise.all(
      traceIds.map((id) => getJson<ApiTrace>(`${base}/traces/${id}`)),
    );
    const spanIds = new Set(traces.flatMap((t) => t.spans.map((s) => s.spanId)));
    expect(
      correlated.filter((l) => traceIds.includes(l.traceId)).every((l) => spanIds.has(l.spanId)),
    ).toBe(true);
    expect(Math.max(...traces.map((t) => t.services.length))).toBeGreaterThanOrEqual(4);
    const kinds = new Set(traces.flatMap((t) => t.spans.map((s) => s.kind)));
    expect([...kinds]).toEqual(expect.arrayContaining(['server', 'client']));
    const errorSpans = traces.flatMap((t) => t.spans.filter((s) => s.status.code === 'error'));
    expect(errorSpans.length).toBeGreaterThan(0);
    expect(
      errorSpans.some((s) => s.events.some((e) => (e as { name: string }).name === 'exception')),
    ).toBe(true);

    const { metrics } = await getJson<{ metrics: MetricSummary[] }>(`${base}/metrics?from=now-1h`);
    expect([...new Set(metrics.map((m) => m.type))]).toEqual(
      expect.arrayContaining(['histogram', 'sum', 'gauge', 'exponential_histogram']),
    );
  }, 120_000);

  it('shuts down gracefully on SIGTERM and keeps the data across a restart', async () => {
    const before = await getJson<{ services: ServiceSummary[] }>(
      `${server.httpUrl}/api/v1/services?from=now-1h`,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.logLines.map((l) => l.msg)).toContain('pharos stopped');

    const again = await startServer();
    const after = await getJson<{ services: ServiceSummary[] }>(
      `${again.httpUrl}/api/v1/services?from=now-1h`,
    );
    expect(after.services).toEqual(before.services);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 60_000);
});
