/** The Prometheus-compatible API under /prometheus (docs: prometheus.io/docs/prometheus/latest/querying/api). */
import { apiHeaders, ApiError, withParams } from './client';

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

interface PromResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** fetch with the organisation header, for the PromQL editor's completion client too. */
export const prometheusFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  for (const [key, value] of Object.entries(apiHeaders(init?.method ?? 'GET')))
    headers.set(key, value);
  return fetch(input, { ...init, headers, credentials: 'same-origin' });
};

async function prometheus<T>(
  path: string,
  params: Record<string, string | number>,
  signal?: AbortSignal,
): Promise<T> {
  const response = await prometheusFetch(
    withParams(`/prometheus/api/v1/${path}`, params),
    signal ? { signal } : {},
  );
  let body: PromResponse<T> | { error?: { message?: string; code?: string } } | null;
  try {
    body = (await response.json()) as PromResponse<T>;
  } catch {
    body = null;
  }
  const prom = body;
  if (!response.ok || prom?.status !== 'success') {
    const pharosError = (body as { error?: { message?: string } } | null)?.error;
    const message =
      typeof prom?.error === 'string'
        ? `${prom.errorType ? `${prom.errorType}: ` : ''}${prom.error}`
        : (pharosError?.message ?? `${response.status} ${response.statusText}`);
    throw new ApiError(response.status, prom?.errorType ?? 'prometheus_error', message);
  }
  return prom.data as T;
}

export function queryRange(
  query: string,
  startMs: number,
  endMs: number,
  stepSeconds: number,
  signal?: AbortSignal,
) {
  return prometheus<{ resultType: 'matrix'; result: MatrixSeries[] }>(
    'query_range',
    { query, start: startMs / 1000, end: endMs / 1000, step: stepSeconds },
    signal,
  );
}

/** A step giving about `points` points over the range, rounded to whole seconds. */
export function stepFor(startMs: number, endMs: number, points = 240): number {
  return Math.max(1, Math.round((endMs - startMs) / 1000 / points));
}

/** `name{a="1", b="2"}` */
export function seriesLabel(metric: Record<string, string>): string {
  const { __name__: name, ...labels } = metric;
  const inner = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return `${name ?? ''}{${inner}}`;
}
