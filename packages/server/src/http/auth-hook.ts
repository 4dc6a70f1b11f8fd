import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ACCESS_LEVELS, allows, defaultAccess, type Access, type Caller } from '../auth/access.js';
import { permissionDenied, unauthenticated, type AuthService } from '../auth/auth-service.js';
import { parseCookies } from '../auth/cookies.js';
import { SCOPES } from '../meta/meta-store.js';
import { DEFAULT_TENANT } from '../tenant.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Who may call the route (see src/auth/access.ts). Without it: GET under /api/v1 → `read`,
     * other methods under /api/v1 → `editor`, anything else → `none` (nobody).
     */
    access?: Access;
  }
  interface FastifyRequest {
    /** The authenticated caller; set before any handler runs. */
    caller: Caller;
  }
}

export const ACCESS_COOKIE = 'pharos_access';
export const REFRESH_COOKIE = 'pharos_refresh';
export const CSRF_COOKIE = 'pharos_csrf';
export const CSRF_HEADER = 'x-pharos-csrf';
export const API_KEY_HEADER = 'x-pharos-api-key';
export const ORG_HEADER = 'x-pharos-org';

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route registered on `app` with its effective access (for the route-by-role test). */
export function registeredRoutes(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

const OPEN_CALLER: Caller = {
  kind: 'open',
  tenant: DEFAULT_TENANT,
  role: 'owner',
  scopes: new Set(SCOPES),
};
const ANONYMOUS: Caller = { kind: 'anonymous', tenant: null, role: null, scopes: new Set() };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The API key of a request: `Authorization: Bearer <key>` or `x-pharos-api-key: <key>`. */
function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers[API_KEY_HEADER];
  if (typeof header === 'string' && header !== '') return header.trim();
  const authorization = request.headers.authorization;
  if (authorization !== undefined && /^bearer\s+/i.test(authorization)) {
    return authorization.replace(/^bearer\s+/i, '').trim();
  }
  return undefined;
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Browsers send Origin on cross-site POSTs; when present it must be this server. */
function crossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === 'null';
  const host = request.headers.host;
  return host === undefined || origin !== `${request.protocol}://${host}`;
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Authentication and authorisation for every route of `app`: an `onRoute` hook fixes each
 * route's access (declared or default) and an `onRequest` hook — before the body is read —
 * resolves the caller from an API key or the session cookie and refuses what the access does
 * not allow (401 without credentials, 403 with insufficient ones). With `auth` null (auth off)
 * every request acts as the owner of the `default` organisation.
 *
 * Must be installed before any route is registered.
 */
export function installAuth(app: FastifyInstance, auth: AuthService | null, logger: Logger): void {
  const table: RouteEntry[] = [];
  routeTables.set(app, table);
  app.decorateRequest('caller', null as unknown as Caller);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const declared = route.config?.access;
    if (declared !== undefined && !ACCESS_LEVELS.includes(declared)) {
      throw new Error(`route ${route.url}: unknown access ${declared}`);
    }
    for (const method of methods) {
      const access = declared ?? defaultAccess(method, route.url);
      if (access === 'none') logger.warn({ method, url: route.url }, 'route without access policy');
      table.push({ method, url: route.url, access });
    }
    route.config = { ...route.config, access: declared ?? defaultAccess(methods[0]!, route.url) };
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const access = request.routeOptions.config.access ?? 'none';
    // No route matched: the not-found handlers answer (404, or the UI's page) without a caller.
    if (request.is404) {
      request.caller = auth === null ? OPEN_CALLER : ANONYMOUS;
      return;
    }
    if (auth === null) {
      request.caller = OPEN_CALLER;
      return;
    }
    request.caller = ANONYMOUS;
    const unsafe = !SAFE_METHODS.has(request.method);
    if (unsafe && access !== 'ingest' && crossSite(request)) {
      throw permissionDenied('cross-site request refused');
    }

    const rawKey = apiKeyOf(request);
    if (rawKey !== undefined) {
      const caller = await auth.callerOfApiKey(rawKey);
      if (caller === null) {
        void reply.header('www-authenticate', 'Bearer realm="pharos"');
        throw unauthenticated('invalid, expired or revoked API key');
      }
      request.caller = caller;
    } else {
      const cookies = parseCookies(request.headers.cookie);
      const token = cookies.get(ACCESS_COOKIE);
      if (token !== undefined) {
        const session = await auth.sessionOfAccessToken(token);
        if (session !== null) {
          // Cookies ride along on cross-site requests; a state change needs the CSRF header too.
          const csrfCookie = cookies.get(CSRF_COOKIE);
          const csrfHeader = headerValue(request, CSRF_HEADER);
          if (
            unsafe &&
            (csrfCookie === undefined ||
              csrfHeader === undefined ||
              !sameString(csrfCookie, csrfHeader))
          ) {
            throw permissionDenied(`missing or wrong ${CSRF_HEADER} header`);
          }
          request.caller = await auth.sessionCaller(
            session.userId,
            session.sessionId,
            headerValue(request, ORG_HEADER),
          );
        }
      }
    }

    if (allows(request.caller, access)) return;
    if (request.caller.kind === 'anonymous') {
      void reply.header('www-authenticate', 'Bearer realm="pharos"');
      throw unauthenticated('authentication required: sign in, or send an API key');
    }
    throw permissionDenied(
      request.caller.kind === 'apiKey'
        ? `this API key's scopes do not allow ${request.method} ${request.routeOptions.url ?? ''}`
        : `your role does not allow ${request.method} ${request.routeOptions.url ?? ''}`,
    );
  });
}

/** Security headers on every response. */
export function installSecurityHeaders(app: FastifyInstance, tls: boolean): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    void reply.header(
      'content-security-policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    if (tls) void reply.header('strict-transport-security', 'max-age=31536000');
    return payload;
  });
}
