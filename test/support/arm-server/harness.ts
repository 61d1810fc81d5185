/**
 * Connects the deploy engine (the real `@azure/arm-apimanagement` client, through the deploy's
 * rewriting transport) to a loopback ARM server, with time injected: sleeps are recorded, never
 * waited.
 */
import { createArmConnection, type ArmConnection } from '../../../src/azure/arm/client.ts';
import { type DesiredState, desiredState } from '../../../src/azure/arm/desired.ts';
import type { DeployContext } from '../../../src/azure/arm/plan.ts';
import { modelForConfig } from '../../../src/azure/arm/model.ts';
import type { InfraModel } from '../../../src/emit/infra/model.ts';
import type { Config } from '../../../src/config/types.ts';
import { loadFromDisk } from '../config.ts';
import { type ArmServer, DEFAULT_SERVICE } from './index.ts';

export const FAKE_ORIGIN = 'https://fake-arm.test';
export const TARGET = { subscriptionId: DEFAULT_SERVICE.subscription, resourceGroup: DEFAULT_SERVICE.resourceGroup, serviceName: DEFAULT_SERVICE.service } as const;
export const PARAMETERS = { appInsightsId: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-gateway/providers/Microsoft.Insights/components/ai-gw', appInsightsInstrumentationKey: 'ikey-0123456789-secret' } as const;

/** A credential that hands out a fixed token and counts how often it was asked. */
export function fakeCredential(token = 'test-token') {
  const calls = { count: 0 };
  return {
    calls,
    credential: {
      getToken: async () => {
        calls.count++;
        return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    },
  };
}

export function connect(server: ArmServer, options: { publicOrigin?: string } = {}): ArmConnection {
  // The server hands out URLs on its public origin; the transport maps that origin to the socket.
  const publicOrigin = options.publicOrigin ?? server.publicOrigin;
  return createArmConnection({
    credential: fakeCredential().credential,
    endpoint: { publicOrigin, wireOrigin: server.origin, scope: `${publicOrigin}/.default`, authorityHost: 'https://login.microsoftonline.com' },
    target: TARGET,
  });
}

export interface Harness {
  readonly ctx: DeployContext;
  /** Every sleep the deploy asked for, in ms. */
  readonly sleeps: number[];
  /** Every retry announced: what, status/code, attempt. */
  readonly retries: { what: string; code: string; status?: number; attempt: number }[];
}

export function harness(server: ArmServer, secrets: readonly string[] = [], options: { maxAttempts?: number } = {}): Harness {
  const sleeps: number[] = [];
  const retries: Harness['retries'] = [];
  const ctx: DeployContext = {
    conn: connect(server),
    io: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      pollIntervalMs: 0,
    },
    random: () => 0.5,
    retry: { ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}) },
    secrets,
    onRetry: (what, f, attempt) => retries.push({ what, code: f.code, ...(f.status !== undefined ? { status: f.status } : {}), attempt }),
  };
  return { ctx, sleeps, retries };
}

export function exampleConfig(): Config {
  return loadFromDisk('fixtures/example/mcp-gateway.yaml');
}

export function modelOf(config: Config): InfraModel {
  const { model } = modelForConfig(config);
  if (!model) throw new Error('config did not compile');
  return model;
}

export function stateOf(model: InfraModel, parameters: Readonly<Record<string, string>> = PARAMETERS): DesiredState {
  const serviceId = `/subscriptions/${TARGET.subscriptionId}/resourceGroups/${TARGET.resourceGroup}/providers/Microsoft.ApiManagement/service/${TARGET.serviceName}`;
  const r = desiredState(model, serviceId, parameters);
  if (!('state' in r)) throw new Error(`parameters: missing ${r.missing.join(', ')}; unknown ${r.unknown.join(', ')}`);
  return r.state;
}
