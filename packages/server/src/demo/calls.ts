/**
 * How one simulated process talks to another, as its instrumentation would record it:
 * HTTP and gRPC calls (client span in the caller, server span in the callee), PostgreSQL and
 * Redis commands, calls to uninstrumented third parties, and Kafka produce / consume.
 * Attribute names follow the OpenTelemetry semantic conventions; where the database
 * conventions were renamed, both the current and the older names are set.
 */
import { exceptionFor, type ExceptionInfo } from './failures.js';
import { exceptionAttributes, slowQueryBody } from './generate-logs.js';
import type { IncidentSchedule } from './incidents.js';
import type { KafkaTopic, ProducedMessage } from './kafka-topic.js';
import {
  internetDelayMs,
  LATENCY,
  networkDelayMs,
  sampleLatencyMs,
  type LatencyModel,
} from './latency.js';
import type { Prng } from './prng.js';
import type { OpenSpan, TraceRecorder } from './trace-recorder.js';
import { DEPENDENCIES, type Language, type ServiceName, type Topology } from './topology.js';

export interface FlowContext {
  readonly rng: Prng;
  readonly rec: TraceRecorder;
  readonly topology: Topology;
  readonly incidents: IncidentSchedule;
  readonly ordersTopic: KafkaTopic;
}

const CLIENT_USER_AGENT: Readonly<Record<Language, string>> = {
  nodejs: 'node',
  go: 'Go-http-client/1.1',
  java: 'Java-http-client/21.0.5',
  python: 'python-requests/2.32.3',
  dotnet: 'HttpClient/9.0',
};

// ------------------------------------------------------------------ HTTP

export interface HttpRequest {
  service: ServiceName;
  method: string;
  route: string;
  path: string;
}

export interface HttpResponse {
  endMs: number;
  status: number;
}

export type HttpHandler = (ctx: FlowContext, server: OpenSpan, startMs: number) => HttpResponse;

export function callHttp(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  request: HttpRequest,
  handler: HttpHandler,
): HttpResponse {
  const { rec, rng } = ctx;
  const callee = ctx.topology.pick(request.service, rng);
  const port = BigInt(callee.service.port);
  const client = rec.start(
    caller.instance,
    'http-client',
    `${request.method} ${request.route}`,
    'client',
    startMs,
    caller,
    {
      'http.request.method': request.method,
      'url.full': `http://${request.service}:${callee.service.port}${request.path}`,
      'url.template': request.route,
      'server.address': request.service,
      'server.port': port,
      'network.protocol.version': '1.1',
    },
  );
  const [urlPath = '', query] = request.path.split('?', 2);
  const serverAttributes: Record<string, string | bigint> = {
    'http.request.method': request.method,
    'http.route': request.route,
    'url.path': urlPath,
    'url.scheme': 'http',
    'server.address': request.service,
    'server.port': port,
    'network.protocol.version': '1.1',
    'client.address': caller.instance.podIp,
    'user_agent.original': CLIENT_USER_AGENT[caller.instance.service.language],
  };
  if (query !== undefined) serverAttributes['url.query'] = query;
  const server = rec.start(
    callee,
    'http-server',
    `${request.method} ${request.route}`,
    'server',
    startMs + networkDelayMs(rng),
    client,
    serverAttributes,
  );
  const response = handler(ctx, server, server.startMs);
  finishHttpServer(ctx, server, response);
  const endMs = response.endMs + networkDelayMs(rng);
  client.attributes['http.response.status_code'] = BigInt(response.status);
  if (response.status >= 400) {
    client.attributes['error.type'] = String(response.status);
    client.status = { code: 'error' };
  }
  rec.end(client, endMs);
  return { endMs, status: response.status };
}

/** Status code attribute, and ERROR only for 5xx: a 4xx is the client's fault, not the server's. */
export function finishHttpServer(ctx: FlowContext, server: OpenSpan, response: HttpResponse) {
  server.attributes['http.response.status_code'] = BigInt(response.status);
  if (response.status >= 500) {
    server.attributes['error.type'] = String(response.status);
    server.status ??= { code: 'error' };
  }
  ctx.rec.end(server, response.endMs);
}

// ------------------------------------------------------------------ gRPC

export const GRPC = {
  OK: 0,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** Codes that mean the server failed (semantic conventions for gRPC server spans). */
const GRPC_SERVER_ERRORS: ReadonlySet<number> = new Set([2, 4, 12, 13, 14, 15]);

export interface GrpcResponse {
  endMs: number;
  code: number;
  message?: string;
}

export type GrpcHandler = (ctx: FlowContext, server: OpenSpan, startMs: number) => GrpcResponse;

export function callGrpc(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  service: ServiceName,
  method: string,
  handler: GrpcHandler,
): GrpcResponse {
  const { rec, rng } = ctx;
  const callee = ctx.topology.pick(service, rng);
  const rpcService = callee.service.rpcService ?? service;
  const name = `${rpcService}/${method}`;
  const attributes = {
    'rpc.system': 'grpc',
    'rpc.service': rpcService,
    'rpc.method': method,
    'server.address': service,
    'server.port': BigInt(callee.service.port),
  };
  const client = rec.start(caller.instance, 'grpc', name, 'client', startMs, caller, {
    ...attributes,
  });
  const server = rec.start(callee, 'grpc', name, 'server', startMs + networkDelayMs(rng), client, {
    ...attributes,
    'client.address': caller.instance.podIp,
  });
  const response = handler(ctx, server, server.startMs);
  server.attributes['rpc.grpc.status_code'] = BigInt(response.code);
  if (GRPC_SERVER_ERRORS.has(response.code)) {
    server.status ??= { code: 'error', message: response.message ?? '' };
  }
  rec.end(server, response.endMs);
  const endMs = response.endMs + networkDelayMs(rng);
  client.attributes['rpc.grpc.status_code'] = BigInt(response.code);
  if (response.code !== GRPC.OK) {
    client.status = { code: 'error', message: response.message ?? '' };
  }
  rec.end(client, endMs);
  return { ...response, endMs };
}

// ------------------------------------------------------------------ PostgreSQL

export interface SqlStatement {
  operation: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  sql: string;
  latency: LatencyModel;
}

export interface DbResult {
  endMs: number;
  ok: boolean;
  exception?: ExceptionInfo;
}

/** Server-side `statement_timeout` configured for the application role. */
export const STATEMENT_TIMEOUT_MS = 1_000;
/** Services log a warning for queries slower than this. */
export const SLOW_QUERY_MS = 250;

export function queryPostgres(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  statement: SqlStatement,
): DbResult {
  const { rec, rng } = ctx;
  const pg = DEPENDENCIES.postgres;
  const span = rec.start(
    caller.instance,
    'postgres',
    `${statement.operation} ${pg.database}.${statement.table}`,
    'client',
    startMs,
    caller,
    {
      'db.system.name': 'postgresql',
      'db.system': 'postgresql',
      'db.namespace': pg.database,
      'db.name': pg.database,
      'db.operation.name': statement.operation,
      'db.collection.name': statement.table,
      'db.query.text': statement.sql,
      'db.statement': statement.sql,
      'db.user': 'shop_app',
      'server.address': pg.address,
      'server.port': BigInt(pg.port),
    },
  );
  const factor = ctx.incidents.postgresLatencyFactor(startMs);
  const queryMs = sampleLatencyMs(rng, statement.latency, factor);
  const roundTripMs = 2 * networkDelayMs(rng);
  const language = caller.instance.service.language;
  if (queryMs > STATEMENT_TIMEOUT_MS) {
    const endMs = startMs + STATEMENT_TIMEOUT_MS + roundTripMs;
    const exception = exceptionFor('db-timeout', caller.instance.service.name, language);
    span.attributes['db.response.status_code'] = '57014';
    span.attributes['error.type'] = exception.type;
    rec.fail(span, endMs, exception);
    rec.end(span, endMs);
    rec.log(caller, endMs, 'error', `query failed: ${exception.message}`, {
      'db.system.name': 'postgresql',
      'db.query.text': statement.sql,
      ...exceptionAttributes(exception),
    });
    return { endMs, ok: false, exception };
  }
  const endMs = startMs + queryMs + roundTripMs;
  rec.end(span, endMs);
  if (queryMs > SLOW_QUERY_MS) {
    rec.log(caller, endMs, 'warn', slowQueryBody(statement.sql, queryMs), {
      'db.system.name': 'postgresql',
      'db.query.text': statement.sql,
      'db.operation.name': statement.operation,
      'db.collection.name': statement.table,
      'db.client.operation.duration_ms': Math.round(queryMs * 10) / 10,
    });
  }
  return { endMs, ok: true };
}

// ------------------------------------------------------------------ Redis

export interface RedisResult {
  endMs: number;
  ok: boolean;
  exception?: ExceptionInfo;
}

/** Client-side command timeout of the services' Redis clients. */
const REDIS_TIMEOUT_MS = 500;
const REDIS_FAILURE_RATE = 0.003;

/** `args` stands for the arguments after the key, already masked (`?`) where they are values. */
export function redisCommand(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  command: string,
  key: string,
  args = '',
): RedisResult {
  const { rec, rng } = ctx;
  const redis = DEPENDENCIES.redis;
  const text = args === '' ? `${command} ${key}` : `${command} ${key} ${args}`;
  const span = rec.start(caller.instance, 'redis', command, 'client', startMs, caller, {
    'db.system.name': 'redis',
    'db.system': 'redis',
    'db.namespace': '0',
    'db.operation.name': command,
    'db.query.text': text,
    'db.statement': text,
    'server.address': redis.address,
    'server.port': BigInt(redis.port),
  });
  if (rng.chance(REDIS_FAILURE_RATE)) {
    const endMs = startMs + REDIS_TIMEOUT_MS + networkDelayMs(rng);
    const service = caller.instance.service;
    const exception = exceptionFor('redis-timeout', service.name, service.language, command);
    span.attributes['error.type'] = exception.type;
    rec.fail(span, endMs, exception);
    rec.end(span, endMs);
    return { endMs, ok: false, exception };
  }
  const endMs = startMs + sampleLatencyMs(rng, LATENCY.redisCommand) + 2 * networkDelayMs(rng);
  rec.end(span, endMs);
  return { endMs, ok: true };
}

// ------------------------------------------------------------------ third parties

export interface ExternalRequest {
  provider: 'paymentProvider' | 'mailProvider';
  method: string;
  path: string;
  latency: LatencyModel;
  /** The status the third party answers with. */
  status: number;
}

/** A call to a service outside the cluster that reports no telemetry: only the client span. */
export function callExternal(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  request: ExternalRequest,
): HttpResponse {
  const { rec, rng } = ctx;
  const target = DEPENDENCIES[request.provider];
  const span = rec.start(
    caller.instance,
    'http-client',
    `${request.method} ${request.path}`,
    'client',
    startMs,
    caller,
    {
      'http.request.method': request.method,
      'url.full': `https://${target.address}${request.path}`,
      'url.template': request.path,
      'server.address': target.address,
      'server.port': BigInt(target.port),
      'peer.service': target.peer,
      'network.protocol.version': '1.1',
      'http.response.status_code': BigInt(request.status),
    },
  );
  // Failures come back fast; successes take the provider's processing time.
  const serverMs =
    request.status >= 500
      ? sampleLatencyMs(rng, { medianMs: 25, sigma: 0.6 })
      : sampleLatencyMs(rng, request.latency);
  const endMs = startMs + 2 * internetDelayMs(rng) + serverMs;
  if (request.status >= 400) {
    span.attributes['error.type'] = String(request.status);
    span.status = { code: 'error' };
  }
  rec.end(span, endMs);
  return { endMs, status: request.status };
}

// ------------------------------------------------------------------ Kafka

export interface Produced {
  endMs: number;
  producer: OpenSpan;
  message: ProducedMessage;
}

export function produceKafka(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  topic: KafkaTopic,
  key: string,
): Produced {
  const { rec, rng } = ctx;
  const message = topic.produce(key);
  const producer = rec.start(
    caller.instance,
    'kafka',
    `send ${topic.name}`,
    'producer',
    startMs,
    caller,
    {
      'messaging.system': 'kafka',
      'messaging.destination.name': topic.name,
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.kafka.message.key': key,
      'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': BigInt(message.offset),
      'messaging.client.id': `${caller.instance.podName}-producer-1`,
      'server.address': DEPENDENCIES.kafka.address,
      'server.port': BigInt(DEPENDENCIES.kafka.port),
    },
  );
  const endMs = startMs + sampleLatencyMs(rng, LATENCY.kafkaSend);
  rec.end(producer, endMs);
  return { endMs, producer, message };
}

export type ConsumerHandler = (ctx: FlowContext, consumer: OpenSpan, startMs: number) => number;

/**
 * One consumer group's processing of a produced message: a `process` span in a pod of
 * `group`, child of the producer span (context propagated in the message headers) and linked
 * to it, starting once the consumer has caught up. The handler returns the end time.
 */
export function consumeKafka(
  ctx: FlowContext,
  produced: Produced,
  topic: KafkaTopic,
  group: ServiceName,
  key: string,
  handler: ConsumerHandler,
): void {
  const { rec, rng } = ctx;
  const instance = ctx.topology.pick(group, rng);
  const { partition, offset } = produced.message;
  const availableMs = produced.endMs + sampleLatencyMs(rng, LATENCY.kafkaQueueDelay);
  const startMs = topic.consumerStart(group, partition, availableMs);
  const consumer = rec.start(
    instance,
    'kafka',
    `process ${topic.name}`,
    'consumer',
    startMs,
    produced.producer,
    {
      'messaging.system': 'kafka',
      'messaging.destination.name': topic.name,
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': group,
      'messaging.destination.partition.id': String(partition),
      'messaging.kafka.offset': BigInt(offset),
      'messaging.kafka.message.key': key,
      'server.address': DEPENDENCIES.kafka.address,
      'server.port': BigInt(DEPENDENCIES.kafka.port),
    },
  );
  consumer.links.push({
    traceId: rec.traceId,
    spanId: produced.producer.spanId,
    flags: 1,
    attributes: { 'messaging.operation.type': 'send' },
  });
  const endMs = handler(ctx, consumer, startMs);
  rec.end(consumer, endMs);
  topic.consumerDone(group, partition, produced.endMs, endMs);
}
