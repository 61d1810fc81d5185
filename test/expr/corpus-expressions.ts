/**
 * Extracts the C# expressions of the real policy corpora (read at test time from ../shared).
 * Stand-in until src/policy's parser lands: scans `@(`/`@{` to the matching bracket with C#
 * string rules (the same rule apim-semantics.md §0.1 describes), then decodes XML entities.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface CorpusExpression {
  readonly file: string;
  readonly kind: 'expression' | 'block';
  readonly text: string;
}

export const CORPUS_DIRS = ['../shared/apim-policy-corpus', '../shared/mcp-apim-policies'];

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(xml|cshtml|policy)$/i.test(name) || name.endsWith('.xml')) yield p;
  }
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|quot|amp|lt|gt|apos);/g, (_, e: string) =>
    e.startsWith('#x') ? String.fromCodePoint(Number.parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!,
  );
}

/** Finds the index just past the bracket matching `text[open]`, skipping C# strings and chars. */
function matchBracket(text: string, open: number): number {
  const close = text[open] === '(' ? ')' : '}';
  const opener = text[open]!;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const verbatim = text[i - 1] === '@' || (text[i - 1] === '$' && text[i - 2] === '@');
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && !verbatim) i++;
        i++;
      }
      if (verbatim && text[i + 1] === '"') {
        i++;
        continue;
      }
      continue;
    }
    if (c === "'" ) {
      const end = text.indexOf("'", i + (text[i + 1] === '\\' ? 3 : 2));
      if (end > 0 && end - i <= 8) i = end;
      continue;
    }
    if (c === opener) depth++;
    else if (c === close && --depth === 0) return i + 1;
  }
  return -1;
}

/** Every `@(…)` / `@{…}` in both corpora, entity-decoded. */
export function corpusExpressions(root: string): CorpusExpression[] {
  const out: CorpusExpression[] = [];
  for (const dir of CORPUS_DIRS) {
    for (const file of walk(join(root, dir))) {
      const xml = readFileSync(file, 'utf8');
      const re = /@([({])/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(xml))) {
        const before = xml[m.index - 1];
        if (before !== '"' && before !== "'" && before !== '>' && !/\s/.test(before ?? ' ')) continue;
        const end = matchBracket(xml, m.index + 1);
        if (end < 0) continue;
        const inner = xml.slice(m.index + 2, end - 1);
        out.push({ file, kind: m[1] === '(' ? 'expression' : 'block', text: decodeEntities(inner) });
        re.lastIndex = end;
      }
    }
  }
  return out;
}
