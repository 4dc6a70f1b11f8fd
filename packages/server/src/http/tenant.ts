import type { FastifyRequest } from 'fastify';
import { permissionDenied } from '../auth/auth-service.js';
import type { TenantId } from '../tenant.js';

/**
 * The tenant (organisation) a request acts for, resolved by the authentication hook
 * (src/http/auth-hook.ts): the API key's organisation, or the signed-in user's current one.
 * With authentication off it is `default`.
 */
export function tenantOf(request: FastifyRequest): TenantId {
  const tenant = request.caller.tenant;
  if (tenant === null) throw permissionDenied('you do not belong to an organisation yet');
  return tenant;
}
