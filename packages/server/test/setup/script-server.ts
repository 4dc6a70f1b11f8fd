import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const scripts = path.join(import.meta.dirname, '../../../../scripts');

/** A port free right now on loopback (the server started next binds it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

/**
 * Start a test server with `scripts/start-<name>.sh` (which prints its URL) in the given
 * environment; returns the URL and the teardown that runs `scripts/stop-<name>.sh`.
 */
export function startScriptServer(
  name: string,
  env: NodeJS.ProcessEnv,
): { url: string; stop: () => void } {
  const url = execFileSync(path.join(scripts, `start-${name}.sh`), {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return {
    url,
    stop: () => {
      execFileSync(path.join(scripts, `stop-${name}.sh`), { env, stdio: 'inherit' });
    },
  };
}
