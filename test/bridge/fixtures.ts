/** The REST-bridging fixture (policy mode, no MCP server) and its native-mode variant. */
import { readFileSync } from 'node:fs';

export const FIXTURE = readFileSync('fixtures/bridge/mcp-gateway.yaml', 'utf8');
export const NATIVE_FIXTURE = FIXTURE.replace('    url: https://inventory.internal.contoso.com\n', '    url: https://inventory.internal.contoso.com\n    mode: native\n');
