import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_SQL_LENGTH, runSql } from '../../query/sql/run-sql.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput } from '../validation.js';

const sqlBody = z.object({
  query: z.string().max(MAX_SQL_LENGTH),
  from: z.string().max(64).optional(),
  to: z.string().max(64).optional(),
});

export function sqlRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    // A read, though POST (the query does not fit a URL).
    app.post('/sql', { config: { access: 'read' } }, async (request) => {
      const body = parseInput(sqlBody, request.body, 'body');
      const range = parseRange(body.from, body.to, Date.now());
      return runSql(store, tenantOf(request), body.query, range);
    });
  };
}
