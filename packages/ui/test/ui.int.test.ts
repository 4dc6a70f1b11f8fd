import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  PHAROS_BIN,
  startPharosProcess,
  type PharosProcess,
} from '../../server/test/helpers/pharos-process.js';
import { bigTraceRequests, launchBrowser, type TestBrowser } from './browser.js';

/**
 * The web UI in a real Chromium against a real `pharos start` (authentication off) filled by
 * `pharos demo`: every page loads without console errors and shows the demo data, searches
 * filter, the waterfall renders whole traces (and a 10,000-span one, timed), logs link to
 * traces. Screenshots of every page go to test-artifacts/ui/.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-ui-'));
const children: ChildProcess[] = [];
let pharos: PharosProcess;
let browser: TestBrowser;
const BIG_TRACE = 'b16b16b16b16b16b16b16b16b16b1600';

interface TraceSummary {
  traceId: string;
  services: string[];
  spanCount: number;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

function runDemo(endpoint: string): Promise<number | null> {
  const child = spawn(
    process.execPath,
    [
      PHAROS_BIN,
      'demo',
      '--endpoint',
      endpoint,
      '--duration',
      '20s',
      '--rate',
      '15',
      '--seed',
      '11',
    ],
    { stdio: 'ignore' },
  );
  children.push(child);
  return new Promise((resolve) => child.once('exit', resolve));
}

beforeAll(async () => {
  pharos = await startPharosProcess(dataDir);
  children.push(pharos.child);
  const [demoExit] = await Promise.all([
    runDemo(pharos.otlpHttpUrl!),
    launchBrowser().then((b) => (browser = b)),
  ]);
  expect(demoExit).toBe(0);
  for (const body of bigTraceRequests(BIG_TRACE, 10_000)) {
    const response = await fetch(`${pharos.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const child of children) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Opens a UI path and waits until `ready` (a selector) is visible. */
async function open(pathAndQuery: string, ready: string) {
  await browser.page.goto(`${pharos.httpUrl}${pathAndQuery}`);
  await browser.page.locator(ready).first().waitFor({ state: 'visible' });
}

describe('web UI against a Pharos filled by the demo', () => {
  beforeEach(() => {
    browser.takeErrors(); // errors left by a failed earlier test must not fail this one
  });

  it('serves the SPA: index.html for client routes (no-cache), hashed assets cached for a year', async () => {
    const index = await fetch(`${pharos.httpUrl}/traces/0123`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${pharos.httpUrl}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/);
    const api404 = await fetch(`${pharos.httpUrl}/api/v1/nope`);
    expect(api404.status).toBe(404);
    expect(await api404.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('loads every page without console errors, showing the demo data', async () => {
    const { page } = browser;
    const checks: { name: string; path: string; ready: string; check?: () => Promise<void> }[] = [
      {
        name: 'services',
        path: '/services',
        ready: '[data-testid=services-table] tbody tr',
        check: async () => {
          expect(
            await page.locator('[data-testid=services-table] tbody tr').count(),
          ).toBeGreaterThanOrEqual(8);
          await page.getByRole('link', { name: 'checkout', exact: true }).waitFor();
        },
      },
      {
        name: 'service-checkout',
        path: '/services/checkout',
        ready: '[data-testid=chart-requests] canvas',
        check: async () => {
          await page.getByText('POST /orders').first().waitFor();
        },
      },
      {
        name: 'traces',
        path: '/traces',
        ready: '[data-testid=trace-row]',
        check: async () => {
          await page.locator('[data-testid=duration-scatter] canvas').first().waitFor();
          expect(await page.locator('[data-testid=trace-row]').count()).toBeGreaterThan(10);
        },
      },
      {
        name: 'logs',
        path: '/logs',
        ready: '[data-testid=log-row]',
        check: async () => {
          await page.locator('[data-testid=logs-histogram] canvas').first().waitFor();
          await page.locator('[data-testid=facets]').getByText('service_name').waitFor();
        },
      },
      { name: 'service-map', path: '/map', ready: '[data-testid=service-map] canvas' },
      {
        name: 'metrics',
        path: '/explore/metrics',
        ready: '[data-testid=promql-editor] .cm-content',
      },
      {
        name: 'sql',
        path: '/sql',
        ready: '[data-testid=sql-schema]',
        check: async () => {
          await page.getByTestId('run-sql').click();
          await page.locator('[data-testid=sql-results] tbody tr').first().waitFor();
          expect(
            await page.locator('[data-testid=sql-results] tbody tr').count(),
          ).toBeGreaterThanOrEqual(8);
        },
      },
      { name: 'send-data', path: '/settings/api-keys', ready: 'text=OTEL_EXPORTER_OTLP_ENDPOINT' },
    ];
    for (const { name, path: url, ready, check } of checks) {
      await open(url, ready);
      await check?.();
      await page.waitForTimeout(300); // let charts finish drawing for the screenshot
      await browser.screenshot(name);
      expect(browser.takeErrors(), `console errors on ${url}`).toEqual([]);
    }
    // The dark theme, once.
    await open('/services', '[data-testid=services-table] tbody tr');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await page.waitForTimeout(300);
    await browser.screenshot('services-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
    expect(browser.takeErrors()).toEqual([]);
  });

  it('filters traces with the search bar and keeps the search in the URL', async () => {
    const { page } = browser;
    await open('/traces', '[data-testid=trace-row]');
    const editor = page.locator('[data-testid=search-bar] .cm-content');
    await page.keyboard.press('/'); // the shortcut focuses the search bar
    await page.keyboard.type('service:payment');
    await page.keyboard.press('Escape'); // close the completion list
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=service%3Apayment/);
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=trace-row]')];
      return (
        rows.length > 0 &&
        rows.every((row) => row.getAttribute('data-services')?.split(' ').includes('payment'))
      );
    });
    expect(await editor.textContent()).toBe('service:payment');
    await browser.screenshot('traces-search');
    expect(browser.takeErrors()).toEqual([]);

    await open('/logs?q=severity%3E%3Derror', '[data-testid=log-row]');
    const severities = await page.getByTestId('log-severity').allTextContents();
    expect(severities.length).toBeGreaterThan(0);
    expect(new Set(severities.map((s) => s.toLowerCase()))).toSatisfy((set: Set<string>) =>
      [...set].every((s) => s === 'error' || s === 'fatal'),
    );
    expect(browser.takeErrors()).toEqual([]);
  });

  it('renders every span of a multi-service trace in the waterfall, with span details', async () => {
    const { page } = browser;
    const { traces } = await getJson<{ traces: TraceSummary[] }>(
      `${pharos.httpUrl}/api/v1/traces?from=now-1h&limit=200&status=error`,
    );
    const trace = traces
      .filter((t) => t.traceId !== BIG_TRACE)
      .sort((a, b) => b.services.length - a.services.length)[0]!;
    expect(trace.services.length).toBeGreaterThanOrEqual(4);
    const full = await getJson<{ spans: { spanId: string; events: { name: string }[] }[] }>(
      `${pharos.httpUrl}/api/v1/traces/${trace.traceId}`,
    );
    await open(`/traces/${trace.traceId}`, '[data-testid=waterfall-row]');
    // Virtualized: scroll through and collect every rendered row.
    const seen = new Set<string>();
    const scroller = page.getByTestId('waterfall-scroller');
    for (let top = 0; top < 100_000; top += 400) {
      for (const id of await page
        .locator('[data-testid=waterfall-row]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-span-id')!)))
        seen.add(id);
      const done = await scroller.evaluate((el, y) => {
        el.scrollTop = y;
        return y >= el.scrollHeight;
      }, top + 400);
      if (done) break;
      await page.waitForTimeout(30);
    }
    expect([...seen].sort()).toEqual(full.spans.map((s) => s.spanId).sort());
    await scroller.evaluate((el) => (el.scrollTop = 0));
    const withException = full.spans.find((s) => s.events.some((e) => e.name === 'exception'));
    const selected = withException?.spanId ?? full.spans[0]!.spanId;
    await open(`/traces/${trace.traceId}?span=${selected}`, '[data-testid=span-detail]');
    if (withException) await page.getByTestId('stack-trace').first().waitFor();
    await browser.screenshot('trace');
    await page.getByRole('tab', { name: /Logs/ }).click();
    await page.waitForTimeout(200);
    await browser.screenshot('trace-logs');
    expect(browser.takeErrors()).toEqual([]);
  });

  it('links a log record to its trace', async () => {
    const { page } = browser;
    await open('/logs', '[data-testid=log-trace-link]');
    const link = page.getByTestId('log-trace-link').first();
    const href = await link.getAttribute('href');
    const traceId = /\/traces\/([0-9a-f]{32})/.exec(href ?? '')?.[1];
    expect(traceId).toBeDefined();
    await link.click();
    await page.waitForURL(new RegExp(`/traces/${traceId}`));
    await page.locator('[data-testid=waterfall-row]').first().waitFor();
    // The log's span is selected in the waterfall.
    await page.locator('[data-testid=span-detail]').waitFor();
    expect(browser.takeErrors()).toEqual([]);
  });

  it('compares two traces', async () => {
    const { traces } = await getJson<{ traces: TraceSummary[] }>(
      `${pharos.httpUrl}/api/v1/traces?from=now-1h&limit=50&service=checkout`,
    );
    expect(traces.length).toBeGreaterThanOrEqual(2);
    await open(
      `/compare?a=${traces[0]!.traceId}&b=${traces[1]!.traceId}`,
      '[data-testid=compare-table] tbody tr',
    );
    await browser.screenshot('compare');
    expect(browser.takeErrors()).toEqual([]);
  });

  it('opens a 10,000-span trace and reports the time to first paint of the waterfall', async () => {
    const { page } = browser;
    const started = Date.now();
    await open(`/traces/${BIG_TRACE}`, '[data-testid=waterfall-row]');
    await page.waitForFunction(
      () => performance.getEntriesByName('pharos:waterfall-painted').length > 0,
    );
    const timing = await page.evaluate(() => {
      const painted = performance.getEntriesByName('pharos:waterfall-painted')[0]!.startTime;
      const loaded = performance.getEntriesByName('pharos:trace-loaded')[0]?.startTime ?? NaN;
      return { painted, renderMs: painted - loaded };
    });
    const wall = Date.now() - started;
    console.log(
      `10,000-span waterfall: first paint ${timing.painted.toFixed(0)} ms after navigation start ` +
        `(${timing.renderMs.toFixed(0)} ms from data arrival to paint; ${wall} ms wall clock incl. API) — under test load`,
    );
    await page.getByText(/10,000 of 10,000 spans/).waitFor();
    // Rows are virtualized: a few dozen in the DOM, not 10,000.
    expect(await page.locator('[data-testid=waterfall-row]').count()).toBeLessThan(200);
    const scroller = page.getByTestId('waterfall-scroller');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('[data-testid=waterfall-row][data-index="9999"]').waitFor();
    await browser.screenshot('trace-10k');
    expect(browser.takeErrors()).toEqual([]);
  });

  it('draws a PromQL query as a chart', async () => {
    const { page } = browser;
    const names = await fetch(`${pharos.httpUrl}/prometheus/api/v1/label/__name__/values`);
    expect(names.status).toBe(200);
    const { data } = (await names.json()) as { data: string[] };
    expect(data.length).toBeGreaterThan(0);
    const metric = data.find((n) => /duration|requests|count/.test(n)) ?? data[0]!;
    await open(
      `/explore/metrics?promql=${encodeURIComponent(JSON.stringify([metric]))}`,
      '[data-testid=promql-chart] canvas',
    );
    await browser.screenshot('metrics-chart');
    await page.getByRole('button', { name: 'table' }).click();
    expect(await page.locator('[data-testid=promql-table] tbody tr').count()).toBeGreaterThan(0);
    expect(browser.takeErrors()).toEqual([]);
  });
});
