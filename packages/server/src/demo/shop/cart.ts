/** cart (.NET, HTTP): carts live in Redis hashes; adding an item asks inventory first. */
import { redisCommand } from '../call-datastores.js';
import { callGrpc, GRPC, type HttpHandler } from '../call-rpc.js';
import type { FlowContext } from '../flow-context.js';
import { exceptionFor } from '../failures.js';
import { accessLogBody, exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import { stringAttribute, type OpenSpan } from '../trace-recorder.js';
import { checkAvailability } from './inventory.js';

const BUG_RATE = 0.005;

export function getCart(userId: string, itemCount: number): HttpHandler {
  return (ctx, server, startMs) => {
    const { rng } = ctx;
    server.attributes['app.user.id'] = userId;
    const t = startMs + sampleLatencyMs(rng, LATENCY.cartHandler) / 2;
    const read = redisCommand(ctx, server, t, 'HGETALL', `cart:${userId}`);
    if (!read.ok) return unavailable(ctx, server, read.endMs, read.exception);
    server.attributes['app.cart.items.count'] = BigInt(itemCount);
    return done(ctx, server, read.endMs + sampleLatencyMs(rng, LATENCY.cartHandler) / 2, 200);
  };
}

export function addItem(userId: string, productId: string, quantity: number): HttpHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    Object.assign(server.attributes, {
      'app.user.id': userId,
      'app.product.id': productId,
      'app.cart.item.quantity': BigInt(quantity),
    });
    let t = startMs + sampleLatencyMs(rng, LATENCY.cartHandler) / 2;
    if (rng.chance(BUG_RATE)) {
      const exception = exceptionFor('internal-bug', 'cart', 'dotnet');
      rec.fail(server, t, exception);
      rec.log(
        server,
        t,
        'error',
        'An unhandled exception has occurred while executing the request.',
        exceptionAttributes(exception),
      );
      return done(ctx, server, t + 0.5, 500);
    }
    const stock = callGrpc(
      ctx,
      server,
      t,
      'inventory',
      'CheckAvailability',
      checkAvailability({ productId, quantity }),
    );
    t = stock.endMs;
    if (stock.code === GRPC.FAILED_PRECONDITION) return done(ctx, server, t + 0.3, 409);
    if (stock.code !== GRPC.OK) {
      return unavailable(
        ctx,
        server,
        t,
        exceptionFor('upstream-unavailable', 'cart', 'dotnet', 'inventory'),
      );
    }
    const write = redisCommand(ctx, server, t, 'HINCRBY', `cart:${userId}`, `${productId} ?`);
    if (!write.ok) return unavailable(ctx, server, write.endMs, write.exception);
    t = redisCommand(ctx, server, write.endMs, 'EXPIRE', `cart:${userId}`, '?').endMs;
    server.attributes['app.cart.items.added'] = BigInt(quantity);
    return done(ctx, server, t + sampleLatencyMs(rng, LATENCY.cartHandler) / 2, 200);
  };
}

export function emptyCart(userId: string, itemCount: number): HttpHandler {
  return (ctx, server, startMs) => {
    server.attributes['app.user.id'] = userId;
    const result = redisCommand(ctx, server, startMs + 0.3, 'DEL', `cart:${userId}`);
    if (!result.ok) return unavailable(ctx, server, result.endMs, result.exception);
    server.attributes['app.cart.items.removed'] = BigInt(itemCount);
    return done(ctx, server, result.endMs + 0.3, 204);
  };
}

function unavailable(
  ctx: FlowContext,
  server: OpenSpan,
  atMs: number,
  exception = exceptionFor('redis-timeout', 'cart', 'dotnet', 'HGETALL'),
) {
  ctx.rec.fail(server, atMs, exception);
  ctx.rec.log(
    server,
    atMs,
    'error',
    'An unhandled exception has occurred while executing the request.',
    exceptionAttributes(exception),
  );
  return done(ctx, server, atMs + 0.4, 503);
}

/** ASP.NET Core's request-finished log line, then the response. */
function done(ctx: FlowContext, server: OpenSpan, endMs: number, status: number) {
  const method = stringAttribute(server, 'http.request.method');
  const path = `${stringAttribute(server, 'server.address')}:8080${stringAttribute(server, 'url.path')}`;
  ctx.rec.log(
    server,
    endMs,
    'info',
    accessLogBody('dotnet', method, path, status, endMs - server.startMs),
    {
      'http.request.method': method,
      'http.response.status_code': BigInt(status),
    },
  );
  return { endMs, status };
}
