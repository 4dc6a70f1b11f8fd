import { badRequest } from '../errors.js';

/** Where a page of logs ended: the last row's time and tiebreak, and how many rows shared both. */
export interface LogCursor {
  timeUnixNano: bigint;
  tiebreak: bigint;
  /** Rows with exactly this (time, tiebreak) already returned. */
  skip: number;
}

const MAX_SKIP = 100_000;

/** Opaque to clients: base64url of `{"t","h","n"}`. */
export function encodeLogCursor(cursor: LogCursor): string {
  const json = JSON.stringify({
    t: cursor.timeUnixNano.toString(),
    h: cursor.tiebreak.toString(),
    n: cursor.skip,
  });
  return Buffer.from(json, 'utf8').toString('base64url');
}

const INTEGER = /^-?\d{1,20}$/;

export function decodeLogCursor(text: string): LogCursor {
  const invalid = () => badRequest('invalid cursor: pass the nextCursor of a previous page');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { t, h, n } = parsed as Record<string, unknown>;
  if (typeof t !== 'string' || typeof h !== 'string' || !INTEGER.test(t) || !INTEGER.test(h)) {
    throw invalid();
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_SKIP) throw invalid();
  const timeUnixNano = BigInt(t);
  const tiebreak = BigInt(h);
  if (timeUnixNano < 0n || timeUnixNano >= 2n ** 63n || tiebreak < 0n || tiebreak >= 2n ** 63n) {
    throw invalid();
  }
  return { timeUnixNano, tiebreak, skip: n };
}
