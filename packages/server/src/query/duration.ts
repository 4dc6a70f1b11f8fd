import { badRequest } from '../errors.js';

const NS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h)?$/;

/**
 * A duration from the API as integer nanoseconds: `250ms`, `1.5s`, `2m`, `100us`, or a bare
 * integer of nanoseconds (`250000000`). Fractions below a nanosecond are truncated.
 */
export function parseDurationNs(text: string, name = 'duration'): bigint {
  const match = DURATION.exec(text.trim());
  const unit = match?.[2];
  if (!match || (unit === undefined && match[1]!.includes('.'))) {
    throw badRequest(
      `invalid ${name} ${JSON.stringify(text.slice(0, 64))}: use e.g. 250ms, 1.5s, 2m or integer nanoseconds`,
    );
  }
  if (unit === undefined) return BigInt(match[1]!);
  const [whole, fraction = ''] = match[1]!.split('.');
  const perUnit = BigInt(NS_PER_UNIT[unit]!);
  // Exact decimal arithmetic: 1.5s is 1_500_000_000 ns, not a float approximation.
  const scale = 10n ** BigInt(fraction.length);
  return ((BigInt(whole!) * scale + BigInt(fraction === '' ? '0' : fraction)) * perUnit) / scale;
}

/** A step for time buckets, in nanoseconds: a duration as above, at least one millisecond. */
export function parseStepNs(text: string): bigint {
  const ns = parseDurationNs(text, 'step');
  if (ns < 1_000_000n) throw badRequest(`invalid step ${JSON.stringify(text)}: at least 1ms`);
  return ns;
}
