import type { DecodedLogs } from '../telemetry/batches.js';
import { AttributeLimiter, UNLIMITED, type AttributeLimits } from './attribute-limits.js';
import { LogBatchBuilder } from './builders.js';
import { anyValueText, keyValuesText } from './json-any-value.js';
import { walkEnvelope } from './json-envelope.js';
import {
  JsonPath,
  field,
  parseJsonBody,
  readEnum,
  readHexId,
  readInt64,
  readObject,
  readString,
  readUint32,
  type JsonObject,
} from './json-values.js';
import { RejectionCounter, quoteName } from './rejections.js';

/** OTLP/JSON ExportLogsServiceRequest → LogBatch (same columns as the protobuf decoder). */
export function decodeLogsJson(
  text: string,
  receivedAtUnixNano: bigint,
  limitsGiven?: AttributeLimits,
): DecodedLogs {
  const doc = parseJsonBody(text);
  const path = new JsonPath();
  const out = new LogBatchBuilder();
  const rejected = new RejectionCounter();
  const limits = new AttributeLimiter(limitsGiven);
  walkEnvelope(
    doc,
    path,
    {
      resources: ['resourceLogs', 'resource_logs'],
      scopes: ['scopeLogs', 'scope_logs'],
      items: ['logRecords', 'log_records'],
    },
    out,
    limits,
    (record) => {
      decodeLogRecord(record, path, out, rejected, receivedAtUnixNano, limits);
    },
  );
  return { logs: out.finish(), rejected: rejected.finish(), limited: limits.finish() };
}

const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
export const SEVERITY_NUMBER_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...SEVERITY_LEVELS.flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
];
const MAX_SEVERITY_NUMBER = 24;

function decodeLogRecord(
  record: JsonObject,
  path: JsonPath,
  out: LogBatchBuilder,
  rejected: RejectionCounter,
  receivedAt: bigint,
  limits: AttributeLimiter,
): void {
  const time = readInt64(field(record, 'timeUnixNano', 'time_unix_nano'), path, 'timeUnixNano');
  const observed = readInt64(
    field(record, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    path,
    'observedTimeUnixNano',
  );
  const severityNumber = readEnum(
    field(record, 'severityNumber', 'severity_number'),
    path,
    'severityNumber',
    SEVERITY_NUMBER_NAMES,
  );
  const severityText = readString(
    field(record, 'severityText', 'severity_text'),
    path,
    'severityText',
  );
  const body = bodyText(readObject(record.body, path, 'body'), path);
  const attributes = keyValuesText(record.attributes, path, 'attributes', 0, null, null, limits);
  const flags = readUint32(record.flags, path, 'flags');
  const traceId = readHexId(
    field(record, 'traceId', 'trace_id'),
    path,
    'traceId',
    'trace_id',
    16,
    true,
  );
  const spanId = readHexId(field(record, 'spanId', 'span_id'), path, 'spanId', 'span_id', 8, true);
  const eventName = readString(field(record, 'eventName', 'event_name'), path, 'eventName');

  const problem = traceId.problem ?? spanId.problem;
  if (problem !== null) {
    rejected.reject(`log record ${quoteName(body)}: ${problem}`);
    return;
  }
  // Zero means absent, in either signedness.
  const observedTime = BigInt.asUintN(64, observed) === 0n ? receivedAt : observed;
  out.timeUnixNano.push(BigInt.asUintN(64, time) === 0n ? observedTime : time);
  out.observedTimeUnixNano.push(observedTime);
  out.severityNumber.push(
    severityNumber >= 0 && severityNumber <= MAX_SEVERITY_NUMBER ? severityNumber : 0,
  );
  out.severityText.push(severityText);
  out.body.push(body);
  out.traceId.push(traceId.hex);
  out.spanId.push(spanId.hex);
  out.flags.push(flags);
  out.eventName.push(eventName);
  out.attributes.push(attributes);
}

/** A string body as it is; any other value as JSON text; no value as `''`. */
function bodyText(body: JsonObject | undefined, path: JsonPath): string {
  if (body === undefined) return '';
  const s = field(body, 'stringValue', 'string_value');
  if (s !== undefined) {
    path.enter('body');
    const text = readString(s, path, 'stringValue');
    path.leave();
    return text;
  }
  path.enter('body');
  const text = anyValueText(body, path, 0, UNLIMITED);
  path.leave();
  return text === 'null' ? '' : text;
}
