import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { createPrng, type Prng } from '../demo/prng.js';
import { utf8ColumnStrings } from '../telemetry/utf8-column.js';
import { JsonWriter } from './json-writer.js';
import { StringSink, Utf8Sink, type TextSink } from './text-sink.js';

const TEXTS = ['', 'a', 'server', 'twelve bytes', 'ünïcödé', '😀 emoji', 'x'.repeat(300)];
/** Wire bytes, some of them invalid UTF-8 (a lone continuation byte, a cut sequence). */
const WIRE = [
  Buffer.from('GET /items/{id}'),
  Buffer.from('ñandú'),
  Buffer.from([0x61, 0x80, 0x62]),
  Buffer.from([0xf0, 0x9f, 0x98]),
  Buffer.from('y'.repeat(100)),
];

/** One random operation, applied the same way to every sink. */
function randomOperation(rng: Prng): (sink: TextSink) => void {
  switch (rng.int(5)) {
    case 0: {
      const value = rng.chance(0.2) ? null : rng.pick(TEXTS);
      return (sink) => {
        sink.push(value);
      };
    }
    case 1: {
      const wire = rng.pick(WIRE);
      const start = rng.int(wire.length + 1);
      const end = start + rng.int(wire.length - start + 1);
      return (sink) => {
        sink.utf8(wire, start, end);
      };
    }
    case 2: {
      const id = Buffer.from(Array.from({ length: rng.int(17) }, () => rng.int(256)));
      return (sink) => {
        sink.hex(id, 0, id.length);
      };
    }
    case 3: {
      const wire = rng.pick(WIRE);
      const empty = rng.chance(0.3);
      return (sink) => {
        const w = new JsonWriter();
        w.byte(0x7b);
        if (!empty) {
          w.ascii('"k":');
          w.utf8String(wire, 0, wire.length);
        }
        sink.json(w, 0x7d, '{}');
      };
    }
    default: {
      const value = rng.chance(0.2) ? null : rng.pick(TEXTS);
      const count = rng.int(40);
      return (sink) => {
        sink.repeat(value, count);
      };
    }
  }
}

describe('Utf8Sink', () => {
  it('holds, as valid UTF-8, exactly the strings a StringSink holds', () => {
    const rng = createPrng(4242);
    for (let run = 0; run < 200; run++) {
      const strings = new StringSink();
      const utf8 = new Utf8Sink();
      for (let n = rng.int(300); n > 0; n--) {
        const operation = randomOperation(rng);
        operation(strings);
        operation(utf8);
      }
      expect(utf8.length).toBe(strings.length);
      const column = utf8.finish();
      expect(isUtf8(column.bytes), `run ${run}`).toBe(true);
      expect(column.ends.length).toBe(column.length);
      expect(column.bytes.buffer.byteLength).toBe(column.bytes.byteLength);
      expect(utf8ColumnStrings(column), `run ${run}`).toEqual(strings.values);
      expect(column.nulls !== null).toBe(strings.values.includes(null));
    }
  });
});
