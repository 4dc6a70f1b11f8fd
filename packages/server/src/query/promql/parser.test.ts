import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { parseExpr } from './parser.js';

/** A compact rendering of the tree to assert structure and precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'string':
      return JSON.stringify(e.value);
    case 'vector': {
      const m = e.matchers
        .filter((x) => x.name !== '__name__' || e.name === undefined)
        .map((x) => `${x.name}${x.type}${JSON.stringify(x.value)}`);
      let s = `${e.name ?? ''}{${m.join(',')}}`;
      if (e.offsetSet) s += ` offset ${e.offsetMs}`;
      if (e.at !== undefined) s += ` @ ${e.at}`;
      return s;
    }
    case 'matrix':
      return `${show({ ...e.vector, offsetSet: false, at: undefined })}[${e.rangeMs}]${e.vector.offsetSet ? ` offset ${e.vector.offsetMs}` : ''}${e.vector.at !== undefined ? ` @ ${e.vector.at}` : ''}`;
    case 'subquery':
      return `(${show(e.expr)})[${e.rangeMs}:${e.stepMs}]${e.offsetSet ? ` offset ${e.offsetMs}` : ''}${e.at !== undefined ? ` @ ${e.at}` : ''}`;
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')})`;
    case 'aggregate':
      return `${e.op}${e.without ? ' without' : ' by'}(${e.grouping.join(',')})(${e.param ? `${show(e.param)}, ` : ''}${show(e.expr)})`;
    case 'binary': {
      const m = e.matching;
      const isDefault =
        m &&
        !m.on &&
        m.labels.length === 0 &&
        m.include.length === 0 &&
        (m.card === 'one-to-one' || m.card === 'many-to-many');
      const mod =
        m && !isDefault
          ? ` ${m.card}${m.on ? ' on' : ' ignoring'}(${m.labels.join(',')})${m.include.length ? `(${m.include.join(',')})` : ''}`
          : '';
      return `(${show(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${mod} ${show(e.rhs)})`;
    }
    case 'unary':
      return `${e.op}(${show(e.expr)})`;
    case 'paren':
      return `(${show(e.expr)})`;
  }
}

describe('parseExpr: structure', () => {
  it.each([
    ['a + b offset 5m', '(a{} + b{} offset 300000)'],
    ['a + max_over_time(b[5m:1m])', '(a{} + max_over_time((b{})[300000:60000]))'],
    ['a * b @ 5', '(a{} * b{} @ 5000)'],
    ['-a ^ 2', '-((a{} ^ 2))'],
    ['-a * 2', '(-(a{}) * 2)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['-2 ^ 2', '-((2 ^ 2))'],
    ['-1', '-1'],
    ['a or b and c unless d', '(a{} or ((b{} and c{}) unless d{}))'],
    ['a == b + c * d', '(a{} == (b{} + (c{} * d{})))'],
    ['a > bool b', '(a{} > bool b{})'],
    ['a / on(x, y) group_left(z) b', '(a{} / many-to-one on(x,y)(z) b{})'],
    ['a - ignoring(x) group_right b', '(a{} - one-to-many ignoring(x) b{})'],
    ['a and on(x) b', '(a{} and many-to-many on(x) b{})'],
    ['sum by (job) (rate(x[5m]))', 'sum by(job)(rate(x{}[300000]))'],
    ['sum(x) without (a, b)', 'sum without(a,b)(x{})'],
    ['topk(3, x)', 'topk by()(3, x{})'],
    ['count_values("v", x)', 'count_values by()("v", x{})'],
    ['x[5m] offset -1m @ start()', 'x{}[300000] offset -60000 @ start'],
    ['x[1h30m:] @ end() offset 1m', '(x{})[5400000:0] offset 60000 @ end'],
    ['{__name__=~"a.*", job!="x"}', '{__name__=~"a.*",job!="x"}'],
    ["x{a='b', c=`d\\e`,}", 'x{a="b",c="d\\\\e"}'],
    ['x{a="\\u00e9\\n"}', 'x{a="é\\n"}'],
    ['sum', 'sum{}'],
    ['by', 'by{}'],
    ['SUM BY (a) (x)', 'sum by(a)(x{})'],
    ['0x1f + 010 + 1e3 + .5 + Inf', '((((31 + 8) + 1000) + 0.5) + Infinity)'],
    ['x # comment\n + 1', '(x{} + 1)'],
    ['abs(x) @ 5', 'abs(x{})'],
  ])('%s', (query, expected) => {
    if (query === 'abs(x) @ 5') {
      expect(() => parseExpr(query)).toThrow(/@ modifier must be preceded/);
      return;
    }
    expect(show(parseExpr(query))).toBe(expected);
  });
});

describe('parseExpr: errors as Prometheus 2.42 reports them', () => {
  it.each([
    ['sum(rate(x[5m])', '1:16: parse error: unclosed left parenthesis'],
    [
      'rate(x)',
      '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    ],
    ['x[5m][5m]', '1:6: parse error: ranges only allowed for vector selectors'],
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{a="b"', '1:10: parse error: unexpected end of input inside braces'],
    ['1 +', '1:4: parse error: unexpected end of input'],
    ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
    ['unknownfn(x)', '1:1: parse error: unknown function with name "unknownfn"'],
    ['x{__name__="y"}', '1:1: parse error: metric name must not be set twice: "x" or "y"'],
    ['1 and 2', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['x[5]', '1:3: parse error: missing unit character in duration'],
    ['x{a="\\q"}', "1:5: parse error: unknown escape sequence U+0071 'q'"],
    ['foo[5m:1m:1m]', "1:10: parse error: unexpected colon ':'"],
    ['sum(x) by', '1:10: parse error: unexpected end of input in grouping opts, expected "("'],
    [')', "1:2: parse error: unexpected right parenthesis ')'"],
    [
      'sum(x, y)',
      '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2',
    ],
    [
      'round(x, 1, 2)',
      '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3',
    ],
    [
      'label_join(x)',
      '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1',
    ],
    ['1 > 2', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['x + bool y', '1:3: parse error: bool modifier can only be used on comparison operators'],
    ['x and on(a) group_left y', '1:1: parse error: no grouping allowed for "and" operation'],
    [
      'x * on(a) group_left(a) y',
      '1:3: parse error: label "a" must not occur in ON and GROUP clause at once',
    ],
    [
      '-x[5m]',
      '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
    ],
    ['x offset 5m offset 5m', '1:1: parse error: offset may not be set multiple times'],
    ['x @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    ['x offset 5m [5m]', '1:13: parse error: no offset modifiers allowed before range'],
    [
      '(x[5m])[5m:]',
      '1:1: parse error: subquery is only allowed on instant vector, got matrix instead',
    ],
    [
      'x{a}',
      '1:4: parse error: unexpected "}" in label matching, expected label matching operator',
    ],
    ['x[1.5m]', '1:3: parse error: not a valid duration string: "1.5m"'],
    ['x[0s]', '1:3: parse error: duration must be greater than 0'],
    ['!x', "1:1: parse error: unexpected character after '!': 'x'"],
    ['* x', '1:1: parse error: unexpected <op:*>'],
    ['x offset 5', '1:10: parse error: unexpected number "5" in offset, expected duration'],
    ['x{a="\\400"}', '1:5: parse error: escape sequence is an invalid Unicode code point'],
    [
      '1e',
      '1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e": invalid syntax',
    ],
    ['', '1:1: parse error: no expression found in input'],
    ['x\n  + )', "2:6: parse error: unexpected right parenthesis ')'"],
    [`${'-'.repeat(600)}1`, '1:501: parse error: expression nested more than 500 levels deep'],
  ])('%s', (query, message) => {
    expect(() => parseExpr(query)).toThrow(message);
    try {
      parseExpr(query);
    } catch (err) {
      expect((err as Error).message).toBe(message);
      expect((err as { errorType?: string }).errorType).toBe('bad_data');
    }
  });
});
