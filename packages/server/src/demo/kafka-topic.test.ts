import { describe, expect, it } from 'vitest';

import { KafkaTopic } from './kafka-topic.js';
import { createPrng } from './prng.js';

describe('KafkaTopic', () => {
  it('assigns increasing offsets per partition, the same partition per key', () => {
    const topic = new KafkaTopic('orders', 3, createPrng(1));
    const a = topic.produce('ORD-1');
    const b = topic.produce('ORD-1');
    expect(b.partition).toBe(a.partition);
    expect(b.offset).toBe(a.offset + 1);
  });

  it('queues a consumer behind its previous message and measures lag', () => {
    const topic = new KafkaTopic('orders', 1, createPrng(1));
    expect(topic.consumerStart('email', 0, 100)).toBe(100);
    topic.consumerDone('email', 0, 90, 300);
    // The next message is available at 150 but the consumer is busy until 300.
    expect(topic.consumerStart('email', 0, 150)).toBe(300);
    topic.consumerDone('email', 0, 140, 400);
    expect(topic.lag(200)).toEqual([{ group: 'email', partition: 0, lag: 2 }]);
    expect(topic.lag(350)).toEqual([{ group: 'email', partition: 0, lag: 1 }]);
    expect(topic.lag(500)).toEqual([{ group: 'email', partition: 0, lag: 0 }]);
  });
});
