import { runDemo, type DemoProgress, type DemoSummary } from '../demo/run-demo.js';

export interface DemoFlags {
  endpoint: string;
  duration: number;
  rate: number;
  apiKey?: string;
  seed?: number;
}

const integer = new Intl.NumberFormat('en-US');

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function progressLine(p: DemoProgress): string {
  return [
    `${String(Math.round(p.elapsedMs / 1000)).padStart(4)}s`,
    `traces ${integer.format(p.traces)}`,
    `spans ${integer.format(p.spans)}`,
    `logs ${integer.format(p.logs)}`,
    `points ${integer.format(p.metricPoints)}`,
    `requests ${integer.format(p.requests)} (${integer.format(p.failedRequests)} failed)`,
    `sent ${formatBytes(p.bytes)}`,
    ...(p.retries > 0 ? [`retries ${integer.format(p.retries)}`] : []),
  ].join('  ');
}

function summaryText(s: DemoSummary, elapsedMs: number): string {
  const lines = [
    '',
    `Sent in ${(elapsedMs / 1000).toFixed(1)} s: ${integer.format(s.traces)} traces, ${integer.format(s.spans)} spans, ${integer.format(s.logs)} log records, ${integer.format(s.metricPoints)} metric points`,
    `  ${integer.format(s.requests)} requests, ${integer.format(s.failedRequests)} failed, ${integer.format(s.retries)} retried, ${integer.format(s.droppedRequests)} dropped, ${formatBytes(s.bytes)} on the wire`,
    `  services: ${s.services.join(', ')}`,
  ];
  if (s.incidents.length > 0) lines.push(`  incidents: ${s.incidents.join('; ')}`);
  for (const error of s.errors) lines.push(`  error ×${error.count}: ${error.message}`);
  return `${lines.join('\n')}\n`;
}

/** `pharos demo`: progress each second on stderr, a summary at the end; Ctrl-C stops early. */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const endpoint = flags.endpoint.replace(/\/+$/, '');
  const abort = new AbortController();
  const onSignal = () => {
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  process.stderr.write(
    `Sending demo telemetry to ${endpoint} for ${Math.round(flags.duration / 1000)} s at ~${flags.rate} requests/s (Ctrl-C to stop)\n`,
  );
  try {
    const summary = await runDemo({
      endpoint,
      durationMs: flags.duration,
      ratePerSecond: flags.rate,
      ...(flags.apiKey === undefined ? {} : { apiKey: flags.apiKey }),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      signal: abort.signal,
      onProgress: (progress) => {
        process.stderr.write(`${progressLine(progress)}\n`);
      },
    });
    process.stdout.write(summaryText(summary, Date.now() - started));
    if (summary.requests > 0 && summary.failedRequests === summary.requests) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
