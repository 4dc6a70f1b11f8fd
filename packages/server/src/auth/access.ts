import { roleAtLeast, type Role, type Scope } from '../meta/meta-store.js';
import type { TenantId } from '../tenant.js';

/**
 * Who is calling, resolved once per request by the authentication hook.
 * `tenant` is null for a signed-in user who belongs to no organisation yet.
 */
export interface Caller {
  kind: 'session' | 'apiKey' | 'open' | 'anonymous';
  tenant: TenantId | null;
  /** The caller's role in `tenant` (sessions; `owner` with auth off). */
  role: Role | null;
  /** API key scopes (all of them with auth off). */
  scopes: ReadonlySet<Scope>;
  userId?: string;
  sessionId?: string;
  apiKeyId?: string;
}

/**
 * What a route requires. Declared per route as `{ config: { access: '…' } }`; see
 * `defaultAccess` for routes that do not declare one.
 *
 * | access          | session (role at least) | API key scope |
 * | --------------- | ----------------------- | ------------- |
 * | `public`        | anyone, signed in or not               ||
 * | `authenticated` | any signed-in user      | —             |
 * | `ingest`        | —                       | `ingest`      |
 * | `read`          | `viewer`                | `read`/`admin`|
 * | `editor`        | `editor`                | `admin`       |
 * | `admin`         | `admin`                 | `admin`       |
 * | `owner`         | `owner`                 | —             |
 * | `none`          | nobody (undeclared route outside the defaults: fail closed)  ||
 */
export const ACCESS_LEVELS = [
  'public',
  'authenticated',
  'ingest',
  'read',
  'editor',
  'admin',
  'owner',
  'none',
] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

/**
 * The access of a route that does not declare one: GET under `/api/v1` and the Prometheus API
 * read; other methods under `/api/v1` need an editor; anything else nobody.
 */
export function defaultAccess(method: string, url: string): Access {
  const safe = method === 'GET' || method === 'HEAD';
  if (url.startsWith('/api/v1/')) return safe ? 'read' : 'editor';
  if (url.startsWith('/prometheus/')) return url.endsWith('/write') ? 'ingest' : 'read';
  return 'none';
}

export function allows(caller: Caller, access: Access): boolean {
  if (access === 'public') return true;
  if (access === 'none') return false;
  if (caller.kind === 'open') return true;
  if (caller.kind === 'session') {
    if (access === 'authenticated') return true;
    if (access === 'ingest' || caller.role === null) return false;
    const needed: Role = access === 'read' ? 'viewer' : access;
    return roleAtLeast(caller.role, needed);
  }
  if (caller.kind === 'apiKey') {
    switch (access) {
      case 'ingest':
        return caller.scopes.has('ingest');
      case 'read':
        return caller.scopes.has('read') || caller.scopes.has('admin');
      case 'editor':
      case 'admin':
        return caller.scopes.has('admin');
      default:
        return false;
    }
  }
  return false;
}
