import { AppError } from '../../errors.js';
import { MATCH_ALL, type ComparisonOperator, type SearchNode } from './ast.js';
import { comparisonKind } from './fields.js';
import { isNumberLiteral, parseDurationNs, severityName, severityNumber } from './values.js';

/**
 * Grammar (AND binds tighter than OR; keywords are upper case, `and` / `or` are free text):
 *
 *   query   := ε | or EOF
 *   or      := and ( "OR" and )*
 *   and     := unary ( "AND"? unary )*             -- juxtaposition is AND
 *   unary   := "NOT" unary | "-" unary | primary
 *   primary := "(" or ")" | PHRASE | term
 *   term    := FIELD ":" ( "*" | PHRASE | WORD | OP WORD ) | FIELD OP WORD | WORD
 *   OP      := ">" | ">=" | "<" | "<="
 *
 * A WORD runs to whitespace, a parenthesis or a quote; `\` escapes the next character (in
 * words and phrases); `*` is a wildcard only at the end of a word.
 */

/**
 * An invalid query: a 400 wherever it is thrown (it is an `AppError`); routes that know it add
 * `position` and `expected` to the error body (see `http/search-errors.ts`).
 */
export class SearchSyntaxError extends AppError {
  /** Zero-based character offset in the query where the problem is. */
  readonly position: number;
  /** What the parser expected there, in words. */
  readonly expected: string;

  constructor(position: number, expected: string, found?: string) {
    const at = found === undefined ? 'end of query' : JSON.stringify(found);
    super(
      'invalid_argument',
      400,
      `search syntax error at position ${position}: expected ${expected}, found ${at}`,
    );
    this.name = 'SearchSyntaxError';
    this.position = position;
    this.expected = expected;
  }
}

export const MAX_SEARCH_LENGTH = 4096;
const MAX_DEPTH = 64;
const FIELD = /[A-Za-z_@][A-Za-z0-9_.\-@/]*/y;
const TERM = 'a search term';

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

/** Characters that end a word. */
function endsWord(ch: string | undefined): boolean {
  return ch === undefined || isSpace(ch) || ch === '(' || ch === ')' || ch === '"';
}

interface Word {
  value: string;
  /** Ends in an unescaped `*`. */
  prefix: boolean;
  start: number;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parse(): SearchNode {
    this.skipSpace();
    if (this.atEnd()) return MATCH_ALL;
    const node = this.parseOr();
    this.skipSpace();
    if (!this.atEnd()) this.fail('AND, OR, a search term or the end of the query');
    return node;
  }

  private parseOr(): SearchNode {
    const children = [this.parseAnd()];
    for (;;) {
      this.skipSpace();
      if (!this.keyword('OR')) break;
      this.expectTermAfter('OR');
      children.push(this.parseAnd());
    }
    return children.length === 1 ? children[0]! : { type: 'or', children };
  }

  private parseAnd(): SearchNode {
    const children = [this.parseUnary()];
    for (;;) {
      this.skipSpace();
      if (this.atEnd() || this.peek() === ')' || this.isKeyword('OR')) break;
      if (this.keyword('AND')) this.expectTermAfter('AND');
      children.push(this.parseUnary());
    }
    return children.length === 1 ? children[0]! : { type: 'and', children };
  }

  private parseUnary(): SearchNode {
    this.skipSpace();
    if (this.keyword('NOT')) {
      this.expectTermAfter('NOT');
      return this.nested(() => ({ type: 'not', child: this.parseUnary() }));
    }
    if (this.peek() === '-') {
      const next = this.text[this.pos + 1];
      if (next === undefined || isSpace(next) || next === ')')
        this.fail("a search term right after '-'");
      this.pos++;
      return this.nested(() => ({ type: 'not', child: this.parseUnary() }));
    }
    return this.parsePrimary();
  }

  private parsePrimary(): SearchNode {
    const ch = this.peek();
    if (ch === undefined) this.fail(TERM);
    if (ch === ')') this.fail(TERM);
    if (this.isKeyword('AND') || this.isKeyword('OR')) this.fail(TERM);
    if (ch === '(') {
      this.pos++;
      this.skipSpace();
      if (this.peek() === ')') this.fail(`${TERM} inside the parentheses`);
      const node = this.nested(() => this.parseOr());
      this.skipSpace();
      if (this.peek() !== ')') this.fail("')'");
      this.pos++;
      return node;
    }
    if (ch === '"') {
      const start = this.pos;
      const value = this.readPhrase();
      if (value === '') throw new SearchSyntaxError(start, 'a non-empty phrase', '""');
      return { type: 'text', value, quoted: true };
    }
    return this.parseTerm();
  }

  private parseTerm(): SearchNode {
    FIELD.lastIndex = this.pos;
    const field = FIELD.exec(this.text)?.[0];
    if (field !== undefined) {
      const after = this.pos + field.length;
      const next = this.text[after];
      if (next === ':') {
        this.pos = after + 1;
        return this.parseFieldValue(field);
      }
      if (next === '>' || next === '<') {
        this.pos = after;
        return this.parseComparison(field);
      }
    }
    const ch = this.peek();
    if (ch === ':' || ch === '>' || ch === '<') this.fail(`a field name before '${ch}'`);
    const word = this.readWord();
    if (word.value === '') {
      // A lone `*` matches everything.
      return MATCH_ALL;
    }
    return { type: 'text', value: word.value, quoted: false };
  }

  private parseFieldValue(field: string): SearchNode {
    const ch = this.peek();
    if (ch === '>' || ch === '<') return this.parseComparison(field);
    if (ch === '"')
      return { type: 'match', field, value: this.readPhrase(), quoted: true, prefix: false };
    if (endsWord(ch)) this.fail(`a value after '${field}:'`);
    const word = this.readWord();
    if (word.value === '') return { type: 'exists', field };
    return { type: 'match', field, value: word.value, quoted: false, prefix: word.prefix };
  }

  private parseComparison(field: string): SearchNode {
    let op: ComparisonOperator = this.peek() === '>' ? '>' : '<';
    this.pos++;
    if (this.peek() === '=') {
      op = op === '>' ? '>=' : '<=';
      this.pos++;
    }
    const ch = this.peek();
    if (endsWord(ch) || ch === '>' || ch === '<' || ch === '=') {
      this.fail(`a value after '${field}${op}'`);
    }
    const word = this.readWord();
    if (word.prefix)
      this.failAt(word.start, 'a value without wildcards in a comparison', word.value);
    this.checkComparable(field, word);
    return { type: 'compare', field, op, value: word.value };
  }

  private checkComparable(field: string, word: Word): void {
    const kind = comparisonKind(field);
    if (kind === 'duration') {
      if (parseDurationNs(word.value) === null) {
        this.failAt(word.start, 'a duration such as 250ms (units ns, us, ms, s, m, h)', word.value);
      }
    } else if (kind === 'severity') {
      if (severityName(word.value) === null && severityNumber(word.value) === null) {
        this.failAt(
          word.start,
          'a severity (trace, debug, info, warn, error, fatal) or a number 1-24',
          word.value,
        );
      }
    } else if (!isNumberLiteral(word.value)) {
      this.failAt(word.start, 'a number', word.value);
    }
  }

  /** A word with escapes resolved; a trailing unescaped `*` is reported as `prefix`. */
  private readWord(): Word {
    const start = this.pos;
    let value = '';
    let prefix = false;
    while (!endsWord(this.peek())) {
      const ch = this.text[this.pos]!;
      if (prefix) this.failAt(this.pos - 1, "'*' only at the end of a value", '*');
      if (ch === '\\') {
        this.pos++;
        const escaped = this.peek();
        if (escaped === undefined) this.fail("a character after '\\'");
        value += escaped;
      } else if (ch === '*') {
        prefix = true;
      } else {
        value += ch;
      }
      this.pos++;
    }
    return { value, prefix, start };
  }

  /** A double-quoted string; `\"` and `\\` escape. */
  private readPhrase(): string {
    this.pos++;
    let value = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) this.fail("a closing '\"'");
      this.pos++;
      if (ch === '"') return value;
      if (ch === '\\') {
        const escaped = this.peek();
        if (escaped === undefined) this.fail("a character after '\\'");
        value += escaped;
        this.pos++;
      } else {
        value += ch;
      }
    }
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} levels of nesting`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private expectTermAfter(keyword: string): void {
    this.skipSpace();
    const ch = this.peek();
    if (ch === undefined || ch === ')' || this.isKeyword('AND') || this.isKeyword('OR')) {
      this.fail(`${TERM} after ${keyword}`);
    }
  }

  /** Whether an upper-case keyword starts here as a whole word. */
  private isKeyword(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    const next = this.text[this.pos + word.length];
    return next === undefined || isSpace(next) || next === '(' || next === '"';
  }

  private keyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos += word.length;
    return true;
  }

  private skipSpace(): void {
    while (isSpace(this.peek())) this.pos++;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private fail(expected: string): never {
    this.failAt(this.pos, expected, this.foundHere());
  }

  private failAt(position: number, expected: string, found: string | undefined): never {
    throw new SearchSyntaxError(position, expected, found);
  }

  /** The token at the current position, for messages. */
  private foundHere(): string | undefined {
    if (this.atEnd()) return undefined;
    const rest = this.text.slice(this.pos);
    return /^[^\s()"]+/.exec(rest)?.[0] ?? rest[0];
  }
}

/** Parse a search query to its syntax tree; throws `SearchSyntaxError` on invalid input. */
export function parseSearch(q: string): SearchNode {
  if (q.length > MAX_SEARCH_LENGTH) {
    throw new SearchSyntaxError(
      MAX_SEARCH_LENGTH,
      `at most ${MAX_SEARCH_LENGTH} characters`,
      q.slice(MAX_SEARCH_LENGTH, MAX_SEARCH_LENGTH + 10),
    );
  }
  return new Parser(q).parse();
}
