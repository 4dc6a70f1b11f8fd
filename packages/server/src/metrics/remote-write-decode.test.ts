import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { parseTenantId } from '../tenant.js';
import { PromBatchBuilder } from './prom-batch-builder.js';
import { RemoteWriteDecodeError, decodeWriteRequest } from './remote-write-decode.js';
import { parseLabelsText } from './series-id.js';
import { SeriesRegistry } from './series-registry.js';
import { encodeWriteRequest } from './test-support/remote-write-encode.js';

// The oracle: prompb's messages, typed in from remote.proto / types.proto (field numbers).
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            exemplars: { rule: 'repeated', type: 'Exemplar', id: 3 },
            histograms: { rule: 'repeated', type: 'Histogram', id: 4 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: {
          fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } },
        },
        Exemplar: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            value: { type: 'double', id: 2 },
            timestamp: { type: 'int64', id: 3 },
          },
        },
        Histogram: {
          fields: { count_int: { type: 'uint64', id: 1 }, sum: { type: 'double', id: 3 } },
        },
        MetricMetadata: {
          fields: {
            type: { type: 'int32', id: 1 },
            metric_family_name: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
      },
    },
  },
});
const WriteRequest = root.lookupType('prometheus.WriteRequest');

const tenant = parseTenantId('t');

function decode(body: Buffer, registry = new SeriesRegistry({ maxSeries: 1000 })) {
  const builder = new PromBatchBuilder(tenant, registry);
  const stats = decodeWriteRequest(body, builder);
  return { stats, batch: builder.build(), builder };
}

describe('remote write decoder', () => {
  it('decodes what protobufjs encodes: labels, samples, exemplars, metadata', () => {
    const body = Buffer.from(
      WriteRequest.encode(
        WriteRequest.fromObject({
          timeseries: [
            {
              // Unsorted on purpose; an empty-valued label counts as absent.
              labels: [
                { name: 'job', value: 'api' },
                { name: '__name__', value: 'http_requests_total' },
                { name: 'code', value: '200' },
                { name: 'empty', value: '' },
              ],
              samples: [
                { value: 1.5, timestamp: 1_700_000_000_000 },
                { value: 2.5, timestamp: 1_700_000_015_000 },
              ],
              exemplars: [
                {
                  labels: [{ name: 'trace_id', value: 'abc' }],
                  value: 0.25,
                  timestamp: 1_700_000_001_000,
                },
              ],
            },
            {
              labels: [{ name: '__name__', value: 'old' }],
              samples: [{ value: -3, timestamp: -5000 }],
              histograms: [{ count_int: 3, sum: 2 }],
            },
          ],
          metadata: [{ type: 1, metric_family_name: 'http_requests_total', help: 'h', unit: 'u' }],
        }),
      ).finish(),
    );
    const { stats, batch } = decode(body);
    expect(stats).toEqual({
      series: 2,
      samples: 3,
      exemplars: 1,
      histogramsIgnored: 1,
      collisions: 0,
    });
    expect(batch.promSeries?.labels.map(parseLabelsText)).toEqual([
      [
        ['__name__', 'http_requests_total'],
        ['code', '200'],
        ['job', 'api'],
      ],
      [['__name__', 'old']],
    ]);
    // One index row per series and UTC day: -5000 ms is on 1969-12-31.
    expect(batch.promSeries?.dayMs[1]).toBe(-86_400_000n);
    expect([...batch.promSamples!.timeMs]).toEqual([
      1_700_000_000_000n,
      1_700_000_015_000n,
      -5000n,
    ]);
    expect([...batch.promSamples!.value]).toEqual([1.5, 2.5, -3]);
    expect(parseLabelsText(batch.promExemplars!.labels[0]!)).toEqual([['trace_id', 'abc']]);
    expect(batch.promMetadata?.metricType).toEqual(['counter']);
    expect(batch.promMetadata?.metricName).toEqual(['http_requests_total']);
  });

  it('matches the hand-written encoder and reuses the series id cache across requests', () => {
    const registry = new SeriesRegistry({ maxSeries: 1000 });
    const series = [
      {
        labels: [
          ['__name__', 'up'],
          ['job', 'x'],
        ] as const,
        samples: [{ value: 1, timestampMs: 1000 }],
      },
    ];
    const first = decode(encodeWriteRequest(series), registry);
    first.builder.commitRegistered();
    const second = decode(encodeWriteRequest(series), registry);
    expect(second.batch.promSamples!.seriesId[0]).toBe(first.batch.promSamples!.seriesId[0]);
    expect(second.batch.promSeries).toBeUndefined();
  });

  it('finds series by their label bytes when a sender reorders them', () => {
    const registry = new SeriesRegistry({ maxSeries: 1000 });
    const a = {
      labels: [
        ['__name__', 'a'],
        ['job', 'x'],
      ] as const,
      samples: [{ value: 1, timestampMs: 1000 }],
    };
    const b = {
      labels: [
        ['__name__', 'b'],
        ['job', 'x'],
      ] as const,
      samples: [{ value: 2, timestampMs: 1000 }],
    };
    const c = {
      labels: [
        ['__name__', 'b'],
        ['job', 'xx'],
      ] as const,
      samples: [{ value: 3, timestampMs: 1000 }],
    };
    const idsOf = (...series: (typeof a | typeof b | typeof c)[]) => {
      const { batch } = decode(encodeWriteRequest(series), registry);
      return [...batch.promSamples!.seriesId];
    };
    const [idA, idB] = idsOf(a, b);
    expect(idA).not.toBe(idB);
    expect(idsOf(a, b)).toEqual([idA, idB]);
    // Other series at the same positions: the guess by position must not match them.
    expect(idsOf(b, a)).toEqual([idB, idA]);
    const [idC] = idsOf(c, a);
    expect([idA, idB]).not.toContain(idC);
    expect(idsOf(b, c, a)).toEqual([idB, idC, idA]);
  });

  it.each([
    [
      'truncated',
      encodeWriteRequest([
        { labels: [['__name__', 'a']], samples: [{ value: 1, timestampMs: 1 }] },
      ]).subarray(0, 10),
      /length exceeds|truncated/,
    ],
    [
      'no metric name',
      encodeWriteRequest([{ labels: [['job', 'a']], samples: [{ value: 1, timestampMs: 1 }] }]),
      /no __name__/,
    ],
    [
      'bad label name',
      encodeWriteRequest([
        {
          labels: [
            ['__name__', 'a'],
            ['bad-name', 'x'],
          ],
          samples: [{ value: 1, timestampMs: 1 }],
        },
      ]),
      /invalid label name/,
    ],
    [
      'duplicate label',
      encodeWriteRequest([
        {
          labels: [
            ['__name__', 'a'],
            ['x', '1'],
            ['x', '2'],
          ],
          samples: [{ value: 1, timestampMs: 1 }],
        },
      ]),
      /duplicate label/,
    ],
    ['bad wire type', Buffer.from([0x0f]), /wire type/],
  ])('refuses %s input', (_name, body, message) => {
    expect(() => decode(body)).toThrow(RemoteWriteDecodeError);
    expect(() => decode(body)).toThrow(message);
  });
});
