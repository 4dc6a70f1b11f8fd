import type { Metadata } from '@grpc/grpc-js';
import { AppError } from '../errors.js';
import type { TenantId } from '../tenant.js';
import type { AuthService } from './auth-service.js';

/**
 * The tenant of an OTLP/gRPC call from its API key metadata (`x-pharos-api-key: <key>` or
 * `authorization: Bearer <key>`), which must have the `ingest` scope. Refusals are AppErrors
 * that the receiver answers as UNAUTHENTICATED / PERMISSION_DENIED; nothing is stored.
 */
export function grpcTenantOf(auth: AuthService) {
  return async (metadata: Metadata): Promise<TenantId> => {
    const direct = metadata.get('x-pharos-api-key')[0];
    const authorization = metadata.get('authorization')[0];
    const raw =
      typeof direct === 'string' && direct !== ''
        ? direct
        : typeof authorization === 'string' && /^bearer\s+/i.test(authorization)
          ? authorization.replace(/^bearer\s+/i, '')
          : undefined;
    const caller = raw === undefined ? null : await auth.callerOfApiKey(raw.trim());
    if (caller === null) {
      throw new AppError('unauthenticated', 401, 'send an API key with the ingest scope');
    }
    if (!caller.scopes.has('ingest') || caller.tenant === null) {
      throw new AppError('permission_denied', 403, 'the API key lacks the ingest scope');
    }
    return caller.tenant;
  };
}
