/** product-catalog (Go, gRPC): products from Redis, PostgreSQL behind it on a cache miss. */
import { queryPostgres, redisCommand } from '../call-datastores.js';
import { GRPC, type GrpcHandler, type GrpcResponse } from '../call-rpc.js';
import type { FlowContext } from '../flow-context.js';
import { exceptionAttributes } from '../generate-logs.js';
import { LATENCY, sampleLatencyMs } from '../latency.js';
import type { OpenSpan } from '../trace-recorder.js';

const CACHE_HIT_RATE = 0.85;
const UNKNOWN_PRODUCT_RATE = 0.02;

/** `fromUrl`: the id came from a URL, so it may name a product that no longer exists. */
export function getProduct(productId: string, fromUrl = false): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    server.attributes['app.product.id'] = productId;
    let t = startMs + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2;
    const cached = redisCommand(ctx, server, t, 'GET', `product:${productId}`);
    t = cached.endMs;
    if (!cached.ok) {
      rec.log(server, t, 'warn', 'product cache unavailable, reading from database', {
        'app.product.id': productId,
        ...(cached.exception === undefined ? {} : exceptionAttributes(cached.exception)),
      });
    }
    // Links from stale pages and crawlers name products that no longer exist: never cached.
    const unknown = fromUrl && rng.chance(UNKNOWN_PRODUCT_RATE);
    if (cached.ok && !unknown && rng.chance(CACHE_HIT_RATE)) {
      return { endMs: t + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2, code: GRPC.OK };
    }
    rec.log(server, t, 'debug', `cache miss for product ${productId}`, {
      'app.product.id': productId,
    });
    const row = queryPostgres(ctx, server, t, {
      operation: 'SELECT',
      table: 'products',
      sql: 'SELECT id, name, description, picture, price_usd, category FROM products WHERE id = $1',
      latency: LATENCY.pgPointSelect,
    });
    t = row.endMs;
    if (!row.ok) return databaseUnavailable(ctx, server, t, row.exception?.message);
    if (unknown) {
      return { endMs: t + 0.2, code: GRPC.NOT_FOUND, message: `product ${productId} not found` };
    }
    if (cached.ok) {
      t = redisCommand(ctx, server, t, 'SET', `product:${productId}`, '? EX 300').endMs;
    }
    return { endMs: t + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2, code: GRPC.OK };
  };
}

export function listProducts(cacheKey: string, limit: number): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng } = ctx;
    server.attributes['app.products.limit'] = BigInt(limit);
    let t = startMs + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2;
    const cached = redisCommand(ctx, server, t, 'GET', cacheKey);
    t = cached.endMs;
    if (!cached.ok || !rng.chance(0.9)) {
      const rows = queryPostgres(ctx, server, t, {
        operation: 'SELECT',
        table: 'products',
        sql: `SELECT id, name, picture, price_usd, category FROM products WHERE active ORDER BY popularity DESC LIMIT ${limit}`,
        latency: LATENCY.pgListSelect,
      });
      t = rows.endMs;
      if (!rows.ok) return databaseUnavailable(ctx, server, t, rows.exception?.message);
      if (cached.ok) t = redisCommand(ctx, server, t, 'SET', cacheKey, '? EX 60').endMs;
    }
    return { endMs: t + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2, code: GRPC.OK };
  };
}

export function getProducts(productIds: readonly string[]): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng } = ctx;
    server.attributes['app.products.count'] = BigInt(productIds.length);
    let t = startMs + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2;
    const keys = productIds.map((id) => `product:${id}`);
    t = redisCommand(ctx, server, t, 'MGET', keys[0] ?? 'product:', keys.slice(1).join(' ')).endMs;
    return { endMs: t + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2, code: GRPC.OK };
  };
}

export function searchProducts(term: string): GrpcHandler {
  return (ctx, server, startMs) => {
    const { rng, rec } = ctx;
    server.attributes['app.search.term'] = term;
    let t = startMs + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2;
    const rows = queryPostgres(ctx, server, t, {
      operation: 'SELECT',
      table: 'products',
      sql: "SELECT id, name, picture, price_usd, ts_rank(search_vector, q) AS rank FROM products, plainto_tsquery('english', $1) q WHERE search_vector @@ q ORDER BY rank DESC LIMIT 24",
      latency: LATENCY.pgSearch,
    });
    t = rows.endMs;
    if (!rows.ok) return databaseUnavailable(ctx, server, t, rows.exception?.message);
    const results = rng.int(25);
    server.attributes['app.search.results'] = BigInt(results);
    rec.log(server, t, 'debug', `search "${term}" returned ${results} products`, {
      'app.search.term': term,
    });
    return { endMs: t + sampleLatencyMs(rng, LATENCY.catalogHandler) / 2, code: GRPC.OK };
  };
}

function databaseUnavailable(
  ctx: FlowContext,
  server: OpenSpan,
  atMs: number,
  message = 'database unavailable',
): GrpcResponse {
  ctx.rec.setError(server, message);
  return { endMs: atMs + 0.3, code: GRPC.UNAVAILABLE, message };
}
