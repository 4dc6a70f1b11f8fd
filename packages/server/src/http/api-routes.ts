import type { FastifyInstance } from 'fastify';
import type { TelemetryStore } from '../store/telemetry-store.js';
import { logRoutes } from './routes/logs.js';
import { metricRoutes } from './routes/metrics.js';
import { searchRoutes } from './routes/search.js';
import { serviceMapRoutes } from './routes/service-map.js';
import { serviceRoutes } from './routes/services.js';
import { sqlRoutes } from './routes/sql.js';
import { traceRoutes } from './routes/traces.js';

/** The JSON API under /api/v1: one plugin per area, every call scoped to the caller's tenant. */
export function apiRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(traceRoutes(store));
    await app.register(serviceRoutes(store));
    await app.register(serviceMapRoutes(store));
    await app.register(sqlRoutes(store));
    await app.register(logRoutes(store));
    await app.register(metricRoutes(store));
    await app.register(searchRoutes());
  };
}
