import { NS_PER_DAY } from './schema.js';

const MS_PER_DAY = 86_400_000;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since the Unix epoch (UTC) of a nanosecond timestamp. */
export function dayOfNs(ns: bigint): number {
  const day = ns / NS_PER_DAY;
  // BigInt division truncates toward zero; days before 1970 round down.
  return Number(ns < 0n && day * NS_PER_DAY !== ns ? day - 1n : day);
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` → days since the epoch; throws on anything else. */
export function parseDay(text: string): number {
  const match = DAY_PATTERN.exec(text);
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(ms) || formatDay(ms / MS_PER_DAY) !== text) {
    throw new Error(`invalid day ${JSON.stringify(text)}: expected YYYY-MM-DD`);
  }
  return ms / MS_PER_DAY;
}
