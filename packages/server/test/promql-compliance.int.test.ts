/**
 * PromQL compliance: the same data is written into a real Prometheus 2.42 (remote write) and into
 * Pharos, then every query of test/promql-corpus.ts runs against both; results must agree (labels
 * exactly, values within 1e-9 relative, same order where Prometheus defines one, same errors).
 *
 * The Pharos side is `pharosQuery` — today the framework-independent handlers of
 * src/query/promql/http.ts over a MemorySeriesSource; swap it for a real server fed by remote
 * write without touching the corpus or the comparison.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  handleInstantQuery,
  handleRangeQuery,
  type PromHttpResponse,
} from '../src/query/promql/http.js';
import { MemorySeriesSource } from '../src/query/promql/memory-source.js';
import { remoteWrite } from './helpers/remote-write.js';
import {
  SCRAPE_MS,
  SPAN_MS,
  buildDataset,
  corpus,
  errorCorpus,
  type CorpusQuery,
} from './promql-corpus.js';

type Kind = 'instant' | 'range';
type Params = Record<string, string>;
type QueryFn = (kind: Kind, params: Params) => Promise<{ httpStatus: number; body: unknown }>;

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const promDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-promql-compliance-'));
const env = { ...process.env, PHAROS_TEST_PROM_DIR: promDir };

// Data covers [base, base + 2h], ending a minute before now (the TSDB head accepts it in order).
const baseMs = Math.floor(Date.now() / 60_000) * 60_000 - SPAN_MS - 60_000;
const dataset = buildDataset(baseMs);
const endSec = (baseMs + SPAN_MS) / 1000;
const midSec = (baseMs + 75 * 60_000 + 7_000) / 1000;
const atSec = (baseMs + 50 * 60_000) / 1000;

let promUrl = '';
const source = new MemorySeriesSource(dataset);

/** The Pharos side (swappable: e.g. `httpQuery(() => pharosUrl + '/prometheus')`). */
const pharosQuery: QueryFn = async (kind, params): Promise<PromHttpResponse> =>
  kind === 'instant'
    ? handleInstantQuery(params, source, Date.now())
    : handleRangeQuery(params, source, Date.now());

/** A server speaking Prometheus' query API under `apiBase` (e.g. `http://host:4400/prometheus`). */
function httpQuery(apiBase: () => string): QueryFn {
  return async (kind, params) => {
    const res = await fetch(`${apiBase()}/api/v1/${kind === 'instant' ? 'query' : 'query_range'}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    return { httpStatus: res.status, body: await res.json() };
  };
}

const prometheusQuery = httpQuery(() => promUrl);

interface Case {
  readonly name: string;
  readonly kind: Kind;
  readonly params: Params;
  readonly ordered: boolean;
  readonly messageMayDiffer: string | undefined;
}

function expand(c: CorpusQuery): Case[] {
  const kinds = c.kinds ?? ['instant', 'range'];
  const out: Case[] = [];
  const base = { ordered: c.ordered ?? false, messageMayDiffer: c.messageMayDiffer };
  if (kinds.includes('instant')) {
    for (const time of [endSec, midSec]) {
      out.push({
        ...base,
        name: `instant@${time - baseMs / 1000}s ${c.query}`,
        kind: 'instant',
        params: { query: c.query, time: String(time) },
      });
    }
  }
  if (kinds.includes('range')) {
    out.push({
      ...base,
      ordered: false,
      name: `range ${c.query}`,
      kind: 'range',
      params: {
        query: c.query,
        start: String(baseMs / 1000 + 1200),
        end: String(endSec),
        step: '60',
      },
    });
  }
  return out;
}

const paramCases: Case[] = [
  [
    'range',
    {
      query: 'node_temperature_celsius',
      start: String(baseMs / 1000 + 600),
      end: String(endSec),
      step: '37',
    },
  ],
  [
    'range',
    {
      query: 'rate(http_requests_total[5m])',
      start: String(baseMs / 1000 + 600.5),
      end: String(endSec),
      step: '1m30s',
    },
  ],
  [
    'range',
    {
      query: 'max_over_time(node_temperature_celsius[10m:1m])',
      start: String(baseMs / 1000 + 601),
      end: String(endSec),
      step: '97',
    },
  ],
  [
    'range',
    {
      query: 'node_temperature_celsius',
      start: new Date(baseMs + 3_600_000).toISOString(),
      end: new Date(baseMs + SPAN_MS).toISOString(),
      step: '5m',
    },
  ],
  ['range', { query: 'x', start: 'x', end: '100', step: '10' }],
  ['range', { query: 'x', start: '100', end: '1', step: '10' }],
  ['range', { query: 'x', start: '1', end: '100', step: '0' }],
  ['range', { query: 'x', start: '1', end: '100', step: '-5' }],
  ['range', { query: 'x', start: '1', end: '100000', step: '1' }],
  ['range', { query: 'x', start: '1', end: '100', step: 'abc' }],
  ['range', { query: 'x', end: '100', step: '10' }],
  ['range', { query: 'x', start: '1', end: '100', step: '10', timeout: 'abc' }],
  ['range', { start: '1', end: '100', step: '10' }],
  ['instant', { query: 'x', time: 'abc' }],
  ['instant', { time: '1' }],
  ['instant', { query: 'vector(time())', time: '2023-01-01T00:00:00.5Z' }],
  ['instant', { query: 'vector(time())', time: '1.0005' }],
  ['instant', { query: 'time()', time: '-100.25' }],
  [
    'instant',
    { query: 'node_temperature_celsius', time: new Date(baseMs + 3_600_000).toISOString() },
  ],
  // Boundaries: the lookback window and range windows are closed in Prometheus 2.42.
  ['instant', { query: 'gappy_counter_total', time: String(baseMs / 1000 + 99 * 15 + 300) }],
  ['instant', { query: 'gappy_counter_total', time: String(baseMs / 1000 + 99 * 15 + 300.001) }],
  ['instant', { query: 'count_over_time(sparse_gauge[1m])', time: String(baseMs / 1000 + 600) }],
  [
    'instant',
    { query: 'count_over_time(sparse_gauge[59999ms])', time: String(baseMs / 1000 + 600) },
  ],
  ['instant', { query: 'flaky_gauge', time: String(baseMs / 1000 + 321 * 15) }],
  ['instant', { query: 'flaky_gauge', time: String(baseMs / 1000 + 321 * 15 - 0.001) }],
  [
    'instant',
    { query: 'sum_over_time(flaky_gauge[1m])', time: String(baseMs / 1000 + 321 * 15 + 30) },
  ],
  [
    'instant',
    { query: 'rate(http_requests_total[5m])[20m:1m]', time: String(baseMs / 1000 + 3000.5) },
  ],
  [
    'instant',
    { query: 'node_temperature_celsius[4m:45s] offset 2m', time: String(baseMs / 1000 + 3001) },
  ],
].map(([kind, params]) => ({
  name: `${kind as string} params ${JSON.stringify(params)}`,
  kind: kind as Kind,
  params: params as Params,
  ordered: false,
  messageMayDiffer: undefined,
}));

const cases: Case[] = [...corpus(atSec), ...errorCorpus()].flatMap(expand).concat(paramCases);

// ---------------------------------------------------------------------------------------------

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return a === 'NaN' && b === 'NaN';
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  const diff = Math.abs(x - y);
  // Relative 1e-9; an absolute 1e-12 floor for results that should be 0 but carry rounding noise.
  return diff <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)) || diff <= 1e-12;
}

const key = (metric: Record<string, string>): string =>
  JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : 1)));

interface Envelope {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

type Sample = { metric: Record<string, string>; value: [number, string] };
type Series = { metric: Record<string, string>; values: [number, string][] };

/** Describe how `got` (Pharos) differs from `want` (Prometheus); undefined when they agree. */
function diff(
  want: { httpStatus: number; body: unknown },
  got: { httpStatus: number; body: unknown },
  c: Case,
): string | undefined {
  const w = want.body as Envelope;
  const g = got.body as Envelope;
  if (w.status !== g.status)
    return `status: prometheus ${w.status} (${w.error ?? ''}) vs pharos ${g.status} (${g.error ?? ''})`;
  if (want.httpStatus !== got.httpStatus)
    return `http status: prometheus ${want.httpStatus} vs pharos ${got.httpStatus}`;
  if (w.status === 'error') {
    if (w.errorType !== g.errorType)
      return `errorType: prometheus ${w.errorType} vs pharos ${g.errorType} (${g.error})`;
    if (!c.messageMayDiffer && w.error !== g.error)
      return `error message:\n  prometheus: ${w.error}\n  pharos:     ${g.error}`;
    return undefined;
  }
  const wd = w.data!;
  const gd = g.data!;
  if (wd.resultType !== gd.resultType)
    return `resultType: prometheus ${wd.resultType} vs pharos ${gd.resultType}`;
  if (wd.resultType === 'scalar' || wd.resultType === 'string') {
    const [wt, wv] = wd.result as [number, string];
    const [gt, gv] = gd.result as [number, string];
    if (wt !== gt || !(wd.resultType === 'scalar' ? close(wv, gv) : wv === gv)) {
      return `value: prometheus ${JSON.stringify(wd.result)} vs pharos ${JSON.stringify(gd.result)}`;
    }
    return undefined;
  }
  if (wd.resultType === 'vector') {
    const wr = wd.result as Sample[];
    const gr = gd.result as Sample[];
    const gm = new Map(gr.map((s) => [key(s.metric), s]));
    const problems: string[] = [];
    for (const s of wr) {
      const other = gm.get(key(s.metric));
      if (!other) problems.push(`missing ${key(s.metric)} = ${s.value[1]}`);
      else if (other.value[0] !== s.value[0] || !close(s.value[1], other.value[1])) {
        problems.push(
          `${key(s.metric)}: prometheus ${JSON.stringify(s.value)} vs pharos ${JSON.stringify(other.value)}`,
        );
      }
      gm.delete(key(s.metric));
    }
    for (const [k, s] of gm) problems.push(`extra ${k} = ${s.value[1]}`);
    if (problems.length === 0 && c.ordered) {
      const wv = wr.map((s) => s.value[1]);
      const gv = gr.map((s) => s.value[1]);
      if (!wv.every((v, i) => close(v, gv[i]!)))
        problems.push(`order: prometheus ${wv.join(',')} vs pharos ${gv.join(',')}`);
    }
    return problems.length > 0
      ? `${problems.length} differences (of ${wr.length} samples):\n  ${problems.slice(0, 8).join('\n  ')}`
      : undefined;
  }
  const wr = wd.result as Series[];
  const gr = gd.result as Series[];
  const gm = new Map(gr.map((s) => [key(s.metric), s]));
  const problems: string[] = [];
  for (const s of wr) {
    const other = gm.get(key(s.metric));
    gm.delete(key(s.metric));
    if (!other) {
      problems.push(`missing series ${key(s.metric)} (${s.values.length} points)`);
      continue;
    }
    const gpoints = new Map(other.values.map(([t, v]) => [t, v]));
    for (const [t, v] of s.values) {
      const gv = gpoints.get(t);
      if (gv === undefined) problems.push(`${key(s.metric)} @${t}: prometheus ${v}, pharos none`);
      else if (!close(v, gv))
        problems.push(`${key(s.metric)} @${t}: prometheus ${v} vs pharos ${gv}`);
      gpoints.delete(t);
    }
    for (const [t, v] of gpoints)
      problems.push(`${key(s.metric)} @${t}: prometheus none, pharos ${v}`);
  }
  for (const [k, s] of gm) problems.push(`extra series ${k} (${s.values.length} points)`);
  return problems.length > 0
    ? `${problems.length} differences:\n  ${problems.slice(0, 8).join('\n  ')}`
    : undefined;
}

describe('PromQL compliance with Prometheus 2.42', () => {
  beforeAll(async () => {
    promUrl = execFileSync(path.join(repoRoot, 'scripts/start-prometheus.sh'), {
      env,
      encoding: 'utf8',
    }).trim();
    // Write in time order across all series (slices of 10 min): the TSDB head only accepts samples
    // newer than (its newest sample - 1 h).
    const sliceMs = 10 * 60_000;
    for (let from = baseMs; from <= baseMs + SPAN_MS; from += sliceMs) {
      const batch = dataset
        .map((s) => {
          const lo = s.timestamps.findIndex((t) => t >= from);
          const hi = s.timestamps.findIndex((t) => t >= from + sliceMs);
          const end = hi < 0 ? s.timestamps.length : hi;
          const start = lo < 0 ? end : lo;
          // Float64Array.slice copies bytes: the staleness marker keeps its exact bits.
          return {
            labels: s.labels,
            timestamps: s.timestamps.slice(start, end),
            values: s.values.slice(start, end),
          };
        })
        .filter((s) => s.timestamps.length > 0);
      await remoteWrite(`${promUrl}/api/v1/write`, batch);
    }
    expect(SCRAPE_MS).toBe(15_000);
  });

  afterAll(() => {
    execFileSync(path.join(repoRoot, 'scripts/stop-prometheus.sh'), { env, stdio: 'inherit' });
  });

  it('has a corpus of at least 200 queries', () => {
    expect(corpus(atSec).length + errorCorpus().length).toBeGreaterThanOrEqual(200);
  });

  let nonEmpty = 0;
  let successes = 0;

  it.for(cases)('$name', async (c) => {
    const [want, got] = await Promise.all([
      prometheusQuery(c.kind, c.params),
      pharosQuery(c.kind, c.params),
    ]);
    const body = want.body as Envelope;
    if (body.status === 'success') {
      successes++;
      const result = body.data!.result;
      if (!Array.isArray(result) || result.length > 0) nonEmpty++;
    }
    const problem = diff(want, got, c);
    if (problem) {
      expect.fail(`${c.kind} ${JSON.stringify(c.params)}\n${problem}`);
    }
  });

  it('compared real data: most successful queries returned something', () => {
    // Guards against a comparison of two empty answers (e.g. data not written).
    expect(successes).toBeGreaterThan(400);
    expect(nonEmpty / successes).toBeGreaterThan(0.85);
  });
});
