import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, startScriptServer } from './script-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** HTTP URL of the test ClickHouse, or '' when the ClickHouse suites are skipped. */
    clickhouseUrl: string;
  }
}

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
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const ci = process.env.CI === 'true';
  if (!ci && !clickHouseInstalled()) {
    console.warn(
      'clickhouse-server is not installed: the ClickHouse suites are skipped (apt-get install clickhouse-server to run them)',
    );
    project.provide('clickhouseUrl', '');
    return undefined;
  }
  // A directory and ports of this run's own, so that test runs of several checkouts on one
  // machine never stop each other's server.
  const env = {
    ...process.env,
    PHAROS_TEST_CH_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pharos-test-clickhouse-')),
    PHAROS_TEST_CH_HTTP_PORT: String(await freePort()),
    PHAROS_TEST_CH_TCP_PORT: String(await freePort()),
  };
  const server = startScriptServer('clickhouse', env);
  project.provide('clickhouseUrl', server.url);
  return server.stop;
}
