const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index offsets of the low and high 32-bit halves of element `i` in its Uint32Array view. */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/**
 * A growable `BigInt64Array` column. Wire decoders append 64-bit values as two 32-bit halves
 * written through a `Uint32Array` view, so no BigInt is ever allocated on the hot path.
 */
export class TimeColumn {
  length = 0;
  private data: BigInt64Array;
  private halves: Uint32Array;

  constructor(capacity = 64) {
    this.data = new BigInt64Array(capacity);
    this.halves = new Uint32Array(this.data.buffer);
  }

  /** Appends `hi * 2^32 + lo` read as a two's-complement signed value. */
  pushHalves(lo: number, hi: number): void {
    if (this.length === this.data.length) this.grow();
    const i = this.length++ << 1;
    this.halves[i + LO] = lo;
    this.halves[i + HI] = hi;
  }

  /** Appends `value` wrapped to signed 64 bits. */
  push(value: bigint): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = value;
  }

  /** Appends the signed difference `(hi:lo) - (startHi:startLo)`, or 0 when it is negative. */
  pushDifference(lo: number, hi: number, startLo: number, startHi: number): void {
    const endHiSigned = hi | 0;
    const startHiSigned = startHi | 0;
    if (endHiSigned < startHiSigned || (endHiSigned === startHiSigned && lo < startLo)) {
      this.pushHalves(0, 0);
      return;
    }
    const borrow = lo < startLo ? 1 : 0;
    this.pushHalves((lo - startLo) >>> 0, (hi - startHi - borrow) >>> 0);
  }

  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  /** The column's values, trimmed to `length`. */
  finish(): BigInt64Array {
    return this.data.slice(0, this.length);
  }

  private grow(): void {
    const next = new BigInt64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
    this.halves = new Uint32Array(next.buffer);
  }
}
