import { isGlob } from '../../plan/glob.ts';
import { csString } from './csharp.ts';

/**
 * A C# condition on the variable `method` for one `methods:` pattern: `==` for an exact method,
 * `StartsWith` for a trailing `*` (`resources/*`), an anchored Regex otherwise.
 */
export function methodCondition(pattern: string): string {
  if (!isGlob(pattern)) return `method == ${csString(pattern)}`;
  const star = pattern.indexOf('*');
  if (star === pattern.length - 1 && !pattern.includes('?')) return `method.StartsWith(${csString(pattern.slice(0, -1))}, StringComparison.Ordinal)`;
  const regex = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return `Regex.IsMatch(method, ${csString(`^${regex}$`)})`;
}
