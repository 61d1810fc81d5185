/**
 * A small real REST service on loopback for the bridging tests: stock levels and reservations,
 * JSON in and out, and a record of every request exactly as it arrived (raw path included).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  /** The request target as sent, percent-encoding untouched. */
  readonly rawUrl: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface InventoryRest {
  readonly url: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

function reply(res: import('node:http').ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startInventoryRest(): Promise<InventoryRest> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rawUrl = req.url ?? '/';
      seen.push({ method: req.method ?? '', rawUrl, headers: req.headers, body });
      const url = new URL(rawUrl, 'http://x');
      const stock = /^\/api\/v2\/stock\/([^/]+)$/.exec(url.pathname);
      const reservations = /^\/api\/v2\/stock\/([^/]+)\/reservations$/.exec(url.pathname);
      if (req.method === 'GET' && stock) {
        const sku = decodeURIComponent(stock[1]!);
        if (sku === 'NOPE') return reply(res, 404, { error: `unknown sku ${sku}` });
        return reply(res, 200, { sku, warehouse: url.searchParams.get('warehouse'), onHand: 12 });
      }
      if (req.method === 'POST' && reservations) {
        const order = JSON.parse(body) as { quantity: number };
        return reply(res, 201, { reservation: 'r-1', sku: decodeURIComponent(reservations[1]!), quantity: order.quantity });
      }
      reply(res, 404, { error: `no route ${req.method} ${url.pathname}` });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
