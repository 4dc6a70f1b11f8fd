import { describe, expect, it } from 'vitest';

import { createPrng } from '../demo/prng.js';
import { decodeLogsJson, decodeLogsProtobuf } from './decode.js';
import { expectColumns, utf8BatchStrings } from './test-support/compare.js';
import { decodeLogsProtobufUtf8 } from './decode-logs.js';
import type { LogBatch } from '../telemetry/batches.js';
import { oracleLogs, type LogRecord, type LogsRequest } from './test-support/oracle.js';
import { toOtlpJson } from './test-support/otlp-json.js';
import { randomLogsRequest } from './test-support/random-requests.js';
import { expectedLogs, LOG_COLUMNS } from './test-support/reference.js';
import { applyReferenceLimits, randomLimits } from './test-support/reference-limits.js';
import { rewriteMessage } from './test-support/wire-rewrite.js';

const RECEIVED = 1_800_000_000_000_000_000n;

function encode(request: LogsRequest): Uint8Array {
  return oracleLogs.encode(request).finish();
}

function records(...logRecords: LogRecord[]): Uint8Array {
  return encode({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] });
}

describe('decodeLogsProtobuf / decodeLogsJson against the oracle', () => {
  it('decode 400 random requests exactly as the reference says', () => {
    const rng = createPrng(424242);
    let rows = 0;
    let rejected = 0;
    for (let i = 0; i < 400; i++) {
      const bytes = rewriteMessage(
        encode(randomLogsRequest(rng)),
        'ExportLogsServiceRequest',
        rng,
        {
          shuffle: rng.chance(0.7),
          unpack: true,
          unknownFields: rng.chance(0.5),
          longLengths: rng.chance(0.3),
        },
      );
      const decodedByOracle = oracleLogs.decode(bytes);
      const expected = expectedLogs(decodedByOracle, RECEIVED);

      const fromProtobuf = decodeLogsProtobuf(bytes, RECEIVED);
      expectColumns(fromProtobuf.logs, expected, LOG_COLUMNS, `protobuf request ${i}`);
      const fromUtf8 = decodeLogsProtobufUtf8(bytes, RECEIVED);
      const utf8 = utf8BatchStrings<LogBatch>(fromUtf8.logs, `UTF-8 request ${i}`);
      expectColumns(utf8, expected, LOG_COLUMNS, `UTF-8 request ${i}`);
      expect(fromUtf8.rejected).toEqual(fromProtobuf.rejected);
      expect(fromUtf8.limited).toEqual(fromProtobuf.limited);
      expect(fromProtobuf.rejected).toEqual({
        count: expected.rejectedCount,
        messages: expected.rejectedMessages,
      });

      const fromJson = decodeLogsJson(toOtlpJson(decodedByOracle, rng), RECEIVED);
      expectColumns(fromJson.logs, expected, LOG_COLUMNS, `JSON request ${i}`);
      expect(fromJson.rejected.count).toBe(expected.rejectedCount);
      rows += expected.columns.length;
      rejected += expected.rejectedCount;
    }
    expect(rows).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(20);
  });

  it('with attribute limits, decode 200 random requests as an independent limiter and the reference say', () => {
    const rng = createPrng(20260612);
    let dropped = 0;
    let truncated = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = rewriteMessage(
        encode(randomLogsRequest(rng)),
        'ExportLogsServiceRequest',
        rng,
        {
          shuffle: rng.chance(0.7),
          unpack: true,
          unknownFields: rng.chance(0.5),
          longLengths: false,
        },
      );
      const limits = randomLimits(rng);
      const json = toOtlpJson(oracleLogs.decode(bytes), rng);
      const cut = oracleLogs.decode(bytes);
      const limited = applyReferenceLimits(cut, limits);
      const expected = expectedLogs(cut, RECEIVED);

      const fromProtobuf = decodeLogsProtobuf(bytes, RECEIVED, limits);
      expectColumns(fromProtobuf.logs, expected, LOG_COLUMNS, `protobuf request ${i}`);
      const fromUtf8 = decodeLogsProtobufUtf8(bytes, RECEIVED, limits);
      const utf8 = utf8BatchStrings<LogBatch>(fromUtf8.logs, `UTF-8 request ${i}`);
      expectColumns(utf8, expected, LOG_COLUMNS, `UTF-8 request ${i}`);
      expect(fromUtf8.rejected).toEqual(fromProtobuf.rejected);
      expect(fromUtf8.limited).toEqual(fromProtobuf.limited);
      expect(fromProtobuf.limited, `protobuf request ${i}`).toEqual(limited);

      const fromJson = decodeLogsJson(json, RECEIVED, limits);
      expectColumns(fromJson.logs, expected, LOG_COLUMNS, `JSON request ${i}`);
      expect(fromJson.limited, `JSON request ${i}`).toEqual(limited);
      dropped += limited.attributesDropped;
      truncated += limited.valuesTruncated;
    }
    // The generator must exercise both limits.
    expect(dropped).toBeGreaterThan(100);
    expect(truncated).toBeGreaterThan(100);
  });
});

describe('decodeLogsProtobuf', () => {
  it('falls back from time to observed time to receive time', () => {
    const { logs } = decodeLogsProtobuf(
      records(
        { timeUnixNano: '5', observedTimeUnixNano: '7' },
        { observedTimeUnixNano: '7' },
        { timeUnixNano: '0', observedTimeUnixNano: '0' },
        {},
      ),
      RECEIVED,
    );
    expect(Array.from(logs.timeUnixNano)).toEqual([5n, 7n, RECEIVED, RECEIVED]);
    expect(Array.from(logs.observedTimeUnixNano)).toEqual([7n, 7n, RECEIVED, RECEIVED]);
  });

  it('keeps string bodies as they are and writes other bodies as JSON', () => {
    const { logs } = decodeLogsProtobuf(
      records(
        { body: { stringValue: 'plain "text"' } },
        { body: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }] } } },
        { body: { doubleValue: NaN } },
        { body: {} },
        {},
      ),
      RECEIVED,
    );
    expect(logs.body).toEqual(['plain "text"', '{"a":1}', '"NaN"', '', '']);
  });

  it('accepts absent or all-zero ids as "not correlated" and rejects ids of the wrong length', () => {
    const { logs, rejected } = decodeLogsProtobuf(
      records(
        { body: { stringValue: 'ok' }, traceId: new Uint8Array(16), spanId: new Uint8Array(8) },
        { body: { stringValue: 'none' } },
        { body: { stringValue: 'short' }, traceId: new Uint8Array(3).fill(1) },
        { body: { stringValue: 'long span' }, spanId: new Uint8Array(9).fill(1) },
      ),
      RECEIVED,
    );
    expect(logs.traceId).toEqual(['', '']);
    expect(rejected).toEqual({
      count: 2,
      messages: [
        "log record 'short': trace_id must be 16 bytes, got 3",
        "log record 'long span': span_id must be 8 bytes, got 9",
      ],
    });
  });
});

describe('decodeLogsJson', () => {
  it('rejects ids that are not hex of the right length', () => {
    const { logs, rejected } = decodeLogsJson(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { body: { stringValue: 'a' }, traceId: 'zz' },
                  { body: { stringValue: 'b' }, traceId: '0102030405060708090A0B0C0D0E0F10' },
                ],
              },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(logs.traceId).toEqual(['0102030405060708090a0b0c0d0e0f10']);
    expect(rejected.messages).toEqual([
      `log record 'a': trace_id must be 32 hex characters, got "zz"`,
    ]);
  });

  it('keeps lone surrogates of JSON strings as valid, round-tripping JSON', () => {
    const weird = 'a\ud800b\udc00\u0000\u001f"\\\u2028';
    const { logs } = decodeLogsJson(
      JSON.stringify({
        resource_logs: [
          {
            scope_logs: [
              {
                log_records: [
                  {
                    body: {
                      kvlist_value: { values: [{ key: weird, value: { string_value: weird } }] },
                    },
                    attributes: [{ key: weird, value: { stringValue: weird } }],
                  },
                ],
              },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(JSON.parse(logs.attributes[0]!)).toEqual({ [weird]: weird });
    expect(JSON.parse(logs.body[0]!)).toEqual({ [weird]: weird });
  });
});
