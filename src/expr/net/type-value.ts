/**
 * System.Type values (`x.GetType()`, `typeof(T)`) and the CLR spelling of type names that
 * `Type.ToString()` and the default `object.ToString()` print: `List`1[System.String]`, where the
 * library's own names (the `type` of `mcp-apim expr --json`) use C# notation.
 */
import type { Value } from '../port.ts';
import { NetObject, type NetType, OBJECT_TYPE } from './core.ts';
import { register } from './registry.ts';

/** `System.Collections.Generic.List`1[System.String]`, `System.Int32[]`, `System.Nullable`1[System.Int32]`. */
export function clrName(t: NetType): string {
  if (t.element) return `${clrName(t.element)}[]`;
  if (t.nullableOf) return `System.Nullable\`1[${clrName(t.nullableOf)}]`;
  if (t.definition && t.typeArgs) return `${t.definition.name}[${t.typeArgs.map(clrName).join(',')}]`;
  return t.name;
}

/** `Type.Name`: `List`1`, `Int32[]`, `Nullable`1`. */
function shortName(t: NetType): string {
  if (t.element) return `${shortName(t.element)}[]`;
  if (t.nullableOf) return 'Nullable`1';
  const full = t.definition ? t.definition.name : t.name;
  return full.slice(full.lastIndexOf('.') + 1);
}

export class NetTypeValue extends NetObject {
  readonly type: NetType;
  constructor(type: NetType) {
    super();
    this.type = type;
  }
  get netType(): NetType {
    return SYSTEM_TYPE;
  }
  valueKey(): string {
    return clrName(this.type);
  }
}

const namespaceOf = (t: NetType): string | null => {
  const full = clrName(t.element ?? t);
  const generic = full.indexOf('`');
  const head = generic >= 0 ? full.slice(0, generic) : full;
  const dot = head.lastIndexOf('.');
  return dot >= 0 ? head.slice(0, dot) : null;
};

export const SYSTEM_TYPE: NetType = register({
  name: 'System.Type',
  get base() {
    return OBJECT_TYPE.current;
  },
  props: {
    Name: (t: NetTypeValue) => shortName(t.type),
    // The CLR's FullName of a generic instantiation names the assemblies of its arguments; the
    // library prints the ToString() form instead (docs/expressions.md).
    FullName: (t: NetTypeValue) => clrName(t.type),
    Namespace: (t: NetTypeValue) => namespaceOf(t.type),
    IsArray: (t: NetTypeValue) => t.type.element !== undefined,
    IsValueType: (t: NetTypeValue) => t.type.isValueType === true,
    IsGenericType: (t: NetTypeValue) => t.type.definition !== undefined || t.type.nullableOf !== undefined,
  },
  methods: { ToString: (t: NetTypeValue) => clrName(t.type) },
});

export const typeValue = (t: NetType): Value => new NetTypeValue(t);
