import { Client, Metadata, credentials, status as GrpcStatus } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPTraceExporterGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/auth-client.js';
import { startTestPharos, type TestPharos } from './helpers/pharos.js';

const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
const BOOTSTRAP_KEY = 'phk_bootstrap_key_for_tests_0123456789abcdef';

let pharos: TestPharos;
let admin: BrowserSession;

beforeAll(async () => {
  pharos = await startTestPharos({
    env: {
      PHAROS_AUTH: 'on',
      PHAROS_ADMIN_EMAIL: ADMIN.email,
      PHAROS_ADMIN_PASSWORD: ADMIN.password,
      PHAROS_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
    },
  });
  admin = new BrowserSession(pharos.httpUrl);
  expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
});
afterAll(async () => {
  await pharos.destroy();
});

const otlpJson = JSON.stringify({ resourceSpans: [] });

async function createKey(
  scopes: string[],
  name = scopes.join('+'),
): Promise<{ id: string; key: string }> {
  const created = await admin.request('POST', '/api/v1/org/api-keys', { body: { name, scopes } });
  expect(created.status).toBe(201);
  const body = created.json as { apiKey: { id: string }; key: string };
  return { id: body.apiKey.id, key: body.key };
}

async function inviteAndJoin(email: string, role: string): Promise<BrowserSession> {
  const invited = await admin.request('POST', '/api/v1/org/invitations', { body: { email, role } });
  expect(invited.status).toBe(201);
  const member = new BrowserSession(pharos.httpUrl);
  const accepted = await member.request('POST', '/api/v1/auth/invitations/accept', {
    body: { token: (invited.json as { token: string }).token, password: 'a long enough password' },
  });
  expect(accepted.status).toBe(200);
  return member;
}

describe('authentication on', () => {
  it('refuses unauthenticated API and ingest requests with 401', async () => {
    const api = await fetch(`${pharos.httpUrl}/api/v1/services`);
    expect(api.status).toBe(401);
    expect(await api.json()).toEqual({
      error: { code: 'unauthenticated', message: expect.any(String) },
    });
    for (const base of [pharos.httpUrl, pharos.otlpHttpUrl!]) {
      const json = await fetch(`${base}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: otlpJson,
      });
      expect(json.status).toBe(401);
      expect(await json.json()).toMatchObject({ code: 16 }); // google.rpc UNAUTHENTICATED
      const proto = await fetch(`${base}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(0),
      });
      expect(proto.status).toBe(401);
      expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    }
    const badKey = await fetch(`${pharos.httpUrl}/api/v1/services`, {
      headers: { authorization: 'Bearer phk_not_a_real_key_000000000000000' },
    });
    expect(badKey.status).toBe(401);
  });

  it('answers health checks and status without credentials', async () => {
    expect((await fetch(`${pharos.httpUrl}/healthz`)).status).toBe(200);
    const status = await fetch(`${pharos.httpUrl}/api/v1/auth/status`);
    expect(await status.json()).toEqual({
      authEnabled: true,
      setupRequired: false,
      signupAllowed: false,
    });
    const setup = await new BrowserSession(pharos.httpUrl).request('POST', '/api/v1/auth/setup', {
      body: { email: 'late@example.com', password: 'another long password' },
    });
    expect(setup.status).toBe(409);
  });

  it('sets httpOnly SameSite=Lax session cookies and a readable CSRF cookie', async () => {
    const session = new BrowserSession(pharos.httpUrl);
    await session.login(ADMIN.email, ADMIN.password);
    const byName = new Map(session.lastSetCookies.map((c) => [c.split('=')[0], c]));
    for (const name of ['pharos_access', 'pharos_refresh']) {
      expect(byName.get(name)).toMatch(/; HttpOnly/);
      expect(byName.get(name)).toMatch(/; SameSite=Lax/);
      expect(byName.get(name)).not.toMatch(/Secure/); // plain HTTP here; see tls.int.test.ts
    }
    expect(byName.get('pharos_refresh')).toMatch(/Path=\/api\/v1\/auth/);
    expect(byName.get('pharos_csrf')).not.toMatch(/HttpOnly/);
    const me = await session.request('GET', '/api/v1/auth/me');
    expect(me.json).toMatchObject({
      user: { email: ADMIN.email },
      currentOrg: 'default',
      role: 'owner',
    });
  });

  it('refuses a cookie-authenticated state change without the CSRF header or from another site', async () => {
    const noHeader = await admin.request('POST', '/api/v1/org/api-keys', {
      body: { name: 'x', scopes: ['read'] },
      csrf: false,
    });
    expect(noHeader.status).toBe(403);
    const crossSite = await admin.request('POST', '/api/v1/org/api-keys', {
      body: { name: 'x', scopes: ['read'] },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    // A form post from another site: no custom header, not JSON.
    const form = await fetch(`${pharos.httpUrl}/api/v1/org/api-keys`, {
      method: 'POST',
      headers: {
        cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
      },
      body: 'name=x&scopes=admin',
    });
    expect(form.status).toBe(403);
    const keys = await admin.request('GET', '/api/v1/org/api-keys');
    expect(
      (keys.json as { apiKeys: Array<{ name: string }> }).apiKeys.map((k) => k.name),
    ).not.toContain('x');
  });

  it('lets an ingest-scoped key ingest but not read', async () => {
    const { key } = await createKey(['ingest']);
    const ingest = await fetch(`${pharos.otlpHttpUrl!}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pharos-api-key': key },
      body: otlpJson,
    });
    expect(ingest.status).toBe(200);
    const read = await fetch(`${pharos.httpUrl}/api/v1/services`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(read.status).toBe(403);
    const readKey = await createKey(['read']);
    const ok = await fetch(`${pharos.httpUrl}/api/v1/services`, {
      headers: { authorization: `Bearer ${readKey.key}` },
    });
    expect(ok.status).toBe(200);
    const noIngest = await fetch(`${pharos.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${readKey.key}` },
      body: otlpJson,
    });
    expect(noIngest.status).toBe(403);
    // The bootstrap key from PHAROS_BOOTSTRAP_API_KEY has ingest + read.
    const bootstrap = await fetch(`${pharos.httpUrl}/api/v1/services`, {
      headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
    });
    expect(bootstrap.status).toBe(200);
  });

  it('lets a viewer read but not mutate, and an admin change roles (audited)', async () => {
    const viewer = await inviteAndJoin('viewer@example.com', 'viewer');
    expect((await viewer.request('GET', '/api/v1/services')).status).toBe(200);
    expect(
      (await viewer.request('POST', '/api/v1/sql', { body: { query: 'SELECT 1 AS one' } })).status,
    ).not.toBe(403);
    expect(
      (
        await viewer.request('POST', '/api/v1/org/api-keys', {
          body: { name: 'v', scopes: ['read'] },
        })
      ).status,
    ).toBe(403);
    expect((await viewer.request('GET', '/api/v1/audit')).status).toBe(403);
    const me = (await viewer.request('GET', '/api/v1/auth/me')).json as { user: { id: string } };
    const changed = await admin.request('PUT', `/api/v1/org/members/${me.user.id}/role`, {
      body: { role: 'editor' },
    });
    expect(changed.status).toBe(200);
    // The role change applies at once (the membership cache is cleared).
    expect((await viewer.request('GET', '/api/v1/auth/me')).json).toMatchObject({ role: 'editor' });
  });

  it('throttles brute-force log-in: locked even for the right password', async () => {
    const email = 'target@example.com';
    await inviteAndJoin(email, 'viewer');
    const attacker = new BrowserSession(pharos.httpUrl);
    for (let i = 0; i < 5; i++) {
      expect((await attacker.login(email, `wrong password ${i}`)).status).toBe(401);
    }
    const locked = await attacker.login(email, 'a long enough password');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('stops a revoked session and a revoked key immediately', async () => {
    const session = new BrowserSession(pharos.httpUrl);
    await session.login(ADMIN.email, ADMIN.password);
    const stolen = new Map(session.cookies);
    expect((await session.request('GET', '/api/v1/services')).status).toBe(200);
    expect((await session.request('POST', '/api/v1/auth/logout')).status).toBe(200);
    const replay = new BrowserSession(pharos.httpUrl);
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    expect((await replay.request('GET', '/api/v1/services')).status).toBe(401);
    expect((await replay.request('POST', '/api/v1/auth/refresh')).status).toBe(401);

    const { id, key } = await createKey(['read'], 'to-revoke');
    const call = () =>
      fetch(`${pharos.httpUrl}/api/v1/services`, { headers: { authorization: `Bearer ${key}` } });
    expect((await call()).status).toBe(200); // now cached
    expect((await admin.request('DELETE', `/api/v1/org/api-keys/${id}`)).status).toBe(200);
    expect((await call()).status).toBe(401);
  });

  it('refreshes the access token, and a password change ends every other session', async () => {
    const email = 'changer@example.com';
    const first = await inviteAndJoin(email, 'viewer');
    const refreshed = await first.request('POST', '/api/v1/auth/refresh');
    expect(refreshed.status).toBe(200);
    const second = new BrowserSession(pharos.httpUrl);
    await second.login(email, 'a long enough password');
    const changed = await first.request('POST', '/api/v1/auth/password', {
      body: { currentPassword: 'a long enough password', newPassword: 'a brand new long password' },
    });
    expect(changed.status).toBe(200);
    expect((await second.request('GET', '/api/v1/services')).status).toBe(401);
    expect((await first.request('GET', '/api/v1/services')).status).toBe(200);
    expect(
      (await new BrowserSession(pharos.httpUrl).login(email, 'a brand new long password')).status,
    ).toBe(200);
  });

  it('records log-ins, failed log-ins, keys and role changes in the audit log for admins', async () => {
    const audit = await admin.request('GET', '/api/v1/audit?limit=1000');
    expect(audit.status).toBe(200);
    const actions = new Set(
      (audit.json as { entries: Array<{ action: string }> }).entries.map((e) => e.action),
    );
    for (const action of [
      'login.success',
      'login.failure',
      'api_key.create',
      'api_key.revoke',
      'member.role_change',
      'invitation.accept',
      'user.password_change',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it('authenticates OTLP/gRPC with the API key in the metadata', async () => {
    const { key } = await createKey(['ingest', 'read'], 'grpc');
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'grpc-authed' }),
    });
    const span = provider.getTracer('t').startSpan('grpc-op');
    span.end();
    const exportWith = (metadata: Metadata | undefined) =>
      new Promise<ExportResult>((resolve) => {
        const exporter = new OTLPTraceExporterGrpc({
          url: `http://127.0.0.1:${pharos.otlpGrpcPort}`,
          ...(metadata ? { metadata } : {}),
        });
        exporter.export([span as unknown as ReadableSpan], (result) => {
          void exporter.shutdown();
          resolve(result);
        });
      });
    expect((await exportWith(undefined)).code).toBe(ExportResultCode.FAILED);

    // The refusals carry the gRPC status a client can act on.
    const rawExport = (md: Metadata) =>
      new Promise<number | undefined>((resolve) => {
        const client = new Client(`127.0.0.1:${pharos.otlpGrpcPort}`, credentials.createInsecure());
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          md,
          (error) => {
            client.close();
            resolve(error?.code);
          },
        );
      });
    expect(await rawExport(new Metadata())).toBe(GrpcStatus.UNAUTHENTICATED);
    const readOnly = new Metadata();
    readOnly.set('x-pharos-api-key', (await createKey(['read'], 'grpc-read')).key);
    expect(await rawExport(readOnly)).toBe(GrpcStatus.PERMISSION_DENIED);

    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${key}`);
    expect((await exportWith(metadata)).code).toBe(ExportResultCode.SUCCESS);
    const services = await fetch(`${pharos.httpUrl}/api/v1/services`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await services.text()).toContain('grpc-authed');
  });

  it('puts security headers on every response', async () => {
    for (const url of [
      `${pharos.httpUrl}/healthz`,
      `${pharos.httpUrl}/api/v1/services`,
      `${pharos.httpUrl}/nope`,
      `${pharos.otlpHttpUrl!}/v1/traces`,
    ]) {
      const response = await fetch(url);
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

/**
 * Every route of both HTTP listeners with its access policy. A route missing here fails the
 * test: declare `{ config: { access } }` on the route (docs/api.md, "Access policies") and add
 * it to this table. HEAD routes follow their GET.
 */
const ROUTE_POLICY: Record<string, string> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'POST /v1/traces': 'ingest',
  'POST /v1/logs': 'ingest',
  'POST /v1/metrics': 'ingest',
  'GET /api/v1/auth/status': 'public',
  'POST /api/v1/auth/setup': 'public',
  'POST /api/v1/auth/signup': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/invitations/accept': 'public',
  'POST /api/v1/auth/logout': 'authenticated',
  'GET /api/v1/auth/me': 'authenticated',
  'POST /api/v1/auth/password': 'authenticated',
  'GET /api/v1/org/members': 'read',
  'PUT /api/v1/org/members/:userId/role': 'admin',
  'DELETE /api/v1/org/members/:userId': 'admin',
  'GET /api/v1/org/invitations': 'admin',
  'POST /api/v1/org/invitations': 'admin',
  'GET /api/v1/org/api-keys': 'admin',
  'POST /api/v1/org/api-keys': 'admin',
  'DELETE /api/v1/org/api-keys/:id': 'admin',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/traces': 'read',
  'GET /api/v1/traces/compare': 'read',
  'GET /api/v1/traces/:traceId': 'read',
  'GET /api/v1/services': 'read',
  'GET /api/v1/services/:name/operations': 'read',
  'GET /api/v1/services/:name/series': 'read',
  'GET /api/v1/service-map': 'read',
  'POST /api/v1/sql': 'read',
  'GET /api/v1/logs': 'read',
  'GET /api/v1/logs/histogram': 'read',
  'GET /api/v1/logs/fields': 'read',
  'GET /api/v1/logs/fields/:name/values': 'read',
  'GET /api/v1/logs/tail': 'read',
  'GET /api/v1/metrics': 'read',
  'GET /api/v1/metrics/:name': 'read',
  'GET /api/v1/search/explain': 'read',
  'GET /prometheus/api/v1/query': 'read',
  'POST /prometheus/api/v1/query': 'read',
  'GET /prometheus/api/v1/query_range': 'read',
  'POST /prometheus/api/v1/query_range': 'read',
  'GET /prometheus/api/v1/series': 'read',
  'POST /prometheus/api/v1/series': 'read',
  'GET /prometheus/api/v1/labels': 'read',
  'POST /prometheus/api/v1/labels': 'read',
  'GET /prometheus/api/v1/label/:name/values': 'read',
  'GET /prometheus/api/v1/metadata': 'read',
  'GET /prometheus/api/v1/query_exemplars': 'read',
  'POST /prometheus/api/v1/query_exemplars': 'read',
  'GET /prometheus/api/v1/status/buildinfo': 'read',
  'POST /prometheus/api/v1/write': 'ingest',
  'GET /': 'public',
  'GET /assets/*': 'public',
  'GET /*': 'public',
};

describe('route-by-role matrix', () => {
  const allRoutes = () => [...pharos.routes.main, ...pharos.routes.otlp];

  it('every registered route has a declared, expected policy', () => {
    const problems: string[] = [];
    for (const route of allRoutes()) {
      if (route.method === 'HEAD') continue;
      const key = `${route.method} ${route.url}`;
      const expected = ROUTE_POLICY[key];
      if (expected === undefined)
        problems.push(`${key}: no policy in ROUTE_POLICY (has ${route.access})`);
      else if (expected !== route.access)
        problems.push(`${key}: ${route.access}, expected ${expected}`);
    }
    for (const route of allRoutes().filter((r) => r.method === 'HEAD')) {
      const get = allRoutes().find((r) => r.method === 'GET' && r.url === route.url);
      if (get?.access !== route.access) problems.push(`HEAD ${route.url}: differs from GET`);
    }
    expect(problems).toEqual([]);
  });

  it('enforces each policy for anonymous callers, viewers, and ingest/read keys', async () => {
    const viewer = await inviteAndJoin('matrix-viewer@example.com', 'viewer');
    const ingestKey = (await createKey(['ingest'])).key;
    const readKey = (await createKey(['read'])).key;
    // Which callers may pass each access level (401/403 expected for the others).
    const passes: Record<string, string[]> = {
      public: ['anonymous', 'viewer', 'ingest', 'read'],
      authenticated: ['viewer'],
      ingest: ['ingest'],
      read: ['viewer', 'read'],
      editor: [],
      admin: [],
      owner: [],
    };
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const route of allRoutes()) {
      if (route.method === 'HEAD' || seen.has(`${route.method} ${route.url}`)) continue;
      seen.add(`${route.method} ${route.url}`);
      // Public handlers refuse on their own terms (sign-up disabled, no refresh cookie).
      if (route.access === 'public') continue;
      // Session routes' handlers have effects (log-out); anonymous is enough for them.
      const callers =
        route.access === 'authenticated'
          ? ['anonymous']
          : ['anonymous', 'viewer', 'ingest', 'read'];
      const path = route.url.replace(/:(\w+)/g, (_m, name: string) =>
        name === 'traceId' ? '0'.repeat(32) : 'x',
      );
      const base = route.url.startsWith('/v1/') ? pharos.otlpHttpUrl! : pharos.httpUrl;
      for (const caller of callers) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (caller === 'ingest') headers.authorization = `Bearer ${ingestKey}`;
        if (caller === 'read') headers['x-pharos-api-key'] = readKey;
        if (caller === 'viewer') {
          headers.cookie = [...viewer.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
          headers['x-pharos-csrf'] = viewer.csrf!;
        }
        const controller = new AbortController();
        const response = await fetch(`${base}${path}`, {
          method: route.method,
          headers,
          body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
          signal: controller.signal,
        });
        controller.abort(); // streaming routes (log tail) would not end by themselves
        const denied = response.status === 401 || response.status === 403;
        const shouldPass = passes[route.access]!.includes(caller);
        if (denied === shouldPass) {
          problems.push(`${route.method} ${route.url} as ${caller}: ${response.status}`);
        }
        if (caller === 'anonymous' && !shouldPass && response.status !== 401) {
          problems.push(`${route.method} ${route.url} anonymous: ${response.status}, expected 401`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
