import {
  lenTag,
  varintTag,
  writeFixed32Field,
  writeIdField,
  writeKeyValues,
  writeStringField,
  writeTimeField,
  writeUint32Field,
  type Writer,
  encodeResourceGroups,
} from './encode-common.js';
import type {
  ExportTraceRequest,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
} from './encode-model.js';

const SPAN_KIND_NUMBER: Readonly<Record<SpanKind, number>> = {
  unspecified: 0,
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};

const STATUS_CODE_NUMBER: Readonly<Record<StatusCode, number>> = { unset: 0, ok: 1, error: 2 };

/** `opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest` as protobuf bytes. */
export function encodeExportTraceRequest(request: ExportTraceRequest): Uint8Array {
  return encodeResourceGroups(
    request.resourceSpans.map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      scopes: r.scopeSpans.map((s) => ({ scope: s.scope, schemaUrl: s.schemaUrl, items: s.spans })),
    })),
    writeSpan,
  );
}

function writeSpan(w: Writer, span: Span): void {
  writeIdField(w, 1, span.traceId);
  writeIdField(w, 2, span.spanId);
  writeStringField(w, 3, span.traceState);
  writeIdField(w, 4, span.parentSpanId);
  writeStringField(w, 5, span.name);
  const kind = SPAN_KIND_NUMBER[span.kind];
  if (kind !== 0) w.uint32(varintTag(6)).int32(kind);
  writeTimeField(w, 7, span.startTimeUnixNano);
  writeTimeField(w, 8, span.endTimeUnixNano);
  writeKeyValues(w, 9, span.attributes);
  writeUint32Field(w, 10, span.droppedAttributesCount);
  if (span.events !== undefined) {
    for (const event of span.events) {
      w.uint32(lenTag(11)).fork();
      writeEvent(w, event);
      w.ldelim();
    }
  }
  writeUint32Field(w, 12, span.droppedEventsCount);
  if (span.links !== undefined) {
    for (const link of span.links) {
      w.uint32(lenTag(13)).fork();
      writeLink(w, link);
      w.ldelim();
    }
  }
  writeUint32Field(w, 14, span.droppedLinksCount);
  const status = span.status;
  if (status !== undefined && (status.code !== 'unset' || (status.message ?? '') !== '')) {
    w.uint32(lenTag(15)).fork();
    writeStringField(w, 2, status.message);
    const code = STATUS_CODE_NUMBER[status.code];
    if (code !== 0) w.uint32(varintTag(3)).int32(code);
    w.ldelim();
  }
  writeFixed32Field(w, 16, span.flags);
}

function writeEvent(w: Writer, event: SpanEvent): void {
  writeTimeField(w, 1, event.timeUnixNano);
  writeStringField(w, 2, event.name);
  writeKeyValues(w, 3, event.attributes);
  writeUint32Field(w, 4, event.droppedAttributesCount);
}

function writeLink(w: Writer, link: SpanLink): void {
  writeIdField(w, 1, link.traceId);
  writeIdField(w, 2, link.spanId);
  writeStringField(w, 3, link.traceState);
  writeKeyValues(w, 4, link.attributes);
  writeUint32Field(w, 5, link.droppedAttributesCount);
  writeFixed32Field(w, 6, link.flags);
}
