/**
 * `ToString()` and `Equals` across all library values: the two operations every slot that
 * receives an expression's result (header values, bodies, keys, string concatenation) relies on.
 */
import type { Value } from '../port.ts';
import { NetChar, NetDecimal, NetDouble, NetLong, NetObject, type NetType } from './core.ts';
import { formatNumber } from './numeric.ts';
import { clrName } from './type-value.ts';

/** Types whose own ToString is looked up; set by library.ts (Object's ToString must not recurse). */
let objectType: NetType | undefined;
export function setObjectType(t: NetType): void {
  objectType = t;
}

/** .NET `ToString()` of a value, with `null` as "" (string concatenation and slot semantics). */
export function toNetString(v: Value): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'boolean':
      return v ? 'True' : 'False';
  }
  if (v === null) return '';
  if (v instanceof NetChar) return String.fromCharCode(v.code);
  if (v instanceof NetLong || v instanceof NetDouble || v instanceof NetDecimal) return formatNumber(v);
  if (v instanceof NetObject) {
    for (let c: NetType | undefined = v.netType; c && c !== objectType; c = c.base) {
      const m = c.methods?.ToString;
      if (m) return m(v as never, [], [], undefined) as string;
    }
    return clrName(v.netType);
  }
  return 'System.Object';
}

/** `Object.Equals(a, b)` for a non-null `a`: value equality for values, reference otherwise. */
export function netEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (b === null) return false;
  if (a instanceof NetLong && b instanceof NetLong) return a.v === b.v;
  if (a instanceof NetDouble && b instanceof NetDouble) return a.v === b.v || (Number.isNaN(a.v) && Number.isNaN(b.v));
  if (a instanceof NetDecimal && b instanceof NetDecimal) return formatNumber(a) === formatNumber(b) || a.m * 10n ** BigInt(b.scale) === b.m * 10n ** BigInt(a.scale);
  if (a instanceof NetObject && b instanceof NetObject && a.netType === b.netType) {
    const eq = (a as { valueKey?: () => string }).valueKey;
    if (typeof eq === 'function') return eq.call(a) === (b as unknown as { valueKey: () => string }).valueKey();
  }
  return false;
}
