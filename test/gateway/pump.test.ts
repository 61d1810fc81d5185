/**
 * src/gateway/pump.ts on real loopback sockets: an upstream answer reaches the client whole
 * (also past the socket's buffers), a broken upstream ends the client's response abruptly, and a
 * client that goes away destroys the upstream answer.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { pump } from '../../src/gateway/pump.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const fetchUpstream = (url: string): Promise<IncomingMessage> => new Promise((resolve, reject) => get(url, resolve).on('error', reject));

/** A gateway-like server that pumps `upstreamUrl`'s answer to its client; `done` settles with the pump. */
async function relay(upstreamUrl: string): Promise<{ url: string; pumped: Promise<IncomingMessage> }> {
  let resolvePumped: (m: IncomingMessage) => void = () => {};
  const pumped = new Promise<IncomingMessage>((r) => (resolvePumped = r));
  const url = await listen(async (_req, res) => {
    const upstream = await fetchUpstream(upstreamUrl);
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    await pump(upstream, res);
    resolvePumped(upstream);
  });
  return { url, pumped };
}

describe('pump', () => {
  it('delivers a 5 MB answer whole, through the sockets\' back-pressure', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const upstreamUrl = await listen((_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 80; i++) res.write(chunk);
      res.end();
    });
    const { url, pumped } = await relay(upstreamUrl);
    const answer = await fetchUpstream(url);
    let bytes = 0;
    for await (const part of answer) bytes += (part as Buffer).length;
    assert.equal(bytes, 80 * chunk.length);
    assert.ok((await pumped).readableEnded);
  });

  it('ends the client\'s response abruptly when the upstream breaks mid-answer', async () => {
    const upstreamUrl = await listen((_req, res) => {
      res.writeHead(200);
      res.write('event: message\ndata: {}\n\n');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { url } = await relay(upstreamUrl);
    const answer = await fetchUpstream(url);
    const outcome = await new Promise<string>((resolve) => {
      answer.on('data', () => {});
      answer.on('end', () => resolve('ended normally'));
      answer.on('error', () => resolve('broken'));
      answer.on('aborted', () => resolve('broken'));
    });
    assert.equal(outcome, 'broken');
  });

  it('destroys the upstream answer when the client goes away', async () => {
    let upstreamClosedEarly: Promise<boolean> = Promise.resolve(false);
    const upstreamUrl = await listen((_req, res) => {
      res.writeHead(200);
      res.write('first\n');
      upstreamClosedEarly = once(res, 'close').then(() => !res.writableFinished);
    });
    const { url, pumped } = await relay(upstreamUrl);
    const answer = await fetchUpstream(url);
    await once(answer, 'data');
    answer.destroy();
    assert.equal((await pumped).destroyed, true);
    assert.equal(await upstreamClosedEarly, true);
  });
});
