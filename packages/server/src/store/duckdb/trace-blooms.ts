/**
 * The trace-id part of the block index (block-index.ts): per block of a sealed span or log part,
 * a Bloom filter of the trace ids in it, so that looking up a trace reads only the blocks that
 * may hold it. About 10 bits per id and 4 probes: roughly 1% false positives; never a false
 * negative.
 */

const BITS_PER_ID = 10;
const PROBES = 4;
const MIN_BITS = 512;

/** Two independent 32-bit FNV-1a hashes of a string, for double hashing. */
function hashes(id: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193 + 2);
  }
  // An odd second hash visits distinct bits for every probe in a power-of-two table.
  return [a >>> 0, (b | 1) >>> 0];
}

function probe(bits: Uint8Array, id: string, visit: (index: number) => boolean): boolean {
  const mask = bits.length * 8 - 1;
  const [h1, h2] = hashes(id);
  for (let i = 0; i < PROBES; i++) {
    if (!visit((h1 + Math.imul(i, h2)) & mask)) return false;
  }
  return true;
}

/** A Bloom filter of the given trace ids (lower-case hex, as stored). */
export function traceBloom(ids: readonly string[]): Uint8Array {
  let size = MIN_BITS;
  while (size < ids.length * BITS_PER_ID) size *= 2;
  const bits = new Uint8Array(size / 8);
  for (const id of ids) {
    probe(bits, id, (index) => {
      bits[index >>> 3]! |= 1 << (index & 7);
      return true;
    });
  }
  return bits;
}

/** Whether the filter may hold the id (false means it certainly does not). */
export function bloomMayHold(bits: Uint8Array, id: string): boolean {
  return probe(bits, id, (index) => (bits[index >>> 3]! & (1 << (index & 7))) !== 0);
}
