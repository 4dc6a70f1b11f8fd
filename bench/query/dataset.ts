/**
 * The query benchmark's data: demo-shaped telemetry of an online shop (frontend → api-gateway →
 * checkout / cart / product-catalog → payment / inventory, PostgreSQL, Redis and Kafka client
 * spans, a Kafka consumer; long-tailed latencies, a few percent errors; templated log bodies with
 * a rare token in 1 of 200,000 records), spread over the last 24 h, as column batches.
 */
import type {
  LogBatch,
  SpanBatch,
  SpanKind,
  StatusCode,
} from '../../packages/server/src/telemetry/batches.js';

export const RARE_TOKEN = 'quasar7731';

// Deterministic PRNG (mulberry32).
let state = 0x9e3779b9;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
function hex(chars: number): string {
  let out = '';
  while (out.length < chars)
    out += Math.floor(random() * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, chars);
}
/** Long-tailed latency: log-normal around `medianMs`. */
function latencyNs(medianMs: number): bigint {
  const u = Math.max(random(), 1e-9);
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return BigInt(Math.max(1000, Math.round(medianMs * Math.exp(0.6 * z) * 1e6)));
}

interface SpanSpec {
  service: string;
  name: string;
  kind: SpanKind;
  parent: number;
  medianMs: number;
  route?: string;
  db?: string;
  messaging?: string;
  address?: string;
}

/** Request shapes: the span tree of one request, parents first. */
const FLOWS: SpanSpec[][] = [
  [
    {
      service: 'frontend',
      name: 'GET /checkout',
      kind: 'server',
      parent: -1,
      medianMs: 180,
      route: '/checkout',
    },
    { service: 'frontend', name: 'POST /api/checkout', kind: 'client', parent: 0, medianMs: 150 },
    {
      service: 'api-gateway',
      name: 'POST /api/checkout',
      kind: 'server',
      parent: 1,
      medianMs: 145,
      route: '/api/checkout',
    },
    {
      service: 'api-gateway',
      name: 'shop.CheckoutService/PlaceOrder',
      kind: 'client',
      parent: 2,
      medianMs: 130,
    },
    {
      service: 'checkout',
      name: 'shop.CheckoutService/PlaceOrder',
      kind: 'server',
      parent: 3,
      medianMs: 125,
    },
    {
      service: 'checkout',
      name: 'shop.PaymentService/Charge',
      kind: 'client',
      parent: 4,
      medianMs: 60,
    },
    {
      service: 'payment',
      name: 'shop.PaymentService/Charge',
      kind: 'server',
      parent: 5,
      medianMs: 55,
    },
    {
      service: 'payment',
      name: 'POST',
      kind: 'client',
      parent: 6,
      medianMs: 40,
      address: 'api.payments.example',
    },
    {
      service: 'checkout',
      name: 'INSERT shop.orders',
      kind: 'client',
      parent: 4,
      medianMs: 4,
      db: 'postgresql',
      address: 'postgres-primary',
    },
    {
      service: 'checkout',
      name: 'orders publish',
      kind: 'producer',
      parent: 4,
      medianMs: 2,
      messaging: 'kafka',
      address: 'kafka-0',
    },
    {
      service: 'order-fulfillment',
      name: 'orders process',
      kind: 'consumer',
      parent: 9,
      medianMs: 30,
    },
    {
      service: 'order-fulfillment',
      name: 'UPDATE shop.orders',
      kind: 'client',
      parent: 10,
      medianMs: 3,
      db: 'postgresql',
      address: 'postgres-primary',
    },
  ],
  [
    {
      service: 'frontend',
      name: 'GET /products/{id}',
      kind: 'server',
      parent: -1,
      medianMs: 45,
      route: '/products/{id}',
    },
    {
      service: 'frontend',
      name: 'GET /api/products/{id}',
      kind: 'client',
      parent: 0,
      medianMs: 35,
    },
    {
      service: 'api-gateway',
      name: 'GET /api/products/{id}',
      kind: 'server',
      parent: 1,
      medianMs: 32,
      route: '/api/products/{id}',
    },
    {
      service: 'api-gateway',
      name: 'shop.ProductCatalogService/GetProduct',
      kind: 'client',
      parent: 2,
      medianMs: 20,
    },
    {
      service: 'product-catalog',
      name: 'shop.ProductCatalogService/GetProduct',
      kind: 'server',
      parent: 3,
      medianMs: 18,
    },
    {
      service: 'product-catalog',
      name: 'SELECT shop.products',
      kind: 'client',
      parent: 4,
      medianMs: 3,
      db: 'postgresql',
      address: 'postgres-primary',
    },
    {
      service: 'product-catalog',
      name: 'GET',
      kind: 'client',
      parent: 4,
      medianMs: 0.5,
      db: 'redis',
      address: 'redis-master',
    },
    {
      service: 'api-gateway',
      name: 'shop.InventoryService/Check',
      kind: 'client',
      parent: 2,
      medianMs: 8,
    },
    {
      service: 'inventory',
      name: 'shop.InventoryService/Check',
      kind: 'server',
      parent: 7,
      medianMs: 7,
    },
    {
      service: 'inventory',
      name: 'SELECT shop.stock',
      kind: 'client',
      parent: 8,
      medianMs: 2,
      db: 'postgresql',
      address: 'postgres-primary',
    },
  ],
  [
    {
      service: 'frontend',
      name: 'POST /cart',
      kind: 'server',
      parent: -1,
      medianMs: 25,
      route: '/cart',
    },
    { service: 'frontend', name: 'POST /api/cart', kind: 'client', parent: 0, medianMs: 20 },
    {
      service: 'api-gateway',
      name: 'POST /api/cart',
      kind: 'server',
      parent: 1,
      medianMs: 18,
      route: '/api/cart',
    },
    { service: 'api-gateway', name: 'POST /cart/items', kind: 'client', parent: 2, medianMs: 12 },
    {
      service: 'cart',
      name: 'POST /cart/items',
      kind: 'server',
      parent: 3,
      medianMs: 10,
      route: '/cart/items',
    },
    {
      service: 'cart',
      name: 'HSET',
      kind: 'client',
      parent: 4,
      medianMs: 0.4,
      db: 'redis',
      address: 'redis-master',
    },
  ],
];
const FLOW_WEIGHTS = [0.15, 0.6, 0.25];
const LOG_TEMPLATES = [
  (id: string) => `request completed route=/api/products/${id} status=200`,
  (id: string) => `cache miss for product ${id}, loading from postgres`,
  (id: string) => `order ${id} placed, publishing to topic orders`,
  (id: string) => `payment authorised for order ${id} amount=42.10 currency=EUR`,
  (id: string) => `slow query detected on shop.orders (${id})`,
  (id: string) => `user u-${id} added item to cart`,
];
const SEVERITIES: [number, string][] = [
  [9, 'INFO'],
  [9, 'INFO'],
  [9, 'INFO'],
  [5, 'DEBUG'],
  [13, 'WARN'],
  [17, 'ERROR'],
];
const SERVICES = [
  'frontend',
  'api-gateway',
  'checkout',
  'payment',
  'product-catalog',
  'inventory',
  'cart',
  'order-fulfillment',
];

export const NOW_NS = BigInt(Date.now()) * 1_000_000n;
export const DAY_NS = 86_400_000_000_000n;
const START_NS = NOW_NS - DAY_NS;

function spanAccumulator(capacity: number) {
  return {
    traceId: [] as string[],
    spanId: [] as string[],
    parentSpanId: [] as string[],
    name: [] as string[],
    kind: [] as SpanKind[],
    serviceName: [] as string[],
    start: new BigInt64Array(capacity),
    end: new BigInt64Array(capacity),
    status: [] as StatusCode[],
    route: [] as (string | null)[],
    db: [] as (string | null)[],
    messaging: [] as (string | null)[],
    address: [] as (string | null)[],
    attributes: [] as string[],
    resource: [] as string[],
  };
}

/** `count` spans of whole requests, their start times spread uniformly over the 24 h. */
export function spanBatch(count: number, sampleTraceIds: string[]): SpanBatch {
  const b = spanAccumulator(count);
  let n = 0;
  while (n < count) {
    const pick = random();
    const flow =
      FLOWS[pick < FLOW_WEIGHTS[0]! ? 0 : pick < FLOW_WEIGHTS[0]! + FLOW_WEIGHTS[1]! ? 1 : 2]!;
    const traceId = hex(32);
    if (sampleTraceIds.length < 1000 && random() < 0.001) sampleTraceIds.push(traceId);
    const t0 = START_NS + BigInt(Math.floor(random() * Number(DAY_NS / 1000n))) * 1000n;
    const ids: string[] = [];
    const starts: bigint[] = [];
    const failed = random() < 0.03;
    for (const [i, spec] of flow.entries()) {
      if (n >= count) break;
      const id = hex(16);
      ids.push(id);
      const start = spec.parent < 0 ? t0 : starts[spec.parent]! + 1_000_000n;
      starts.push(start);
      b.traceId.push(traceId);
      b.spanId.push(id);
      b.parentSpanId.push(spec.parent < 0 ? '' : ids[spec.parent]!);
      b.name.push(spec.name);
      b.kind.push(spec.kind);
      b.serviceName.push(spec.service);
      b.start[n] = start;
      b.end[n] = start + latencyNs(spec.medianMs);
      b.status.push(failed && (i === 0 || spec.service === 'payment') ? 'error' : 'unset');
      b.route.push(spec.route ?? null);
      b.db.push(spec.db ?? null);
      b.messaging.push(spec.messaging ?? null);
      b.address.push(spec.address ?? null);
      b.attributes.push(
        JSON.stringify({
          ...(spec.route
            ? { 'http.route': spec.route, 'http.request.method': spec.name.split(' ')[0] }
            : {}),
          ...(spec.db ? { 'db.system': spec.db, 'server.address': spec.address } : {}),
          ...(spec.messaging
            ? { 'messaging.system': spec.messaging, 'messaging.destination.name': 'orders' }
            : {}),
          'user.id': `u-${Math.floor(random() * 50_000)}`,
          'app.tier': random() < 0.05 ? 'gold' : 'standard',
        }),
      );
      b.resource.push(
        `{"service.name":"${spec.service}","deployment.environment.name":"production","k8s.pod.name":"${spec.service}-${Math.floor(random() * 3)}"}`,
      );
      n++;
    }
  }
  return {
    length: n,
    traceId: b.traceId,
    spanId: b.spanId,
    parentSpanId: b.parentSpanId,
    traceState: new Array<string>(n).fill(''),
    name: b.name,
    kind: b.kind,
    serviceName: b.serviceName,
    startTimeUnixNano: b.start.subarray(0, n),
    endTimeUnixNano: b.end.subarray(0, n),
    durationNs: b.end.subarray(0, n).map((e, i) => e - b.start[i]!),
    statusCode: b.status,
    statusMessage: b.status.map((s) => (s === 'error' ? 'upstream failed' : '')),
    httpMethod: b.route.map((r, i) => (r ? b.name[i]!.split(' ')[0]! : null)),
    httpRoute: b.route,
    httpStatusCode: b.route.map((r, i) => (r ? (b.status[i] === 'error' ? 502 : 200) : null)),
    dbSystem: b.db,
    messagingSystem: b.messaging,
    peerService: new Array<string | null>(n).fill(null),
    serverAddress: b.address,
    environment: new Array<string | null>(n).fill('production'),
    resourceAttributes: b.resource,
    attributes: b.attributes,
    events: new Array<string>(n).fill('[]'),
    links: new Array<string>(n).fill('[]'),
    scopeName: new Array<string>(n).fill('@opentelemetry/instrumentation-http'),
    scopeVersion: new Array<string>(n).fill('0.57.0'),
  };
}

export function logBatch(count: number): LogBatch {
  const time = new BigInt64Array(count);
  const severityNumber = new Uint8Array(count);
  const severityText: string[] = [];
  const body: string[] = [];
  const traceId: string[] = [];
  const spanId: string[] = [];
  const serviceName: string[] = [];
  const resource: string[] = [];
  const attributes: string[] = [];
  for (let i = 0; i < count; i++) {
    time[i] = START_NS + BigInt(Math.floor(random() * Number(DAY_NS / 1000n))) * 1000n;
    const [num, text] = SEVERITIES[Math.floor(random() * SEVERITIES.length)]!;
    severityNumber[i] = num;
    severityText.push(text);
    const id = Math.floor(random() * 1e7).toString(36);
    const template = LOG_TEMPLATES[Math.floor(random() * LOG_TEMPLATES.length)]!;
    body.push(random() < 1 / 200_000 ? `${template(id)} ${RARE_TOKEN}` : template(id));
    const traced = random() < 0.7;
    traceId.push(traced ? hex(32) : '');
    spanId.push(traced ? hex(16) : '');
    const service = SERVICES[Math.floor(random() * SERVICES.length)]!;
    serviceName.push(service);
    resource.push(`{"service.name":"${service}","deployment.environment.name":"production"}`);
    attributes.push(`{"user.id":"u-${Math.floor(random() * 50_000)}","thread":"${i % 16}"}`);
  }
  return {
    length: count,
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber,
    severityText,
    body,
    traceId,
    spanId,
    flags: new Uint32Array(count),
    eventName: new Array<string>(count).fill(''),
    serviceName,
    environment: new Array<string | null>(count).fill('production'),
    resourceAttributes: resource,
    attributes,
    scopeName: new Array<string>(count).fill('pino'),
    scopeVersion: new Array<string>(count).fill('9.0.0'),
  };
}
