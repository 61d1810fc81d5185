/**
 * The Microsoft Graph v1.0 shapes mcp-apim reads and writes (reference/deploy.md §5). Only the
 * members the tool uses are typed; everything else Graph sends is kept as it came.
 */

/** An entry of `application.appRoles`. `origin` is read-only and never sent back. */
export interface AppRole {
  readonly id: string;
  readonly value: string;
  readonly displayName: string;
  readonly description: string;
  readonly allowedMemberTypes: readonly string[];
  readonly isEnabled: boolean;
  readonly origin?: string;
}

export interface Application {
  /** The object id (what PATCH addresses). */
  readonly id: string;
  /** The application (client) id. */
  readonly appId: string;
  readonly displayName?: string;
  readonly appRoles: readonly AppRole[];
}

export interface ServicePrincipal {
  readonly id: string;
  readonly appId: string;
  readonly displayName: string;
  /** `Application`, `ManagedIdentity`, `Legacy` or `SocialIdp`. */
  readonly servicePrincipalType?: string;
}

export interface AppRoleAssignment {
  /** Opaque (not a GUID). */
  readonly id: string;
  readonly appRoleId: string;
  readonly principalId: string;
  readonly principalDisplayName?: string | null;
  readonly principalType?: string;
  readonly resourceId: string;
}

/** The app role id that means "default access" (no role); never managed by mcp-apim. */
export const DEFAULT_ACCESS_ROLE_ID = '00000000-0000-0000-0000-000000000000';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
