import { describe, expect, it } from 'vitest';
import { attributePairs } from './attribute-pairs.js';

describe('attributePairs', () => {
  it.each<[string, string[], (string | null)[]]>([
    ['{}', [], []],
    ['', [], []],
    ['{"a":"x","b":1,"c":true,"d":null}', ['a', 'b', 'c', 'd'], ['x', '1', 'true', null]],
    ['{"big":12345678901234567890}', ['big'], ['12345678901234567890']],
    ['{"n":{"a":[1,"}"]},"m":[{"x":"]"}]}', ['n', 'm'], ['{"a":[1,"}"]}', '[{"x":"]"}]']],
    ['{"q\\"k":"v\\"\\n"}', ['q"k'], ['v"\n']],
    [' { "a" : "x" , "b" : -1.5e3 } ', ['a', 'b'], ['x', '-1.5e3']],
  ])('%s', (json, keys, values) => {
    expect(attributePairs(json)).toEqual({ keys, values });
  });

  it('refuses what is not a JSON object', () => {
    expect(() => attributePairs('[1]')).toThrow();
    expect(() => attributePairs('{"a":"x"')).toThrow();
  });
});
