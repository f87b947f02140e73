/**
 * The KVM_RUN contract through gRPC (spec §7, §14): typed MMIO exits and their completion into
 * X registers, immediate_exit, cancellation, deadlines and the server's run slice, PSCI and SMCCC
 * over HVC/SMC with the SMCCC filter, the run errors ENOEXEC and ENOSYS, KVM_EXIT_ARM_NISV, and
 * the exit counters (DescribeVm and /metrics).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { status } from '@grpc/grpc-js';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, KvmError, VmHandle, VcpuHandle, RunExit } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const MMIO = 0x90000000n;
const KVM_CAP_ARM_NISV_TO_USER = 177;
const KVM_MP_STATE_RUNNABLE = 0;
const KVM_MP_STATE_STOPPED = 5;
const PSCI = {
  PSCI_VERSION: 0x84000000n,
  CPU_ON_64: 0xc4000003n,
  AFFINITY_INFO: 0x84000004n,
  SYSTEM_OFF: 0x84000008n,
  SYSTEM_RESET: 0x84000009n,
  SYSTEM_RESET2: 0x84000012n,
  SMCCC_VERSION: 0x80000000n,
};
const RET = (v: bigint): bigint => BigInt.asUintN(64, v);

let t: TestServer;
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});

async function scrape(url = t.metricsUrl): Promise<string> {
  return (await fetch(url)).text();
}
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) return Number(m[3]);
  }
  return 0;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function describeVcpu(vm: VmHandle, id: number): Promise<any> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return ((await vm.describe()) as any).vcpus.find((v: { vcpuId: number }) => v.vcpuId === id);
}

async function guestVm(code: Uint8Array, kvm = t.client): Promise<VmHandle> {
  const vm = await kvm.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  return vm;
}

async function vcpuAt(vm: VmHandle, id: number, pc: bigint, features: number[] = [1 << 2]): Promise<VcpuHandle> {
  const v = await vm.createVcpu(id);
  await v.init(features);
  await v.setReg(REG.PC, pc);
  return v;
}

const le = (v: bigint, n = 8): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const SPIN = assemble('b .');

// ---------------------------------------------------------------------------------------------
// MMIO exits (§7.5)

const TYPING_GUEST = assemble(`
  mov x1, #0x90000000
  ldr x2, =0x8899aabbccddeeff
  strb w2, [x1]
  strh w2, [x1, #2]
  str w2, [x1, #4]
  str x2, [x1, #8]
  str xzr, [x1, #16]
  strb wzr, [x1, #24]
  strh wzr, [x1, #26]
  ldrb w3, [x1, #32]
  ldrsb x4, [x1, #33]
  ldrsb w5, [x1, #34]
  ldrh w6, [x1, #36]
  ldrsh x7, [x1, #38]
  ldrsh w8, [x1, #40]
  ldr w9, [x1, #44]
  ldrsw x10, [x1, #48]
  ldr x11, [x1, #56]
  ldrsb x12, [x1, #64]
  ldr xzr, [x1, #72]
  b .
`);

test('MMIO exits: sizes 1/2/4/8, XZR stores carry zeros, loads complete with sign/zero extension, PC advances only on the next Run', async () => {
  const before = await scrape();
  const vm = await guestVm(TYPING_GUEST);
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  const GARBAGE = 0xdeaddeaddeaddeadn;
  for (let r = 3; r <= 12; r++) await v.setReg(REG.X(r), GARBAGE);
  const at = (i: number): bigint => GUEST_RAM + 8n + BigInt(4 * i);

  const writes: Array<[bigint, number[]]> = [
    [MMIO, [0xff]],
    [MMIO + 2n, [0xff, 0xee]],
    [MMIO + 4n, [0xff, 0xee, 0xdd, 0xcc]],
    [MMIO + 8n, [0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88]],
    [MMIO + 16n, [0, 0, 0, 0, 0, 0, 0, 0]],
    [MMIO + 24n, [0]],
    [MMIO + 26n, [0, 0]],
  ];
  let i = 0;
  for (const [addr, data] of writes) {
    const exit = await v.run();
    assert.is(exit.reason, 'KVM_EXIT_MMIO');
    assert.is(exit.errno, '');
    assert.equal(exit.mmio, { physAddr: addr, data: new Uint8Array(data), len: data.length, isWrite: true }, `store #${i}`);
    assert.is(await v.getReg(REG.PC), at(i), 'PC stays at the store');
    i++;
  }

  // [register, address, len, completion data (more bytes than len on purpose), expected X value]
  const reads: Array<[number, bigint, number, number[], bigint]> = [
    [3, MMIO + 32n, 1, [0x80, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0x80n],
    [4, MMIO + 33n, 1, [0x80], 0xffffffffffffff80n],
    [5, MMIO + 34n, 1, [0x80], 0x00000000ffffff80n],
    [6, MMIO + 36n, 2, [0x00, 0x80, 0xff], 0x8000n],
    [7, MMIO + 38n, 2, [0x00, 0x80], 0xffffffffffff8000n],
    [8, MMIO + 40n, 2, [0x00, 0x80], 0x00000000ffff8000n],
    [9, MMIO + 44n, 4, [0x78, 0x56, 0x34, 0x92, 0xff, 0xff, 0xff, 0xff], 0x92345678n],
    [10, MMIO + 48n, 4, [0x78, 0x56, 0x34, 0x92], 0xffffffff92345678n],
    [11, MMIO + 56n, 8, [1, 2, 3, 4, 5, 6, 7, 0x88], 0x8807060504030201n],
    [12, MMIO + 64n, 1, [0x7f], 0x7fn],
    [31, MMIO + 72n, 8, [9, 9, 9, 9, 9, 9, 9, 9], 0n],
  ];
  let prev: { reg: number; data: number[]; want: bigint } | undefined;
  for (const [reg, addr, len, data, want] of reads) {
    const exit = await v.run(prev ? { mmioData: new Uint8Array(prev.data) } : {});
    if (prev && prev.reg !== 31) assert.is(await v.getReg(REG.X(prev.reg)), prev.want, `x${prev.reg} after completion`);
    assert.equal(exit.mmio, { physAddr: addr, data: new Uint8Array(0), len, isWrite: false }, `load into x${reg}`);
    assert.is(await v.getReg(REG.PC), at(i), 'PC stays at the load');
    if (reg !== 31) assert.is(await v.getReg(REG.X(reg)), GARBAGE, `x${reg} untouched until the next Run`);
    prev = { reg, data, want };
    i++;
  }
  const exit = await v.run({ mmioData: new Uint8Array(prev!.data), immediateExit: true });
  assert.is(exit.errno, 'EINTR');
  assert.is(await v.getReg(REG.PC), at(i), 'the load into XZR completed (discarded) and PC moved on to `b .`');
  assert.is(await v.getReg(REG.X(2)), 0x8899aabbccddeeffn);

  const n = writes.length + reads.length;
  const d = await describeVcpu(vm, 0);
  assert.is(d.exits.KVM_EXIT_MMIO, String(n), 'DescribeVm counts exits by reason');
  const after = await scrape();
  assert.is(metric(after, 'kvm_exits_total', { reason: 'KVM_EXIT_MMIO' }) - metric(before, 'kvm_exits_total', { reason: 'KVM_EXIT_MMIO' }), n);
  await t.client.destroyVm(vm.handle);
});

test('immediate_exit completes the pending MMIO read, then returns EINTR without running; Kick while idle does the same', async () => {
  const vm = await guestVm(assemble(`
    mov x1, #0x90000000
    ldr x3, [x1]
    str x3, [x1, #8]
    b .
  `));
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  let exit = await v.run();
  assert.equal(exit.mmio, { physAddr: MMIO, data: new Uint8Array(0), len: 8, isWrite: false });
  exit = await v.run({ immediateExit: true, mmioData: le(0x0123456789abcdefn) });
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_MMIO', 'exit_reason unchanged by immediate_exit');
  assert.is(exit.mmio, undefined);
  assert.is(exit.instructions, 0n);
  assert.is(await v.getReg(REG.X(3)), 0x0123456789abcdefn, 'the read was completed');
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 8n, 'and PC moved past the load');
  exit = await v.run({ immediateExit: true });
  assert.is(exit.errno, 'EINTR');
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 8n, 'nothing ran');

  assert.is(await v.kick(), false, 'no Run in progress');
  exit = await v.run();
  assert.is(exit.errno, 'EINTR', 'the kick made the next Run return at once');
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 8n);
  exit = await v.run();
  assert.equal(exit.mmio, { physAddr: MMIO + 8n, data: le(0x0123456789abcdefn), len: 8, isWrite: true });
  await t.client.destroyVm(vm.handle);
});

test('the call deadline ends a spinning guest with KVM_EXIT_INTR less than 50 ms late', async () => {
  const vm = await guestVm(SPIN);
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  for (const deadlineMs of [300, 500]) {
    // Median of three, so that one scheduling hiccup of a loaded host does not decide.
    // A reply that misses the deadline (DEADLINE_EXCEEDED) counts as infinitely late.
    const late: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const exit = await v.run({ deadlineMs }).catch((e: KvmError) => {
        assert.is(e.code, status.DEADLINE_EXCEEDED, e.message);
        return undefined;
      });
      const dt = performance.now() - t0;
      if (!exit) {
        late.push(Infinity);
        continue;
      }
      assert.is(exit.reason, 'KVM_EXIT_INTR');
      assert.is(exit.errno, 'EINTR');
      assert.ok(exit.instructions > 1000n, `the guest ran (${exit.instructions} instructions)`);
      assert.ok(dt > deadlineMs * 0.6, `ran until close to the deadline (${dt.toFixed(1)} ms)`);
      late.push(dt - deadlineMs);
    }
    const median = late.sort((a, b) => a - b)[1];
    assert.ok(median < 50, `returned ${median.toFixed(1)} ms after the ${deadlineMs} ms deadline (median of ${late.map((x) => x.toFixed(1))})`);
  }
  assert.is(await v.getReg(REG.PC), GUEST_RAM);
  await t.client.destroyVm(vm.handle);
});

test('cancelling the call (AbortSignal) ends the Run on the server with KVM_EXIT_INTR within 50 ms', async () => {
  const vm = await guestVm(SPIN);
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  const took: number[] = [];
  for (let k = 0; k < 3; k++) {
    const ac = new AbortController();
    const p = v.run({ signal: ac.signal, deadlineMs: 10_000 });
    await sleep(150);
    const t0 = performance.now();
    ac.abort();
    const err = await p.then(() => undefined, (e: unknown) => e);
    assert.instance(err, KvmError);
    assert.is((err as KvmError).code, status.CANCELLED);
    // The Run held the vCPU lock: a vCPU call completes only once the Run has ended on the server.
    assert.is(await v.getReg(REG.PC), GUEST_RAM);
    const dt = performance.now() - t0;
    assert.ok(dt < 1000, `the server-side Run ended ${dt.toFixed(1)} ms after the cancel, not at its 10 s deadline`);
    took.push(dt);
    const d = await describeVcpu(vm, 0);
    assert.is(d.running, false);
    assert.is(d.exits.KVM_EXIT_INTR, String(k + 1), 'the Run ended with KVM_EXIT_INTR');
  }
  const median = took.sort((a, b) => a - b)[1];
  assert.ok(median < 50, `the server-side Run ended ${median.toFixed(1)} ms after the cancel (median of ${took.map((x) => x.toFixed(1))})`);
  await t.client.destroyVm(vm.handle);
});

test('the server run slice (--run-slice-ms 200) ends a Run on `b .` with KVM_EXIT_INTR after ~200 ms', async () => {
  const s = await startTestServer(['--run-slice-ms', '200']);
  try {
    const vm = await guestVm(SPIN, s.client);
    const v = await vcpuAt(vm, 0, GUEST_RAM);
    const t0 = performance.now();
    const exit = await v.run({ deadlineMs: 5000 });
    const dt = performance.now() - t0;
    assert.is(exit.reason, 'KVM_EXIT_INTR');
    assert.is(exit.errno, 'EINTR');
    assert.ok(dt >= 190 && dt < 300, `slice took ${dt.toFixed(1)} ms`);
  } finally {
    await s.stop();
  }
});

// ---------------------------------------------------------------------------------------------
// PSCI and SMCCC (§14)

/**
 * Loads the function id from MMIO (the test supplies it as the read's data), calls HVC #0 (at
 * +0x04) and stores X0 to MMIO + 8; forever. At +0x100 the same with SMC #0; at +0x200 the
 * secondary entry for CPU_ON: stores X0 to 0x92000000.
 */
const CALL_GUEST = assemble(`
  mov x9, #0x90000000
1:
  ldr x0, [x9]
  hvc #0
  str x0, [x9, #8]
  b 1b
.balign 0x100
  mov x9, #0x90000000
2:
  ldr x0, [x9]
  smc #0
  str x0, [x9, #8]
  b 2b
.balign 0x100
  mov x9, #0x92000000
  str x0, [x9]
  b .
`);
const HVC_LOOP = GUEST_RAM;
const SMC_LOOP = GUEST_RAM + 0x100n;
const SECONDARY = GUEST_RAM + 0x200n;

/** A vCPU parked at the function-id load of a call loop. */
async function caller(vm: VmHandle, id: number, pc = HVC_LOOP, features?: number[]): Promise<VcpuHandle> {
  const v = await vcpuAt(vm, id, pc, features);
  const exit = await v.run();
  assert.equal(exit.mmio, { physAddr: MMIO, data: new Uint8Array(0), len: 8, isWrite: false });
  return v;
}

/** Makes one call: X1..X3 as given, W0 = fn. Returns the exit that ended the Run. */
async function callRaw(v: VcpuHandle, fn: bigint, args: bigint[] = []): Promise<RunExit> {
  for (let i = 0; i < args.length; i++) await v.setReg(REG.X(i + 1), args[i]);
  return v.run({ mmioData: le(fn) });
}

/** Makes one call handled in the kernel and returns X0; leaves the vCPU parked again. */
async function call(v: VcpuHandle, fn: bigint, args: bigint[] = []): Promise<bigint> {
  const exit = await callRaw(v, fn, args);
  assert.is(exit.reason, 'KVM_EXIT_MMIO', `call 0x${fn.toString(16)}`);
  assert.is(exit.mmio?.physAddr, MMIO + 8n);
  const x0 = new DataView(exit.mmio!.data.buffer).getBigUint64(0, true);
  const again = await v.run();
  assert.is(again.mmio?.physAddr, MMIO, 'parked at the next load');
  return x0;
}

test('PSCI_VERSION 1.3, SMCCC_VERSION 1.1, unknown function -1, only W0 names the function', async () => {
  const vm = await guestVm(CALL_GUEST);
  const v = await caller(vm, 0);
  assert.is(await call(v, PSCI.PSCI_VERSION), 0x10003n);
  assert.is(await call(v, 0xdead000084000000n), 0x10003n, 'bits 63:32 of X0 are ignored');
  assert.is(await call(v, PSCI.SMCCC_VERSION), 0x10001n);
  assert.is(await call(v, 0x87654321n), RET(-1n));
  assert.is(await call(v, 0xc7000001n), RET(-1n));
  assert.is(await call(v, PSCI.SYSTEM_RESET2, [0x1234n]), RET(-2n), 'SYSTEM_RESET2 with a reserved reset type: INVALID_PARAMETERS, no exit');
  await t.client.destroyVm(vm.handle);
});

test('SYSTEM_OFF: KVM_EXIT_SYSTEM_EVENT type 1 data [0], every vCPU STOPPED, caller X0 = -6; a Run on it then sleeps', async () => {
  const vm = await guestVm(CALL_GUEST);
  const v = await caller(vm, 0);
  const other = await vcpuAt(vm, 1, HVC_LOOP);
  assert.is(await other.getMpState(), KVM_MP_STATE_RUNNABLE);
  const exit = await callRaw(v, PSCI.SYSTEM_OFF);
  assert.is(exit.reason, 'KVM_EXIT_SYSTEM_EVENT');
  assert.is(exit.errno, '');
  assert.equal(exit.systemEvent, { type: 1, data: [0n] });
  assert.is(await v.getMpState(), KVM_MP_STATE_STOPPED);
  assert.is(await other.getMpState(), KVM_MP_STATE_STOPPED);
  assert.is(await v.getReg(REG.X(0)), 0xfffffffffffffffan);
  assert.is(await v.getReg(REG.PC), HVC_LOOP + 12n, 'PC past the HVC');
  const sleeping = v.run({ deadlineMs: 5000 });
  await sleep(150);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  assert.is(((await vm.describe()) as any).vcpus[0].running, true, 'the Run sleeps in the kernel');
  assert.is(await v.kick(), true);
  const again = await sleeping;
  assert.is(again.reason, 'KVM_EXIT_INTR', 'a STOPPED vCPU does not run');
  assert.is(again.instructions, 0n);
  assert.is(await v.getReg(REG.PC), HVC_LOOP + 12n);
  await t.client.destroyVm(vm.handle);
});

test('SYSTEM_RESET: type 2 data [0]; SYSTEM_RESET2: type 2 data [1]', async () => {
  for (const [fn, data] of [[PSCI.SYSTEM_RESET, 0n], [PSCI.SYSTEM_RESET2, 1n]] as const) {
    const vm = await guestVm(CALL_GUEST);
    const v = await caller(vm, 0);
    const exit = await callRaw(v, fn, [0n]);
    assert.is(exit.reason, 'KVM_EXIT_SYSTEM_EVENT');
    assert.equal(exit.systemEvent, { type: 2, data: [data] });
    assert.is(await v.getMpState(), KVM_MP_STATE_STOPPED);
    assert.is(await v.getReg(REG.X(0)), RET(-6n));
    // Userspace resets the VM with KVM_ARM_VCPU_INIT: RUNNABLE again, registers reset.
    await v.init();
    assert.is(await v.getMpState(), KVM_MP_STATE_RUNNABLE);
    assert.is(await v.getReg(REG.PC), 0n);
    await t.client.destroyVm(vm.handle);
  }
});

test('CPU_ON of a POWER_OFF secondary: its concurrent Run starts at the entry point with X0 = context id; AFFINITY_INFO before/after', async () => {
  const vm = await guestVm(CALL_GUEST);
  const boot = await caller(vm, 0);
  const sec = await vm.createVcpu(1);
  await sec.init([(1 << 2) | 1]); // PSCI_0_2 | POWER_OFF
  assert.is(await sec.getMpState(), KVM_MP_STATE_STOPPED);
  const secRun = sec.run({ deadlineMs: 8000 });
  secRun.catch(() => undefined); // awaited below; never an unhandled rejection if an assertion fails first
  await sleep(30);

  assert.is(await call(boot, PSCI.AFFINITY_INFO, [1n, 0n]), 1n, 'OFF');
  assert.is(await call(boot, PSCI.AFFINITY_INFO, [0n, 0n]), 0n, 'the caller is ON');
  assert.is(await call(boot, PSCI.AFFINITY_INFO, [7n, 0n]), RET(-2n), 'no such MPIDR');
  assert.is(await call(boot, PSCI.CPU_ON_64, [9n, SECONDARY, 0n]), RET(-2n), 'CPU_ON of a missing MPIDR');
  const ctx = 0x1122334455667788n;
  assert.is(await call(boot, PSCI.CPU_ON_64, [1n, SECONDARY, ctx]), 0n, 'SUCCESS');

  const exit = await secRun;
  assert.equal(exit.mmio, { physAddr: 0x92000000n, data: le(ctx), len: 8, isWrite: true }, 'the secondary stored its X0');
  assert.is(await sec.getReg(REG.PC), SECONDARY + 4n);
  assert.is(await sec.getReg(REG.X(0)), ctx);
  assert.is(await sec.getReg(REG.PSTATE), 0x3c5n, 'reset PSTATE');
  assert.is(await sec.getMpState(), KVM_MP_STATE_RUNNABLE);
  assert.is(await call(boot, PSCI.AFFINITY_INFO, [1n, 0n]), 0n, 'ON');
  assert.is(await call(boot, PSCI.CPU_ON_64, [1n, SECONDARY, 0n]), RET(-4n), 'ALREADY_ON');
  await t.client.destroyVm(vm.handle);
});

/** struct kvm_smccc_filter: base u32, nr_functions u32, action u8, pad[15]. */
function smcccFilter(base: number, nr: number, action: number): Uint8Array {
  const b = new Uint8Array(24);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, base, true);
  dv.setUint32(4, nr, true);
  b[8] = action;
  return b;
}

test('SMCCC filter: FWD_TO_USER exits KVM_EXIT_HYPERCALL (SMC conduit: flags 1), DENY returns -1, frozen once a vCPU ran', async () => {
  const vm = await guestVm(CALL_GUEST);
  await vm.setAttr(0, 0n, smcccFilter(0xc3000000, 16, 2)); // FWD_TO_USER
  await vm.setAttr(0, 0n, smcccFilter(0x84000000, 1, 1)); // DENY PSCI_VERSION
  await rejectsWith(vm.setAttr(0, 0n, smcccFilter(0xc300000f, 2, 1)), 'EEXIST');
  await rejectsWith(vm.setAttr(0, 0n, smcccFilter(0x80000000, 1, 1)), 'EEXIST');

  const hv = await caller(vm, 0, HVC_LOOP);
  const sm = await caller(vm, 1, SMC_LOOP);
  await rejectsWith(vm.setAttr(0, 0n, smcccFilter(0xc4000000, 1, 1)), 'EBUSY');

  let exit = await callRaw(hv, 0xc3000005n, [0xabcn]);
  assert.is(exit.reason, 'KVM_EXIT_HYPERCALL');
  assert.equal(exit.hypercall, { nr: 0xc3000005n, flags: 0n });
  assert.is(await hv.getReg(REG.PC), HVC_LOOP + 12n, 'PC already past the HVC');
  assert.is(await hv.getReg(REG.X(1)), 0xabcn, 'arguments stay in X1..');
  await hv.setReg(REG.X(0), 0x1234n);
  exit = await hv.run();
  assert.equal(exit.mmio, { physAddr: MMIO + 8n, data: le(0x1234n), len: 8, isWrite: true }, 'the guest sees the X0 userspace wrote');
  assert.is((await hv.run()).mmio?.physAddr, MMIO);

  exit = await callRaw(sm, 0xc300000fn);
  assert.is(exit.reason, 'KVM_EXIT_HYPERCALL');
  assert.equal(exit.hypercall, { nr: 0xc300000fn, flags: 1n }, 'KVM_HYPERCALL_EXIT_SMC');
  assert.is(await sm.getReg(REG.PC), SMC_LOOP + 12n, 'PC past the SMC');
  assert.is((await sm.run()).mmio?.physAddr, MMIO + 8n);
  assert.is((await sm.run()).mmio?.physAddr, MMIO);

  assert.is(await call(hv, PSCI.PSCI_VERSION), RET(-1n), 'DENY');
  assert.is(await call(hv, PSCI.SMCCC_VERSION), 0x10001n, 'unfiltered calls are handled');
  assert.is(await call(hv, 0xc3000010n), RET(-1n), 'just past the forwarded range: KVM, NOT_SUPPORTED');
  await t.client.destroyVm(vm.handle);
});

// ---------------------------------------------------------------------------------------------
// Run errors (§7.1) and KVM_EXIT_ARM_NISV (§7.7)

test('an instruction fetch from an address in no slot fails the Run with ENOEXEC', async () => {
  const vm = await guestVm(assemble(`
    mov x9, #0x90000000
    br x9
  `));
  const v = await vcpuAt(vm, 0, 0x50000000n);
  const e = await rejectsWith(v.run(), 'ENOEXEC');
  assert.is(e.code, status.FAILED_PRECONDITION);
  await v.setReg(REG.PC, GUEST_RAM);
  await rejectsWith(v.run(), 'ENOEXEC');
  assert.is(await v.getReg(REG.PC), MMIO, 'the branch into MMIO space was taken');
  await t.client.destroyVm(vm.handle);
});

test('MMIO with writeback (no valid syndrome): ENOSYS; with KVM_CAP_ARM_NISV_TO_USER a KVM_EXIT_ARM_NISV with a page-aligned fault_ipa', async () => {
  const vm = await guestVm(assemble(`
    ldr x1, =0x90000ab0
    str x0, [x1], #8
    b .
  `));
  const v = await vcpuAt(vm, 0, GUEST_RAM);
  const e = await rejectsWith(v.run(), 'ENOSYS');
  assert.is(e.code, status.UNIMPLEMENTED);
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 4n);
  await vm.enableCap(KVM_CAP_ARM_NISV_TO_USER);
  const exit = await v.run();
  assert.is(exit.reason, 'KVM_EXIT_ARM_NISV');
  assert.is(exit.errno, '');
  assert.is(exit.armNisv?.faultIpa, 0x90000000n, 'page-granular');
  assert.is((exit.armNisv!.esrIss & ~0x17fn), 0n, 'only CM, WnR and FSC are reported');
  assert.is(exit.armNisv!.esrIss & 0x40n, 0x40n, 'WnR: a write');
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 4n, 'PC at the store');
  assert.is(await v.getReg(REG.X(1)), 0x90000ab0n, 'no writeback happened');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  assert.ok(((await vm.describe()) as any).enabledCaps.includes(KVM_CAP_ARM_NISV_TO_USER));
  await t.client.destroyVm(vm.handle);
});

test.run();
