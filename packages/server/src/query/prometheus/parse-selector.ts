import { parser } from '@prometheus-io/lezer-promql';
import { PromQLError, type LabelMatcher } from '../promql/types.js';
import { anchoredRegExp } from './label-matchers.js';

/**
 * Series selectors as the Prometheus API takes them in `match[]`:
 * `metric`, `metric{a="b", c=~"d.*"}`, `{__name__=~"x.*", job!="y"}`. Strings are
 * Go-style: double- or single-quoted with escapes, or backquoted raw.
 */

const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y;

function fail(message: string): never {
  throw new PromQLError('bad_data', message);
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  match(re: RegExp): string | undefined {
    this.skipSpace();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  take(token: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }
}

const ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

function readString(c: Cursor): string {
  const quote = c.peek();
  if (quote !== '"' && quote !== "'" && quote !== '`')
    fail(`unexpected "${quote}": expected a string`);
  c.pos++;
  let out = '';
  while (c.pos < c.text.length) {
    const ch = c.text[c.pos++]!;
    if (ch === quote) return out;
    if (ch === '\\' && quote !== '`') {
      const next = c.text[c.pos++] ?? '';
      const escaped = ESCAPES[next];
      if (escaped !== undefined) out += escaped;
      else if (next === 'x') {
        out += String.fromCharCode(parseInt(c.text.slice(c.pos, c.pos + 2), 16));
        c.pos += 2;
      } else if (next === 'u' || next === 'U') {
        const width = next === 'u' ? 4 : 8;
        out += String.fromCodePoint(parseInt(c.text.slice(c.pos, c.pos + width), 16));
        c.pos += width;
      } else fail(`unknown escape sequence \\${next}`);
    } else out += ch;
  }
  return fail('unterminated quoted string');
}

export function parseSeriesSelector(text: string): LabelMatcher[] {
  const c = new Cursor(text);
  const matchers: LabelMatcher[] = [];
  const name = c.match(IDENT);
  if (name !== undefined) matchers.push({ name: '__name__', type: '=', value: name });
  if (c.take('{')) {
    while (!c.take('}')) {
      const label =
        c.match(LABEL) ??
        fail(`parse error: unexpected character in label matcher of ${JSON.stringify(text)}`);
      const op = (['=~', '!~', '!=', '='] as const).find((o) => c.take(o));
      if (!op) fail(`parse error: expected a label matching operator after ${label}`);
      matchers.push({ name: label, type: op, value: readString(c) });
      if (!c.take(',') && c.peek() !== '}')
        fail(`parse error: expected "," or "}" in ${JSON.stringify(text)}`);
    }
  }
  c.skipSpace();
  if (c.pos !== text.length || matchers.length === 0) {
    fail(
      `invalid parameter "match[]": 1:${c.pos + 1}: parse error: unexpected input in series selector ${JSON.stringify(text)}`,
    );
  }
  if (name !== undefined && matchers.some((m, i) => i > 0 && m.name === '__name__')) {
    fail('metric name must not be set twice');
  }
  // Prometheus refuses selectors that match every series (each matcher matches "").
  const matchesEmpty = (m: LabelMatcher): boolean => {
    if (m.type === '=') return m.value === '';
    if (m.type === '!=') return m.value !== '';
    const matches = anchoredRegExp(m.value).test('');
    return m.type === '=~' ? matches : !matches;
  };
  if (matchers.every(matchesEmpty)) {
    fail('vector selector must contain at least one non-empty matcher');
  }
  return matchers;
}

/** Every vector selector of a PromQL expression (for `query_exemplars`), via lezer-promql. */
export function selectorsOfQuery(query: string): LabelMatcher[][] {
  const tree = parser.parse(query);
  const selectors: LabelMatcher[][] = [];
  let error = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) error = true;
      if (node.name === 'VectorSelector') {
        selectors.push(parseSeriesSelector(query.slice(node.from, node.to)));
        return false;
      }
      return undefined;
    },
  });
  if (error) fail(`invalid parameter "query": parse error in ${JSON.stringify(query)}`);
  return selectors;
}
