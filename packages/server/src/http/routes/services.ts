import type { FastifyInstance } from 'fastify';
import { listServices } from '../../query/services.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

export function serviceRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/services', async (request) => {
      const query = parseInput(rangeQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return { services: await listServices(store, tenantOf(request), range) };
    });
  };
}
