/**
 * The free-text part of the block index (block-index.ts) of sealed log parts.
 *
 * For each block of a sealed log part the index holds one bit per lower-case ASCII alphanumeric trigram (36³ = 46,656
 * bits, 5,832 bytes) telling whether any body in the block contains it. The bitmap is exact, not
 * a Bloom filter: a block whose bitmap lacks one trigram of the needle cannot contain the needle.
 *
 * Why it is safe for `contains(lower(body), lower(needle))`: every maximal run of `[a-z0-9]` in
 * the lower-cased needle is a substring of a run of `[a-z0-9]` in the lower-cased body, so each of
 * its trigrams is a trigram of some body run. Needles with characters outside ASCII are not used
 * for skipping (JavaScript's and DuckDB's case mappings could differ there).
 */

const ALPHABET = 36;
const TRIGRAMS = ALPHABET ** 3;
export const TRIGRAM_BITMAP_BYTES = Math.ceil(TRIGRAMS / 8);

/** 0–25 for `a`–`z`, 26–35 for `0`–`9`, −1 for anything else. */
function symbol(code: number): number {
  if (code >= 97 && code <= 122) return code - 97;
  if (code >= 48 && code <= 57) return code - 48 + 26;
  return -1;
}

/** Calls `visit` with the trigram number of every three-symbol window of an alphanumeric run. */
function forEachTrigram(text: string, visit: (trigram: number) => void): void {
  let a = -1;
  let b = -1;
  for (let i = 0; i < text.length; i++) {
    const c = symbol(text.charCodeAt(i));
    if (c < 0) {
      a = -1;
      b = -1;
      continue;
    }
    if (a >= 0 && b >= 0) visit((a * ALPHABET + b) * ALPHABET + c);
    a = b;
    b = c;
  }
}

/** The bitmap of every trigram in already lower-cased text (any separators between runs). */
export function trigramBitmap(lowerText: Iterable<string>): Uint8Array {
  const bitmap = new Uint8Array(TRIGRAM_BITMAP_BYTES);
  const set = (t: number) => {
    bitmap[t >>> 3]! |= 1 << (t & 7);
  };
  for (const text of lowerText) forEachTrigram(text, set);
  return bitmap;
}

/**
 * The trigrams every body containing all `needles` (case-insensitively) must contain, or an
 * empty list when they say nothing usable (too short, or not plain ASCII).
 */
export function requiredTrigrams(needles: readonly string[]): number[] {
  const required = new Set<number>();
  for (const needle of needles) {
    // eslint-disable-next-line no-control-regex
    if (!/^[\x00-\x7f]*$/.test(needle)) continue;
    forEachTrigram(needle.toLowerCase(), (t) => required.add(t));
  }
  return [...required];
}

/** Whether a block with this bitmap may hold a body with all the trigrams. */
export function mayContain(bitmap: Uint8Array, trigrams: readonly number[]): boolean {
  for (const t of trigrams) {
    if ((bitmap[t >>> 3]! & (1 << (t & 7))) === 0) return false;
  }
  return true;
}
