/**
 * A real browser for the UI tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), with console errors and failed requests collected per page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts/ui');

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions since the last `takeErrors()`. */
  takeErrors: () => string[];
  screenshot: (name: string) => Promise<void>;
  close: () => Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-ui-chromium-'));
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1440, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  let errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  return {
    context,
    page,
    takeErrors: () => {
      const taken = errors;
      errors = [];
      return taken;
    },
    screenshot: async (name) => {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
    },
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A trace of `count` spans over five services (an 8-ary tree), as OTLP/JSON requests. */
export function bigTraceRequests(traceId: string, count: number, perRequest = 1000): string[] {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  const spans: {
    id: string;
    parent: string;
    start: bigint;
    end: bigint;
    service: string;
    depth: number;
  }[] = [];
  const hex = (n: number) => n.toString(16).padStart(16, '0');
  for (let i = 0; i < count; i++) {
    const parentIndex = i === 0 ? -1 : Math.floor((i - 1) / 8);
    const parent = spans[parentIndex];
    const depth = parent ? parent.depth + 1 : 0;
    const parentStart = parent?.start ?? start;
    const parentLength = parent ? parent.end - parent.start : 5_000_000_000n;
    const slot = BigInt(i % 8);
    const spanStart = parent ? parentStart + (parentLength * slot) / 9n : start;
    const spanEnd = spanStart + (parent ? parentLength / 9n : parentLength);
    spans.push({
      id: hex(i + 1),
      parent: parent?.id ?? '',
      start: spanStart,
      end: spanEnd,
      service: `big-svc-${i % 5}`,
      depth,
    });
  }
  const requests: string[] = [];
  for (let offset = 0; offset < spans.length; offset += perRequest) {
    const byService = new Map<string, typeof spans>();
    for (const span of spans.slice(offset, offset + perRequest)) {
      byService.set(span.service, [...(byService.get(span.service) ?? []), span]);
    }
    requests.push(
      JSON.stringify({
        resourceSpans: [...byService].map(([service, list]) => ({
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              scope: { name: 'ui-test' },
              spans: list.map((s) => ({
                traceId,
                spanId: s.id,
                ...(s.parent ? { parentSpanId: s.parent } : {}),
                name: `op-${s.depth}-${s.id.slice(-3)}`,
                kind: s.depth === 0 ? 2 : 1,
                startTimeUnixNano: s.start.toString(),
                endTimeUnixNano: s.end.toString(),
                status: {},
              })),
            },
          ],
        })),
      }),
    );
  }
  return requests;
}
