import {
  lenTag,
  varintTag,
  writeAnyValue,
  writeFixed32Field,
  writeIdField,
  writeKeyValues,
  writeStringField,
  writeTimeField,
  writeUint32Field,
  type Writer,
  encodeResourceGroups,
} from './encode-common.js';
import type { ExportLogsRequest, LogRecord } from './encode-model.js';

/** `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest` as protobuf bytes. */
export function encodeExportLogsRequest(request: ExportLogsRequest): Uint8Array {
  return encodeResourceGroups(
    request.resourceLogs.map((r) => ({
      resource: r.resource,
      schemaUrl: r.schemaUrl,
      scopes: r.scopeLogs.map((s) => ({
        scope: s.scope,
        schemaUrl: s.schemaUrl,
        items: s.logRecords,
      })),
    })),
    writeLogRecord,
  );
}

function writeLogRecord(w: Writer, record: LogRecord): void {
  writeTimeField(w, 1, record.timeUnixNano);
  const severity = record.severityNumber ?? 0;
  if (severity !== 0) w.uint32(varintTag(2)).int32(severity);
  writeStringField(w, 3, record.severityText);
  if (record.body !== undefined) {
    w.uint32(lenTag(5)).fork();
    writeAnyValue(w, record.body);
    w.ldelim();
  }
  writeKeyValues(w, 6, record.attributes);
  writeUint32Field(w, 7, record.droppedAttributesCount);
  writeFixed32Field(w, 8, record.flags);
  writeIdField(w, 9, record.traceId);
  writeIdField(w, 10, record.spanId);
  writeTimeField(w, 11, record.observedTimeUnixNano);
  writeStringField(w, 12, record.eventName);
}
