/**
 * What authentication costs per request: the cached API-key and session lookups that run on
 * every request, a full in-process request through Fastify with and without auth, and one
 * scrypt password hash. Prints one JSON object.
 *
 *   node --import tsx bench/auth-overhead.ts
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { AuthService } from '../packages/server/src/auth/auth-service.js';
import { hashPassword } from '../packages/server/src/auth/password.js';
import { loadConfig } from '../packages/server/src/config/config.js';
import { buildMainApp } from '../packages/server/src/http/app.js';
import { GroupCommitter } from '../packages/server/src/ingest/group-committer.js';
import { MetaStore } from '../packages/server/src/meta/meta-store.js';
import { openPgliteClient } from '../packages/server/src/meta/pglite-client.js';
import { PharosMetrics } from '../packages/server/src/selfmon/pharos-metrics.js';
import { DuckDbTelemetryStore } from '../packages/server/src/store/duckdb/duckdb-telemetry-store.js';
import { DEFAULT_TENANT } from '../packages/server/src/tenant.js';

async function perCallMicros(n: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 1000; i++) await call();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

const logger = pino({ level: 'silent' });
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-auth-bench-'));
const meta = await MetaStore.open(await openPgliteClient(null));
const auth = await AuthService.create(
  meta,
  { accessTtlSeconds: 900, refreshTtlSeconds: 86_400 },
  logger,
);
await meta.createOrg(DEFAULT_TENANT, 'Default');
const { rawKey } = await auth.createApiKey({
  org: DEFAULT_TENANT,
  name: 'bench',
  scopes: ['ingest', 'read'],
  createdBy: null,
  expiresAt: null,
});
const user = await meta.createUser('bench@example.com', await hashPassword('bench password 123'));
await meta.setRole(DEFAULT_TENANT, user.id, 'owner');
const session = await auth.startSession(user.id);

const apiKeyLookupUs = await perCallMicros(100_000, () => auth.callerOfApiKey(rawKey));
const sessionLookupUs = await perCallMicros(100_000, async () => {
  const s = await auth.sessionOfAccessToken(session.accessToken);
  return auth.sessionCaller(s!.userId, s!.sessionId, undefined);
});

const store = await DuckDbTelemetryStore.open({ dataDir, logger });
const config = loadConfig({ env: {}, cwd: dataDir, flags: { dataDir } });
const committer = new GroupCommitter(store, {
  maxDelayMs: 1,
  maxItems: 1000,
  maxPendingItems: 10_000,
});
const base = {
  config,
  store,
  committer,
  logger,
  metrics: new PharosMetrics(() => committer.stats),
  isReady: () => true,
};
const open = await buildMainApp({ ...base, auth: null });
const secured = await buildMainApp({ ...base, auth });
// /healthz does no work: what differs is the hooks (the key is resolved on every route).
const request = (app: typeof open, headers: Record<string, string>) => () =>
  app.inject({ method: 'GET', url: '/healthz', headers });
const injectOpenUs = await perCallMicros(20_000, request(open, {}));
const injectKeyUs = await perCallMicros(
  20_000,
  request(secured, { authorization: `Bearer ${rawKey}` }),
);

const scryptStart = process.hrtime.bigint();
for (let i = 0; i < 5; i++) await hashPassword('a password of some length');
const scryptMs = Number(process.hrtime.bigint() - scryptStart) / 1e6 / 5;

console.log(
  JSON.stringify({
    apiKeyLookupUs: Number(apiKeyLookupUs.toFixed(2)),
    sessionLookupUs: Number(sessionLookupUs.toFixed(2)),
    injectNoAuthUs: Number(injectOpenUs.toFixed(1)),
    injectApiKeyUs: Number(injectKeyUs.toFixed(1)),
    scryptHashMs: Number(scryptMs.toFixed(1)),
    scryptParams: 'N=2^15 r=8 p=1',
  }),
);
await Promise.all([open.close(), secured.close()]);
await store.close();
await meta.close();
await fs.rm(dataDir, { recursive: true, force: true });
