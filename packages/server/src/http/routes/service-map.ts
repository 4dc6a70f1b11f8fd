import type { FastifyInstance } from 'fastify';
import { getServiceMap } from '../../query/service-map.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

export function serviceMapRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/service-map', async (request) => {
      const query = parseInput(rangeQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return getServiceMap(store, tenantOf(request), range);
    });
  };
}
