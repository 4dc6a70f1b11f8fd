import { describe, expect, it } from 'vitest';

import { decodeLogsJson, decodeMetricsJson, decodeTracesJson, OtlpDecodeError } from './decode.js';

const RECEIVED = 1n;

function traces(spans: unknown[]): string {
  return JSON.stringify({
    resourceSpans: [{ scopeSpans: [{ spans: [] }, { spans }] }],
  });
}

const validSpan = {
  traceId: '0102030405060708090a0b0c0d0e0f10',
  spanId: '0102030405060708',
  name: 's',
  startTimeUnixNano: '1',
  endTimeUnixNano: 2,
};

describe('OTLP/JSON decoders on malformed input', () => {
  it.each([
    ['', /^invalid OTLP JSON: Unexpected end of JSON input/],
    ['{"resourceSpans": [', /^invalid OTLP JSON: /],
    ['[]', 'invalid OTLP JSON: expected an object at the top level, got an array'],
    ['{"resourceSpans": {}}', 'invalid OTLP JSON: resourceSpans: expected an array, got an object'],
    [
      '{"resourceSpans": [{"scopeSpans": [1]}]}',
      'invalid OTLP JSON: resourceSpans[0].scopeSpans[0]: expected an object, got the number 1',
    ],
    [
      traces([validSpan, validSpan, validSpan, { ...validSpan, startTimeUnixNano: true }]),
      'invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected an integer (a number or a decimal string), got the boolean true',
    ],
    [
      traces([{ ...validSpan, endTimeUnixNano: '18446744073709551616' }]),
      'invalid OTLP JSON: resourceSpans[0].scopeSpans[1].spans[0].endTimeUnixNano: integer out of 64-bit range: 18446744073709551616',
    ],
    [
      traces([{ ...validSpan, endTimeUnixNano: 1.5 }]),
      /spans\[0\]\.endTimeUnixNano: expected an integer .* got the number 1.5$/,
    ],
    [
      traces([{ ...validSpan, kind: 'SPAN_KIND_BOGUS' }]),
      /spans\[0\]\.kind: expected one of SPAN_KIND_UNSPECIFIED, .* or its number, got the string "SPAN_KIND_BOGUS"$/,
    ],
    [
      traces([{ ...validSpan, traceId: 12 }]),
      /spans\[0\]\.traceId: expected a string, got the number 12$/,
    ],
    [
      traces([{ ...validSpan, attributes: [{ key: 'k', value: { intValue: '1.5' } }] }]),
      /spans\[0\]\.attributes\[0\]\.value\.intValue: expected an integer/,
    ],
    [
      traces([
        {
          ...validSpan,
          attributes: [{ key: 'k', value: { arrayValue: { values: [{ doubleValue: 'x' }] } } }],
        },
      ]),
      /spans\[0\]\.attributes\[0\]\.value\.arrayValue\.values\[0\]\.doubleValue: expected a number, got the string "x"$/,
    ],
    [
      traces([{ ...validSpan, attributes: [{ key: 'k', value: { bytesValue: '***' } }] }]),
      /attributes\[0\]\.value\.bytesValue: expected base64 text$/,
    ],
    [
      traces([{ ...validSpan, events: [{ name: 5 }] }]),
      /spans\[0\]\.events\[0\]\.name: expected a string, got the number 5$/,
    ],
  ])('decodeTracesJson(%j) fails with a message naming the problem', (body, message) => {
    expect(() => decodeTracesJson(body, RECEIVED)).toThrow(OtlpDecodeError);
    expect(() => decodeTracesJson(body, RECEIVED)).toThrow(message);
  });

  it('names the field in log and metric requests too', () => {
    expect(() =>
      decodeLogsJson(
        JSON.stringify({
          resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'LOUD' }] }] }],
        }),
        RECEIVED,
      ),
    ).toThrow(
      /^invalid OTLP JSON: resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.severityNumber: expected one of/,
    );
    expect(() =>
      decodeMetricsJson(
        JSON.stringify({
          resourceMetrics: [
            {
              scopeMetrics: [
                { metrics: [{ name: 'm', histogram: { dataPoints: [{ bucketCounts: ['x'] }] } }] },
              ],
            },
          ],
        }),
        RECEIVED,
      ),
    ).toThrow(
      'invalid OTLP JSON: resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts[0]: expected an integer (a number or a decimal string), got the string "x"',
    );
  });

  it('refuses deeply nested values with a decode error, not a stack overflow', () => {
    let value = '{"boolValue":true}';
    for (let i = 0; i < 5000; i++) value = `{"arrayValue":{"values":[${value}]}}`;
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${validSpan.traceId}","spanId":"${validSpan.spanId}","attributes":[{"key":"k","value":${value}}]}]}]}]}`;
    expect(() => decodeTracesJson(body, RECEIVED)).toThrow(/nested deeper than 64 levels$/);
  });

  it('decodes an empty object to empty batches', () => {
    expect(decodeTracesJson('{}', RECEIVED).spans.length).toBe(0);
    expect(decodeLogsJson('{}', RECEIVED).logs.length).toBe(0);
    expect(decodeMetricsJson('{}', RECEIVED).points.length).toBe(0);
  });

  it('rejects spans whose JSON ids are not hex of the right length', () => {
    const { spans, rejected } = decodeTracesJson(
      traces([
        validSpan,
        { ...validSpan, spanId: 'AQIDBAUGBwg=' },
        { ...validSpan, traceId: '0'.repeat(32) },
      ]),
      RECEIVED,
    );
    expect(spans.length).toBe(1);
    expect(rejected).toEqual({
      count: 2,
      messages: [
        `span 's': span_id must be 16 hex characters, got "AQIDBAUGBwg="`,
        "span 's': trace_id must not be all zeros",
      ],
    });
  });
});
