import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckDbDialect } from '../../store/duckdb/duckdb-dialect.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { describeEachBackend } from '../../../test/helpers/clickhouse.js';
import { openTestStore, type TestStore } from '../../../test/helpers/stores.js';
import { render, sql } from '../../store/sql.js';
import {
  logBatchFromRows,
  spanBatchFromRows,
  type SpanRow,
} from '../../telemetry/batch-from-rows.js';
import { parseTenantId } from '../../tenant.js';
import { compileSearch } from './compile-search.js';
import { parseSearch } from './parse-search.js';

const tenant = parseTenantId('default');
const other = parseTenantId('other');
const T0 = 1_790_000_000_000_000_000n;
const MS = 1_000_000n;

function span(id: string, extra: Partial<SpanRow> & { ms: number }): SpanRow {
  const { ms, ...rest } = extra;
  return {
    traceId: id.padStart(2, '0').repeat(16),
    spanId: id.padStart(2, '0').repeat(8),
    name: 'GET /',
    serviceName: 'frontend',
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + BigInt(ms) * MS,
    ...rest,
  };
}

// Span ids are two hex digits repeated; tests name spans by those digits.
const SPANS: SpanRow[] = [
  span('a1', {
    ms: 300,
    serviceName: 'checkout',
    name: 'POST /checkout',
    kind: 'server',
    statusCode: 'error',
    httpMethod: 'POST',
    httpRoute: '/checkout',
    httpStatusCode: 502,
    environment: 'prod',
    resourceAttributes: { 'k8s.pod.name': 'checkout-7f9c', 'deployment.environment': 'prod' },
    attributes: { 'user.id': 'u-1', retries: 3, 'http.route': '/checkout' },
  }),
  span('a2', {
    ms: 120,
    serviceName: 'checkout',
    name: 'SELECT orders',
    kind: 'client',
    dbSystem: 'postgresql',
    environment: 'prod',
    resourceAttributes: { 'k8s.pod.name': 'checkout-7f9c' },
    attributes: { 'db.statement': 'SELECT * FROM orders', retries: 0 },
  }),
  span('a3', {
    ms: 2,
    serviceName: 'cart',
    name: 'GET /cart/{id}',
    kind: 'server',
    statusCode: 'ok',
    httpMethod: 'GET',
    httpRoute: '/cart/{id}',
    httpStatusCode: 200,
    environment: 'staging',
    resourceAttributes: { 'k8s.pod.name': 'cart-1' },
    attributes: { 'user.id': 'u-2', ratio: '0.25' },
  }),
  span('a4', {
    ms: 1500,
    serviceName: 'payment',
    name: 'charge card',
    kind: 'producer',
    messagingSystem: 'kafka',
    peerService: 'bank',
    serverAddress: 'bank.example',
    attributes: { 'user.id': 'U-1' },
  }),
  span('a5', {
    ms: 250,
    serviceName: 'frontend',
    name: 'GET /Checkout/Start',
    kind: 'server',
    httpMethod: 'GET',
    httpStatusCode: 404,
    attributes: { note: 'quote \' and "double"' },
  }),
];

const LOGS = [
  {
    body: 'Payment declined: card expired',
    severityNumber: 17,
    severityText: 'ERROR',
    serviceName: 'payment',
    attributes: { 'user.id': 'u-1', attempt: 2 },
  },
  {
    body: 'connection refused by upstream',
    severityNumber: 13,
    severityText: 'WARN',
    serviceName: 'checkout',
    attributes: { 'http.route': '/checkout' },
  },
  {
    body: 'order placed',
    severityNumber: 9,
    severityText: 'INFO',
    serviceName: 'checkout',
    environment: 'prod',
    resourceAttributes: { 'k8s.pod.name': 'checkout-7f9c' },
  },
  {
    body: 'cache miss for key user:42',
    severityNumber: 5,
    severityText: 'DEBUG',
    serviceName: 'cart',
    attributes: { attempt: 10 },
  },
  {
    body: 'process crashed',
    severityNumber: 21,
    severityText: 'FATAL',
    serviceName: 'payment',
    traceId: 'a1'.repeat(16),
  },
  {
    body: 'entering loop',
    severityNumber: 1,
    severityText: 'TRACE',
    serviceName: 'cart',
    eventName: 'loop.start',
  },
  { body: "it's 100% done", severityNumber: 0, severityText: '', serviceName: 'frontend' },
].map((row, i) => ({ ...row, timeUnixNano: T0 + BigInt(i) * MS }));

describeEachBackend('compileSearch', (backend) => {
  let testStore: TestStore;
  let store: TelemetryStore;

  beforeAll(async () => {
    testStore = await openTestStore(backend);
    store = testStore.store;
    await store.write([
      { tenant, spans: spanBatchFromRows(SPANS), logs: logBatchFromRows(LOGS) },
      // Another tenant's rows match everything below and must never show.
      {
        tenant: other,
        spans: spanBatchFromRows([
          span('ff', { ms: 9999, serviceName: 'checkout', name: 'POST /checkout' }),
        ]),
        logs: logBatchFromRows([
          {
            body: 'Payment declined: connection refused',
            serviceName: 'payment',
            timeUnixNano: T0,
          },
        ]),
      },
    ]);
  });

  afterAll(async () => {
    await testStore.destroy();
  });

  async function matchingSpans(q: string): Promise<string[]> {
    const where = compileSearch(parseSearch(q), 'spans', store.dialect);
    const rows = await store.query(
      tenant,
      null,
      (s) => sql`SELECT span_id FROM ${s.spans} WHERE ${where} ORDER BY span_id`,
    );
    return rows.map((r) => (r.span_id as string).slice(0, 2));
  }

  async function matchingLogs(q: string): Promise<string[]> {
    const where = compileSearch(parseSearch(q), 'logs', store.dialect);
    const rows = await store.query(
      tenant,
      null,
      (s) => sql`SELECT body FROM ${s.logs} WHERE ${where} ORDER BY time_unix_nano`,
    );
    return rows.map((r) => r.body as string);
  }

  const ALL_SPANS = ['a1', 'a2', 'a3', 'a4', 'a5'];

  describe('over spans', () => {
    it.each<[string, string[]]>([
      ['', ALL_SPANS],
      ['checkout', ['a1', 'a5']],
      ['CHECKOUT', ['a1', 'a5']],
      ['"post /checkout"', ['a1']],
      ['check*', ['a1', 'a5']],
      ['service:checkout', ['a1', 'a2']],
      ['service.name:checkout', ['a1', 'a2']],
      ['service_name:Checkout', []],
      ['service:check*', ['a1', 'a2']],
      ['-service:checkout', ['a3', 'a4', 'a5']],
      ['NOT service:checkout AND NOT service:cart', ['a4', 'a5']],
      ['service:checkout OR service:cart', ['a1', 'a2', 'a3']],
      ['(service:checkout OR service:cart) kind:server', ['a1', 'a3']],
      ['duration>250ms', ['a1', 'a4']],
      ['duration>=250ms', ['a1', 'a4', 'a5']],
      ['duration<120ms', ['a3']],
      ['duration<=0.12s', ['a2', 'a3']],
      ['duration>1s', ['a4']],
      ['duration>=1500000us', ['a4']],
      ['duration:300ms', ['a1']],
      ['duration>250', ['a1', 'a4']],
      ['http.status_code>=500', ['a1']],
      ['http.response.status_code>=400', ['a1', 'a5']],
      ['http.status_code:200', ['a3']],
      ['http.status_code:5*', ['a1']],
      ['http.status_code:*', ['a1', 'a3', 'a5']],
      ['-http.status_code:*', ['a2', 'a4']],
      ['http.method:GET', ['a3', 'a5']],
      ['http.request.method:POST', ['a1']],
      ['http.route:"/cart/{id}"', ['a3']],
      ['http.route:/checkout', ['a1']],
      ['db.system:postgresql', ['a2']],
      ['messaging.system:kafka', ['a4']],
      ['peer.service:bank', ['a4']],
      ['server.address:bank.example', ['a4']],
      ['env:prod', ['a1', 'a2']],
      ['deployment.environment:staging', ['a3']],
      ['status:error', ['a1']],
      ['status:ERROR', ['a1']],
      ['status.code:ok', ['a3']],
      ['kind:SERVER', ['a1', 'a3', 'a5']],
      ['name:"SELECT orders"', ['a2']],
      ['operation:GET*', ['a3', 'a5']],
      ['trace_id:' + 'A1'.repeat(16), ['a1']],
      ['span_id:a3a3a3a3a3a3a3a3', ['a3']],
      ['k8s.pod.name:checkout-7f9c', ['a1', 'a2']],
      ['k8s.pod.name:cart*', ['a3']],
      ['k8s.pod.name:*', ['a1', 'a2', 'a3']],
      ['-k8s.pod.name:*', ['a4', 'a5']],
      ['user.id:u-1', ['a1']],
      ['user.id:U-1', ['a4']],
      ['-user.id:u-1', ['a2', 'a3', 'a4', 'a5']],
      ['retries>0', ['a1']],
      ['retries>=0', ['a1', 'a2']],
      ['retries:3', ['a1']],
      ['ratio<0.5', ['a3']],
      ['user.id>1', []],
      ['note:"quote \' and \\"double\\""', ['a5']],
      ['"\' OR 1=1 --"', []],
      ['service:"x\') OR TRUE --"', []],
      ['db.statement:"SELECT * FROM orders"', ['a2']],
      ['a OR NOT a', ALL_SPANS],
    ])('%j matches %j', async (q, expected) => {
      expect(await matchingSpans(q)).toEqual(expected);
    });
  });

  describe('over logs', () => {
    it.each<[string, number[]]>([
      ['', [0, 1, 2, 3, 4, 5, 6]],
      ['refused', [1]],
      ['REFUSED', [1]],
      ['"card expired"', [0]],
      ['payment', [0]],
      ['service:payment', [0, 4]],
      ['severity>=warn', [0, 1, 4]],
      ['severity>warn', [0, 4]],
      ['severity<warn', [2, 3, 5, 6]],
      ['severity<=info', [2, 3, 5, 6]],
      ['level:error', [0]],
      ['level:ERROR', [0]],
      ['severity:warning', [1]],
      ['severity>=17', [0, 4]],
      ['severity:fatal OR severity:trace', [4, 5]],
      ['severity:*', [0, 1, 2, 3, 4, 5]],
      ['severity_text:WARN', [1]],
      ['body:"user:42"', [3]],
      ['message:crash*', [4]],
      ['"100%"', [6]],
      ['"it\'s"', [6]],
      ['user.id:u-1', [0]],
      ['attempt>=2', [0, 3]],
      ['attempt>5', [3]],
      ['http.route:/checkout', [1]],
      ['k8s.pod.name:*', [2]],
      ['env:prod', [2]],
      ['trace_id:*', [4]],
      ['event.name:loop.start', [5]],
      ['duration>1ms', []],
      ['service:checkout -refused', [2]],
      ['(service:cart OR service:payment) severity>=error', [0, 4]],
    ])('%j matches rows %j', async (q, expected) => {
      expect(await matchingLogs(q)).toEqual(expected.map((i) => LOGS[i]!.body));
    });
  });
});

describe('compileSearch output', () => {
  it('binds every value as a parameter', () => {
    const fragment = compileSearch(
      parseSearch('service:"x\' OR 1=1" k8s.pod.name:"a\'b" "y\'z" retries>3'),
      'spans',
      duckDbDialect,
    );
    const { text, params } = render(fragment, duckDbDialect.renderer);
    expect(text).not.toContain("x'");
    expect(text).not.toContain("a'b");
    expect(params).toEqual(expect.arrayContaining(["x' OR 1=1", "y'z", 3]));
  });

  it('is always true for an empty query', () => {
    expect(render(compileSearch(null, 'logs', duckDbDialect), duckDbDialect.renderer).text).toBe(
      '(1 = 1)',
    );
    expect(
      render(compileSearch(parseSearch(''), 'logs', duckDbDialect), duckDbDialect.renderer).text,
    ).toBe('(1 = 1)');
  });
});
