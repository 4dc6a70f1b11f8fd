import { describe, expect, it } from 'vitest';
import type { SearchNode } from './ast.js';
import { explainSearch } from './explain-search.js';
import { parseSearch, SearchSyntaxError } from './parse-search.js';

const text = (value: string, quoted = false): SearchNode => ({ type: 'text', value, quoted });
const match = (field: string, value: string, extra: { quoted?: boolean; prefix?: boolean } = {}) =>
  ({
    type: 'match',
    field,
    value,
    quoted: extra.quoted ?? false,
    prefix: extra.prefix ?? false,
  }) satisfies SearchNode;
const exists = (field: string): SearchNode => ({ type: 'exists', field });
const cmp = (field: string, op: '>' | '>=' | '<' | '<=', value: string): SearchNode => ({
  type: 'compare',
  field,
  op,
  value,
});
const and = (...children: SearchNode[]): SearchNode => ({ type: 'and', children });
const or = (...children: SearchNode[]): SearchNode => ({ type: 'or', children });
const not = (child: SearchNode): SearchNode => ({ type: 'not', child });

const valid: [string, SearchNode][] = [
  // empty and free text
  ['', and()],
  ['   ', and()],
  ['*', and()],
  ['error', text('error')],
  ['  error  ', text('error')],
  ['Timeout', text('Timeout')],
  ['connection refused', and(text('connection'), text('refused'))],
  ['"connection refused"', text('connection refused', true)],
  ['"say \\"hi\\""', text('say "hi"', true)],
  ['"back\\\\slash"', text('back\\slash', true)],
  ['"a (b) c:d"', text('a (b) c:d', true)],
  ['time*', text('time')],
  ['foo\\*bar', text('foo*bar')],
  ['a\\:b', text('a:b')],
  ['\\(paren\\)', text('(paren)')],
  ['a-b', text('a-b')],
  ['GET /api/cart', and(text('GET'), text('/api/cart'))],
  ['500', text('500')],
  ['and', text('and')],
  ['or not', and(text('or'), text('not'))],
  ['ANDROID', text('ANDROID')],
  ['ORDER', text('ORDER')],
  ['NOTICE', text('NOTICE')],
  ['über', text('über')],
  // field:value
  ['service:checkout', match('service', 'checkout')],
  ['service.name:checkout', match('service.name', 'checkout')],
  ['k8s.pod.name:web-1', match('k8s.pod.name', 'web-1')],
  ['user.id:42', match('user.id', '42')],
  ['http.route:/api/cart/{id}', match('http.route', '/api/cart/{id}')],
  ['url.full:http://x.test/a', match('url.full', 'http://x.test/a')],
  ['service:"checkout api"', match('service', 'checkout api', { quoted: true })],
  ['service:""', match('service', '', { quoted: true })],
  ['service:"with*star"', match('service', 'with*star', { quoted: true })],
  ['service:check*', match('service', 'check', { prefix: true })],
  ['service:*', exists('service')],
  ['k8s.pod.name:*', exists('k8s.pod.name')],
  ['@user:bob', match('@user', 'bob')],
  ['_private:x', match('_private', 'x')],
  ['status:ERROR', match('status', 'ERROR')],
  ['level:warn', match('level', 'warn')],
  ['service:NOT', match('service', 'NOT')],
  ['service:a:b', match('service', 'a:b')],
  // comparisons
  ['duration>250ms', cmp('duration', '>', '250ms')],
  ['duration>=1.5s', cmp('duration', '>=', '1.5s')],
  ['duration<10us', cmp('duration', '<', '10us')],
  ['duration<=2m', cmp('duration', '<=', '2m')],
  ['duration>1h', cmp('duration', '>', '1h')],
  ['duration>500ns', cmp('duration', '>', '500ns')],
  ['duration>250', cmp('duration', '>', '250')],
  ['duration:>250ms', cmp('duration', '>', '250ms')],
  ['http.status_code>=500', cmp('http.status_code', '>=', '500')],
  ['http.response.status_code<400', cmp('http.response.status_code', '<', '400')],
  ['severity>=warn', cmp('severity', '>=', 'warn')],
  ['severity>WARN', cmp('severity', '>', 'WARN')],
  ['level<=debug', cmp('level', '<=', 'debug')],
  ['severity>=17', cmp('severity', '>=', '17')],
  ['severity>=warning', cmp('severity', '>=', 'warning')],
  ['retries>-1', cmp('retries', '>', '-1')],
  ['ratio<0.5', cmp('ratio', '<', '0.5')],
  ['bytes>=1e6', cmp('bytes', '>=', '1e6')],
  // boolean structure
  ['a AND b', and(text('a'), text('b'))],
  ['a OR b', or(text('a'), text('b'))],
  ['a OR b OR c', or(text('a'), text('b'), text('c'))],
  ['a b OR c', or(and(text('a'), text('b')), text('c'))],
  ['a OR b c', or(text('a'), and(text('b'), text('c')))],
  ['a AND b OR c AND d', or(and(text('a'), text('b')), and(text('c'), text('d')))],
  ['(a OR b) c', and(or(text('a'), text('b')), text('c'))],
  ['a (b OR c)', and(text('a'), or(text('b'), text('c')))],
  ['((a))', text('a')],
  ['( a )', text('a')],
  ['NOT a', not(text('a'))],
  ['NOT NOT a', not(not(text('a')))],
  ['-a', not(text('a'))],
  ['-service:cart', not(match('service', 'cart'))],
  ['--a', not(not(text('a')))],
  ['a -b', and(text('a'), not(text('b')))],
  ['NOT (a OR b)', not(or(text('a'), text('b')))],
  ['-(a b)', not(and(text('a'), text('b')))],
  ['NOT a b', and(not(text('a')), text('b'))],
  ['a AND NOT b', and(text('a'), not(text('b')))],
  ['NOT"x y"', not(text('x y', true))],
  ['a AND(b)', and(text('a'), text('b'))],
  ['-"x y"', not(text('x y', true))],
  [
    'service.name:checkout duration>250ms',
    and(match('service.name', 'checkout'), cmp('duration', '>', '250ms')),
  ],
  [
    '(service:cart OR service:checkout) -status:ok http.status_code>=500',
    and(
      or(match('service', 'cart'), match('service', 'checkout')),
      not(match('status', 'ok')),
      cmp('http.status_code', '>=', '500'),
    ),
  ],
  ['foo"bar"', and(text('foo'), text('bar', true))],
  ['a\tb\nc', and(text('a'), text('b'), text('c'))],
];

const invalid: [string, number, RegExp][] = [
  ['(', 1, /search term/],
  ['()', 1, /search term inside the parentheses/],
  ['(a', 2, /'\)'/],
  ['(a OR b', 7, /'\)'/],
  ['a)', 1, /end of the query/],
  [')', 0, /search term/],
  ['a AND', 5, /search term after AND/],
  ['a OR', 4, /search term after OR/],
  ['NOT', 3, /search term after NOT/],
  ['a AND OR b', 6, /search term after AND/],
  ['a OR OR b', 5, /search term after OR/],
  ['AND a', 0, /search term/],
  ['OR', 0, /search term/],
  ['a AND )', 6, /search term after AND/],
  ['"unterminated', 13, /closing '"'/],
  ['service:"open', 13, /closing '"'/],
  ['""', 0, /non-empty phrase/],
  ['service:', 8, /value after 'service:'/],
  ['service: cart', 8, /value after 'service:'/],
  ['service:)', 8, /value after 'service:'/],
  ['duration>', 9, /value after 'duration>'/],
  ['duration>=', 10, /value after 'duration>='/],
  ['duration>>5', 9, /value after 'duration>'/],
  ['duration>5x', 9, /duration such as 250ms/],
  ['duration>fast', 9, /duration such as 250ms/],
  ['duration>-5ms', 9, /duration such as 250ms/],
  ['severity>=loud', 10, /severity \(trace, debug/],
  ['severity>=25', 10, /severity/],
  ['http.status_code>=abc', 18, /a number/],
  ['count>5*', 6, /without wildcards/],
  ['*foo', 0, /'\*' only at the end/],
  ['fo*o', 2, /'\*' only at the end/],
  ['service:*cart', 8, /'\*' only at the end/],
  [':value', 0, /field name before ':'/],
  ['>5', 0, /field name before '>'/],
  ['duration >5', 9, /field name before '>'/],
  ['trailing\\', 9, /character after '\\'/],
  ['"x\\', 3, /character after '\\'/],
  ['-', 0, /search term/],
  ['a - b', 2, /search term/],
  ['('.repeat(70) + 'a' + ')'.repeat(70), 65, /levels of nesting/],
  ['x'.repeat(5000), 4096, /at most 4096 characters/],
];

describe('parseSearch', () => {
  it.each(valid)('parses %j', (q, ast) => {
    expect(parseSearch(q)).toEqual(ast);
  });

  it.each(invalid)('rejects %j at position %i', (q, position, expected) => {
    let error: unknown;
    try {
      parseSearch(q);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SearchSyntaxError);
    const syntaxError = error as SearchSyntaxError;
    expect(syntaxError.position).toBe(position);
    expect(syntaxError.message).toMatch(expected);
    expect(syntaxError.expected).toMatch(expected);
  });

  it('has at least 80 table cases', () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(80);
  });
});

describe('explainSearch', () => {
  it.each([
    ['', 'everything'],
    [
      'service.name:checkout duration>250ms',
      'service.name is "checkout" and duration is greater than 250 ms',
    ],
    ['"connection refused"', 'the text contains "connection refused"'],
    ['severity>=warn', 'severity is at least warn'],
    ['level<=WARNING', 'level is at most warn'],
    ['duration<=1.5s', 'duration is at most 1.5 s'],
    ['duration>250', 'duration is greater than 250 ms'],
    ['http.status_code<500', 'http.status_code is less than 500'],
    ['k8s.pod.name:web-*', 'k8s.pod.name starts with "web-"'],
    ['user.id:*', 'user.id exists'],
    ['a OR b c', 'the text contains "a" or (the text contains "b" and the text contains "c")'],
    ['-service:cart', 'not service is "cart"'],
    ['NOT (service:a OR service:b)', 'not (service is "a" or service is "b")'],
  ])('explains %j', (q, explanation) => {
    expect(explainSearch(parseSearch(q))).toBe(explanation);
  });
});
