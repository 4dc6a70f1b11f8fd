import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthService } from '../../auth/auth-service.js';
import { AppError, notFound } from '../../errors.js';
import { ROLES, SCOPES, type ApiKey } from '../../meta/meta-store.js';
import { tenantOf } from '../tenant.js';
import { parseInput } from '../validation.js';
import { hashToken } from './auth.js';

const INVITATION_TTL_MS = 7 * 86_400_000;

const roleBody = z.object({ role: z.enum(ROLES) });
const inviteBody = z.object({ email: z.email().max(320), role: z.enum(ROLES).default('viewer') });
const keyBody = z.object({
  name: z.string().min(1).max(200),
  scopes: z.array(z.enum(SCOPES)).min(1).max(3),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
});

function publicKey(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

/** The caller's organisation: members and roles, invitations, API keys, audit log. */
export function orgRoutes(auth: AuthService) {
  return async (app: FastifyInstance): Promise<void> => {
    const actorOf = (request: { caller: { userId?: string; apiKeyId?: string } }) =>
      request.caller.userId ?? (request.caller.apiKeyId ? `key:${request.caller.apiKeyId}` : null);

    app.get('/org/members', { config: { access: 'read' } }, async (request) => ({
      members: await auth.meta.listMembers(tenantOf(request)),
    }));

    app.put<{ Params: { userId: string } }>(
      '/org/members/:userId/role',
      { config: { access: 'admin' } },
      async (request) => {
        const org = tenantOf(request);
        const { role } = parseInput(roleBody, request.body, 'body');
        const current = await auth.meta.getRole(org, request.params.userId);
        if (current === null) throw notFound('no such member');
        // Only an owner makes or unmakes owners; the last owner stays.
        if ((role === 'owner' || current === 'owner') && request.caller.role !== 'owner') {
          throw new AppError('permission_denied', 403, 'only an owner can change owners');
        }
        if (current === 'owner' && role !== 'owner' && (await auth.meta.countOwners(org)) <= 1) {
          throw new AppError(
            'failed_precondition',
            409,
            'an organisation keeps at least one owner',
          );
        }
        await auth.meta.setRole(org, request.params.userId, role);
        auth.forgetMemberships(request.params.userId);
        await auth.meta.appendAudit({
          org,
          actor: actorOf(request),
          action: 'member.role_change',
          target: request.params.userId,
          ip: request.ip,
          details: { from: current, to: role },
        });
        return { userId: request.params.userId, role };
      },
    );

    app.delete<{ Params: { userId: string } }>(
      '/org/members/:userId',
      { config: { access: 'admin' } },
      async (request) => {
        const org = tenantOf(request);
        const current = await auth.meta.getRole(org, request.params.userId);
        if (current === null) throw notFound('no such member');
        if (current === 'owner' && request.caller.role !== 'owner') {
          throw new AppError('permission_denied', 403, 'only an owner can remove an owner');
        }
        if (current === 'owner' && (await auth.meta.countOwners(org)) <= 1) {
          throw new AppError(
            'failed_precondition',
            409,
            'an organisation keeps at least one owner',
          );
        }
        await auth.meta.removeMember(org, request.params.userId);
        auth.forgetMemberships(request.params.userId);
        await auth.meta.appendAudit({
          org,
          actor: actorOf(request),
          action: 'member.remove',
          target: request.params.userId,
          ip: request.ip,
          details: { role: current },
        });
        return { ok: true };
      },
    );

    app.get('/org/invitations', { config: { access: 'admin' } }, async (request) => ({
      invitations: await auth.meta.listInvitations(tenantOf(request)),
    }));

    app.post('/org/invitations', { config: { access: 'admin' } }, async (request, reply) => {
      const org = tenantOf(request);
      const body = parseInput(inviteBody, request.body, 'body');
      if (body.role === 'owner' && request.caller.role !== 'owner') {
        throw new AppError('permission_denied', 403, 'only an owner can invite an owner');
      }
      const token = randomBytes(32).toString('base64url');
      const invitation = await auth.meta.createInvitation({
        org,
        email: body.email,
        role: body.role,
        tokenHash: hashToken(token),
        invitedBy: actorOf(request),
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      });
      await auth.meta.appendAudit({
        org,
        actor: actorOf(request),
        action: 'invitation.create',
        target: invitation.email,
        ip: request.ip,
        details: { role: body.role },
      });
      // The token is shown once; only its hash is stored.
      return reply.status(201).send({ invitation, token });
    });

    app.get('/org/api-keys', { config: { access: 'admin' } }, async (request) => ({
      apiKeys: (await auth.meta.listApiKeys(tenantOf(request))).map(publicKey),
    }));

    app.post('/org/api-keys', { config: { access: 'admin' } }, async (request, reply) => {
      const org = tenantOf(request);
      const body = parseInput(keyBody, request.body, 'body');
      const { key, rawKey } = await auth.createApiKey({
        org,
        name: body.name,
        scopes: body.scopes,
        createdBy: actorOf(request),
        expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt),
      });
      await auth.meta.appendAudit({
        org,
        actor: actorOf(request),
        action: 'api_key.create',
        target: key.id,
        ip: request.ip,
        details: { name: key.name, scopes: key.scopes },
      });
      // The key itself is in this answer only; Pharos keeps its SHA-256.
      return reply.status(201).send({ apiKey: publicKey(key), key: rawKey });
    });

    app.delete<{ Params: { id: string } }>(
      '/org/api-keys/:id',
      { config: { access: 'admin' } },
      async (request) => {
        const org = tenantOf(request);
        const key = await auth.revokeApiKey(org, request.params.id);
        if (!key) throw notFound('no such live API key');
        await auth.meta.appendAudit({
          org,
          actor: actorOf(request),
          action: 'api_key.revoke',
          target: key.id,
          ip: request.ip,
          details: { name: key.name },
        });
        return { apiKey: publicKey(key) };
      },
    );

    app.get('/audit', { config: { access: 'admin' } }, async (request) => {
      const query = parseInput(auditQuery, request.query);
      return { entries: await auth.meta.listAudit(tenantOf(request), query.limit, query.before) };
    });
  };
}
