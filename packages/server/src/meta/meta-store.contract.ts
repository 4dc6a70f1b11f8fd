import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseTenantId } from '../tenant.js';
import { MetaStore } from './meta-store.js';
import { MIGRATIONS, runMigrations } from './migrations.js';
import type { SqlClient } from './sql-client.js';

/**
 * The behaviour every metadata backend must have. Each backend's test file calls this with a way
 * to open a fresh, empty database and to open it again.
 */
export interface MetaHarness {
  /** A client on a fresh, empty database for one test. */
  create(): Promise<SqlClient>;
  /** Another client on the database of the last `create` (after the first was closed). */
  reopen(): Promise<SqlClient>;
  /** Remove what `create` made. */
  destroy(): Promise<void>;
}

const ACME = parseTenantId('acme');
const GLOBEX = parseTenantId('globex');
const HOUR = 3_600_000;

export function describeMetaStoreContract(name: string, harness: MetaHarness): void {
  describe(`MetaStore contract: ${name}`, () => {
    let client: SqlClient;
    let store: MetaStore;

    beforeEach(async () => {
      client = await harness.create();
      store = await MetaStore.open(client);
    });
    afterEach(async () => {
      await store.close();
      await harness.destroy();
    });

    it('applies the migrations once and records them', async () => {
      expect(await runMigrations(client)).toEqual([]);
      const rows = await client.query<{ version: unknown }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('keeps its data across a reopen and does not migrate again', async () => {
      await store.createOwnerWithOrg({
        email: 'a@example.com',
        passwordHash: 'h',
        org: ACME,
        orgName: 'Acme',
      });
      await store.close();
      client = await harness.reopen();
      store = await MetaStore.open(client);
      expect(await store.getUserByEmail('a@example.com')).not.toBeNull();
      expect(await runMigrations(client)).toEqual([]);
    });

    it('rolls a failing migration back completely', async () => {
      const broken = [
        ...MIGRATIONS,
        { version: 999, name: 'broken', statements: ['CREATE TABLE t999 (x int)', 'SELEC oops'] },
      ];
      await expect(runMigrations(client, broken)).rejects.toThrow();
      const tables = await client.query(
        `SELECT 1 FROM information_schema.tables WHERE table_name = 't999'`,
      );
      expect(tables).toHaveLength(0);
      const versions = await client.query('SELECT 1 FROM schema_migrations WHERE version = 999');
      expect(versions).toHaveLength(0);
    });

    it('refuses a database migrated by a newer Pharos', async () => {
      await client.query(`INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')`);
      await expect(runMigrations(client)).rejects.toThrow(/newer than this Pharos knows/);
    });

    it('creates an owner with an organisation, and the first-run setup only once', async () => {
      const first = await store.createOwnerWithOrg({
        email: ' Ann@Example.com ',
        passwordHash: 'hash-1',
        org: ACME,
        orgName: 'Acme',
        onlyIfNoUsers: true,
      });
      expect(first?.orgCreated).toBe(true);
      expect(await store.countUsers()).toBe(1);
      const again = await store.createOwnerWithOrg({
        email: 'bob@example.com',
        passwordHash: 'hash-2',
        org: GLOBEX,
        orgName: 'Globex',
        onlyIfNoUsers: true,
      });
      expect(again).toBeNull();
      const ann = await store.getUserByEmail('ann@example.com');
      expect(ann?.passwordHash).toBe('hash-1');
      expect(await store.listOrgsOfUser(ann!.id)).toEqual([
        { org: ACME, name: 'Acme', role: 'owner' },
      ]);
      // Sign-up of a new org must not take over an existing one.
      const takeover = await store.createOwnerWithOrg({
        email: 'eve@example.com',
        passwordHash: 'h',
        org: ACME,
        orgName: 'Mine',
      });
      expect(takeover).toBeNull();
      expect(await store.getUserByEmail('eve@example.com')).toBeNull();
    });

    it('rejects a second user with the same email, whatever its case', async () => {
      await store.createUser('dup@example.com', 'h');
      await expect(store.createUser('DUP@example.com', 'h')).rejects.toThrow();
    });

    it('stores values with quotes and backslashes as data, never as SQL', async () => {
      const email = `o'brien\\"; DROP TABLE users; --@example.com`;
      await store.createUser(email, `'); DELETE FROM users; --`);
      const user = await store.getUserByEmail(email);
      expect(user?.email).toBe(email.toLowerCase());
      expect(await store.countUsers()).toBe(1);
    });

    it('manages memberships and roles per organisation', async () => {
      await store.createOrg(ACME, 'Acme');
      await store.createOrg(GLOBEX, 'Globex');
      const user = await store.createUser('m@example.com', 'h');
      await store.setRole(ACME, user.id, 'viewer');
      await store.setRole(GLOBEX, user.id, 'admin');
      expect(await store.getRole(ACME, user.id)).toBe('viewer');
      await store.setRole(ACME, user.id, 'editor');
      expect(await store.getRole(ACME, user.id)).toBe('editor');
      expect((await store.listMembers(ACME)).map((m) => [m.email, m.role])).toEqual([
        ['m@example.com', 'editor'],
      ]);
      expect(await store.countOwners(ACME)).toBe(0);
      expect(await store.removeMember(ACME, user.id)).toBe(true);
      expect(await store.getRole(ACME, user.id)).toBeNull();
      expect(await store.getRole(GLOBEX, user.id)).toBe('admin');
      await expect(store.setRole(ACME, user.id, 'root' as 'owner')).rejects.toThrow();
    });

    it('creates, reads and revokes sessions', async () => {
      const user = await store.createUser('s@example.com', 'h');
      const expires = new Date(Date.now() + HOUR);
      await store.createSession('s1', user.id, expires);
      await store.createSession('s2', user.id, expires);
      const s1 = await store.getSession('s1');
      expect(s1?.userId).toBe(user.id);
      expect(s1?.expiresAt.getTime()).toBe(expires.getTime());
      expect(s1?.revokedAt).toBeNull();
      await store.revokeSession('s1');
      expect((await store.getSession('s1'))?.revokedAt).toBeInstanceOf(Date);
      expect(await store.revokeUserSessions(user.id)).toEqual(['s2']);
      expect(await store.getSession('nope')).toBeNull();
    });

    it('keeps API keys per organisation: find by hash, list, touch, revoke', async () => {
      await store.createOrg(ACME, 'Acme');
      await store.createOrg(GLOBEX, 'Globex');
      const key = await store.createApiKey({
        org: ACME,
        name: 'collector',
        keyHash: 'hash-a',
        prefix: 'phk_abcd',
        scopes: ['ingest', 'read', 'ingest'],
        createdBy: null,
        expiresAt: null,
      });
      expect(key.scopes).toEqual(['ingest', 'read']);
      expect((await store.findApiKeyByHash('hash-a'))?.org).toBe(ACME);
      expect(await store.findApiKeyByHash('hash-b')).toBeNull();
      expect(await store.listApiKeys(GLOBEX)).toEqual([]);
      const at = new Date(Date.now() - 1000);
      await store.touchApiKey(key.id, at);
      expect((await store.listApiKeys(ACME))[0]?.lastUsedAt?.getTime()).toBe(at.getTime());
      // Another organisation cannot revoke it.
      expect(await store.revokeApiKey(GLOBEX, key.id)).toBeNull();
      expect((await store.revokeApiKey(ACME, key.id))?.revokedAt).toBeInstanceOf(Date);
      expect(await store.revokeApiKey(ACME, key.id)).toBeNull();
      expect((await store.findApiKeyByHash('hash-a'))?.revokedAt).toBeInstanceOf(Date);
    });

    it('accepts an invitation once, before it expires, never lowering a role', async () => {
      await store.createOrg(ACME, 'Acme');
      const invitation = await store.createInvitation({
        org: ACME,
        email: 'New@Example.com',
        role: 'editor',
        tokenHash: 't1',
        invitedBy: null,
        expiresAt: new Date(Date.now() + HOUR),
      });
      expect((await store.findInvitationByTokenHash('t1'))?.email).toBe('new@example.com');
      const accepted = await store.acceptInvitation(invitation.id, {
        email: 'new@example.com',
        passwordHash: 'h',
      });
      expect(accepted?.role).toBe('editor');
      expect(
        await store.acceptInvitation(invitation.id, { existingUserId: accepted!.userId }),
      ).toBeNull();

      const expired = await store.createInvitation({
        org: ACME,
        email: 'late@example.com',
        role: 'viewer',
        tokenHash: 't2',
        invitedBy: null,
        expiresAt: new Date(Date.now() - 1000),
      });
      expect(
        await store.acceptInvitation(expired.id, { email: 'late@example.com', passwordHash: 'h' }),
      ).toBeNull();
      expect(await store.getUserByEmail('late@example.com')).toBeNull();

      const lower = await store.createInvitation({
        org: ACME,
        email: 'new@example.com',
        role: 'viewer',
        tokenHash: 't3',
        invitedBy: null,
        expiresAt: new Date(Date.now() + HOUR),
      });
      await store.acceptInvitation(lower.id, { existingUserId: accepted!.userId });
      expect(await store.getRole(ACME, accepted!.userId)).toBe('editor');
      expect(await store.listInvitations(ACME)).toHaveLength(3);
    });

    it('keeps the audit log per organisation, newest first, with paging', async () => {
      for (let i = 0; i < 5; i++) {
        await store.appendAudit({
          org: ACME,
          actor: 'u1',
          action: `action-${i}`,
          target: null,
          ip: '127.0.0.1',
          details: { i },
        });
      }
      await store.appendAudit({
        org: GLOBEX,
        actor: null,
        action: 'other',
        target: null,
        ip: null,
      });
      const page = await store.listAudit(ACME, 3);
      expect(page.map((e) => e.action)).toEqual(['action-4', 'action-3', 'action-2']);
      expect(page[0]?.details).toEqual({ i: 4 });
      const next = await store.listAudit(ACME, 3, page.at(-1)!.id);
      expect(next.map((e) => e.action)).toEqual(['action-1', 'action-0']);
      expect((await store.listAudit(GLOBEX, 10)).map((e) => e.action)).toEqual(['other']);
    });

    it('creates a setting once and returns the same value afterwards', async () => {
      const first = await store.getOrCreateSetting('secret', () => 'one');
      const second = await store.getOrCreateSetting('secret', () => 'two');
      expect([first, second]).toEqual(['one', 'one']);
    });
  });
}
