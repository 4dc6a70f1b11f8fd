/**
 * PromQL parser: tokens from lexer.ts → the typed AST of ast.ts, with the type checks Prometheus
 * 2.42 makes at parse time and its error messages.
 *
 * Why not @prometheus-io/lezer-promql: its grammar is built for editor highlighting and does not
 * encode the precedence of the postfix modifiers (`a + b offset 5m` parses as `(a + b) offset
 * 5m`, `a + b[5m:1m]` as a subquery of the sum), and it accepts PromQL 3.x syntax Prometheus 2.42
 * rejects. A recursive-descent parser over Prometheus' own token rules gives the right tree and
 * Prometheus' messages.
 */
import type {
  AggregateExpr,
  AggregateOp,
  AtModifier,
  BinaryExpr,
  BinaryOp,
  Cardinality,
  Expr,
  ValueType,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { FUNCTION_SIGNATURES } from './function-signatures.js';
import { ParseError, parseDurationMs, tokenize, unquoteString, type Token } from './lexer.js';
import { compileMatcherRegex } from './regex.js';
import type { LabelMatcher } from './types.js';

const AGGREGATORS = new Set<string>([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
]);

/** Keywords that may still name a metric (Prometheus' `metric_identifier` rule). */
const METRIC_NAME_KEYWORDS = new Set([
  ...AGGREGATORS,
  'by',
  'without',
  'and',
  'or',
  'unless',
  'offset',
  'start',
  'end',
  'atan2',
]);

const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

const COMPARISON = new Set<BinaryOp>(['==', '!=', '<', '<=', '>', '>=']);
const SET_OPS = new Set<BinaryOp>(['and', 'or', 'unless']);

export const isComparison = (op: BinaryOp): boolean => COMPARISON.has(op);
export const isSetOperator = (op: BinaryOp): boolean => SET_OPS.has(op);

/** Go's %q of a string. */
export function goQuote(value: string): string {
  let out = '"';
  for (const c of value) {
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else out += c;
  }
  return `${out}"`;
}

/** How Prometheus names a token in "unexpected ..." messages (Item.desc). */
function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of input';
    case 'identifier':
      return `identifier ${goQuote(t.text)}`;
    case 'metric identifier':
      return `metric identifier ${goQuote(t.text)}`;
    case 'keyword':
      return AGGREGATORS.has(t.text) ? `<aggr:${t.text}>` : `<${t.text}>`;
    case 'op':
      return t.text === '=' || t.text === '=~' || t.text === '!~'
        ? goQuote(t.text)
        : `<op:${t.text}>`;
    case 'number':
    case 'duration':
    case 'string': {
      const chars = Array.from(t.text);
      const quoted =
        chars.length > 10 ? `${goQuote(chars.slice(0, 10).join(''))}...` : goQuote(t.text);
      return `${t.type} ${quoted}`;
    }
    default:
      return goQuote(t.text);
  }
}

/** Go's strconv-style number literal (ParseInt base 0 first, then ParseFloat). */
export function parseNumberLiteral(text: string): number | undefined {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(text)) return Number(text);
  return undefined;
}

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector':
    case 'aggregate':
      return 'instant vector';
    case 'matrix':
    case 'subquery':
      return 'range vector';
    case 'call':
      return FUNCTION_SIGNATURES.get(e.name)!.returnType;
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'instant vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}

/** Prometheus' internal value type names (used by a few messages). */
function internalTypeName(t: ValueType): string {
  return t === 'instant vector' ? 'vector' : t === 'range vector' ? 'matrix' : t;
}

/** Deepest nesting accepted; deeper queries are refused instead of exhausting the stack. */
export const MAX_NESTING_DEPTH = 500;

export function parseExpr(query: string): Expr {
  return new Parser(query).parseTop();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly query: string) {
    this.tokens = tokenize(query);
  }

  parseTop(): Expr {
    if (this.peek().type === 'eof') throw this.error(0, 'no expression found in input');
    const e = this.parseBinary(0);
    const t = this.peek();
    if (t.type !== 'eof') throw this.unexpected(t);
    return e;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private error(pos: number, detail: string): ParseError {
    return new ParseError(pos, detail, this.query);
  }

  private unexpected(t: Token, context?: string, expected?: string): ParseError {
    let msg = `unexpected ${describe(t)}`;
    if (context) msg += ` in ${context}`;
    if (expected) msg += `, expected ${expected}`;
    return this.error(t.pos, msg);
  }

  private expect(type: Token['type'], context?: string, expected?: string): Token {
    const t = this.peek();
    if (t.type !== type) throw this.unexpected(t, context, expected);
    return this.next();
  }

  private binaryOpAt(t: Token): BinaryOp | undefined {
    if (t.type !== 'op') return undefined;
    return t.text in PRECEDENCE ? (t.text as BinaryOp) : undefined;
  }

  private parseBinary(minPrec: number): Expr {
    let lhs = this.parseUnary();
    // Each operator of a left-associative chain nests the tree one level deeper.
    for (let chain = 1; ; chain++) {
      const t = this.peek();
      const op = this.binaryOpAt(t);
      if (!op) return lhs;
      const prec = PRECEDENCE[op];
      if (prec < minPrec) return lhs;
      if (this.depth + chain > MAX_NESTING_DEPTH) {
        throw this.error(t.pos, `expression nested more than ${MAX_NESTING_DEPTH} levels deep`);
      }
      this.next();
      const modifiers = this.parseBinaryModifiers();
      const rhs = this.parseBinary(op === '^' ? prec : prec + 1);
      lhs = this.makeBinary(op, lhs, rhs, t.pos, modifiers);
    }
  }

  private parseBinaryModifiers(): {
    returnBool: boolean;
    matching: VectorMatching | undefined;
  } {
    let returnBool = false;
    if (this.peek().type === 'keyword' && this.peek().text === 'bool') {
      this.next();
      returnBool = true;
    }
    const t = this.peek();
    if (t.type !== 'keyword' || (t.text !== 'on' && t.text !== 'ignoring')) {
      return { returnBool, matching: undefined };
    }
    this.next();
    const labels = this.parseGroupingLabels();
    let card: Cardinality = 'one-to-one';
    let include: string[] = [];
    const g = this.peek();
    if (g.type === 'keyword' && (g.text === 'group_left' || g.text === 'group_right')) {
      this.next();
      card = g.text === 'group_left' ? 'many-to-one' : 'one-to-many';
      if (this.peek().type === '(') include = this.parseGroupingLabels();
    }
    return { returnBool, matching: { card, on: t.text === 'on', labels, include } };
  }

  private parseGroupingLabels(): string[] {
    this.expect('(', 'grouping opts', '"("');
    const labels: string[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === ')') {
        this.next();
        return labels;
      }
      if (
        t.type === 'identifier' ||
        t.type === 'keyword' ||
        (t.type === 'op' && /^[a-z]/.test(t.text))
      ) {
        this.next();
        labels.push(t.text);
      } else {
        throw this.unexpected(t, 'grouping opts', 'label');
      }
      const sep = this.peek();
      if (sep.type === ',') this.next();
      else if (sep.type !== ')') throw this.unexpected(sep, 'grouping opts', '"," or ")"');
    }
  }

  private depth = 0;

  private parseUnary(): Expr {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw this.error(
        this.peek().pos,
        `expression nested more than ${MAX_NESTING_DEPTH} levels deep`,
      );
    }
    try {
      return this.parseUnaryInner();
    } finally {
      this.depth--;
    }
  }

  private parseUnaryInner(): Expr {
    const t = this.peek();
    if (t.type === 'op' && (t.text === '+' || t.text === '-')) {
      this.next();
      const operand = this.parseBinary(PRECEDENCE['^']);
      if (operand.kind === 'number') {
        return {
          kind: 'number',
          value: t.text === '-' ? -operand.value : operand.value,
          pos: t.pos,
        };
      }
      const type = typeOf(operand);
      if (type !== 'scalar' && type !== 'instant vector') {
        throw this.error(
          t.pos,
          `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuote(type)}`,
        );
      }
      return { kind: 'unary', op: t.text, expr: operand, pos: t.pos };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.type) {
      case 'number': {
        this.next();
        const value = parseNumberLiteral(t.text);
        if (value === undefined) {
          throw this.error(
            t.pos,
            `error parsing number: strconv.ParseFloat: parsing ${goQuote(t.text)}: invalid syntax`,
          );
        }
        return { kind: 'number', value, pos: t.pos };
      }
      case 'string':
        this.next();
        return { kind: 'string', value: unquoteString(t, this.query), pos: t.pos };
      case '(': {
        this.next();
        const expr = this.parseBinary(0);
        this.expect(')', undefined, undefined);
        return { kind: 'paren', expr, pos: t.pos };
      }
      case '{':
        return this.parseVectorSelector(undefined, t.pos);
      case 'identifier':
      case 'metric identifier':
      case 'keyword':
      case 'op': {
        const word = t.text;
        const isName =
          t.type === 'identifier' ||
          t.type === 'metric identifier' ||
          METRIC_NAME_KEYWORDS.has(word);
        if (!isName) throw this.unexpected(t);
        if (t.type === 'keyword' && AGGREGATORS.has(word)) {
          const after = this.peek(1);
          if (
            after.type === '(' ||
            (after.type === 'keyword' && (after.text === 'by' || after.text === 'without'))
          ) {
            return this.parseAggregate();
          }
        }
        if (t.type === 'identifier' && this.peek(1).type === '(') return this.parseCall();
        this.next();
        return this.parseVectorSelector(word, t.pos);
      }
      default:
        throw this.unexpected(t);
    }
  }

  private parseCall(): Expr {
    const nameToken = this.next();
    const name = nameToken.text;
    const signature = FUNCTION_SIGNATURES.get(name);
    if (!signature) throw this.error(nameToken.pos, `unknown function with name ${goQuote(name)}`);
    const args = this.parseArgs('function call');
    const n = signature.argTypes.length;
    if (signature.variadic === 0) {
      if (n !== args.length) {
        throw this.error(
          nameToken.pos,
          `expected ${n} argument(s) in call to ${goQuote(name)}, got ${args.length}`,
        );
      }
    } else {
      const min = n - 1;
      if (min > args.length) {
        throw this.error(
          nameToken.pos,
          `expected at least ${min} argument(s) in call to ${goQuote(name)}, got ${args.length}`,
        );
      }
      const max = min + signature.variadic;
      if (signature.variadic > 0 && max < args.length) {
        throw this.error(
          nameToken.pos,
          `expected at most ${max} argument(s) in call to ${goQuote(name)}, got ${args.length}`,
        );
      }
    }
    args.forEach((arg, i) => {
      const want = signature.argTypes[Math.min(i, n - 1)]!;
      this.expectType(arg, want, `call to function ${goQuote(name)}`);
    });
    return { kind: 'call', name, args, pos: nameToken.pos };
  }

  private parseArgs(context: string): Expr[] {
    this.expect('(', context, '"("');
    const args: Expr[] = [];
    if (this.peek().type === ')') {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseBinary(0));
      const t = this.peek();
      if (t.type === ',') {
        this.next();
        continue;
      }
      if (t.type === ')') {
        this.next();
        return args;
      }
      throw this.unexpected(t, context, '"," or ")"');
    }
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const got = typeOf(e);
    if (got !== want) throw this.error(e.pos, `expected type ${want} in ${context}, got ${got}`);
  }

  private parseAggregate(): AggregateExpr {
    const opToken = this.next();
    const op = opToken.text as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let modifierSeen = false;
    const readModifier = (): void => {
      const m = this.peek();
      if (m.type === 'keyword' && (m.text === 'by' || m.text === 'without')) {
        if (modifierSeen) throw this.unexpected(m);
        this.next();
        without = m.text === 'without';
        grouping = this.parseGroupingLabels();
        modifierSeen = true;
      }
    };
    readModifier();
    if (this.peek().type !== '(') throw this.unexpected(this.peek(), 'aggregation');
    const args = this.parseArgs('aggregation');
    readModifier();
    if (args.length === 0)
      throw this.error(opToken.pos, 'no arguments for aggregate expression provided');
    const withParam =
      op === 'topk' || op === 'bottomk' || op === 'quantile' || op === 'count_values';
    const desired = withParam ? 2 : 1;
    if (args.length !== desired) {
      throw this.error(
        opToken.pos,
        `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`,
      );
    }
    const expr = args[desired - 1]!;
    const param = withParam ? args[0] : undefined;
    this.expectType(expr, 'instant vector', 'aggregation expression');
    if (param) {
      this.expectType(param, op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
    }
    return { kind: 'aggregate', op, expr, param, grouping, without, pos: opToken.pos };
  }

  private parseVectorSelector(name: string | undefined, pos: number): VectorSelector {
    const matchers: LabelMatcher[] = [];
    if (this.peek().type === '{') {
      this.next();
      for (;;) {
        const t = this.peek();
        if (t.type === '}') {
          this.next();
          break;
        }
        if (t.type !== 'identifier')
          throw this.unexpected(t, 'label matching', 'identifier or "}"');
        this.next();
        const opTok = this.peek();
        if (opTok.type !== 'op' || !['=', '!=', '=~', '!~'].includes(opTok.text)) {
          throw this.unexpected(opTok, 'label matching', 'label matching operator');
        }
        this.next();
        const valueTok = this.peek();
        if (valueTok.type !== 'string') throw this.unexpected(valueTok, 'label matching', 'string');
        this.next();
        const matcher: LabelMatcher = {
          name: t.text,
          type: opTok.text as LabelMatcher['type'],
          value: unquoteString(valueTok, this.query),
        };
        if (matcher.type === '=~' || matcher.type === '!~') {
          try {
            compileMatcherRegex(matcher.value);
          } catch (err) {
            throw this.error(t.pos, `error parsing regexp: ${(err as Error).message}`);
          }
        }
        matchers.push(matcher);
        const sep = this.peek();
        if (sep.type === ',') this.next();
        else if (sep.type !== '}') throw this.unexpected(sep, 'label matching', '"," or "}"');
      }
    }
    if (name !== undefined) {
      const dup = matchers.find((m) => m.name === '__name__');
      if (dup)
        throw this.error(
          pos,
          `metric name must not be set twice: ${goQuote(name)} or ${goQuote(dup.value)}`,
        );
      matchers.push({ name: '__name__', type: '=', value: name });
    } else if (!matchers.some((m) => !matchesEmpty(m))) {
      throw this.error(pos, 'vector selector must contain at least one non-empty matcher');
    }
    const nameMatcher = matchers.find((m) => m.name === '__name__' && m.type === '=');
    return {
      kind: 'vector',
      name: name ?? nameMatcher?.value,
      matchers,
      offsetMs: 0,
      offsetSet: false,
      at: undefined,
      pos,
    };
  }

  /** `context` undefined: a range, where Prometheus' lexer demands a duration. */
  private parseDuration(context?: string, expected = 'duration'): { ms: number; pos: number } {
    const t = this.peek();
    if (t.type !== 'duration') {
      if (context === undefined) throw this.error(t.pos, 'missing unit character in duration');
      throw this.unexpected(t, context, expected);
    }
    this.next();
    const ms = parseDurationMs(t.text);
    if (ms === undefined)
      throw this.error(t.pos, `not a valid duration string: ${goQuote(t.text)}`);
    return { ms, pos: t.pos };
  }

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.type === '[') {
        this.next();
        const range = this.parseDuration();
        if (this.peek().type === ':') {
          this.next();
          let stepMs = 0;
          if (this.peek().type !== ']') {
            const step = this.parseDuration('subquery selector', 'duration or "]"');
            if (step.ms === 0) throw this.error(step.pos, 'duration must be greater than 0');
            stepMs = step.ms;
          }
          this.expect(']', 'subquery selector', '"]"');
          if (range.ms === 0) throw this.error(range.pos, 'duration must be greater than 0');
          const type = typeOf(expr);
          if (type !== 'instant vector') {
            throw this.error(
              expr.pos,
              `subquery is only allowed on instant vector, got ${internalTypeName(type)} instead`,
            );
          }
          expr = {
            kind: 'subquery',
            expr,
            rangeMs: range.ms,
            stepMs,
            offsetMs: 0,
            offsetSet: false,
            at: undefined,
            pos: expr.pos,
          };
          continue;
        }
        this.expect(']', 'matrix selector', '"]"');
        if (expr.kind !== 'vector')
          throw this.error(t.pos, 'ranges only allowed for vector selectors');
        if (expr.offsetSet) throw this.error(t.pos, 'no offset modifiers allowed before range');
        if (expr.at !== undefined) throw this.error(t.pos, 'no @ modifiers allowed before range');
        if (range.ms === 0) throw this.error(range.pos, 'duration must be greater than 0');
        expr = { kind: 'matrix', vector: expr, rangeMs: range.ms, pos: expr.pos };
        continue;
      }
      if (t.type === 'keyword' && t.text === 'offset') {
        this.next();
        let sign = 1;
        const s = this.peek();
        if (s.type === 'op' && (s.text === '-' || s.text === '+')) {
          this.next();
          if (s.text === '-') sign = -1;
        }
        const d = this.parseDuration('offset');
        const target = modifierTarget(expr);
        if (!target) {
          throw this.error(
            expr.pos,
            'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
          );
        }
        if (target.offsetSet) throw this.error(expr.pos, 'offset may not be set multiple times');
        target.offsetMs = sign * d.ms;
        target.offsetSet = true;
        continue;
      }
      if (t.type === '@') {
        this.next();
        const at = this.parseAt();
        const target = modifierTarget(expr);
        if (!target) {
          throw this.error(
            expr.pos,
            '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
          );
        }
        if (target.at !== undefined)
          throw this.error(expr.pos, '@ <timestamp> may not be set multiple times');
        target.at = at;
        continue;
      }
      return expr;
    }
  }

  private parseAt(): AtModifier {
    const t = this.peek();
    if (t.type === 'keyword' && (t.text === 'start' || t.text === 'end')) {
      this.next();
      this.expect('(', '@', 'timestamp');
      this.expect(')', '@', 'timestamp');
      return t.text;
    }
    let sign = 1;
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      if (t.text === '-') sign = -1;
    }
    const n = this.peek();
    if (n.type !== 'number') throw this.unexpected(n, '@', 'timestamp');
    this.next();
    const value = parseNumberLiteral(n.text);
    if (value === undefined || !Number.isFinite(value)) {
      throw this.error(n.pos, `timestamp out of bounds for @ modifier: ${value ?? n.text}`);
    }
    return Math.round(sign * value * 1000);
  }

  private makeBinary(
    op: BinaryOp,
    lhs: Expr,
    rhs: Expr,
    opPos: number,
    modifiers: { returnBool: boolean; matching: VectorMatching | undefined },
  ): BinaryExpr {
    const { returnBool } = modifiers;
    let matching = modifiers.matching;
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    if (returnBool && !isComparison(op)) {
      throw this.error(opPos, 'bool modifier can only be used on comparison operators');
    }
    if (isComparison(op) && !returnBool && lt === 'scalar' && rt === 'scalar') {
      throw this.error(opPos, 'comparisons between scalars must use BOOL modifier');
    }
    if (matching?.on) {
      for (const l of matching.labels) {
        if (matching.include.includes(l)) {
          throw this.error(
            opPos,
            `label ${goQuote(l)} must not occur in ON and GROUP clause at once`,
          );
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'instant vector') {
      throw this.error(
        lhs.pos,
        'binary expression must contain only scalar and instant vector types',
      );
    }
    if (rt !== 'scalar' && rt !== 'instant vector') {
      throw this.error(
        rhs.pos,
        'binary expression must contain only scalar and instant vector types',
      );
    }
    if (lt !== 'instant vector' || rt !== 'instant vector') {
      if (matching && matching.labels.length > 0) {
        throw this.error(lhs.pos, 'vector matching only allowed between instant vectors');
      }
      matching = undefined;
    } else {
      matching ??= { card: 'one-to-one', on: false, labels: [], include: [] };
      if (isSetOperator(op)) {
        if (matching.card === 'one-to-many' || matching.card === 'many-to-one') {
          throw this.error(lhs.pos, `no grouping allowed for ${goQuote(op)} operation`);
        }
        matching = { ...matching, card: 'many-to-many' };
      }
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOperator(op)) {
      throw this.error(
        lhs.pos,
        `set operator ${goQuote(op)} not allowed in binary scalar expression`,
      );
    }
    return { kind: 'binary', op, lhs, rhs, returnBool, matching, pos: lhs.pos };
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compileMatcherRegex(m.value).test('');
    case '!~':
      return !compileMatcherRegex(m.value).test('');
  }
}

function modifierTarget(
  e: Expr,
): { offsetMs: number; offsetSet: boolean; at: AtModifier | undefined } | undefined {
  if (e.kind === 'vector' || e.kind === 'subquery') return e;
  if (e.kind === 'matrix') return e.vector;
  return undefined;
}

/** Whether a selector must be evaluated with Prometheus' default evaluation types (for the engine). */
export type { Expr };
