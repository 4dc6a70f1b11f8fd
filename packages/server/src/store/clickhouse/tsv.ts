/**
 * Writing ClickHouse's TabSeparated input format. Text values are escaped so that no tab,
 * newline or backslash can end a field or a row early; arrays use ClickHouse's bracketed
 * text form with single-quoted strings.
 */

function escapeText(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '\\':
        out += '\\\\';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\0':
        out += '\\0';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

export const TSV_NULL = '\\N';

export function tsvString(value: string): string {
  // Fast path: most values need no escaping.
  return /[\\\t\n\r\0]/.test(value) ? escapeText(value) : value;
}

export function tsvFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

function quotedArrayString(value: string | null): string {
  if (value === null) return 'NULL';
  return `'${escapeText(value).replaceAll("'", "\\'")}'`;
}

export function tsvStringArray(values: readonly (string | null)[]): string {
  return `[${values.map(quotedArrayString).join(',')}]`;
}

export function tsvFloatArray(values: ArrayLike<number>): string {
  return `[${Array.from(values, tsvFloat).join(',')}]`;
}
