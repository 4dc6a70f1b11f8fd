import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test Redis, or '' when the Redis suites are skipped. */
    redisUrl: string;
  }
}

const scripts = path.join(import.meta.dirname, '../../../../scripts');

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
export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env.CI !== 'true' && !redisInstalled()) {
    console.warn('redis-server is not installed: the Redis suites are skipped');
    project.provide('redisUrl', '');
    return undefined;
  }
  const url = execFileSync(path.join(scripts, 'start-redis.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('redisUrl', url);
  return () => {
    execFileSync(path.join(scripts, 'stop-redis.sh'), { stdio: 'inherit' });
  };
}
