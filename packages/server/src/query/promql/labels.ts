/** Label-set helpers. Label sets are sorted by name; an empty value means "label absent". */
import type { Labels } from './types.js';
import { goQuote } from './parser.js';

export const METRIC_NAME = '__name__';

export function labelsKey(labels: Labels): string {
  let key = '';
  for (const [n, v] of labels) key += `${n}\u0000${v}\u0001`;
  return key;
}

export function getLabel(labels: Labels, name: string): string {
  for (const [n, v] of labels) if (n === name) return v;
  return '';
}

export function dropMetricName(labels: Labels): Labels {
  return labels.some(([n]) => n === METRIC_NAME)
    ? labels.filter(([n]) => n !== METRIC_NAME)
    : labels;
}

/** A copy with `name` set to `value` (removed when value is empty). */
export function setLabel(labels: Labels, name: string, value: string): Labels {
  const out = labels.filter(([n]) => n !== name);
  if (value !== '') {
    out.push([name, value]);
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  return out;
}

export function keepLabels(labels: Labels, names: readonly string[]): Labels {
  return labels.filter(([n]) => names.includes(n));
}

export function removeLabels(labels: Labels, names: readonly string[]): Labels {
  return labels.filter(([n]) => !names.includes(n));
}

/** Prometheus' labels.Labels.String(): `{a="b", c="d"}`. */
export function labelsToString(labels: Labels): string {
  return `{${labels.map(([n, v]) => `${n}=${goQuote(v)}`).join(', ')}}`;
}

export function labelsToObject(labels: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [n, v] of labels) out[n] = v;
  return out;
}

export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i]!;
    const [bn, bv] = b[i]!;
    if (an !== bn) return an < bn ? -1 : 1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return a.length - b.length;
}

export function isValidLabelName(name: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name);
}
