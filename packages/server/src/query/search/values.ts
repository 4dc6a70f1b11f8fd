/** Literal values of the search language that have units or names: durations and severities. */

export const DURATION_UNITS_NS = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
} as const;

export type DurationUnit = keyof typeof DURATION_UNITS_NS;

const DURATION = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)?$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

export function isNumberLiteral(text: string): boolean {
  return NUMBER.test(text);
}

/** A duration literal (`250ms`, `1.5s`; a bare number is milliseconds) in ns, or null. */
export function parseDurationNs(text: string): bigint | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const [, amount, unit] = match;
  const perUnit = DURATION_UNITS_NS[(unit ?? 'ms') as DurationUnit];
  const [whole, fraction = ''] = amount!.split('.');
  // Exact decimal arithmetic: 1.5s is 1,500,000,000 ns, not a float approximation.
  const scale = 10n ** BigInt(fraction.length);
  return ((BigInt(whole!) * scale + BigInt(fraction === '' ? '0' : fraction)) * perUnit) / scale;
}

/** Human form of a duration literal: `250ms` → `250 ms`. */
export function describeDuration(text: string): string {
  const match = DURATION.exec(text);
  if (!match) return text;
  return `${match[1]!} ${match[2] ?? 'ms'}`;
}

/** OpenTelemetry severity-number ranges of the severity names (log data model). */
export const SEVERITY_RANGES = {
  trace: [1, 4],
  debug: [5, 8],
  info: [9, 12],
  warn: [13, 16],
  error: [17, 20],
  fatal: [21, 24],
} as const;

export type SeverityName = keyof typeof SEVERITY_RANGES;

export const SEVERITY_NAMES = Object.keys(SEVERITY_RANGES) as SeverityName[];

const SEVERITY_SYNONYMS: Record<string, SeverityName> = {
  warning: 'warn',
  err: 'error',
  critical: 'fatal',
  information: 'info',
};

/** The severity name a word stands for (case-insensitive, with common synonyms), or null. */
export function severityName(text: string): SeverityName | null {
  const lower = text.toLowerCase();
  if (lower in SEVERITY_RANGES) return lower as SeverityName;
  return SEVERITY_SYNONYMS[lower] ?? null;
}

/** A severity-number literal 1..24, or null. */
export function severityNumber(text: string): number | null {
  if (!/^\d{1,2}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 24 ? n : null;
}
