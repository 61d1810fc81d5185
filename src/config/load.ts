import { dirname, isAbsolute, join } from 'node:path';
import { type Diagnostic, diagnostic, hasErrors, type SourceSpan, sortDiagnostics } from '../diagnostics/index.ts';
import { checkBridges } from './bridge.ts';
import { readTools } from './catalog.ts';
import { validateAgainstSchema } from './schema.ts';
import { type RawBackendCertificate, type RawClientCertificates, type RawMonitoring, readBackendCertificate, readClientCertificates, readMonitoring } from './transport-security.ts';
import type { RestBackend } from './bridge-types.ts';
import type { AnnotationName, Assignment, CatalogTool, Config, GlobalLimit, Pattern, RateLimit, RoleConfig, Rule, Sku } from './types.ts';
import { parseYaml, pointerSegment, type SpannedDocument } from './yaml.ts';

/** What the loader may read besides the config text: the catalog file. The CLI passes fs. */
export interface ConfigHost {
  /** Returns the file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

export interface LoadResult {
  readonly config?: Config;
  readonly diagnostics: readonly Diagnostic[];
  /** Every text read (config and catalog), for code frames. */
  readonly sources: ReadonlyMap<string, string>;
}

/** Parses, schema-checks and types a config. `config` is absent when there are errors. */
export function loadConfig(file: string, text: string, host: ConfigHost): LoadResult {
  const sources = new Map([[file, text]]);
  const parsed = parseYaml(file, text);
  if (!parsed.document) return { diagnostics: parsed.diagnostics, sources };
  const doc = parsed.document;
  const schemaDiagnostics = validateAgainstSchema(doc);
  if (hasErrors(schemaDiagnostics)) return { diagnostics: sortDiagnostics(schemaDiagnostics), sources };

  const raw = doc.value as RawConfig;
  const diagnostics: Diagnostic[] = [...schemaDiagnostics];
  const catalog = loadCatalog(file, doc, raw, host, sources, diagnostics);
  if (hasErrors(diagnostics) || !catalog) return { diagnostics: sortDiagnostics(diagnostics), sources };

  const span = (pointer: string, prefer: 'key' | 'value' = 'value'): SourceSpan => {
    const s = doc.spans.get(pointer);
    return (prefer === 'key' ? s?.key : undefined) ?? s?.value ?? doc.index.span(0, 0);
  };
  const patterns = (list: readonly string[] | undefined, pointer: string): Pattern[] | undefined => list?.map((text, i) => ({ text, span: span(`${pointer}/${i}`) }));
  const rule = (r: RawRule, pointer: string, label: string): Rule => ({
    label,
    span: span(pointer),
    ...(r.tools ? { tools: patterns(r.tools, `${pointer}/tools`) } : {}),
    ...(r.annotations ? { annotations: r.annotations } : {}),
    ...(r.methods ? { methods: patterns(r.methods, `${pointer}/methods`) } : {}),
  });
  const roles: RoleConfig[] = Object.entries(raw.roles).map(([value, r]) => {
    const at = `/roles/${pointerSegment(value)}`;
    const rateLimit: RateLimit | undefined = r.rateLimit ? { calls: r.rateLimit.calls, renewalPeriod: r.rateLimit.renewalPeriod, per: r.rateLimit.per ?? ['agent'] } : undefined;
    return {
      value,
      span: span(at, 'key'),
      allow: (r.allow ?? []).map((x, i) => rule(x, `${at}/allow/${i}`, `allow[${i}]`)),
      deny: (r.deny ?? []).map((x, i) => rule(x, `${at}/deny/${i}`, `deny[${i}]`)),
      ...(r.description !== undefined ? { description: r.description } : {}),
      ...(r.displayName !== undefined ? { displayName: r.displayName } : {}),
      ...(rateLimit ? { rateLimit } : {}),
    };
  });
  const assignments: Assignment[] = (raw.assignments ?? []).map((a, i) => ({ principal: a.principal, roles: patterns(a.roles, `/assignments/${i}/roles`) ?? [] }));
  const identity = raw.identity;
  const config: Config = {
    file,
    api: {
      name: raw.api.name,
      displayName: raw.api.displayName ?? raw.api.name,
      ...(raw.api.description !== undefined ? { description: raw.api.description } : {}),
      path: raw.api.path,
      ...(raw.api.backend !== undefined ? { backend: raw.api.backend } : {}),
      ...(raw.api.restBackend ? { restBackend: restBackendOf(raw.api.restBackend) } : {}),
      toolsList: raw.api.toolsList ?? 'gateway',
      type: raw.api.type ?? 'http',
      subscriptionRequired: raw.api.subscriptionRequired ?? false,
      ...(raw.api.backendAuth ? { backendAuth: { type: raw.api.backendAuth.type, resource: raw.api.backendAuth.resource, ...(raw.api.backendAuth.clientId ? { clientId: raw.api.backendAuth.clientId } : {}) } } : {}),
      ...(raw.api.backendCertificate ? { backendCertificate: readBackendCertificate(raw.api.backendCertificate)! } : {}),
    },
    apim: { sku: raw.apim?.sku ?? 'Premium', productName: raw.apim?.productName ?? `${raw.api.name}-product`, appInsights: raw.apim?.appInsights ?? true },
    identity: {
      tenantId: identity.tenantId.toLowerCase(),
      audiences: typeof identity.audience === 'string' ? [identity.audience] : identity.audience,
      validation: identity.validation ?? 'validate-azure-ad-token',
      agentClaim: identity.agentClaim ?? 'azp',
      clientApplicationIds: identity.clientApplicationIds ?? [],
      authority: (identity.authority ?? 'https://login.microsoftonline.com').replace(/\/+$/, ''),
      tokenVersion: identity.tokenVersion ?? 'both',
      ...(identity.clientCertificates ? { clientCertificates: readClientCertificates(identity.clientCertificates)! } : {}),
    },
    catalog,
    roles,
    limits: raw.limits ?? [],
    security: {
      maxBodyBytes: raw.security?.maxBodyBytes ?? 1048576,
      blockPatterns: raw.security?.blockPatterns ?? [],
      redact: (raw.security?.redact ?? []).map((r) => ({ name: r.name, pattern: r.pattern, replacement: r.replacement ?? '[REDACTED]' })),
      stripHeaders: raw.security?.stripHeaders ?? [],
    },
    assignments,
    monitoring: readMonitoring(raw.monitoring),
    tests: raw.tests ?? [],
    locate: (pointer, prefer = 'value') => {
      for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const s = doc.spans.get(p);
        if (s) return (prefer === 'key' ? s.key : undefined) ?? s.value;
        if (p === '') return doc.index.span(0, 0);
      }
    },
  };
  diagnostics.push(...checkBridges(config));
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics), sources };
  return { config, diagnostics: sortDiagnostics(diagnostics), sources };
}

function loadCatalog(file: string, doc: SpannedDocument, raw: RawConfig, host: ConfigHost, sources: Map<string, string>, diagnostics: Diagnostic[]): Config['catalog'] | undefined {
  const allowNonStandardNames = raw.catalog.allowNonStandardNames ?? false;
  if (raw.catalog.tools) {
    const { tools, diagnostics: d } = readTools(doc, '/catalog/tools', raw.catalog.tools, allowNonStandardNames);
    diagnostics.push(...d);
    return { tools, allowNonStandardNames };
  }
  const from = raw.catalog.from!;
  const path = isAbsolute(from) ? from : join(dirname(file), from);
  const text = host.readFile(path);
  const fromSpan = doc.spans.get('/catalog/from')?.value ?? doc.index.span(0, 0);
  if (text === undefined) {
    diagnostics.push(diagnostic('MA1007', `cannot read the catalog file ${path}`, fromSpan, 'catalog.from is relative to the config file'));
    return undefined;
  }
  sources.set(path, text);
  const parsed = parseYaml(path, text);
  if (!parsed.document) {
    diagnostics.push(...parsed.diagnostics.map((d) => diagnostic('MA1008', `the catalog file is not valid JSON: ${d.message}`, d.span)));
    return undefined;
  }
  const value = parsed.document.value;
  const isList = Array.isArray(value);
  const hasTools = !isList && value !== null && typeof value === 'object' && 'tools' in value;
  if (!isList && !hasTools) {
    diagnostics.push(diagnostic('MA1008', 'the catalog file must hold a tools/list result ({"tools": [...]}) or a list of tools', parsed.document.index.span(0, Math.min(1, text.length))));
    return undefined;
  }
  const list = isList ? value : (value as { tools: unknown }).tools;
  const { tools, diagnostics: d } = readTools(parsed.document, isList ? '' : '/tools', list, allowNonStandardNames);
  diagnostics.push(...d);
  return { tools: tools as CatalogTool[], from, allowNonStandardNames };
}

function restBackendOf(r: RawRestBackend): RestBackend {
  // The tool's path (which starts with '/') is appended: no trailing slash, no '//'.
  return { url: r.url.replace(/\/+$/, ''), mode: r.mode ?? 'policy', ...(r.auth ? { auth: { type: r.auth.type, resource: r.auth.resource, ...(r.auth.clientId ? { clientId: r.auth.clientId } : {}) } } : {}) };
}

// The shapes the schema guarantees, before defaults.
interface RawRestBackend {
  url: string;
  mode?: 'policy' | 'native';
  auth?: { type: 'managedIdentity'; resource: string; clientId?: string };
}
interface RawRule {
  tools?: string[];
  annotations?: Partial<Record<AnnotationName, boolean>>;
  methods?: string[];
}
interface RawConfig {
  api: { name: string; displayName?: string; description?: string; path: string; backend?: string; restBackend?: RawRestBackend; toolsList?: 'gateway' | 'passthrough'; type?: 'http' | 'mcp'; subscriptionRequired?: boolean; backendAuth?: { type: 'managedIdentity'; resource: string; clientId?: string }; backendCertificate?: RawBackendCertificate };
  apim?: { sku?: Sku; productName?: string; appInsights?: boolean };
  identity: { tenantId: string; audience: string | string[]; validation?: Config['identity']['validation']; agentClaim?: Config['identity']['agentClaim']; clientApplicationIds?: string[]; authority?: string; tokenVersion?: Config['identity']['tokenVersion']; clientCertificates?: RawClientCertificates };
  catalog: { from?: string; tools?: unknown[]; allowNonStandardNames?: boolean };
  roles: Record<string, { description?: string; displayName?: string; allow?: RawRule[]; deny?: RawRule[]; rateLimit?: { calls: number; renewalPeriod: number; per?: ('agent' | 'tool')[] } }>;
  limits?: GlobalLimit[];
  security?: { maxBodyBytes?: number; blockPatterns?: string[]; redact?: { name: string; pattern: string; replacement?: string }[]; stripHeaders?: string[] };
  assignments?: { principal: string; roles: string[] }[];
  monitoring?: RawMonitoring;
  tests?: string[];
}
