import { describe, expect, it } from 'vitest';
import { parseSearch } from './parse-search.js';
import { requiredLogBodyText } from './required-text.js';

describe('requiredLogBodyText', () => {
  it.each([
    ['', []],
    ['timeout', ['timeout']],
    ['"connection reset" service.name:api', ['connection reset']],
    ['error AND (timeout OR refused)', ['error']],
    ['-timeout', []],
    ['NOT (a AND b)', []],
    ['body:"disk full" message:quota', ['disk full', 'quota']],
    ['severity>=warn level:error', []],
    ['user.id:bob checkout', ['checkout']],
  ])('%s → %j', (query, expected) => {
    expect(requiredLogBodyText(parseSearch(query))).toEqual(expected);
  });
});
