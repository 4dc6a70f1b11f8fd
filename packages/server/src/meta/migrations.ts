import type { SqlClient } from './sql-client.js';

/**
 * The metadata schema, one PostgreSQL dialect for PGlite and PostgreSQL. Migrations are
 * append-only: never edit or remove a released one, add the next version instead. Each runs in
 * the same transaction as its `schema_migrations` row, so a failed migration leaves nothing.
 */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'orgs, users, sessions, api keys, invitations, audit',
    statements: [
      `CREATE TABLE orgs (
         slug text PRIMARY KEY,
         name text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE users (
         id text PRIMARY KEY,
         email text NOT NULL UNIQUE,
         password_hash text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         password_changed_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE memberships (
         org_slug text NOT NULL REFERENCES orgs(slug) ON DELETE CASCADE,
         user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (org_slug, user_id)
       )`,
      `CREATE INDEX memberships_user ON memberships (user_id)`,
      `CREATE TABLE sessions (
         id text PRIMARY KEY,
         user_id text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         created_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz
       )`,
      `CREATE INDEX sessions_user ON sessions (user_id)`,
      `CREATE TABLE api_keys (
         id text PRIMARY KEY,
         org_slug text NOT NULL REFERENCES orgs(slug) ON DELETE CASCADE,
         name text NOT NULL,
         key_hash text NOT NULL UNIQUE,
         key_prefix text NOT NULL,
         scopes text NOT NULL,
         created_by text,
         created_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz,
         last_used_at timestamptz,
         revoked_at timestamptz
       )`,
      `CREATE INDEX api_keys_org ON api_keys (org_slug)`,
      `CREATE TABLE invitations (
         id text PRIMARY KEY,
         token_hash text NOT NULL UNIQUE,
         org_slug text NOT NULL REFERENCES orgs(slug) ON DELETE CASCADE,
         email text NOT NULL,
         role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
         invited_by text,
         created_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL,
         accepted_at timestamptz
       )`,
      `CREATE TABLE audit_log (
         id bigserial PRIMARY KEY,
         org_slug text,
         at timestamptz NOT NULL DEFAULT now(),
         actor text,
         action text NOT NULL,
         target text,
         ip text,
         details text NOT NULL DEFAULT '{}'
       )`,
      `CREATE INDEX audit_log_org_at ON audit_log (org_slug, at DESC)`,
      `CREATE TABLE settings (
         key text PRIMARY KEY,
         value text NOT NULL
       )`,
    ],
  },
];

// Any constant works; it only has to be the same for every Pharos sharing one database.
const MIGRATION_LOCK_ID = 7_031_977;

/** Apply the migrations not applied yet, in order. Returns the versions applied now. */
export async function runMigrations(
  client: SqlClient,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return client.transaction(async (tx) => {
    // Several nodes may start together against one PostgreSQL: one migrates, the others wait.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: unknown }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(
        `the metadata database has schema version ${newest}, newer than this Pharos knows (${known}); upgrade Pharos`,
      );
    }
    const done: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
