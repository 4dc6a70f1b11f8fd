/**
 * A tenant (organisation) id. Branded so that every store and query function that takes one
 * cannot be called with an arbitrary string by accident: the only way to get one is
 * `parseTenantId`, which validates it.
 */
export type TenantId = string & { readonly __brand: 'TenantId' };

const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** The tenant that owns everything when authentication is off. */
export const DEFAULT_TENANT = 'default' as TenantId;

export function isValidTenantId(raw: string): boolean {
  return TENANT_PATTERN.test(raw);
}

export function parseTenantId(raw: string): TenantId {
  if (!isValidTenantId(raw)) {
    throw new Error(
      `invalid tenant id ${JSON.stringify(raw.slice(0, 80))}: expected 1-63 characters of a-z, 0-9, '_' or '-', starting with a letter or digit`,
    );
  }
  return raw as TenantId;
}
