import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { ApiKey, MetaStore, Role, Scope, Session } from '../meta/meta-store.js';
import { DEFAULT_TENANT, type TenantId } from '../tenant.js';
import type { Caller } from './access.js';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key.js';
import { signJwt, verifyJwt } from './jwt.js';
import { LoginThrottle, type LoginThrottler } from './login-throttle.js';
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from './password.js';
import { TtlCache } from './ttl-cache.js';

export interface AuthOptions {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
}

export interface IssuedSession {
  session: Session;
  accessToken: string;
  refreshToken: string;
}

/** Seconds an authentication lookup is cached; revocations in this process apply at once. */
const CACHE_TTL_MS = 10_000;
/** How often `last_used_at` of one key is written at most. */
const TOUCH_INTERVAL_MS = 60_000;

export const unauthenticated = (message: string) => new AppError('unauthenticated', 401, message);
export const permissionDenied = (message: string) =>
  new AppError('permission_denied', 403, message);

/**
 * A change that makes other nodes' cached authentication stale. Nodes share them through
 * `AuthInvalidations` (Redis publish/subscribe) so that a revocation applies everywhere at once.
 */
export type AuthInvalidation =
  | { kind: 'sessions'; ids: string[] }
  | { kind: 'userSessions'; userId: string }
  | { kind: 'apiKey'; id: string }
  | { kind: 'memberships'; userId: string };

interface CachedKey {
  key: ApiKey | null;
}
interface CachedSession {
  userId: string;
  expiresAt: number;
  revoked: boolean;
}

/**
 * Sessions, API keys and log-in: everything that turns credentials into a `Caller`. Lookups go
 * through small bounded caches so that an authenticated request costs microseconds; revoking a
 * key or session clears it from this process' caches immediately, and from other nodes' as soon
 * as they hear of it (`onInvalidation`, Redis publish/subscribe; without Redis within
 * CACHE_TTL_MS).
 */
export class AuthService {
  private readonly keyCache = new TtlCache<string, CachedKey>(10_000, CACHE_TTL_MS);
  private readonly sessionCache = new TtlCache<string, CachedSession>(10_000, CACHE_TTL_MS);
  private readonly orgCache = new TtlCache<
    string,
    Array<{ org: TenantId; name: string; role: Role }>
  >(10_000, CACHE_TTL_MS);
  private readonly lastTouched = new Map<string, number>();
  /** Tells the other nodes (set by `onInvalidation`). */
  private broadcast: (change: AuthInvalidation) => void = () => undefined;
  /** Live keys by hash, for callers that cannot wait (gRPC's synchronous tenant hook). */

  private constructor(
    readonly meta: MetaStore,
    private readonly secret: Buffer,
    readonly options: AuthOptions,
    private readonly logger: Logger,
    /** In process by default; RedisLoginThrottle to share counts between nodes. */
    readonly throttle: LoginThrottler,
  ) {}

  /** The signing secret is generated on first start and kept in the metadata store. */
  static async create(
    meta: MetaStore,
    options: AuthOptions,
    logger: Logger,
    throttle: LoginThrottler = new LoginThrottle(),
  ): Promise<AuthService> {
    const secret = await meta.getOrCreateSetting('session_signing_key', () =>
      randomBytes(32).toString('base64url'),
    );
    return new AuthService(meta, Buffer.from(secret, 'base64url'), options, logger, throttle);
  }

  // ---- API keys

  /** The caller of an API key, or null for an unknown, revoked or expired key. */
  async callerOfApiKey(rawKey: string, now = Date.now()): Promise<Caller | null> {
    if (rawKey.length < 16 || rawKey.length > 256) return null;
    const hash = hashApiKey(rawKey);
    let cached = this.keyCache.get(hash);
    if (cached === undefined) {
      cached = { key: await this.meta.findApiKeyByHash(hash) };
      this.keyCache.set(hash, cached);
    }
    const key = cached.key;
    if (key === null || key.revokedAt !== null) return null;
    if (key.expiresAt !== null && key.expiresAt.getTime() <= now) return null;
    this.touch(key.id, now);
    return {
      kind: 'apiKey',
      tenant: key.org,
      role: null,
      scopes: new Set(key.scopes),
      apiKeyId: key.id,
    };
  }

  private touch(id: string, now: number): void {
    const last = this.lastTouched.get(id) ?? 0;
    if (now - last < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(id, now);
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    this.meta.touchApiKey(id, new Date(now)).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not record API key use');
    });
  }

  async createApiKey(input: {
    org: TenantId;
    name: string;
    scopes: readonly Scope[];
    createdBy: string | null;
    expiresAt: Date | null;
    /** A given key (bootstrap); generated when absent. */
    rawKey?: string;
  }): Promise<{ key: ApiKey; rawKey: string }> {
    const rawKey = input.rawKey ?? generateApiKey();
    const hash = hashApiKey(rawKey);
    const key = await this.meta.createApiKey({
      org: input.org,
      name: input.name,
      keyHash: hash,
      prefix: displayPrefix(rawKey),
      scopes: input.scopes,
      createdBy: input.createdBy,
      expiresAt: input.expiresAt,
    });
    this.keyCache.delete(hash);
    return { key, rawKey };
  }

  async revokeApiKey(org: TenantId, id: string): Promise<ApiKey | null> {
    const key = await this.meta.revokeApiKey(org, id);
    if (key) this.invalidate({ kind: 'apiKey', id });
    return key;
  }

  /** Send this node's invalidations to `broadcast`; other nodes pass theirs to `forget`. */
  onInvalidation(broadcast: (change: AuthInvalidation) => void): void {
    this.broadcast = broadcast;
  }

  private invalidate(change: AuthInvalidation): void {
    this.forget(change);
    this.broadcast(change);
  }

  /** Drop what `change` made stale from this node's caches. */
  forget(change: AuthInvalidation): void {
    switch (change.kind) {
      case 'apiKey':
        this.keyCache.deleteWhere((cached) => cached.key?.id === change.id);
        break;
      case 'sessions':
        for (const id of change.ids) this.sessionCache.delete(id);
        break;
      case 'userSessions':
        this.sessionCache.deleteWhere((cached) => cached.userId === change.userId);
        break;
      case 'memberships':
        this.orgCache.delete(change.userId);
        break;
    }
  }

  // ---- sessions

  async startSession(userId: string, now = Date.now()): Promise<IssuedSession> {
    const expiresAt = new Date(now + this.options.refreshTtlSeconds * 1000);
    const session = await this.meta.createSession(randomUUID(), userId, expiresAt);
    return {
      session,
      accessToken: this.accessToken(session, now),
      refreshToken: signJwt(
        {
          typ: 'refresh',
          sub: userId,
          sid: session.id,
          exp: Math.floor(expiresAt.getTime() / 1000),
        },
        this.secret,
      ),
    };
  }

  private accessToken(session: Session, now: number): string {
    const exp = Math.min(
      Math.floor(now / 1000) + this.options.accessTtlSeconds,
      Math.floor(session.expiresAt.getTime() / 1000),
    );
    return signJwt({ typ: 'access', sub: session.userId, sid: session.id, exp }, this.secret);
  }

  /** A new access token for a live session's refresh token; null when it is not valid. */
  async refresh(refreshToken: string, now = Date.now()): Promise<string | null> {
    const claims = verifyJwt(refreshToken, this.secret, now / 1000);
    if (claims?.typ !== 'refresh' || typeof claims.sid !== 'string') return null;
    const session = await this.meta.getSession(claims.sid);
    if (!session || session.revokedAt !== null || session.expiresAt.getTime() <= now) return null;
    return this.accessToken(session, now);
  }

  /** The live session of an access token: `{ userId, sessionId }` or null. */
  async sessionOfAccessToken(
    token: string,
    now = Date.now(),
  ): Promise<{ userId: string; sessionId: string } | null> {
    const claims = verifyJwt(token, this.secret, now / 1000);
    if (claims?.typ !== 'access' || typeof claims.sid !== 'string') return null;
    let cached = this.sessionCache.get(claims.sid);
    if (cached === undefined) {
      const session = await this.meta.getSession(claims.sid);
      cached = session
        ? {
            userId: session.userId,
            expiresAt: session.expiresAt.getTime(),
            revoked: session.revokedAt !== null,
          }
        : { userId: '', expiresAt: 0, revoked: true };
      this.sessionCache.set(claims.sid, cached);
    }
    if (cached.revoked || cached.expiresAt <= now) return null;
    return { userId: cached.userId, sessionId: claims.sid };
  }

  /** The organisation id in a refresh or access token, without checking it is live. */
  sessionIdOf(token: string): string | null {
    const claims = verifyJwt(token, this.secret);
    return typeof claims?.sid === 'string' ? claims.sid : null;
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.meta.revokeSession(sessionId);
    this.invalidate({ kind: 'sessions', ids: [sessionId] });
  }

  async revokeUserSessions(userId: string): Promise<void> {
    const ids = await this.meta.revokeUserSessions(userId);
    this.invalidate({ kind: 'sessions', ids });
    this.invalidate({ kind: 'userSessions', userId });
  }

  /**
   * The caller for a signed-in user acting in `requestedOrg` (or their first organisation).
   * A requested organisation the user does not belong to is refused.
   */
  async sessionCaller(
    userId: string,
    sessionId: string,
    requestedOrg: string | undefined,
  ): Promise<Caller> {
    const orgs = await this.orgsOf(userId);
    const chosen = requestedOrg === undefined ? orgs[0] : orgs.find((o) => o.org === requestedOrg);
    if (requestedOrg !== undefined && chosen === undefined) {
      throw permissionDenied(
        `not a member of organisation ${JSON.stringify(requestedOrg.slice(0, 64))}`,
      );
    }
    return {
      kind: 'session',
      tenant: chosen?.org ?? null,
      role: chosen?.role ?? null,
      scopes: new Set(),
      userId,
      sessionId,
    };
  }

  async orgsOf(userId: string): Promise<Array<{ org: TenantId; name: string; role: Role }>> {
    let orgs = this.orgCache.get(userId);
    if (orgs === undefined) {
      orgs = await this.meta.listOrgsOfUser(userId);
      this.orgCache.set(userId, orgs);
    }
    return orgs;
  }

  /** Call after any membership change of `userId`. */
  forgetMemberships(userId: string): void {
    this.invalidate({ kind: 'memberships', userId });
  }

  // ---- log-in and passwords

  /**
   * Check an email and password. Throws 429 while the account (from this address) is locked;
   * returns the user id, or null for a wrong email or password (indistinguishable by design).
   */
  async checkLogin(email: string, password: string, ip: string): Promise<string | null> {
    const normalised = email.trim().toLowerCase();
    const wait = await this.throttle.retryAfterSeconds(normalised, ip);
    if (wait > 0) {
      throw new AppError('resource_exhausted', 429, 'too many failed log-ins; try again later', {
        retryAfterSeconds: wait,
      });
    }
    const user = await this.meta.getUserByEmail(normalised);
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyAgainstDummy(password);
    if (!ok || !user) {
      await this.throttle.recordFailure(normalised, ip);
      return null;
    }
    await this.throttle.recordSuccess(normalised, ip);
    return user.id;
  }

  async newPasswordHash(password: string): Promise<string> {
    const problem = passwordProblem(password);
    if (problem !== null) throw new AppError('invalid_argument', 400, problem);
    return hashPassword(password);
  }

  // ---- start-up

  /** `admin.email`/`admin.password` and `bootstrapApiKey` from the configuration. */
  async bootstrap(input: {
    adminEmail: string | undefined;
    adminPassword: string | undefined;
    bootstrapApiKey: string | undefined;
  }): Promise<void> {
    if (input.adminEmail !== undefined && input.adminPassword !== undefined) {
      const existing = await this.meta.getUserByEmail(input.adminEmail);
      if (existing === null) {
        const passwordHash = await this.newPasswordHash(input.adminPassword);
        const org = await this.meta.getOrg(DEFAULT_TENANT);
        if (org === null) {
          await this.meta.createOwnerWithOrg({
            email: input.adminEmail,
            passwordHash,
            org: DEFAULT_TENANT,
            orgName: 'Default',
          });
        } else {
          const user = await this.meta.createUser(input.adminEmail, passwordHash);
          await this.meta.setRole(DEFAULT_TENANT, user.id, 'owner');
        }
        await this.meta.appendAudit({
          org: DEFAULT_TENANT,
          actor: null,
          action: 'user.bootstrap',
          target: input.adminEmail.trim().toLowerCase(),
          ip: null,
        });
        this.logger.info('created the owner account from admin.email');
      }
    }
    if (input.bootstrapApiKey !== undefined) {
      const hash = hashApiKey(input.bootstrapApiKey);
      if ((await this.meta.findApiKeyByHash(hash)) === null) {
        if ((await this.meta.getOrg(DEFAULT_TENANT)) === null) {
          await this.meta.createOrg(DEFAULT_TENANT, 'Default');
        }
        const { key } = await this.createApiKey({
          org: DEFAULT_TENANT,
          name: 'bootstrap',
          scopes: ['ingest', 'read'],
          createdBy: null,
          expiresAt: null,
          rawKey: input.bootstrapApiKey,
        });
        await this.meta.appendAudit({
          org: DEFAULT_TENANT,
          actor: null,
          action: 'api_key.create',
          target: key.id,
          ip: null,
          details: { name: 'bootstrap', scopes: key.scopes },
        });
        this.logger.info('created the bootstrap API key');
      }
    }
  }
}
