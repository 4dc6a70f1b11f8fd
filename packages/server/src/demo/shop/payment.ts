/**
 * payment (Node.js, gRPC): validates the card, charges it at the external payment provider
 * (retrying once on a 5xx) and records the attempt in PostgreSQL.
 */
import { queryPostgres } from '../call-datastores.js';
import { callExternal, GRPC, type GrpcHandler } from '../call-rpc.js';
import { exceptionFor } from '../failures.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';

const DECLINE_RATE = 0.02;
const CARD_BRANDS = ['visa', 'mastercard', 'amex'] as const;
const CARD_WEIGHTS = [55, 35, 10] as const;

export function charge(orderId: string, amountUsd: number): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    const cardBrand = rng.weighted(CARD_BRANDS, CARD_WEIGHTS);
    Object.assign(server.attributes, {
      'app.order.id': orderId,
      'app.payment.amount': amountUsd,
      'app.payment.currency': 'USD',
      'app.payment.card_brand': cardBrand,
    });
    const validate = rec.start(
      server.instance,
      'app',
      'validate card',
      'internal',
      startMs + 0.1,
      server,
    );
    let t = validate.startMs + sampleLatencyMs(rng, LATENCY.paymentValidate);
    validate.attributes['app.payment.card_brand'] = cardBrand;
    rec.end(validate, t);

    const providerStatus = (atMs: number): number => {
      if (rng.chance(ctx.incidents.paymentProviderErrorRate(atMs))) return 503;
      return rng.chance(DECLINE_RATE) ? 402 : 200;
    };
    const request = {
      provider: 'paymentProvider',
      method: 'POST',
      path: '/v1/charges',
      latency: LATENCY.paymentProviderCharge,
    } as const;
    let response = callExternal(ctx, server, t + 0.2, { ...request, status: providerStatus(t) });
    t = response.endMs;
    if (response.status >= 500) {
      rec.log(server, t, 'warn', 'payment provider call failed, retrying', {
        'app.order.id': orderId,
        'http.response.status_code': BigInt(response.status),
        'app.payment.attempt': 1n,
      });
      t += rng.uniform(80, 160);
      response = callExternal(ctx, server, t, { ...request, status: providerStatus(t) });
      t = response.endMs;
    }
    if (response.status >= 500) {
      const exception = exceptionFor(
        'provider-unavailable',
        'payment',
        'nodejs',
        `ch_${rng.hex(8)}`,
      );
      server.attributes['app.payment.outcome'] = 'error';
      rec.fail(server, t, exception);
      rec.log(server, t + 0.1, 'error', `charge failed for order ${orderId}`, {
        'app.order.id': orderId,
        ...exceptionAttributes(exception),
      });
      return { endMs: t + 0.4, code: GRPC.UNAVAILABLE, message: exception.message };
    }
    const approved = response.status === 200;
    const insert = queryPostgres(ctx, server, t + 0.2, {
      operation: 'INSERT',
      table: 'payments',
      sql: 'INSERT INTO payments (order_id, amount_usd, card_brand, status, provider_ref, created_at) VALUES ($1, $2, $3, $4, $5, now())',
      latency: LATENCY.pgWrite,
    });
    t = insert.endMs;
    if (!insert.ok && insert.exception !== undefined) {
      server.attributes['app.payment.outcome'] = 'error';
      rec.fail(server, t, insert.exception);
      return { endMs: t + 0.3, code: GRPC.UNAVAILABLE, message: insert.exception.message };
    }
    server.attributes['app.payment.outcome'] = approved ? 'approved' : 'declined';
    rec.log(server, t, 'info', approved ? 'charge succeeded' : 'card declined', {
      'app.order.id': orderId,
      'app.payment.amount': amountUsd,
      'app.payment.card_brand': cardBrand,
    });
    if (!approved) {
      return { endMs: t + 0.3, code: GRPC.FAILED_PRECONDITION, message: 'card declined' };
    }
    return { endMs: t + 0.3, code: GRPC.OK };
  };
}
