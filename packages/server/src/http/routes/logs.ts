import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { searchLogs } from '../../query/logs.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

const logsQuery = rangeQuery.extend({
  q: z.string().max(1000).default(''),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function logRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/logs', async (request) => {
      const query = parseInput(logsQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      const logs = await searchLogs(store, tenantOf(request), {
        q: query.q,
        range,
        limit: query.limit,
      });
      return { logs };
    });
  };
}
