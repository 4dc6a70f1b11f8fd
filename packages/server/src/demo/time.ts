/** The simulator keeps time as float Unix milliseconds; OTLP wants bigint nanoseconds. */

/** Float Unix ms → bigint Unix ns, without the precision loss of `BigInt(ms * 1e6)`. */
export function msToUnixNano(unixMs: number): bigint {
  const whole = Math.floor(unixMs);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((unixMs - whole) * 1e6));
}
