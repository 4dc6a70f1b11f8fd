/**
 * Log lines outside any request: periodic jobs of the services, and the connection-pool
 * warnings a slow database causes. They carry no trace context.
 */
import { buildLogRecord, type LogLevel } from './generate-logs.js';
import type { IncidentSchedule } from './incidents.js';
import type { Prng } from './prng.js';
import { ticks } from './time.js';
import type { ServiceInstance, ServiceName, Topology } from './topology.js';
import type { EmittedLog } from './trace-recorder.js';

interface Job {
  service: ServiceName;
  periodMs: number;
  level: LogLevel;
  message: (rng: Prng) => string;
}

const JOBS: readonly Job[] = [
  {
    service: 'inventory',
    periodMs: 30_000,
    level: 'info',
    message: (rng) =>
      `stock reconciliation finished: ${1400 + rng.int(300)} SKUs checked, ${rng.int(6)} adjusted`,
  },
  {
    service: 'cart',
    periodMs: 60_000,
    level: 'info',
    message: (rng) => `Evicted ${rng.int(40)} expired carts`,
  },
  {
    service: 'recommendation',
    periodMs: 45_000,
    level: 'info',
    message: (rng) =>
      `refreshed recommendation model (${1400 + rng.int(300)} products) in ${rng.uniform(0.8, 2.4).toFixed(2)}s`,
  },
  {
    service: 'product-catalog',
    periodMs: 20_000,
    level: 'debug',
    message: (rng) => `cache warmup: ${180 + rng.int(40)} keys refreshed`,
  },
  {
    service: 'order-fulfillment',
    periodMs: 10_000,
    level: 'debug',
    message: (rng) => `committed offsets for orders-${rng.int(3)}`,
  },
];

const POOL_WARNING_PERIOD_MS = 5_000;

export function backgroundLogs(
  rng: Prng,
  topology: Topology,
  incidents: IncidentSchedule,
  fromMs: number,
  toMs: number,
): EmittedLog[] {
  const logs: EmittedLog[] = [];
  for (const job of JOBS) {
    topology.instancesOf(job.service).forEach((instance, index) => {
      // Pods started at different times: their job runs are offset.
      const phase = ((index + 1) * 7_919) % job.periodMs;
      for (const at of ticks(fromMs, toMs, job.periodMs, phase)) {
        logs.push(emit(rng, instance, at, job.level, job.message(rng)));
      }
    });
  }
  for (const at of ticks(fromMs, toMs, POOL_WARNING_PERIOD_MS, 1_234)) {
    if (!incidents.isActive('slow-database', at)) continue;
    for (const instance of topology.instancesOf('inventory')) {
      const waiting = 2 + rng.int(9);
      logs.push(
        emit(
          rng,
          instance,
          at + rng.uniform(0, 500),
          'warn',
          `HikariPool-1 - Pool stats (total=10, active=10, idle=0, waiting=${waiting})`,
        ),
      );
    }
  }
  return logs;
}

function emit(
  rng: Prng,
  instance: ServiceInstance,
  atMs: number,
  level: LogLevel,
  body: string,
): EmittedLog {
  return {
    instance,
    scope: instance.scope('logs'),
    record: buildLogRecord(rng, instance.service.language, atMs, level, body, {}, undefined),
    timeUnixMs: atMs,
  };
}
