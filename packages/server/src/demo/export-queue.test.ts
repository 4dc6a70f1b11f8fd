import { describe, expect, it } from 'vitest';

import { ExportQueue, type ExportJob } from './export-queue.js';
import type { SendOutcome } from './sender.js';

const job = (n: number): ExportJob => ({
  signal: 'traces',
  payload: new Uint8Array([n]),
  items: { traces: 0, spans: n, logs: 0, metricPoints: 0 },
});

const ok: SendOutcome = { ok: true, status: 200, attempts: 1, bytes: 1, rejected: 0, message: '' };

describe('ExportQueue', () => {
  it('sends in order, one at a time', async () => {
    const sent: number[] = [];
    let inFlight = 0;
    const queue = new ExportQueue({
      send: async (j) => {
        inFlight++;
        expect(inFlight).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        sent.push(j.items.spans);
        return ok;
      },
      onSent: () => undefined,
      onDropped: () => undefined,
    });
    for (const n of [1, 2, 3]) queue.push(job(n));
    await queue.flush(1_000);
    expect(sent).toEqual([1, 2, 3]);
  });

  it('drops the oldest waiting job when full, and what is left at the flush deadline', async () => {
    const dropped: number[] = [];
    let release: () => void = () => undefined;
    const queue = new ExportQueue(
      {
        send: () =>
          new Promise<SendOutcome>((resolve) => {
            release = () => {
              resolve(ok);
            };
          }),
        onSent: () => undefined,
        onDropped: (j) => dropped.push(j.items.spans),
      },
      2,
    );
    for (const n of [1, 2, 3, 4]) queue.push(job(n));
    // 1 is in flight, 2 was pushed out by 4.
    expect(dropped).toEqual([2]);
    await queue.flush(20);
    expect(dropped).toEqual([2, 3, 4]);
    release();
  });

  it('turns a throwing sender into a failed outcome', async () => {
    const outcomes: SendOutcome[] = [];
    const queue = new ExportQueue({
      send: () => Promise.reject(new Error('boom')),
      onSent: (_j, outcome) => outcomes.push(outcome),
      onDropped: () => undefined,
    });
    queue.push(job(1));
    await queue.flush(1_000);
    expect(outcomes).toEqual([expect.objectContaining({ ok: false, message: 'boom' })]);
  });
});
