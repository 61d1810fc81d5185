/**
 * Navigation over JToken trees: the `token[key]` indexer, children and siblings, a token's Path,
 * and SelectToken's JSONPath subset. Plain functions on the token classes of jtoken.ts; the
 * registered Newtonsoft members that call them are in json.ts.
 */
import type { Value } from '../port.ts';
import { NetException } from './core.ts';
import { escapeJsonString } from './json-text.ts';
import { JArray, JObject, JProperty, type JToken } from './jtoken.ts';
import { toNetString } from './text.ts';

/** `token[key]` on any token: objects by name, arrays by index, values refuse. */
export function tokenIndex(t: JToken, key: Value): JToken | null {
  if (t instanceof JObject) {
    if (typeof key !== 'string') throw new NetException('System.ArgumentException', `Accessed JObject values with invalid key value: ${toNetString(key)}. Object property name expected.`);
    return t.get(key);
  }
  if (t instanceof JArray) {
    if (typeof key !== 'number') throw new NetException('System.ArgumentException', `Accessed JArray values with invalid key value: ${escapeJsonString(toNetString(key))}. Int32 array index expected.`);
    if (key < 0 || key >= t.items.length) throw new NetException('System.ArgumentOutOfRangeException', 'Index was out of range. Must be non-negative and less than the size of the collection.\nParameter name: index');
    return t.items[key]!;
  }
  if (t instanceof JProperty) return tokenIndex(t.valueToken, key);
  throw new NetException('System.InvalidOperationException', `Cannot access child value on ${t.netType.name}.`);
}

export function children(t: JToken): JToken[] {
  if (t instanceof JObject) return [...t.props.values()];
  if (t instanceof JArray) return t.items;
  if (t instanceof JProperty) return [t.valueToken];
  return [];
}

export function sibling(t: JToken, step: number): JToken | null {
  const p = t.parent;
  if (!p) return null;
  const list = children(p);
  return list[list.indexOf(t) + step] ?? null;
}

export function pathOf(t: JToken): string {
  const parts: string[] = [];
  for (let c: JToken | undefined = t; c?.parent; c = c.parent) {
    const p: JToken = c.parent;
    if (p instanceof JArray) parts.unshift(`[${p.items.indexOf(c)}]`);
    else if (c instanceof JProperty) parts.unshift(/^[A-Za-z_][\w]*$/.test(c.name) ? `.${c.name}` : `['${c.name}']`);
  }
  return parts.join('').replace(/^\./, '');
}

/** SelectToken's JSONPath subset: `$`, `.name`, `['name']`, `[n]`, `[*]`, `.*`, `..name`. */
export function selectTokens(root: JToken, path: string): JToken[] {
  let current: JToken[] = [root];
  const re = /^\s*(?:\$|\.\.([A-Za-z_$][\w$-]*)|\.?([A-Za-z_$][\w$-]*)|\.\*|\[\s*\*\s*\]|\[\s*(-?\d+)\s*\]|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/;
  let rest = path;
  while (rest.trim() !== '') {
    const m = re.exec(rest);
    if (!m) throw new NetException('Newtonsoft.Json.JsonException', `Unexpected character while parsing path: ${rest.trim()[0]}`);
    rest = rest.slice(m[0].length);
    const t = m[0].trim();
    if (t === '$') continue;
    const next: JToken[] = [];
    for (const c of current) {
      if (m[1] !== undefined) next.push(...descendants(c).filter((d): d is JProperty => d instanceof JProperty && d.name === m[1]).map((p) => p.valueToken));
      else if (m[2] !== undefined || m[4] !== undefined || m[5] !== undefined) {
        const name = m[2] ?? m[4] ?? m[5]!;
        if (c instanceof JObject) {
          const v = c.get(name);
          if (v) next.push(v);
        }
      } else if (m[3] !== undefined) {
        if (c instanceof JArray) {
          const i = Number(m[3]);
          const v = c.items[i < 0 ? c.items.length + i : i];
          if (v) next.push(v);
        }
      } else next.push(...children(c).map((x) => (x instanceof JProperty ? x.valueToken : x)));
    }
    current = next;
  }
  return current;
}

function descendants(t: JToken): JToken[] {
  const out: JToken[] = [];
  for (const c of children(t)) out.push(c, ...descendants(c));
  return out;
}
