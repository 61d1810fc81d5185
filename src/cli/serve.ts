import { resolve } from 'node:path';
import type { Command } from 'commander';
import { diagnostic, hasErrors } from '../diagnostics/index.ts';
import { startGateway } from '../gateway/server.ts';
import { loadTlsFiles, tlsWarnings } from '../gateway/tls.ts';
import { loadConfigFile, reportDiagnostics } from './common.ts';
import { loadOrCreateDevKeys } from './dev-keys.ts';
import { type CliIo, ExitCode } from './io.ts';

interface ServeOptions {
  readonly upstream?: string;
  readonly restUpstream?: string;
  readonly port: string;
  readonly record?: string;
  readonly trace?: boolean;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly clientCa?: string;
}

/** Resolves when the process is asked to stop (Ctrl-C, or SIGTERM from a supervisor). */
function stopRequested(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function register(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description('Run the compiled policy as a local gateway in front of a real MCP server (loopback only).')
    .argument('<config>', 'the mcp-apim config file (YAML)')
    .option('-u, --upstream <url>', "the MCP server's Streamable HTTP endpoint, e.g. http://127.0.0.1:3000/mcp (required unless every tool is bridged to REST)")
    .option('--rest-upstream <url>', 'the REST service of bridged tools (default: api.restBackend.url of the config)')
    .option('-p, --port <n>', 'port on 127.0.0.1 (0 picks a free one)', '8080')
    .option('--record <file.jsonl>', 'append every exchange to this traffic file (tokens are kept as their claims only)')
    .option('--trace', 'print the policy trace under each request line')
    .option('--tls-cert <cert.pem>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <key.pem>', 'the PEM private key of --tls-cert')
    .option('--client-ca <ca.pem>', 'ask clients for a certificate and trust those issued by these PEM CA certificates (needs --tls-cert)')
    .addHelpText(
      'after',
      `
The gateway compiles the config in memory and runs the very XML that \`mcp-apim compile\` writes,
with two local changes: requests go to --upstream, and tokens are issued by the gateway's own
identity provider (its OpenID configuration and JWKS are served on the same port, signed with
the dev key in .mcp-apim/keys.json). Mint a token for it with --authority set to the gateway:

  mcp-apim serve mcp-gateway.yaml --upstream http://127.0.0.1:3000/mcp --port 8080
  mcp-apim token mcp-gateway.yaml --role MCP.Tools.Read --agent agent-1 --authority http://127.0.0.1:8080

then point an MCP client at http://127.0.0.1:8080/<api.path> with "Authorization: Bearer <token>".

Tools bridged to a REST service (catalog tools with \`backend:\`) are called at api.restBackend.url,
or at --rest-upstream. A config whose every tool is bridged has no MCP server: leave out
--upstream, and the gateway answers initialize and ping itself:

  mcp-apim serve inventory.yaml --rest-upstream http://127.0.0.1:3001 --port 8080

Server-sent events stream through unbuffered; Mcp-Session-Id and MCP-Protocol-Version pass
through; an unreachable upstream is answered as APIM does (500 with an activityId).

Each request prints one line: agent, MCP method, tool, decision, status, time.
With --record, replay the session later as a regression test:

  mcp-apim serve mcp-gateway.yaml --upstream http://127.0.0.1:3000/mcp --record traffic/session.jsonl
  mcp-apim test mcp-gateway.yaml traffic/session.jsonl

Over HTTPS with client certificates (identity.clientCertificates), the way APIM negotiates them:
the handshake accepts any certificate, and the compiled validate-client-certificate decides
(401 "Client certificate missing" / "Invalid client certificate"); a chain that does not end at
--client-ca counts as untrusted:

  mcp-apim serve mcp-gateway.yaml --upstream http://127.0.0.1:3000/mcp \\
      --tls-cert gateway.pem --tls-key gateway-key.pem --client-ca agents-ca.pem
  curl --cacert gateway-ca.pem --cert agent.pem --key agent-key.pem https://127.0.0.1:8080/<api.path> …

Stop with Ctrl-C. Exit codes: 0 stopped, 2 bad config or arguments, port taken, record file not writable.`,
    )
    .action(async (configPath: string, options: ServeOptions) => {
      const loaded = loadConfigFile(configPath, io);
      const problems = [...loaded.diagnostics];
      const httpUrl = (value: string | undefined): URL | undefined => {
        try {
          const url = value === undefined ? undefined : new URL(value);
          return url && ['http:', 'https:'].includes(url.protocol) ? url : undefined;
        } catch {
          return undefined;
        }
      };
      const upstream = httpUrl(options.upstream);
      const needsUpstream = loaded.config ? loaded.config.api.backend !== undefined : true;
      if (options.upstream === undefined && needsUpstream) problems.push(diagnostic('MA9100', '--upstream is required: api.backend names an MCP server for the gateway to forward to'));
      else if (options.upstream !== undefined && !upstream) problems.push(diagnostic('MA9100', `--upstream ${JSON.stringify(options.upstream)} is not an http or https URL`));
      const restUpstream = httpUrl(options.restUpstream);
      if (options.restUpstream !== undefined && !restUpstream) problems.push(diagnostic('MA9100', `--rest-upstream ${JSON.stringify(options.restUpstream)} is not an http or https URL`));
      else if (restUpstream && loaded.config && !loaded.config.api.restBackend) problems.push(diagnostic('MA9100', '--rest-upstream is for tools bridged to REST, and this config has no api.restBackend'));
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port) || port > 65535) problems.push(diagnostic('MA9101', `--port ${JSON.stringify(options.port)} is not a port number (0–65535)`));
      const tls = loadTlsFiles(options, io.cwd);
      problems.push(...tls.diagnostics, ...(loaded.config ? tlsWarnings(loaded.config, tls.tls) : []));
      if (!loaded.config || hasErrors(problems)) {
        reportDiagnostics(problems, loaded.sources, io);
        return setExit(ExitCode.usage);
      }
      let keys: ReturnType<typeof loadOrCreateDevKeys>;
      try {
        keys = loadOrCreateDevKeys(io.cwd);
      } catch (error) {
        io.stderr(`mcp-apim serve: ${(error as Error).message}\n`);
        return setExit(ExitCode.usage);
      }
      const rest = loaded.config.api.restBackend;
      const served = restUpstream && rest ? { ...loaded.config, api: { ...loaded.config.api, restBackend: { ...rest, url: restUpstream.href.replace(/\/+$/, '') } } } : loaded.config;
      const started = await startGateway({
        config: served,
        upstream: upstream?.href ?? '',
        keys,
        port,
        ...(options.record === undefined ? {} : { record: resolve(io.cwd, options.record) }),
        trace: options.trace === true,
        ...(tls.tls ? { tls: tls.tls } : {}),
        log: (line) => io.stdout(`${line}\n`),
      });
      reportDiagnostics([...problems, ...started.diagnostics], loaded.sources, io);
      const gateway = started.gateway;
      if (!gateway) return setExit(ExitCode.usage);
      const config = loaded.config;
      io.stdout(
        [
          `mcp-apim serve: ${config.api.displayName} on ${gateway.mcpUrl} → ${[upstream?.href, served.api.restBackend && `REST ${served.api.restBackend.url}`].filter(Boolean).join(', ')}`,
          `  identity provider: ${gateway.issuer} (tokens: mcp-apim token ${configPath} --role <role> --authority ${gateway.origin})`,
          `  protected resource metadata: ${gateway.origin}/.well-known/oauth-protected-resource/${config.api.path.replace(/^\/+|\/+$/g, '')}`,
          ...(options.record === undefined ? [] : [`  recording to ${options.record}`]),
          ...(options.clientCa === undefined ? [] : [`  client certificates: requested; trusted when issued by ${options.clientCa}`]),
          'agent method tool decision status time',
          '',
        ].join('\n'),
      );
      await stopRequested();
      await gateway.close();
      io.stdout('mcp-apim serve: stopped\n');
    });
}
