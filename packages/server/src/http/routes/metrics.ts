import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { getMetric, listMetrics } from '../../query/metrics.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

const metricQuery = rangeQuery.extend({
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

export function metricRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/metrics', async (request) => {
      const query = parseInput(rangeQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return { metrics: await listMetrics(store, tenantOf(request), range) };
    });

    app.get<{ Params: { name: string } }>('/metrics/:name', async (request) => {
      const query = parseInput(metricQuery, request.query);
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
