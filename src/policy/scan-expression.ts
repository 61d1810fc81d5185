/**
 * Finds the end of a policy expression (`@(…)` or `@{…}`) in raw policy text, the way APIM's
 * rawxml reader does: brackets are matched with C# lexical rules, so quotes, `<`, `>` and `&&`
 * inside strings, chars, comments and generics are fine. XML entities are decoded on the fly —
 * `&quot;` counts as `"` for the string scanner — because some authors escape their
 * expressions (reference/apim-semantics.md, "Why strict XML fails").
 */

/** Decoded C# text of an expression, with the source offset of each decoded character. */
export interface ScannedExpression {
  /** `expression` for `@(…)`, `block` for `@{…}`. */
  readonly kind: 'expression' | 'block';
  /** The C# between the brackets, entity-decoded. */
  readonly text: string;
  /** offsets[i] is the source offset of text[i]; offsets[text.length] is the closing bracket. */
  readonly offsets: readonly number[];
  /** Source offset just after the closing bracket. */
  readonly end: number;
}

export type ScanResult = { readonly ok: true; readonly expression: ScannedExpression } | { readonly ok: false; readonly message: string; readonly at: number };

const NAMED_ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

/** Decodes one XML entity at `at` (which holds `&`); returns the character and the entity's length. */
export function entityAt(source: string, at: number): { char: string; length: number } | undefined {
  const semi = source.indexOf(';', at);
  if (semi < 0 || semi - at > 10) return undefined;
  const name = source.slice(at + 1, semi);
  if (name in NAMED_ENTITIES) return { char: NAMED_ENTITIES[name]!, length: semi - at + 1 };
  const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
  if (!numeric) return undefined;
  const code = numeric[1]!.startsWith('x') ? Number.parseInt(numeric[1]!.slice(1), 16) : Number.parseInt(numeric[1]!, 10);
  if (!Number.isFinite(code) || code > 0x10ffff) return undefined;
  return { char: String.fromCodePoint(code), length: semi - at + 1 };
}

/** A character stream over raw text that yields entity-decoded characters. */
class Decoded {
  readonly chars: string[] = [];
  readonly offsets: number[] = [];
  #pos: number;
  readonly #source: string;
  readonly #limit: number;

  constructor(source: string, start: number, limit: number) {
    this.#source = source;
    this.#pos = start;
    this.#limit = limit;
  }

  get position(): number {
    return this.#pos;
  }

  /** Next decoded character without consuming it. */
  peek(ahead = 0): string | undefined {
    let pos = this.#pos;
    let ch: string | undefined;
    for (let i = 0; i <= ahead; i++) {
      if (pos >= this.#limit) return undefined;
      const raw = this.#source[pos]!;
      const entity = raw === '&' ? entityAt(this.#source, pos) : undefined;
      ch = entity ? entity.char : raw;
      pos += entity ? entity.length : 1;
    }
    return ch;
  }

  next(): string | undefined {
    if (this.#pos >= this.#limit) return undefined;
    const raw = this.#source[this.#pos]!;
    const entity = raw === '&' ? entityAt(this.#source, this.#pos) : undefined;
    const ch = entity ? entity.char : raw;
    this.chars.push(ch);
    this.offsets.push(this.#pos);
    this.#pos += entity ? entity.length : 1;
    return ch;
  }
}

/**
 * Scans the expression starting at `start` (the `@`), not going past `limit`.
 * Fails with a position when a string, comment or bracket is not closed.
 */
export function scanExpression(source: string, start: number, limit = source.length): ScanResult {
  const open = source[start + 1];
  if (source[start] !== '@' || (open !== '(' && open !== '{')) return { ok: false, message: 'not an expression', at: start };
  const stream = new Decoded(source, start + 2, limit);
  const stack: string[] = [open === '(' ? ')' : '}'];
  const fail = (message: string, at: number): ScanResult => ({ ok: false, message, at });
  for (;;) {
    const at = stream.position;
    const ch = stream.next();
    if (ch === undefined) return fail(`unclosed ${open === '(' ? '@(' : '@{'}: no matching '${stack[0]}'`, start);
    if (ch === '(' || ch === '[' || ch === '{') stack.push(ch === '(' ? ')' : ch === '[' ? ']' : '}');
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (stack[stack.length - 1] !== ch) return fail(`unbalanced '${ch}' in expression`, at);
      stack.pop();
      if (stack.length === 0) {
        const chars = stream.chars.slice(0, -1);
        const offsets = stream.offsets.slice(0, -1);
        offsets.push(at);
        return { ok: true, expression: { kind: open === '(' ? 'expression' : 'block', text: chars.join(''), offsets, end: stream.position } };
      }
    } else if (ch === '/' && stream.peek() === '/') {
      while (stream.peek() !== undefined && stream.peek() !== '\n') stream.next();
    } else if (ch === '/' && stream.peek() === '*') {
      stream.next();
      for (;;) {
        const c = stream.next();
        if (c === undefined) return fail('unclosed /* comment in expression', at);
        if (c === '*' && stream.peek() === '/') {
          stream.next();
          break;
        }
      }
    } else if (ch === "'") {
      const r = skipChar(stream, at);
      if (r) return r;
    } else if (ch === '"' || ((ch === '@' || ch === '$') && (stream.peek() === '"' || ((stream.peek() === '@' || stream.peek() === '$') && stream.peek(1) === '"')))) {
      const r = skipString(stream, ch, at);
      if (r) return r;
    }
  }
}

function skipChar(stream: Decoded, at: number): ScanResult | undefined {
  for (;;) {
    const c = stream.next();
    if (c === undefined || c === '\n') return { ok: false, message: 'unclosed character literal in expression', at };
    if (c === '\\') stream.next();
    else if (c === "'") return undefined;
  }
}

/** Skips a C# string whose first character (`"`, `@` or `$`) was just read. */
function skipString(stream: Decoded, first: string, at: number): ScanResult | undefined {
  let verbatim = first === '@';
  let interpolated = first === '$';
  if (first !== '"') {
    let c = stream.next();
    if (c === '@' || c === '$') {
      verbatim ||= c === '@';
      interpolated ||= c === '$';
      c = stream.next();
    }
    if (c !== '"') return { ok: false, message: 'malformed string literal in expression', at };
  }
  for (;;) {
    const c = stream.next();
    if (c === undefined || (!verbatim && c === '\n')) return { ok: false, message: 'unclosed string literal in expression', at };
    if (!verbatim && c === '\\') stream.next();
    else if (c === '"') {
      if (verbatim && stream.peek() === '"') stream.next();
      else return undefined;
    } else if (interpolated && c === '{') {
      if (stream.peek() === '{') stream.next();
      else {
        const r = skipHole(stream, at);
        if (r) return r;
      }
    } else if (interpolated && c === '}' && stream.peek() === '}') stream.next();
  }
}

/** Skips an interpolation hole `{…}` (after its `{`), which may itself hold strings and braces. */
function skipHole(stream: Decoded, at: number): ScanResult | undefined {
  let depth = 1;
  for (;;) {
    const start = stream.position;
    const c = stream.next();
    if (c === undefined) return { ok: false, message: 'unclosed interpolation hole in string', at };
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0) return undefined;
    } else if (c === "'") {
      const r = skipChar(stream, start);
      if (r) return r;
    } else if (c === '"' || ((c === '@' || c === '$') && stream.peek() === '"')) {
      const r = skipString(stream, c, start);
      if (r) return r;
    }
  }
}
