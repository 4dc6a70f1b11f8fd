import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { uncompressSync } from 'snappy';
import type { Config } from '../../config/config.js';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../../errors.js';
import type { GroupCommitter } from '../../ingest/group-committer.js';
import { PrometheusIngest } from '../../metrics/prometheus-ingest.js';
import type { TenantLimiter } from '../../limits/tenant-limiter.js';
import type { DecodePool } from '../../ingest/decode-pool.js';
import { decodeWriteRequestColumns } from '../../metrics/remote-write-columns.js';
import { RemoteWriteDecodeError } from '../../metrics/remote-write-decode.js';
import { OtlpDecodeError } from '../../otlp/decode-error.js';
import { handleInstantQuery, handleRangeQuery } from '../../query/promql/http.js';
import {
  PromQLError,
  type LabelMatcher,
  type Labels,
  type PromErrorType,
} from '../../query/promql/types.js';
import { parseSeriesSelector, selectorsOfQuery } from '../../query/prometheus/parse-selector.js';
import { StoreSeriesSource } from '../../query/prometheus/store-series-source.js';
import type { PharosMetrics } from '../../selfmon/pharos-metrics.js';
import type { TelemetryStore } from '../../store/telemetry-store.js';
import { toAppError } from '../error-handler.js';
import { tenantOf } from '../tenant.js';

export interface PrometheusRouteDeps {
  config: Config;
  store: TelemetryStore;
  committer: GroupCommitter;
  metrics: PharosMetrics;
  prometheus?: PrometheusIngest;
  limiter?: TenantLimiter | null;
  /** Decodes remote write bodies on worker threads; absent, on the main thread. */
  decodePool?: DecodePool;
}

type Params = Record<string, string | string[]>;

/** "All time" for the Prometheus API, clamped to what the store's int64 nanoseconds hold. */
const MIN_TIME_MS = 0;
const MAX_TIME_MS = 4_102_444_800_000; // 2100-01-01
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const STATUS_OF: Record<PromErrorType, number> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503,
  internal: 500,
  not_found: 404,
  unavailable: 503,
};

function badData(message: string): PromQLError {
  return new PromQLError('bad_data', message);
}

function single(params: Params, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function list(params: Params, name: string): string[] {
  const value = params[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Prometheus' time parameters: Unix seconds (fractional) or RFC 3339. */
export function parseTimeParam(params: Params, name: string, fallbackMs: number): number {
  const text = single(params, name);
  if (text === undefined || text === '') return fallbackMs;
  let ms: number;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) ms = Math.round(Number(text) * 1000);
  else if (RFC3339.test(text)) ms = Date.parse(text);
  else throw badData(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  if (!Number.isFinite(ms)) {
    throw badData(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  }
  return Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, ms));
}

function timeWindow(params: Params): { startMs: number; endMs: number } {
  const startMs = parseTimeParam(params, 'start', MIN_TIME_MS);
  const endMs = parseTimeParam(params, 'end', MAX_TIME_MS);
  if (endMs < startMs) {
    throw badData('invalid parameter "end": end timestamp must not be before start time');
  }
  return { startMs, endMs };
}

function matcherSets(params: Params): LabelMatcher[][] {
  return list(params, 'match[]').map(parseSeriesSelector);
}

function labelObject(labels: Labels): Record<string, string> {
  return Object.fromEntries(labels);
}

/** Query string and form body together, as Go's `r.FormValue` sees them. */
function paramsOf(request: FastifyRequest): Params {
  const params: Params = {};
  const add = (source: unknown) => {
    if (source === null || typeof source !== 'object') return;
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      const values = (Array.isArray(value) ? value : [value]).filter(
        (v): v is string => typeof v === 'string',
      );
      const previous = params[key];
      const merged = previous === undefined ? values : [...list(params, key), ...values];
      params[key] = merged.length === 1 ? merged[0]! : merged;
    }
  };
  add(request.query);
  add(request.body);
  return params;
}

function parseForm(text: string): Params {
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const previous = params[key];
    params[key] =
      previous === undefined
        ? value
        : Array.isArray(previous)
          ? [...previous, value]
          : [previous, value];
  }
  return params;
}

function success(data: unknown) {
  return { status: 'success', data };
}

/** Prometheus' error envelope for the read API. */
function sendPromError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof PromQLError) {
    return reply
      .status(STATUS_OF[error.errorType])
      .send({ status: 'error', errorType: error.errorType, error: error.message });
  }
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'Prometheus API request failed');
  if (appError.retryAfterSeconds !== undefined) {
    void reply.header('retry-after', String(appError.retryAfterSeconds));
  }
  const errorType: string =
    appError.code === 'deadline_exceeded'
      ? 'timeout'
      : appError.status === 400
        ? 'bad_data'
        : appError.status >= 500
          ? 'internal'
          : appError.code;
  const status = appError.code === 'deadline_exceeded' ? 503 : appError.status;
  return reply.status(status).send({
    status: 'error',
    errorType,
    error: appError.expose ? appError.message : 'internal error',
  });
}

/**
 * The Prometheus HTTP API under `/prometheus/api/v1` (Grafana's Prometheus data source URL is
 * `http://host:4400/prometheus`): query, query_range, series, labels, label values, metadata,
 * query_exemplars and status/buildinfo, GET and form POST as Prometheus allows, answered in
 * Prometheus' envelope. Every read is scoped to the caller's tenant.
 */
export function prometheusApiRoutes(deps: PrometheusRouteDeps) {
  const { store, config } = deps;
  const sourceFor = (request: FastifyRequest) =>
    new StoreSeriesSource(store, tenantOf(request), {
      timeoutMs: config.prometheus.queryTimeoutMs,
      maxSeries: config.prometheus.maxSeriesPerSelect,
    });

  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 * 1024 },
      (_request, body, done) => {
        done(null, parseForm(body as string));
      },
    );
    app.setErrorHandler(sendPromError);
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        status: 'error',
        errorType: 'not_found',
        error: `no route for ${request.method} ${request.url.split('?')[0]}`,
      }),
    );

    const readRoute = (
      methods: ('GET' | 'POST')[],
      url: string,
      handler: (request: FastifyRequest, params: Params) => Promise<unknown>,
    ) => {
      for (const method of methods) {
        app.route({
          method,
          url,
          config: { access: 'read' },
          handler: async (request, reply) => {
            const result = await handler(request, paramsOf(request));
            if (result !== undefined) return reply.send(result);
            return reply;
          },
        });
      }
    };

    for (const kind of ['query', 'query_range'] as const) {
      for (const method of ['GET', 'POST'] as const) {
        app.route({
          method,
          url: `/${kind}`,
          config: { access: 'read' },
          handler: async (request, reply) => {
            const handle = kind === 'query' ? handleInstantQuery : handleRangeQuery;
            const { httpStatus, body } = await handle(
              paramsOf(request),
              sourceFor(request),
              Date.now(),
            );
            return reply.status(httpStatus).send(body);
          },
        });
      }
    }

    readRoute(['GET', 'POST'], '/series', async (request, params) => {
      const sets = matcherSets(params);
      if (sets.length === 0) throw badData('no match[] parameter provided');
      const { startMs, endMs } = timeWindow(params);
      const series = await sourceFor(request).series(sets, startMs, endMs);
      return success(series.map(labelObject));
    });

    readRoute(['GET', 'POST'], '/labels', async (request, params) => {
      const { startMs, endMs } = timeWindow(params);
      return success(await sourceFor(request).labelNames(matcherSets(params), startMs, endMs));
    });

    readRoute(['GET'], '/label/:name/values', async (request, params) => {
      const name = (request.params as { name: string }).name;
      if (!LABEL_NAME.test(name)) throw badData(`invalid label name: "${name}"`);
      const { startMs, endMs } = timeWindow(params);
      return success(
        await sourceFor(request).labelValues(name, matcherSets(params), startMs, endMs),
      );
    });

    readRoute(['GET'], '/metadata', async (request, params) => {
      const limitText = single(params, 'limit');
      const limit = limitText === undefined || limitText === '' ? undefined : Number(limitText);
      if (limit !== undefined && !Number.isInteger(limit)) {
        throw badData('invalid parameter "limit": expected an integer');
      }
      const metric = single(params, 'metric');
      const entries = await sourceFor(request).metadata(
        metric === '' ? undefined : metric,
        limit !== undefined && limit >= 0 ? limit : undefined,
      );
      const data: Record<string, { type: string; help: string; unit: string }[]> = {};
      for (const m of entries) data[m.metric] = [{ type: m.type, help: m.help, unit: m.unit }];
      return success(data);
    });

    readRoute(['GET', 'POST'], '/query_exemplars', async (request, params) => {
      const query = single(params, 'query');
      if (query === undefined || query === '') throw badData('invalid parameter "query": empty');
      const { startMs, endMs } = timeWindow(params);
      const sets = selectorsOfQuery(query);
      if (sets.length === 0) return success([]);
      const result = await sourceFor(request).exemplars(sets, startMs, endMs);
      return success(
        result.map((s) => ({
          seriesLabels: labelObject(s.seriesLabels),
          exemplars: s.exemplars.map((e) => ({
            labels: labelObject(e.labels),
            value: formatValue(e.value),
            timestamp: e.timestampMs / 1000,
          })),
        })),
      );
    });

    readRoute(['GET'], '/status/buildinfo', () =>
      Promise.resolve(
        success({
          // The Prometheus API version Pharos answers like (Grafana picks features by it).
          version: '2.42.0',
          revision: 'pharos',
          branch: '',
          buildUser: '',
          buildDate: '',
          goVersion: '',
        }),
      ),
    );
  };
}

/** Sample values as Prometheus writes them in JSON. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The uncompressed length a snappy block announces (its leading varint), without decoding. */
function snappyLength(body: Buffer): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < Math.min(body.length, 5); i++) {
    const byte = body[i]!;
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 128;
  }
  throw badRequest('snappy: corrupt input');
}

/**
 * Prometheus remote write 1.0 receiver: `POST /prometheus/api/v1/write`, a snappy-compressed
 * (block format) protobuf `WriteRequest`. Answers 204 only after the samples are committed;
 * 400 (not retried by Prometheus) for malformed input, 413 beyond the size limits, 429 with
 * Retry-After when the ingest queue is full (Prometheus retries), 5xx when storage fails.
 */
export function remoteWriteRoutes(deps: PrometheusRouteDeps) {
  const ingest = deps.prometheus ?? PrometheusIngest.fromConfig(deps.config);
  const { maxRequestBytes, maxDecompressedBytes } = deps.config.ingest;
  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser(
      ['application/x-protobuf', 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: maxRequestBytes },
      (_request, body, done) => {
        done(null, body);
      },
    );
    app.setErrorHandler((error, request, reply) => {
      const appError = toAppError(error);
      // A refusal with Retry-After is backpressure (counted in /metrics), not a failure: logging
      // each one as an error with its stack cost CPU and buried real errors under load.
      if (appError.retryAfterSeconds !== undefined) {
        request.log.debug({ status: appError.status }, 'remote write refused');
      } else if (appError.status >= 500) request.log.error({ err: error }, 'remote write failed');
      if (appError.retryAfterSeconds !== undefined) {
        void reply.header('retry-after', String(appError.retryAfterSeconds));
      }
      deps.metrics.recordRemoteWrite({
        status: appError.status,
        samples: 0,
        exemplars: 0,
        bytes: bytesOf(request),
      });
      return reply
        .status(appError.status)
        .type('text/plain; charset=utf-8')
        .send(appError.expose ? appError.message : 'internal error');
    });

    app.post('/write', { config: { access: 'ingest' } }, async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw unsupportedMediaType('remote write expects Content-Type: application/x-protobuf');
      }
      const encoding = (request.headers['content-encoding'] ?? '').toLowerCase();
      if (encoding !== 'snappy') {
        throw unsupportedMediaType('remote write expects Content-Encoding: snappy');
      }
      const compressed = request.body;
      const length = snappyLength(compressed);
      if (length > maxDecompressedBytes) {
        throw payloadTooLarge(
          `decompressed body of ${length} bytes exceeds the limit of ${maxDecompressedBytes}`,
        );
      }
      deps.committer.admit();
      let stats;
      try {
        const columns = deps.decodePool
          ? await deps.decodePool.decodeRemoteWrite(compressed)
          : decodeWriteRequestColumns(uncompressed(compressed));
        const tenant = tenantOf(request);
        stats = await ingest.writeRemote(deps.committer, tenant, columns, async (samples) => {
          await deps.limiter?.admitIngest(tenant, samples);
        });
      } catch (error) {
        if (error instanceof RemoteWriteDecodeError || error instanceof OtlpDecodeError) {
          throw badRequest(`malformed remote write request: ${error.message}`, error);
        }
        throw error;
      }
      deps.metrics.recordRemoteWrite({
        status: 204,
        samples: stats.samples,
        exemplars: stats.exemplars,
        bytes: compressed.length,
        collisions: stats.collisions,
        histogramsIgnored: stats.histogramsIgnored,
      });
      return reply.status(204).send();
    });
  };
}

function uncompressed(compressed: Buffer): Buffer {
  try {
    return uncompressSync(compressed, { asBuffer: true }) as Buffer;
  } catch (error) {
    throw badRequest('snappy: corrupt input', error);
  }
}

function bytesOf(request: FastifyRequest): number {
  if (Buffer.isBuffer(request.body)) return request.body.length;
  return Number(request.headers['content-length'] ?? 0) || 0;
}
