import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CLICKHOUSE_PASSWORD,
  CLICKHOUSE_USER,
  describeWithClickHouse,
} from './helpers/clickhouse.js';
import { traceRequest } from './helpers/otlp-requests.js';
import { freePort } from './setup/script-server.js';
import { startPharosProcess, type PharosProcess } from './helpers/pharos-process.js';

/**
 * Scale-out on one machine: two ClickHouse servers as the two shards of a cluster and two
 * Pharos processes in front of them. Telemetry sent through both nodes lands on both shards,
 * either node's queries see all of it (Distributed tables), and a node SIGKILLed mid-ingest and
 * started again loses no acknowledged span and duplicates none.
 */

const scripts = path.join(import.meta.dirname, '../../../scripts');
const CLUSTER = 'pharos_test';
const DATABASE = 'pharos_cluster';
interface Shard {
  http: number;
  tcp: number;
  dir: string;
}
/** Filled in beforeAll: free ports and fresh directories of this run's own. */
const SHARDS: Shard[] = [];
const SPANS_PER_REQUEST = 20;
const traceIdOf = (request: number) => (request + 1).toString(16).padStart(32, '0');

const clusterXml = () =>
  `<${CLUSTER}>${SHARDS.map(
    (s) =>
      `<shard><replica><host>127.0.0.1</host><port>${s.tcp}</port><user>${CLICKHOUSE_USER}</user><password>${CLICKHOUSE_PASSWORD}</password></replica></shard>`,
  ).join('')}</${CLUSTER}>`;

function shardEnv(shard: Shard) {
  return {
    ...process.env,
    PHAROS_TEST_CH_DIR: shard.dir,
    PHAROS_TEST_CH_HTTP_PORT: String(shard.http),
    PHAROS_TEST_CH_TCP_PORT: String(shard.tcp),
    PHAROS_TEST_CH_CLUSTERS: clusterXml(),
  };
}

const urls: string[] = [];

async function onShard(url: string, query: string): Promise<Record<string, unknown>[]> {
  const client = createClient({ url, username: CLICKHOUSE_USER, password: CLICKHOUSE_PASSWORD });
  try {
    if (!/^\s*SELECT/i.test(query)) {
      await client.command({ query });
      return [];
    }
    const result = await client.query({ query, format: 'JSONEachRow' });
    return await result.json<Record<string, unknown>>();
  } finally {
    await client.close();
  }
}

function requestBody(request: number): Uint8Array {
  return traceRequest({
    service: `svc-${String(request % 3)}`,
    traceId: traceIdOf(request),
    count: SPANS_PER_REQUEST,
    firstSpanId: request * 1000 + 1,
  });
}

describeWithClickHouse('scale-out: two ClickHouse shards, two Pharos nodes', () => {
  const dataDirs: string[] = [];
  const nodes: PharosProcess[] = [];

  function nodeEnv(first: number): Record<string, string> {
    // Each node lists both shards; writes go round robin over them, queries to the first.
    return {
      PHAROS_CLICKHOUSE_URL: [urls[first]!, urls[1 - first]!].join(','),
      PHAROS_CLICKHOUSE_USER: CLICKHOUSE_USER,
      PHAROS_CLICKHOUSE_PASSWORD: CLICKHOUSE_PASSWORD,
      PHAROS_CLICKHOUSE_DATABASE: DATABASE,
      PHAROS_CLICKHOUSE_CLUSTER: CLUSTER,
    };
  }

  async function startNode(index: number): Promise<PharosProcess> {
    dataDirs[index] ??= fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-node-'));
    const node = await startPharosProcess(dataDirs[index], nodeEnv(index));
    nodes[index] = node;
    return node;
  }

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      SHARDS.push({
        http: await freePort(),
        tcp: await freePort(),
        dir: fs.mkdtempSync(path.join(os.tmpdir(), `pharos-test-ch-shard${i + 1}-`)),
      });
    }
    urls.push(...SHARDS.map((s) => `http://127.0.0.1:${s.http}`));
    for (const shard of SHARDS) {
      execFileSync(path.join(scripts, 'start-clickhouse.sh'), {
        env: shardEnv(shard),
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
    // The database does not exist yet: each node's store creates it on the shards it lists.
    await startNode(0);
    await startNode(1);
  });

  afterAll(() => {
    for (const node of nodes) node.child.kill('SIGKILL');
    for (const shard of SHARDS) {
      execFileSync(path.join(scripts, 'stop-clickhouse.sh'), {
        env: shardEnv(shard),
        stdio: 'inherit',
      });
    }
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('spreads writes over both shards, answers from either node, and loses nothing acknowledged across a kill', async () => {
    const acknowledged = new Set<number>();
    let next = 0;
    let stop = false;
    const send = async (nodeIndex: number) => {
      while (!stop) {
        const request = next++;
        const node = nodes[nodeIndex]!;
        try {
          const response = await fetch(`${node.otlpHttpUrl}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf' },
            body: requestBody(request),
          });
          if (response.ok) acknowledged.add(request);
        } catch {
          // The node is down (killed below): this request was not acknowledged.
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const senders = [send(0), send(0), send(1), send(1)];
    await new Promise((r) => setTimeout(r, 1500));
    nodes[0]!.child.kill('SIGKILL');
    await nodes[0]!.exited;
    await startNode(0);
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(senders);
    expect(acknowledged.size).toBeGreaterThan(10);

    // Both shards hold part of the data.
    const perShard = await Promise.all(
      urls.map(async (url) =>
        Number((await onShard(url, `SELECT count() AS n FROM ${DATABASE}.spans_local`))[0]!.n),
      ),
    );
    expect(perShard.every((n) => n > 0)).toBe(true);

    // Through either node: every acknowledged request's spans exactly once, nothing doubled.
    const from = String(Date.now() - 3_600_000);
    const to = String(Date.now() + 3_600_000);
    for (const node of nodes) {
      const response = await fetch(`${node.httpUrl}/api/v1/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'SELECT trace_id, count(*) AS n, count(DISTINCT span_id) AS d FROM spans GROUP BY trace_id',
          from,
          to,
        }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { rows: [string, string, string][] };
      const counts = new Map(body.rows.map(([trace, n, d]) => [trace, [Number(n), Number(d)]]));
      for (const request of acknowledged) {
        expect(counts.get(traceIdOf(request)), `request ${request}`).toEqual([
          SPANS_PER_REQUEST,
          SPANS_PER_REQUEST,
        ]);
      }
      for (const [trace, [n, d]] of counts) {
        expect([n, d], trace).toEqual([SPANS_PER_REQUEST, SPANS_PER_REQUEST]);
      }
      const total = [...counts.values()].reduce((sum, [n]) => sum + n!, 0);
      expect(total).toBe(perShard[0]! + perShard[1]!);
      // Trace-by-id through the Distributed trace index.
      const some = [...acknowledged][0]!;
      const trace = await fetch(`${node.httpUrl}/api/v1/traces/${traceIdOf(some)}`);
      expect(trace.status).toBe(200);
      expect(((await trace.json()) as { spanCount: number }).spanCount).toBe(SPANS_PER_REQUEST);
    }
  });
});
