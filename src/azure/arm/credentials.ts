/**
 * Which Azure credential the deploy uses (reference/deploy.md §6):
 *
 * - `auto` (default): `AzurePipelinesCredential` when the service connection's variables
 *   (AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, _CLIENT_ID, _TENANT_ID, set by AzureCLI@2) and
 *   SYSTEM_ACCESSTOKEN are present; otherwise `AzureCliCredential`, then `DefaultAzureCredential`.
 * - `pipelines`, `cli`, `default`: that one only.
 * - `token`: an ARM bearer token handed over in AZURE_ACCESS_TOKEN (as some pipelines do).
 *
 * Nothing here asks for a token: the first ARM request does, and a failure there becomes one
 * MA8010 line (errors.ts), never a stack trace.
 */
import { type AccessToken, AzureCliCredential, AzurePipelinesCredential, ChainedTokenCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { type Diagnostic, diagnostic } from '../../diagnostics/index.ts';

export const CREDENTIAL_CHOICES = ['auto', 'pipelines', 'cli', 'default', 'token'] as const;
export type CredentialChoice = (typeof CREDENTIAL_CHOICES)[number];

/** Set by AzureCLI@2 (the first three), mapped by the pipeline (SYSTEM_ACCESSTOKEN), and by the agent (SYSTEM_OIDCREQUESTURI). */
export const PIPELINE_VARIABLES = ['AZURESUBSCRIPTION_SERVICE_CONNECTION_ID', 'AZURESUBSCRIPTION_CLIENT_ID', 'AZURESUBSCRIPTION_TENANT_ID', 'SYSTEM_ACCESSTOKEN', 'SYSTEM_OIDCREQUESTURI'] as const;

export type CredentialResult = { readonly credential: TokenCredential; readonly name: string } | { readonly error: Diagnostic };

type Env = Readonly<Record<string, string | undefined>>;

/** A token handed over as is; its lifetime is read from the JWT's `exp` when there is one. */
export function staticTokenCredential(token: string, now = Date.now()): TokenCredential {
  let expiresOnTimestamp = now + 3_600_000;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    if (typeof payload.exp === 'number') expiresOnTimestamp = payload.exp * 1000;
  } catch {
    // Not a JWT: ARM will say whether it accepts it.
  }
  return { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp }) };
}

export function chooseCredential(choice: CredentialChoice, env: Env, authorityHost: string): CredentialResult {
  try {
    return choose(choice, env, authorityHost);
  } catch (error) {
    // Credentials check their environment when constructed (AzurePipelinesCredential reads SYSTEM_OIDCREQUESTURI).
    return { error: diagnostic('MA8010', `the ${choice} credential cannot be used here: ${(error as Error).message}`) };
  }
}

function choose(choice: CredentialChoice, env: Env, authorityHost: string): CredentialResult {
  const present = (name: string) => (env[name] ?? '').trim() !== '';
  const pipelines = () =>
    new AzurePipelinesCredential(env.AZURESUBSCRIPTION_TENANT_ID!, env.AZURESUBSCRIPTION_CLIENT_ID!, env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID!, env.SYSTEM_ACCESSTOKEN!, { authorityHost });
  switch (choice) {
    case 'token': {
      const token = env.AZURE_ACCESS_TOKEN?.trim();
      if (!token) return { error: diagnostic('MA8011', '--credential token needs an ARM access token in the AZURE_ACCESS_TOKEN environment variable, and it is empty or not set', undefined, 'e.g. AZURE_ACCESS_TOKEN=$(az account get-access-token --query accessToken -o tsv)') };
      return { credential: staticTokenCredential(token.replace(/^Bearer\s+/i, '')), name: 'access token from AZURE_ACCESS_TOKEN' };
    }
    case 'pipelines': {
      const missing = PIPELINE_VARIABLES.filter((v) => !present(v));
      if (missing.length > 0) {
        return { error: diagnostic('MA8010', `--credential pipelines needs ${missing.join(', ')} in the environment`, undefined, 'run inside AzureCLI@2 with a workload-identity service connection and map SYSTEM_ACCESSTOKEN: $(System.AccessToken) (docs/ci.md)') };
      }
      return { credential: pipelines(), name: 'AzurePipelinesCredential' };
    }
    case 'cli':
      return { credential: new AzureCliCredential(), name: 'AzureCliCredential' };
    case 'default':
      return { credential: new DefaultAzureCredential({ authorityHost }), name: 'DefaultAzureCredential' };
    case 'auto':
      if (PIPELINE_VARIABLES.every(present)) return { credential: pipelines(), name: 'AzurePipelinesCredential' };
      return { credential: new ChainedTokenCredential(new AzureCliCredential(), new DefaultAzureCredential({ authorityHost })), name: 'AzureCliCredential, then DefaultAzureCredential' };
  }
}
