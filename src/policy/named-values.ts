import { type Diagnostic, diagnostic, type LineIndex } from '../diagnostics/index.ts';

/** Named-value names: letters, digits, `.`, `-` and `_` (APIM's rule). Liquid's `{{ body.x }}` has blanks, so it is not one. */
const REFERENCE = /\{\{([A-Za-z0-9._-]+)\}\}/g;

export interface Substituted {
  readonly text: string;
  /** Maps an offset in the substituted text back to the original text. */
  readonly toSource: (offset: number) => number;
  readonly diagnostics: Diagnostic[];
}

/**
 * APIM substitutes `{{name}}` textually before it parses a policy (named values may sit inside
 * attributes, C# strings, or parts of literals; they do not nest). With `values` undefined
 * nothing is substituted and nothing is reported (checking a policy without its named values).
 */
export function substituteNamedValues(text: string, values: Readonly<Record<string, string>> | undefined, index: LineIndex): Substituted {
  if (!values) return { text, toSource: (o) => o, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  // Segments of (offset in new text, offset in old text, length of the replacement).
  const segments: { newStart: number; oldStart: number; newLength: number; oldLength: number }[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(REFERENCE)) {
    const name = m[1]!;
    const value = Object.hasOwn(values, name) ? values[name] : Object.entries(values).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    if (value === undefined) {
      diagnostics.push(diagnostic('MA4002', `named value {{${name}}} is not defined`, index.span(m.index, m.index + m[0].length)));
      continue;
    }
    out += text.slice(last, m.index);
    segments.push({ newStart: out.length, oldStart: m.index, newLength: value.length, oldLength: m[0].length });
    out += value;
    last = m.index + m[0].length;
  }
  out += text.slice(last);
  const toSource = (offset: number): number => {
    let shift = 0;
    for (const s of segments) {
      if (offset < s.newStart) break;
      if (offset < s.newStart + s.newLength) return s.oldStart;
      shift = s.oldStart + s.oldLength - (s.newStart + s.newLength);
    }
    return offset + shift;
  };
  return { text: out, toSource, diagnostics };
}
