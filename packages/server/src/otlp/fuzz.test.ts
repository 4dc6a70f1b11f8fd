/**
 * Mutated protobuf bodies (bit flips, truncations, inserted, deleted and duplicated bytes, forged
 * lengths) must either decode or throw OtlpDecodeError: never another error, never a hang.
 */
import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';

import { createPrng, type Prng } from '../demo/prng.js';
import {
  decodeLogsProtobuf,
  decodeMetricsProtobuf,
  decodeTracesProtobuf,
  OtlpDecodeError,
} from './decode.js';
import { decodeLogsProtobufUtf8 } from './decode-logs.js';
import { decodeTracesProtobufUtf8 } from './decode-traces.js';
import { isUtf8Column } from '../telemetry/utf8-column.js';
import { oracleLogs, oracleMetrics, oracleTraces } from './test-support/oracle.js';
import {
  randomLogsRequest,
  randomMetricsRequest,
  randomTracesRequest,
} from './test-support/random-requests.js';

const RECEIVED = 1n;
const DECODERS = [decodeTracesProtobuf, decodeLogsProtobuf, decodeMetricsProtobuf] as const;
/** The decode workers' variants (UTF-8 columns), for spans and logs. */
const UTF8_DECODERS = [decodeTracesProtobufUtf8, decodeLogsProtobufUtf8] as const;

/** Every UTF-8 column of a decoded batch holds valid UTF-8 whatever the input was. */
function expectValidUtf8(batch: object, mutation: number): void {
  for (const [name, value] of Object.entries(batch)) {
    if (isUtf8Column(value))
      expect(isUtf8(value.bytes), `mutation ${mutation}: ${name}`).toBe(true);
  }
}

function mutate(rng: Prng, original: Uint8Array): Uint8Array {
  const bytes = Array.from(original);
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(bytes.length + 1);
    switch (rng.int(7)) {
      case 0:
        if (at < bytes.length) bytes[at]! ^= 1 << rng.int(8);
        break;
      case 1:
        bytes.length = at;
        break;
      case 2:
        bytes.splice(at, 0, ...Array.from({ length: 1 + rng.int(4) }, () => rng.int(256)));
        break;
      case 3:
        bytes.splice(at, 1 + rng.int(8));
        break;
      case 4:
        // A forged length or field key: a long varint.
        bytes.splice(at, 0, ...[0xff, 0xff, 0xff, 0xff, 0x0f].slice(rng.int(5)));
        break;
      case 5:
        bytes.splice(at, 0, ...bytes.slice(at, at + 1 + rng.int(16)));
        break;
      default:
        if (at < bytes.length)
          bytes[at] = rng.pick([0x00, 0x7f, 0x80, 0xff, 0x0a, 0x12, 0x0b, 0x0c]);
    }
  }
  return new Uint8Array(bytes);
}

describe('protobuf decoders on mutated input', () => {
  it('decode or throw OtlpDecodeError for 20,000 mutated bodies', () => {
    const rng = createPrng(31337);
    const seeds: [number, Uint8Array][] = [];
    for (let i = 0; i < 20; i++) {
      seeds.push([0, oracleTraces.encode(randomTracesRequest(rng)).finish()]);
      seeds.push([1, oracleLogs.encode(randomLogsRequest(rng)).finish()]);
      seeds.push([2, oracleMetrics.encode(randomMetricsRequest(rng)).finish()]);
    }
    const outcomes = { decoded: 0, rejected: 0 };
    for (let i = 0; i < 20_000; i++) {
      const [signal, seed] = rng.pick(seeds);
      const bytes = mutate(rng, seed);
      // Mostly the matching decoder; sometimes another one, which sees garbage.
      const decoder = rng.chance(0.8) ? signal : rng.int(3);
      const utf8 = decoder < 2 && rng.chance(0.5);
      try {
        if (utf8) {
          const decoded = UTF8_DECODERS[decoder]!(bytes, RECEIVED);
          expectValidUtf8('spans' in decoded ? decoded.spans : decoded.logs, i);
        } else {
          DECODERS[decoder]!(bytes, RECEIVED);
        }
        outcomes.decoded++;
      } catch (error) {
        if (!(error instanceof OtlpDecodeError)) {
          throw new Error(`mutation ${i} threw; bytes ${Buffer.from(bytes).toString('hex')}`, {
            cause: error,
          });
        }
        expect(error.message).toMatch(/^invalid protobuf: /);
        outcomes.rejected++;
      }
    }
    expect(outcomes.decoded).toBeGreaterThan(1000);
    expect(outcomes.rejected).toBeGreaterThan(1000);
  });

  it('refuses deeply nested values instead of overflowing the stack', () => {
    // AnyValue{array_value: ArrayValue{values: AnyValue{...}}} nested 1,000 deep.
    let value: Uint8Array = new Uint8Array([0x08, 0x01]);
    for (let i = 0; i < 1000; i++) {
      const array = withLength(0x0a, value);
      value = withLength(0x2a, array);
    }
    const keyValue = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b]), withLength(0x12, value)]);
    const log = withLength(0x32, keyValue);
    const request = withLength(0x0a, withLength(0x12, withLength(0x12, log)));
    expect(() => decodeLogsProtobuf(request, RECEIVED)).toThrow(
      /^invalid protobuf: attribute values nested deeper than 64 levels/,
    );
  });

  it('refuses a length larger than what remains without allocating for it', () => {
    const forged = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    expect(() => decodeTracesProtobuf(forged, RECEIVED)).toThrow(
      'invalid protobuf: truncated length-delimited field 1 (ExportTraceServiceRequest.resource_spans) at byte 1: it declares 4294967295 bytes but only 1 remain',
    );
  });
});

function withLength(tag: number, payload: Uint8Array): Buffer {
  const header = [tag];
  let n = payload.length;
  while (n >= 0x80) {
    header.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  header.push(n);
  return Buffer.concat([Buffer.from(header), payload]);
}
