import type { SqlValue } from '../sql.js';

/**
 * The one audited escaper for ClickHouse SQL. ClickHouse 18.16 has no server-side query
 * parameters, so every value reaches it as a literal written here.
 *
 * String literals: in single quotes, where ClickHouse reads backslash escapes. A backslash and a
 * single quote are the only characters that can end or alter a literal, so both are escaped with
 * a backslash; NUL is written as `\0` so that no raw NUL byte travels in the query text.
 * Everything else (newlines, any Unicode) stands for itself inside the quotes.
 */
export function clickHouseStringLiteral(value: string): string {
  let out = "'";
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\0') out += '\\0';
    else out += ch;
  }
  return `${out}'`;
}

/** A ClickHouse literal for any bindable value; booleans are 1/0 (18.16 has no TRUE/FALSE). */
export function clickHouseLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return clickHouseStringLiteral(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value < 0n ? `(${value.toString()})` : value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number in SQL literal: ${value}`);
    // Parenthesised so that a negative number never merges with a preceding minus sign.
    return value < 0 ? `(${String(value)})` : String(value);
  }
  return `[${value.map(clickHouseLiteral).join(', ')}]`;
}

const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A quoted identifier; only plain names are accepted (as `ident` already guarantees). */
export function clickHouseIdentifier(name: string): string {
  if (!IDENTIFIER_PATTERN.test(name)) throw new Error(`invalid ClickHouse identifier: ${name}`);
  return `\`${name}\``;
}

/**
 * Any name (a user's column alias such as `DROP TABLE parts`) as a back-quoted ClickHouse
 * identifier: a backslash and a back quote are the only characters that can end or alter it, so
 * both are escaped with a backslash; NUL is refused.
 */
export function clickHouseQuotedName(name: string): string {
  if (name.includes('\0')) throw new Error('identifier must not contain NUL');
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}
