/** Coercion of URL search values (the router parses JSON-looking values into numbers etc.). */

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function strList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list = value.map((v) => (typeof v === 'string' ? v : String(v)));
  return list.length === 0 ? undefined : list;
}

export interface GlobalSearch {
  from?: string | undefined;
  to?: string | undefined;
  refresh?: string | undefined;
}

export function globalSearch(search: Record<string, unknown>): GlobalSearch {
  return { from: str(search.from), to: str(search.to), refresh: str(search.refresh) };
}
