/**
 * The two Prometheus query endpoints (`/api/v1/query`, `/api/v1/query_range`) independent of any
 * HTTP framework: parameters as Prometheus parses them (web/api/v1/api.go), the engine run, and the
 * answer in Prometheus' envelope with its status codes.
 */
import { ParseError, parseDurationMs } from './lexer.js';
import type {
  EngineOptions,
  PromErrorType,
  PromQLEngine,
  QueryResult,
  SeriesSource,
} from './types.js';
import { PromQLError } from './types.js';
import { PromQLEvaluator } from './engine.js';

export type QueryParams = Record<string, string | readonly string[] | undefined>;

export type PromResponseBody =
  | { status: 'success'; data: QueryResult }
  | { status: 'error'; errorType: PromErrorType; error: string };

export interface PromHttpResponse {
  httpStatus: number;
  body: PromResponseBody;
}

export interface QueryHandlerOptions extends EngineOptions {
  engine?: PromQLEngine;
}

const MAX_POINTS_PER_SERIES = 11_000;

const STATUS: Record<PromErrorType, number> = {
  bad_data: 400,
  execution: 422,
  canceled: 503,
  timeout: 503,
  internal: 500,
  not_found: 404,
  unavailable: 503,
};

class ParamError extends PromQLError {
  constructor(param: string, message: string) {
    super('bad_data', `invalid parameter "${param}": ${message}`);
  }
}

function first(params: QueryParams, name: string): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v[0];
}

/** Go's math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Prometheus' parseTime: float Unix seconds (ms precision) or RFC 3339. Returns Unix ms. */
export function parsePromTime(text: string): number | undefined {
  if (
    /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ||
    /^[+-]?(inf|infinity|nan)$/i.test(text)
  ) {
    const t = Number(
      /^[+-]?inf/i.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : text,
    );
    if (!Number.isFinite(t)) return undefined;
    const whole = Math.trunc(t);
    const frac = goRound((t - whole) * 1000);
    return whole * 1000 + frac;
  }
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse keeps milliseconds; finer digits are truncated as Prometheus does.
  return ms;
}

/** Prometheus' parseDuration for step / timeout: float seconds or a duration string. Returns ms. */
export function parsePromDuration(text: string): number | undefined {
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) {
    const seconds = Number(text);
    if (!Number.isFinite(seconds) || Math.abs(seconds * 1e9) > 9.2e18) return undefined;
    // time.Duration is integer nanoseconds.
    return Math.trunc(seconds * 1e9) / 1e6;
  }
  return parseDurationMs(text);
}

function timeParam(params: QueryParams, name: string, fallback?: number): number {
  const text = first(params, name);
  if (text === undefined && fallback !== undefined) return fallback;
  const ms = parsePromTime(text ?? '');
  if (ms === undefined) {
    // The instant endpoint words its time errors differently (api.go parseTimeParam).
    const prefix = fallback !== undefined ? `Invalid time value for '${name}': ` : '';
    throw new ParamError(name, `${prefix}cannot parse "${text ?? ''}" to a valid timestamp`);
  }
  return ms;
}

function timeoutParam(params: QueryParams): number | undefined {
  const text = first(params, 'timeout');
  if (text === undefined || text === '') return undefined;
  const ms = parsePromDuration(text);
  if (ms === undefined)
    throw new ParamError('timeout', `cannot parse "${text}" to a valid duration`);
  return ms;
}

function errorResponse(err: unknown): PromHttpResponse {
  if (err instanceof PromQLError) {
    return {
      httpStatus: STATUS[err.errorType],
      body: { status: 'error', errorType: err.errorType, error: err.message },
    };
  }
  return {
    httpStatus: 500,
    body: {
      status: 'error',
      errorType: 'internal',
      error: err instanceof Error ? err.message : String(err),
    },
  };
}

function engineOptions(options: QueryHandlerOptions, timeoutMs: number | undefined): EngineOptions {
  const out: EngineOptions = { ...options };
  if (timeoutMs !== undefined) {
    out.timeoutMs =
      options.timeoutMs !== undefined ? Math.min(options.timeoutMs, timeoutMs) : timeoutMs;
  }
  return out;
}

/** GET/POST /api/v1/query. */
export async function handleInstantQuery(
  params: QueryParams,
  source: SeriesSource,
  nowMs: number,
  options: QueryHandlerOptions = {},
): Promise<PromHttpResponse> {
  try {
    const timeMs = timeParam(params, 'time', nowMs);
    const timeoutMs = timeoutParam(params);
    const engine = options.engine ?? new PromQLEvaluator();
    let data: QueryResult;
    try {
      data = await engine.instantQuery(
        source,
        first(params, 'query') ?? '',
        timeMs,
        engineOptions(options, timeoutMs),
      );
    } catch (err) {
      // Prometheus reports query parse errors as a bad "query" parameter on this endpoint.
      if (err instanceof ParseError) throw new ParamError('query', err.message);
      throw err;
    }
    return { httpStatus: 200, body: { status: 'success', data } };
  } catch (err) {
    return errorResponse(err);
  }
}

/** GET/POST /api/v1/query_range. */
export async function handleRangeQuery(
  params: QueryParams,
  source: SeriesSource,
  _nowMs: number,
  options: QueryHandlerOptions = {},
): Promise<PromHttpResponse> {
  try {
    const startMs = timeParam(params, 'start');
    const endMs = timeParam(params, 'end');
    if (endMs < startMs) throw new ParamError('end', 'end timestamp must not be before start time');
    const stepText = first(params, 'step') ?? '';
    const stepMs = parsePromDuration(stepText);
    if (stepMs === undefined)
      throw new ParamError('step', `cannot parse "${stepText}" to a valid duration`);
    if (!(stepMs > 0)) {
      throw new ParamError(
        'step',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if (Math.trunc((endMs - startMs) / stepMs) > MAX_POINTS_PER_SERIES) {
      throw new PromQLError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const timeoutMs = timeoutParam(params);
    const engine = options.engine ?? new PromQLEvaluator();
    const data = await engine.rangeQuery(
      source,
      first(params, 'query') ?? '',
      startMs,
      endMs,
      stepMs,
      engineOptions(options, timeoutMs),
    );
    return { httpStatus: 200, body: { status: 'success', data } };
  } catch (err) {
    return errorResponse(err);
  }
}
