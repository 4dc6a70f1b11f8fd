import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachBackend } from './helpers/clickhouse.js';
import type { ApiLogRecord } from '../src/query/logs.js';
import type { LogHistogram } from '../src/query/log-histogram.js';
import type { FieldValues, LogFields } from '../src/query/log-fields.js';
import { logBatchFromRows, type LogRow } from '../src/telemetry/batch-from-rows.js';
import { parseTenantId } from '../src/tenant.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

const tenant = parseTenantId('default');
const MS = 1_000_000n;
// A whole minute, two days ago: every test range below is expressed around it.
const T0_MS = Math.floor((Date.now() - 2 * 86_400_000) / 60_000) * 60_000;
const T0 = BigInt(T0_MS) * MS;
const range = `from=${T0_MS - 60_000}&to=${T0_MS + 10 * 60_000}`;

// 300 rows that all share one timestamp (10 of them identical), plus 40 spread over minutes 0..3.
const SAME_TIME = T0 + 90_000n * MS;
const SAME_ROWS: LogRow[] = Array.from({ length: 300 }, (_, i) => ({
  timeUnixNano: SAME_TIME,
  body: i < 10 ? 'identical twin' : `burst ${i}`,
  serviceName: 'burst',
  severityNumber: 9,
}));
const SEVERITIES = [1, 5, 9, 13, 17, 21, 0];
const SPREAD_ROWS: LogRow[] = Array.from({ length: 40 }, (_, i) => ({
  timeUnixNano: T0 + BigInt(i) * 6_000n * MS,
  body: `request ${i} ${i % 4 === 0 ? 'failed: timeout' : 'ok'}`,
  serviceName: i % 2 === 0 ? 'checkout' : 'cart',
  severityNumber: SEVERITIES[i % 7]!,
  attributes: { 'user.id': `u-${i % 3}`, attempt: i % 5 },
  resourceAttributes: { 'k8s.pod.name': `pod-${i % 2}` },
}));

describeEachBackend('logs API', (backend) => {
  let pharos: TestPharos;

  beforeAll(async () => {
    pharos = await startTestPharos({ backend });
    await pharos.store.write([
      { tenant, logs: logBatchFromRows([...SAME_ROWS, ...SPREAD_ROWS]) },
      {
        tenant: parseTenantId('intruder'),
        logs: logBatchFromRows([
          {
            timeUnixNano: SAME_TIME,
            body: 'burst secret failed: timeout',
            serviceName: 'checkout',
          },
        ]),
      },
    ]);
  });

  afterAll(async () => {
    await pharos.destroy();
  });

  async function getError(pathAndQuery: string) {
    const response = await fetch(`${pharos.httpUrl}${pathAndQuery}`);
    return {
      status: response.status,
      body: (await response.json()) as {
        error: { code: string; message: string; position?: number; expected?: string };
      },
    };
  }

  interface Page {
    logs: ApiLogRecord[];
    nextCursor: string | null;
  }

  describe('GET /api/v1/logs', () => {
    it('pages through equal timestamps without skipping or repeating rows', async () => {
      const seen: ApiLogRecord[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const next: string = cursor === null ? '' : `&cursor=${cursor}`;
        const page: Page = await pharos.getJson<Page>(`/api/v1/logs?${range}&limit=7${next}`);
        expect(page.logs.length).toBeLessThanOrEqual(7);
        seen.push(...page.logs);
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 100);
      expect(seen).toHaveLength(340);
      const bodies = seen.map((l) => l.body);
      expect(bodies.filter((b) => b === 'identical twin')).toHaveLength(10);
      expect(new Set(bodies).size).toBe(340 - 9);
      const times = seen.map((l) => BigInt(l.timeUnixNano));
      expect(times.every((t, i) => i === 0 || t <= times[i - 1]!)).toBe(true);
      expect(seen.some((l) => l.body.includes('secret'))).toBe(false);
    });

    it('pages through sparse matches (rows read in one pass) without skipping or repeating', async () => {
      // The matches lie in minutes 0–4 of an 11-minute range: the newest windows (~2% of the
      // range) find none, so every page reads its rows in one pass over the range.
      for (const [q, expected] of [
        ['failed', SPREAD_ROWS.filter((r) => r.body.includes('failed')).map((r) => r.body)],
        ['"identical twin"', Array.from({ length: 10 }, () => 'identical twin')],
      ] as const) {
        const seen: ApiLogRecord[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const next: string = cursor === null ? '' : `&cursor=${cursor}`;
          const page: Page = await pharos.getJson<Page>(
            `/api/v1/logs?${range}&limit=3&q=${encodeURIComponent(q)}${next}`,
          );
          expect(page.logs.length).toBeLessThanOrEqual(3);
          seen.push(...page.logs);
          cursor = page.nextCursor;
          pages++;
        } while (cursor !== null && pages < 20);
        expect(seen.map((l) => l.body).sort(), q).toEqual([...expected].sort());
        const times = seen.map((l) => BigInt(l.timeUnixNano));
        expect(times.every((t, i) => i === 0 || t <= times[i - 1]!)).toBe(true);
      }
    });

    it('filters with the search language and keeps the { logs } shape', async () => {
      const page = await pharos.getJson<Page>(
        `/api/v1/logs?${range}&q=${encodeURIComponent('service:checkout "failed: timeout"')}`,
      );
      const expected = SPREAD_ROWS.filter(
        (r) => r.serviceName === 'checkout' && r.body.includes('failed: timeout'),
      ).map((r) => r.body);
      expect(page.logs.map((l) => l.body).sort()).toEqual(expected.sort());
      expect(page.nextCursor).toBeNull();
      const severe = await pharos.getJson<Page>(`/api/v1/logs?${range}&q=severity%3E%3Derror`);
      expect(severe.logs).toHaveLength(SPREAD_ROWS.filter((r) => r.severityNumber! >= 17).length);
    });

    it('answers a syntax error with 400, its position and what was expected', async () => {
      const { status, body } = await getError(`/api/v1/logs?q=${encodeURIComponent('a AND (b')}`);
      expect(status).toBe(400);
      expect(body.error.code).toBe('invalid_argument');
      expect(body.error.position).toBe(8);
      expect(body.error.expected).toBe("')'");
    });

    it('refuses a forged cursor and out-of-bounds limits', async () => {
      expect((await getError('/api/v1/logs?cursor=bm90LWpzb24')).status).toBe(400);
      expect((await getError('/api/v1/logs?limit=100000')).status).toBe(400);
    });
  });

  describe('GET /api/v1/search/explain', () => {
    it('returns the AST and a plain-English reading', async () => {
      const answer = await pharos.getJson<{ ast: unknown; explanation: string }>(
        `/api/v1/search/explain?q=${encodeURIComponent('service.name:checkout duration>250ms')}`,
      );
      expect(answer.explanation).toBe(
        'service.name is "checkout" and duration is greater than 250 ms',
      );
      expect(answer.ast).toEqual({
        type: 'and',
        children: [
          { type: 'match', field: 'service.name', value: 'checkout', quoted: false, prefix: false },
          { type: 'compare', field: 'duration', op: '>', value: '250ms' },
        ],
      });
      const { status, body } = await getError('/api/v1/search/explain?q=duration%3E5x');
      expect(status).toBe(400);
      expect(body.error.position).toBe(9);
    });
  });

  describe('GET /api/v1/logs/histogram', () => {
    it('counts per minute and severity, with empty buckets as zeros', async () => {
      const h = await pharos.getJson<LogHistogram>(
        `/api/v1/logs/histogram?from=${T0_MS}&to=${T0_MS + 5 * 60_000}&step=1m`,
      );
      expect(h.stepMs).toBe(60_000);
      expect(h.buckets).toHaveLength(5);
      expect(h.total).toBe(340);
      // Spread rows: 10 per minute (one every 6 s) in minutes 0..3; the burst is in minute 1.
      expect(h.buckets.map((b) => b.total)).toEqual([10, 310, 10, 10, 0]);
      const minuteZero = SPREAD_ROWS.slice(0, 10);
      expect(h.buckets[0]!.counts.error).toBe(
        minuteZero.filter((r) => r.severityNumber === 17).length,
      );
      expect(h.buckets[0]!.counts.unspecified).toBe(
        minuteZero.filter((r) => r.severityNumber === 0).length,
      );
      expect(h.buckets[1]!.counts.info).toBe(300 + 1);
      expect(h.buckets[4]!.timeUnixNano).toBe((T0 + 240_000n * MS).toString());
    });

    it('chooses about 60 buckets when no step is given, and filters by q', async () => {
      const h = await pharos.getJson<LogHistogram>(
        `/api/v1/logs/histogram?from=${T0_MS}&to=${T0_MS + 3_600_000}&q=service:cart`,
      );
      expect(h.stepMs).toBe(60_000);
      expect(h.buckets).toHaveLength(60);
      expect(h.total).toBe(20);
    });

    it('refuses a step giving too many buckets', async () => {
      expect((await getError(`/api/v1/logs/histogram?${range}&step=1ms`)).status).toBe(400);
    });
  });

  describe('GET /api/v1/logs/fields', () => {
    it('lists columns and attribute keys with counts and cardinality', async () => {
      const answer = await pharos.getJson<LogFields>(
        `/api/v1/logs/fields?${range}&q=-service:burst`,
      );
      expect(answer.sampled).toBe(false);
      expect(answer.rowsExamined).toBe(40);
      const byName = new Map(answer.fields.map((f) => [`${f.source}:${f.name}`, f]));
      expect(byName.get('column:service_name')).toMatchObject({ count: 40, cardinality: 2 });
      expect(byName.get('attribute:user.id')).toMatchObject({ count: 40, cardinality: 3 });
      expect(byName.get('attribute:attempt')).toMatchObject({ count: 40, cardinality: 5 });
      expect(byName.get('resource:k8s.pod.name')).toMatchObject({ count: 40, cardinality: 2 });
      expect(byName.has('resource:service.name')).toBe(false);
    });

    it('gives the top values of a column or an attribute', async () => {
      const values = await pharos.getJson<FieldValues>(
        `/api/v1/logs/fields/user.id/values?${range}&limit=2`,
      );
      expect(values.values).toEqual([
        { value: 'u-0', count: 14 },
        { value: 'u-1', count: 13 },
      ]);
      const services = await pharos.getJson<FieldValues>(
        `/api/v1/logs/fields/service/values?${range}`,
      );
      expect(services.values).toEqual([
        { value: 'burst', count: 300 },
        { value: 'cart', count: 20 },
        { value: 'checkout', count: 20 },
      ]);
    });
  });

  describe('GET /api/v1/logs/tail', () => {
    it('streams new matching logs as Server-Sent Events', async () => {
      const controller = new AbortController();
      const response = await fetch(`${pharos.httpUrl}/api/v1/logs/tail?q=service:live`, {
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const now = BigInt(Date.now()) * MS;
      await pharos.store.write([
        {
          tenant,
          logs: logBatchFromRows([
            { timeUnixNano: now + 1n, body: 'live one', serviceName: 'live' },
            { timeUnixNano: now + 1n, body: 'live two', serviceName: 'live' },
            { timeUnixNano: now + 2n, body: 'not live', serviceName: 'other' },
            // Stamped two seconds before the tail began: not "new".
            { timeUnixNano: now - 2_000_000_000n, body: 'live old', serviceName: 'live' },
          ]),
        },
      ]);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 8000;
      while (Date.now() < deadline && (text.match(/event: log/g) ?? []).length < 2) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      controller.abort();
      const events = text
        .split('\n\n')
        .filter((e) => e.startsWith('event: log'))
        .map((e) => JSON.parse(e.split('\ndata: ')[1]!) as ApiLogRecord);
      expect(events.map((e) => e.body).sort()).toEqual(['live one', 'live two']);
    });
  });
});
