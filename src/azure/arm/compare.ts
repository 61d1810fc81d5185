/**
 * Desired-versus-live comparison (reference/deploy.md §7 step 3). Only what the deploy sets is
 * compared: members APIM adds (defaults, read-only fields such as provisioningState) are not
 * drift. Policy XML is compared after APIM's re-serialisation is undone; resource ids are
 * compared case-insensitively, like ARM; order-free arrays are sorted. Write-only members — an
 * API's create-time `apiType`, a logger's credentials (APIM swaps them for a named-value
 * reference) — cannot be read back and so are never compared.
 */
import type { KindName } from './desired.ts';

const WRITE_ONLY: Partial<Record<KindName, readonly string[]>> = {
  api: ['apiType', 'format', 'value', 'wsdlSelector', 'translateRequiredQueryParameters'],
  logger: ['credentials'],
};
const POLICY_KINDS: ReadonlySet<KindName> = new Set(['apiPolicy', 'operationPolicy', 'policyFragment']);
/** Members holding ARM resource ids (case-insensitive). */
const ID_MEMBERS = new Set(['apiId', 'loggerId', 'resourceId', 'sourceApiId', 'apiVersionSetId', 'scopes', 'actionGroups', 'certificateIds']);
/** Arrays whose order means nothing. */
const SET_MEMBERS = new Set(['protocols', 'tags']);

/** Undoes APIM's re-serialisation: line ends, indentation between elements, `<x />` spacing. */
export function canonicalXml(xml: string): string {
  return xml
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/>\s+</g, '><')
    .replace(/\s+\/>/g, '/>')
    .trim();
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);
}

function sameValue(desired: unknown, live: unknown, member: string): boolean {
  if (desired === undefined) return true;
  if (isEmpty(desired) && isEmpty(live)) return true;
  if (typeof desired === 'string') {
    if (typeof live !== 'string') return false;
    return ID_MEMBERS.has(member) ? desired.toLowerCase() === live.toLowerCase() : desired === live;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    if (SET_MEMBERS.has(member)) {
      const key = (x: unknown) => JSON.stringify(x);
      const d = [...desired].map(key).sort();
      const l = [...live].map(key).sort();
      return d.every((x, i) => x === l[i]);
    }
    return desired.every((x, i) => sameValue(x, live[i], member));
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([k, v]) => sameValue(v, (live as Record<string, unknown>)[k], k));
  }
  return desired === live;
}

/** The top-level members whose live value differs from the desired one (empty: unchanged). */
export function changedMembers(kind: KindName, desired: Readonly<Record<string, unknown>>, live: Readonly<Record<string, unknown>>): string[] {
  const skip = new Set(WRITE_ONLY[kind] ?? []);
  const changed: string[] = [];
  for (const [member, value] of Object.entries(desired)) {
    if (skip.has(member)) continue;
    if (POLICY_KINDS.has(kind) && member === 'value') {
      if (typeof live.value !== 'string' || canonicalXml(String(value)) !== canonicalXml(live.value)) changed.push(member);
      continue;
    }
    // The policy is always written and read as rawxml; the export format is not state.
    if (POLICY_KINDS.has(kind) && member === 'format') continue;
    if (!sameValue(value, live[member], member)) changed.push(member);
  }
  return changed;
}
