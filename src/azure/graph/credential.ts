/**
 * Microsoft Graph tokens from `@azure/identity`, chosen as for deploy: Azure Pipelines workload
 * identity when the service connection's variables are there, else the Azure CLI login, then
 * DefaultAzureCredential; `--credential` forces one. Two more kinds: `token` reads a Graph token
 * from GRAPH_ACCESS_TOKEN (one token cannot serve both ARM and Graph audiences, so it is not
 * AZURE_ACCESS_TOKEN), and `device-code` signs an engineer in at the terminal.
 */
import {
  AzureCliCredential,
  AzurePipelinesCredential,
  ChainedTokenCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';

export const CREDENTIAL_KINDS = ['auto', 'azure-pipelines', 'cli', 'default', 'managed-identity', 'environment', 'device-code', 'token'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** The variables an Azure Pipelines task sets for a workload-identity service connection. */
export const PIPELINES_VARIABLES = ['AZURESUBSCRIPTION_TENANT_ID', 'AZURESUBSCRIPTION_CLIENT_ID', 'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID', 'SYSTEM_ACCESSTOKEN'] as const;
export const TOKEN_VARIABLE = 'GRAPH_ACCESS_TOKEN';

/** No token could be had; the message says which credential and why, in one line. */
export class CredentialError extends Error {}

export interface TokenSourceInit {
  readonly kind: CredentialKind;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `<graph origin>/.default`. */
  readonly scope: string;
  /** The tenant of the app registration (the config's identity.tenantId). */
  readonly tenantId?: string;
  /** Shows the device-code sign-in instructions. */
  readonly prompt: (message: string) => void;
  readonly now?: () => number;
  /** A credential to use instead of the one `kind` names (tests). */
  readonly credential?: TokenCredential;
}

/** Which credential `auto` picks in this environment (and what the others mean), for messages. */
export function resolveKind(kind: CredentialKind, env: Readonly<Record<string, string | undefined>>): Exclude<CredentialKind, 'auto'> | 'cli-then-default' {
  if (kind !== 'auto') return kind;
  return PIPELINES_VARIABLES.every((v) => env[v]) ? 'azure-pipelines' : 'cli-then-default';
}

/**
 * A function that returns a bearer token for `scope`, cached until two minutes before it
 * expires. Throws CredentialError when the credential cannot be built (e.g. a missing variable)
 * or cannot give a token.
 */
export function graphTokenSource(init: TokenSourceInit): () => Promise<string> {
  const kind = resolveKind(init.kind, init.env);
  if (kind === 'token') {
    const token = init.env[TOKEN_VARIABLE]?.trim();
    if (!token) throw new CredentialError(`--credential token reads a Microsoft Graph access token from ${TOKEN_VARIABLE}, which is not set`);
    return () => Promise.resolve(token);
  }
  const credential = init.credential ?? buildCredential(kind, init);
  const now = init.now ?? Date.now;
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  return async () => {
    if (cached && cached.expiresOnTimestamp - 120_000 > now()) return cached.token;
    let got: Awaited<ReturnType<TokenCredential['getToken']>>;
    try {
      got = await credential.getToken(init.scope);
    } catch (error) {
      throw new CredentialError(`the ${kind} credential could not get a token for ${init.scope}: ${firstLine((error as Error).message)}`);
    }
    if (!got) throw new CredentialError(`the ${kind} credential returned no token for ${init.scope}`);
    cached = { token: got.token, expiresOnTimestamp: got.expiresOnTimestamp };
    return got.token;
  };
}

function buildCredential(kind: Exclude<CredentialKind, 'auto' | 'token'> | 'cli-then-default', init: TokenSourceInit): TokenCredential {
  const tenant = init.tenantId ? { tenantId: init.tenantId } : {};
  switch (kind) {
    case 'azure-pipelines': {
      const missing = PIPELINES_VARIABLES.filter((v) => !init.env[v]);
      if (missing.length > 0) throw new CredentialError(`--credential azure-pipelines needs ${missing.join(', ')} (the AzureCLI@2 task exports the AZURESUBSCRIPTION_* variables for a workload-identity service connection; map SYSTEM_ACCESSTOKEN from $(System.AccessToken) in the step's env)`);
      const e = init.env as Record<(typeof PIPELINES_VARIABLES)[number], string>;
      return new AzurePipelinesCredential(e.AZURESUBSCRIPTION_TENANT_ID, e.AZURESUBSCRIPTION_CLIENT_ID, e.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, e.SYSTEM_ACCESSTOKEN);
    }
    case 'cli':
      return new AzureCliCredential(tenant);
    case 'cli-then-default':
      return new ChainedTokenCredential(new AzureCliCredential(tenant), new DefaultAzureCredential());
    case 'default':
      return new DefaultAzureCredential();
    case 'managed-identity':
      return init.env.AZURE_CLIENT_ID ? new ManagedIdentityCredential({ clientId: init.env.AZURE_CLIENT_ID }) : new ManagedIdentityCredential();
    case 'environment':
      return new EnvironmentCredential();
    case 'device-code':
      return new DeviceCodeCredential({
        ...tenant,
        ...(init.env.AZURE_CLIENT_ID ? { clientId: init.env.AZURE_CLIENT_ID } : {}),
        userPromptCallback: (info) => init.prompt(info.message),
      });
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((l) => l.trim().length > 0)?.trim() ?? 'unknown error';
}
