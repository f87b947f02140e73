/**
 * The vCPU object outside the guest run loop (spec §5.3-§5.5, §6.1, §6.7, §7.1 steps 1-2, §7.9):
 * KVM_ARM_VCPU_INIT's check order and reset, KVM_ARM_VCPU_FINALIZE, the ENOEXEC gate, the
 * ONE_REG / REG_LIST dispatch, MP state, and the kick path (Kick while running / idle).
 * vCPU threads are fakes: a scripted exit, or a guest spinning until kicked or its deadline.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Vcpu, PSTATE_RESET } from '../../../vmcore/vcpu';
import { KVM_EXIT, KVM_MP_STATE } from '../../../vmcore/kvm-constants';
import { regList } from '../../../vmcore/one-reg';
import { sysregWord, SYSREG_BY_NAME } from '../../../vmcore/cpu/sysregs';
import { encodeVcpuEvents } from '../../../vmcore/vcpu-events';
import { errnoOf, fromLe, le64, newVm, rejectsErrno, soon, throwsErrno } from './fake-ports';

const GENERIC_V8 = 5;
const POWER_OFF = 1 << 0;
const EL1_32BIT = 1 << 1;
const PSCI_0_2 = 1 << 2;
const PMU_V3 = 1 << 3;
const SVE = 1 << 4;
const PTRAUTH_ADDRESS = 1 << 5;
const PTRAUTH_GENERIC = 1 << 6;
const HAS_EL2 = 1 << 7;
const HAS_EL2_E2H0 = 1 << 8;
const { KVM_MP_STATE_RUNNABLE: RUNNABLE, KVM_MP_STATE_STOPPED: STOPPED, KVM_MP_STATE_SUSPENDED: SUSPENDED } = KVM_MP_STATE;

const X = (n: number): bigint => 0x6030000000100000n + 2n * BigInt(n);
const PC = 0x6030000000100040n;
const PSTATE = 0x6030000000100042n;
const V = (n: number): bigint => 0x6040000000100054n + 4n * BigInt(n);
const SYS = (name: string): bigint => 0x6030000000130000n | BigInt(SYSREG_BY_NAME.get(name)!.encoding);
const get = (v: Vcpu, id: bigint): bigint => fromLe(v.getOneReg(id));

function oneVcpu(id = 0) {
  const r = newVm();
  const v = r.vm.createVcpu(id);
  return { ...r, v };
}

// -- KVM_ARM_VCPU_INIT (§5.3) -------------------------------------------------------------------

test('init: more than 7 feature words is EFAULT (struct kvm_vcpu_init is 32 bytes), before anything else', () => {
  const { v } = oneVcpu();
  throwsErrno(() => v.init(GENERIC_V8, [0, 0, 0, 0, 0, 0, 0, 0]), 'EFAULT');
  throwsErrno(() => v.init(0, new Array(9).fill(1)), 'EFAULT');
  v.init(GENERIC_V8, [PSCI_0_2, 0, 0, 0, 0, 0, 0]);
  assert.is(v.initialized, true);
});

test('init order: EINVAL target (step 1) before ENOENT unknown bits (2) before EINVAL unsupported features (3)', () => {
  const { v } = oneVcpu();
  for (const target of [0, 1, 2, 3, 4, 6, 7, 0xffffffff, -1]) {
    throwsErrno(() => v.init(target, [PSCI_0_2]), 'EINVAL', `target ${target}`);
    throwsErrno(() => v.init(target, [1 << 20]), 'EINVAL', `target ${target} beats ENOENT`);
  }
  for (const features of [[1 << 9], [1 << 31], [0x80000000 | PSCI_0_2], [PSCI_0_2, 1], [0, 0, 0, 0, 0, 0, 0x80], [PMU_V3 | (1 << 12)], [SVE, 0, 1]]) {
    throwsErrno(() => v.init(GENERIC_V8, features), 'ENOENT', `features ${features}`);
  }
  for (const f of [EL1_32BIT, PMU_V3, SVE, PTRAUTH_ADDRESS, PTRAUTH_GENERIC, PTRAUTH_ADDRESS | PTRAUTH_GENERIC, HAS_EL2, HAS_EL2_E2H0, EL1_32BIT | HAS_EL2]) {
    throwsErrno(() => v.init(GENERIC_V8, [PSCI_0_2 | f]), 'EINVAL', `feature 0x${f.toString(16)}`);
  }
  assert.is(v.initialized, false, 'failed INITs initialise nothing');
  assert.is(v.vm.vcpuFeatures, undefined, 'and record nothing VM-wide');
  throwsErrno(() => v.getOneReg(PC), 'ENOEXEC');
});

test('init: an empty features array means no features (PSCI v0.1); a missing word reads as 0', () => {
  const { vm, v } = oneVcpu();
  v.init(GENERIC_V8, []);
  assert.is(v.features, 0);
  assert.is(vm.vcpuFeatures, 0);
  assert.is(vm.psciVersion(v), 0x1);
});

test('init: POWER_OFF starts STOPPED and is not part of the VM-wide feature set (steps 6, 8)', () => {
  const { vm } = newVm();
  const a = vm.createVcpu(0);
  const b = vm.createVcpu(1);
  const c = vm.createVcpu(2);
  a.init(GENERIC_V8, [PSCI_0_2 | POWER_OFF]);
  assert.is(a.mpState, STOPPED);
  assert.is(vm.vcpuFeatures, PSCI_0_2);
  assert.is(a.hasFeature(0), false, 'POWER_OFF is not a feature of the vCPU either');
  assert.is(a.hasFeature(2), true);
  b.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(b.mpState, RUNNABLE);
  throwsErrno(() => c.init(GENERIC_V8, []), 'EINVAL', 'differs from the VM\'s set (step 6)');
  throwsErrno(() => c.init(GENERIC_V8, [0]), 'EINVAL');
  assert.is(c.initialized, false);
  c.init(GENERIC_V8, [PSCI_0_2 | POWER_OFF]);
  assert.is(c.mpState, STOPPED);
});

test('re-init (step 7): other features EINVAL and nothing changes; the same features reset the vCPU and its state', () => {
  const { v } = oneVcpu(17);
  v.init(GENERIC_V8, [PSCI_0_2]);
  v.setOneReg(X(0), le64(0x1234n));
  v.setOneReg(X(30), le64(0x5678n));
  v.setOneReg(PC, le64(0x40000000n));
  v.setOneReg(PSTATE, le64(0x3c4n));
  v.setOneReg(V(3), new Uint8Array(16).fill(0xff));
  v.setOneReg(SYS('SCTLR_EL1'), le64(0x30d00800n));
  v.setOneReg(SYS('MPIDR_EL1'), le64(0x80000001n));
  v.setMpState(SUSPENDED);
  throwsErrno(() => v.init(GENERIC_V8, []), 'EINVAL');
  throwsErrno(() => v.init(GENERIC_V8, [PSCI_0_2 | PMU_V3]), 'EINVAL', 'unsupported: step 3');
  assert.is(get(v, X(0)), 0x1234n, 'the rejected re-init changed nothing');
  assert.is(v.mpState, SUSPENDED);
  v.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(v.mpState, RUNNABLE);
  for (let n = 0; n < 31; n++) assert.is(get(v, X(n)), 0n, `X${n}`);
  assert.is(get(v, PC), 0n);
  assert.is(get(v, PSTATE), BigInt(PSTATE_RESET));
  assert.is(PSTATE_RESET, 0x3c5);
  assert.equal(v.getOneReg(V(3)), new Uint8Array(16));
  assert.is(get(v, SYS('SCTLR_EL1')), 0x00c50078n);
  assert.is(get(v, SYS('MPIDR_EL1')), 0x80000101n, 'MPIDR back to the id-derived value');
  v.init(GENERIC_V8, [PSCI_0_2 | POWER_OFF]);
  assert.is(v.mpState, STOPPED);
});

test('re-init keeps the ID registers userspace wrote: they are VM state, frozen at the first run (§1.1 rule 10)', async () => {
  // linux sys_regs.c kvm_reset_sys_regs() skips the feature ID registers on vCPU reset; a VMM that
  // lowered ID_AA64MMFR0_EL1.PARange and reboots through KVM_ARM_VCPU_INIT keeps its CPU model.
  const { v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  const mmfr0 = get(v, SYS('ID_AA64MMFR0_EL1'));
  const lowered = (mmfr0 & ~0xfn) | 1n;
  v.setOneReg(SYS('ID_AA64MMFR0_EL1'), le64(lowered));
  await v.run(soon());
  v.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(get(v, SYS('ID_AA64MMFR0_EL1')), lowered, 'the ID register survived the reset');
  v.setOneReg(SYS('ID_AA64MMFR0_EL1'), le64(lowered)); // and stays writable with the same value
});

test('init starts the vCPU thread once (with the VM\'s IPA size, counter and ring); re-init reuses it', () => {
  const { vm, v, ports } = oneVcpu(3);
  assert.is(ports.threads.created.length, 0, 'no thread before INIT');
  v.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(ports.threads.created.length, 1);
  const t = ports.threads.of(3);
  assert.is(t.init.ipaBits, 40);
  assert.is(t.init.vcpuId, 3);
  assert.is(t.init.regs, v.regs.buffer);
  assert.is(t.init.ctl, v.ctl.buffer);
  assert.is(t.init.counter, vm.counter.buffer);
  assert.is(t.init.vmHandle, String(vm.handle));
  assert.is(t.memoryUpdates, 1, 'the memory map is published at start');
  v.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(ports.threads.created.length, 1);
});

test('a failed INIT of a never-initialised vCPU starts no thread', () => {
  const { v, ports } = oneVcpu();
  throwsErrno(() => v.init(GENERIC_V8, [PMU_V3]), 'EINVAL');
  assert.is(ports.threads.created.length, 0);
});

// -- MPIDR (§5.3) -------------------------------------------------------------------------------

test('mpidrFor: bit 31 | Aff0 = id & 0xF | Aff1 = (id >> 4) & 0xFF | Aff2 = (id >> 12) & 0xFF', () => {
  const cases: Array<[number, bigint]> = [
    [0, 0x80000000n], [1, 0x80000001n], [15, 0x8000000fn], [16, 0x80000100n], [17, 0x80000101n],
    [0x4f, 0x8000040fn], [511, 0x80001f0fn], [0xfff, 0x8000ff0fn], [0x1000, 0x80010000n], [0xff000, 0x80ff0000n],
  ];
  for (const [id, mpidr] of cases) assert.is(Vcpu.mpidrFor(id), mpidr, `id ${id}`);
});

test('MPIDR_EL1 of a created vCPU is mpidrFor(id), readable after INIT and writable before the run', () => {
  const { vm } = newVm();
  for (const id of [0, 17, 511]) {
    const v = vm.createVcpu(id);
    assert.is(v.mpidr(), Vcpu.mpidrFor(id), 'before INIT (devices see it)');
    v.init(GENERIC_V8, [PSCI_0_2]);
    assert.is(get(v, SYS('MPIDR_EL1')), Vcpu.mpidrFor(id));
  }
  const v = vm.vcpu(17)!;
  v.setOneReg(SYS('MPIDR_EL1'), le64(0x80000203n));
  assert.is(v.mpidr(), 0x80000203n);
});

// -- FINALIZE (§5.4) ----------------------------------------------------------------------------

test('finalize: ENOEXEC before INIT; EINVAL for SVE (never enabled) and for any other feature', () => {
  const { v } = oneVcpu();
  for (const f of [4, 0, 99]) throwsErrno(() => v.finalize(f), 'ENOEXEC', `feature ${f}`);
  v.init(GENERIC_V8, [PSCI_0_2]);
  for (const f of [4, 0, 1, 2, 3, 5, 8, -1]) throwsErrno(() => v.finalize(f), 'EINVAL', `feature ${f}`);
});

// -- the ENOEXEC gate (§5.3, §6.1, §6.7, §7.1, §13) ---------------------------------------------

test('before INIT: ONE_REG, REG_LIST, VCPU_EVENTS and RUN are ENOEXEC, before any id or argument check', async () => {
  const { v } = oneVcpu();
  throwsErrno(() => v.getOneReg(PC), 'ENOEXEC');
  throwsErrno(() => v.getOneReg(0x7777777777777777n), 'ENOEXEC');
  throwsErrno(() => v.setOneReg(PC, new Uint8Array(3)), 'ENOEXEC');
  throwsErrno(() => v.getRegList(0n), 'ENOEXEC');
  throwsErrno(() => v.getRegList(10000n), 'ENOEXEC');
  throwsErrno(() => v.getEvents(), 'ENOEXEC');
  throwsErrno(() => v.setEvents(new Uint8Array(3)), 'ENOEXEC');
  throwsErrno(() => v.setEvents(encodeVcpuEvents({ serror_pending: 1 })), 'ENOEXEC');
  await rejectsErrno(v.run(soon()), 'ENOEXEC');
  await rejectsErrno(v.run({ immediateExit: true, deadline: Date.now() + 10 }), 'ENOEXEC');
  assert.is(v.running, false);
});

test('MP_STATE and vCPU attributes do not need INIT', () => {
  const { v } = oneVcpu();
  assert.is(v.getMpState(), RUNNABLE);
  v.setMpState(STOPPED);
  assert.is(v.getMpState(), STOPPED);
  v.hasAttr(1, 0n);
  assert.is(fromLe(v.getAttr(1, 0n)), 27n, 'the VTIMER PPI');
  throwsErrno(() => v.hasAttr(3, 0n), 'ENXIO');
});

test('after INIT: events round-trip through the vCPU (serror pending)', () => {
  const { v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  v.setEvents(encodeVcpuEvents({ serror_pending: 1, serror_has_esr: 1, serror_esr: 0x1234n }));
  const b = v.getEvents();
  assert.is(b.length, 64);
  assert.is(b[0], 1);
  assert.is(fromLe(b.subarray(8, 16)), 0x1234n);
  throwsErrno(() => v.setEvents(encodeVcpuEvents({ reserved: [1] })), 'EINVAL');
});

// -- ONE_REG dispatch and REG_LIST (§6) ---------------------------------------------------------

test('ONE_REG reaches the vCPU\'s register file; firmware registers reach the VM', () => {
  const { vm } = newVm();
  const a = vm.createVcpu(0);
  const b = vm.createVcpu(1);
  a.init(GENERIC_V8, [PSCI_0_2]);
  b.init(GENERIC_V8, [PSCI_0_2]);
  a.setOneReg(X(7), le64(0xabcn));
  assert.is(a.getX(7), 0xabcn);
  assert.is(get(b, X(7)), 0n, 'registers are per vCPU');
  a.setOneReg(0x6030000000140000n, le64(0x10001n));
  assert.is(get(b, 0x6030000000140000n), 0x10001n, 'the PSCI version is per VM');
  throwsErrno(() => a.setOneReg(PSTATE, le64(0x3c9n)), 'EINVAL');
});

test('getRegList: E2BIG with metadata n = the count when n is too small; the list otherwise', () => {
  const { v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  const count = regList().length;
  for (const n of [0n, 1n, BigInt(count - 1)]) {
    const e = throwsErrno(() => v.getRegList(n), 'E2BIG', `n = ${n}`);
    assert.equal(e.metadata, { n: String(count) });
  }
  assert.equal(v.getRegList(BigInt(count)), regList());
  assert.equal(v.getRegList(1n << 40n), regList());
});

test('setX / getX keep 64 bits', () => {
  const { v } = oneVcpu();
  v.setX(0, -1n);
  assert.is(v.getX(0), 0xffffffffffffffffn);
  v.setX(1, (1n << 64n) | 5n);
  assert.is(v.getX(1), 5n);
  v.setX(30, 0x8000000000000000n);
  assert.is(v.getX(30), 0x8000000000000000n);
});

// -- MP state (§5.5) ----------------------------------------------------------------------------

test('setMpState: RUNNABLE (0), STOPPED (5), SUSPENDED (10) only; anything else EINVAL and unchanged', () => {
  const { v } = oneVcpu();
  for (const s of [SUSPENDED, STOPPED, RUNNABLE]) {
    v.setMpState(s);
    assert.is(v.getMpState(), s);
  }
  v.setMpState(SUSPENDED);
  for (const bad of [1, 2, 3, 4, 6, 7, 8, 9, 11, 255, -1, 0xffffffff]) {
    throwsErrno(() => v.setMpState(bad), 'EINVAL', `mp_state ${bad}`);
    assert.is(v.getMpState(), SUSPENDED);
  }
});

test('a STOPPED vCPU sleeps in KVM_RUN until its deadline (EINTR, no guest code); RUNNABLE again it runs', async () => {
  const { v, ports } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  v.setMpState(STOPPED);
  const t0 = Date.now();
  const r = await v.run({ immediateExit: false, deadline: t0 + 40 });
  assert.is(r.errno, 'EINTR');
  assert.is(r.exitReason, KVM_EXIT.KVM_EXIT_INTR);
  assert.ok(Date.now() - t0 >= 35);
  assert.is(ports.threads.of(0).requests.length, 0);
  v.setMpState(RUNNABLE);
  await v.run(soon(5));
  assert.is(ports.threads.of(0).requests.length, 1);
});

test('setMpState(RUNNABLE) wakes a KVM_RUN sleeping on a STOPPED vCPU', async () => {
  const { v, ports } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2 | POWER_OFF]);
  const t = ports.threads.of(0);
  t.script.push({ kind: 'intr' });
  const run = v.run({ immediateExit: false, deadline: Date.now() + 2000 });
  await new Promise((r) => setTimeout(r, 10));
  assert.is(t.requests.length, 0);
  const t0 = Date.now();
  v.setMpState(RUNNABLE);
  await run;
  assert.ok(Date.now() - t0 < 500);
  assert.is(t.requests.length, 1);
});

// -- Kick and kickPending (§7.1, §7.9) ----------------------------------------------------------

test('Kick while no run is in progress: returns false; the next run returns EINTR at once, exit_reason unchanged, no guest code', async () => {
  const { v, ports } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  const t = ports.threads.of(0);
  assert.is(v.kick(), false);
  assert.is(v.kick(), false, 'a second kick is the same pending kick');
  const t0 = Date.now();
  const r = await v.run({ immediateExit: false, deadline: Date.now() + 2000 });
  assert.ok(Date.now() - t0 < 500);
  assert.is(r.errno, 'EINTR');
  assert.is(r.exitReason, KVM_EXIT.KVM_EXIT_UNKNOWN, 'nothing ran yet: exit_reason is still UNKNOWN');
  assert.is(r.instructions, 0);
  assert.is(t.requests.length, 0);
  assert.is(v.exitReason, KVM_EXIT.KVM_EXIT_UNKNOWN);
  // Consumed: the following run enters the guest.
  t.script.push({ kind: 'mmio', addr: 0x9000000, len: 4, isWrite: true, lo: 0xabcd, hi: 0 });
  const m = await v.run({ immediateExit: false, deadline: Date.now() + 2000 });
  assert.is(m.exitReason, KVM_EXIT.KVM_EXIT_MMIO);
  assert.equal(m.mmio, { physAddr: 0x9000000n, data: new Uint8Array([0xcd, 0xab, 0, 0]), len: 4, isWrite: true });
  // A kick now: the pending MMIO write is completed first, then EINTR with exit_reason MMIO.
  assert.is(v.kick(), false);
  const k = await v.run({ immediateExit: false, deadline: Date.now() + 2000 });
  assert.is(k.errno, 'EINTR');
  assert.is(k.exitReason, KVM_EXIT.KVM_EXIT_MMIO);
  assert.is(k.mmio, undefined);
  const last = t.requests[t.requests.length - 1];
  assert.is(last.completeOnly, true, 'the MMIO completion ran, nothing else');
  assert.equal(last.complete, { lo: 0, hi: 0 });
});

test('immediate_exit: EINTR at once; a pending MMIO read is completed first with the data userspace gave', async () => {
  const { v, ports } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  const t = ports.threads.of(0);
  t.script.push({ kind: 'mmio', addr: 0x9000008, len: 2, isWrite: false, lo: 0, hi: 0 });
  const m = await v.run(soon());
  assert.equal(m.mmio, { physAddr: 0x9000008n, data: new Uint8Array(0), len: 2, isWrite: false });
  const r = await v.run({ immediateExit: true, deadline: Date.now() + 2000, mmioData: new Uint8Array([0x34, 0x12, 0xff, 0xff]) });
  assert.is(r.errno, 'EINTR');
  assert.is(r.exitReason, KVM_EXIT.KVM_EXIT_MMIO);
  assert.equal(t.requests[t.requests.length - 1].complete, { lo: 0x1234, hi: 0 }, 'only len bytes of the data');
  // The completion is not repeated.
  const again = await v.run({ immediateExit: true, deadline: Date.now() + 2000 });
  assert.is(again.errno, 'EINTR');
  assert.is(t.requests.length, 2);
});

test('Kick while a run is in progress: returns true, that run ends with EINTR / KVM_EXIT_INTR; no stale kick afterwards', async () => {
  const { v, ports } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  const t = ports.threads.of(0);
  const run = v.run({ immediateExit: false, deadline: Date.now() + 5000 });
  await new Promise((r) => setTimeout(r, 10));
  assert.is(v.running, true);
  assert.is(t.spinning, true);
  const t0 = Date.now();
  assert.is(v.kick(), true);
  const r = await run;
  assert.ok(Date.now() - t0 < 200, `ended ${Date.now() - t0} ms after the kick`);
  assert.is(r.errno, 'EINTR');
  assert.is(r.exitReason, KVM_EXIT.KVM_EXIT_INTR);
  assert.is(v.exitReason, KVM_EXIT.KVM_EXIT_INTR);
  assert.is(v.running, false);
  assert.is(t.kicks, 1);
  // The kick was consumed by that run: the next one runs until its own deadline.
  const t1 = Date.now();
  await v.run({ immediateExit: false, deadline: t1 + 40 });
  assert.ok(Date.now() - t1 >= 35, 'no stale kick');
  assert.is(t.requests.length, 2);
});

test('Kick wakes a run sleeping on a STOPPED vCPU with EINTR', async () => {
  const { v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2 | POWER_OFF]);
  const run = v.run({ immediateExit: false, deadline: Date.now() + 5000 });
  await new Promise((r) => setTimeout(r, 10));
  const t0 = Date.now();
  assert.is(v.kick(), true);
  const r = await run;
  assert.ok(Date.now() - t0 < 200);
  assert.is(r.errno, 'EINTR');
  assert.is(v.mpState, STOPPED);
});

test('a cancelled call kicks the run it belongs to, and never a later run', async () => {
  const { v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  let cancel!: () => void;
  const cancelled = new Promise<void>((r) => (cancel = r));
  const run = v.run({ immediateExit: false, deadline: Date.now() + 5000, cancelled });
  await new Promise((r) => setTimeout(r, 10));
  cancel();
  const r = await run;
  assert.is(r.exitReason, KVM_EXIT.KVM_EXIT_INTR);
  // A call that ended on its own is cancelled (its stream closes) while the next run is in progress.
  let late!: () => void;
  const lateCancel = new Promise<void>((r2) => (late = r2));
  await v.run({ immediateExit: false, deadline: Date.now() + 5, cancelled: lateCancel });
  const t1 = Date.now();
  const next = v.run({ immediateExit: false, deadline: t1 + 40 });
  await new Promise((r2) => setTimeout(r2, 5));
  late();
  await next;
  assert.ok(Date.now() - t1 >= 35, 'the later run was not kicked');
});

test('a dead VM: init, run and the register calls are EIO', async () => {
  const { vm, v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  vm.markDead('test');
  throwsErrno(() => v.init(GENERIC_V8, [PSCI_0_2]), 'EIO');
  throwsErrno(() => v.getOneReg(PC), 'EIO');
  throwsErrno(() => v.setMpState(0), 'EIO');
  throwsErrno(() => v.finalize(4), 'EIO');
  await rejectsErrno(v.run(soon()), 'EIO');
  assert.is(errnoOf(() => v.kick()), 'OK', 'Kick takes no lock and checks nothing');
});

test('the register word of SCTLR_EL1 is where ONE_REG writes it (the table and the file agree)', () => {
  const { v } = oneVcpu();
  v.init(GENERIC_V8, [PSCI_0_2]);
  v.setOneReg(SYS('SCTLR_EL1'), le64(0x30d00801n));
  assert.is(v.regs.get64(sysregWord('SCTLR_EL1')), 0x30d00801n);
});

test.run();
