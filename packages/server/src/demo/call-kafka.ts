/** Kafka produce and consume as producer and consumer spans. */
import type { FlowContext } from './flow-context.js';
import type { KafkaTopic, ProducedMessage } from './kafka-topic.js';
import { LATENCY, sampleLatencyMs } from './latency.js';
import type { OpenSpan } from './trace-recorder.js';
import { DEPENDENCIES, type ServiceName } from './topology.js';

// ------------------------------------------------------------------ Kafka

export interface Produced {
  endMs: number;
  producer: OpenSpan;
  message: ProducedMessage;
}

export function produceKafka(
  ctx: FlowContext,
  caller: OpenSpan,
  startMs: number,
  topic: KafkaTopic,
  key: string,
): Produced {
  const { rec, rng } = ctx;
  const message = topic.produce(key);
  const producer = rec.start(
    caller.instance,
    'kafka',
    `send ${topic.name}`,
    'producer',
    startMs,
    caller,
    {
      'messaging.system': 'kafka',
      'messaging.destination.name': topic.name,
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.kafka.message.key': key,
      'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': BigInt(message.offset),
      'messaging.client.id': `${caller.instance.podName}-producer-1`,
      'server.address': DEPENDENCIES.kafka.address,
      'server.port': BigInt(DEPENDENCIES.kafka.port),
    },
  );
  const endMs = startMs + sampleLatencyMs(rng, LATENCY.kafkaSend);
  rec.end(producer, endMs);
  return { endMs, producer, message };
}

export type ConsumerHandler = (ctx: FlowContext, consumer: OpenSpan, startMs: number) => number;

/**
 * One consumer group's processing of a produced message: a `process` span in a pod of
 * `group`, child of the producer span (context propagated in the message headers) and linked
 * to it, starting once the consumer has caught up. The handler returns the end time.
 */
export function consumeKafka(
  ctx: FlowContext,
  produced: Produced,
  topic: KafkaTopic,
  group: ServiceName,
  key: string,
  handler: ConsumerHandler,
): void {
  const { rec, rng } = ctx;
  const instance = ctx.topology.pick(group, rng);
  const { partition, offset } = produced.message;
  const availableMs = produced.endMs + sampleLatencyMs(rng, LATENCY.kafkaQueueDelay);
  const startMs = topic.consumerStart(group, partition, availableMs);
  const consumer = rec.start(
    instance,
    'kafka',
    `process ${topic.name}`,
    'consumer',
    startMs,
    produced.producer,
    {
      'messaging.system': 'kafka',
      'messaging.destination.name': topic.name,
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': group,
      'messaging.destination.partition.id': String(partition),
      'messaging.kafka.offset': BigInt(offset),
      'messaging.kafka.message.key': key,
      'server.address': DEPENDENCIES.kafka.address,
      'server.port': BigInt(DEPENDENCIES.kafka.port),
    },
  );
  consumer.links.push({
    traceId: rec.traceId,
    spanId: produced.producer.spanId,
    flags: 1,
    attributes: { 'messaging.operation.type': 'send' },
  });
  const endMs = handler(ctx, consumer, startMs);
  rec.end(consumer, endMs);
  topic.consumerDone(group, partition, produced.endMs, endMs);
}
