/**
 * vCPU initialisation and registers through gRPC (spec §5.2-§5.5, §6, §7.1, §7.9):
 * ArmPreferredTarget, ArmVcpuInit's validation order and reset state, ArmVcpuFinalize, ONE_REG
 * (core, system, timer, firmware and ID registers), GetRegList, MP state, and the ways a Run ends
 * early (Kick, immediate_exit).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, VmHandle, VcpuHandle } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

// Feature bits (§5.3).
const POWER_OFF = 1 << 0;
const EL1_32BIT = 1 << 1;
const PSCI_0_2 = 1 << 2;
const PMU_V3 = 1 << 3;
const SVE = 1 << 4;
const PTRAUTH_ADDRESS = 1 << 5;
const PTRAUTH_GENERIC = 1 << 6;
const HAS_EL2 = 1 << 7;
const HAS_EL2_E2H0 = 1 << 8;
const KVM_ARM_VCPU_SVE = 4;
// MP states (§5.5).
const RUNNABLE = 0;
const STOPPED = 5;
const SUSPENDED = 10;
// Capabilities.
const CAP_ARM_WRITABLE_IMP_ID_REGS = 239;
// Register ids (§6).
const SYSREG = (op0: number, op1: number, crn: number, crm: number, op2: number): bigint =>
  0x6030000000130000n | BigInt((op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2);
const MIDR_EL1 = SYSREG(3, 0, 0, 0, 0);
const ID_AA64PFR0_EL1 = SYSREG(3, 0, 0, 4, 0);
const ID_AA64MMFR0_EL1 = SYSREG(3, 0, 0, 7, 0);
const TPIDR_EL0 = SYSREG(3, 3, 13, 0, 2);
const TIMER_CTL = 0x603000000013df19n;
const TIMER_CNT = 0x603000000013df1an;
const TIMER_CVAL = 0x603000000013df02n;
const PTIMER_CTL = 0x603000000013df11n;
const PTIMER_CVAL = 0x603000000013df12n;
const WORKAROUND_1 = 0x6030000000140001n;
const WORKAROUND_2 = 0x6030000000140002n;
const WORKAROUND_3 = 0x6030000000140003n;
const STD_BMAP = 0x6030000000160000n;
const STD_HYP_BMAP = 0x6030000000160001n;
const VENDOR_HYP_BMAP = 0x6030000000160002n;
const CORE = (index: number, size: bigint): bigint => 0x6000000000100000n | size | BigInt(index);
const U32 = 0x0020000000000000n;
const U64 = 0x0030000000000000n;
const U128 = 0x0040000000000000n;

const SPIN = assemble('b .');
const SLICE_MS = 400;
/** A Run of the spinning guest: it ends at the server's run slice with KVM_EXIT_INTR. */
const RUN = { deadlineMs: 5000 };
// Counts in X0 forever.
const COUNT = assemble('1: add x0, x0, #1\nb 1b');
// str w2, [x1] (an MMIO write exit at x1) ; b .
const STORE_THEN_SPIN = assemble('str w2, [x1]\nb .');
/** The virtual counter runs at CNTFRQ = 62.5 MHz. */
const CNTFRQ = 62_500_000n;

let t: TestServer;
const vms: VmHandle[] = [];
test.before(async () => {
  // Runs that should end with KVM_EXIT_INTR end at the server's run slice, well before the
  // call's deadline (the server keeps only 25 ms between its end of a Run and the deadline).
  t = await startTestServer(['--run-slice-ms', String(SLICE_MS)]);
});
test.after(async () => {
  await t.stop();
});
test.after.each(async () => {
  for (const vm of vms.splice(0)) await t.client.destroyVm(vm.handle).catch(() => undefined);
});

async function newVm(code: Uint8Array = SPIN): Promise<VmHandle> {
  const vm = await t.client.createVm();
  vms.push(vm);
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  return vm;
}

/** A VM with one inited vCPU 0 whose PC is at the guest code. */
async function oneVcpu(code: Uint8Array = SPIN, features = [PSCI_0_2]): Promise<{ vm: VmHandle; v: VcpuHandle }> {
  const vm = await newVm(code);
  const v = await vm.createVcpu(0);
  await v.init(features);
  await v.setReg(REG.PC, GUEST_RAM);
  return { vm, v };
}

const hex = (v: bigint): string => `0x${v.toString(16)}`;

// -- KVM_ARM_PREFERRED_TARGET / KVM_ARM_VCPU_INIT (§5.2, §5.3) ----------------------------------

test('ArmPreferredTarget: GENERIC_V8 (5) with no features', async () => {
  const vm = await newVm();
  const r = await vm.preferredTarget();
  assert.is(r.target, 5);
  assert.equal(r.features.filter((f) => f !== 0), []);
  assert.ok(r.features.length <= 7);
});

test('ArmVcpuInit validation order: EINVAL target, ENOENT unknown bits, EINVAL unsupported features', async () => {
  const vm = await newVm();
  const v = await vm.createVcpu(0);
  for (const target of [0, 1, 2, 3, 4, 6, 0xffffffff]) await rejectsWith(v.init([PSCI_0_2], target), 'EINVAL');
  await rejectsWith(v.init([1 << 9], 4), 'EINVAL'); // the target is checked first
  // Unknown bits in features[0] (above HAS_EL2_E2H0) or anything in features[1..6]: ENOENT.
  for (const features of [[1 << 9], [1 << 31], [PSCI_0_2, 1], [0, 0, 0, 0, 0, 0, 0x80]]) {
    await rejectsWith(v.init(features), 'ENOENT');
  }
  await rejectsWith(v.init([PMU_V3 | (1 << 12)]), 'ENOENT'); // ENOENT before the unsupported-feature EINVAL
  // Known features this host does not offer (§15): EINVAL.
  for (const f of [EL1_32BIT, PMU_V3, SVE, PTRAUTH_ADDRESS | PTRAUTH_GENERIC, PTRAUTH_ADDRESS, HAS_EL2, HAS_EL2_E2H0]) {
    await rejectsWith(v.init([PSCI_0_2 | f]), 'EINVAL');
  }
  // Nothing was initialised by the failures.
  await rejectsWith(v.getReg(REG.PC), 'ENOEXEC');
  assert.is(((await vm.describe()) as { vcpus: Array<{ initialized: boolean }> }).vcpus[0].initialized, false);
  await v.init([PSCI_0_2]);
  assert.is(await v.getReg(REG.PSTATE), 0x3c5n);
});

test('ArmVcpuInit: the feature set is VM-wide (POWER_OFF excluded); re-init resets the vCPU', async () => {
  const vm = await newVm();
  const v0 = await vm.createVcpu(0);
  const v1 = await vm.createVcpu(1);
  const v2 = await vm.createVcpu(2);
  await v0.init([PSCI_0_2 | POWER_OFF]);
  assert.is(await v0.getMpState(), STOPPED, 'POWER_OFF starts the vCPU STOPPED');
  await rejectsWith(v1.init([]), 'EINVAL'); // differs from the VM's PSCI_0_2
  await rejectsWith(v1.init([PSCI_0_2 | PMU_V3]), 'EINVAL');
  await rejectsWith(v1.getReg(REG.PC), 'ENOEXEC');
  await v1.init([PSCI_0_2]); // POWER_OFF is not part of the VM-wide set
  assert.is(await v1.getMpState(), RUNNABLE);
  await v2.init([PSCI_0_2 | POWER_OFF]);
  assert.is(await v2.getMpState(), STOPPED);

  // Re-init: same features (POWER_OFF aside), registers back to their reset values.
  await v0.setReg(REG.X(0), 0x1234n);
  await v0.setReg(REG.X(30), 0x5678n);
  await v0.setReg(REG.PC, GUEST_RAM);
  await v0.setReg(REG.PSTATE, 0x3c4n);
  await v0.setReg(REG.V(3), 0xffn);
  await v0.setReg(REG.SCTLR_EL1, 0x30d00800n);
  await v0.setReg(REG.VBAR_EL1, 0x40000800n);
  await rejectsWith(v0.init([]), 'EINVAL'); // re-init with other features
  assert.is(await v0.getReg(REG.X(0)), 0x1234n, 'the rejected re-init changed nothing');
  await v0.init([PSCI_0_2]);
  assert.is(await v0.getMpState(), RUNNABLE, 'POWER_OFF is ephemeral');
  assert.is(await v0.getReg(REG.X(0)), 0n);
  assert.is(await v0.getReg(REG.X(30)), 0n);
  assert.is(await v0.getReg(REG.PC), 0n);
  assert.is(await v0.getReg(REG.PSTATE), 0x3c5n);
  assert.is(await v0.getReg(REG.V(3)), 0n);
  assert.is(await v0.getReg(REG.SCTLR_EL1), 0x00c50078n);
  assert.is(await v0.getReg(REG.VBAR_EL1), 0n);
  assert.is(await v0.getReg(REG.MPIDR_EL1), 0x80000000n);
  await v0.init([PSCI_0_2 | POWER_OFF]);
  assert.is(await v0.getMpState(), STOPPED);
});

test('re-init after the vCPU has run resets it (the VMM reboot path)', async () => {
  const { v } = await oneVcpu();
  await v.setReg(REG.X(5), 5n);
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
  await v.init([PSCI_0_2]);
  assert.is(await v.getReg(REG.PC), 0n);
  assert.is(await v.getReg(REG.X(5)), 0n);
  assert.is(await v.getReg(REG.PSTATE), 0x3c5n);
});

test('ArmVcpuFinalize: ENOEXEC before INIT, EINVAL for SVE (not enabled) and any other feature', async () => {
  const vm = await newVm();
  const v = await vm.createVcpu(0);
  await rejectsWith(v.finalize(KVM_ARM_VCPU_SVE), 'ENOEXEC');
  await v.init();
  await rejectsWith(v.finalize(KVM_ARM_VCPU_SVE), 'EINVAL');
  for (const f of [0, 1, 2, 3, 5, -1]) await rejectsWith(v.finalize(f), 'EINVAL');
});

test('ENOEXEC before INIT for ONE_REG, REG_LIST, VCPU_EVENTS and Run; MP_STATE and attributes do not need INIT', async () => {
  const vm = await newVm();
  const v = await vm.createVcpu(0);
  await rejectsWith(v.getReg(REG.X(0)), 'ENOEXEC');
  await rejectsWith(v.setReg(REG.X(0), 1n), 'ENOEXEC');
  await rejectsWith(v.getOneReg(0x6030000000999999n), 'ENOEXEC'); // before any id check
  await rejectsWith(v.regList(), 'ENOEXEC');
  await rejectsWith(v.regList(1n), 'ENOEXEC');
  await rejectsWith(v.getEvents(), 'ENOEXEC');
  await rejectsWith(v.setEvents({}), 'ENOEXEC');
  await rejectsWith(v.run(RUN), 'ENOEXEC');
  await rejectsWith(v.run({ ...RUN, immediateExit: true }), 'ENOEXEC');
  assert.is(await v.getMpState(), RUNNABLE);
  await v.hasAttr(1, 0n);
});

// -- Reset values and MPIDR (§5.3) --------------------------------------------------------------

test('reset state: PSTATE 0x3C5, SCTLR_EL1 0x00C50078, X/SP/PC/V/FPSR/FPCR zero; MPIDR from the vCPU id', async () => {
  const vm = await newVm();
  const expect: Array<[number, bigint]> = [[0, 0x80000000n], [17, 0x80000101n], [0x4f, 0x8000040fn], [511, 0x80001f0fn]];
  for (const [id, mpidr] of expect) {
    const v = await vm.createVcpu(id);
    await v.init();
    assert.is(await v.getReg(REG.MPIDR_EL1), mpidr, `vCPU ${id}: ${hex(mpidr)}`);
  }
  // Ids at or above KVM_MAX_VCPU_IDS (512) cannot be created, so 4097's MPIDR (0x80010001) is unreachable.
  await rejectsWith(vm.createVcpu(4097), 'EINVAL');
  await rejectsWith(vm.createVcpu(512), 'EINVAL');
  const v = vm.vcpu(0);
  assert.is(await v.getReg(REG.PSTATE), 0x3c5n);
  assert.is(await v.getReg(REG.SCTLR_EL1), 0x00c50078n);
  for (let n = 0; n < 31; n++) assert.is(await v.getReg(REG.X(n)), 0n, `X${n}`);
  for (const r of [REG.SP, REG.PC, REG.SP_EL1, REG.ELR_EL1, REG.SPSR_EL1, REG.FPSR, REG.FPCR]) assert.is(await v.getReg(r), 0n, hex(r));
  for (let n = 0; n < 32; n++) assert.equal(await v.getOneReg(REG.V(n)), new Uint8Array(16), `V${n}`);
  // MPIDR may be overwritten before the first run.
  await v.setReg(REG.MPIDR_EL1, 0x80000102n);
  assert.is(await v.getReg(REG.MPIDR_EL1), 0x80000102n);
});

// -- ONE_REG (§6.1-§6.2) ------------------------------------------------------------------------

test('ONE_REG core registers: EINVAL arch bits, ENOENT outside kvm_regs, EINVAL size/padding, EFAULT value length', async () => {
  const { v } = await oneVcpu();
  await v.setReg(REG.X(1), 0x1111n);
  // Upper 32 bits other than KVM_REG_ARM64 (size aside): EINVAL.
  for (const id of [0x7030000000100002n, 0x4030000000100002n, 0x6030000100100002n, 0x6031000000100002n, 0x0030000000100002n]) {
    await rejectsWith(v.getOneReg(id), 'EINVAL');
    await rejectsWith(v.setOneReg(id, new Uint8Array(8)), 'EINVAL');
  }
  // Offsets beyond struct kvm_regs (216 words): ENOENT.
  for (const id of [CORE(0xd8, U64), CORE(0x100, U64), CORE(0xffff, U32), CORE(0xd6, U64), CORE(0xd4, U128), CORE(0xd7, U32)]) {
    await rejectsWith(v.getOneReg(id), 'ENOENT');
    await rejectsWith(v.setOneReg(id, new Uint8Array(1 << Number((id >> 52n) & 0xfn))), 'ENOENT');
  }
  // The size must be the field's natural size; padding/reserved words and mid-field offsets are EINVAL.
  const invalid = [
    CORE(0x02, U32), CORE(0x02, U128), CORE(0x40, U32), CORE(0x54, U64), CORE(0xd4, U64), CORE(0xd5, U64),
    CORE(0x52, U64), CORE(0x53, U32), CORE(0xd6, U32), CORE(0x03, U32), CORE(0x55, U32), 0x6010000000100002n,
  ];
  for (const id of invalid) {
    await rejectsWith(v.getOneReg(id), 'EINVAL');
    await rejectsWith(v.setOneReg(id, new Uint8Array(1 << Number((id >> 52n) & 0xfn))), 'EINVAL');
  }
  // The value must be exactly the register's size: EFAULT.
  await rejectsWith(v.setOneReg(REG.X(1), new Uint8Array(4)), 'EFAULT');
  await rejectsWith(v.setOneReg(REG.X(1), new Uint8Array(9)), 'EFAULT');
  await rejectsWith(v.setOneReg(REG.V(0), new Uint8Array(8)), 'EFAULT');
  await rejectsWith(v.setOneReg(REG.FPSR, new Uint8Array(8)), 'EFAULT');
  assert.is(await v.getReg(REG.X(1)), 0x1111n, 'rejected writes change nothing');
  assert.is((await v.getOneReg(REG.X(1))).length, 8);
});

test('ONE_REG PSTATE: only EL0t, EL1t and EL1h are valid modes (EINVAL otherwise)', async () => {
  const { v } = await oneVcpu();
  for (const bad of [0x3c9n, 0x3c8n, 0x3c6n, 0x3c1n, 0x3cdn, 0x3d3n, 0x10n, 0x1d0n]) {
    await rejectsWith(v.setReg(REG.PSTATE, bad), 'EINVAL');
  }
  assert.is(await v.getReg(REG.PSTATE), 0x3c5n);
  for (const ok of [0x3c4n, 0x3c0n, 0x5n, 0x3c5n]) {
    await v.setReg(REG.PSTATE, ok);
    assert.is(await v.getReg(REG.PSTATE), ok);
  }
});

test('ONE_REG: V registers are 16 bytes, FPSR/FPCR 4, X/SP/PC/ELR/SPSR 8; values round-trip', async () => {
  const { v } = await oneVcpu();
  const q = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  await v.setOneReg(REG.V(31), q);
  assert.equal(await v.getOneReg(REG.V(31)), q);
  assert.equal(await v.getOneReg(REG.V(30)), new Uint8Array(16));
  await v.setOneReg(REG.FPSR, new Uint8Array([0x10, 0, 0, 0x08]));
  assert.equal(await v.getOneReg(REG.FPSR), new Uint8Array([0x10, 0, 0, 0x08]));
  await v.setReg(REG.FPCR, 0x03c00000n);
  assert.is((await v.getOneReg(REG.FPCR)).length, 4);
  assert.is(await v.getReg(REG.FPCR), 0x03c00000n);
  for (const [id, val] of [[REG.X(30), 0xfedcba9876543210n], [REG.SP, 0x40008000n], [REG.SP_EL1, 0x4000f000n], [REG.ELR_EL1, 0x40000104n], [REG.SPSR_EL1, 0x3c5n]] as const) {
    await v.setReg(id, val);
    assert.is(await v.getReg(id), val, hex(id));
    assert.is((await v.getOneReg(id)).length, 8);
  }
  // The other SPSR banks (ABT, UND, IRQ, FIQ) are separate 64-bit fields.
  await v.setReg(CORE(0x4e, U64), 0x1d3n);
  assert.is(await v.getReg(CORE(0x4e, U64)), 0x1d3n);
  assert.is(await v.getReg(REG.SPSR_EL1), 0x3c5n);
});

test('ONE_REG system registers: round trips, ENOENT for unknown ids and for a U32 SYSREG id', async () => {
  const { v } = await oneVcpu();
  const list = new Set(await v.regList());
  await v.setReg(REG.VBAR_EL1, 0x40000800n);
  assert.is(await v.getReg(REG.VBAR_EL1), 0x40000800n);
  await v.setReg(TPIDR_EL0, 0xdeadbeefcafef00dn);
  assert.is(await v.getReg(TPIDR_EL0), 0xdeadbeefcafef00dn);
  for (const id of [SYSREG(3, 1, 15, 15, 7), SYSREG(3, 7, 15, 15, 7), SYSREG(1, 0, 0, 0, 0), 0x603000000013ffffn, REG.SCTLR_EL1 | (1n << 28n)]) {
    assert.not.ok(list.has(id), `${hex(id)} is not listed`);
    await rejectsWith(v.getOneReg(id), 'ENOENT');
    await rejectsWith(v.setOneReg(id, new Uint8Array(8)), 'ENOENT');
  }
  // A SYSREG id must be U64: the U32 form of SCTLR_EL1 names no register.
  await rejectsWith(v.getOneReg(0x602000000013c080n), 'ENOENT');
  await rejectsWith(v.setOneReg(0x602000000013c080n, new Uint8Array(4)), 'ENOENT');
  await rejectsWith(v.setOneReg(REG.VBAR_EL1, new Uint8Array(4)), 'EFAULT');
  assert.is(await v.getReg(REG.VBAR_EL1), 0x40000800n);
  // Group SVE is not offered.
  await rejectsWith(v.getOneReg(0x6080000000150000n), 'ENOENT');
});

test('timer pseudo-registers: TIMER_CNT reads back close to a written value; CVAL and CTL round-trip', async () => {
  const { v } = await oneVcpu();
  const a = await v.getReg(TIMER_CNT);
  const b = await v.getReg(TIMER_CNT);
  assert.ok(b >= a, 'the virtual counter does not go backwards');
  const written = 0x100000000000n;
  const before = Date.now();
  await v.setReg(TIMER_CNT, written);
  const read = await v.getReg(TIMER_CNT);
  const elapsed = BigInt(Date.now() - before + 5);
  assert.ok(read >= written && read - written <= (elapsed * CNTFRQ) / 1000n, `read ${hex(read)} after writing ${hex(written)}`);
  await v.setReg(TIMER_CVAL, 0x4000000000000000n);
  assert.is(await v.getReg(TIMER_CVAL), 0x4000000000000000n);
  await v.setReg(TIMER_CTL, 3n); // ENABLE | IMASK, not expired
  assert.is(await v.getReg(TIMER_CTL), 3n);
  await v.setReg(PTIMER_CVAL, 0x4000000000000001n);
  assert.is(await v.getReg(PTIMER_CVAL), 0x4000000000000001n);
  await v.setReg(PTIMER_CTL, 2n);
  assert.is(await v.getReg(PTIMER_CTL), 2n);
  // The counter is VM-wide: another vCPU reads the same timeline.
  const v1 = await v.vm.createVcpu(1);
  await v1.init();
  const other = await v1.getReg(TIMER_CNT);
  assert.ok(other >= written && other - written < CNTFRQ * 5n, 'vCPU 1 sees the offset written through vCPU 0');
});

// -- Firmware registers (§6.5) ------------------------------------------------------------------

test('PSCI_VERSION: 0x10003 with PSCI_0_2, 0x1 without; only versions valid for the vCPU are accepted', async () => {
  const { v } = await oneVcpu();
  assert.is(await v.getReg(REG.PSCI_VERSION), 0x10003n);
  for (const bad of [0x1n, 0x0n, 0x3n, 0x10004n, 0x20000n, 0x100000000n]) await rejectsWith(v.setReg(REG.PSCI_VERSION, bad), 'EINVAL');
  assert.is(await v.getReg(REG.PSCI_VERSION), 0x10003n);
  for (const ok of [0x2n, 0x10000n, 0x10001n, 0x10002n, 0x10003n, 0x10000n]) {
    await v.setReg(REG.PSCI_VERSION, ok);
    assert.is(await v.getReg(REG.PSCI_VERSION), ok);
  }
  // A different size in the id names no firmware register.
  await rejectsWith(v.getOneReg(0x6020000000140000n), 'ENOENT');
  await rejectsWith(v.getOneReg(0x6030000000140004n), 'ENOENT');

  const { v: old } = await oneVcpu(SPIN, []);
  assert.is(await old.getReg(REG.PSCI_VERSION), 0x1n);
  for (const bad of [0x2n, 0x10000n, 0x10003n, 0x0n]) await rejectsWith(old.setReg(REG.PSCI_VERSION, bad), 'EINVAL');
  await old.setReg(REG.PSCI_VERSION, 0x1n);
  assert.is(await old.getReg(REG.PSCI_VERSION), 0x1n);
});

test('firmware bitmaps: writes may only clear bits, unknown bits EINVAL, a change after the VM ran EBUSY', async () => {
  const { v } = await oneVcpu();
  assert.is(await v.getReg(WORKAROUND_1), 2n);
  assert.is(await v.getReg(WORKAROUND_2), 3n);
  assert.is(await v.getReg(WORKAROUND_3), 2n);
  // A state no better than the implementation's (NOT_REQUIRED) is accepted, not stored (migration
  // from a less fortunate host); unknown bits are EINVAL (hypercalls.c kvm_arm_set_fw_reg).
  await v.setReg(WORKAROUND_1, 1n);
  assert.is(await v.getReg(WORKAROUND_1), 2n);
  await rejectsWith(v.setReg(WORKAROUND_1, 0x12n), 'EINVAL');
  await rejectsWith(v.setReg(WORKAROUND_2, 0x13n), 'EINVAL');
  await v.setReg(WORKAROUND_2, 0x12n);
  await v.setReg(WORKAROUND_1, 2n);
  assert.is(await v.getReg(STD_BMAP), 0n, 'TRNG is not emulated');
  assert.is(await v.getReg(STD_HYP_BMAP), 1n, 'PV_TIME');
  assert.is(await v.getReg(VENDOR_HYP_BMAP), 1n, 'FUNC_FEAT (no PTP)');
  await rejectsWith(v.setReg(STD_BMAP, 1n), 'EINVAL');
  await rejectsWith(v.setReg(STD_HYP_BMAP, 3n), 'EINVAL');
  await rejectsWith(v.setReg(VENDOR_HYP_BMAP, 2n), 'EINVAL'); // PTP not offered
  await rejectsWith(v.setReg(VENDOR_HYP_BMAP, 1n << 63n), 'EINVAL');
  assert.is(await v.getReg(VENDOR_HYP_BMAP), 1n);
  await v.setReg(STD_HYP_BMAP, 0n);
  assert.is(await v.getReg(STD_HYP_BMAP), 0n);
  await v.setReg(STD_HYP_BMAP, 1n); // back to the supported set
  await v.setReg(VENDOR_HYP_BMAP, 0n);
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
  await rejectsWith(v.setReg(VENDOR_HYP_BMAP, 1n), 'EBUSY');
  await rejectsWith(v.setReg(STD_HYP_BMAP, 0n), 'EBUSY');
  await v.setReg(STD_HYP_BMAP, 1n); // the same value still succeeds
  await v.setReg(VENDOR_HYP_BMAP, 0n);
  await rejectsWith(v.setReg(VENDOR_HYP_BMAP, 2n), 'EINVAL');
  assert.is(await v.getReg(VENDOR_HYP_BMAP), 0n);
  assert.is(await v.getReg(STD_HYP_BMAP), 1n);
});

// -- ID and implementation registers (§6.3) -----------------------------------------------------

test('ID registers: PARange 2 for 40 bits; lowering OK, raising past the host EINVAL; EBUSY after the run; same value OK', async () => {
  const { v } = await oneVcpu();
  const mmfr0 = await v.getReg(ID_AA64MMFR0_EL1);
  assert.is(mmfr0 & 0xfn, 2n, 'PARange = 0b0010 (40 bits)');
  await rejectsWith(v.setReg(ID_AA64MMFR0_EL1, (mmfr0 & ~0xfn) | 5n), 'EINVAL'); // 48 bits
  await rejectsWith(v.setReg(ID_AA64MMFR0_EL1, (mmfr0 & ~0xf0n) | 0xf0n), 'EINVAL'); // ASIDBits
  assert.is(await v.getReg(ID_AA64MMFR0_EL1), mmfr0);
  const lowered = (mmfr0 & ~0xfn) | 1n; // 36 bits
  await v.setReg(ID_AA64MMFR0_EL1, lowered);
  assert.is(await v.getReg(ID_AA64MMFR0_EL1), lowered);
  await rejectsWith(v.setReg(ID_AA64MMFR0_EL1, (mmfr0 & ~0xfn) | 5n), 'EINVAL');
  assert.is(await v.getReg(ID_AA64MMFR0_EL1), lowered);
  const pfr0 = await v.getReg(ID_AA64PFR0_EL1);
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
  await rejectsWith(v.setReg(ID_AA64MMFR0_EL1, mmfr0), 'EBUSY');
  await rejectsWith(v.setReg(ID_AA64MMFR0_EL1, (lowered & ~0xfn)), 'EBUSY');
  await v.setReg(ID_AA64MMFR0_EL1, lowered); // the same value after the run
  await v.setReg(ID_AA64PFR0_EL1, pfr0);
  assert.is(await v.getReg(ID_AA64MMFR0_EL1), lowered);
});

test('ID registers: the limit is what the host supports, not the current value — a lowered field may be raised back', async () => {
  // linux: arch/arm64/kvm/sys_regs.c (arm64_check_features: limit = rd->reset(vcpu, rd)).
  const { v } = await oneVcpu();
  const mmfr0 = await v.getReg(ID_AA64MMFR0_EL1);
  const lowered = (mmfr0 & ~0xfn) | 1n;
  await v.setReg(ID_AA64MMFR0_EL1, lowered);
  await v.setReg(ID_AA64MMFR0_EL1, mmfr0);
  assert.is(await v.getReg(ID_AA64MMFR0_EL1), mmfr0);
});

test('MIDR_EL1: EINVAL unless KVM_CAP_ARM_WRITABLE_IMP_ID_REGS was enabled before any vCPU', async () => {
  assert.is(await t.client.checkExtension(CAP_ARM_WRITABLE_IMP_ID_REGS), 1);
  const { vm, v } = await oneVcpu();
  const midr = await v.getReg(MIDR_EL1);
  await v.setReg(MIDR_EL1, midr); // the current value is always accepted
  await rejectsWith(v.setReg(MIDR_EL1, 0x410fd083n), 'EINVAL');
  await rejectsWith(vm.enableCap(CAP_ARM_WRITABLE_IMP_ID_REGS), 'EINVAL'); // a vCPU exists
  assert.is(await v.getReg(MIDR_EL1), midr);

  const vm2 = await newVm();
  await rejectsWith(vm2.enableCap(CAP_ARM_WRITABLE_IMP_ID_REGS, [], 1), 'EINVAL'); // flags must be 0
  await vm2.enableCap(CAP_ARM_WRITABLE_IMP_ID_REGS);
  const w = await vm2.createVcpu(0);
  await w.init();
  await w.setReg(REG.PC, GUEST_RAM);
  await w.setReg(MIDR_EL1, 0x410fd083n);
  assert.is(await w.getReg(MIDR_EL1), 0x410fd083n);
  await rejectsWith(vm2.enableCap(CAP_ARM_WRITABLE_IMP_ID_REGS), 'EINVAL');
  // Frozen once the VM has run; the same value is still accepted.
  assert.is((await w.run(RUN)).reason, 'KVM_EXIT_INTR');
  await rejectsWith(w.setReg(MIDR_EL1, midr), 'EBUSY');
  await w.setReg(MIDR_EL1, 0x410fd083n);
  assert.is(await w.getReg(MIDR_EL1), 0x410fd083n);
});

// -- GET_REG_LIST (§6.7) ------------------------------------------------------------------------

test('GetRegList: E2BIG with the count in info.n; the list holds the key registers, each readable at its size', async () => {
  const { v } = await oneVcpu();
  const err = await rejectsWith(v.regList(1n), 'E2BIG');
  const count = Number(err.info.n);
  assert.ok(count > 100, `n = ${err.info.n}`);
  await rejectsWith(v.regList(0n), 'E2BIG');
  await rejectsWith(v.regList(BigInt(count - 1)), 'E2BIG');
  const list = await v.regList(BigInt(count));
  assert.is(list.length, count);
  assert.is(new Set(list).size, count, 'no duplicates');
  assert.equal(await v.regList(BigInt(count) + 100n), list, 'a larger n returns the same list');
  for (const id of [REG.X(0), REG.X(30), REG.PC, REG.PSTATE, REG.V(0), REG.V(31), REG.FPSR, REG.FPCR, REG.MPIDR_EL1, REG.SCTLR_EL1, TIMER_CNT, TIMER_CVAL, TIMER_CTL, REG.PSCI_VERSION, MIDR_EL1, ID_AA64MMFR0_EL1]) {
    assert.ok(list.includes(id), `${hex(id)} is listed`);
  }
  const core = list.filter((id) => ((id >> 16n) & 0xfffn) === 0x10n);
  assert.is(core.length, 75, '75 core registers (§6.2)');
  const values = await Promise.all(list.map((id) => v.getOneReg(id)));
  list.forEach((id, i) => {
    assert.is(id >> 56n, 0x60n, `${hex(id)}: arm64`);
    assert.is(values[i].length, 1 << Number((id >> 52n) & 0xfn), `${hex(id)}: the size its id says`);
  });
});

// -- MP state (§5.5) ----------------------------------------------------------------------------

test('MP state: only RUNNABLE, STOPPED and SUSPENDED; a STOPPED vCPU sleeps in Run until the deadline', async () => {
  const { v } = await oneVcpu(COUNT);
  // A first Run starts the vCPU thread's guest execution, so that "nothing ran" below means something.
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
  await v.setReg(REG.X(0), 0n);
  await v.setReg(REG.PC, GUEST_RAM);
  for (const bad of [1, 2, 3, 4, 6, 7, 8, 9, 11, 0xffffffff]) await rejectsWith(v.setMpState(bad), 'EINVAL');
  assert.is(await v.getMpState(), RUNNABLE);
  await v.setMpState(SUSPENDED);
  assert.is(await v.getMpState(), SUSPENDED);
  await v.setMpState(STOPPED);
  assert.is(await v.getMpState(), STOPPED);
  const started = Date.now();
  const exit = await v.run(RUN);
  const took = Date.now() - started;
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.is(exit.instructions, 0n, 'no guest code ran');
  assert.ok(took >= SLICE_MS * 0.75, `Run blocked for ${took} ms`);
  assert.is(await v.getMpState(), STOPPED);
  assert.is(await v.getReg(REG.X(0)), 0n, 'the counter did not move');
  await v.setMpState(RUNNABLE);
  const ran = await v.run(RUN);
  assert.is(ran.reason, 'KVM_EXIT_INTR');
  assert.ok(ran.instructions > 0n, 'RUNNABLE again: the guest runs');
  assert.ok((await v.getReg(REG.X(0))) > 0n, 'the counter moved');
});

// -- Kick and immediate_exit (§7.1, §7.9) -------------------------------------------------------

test('Kick ends a Run spinning in `b .` with EINTR within 50 ms', async () => {
  const { vm, v } = await oneVcpu();
  // A first Run starts the vCPU thread's guest execution; the measured one then spins at once.
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
  const run = v.run({ deadlineMs: 5000 });
  const deadline = Date.now() + 2000;
  for (;;) {
    const d = (await vm.describe()) as { vcpus: Array<{ running: boolean }> };
    if (d.vcpus[0].running) break;
    assert.ok(Date.now() < deadline, 'the Run started');
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 50)); // let the guest spin
  const kicked = Date.now();
  const wasRunning = await v.kick();
  const exit = await run;
  const took = Date.now() - kicked;
  assert.is(wasRunning, true);
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.ok(exit.instructions > 0n);
  assert.ok(took < 50, `the Run ended ${took} ms after the Kick`);
  // The kick was consumed: the next Run runs normally until its deadline.
  const started = Date.now();
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
  assert.ok(Date.now() - started >= SLICE_MS / 2, 'no stale kick');
});

test('a Kick before a Run, and immediate_exit, make that Run return EINTR at once with exit_reason unchanged', async () => {
  const { v } = await oneVcpu(STORE_THEN_SPIN);
  await v.setReg(REG.X(1), 0x9000000n);
  await v.setReg(REG.X(2), 0xabcdn);
  // Nothing ran yet: exit_reason is still KVM_EXIT_UNKNOWN.
  assert.is(await v.kick(), false);
  let exit = await v.run({ deadlineMs: 2000 });
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_UNKNOWN');
  assert.is(exit.instructions, 0n);
  assert.is(await v.getReg(REG.PC), GUEST_RAM, 'the guest did not run');
  exit = await v.run({ deadlineMs: 2000 });
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.equal(exit.mmio, { physAddr: 0x9000000n, data: new Uint8Array([0xcd, 0xab, 0, 0]), len: 4, isWrite: true });
  assert.is(await v.getReg(REG.PC), GUEST_RAM);

  assert.is(await v.kick(), false);
  let started = Date.now();
  exit = await v.run({ deadlineMs: 2000 });
  assert.ok(Date.now() - started < 500, 'at once');
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_MMIO', 'exit_reason unchanged');
  assert.is(exit.mmio, undefined);
  // The pending MMIO write was completed first (§7.1 step 1): PC moved past the store.
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 4n);

  started = Date.now();
  exit = await v.run({ immediateExit: true, deadlineMs: 2000 });
  assert.ok(Date.now() - started < 500);
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_MMIO');
  assert.is(exit.instructions, 0n);
  assert.is(await v.getReg(REG.PC), GUEST_RAM + 4n);

  exit = await v.run(RUN);
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  exit = await v.run({ immediateExit: true });
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.is(exit.instructions, 0n);
});

test.run();
