/**
 * PromQL lexer following Prometheus 2.42's `promql/parser/lex.go`: the same token classes, the
 * same context rules (inside braces every word is a label name) and the same error messages.
 */
import { PromQLError } from './types.js';

export type TokenType =
  | 'identifier'
  | 'metric identifier'
  | 'keyword'
  | 'number'
  | 'duration'
  | 'string'
  | 'op'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | '@'
  | 'eof';

export interface Token {
  readonly type: TokenType;
  /** Source text (for keywords: lower-cased). */
  readonly text: string;
  readonly pos: number;
}

/** Words that are keywords outside braces (lower-case; PromQL keywords are case-insensitive). */
export const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'start',
  'end',
]);

const OPERATOR_WORDS = new Set(['and', 'or', 'unless', 'atan2']);

export class ParseError extends PromQLError {
  constructor(
    readonly pos: number,
    readonly detail: string,
    query: string,
  ) {
    super('bad_data', `${position(query, pos)}: parse error: ${detail}`);
  }
}

function position(query: string, pos: number): string {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < pos && i < query.length; i++) {
    if (query[i] === '\n') {
      line++;
      lastBreak = i;
    }
  }
  return `${line}:${pos - lastBreak}`;
}

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isAlnum = (c: string): boolean => isAlpha(c) || isDigit(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Go's %q of one character ('x'). */
function quoteRune(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '\n') return `'\\n'`;
  if (c === '\t') return `'\\t'`;
  return `'${c}'`;
}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let parenDepth = 0;
  let braceOpen = false;
  let bracketOpen = false;
  let gotColon = false;
  const fail = (at: number, detail: string): never => {
    throw new ParseError(at, detail, query);
  };
  const push = (type: TokenType, start: number, text: string): void => {
    tokens.push({ type, text, pos: start });
  };

  while (pos < query.length) {
    const c = query[pos]!;
    const start = pos;
    if (isSpace(c)) {
      pos++;
      continue;
    }
    if (c === '#') {
      while (pos < query.length && query[pos] !== '\n') pos++;
      continue;
    }
    if (braceOpen) {
      // Inside braces: label names, strings, matcher operators, commas.
      if (isAlpha(c)) {
        while (pos < query.length && isAlnum(query[pos]!)) pos++;
        push('identifier', start, query.slice(start, pos));
      } else if (c === ',') {
        pos++;
        push(',', start, ',');
      } else if (c === '"' || c === "'" || c === '`') {
        pos = scanString(query, pos, fail);
        push('string', start, query.slice(start, pos));
      } else if (c === '=') {
        pos++;
        if (query[pos] === '~') {
          pos++;
          push('op', start, '=~');
        } else push('op', start, '=');
      } else if (c === '!') {
        pos++;
        const n = query[pos];
        if (n === '~' || n === '=') {
          pos++;
          push('op', start, `!${n}`);
        } else {
          fail(start, `unexpected character after '!' inside braces: ${quoteRune(n ?? '')}`);
        }
      } else if (c === '}') {
        pos++;
        push('}', start, '}');
        braceOpen = false;
      } else if (c === '{') {
        fail(start, `unexpected left brace '{' inside braces`);
      } else {
        fail(start, `unexpected character inside braces: ${quoteRune(c)}`);
      }
      continue;
    }
    if (c === ',') {
      pos++;
      push(',', start, ',');
    } else if (c === '(') {
      pos++;
      parenDepth++;
      push('(', start, '(');
    } else if (c === ')') {
      pos++;
      push(')', start, ')');
      parenDepth--;
      if (parenDepth < 0) fail(pos, `unexpected right parenthesis ')'`);
    } else if (c === '{') {
      pos++;
      push('{', start, '{');
      braceOpen = true;
    } else if (c === '}') {
      fail(start, `unexpected character: '}'`);
    } else if (c === '[') {
      if (bracketOpen) fail(pos, `unexpected left bracket '['`);
      pos++;
      gotColon = false;
      bracketOpen = true;
      push('[', start, '[');
    } else if (c === ']') {
      if (!bracketOpen) fail(start, `unexpected right bracket ']'`);
      pos++;
      bracketOpen = false;
      push(']', start, ']');
    } else if (c === ':' && bracketOpen) {
      if (gotColon) fail(start, `unexpected colon ':'`);
      gotColon = true;
      pos++;
      push(':', start, ':');
    } else if (c === '@') {
      pos++;
      push('@', start, '@');
    } else if (c === '"' || c === "'" || c === '`') {
      pos = scanString(query, pos, fail);
      push('string', start, query.slice(start, pos));
    } else if (isDigit(c) || (c === '.' && isDigit(query[pos + 1] ?? ''))) {
      pos = scanNumberOrDuration(query, pos, fail);
      const text = query.slice(start, pos);
      push(/[smhdwy]$/.test(text) && !/^0[xX]/.test(text) ? 'duration' : 'number', start, text);
    } else if (isAlpha(c) || c === ':') {
      if (c === ':' && !bracketOpen) {
        // A leading colon starts a metric name outside brackets.
      }
      while (pos < query.length && (isAlnum(query[pos]!) || query[pos] === ':')) pos++;
      const word = query.slice(start, pos);
      const lower = word.toLowerCase();
      if (word.includes(':')) push('metric identifier', start, word);
      else if (KEYWORDS.has(lower))
        push(OPERATOR_WORDS.has(lower) ? 'op' : 'keyword', start, lower);
      else if (lower === 'inf' || lower === 'nan') push('number', start, word);
      else push('identifier', start, word);
    } else if ('+-*/%^'.includes(c)) {
      pos++;
      push('op', start, c);
    } else if (c === '=') {
      pos++;
      if (query[pos] === '=') {
        pos++;
        push('op', start, '==');
      } else if (query[pos] === '~') {
        pos++;
        fail(start, `unexpected character after '=': '~'`);
      } else {
        push('op', start, '=');
      }
    } else if (c === '!') {
      pos++;
      if (query[pos] === '=') {
        pos++;
        push('op', start, '!=');
      } else {
        fail(start, `unexpected character after '!': ${quoteRune(query[pos] ?? '')}`);
      }
    } else if (c === '<' || c === '>') {
      pos++;
      if (query[pos] === '=') {
        pos++;
        push('op', start, `${c}=`);
      } else push('op', start, c);
    } else {
      fail(start, `unexpected character: ${quoteRune(c)}`);
    }
  }
  if (braceOpen) fail(pos, 'unexpected end of input inside braces');
  if (bracketOpen) fail(pos, 'unclosed left bracket');
  if (parenDepth > 0) fail(pos, 'unclosed left parenthesis');
  tokens.push({ type: 'eof', text: '', pos });
  return tokens;
}

function scanString(query: string, pos: number, fail: (at: number, d: string) => never): number {
  const quote = query[pos]!;
  const start = pos;
  pos++;
  while (pos < query.length) {
    const c = query[pos]!;
    if (quote !== '`' && c === '\\') {
      pos += 2;
      continue;
    }
    if (quote !== '`' && c === '\n') break;
    pos++;
    if (c === quote) return pos;
  }
  return fail(start, quote === '`' ? 'unterminated raw string' : 'unterminated quoted string');
}

const DURATION_UNITS = ['ms', 's', 'm', 'h', 'd', 'w', 'y'];

function scanNumberOrDuration(
  query: string,
  pos: number,
  fail: (at: number, d: string) => never,
): number {
  const start = pos;
  // Hex number.
  if (query[pos] === '0' && (query[pos + 1] === 'x' || query[pos + 1] === 'X')) {
    pos += 2;
    while (pos < query.length && /[0-9a-fA-F]/.test(query[pos]!)) pos++;
    if (pos < query.length && isAlnum(query[pos]!)) {
      fail(start, `bad number or duration syntax: "${query.slice(start, pos)}"`);
    }
    return pos;
  }
  // Duration: one or more <digits><unit>.
  const durationRe = /^(?:[0-9]+(?:ms|s|m|h|d|w|y))+/;
  const dm = durationRe.exec(query.slice(pos));
  if (dm && !isAlnum(query[pos + dm[0].length] ?? '') && query[pos + dm[0].length] !== '.') {
    return pos + dm[0].length;
  }
  // As Prometheus' scanner: a dangling exponent ("1e", "1e+") is part of the token and fails later.
  const numberRe = /^(?:[0-9]*\.?[0-9]+|[0-9]+\.)(?:[eE][+-]?[0-9]*)?/;
  const nm = numberRe.exec(query.slice(pos));
  if (nm) pos += nm[0].length;
  const next = query[pos] ?? '';
  if (isAlnum(next) || next === ':') {
    // Prometheus' lexer accepts a number followed by a unit as one token and rejects the rest.
    let end = pos + 1;
    while (end < query.length && isAlnum(query[end]!)) end++;
    const text = query.slice(start, end);
    if (DURATION_UNITS.some((u) => text.endsWith(u))) return end;
    fail(start, `bad number or duration syntax: "${query.slice(start, pos + 1)}"`);
  }
  return pos;
}

/** Go's %U: U+0071. */
function unicodeName(c: string): string {
  return `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Unquote a PromQL string literal as Go's strconv.Unquote does. */
export function unquoteString(token: Token, query: string): string {
  const raw = token.text;
  const quote = raw[0]!;
  const body = raw.slice(1, -1);
  if (quote === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      if (c === quote) throw new ParseError(token.pos, 'invalid syntax', query);
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
    };
    if (e in simple) out += simple[e]!;
    else if (e === quote) out += e;
    else if (e === 'x' || e === 'u' || e === 'U' || (e >= '0' && e <= '7')) {
      const octal = e >= '0' && e <= '7';
      const len = octal ? 3 : e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = octal ? body.slice(i, i + len) : body.slice(i + 1, i + 1 + len);
      const valid = octal ? /^[0-7]$/ : /^[0-9a-fA-F]$/;
      for (let d = 0; d < len; d++) {
        const ch = digits[d] ?? quote;
        if (!valid.test(ch)) {
          throw new ParseError(
            token.pos,
            `illegal character ${unicodeName(ch)} ${quoteRune(ch)} in escape sequence`,
            query,
          );
        }
      }
      const cp = parseInt(digits, octal ? 8 : 16);
      if ((octal && cp > 255) || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
        throw new ParseError(token.pos, 'escape sequence is an invalid Unicode code point', query);
      }
      out += e === 'x' || octal ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      i += octal ? len - 1 : len;
    } else {
      throw new ParseError(
        token.pos,
        `unknown escape sequence ${unicodeName(e)} ${quoteRune(e)}`,
        query,
      );
    }
  }
  return out;
}

/** Parse a Prometheus duration string (`1h30m`, `500ms`) into milliseconds; undefined if invalid. */
export function parseDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /([0-9]+)(ms|s|m|h|d|w|y)/gy;
  const unitMs: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  let total = 0;
  let consumed = 0;
  let lastUnit = Infinity;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const ms = unitMs[m[2]!]!;
    if (ms >= lastUnit) return undefined; // units must be in decreasing order, each at most once
    lastUnit = ms;
    total += Number(m[1]) * ms;
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || text.length === 0) return undefined;
  return total;
}
