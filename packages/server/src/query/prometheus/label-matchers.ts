import { compileMatcherRegex } from '../promql/regex.js';
import { PromQLError, type LabelMatcher, type Labels } from '../promql/types.js';

/** A compiled matcher set: tests a sorted label set (a missing label matches as ""). */
export type SeriesPredicate = (labels: Labels) => boolean;

function labelValue(labels: Labels, name: string): string {
  for (const [n, v] of labels) if (n === name) return v;
  return '';
}

/** Prometheus (Go RE2) regular expressions, anchored at both ends, as the engine reads them. */
export function anchoredRegExp(pattern: string): RegExp {
  try {
    return compileMatcherRegex(pattern);
  } catch (error) {
    throw new PromQLError(
      'bad_data',
      `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`,
    );
  }
}

export function compileMatchers(matchers: readonly LabelMatcher[]): SeriesPredicate {
  const tests = matchers.map((m): ((labels: Labels) => boolean) => {
    switch (m.type) {
      case '=':
        return (labels) => labelValue(labels, m.name) === m.value;
      case '!=':
        return (labels) => labelValue(labels, m.name) !== m.value;
      case '=~': {
        const re = anchoredRegExp(m.value);
        return (labels) => re.test(labelValue(labels, m.name));
      }
      case '!~': {
        const re = anchoredRegExp(m.value);
        return (labels) => !re.test(labelValue(labels, m.name));
      }
    }
  });
  return (labels) => tests.every((test) => test(labels));
}

/** The metric name a matcher set pins with `__name__="x"`, if any (pushed down to storage). */
export function pinnedMetricName(matchers: readonly LabelMatcher[]): string | undefined {
  return matchers.find((m) => m.name === '__name__' && m.type === '=')?.value;
}
