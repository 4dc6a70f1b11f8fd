import type { Metadata } from '@grpc/grpc-js';
import type { TenantId } from '../tenant.js';
import type { AuthService } from './auth-service.js';

/**
 * The tenant of an OTLP/gRPC call from its API key metadata (`x-pharos-api-key: <key>` or
 * `authorization: Bearer <key>`), which must have the `ingest` scope. Throws otherwise; grpc-js
 * answers a throwing handler with a failed status, so nothing is stored.
 * TODO(grpc): make the receiver's tenant hook async and answer UNAUTHENTICATED (16) /
 * PERMISSION_DENIED (7) instead of UNKNOWN.
 */
export function grpcTenantOf(auth: AuthService) {
  return (metadata: Metadata): TenantId => {
    const direct = metadata.get('x-pharos-api-key')[0];
    const authorization = metadata.get('authorization')[0];
    const raw =
      typeof direct === 'string' && direct !== ''
        ? direct
        : typeof authorization === 'string' && /^bearer\s+/i.test(authorization)
          ? authorization.replace(/^bearer\s+/i, '')
          : undefined;
    const caller = raw === undefined ? null : auth.callerOfApiKeySync(raw.trim());
    if (caller === null) throw new Error('unauthenticated: send an API key with the ingest scope');
    if (!caller.scopes.has('ingest') || caller.tenant === null) {
      throw new Error('permission denied: the API key lacks the ingest scope');
    }
    return caller.tenant;
  };
}
