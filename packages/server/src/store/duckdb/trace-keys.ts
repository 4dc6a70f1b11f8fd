/**
 * The exact trace-id part of the block index (block-index.ts) of sealed span parts: per block,
 * the sorted, distinct 32-bit keys of its trace ids (little-endian `Uint32`s). Looking up a trace
 * is a binary search per block; a block whose keys lack the id's key certainly lacks the trace.
 * Unlike the Bloom filters of trace-blooms.ts (about 1% false positives per block, which at 10M
 * spans meant several 8k-row blocks read in vain per lookup), a wrong block now needs two ids to
 * share 32 bits: about (ids in the block) / 2³² per block, a few in 10,000 lookups at 10M spans.
 * It costs 4 bytes per distinct trace id and block (≈0.6 B/span with 7 spans per trace), against
 * ≈0.25 B/span for the Bloom filters: spans only, since logs carry a different id almost per
 * record and their lookups are bounded in time anyway.
 */

/** FNV-1a over the id's characters (independent of the Bloom filters' hashes). */
export function traceKey(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The sorted distinct keys of the ids, as bytes for the catalog. */
export function traceKeys(ids: readonly string[]): Uint8Array {
  const keys = Uint32Array.from(new Set(ids.map(traceKey))).sort();
  const bytes = new Uint8Array(keys.length * 4);
  const view = new DataView(bytes.buffer);
  keys.forEach((key, i) => {
    view.setUint32(i * 4, key, true);
  });
  return bytes;
}

/** Whether the block may hold the id (false means it certainly does not). */
export function keysMayHold(bytes: Uint8Array, id: string): boolean {
  const key = traceKey(id);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let lo = 0;
  let hi = Math.floor(bytes.byteLength / 4) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const value = view.getUint32(mid * 4, true);
    if (value === key) return true;
    if (value < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
