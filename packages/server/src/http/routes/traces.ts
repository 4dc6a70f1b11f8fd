import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { notFound } from '../../errors.js';
import { parseDurationNs } from '../../query/duration.js';
import { compileSearch, parseSearch } from '../../query/search/index.js';
import { compareTraces } from '../../query/trace-compare.js';
import { searchTraces, type TraceSearch } from '../../query/trace-search.js';
import { getTrace, getTraceSpans, parseTraceId, toApiSpan } from '../../query/traces.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore, TimeRange } from '../../store/telemetry-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

const traceSearchQuery = rangeQuery.extend({
  q: z.string().max(2000).optional(),
  service: z.string().min(1).max(256).optional(),
  operation: z.string().min(1).max(1024).optional(),
  minDuration: z.string().max(32).optional(),
  maxDuration: z.string().max(32).optional(),
  status: z.enum(['error', 'ok', 'unset']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(20),
});

const compareQuery = rangeQuery.extend({
  a: z.string().max(64),
  b: z.string().max(64),
});

/** `from`/`to` on a trace lookup are optional hints that bound the days read. */
function optionalRange(from: string | undefined, to: string | undefined): TimeRange | null {
  if (from === undefined && to === undefined) return null;
  const now = Date.now();
  return parseRange(from, to, now, 7 * 86_400_000);
}

export function traceRoutes(store: TelemetryStore) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/traces', async (request) => {
      const query = parseInput(traceSearchQuery, request.query);
      const search: TraceSearch = {
        range: parseRange(query.from, query.to, Date.now()),
        limit: query.limit,
      };
      if (query.q !== undefined && query.q.trim() !== '') {
        search.where = compileSearch(parseSearch(query.q), 'spans', store.dialect);
      }
      if (query.service !== undefined) search.service = query.service;
      if (query.operation !== undefined) search.operation = query.operation;
      if (query.status !== undefined) search.status = query.status;
      if (query.minDuration !== undefined) {
        search.minDurationNs = parseDurationNs(query.minDuration, 'minDuration');
      }
      if (query.maxDuration !== undefined) {
        search.maxDurationNs = parseDurationNs(query.maxDuration, 'maxDuration');
      }
      return { traces: await searchTraces(store, tenantOf(request), search) };
    });

    app.get('/traces/compare', async (request) => {
      const query = parseInput(compareQuery, request.query);
      const range = optionalRange(query.from, query.to);
      const tenant = tenantOf(request);
      const [a, b] = [parseTraceId(query.a), parseTraceId(query.b)];
      const [rowsA, rowsB] = await Promise.all([
        getTraceSpans(store, tenant, a, range),
        getTraceSpans(store, tenant, b, range),
      ]);
      if (rowsA.length === 0) throw notFound(`trace ${a} not found`);
      if (rowsB.length === 0) throw notFound(`trace ${b} not found`);
      return compareTraces(
        { traceId: a, spans: rowsA.map(toApiSpan) },
        { traceId: b, spans: rowsB.map(toApiSpan) },
      );
    });

    app.get<{ Params: { traceId: string } }>('/traces/:traceId', async (request) => {
      const query = parseInput(rangeQuery, request.query);
      const range = optionalRange(query.from, query.to);
      const trace = await getTrace(store, tenantOf(request), request.params.traceId, range);
      if (!trace) throw notFound(`trace ${request.params.traceId} not found`);
      return trace;
    });
  };
}
