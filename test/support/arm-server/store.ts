/**
 * The loopback ARM server's state: APIM services and their child resources, with the validation
 * rules the real service applies (reference/deploy.md §7), ETags bumped on every write, and the
 * read-side transformations APIM makes (hidden secrets, logger credentials turned into a named
 * value reference, re-serialised policies).
 */
import { KINDS, type KindSpec, relativePath, type ServiceRef, serviceId, serviceKey, storeKey } from './paths.ts';
import { apimReformat, policyReferences, xmlFormat } from './policy-text.ts';

export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: readonly { code: string; target?: string; message: string }[];
  constructor(status: number, code: string, message: string, details: readonly { code: string; target?: string; message: string }[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface StoredResource {
  readonly key: string;
  readonly spec: KindSpec;
  readonly service: ServiceRef;
  readonly names: readonly string[];
  readonly id: string;
  properties: Record<string, unknown>;
  etag: string;
  /** Secret material a GET never shows (named value secrets, logger credentials). */
  secret?: unknown;
  /** The api-version the resource was written with (MCP APIs are invisible to older versions). */
  writtenWith: string;
  /** GETs that still report `provisioningState: InProgress` (provisioning-state LRO mode). */
  provisioningReads: number;
}

export interface ServiceRecord {
  readonly ref: ServiceRef;
  readonly sku: string;
}

/** API versions that know `type: 'mcp'` APIs. */
export const MCP_API_VERSIONS: readonly string[] = ['2025-03-01-preview', '2025-09-01-preview'];
const knowsMcp = (apiVersion: string) => MCP_API_VERSIONS.includes(apiVersion);
const DISPLAY_NAME = /^[A-Za-z0-9\-._]+$/;
const kind = (key: string) => KINDS.find((k) => k.key === key)!;
const notFound = (what: string) => new ArmError(404, 'ResourceNotFound', `${what} not found.`);
const validation = (message: string, target = 'properties') => new ArmError(400, 'ValidationError', 'One or more fields contain incorrect values:', [{ code: 'ValidationError', target, message }]);
/** Properties of an API that are create-time instructions, never returned by a GET. */
const API_WRITE_ONLY = ['apiType', 'format', 'value', 'wsdlSelector', 'translateRequiredQueryParameters'];

export class ArmStore {
  readonly services = new Map<string, ServiceRecord>();
  readonly resources = new Map<string, StoredResource>();
  #etag = 0;
  #loggerCredentialIds = 0;

  addService(subscription: string, resourceGroup: string, service: string, sku = 'Premium'): void {
    const ref: ServiceRef = { subscription, resourceGroup, service, path: serviceId({ subscription, resourceGroup, service }) };
    this.services.set(serviceKey(ref), { ref, sku });
  }

  service(ref: ServiceRef): ServiceRecord {
    const s = this.services.get(serviceKey(ref));
    if (!s) throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.ApiManagement/service/${ref.service}' under resource group '${ref.resourceGroup}' was not found.`);
    return s;
  }

  nextEtag(): string {
    return `"AAAAAAA${(++this.#etag).toString(16).padStart(5, '0')}="`;
  }

  find(service: ServiceRef, spec: KindSpec, names: readonly string[]): StoredResource | undefined {
    return this.resources.get(storeKey(service, spec, names));
  }

  /** Every resource of a kind under a parent (names = the parent's names), in creation order. */
  children(service: ServiceRef, spec: KindSpec, parentNames: readonly string[]): StoredResource[] {
    const sameService = serviceKey(service);
    const parent = parentNames.map((n) => n.toLowerCase()).join('/');
    return [...this.resources.values()].filter(
      (r) => r.spec === spec && serviceKey(r.service) === sameService && r.names.slice(0, -1).map((n) => n.toLowerCase()).join('/') === parent,
    );
  }

  /** Whether a resource can be seen with this api-version (MCP APIs need a preview version). */
  visible(r: StoredResource, apiVersion: string): boolean {
    if (r.spec.key === 'apis' && r.properties.type === 'mcp') return knowsMcp(apiVersion);
    // Below an MCP API (its operations, policies, diagnostics, tools) the API itself must be visible.
    if (r.spec.pattern[0] === 'apis' && r.names.length > 1) {
      const api = this.find(r.service, kind('apis'), [r.names[0]!]);
      return !api || this.visible(api, apiVersion);
    }
    return true;
  }

  /**
   * Validates a PUT and returns what will be stored, without storing it (an LRO commits later).
   * Throws ArmError for anything the real service refuses.
   */
  prepare(service: ServiceRef, spec: KindSpec, names: readonly string[], body: unknown, apiVersion: string): { properties: Record<string, unknown>; secret?: unknown } {
    this.service(service);
    this.requireParent(service, spec, names, apiVersion);
    const properties = { ...(((body as { properties?: unknown } | null)?.properties ?? {}) as Record<string, unknown>) };
    delete properties.provisioningState;
    const name = names.at(-1)!;
    switch (spec.key) {
      case 'apis': {
        if (typeof properties.path !== 'string') throw validation("'path' is required.", 'path');
        if (typeof properties.displayName !== 'string') throw validation("'displayName' is required.", 'displayName');
        if (properties.type === 'mcp' && !knowsMcp(apiVersion)) throw validation(`API type 'mcp' is not supported with api-version ${apiVersion}.`, 'type');
        const clash = [...this.resources.values()].find((r) => r.spec.key === 'apis' && r.service.service === service.service && r.names[0]!.toLowerCase() !== name.toLowerCase() && String(r.properties.path).toLowerCase() === String(properties.path).toLowerCase());
        if (clash) throw validation(`Path '${String(properties.path)}' is already used by API '${clash.names[0]}'.`, 'path');
        if (typeof properties.backendId === 'string' && !this.find(service, kind('backends'), [properties.backendId])) throw validation(`Backend '${properties.backendId}' could not be found.`, 'backendId');
        properties.type ??= 'http';
        for (const k of API_WRITE_ONLY) delete properties[k];
        return { properties };
      }
      case 'apiPolicies':
      case 'operationPolicies':
      case 'policies':
        if (name.toLowerCase() !== 'policy') throw validation(`Policy id must be 'policy', not '${name}'.`, 'policyId');
        return { properties: this.policyProperties(service, properties, '<policies>') };
      case 'policyFragments':
        return { properties: { ...this.policyProperties(service, properties, '<fragment>'), ...(properties.description !== undefined ? { description: properties.description } : {}) } };
      case 'namedValues': {
        if (typeof properties.displayName !== 'string' || !DISPLAY_NAME.test(properties.displayName)) throw validation("'displayName' may contain only letters, digits, '-', '.' and '_'.", 'displayName');
        if (properties.keyVault === undefined && typeof properties.value !== 'string') throw validation("Either 'value' or 'keyVault' is required.", 'value');
        if (typeof properties.value === 'string' && properties.value.length > 4096) throw validation("'value' is longer than 4096 characters.", 'value');
        if (properties.secret === true) {
          const { value, ...rest } = properties;
          return { properties: rest, secret: value };
        }
        return { properties };
      }
      case 'operations':
        for (const k of ['displayName', 'method', 'urlTemplate']) if (typeof properties[k] !== 'string') throw validation(`'${k}' is required.`, k);
        properties.templateParameters ??= [];
        properties.responses ??= [];
        return { properties };
      case 'backends':
        if (typeof properties.url !== 'string' || typeof properties.protocol !== 'string') throw validation("'url' and 'protocol' are required.", 'url');
        return { properties };
      case 'products':
        if (typeof properties.displayName !== 'string') throw validation("'displayName' is required.", 'displayName');
        properties.state ??= 'notPublished';
        return { properties };
      case 'productApiLinks': {
        const api = this.resolveId(service, String(properties.apiId ?? ''), 'apis');
        if (!api || !this.visible(api, apiVersion)) throw notFound(`API '${String(properties.apiId)}'`);
        const dup = this.children(service, spec, [names[0]!]).find((l) => l.names[1]!.toLowerCase() !== name.toLowerCase() && String(l.properties.apiId).toLowerCase() === api.id.toLowerCase());
        if (dup) throw new ArmError(409, 'Conflict', `Link already exists between product '${names[0]}' and API '${api.names[0]}'.`);
        return { properties: { apiId: api.id } };
      }
      case 'loggers': {
        if (typeof properties.loggerType !== 'string') throw validation("'loggerType' is required.", 'loggerType');
        const { credentials, ...rest } = properties;
        return { properties: rest, secret: credentials };
      }
      case 'certificates': {
        // APIM takes the PFX inline (data, password) or a Key Vault secret it reads with its identity.
        const kv = properties.keyVault as { secretIdentifier?: unknown } | undefined;
        if (kv === undefined && typeof properties.data !== 'string') throw validation("Either 'data' or 'keyVault' is required.", 'keyVault');
        if (kv !== undefined && (typeof kv.secretIdentifier !== 'string' || !/^https:\/\/[^/]+\/secrets\//.test(kv.secretIdentifier))) throw validation("'keyVault.secretIdentifier' must be a Key Vault secret URL.", 'keyVault.secretIdentifier');
        const { data, password, ...rest } = properties;
        return { properties: rest, secret: data === undefined ? undefined : { data, password } };
      }
      case 'mcpTools': {
        // REST-as-MCP tools (preview): bound to an operation of an API that exists.
        if (!knowsMcp(apiVersion)) throw validation(`MCP tools are not supported with api-version ${apiVersion}.`, 'apiVersion');
        const bound = /^\/apis\/([^/]+)\/operations\/([^/]+)$/.exec(String(properties.operationId ?? ''));
        if (!bound || !this.find(service, kind('operations'), [bound[1]!, bound[2]!])) throw validation(`Operation '${String(properties.operationId)}' could not be found.`, 'operationId');
        return { properties };
      }
      case 'apiDiagnostics':
      case 'diagnostics':
        if (!this.resolveId(service, String(properties.loggerId ?? ''), 'loggers')) throw validation(`Logger '${String(properties.loggerId)}' could not be found.`, 'loggerId');
        return { properties };
      default:
        return { properties };
    }
  }

  /** Stores a prepared write: 201 for a create, 200 for an update; the ETag always moves. */
  commit(service: ServiceRef, spec: KindSpec, names: readonly string[], prepared: { properties: Record<string, unknown>; secret?: unknown }, apiVersion: string, provisioningReads = 0): { created: boolean; resource: StoredResource } {
    const key = storeKey(service, spec, names);
    const existing = this.resources.get(key);
    const resource: StoredResource = existing ?? {
      key,
      spec,
      service,
      names,
      id: `${serviceId(service)}/${relativePath(spec, names)}`,
      properties: {},
      etag: '',
      writtenWith: apiVersion,
      provisioningReads: 0,
    };
    resource.properties = prepared.properties;
    resource.etag = this.nextEtag();
    resource.writtenWith = apiVersion;
    resource.provisioningReads = provisioningReads;
    if (spec.key === 'loggers') this.storeLoggerCredentials(resource, prepared.secret as Record<string, unknown> | undefined);
    else resource.secret = prepared.secret;
    this.resources.set(key, resource);
    return { created: !existing, resource };
  }

  /** Checks a DELETE (404 when absent, 400 when still referenced) without deleting. */
  checkDelete(service: ServiceRef, spec: KindSpec, names: readonly string[]): StoredResource {
    this.service(service);
    const r = this.find(service, spec, names);
    if (!r) throw notFound(`${spec.type.split('/').pop()} '${names.join('/')}'`);
    const users = (pick: (refs: ReturnType<typeof policyReferences>) => readonly string[], target: string) =>
      [...this.resources.values()].filter((x) => x.service.service === service.service && isPolicyLike(x) && x !== r && pick(policyReferences(String(x.properties.value ?? ''))).some((n) => n.toLowerCase() === target.toLowerCase()));
    let used: StoredResource[] = [];
    if (spec.key === 'policyFragments') used = users((refs) => refs.fragments, names[0]!);
    if (spec.key === 'namedValues') used = users((refs) => refs.namedValues, String(r.properties.displayName));
    if (spec.key === 'backends') {
      used = [...users((refs) => refs.backends, names[0]!), ...[...this.resources.values()].filter((x) => x.spec.key === 'apis' && String(x.properties.backendId ?? '').toLowerCase() === names[0]!.toLowerCase())];
    }
    if (spec.key === 'certificates') {
      const certificateId = `/certificates/${names[0]!}`.toLowerCase();
      used = [...users((refs) => refs.certificates, names[0]!), ...[...this.resources.values()].filter((x) => x.spec.key === 'backends' && ((x.properties.credentials as { certificateIds?: string[] } | undefined)?.certificateIds ?? []).some((id) => id.toLowerCase() === certificateId))];
    }
    if (used.length > 0) {
      const what = { policyFragments: 'Policy Fragment', namedValues: 'Named Value', backends: 'Backend', certificates: 'Certificate' }[spec.key as 'backends'];
      throw validation(`The ${what} '${names[0]}' is used by the following entities: ${used.map((u) => u.id).join(', ')}`, 'id');
    }
    return r;
  }

  /** Deletes a resource and everything below it (an API takes its operations, policies and product links along). */
  remove(r: StoredResource): void {
    const prefix = `${r.key}/`;
    for (const [key, x] of this.resources) {
      if (key === r.key || key.startsWith(prefix)) this.resources.delete(key);
      else if (r.spec.key === 'apis' && x.spec.key === 'productApiLinks' && String(x.properties.apiId).toLowerCase() === r.id.toLowerCase()) this.resources.delete(key);
    }
  }

  /** The `{id, type, name, properties}` envelope a GET returns. */
  present(r: StoredResource, query: URLSearchParams): Record<string, unknown> {
    const properties: Record<string, unknown> = structuredClone(r.properties);
    if (isPolicyLike(r)) {
      const raw = String(properties.value ?? '');
      const format = (query.get('format') ?? 'xml').toLowerCase();
      properties.format = format === 'rawxml' ? 'rawxml' : 'xml';
      properties.value = format === 'rawxml' ? apimReformat(raw) : apimReformat(xmlFormat(raw));
    }
    if (r.spec.key === 'apis') {
      properties.isCurrent = true;
      properties.apiRevision ??= '1';
      properties.subscriptionKeyParameterNames ??= { header: 'Ocp-Apim-Subscription-Key', query: 'subscription-key' };
    }
    if (r.spec.key === 'certificates' && properties.keyVault) {
      // APIM has read the certificate from Key Vault: what a GET shows besides the reference.
      properties.keyVault = { ...(properties.keyVault as object), lastStatus: { code: 'Success', message: 'Fetched the certificate from Key Vault.', timeStampUtc: '2026-01-01T00:00:00Z' } };
      properties.subject = 'CN=mcp-gateway-client';
      properties.thumbprint = '5F2A7C1E9B3D4F6A8C0E2B4D6F8A0C2E4B6D8F0A';
      properties.expirationDate = '2027-01-01T00:00:00Z';
    }
    if (r.spec.key === 'apis' || r.spec.key === 'namedValues' || r.spec.key === 'policyFragments') {
      properties.provisioningState = r.provisioningReads > 0 ? 'InProgress' : 'Succeeded';
    }
    return { id: r.id, type: r.spec.type, name: r.names.at(-1), properties };
  }

  private policyProperties(service: ServiceRef, properties: Record<string, unknown>, root: string): Record<string, unknown> {
    const format = String(properties.format ?? 'xml');
    if (!['rawxml', 'xml'].includes(format)) throw validation(`Format '${format}' is not supported here.`, 'format');
    if (typeof properties.value !== 'string') throw validation("'value' is required.", 'value');
    const value = format === 'xml' ? properties.value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : properties.value;
    if (!value.trimStart().startsWith(root)) throw validation(`The document must start with ${root}.`, 'representation');
    const refs = policyReferences(value);
    const displayNames = new Set([...this.resources.values()].filter((x) => x.spec.key === 'namedValues' && x.service.service === service.service).map((x) => String(x.properties.displayName).toLowerCase()));
    for (const nv of refs.namedValues) if (!displayNames.has(nv.toLowerCase())) throw validation(`Cannot find a property '${nv}'.`, 'representation');
    for (const f of refs.fragments) if (!this.find(service, kind('policyFragments'), [f])) throw validation(`Policy fragment with id '${f}' could not be found.`, 'representation');
    for (const b of refs.backends) if (!this.find(service, kind('backends'), [b])) throw validation(`Backend with id '${b}' could not be found.`, 'representation');
    for (const c of refs.certificates) if (!this.find(service, kind('certificates'), [c])) throw validation(`Certificate with id '${c}' could not be found.`, 'representation');
    return { format: 'rawxml', value };
  }

  /** The parent must exist and be visible with this api-version (2024-05-01 does not see MCP APIs). */
  private requireParent(service: ServiceRef, spec: KindSpec, names: readonly string[], apiVersion: string): void {
    if (names.length < 2) return;
    const parentPattern = spec.pattern.slice(0, -2);
    const parent = KINDS.find((k) => k.pattern.length === parentPattern.length && k.pattern.every((s, i) => s === parentPattern[i]));
    const found = parent && this.find(service, parent, names.slice(0, -1));
    if (parent && (!found || !this.visible(found, apiVersion))) throw notFound(`${parent.type.split('/').pop()} '${names.slice(0, -1).join('/')}'`);
  }

  /** A full ARM id, or `/apis/x`-style relative id, resolved to a resource of the service. */
  private resolveId(service: ServiceRef, id: string, kindKey: string): StoredResource | undefined {
    const spec = kind(kindKey);
    const m = new RegExp(`/${spec.pattern[0]}/([^/]+)$`, 'i').exec(id);
    if (!m) return undefined;
    const r = this.find(service, spec, [decodeURIComponent(m[1]!)]);
    if (!r) return undefined;
    return id.startsWith('/subscriptions/') && id.toLowerCase() !== r.id.toLowerCase() ? undefined : r;
  }

  /**
   * APIM moves a logger's instrumentation key into a secret named value and shows only a
   * reference to it; the same happens here, so the deploy must treat credentials as write-only.
   */
  private storeLoggerCredentials(logger: StoredResource, credentials: Record<string, unknown> | undefined): void {
    const previous = logger.secret as { namedValue: string; key: string } | undefined;
    if (credentials && Object.keys(credentials).length > 0) {
      const nvName = previous?.namedValue ?? `Logger-Credentials--${(++this.#loggerCredentialIds).toString(16).padStart(24, '0')}`;
      const key = Object.keys(credentials)[0]!;
      this.commit(logger.service, kind('namedValues'), [nvName], { properties: { displayName: nvName, secret: true, tags: [] }, secret: String(credentials[key]) }, logger.writtenWith);
      logger.secret = { namedValue: nvName, key };
    }
    const current = logger.secret as { namedValue: string; key: string } | undefined;
    if (current) logger.properties.credentials = { [current.key]: `{{${current.namedValue}}}` };
  }
}

function isPolicyLike(r: StoredResource): boolean {
  return ['apiPolicies', 'operationPolicies', 'policies', 'policyFragments'].includes(r.spec.key);
}
