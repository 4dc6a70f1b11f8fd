import type { DecodedLogs, Utf8LogBatch } from '../telemetry/batches.js';
import { AttributeLimiter, UNLIMITED, type AttributeLimits } from './attribute-limits.js';
import { LogBatchBuilder } from './builders.js';
import { JsonWriter } from './json-writer.js';
import { EMPTY_RESOURCE, RESOURCE_PROMOTED_KEYS, type PromotedValue } from './promoted.js';
import { RejectionCounter, optionalIdProblem, quoteName } from './rejections.js';
import {
  ANY_VALUE_STRING_TAG,
  lastValueTag,
  writeAnyValue,
  writeKeyValue,
} from './wire-any-value.js';
import { WireReader, isAllZero } from './wire-reader.js';
import { EMPTY_SCOPE, decodeResource, decodeScope } from './wire-resource.js';

/**
 * ExportLogsServiceRequest (protobuf) → LogBatch in one pass over the bytes (field keys from
 * opentelemetry-proto's logs.proto). A record's time falls back to its observed time, then to
 * the receive time; an all-zero trace or span id means "not correlated", like an empty one.
 */
export function decodeLogsProtobuf(
  bytes: Uint8Array,
  receivedAtUnixNano: bigint,
  limits?: AttributeLimits,
): DecodedLogs {
  const decoder = new LogWireDecoder(
    new WireReader(bytes),
    receivedAtUnixNano,
    new AttributeLimiter(limits),
    new LogBatchBuilder('strings'),
  );
  const { rejected, limited } = decoder.request();
  return { logs: decoder.out.finish(), rejected, limited };
}

/** The same decoding into UTF-8 columns (see `decodeTracesProtobufUtf8`). */
export function decodeLogsProtobufUtf8(
  bytes: Uint8Array,
  receivedAtUnixNano: bigint,
  limits?: AttributeLimits,
): DecodedLogs<Utf8LogBatch> {
  const decoder = new LogWireDecoder(
    new WireReader(bytes),
    receivedAtUnixNano,
    new AttributeLimiter(limits),
    new LogBatchBuilder('utf8'),
  );
  const { rejected, limited } = decoder.request();
  return { logs: decoder.out.finishUtf8(), rejected, limited };
}

const logAttributes = new JsonWriter();
const logBody = new JsonWriter();
const resourceAttributes = new JsonWriter();
const resourceSlots: PromotedValue[] = new Array<PromotedValue>(RESOURCE_PROMOTED_KEYS.size).fill(
  null,
);

const MAX_SEVERITY_NUMBER = 24;

class LogWireDecoder {
  private readonly rejected = new RejectionCounter();
  private readonly receivedLo: number;
  private readonly receivedHi: number;

  constructor(
    private readonly r: WireReader,
    receivedAtUnixNano: bigint,
    private readonly limits: AttributeLimiter,
    readonly out: LogBatchBuilder,
  ) {
    const received = BigInt.asUintN(64, receivedAtUnixNano);
    this.receivedLo = Number(received & 0xffffffffn);
    this.receivedHi = Number(received >> 32n);
  }

  request(): Omit<DecodedLogs, 'logs'> {
    const r = this.r;
    const end = r.end;
    while (r.pos < end) {
      r.msg = 'ExportLogsServiceRequest';
      const tag = r.tag(end);
      if (tag === 0x0a) this.resourceLogs(r.len(end));
      else r.skip(tag, end);
    }
    return {
      rejected: this.rejected.finish(),
      limited: this.limits.finish(),
    };
  }

  private resourceLogs(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let resource = EMPTY_RESOURCE;
    while (r.pos < end) {
      r.msg = 'ResourceLogs';
      const tag = r.tag(end);
      if (tag === 0x0a) {
        resource = decodeResource(r, r.len(end), resourceAttributes, resourceSlots, this.limits);
      } else if (tag === 0x12) {
        this.scopeLogs(r.len(end));
      } else {
        r.skip(tag, end);
      }
    }
    this.out.fillResource(from, resource);
  }

  private scopeLogs(end: number): void {
    const r = this.r;
    const from = this.out.length;
    let scope = EMPTY_SCOPE;
    while (r.pos < end) {
      r.msg = 'ScopeLogs';
      const tag = r.tag(end);
      if (tag === 0x0a) scope = decodeScope(r, r.len(end));
      else if (tag === 0x12) this.logRecord(r.len(end));
      else r.skip(tag, end);
    }
    this.out.fillScope(from, scope);
  }

  private logRecord(end: number): void {
    const r = this.r;
    const buf = r.buf;
    let timeLo = 0;
    let timeHi = 0;
    let observedLo = 0;
    let observedHi = 0;
    let severityNumber = 0;
    let severityTextStart = 0;
    let severityTextEnd = 0;
    let bodyStart = -1;
    let bodyEnd = -1;
    let flags = 0;
    let traceStart = 0;
    let traceEnd = 0;
    let spanStart = 0;
    let spanEnd = 0;
    let eventNameStart = 0;
    let eventNameEnd = 0;
    logAttributes.reset();
    logAttributes.byte(0x7b);
    while (r.pos < end) {
      r.msg = 'LogRecord';
      const tag = r.tag(end);
      switch (tag) {
        case 0x09: // time_unix_nano
          r.fixed64(end);
          timeLo = r.lo;
          timeHi = r.hi;
          break;
        case 0x10: // severity_number
          severityNumber = r.int32(end);
          break;
        case 0x1a: // severity_text
          severityTextEnd = r.len(end);
          severityTextStart = r.pos;
          r.pos = severityTextEnd;
          break;
        case 0x2a: // body: decoded after the loop, once we know the record is kept
          bodyEnd = r.len(end);
          bodyStart = r.pos;
          r.pos = bodyEnd;
          break;
        case 0x32: // attributes
          writeKeyValue(r, r.len(end), logAttributes, 0, null, null, this.limits);
          break;
        case 0x45: // flags
          flags = r.fixed32(end);
          break;
        case 0x4a: // trace_id
          traceEnd = r.len(end);
          traceStart = r.pos;
          r.pos = traceEnd;
          break;
        case 0x52: // span_id
          spanEnd = r.len(end);
          spanStart = r.pos;
          r.pos = spanEnd;
          break;
        case 0x59: // observed_time_unix_nano
          r.fixed64(end);
          observedLo = r.lo;
          observedHi = r.hi;
          break;
        case 0x62: // event_name
          eventNameEnd = r.len(end);
          eventNameStart = r.pos;
          r.pos = eventNameEnd;
          break;
        default:
          r.skip(tag, end);
      }
    }
    const problem =
      optionalIdProblem('trace_id', traceEnd - traceStart, 16) ??
      optionalIdProblem('span_id', spanEnd - spanStart, 8);
    if (problem !== null) {
      const body = bodyStart < 0 ? '' : this.body(bodyStart, bodyEnd);
      r.pos = end;
      this.rejected.reject(`log record ${quoteName(body)}: ${problem}`);
      return;
    }

    const out = this.out;
    if (observedLo === 0 && observedHi === 0) {
      observedLo = this.receivedLo;
      observedHi = this.receivedHi;
    }
    if (timeLo === 0 && timeHi === 0) {
      timeLo = observedLo;
      timeHi = observedHi;
    }
    out.timeUnixNano.pushHalves(timeLo, timeHi);
    out.observedTimeUnixNano.pushHalves(observedLo, observedHi);
    out.severityNumber.push(
      severityNumber >= 0 && severityNumber <= MAX_SEVERITY_NUMBER ? severityNumber : 0,
    );
    out.severityText.utf8(buf, severityTextStart, severityTextEnd);
    if (bodyStart < 0) out.body.push('');
    else this.pushBody(bodyStart, bodyEnd);
    r.pos = end;
    if (isAllZero(buf, traceStart, traceEnd)) out.traceId.push('');
    else out.traceId.hex(buf, traceStart, traceEnd);
    if (isAllZero(buf, spanStart, spanEnd)) out.spanId.push('');
    else out.spanId.hex(buf, spanStart, spanEnd);
    out.flags.push(flags);
    out.eventName.utf8(buf, eventNameStart, eventNameEnd);
    out.attributes.json(logAttributes, 0x7d, '{}');
  }

  /** Appends the body of `body()` to the body column without making a string of it. */
  private pushBody(start: number, end: number): void {
    const r = this.r;
    const sink = this.out.body;
    const last = lastValueTag(r, start, end);
    if (last < 0) {
      sink.push('');
      return;
    }
    r.pos = start;
    if (last === ANY_VALUE_STRING_TAG) {
      let textStart = 0;
      let textEnd = 0;
      while (r.pos < end) {
        const tag = r.tag(end);
        if (tag === ANY_VALUE_STRING_TAG) {
          textEnd = r.len(end);
          textStart = r.pos;
          r.pos = textEnd;
        } else {
          r.skip(tag, end);
        }
      }
      sink.utf8(r.buf, textStart, textEnd);
      return;
    }
    logBody.reset();
    writeAnyValue(r, end, logBody, 0, UNLIMITED);
    sink.push(logBody.text());
  }

  /** A string body as it is; any other value as JSON text; no value as `''`. */
  private body(start: number, end: number): string {
    const r = this.r;
    const last = lastValueTag(r, start, end);
    if (last < 0) return '';
    r.pos = start;
    if (last === ANY_VALUE_STRING_TAG) {
      // The string field that won may be preceded by others; find the last one.
      let text = '';
      while (r.pos < end) {
        const tag = r.tag(end);
        if (tag === ANY_VALUE_STRING_TAG) {
          const e = r.len(end);
          text = r.string(r.pos, e);
          r.pos = e;
        } else {
          r.skip(tag, end);
        }
      }
      return text;
    }
    logBody.reset();
    writeAnyValue(r, end, logBody, 0, UNLIMITED);
    return logBody.text();
  }
}
