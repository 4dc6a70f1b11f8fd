/**
 * The top-level keys of a JSON attribute map and each value as text, the way DuckDB's
 * `json_extract_string` reads it: a string value unquoted, anything else (number, boolean,
 * array, object) as its JSON text exactly as written, `null` as NULL. Numbers keep every digit
 * (an int64 attribute is never rounded through a double). Used to fill ClickHouse's
 * `<map>_keys` / `<map>_values` arrays at write time.
 */
export interface AttributePairs {
  keys: string[];
  /** `null` for a JSON null (stored as absent). */
  values: (string | null)[];
}

const EMPTY: AttributePairs = { keys: [], values: [] };

function skipWhitespace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Index just past the JSON string starting at `i` (a `"`). */
function endOfString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i++;
  }
  throw new Error('unterminated JSON string');
}

/** Index just past the JSON value starting at `i`. */
function endOfValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return endOfString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i = endOfString(text, i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new Error('unterminated JSON container');
  }
  while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
  return i;
}

export function attributePairs(json: string): AttributePairs {
  if (json === '' || json === '{}') return EMPTY;
  let i = skipWhitespace(json, 0);
  if (json[i] !== '{') throw new Error('attribute map is not a JSON object');
  const keys: string[] = [];
  const values: (string | null)[] = [];
  i = skipWhitespace(json, i + 1);
  if (json[i] === '}') return EMPTY;
  for (;;) {
    if (json[i] !== '"') throw new Error('expected a key in the attribute map');
    const keyEnd = endOfString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipWhitespace(json, keyEnd);
    if (json[i] !== ':') throw new Error('expected : in the attribute map');
    i = skipWhitespace(json, i + 1);
    const valueEnd = endOfValue(json, i);
    const token = json.slice(i, valueEnd);
    keys.push(key);
    if (token.startsWith('"')) values.push(JSON.parse(token) as string);
    else values.push(token === 'null' ? null : token);
    i = skipWhitespace(json, valueEnd);
    if (json[i] === ',') {
      i = skipWhitespace(json, i + 1);
      continue;
    }
    if (json[i] === '}') break;
    throw new Error('expected , or } in the attribute map');
  }
  return { keys, values };
}
