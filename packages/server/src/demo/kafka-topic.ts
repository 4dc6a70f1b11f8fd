/**
 * A Kafka topic as the simulator needs it: partition offsets for the producer, and per
 * consumer group the time each partition's consumer is busy until, so processing queues up
 * when it slows down and consumer lag can be measured.
 */
import type { Prng } from './prng.js';

export interface ProducedMessage {
  partition: number;
  offset: number;
}

interface InFlight {
  group: string;
  partition: number;
  producedAtMs: number;
  consumedAtMs: number;
}

export class KafkaTopic {
  private readonly nextOffset: number[];
  private readonly busyUntilMs = new Map<string, number>();
  private readonly consumers = new Map<string, { group: string; partition: number }>();
  private inFlight: InFlight[] = [];

  constructor(
    readonly name: string,
    readonly partitions: number,
    rng: Prng,
  ) {
    // A topic that has been in production for a while.
    this.nextOffset = Array.from({ length: partitions }, () => 100_000 + rng.int(900_000));
  }

  produce(key: string): ProducedMessage {
    const partition = hashKey(key) % this.partitions;
    const offset = this.nextOffset[partition]!;
    this.nextOffset[partition] = offset + 1;
    return { partition, offset };
  }

  /**
   * When `group`'s consumer of `partition` can start on a message that became available at
   * `availableAtMs`: once it has finished the messages before it.
   */
  consumerStart(group: string, partition: number, availableAtMs: number): number {
    return Math.max(availableAtMs, this.busyUntilMs.get(`${group}/${partition}`) ?? 0);
  }

  /** Records that `group` finished processing a message produced at `producedAtMs`. */
  consumerDone(group: string, partition: number, producedAtMs: number, doneAtMs: number): void {
    const key = `${group}/${partition}`;
    if (!this.consumers.has(key)) this.consumers.set(key, { group, partition });
    this.busyUntilMs.set(key, doneAtMs);
    this.inFlight.push({ group, partition, producedAtMs, consumedAtMs: doneAtMs });
  }

  /** Messages produced but not yet processed at `atMs`, per group and partition. */
  lag(atMs: number): { group: string; partition: number; lag: number }[] {
    this.inFlight = this.inFlight.filter((m) => m.consumedAtMs > atMs - 60_000);
    const counts = new Map<string, { group: string; partition: number; lag: number }>();
    for (const [key, consumer] of this.consumers) counts.set(key, { ...consumer, lag: 0 });
    for (const m of this.inFlight) {
      const entry = counts.get(`${m.group}/${m.partition}`);
      if (entry !== undefined && m.producedAtMs <= atMs && atMs < m.consumedAtMs) entry.lag++;
    }
    return [...counts.values()].sort((a, b) =>
      a.group === b.group ? a.partition - b.partition : a.group < b.group ? -1 : 1,
    );
  }
}

/** Kafka's default partitioner hashes the key (murmur2); any stable hash will do here. */
function hashKey(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
  return h;
}
