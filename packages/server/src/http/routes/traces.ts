import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import { getTrace } from '../../query/traces.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';

export function traceRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { traceId: string } }>('/traces/:traceId', async (request) => {
      const trace = await getTrace(store, tenantOf(request), request.params.traceId);
      if (!trace) throw notFound(`trace ${request.params.traceId} not found`);
      return trace;
    });
  };
}
