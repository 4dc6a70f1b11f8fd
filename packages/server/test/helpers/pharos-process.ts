import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export const PHAROS_BIN = path.join(import.meta.dirname, '../../bin/pharos.js');

export interface PharosProcess {
  child: ChildProcess;
  httpUrl: string;
  /** Null on a query node (no receivers). */
  otlpHttpUrl: string | null;
  otlpGrpcPort: number | null;
  logLines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** `pharos start` as a real process on ephemeral ports; resolves once it logs that it started. */
export async function startPharosProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<PharosProcess> {
  if (!fs.existsSync(path.join(import.meta.dirname, '../../dist/cli/main.js'))) {
    throw new Error('packages/server/dist is missing: run `npm run build` (npm test does)');
  }
  const child = spawn(
    process.execPath,
    [
      PHAROS_BIN,
      'start',
      '--http-port',
      '0',
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
      '--data-dir',
      dataDir,
    ],
    {
      // Auth off unless the test asks for it: these tests exercise storage and the CLI.
      env: { ...process.env, PHAROS_LOG_LEVEL: 'info', PHAROS_AUTH: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logLines: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const started = new Promise<Record<string, unknown>>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logLines.push(entry);
      if (entry.msg === 'pharos started') resolve(entry);
    });
    void exited.then((code) => {
      reject(new Error(`pharos exited with ${code} before starting: ${stderr}`));
    });
  });
  const entry = await started;
  return {
    child,
    httpUrl: entry.http as string,
    otlpHttpUrl: entry.otlpHttp as string | null,
    otlpGrpcPort: entry.otlpGrpcPort as number | null,
    logLines,
    exited,
  };
}
