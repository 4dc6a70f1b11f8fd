import { describe, expect, it } from 'vitest';

import { createPrng } from '../demo/prng.js';
import { JsonWriter } from './json-writer.js';

function written(write: (w: JsonWriter) => void): string {
  const w = new JsonWriter();
  write(w);
  return w.text();
}

describe('JsonWriter', () => {
  it('writes strings exactly as JSON.stringify does, growing as needed', () => {
    const rng = createPrng(11);
    const alphabet = [
      'a',
      '"',
      '\\',
      '\n',
      '\u0000',
      '\u001f',
      '\u007f',
      'é',
      '漢',
      '😀',
      '\u2028',
    ];
    for (let i = 0; i < 300; i++) {
      let s = '';
      for (let n = rng.int(i < 10 ? 5000 : 40); n > 0; n--) s += rng.pick(alphabet);
      const bytes = Buffer.from(s);
      expect(
        written((w) => {
          w.utf8String(bytes, 0, bytes.length);
        }),
      ).toBe(JSON.stringify(s));
    }
  });

  it('turns invalid UTF-8 into U+FFFD without breaking the JSON around it', () => {
    const bytes = Buffer.from([0x61, 0xed, 0xa0, 0x80, 0xe2, 0x82]);
    const text = written((w) => {
      w.byte(0x5b);
      w.utf8String(bytes, 0, bytes.length);
      w.byte(0x2c);
      w.utf8String(bytes, 4, 6);
      w.byte(0x5d);
    });
    expect(JSON.parse(text)).toEqual([bytes.toString('utf8'), '\ufffd']);
  });

  it('writes base64 with padding', () => {
    for (let n = 0; n < 10; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 97 + 13) & 0xff));
      expect(
        written((w) => {
          w.base64String(bytes, 0, n);
        }),
      ).toBe(JSON.stringify(bytes.toString('base64')));
    }
  });

  it('writes 64-bit integers and doubles', () => {
    const cases: [bigint, string][] = [
      [0n, '0'],
      [-1n, '-1'],
      [2n ** 31n, '2147483648'],
      [2n ** 53n + 1n, '9007199254740993'],
      [-(2n ** 63n), '-9223372036854775808'],
      [2n ** 63n - 1n, '9223372036854775807'],
      [100_000_000n, '100000000'],
      [1_000_000_000_000_000_000n, '1000000000000000000'],
    ];
    for (const [value, text] of cases) {
      const u = BigInt.asUintN(64, value);
      const lo = Number(u & 0xffffffffn);
      const hi = Number(u >> 32n);
      expect(
        written((w) => {
          w.int64(lo, hi);
        }),
      ).toBe(text);
      expect(
        written((w) => {
          w.int64Digits(lo, hi);
        }),
      ).toBe(text);
    }
    expect(
      written((w) => {
        w.double(-0);
      }),
    ).toBe('0');
    expect(
      written((w) => {
        w.double(1e21);
      }),
    ).toBe('1e+21');
    expect(
      written((w) => {
        w.double(NaN);
      }),
    ).toBe('"NaN"');
    expect(
      written((w) => {
        w.double(-Infinity);
      }),
    ).toBe('"-Infinity"');
  });

  it('decodes ASCII-only and non-ASCII text alike', () => {
    const w = new JsonWriter();
    const ascii = Buffer.from('plain');
    w.utf8String(ascii, 0, ascii.length);
    expect(w.text()).toBe('"plain"');
    const other = new JsonWriter();
    const accented = Buffer.from('é');
    other.utf8String(accented, 0, accented.length);
    w.append(other);
    expect(w.text()).toBe('"plain""é"');
    w.reset();
    w.utf8String(ascii, 0, ascii.length);
    expect(w.text()).toBe('"plain"');
  });
});
