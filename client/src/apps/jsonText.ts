// JSON read with the place of every value: the graph editor points at the line of a
// field it (or the server) finds wrong, and at the exact character of a syntax error,
// which JSON.parse words differently in every browser.

/** Where something starts in the text: 1-based line and column, 0-based offset. */
export interface Place {
  line: number;
  column: number;
  offset: number;
}

export type Parsed =
  | { ok: true; value: unknown; places: Map<string, Place> }
  | { ok: false; message: string; place: Place };

/** A JSON Pointer (RFC 6901) of a path: `["components", "a/b"]` is `/components/a~1b`. */
export function pointerOf(path: readonly string[]): string {
  return path.map((part) => `/${part.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as JSON, noting where each value (by its JSON Pointer) starts. */
export function parseJson(text: string): Parsed {
  const places = new Map<string, Place>();
  const placeOf = placer(text);
  let at = 0;

  const problem = (message: string) => new SyntaxProblem(message, at);
  const skip = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at])) at++;
  };
  const expect = (char: string) => {
    if (text[at] !== char) {
      throw problem(text[at] === undefined ? `expected \`${char}\`, found the end` : `expected \`${char}\``);
    }
    at++;
  };

  const string = (): string => {
    expect('"');
    let out = '';
    while (text[at] !== '"') {
      const char = text[at];
      if (char === undefined) throw problem('unterminated string');
      if (char < ' ') throw problem('a control character inside a string');
      if (char !== '\\') {
        out += char;
        at++;
        continue;
      }
      const escape = text[at + 1];
      if (escape === 'u') {
        const hex = text.slice(at + 2, at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw problem('a bad \\u escape');
        out += String.fromCharCode(Number.parseInt(hex, 16));
        at += 6;
      } else if (escape !== undefined && escape in ESCAPES) {
        out += ESCAPES[escape];
        at += 2;
      } else {
        throw problem('a bad escape');
      }
    }
    at++;
    return out;
  };

  const number = (): number => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) throw problem('expected a value');
    at += match[0].length;
    return Number(match[0]);
  };

  const value = (path: string): unknown => {
    skip();
    places.set(path, placeOf(at));
    const char = text[at];
    if (char === '{') return object(path);
    if (char === '[') return array(path);
    if (char === '"') return string();
    for (const [word, meaning] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return meaning;
      }
    }
    if (char === undefined) throw problem('expected a value, found the end');
    return number();
  };

  const object = (path: string): Record<string, unknown> => {
    expect('{');
    const out: Record<string, unknown> = {};
    skip();
    if (text[at] === '}') {
      at++;
      return out;
    }
    for (;;) {
      skip();
      const keyAt = at;
      const key = string();
      if (Object.hasOwn(out, key)) {
        at = keyAt;
        throw problem(`\`${key}\` appears twice`);
      }
      const child = `${path}${pointerOf([key])}`;
      skip();
      expect(':');
      // As JSON.parse does: `__proto__` is a key like any other, not the prototype.
      Object.defineProperty(out, key, { value: value(child), enumerable: true, writable: true, configurable: true });
      // A field's errors point at its key, where a reader looks for it.
      places.set(child, placeOf(keyAt));
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect('}');
      return out;
    }
  };

  const array = (path: string): unknown[] => {
    expect('[');
    const out: unknown[] = [];
    skip();
    if (text[at] === ']') {
      at++;
      return out;
    }
    for (;;) {
      out.push(value(`${path}/${out.length}`));
      skip();
      if (text[at] === ',') {
        at++;
        continue;
      }
      expect(']');
      return out;
    }
  };

  try {
    const parsed = value('');
    skip();
    if (at < text.length) throw problem('unexpected text after the end');
    return { ok: true, value: parsed, places };
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error;
    return { ok: false, message: error.message, place: placeOf(error.offset) };
  }
}

/** Offsets to places, by a binary search over where each line starts. */
function placer(text: string): (offset: number) => Place {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1, offset };
  };
}

/**
 * Where the value at `pointer` is, or its nearest ancestor that exists (a missing
 * `chart` is best shown at its component).
 */
export function placeOfPointer(places: Map<string, Place>, pointer: string): Place | undefined {
  let current = pointer;
  for (;;) {
    const place = places.get(current);
    if (place || current === '') return place;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}
