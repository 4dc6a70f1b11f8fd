import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreSeriesSource } from '../src/query/prometheus/store-series-source.js';
import { DEFAULT_TENANT } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

/**
 * A real Prometheus (Debian `prometheus`) scrapes Pharos' own /metrics every second and
 * remote-writes to Pharos with an API key as bearer token, as the README tells users to.
 */

const KEY = 'phk_remote_write_key_for_tests_0123456789';
const SCRIPT = path.resolve(
  import.meta.dirname,
  '../../../scripts/start-prometheus-remote-write.sh',
);

let pharos: TestPharos;
let dir = '';
let pid = 0;

beforeAll(async () => {
  pharos = await startTestPharos({
    env: { PHAROS_AUTH: 'on', PHAROS_BOOTSTRAP_API_KEY: KEY },
  });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-prometheus-'));
  const target = new URL(pharos.httpUrl).host;
  const { stdout } = await promisify(execFile)(SCRIPT, [
    dir,
    target,
    `${pharos.httpUrl}/prometheus/api/v1/write`,
    KEY,
  ]);
  pid = Number(stdout.trim());
}, 120_000);

afterAll(async () => {
  if (pid > 0) {
    try {
      process.kill(pid);
    } catch {
      // already gone
    }
  }
  await pharos.destroy();
  await fs.rm(dir, { recursive: true, force: true });
});

async function api(pathAndQuery: string): Promise<{ status: string; data: unknown }> {
  const response = await fetch(`${pharos.httpUrl}/prometheus/api/v1${pathAndQuery}`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: string; data: unknown };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const log = await fs.readFile(path.join(dir, 'prometheus.log'), 'utf8').catch(() => '');
      throw new Error(`timed out; prometheus.log:\n${log.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('remote write from a real Prometheus', () => {
  it('receives the scraped series, their samples and metadata', async () => {
    const series = await eventually(async () => {
      const { data } = await api(
        `/series?${new URLSearchParams([['match[]', '{job="pharos"}']]).toString()}`,
      );
      const list = data as Record<string, string>[];
      const names = new Set(list.map((s) => s.__name__));
      return names.has('up') && names.has('process_cpu_seconds_total') ? list : undefined;
    }, 60_000);
    const target = new URL(pharos.httpUrl).host;
    expect(series).toContainEqual({ __name__: 'up', instance: target, job: 'pharos' });
    expect(series).toContainEqual(
      expect.objectContaining({ __name__: 'pharos_ingest_pending_items', job: 'pharos' }),
    );

    // `up` is 1 at every scrape, one sample per second or so.
    const source = new StoreSeriesSource(pharos.store, DEFAULT_TENANT);
    const [up] = await source.select(
      [{ name: '__name__', type: '=', value: 'up' }],
      Date.now() - 120_000,
      Date.now(),
    );
    expect(up!.values.length).toBeGreaterThan(0);
    expect(new Set(up!.values)).toEqual(new Set([1]));

    const metadata = await eventually(async () => {
      const { data } = await api('/metadata?metric=process_cpu_seconds_total');
      return Object.keys(data as object).length > 0 ? data : undefined;
    }, 30_000);
    expect(metadata).toEqual({
      process_cpu_seconds_total: [
        { type: 'counter', help: 'Total user and system CPU time spent in seconds.', unit: '' },
      ],
    });
  }, 120_000);
});
