import type { AttributeLimiter } from './attribute-limits.js';
import type { JsonWriter } from './json-writer.js';
import {
  RESOURCE_PROMOTED_KEYS,
  resourceColumns,
  type PromotedValue,
  type ResourceColumns,
} from './promoted.js';
import { writeKeyValue } from './wire-any-value.js';
import type { WireReader } from './wire-reader.js';

export interface ScopeColumns {
  name: string;
  version: string;
}

export const EMPTY_SCOPE: ScopeColumns = { name: '', version: '' };

/** Decodes a Resource message (`r.pos` to `end`) into the values its rows share. */
export function decodeResource(
  r: WireReader,
  end: number,
  w: JsonWriter,
  slots: PromotedValue[],
  limits: AttributeLimiter,
): ResourceColumns {
  w.reset();
  w.byte(0x7b);
  slots.fill(null);
  while (r.pos < end) {
    r.msg = 'Resource';
    const tag = r.tag(end);
    if (tag === 0x0a) {
      const e = r.len(end);
      writeKeyValue(r, e, w, 0, RESOURCE_PROMOTED_KEYS, slots, limits);
    } else {
      r.skip(tag, end);
    }
  }
  w.byte(0x7d);
  return resourceColumns(slots, w.text());
}

/** Decodes an InstrumentationScope message; its attributes are not stored (nor limited). */
export function decodeScope(r: WireReader, end: number): ScopeColumns {
  let name = '';
  let version = '';
  while (r.pos < end) {
    r.msg = 'InstrumentationScope';
    const tag = r.tag(end);
    if (tag === 0x0a || tag === 0x12) {
      const e = r.len(end);
      if (tag === 0x0a) name = r.string(r.pos, e);
      else version = r.string(r.pos, e);
      r.pos = e;
    } else {
      r.skip(tag, end);
    }
  }
  return { name, version };
}
