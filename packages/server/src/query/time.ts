import { badRequest } from '../errors.js';
import type { TimeRange } from '../store/telemetry-store.js';

const RELATIVE = /^now(?:\s*([+-])\s*(\d+)\s*(ms|s|m|h|d|w))?$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1e3,
  m: 60e3,
  h: 3600e3,
  d: 86_400e3,
  w: 604_800e3,
};
const NS_PER_MS = 1_000_000n;

/**
 * A point in time from the API: ISO-8601, epoch milliseconds, or relative to now (`now`,
 * `now-15m`, `now-2h`, units ms s m h d w). Returns Unix nanoseconds.
 */
export function parseTime(text: string, nowMs: number, name = 'time'): bigint {
  const trimmed = text.trim();
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    const [, sign, amount, unit] = relative;
    const offset = sign ? Number(amount) * UNIT_MS[unit!]! * (sign === '-' ? -1 : 1) : 0;
    return BigInt(nowMs + offset) * NS_PER_MS;
  }
  if (/^\d{1,16}$/.test(trimmed)) return BigInt(trimmed) * NS_PER_MS;
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return BigInt(ms) * NS_PER_MS;
  }
  throw badRequest(
    `invalid ${name} ${JSON.stringify(text)}: use ISO-8601 (2026-01-31T12:00:00Z), epoch milliseconds, or now-15m`,
  );
}

/** `from`/`to` query parameters with defaults: the last `defaultMs` up to now. */
export function parseRange(
  from: string | undefined,
  to: string | undefined,
  nowMs: number,
  defaultMs = 3_600_000,
): TimeRange {
  const toNs = to === undefined ? BigInt(nowMs) * NS_PER_MS : parseTime(to, nowMs, 'to');
  const fromNs =
    from === undefined ? toNs - BigInt(defaultMs) * NS_PER_MS : parseTime(from, nowMs, 'from');
  if (fromNs >= toNs) throw badRequest('invalid time range: from must be before to');
  return { fromNs, toNs };
}

export function nsToIso(ns: bigint): string {
  return new Date(Number(ns / NS_PER_MS)).toISOString();
}
