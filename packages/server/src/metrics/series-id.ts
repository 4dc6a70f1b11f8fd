import { createHash } from 'node:crypto';
import type { Labels } from '../query/promql/types.js';

/** Bits of a series id taken from its metric name's hash; the rest come from the label set. */
export const SERIES_ID_NAME_BITS = 12n;
const LABEL_BITS = 64n - SERIES_ID_NAME_BITS;
const LABEL_MASK = (1n << LABEL_BITS) - 1n;

/**
 * A series' identity, a signed 64-bit integer (BIGINT / Int64 columns): the top 12 bits are the
 * top of SHA-256 over the metric name, the low 52 bits the prefix of SHA-256 over the canonical
 * label set (labels sorted by name, each name and value followed by a 0xff byte, which no UTF-8
 * text contains). Samples are sealed sorted by id, so the series of one metric sit together and
 * Parquet row-group statistics on `series_id` skip other metrics. Computed at ingest, the same
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
  const labelBits = hash.digest().readBigUInt64LE(0) & LABEL_MASK;
  return BigInt.asIntN(64, (metricNameBits(metricNameOf(labels)) << LABEL_BITS) | labelBits);
}

const nameBitsCache = new Map<string, bigint>();

/** The top bits of a series id for a metric name (cached: names are few). */
function metricNameBits(name: string): bigint {
  let bits = nameBitsCache.get(name);
  if (bits === undefined) {
    const digest = createHash('sha256').update(name).digest();
    bits = digest.readBigUInt64BE(0) >> LABEL_BITS;
    if (nameBitsCache.size >= 100_000) nameBitsCache.clear();
    nameBitsCache.set(name, bits);
  }
  return bits;
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
