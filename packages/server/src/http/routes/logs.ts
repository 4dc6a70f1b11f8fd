import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { overloaded } from '../../errors.js';
import { decodeLogCursor } from '../../query/log-cursor.js';
import { listLogFields, logFieldValues } from '../../query/log-fields.js';
import { logHistogram, parseStepMs } from '../../query/log-histogram.js';
import { LogTail } from '../../query/log-tail.js';
import { searchLogs } from '../../query/logs.js';
import { compileSearch, MAX_SEARCH_LENGTH, parseSearch } from '../../query/search/index.js';
import { parseRange } from '../../query/time.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { handleSearchAwareError } from '../search-errors.js';
import { tenantOf } from '../tenant.js';
import { parseInput, rangeQuery } from '../validation.js';

const searchQuery = rangeQuery.extend({ q: z.string().max(MAX_SEARCH_LENGTH).default('') });

const logsQuery = searchQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
});

const histogramQuery = searchQuery.extend({ step: z.string().max(20).optional() });

const valuesQuery = searchQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
});

const tailQuery = z.object({ q: z.string().max(MAX_SEARCH_LENGTH).default('') });

export interface LogRouteOptions {
  /** How often a live tail reads the store. */
  tailPollMs?: number;
  /** How often a live tail sends a heartbeat when idle. */
  tailHeartbeatMs?: number;
  /** Live tails open at once in this process; more are refused with 429. */
  maxTails?: number;
}

function parsedSearch(q: string) {
  return q.trim() === '' ? null : parseSearch(q);
}

export function logRoutes(store: TelemetryStore, options: LogRouteOptions = {}) {
  const pollMs = options.tailPollMs ?? 1000;
  const heartbeatMs = options.tailHeartbeatMs ?? 15_000;
  const maxTails = options.maxTails ?? 64;
  /** Ends every open tail (on server close). */
  const openTails = new Set<() => void>();

  return async (app: FastifyInstance): Promise<void> => {
    app.setErrorHandler(handleSearchAwareError);
    app.addHook('onClose', () => {
      for (const end of openTails) end();
    });

    app.get('/logs', async (request) => {
      const query = parseInput(logsQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return searchLogs(store, tenantOf(request), {
        query: parsedSearch(query.q),
        range,
        limit: query.limit,
        cursor: query.cursor === undefined ? null : decodeLogCursor(query.cursor),
      });
    });

    app.get('/logs/histogram', async (request) => {
      const query = parseInput(histogramQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return logHistogram(store, tenantOf(request), {
        query: parsedSearch(query.q),
        range,
        ...(query.step === undefined ? {} : { stepMs: parseStepMs(query.step) }),
      });
    });

    app.get('/logs/fields', async (request) => {
      const query = parseInput(searchQuery, request.query);
      const range = parseRange(query.from, query.to, Date.now());
      return listLogFields(store, tenantOf(request), { query: parsedSearch(query.q), range });
    });

    app.get<{ Params: { name: string } }>('/logs/fields/:name/values', async (request) => {
      const query = parseInput(valuesQuery, request.query);
      const field = parseInput(z.string().min(1).max(256), request.params.name, 'field name');
      const range = parseRange(query.from, query.to, Date.now());
      return logFieldValues(store, tenantOf(request), {
        field,
        query: parsedSearch(query.q),
        range,
        limit: query.limit,
      });
    });

    app.get('/logs/tail', async (request, reply) => {
      const query = parseInput(tailQuery, request.query);
      const where = compileSearch(parsedSearch(query.q), 'logs', store.dialect);
      if (openTails.size >= maxTails) throw overloaded('too many live tails are open', 5);
      const tail = new LogTail(store, tenantOf(request), where, BigInt(Date.now()) * 1_000_000n);
      streamTail(request, reply, tail, { pollMs, heartbeatMs, openTails });
    });
  };
}

/** Serve a live tail as Server-Sent Events until the client goes away or the server closes. */
function streamTail(
  request: FastifyRequest,
  reply: FastifyReply,
  tail: LogTail,
  options: { pollMs: number; heartbeatMs: number; openTails: Set<() => void> },
): void {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write(`retry: ${options.pollMs * 3}\n\n`);
  let ended = false;
  let pollTimer: NodeJS.Timeout | undefined;
  const send = (event: string, data: unknown) => {
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const heartbeat = setInterval(() => {
    send('heartbeat', { time: new Date().toISOString() });
  }, options.heartbeatMs);
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(pollTimer);
    options.openTails.delete(end);
    response.end();
  };
  options.openTails.add(end);
  request.raw.on('close', end);
  response.on('close', end);

  const poll = async () => {
    try {
      const { logs, skipped } = await tail.poll(Date.now());
      if (ended) return;
      for (const log of logs) send('log', log);
      if (skipped > 0) send('skipped', { count: skipped });
      pollTimer = setTimeout(() => void poll(), options.pollMs);
    } catch (error) {
      request.log.error({ err: error }, 'live tail poll failed');
      if (!ended) send('error', { code: 'internal', message: 'live tail failed' });
      end();
    }
  };
  void poll();
}
