/**
 * checkout (Go, HTTP): the longest trace in the shop. Reads the cart, prices every item
 * (one catalogue call each), reserves stock, charges the card, stores the order, publishes it
 * to Kafka for fulfilment and email, and empties the cart.
 */
import type { Attributes } from '../../otlp/encode.js';
import { queryPostgres } from '../call-datastores.js';
import { consumeKafka, produceKafka } from '../call-kafka.js';
import { callGrpc, callHttp, GRPC, type HttpHandler, type HttpResponse } from '../call-rpc.js';
import type { FlowContext } from '../flow-context.js';
import { exceptionFor } from '../failures.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import type { Product } from '../shop-data.js';
import { stringAttribute, type OpenSpan } from '../trace-recorder.js';
import { emptyCart, getCart } from './cart.js';
import { releaseStock, reserveStock, type StockLine } from './inventory.js';
import { fulfillOrder, sendConfirmation } from './order-consumers.js';
import { charge } from './payment.js';
import { getProduct } from './product-catalog.js';

export interface OrderLine {
  product: Product;
  quantity: number;
}

export function placeOrder(userId: string, lines: readonly OrderLine[]): HttpHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    const orderId = `ORD-${rng.hex(5).toUpperCase()}`;
    Object.assign(server.attributes, { 'app.user.id': userId, 'app.order.id': orderId });
    let t = startMs + sampleLatencyMs(rng, LATENCY.checkoutHandler) / 2;

    const cart = callHttp(
      ctx,
      server,
      t,
      { service: 'cart', method: 'GET', route: '/cart/{userId}', path: `/cart/${userId}` },
      getCart(userId, lines.length),
    );
    t = cart.endMs;
    if (cart.status >= 500) return upstreamFailed(ctx, server, t, 'cart');

    for (const line of lines) {
      const product = callGrpc(
        ctx,
        server,
        t + 0.05,
        'product-catalog',
        'GetProduct',
        getProduct(line.product.id),
      );
      t = product.endMs;
      if (product.code !== GRPC.OK) return upstreamFailed(ctx, server, t, 'product-catalog');
    }

    const totals = rec.start(
      server.instance,
      'app',
      'calculate order totals',
      'internal',
      t + 0.05,
      server,
    );
    const amountUsd =
      Math.round(lines.reduce((sum, l) => sum + l.product.priceUsd * l.quantity, 0) * 100) / 100 +
      (rng.chance(0.3) ? 4.95 : 0);
    totals.attributes['app.order.amount'] = amountUsd;
    t = totals.startMs + sampleLatencyMs(rng, LATENCY.checkoutTotals);
    rec.end(totals, t);
    Object.assign(server.attributes, {
      'app.order.amount': amountUsd,
      'app.order.currency': 'USD',
      'app.order.items.count': BigInt(lines.length),
    });

    const stock: StockLine[] = lines.map((l) => ({
      productId: l.product.id,
      quantity: l.quantity,
    }));
    const reservation = callGrpc(
      ctx,
      server,
      t + 0.1,
      'inventory',
      'ReserveStock',
      reserveStock(orderId, stock),
    );
    t = reservation.endMs;
    if (reservation.code === GRPC.FAILED_PRECONDITION)
      return reply(ctx, server, t + 0.3, 409, 'warn', 'order rejected: insufficient stock');
    if (reservation.code !== GRPC.OK) return upstreamFailed(ctx, server, t, 'inventory');

    const payment = callGrpc(ctx, server, t + 0.1, 'payment', 'Charge', charge(orderId, amountUsd));
    t = payment.endMs;
    if (payment.code !== GRPC.OK) {
      t = callGrpc(
        ctx,
        server,
        t + 0.1,
        'inventory',
        'ReleaseStock',
        releaseStock(orderId, stock),
      ).endMs;
      if (payment.code === GRPC.FAILED_PRECONDITION)
        return reply(ctx, server, t + 0.3, 402, 'info', `payment declined for order ${orderId}`);
      return upstreamFailed(ctx, server, t, 'payment');
    }

    const insert = queryPostgres(ctx, server, t + 0.1, {
      operation: 'INSERT',
      table: 'orders',
      sql: 'INSERT INTO orders (id, user_id, amount_usd, currency, status, created_at) VALUES ($1, $2, $3, $4, $5, now())',
      latency: LATENCY.pgWrite,
    });
    t = insert.endMs;
    if (!insert.ok && insert.exception !== undefined) {
      rec.fail(server, t, insert.exception);
      return reply(
        ctx,
        server,
        t + 0.3,
        500,
        'error',
        `order ${orderId} charged but not stored; refund scheduled`,
        exceptionAttributes(insert.exception),
      );
    }

    const produced = produceKafka(ctx, server, t + 0.1, ctx.ordersTopic, orderId);
    t = produced.endMs;
    consumeKafka(
      ctx,
      produced,
      ctx.ordersTopic,
      'order-fulfillment',
      orderId,
      fulfillOrder(orderId),
    );
    consumeKafka(
      ctx,
      produced,
      ctx.ordersTopic,
      'email',
      orderId,
      sendConfirmation(orderId, userId),
    );

    t = callHttp(
      ctx,
      server,
      t + 0.1,
      { service: 'cart', method: 'DELETE', route: '/cart/{userId}', path: `/cart/${userId}` },
      emptyCart(
        userId,
        lines.reduce((n, l) => n + l.quantity, 0),
      ),
    ).endMs;
    server.attributes['app.order.placed'] = true;
    return reply(
      ctx,
      server,
      t + sampleLatencyMs(rng, LATENCY.checkoutHandler) / 2,
      201,
      'info',
      `order ${orderId} placed`,
      {
        'app.order.amount': amountUsd,
        'app.order.items.count': BigInt(lines.length),
      },
    );
  };
}

function upstreamFailed(
  ctx: FlowContext,
  server: OpenSpan,
  atMs: number,
  upstream: string,
): HttpResponse {
  const exception = exceptionFor('upstream-unavailable', 'checkout', 'go', upstream);
  ctx.rec.fail(server, atMs, exception);
  return reply(
    ctx,
    server,
    atMs + 0.3,
    503,
    'error',
    `checkout failed: ${upstream} unavailable`,
    exceptionAttributes(exception),
  );
}

function reply(
  ctx: FlowContext,
  server: OpenSpan,
  endMs: number,
  status: number,
  level: 'info' | 'warn' | 'error',
  message: string,
  attributes: Attributes = {},
): HttpResponse {
  ctx.rec.log(server, endMs, level, message, {
    'app.order.id': stringAttribute(server, 'app.order.id'),
    'http.response.status_code': BigInt(status),
    ...attributes,
  });
  return { endMs, status };
}
