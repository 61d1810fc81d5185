import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { upstream } from '../../src/gateway/upstream.ts';
import { headersFrom, PolicyFailure } from '../../src/runtime/types.ts';
import { hasOpenssl, makeTestCertificates } from '../support/certificates.ts';

describe('the upstream backend port (undici)', () => {
  it('sends the policy-made request without hop-by-hop headers; buffers or streams the answer as asked', async () => {
    const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      seen.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain', connection: 'keep-alive', 'x-kept': 'yes' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp?x=1`;
    const port = upstream();
    try {
      const headers = headersFrom({ 'content-type': 'application/json', 'accept-encoding': 'gzip', connection: 'close', 'transfer-encoding': 'chunked', host: 'gateway.example', 'x-mcp-apim-agent': 'a1' });
      const whole = await port.backend(new AbortController().signal)({ method: 'POST', url, headers, body: '{"a":1}' });
      assert.equal(whole.body, 'one,two');
      assert.equal(whole.stream, undefined);
      assert.equal(whole.headers.get('x-kept')?.[0], 'yes');
      assert.equal(whole.headers.has('connection'), false);
      assert.equal(seen[0]!.body, '{"a":1}');
      assert.equal(seen[0]!.headers.host, new URL(url).host);
      assert.equal(seen[0]!.headers['x-mcp-apim-agent'], 'a1');
      assert.equal(seen[0]!.headers['accept-encoding'], undefined, 'a buffered body is asked for uncompressed');

      const streamed = await port.backend(new AbortController().signal)({ method: 'POST', url, headers, body: '{}', streamResponse: true });
      assert.equal(streamed.body, '');
      assert.ok(streamed.stream);
      assert.equal(seen[1]!.headers['accept-encoding'], 'gzip', 'a stream passes through as the server sends it');
      let text = '';
      for await (const chunk of streamed.stream) text += Buffer.from(chunk).toString();
      assert.equal(text, 'one,two');
    } finally {
      port.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it('fails as APIM names it: BackendConnectionFailure, or ClientConnectionFailure when the client left first', async () => {
    const dead = createServer();
    dead.listen(0, '127.0.0.1');
    await once(dead, 'listening');
    const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/mcp`;
    dead.close();
    const port = upstream();
    try {
      const refused = await port.backend(new AbortController().signal)({ method: 'POST', url, headers: headersFrom({}), body: '{}' }).catch((e: unknown) => e);
      assert.ok(refused instanceof PolicyFailure);
      assert.equal(refused.reason, 'BackendConnectionFailure');
      assert.equal(refused.source, 'forward-request');
      const gone = new AbortController();
      gone.abort();
      const aborted = await port.backend(gone.signal)({ method: 'GET', url, headers: headersFrom({}), body: undefined }).catch((e: unknown) => e);
      assert.ok(aborted instanceof PolicyFailure);
      assert.equal(aborted.reason, 'ClientConnectionFailure');
    } finally {
      port.close();
    }
  });

  it('passes an event stream on as its events come, after a quiet start', async () => {
    let send: ((text: string) => void) | undefined;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      send = (text) => res.write(text);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = upstream();
    try {
      const answer = await port.backend(new AbortController().signal)({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, headers: headersFrom({ accept: 'text/event-stream' }), body: undefined, streamResponse: true });
      assert.equal(answer.status, 200);
      assert.equal(answer.reason, 'OK');
      const events = answer.stream![Symbol.asyncIterator]();
      await new Promise((r) => setTimeout(r, 300));
      send!('data: one\n\n');
      assert.equal(Buffer.from((await events.next()).value as Uint8Array).toString(), 'data: one\n\n');
    } finally {
      port.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it('refuses an https upstream whose certificate is not trusted: BackendConnectionFailure, nothing sent', { skip: hasOpenssl() ? false : 'openssl is not installed, so no test certificate can be made' }, async () => {
    const certs = makeTestCertificates();
    let reached = false;
    const server = createHttpsServer({ cert: certs.read(certs.serverCert), key: certs.read(certs.serverKey) }, (_req, res) => {
      reached = true;
      res.end('{}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = upstream();
    try {
      const failed = await port.backend(new AbortController().signal)({ method: 'POST', url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, headers: headersFrom({}), body: '{}' }).catch((e: unknown) => e);
      assert.ok(failed instanceof PolicyFailure);
      assert.equal(failed.reason, 'BackendConnectionFailure');
      assert.equal(reached, false);
    } finally {
      port.close();
      server.close();
      certs.cleanup();
    }
  });
});
