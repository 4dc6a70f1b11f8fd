/**
 * Writes a request the oracle decoded as OTLP/JSON text, varying what the OTLP/JSON mapping
 * allows: lowerCamelCase or snake_case keys, 64-bit integers as strings or numbers, enums as
 * numbers or names, upper- or lowercase hex ids, explicit nulls for absent fields. Test-only.
 */
import type { Prng } from '../../demo/prng.js';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../json-traces.js';
import { SEVERITY_NUMBER_NAMES } from '../json-logs.js';
import { TEMPORALITY_NAMES } from '../json-metrics.js';
import type { Long } from './oracle.js';

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const ENUM_NAMES: Readonly<Record<string, readonly string[]>> = {
  kind: SPAN_KIND_NAMES,
  code: STATUS_CODE_NAMES,
  severityNumber: SEVERITY_NUMBER_NAMES,
  aggregationTemporality: TEMPORALITY_NAMES,
};

function isLong(v: object): v is Long {
  return 'low' in v && 'high' in v && 'unsigned' in v;
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function toJsonValue(key: string, v: unknown, rng: Prng): unknown {
  if (v instanceof Uint8Array) {
    if (ID_KEYS.has(key)) {
      const hex = Buffer.from(v).toString('hex');
      return rng.chance(0.2) ? hex.toUpperCase() : hex;
    }
    return Buffer.from(v).toString('base64');
  }
  if (Array.isArray(v)) return v.map((item) => toJsonValue(key, item, rng));
  if (typeof v === 'object' && v !== null) {
    if (isLong(v)) {
      const n = BigInt(v.toString());
      const safe = n >= -(2n ** 53n) + 1n && n <= 2n ** 53n - 1n;
      return safe && rng.chance(0.4) ? Number(n) : n.toString();
    }
    return toJsonObject(v as Record<string, unknown>, rng);
  }
  if (typeof v === 'number') {
    const names = ENUM_NAMES[key];
    if (names !== undefined && names[v] !== undefined && rng.chance(0.5)) return names[v];
    if (!Number.isFinite(v)) return String(v);
    if (Object.is(v, -0)) return '-0';
    return v;
  }
  return v;
}

function toJsonObject(message: Record<string, unknown>, rng: Prng): Record<string, unknown> {
  const useSnake = rng.chance(0.2);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(message)) {
    const v = message[key];
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0 && rng.chance(0.5)) continue;
    out[useSnake ? snake(key) : key] = toJsonValue(key, v, rng);
  }
  if (rng.chance(0.05)) out.notAnOtlpField = null;
  return out;
}

export function toOtlpJson(request: object, rng: Prng): string {
  return JSON.stringify(toJsonObject(request as Record<string, unknown>, rng));
}
