/**
 * Graceful shutdown: health turns NOT_SERVING first, a Run in progress ends with KVM_EXIT_INTR
 * (a normal result, not an error), in-flight calls drain, then the port closes and new calls fail
 * UNAVAILABLE. The same through the real entry point: `node .../server/main.js` exits 0 on SIGTERM
 * and logs "shut down".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { startTestServer, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { KvmClient, KvmError, REG, VcpuHandle } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A VM whose vCPU 0 spins on `b .`. */
async function spinningVcpu(kvm: KvmClient): Promise<VcpuHandle> {
  const vm = await kvm.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, assemble('b .'));
  const v = await vm.createVcpu(0);
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  return v;
}

type WatchClient = grpc.Client & { watch(req: { service: string }): grpc.ClientReadableStream<{ status: string }> };

function healthClient(address: string): WatchClient {
  const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Health = (grpc.loadPackageDefinition(def) as any).grpc.health.v1.Health as grpc.ServiceClientConstructor;
  return new Health(address, grpc.credentials.createInsecure()) as unknown as WatchClient;
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

test('shutdown(): health NOT_SERVING, the spinning Run ends with KVM_EXIT_INTR, calls drain, then the port closes (UNAVAILABLE)', async () => {
  // A long run slice, so that only the shutdown can end the Run early.
  const s: TestServer = await startTestServer(['--run-slice-ms', '30000']);
  const health = healthClient(s.address);
  try {
    const v = await spinningVcpu(s.client);
    const statuses: string[] = [];
    const watch = health.watch({ service: '' });
    const notServing = new Promise<void>((resolve) => watch.on('data', (m) => {
      statuses.push(m.status);
      if (m.status === 'NOT_SERVING') resolve();
    }));
    watch.on('error', () => undefined); // cancelled below
    const run = v.run({ deadlineMs: 20_000 });
    run.catch(() => undefined); // awaited below
    await sleep(150);
    assert.equal(statuses, ['SERVING']);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    assert.is(((await v.vm.describe()) as any).vcpus[0].running, true, 'the Run is in progress');

    const t0 = performance.now();
    const stopped = s.server.shutdown();
    await notServing;
    assert.equal(statuses, ['SERVING', 'NOT_SERVING'], 'health first');
    watch.cancel(); // a Watch never ends by itself; a client drops it when told NOT_SERVING

    const exit = await run;
    assert.is(exit.reason, 'KVM_EXIT_INTR', 'the Run ended normally');
    assert.is(exit.errno, 'EINTR');
    assert.ok(performance.now() - t0 < 500, 'the vCPU was kicked, not left to its slice');

    await stopped;
    assert.ok(performance.now() - t0 < 1500, 'drained before the 2 s grace period: not forced');
    assert.ok(await portRefuses(s.server.port), 'the port is closed');
    const err = await s.client.apiVersion().then(() => undefined, (e: unknown) => e);
    assert.instance(err, KvmError);
    assert.is((err as KvmError).code, grpc.status.UNAVAILABLE);
  } finally {
    health.close();
    await s.stop();
  }
});

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

test('main.js: SIGTERM ends a running vCPU with KVM_EXIT_INTR, exits 0 and logs "shut down"', async () => {
  const ext = path.extname(__filename);
  const main = path.resolve(__dirname, '..', '..', 'server', `main${ext}`);
  assert.ok(fs.existsSync(main), main);
  const port = await freePort();
  const args = [...(ext === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : []), main, '--listen', `127.0.0.1:${port}`, '--metrics-listen', 'off'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })));
  let kvm: KvmClient | undefined;
  try {
    kvm = await KvmClient.connect(`127.0.0.1:${port}`, { deadlineMs: 10_000 });
    assert.is(await kvm.apiVersion(), 12);
    const v = await spinningVcpu(kvm);
    const run = v.run({ deadlineMs: 20_000 });
    run.catch(() => undefined); // awaited below
    await sleep(100);
    const t0 = performance.now();
    assert.ok(child.kill('SIGTERM'));
    const exit = await run;
    assert.is(exit.reason, 'KVM_EXIT_INTR');
    assert.ok(performance.now() - t0 < 1000, 'the default 1 s run slice was not waited for');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), 5000);
    });
    const r = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    assert.ok(r, `main.js exited (stderr: ${stderr})`);
    assert.equal(r, { code: 0, signal: null });
    const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; level: string; signal?: string });
    assert.ok(lines.some((l) => l.msg === 'kvm-arm64-grpc serving'), stdout);
    assert.ok(lines.some((l) => l.msg === 'signal received' && l.signal === 'SIGTERM'), stdout);
    const last = lines[lines.length - 1];
    assert.is(last.msg, 'shut down', 'the last log line');
    assert.is(last.level, 'info');
    assert.ok(await portRefuses(port));
  } finally {
    kvm?.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

test.run();
