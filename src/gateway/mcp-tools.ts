/**
 * Lists a live MCP server's tools with the SDK's real client over Streamable HTTP, following
 * every page of `tools/list`. Failures come back as diagnostics a user can act on: cannot
 * connect, credentials refused, or a server whose listing is broken.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type Diagnostic, diagnostic } from '../diagnostics/index.ts';

/** A page cap that no real catalog reaches; beyond it the server is paging in circles. */
const MAX_PAGES = 1000;

export type ListedTool = Readonly<Record<string, unknown>> & { readonly name: string };

function describe(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : (e.message ?? String(error));
}

export async function listServerTools(url: URL, headers: Readonly<Record<string, string>>): Promise<{ tools?: ListedTool[]; diagnostics: Diagnostic[] }> {
  const client = new Client({ name: 'mcp-apim', version: '0.1.0' });
  const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...headers } } });
  const refused = (error: unknown) => error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403);
  try {
    await client.connect(transport);
  } catch (error) {
    await client.close().catch(() => {});
    if (refused(error)) return { diagnostics: [diagnostic('MA9111', `${url.href} refused the request (HTTP ${(error as StreamableHTTPError).code}); give credentials with -H "Authorization: Bearer <token>"`)] };
    return { diagnostics: [diagnostic('MA9110', `cannot open an MCP session with ${url.href}: ${describe(error)}`)] };
  }
  try {
    const tools: ListedTool[] = [];
    const cursors = new Set<string>();
    let cursor: string | undefined;
    for (let page = 1; ; page++) {
      const result = await client.listTools(cursor === undefined ? undefined : { cursor });
      tools.push(...(result.tools as ListedTool[]));
      cursor = result.nextCursor;
      if (cursor === undefined) break;
      if (cursors.has(cursor) || page >= MAX_PAGES) return { diagnostics: [diagnostic('MA9112', `tools/list of ${url.href} pages in a circle (cursor ${JSON.stringify(cursor)} came back after ${page} pages)`)] };
      cursors.add(cursor);
    }
    const names = new Set<string>();
    for (const t of tools) {
      if (names.has(t.name)) return { diagnostics: [diagnostic('MA9112', `tools/list of ${url.href} lists the tool ${JSON.stringify(t.name)} twice`)] };
      names.add(t.name);
    }
    return { tools, diagnostics: [] };
  } catch (error) {
    if (refused(error)) return { diagnostics: [diagnostic('MA9111', `${url.href} refused tools/list (HTTP ${(error as StreamableHTTPError).code}); give credentials with -H "Authorization: Bearer <token>"`)] };
    return { diagnostics: [diagnostic('MA9112', `tools/list of ${url.href} failed: ${describe(error)}`)] };
  } finally {
    // End the session politely; a server without sessions may refuse DELETE, which changes nothing.
    await transport.terminateSession().catch(() => {});
    await client.close().catch(() => {});
  }
}
