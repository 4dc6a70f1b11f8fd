/**
 * OpenTelemetry → Prometheus names, after the OpenTelemetry specification "Prometheus and
 * OpenMetrics Compatibility" (metric points to Prometheus): invalid characters become `_`,
 * runs of `_` collapse, a leading digit gets a `_` prefix; the unit (UCUM) becomes a suffix
 * (`_seconds`, `_bytes`, `_ratio` for a gauge of unit `1`), `{annotations}` are dropped, and
 * monotonic sums end in `_total`.
 */

const UNIT_WORDS: Record<string, string> = {
  // time
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  // bytes
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  // SI
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};

const PER_UNIT_WORDS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** Replace every character outside [a-zA-Z0-9_:] (metric names) by `_`, collapse `_` runs. */
export function sanitizeMetricName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/__+/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out === '' ? '_' : out;
}

/**
 * Label names: characters outside [a-zA-Z0-9_] become `_`, a leading digit gets `key_`
 * (as the spec says), and names starting with `__` (reserved) keep only what is allowed.
 */
export function sanitizeLabelName(name: string): string {
  let out = name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (out === '') return '_';
  if (/^[0-9]/.test(out)) out = `key_${out}`;
  else if (out.startsWith('__') && !name.startsWith('__')) out = `_${out.replace(/^_+/, '')}`;
  return out;
}

/** The unit's Prometheus word(s): `ms` → `milliseconds`, `By/s` → `bytes_per_second`. */
export function unitSuffix(unit: string, metricType: 'gauge' | 'counter' | 'other'): string {
  const stripped = unit.replace(/\{[^}]*\}/g, '').trim();
  if (stripped === '1') return metricType === 'gauge' ? 'ratio' : '';
  if (stripped === '') return '';
  const [main = '', per] = stripped.split('/', 2);
  const mainWord = main === '' || main === '1' ? '' : (UNIT_WORDS[main] ?? main);
  const perWord =
    per === undefined || per === '' ? '' : (PER_UNIT_WORDS[per] ?? UNIT_WORDS[per] ?? per);
  const words =
    perWord === '' ? mainWord : mainWord === '' ? `per_${perWord}` : `${mainWord}_per_${perWord}`;
  return sanitizeMetricName(words).replace(/^_+|_+$/g, '');
}

/** The Prometheus name of an OTLP metric (before `_bucket` / `_sum` / `_count` suffixes). */
export function prometheusMetricName(
  name: string,
  unit: string,
  kind: 'gauge' | 'counter' | 'other',
): string {
  let out = sanitizeMetricName(name);
  if (kind === 'counter' && out.endsWith('_total')) out = out.slice(0, -'_total'.length);
  const suffix = unitSuffix(unit, kind);
  if (suffix !== '' && !out.endsWith(`_${suffix}`) && out !== suffix) out = `${out}_${suffix}`;
  return kind === 'counter' ? `${out}_total` : out;
}
