/** Groups emitted spans and logs by pod (resource) and scope into OTLP export requests. */
import type {
  ExportLogsRequest,
  ExportMetricsRequest,
  ExportTraceRequest,
  InstrumentationScope,
  LogRecord,
  Span,
} from '../otlp/encode.js';
import type { ServiceInstance } from './topology.js';
import type { EmittedLog, EmittedSpan } from './trace-recorder.js';

function group<T, I>(
  items: readonly T[],
  instanceOf: (item: T) => ServiceInstance,
  scopeOf: (item: T) => InstrumentationScope,
  valueOf: (item: T) => I,
): Map<ServiceInstance, Map<InstrumentationScope, I[]>> {
  const byInstance = new Map<ServiceInstance, Map<InstrumentationScope, I[]>>();
  for (const item of items) {
    const instance = instanceOf(item);
    let byScope = byInstance.get(instance);
    if (byScope === undefined)
      byInstance.set(instance, (byScope = new Map<InstrumentationScope, I[]>()));
    const scope = scopeOf(item);
    let list = byScope.get(scope);
    if (list === undefined) byScope.set(scope, (list = []));
    list.push(valueOf(item));
  }
  return byInstance;
}

export function toTraceRequest(spans: readonly EmittedSpan[]): ExportTraceRequest {
  const grouped = group<EmittedSpan, Span>(
    spans,
    (s) => s.instance,
    (s) => s.scope,
    (s) => s.span,
  );
  return {
    resourceSpans: [...grouped].map(([instance, byScope]) => ({
      resource: instance.resource,
      scopeSpans: [...byScope].map(([scope, list]) => ({ scope, spans: list })),
    })),
  };
}

export function toLogsRequest(logs: readonly EmittedLog[]): ExportLogsRequest {
  const grouped = group<EmittedLog, LogRecord>(
    logs,
    (l) => l.instance,
    (l) => l.scope,
    (l) => l.record,
  );
  return {
    resourceLogs: [...grouped].map(([instance, byScope]) => ({
      resource: instance.resource,
      scopeLogs: [...byScope].map(([scope, list]) => ({ scope, logRecords: list })),
    })),
  };
}

/** Data points in a metrics request (what OTLP's partial success counts). */
export function countDataPoints(request: ExportMetricsRequest): number {
  let n = 0;
  for (const rm of request.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) n += metric.data.points.length;
    }
  }
  return n;
}
