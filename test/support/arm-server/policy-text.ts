/**
 * What the loopback ARM server needs to know about policy text: the names it references (APIM
 * validates them on every PUT and refuses deletes of anything still referenced), how APIM
 * re-serialises a stored policy, and the `xml` export format that escapes expressions.
 */

export interface PolicyReferences {
  readonly namedValues: readonly string[];
  readonly fragments: readonly string[];
  readonly backends: readonly string[];
  readonly certificates: readonly string[];
}

export function policyReferences(xml: string): PolicyReferences {
  const all = (re: RegExp) => [...new Set([...xml.matchAll(re)].map((m) => m[1]!))];
  return {
    namedValues: all(/\{\{([A-Za-z0-9\-._]+)\}\}/g),
    fragments: all(/<include-fragment\b[^>]*\bfragment-id\s*=\s*"([^"]*)"/g),
    backends: all(/<set-backend-service\b[^>]*\bbackend-id\s*=\s*"([^"]*)"/g),
    certificates: all(/<authentication-certificate\b[^>]*\bcertificate-id\s*=\s*"([^"]*)"/g),
  };
}

/**
 * APIM hands a policy back re-serialised: CRLF line ends and `<base />`. The deploy's comparison
 * must see through that (reference/deploy.md §7 step 3), so the fake does it too.
 */
export function apimReformat(xml: string): string {
  return xml.replace(/\r\n/g, '\n').replace(/<base\s*\/>/g, '<base />').replace(/\n/g, '\r\n');
}

/**
 * The default (`xml`) export format: policy expressions come back XML-escaped. A reader that
 * forgets `format=rawxml` therefore sees different text, as with the real service.
 */
export function xmlFormat(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const start = raw.indexOf('@', i);
    if (start < 0 || start + 1 >= raw.length) {
      out += raw.slice(i);
      break;
    }
    const open = raw[start + 1];
    if (open !== '(' && open !== '{') {
      out += raw.slice(i, start + 1);
      i = start + 1;
      continue;
    }
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    let end = start + 1;
    for (; end < raw.length; end++) {
      if (raw[end] === open) depth++;
      else if (raw[end] === close && --depth === 0) break;
    }
    out += raw.slice(i, start) + raw.slice(start, end + 1).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    i = end + 1;
  }
  return out;
}
