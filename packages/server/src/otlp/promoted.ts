import {
  ENVIRONMENT_RESOURCE_ATTRIBUTES,
  PROMOTED_SPAN_ATTRIBUTES,
  UNKNOWN_SERVICE,
} from '../telemetry/batches.js';

/**
 * The value of an attribute that feeds a promoted column, reduced to a scalar: strings, bools
 * and doubles as they are; int64 as a number when exact, else as its decimal text; arrays,
 * kvlists, bytes and empty values as null.
 */
export type PromotedValue = string | number | boolean | null;

interface KeyBytes {
  bytes: Uint8Array;
  slot: number;
}

/**
 * A fixed set of attribute keys whose values a decoder captures, each into its own slot, while
 * it writes an attribute map. Matching wire bytes goes by key length first, so that most keys
 * are rejected with one array read.
 */
export class PromotedKeys {
  readonly size: number;
  private readonly byLength: (KeyBytes[] | undefined)[] = [];
  private readonly byName = new Map<string, number>();

  constructor(keys: readonly string[]) {
    this.size = keys.length;
    const encoder = new TextEncoder();
    keys.forEach((key, slot) => {
      const bytes = encoder.encode(key);
      (this.byLength[bytes.length] ??= []).push({ bytes, slot });
      this.byName.set(key, slot);
    });
  }

  /** The slot of the key spelled by `buf[start, end)`, or -1. */
  matchBytes(buf: Uint8Array, start: number, end: number): number {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return -1;
    for (let c = 0; c < candidates.length; c++) {
      const { bytes, slot } = candidates[c]!;
      if (bytes[0] !== buf[start]) continue;
      let i = 1;
      while (i < bytes.length && bytes[i] === buf[start + i]) i++;
      if (i === bytes.length) return slot;
    }
    return -1;
  }

  matchName(key: string): number {
    return this.byName.get(key) ?? -1;
  }
}

/** Slots in `SPAN_PROMOTED_KEYS`, in `PROMOTED_SPAN_ATTRIBUTES` order. */
export const SPAN_PROMOTED_KEYS = new PromotedKeys(Object.values(PROMOTED_SPAN_ATTRIBUTES).flat());

const SERVICE_NAME_SLOT = 0;
export const RESOURCE_PROMOTED_KEYS = new PromotedKeys([
  'service.name',
  ...ENVIRONMENT_RESOURCE_ATTRIBUTES,
]);

export function promotedText(value: PromotedValue): string | null {
  return value === null ? null : typeof value === 'string' ? value : String(value);
}

/** Integers, integral doubles and strings of up to nine digits; anything else is null. */
export function promotedInteger(value: PromotedValue): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string') return /^[0-9]{1,9}$/.test(value) ? Number(value) : null;
  return null;
}

/** The first of `count` slots from `first` whose value converts to text. */
function firstText(slots: readonly PromotedValue[], first: number, count: number): string | null {
  for (let i = first; i < first + count; i++) {
    const text = promotedText(slots[i] ?? null);
    if (text !== null) return text;
  }
  return null;
}

function firstInteger(
  slots: readonly PromotedValue[],
  first: number,
  count: number,
): number | null {
  for (let i = first; i < first + count; i++) {
    const n = promotedInteger(slots[i] ?? null);
    if (n !== null) return n;
  }
  return null;
}

/** The promoted span columns of one span, from its captured slots. */
export interface SpanPromotedColumns {
  httpMethod: Pushable<string | null>;
  httpRoute: Pushable<string | null>;
  httpStatusCode: Pushable<number | null>;
  dbSystem: Pushable<string | null>;
  messagingSystem: Pushable<string | null>;
  peerService: Pushable<string | null>;
  serverAddress: Pushable<string | null>;
}

/** An array, or a `TextSink` of the builders. */
interface Pushable<T> {
  push(value: T): void;
}

const S = PROMOTED_SPAN_ATTRIBUTES;
const HTTP_METHOD = 0;
const HTTP_ROUTE = HTTP_METHOD + S.httpMethod.length;
const HTTP_STATUS = HTTP_ROUTE + S.httpRoute.length;
const DB_SYSTEM = HTTP_STATUS + S.httpStatusCode.length;
const MESSAGING = DB_SYSTEM + S.dbSystem.length;
const PEER = MESSAGING + S.messagingSystem.length;
const SERVER = PEER + S.peerService.length;

/** Appends one row to the promoted columns: per column, the first listed key that has a value. */
export function pushSpanPromoted(slots: readonly PromotedValue[], out: SpanPromotedColumns): void {
  out.httpMethod.push(firstText(slots, HTTP_METHOD, S.httpMethod.length));
  out.httpRoute.push(firstText(slots, HTTP_ROUTE, S.httpRoute.length));
  out.httpStatusCode.push(firstInteger(slots, HTTP_STATUS, S.httpStatusCode.length));
  out.dbSystem.push(firstText(slots, DB_SYSTEM, S.dbSystem.length));
  out.messagingSystem.push(firstText(slots, MESSAGING, S.messagingSystem.length));
  out.peerService.push(firstText(slots, PEER, S.peerService.length));
  out.serverAddress.push(firstText(slots, SERVER, S.serverAddress.length));
}

/** Values derived once per resource and copied to each of its rows. */
export interface ResourceColumns {
  serviceName: string;
  environment: string | null;
  /** JSON object text. */
  attributes: string;
}

export function resourceColumns(
  slots: readonly PromotedValue[],
  attributes: string,
): ResourceColumns {
  const serviceName = promotedText(slots[SERVICE_NAME_SLOT] ?? null);
  return {
    serviceName: serviceName === null || serviceName === '' ? UNKNOWN_SERVICE : serviceName,
    environment: firstText(slots, 1, ENVIRONMENT_RESOURCE_ATTRIBUTES.length),
    attributes,
  };
}

export const EMPTY_RESOURCE: ResourceColumns = {
  serviceName: UNKNOWN_SERVICE,
  environment: null,
  attributes: '{}',
};
