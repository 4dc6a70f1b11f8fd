/** Formatting of durations, rates, counts and times for dense tables. */

/** `1.23 s`, `182 ms`, `41.2 µs`, `900 ns` from nanoseconds. */
export function formatDurationNs(ns: number | string | null | undefined): string {
  if (ns === null || ns === undefined) return '—';
  const value = typeof ns === 'string' ? Number(ns) : ns;
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 60e9) return `${trim(value / 60e9)} min`;
  if (abs >= 1e9) return `${trim(value / 1e9)} s`;
  if (abs >= 1e6) return `${trim(value / 1e6)} ms`;
  if (abs >= 1e3) return `${trim(value / 1e3)} µs`;
  return `${Math.round(value)} ns`;
}

function trim(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toFixed(digits).replace(/\.0+$/, '');
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined) return '—';
  if (perSecond === 0) return '0/s';
  if (perSecond < 0.1) return `${trim(perSecond * 60)}/min`;
  return `${trim(perSecond)}/s`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  if (ratio === 0) return '0%';
  const percent = ratio * 100;
  return `${percent < 0.1 ? percent.toFixed(2) : trim(percent)}%`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (Math.abs(n) >= 1e6) return `${trim(n / 1e6)}M`;
  if (Math.abs(n) >= 1e4) return `${trim(n / 1e3)}k`;
  return n.toLocaleString('en-US');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `14:03:22.104` (local time), with the date when `withDate`. */
export function formatTime(ms: number, withDate = false): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${formatDate(ms)} ${time}` : time;
}

export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `2026-11-22 14:03` for range labels. */
export function formatDateTimeShort(ms: number): string {
  const d = new Date(ms);
  return `${formatDate(ms)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Nanosecond decimal string → epoch milliseconds (fractional). */
export function nsToMs(ns: string): number {
  if (ns.length <= 6) return Number(ns) / 1e6;
  return Number(ns.slice(0, -6)) + Number(ns.slice(-6)) / 1e6;
}

export function relativeAge(ms: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86400)}d ago`;
}
