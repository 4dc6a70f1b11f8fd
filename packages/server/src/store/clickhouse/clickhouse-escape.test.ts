import { describe, expect, it } from 'vitest';
import {
  clickHouseIdentifier,
  clickHouseLiteral,
  clickHouseStringLiteral,
} from './clickhouse-escape.js';

describe('clickHouseLiteral', () => {
  it.each<[unknown, string]>([
    ["it's", "'it\\'s'"],
    ['a\\b', "'a\\\\b'"],
    ["\\'", "'\\\\\\''"],
    ['nul\0', "'nul\\0'"],
    ['line\nbreak', "'line\nbreak'"],
    [null, 'NULL'],
    [true, '1'],
    [false, '0'],
    [42, '42'],
    [-1.5, '(-1.5)'],
    [12345678901234567890n, '12345678901234567890'],
    [-5n, '(-5)'],
    [['a', 1], "['a', 1]"],
  ])('%s → %s', (value, expected) => {
    expect(clickHouseLiteral(value as never)).toBe(expected);
  });

  it('refuses non-finite numbers and odd identifiers', () => {
    expect(() => clickHouseLiteral(NaN)).toThrow(/non-finite/);
    expect(() => clickHouseIdentifier('a`b')).toThrow(/invalid/);
    expect(clickHouseIdentifier('spans')).toBe('`spans`');
  });

  it('never lets a quote end the literal early', () => {
    for (const text of ["'", "\\'", "\\\\'", "''", 'a\\', '\\']) {
      const literal = clickHouseStringLiteral(text);
      const body = literal.slice(1, -1);
      // Every quote inside is escaped by an odd number of backslashes.
      for (const match of body.matchAll(/(\\*)'/g)) expect(match[1]!.length % 2).toBe(1);
      // The body never ends in an unpaired backslash that would escape the closing quote.
      expect(/(\\*)$/.exec(body)![1]!.length % 2).toBe(0);
    }
  });
});
