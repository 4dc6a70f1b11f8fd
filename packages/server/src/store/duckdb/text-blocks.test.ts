import { describe, expect, it } from 'vitest';
import {
  TRIGRAM_BITMAP_BYTES,
  mayContain,
  requiredTrigrams,
  trigramBitmap,
} from './text-blocks.js';
import { bloomMayHold, traceBloom } from './trace-blooms.js';

/** A small deterministic generator, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALPHABET = 'abcXYZ019 -_.:/é';

function text(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET.charAt(Math.floor(next() * ALPHABET.length));
  return out;
}

describe('text-block trigram index', () => {
  it('never rules out a block holding the needle (10,000 random bodies and needles)', () => {
    const next = random(42);
    for (let i = 0; i < 10_000; i++) {
      const body = text(next, 5 + Math.floor(next() * 60));
      const start = Math.floor(next() * body.length);
      const needle = body.slice(start, start + 1 + Math.floor(next() * 12));
      // Mixed case in the needle: the search is case-insensitive.
      const cased = next() < 0.5 ? needle.toUpperCase() : needle;
      const bitmap = trigramBitmap([body.toLowerCase()]);
      expect(mayContain(bitmap, requiredTrigrams([cased])), `${body} ∋ ${cased}`).toBe(true);
    }
  });

  it('rules out blocks missing a trigram of any needle', () => {
    const bitmap = trigramBitmap(['checkout failed for order 1234', 'payment ok']);
    expect(mayContain(bitmap, requiredTrigrams(['ORDER 12']))).toBe(true);
    expect(mayContain(bitmap, requiredTrigrams(['quasar7731']))).toBe(false);
    expect(mayContain(bitmap, requiredTrigrams(['payment', 'refund']))).toBe(false);
    // Trigrams do not span separators: "for order" joins no "ror".
    expect(mayContain(bitmap, requiredTrigrams(['ror']))).toBe(false);
  });

  it('requires nothing of needles too short or not plain ASCII', () => {
    expect(requiredTrigrams(['ab', 'x-y', 'a b c'])).toEqual([]);
    expect(requiredTrigrams(['café au lait'])).toEqual([]);
    expect(requiredTrigrams(['abcd'])).toHaveLength(2);
  });

  it('is a fixed-size bitmap', () => {
    expect(trigramBitmap(['anything at all 0123456789']).length).toBe(TRIGRAM_BITMAP_BYTES);
  });
});

describe('trace-id Bloom filter', () => {
  const id = (n: number) => n.toString(16).padStart(32, '0');

  it('holds every id put in it, and few others', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => id(i * 7919 + 1));
    const bits = traceBloom(ids);
    expect(ids.every((i) => bloomMayHold(bits, i))).toBe(true);
    let falsePositives = 0;
    for (let n = 0; n < 20_000; n++) if (bloomMayHold(bits, id(10_000_000 + n))) falsePositives++;
    // About 1% by design; allow some slack.
    expect(falsePositives / 20_000).toBeLessThan(0.03);
  });

  it('sizes itself by the number of ids', () => {
    expect(traceBloom([]).length).toBe(64);
    expect(traceBloom(Array.from({ length: 10_000 }, (_, i) => id(i))).length).toBe(16_384);
  });
});
