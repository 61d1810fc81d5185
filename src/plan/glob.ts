/** Tool-name and method patterns: `*` is any run of characters (dots included), `?` one character. */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Compiles a pattern to an anchored, case-sensitive matcher. Exact names compare as strings. */
export function compileGlob(pattern: string): (name: string) => boolean {
  if (!isGlob(pattern)) return (name) => name === pattern;
  const source = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  const regex = new RegExp(`^${source}$`, 'su');
  return (name) => regex.test(name);
}

/** Compiled matchers by pattern text: a plan evaluates each pattern against every tool. */
export class GlobCache {
  readonly #matchers = new Map<string, (name: string) => boolean>();

  matcher(pattern: string): (name: string) => boolean {
    let m = this.#matchers.get(pattern);
    if (!m) {
      m = compileGlob(pattern);
      this.#matchers.set(pattern, m);
    }
    return m;
  }
}
