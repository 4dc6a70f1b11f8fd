import type { LimitedAttributes } from '../telemetry/batches.js';
import { utf8Text } from './wire-reader.js';

/**
 * Attribute limits, after OpenTelemetry's AttributeCountLimit / AttributeValueLengthLimit,
 * applied by both decoders while they write each attribute map, in the same pass:
 *
 * - Every stored attribute map (resource, span, span event, span link, log record, data point,
 *   exemplar) keeps its first `maxAttributes` KeyValues in wire order and drops the rest. Only
 *   top-level attributes count, as in the specification: the members of a kvlist value are part
 *   of one attribute's value and are never dropped. A repeated key counts each time it appears
 *   (the JSON map keeps every repetition). A dropped attribute is still validated, so whether a
 *   body is malformed does not depend on the limits.
 * - Every string value longer than `maxValueLength` characters (Unicode code points, counted
 *   after invalid UTF-8 became U+FFFD) keeps its first `maxValueLength` characters, at any
 *   depth: each string in an array or kvlist value is cut on its own. Bytes values keep their
 *   first `maxValueLength` bytes (before base64). Keys, numbers and bools are never cut.
 * - Promoted columns (`service.name`, `http.route`, ...) take the limited value, exactly as the
 *   JSON map holds it; a dropped attribute promotes nothing.
 * - Scope attributes are not stored and log bodies are not attributes: neither is limited.
 *
 * `attributesDropped` counts dropped KeyValues; `valuesTruncated` counts cut string and bytes
 * values (each array element or kvlist member separately).
 */
export interface AttributeLimits {
  maxAttributes: number;
  maxValueLength: number;
}

/** The limits of one request plus what they cut; unlimited when constructed without limits. */
export class AttributeLimiter {
  readonly maxAttributes: number;
  readonly maxValueLength: number;
  attributesDropped = 0;
  valuesTruncated = 0;

  constructor(limits?: AttributeLimits) {
    this.maxAttributes = limits?.maxAttributes ?? Infinity;
    this.maxValueLength = limits?.maxValueLength ?? Infinity;
  }

  finish(): LimitedAttributes {
    return { attributesDropped: this.attributesDropped, valuesTruncated: this.valuesTruncated };
  }
}

/** For values that are not attributes (log bodies): never cuts, so never counts. */
export const UNLIMITED = new AttributeLimiter();

/** The first `maxChars` code points of `text` (`text` itself when it has no more). */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let i = 0;
  for (let chars = 0; chars < maxChars; chars++) {
    const c = text.charCodeAt(i++);
    // A surrogate pair is one character; a lone surrogate counts as one too.
    if (c >= 0xd800 && c < 0xdc00 && i < text.length) {
      const next = text.charCodeAt(i);
      if (next >= 0xdc00 && next < 0xe000) i++;
    }
    if (i >= text.length) return text;
  }
  return i >= text.length ? text : text.slice(0, i);
}

/**
 * The UTF-8 text of `buf[start, end)` cut to `maxChars` characters, or null when it has no more
 * than that. Only called for values of more than `maxChars` bytes, so it is off the hot path.
 * At most `4 * maxChars + 4` bytes are decoded: every character takes one to four bytes and a
 * sequence split by that cut can only spoil the last character, which lies beyond the limit.
 */
export function truncatedUtf8Text(
  buf: Buffer,
  start: number,
  end: number,
  maxChars: number,
): string | null {
  const window = Math.min(end - start, 4 * maxChars + 4);
  const text = utf8Text(buf, start, start + window);
  const cut = truncateText(text, maxChars);
  return cut.length === text.length && window === end - start ? null : cut;
}
