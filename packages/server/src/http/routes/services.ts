import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { parseStepNs } from '../../query/duration.js';
import {
  autoStepNs,
  listOperations,
  listServices,
  MAX_SERIES_BUCKETS,
  serviceSeries,
} from '../../query/services.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

const operationsQuery = rangeQuery.extend({
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const seriesQuery = rangeQuery.extend({ step: z.string().max(32).optional() });

type ServiceParams = { Params: { name: string } };

export function serviceRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/services', async (request) => {
      const query = parseInput(rangeQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return { services: await listServices(store, tenantOf(request), range) };
    });

    app.get<ServiceParams>('/services/:name/operations', async (request) => {
      const query = parseInput(operationsQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      const { name } = request.params;
      const operations = await listOperations(store, tenantOf(request), name, range, query.limit);
      return { service: name, operations };
    });

    app.get<ServiceParams>('/services/:name/series', async (request) => {
      const query = parseInput(seriesQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      const stepNs = query.step === undefined ? autoStepNs(range) : parseStepNs(query.step);
      if ((range.toNs - range.fromNs) / stepNs >= BigInt(MAX_SERIES_BUCKETS)) {
        throw badRequest(
          `step ${query.step ?? ''} gives more than ${MAX_SERIES_BUCKETS} buckets over the range: use a larger step`,
        );
      }
      return serviceSeries(store, tenantOf(request), request.params.name, range, stepNs);
    });
  };
}
