import { createHash } from 'node:crypto';
import type { Labels } from '../query/promql/types.js';

/**
 * A series' identity: the 64-bit prefix of SHA-256 over its canonical label set (labels sorted
 * by name, each name and value followed by a 0xff byte, which no UTF-8 text contains), read as
 * a signed little-endian integer to fit a BIGINT / Int64 column. Computed at ingest, the same
 * for every store. Collisions: see docs/adr/0004-metrics-model.md.
 */
export function seriesIdOf(labels: Labels): bigint {
  const hash = createHash('sha256');
  const separator = Buffer.from([0xff]);
  for (const [name, value] of labels) {
    hash.update(name);
    hash.update(separator);
    hash.update(value);
    hash.update(separator);
  }
  return hash.digest().readBigInt64LE(0);
}

/** Sort a label set by name (a new array; the input is left as it is). */
export function sortLabels(labels: Labels): Labels {
  return [...labels].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The stored text of a sorted label set: a JSON array of `[name, value]` pairs. */
export function labelsText(labels: Labels): string {
  return JSON.stringify(labels);
}

export function parseLabelsText(text: string): Labels {
  return JSON.parse(text) as Labels;
}

export function metricNameOf(labels: Labels): string {
  for (const [name, value] of labels) if (name === '__name__') return value;
  return '';
}
