import { describe, expect, it } from 'vitest';
import { compileMatcherRegex, expandTemplate } from './regex.js';

describe('RE2 → JavaScript regular expressions', () => {
  it.each([
    ['a.c', 'abc', true],
    ['a.c', 'xabc', false], // fully anchored
    ['a|b', 'b', true],
    ['(?i)api', 'API', true],
    ['[[:digit:]]+', '123', true],
    ['[[:alpha:]_]+', 'ab_c', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['x{2}', 'xx', true],
    ['a{', 'a{', true], // a brace that is not a repetition is a literal in RE2
    ['[]a]', ']', true],
    ['(?P<name>a)b', 'ab', true],
    ['\\pL+', 'é', true],
    ['.', '\n', false],
    ['(?s).', '\n', true],
  ])('%s matches %j: %s', (pattern, input, expected) => {
    expect(compileMatcherRegex(pattern).test(input)).toBe(expected);
  });

  it.each(['(', '\\1', '(?U)a', 'a\\C', '[[:nope:]]'])('refuses %s', (pattern) => {
    expect(() => compileMatcherRegex(pattern)).toThrow();
  });

  it('expands templates as Go regexp.Expand', () => {
    const m = /^(?<first>a)(b)$/.exec('ab')!;
    expect(expandTemplate('$1-${2}', m)).toBe('a-b');
    expect(expandTemplate('$1x', m)).toBe(''); // "$1x" names group "1x"
    expect(expandTemplate('$$1 $first ${first}', m)).toBe('$1 a a');
    expect(expandTemplate('$9', m)).toBe('');
  });
});
