/** The simulator keeps time as float Unix milliseconds; OTLP wants bigint nanoseconds. */

/** Float Unix ms → bigint Unix ns, without the precision loss of `BigInt(ms * 1e6)`. */
export function msToUnixNano(unixMs: number): bigint {
  const whole = Math.floor(unixMs);
  return BigInt(whole) * 1_000_000n + BigInt(Math.round((unixMs - whole) * 1e6));
}

/** Times `phaseMs + k * periodMs` in `[fromMs, toMs)`: when a periodic job runs. */
export function ticks(fromMs: number, toMs: number, periodMs: number, phaseMs: number): number[] {
  const out: number[] = [];
  for (
    let at = Math.ceil((fromMs - phaseMs) / periodMs) * periodMs + phaseMs;
    at < toMs;
    at += periodMs
  ) {
    out.push(at);
  }
  return out;
}
