/**
 * The consumers of the `orders` topic: order-fulfillment (Java) hands the order to the
 * warehouse, email (Python) sends the confirmation through an external mail provider.
 */
import { queryPostgres } from '../call-datastores.js';
import type { ConsumerHandler } from '../call-kafka.js';
import { callExternal } from '../call-rpc.js';
import { exceptionFor } from '../failures.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';

const MAIL_RATE_LIMIT_RATE = 0.04;
const CARRIERS = ['dhl', 'ups', 'dpd', 'gls'] as const;

export function fulfillOrder(orderId: string): ConsumerHandler {
  return (ctx, consumer, startMs) => {
    const { rng, rec } = ctx;
    consumer.attributes['app.order.id'] = orderId;
    let t = startMs + sampleLatencyMs(rng, LATENCY.fulfillmentHandler) / 2;
    const update = queryPostgres(ctx, consumer, t, {
      operation: 'UPDATE',
      table: 'orders',
      sql: "UPDATE orders SET status = 'FULFILLING', updated_at = now() WHERE id = ?",
      latency: LATENCY.pgWrite,
    });
    t = update.endMs;
    if (!update.ok && update.exception !== undefined) {
      rec.fail(consumer, t, update.exception);
      rec.log(
        consumer,
        t,
        'error',
        `fulfillment of order ${orderId} failed, message will be redelivered`,
        {
          'app.order.id': orderId,
          ...exceptionAttributes(update.exception),
        },
      );
      return t + 0.5;
    }
    const carrier = rng.pick(CARRIERS);
    t = queryPostgres(ctx, consumer, t + 0.2, {
      operation: 'INSERT',
      table: 'shipments',
      sql: 'INSERT INTO shipments (order_id, carrier, warehouse, status, created_at) VALUES (?, ?, ?, ?, now())',
      latency: LATENCY.pgWrite,
    }).endMs;
    consumer.attributes['app.shipment.carrier'] = carrier;
    rec.log(
      consumer,
      t,
      'info',
      `order ${orderId} handed to warehouse fra-1 (carrier ${carrier})`,
      {
        'app.order.id': orderId,
        'app.shipment.carrier': carrier,
      },
    );
    return t + sampleLatencyMs(rng, LATENCY.fulfillmentHandler) / 2;
  };
}

export function sendConfirmation(orderId: string, userId: string): ConsumerHandler {
  return (ctx, consumer, startMs) => {
    const { rng, rec } = ctx;
    consumer.attributes['app.order.id'] = orderId;
    const render = rec.start(
      consumer.instance,
      'app',
      'render order confirmation',
      'internal',
      startMs + 0.2,
      consumer,
      {
        'app.email.template': 'order-confirmation',
      },
    );
    let t = render.startMs + sampleLatencyMs(rng, LATENCY.emailRender);
    rec.end(render, t);
    const status = rng.chance(MAIL_RATE_LIMIT_RATE) ? 429 : 202;
    const response = callExternal(ctx, consumer, t + 0.1, {
      provider: 'mailProvider',
      method: 'POST',
      path: '/v3/mail/send',
      latency: LATENCY.mailProviderSend,
      status,
    });
    t = response.endMs;
    if (response.status === 429) {
      const exception = exceptionFor(
        'mail-rate-limited',
        'email',
        'python',
        'https://api.mail-provider.example/v3/mail/send',
      );
      rec.fail(consumer, t, exception);
      rec.log(
        consumer,
        t,
        'warn',
        `mail provider rate limited the confirmation of order ${orderId}; will retry`,
        {
          'app.order.id': orderId,
          ...exceptionAttributes(exception),
        },
      );
      return t + 0.3;
    }
    rec.log(consumer, t, 'info', `order confirmation sent to ${userId}`, {
      'app.order.id': orderId,
      'app.user.id': userId,
    });
    return t + 0.3;
  };
}
