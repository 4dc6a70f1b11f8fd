/** Key/value attributes; a value can be clicked to add it as a filter where that makes sense. */
import type { Attributes } from '../api/types';
import { cx } from './ui';

export function attributeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

export function AttributeTable({
  attributes,
  onFilter,
  prefix = '',
}: {
  attributes: Attributes;
  onFilter?: (field: string, value: string) => void;
  prefix?: string;
}) {
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <div className="px-3 py-2 text-xs text-muted">None</div>;
  return (
    <dl className="grid grid-cols-[minmax(120px,max-content)_1fr] text-xs">
      {entries.map(([key, value]) => {
        const text = attributeText(value);
        return (
          <div key={key} className="contents">
            <dt className="border-b border-line/60 px-3 py-1 font-mono break-all text-muted">
              {prefix + key}
            </dt>
            <dd className="border-b border-line/60 px-3 py-1 font-mono break-all whitespace-pre-wrap">
              {onFilter ? (
                <button
                  type="button"
                  title="Add as a filter"
                  className={cx('text-left hover:text-accent hover:underline')}
                  onClick={() => {
                    onFilter(key, text);
                  }}
                >
                  {text}
                </button>
              ) : (
                text
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

/** `field:value` for the search language, quoting the value when needed. */
export function filterTerm(field: string, value: string): string {
  const safeField = field.replace(/([\s():"\\<>])/g, '\\$1');
  const needsQuotes = value === '' || /[\s():"*\\<>]/.test(value) || /^(AND|OR|NOT)$/.test(value);
  return `${safeField}:${needsQuotes ? JSON.stringify(value) : value}`;
}

/** Adds a term to a query (AND). */
export function addTerm(query: string | undefined, term: string): string {
  const current = (query ?? '').trim();
  if (current === '' || current === '*') return term;
  if (current.split(/\s+/).includes(term)) return current;
  return `${current} ${term}`;
}
