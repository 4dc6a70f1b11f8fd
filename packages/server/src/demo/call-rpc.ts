/**
 * Calls between processes as their instrumentation records them: HTTP and gRPC (client span in
 * the caller, server span in the callee, attributes per the semantic conventions), and HTTP
 * calls to third parties outside the cluster, which report no telemetry of their own.
 */
import type { FlowContext } from './flow-context.js';
import { internetDelayMs, networkDelayMs, sampleLatencyMs, type LatencyModel } from './latency.js';
import type { OpenSpan } from './trace-recorder.js';
import { DEPENDENCIES, type Language, type ServiceName } from './topology.js';

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
