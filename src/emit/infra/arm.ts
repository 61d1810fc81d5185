import { type InfraModel, isRef, type Resource, type Value } from './model.ts';

/** A literal string inside an ARM template expression: `'` doubled. */
function armLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A plain JSON string that ARM must not read as an expression: a leading `[` is doubled. */
function armString(s: string): string {
  return s.startsWith('[') ? `[${s}` : s;
}

function resourceId(r: Resource): string {
  if (r.scope === 'resourceGroup') return `[resourceId(${armLiteral(r.type)}, ${armLiteral(r.name[0]!)})]`;
  return `[resourceId(${armLiteral(r.type)}, parameters('apimName'), ${r.name.map(armLiteral).join(', ')})]`;
}

function value(v: Value, model: InfraModel): unknown {
  if (isRef(v)) {
    if (v.ref === 'param') return `[parameters(${armLiteral(v.name)})]`;
    if (v.ref === 'file') return armString(v.content);
    const target = model.resources.find((r) => r.symbol === v.symbol)!;
    return resourceId(target);
  }
  if (typeof v === 'string') return armString(v);
  if (Array.isArray(v)) return v.map((x) => value(x, model));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x as Value, model)]));
  return v;
}

/** `arm/azuredeploy.json`: the same resources as `main.bicep`, from the same model, policies inlined. */
export function emitArm(model: InfraModel): string {
  const parameters: Record<string, unknown> = {};
  for (const p of model.parameters) {
    parameters[p.name] = { type: p.secure ? 'securestring' : p.type, ...(p.default !== undefined ? { defaultValue: p.default } : {}), metadata: { description: p.description } };
  }
  const bySymbol = new Map(model.resources.map((r) => [r.symbol, r]));
  const resources = model.resources.map((r) => {
    // ARM needs every dependency spelled out, parents included.
    const deps = [...new Set([...(r.parent !== 'apim' && r.scope !== 'resourceGroup' ? [r.parent] : []), ...r.dependsOn])].map((s) => bySymbol.get(s)!).map(resourceId);
    return {
      type: r.type,
      apiVersion: r.apiVersion,
      name: r.scope === 'resourceGroup' ? armString(r.name[0]!) : `[format('${['{0}', ...r.name.map((_, i) => `{${i + 1}}`)].join('/')}', parameters('apimName'), ${r.name.map(armLiteral).join(', ')})]`,
      ...(r.location !== undefined ? { location: value(r.location, model) } : {}),
      ...(r.kind !== undefined ? { kind: r.kind } : {}),
      properties: value(r.properties as Value, model),
      ...(deps.length > 0 ? { dependsOn: deps } : {}),
    };
  });
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    metadata: { generator: 'mcp-apim' },
    parameters,
    resources,
    outputs: { apiId: { type: 'string', value: resourceId(bySymbol.get('api')!) } },
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}
