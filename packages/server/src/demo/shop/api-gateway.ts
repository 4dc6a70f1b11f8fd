/**
 * api-gateway (Go, HTTP): authenticates user routes and forwards each endpoint to its
 * backend, over gRPC to catalogue, recommendation, and over HTTP to cart and checkout,
 * mapping gRPC status codes to HTTP ones.
 */
import {
  callGrpc,
  callHttp,
  GRPC,
  type GrpcHandler,
  type HttpHandler,
  type HttpRequest,
  type HttpResponse,
} from '../call-rpc.js';
import type { FlowContext } from '../flow-context.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import type { ServiceName } from '../topology.js';
import { stringAttribute, type OpenSpan } from '../trace-recorder.js';
import { addItem, getCart } from './cart.js';
import { placeOrder, type OrderLine } from './checkout.js';
import { getProduct, listProducts, searchProducts } from './product-catalog.js';
import { listRecommendations } from './recommendation.js';

const GRPC_TO_HTTP: Readonly<Record<number, number>> = {
  [GRPC.OK]: 200,
  [GRPC.INVALID_ARGUMENT]: 400,
  [GRPC.NOT_FOUND]: 404,
  [GRPC.FAILED_PRECONDITION]: 409,
  [GRPC.DEADLINE_EXCEEDED]: 504,
  [GRPC.UNAVAILABLE]: 503,
};

export const gateway = {
  listProducts: (): HttpHandler =>
    viaGrpc('product-catalog', 'ListProducts', listProducts('catalog:featured', 12)),
  product: (productId: string): HttpHandler =>
    viaGrpc('product-catalog', 'GetProduct', getProduct(productId, true)),
  recommendations: (productId: string | undefined): HttpHandler =>
    viaGrpc('recommendation', 'ListRecommendations', listRecommendations(productId)),
  search: (term: string): HttpHandler =>
    viaGrpc('product-catalog', 'SearchProducts', searchProducts(term)),
  addToCart: (userId: string, productId: string, quantity: number): HttpHandler =>
    viaHttp(
      userId,
      {
        service: 'cart',
        method: 'POST',
        route: '/cart/{userId}/items',
        path: `/cart/${userId}/items`,
      },
      addItem(userId, productId, quantity),
    ),
  viewCart: (userId: string, itemCount: number): HttpHandler =>
    viaHttp(
      userId,
      { service: 'cart', method: 'GET', route: '/cart/{userId}', path: `/cart/${userId}` },
      getCart(userId, itemCount),
    ),
  checkout: (userId: string, lines: readonly OrderLine[]): HttpHandler =>
    viaHttp(
      userId,
      { service: 'checkout', method: 'POST', route: '/orders', path: '/orders' },
      placeOrder(userId, lines),
    ),
};

function viaGrpc(service: ServiceName, method: string, handler: GrpcHandler): HttpHandler {
  return (ctx, server, startMs) => {
    const t = startMs + sampleLatencyMs(ctx.rng, LATENCY.gatewayRouting);
    const response = callGrpc(ctx, server, t, service, method, handler);
    const status = GRPC_TO_HTTP[response.code] ?? 500;
    return finish(ctx, server, response.endMs, status, service);
  };
}

function viaHttp(userId: string, request: HttpRequest, handler: HttpHandler): HttpHandler {
  return (ctx, server, startMs) => {
    const t = authenticate(ctx, server, startMs, userId);
    const response = callHttp(ctx, server, t, request, handler);
    return finish(ctx, server, response.endMs, response.status, request.service);
  };
}

/** JWT verification against cached signing keys: an internal span. */
function authenticate(ctx: FlowContext, server: OpenSpan, startMs: number, userId: string): number {
  const span = ctx.rec.start(
    server.instance,
    'app',
    'authenticate',
    'internal',
    startMs + 0.05,
    server,
    {
      'enduser.id': userId,
    },
  );
  const endMs = span.startMs + sampleLatencyMs(ctx.rng, LATENCY.gatewayAuth);
  ctx.rec.end(span, endMs);
  server.attributes['enduser.id'] = userId;
  return endMs + 0.05;
}

function finish(
  ctx: FlowContext,
  server: OpenSpan,
  atMs: number,
  status: number,
  upstream: ServiceName,
): HttpResponse {
  const endMs = atMs + sampleLatencyMs(ctx.rng, LATENCY.gatewayRouting) / 2;
  if (status >= 500) {
    ctx.rec.log(server, endMs, 'warn', 'upstream request failed', {
      'app.upstream': upstream,
      'http.route': stringAttribute(server, 'http.route'),
      'http.response.status_code': BigInt(status),
    });
  }
  return { endMs, status };
}
