import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the test PostgreSQL, or '' when the PostgreSQL suites are skipped. */
    postgresUrl: string;
  }
}

const scripts = path.join(import.meta.dirname, '../../../../scripts');

/**
 * Start the test PostgreSQL (scripts/start-postgres.sh) when PHAROS_TEST_POSTGRES=1 or in CI, and
 * hand its URL to the tests; stop it afterwards.
 */
export default function setup(project: TestProject): (() => void) | undefined {
  const wanted = process.env.PHAROS_TEST_POSTGRES === '1' || process.env.CI === 'true';
  if (!wanted) {
    project.provide('postgresUrl', '');
    return undefined;
  }
  const url = execFileSync(path.join(scripts, 'start-postgres.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('postgresUrl', url);
  return () => {
    execFileSync(path.join(scripts, 'stop-postgres.sh'), { stdio: 'inherit' });
  };
}
