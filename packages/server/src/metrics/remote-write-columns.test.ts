import { describe, expect, it } from 'vitest';
import { parseTenantId } from '../tenant.js';
import { PromBatchBuilder } from './prom-batch-builder.js';
import { decodeWriteRequestColumns, labelHashesOf } from './remote-write-columns.js';
import { applyWriteRequest } from './remote-write-decode.js';
import { parseLabelsText } from './series-id.js';
import { SeriesRegistry } from './series-registry.js';
import { encodeWriteRequest } from './test-support/remote-write-encode.js';

const tenant = parseTenantId('t');
const DAY = 86_400_000;

function field(tag: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag, payload.length]), payload]);
}

function label(name: string, value: string): Buffer {
  return field(
    0x0a,
    Buffer.concat([field(0x0a, Buffer.from(name)), field(0x12, Buffer.from(value))]),
  );
}

function sample(value: number, timestampMs: number): Buffer {
  const double = Buffer.alloc(9);
  double[0] = 0x09;
  double.writeDoubleLE(value, 1);
  const varint: number[] = [0x10];
  for (let v = timestampMs; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      varint.push(v);
      break;
    }
    varint.push((v % 128) | 0x80);
  }
  return field(0x12, Buffer.concat([double, Buffer.from(varint)]));
}

describe('remote write as columns', () => {
  it('finds the same series whether its labels are contiguous on the wire or not', () => {
    const registry = new SeriesRegistry({ maxSeries: 1000 });
    const contiguous = field(
      0x0a,
      Buffer.concat([label('__name__', 'up'), label('job', 'a'), sample(1, 1000)]),
    );
    const scattered = field(
      0x0a,
      Buffer.concat([label('__name__', 'up'), sample(2, 2000), label('job', 'a')]),
    );
    const columns = decodeWriteRequestColumns(Buffer.concat([contiguous, scattered]));
    expect(columns.seriesCount).toBe(2);
    const builder = new PromBatchBuilder(tenant, registry);
    const stats = applyWriteRequest(columns, builder);
    const batch = builder.build();
    expect(stats.samples).toBe(2);
    const [first, second] = batch.promSamples!.seriesId;
    expect(second).toBe(first);
    expect(batch.promSeries?.length).toBe(1);
    expect(parseLabelsText(batch.promSeries!.labels[0]!)).toEqual([
      ['__name__', 'up'],
      ['job', 'a'],
    ]);
  });

  it('writes an index row for each UTC day a series has samples in', () => {
    const builder = new PromBatchBuilder(tenant, new SeriesRegistry({ maxSeries: 1000 }));
    const body = encodeWriteRequest([
      {
        labels: [['__name__', 'x']],
        samples: [
          { value: 1, timestampMs: 20_000 * DAY - 1000 },
          { value: 2, timestampMs: 20_000 * DAY + 1000 },
        ],
      },
    ]);
    applyWriteRequest(decodeWriteRequestColumns(body), builder);
    const batch = builder.build();
    expect([...batch.promSeries!.dayMs]).toEqual([BigInt(19_999 * DAY), BigInt(20_000 * DAY)]);
    expect([...batch.promSamples!.value]).toEqual([1, 2]);
  });

  it('hashes label bytes so that different label sets differ', () => {
    const seen = new Set<string>();
    const out = new Uint32Array(2);
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.concat([label('__name__', 'm'), label('i', String(i))]);
      labelHashesOf(
        new DataView(bytes.buffer, bytes.byteOffset, bytes.length),
        0,
        bytes.length,
        out,
        0,
      );
      seen.add(`${out[0]}:${out[1]}`);
      // Deterministic, and over exactly the given range.
      const padded = Buffer.concat([Buffer.from([7, 7]), bytes, Buffer.from([9])]);
      const again = new Uint32Array(2);
      labelHashesOf(
        new DataView(padded.buffer, padded.byteOffset, padded.length),
        2,
        2 + bytes.length,
        again,
        0,
      );
      expect([...again]).toEqual([...out]);
    }
    expect(seen.size).toBe(20_000);
  });
});
