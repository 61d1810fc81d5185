import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { jwks, parseDevKeys } from '../../src/runtime/identity/keys.ts';
import { runCli } from '../support/cli.ts';

const example = resolve('fixtures/example/mcp-gateway.yaml');

describe('mcp-apim token', () => {
  it('mints a token for the config that verifies with the dev JWKS, creating the keys on first use', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-token-'));
    const r = await runCli(['token', example, '--role', 'MCP.Tools.Read', '--role', 'MCP.Tools.Write', '--agent', 'agent-7', '--expires-in', '30m'], { cwd });
    assert.equal(r.code, 0, r.stderr);
    const token = r.stdout.trim();
    const keys = parseDevKeys(JSON.parse(readFileSync(join(cwd, '.mcp-apim', 'keys.json'), 'utf8')));
    assert.ok(keys);
    assert.equal(readFileSync(join(cwd, '.mcp-apim', '.gitignore'), 'utf8'), '*\n', 'the key folder ignores itself');
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks(keys) as Parameters<typeof createLocalJWKSet>[0]), {
      issuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0',
      audience: 'api://mcp-gateway-prod',
    });
    assert.deepEqual(payload.roles, ['MCP.Tools.Read', 'MCP.Tools.Write']);
    assert.equal(payload.azp, 'agent-7');
    assert.equal(payload.exp! - payload.iat!, 1800);
    const again = await runCli(['token', example, '--role', 'MCP.Admin'], { cwd });
    assert.equal(decodeJwt(again.stdout.trim()).azp, 'dev-agent', 'the same keys are reused');
  });

  it('merges --claims last (null removes a default) and warns about roles the config lacks', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-token-'));
    const r = await runCli(['token', example, '--role', 'Nope', '--claims', '{"tid": null, "oid": "o-1"}'], { cwd });
    assert.equal(r.code, 0);
    const claims = decodeJwt(r.stdout.trim());
    assert.equal('tid' in claims, false);
    assert.equal(claims.oid, 'o-1');
    assert.match(r.stderr, /Nope is not a role of this config/);
  });

  it('refuses bad input with exit 2 and no stack trace', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-apim-token-'));
    for (const args of [['--claims', '[1]'], ['--expires-in', 'soon']]) {
      const r = await runCli(['token', example, '--role', 'MCP.Admin', ...args], { cwd });
      assert.equal(r.code, 2);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.ok(!existsSync(join(cwd, '.mcp-apim')), 'nothing is created when the input is refused');
    mkdirSync(join(cwd, '.mcp-apim'));
    writeFileSync(join(cwd, '.mcp-apim', 'keys.json'), '{broken');
    const damaged = await runCli(['token', example, '--role', 'MCP.Admin'], { cwd });
    assert.equal(damaged.code, 2);
    assert.match(damaged.stderr, /damaged; delete it/);
    assert.ok(existsSync(join(cwd, '.mcp-apim', 'keys.json')), 'a damaged key file is never replaced silently');
  });
});
