import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys: `phk_` + 32 random bytes (base64url). A key has 256 bits of entropy, so one SHA-256
 * is enough to store it safely (no salt or slow hash needed: nothing to guess), and it lets a
 * lookup be one indexed equality.
 */
export const API_KEY_PREFIX = 'phk_';

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The part of a key shown in lists, enough to recognise it and not enough to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
