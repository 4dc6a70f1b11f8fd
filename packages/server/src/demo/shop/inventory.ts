/** inventory (Java, gRPC): stock levels and reservations in PostgreSQL. */
import { queryPostgres, type SqlStatement } from '../call-datastores.js';
import { GRPC, type GrpcHandler, type GrpcResponse } from '../call-rpc.js';
import type { FlowContext } from '../flow-context.js';
import { exceptionFor } from '../failures.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import type { OpenSpan } from '../trace-recorder.js';

const OUT_OF_STOCK_RATE = 0.01;
/** A race on a freshly added SKU without a stock row. */
const BUG_RATE = 0.003;

export interface StockLine {
  productId: string;
  quantity: number;
}

export function checkAvailability(line: StockLine): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng } = ctx;
    server.attributes['app.product.id'] = line.productId;
    const t = startMs + sampleLatencyMs(rng, LATENCY.inventoryHandler) / 2;
    const result = runStatement(ctx, server, t, {
      operation: 'SELECT',
      table: 'inventory',
      sql: 'SELECT available, reserved FROM inventory WHERE sku = ?',
      latency: LATENCY.pgPointSelect,
    });
    if ('code' in result) return result;
    if (rng.chance(OUT_OF_STOCK_RATE)) {
      return {
        endMs: result.endMs + 0.2,
        code: GRPC.FAILED_PRECONDITION,
        message: `${line.productId} is out of stock`,
      };
    }
    return {
      endMs: result.endMs + sampleLatencyMs(rng, LATENCY.inventoryHandler) / 2,
      code: GRPC.OK,
    };
  };
}

export function reserveStock(orderId: string, lines: readonly StockLine[]): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    server.attributes['app.order.id'] = orderId;
    server.attributes['app.order.items.count'] = BigInt(lines.length);
    const t = startMs + sampleLatencyMs(rng, LATENCY.inventoryHandler) / 2;
    if (rng.chance(BUG_RATE)) {
      const exception = exceptionFor('internal-bug', 'inventory', 'java');
      rec.fail(server, t, exception);
      rec.log(server, t, 'error', `reservation failed for order ${orderId}`, {
        'app.order.id': orderId,
        ...exceptionAttributes(exception),
      });
      return { endMs: t + 0.5, code: GRPC.INTERNAL, message: exception.message };
    }
    const result = runStatement(ctx, server, t, {
      operation: 'UPDATE',
      table: 'inventory',
      sql: `UPDATE inventory SET reserved = inventory.reserved + v.qty FROM (VALUES ${placeholders(lines.length)}) AS v(sku, qty) WHERE inventory.sku = v.sku AND inventory.available - inventory.reserved >= v.qty`,
      latency: LATENCY.pgWrite,
    });
    if ('code' in result) return result;
    if (rng.chance(OUT_OF_STOCK_RATE / 2)) {
      rec.log(server, result.endMs, 'info', `order ${orderId}: insufficient stock`, {
        'app.order.id': orderId,
      });
      return {
        endMs: result.endMs + 0.2,
        code: GRPC.FAILED_PRECONDITION,
        message: 'insufficient stock',
      };
    }
    return {
      endMs: result.endMs + sampleLatencyMs(rng, LATENCY.inventoryHandler) / 2,
      code: GRPC.OK,
    };
  };
}

export function releaseStock(orderId: string, lines: readonly StockLine[]): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    server.attributes['app.order.id'] = orderId;
    const t = startMs + sampleLatencyMs(rng, LATENCY.inventoryHandler) / 2;
    const result = runStatement(ctx, server, t, {
      operation: 'UPDATE',
      table: 'inventory',
      sql: `UPDATE inventory SET reserved = inventory.reserved - v.qty FROM (VALUES ${placeholders(lines.length)}) AS v(sku, qty) WHERE inventory.sku = v.sku`,
      latency: LATENCY.pgWrite,
    });
    if ('code' in result) return result;
    rec.log(server, result.endMs, 'info', `released reservation of order ${orderId}`, {
      'app.order.id': orderId,
    });
    return { endMs: result.endMs + 0.3, code: GRPC.OK };
  };
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '(?, ?)').join(', ');
}

/** Runs a statement; on failure records it on the server span and answers UNAVAILABLE. */
function runStatement(
  ctx: FlowContext,
  server: OpenSpan,
  startMs: number,
  statement: SqlStatement,
): { endMs: number } | GrpcResponse {
  const result = queryPostgres(ctx, server, startMs, statement);
  if (result.ok) return { endMs: result.endMs };
  const exception = result.exception ?? exceptionFor('db-timeout', 'inventory', 'java');
  ctx.rec.fail(server, result.endMs, exception);
  return { endMs: result.endMs + 0.3, code: GRPC.UNAVAILABLE, message: exception.message };
}
