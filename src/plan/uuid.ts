import { createHash } from 'node:crypto';

/**
 * The namespace of mcp-apim's app-role ids. Fixed forever: a role's id is
 * UUIDv5(ROLE_ID_NAMESPACE, role value), so the same value always gets the same id, and a role on
 * an app registration whose id matches this formula for its own value is managed by mcp-apim.
 */
export const ROLE_ID_NAMESPACE = '3c1b5f0e-7d2a-5b8e-9f4c-6a0d2e8b1c97';

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function roleId(value: string): string {
  return uuidV5(value, ROLE_ID_NAMESPACE);
}
