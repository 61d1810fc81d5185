/**
 * What each kind of Graph call needs (reference/deploy.md §5), so a 403 names the permission to
 * grant rather than leaving the engineer to search for it. docs/roles.md has the same table.
 */
export type GraphOperation = 'read-application' | 'update-application' | 'read-principals' | 'read-assignments' | 'write-assignments';

export const REQUIRED_PERMISSIONS: Readonly<Record<GraphOperation, string>> = {
  'read-application': 'Application.Read.All (or Application.ReadWrite.OwnedBy for an app registration the identity owns)',
  'update-application': 'Application.ReadWrite.OwnedBy with the identity an owner of the app registration, or Application.ReadWrite.All',
  'read-principals': 'Application.Read.All',
  'read-assignments': 'Application.Read.All',
  'write-assignments': 'AppRoleAssignment.ReadWrite.All together with Application.Read.All',
};

/** The sentence a forbidden call ends with. */
export function permissionHint(operation: GraphOperation): string {
  return (
    `the identity needs the Microsoft Graph application permission ${REQUIRED_PERMISSIONS[operation]}, granted with admin consent ` +
    '(a user signed in with --device-code needs the same delegated permissions and must own the app registration or hold the Cloud Application Administrator role); see docs/roles.md'
  );
}
