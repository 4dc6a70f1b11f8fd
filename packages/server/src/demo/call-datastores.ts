/**
 * PostgreSQL and Redis commands as client spans of the calling service. Where the database
 * conventions were renamed, both the current and the older attribute names are set.
 */
import { exceptionFor, type ExceptionInfo } from './failures.js';
import type { FlowContext } from './flow-context.js';
import { exceptionAttributes, slowQueryBody } from './generate-logs.js';
import { LATENCY, networkDelayMs, sampleLatencyMs, type LatencyModel } from './latency.js';
import type { OpenSpan } from './trace-recorder.js';
import { DEPENDENCIES } from './topology.js';

// ------------------------------------------------------------------ PostgreSQL

export interface SqlStatement {
  operation: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  table: string;
  sql: string;
  latency: LatencyModel;
}

export interface DbResult {
  endMs: number;
  ok: boolean;
  exception?: ExceptionInfo;
}

/** Server-side `statement_timeout` configured for the application role. */
export const STATEMENT_TIMEOUT_MS = 1_000;
/** Services log a warning for queries slower than this. */
export const SLOW_QUERY_MS = 250;

export function queryPostgres(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  statement: SqlStatement,
): DbResult {
  const { rec, rng } = ctx;
  const pg = DEPENDENCIES.postgres;
  const span = rec.start(
    caller.instance,
    'postgres',
    `${statement.operation} ${pg.database}.${statement.table}`,
    'client',
    startMs,
    caller,
    {
      'db.system.name': 'postgresql',
      'db.system': 'postgresql',
      'db.namespace': pg.database,
      'db.name': pg.database,
      'db.operation.name': statement.operation,
      'db.collection.name': statement.table,
      'db.query.text': statement.sql,
      'db.statement': statement.sql,
      'db.user': 'shop_app',
      'server.address': pg.address,
      'server.port': BigInt(pg.port),
    },
  );
  const factor = ctx.incidents.postgresLatencyFactor(startMs);
  const queryMs = sampleLatencyMs(rng, statement.latency, factor);
  const roundTripMs = 2 * networkDelayMs(rng);
  const language = caller.instance.service.language;
  if (queryMs > STATEMENT_TIMEOUT_MS) {
    const endMs = startMs + STATEMENT_TIMEOUT_MS + roundTripMs;
    const exception = exceptionFor('db-timeout', caller.instance.service.name, language);
    span.attributes['db.response.status_code'] = '57014';
    span.attributes['error.type'] = exception.type;
    rec.fail(span, endMs, exception);
    rec.end(span, endMs);
    rec.log(caller, endMs, 'error', `query failed: ${exception.message}`, {
      'db.system.name': 'postgresql',
      'db.query.text': statement.sql,
      ...exceptionAttributes(exception),
    });
    return { endMs, ok: false, exception };
  }
  const endMs = startMs + queryMs + roundTripMs;
  rec.end(span, endMs);
  if (queryMs > SLOW_QUERY_MS) {
    rec.log(caller, endMs, 'warn', slowQueryBody(statement.sql, queryMs), {
      'db.system.name': 'postgresql',
      'db.query.text': statement.sql,
      'db.operation.name': statement.operation,
      'db.collection.name': statement.table,
      'db.client.operation.duration_ms': Math.round(queryMs * 10) / 10,
    });
  }
  return { endMs, ok: true };
}

// ------------------------------------------------------------------ Redis

export interface RedisResult {
  endMs: number;
  ok: boolean;
  exception?: ExceptionInfo;
}

/** Client-side command timeout of the services' Redis clients. */
const REDIS_TIMEOUT_MS = 500;
const REDIS_FAILURE_RATE = 0.003;

/** `args` stands for the arguments after the key, already masked (`?`) where they are values. */
export function redisCommand(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  command: string,
  key: string,
  args = '',
): RedisResult {
  const { rec, rng } = ctx;
  const redis = DEPENDENCIES.redis;
  const text = args === '' ? `${command} ${key}` : `${command} ${key} ${args}`;
  const span = rec.start(caller.instance, 'redis', command, 'client', startMs, caller, {
    'db.system.name': 'redis',
    'db.system': 'redis',
    'db.namespace': '0',
    'db.operation.name': command,
    'db.query.text': text,
    'db.statement': text,
    'server.address': redis.address,
    'server.port': BigInt(redis.port),
  });
  if (rng.chance(REDIS_FAILURE_RATE)) {
    const endMs = startMs + REDIS_TIMEOUT_MS + networkDelayMs(rng);
    const service = caller.instance.service;
    const exception = exceptionFor('redis-timeout', service.name, service.language, command);
    span.attributes['error.type'] = exception.type;
    rec.fail(span, endMs, exception);
    rec.end(span, endMs);
    return { endMs, ok: false, exception };
  }
  const endMs = startMs + sampleLatencyMs(rng, LATENCY.redisCommand) + 2 * networkDelayMs(rng);
  rec.end(span, endMs);
  return { endMs, ok: true };
}
