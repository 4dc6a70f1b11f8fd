import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AuthInvalidation, AuthService } from './auth-service.js';

export const AUTH_CHANNEL = 'pharos:auth:invalidations';

const change = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sessions'), ids: z.array(z.string().max(64)).max(100_000) }),
  z.object({ kind: z.literal('userSessions'), userId: z.string().max(64) }),
  z.object({ kind: z.literal('apiKey'), id: z.string().max(64) }),
  z.object({ kind: z.literal('memberships'), userId: z.string().max(64) }),
]);
const message = z.object({ node: z.string().max(64), change });

/**
 * Revocations and membership changes shared between nodes over Redis publish/subscribe: each
 * node publishes what it invalidated and drops from its own caches what the others publish, so
 * that a session logged out, a key revoked or a member removed on one node is refused by every
 * node at once rather than after the cache lifetime.
 *
 * Publish/subscribe does not keep messages for a node that is disconnected; the caches' short
 * lifetime (10 s) bounds what such a node can miss.
 */
export class RedisAuthInvalidations {
  private readonly node = randomUUID();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly logger: Logger,
  ) {}

  /** Subscribe `auth` to the other nodes' changes and publish its own. */
  static async connect(redis: Redis, auth: AuthService, logger: Logger) {
    const subscriber = redis.duplicate();
    const shared = new RedisAuthInvalidations(redis, subscriber, logger);
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === AUTH_CHANNEL) shared.receive(text, auth);
    });
    await subscriber.subscribe(AUTH_CHANNEL);
    auth.onInvalidation((invalidation) => {
      shared.publish(invalidation);
    });
    return shared;
  }

  private publish(invalidation: AuthInvalidation): void {
    const text = JSON.stringify({ node: this.node, change: invalidation });
    this.publisher.publish(AUTH_CHANNEL, text).catch((error: unknown) => {
      this.logger.warn(
        { err: error, kind: invalidation.kind },
        'could not tell other nodes of a revocation: they apply it within 10 s',
      );
    });
  }

  private receive(text: string, auth: AuthService): void {
    let parsed;
    try {
      parsed = message.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.logger.warn('ignored a malformed message on the auth invalidation channel');
      return;
    }
    if (parsed.data.node !== this.node) auth.forget(parsed.data.change);
  }

  async close(): Promise<void> {
    await this.subscriber.quit();
  }
}
