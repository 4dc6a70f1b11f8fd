/**
 * A real `pharos start` for the benchmarks: ephemeral ports, authentication off, the server's
 * own JSON log on stdout (read for its listening addresses), and its peak RSS sampled from /proc.
 * `BENCH_NODE_ARGS` passes flags to the server's node (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`);
 * `BENCH_LOG_LEVEL` sets its log level and copies its log to stderr (`debug` logs what
 * maintenance seals and merges).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export interface BenchPharos {
  child: ChildProcess;
  httpUrl: string;
  otlpHttpUrl: string;
  otlpGrpcPort: number;
  peakRssMiB: () => number;
  /** CPU time (user + system) the server process has used so far, from /proc. */
  cpuSeconds: () => number;
  stop: () => Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

export async function spawnPharos(
  dataDir: string,
  env: Record<string, string | undefined> = {},
): Promise<BenchPharos> {
  const bin = path.join(import.meta.dirname, '../packages/server/bin/pharos.js');
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
      bin,
      'start',
      ...['--http-port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0'],
      ...['--data-dir', dataDir],
    ],
    {
      env: {
        ...process.env,
        PHAROS_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
        PHAROS_BANNER: 'false',
        PHAROS_AUTH: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const started = await new Promise<{ http: string; otlpHttp: string; otlpGrpcPort: number }>(
    (resolve, reject) => {
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        if (process.env.BENCH_LOG_LEVEL !== undefined) console.error(line);
        const entry = JSON.parse(line) as {
          msg?: string;
          http?: string;
          otlpHttp?: string;
          otlpGrpcPort?: number;
        };
        if (entry.msg === 'pharos started') {
          resolve({
            http: entry.http!,
            otlpHttp: entry.otlpHttp!,
            otlpGrpcPort: entry.otlpGrpcPort!,
          });
        }
      });
      child.once('exit', (code) => {
        reject(new Error(`server exited ${code}`));
      });
    },
  );
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? peakKb);
    } catch {
      // the server is gone; the last reading stands
    }
  }, 250);
  return {
    child,
    httpUrl: started.http,
    otlpHttpUrl: started.otlpHttp,
    otlpGrpcPort: started.otlpGrpcPort,
    peakRssMiB: () => Math.round(peakKb / 1024),
    cpuSeconds: () => cpuSecondsOf(child.pid),
    async stop() {
      clearInterval(timer);
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Bytes of every file under `root` (0 when it does not exist). */
export function directorySize(root: string): number {
  if (!fs.existsSync(root)) return 0;
  let total = 0;
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** Seal everything in a stopped server's data directory (bench/seal-all.ts, own process). */
export async function sealAll(dataDir: string): Promise<void> {
  const sealer = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'seal-all.ts'), dataDir],
    { stdio: 'inherit' },
  );
  await new Promise((resolve) => sealer.once('exit', resolve));
}
