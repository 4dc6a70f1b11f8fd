import type { ApiSpan } from './traces.js';

/**
 * Structural and timing differences between two traces. Input rule: each span is identified by
 * its operation path from the root, `service:name` of every ancestor and itself joined by
 * ` > ` (e.g. `frontend:GET /checkout > checkout:POST /pay`); a span whose parent is missing
 * starts its own path. Spans sharing a path (repeated calls) are paired in start-time order
 * (relative to each trace's start): the n-th in A with the n-th in B; the surplus of either side
 * is "only in" that side. Linear in the number of spans; pure.
 */

export interface ComparedSpan {
  spanId: string;
  durationNs: string;
  status: string;
  /** Start relative to the trace's first span. */
  offsetNs: string;
}

export interface MatchedSpan {
  path: string;
  /** 0 for the first span with this path, 1 for the second, ... */
  occurrence: number;
  a: ComparedSpan;
  b: ComparedSpan;
  /** b − a. */
  durationDeltaNs: string;
  statusChanged: boolean;
}

export interface UnmatchedSpan extends ComparedSpan {
  path: string;
  occurrence: number;
}

export interface TraceSide {
  traceId: string;
  durationNs: string;
  spanCount: number;
  errorCount: number;
}

export interface TraceComparison {
  a: TraceSide;
  b: TraceSide;
  /** b − a. */
  durationDeltaNs: string;
  matched: MatchedSpan[];
  onlyInA: UnmatchedSpan[];
  onlyInB: UnmatchedSpan[];
}

interface PathedSpan {
  path: string;
  occurrence: number;
  span: ComparedSpan;
}

const SEPARATOR = ' > ';

/** Each span's operation path and occurrence, in the spans' given order. */
export function operationPaths(spans: readonly ApiSpan[]): PathedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const paths = new Map<string, string>();
  const pathOf = (span: ApiSpan): string => {
    // Iterative walk up to the first ancestor whose path is known (or a root); cycles stop it.
    const chain: ApiSpan[] = [];
    const seen = new Set<string>();
    let current: ApiSpan | undefined = span;
    let prefix = '';
    while (current && !seen.has(current.spanId)) {
      const known = paths.get(current.spanId);
      if (known !== undefined) {
        prefix = known;
        break;
      }
      seen.add(current.spanId);
      chain.push(current);
      current = current.parentSpanId === '' ? undefined : byId.get(current.parentSpanId);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const node = chain[i]!;
      const label = `${node.serviceName}:${node.name}`;
      prefix = prefix === '' ? label : `${prefix}${SEPARATOR}${label}`;
      paths.set(node.spanId, prefix);
    }
    return prefix;
  };
  const start = spans.reduce(
    (min, s) => (BigInt(s.startTimeUnixNano) < min ? BigInt(s.startTimeUnixNano) : min),
    spans.length > 0 ? BigInt(spans[0]!.startTimeUnixNano) : 0n,
  );
  const ordered = [...spans].sort((x, y) => {
    const dx = BigInt(x.startTimeUnixNano);
    const dy = BigInt(y.startTimeUnixNano);
    return dx < dy ? -1 : dx > dy ? 1 : x.spanId < y.spanId ? -1 : x.spanId > y.spanId ? 1 : 0;
  });
  const counts = new Map<string, number>();
  return ordered.map((span) => {
    const path = pathOf(span);
    const occurrence = counts.get(path) ?? 0;
    counts.set(path, occurrence + 1);
    return {
      path,
      occurrence,
      span: {
        spanId: span.spanId,
        durationNs: span.durationNs,
        status: span.status.code,
        offsetNs: (BigInt(span.startTimeUnixNano) - start).toString(),
      },
    };
  });
}

function side(traceId: string, spans: readonly ApiSpan[]): TraceSide {
  let start: bigint | null = null;
  let end: bigint | null = null;
  for (const s of spans) {
    const st = BigInt(s.startTimeUnixNano);
    const en = BigInt(s.endTimeUnixNano);
    if (start === null || st < start) start = st;
    if (end === null || en > end) end = en;
  }
  return {
    traceId,
    durationNs: start === null || end === null ? '0' : (end - start).toString(),
    spanCount: spans.length,
    errorCount: spans.filter((s) => s.status.code === 'error').length,
  };
}

export function compareTraces(
  a: { traceId: string; spans: readonly ApiSpan[] },
  b: { traceId: string; spans: readonly ApiSpan[] },
): TraceComparison {
  const pathsA = operationPaths(a.spans);
  const pathsB = operationPaths(b.spans);
  const key = (p: PathedSpan) => `${p.occurrence}\u0000${p.path}`;
  const inB = new Map(pathsB.map((p) => [key(p), p]));
  const matchedKeys = new Set<string>();
  const matched: MatchedSpan[] = [];
  const onlyInA: UnmatchedSpan[] = [];
  for (const pa of pathsA) {
    const pb = inB.get(key(pa));
    if (!pb) {
      onlyInA.push({ path: pa.path, occurrence: pa.occurrence, ...pa.span });
      continue;
    }
    matchedKeys.add(key(pa));
    matched.push({
      path: pa.path,
      occurrence: pa.occurrence,
      a: pa.span,
      b: pb.span,
      durationDeltaNs: (BigInt(pb.span.durationNs) - BigInt(pa.span.durationNs)).toString(),
      statusChanged: pa.span.status !== pb.span.status,
    });
  }
  const onlyInB = pathsB
    .filter((p) => !matchedKeys.has(key(p)))
    .map((p) => ({ path: p.path, occurrence: p.occurrence, ...p.span }));
  const sideA = side(a.traceId, a.spans);
  const sideB = side(b.traceId, b.spans);
  return {
    a: sideA,
    b: sideB,
    durationDeltaNs: (BigInt(sideB.durationNs) - BigInt(sideA.durationNs)).toString(),
    matched,
    onlyInA,
    onlyInB,
  };
}
