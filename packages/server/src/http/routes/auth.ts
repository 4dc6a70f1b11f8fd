import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { unauthenticated, type AuthService, type IssuedSession } from '../../auth/auth-service.js';
import { parseCookies, serializeCookie } from '../../auth/cookies.js';
import { MAX_PASSWORD_LENGTH } from '../../auth/password.js';
import { AppError, badRequest } from '../../errors.js';
import { normaliseEmail } from '../../meta/meta-store.js';
import { isValidTenantId, parseTenantId } from '../../tenant.js';
import { ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE } from '../auth-hook.js';
import { parseInput } from '../validation.js';

export interface AuthRouteDeps {
  auth: AuthService;
  /** Cookies get `Secure` when Pharos serves HTTPS. */
  secureCookies: boolean;
  allowSignup: boolean;
}

const email = z.email().max(320);
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const orgSlug = z
  .string()
  .refine(isValidTenantId, 'expected 1-63 characters of a-z, 0-9, _ or -')
  .transform(parseTenantId);

const loginBody = z.object({ email, password });
const setupBody = z.object({
  email,
  password,
  org: orgSlug.optional(),
  orgName: z.string().min(1).max(200).optional(),
});
const signupBody = z.object({ email, password, org: orgSlug, orgName: z.string().min(1).max(200) });
const acceptBody = z.object({ token: z.string().min(1).max(200), password });
const passwordBody = z.object({ currentPassword: password, newPassword: password });

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Sign-up, first-run setup, log-in, refresh, log-out, invitations and password change. */
export function authRoutes(deps: AuthRouteDeps) {
  const { auth } = deps;

  function setSessionCookies(reply: FastifyReply, issued: IssuedSession): void {
    const refreshTtl = auth.options.refreshTtlSeconds;
    const secure = deps.secureCookies;
    void reply.header('set-cookie', [
      serializeCookie(ACCESS_COOKIE, issued.accessToken, {
        maxAgeSeconds: auth.options.accessTtlSeconds,
        httpOnly: true,
        secure,
      }),
      serializeCookie(REFRESH_COOKIE, issued.refreshToken, {
        maxAgeSeconds: refreshTtl,
        httpOnly: true,
        secure,
        path: '/api/v1/auth',
      }),
      // Readable by the UI's script, which echoes it in the x-pharos-csrf header.
      serializeCookie(CSRF_COOKIE, randomBytes(24).toString('base64url'), {
        maxAgeSeconds: refreshTtl,
        httpOnly: false,
        secure,
      }),
    ]);
  }

  function clearCookies(reply: FastifyReply): void {
    const secure = deps.secureCookies;
    void reply.header('set-cookie', [
      serializeCookie(ACCESS_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, secure }),
      serializeCookie(REFRESH_COOKIE, '', {
        maxAgeSeconds: 0,
        httpOnly: true,
        secure,
        path: '/api/v1/auth',
      }),
      serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false, secure }),
    ]);
  }

  async function me(userId: string) {
    const user = await auth.meta.getUserById(userId);
    if (!user) throw unauthenticated('the account no longer exists');
    return { user: { id: user.id, email: user.email }, orgs: await auth.orgsOf(userId) };
  }

  const audit = (request: FastifyRequest, entry: Parameters<typeof auth.meta.appendAudit>[0]) =>
    auth.meta.appendAudit({ ...entry, ip: entry.ip ?? request.ip });

  return async (app: FastifyInstance): Promise<void> => {
    app.get('/auth/status', { config: { access: 'public' } }, async () => ({
      authEnabled: true,
      setupRequired: (await auth.meta.countUsers()) === 0,
      signupAllowed: deps.allowSignup,
    }));

    app.post('/auth/setup', { config: { access: 'public' } }, async (request, reply) => {
      const body = parseInput(setupBody, request.body, 'body');
      const passwordHash = await auth.newPasswordHash(body.password);
      const org = body.org ?? parseTenantId('default');
      const created = await auth.meta.createOwnerWithOrg({
        email: body.email,
        passwordHash,
        org,
        orgName: body.orgName ?? 'Default',
        onlyIfNoUsers: true,
      });
      if (created === null) {
        throw new AppError('already_exists', 409, 'Pharos is already set up: sign in instead');
      }
      await audit(request, {
        org,
        actor: created.user.id,
        action: 'user.setup',
        target: created.user.email,
        ip: null,
      });
      setSessionCookies(reply, await auth.startSession(created.user.id));
      return reply.status(201).send(await me(created.user.id));
    });

    app.post('/auth/signup', { config: { access: 'public' } }, async (request, reply) => {
      if (!deps.allowSignup) {
        throw new AppError('permission_denied', 403, 'sign-up is disabled: ask for an invitation');
      }
      const body = parseInput(signupBody, request.body, 'body');
      const passwordHash = await auth.newPasswordHash(body.password);
      if (await auth.meta.getUserByEmail(body.email)) {
        throw new AppError('already_exists', 409, 'an account with this email exists: sign in');
      }
      const created = await auth.meta.createOwnerWithOrg({
        email: body.email,
        passwordHash,
        org: body.org,
        orgName: body.orgName,
      });
      if (created === null) throw new AppError('already_exists', 409, 'organisation id is taken');
      await audit(request, {
        org: body.org,
        actor: created.user.id,
        action: 'user.signup',
        target: created.user.email,
        ip: null,
      });
      setSessionCookies(reply, await auth.startSession(created.user.id));
      return reply.status(201).send(await me(created.user.id));
    });

    app.post('/auth/login', { config: { access: 'public' } }, async (request, reply) => {
      const body = parseInput(loginBody, request.body, 'body');
      const userId = await auth.checkLogin(body.email, body.password, request.ip);
      const target = normaliseEmail(body.email);
      if (userId === null) {
        const user = await auth.meta.getUserByEmail(target);
        const orgs = user ? await auth.orgsOf(user.id) : [];
        for (const { org } of orgs.length > 0 ? orgs : [{ org: null }]) {
          await audit(request, { org, actor: null, action: 'login.failure', target, ip: null });
        }
        throw unauthenticated('wrong email or password');
      }
      for (const { org } of await auth.orgsOf(userId)) {
        await audit(request, { org, actor: userId, action: 'login.success', target, ip: null });
      }
      setSessionCookies(reply, await auth.startSession(userId));
      return me(userId);
    });

    // Public: it authenticates with the refresh cookie itself (CSRF-checked like any POST).
    app.post('/auth/refresh', { config: { access: 'public' } }, async (request, reply) => {
      const refreshToken = parseCookies(request.headers.cookie).get(REFRESH_COOKIE);
      const access = refreshToken === undefined ? null : await auth.refresh(refreshToken);
      if (access === null) {
        clearCookies(reply);
        throw unauthenticated('session expired or revoked: sign in again');
      }
      void reply.header(
        'set-cookie',
        serializeCookie(ACCESS_COOKIE, access, {
          maxAgeSeconds: auth.options.accessTtlSeconds,
          httpOnly: true,
          secure: deps.secureCookies,
        }),
      );
      return { ok: true };
    });

    app.post('/auth/logout', { config: { access: 'authenticated' } }, async (request, reply) => {
      await auth.revokeSession(request.caller.sessionId!);
      clearCookies(reply);
      return { ok: true };
    });

    app.get('/auth/me', { config: { access: 'authenticated' } }, async (request) => ({
      ...(await me(request.caller.userId!)),
      currentOrg: request.caller.tenant,
      role: request.caller.role,
    }));

    app.post('/auth/password', { config: { access: 'authenticated' } }, async (request, reply) => {
      const body = parseInput(passwordBody, request.body, 'body');
      const userId = request.caller.userId!;
      const user = await auth.meta.getUserById(userId);
      if (!user) throw unauthenticated('the account no longer exists');
      if ((await auth.checkLogin(user.email, body.currentPassword, request.ip)) === null) {
        throw badRequest('the current password is wrong');
      }
      await auth.meta.setPasswordHash(userId, await auth.newPasswordHash(body.newPassword));
      // Every session of the account ends, this one included; it gets a fresh one.
      await auth.revokeUserSessions(userId);
      for (const { org } of await auth.orgsOf(userId)) {
        await audit(request, {
          org,
          actor: userId,
          action: 'user.password_change',
          target: user.email,
          ip: null,
        });
      }
      setSessionCookies(reply, await auth.startSession(userId));
      return { ok: true };
    });

    app.post(
      '/auth/invitations/accept',
      { config: { access: 'public' } },
      async (request, reply) => {
        const body = parseInput(acceptBody, request.body, 'body');
        const invitation = await auth.meta.findInvitationByTokenHash(hashToken(body.token));
        if (!invitation || invitation.acceptedAt !== null || invitation.expiresAt <= new Date()) {
          throw new AppError('not_found', 404, 'invitation not found, used or expired');
        }
        const existing = await auth.meta.getUserByEmail(invitation.email);
        if (
          existing &&
          (await auth.checkLogin(existing.email, body.password, request.ip)) === null
        ) {
          throw unauthenticated('wrong password for the invited account');
        }
        const accepted = await auth.meta.acceptInvitation(
          invitation.id,
          existing
            ? { existingUserId: existing.id }
            : { email: invitation.email, passwordHash: await auth.newPasswordHash(body.password) },
        );
        if (!accepted)
          throw new AppError('not_found', 404, 'invitation not found, used or expired');
        auth.forgetMemberships(accepted.userId);
        await audit(request, {
          org: accepted.org,
          actor: accepted.userId,
          action: 'invitation.accept',
          target: invitation.email,
          ip: null,
          details: { role: accepted.role },
        });
        setSessionCookies(reply, await auth.startSession(accepted.userId));
        return me(accepted.userId);
      },
    );
  };
}
