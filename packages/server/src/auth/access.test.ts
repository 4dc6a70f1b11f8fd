import { describe, expect, it } from 'vitest';
import type { Role, Scope } from '../meta/meta-store.js';
import { parseTenantId } from '../tenant.js';
import { allows, defaultAccess, type Access, type Caller } from './access.js';

const tenant = parseTenantId('acme');
const session = (role: Role | null): Caller => ({
  kind: 'session',
  tenant,
  role,
  scopes: new Set(),
});
const key = (...scopes: Scope[]): Caller => ({
  kind: 'apiKey',
  tenant,
  role: null,
  scopes: new Set(scopes),
});
const anonymous: Caller = { kind: 'anonymous', tenant: null, role: null, scopes: new Set() };

// Rows: caller; columns: public authenticated ingest read editor admin owner none.
const MATRIX: Array<[string, Caller, string]> = [
  ['anonymous', anonymous, 'P.......'],
  ['session without org', session(null), 'PA......'],
  ['viewer', session('viewer'), 'PA.R....'],
  ['editor', session('editor'), 'PA.RE...'],
  ['admin', session('admin'), 'PA.REA..'],
  ['owner', session('owner'), 'PA.REAO.'],
  ['ingest key', key('ingest'), 'P.I.....'],
  ['read key', key('read'), 'P..R....'],
  ['admin key', key('admin'), 'P..REA..'],
  ['ingest+read key', key('ingest', 'read'), 'P.IR....'],
];
const COLUMNS: Access[] = [
  'public',
  'authenticated',
  'ingest',
  'read',
  'editor',
  'admin',
  'owner',
  'none',
];

describe('allows', () => {
  it.each(MATRIX)('%s', (_name, caller, row) => {
    expect(COLUMNS.map((access) => (allows(caller, access) ? 'x' : '.')).join('')).toBe(
      row.replace(/[^.]/g, 'x'),
    );
  });
});

describe('defaultAccess', () => {
  it.each([
    ['GET', '/api/v1/traces/:traceId', 'read'],
    ['HEAD', '/api/v1/logs', 'read'],
    ['POST', '/api/v1/dashboards', 'editor'],
    ['DELETE', '/api/v1/dashboards/:id', 'editor'],
    ['GET', '/prometheus/api/v1/query', 'read'],
    ['POST', '/prometheus/api/v1/query', 'read'],
    ['POST', '/prometheus/api/v1/write', 'ingest'],
    ['GET', '/debug', 'none'],
  ])('%s %s → %s', (method, url, access) => {
    expect(defaultAccess(method, url)).toBe(access);
  });
});
