import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest, notFound } from '../errors.js';
import { searchLogs } from '../query/logs.js';
import { getMetric, listMetrics } from '../query/metrics.js';
import { listServices } from '../query/services.js';
import { parseRange } from '../query/time.js';
import { getTrace } from '../query/traces.js';
import type { TelemetryStore } from '../store/telemetry-store.js';
import { tenantOf } from './tenant.js';

const rangeQuery = z.object({ from: z.string().optional(), to: z.string().optional() });

const logsQuery = rangeQuery.extend({
  q: z.string().max(1000).default(''),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const metricQuery = rangeQuery.extend({
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
    throw badRequest(`invalid query parameters: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The JSON read API under /api/v1, every call scoped to the caller's tenant. */
export function apiRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { traceId: string } }>('/traces/:traceId', async (request) => {
      const trace = await getTrace(store, tenantOf(request), request.params.traceId);
      if (!trace) throw notFound(`trace ${request.params.traceId} not found`);
      return trace;
    });

    app.get('/services', async (request) => {
      const query = parse(rangeQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return { services: await listServices(store, tenantOf(request), range) };
    });

    app.get('/logs', async (request) => {
      const query = parse(logsQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      const logs = await searchLogs(store, tenantOf(request), {
        q: query.q,
        range,
        limit: query.limit,
      });
      return { logs };
    });

    app.get('/metrics', async (request) => {
      const query = parse(rangeQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return { metrics: await listMetrics(store, tenantOf(request), range) };
    });

    app.get<{ Params: { name: string } }>('/metrics/:name', async (request) => {
      const query = parse(metricQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      const metric = await getMetric(
        store,
        tenantOf(request),
        request.params.name,
        range,
        query.limit,
      );
      if (!metric) throw notFound(`metric ${request.params.name} has no points in the range`);
      return metric;
    });
  };
}
