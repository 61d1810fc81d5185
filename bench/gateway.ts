/**
 * Gateway benchmark (issue 5): `mcp-apim serve` in front of a real MCP server (the SDK's
 * McpServer over Streamable HTTP, stateful session, SSE answers) against the same server called
 * directly, in one run: the latency a tools/call gains through the gateway (p50, p99) at a fixed
 * moderate rate and at the target rate, and the maximum tools/call throughput either way. The server and the gateway
 * each run in their own worker thread, the load generator in the main thread, so the gateway
 * does not share an event loop with what measures it. Each call carries a different agent's
 * token (the gateway validates every one; no agent reaches its rate limit).
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Latency is measured at a moderate rate and at the issue's target rate (500/s, p99 added ≤ 2 ms). */
const RATES = [100, 500];
const LATENCY_SECONDS = 6;
const THROUGHPUT_SECONDS = 3;
const CONCURRENCY = 32;
const AGENTS = 1000;
const CALL = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notes.read', arguments: { id: 'n1' } } });

interface Target {
  readonly url: string;
  readonly session: string;
}

/** Worker side: `upstream` starts the MCP server, `gateway` starts mcp-apim serve in front of it and mints the agents' tokens. */
async function worker(role: 'upstream' | 'gateway', data: { upstream?: string }): Promise<unknown> {
  if (role === 'upstream') {
    const { startNotesServer } = await import('../test/e2e/support/notes-server.ts');
    return { url: (await startNotesServer()).url };
  }
  const [{ startGateway }, { generateDevKeys }, support] = await Promise.all([import('../src/gateway/server.ts'), import('../src/runtime/identity/keys.ts'), import('../test/gateway/support.ts')]);
  const keys = generateDevKeys();
  const { gateway, diagnostics } = await startGateway({ config: support.notesConfig(), upstream: data.upstream!, keys, port: 0 });
  if (!gateway) throw new Error(JSON.stringify(diagnostics));
  const tokens = Array.from({ length: AGENTS }, (_, i) => support.devToken(keys, gateway.issuer, { claims: { roles: ['Notes.Admin'], azp: `bench-agent-${i}` } }));
  return { url: gateway.mcpUrl, tokens };
}

if (!isMainThread && workerData?.benchRole) {
  worker(workerData.benchRole, workerData).then((value) => parentPort!.postMessage(value));
  // The thread's own CPU time, so the gateway's cost per call is known apart from the machine's load.
  parentPort!.on('message', () => {
    const { user, system } = process.threadCpuUsage();
    parentPort!.postMessage((user + system) / 1000);
  });
}

async function threadCpuMs(w: Worker): Promise<number> {
  w.postMessage('cpu');
  const [ms] = (await once(w, 'message')) as [number];
  return ms;
}

/**
 * The same-run baseline for the gateway's own cost: the pure runtime (route, policies, token
 * validation, expression engine) answering the same tools/call with a stub backend, in process,
 * no HTTP at all. What the gateway thread spends beyond it is the node:http adapter.
 */
async function runtimeOnly(calls: number): Promise<number> {
  const [{ compileConfig }, { buildDeployment, policiesFromFiles }, { generateDevKeys }, { tenantUrls }, { headersFrom }, emulator, support] = await Promise.all([
    import('../src/emit/compile.ts'),
    import('../src/runtime/deployment.ts'),
    import('../src/runtime/identity/keys.ts'),
    import('../src/runtime/identity/entra.ts'),
    import('../src/runtime/types.ts'),
    import('../src/traffic/emulator-ports.ts'),
    import('../test/gateway/support.ts'),
  ]);
  const config = support.notesConfig();
  const deployment = buildDeployment(config.api.path, policiesFromFiles(compileConfig(config).files)).deployment!;
  const keys = generateDevKeys();
  const target = emulator.replayTarget(config);
  const base = emulator.emulatorPorts({ now: Date.now, newId: () => 'bench', identity: target.identity, api: target.api, keys });
  const documents = new Map<string, unknown>();
  const ports = {
    ...base,
    fetchJson: async (url: string) => documents.get(url) ?? documents.set(url, await base.fetchJson(url)).get(url),
    backend: async () => ({ status: 200, headers: headersFrom({ 'content-type': 'application/json' }), body: '{"jsonrpc":"2.0","id":1,"result":{}}' }),
  };
  const issuer = tenantUrls(config.identity.authority, config.identity.tenantId).issuerV2;
  const requests = Array.from({ length: 200 }, (_, i) => ({ method: 'POST', path: '/mcp', url: 'http://127.0.0.1/mcp', headers: headersFrom({ 'content-type': 'application/json', authorization: `Bearer ${support.devToken(keys, issuer, { claims: { roles: ['Notes.Admin'], azp: `runtime-agent-${i}` } })}` }), body: CALL }));
  for (let i = 0; i < 200; i++) await emulator.runRequest(deployment, target.api, requests[i]!, ports);
  const start = process.threadCpuUsage();
  for (let i = 0; i < calls; i++) {
    const r = await emulator.runRequest(deployment, target.api, requests[i % requests.length]!, ports);
    if (r.status !== 200) throw new Error(`runtime baseline answered ${r.status}`);
  }
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

async function startWorker<T>(role: string, data: Record<string, unknown> = {}): Promise<{ value: T; worker: Worker }> {
  const w = new Worker(new URL(import.meta.url), { workerData: { benchRole: role, ...data } });
  const [value] = (await once(w, 'message')) as [T];
  return { value, worker: w };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
let calls = 0;

/** One tools/call, read to the end (the server answers with an SSE stream); resolves to its status. */
function post(target: Target, tokens: readonly string[], body = CALL, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const token = tokens[calls++ % tokens.length]!;
  return new Promise((resolve, reject) => {
    const req = request(target.url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, 'mcp-protocol-version': '2025-11-25', ...(target.session ? { 'mcp-session-id': target.session } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens an MCP session on the target (initialize, then initialized). */
async function session(url: string, tokens: readonly string[]): Promise<Target> {
  const init = await post({ url, session: '' }, tokens, JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }));
  const id = init.headers['mcp-session-id'];
  if (init.status !== 200 || typeof id !== 'string') throw new Error(`initialize through ${url}: ${init.status} ${init.body}`);
  await post({ url, session: id }, tokens, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  return { url, session: id };
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

/** Open loop at a fixed rate; each latency counts from when the call was due, so a stall is not hidden. */
async function latency(target: Target, tokens: readonly string[], rate: number, seconds: number): Promise<{ p50: number; p99: number; failed: number }> {
  const total = rate * seconds;
  const start = performance.now() + 20;
  const samples: number[] = [];
  let failed = 0;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    if (due > performance.now() + 1) await sleepUntil(due);
    pending.push(
      post(target, tokens).then((r) => {
        if (r.status !== 200) failed++;
        samples.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  samples.sort((a, b) => a - b);
  return { p50: +percentile(samples, 50).toFixed(2), p99: +percentile(samples, 99).toFixed(2), failed };
}

/** Closed loop: CONCURRENCY callers, each sending its next call when the last one ends. */
async function throughput(target: Target, tokens: readonly string[], seconds: number): Promise<{ perSecond: number; done: number; failed: number }> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let failed = 0;
  const caller = async () => {
    while (performance.now() < end) {
      const r = await post(target, tokens);
      if (r.status === 200) done++;
      else failed++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, caller));
  return { perSecond: Math.round(done / ((performance.now() - started) / 1000)), done, failed };
}

export default async function run(): Promise<Record<string, unknown>> {
  const upstream = await startWorker<{ url: string }>('upstream');
  const gatewayWorker = await startWorker<{ url: string; tokens: string[] }>('gateway', { upstream: upstream.value.url });
  const { tokens } = gatewayWorker.value;
  try {
    const direct = await session(upstream.value.url, tokens);
    const gateway = await session(gatewayWorker.value.url, tokens);
    // Warm both paths (JIT, connection pools, the expression engine's caches) before measuring.
    await latency(direct, tokens, RATES[0]!, 1);
    await latency(gateway, tokens, RATES[0]!, 1);
    const latencies = [];
    for (const rate of RATES) {
      // Each path first runs a second at this rate: what is measured is the steady state (the
      // connection pools grown to what the rate needs, the code paths it takes compiled).
      await latency(direct, tokens, rate, 1);
      const d = await latency(direct, tokens, rate, LATENCY_SECONDS);
      await latency(gateway, tokens, rate, 1);
      const g = await latency(gateway, tokens, rate, LATENCY_SECONDS);
      const row = { ratePerSecond: rate, seconds: LATENCY_SECONDS, direct: d, gateway: g, addedP50Ms: +(g.p50 - d.p50).toFixed(2), addedP99Ms: +(g.p99 - d.p99).toFixed(2), failed: d.failed + g.failed };
      latencies.push(row);
      console.log(`gateway latency at ${rate}/s: direct p50 ${d.p50} ms p99 ${d.p99} ms; through the gateway p50 ${g.p50} ms p99 ${g.p99} ms; added p50 ${row.addedP50Ms} ms, p99 ${row.addedP99Ms} ms${rate === 500 ? ' (target ≤ 2 ms)' : ''}${row.failed ? `; ${row.failed} calls failed` : ''}`);
    }
    const throughputDirect = await throughput(direct, tokens, THROUGHPUT_SECONDS);
    const cpuBefore = await threadCpuMs(gatewayWorker.worker);
    const throughputGateway = await throughput(gateway, tokens, THROUGHPUT_SECONDS);
    const gatewayCpuPerCall = ((await threadCpuMs(gatewayWorker.worker)) - cpuBefore) / (throughputGateway.done + throughputGateway.failed);
    const runtimeCpuPerCall = await runtimeOnly(1000);
    const result = {
      upstream: 'MCP SDK McpServer, Streamable HTTP, stateful session, SSE answers',
      latency: latencies,
      targetAddedP99MsAt500: 2,
      throughput: {
        concurrency: CONCURRENCY,
        seconds: THROUGHPUT_SECONDS,
        directPerSecond: throughputDirect.perSecond,
        gatewayPerSecond: throughputGateway.perSecond,
        ratio: +(throughputGateway.perSecond / throughputDirect.perSecond).toFixed(2),
        targetRatio: 0.5,
        failed: throughputDirect.failed + throughputGateway.failed,
      },
      cpuPerCall: {
        gatewayThreadMs: +gatewayCpuPerCall.toFixed(3),
        runtimeOnlyMs: +runtimeCpuPerCall.toFixed(3),
        adapterMs: +(gatewayCpuPerCall - runtimeCpuPerCall).toFixed(3),
      },
    };
    const t = result.throughput;
    console.log(`gateway throughput (tools/call, ${CONCURRENCY} concurrent callers): direct ${t.directPerSecond}/s, through the gateway ${t.gatewayPerSecond}/s = ${Math.round(t.ratio * 100)} % of direct (target ≥ 50 %)${t.failed ? `; ${t.failed} calls failed` : ''}`);
    const c = result.cpuPerCall;
    console.log(`gateway CPU per tools/call: ${c.gatewayThreadMs} ms in the gateway thread, of which the runtime alone (policies, token, expressions; no HTTP) ${c.runtimeOnlyMs} ms and the node:http adapter ${c.adapterMs} ms`);
    return result;
  } finally {
    agent.destroy();
    await upstream.worker.terminate();
    await gatewayWorker.worker.terminate();
  }
}
