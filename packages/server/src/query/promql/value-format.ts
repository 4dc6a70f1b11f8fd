/** Numbers as Prometheus writes them in JSON: Go's strconv.FormatFloat(v, 'f', -1, 64). */

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = v.toString();
  if (!s.includes('e')) return s;
  // Expand the shortest round-trip digits JavaScript chose into plain decimal notation.
  const [mantissa, expText] = s.split('e') as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const intLen = (mantissa.replace('-', '').split('.')[0] ?? '').length + exp;
  let out: string;
  if (intLen <= 0) out = `0.${'0'.repeat(-intLen)}${digits}`;
  else if (intLen >= digits.length) out = digits + '0'.repeat(intLen - digits.length);
  else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  return negative ? `-${out}` : out;
}

/** Unix ms → the seconds number Prometheus puts in JSON. */
export function formatTime(ms: number): number {
  return ms / 1000;
}
