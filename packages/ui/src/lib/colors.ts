/** Stable colours: one per service name, one per log severity. */

const SERVICE_PALETTE = [
  '#6366f1',
  '#0ea5e9',
  '#10b981',
  '#f59e0b',
  '#ec4899',
  '#8b5cf6',
  '#14b8a6',
  '#f97316',
  '#84cc16',
  '#06b6d4',
  '#e11d48',
  '#a855f7',
  '#22c55e',
  '#eab308',
] as const;

/** The same service always gets the same colour, on every page. */
export function serviceColor(name: string): string {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return SERVICE_PALETTE[(hash >>> 0) % SERVICE_PALETTE.length]!;
}

export const SEVERITIES = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'unspecified',
] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SEVERITY_COLORS: Record<Severity, string> = {
  fatal: '#9333ea',
  error: '#ef4444',
  warn: '#f59e0b',
  info: '#3b82f6',
  debug: '#64748b',
  trace: '#94a3b8',
  unspecified: '#a3a3a3',
};

/** OpenTelemetry severity number ranges: 1–4 trace … 21–24 fatal. */
export function severityOf(severityNumber: number): Severity {
  if (severityNumber <= 0) return 'unspecified';
  if (severityNumber <= 4) return 'trace';
  if (severityNumber <= 8) return 'debug';
  if (severityNumber <= 12) return 'info';
  if (severityNumber <= 16) return 'warn';
  if (severityNumber <= 20) return 'error';
  return 'fatal';
}
