/** One loopback ARM server per test file, emptied before each test (store, faults, LROs, log). */
import { after, before, beforeEach } from 'node:test';
import { type ArmServer, startArmServer } from './index.ts';

export function useArmServer(options: Parameters<typeof startArmServer>[0], bind: (server: ArmServer) => void): void {
  let server: ArmServer | undefined;
  before(async () => {
    server = await startArmServer(options);
    bind(server);
  });
  after(() => server?.close());
  beforeEach(() => {
    server!.store.resources.clear();
    server!.alertRules.rules.clear();
    server!.faults.clear();
    server!.lro.clear();
    server!.resetLog();
  });
}
