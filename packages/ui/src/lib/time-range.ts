/**
 * The global time range. In the URL it stays as the user wrote it (`now-1h`, or ISO-8601 for an
 * absolute range) so that a shared link keeps meaning "the last hour"; queries use the range
 * resolved to epoch milliseconds once per refresh, so every panel of a page agrees.
 */

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DEFAULT_FROM = 'now-1h';
export const DEFAULT_TO = 'now';

/** `now`, `now-15m`, epoch milliseconds, or ISO-8601 → epoch ms; null when unreadable. */
export function parseTime(text: string, now = Date.now()): number | null {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  const relative = /^now-(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(trimmed);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  if (/^\d{10,}$/.test(trimmed)) return Number(trimmed);
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? null : parsed;
}

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
}

export function resolveRange(from: string, to: string, now = Date.now()): ResolvedRange {
  const fromMs = parseTime(from, now) ?? now - 3_600_000;
  const toMs = parseTime(to, now) ?? now;
  return fromMs < toMs ? { fromMs, toMs } : { fromMs: toMs - 60_000, toMs };
}

export const QUICK_RANGES: readonly { label: string; from: string }[] = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 30 minutes', from: 'now-30m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 3 hours', from: 'now-3h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 12 hours', from: 'now-12h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 2 days', from: 'now-2d' },
  { label: 'Last 7 days', from: 'now-7d' },
];

export const REFRESH_INTERVALS: readonly { label: string; value: string; ms: number }[] = [
  { label: 'Off', value: '', ms: 0 },
  { label: '5s', value: '5s', ms: 5_000 },
  { label: '10s', value: '10s', ms: 10_000 },
  { label: '30s', value: '30s', ms: 30_000 },
  { label: '1m', value: '1m', ms: 60_000 },
  { label: '5m', value: '5m', ms: 300_000 },
];

export function describeRange(from: string, to: string): string {
  if (to === 'now') {
    const quick = QUICK_RANGES.find((r) => r.from === from);
    if (quick) return quick.label;
    if (from.startsWith('now-')) return `Last ${from.slice(4)}`;
  }
  return `${shortTime(from)} → ${shortTime(to)}`;
}

function shortTime(text: string): string {
  if (text.startsWith('now')) return text;
  const ms = parseTime(text);
  if (ms === null) return text;
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** An absolute range for the URL (brush zoom, "zoom to this bucket"). */
export function absolute(fromMs: number, toMs: number): { from: string; to: string } {
  return {
    from: new Date(Math.floor(fromMs)).toISOString(),
    to: new Date(Math.ceil(toMs)).toISOString(),
  };
}

/** `datetime-local` input value ↔ epoch ms, in local time. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
}
