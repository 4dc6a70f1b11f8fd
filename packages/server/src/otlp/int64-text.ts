/**
 * Exact decimal text of 64-bit integers given as two unsigned 32-bit halves, without BigInt:
 * Unix-nanosecond times need all 64 bits, and the decoders format one per event and exemplar.
 */

export const TWO_32 = 4294967296;
/** Below this high half a value is under 2^53 and a double holds it exactly. */
export const SAFE_HI = 0x200000;

/**
 * An unsigned value of 2^53 or more as two parts that each fit a double exactly: its decimal
 * digits are those of `uint64High` followed by `uint64Low6` padded to six digits. Splitting off
 * six digits keeps every intermediate below 2^53; division and floor rather than `%`, which V8
 * runs as a call to fmod for numbers outside the int32 range.
 */
export function uint64High(lo: number, hi: number): number {
  const hiQuot = Math.floor(hi / 1e6);
  const t = (hi - hiQuot * 1e6) * TWO_32 + lo;
  return hiQuot * TWO_32 + floorDiv1e6(t);
}

export function uint64Low6(lo: number, hi: number): number {
  const t = (hi - Math.floor(hi / 1e6) * 1e6) * TWO_32 + lo;
  return t - floorDiv1e6(t) * 1e6;
}

/** `floor(t / 1e6)` for an integer `0 <= t < 2^53`, exact despite the rounded division. */
function floorDiv1e6(t: number): number {
  let q = Math.floor(t / 1e6);
  const r = t - q * 1e6;
  if (r < 0) q--;
  else if (r >= 1e6) q++;
  return q;
}

/** Decimal text of the unsigned integer `hi * 2^32 + lo`. */
export function uint64Text(lo: number, hi: number): string {
  if (hi < SAFE_HI) return String(hi * TWO_32 + lo);
  return String(uint64High(lo, hi)) + String(1e6 + uint64Low6(lo, hi)).slice(1);
}

/** Decimal text of the two's-complement signed integer with halves `lo` / `hi`. */
export function int64Text(lo: number, hi: number): string {
  if (hi < 0x80000000) return uint64Text(lo, hi);
  const negLo = (~lo + 1) >>> 0;
  const negHi = (~hi + (negLo === 0 ? 1 : 0)) >>> 0;
  return '-' + uint64Text(negLo, negHi);
}

/** True when the signed value fits a double exactly (|v| < 2^53). */
export function isSafeInt64(hi: number): boolean {
  const signedHi = hi | 0;
  return signedHi >= -SAFE_HI && signedHi < SAFE_HI;
}

/** The signed value as a double (exact when `isSafeInt64`, else correctly rounded). */
export function int64Number(lo: number, hi: number): number {
  return (hi | 0) * TWO_32 + lo;
}

/** The unsigned value as a double (exact below 2^53, else correctly rounded). */
export function uint64Number(lo: number, hi: number): number {
  return hi * TWO_32 + lo;
}
