/**
 * A deliberately small stand-in for src/expr/net used by the language tests, so that parsing,
 * planning and control flow are tested on their own: Int32 (JS numbers), strings, booleans,
 * null, arrays (as JS arrays) and plain objects (members by property name). Real .NET
 * semantics are the library's tests' business.
 */
import type { Delegate, ExprLibrary, NetFailure, OutRef, TypeHandle, Value } from '../../src/expr/port.ts';

export class FakeNetException extends Error {
  readonly type: string;
  readonly payload: Value;
  constructor(type: string, message: string, payload: Value = null) {
    super(message);
    this.type = type;
    this.payload = payload;
  }
}

interface FakeType {
  readonly name: string;
  readonly element?: FakeType;
}

const TYPES: Record<string, string> = { int: 'System.Int32', string: 'System.String', bool: 'System.Boolean', object: 'System.Object', Exception: 'System.Exception', Math: 'System.Math', List: 'List', Dictionary: 'Dictionary' };

const nre = (): FakeNetException => new FakeNetException('System.NullReferenceException', 'Object reference not set to an instance of an object.');

function typeName(v: Value): string {
  if (typeof v === 'number') return 'System.Int32';
  if (typeof v === 'string') return 'System.String';
  if (typeof v === 'boolean') return 'System.Boolean';
  if (Array.isArray(v)) return 'System.Object[]';
  return 'System.Object';
}

function str(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

export const fakeLibrary: ExprLibrary = {
  literal: (type, text) => {
    if (type === 'char') return text;
    return Number(text);
  },
  resolveType: (q) => {
    const full = TYPES[q.name] ?? (Object.values(TYPES).includes(q.name) ? q.name : undefined);
    if (!full) return undefined;
    let t: FakeType = { name: full };
    for (let i = 0; i < q.arrayRanks.length; i++) t = { name: `${t.name}[]`, element: t };
    return t;
  },
  isNamespace: () => false,
  hasStatic: (type, name) => (type as FakeType).name === 'System.Math' ? name === 'Max' || name === 'PI' : (type as FakeType).name === 'System.Int32' ? name === 'Parse' || name === 'TryParse' || name === 'MaxValue' : false,
  typeDisplayName: (t) => (t as FakeType).name,
  getStatic: (type, name) => ((type as FakeType).name === 'System.Math' && name === 'PI' ? 3 : name === 'MaxValue' ? 2147483647 : null),
  invokeStatic: (type, name, args) => {
    if (name === 'Max') return Math.max(args[0] as number, args[1] as number);
    if (name === 'Parse') {
      const n = Number(args[0]);
      if (!Number.isInteger(n)) throw new FakeNetException('System.FormatException', 'Input string was not in a correct format.');
      return n;
    }
    if (name === 'TryParse') {
      const n = Number(args[0]);
      const ok = typeof args[0] === 'string' && args[0] !== '' && Number.isInteger(n);
      (args[1] as OutRef).value = ok ? n : 0;
      return ok;
    }
    return null;
  },
  getMember: (t, name) => {
    if (t === null) throw nre();
    if (typeof t === 'string' && name === 'Length') return t.length;
    if (Array.isArray(t) && (name === 'Length' || name === 'Count')) return t.length;
    if (typeof t === 'object' && name in t) return (t as Record<string, Value>)[name] ?? null;
    throw new FakeNetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `no member ${name}`);
  },
  setMember: (t, name, v) => {
    if (t === null) throw nre();
    (t as Record<string, Value>)[name] = v;
  },
  invokeMethod: (t, name, args) => {
    if (t === null) throw nre();
    if (name === 'ToString') return str(t);
    if (name === 'ToUpper') return (t as string).toUpperCase();
    if (name === 'Add') {
      (t as Value[]).push(args[0]!);
      return null;
    }
    if (name === 'Where') return (t as Value[]).filter((x) => (args[0] as Delegate).invoke([x]) === true);
    if (name === 'Select') return (t as Value[]).map((x) => (args[0] as Delegate).invoke([x]));
    if (name === 'Count') return (t as Value[]).length;
    if (name === 'GetValueOrDefault') {
      const v = (t as Record<string, Value>)[args[0] as string];
      return v === undefined ? (args[1] ?? null) : v;
    }
    if (name === 'TryGet') {
      const v = (t as Record<string, Value>)[args[0] as string];
      (args[1] as OutRef).value = v ?? null;
      return v !== undefined;
    }
    throw new FakeNetException('Microsoft.CSharp.RuntimeBinder.RuntimeBinderException', `no method ${name}`);
  },
  getIndex: (t, args) => {
    if (t === null) throw nre();
    const k = args[0]!;
    if (Array.isArray(t)) {
      if (typeof k !== 'number' || k < 0 || k >= t.length) throw new FakeNetException('System.IndexOutOfRangeException', 'Index was outside the bounds of the array.');
      return t[k] ?? null;
    }
    const v = (t as Record<string, Value>)[k as string];
    if (v === undefined) throw new FakeNetException('System.Collections.Generic.KeyNotFoundException', `The given key '${str(k)}' was not present in the dictionary.`);
    return v;
  },
  setIndex: (t, args, v) => {
    if (t === null) throw nre();
    (t as Record<string, Value>)[args[0] as string] = v;
  },
  construct: (type, args) => {
    const n = (type as FakeType).name;
    if (n === 'System.Exception') return { Message: args[0] ?? 'Exception of type \'System.Exception\' was thrown.', isException: true };
    if (n === 'List') return [];
    return {};
  },
  newArray: (_t, elements) => elements,
  newArrayOfSize: (_t, size) => new Array(size as number).fill(0),
  newAnonymous: (names, values) => Object.fromEntries(names.map((n, i) => [n, values[i]])),
  addToCollection: (t, args) => {
    (t as Value[]).push(args[0]!);
  },
  unary: (op, v) => {
    if (op === '-' && typeof v === 'number') return -v | 0;
    if (op === '!' && typeof v === 'boolean') return !v;
    if (op === '~' && typeof v === 'number') return ~v;
    throw new FakeNetException('System.InvalidOperationException', `bad unary ${op}`);
  },
  charCode: () => -1,
  binary: (op, l, r) => {
    if (op === '+' && (typeof l === 'string' || typeof r === 'string')) return str(l) + str(r);
    if (typeof l === 'number' && typeof r === 'number') {
      switch (op) {
        case '*':
          return Math.imul(l, r);
        case '/':
        case '%':
          if (r === 0) throw new FakeNetException('System.DivideByZeroException', 'Attempted to divide by zero.');
          return op === '/' ? (l / r) | 0 : l % r;
        case '+':
          return (l + r) | 0;
        case '-':
          return (l - r) | 0;
        case '<<':
          return l << r;
        case '&':
          return l & r;
        case '|':
          return l | r;
      }
    }
    if (op === '==') return l === r;
    if (op === '!=') return l !== r;
    if (op === '&' && typeof l === 'boolean') return l && r === true;
    if (op === '|' && typeof l === 'boolean') return l || r === true;
    throw new FakeNetException('System.InvalidOperationException', `bad binary ${op}`);
  },
  convert: (v, type, mode) => {
    const n = (type as FakeType).name;
    if (n === 'System.Object' || v === null) return v;
    if (typeName(v) === n || (n.endsWith('[]') && Array.isArray(v))) return v;
    if (mode === 'implicit' && n === 'System.Object') return v;
    throw new FakeNetException('System.InvalidCastException', `Unable to cast object of type '${typeName(v)}' to type '${n}'.`);
  },
  isInstance: (v, type) => v !== null && ((type as FakeType).name === 'System.Object' || typeName(v) === (type as FakeType).name),
  as: (v, type) => (v !== null && typeName(v) === (type as FakeType).name ? v : null),
  defaultValue: (type) => ((type as FakeType).name === 'System.Int32' ? 0 : (type as FakeType).name === 'System.Boolean' ? false : null),
  typeOf: (type) => (type as FakeType).name,
  enumerate: (v) => {
    if (v === null) throw nre();
    if (Array.isArray(v)) return v as Value[];
    if (typeof v === 'string') return [...v];
    throw new FakeNetException('System.InvalidCastException', 'not enumerable');
  },
  formatHole: (v, format, align) => {
    let s = format === 'D3' && typeof v === 'number' ? String(v).padStart(3, '0') : str(v);
    if (typeof align === 'number') s = align < 0 ? s.padEnd(-align) : s.padStart(align);
    return s;
  },
  toNetString: str,
  typeName,
  toJsonValue: (v) => v,
  failureOf: (err): NetFailure | undefined => (err instanceof FakeNetException ? { type: err.type, message: err.message } : undefined),
  exceptionMatches: (err, type) => err instanceof FakeNetException && (type === undefined || (type as FakeType).name === 'System.Exception' || (type as FakeType).name === err.type),
  exceptionValue: (err) => ((err as FakeNetException).payload ?? { Message: (err as FakeNetException).message }),
  toThrowable: (v) => (v === null ? nre() : new FakeNetException('System.Exception', String((v as { Message: Value }).Message), v)),
  exception: (type, message) => new FakeNetException(type, message),
};

export function fakeType(name: string): TypeHandle {
  return { name };
}
