import type { Command } from 'commander';
import { mintToken } from '../runtime/identity/mint.ts';
import { tenantUrls } from '../runtime/identity/entra.ts';
import { parseDuration } from '../traffic/parse.ts';
import { loadConfigFile, reportDiagnostics } from './common.ts';
import { loadOrCreateDevKeys } from './dev-keys.ts';
import { type CliIo, ExitCode } from './io.ts';

interface TokenOptions {
  role: string[];
  agent: string;
  claims?: string;
  expiresIn: string;
  authority?: string;
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('token')
    .description("Mint a dev token for the local identity provider (for curl or an MCP client against `mcp-apim serve`).")
    .argument('<config>', 'the mcp-apim config file (issuer, audience and tenant come from it)')
    .requiredOption('-r, --role <role>', 'app role to put in the roles claim (repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('-a, --agent <id>', 'value of the agent claim (identity.agentClaim)', 'dev-agent')
    .option('--claims <json>', 'more claims as a JSON object, merged last; null removes a default claim')
    .option('--expires-in <duration>', 'lifetime, e.g. 1h, 30m, 90s', '1h')
    .option('--authority <origin>', 'issuer authority, e.g. the local gateway http://127.0.0.1:8080 (default: the config\'s identity.authority)')
    .addHelpText('after', `
The token is signed with the dev key in .mcp-apim/keys.json (created on first use, git-ignored).
Only the local emulator and \`mcp-apim serve\` trust it; Azure never does.
Example:
  curl -H "Authorization: Bearer $(mcp-apim token mcp-gateway.yaml --role MCP.Tools.Read --agent agent-1)" …`)
    .action((configPath: string, options: TokenOptions) => {
      const loaded = loadConfigFile(configPath, io);
      if (!loaded.config) {
        reportDiagnostics(loaded.diagnostics, loaded.sources, io);
        return setExit(ExitCode.usage);
      }
      const lifetimeMs = parseDuration(options.expiresIn);
      if (lifetimeMs === undefined || lifetimeMs <= 0) {
        io.stderr(`mcp-apim token: --expires-in must be a duration such as 1h, 30m or 90s, not ${JSON.stringify(options.expiresIn)}\n`);
        return setExit(ExitCode.usage);
      }
      let extra: Record<string, unknown> = {};
      if (options.claims !== undefined) {
        try {
          const parsed: unknown = JSON.parse(options.claims);
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          extra = parsed as Record<string, unknown>;
        } catch (error) {
          io.stderr(`mcp-apim token: --claims must be a JSON object (${(error as Error).message})\n`);
          return setExit(ExitCode.usage);
        }
      }
      const config = loaded.config;
      const unknown = options.role.filter((r) => !config.roles.some((x) => x.value === r));
      if (unknown.length > 0) io.stderr(`warning: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a role' : 'are not roles'} of this config; the gateway will refuse such a caller\n`);
      let keys: ReturnType<typeof loadOrCreateDevKeys>;
      try {
        keys = loadOrCreateDevKeys(io.cwd);
      } catch (error) {
        io.stderr(`mcp-apim token: ${(error as Error).message}\n`);
        return setExit(ExitCode.usage);
      }
      const issuer = tenantUrls(options.authority ?? config.identity.authority, config.identity.tenantId).issuerV2;
      const token = mintToken(
        keys,
        { issuer, audience: config.identity.audiences[0]!, tenantId: config.identity.tenantId, now: Math.floor(Date.now() / 1000), lifetime: Math.floor(lifetimeMs / 1000) },
        { claims: { roles: options.role, [config.identity.agentClaim]: options.agent, ...extra } },
      );
      io.stdout(`${token}\n`);
    });
}
