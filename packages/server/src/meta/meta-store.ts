import { randomUUID } from 'node:crypto';
import { parseTenantId, type TenantId } from '../tenant.js';
import { runMigrations } from './migrations.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

export const ROLES = ['viewer', 'editor', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];
export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface Org {
  slug: TenantId;
  name: string;
  createdAt: Date;
}
export interface User {
  id: string;
  email: string;
  passwordHash: string;
  createdAt: Date;
}
export interface Member {
  userId: string;
  email: string;
  role: Role;
  since: Date;
}
export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}
export interface ApiKey {
  id: string;
  org: TenantId;
  name: string;
  keyHash: string;
  /** The first characters of the key, to recognise it in a list. */
  prefix: string;
  scopes: Scope[];
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
export interface Invitation {
  id: string;
  org: TenantId;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
}
export interface AuditEntry {
  id: string;
  org: TenantId | null;
  at: Date;
  actor: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'details'> & {
  details?: Record<string, unknown>;
};

type Row = Record<string, unknown>;

/** A column value as text: the drivers return strings, numbers or bigints for our columns. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return value.toString();
  throw new Error(`unexpected column value of type ${typeof value}`);
}
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(text(value)));
const maybeDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : date(value);
const maybeText = (value: unknown): string | null =>
  value === null || value === undefined ? null : text(value);

function toUser(r: Row): User {
  return {
    id: text(r.id),
    email: text(r.email),
    passwordHash: text(r.password_hash),
    createdAt: date(r.created_at),
  };
}
function toSession(r: Row): Session {
  return {
    id: text(r.id),
    userId: text(r.user_id),
    createdAt: date(r.created_at),
    expiresAt: date(r.expires_at),
    revokedAt: maybeDate(r.revoked_at),
  };
}
function toApiKey(r: Row): ApiKey {
  return {
    id: text(r.id),
    org: parseTenantId(text(r.org_slug)),
    name: text(r.name),
    keyHash: text(r.key_hash),
    prefix: text(r.key_prefix),
    scopes: text(r.scopes).split(' ').filter(Boolean) as Scope[],
    createdBy: maybeText(r.created_by),
    createdAt: date(r.created_at),
    expiresAt: maybeDate(r.expires_at),
    lastUsedAt: maybeDate(r.last_used_at),
    revokedAt: maybeDate(r.revoked_at),
  };
}
function toInvitation(r: Row): Invitation {
  return {
    id: text(r.id),
    org: parseTenantId(text(r.org_slug)),
    email: text(r.email),
    role: text(r.role) as Role,
    invitedBy: maybeText(r.invited_by),
    createdAt: date(r.created_at),
    expiresAt: date(r.expires_at),
    acceptedAt: maybeDate(r.accepted_at),
  };
}

/** Emails are compared case-insensitively: stored trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Organisations, users, memberships, sessions, API keys, invitations, audit log and settings.
 * One implementation over `SqlClient`, so PGlite and PostgreSQL run the very same statements.
 */
export class MetaStore {
  private constructor(private readonly db: SqlClient) {}

  /** Wrap an open client, applying pending migrations first. */
  static async open(db: SqlClient): Promise<MetaStore> {
    await runMigrations(db);
    return new MetaStore(db);
  }

  get kind(): SqlClient['kind'] {
    return this.db.kind;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  // ---- organisations and users

  async createOrg(slug: TenantId, name: string, tx: SqlExecutor = this.db): Promise<Org> {
    const rows = await tx.query<Row>(
      'INSERT INTO orgs (slug, name) VALUES ($1, $2) RETURNING slug, name, created_at',
      [slug, name],
    );
    const r = rows[0]!;
    return { slug: parseTenantId(text(r.slug)), name: text(r.name), createdAt: date(r.created_at) };
  }

  async getOrg(slug: TenantId): Promise<Org | null> {
    const rows = await this.db.query<Row>(
      'SELECT slug, name, created_at FROM orgs WHERE slug = $1',
      [slug],
    );
    const r = rows[0];
    return r
      ? { slug: parseTenantId(text(r.slug)), name: text(r.name), createdAt: date(r.created_at) }
      : null;
  }

  async countUsers(): Promise<number> {
    const rows = await this.db.query<Row>('SELECT count(*) AS n FROM users');
    return Number(rows[0]?.n ?? 0);
  }

  async createUser(email: string, passwordHash: string, tx: SqlExecutor = this.db): Promise<User> {
    const rows = await tx.query<Row>(
      `INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)
       RETURNING id, email, password_hash, created_at`,
      [randomUUID(), normaliseEmail(email), passwordHash],
    );
    return toUser(rows[0]!);
  }

  async getUserByEmail(email: string): Promise<User | null> {
    const rows = await this.db.query<Row>(
      'SELECT id, email, password_hash, created_at FROM users WHERE email = $1',
      [normaliseEmail(email)],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async getUserById(id: string): Promise<User | null> {
    const rows = await this.db.query<Row>(
      'SELECT id, email, password_hash, created_at FROM users WHERE id = $1',
      [id],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.query(
      'UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1',
      [userId, passwordHash],
    );
  }

  /**
   * Create a user with a new organisation they own, atomically (sign-up and first-run setup).
   * `onlyIfNoUsers` makes it fail when any user exists, so two racing setups cannot both win.
   */
  async createOwnerWithOrg(input: {
    email: string;
    passwordHash: string;
    org: TenantId;
    orgName: string;
    onlyIfNoUsers?: boolean;
  }): Promise<{ user: User; orgCreated: boolean } | null> {
    return this.db.transaction(async (tx) => {
      if (input.onlyIfNoUsers) {
        await tx.query('LOCK TABLE users IN EXCLUSIVE MODE');
        const rows = await tx.query<Row>('SELECT count(*) AS n FROM users');
        if (Number(rows[0]?.n ?? 0) > 0) return null;
      }
      const existingOrg = await tx.query<Row>('SELECT slug FROM orgs WHERE slug = $1', [input.org]);
      if (existingOrg.length > 0 && !input.onlyIfNoUsers) return null;
      const orgCreated = existingOrg.length === 0;
      if (orgCreated) await this.createOrg(input.org, input.orgName, tx);
      const user = await this.createUser(input.email, input.passwordHash, tx);
      await this.setRole(input.org, user.id, 'owner', tx);
      return { user, orgCreated };
    });
  }

  // ---- memberships

  /** Add or change a member's role. */
  async setRole(org: TenantId, userId: string, role: Role, tx: SqlExecutor = this.db) {
    await tx.query(
      `INSERT INTO memberships (org_slug, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (org_slug, user_id) DO UPDATE SET role = EXCLUDED.role`,
      [org, userId, role],
    );
  }

  async removeMember(org: TenantId, userId: string): Promise<boolean> {
    const rows = await this.db.query<Row>(
      'DELETE FROM memberships WHERE org_slug = $1 AND user_id = $2 RETURNING user_id',
      [org, userId],
    );
    return rows.length > 0;
  }

  async getRole(org: TenantId, userId: string): Promise<Role | null> {
    const rows = await this.db.query<Row>(
      'SELECT role FROM memberships WHERE org_slug = $1 AND user_id = $2',
      [org, userId],
    );
    return rows[0] ? (text(rows[0].role) as Role) : null;
  }

  async listMembers(org: TenantId): Promise<Member[]> {
    const rows = await this.db.query<Row>(
      `SELECT m.user_id, u.email, m.role, m.created_at FROM memberships m
       JOIN users u ON u.id = m.user_id WHERE m.org_slug = $1 ORDER BY u.email`,
      [org],
    );
    return rows.map((r) => ({
      userId: text(r.user_id),
      email: text(r.email),
      role: text(r.role) as Role,
      since: date(r.created_at),
    }));
  }

  async countOwners(org: TenantId): Promise<number> {
    const rows = await this.db.query<Row>(
      `SELECT count(*) AS n FROM memberships WHERE org_slug = $1 AND role = 'owner'`,
      [org],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async listOrgsOfUser(
    userId: string,
  ): Promise<Array<{ org: TenantId; name: string; role: Role }>> {
    const rows = await this.db.query<Row>(
      `SELECT o.slug, o.name, m.role FROM memberships m JOIN orgs o ON o.slug = m.org_slug
       WHERE m.user_id = $1 ORDER BY m.created_at, o.slug`,
      [userId],
    );
    return rows.map((r) => ({
      org: parseTenantId(text(r.slug)),
      name: text(r.name),
      role: text(r.role) as Role,
    }));
  }

  // ---- sessions

  async createSession(id: string, userId: string, expiresAt: Date): Promise<Session> {
    const rows = await this.db.query<Row>(
      `INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)
       RETURNING id, user_id, created_at, expires_at, revoked_at`,
      [id, userId, expiresAt],
    );
    return toSession(rows[0]!);
  }

  async getSession(id: string): Promise<Session | null> {
    const rows = await this.db.query<Row>(
      'SELECT id, user_id, created_at, expires_at, revoked_at FROM sessions WHERE id = $1',
      [id],
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  async revokeSession(id: string): Promise<void> {
    await this.db.query(
      'UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
      [id],
    );
  }

  /** Revoke every live session of a user (password change); returns their ids. */
  async revokeUserSessions(userId: string): Promise<string[]> {
    const rows = await this.db.query<Row>(
      `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL
       RETURNING id`,
      [userId],
    );
    return rows.map((r) => text(r.id));
  }

  // ---- API keys

  async createApiKey(input: {
    org: TenantId;
    name: string;
    keyHash: string;
    prefix: string;
    scopes: readonly Scope[];
    createdBy: string | null;
    expiresAt: Date | null;
  }): Promise<ApiKey> {
    const rows = await this.db.query<Row>(
      `INSERT INTO api_keys (id, org_slug, name, key_hash, key_prefix, scopes, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [
        randomUUID(),
        input.org,
        input.name,
        input.keyHash,
        input.prefix,
        [...new Set(input.scopes)].join(' '),
        input.createdBy,
        input.expiresAt,
      ],
    );
    return toApiKey(rows[0]!);
  }

  async findApiKeyByHash(keyHash: string): Promise<ApiKey | null> {
    const rows = await this.db.query<Row>('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async listApiKeys(org: TenantId): Promise<ApiKey[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM api_keys WHERE org_slug = $1 ORDER BY created_at, id',
      [org],
    );
    return rows.map(toApiKey);
  }

  /** Revoke a key of `org`; null when the org has no such live key. */
  async revokeApiKey(org: TenantId, id: string): Promise<ApiKey | null> {
    const rows = await this.db.query<Row>(
      `UPDATE api_keys SET revoked_at = now()
       WHERE org_slug = $1 AND id = $2 AND revoked_at IS NULL RETURNING *`,
      [org, id],
    );
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async touchApiKey(id: string, at: Date): Promise<void> {
    await this.db.query('UPDATE api_keys SET last_used_at = $2 WHERE id = $1', [id, at]);
  }

  // ---- invitations

  async createInvitation(input: {
    org: TenantId;
    email: string;
    role: Role;
    tokenHash: string;
    invitedBy: string | null;
    expiresAt: Date;
  }): Promise<Invitation> {
    const rows = await this.db.query<Row>(
      `INSERT INTO invitations (id, token_hash, org_slug, email, role, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        randomUUID(),
        input.tokenHash,
        input.org,
        normaliseEmail(input.email),
        input.role,
        input.invitedBy,
        input.expiresAt,
      ],
    );
    return toInvitation(rows[0]!);
  }

  async findInvitationByTokenHash(tokenHash: string): Promise<Invitation | null> {
    const rows = await this.db.query<Row>('SELECT * FROM invitations WHERE token_hash = $1', [
      tokenHash,
    ]);
    return rows[0] ? toInvitation(rows[0]) : null;
  }

  async listInvitations(org: TenantId): Promise<Invitation[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM invitations WHERE org_slug = $1 ORDER BY created_at DESC',
      [org],
    );
    return rows.map(toInvitation);
  }

  /**
   * Accept an invitation: mark it used and make the user a member, atomically. Returns false when
   * it was accepted meanwhile or has expired.
   */
  async acceptInvitation(
    invitationId: string,
    user: { existingUserId: string } | { email: string; passwordHash: string },
    now: Date = new Date(),
  ): Promise<{ userId: string; org: TenantId; role: Role } | null> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>(
        `UPDATE invitations SET accepted_at = $2
         WHERE id = $1 AND accepted_at IS NULL AND expires_at > $2 RETURNING *`,
        [invitationId, now],
      );
      if (!rows[0]) return null;
      const invitation = toInvitation(rows[0]);
      const userId =
        'existingUserId' in user
          ? user.existingUserId
          : (await this.createUser(user.email, user.passwordHash, tx)).id;
      const current = await tx.query<Row>(
        'SELECT role FROM memberships WHERE org_slug = $1 AND user_id = $2',
        [invitation.org, userId],
      );
      // An invitation never lowers an existing role.
      const existing = current[0] ? (text(current[0].role) as Role) : null;
      const role = existing && roleAtLeast(existing, invitation.role) ? existing : invitation.role;
      await this.setRole(invitation.org, userId, role, tx);
      return { userId, org: invitation.org, role };
    });
  }

  // ---- audit log

  async appendAudit(entry: NewAuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (org_slug, actor, action, target, ip, details)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        entry.org,
        entry.actor,
        entry.action,
        entry.target,
        entry.ip,
        JSON.stringify(entry.details ?? {}),
      ],
    );
  }

  /** Newest first; `beforeId` pages back. */
  async listAudit(org: TenantId, limit: number, beforeId?: string): Promise<AuditEntry[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM audit_log WHERE org_slug = $1 AND ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY id DESC LIMIT $3`,
      [org, beforeId ?? null, limit],
    );
    return rows.map((r) => ({
      id: text(r.id),
      org: r.org_slug === null ? null : parseTenantId(text(r.org_slug)),
      at: date(r.at),
      actor: maybeText(r.actor),
      action: text(r.action),
      target: maybeText(r.target),
      ip: maybeText(r.ip),
      details: JSON.parse(text(r.details)) as Record<string, unknown>,
    }));
  }

  // ---- settings

  /** The stored value of `key`, storing `create()` first when there is none (first start). */
  async getOrCreateSetting(key: string, create: () => string): Promise<string> {
    await this.db.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [key, create()],
    );
    const rows = await this.db.query<Row>('SELECT value FROM settings WHERE key = $1', [key]);
    return text(rows[0]!.value);
  }
}
