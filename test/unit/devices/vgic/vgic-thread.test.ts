// The vCPU-thread side of the VGIC (vgic-thread.ts, vgic-shared.ts): the descriptor Vgic.shared()
// publishes once ready, guest MMIO to every frame from a thread view (including other vCPUs'
// redistributors), the state shared with the main thread's attribute groups and MMIO fallback, the
// unhandled-access counter, and the lock holding across real threads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { KVM_DEV_ARM_VGIC_GRP } from '../../../../vmcore/kvm-constants';
import { isVgicSharedDesc, VgicThread } from '../../../../devices/vgic/vgic-thread';
import { DIST_WORDS, D_LOCK, vgicLock, vgicUnlock } from '../../../../devices/vgic/vgic-shared';
import { FakeCpu } from './fake-cpu';
import { asU32, makeGic, regAttr, u32 } from './fake-vgic-host';
import { DIST, GICC, load, RD, readyGic, sgiBase, store } from './vgic-gic-env';

const G = KVM_DEV_ARM_VGIC_GRP;
const GICD_ISENABLER = 0x100;
const GICR_TYPER = 0x8;
const GICR_ISENABLER0 = 0x100;

test('shared(): undefined until map_resources, then one descriptor naming the frames and every vCPU', () => {
  const { gic } = makeGic('v3', [0, 1]);
  assert.is(gic.shared(), undefined);
  const { gic: g2 } = readyGic('v3', [0, 1]);
  const d = g2.shared()!;
  assert.ok(isVgicSharedDesc(d));
  assert.is(g2.shared(), d, 'the same object every time (sent to a thread once)');
  assert.equal(d.frames.redist, [{ base: RD, owners: [0, 1] }]);
  assert.is(d.frames.dist, DIST);
  assert.equal(d.vcpus.map((v) => [v.id, v.index]), [[0, 0], [1, 1]]);
  assert.is(d.nrIrqs, 256);
  assert.not.ok(isVgicSharedDesc({ kind: 'other' }));
  assert.not.ok(isVgicSharedDesc(undefined));
  assert.throws(() => new VgicThread(d, 7, new FakeCpu()), /vCPU 7/);
});

test('v3: a thread view reaches the distributor and every redistributor; GICR_TYPER as published at map_resources', () => {
  const { cpus } = readyGic('v3', [0, 1]);
  const [c0] = cpus;
  assert.is(load(c0, RD + GICR_TYPER), 0x0000, 'vCPU 0: Processor_Number 0, not Last');
  assert.is(load(c0, RD + 0x20000 + GICR_TYPER), 0x0110, 'vCPU 1: Processor_Number 1, Last');
  assert.is(load(c0, RD + 0x20000 + GICR_TYPER + 4), 0x1, 'affinity 0.0.0.1 in the upper word');
  const out = new Int32Array(2);
  assert.ok(c0.th.mmio(RD + 0x20000 + GICR_TYPER, 8, false, 0, 0, out));
  assert.equal([out[0], out[1]], [0x110, 1], 'a 64-bit read');
  assert.not.ok(c0.th.mmio(RD + 0x40000, 4, false, 0, 0, out), 'past the allocated redistributors');
  assert.not.ok(c0.th.mmio(GICC, 4, false, 0, 0, out), 'no CPU interface frame on a GICv3');
  store(c0, sgiBase(1) + GICR_ISENABLER0, 1 << 27);
  assert.is(load(cpus[1], sgiBase(1) + GICR_ISENABLER0), 0xffff | (1 << 27), "vCPU 0 wrote vCPU 1's redistributor");
  assert.is(load(c0, sgiBase(0) + GICR_ISENABLER0), 0xffff, 'its own is unchanged');
});

test('thread views and the main thread share one state: attribute groups and the MMIO fallback see guest writes', () => {
  const { gic, host, cpus } = readyGic('v2', [0, 1]);
  store(cpus[1], DIST + GICD_ISENABLER + 4, 0x00ff00ff);
  assert.is(asU32(gic.getAttr(G.KVM_DEV_ARM_VGIC_GRP_DIST_REGS, regAttr(0, GICD_ISENABLER + 4))), 0x00ff00ff);
  assert.is(gic.mmioRead(DIST + GICD_ISENABLER + 4, 4, host.vcpu(0)), 0x00ff00ff, 'the main-thread fallback path');
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_DIST_REGS, regAttr(0, GICD_ISENABLER + 8), u32(0x5));
  assert.is(load(cpus[0], DIST + GICD_ISENABLER + 8), 0x5, 'and the threads see userspace writes');
  const before = gic.unhandledMmio;
  load(cpus[0], DIST + 0xe00);
  store(cpus[1], GICC + 0x40, 1);
  assert.is(gic.unhandledMmio, before + 2, 'unclaimed accesses from threads are counted');
});

test('the VGIC lock excludes a real worker thread; a lock left held times out with an error', async () => {
  const word = new Int32Array(new SharedArrayBuffer(DIST_WORDS * 4));
  const counter = new Int32Array(new SharedArrayBuffer(8)); // [count, start]
  const N = 300000;
  const lockModule = path.resolve(__dirname, '../../../../devices/vgic/vgic-shared.ts');
  const worker = new Worker(
    `require('ts-node').register({ transpileOnly: true });
     const { workerData: d, parentPort } = require('node:worker_threads');
     const { vgicLock, vgicUnlock } = require(${JSON.stringify(lockModule)});
     const w = new Int32Array(d.word), c = new Int32Array(d.counter);
     parentPort.postMessage('ready');
     while (Atomics.load(c, 1) === 0);
     for (let i = 0; i < d.n; i++) { vgicLock(w); const v = c[0]; for (let k = 0; k < 20; k++); c[0] = v + 1; vgicUnlock(w); }
     parentPort.postMessage('done');`,
    { eval: true, workerData: { word: word.buffer, counter: counter.buffer, n: N } },
  );
  const messages: string[] = [];
  const next = (): Promise<unknown> => new Promise((resolve, reject) => {
    worker.once('message', (m: string) => resolve(messages.push(m)));
    worker.once('error', reject);
  });
  await next();
  const done = next();
  // Both threads increment at the same time (the worker waits for the start word).
  Atomics.store(counter, 1, 1);
  for (let i = 0; i < N; i++) {
    vgicLock(word);
    const v = counter[0];
    for (let k = 0; k < 20; k++);
    counter[0] = v + 1;
    vgicUnlock(word);
  }
  await done;
  assert.equal(messages, ['ready', 'done']);
  await worker.terminate();
  assert.is(counter[0], 2 * N, 'no increment lost');
  assert.is(Atomics.load(word, D_LOCK), 0, 'free');
  Atomics.store(word, D_LOCK, 1); // a holder that never comes back
  const t0 = Date.now();
  assert.throws(() => vgicLock(word, 50), /held for 50 ms/);
  assert.ok(Date.now() - t0 >= 50);
});

test.run();
