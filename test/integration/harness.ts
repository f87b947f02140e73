/**
 * Integration-test harness: a real server on 127.0.0.1:0 (metrics on another ephemeral port),
 * and a client from clients/ talking gRPC to it.
 */
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { startServer, RunningServer } from '../../server/kvm-server';
import { KvmClient, KvmError } from '../../clients/kvm-client';
import * as assert from 'uvu/assert';

export interface TestServer {
  server: RunningServer;
  client: KvmClient;
  address: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

export async function startTestServer(extraArgs: string[] = []): Promise<TestServer> {
  const config = loadConfig(['--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--log-level', 'silent', '--shutdown-grace-ms', '2000', ...extraArgs], {});
  const server = await startServer(config, createLogger('silent'));
  const address = `127.0.0.1:${server.port}`;
  const client = await KvmClient.connect(address);
  return {
    server, client, address, metricsUrl: `http://127.0.0.1:${server.metricsPort}/metrics`,
    async stop() {
      client.close();
      await server.shutdown();
    },
  };
}

/** Asserts that `p` rejects with a KvmError carrying `errno`; returns the error. */
export async function rejectsWith(p: Promise<unknown>, errno: string): Promise<KvmError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, KvmError);
    assert.is((e as KvmError).errno, errno, (e as Error).message);
    return e as KvmError;
  }
  assert.unreachable(`expected ${errno}`);
  throw new Error('unreachable');
}

export const GUEST_RAM = 0x40000000n;
export const USERSPACE = 0x7f0000000000n;
