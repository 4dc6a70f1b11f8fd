import {
  SPAN_KINDS,
  STATUS_CODES,
  type DecodedTraces,
  type Utf8SpanBatch,
} from '../telemetry/batches.js';
import { AttributeLimiter } from './attribute-limits.js';
import { SpanBatchBuilder } from './builders.js';
import { JsonWriter } from './json-writer.js';
import {
  EMPTY_RESOURCE,
  RESOURCE_PROMOTED_KEYS,
  SPAN_PROMOTED_KEYS,
  pushSpanPromoted,
  type PromotedValue,
} from './promoted.js';
import { RejectionCounter, optionalIdProblem, quoteName, requiredIdProblem } from './rejections.js';
import { writeKeyValue } from './wire-any-value.js';
import { WireReader, isAllZero } from './wire-reader.js';
import { EMPTY_SCOPE, decodeResource, decodeScope } from './wire-resource.js';
import type { ProtobufDecoder } from './decoder-types.js';

/**
 * ExportTraceServiceRequest (protobuf) → SpanBatch in one pass over the bytes. Field keys are
 * `field number << 3 | wire type` from opentelemetry-proto's trace.proto; a field that arrives
 * with another wire type is skipped like an unknown one.
 */
export const decodeTracesProtobuf: ProtobufDecoder<DecodedTraces> = (
  bytes,
  _receivedAt,
  limits,
) => {
  const decoder = new SpanWireDecoder(
    new WireReader(bytes),
    new AttributeLimiter(limits),
    new SpanBatchBuilder('strings'),
  );
  const { rejected, limited } = decoder.request();
  return { spans: decoder.out.finish(), rejected, limited };
};

/**
 * The same decoding into UTF-8 columns (`telemetry/utf8-column.ts`): no JS string is made of
 * the wire's text, and the result's buffers can be transferred to another thread.
 */
export const decodeTracesProtobufUtf8: ProtobufDecoder<DecodedTraces<Utf8SpanBatch>> = (
  bytes,
  _receivedAt,
  limits,
) => {
  const decoder = new SpanWireDecoder(
    new WireReader(bytes),
    new AttributeLimiter(limits),
    new SpanBatchBuilder('utf8'),
  );
  const { rejected, limited } = decoder.request();
  return { spans: decoder.out.finishUtf8(), rejected, limited };
};

// Scratch space, reused by every request (decoding is synchronous).
const spanAttributes = new JsonWriter();
const spanEvents = new JsonWriter();
const spanLinks = new JsonWriter();
const nestedAttributes = new JsonWriter();
const resourceAttributes = new JsonWriter();
const spanSlots: PromotedValue[] = new Array<PromotedValue>(SPAN_PROMOTED_KEYS.size).fill(null);
const resourceSlots: PromotedValue[] = new Array<PromotedValue>(RESOURCE_PROMOTED_KEYS.size).fill(
  null,
);

class SpanWireDecoder {
  private readonly rejected = new RejectionCounter();
  private statusCode = 0;
  private statusMessage = '';

  constructor(
    private readonly r: WireReader,
    private readonly limits: AttributeLimiter,
    readonly out: SpanBatchBuilder,
  ) {}

  request(): Omit<DecodedTraces, 'spans'> {
    const r = this.r;
    const end = r.end;
    while (r.pos < end) {
      r.msg = 'ExportTraceServiceRequest';
      const tag = r.tag(end);
      if (tag === 0x0a) this.resourceSpans(r.len(end));
      else r.skip(tag, end);
    }
    return {
      rejected: this.rejected.finish(),
      limited: this.limits.finish(),
    };
  }

  private resourceSpans(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let resource = EMPTY_RESOURCE;
    while (r.pos < end) {
      r.msg = 'ResourceSpans';
      const tag = r.tag(end);
      if (tag === 0x0a) {
        resource = decodeResource(r, r.len(end), resourceAttributes, resourceSlots, this.limits);
      } else if (tag === 0x12) {
        this.scopeSpans(r.len(end));
      } else {
        r.skip(tag, end);
      }
    }
    this.out.fillResource(from, resource);
  }

  private scopeSpans(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let scope = EMPTY_SCOPE;
    while (r.pos < end) {
      r.msg = 'ScopeSpans';
      const tag = r.tag(end);
      if (tag === 0x0a) scope = decodeScope(r, r.len(end));
      else if (tag === 0x12) this.span(r.len(end));
      else r.skip(tag, end);
    }
    this.out.fillScope(from, scope);
  }

  private span(end: number): void {
    const r = this.r;
    const buf = r.buf;
    let traceStart = 0;
    let traceEnd = 0;
    let spanStart = 0;
    let spanEnd = 0;
    let parentStart = 0;
    let parentEnd = 0;
    let stateStart = 0;
    let stateEnd = 0;
    let nameStart = 0;
    let nameEnd = 0;
    let kind = 0;
    let startLo = 0;
    let startHi = 0;
    let endLo = 0;
    let endHi = 0;
    let statusCode = 0;
    let statusMessage = '';
    spanAttributes.reset();
    spanAttributes.byte(0x7b);
    spanEvents.reset();
    spanEvents.byte(0x5b);
    spanLinks.reset();
    spanLinks.byte(0x5b);
    spanSlots.fill(null);
    while (r.pos < end) {
      r.msg = 'Span';
      const tag = r.tag(end);
      switch (tag) {
        case 0x0a: // trace_id
          traceEnd = r.len(end);
          traceStart = r.pos;
          r.pos = traceEnd;
          break;
        case 0x12: // span_id
          spanEnd = r.len(end);
          spanStart = r.pos;
          r.pos = spanEnd;
          break;
        case 0x1a: // trace_state
          stateEnd = r.len(end);
          stateStart = r.pos;
          r.pos = stateEnd;
          break;
        case 0x22: // parent_span_id
          parentEnd = r.len(end);
          parentStart = r.pos;
          r.pos = parentEnd;
          break;
        case 0x2a: // name
          nameEnd = r.len(end);
          nameStart = r.pos;
          r.pos = nameEnd;
          break;
        case 0x30: // kind
          kind = r.int32(end);
          break;
        case 0x39: // start_time_unix_nano
          r.fixed64(end);
          startLo = r.lo;
          startHi = r.hi;
          break;
        case 0x41: // end_time_unix_nano
          r.fixed64(end);
          endLo = r.lo;
          endHi = r.hi;
          break;
        case 0x4a: // attributes
          writeKeyValue(
            r,
            r.len(end),
            spanAttributes,
            0,
            SPAN_PROMOTED_KEYS,
            spanSlots,
            this.limits,
          );
          break;
        case 0x5a: // events
          this.event(r.len(end));
          break;
        case 0x6a: // links
          this.link(r.len(end));
          break;
        case 0x7a: // status
          this.status(r.len(end));
          statusCode = this.statusCode;
          statusMessage = this.statusMessage;
          break;
        default:
          r.skip(tag, end);
      }
    }

    const problem =
      requiredIdProblem(
        'trace_id',
        traceEnd - traceStart,
        16,
        isAllZero(buf, traceStart, traceEnd),
      ) ??
      requiredIdProblem('span_id', spanEnd - spanStart, 8, isAllZero(buf, spanStart, spanEnd)) ??
      optionalIdProblem('parent_span_id', parentEnd - parentStart, 8);
    if (problem !== null) {
      this.rejected.reject(`span ${quoteName(r.string(nameStart, nameEnd))}: ${problem}`);
      return;
    }

    const out = this.out;
    out.traceId.hex(buf, traceStart, traceEnd);
    out.spanId.hex(buf, spanStart, spanEnd);
    if (isAllZero(buf, parentStart, parentEnd)) out.parentSpanId.push('');
    else out.parentSpanId.hex(buf, parentStart, parentEnd);
    out.traceState.utf8(buf, stateStart, stateEnd);
    out.name.utf8(buf, nameStart, nameEnd);
    out.kind.push(SPAN_KINDS[kind] ?? 'unspecified');
    out.startTimeUnixNano.pushHalves(startLo, startHi);
    out.endTimeUnixNano.pushHalves(endLo, endHi);
    out.durationNs.pushDifference(endLo, endHi, startLo, startHi);
    out.statusCode.push(STATUS_CODES[statusCode] ?? 'unset');
    out.statusMessage.push(statusMessage);
    pushSpanPromoted(spanSlots, out);
    out.attributes.json(spanAttributes, 0x7d, '{}');
    out.events.json(spanEvents, 0x5d, '[]');
    out.links.json(spanLinks, 0x5d, '[]');
  }

  /** Appends `{"timeUnixNano":"…","name":"…","attributes":{…}}` to `spanEvents`. */
  private event(end: number): void {
    const r = this.r;
    let timeLo = 0;
    let timeHi = 0;
    let nameStart = 0;
    let nameEnd = 0;
    nestedAttributes.reset();
    nestedAttributes.byte(0x7b);
    while (r.pos < end) {
      r.msg = 'Span.Event';
      const tag = r.tag(end);
      if (tag === 0x09) {
        r.fixed64(end);
        timeLo = r.lo;
        timeHi = r.hi;
      } else if (tag === 0x12) {
        nameEnd = r.len(end);
        nameStart = r.pos;
        r.pos = nameEnd;
      } else if (tag === 0x1a) {
        writeKeyValue(r, r.len(end), nestedAttributes, 0, null, null, this.limits);
      } else {
        r.skip(tag, end);
      }
    }
    nestedAttributes.byte(0x7d);
    const w = spanEvents;
    if (w.len > 1) w.byte(0x2c);
    w.ascii('{"timeUnixNano":"');
    w.int64Digits(timeLo, timeHi);
    w.ascii('","name":');
    w.utf8String(r.buf, nameStart, nameEnd);
    w.ascii(',"attributes":');
    w.append(nestedAttributes);
    w.byte(0x7d);
  }

  /** Appends `{"traceId":"…","spanId":"…","traceState":"…","attributes":{…}}` to `spanLinks`. */
  private link(end: number): void {
    const r = this.r;
    let traceStart = 0;
    let traceEnd = 0;
    let spanStart = 0;
    let spanEnd = 0;
    let stateStart = 0;
    let stateEnd = 0;
    nestedAttributes.reset();
    nestedAttributes.byte(0x7b);
    while (r.pos < end) {
      r.msg = 'Span.Link';
      const tag = r.tag(end);
      if (tag === 0x0a) {
        traceEnd = r.len(end);
        traceStart = r.pos;
        r.pos = traceEnd;
      } else if (tag === 0x12) {
        spanEnd = r.len(end);
        spanStart = r.pos;
        r.pos = spanEnd;
      } else if (tag === 0x1a) {
        stateEnd = r.len(end);
        stateStart = r.pos;
        r.pos = stateEnd;
      } else if (tag === 0x22) {
        writeKeyValue(r, r.len(end), nestedAttributes, 0, null, null, this.limits);
      } else {
        r.skip(tag, end);
      }
    }
    nestedAttributes.byte(0x7d);
    const w = spanLinks;
    if (w.len > 1) w.byte(0x2c);
    w.ascii('{"traceId":');
    w.hexString(r.buf, traceStart, traceEnd);
    w.ascii(',"spanId":');
    w.hexString(r.buf, spanStart, spanEnd);
    w.ascii(',"traceState":');
    w.utf8String(r.buf, stateStart, stateEnd);
    w.ascii(',"attributes":');
    w.append(nestedAttributes);
    w.byte(0x7d);
  }

  /** Reads a Status into `statusCode` / `statusMessage`. */
  private status(end: number): void {
    const r = this.r;
    this.statusCode = 0;
    this.statusMessage = '';
    while (r.pos < end) {
      r.msg = 'Status';
      const tag = r.tag(end);
      if (tag === 0x12) {
        const e = r.len(end);
        this.statusMessage = r.string(r.pos, e);
        r.pos = e;
      } else if (tag === 0x18) {
        this.statusCode = r.int32(end);
      } else {
        r.skip(tag, end);
      }
    }
  }
}
