import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startScriptServer } from './script-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test Redis, or '' when the Redis suites are skipped. */
    redisUrl: string;
  }
}

function redisInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Start the test Redis (scripts/start-redis.sh) whenever redis-server is installed, and always in
 * CI (where the script installs it when missing); hand its URL to the tests, stop it afterwards.
 */
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.CI !== 'true' && !redisInstalled()) {
    console.warn('redis-server is not installed: the Redis suites are skipped');
    project.provide('redisUrl', '');
    return undefined;
  }
  // A directory and port of this run's own (see clickhouse.global.ts).
  const env = {
    ...process.env,
    PHAROS_TEST_REDIS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-test-redis-')),
    PHAROS_TEST_REDIS_PORT: String(await freePort()),
  };
  const server = startScriptServer('redis', env);
  project.provide('redisUrl', server.url);
  return server.stop;
}
