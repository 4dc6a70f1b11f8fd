import path from 'node:path';
import type { Logger } from 'pino';
import { MetaStore } from './meta-store.js';
import { openPgliteClient } from './pglite-client.js';
import { openPostgresClient, redactPostgresUrl } from './postgres-client.js';

/** The metadata store the configuration asks for: PostgreSQL when a URL is set, else PGlite. */
export async function openMetaStore(options: {
  dataDir: string;
  postgresUrl: string | undefined;
  logger: Logger;
}): Promise<MetaStore> {
  if (options.postgresUrl !== undefined) {
    const where = redactPostgresUrl(options.postgresUrl);
    let client;
    try {
      client = await openPostgresClient(options.postgresUrl);
    } catch (error) {
      // pg's messages do not contain the password, but the URL we print must not either.
      throw new Error(
        `cannot connect to the metadata database ${where}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    options.logger.info({ metaStore: 'postgres', url: where }, 'metadata store');
    return openOrClose(client);
  }
  const dir = path.join(options.dataDir, 'meta');
  options.logger.info({ metaStore: 'pglite', dir }, 'metadata store');
  return openOrClose(await openPgliteClient(dir));
}

async function openOrClose(client: Parameters<typeof MetaStore.open>[0]): Promise<MetaStore> {
  try {
    return await MetaStore.open(client);
  } catch (error) {
    await client.close();
    throw error;
  }
}
