/**
 * Go RE2 regular expressions (what Prometheus uses) translated to JavaScript RegExp, fully
 * anchored as Prometheus anchors label matchers and label_replace. Constructs JavaScript cannot
 * express the same way are refused with an error rather than silently matching differently.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters that must stay escaped in a JavaScript `u` regex outside a class. */
const JS_SYNTAX = new Set(Array.from('^$\\.*+?()[]{}|/'));

const cache = new Map<string, RegExp>();

/** Compile a Prometheus regex (anchored). Throws Error with a readable message when invalid. */
export function compileMatcherRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const { source, flags } = translate(pattern);
  try {
    re = new RegExp(`^(?:${source})$`, `u${flags}`);
  } catch (err) {
    throw new Error((err as Error).message.replace(/^Invalid regular expression: /, ''), {
      cause: err,
    });
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(pattern, re);
  return re;
}

function translate(pattern: string): { source: string; flags: string } {
  let flags = '';
  let p = pattern;
  // Leading flag groups (?i) (?s) (?m) (?is) … apply to the whole pattern.
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'U') throw new Error(`ungreedy flag (?U) is not supported: \`${pattern}\``);
      if (!flags.includes(f)) flags += f;
    }
    p = p.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) throw new Error(`trailing backslash at end of expression: \`\``);
      i++;
      if (n === 'Q') {
        const end = p.indexOf('\\E', i + 1);
        const lit = end < 0 ? p.slice(i + 1) : p.slice(i + 1, end);
        out += Array.from(lit, (ch) => escapeLiteral(ch, inClass)).join('');
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      if (n === 'A') {
        out += '^';
        continue;
      }
      if (n === 'z') {
        out += '$';
        continue;
      }
      if (n === 'C' || n === 'Z') throw new Error(`invalid escape sequence: \`\\${n}\``);
      if (n >= '1' && n <= '9') throw new Error(`invalid escape sequence: \`\\${n}\``);
      if (n === 'p' || n === 'P') {
        if (p[i + 1] === '{') {
          const end = p.indexOf('}', i + 1);
          out += `\\${n}{${p.slice(i + 2, end)}}`;
          i = end;
        } else {
          out += `\\${n}{${p[i + 1] ?? ''}}`;
          i++;
        }
        continue;
      }
      if (n === 'x' && p[i + 1] === '{') {
        const end = p.indexOf('}', i + 1);
        out += `\\u{${p.slice(i + 2, end)}}`;
        i = end;
        continue;
      }
      if (/[0-9A-Za-z]/.test(n)) {
        // \d \w \s \b \B \D \W \S \n \t \f \r \v \a \x.. \0
        if (n === 'a') out += '\\x07';
        else if (n === '0') out += '\\0';
        else out += `\\${n}`;
        continue;
      }
      out += escapeLiteral(n, inClass);
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const end = p.indexOf(':]', i + 2);
        if (end > 0) {
          let name = p.slice(i + 2, end);
          const negated = name.startsWith('^');
          if (negated) name = name.slice(1);
          const cls = POSIX_CLASSES[name];
          if (!cls) throw new Error(`invalid character class range: \`[:${name}:]\``);
          if (negated) throw new Error(`negated POSIX classes are not supported: \`[:^${name}:]\``);
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      if (c === '[') {
        out += '\\[';
        continue;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') {
        out += '^';
        i++;
      }
      // A ']' right after '[' or '[^' is a literal in RE2.
      if (p[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      if (p[i + 2] === 'P' && p[i + 3] === '<') {
        out += '(?<';
        i += 3;
        continue;
      }
      if (p[i + 2] === ':') {
        out += '(?:';
        i += 2;
        continue;
      }
      throw new Error(`invalid or unsupported Perl syntax: \`${p.slice(i, i + 3)}\``);
    }
    if (c === '{' && !/^\{[0-9]+(,[0-9]*)?\}/.test(p.slice(i))) {
      // RE2 treats a brace that does not start a repetition as a literal.
      out += '\\{';
      continue;
    }
    if (c === '}' && !/\{[0-9]+(,[0-9]*)?$/.test(out)) {
      out += '\\}';
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

function escapeLiteral(ch: string, inClass: boolean): string {
  if (inClass) return /[\\\][^-]/.test(ch) ? `\\${ch}` : ch;
  return JS_SYNTAX.has(ch) ? `\\${ch}` : ch;
}

/** Go's regexp.Expand for label_replace: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const n = template[i + 1]!;
    if (n === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (n === '{') {
      const close = template.indexOf('}', i + 2);
      if (close < 0) {
        out += c;
        continue;
      }
      name = template.slice(i + 2, close);
      end = close;
      if (!/^[A-Za-z0-9_]+$/.test(name)) {
        out += c;
        continue;
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!m) {
        out += c;
        continue;
      }
      name = m[0];
      end = i + name.length;
    }
    if (/^[0-9]+$/.test(name)) {
      const idx = Number(name);
      out += match[idx] ?? '';
    } else {
      out += match.groups?.[name] ?? '';
    }
    i = end;
  }
  return out;
}
