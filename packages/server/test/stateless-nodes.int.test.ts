import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BrowserSession } from './helpers/auth-client.js';
import { clickHouseEnv, clickHouseUrl } from './helpers/clickhouse.js';
import { traceRequest } from './helpers/otlp-requests.js';
import { startPharosProcess, type PharosProcess } from './helpers/pharos-process.js';

/**
 * Stateless nodes: three Pharos processes share ClickHouse (telemetry), PostgreSQL (metadata,
 * singleton locks) and Redis (rate limits, revocations) — one `all`, one `ingest`, one `query`.
 * Telemetry sent to the ingest node is read through the query node; a log-out or a key
 * revocation on one node is refused by the others at once (not after their 10 s caches); an
 * organisation's rate limit is one budget across nodes; exactly one node runs storage
 * maintenance and another takes over when it dies.
 */
const postgresUrl = inject('postgresUrl');
const redisUrl = inject('redisUrl');
const ready = clickHouseUrl() !== '' && postgresUrl !== '' && redisUrl !== '';

const ADMIN = { email: 'owner@example.com', password: 'correct horse battery staple' };
const BOOTSTRAP_KEY = 'phk_stateless_nodes_bootstrap_0123456789abcdef';
const RATE = 100;
const suffix = randomBytes(4).toString('hex');
const DATABASE = `pharos_nodes_${suffix}`;

async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

const spans = (traceId: string, count: number) =>
  traceRequest({ service: 'nodes-test', traceId, count });

async function sendSpans(node: PharosProcess, key: string, traceId: string, count: number) {
  return fetch(`${node.otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${key}` },
    body: spans(traceId, count),
  });
}

async function singletonJobs(node: PharosProcess): Promise<string[]> {
  const text = await (await fetch(`${node.httpUrl}/metrics`)).text();
  return [...text.matchAll(/^pharos_singleton_jobs\{job="([^"]+)"\} 1$/gm)].map((m) => m[1]!);
}

(ready ? describe : describe.skip)('stateless nodes on ClickHouse, PostgreSQL and Redis', () => {
  const nodes: Record<'all' | 'ingest' | 'query', PharosProcess> = {} as never;
  const dataDirs: string[] = [];

  async function start(role: 'all' | 'ingest' | 'query'): Promise<PharosProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pharos-${role}-`));
    dataDirs.push(dir);
    const metaUrl = new URL(postgresUrl);
    metaUrl.pathname = `/${DATABASE}`;
    const node = await startPharosProcess(dir, {
      ...clickHouseEnv(DATABASE),
      PHAROS_ROLE: role,
      PHAROS_AUTH: 'on',
      PHAROS_POSTGRES_URL: metaUrl.toString(),
      PHAROS_REDIS_URL: redisUrl,
      PHAROS_ADMIN_EMAIL: ADMIN.email,
      PHAROS_ADMIN_PASSWORD: ADMIN.password,
      PHAROS_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
      PHAROS_LIMITS_INGEST_ITEMS_PER_SECOND: String(RATE),
    });
    nodes[role] = node;
    return node;
  }

  beforeAll(async () => {
    await pgAdmin(`CREATE DATABASE ${DATABASE}`);
    // The first node migrates and creates the owner; the others then start together.
    await start('all');
    await Promise.all([start('ingest'), start('query')]);
  });

  afterAll(async () => {
    for (const node of Object.values(nodes)) node.child.kill('SIGKILL');
    await Promise.all(Object.values(nodes).map((node) => node.exited));
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
    await pgAdmin(`DROP DATABASE IF EXISTS ${DATABASE}`);
  });

  it('serves ingestion on ingest nodes and queries on query nodes, with a hint elsewhere', async () => {
    const { ingest, query } = nodes;
    expect(query.otlpGrpcPort).toBeNull();
    expect(query.otlpHttpUrl).toBeNull();
    const onQuery = await fetch(`${query.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        authorization: `Bearer ${BOOTSTRAP_KEY}`,
      },
      body: spans('f'.repeat(32), 1),
    });
    expect(onQuery.status).toBe(404);
    expect(await onQuery.text()).toMatch(/role query, send telemetry to an ingest node/);
    const onIngest = await fetch(`${ingest.httpUrl}/api/v1/services`, {
      headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
    });
    expect(onIngest.status).toBe(404);
    expect(await onIngest.text()).toMatch(/role ingest, ask a query node/);

    const traceId = `${suffix}${'a'.repeat(24)}`;
    expect((await sendSpans(ingest, BOOTSTRAP_KEY, traceId, 20)).status).toBe(200);
    const trace = await fetch(`${query.httpUrl}/api/v1/traces/${traceId}`, {
      headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
    });
    expect(trace.status).toBe(200);
    expect(((await trace.json()) as { spans: unknown[] }).spans).toHaveLength(20);
  });

  it('refuses a session logged out on another node at once', async () => {
    const onAll = new BrowserSession(nodes.all.httpUrl);
    expect((await onAll.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const onQuery = new BrowserSession(nodes.query.httpUrl);
    for (const [name, value] of onAll.cookies) onQuery.cookies.set(name, value);
    // The query node has now cached the session as live.
    expect((await onQuery.request('GET', '/api/v1/auth/me')).status).toBe(200);
    expect((await onAll.request('POST', '/api/v1/auth/logout')).status).toBeLessThan(300);
    await expect
      .poll(async () => (await onQuery.request('GET', '/api/v1/auth/me')).status, {
        timeout: 2000,
        interval: 50,
      })
      .toBe(401);
  });

  it('refuses a key revoked on another node at once', async () => {
    const admin = new BrowserSession(nodes.all.httpUrl);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const created = await admin.request('POST', '/api/v1/org/api-keys', {
      body: { name: 'short-lived', scopes: ['ingest'] },
    });
    expect(created.status).toBe(201);
    const { apiKey, key } = created.json as { apiKey: { id: string }; key: string };
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a full rate-limit bucket
    expect((await sendSpans(nodes.ingest, key, 'b'.repeat(32), 1)).status).toBe(200);
    const revoked = await admin.request('DELETE', `/api/v1/org/api-keys/${apiKey.id}`);
    expect(revoked.status).toBe(200);
    await expect
      .poll(async () => (await sendSpans(nodes.ingest, key, 'b'.repeat(32), 1)).status, {
        timeout: 2000,
        interval: 50,
      })
      .toBe(401);
  });

  it("counts an organisation's ingest rate once across nodes", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a full bucket of RATE items
    const first = await sendSpans(nodes.ingest, BOOTSTRAP_KEY, 'c'.repeat(32), 80);
    expect(first.status).toBe(200);
    // The other node shares the bucket: 80 of 100 are gone, so 80 more are refused.
    const second = await sendSpans(nodes.all, BOOTSTRAP_KEY, 'c'.repeat(32), 80);
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${nodes.all.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^pharos_limit_refusals_total\{limit="ingest_rate"\} 1$/m);
  });

  it('runs storage maintenance on exactly one node, and on another once that one dies', async () => {
    const roles = ['all', 'ingest', 'query'] as const;
    const holders = async (among: readonly (typeof roles)[number][]) =>
      (
        await Promise.all(
          among.map(async (r) =>
            (await singletonJobs(nodes[r])).includes('maintenance') ? r : null,
          ),
        )
      ).filter((r) => r !== null);
    await expect.poll(() => holders(roles), { timeout: 15_000, interval: 250 }).toHaveLength(1);
    const [holder] = await holders(roles);
    nodes[holder!].child.kill('SIGKILL');
    await nodes[holder!].exited;
    const survivors = roles.filter((r) => r !== holder);
    await expect.poll(() => holders(survivors), { timeout: 20_000, interval: 250 }).toHaveLength(1);
  });
});
