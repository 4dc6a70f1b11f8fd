/**
 * Collects one trace's spans and logs while the service handlers simulate a request.
 * Handlers open spans, add attributes and events, and end them; the recorder turns them into
 * encoder model spans tagged with the pod that produced them.
 */
import type {
  AnyValue,
  Attributes,
  InstrumentationScope,
  LogRecord,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
} from '../otlp/encode.js';
import type { ExceptionInfo } from './failures.js';
import { buildLogRecord, exceptionAttributes, type LogLevel } from './generate-logs.js';
import type { Prng } from './prng.js';
import { msToUnixNano } from './time.js';
import type { ScopeKind, ServiceInstance } from './topology.js';

export interface EmittedSpan {
  instance: ServiceInstance;
  scope: InstrumentationScope;
  span: Span;
  startUnixMs: number;
  endUnixMs: number;
}

export interface EmittedLog {
  instance: ServiceInstance;
  scope: InstrumentationScope;
  record: LogRecord;
  timeUnixMs: number;
}

export interface OpenSpan {
  readonly spanId: string;
  readonly instance: ServiceInstance;
  readonly startMs: number;
  readonly kind: SpanKind;
  readonly scopeKind: ScopeKind;
  name: string;
  attributes: Record<string, AnyValue>;
  events: SpanEvent[];
  links: SpanLink[];
  status: SpanStatus | undefined;
  readonly parentSpanId: string;
  /** Whether the parent lives in another process (propagated context). */
  readonly remoteParent: boolean;
}

/** A string attribute of an open span, `''` when absent or not a string. */
export function stringAttribute(span: OpenSpan, name: string): string {
  const value = span.attributes[name];
  return typeof value === 'string' ? value : '';
}

// W3C sampled flag, plus the OTLP bits saying whether the parent is known to be remote.
const FLAG_SAMPLED = 0x01;
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

export class TraceRecorder {
  readonly traceId: string;
  readonly spans: EmittedSpan[] = [];
  readonly logs: EmittedLog[] = [];

  constructor(readonly rng: Prng) {
    this.traceId = rng.hex(16);
  }

  start(
    instance: ServiceInstance,
    scopeKind: ScopeKind,
    name: string,
    kind: SpanKind,
    startMs: number,
    parent: OpenSpan | undefined,
    attributes: Record<string, AnyValue> = {},
  ): OpenSpan {
    return {
      spanId: this.rng.hex(8),
      instance,
      startMs,
      kind,
      scopeKind,
      name,
      attributes,
      events: [],
      links: [],
      status: undefined,
      parentSpanId: parent?.spanId ?? '',
      remoteParent: parent !== undefined && parent.instance !== instance,
    };
  }

  end(open: OpenSpan, endMs: number): void {
    const span: Span = {
      traceId: this.traceId,
      spanId: open.spanId,
      parentSpanId: open.parentSpanId,
      name: open.name,
      kind: open.kind,
      startTimeUnixNano: msToUnixNano(open.startMs),
      endTimeUnixNano: msToUnixNano(endMs),
      attributes: open.attributes,
      flags: FLAG_SAMPLED | FLAG_HAS_IS_REMOTE | (open.remoteParent ? FLAG_IS_REMOTE : 0),
    };
    if (open.events.length > 0) span.events = open.events;
    if (open.links.length > 0) span.links = open.links;
    if (open.status !== undefined) span.status = open.status;
    this.spans.push({
      instance: open.instance,
      scope: open.instance.scope(open.scopeKind),
      span,
      startUnixMs: open.startMs,
      endUnixMs: endMs,
    });
  }

  /** Marks the span failed with an `exception` event, as `recordException` + `setStatus` do. */
  fail(open: OpenSpan, atMs: number, exception: ExceptionInfo): void {
    open.events.push({
      timeUnixNano: msToUnixNano(atMs),
      name: 'exception',
      attributes: exceptionAttributes(exception),
    });
    this.setError(open, exception.message);
  }

  setError(open: OpenSpan, message: string): void {
    open.status = { code: 'error', message };
  }

  addEvent(open: OpenSpan, atMs: number, name: string, attributes: Attributes = {}): void {
    open.events.push({ timeUnixNano: msToUnixNano(atMs), name, attributes });
  }

  /** A log line written by `span`'s service while the span was active. */
  log(
    span: OpenSpan,
    atMs: number,
    level: LogLevel,
    body: string,
    attributes: Attributes = {},
  ): void {
    const instance = span.instance;
    this.logs.push({
      instance,
      scope: instance.scope('logs'),
      record: buildLogRecord(this.rng, instance.service.language, atMs, level, body, attributes, {
        traceId: this.traceId,
        spanId: span.spanId,
      }),
      timeUnixMs: atMs,
    });
  }
}
