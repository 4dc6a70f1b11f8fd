/**
 * Reads what an OTLP/HTTP server answered: the partial-success counts of a 2xx protobuf
 * response, and a short human message from an error body in any of the shapes servers use
 * (google.rpc.Status protobuf, JSON `{ error: { message } }` / `{ message }`, or plain text).
 */
import protobuf from 'protobufjs/minimal.js';

const MAX_MESSAGE_LENGTH = 300;

export interface PartialSuccess {
  rejected: number;
  message: string;
}

/**
 * `Export*ServiceResponse { partial_success = 1 { rejected_* = 1 (int64); error_message = 2 } }`:
 * the same layout for traces, logs and metrics.
 */
export function readPartialSuccess(body: Uint8Array): PartialSuccess {
  const result: PartialSuccess = { rejected: 0, message: '' };
  try {
    for (const [field, value] of fields(body)) {
      if (field !== 1 || !(value instanceof Uint8Array)) continue;
      for (const [inner, innerValue] of fields(value)) {
        if (inner === 1 && typeof innerValue === 'number') result.rejected = innerValue;
        if (inner === 2 && innerValue instanceof Uint8Array) result.message = utf8(innerValue);
      }
    }
  } catch {
    // A body we cannot read is no partial success to report.
  }
  return result;
}

/** A one-line description of a failed response, for the run's summary. */
export function describeErrorBody(status: number, contentType: string, body: Uint8Array): string {
  let message = '';
  try {
    if (contentType.includes('protobuf')) {
      // google.rpc.Status { code = 1; message = 2; details = 3 }
      for (const [field, value] of fields(body)) {
        if (field === 2 && value instanceof Uint8Array) message = utf8(value);
      }
    } else if (contentType.includes('json')) {
      message = messageFromJson(JSON.parse(utf8(body)) as unknown);
    }
  } catch {
    message = '';
  }
  if (message === '') message = utf8(body).trim();
  message = message.replace(/\s+/g, ' ');
  if (message.length > MAX_MESSAGE_LENGTH)
    message = `${message.slice(0, MAX_MESSAGE_LENGTH - 3)}...`;
  return message === '' ? `HTTP ${status}` : `HTTP ${status}: ${message}`;
}

function messageFromJson(json: unknown): string {
  if (typeof json !== 'object' || json === null) return '';
  const record = json as Record<string, unknown>;
  const error = record.error;
  if (typeof error === 'object' && error !== null) {
    const nested = (error as Record<string, unknown>).message;
    if (typeof nested === 'string') return nested;
  }
  if (typeof error === 'string') return error;
  return typeof record.message === 'string' ? record.message : '';
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function longToNumber(value: number | protobuf.Long): number {
  return typeof value === 'number' ? value : protobuf.util.LongBits.from(value).toNumber(false);
}

/** Top-level fields of a protobuf message: varints as numbers, length-delimited as bytes. */
function* fields(bytes: Uint8Array): Generator<[number, number | Uint8Array]> {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    switch (tag & 7) {
      case 0:
        yield [field, longToNumber(reader.int64())];
        break;
      case 2:
        yield [field, reader.bytes()];
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
}
