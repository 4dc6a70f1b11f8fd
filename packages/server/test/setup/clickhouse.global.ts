import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** HTTP URL of the test ClickHouse, or '' when the ClickHouse suites are skipped. */
    clickhouseUrl: string;
  }
}

const scripts = path.join(import.meta.dirname, '../../../../scripts');

function clickHouseInstalled(): boolean {
  return ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'].some((p) =>
    fs.existsSync(p),
  );
}

/**
 * Start the test ClickHouse (scripts/start-clickhouse.sh) whenever clickhouse-server is
 * installed, and always in CI (where the script installs it when missing, so the suites cannot
 * silently skip); hand its URL to the tests and stop it afterwards.
 */
export default function setup(project: TestProject): (() => void) | undefined {
  const ci = process.env.CI === 'true';
  if (!ci && !clickHouseInstalled()) {
    console.warn(
      'clickhouse-server is not installed: the ClickHouse suites are skipped (apt-get install clickhouse-server to run them)',
    );
    project.provide('clickhouseUrl', '');
    return undefined;
  }
  const url = execFileSync(path.join(scripts, 'start-clickhouse.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('clickhouseUrl', url);
  return () => {
    execFileSync(path.join(scripts, 'stop-clickhouse.sh'), { stdio: 'inherit' });
  };
}
