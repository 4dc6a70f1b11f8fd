import { SPAN_KINDS, STATUS_CODES, type DecodedTraces } from '../telemetry/batches.js';
import { AttributeLimiter } from './attribute-limits.js';
import { SpanBatchBuilder } from './builders.js';
import { keyValuesText } from './json-any-value.js';
import { walkEnvelope } from './json-envelope.js';
import {
  JsonPath,
  field,
  parseJsonBody,
  readArray,
  readEnum,
  readHexId,
  readInt64,
  readLooseHexId,
  readObject,
  readString,
  type JsonObject,
} from './json-values.js';
import { SPAN_PROMOTED_KEYS, pushSpanPromoted, type PromotedValue } from './promoted.js';
import { RejectionCounter, quoteName } from './rejections.js';
import type { JsonDecoder } from './decoder-types.js';

/** OTLP/JSON ExportTraceServiceRequest → SpanBatch (same columns as the protobuf decoder). */
export const decodeTracesJson: JsonDecoder<DecodedTraces> = (text, _receivedAt, limitsGiven) => {
  const doc = parseJsonBody(text);
  const path = new JsonPath();
  const out = new SpanBatchBuilder();
  const rejected = new RejectionCounter();
  const slots = new Array<PromotedValue>(SPAN_PROMOTED_KEYS.size);
  const limits = new AttributeLimiter(limitsGiven);
  walkEnvelope(
    doc,
    path,
    {
      resources: ['resourceSpans', 'resource_spans'],
      scopes: ['scopeSpans', 'scope_spans'],
      items: ['spans', 'spans'],
    },
    out,
    limits,
    (span) => {
      decodeSpan(span, path, out, rejected, slots, limits);
    },
  );
  return { spans: out.finish(), rejected: rejected.finish(), limited: limits.finish() };
};

export const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
export const STATUS_CODE_NAMES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function decodeSpan(
  span: JsonObject,
  path: JsonPath,
  out: SpanBatchBuilder,
  rejected: RejectionCounter,
  slots: PromotedValue[],
  limits: AttributeLimiter,
): void {
  const name = readString(span.name, path, 'name');
  const traceId = readHexId(
    field(span, 'traceId', 'trace_id'),
    path,
    'traceId',
    'trace_id',
    16,
    false,
  );
  const spanId = readHexId(field(span, 'spanId', 'span_id'), path, 'spanId', 'span_id', 8, false);
  const parent = readHexId(
    field(span, 'parentSpanId', 'parent_span_id'),
    path,
    'parentSpanId',
    'parent_span_id',
    8,
    true,
  );
  const traceState = readString(field(span, 'traceState', 'trace_state'), path, 'traceState');
  const kind = readEnum(span.kind, path, 'kind', SPAN_KIND_NAMES);
  const start = readInt64(
    field(span, 'startTimeUnixNano', 'start_time_unix_nano'),
    path,
    'startTimeUnixNano',
  );
  const end = readInt64(
    field(span, 'endTimeUnixNano', 'end_time_unix_nano'),
    path,
    'endTimeUnixNano',
  );
  slots.fill(null);
  const attributes = keyValuesText(
    span.attributes,
    path,
    'attributes',
    0,
    SPAN_PROMOTED_KEYS,
    slots,
    limits,
  );
  const events = eventsText(span.events, path, limits);
  const links = linksText(span.links, path, limits);
  const status = readObject(span.status, path, 'status') ?? {};
  path.enter('status');
  const statusCode = readEnum(status.code, path, 'code', STATUS_CODE_NAMES);
  const statusMessage = readString(status.message, path, 'message');
  path.leave();

  const problem = traceId.problem ?? spanId.problem ?? parent.problem;
  if (problem !== null) {
    rejected.reject(`span ${quoteName(name)}: ${problem}`);
    return;
  }
  out.traceId.push(traceId.hex);
  out.spanId.push(spanId.hex);
  out.parentSpanId.push(parent.hex);
  out.traceState.push(traceState);
  out.name.push(name);
  out.kind.push(SPAN_KINDS[kind] ?? 'unspecified');
  out.startTimeUnixNano.push(start);
  out.endTimeUnixNano.push(end);
  const startSigned = BigInt.asIntN(64, start);
  const endSigned = BigInt.asIntN(64, end);
  out.durationNs.push(endSigned < startSigned ? 0n : endSigned - startSigned);
  out.statusCode.push(STATUS_CODES[statusCode] ?? 'unset');
  out.statusMessage.push(statusMessage);
  pushSpanPromoted(slots, out);
  out.attributes.push(attributes);
  out.events.push(events);
  out.links.push(links);
}

function eventsText(v: unknown, path: JsonPath, limits: AttributeLimiter): string {
  const events = readArray(v, path, 'events');
  if (events.length === 0) return '[]';
  path.enter('events');
  let text = '[';
  for (let i = 0; i < events.length; i++) {
    path.enter(i);
    const event = readObject(events[i], path, null) ?? {};
    const time = readInt64(field(event, 'timeUnixNano', 'time_unix_nano'), path, 'timeUnixNano');
    const name = readString(event.name, path, 'name');
    const attributes = keyValuesText(event.attributes, path, 'attributes', 0, null, null, limits);
    if (i > 0) text += ',';
    text += `{"timeUnixNano":"${BigInt.asIntN(64, time)}","name":${JSON.stringify(name)},"attributes":${attributes}}`;
    path.leave();
  }
  path.leave();
  return text + ']';
}

function linksText(v: unknown, path: JsonPath, limits: AttributeLimiter): string {
  const links = readArray(v, path, 'links');
  if (links.length === 0) return '[]';
  path.enter('links');
  let text = '[';
  for (let i = 0; i < links.length; i++) {
    path.enter(i);
    const link = readObject(links[i], path, null) ?? {};
    const traceId = readLooseHexId(field(link, 'traceId', 'trace_id'), path, 'traceId');
    const spanId = readLooseHexId(field(link, 'spanId', 'span_id'), path, 'spanId');
    const traceState = readString(field(link, 'traceState', 'trace_state'), path, 'traceState');
    const attributes = keyValuesText(link.attributes, path, 'attributes', 0, null, null, limits);
    if (i > 0) text += ',';
    text += `{"traceId":"${traceId}","spanId":"${spanId}","traceState":${JSON.stringify(traceState)},"attributes":${attributes}}`;
    path.leave();
  }
  path.leave();
  return text + ']';
}
