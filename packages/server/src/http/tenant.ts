import type { FastifyRequest } from 'fastify';
import { DEFAULT_TENANT, type TenantId } from '../tenant.js';

/**
 * The tenant a request acts for. Authentication is not built yet, so every request belongs to
 * the `default` tenant, exactly as the "auth off" mode of DESIGN.md describes.
 */
export function tenantOf(_request: FastifyRequest): TenantId {
  return DEFAULT_TENANT;
}
