const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `5m`, `1h`, `250ms`, or a bare number of seconds → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new Error(`invalid duration ${JSON.stringify(text)}: use e.g. 30s, 5m or 1h`);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 's']!;
  if (ms <= 0) throw new Error(`duration must be positive: ${text}`);
  return ms;
}
