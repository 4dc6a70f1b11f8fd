import { describe, expect, it } from 'vitest';

import { createPrng } from '../demo/prng.js';
import { decodeMetricsJson, decodeMetricsProtobuf } from './decode.js';
import { expectColumns } from './test-support/compare.js';
import { oracleMetrics, type MetricsRequest } from './test-support/oracle.js';
import { toOtlpJson } from './test-support/otlp-json.js';
import { randomMetricsRequest } from './test-support/random-requests.js';
import { expectedMetrics, METRIC_COLUMNS } from './test-support/reference.js';
import { applyReferenceLimits, randomLimits } from './test-support/reference-limits.js';
import { rewriteMessage } from './test-support/wire-rewrite.js';

const RECEIVED = 1_800_000_000_000_000_000n;

function encode(request: MetricsRequest): Uint8Array {
  return oracleMetrics.encode(request).finish();
}

describe('decodeMetricsProtobuf / decodeMetricsJson against the oracle', () => {
  it('decode 400 random requests of every metric type exactly as the reference says', () => {
    const rng = createPrng(99);
    const types = new Set<string>();
    let rows = 0;
    for (let i = 0; i < 400; i++) {
      const bytes = rewriteMessage(
        encode(randomMetricsRequest(rng)),
        'ExportMetricsServiceRequest',
        rng,
        {
          shuffle: rng.chance(0.7),
          unpack: true,
          unknownFields: rng.chance(0.5),
          longLengths: rng.chance(0.3),
        },
      );
      const decodedByOracle = oracleMetrics.decode(bytes);
      const expected = expectedMetrics(decodedByOracle);

      const fromProtobuf = decodeMetricsProtobuf(bytes, RECEIVED);
      expectColumns(fromProtobuf.points, expected, METRIC_COLUMNS, `protobuf request ${i}`);
      expect(fromProtobuf.rejected).toEqual({ count: 0, messages: [] });

      const fromJson = decodeMetricsJson(toOtlpJson(decodedByOracle, rng), RECEIVED);
      expectColumns(fromJson.points, expected, METRIC_COLUMNS, `JSON request ${i}`);
      for (const type of fromProtobuf.points.metricType) types.add(type);
      rows += expected.columns.length;
    }
    expect([...types].sort()).toEqual([
      'exponential_histogram',
      'gauge',
      'histogram',
      'sum',
      'summary',
    ]);
    expect(rows).toBeGreaterThan(1000);
  });

  it('with attribute limits, decode 200 random requests as an independent limiter and the reference say', () => {
    const rng = createPrng(20260613);
    let dropped = 0;
    let truncated = 0;
    for (let i = 0; i < 200; i++) {
      const bytes = rewriteMessage(
        encode(randomMetricsRequest(rng)),
        'ExportMetricsServiceRequest',
        rng,
        {
          shuffle: rng.chance(0.7),
          unpack: true,
          unknownFields: rng.chance(0.5),
          longLengths: false,
        },
      );
      const limits = randomLimits(rng);
      const json = toOtlpJson(oracleMetrics.decode(bytes), rng);
      const cut = oracleMetrics.decode(bytes);
      const limited = applyReferenceLimits(cut, limits);
      const expected = expectedMetrics(cut);

      const fromProtobuf = decodeMetricsProtobuf(bytes, RECEIVED, limits);
      expectColumns(fromProtobuf.points, expected, METRIC_COLUMNS, `protobuf request ${i}`);
      expect(fromProtobuf.limited, `protobuf request ${i}`).toEqual(limited);

      const fromJson = decodeMetricsJson(json, RECEIVED, limits);
      expectColumns(fromJson.points, expected, METRIC_COLUMNS, `JSON request ${i}`);
      expect(fromJson.limited, `JSON request ${i}`).toEqual(limited);
      dropped += limited.attributesDropped;
      truncated += limited.valuesTruncated;
    }
    // The generator must exercise both limits.
    expect(dropped).toBeGreaterThan(100);
    expect(truncated).toBeGreaterThan(100);
  });
});

describe('decodeMetricsProtobuf', () => {
  it('reads packed and unpacked bucket counts alike', () => {
    const packed = encode({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 1,
                    dataPoints: [{ count: 3, bucketCounts: [1, 2], explicitBounds: [0.5] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    const unpacked = rewriteMessage(packed, 'ExportMetricsServiceRequest', createPrng(1), {
      shuffle: false,
      unpack: true,
      unknownFields: false,
      longLengths: false,
    });
    for (const bytes of [packed, unpacked]) {
      const { points } = decodeMetricsProtobuf(bytes, RECEIVED);
      expect(points.bucketCounts).toEqual([[1, 2]]);
      expect(points.explicitBounds).toEqual([[0.5]]);
      expect(points.temporality).toEqual(['delta']);
      expect(points.count[0]).toBe(3);
      expect(points.sum[0]).toBeNaN();
    }
  });

  it('writes exemplars as JSON with exact int values', () => {
    const { points } = decodeMetricsProtobuf(
      encode({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'g',
                    gauge: {
                      dataPoints: [
                        {
                          asInt: '9007199254740993',
                          exemplars: [
                            {
                              timeUnixNano: '1700000000000000001',
                              asInt: '9007199254740993',
                              traceId: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'),
                            },
                          ],
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
      RECEIVED,
    );
    expect(points.value[0]).toBe(9007199254740992);
    expect(points.exemplars[0]).toBe(
      '[{"timeUnixNano":"1700000000000000001","value":9007199254740993,"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"","attributes":{}}]',
    );
  });
});
