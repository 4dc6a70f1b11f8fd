/** What a service handler needs while simulating its part of one request. */
import type { IncidentSchedule } from './incidents.js';
import type { KafkaTopic } from './kafka-topic.js';
import type { Prng } from './prng.js';
import type { Topology } from './topology.js';
import type { TraceRecorder } from './trace-recorder.js';

export interface FlowContext {
  readonly rng: Prng;
  readonly rec: TraceRecorder;
  readonly topology: Topology;
  readonly incidents: IncidentSchedule;
  readonly ordersTopic: KafkaTopic;
}
