/**
 * C# literals for values that come from the config (tool names, role values, messages).
 *
 * Everything outside printable ASCII, and every character that means something to XML
 * (`<`, `>`, `&`, `'`), is written as a `\uXXXX` escape, and so is a `{` that follows a `{`:
 * APIM substitutes `{{named values}}` textually before parsing. So no config value can end an
 * expression, open an element, or form `{{…}}`, whether the document is read as rawxml or as
 * XML — the property tests hold the emitter to this. Single braces stay as they are, which keeps
 * embedded JSON (the tools/list catalog) compact.
 */
export function csString(value: string): string {
  let out = '"';
  let previous = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if ((ch === '{' && previous === '{') || (ch === '}' && previous === '}')) out += `\\u${hex4(code)}`;
    else if (code >= 0x20 && code < 0x7f && !'<>&\''.includes(ch)) out += ch;
    else if (code > 0xffff) {
      const hi = 0xd800 + ((code - 0x10000) >> 10);
      const lo = 0xdc00 + ((code - 0x10000) & 0x3ff);
      out += `\\u${hex4(hi)}\\u${hex4(lo)}`;
    } else out += `\\u${hex4(code)}`;
    previous = ch;
  }
  return `${out}"`;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

/** `new string[] { "a", "b" }` */
export function csStringArray(values: readonly string[]): string {
  return values.length === 0 ? 'new string[0]' : `new string[] { ${values.map(csString).join(', ')} }`;
}
