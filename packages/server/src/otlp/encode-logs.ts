import {
  createWriter,
  lenTag,
  varintTag,
  writeAnyValue,
  writeFixed32Field,
  writeIdField,
  writeKeyValues,
  writeResourceField,
  writeScopeField,
  writeStringField,
  writeTimeField,
  writeUint32Field,
  type Writer,
} from './encode-common.js';
import type { ExportLogsRequest, LogRecord } from './encode-model.js';

/** `opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest` as protobuf bytes. */
export function encodeExportLogsRequest(request: ExportLogsRequest): Uint8Array {
  const w = createWriter();
  for (const resourceLogs of request.resourceLogs) {
    w.uint32(lenTag(1)).fork();
    writeResourceField(w, 1, resourceLogs.resource);
    for (const scopeLogs of resourceLogs.scopeLogs) {
      w.uint32(lenTag(2)).fork();
      writeScopeField(w, 1, scopeLogs.scope);
      for (const record of scopeLogs.logRecords) {
        w.uint32(lenTag(2)).fork();
        writeLogRecord(w, record);
        w.ldelim();
      }
      writeStringField(w, 3, scopeLogs.schemaUrl);
      w.ldelim();
    }
    writeStringField(w, 3, resourceLogs.schemaUrl);
    w.ldelim();
  }
  return w.finish();
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
