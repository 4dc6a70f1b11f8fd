import type { SqlValue } from './sql.js';

/**
 * The one audited escaper for SQL string literals in the standard dialect (DuckDB, PostgreSQL):
 * single quotes doubled, the whole thing in single quotes. NUL bytes cannot appear in either
 * engine's text values and are refused rather than silently truncated.
 */
export function standardStringLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('SQL string literal must not contain NUL');
  return `'${value.replaceAll("'", "''")}'`;
}

/** Standard-dialect literal for any bindable value. */
export function standardLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return standardStringLiteral(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`non-finite number in SQL literal: ${value}`);
    return String(value);
  }
  return `[${value.map(standardLiteral).join(', ')}]`;
}

export function standardIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
