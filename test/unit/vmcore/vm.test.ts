/**
 * The VM object (spec §1.1, §3.3, §5.1, §7.2, §8, §9, §10.11): the kernel's check orders and
 * errnos for KVM_CREATE_VCPU, KVM_CREATE_IRQCHIP / KVM_CREATE_DEVICE, KVM_ARM_SET_DEVICE_ADDR,
 * KVM_IRQ_LINE and KVM_ENABLE_CAP; the first-run work and the dead-VM rule; the PSCI hooks.
 * The devices are the real ones (or a FakeIrqchip where a failure must be provoked); vCPU threads
 * are fakes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KvmError } from '../../../vmcore/errno';
import { KVM_CAP, KVM_MP_STATE } from '../../../vmcore/kvm-constants';
import { CTL_KICK, CTL_LINES } from '../../../vmcore/vcpu-thread-protocol';
import type { Vcpu } from '../../../vmcore/vcpu';
import type { VcpuAttrsPort } from '../../../vmcore/vm-ports';
import { sysregWord } from '../../../vmcore/cpu/sysregs';
import { FakeIrqchip, errnoOf, fromLe, le64, newVm, rejectsErrno, soon, throwsErrno } from './fake-ports';

const GENERIC_V8 = 5;
const PSCI_0_2 = 1 << 2;
const POWER_OFF = 1 << 0;
const V2 = 5;
const V3 = 7;
const TEST = 1;
const GRP_ADDR = 0;
const GRP_CTRL = 4;
const STOPPED = KVM_MP_STATE.KVM_MP_STATE_STOPPED;
const RUNNABLE = KVM_MP_STATE.KVM_MP_STATE_RUNNABLE;

/** A VM whose irqchip is a FakeIrqchip; chip() returns it once created. */
function fakeChipVm() {
  const r = newVm({ irqchip: (model, vm) => new FakeIrqchip(model, vm) });
  const chip = (): FakeIrqchip => r.ports.irqchips[0] as FakeIrqchip;
  return { ...r, chip };
}

/** Inits vCPU `v` and runs it once until the fake guest's slice ends (EINTR). */
async function runOnce(v: Vcpu, ms = 5): Promise<void> {
  if (!v.initialized) v.init(GENERIC_V8, [PSCI_0_2]);
  const r = await v.run(soon(ms));
  assert.is(r.errno, 'EINTR');
}

const irq = (type: number, vcpu: number, num: number, vcpu2 = 0): number => ((vcpu2 << 28) | (type << 24) | (vcpu << 16) | num) >>> 0;

// -- KVM_CREATE_VCPU (§5.1) ---------------------------------------------------------------------

test('CreateVcpu: ids 0..511 accepted without an irqchip; EINVAL for id >= 512 (or negative); index = creation order', () => {
  const { vm } = newVm();
  for (const bad of [512, 513, 4096, 0x7fffffff, -1]) throwsErrno(() => vm.createVcpu(bad), 'EINVAL', `id ${bad}`);
  const a = vm.createVcpu(511);
  const b = vm.createVcpu(0);
  assert.is(a.index, 0);
  assert.is(b.index, 1);
  assert.is(vm.vcpu(511), a);
  assert.is(vm.vcpu(1), undefined);
  assert.equal(vm.vcpus().map((v) => v.id), [511, 0]);
  throwsErrno(() => vm.createVcpu(511), 'EEXIST');
  throwsErrno(() => vm.createVcpu(0), 'EEXIST');
  assert.is(vm.vcpus().length, 2, 'rejected calls created nothing');
});

test('CreateVcpu: the count limit (512) is checked before EEXIST', () => {
  const { vm } = newVm();
  for (let id = 0; id < 512; id++) vm.createVcpu(id);
  throwsErrno(() => vm.createVcpu(3), 'EINVAL', 'the VM is full: EINVAL before EEXIST');
  throwsErrno(() => vm.createVcpu(600), 'EINVAL');
  assert.is(vm.vcpus().length, 512);
});

test('CreateVcpu with a GICv2: ids 8+ EINVAL; the 9th vCPU EINVAL (count) even for an existing id; EEXIST below', () => {
  const { vm } = newVm();
  vm.createIrqchip();
  assert.is(vm.maxVcpus(), 8);
  vm.createVcpu(0);
  vm.createVcpu(7);
  for (const id of [8, 9, 100, 511]) throwsErrno(() => vm.createVcpu(id), 'EINVAL', `id ${id} >= 8`);
  throwsErrno(() => vm.createVcpu(7), 'EEXIST');
  for (let id = 1; id < 7; id++) vm.createVcpu(id);
  throwsErrno(() => vm.createVcpu(3), 'EINVAL', 'count 8 >= 8: EINVAL before EEXIST');
  throwsErrno(() => vm.createVcpu(512), 'EINVAL');
});

test('CreateVcpu after the VGIC is initialised: EBUSY, before the id-limit EINVAL and before EEXIST', () => {
  const { vm, chip } = fakeChipVm();
  vm.createIrqchip();
  vm.createVcpu(0);
  chip().initialized = true;
  throwsErrno(() => vm.createVcpu(1), 'EBUSY');
  throwsErrno(() => vm.createVcpu(0), 'EBUSY', 'EBUSY before EEXIST');
  throwsErrno(() => vm.createVcpu(9), 'EBUSY', 'EBUSY before "id >= 8" (§5.1 step 3 before 4)');
  throwsErrno(() => vm.createVcpu(512), 'EINVAL', 'step 1 still comes first');
  assert.is(vm.vcpus().length, 1);
});

test('CreateVcpu after a real GICv3 CTRL_INIT: EBUSY', () => {
  const { vm } = newVm();
  const fd = vm.createDevice(V3, 0);
  vm.createVcpu(0);
  vm.deviceSetAttr(fd, GRP_CTRL, 0n, new Uint8Array(0));
  assert.is(vm.vgicInitialized(), true);
  throwsErrno(() => vm.createVcpu(1), 'EBUSY');
});

test('CreateVcpu: a VGIC refusal (onVcpuCreated) rolls the vCPU back; the id can be created afterwards', () => {
  const { vm, chip } = fakeChipVm();
  vm.createDevice(V3, 0);
  vm.createVcpu(0);
  chip().failVcpuCreated = new KvmError('EINVAL', 'redistributor layout');
  throwsErrno(() => vm.createVcpu(5), 'EINVAL');
  assert.is(vm.vcpu(5), undefined);
  assert.equal(vm.vcpus().map((v) => v.id), [0]);
  const v = vm.createVcpu(5);
  assert.is(v.index, 1, 'the index of the rolled-back vCPU is reused');
  assert.equal(chip().created.map((x) => x.id), [0, 5]);
});

test('CreateVcpu tells an existing irqchip; creating the irqchip tells it about the vCPUs already there', () => {
  const { vm, chip } = fakeChipVm();
  vm.createVcpu(3);
  vm.createVcpu(1);
  vm.createDevice(V3, 0);
  assert.equal(chip().created.map((v) => v.id), [3, 1]);
  vm.createVcpu(2);
  assert.equal(chip().created.map((v) => v.id), [3, 1, 2]);
});

// -- KVM_CREATE_IRQCHIP / KVM_CREATE_DEVICE (§8.1, §9.1) ----------------------------------------

test('CreateIrqchip / CreateDevice: EEXIST for a second irqchip of either model', () => {
  for (const first of ['irqchip', 'v2', 'v3'] as const) {
    const { vm } = newVm();
    if (first === 'irqchip') vm.createIrqchip();
    else vm.createDevice(first === 'v2' ? V2 : V3, 0);
    throwsErrno(() => vm.createIrqchip(), 'EEXIST', `${first} then CREATE_IRQCHIP`);
    throwsErrno(() => vm.createDevice(V2, 0), 'EEXIST', `${first} then VGIC_V2`);
    throwsErrno(() => vm.createDevice(V3, 0), 'EEXIST', `${first} then VGIC_V3`);
  }
});

test('CreateIrqchip / CreateDevice: EBUSY once a vCPU has run; EEXIST is checked first', async () => {
  const { vm } = newVm();
  const v = vm.createVcpu(0);
  await runOnce(v);
  throwsErrno(() => vm.createIrqchip(), 'EBUSY');
  throwsErrno(() => vm.createDevice(V2, 0), 'EBUSY');
  throwsErrno(() => vm.createDevice(V3, 0), 'EBUSY');
  assert.is(vm.hasIrqchip(), false);

  const { vm: y } = newVm();
  y.createIrqchip();
  const yv = y.createVcpu(0);
  y.armSetDeviceAddr(0n, 0x08000000n);
  y.armSetDeviceAddr(1n, 0x08010000n);
  await runOnce(yv);
  throwsErrno(() => y.createDevice(V3, 0), 'EEXIST', 'EEXIST before EBUSY');
});

test('GICv2: E2BIG with more than 8 vCPUs (exactly 8 is fine); a GICv3 takes them; nothing changes on failure', () => {
  const { vm } = newVm();
  for (let id = 0; id < 9; id++) vm.createVcpu(id);
  throwsErrno(() => vm.createIrqchip(), 'E2BIG');
  throwsErrno(() => vm.createDevice(V2, 0), 'E2BIG');
  assert.is(vm.hasIrqchip(), false);
  assert.is(vm.maxVcpus(), 512);
  assert.equal(vm.listDevices(), []);
  vm.createDevice(V3, 0);
  assert.is(vm.irqchipModel, 'v3');

  const { vm: eight } = newVm();
  for (let id = 0; id < 8; id++) eight.createVcpu(id);
  eight.createIrqchip();
  assert.is(eight.maxVcpus(), 8);
});

test('CreateDevice: ENODEV for types other than VGIC_V2/V3 (ITS and PV_TIME included), also with the TEST flag', () => {
  const { vm } = newVm();
  for (const type of [0, 1, 2, 3, 4, 6, 8, 9, 10, 11, 12, 0xffffffff]) {
    throwsErrno(() => vm.createDevice(type, 0), 'ENODEV', `type ${type}`);
    throwsErrno(() => vm.createDevice(type, TEST), 'ENODEV', `type ${type} with TEST`);
  }
  assert.is(vm.hasIrqchip(), false);
});

test('CreateDevice TEST: returns 0 and creates nothing, even when an irqchip exists; other flag bits are ignored', () => {
  const { vm } = newVm();
  assert.is(vm.createDevice(V2, TEST), 0);
  assert.is(vm.createDevice(V3, TEST | 2), 0);
  assert.is(vm.hasIrqchip(), false);
  assert.equal(vm.listDevices(), []);
  const fd = vm.createDevice(V3, 2); // bit 1 is not TEST
  assert.ok(fd > 0);
  assert.is(vm.createDevice(V2, TEST), 0, 'no EEXIST in TEST mode');
  assert.is(vm.createDevice(V3, TEST), 0);
  assert.equal(vm.listDevices().map((d) => [d.fd, d.type, d.name]), [[fd, V3, 'vgic-v3']]);
});

test('device attributes: EBADF for a device fd the VM never returned (KVM_CREATE_IRQCHIP returns none)', () => {
  const { vm } = newVm();
  vm.createIrqchip();
  throwsErrno(() => vm.deviceHasAttr(1, GRP_CTRL, 0n), 'EBADF');
  const { vm: w } = newVm();
  const fd = w.createDevice(V2, 0);
  w.deviceHasAttr(fd, GRP_CTRL, 0n);
  throwsErrno(() => w.deviceGetAttr(fd + 1, GRP_ADDR, 0n), 'EBADF');
});

// -- KVM_ARM_SET_DEVICE_ADDR (§9.3) -------------------------------------------------------------

test('ArmSetDeviceAddr: ENODEV for a device id other than VGIC_V2, and when no GICv2 exists (none, or a GICv3)', () => {
  const { vm } = newVm();
  throwsErrno(() => vm.armSetDeviceAddr(0n, 0x08000000n), 'ENODEV', 'no irqchip');
  vm.createDevice(V3, 0);
  throwsErrno(() => vm.armSetDeviceAddr(0n, 0x08000000n), 'ENODEV', 'a GICv3');
  const { vm: v2 } = newVm();
  v2.createIrqchip();
  for (const dev of [1n, 2n, 0xffffn]) throwsErrno(() => v2.armSetDeviceAddr(dev << 16n, 0x08000000n), 'ENODEV', `device id ${dev}`);
  throwsErrno(() => v2.armSetDeviceAddr(2n, 0x08000000n), 'ENODEV', 'unknown address type');
});

test('ArmSetDeviceAddr on a GICv2: DIST then CPU, EEXIST for a second set; bits 63:32 of the id are ignored', () => {
  const { vm } = newVm();
  vm.createIrqchip();
  vm.armSetDeviceAddr(0xffffffff_00000000n, 0x08000000n); // DIST, upper bits masked off
  throwsErrno(() => vm.armSetDeviceAddr(0n, 0x09000000n), 'EEXIST');
  vm.armSetDeviceAddr(1n, 0x08010000n);
  throwsErrno(() => vm.armSetDeviceAddr(1n, 0x08010000n), 'EEXIST');
  const { vm: w, chip } = fakeChipVm();
  w.createIrqchip();
  w.armSetDeviceAddr(0x1_0000_0001n, 0x1000n);
  assert.equal(chip().addrs, [{ type: 1, addr: 0x1000n }], 'the device sees type 1 and the address');
});

// -- KVM_IRQ_LINE (§8.2) ------------------------------------------------------------------------

test('IRQ_LINE type CPU: drives bit 0 (IRQ) / bit 1 (FIQ) of the target vCPU\'s line word and its thread', () => {
  const { vm, ports } = newVm();
  const v0 = vm.createVcpu(0);
  const v1 = vm.createVcpu(1);
  v1.init(GENERIC_V8, [PSCI_0_2]);
  vm.irqLine(irq(0, 0, 0), 1);
  assert.is(Atomics.load(v0.ctl, CTL_LINES), 1);
  vm.irqLine(irq(0, 0, 1), 7); // any non-zero level asserts
  assert.is(Atomics.load(v0.ctl, CTL_LINES), 3);
  vm.irqLine(irq(0, 0, 0), 0);
  assert.is(Atomics.load(v0.ctl, CTL_LINES), 2);
  assert.is(Atomics.load(v1.ctl, CTL_LINES), 0, 'only the target');
  vm.irqLine(irq(0, 1, 1), 1);
  assert.is(Atomics.load(v1.ctl, CTL_LINES), 2);
  assert.is(ports.threads.of(1).lines, 2, 'the running thread hears of it');
  vm.irqLine(irq(0, 1, 1), 0);
  assert.is(ports.threads.of(1).lines, 0);
});

test('IRQ_LINE: the target is vcpu2_index * 256 + vcpu_index, looked up by vCPU id', () => {
  const { vm } = newVm();
  const v44 = vm.createVcpu(44);
  const v300 = vm.createVcpu(300); // 1 * 256 + 44
  vm.irqLine(irq(0, 44, 0, 1), 1);
  assert.is(Atomics.load(v300.ctl, CTL_LINES), 1);
  assert.is(Atomics.load(v44.ctl, CTL_LINES), 0);
  vm.irqLine(irq(0, 44, 1, 0), 1);
  assert.is(Atomics.load(v44.ctl, CTL_LINES), 2);
  const v511 = vm.createVcpu(511); // 1 * 256 + 255
  vm.irqLine(irq(0, 255, 0, 1), 1);
  assert.is(Atomics.load(v511.ctl, CTL_LINES), 1);
});

test('IRQ_LINE type CPU: ENXIO with an in-kernel irqchip; EINVAL for an unknown vCPU or irq_id > 1', () => {
  const { vm } = newVm();
  vm.createVcpu(0);
  throwsErrno(() => vm.irqLine(irq(0, 1, 0), 1), 'EINVAL', 'no vCPU 1');
  throwsErrno(() => vm.irqLine(irq(0, 0, 0, 1), 1), 'EINVAL', 'no vCPU 256');
  for (const n of [2, 3, 32, 0xffff]) throwsErrno(() => vm.irqLine(irq(0, 0, n), 1), 'EINVAL', `irq_id ${n}`);
  throwsErrno(() => vm.irqLine(irq(0, 1, 5), 1), 'EINVAL');
  vm.createIrqchip();
  throwsErrno(() => vm.irqLine(irq(0, 0, 0), 1), 'ENXIO');
  throwsErrno(() => vm.irqLine(irq(0, 9, 9), 1), 'ENXIO', 'ENXIO before the vCPU lookup');
});

test('IRQ_LINE types SPI/PPI: ENXIO without an irqchip (before any other check)', () => {
  const { vm } = newVm();
  vm.createVcpu(0);
  for (const i of [irq(1, 0, 40), irq(1, 0, 3), irq(2, 0, 20), irq(2, 9, 5)]) throwsErrno(() => vm.irqLine(i, 1), 'ENXIO', `irq 0x${i.toString(16)}`);
});

test('IRQ_LINE with an irqchip: SPI needs INTID >= 32 (vCPU fields ignored); PPI needs a vCPU and INTID 16..31', () => {
  const { vm, chip } = fakeChipVm();
  vm.createDevice(V3, 0);
  vm.createVcpu(0);
  vm.createVcpu(300);
  for (const n of [0, 15, 16, 31]) throwsErrno(() => vm.irqLine(irq(1, 0, n), 1), 'EINVAL', `SPI ${n}`);
  vm.irqLine(irq(1, 77, 32, 3), 1); // vCPU fields name no vCPU: ignored for SPIs
  vm.irqLine(irq(1, 0, 1019), 0);
  throwsErrno(() => vm.irqLine(irq(2, 1, 20), 1), 'EINVAL', 'PPI of an unknown vCPU');
  for (const n of [0, 15, 32, 100]) throwsErrno(() => vm.irqLine(irq(2, 0, n), 1), 'EINVAL', `PPI ${n}`);
  vm.irqLine(irq(2, 0, 16), 1);
  vm.irqLine(irq(2, 44, 31, 1), 0);
  assert.equal(chip().lines, [
    { type: 'spi', vcpu: undefined, intid: 32, level: true },
    { type: 'spi', vcpu: undefined, intid: 1019, level: false },
    { type: 'ppi', vcpu: 0, intid: 16, level: true },
    { type: 'ppi', vcpu: 300, intid: 31, level: false },
  ]);
});

test('IRQ_LINE: irq_type 3..15 is EINVAL, with or without an irqchip', () => {
  const { vm } = newVm();
  vm.createVcpu(0);
  for (let t = 3; t < 16; t++) throwsErrno(() => vm.irqLine(irq(t, 0, 0), 1), 'EINVAL', `type ${t}`);
  vm.createIrqchip();
  for (let t = 3; t < 16; t++) throwsErrno(() => vm.irqLine(irq(t, 0, 40), 1), 'EINVAL', `type ${t}`);
});

test('IRQ_LINE into a real GICv2: an SPI the distributor lacks is EINVAL; a valid one initialises it lazily', () => {
  const { vm } = newVm();
  vm.createIrqchip();
  vm.createVcpu(0);
  assert.is(vm.vgicInitialized(), false);
  vm.irqLine(irq(1, 0, 32), 1);
  assert.is(vm.vgicInitialized(), true, 'lazy init on injection (§8.2)');
  throwsErrno(() => vm.irqLine(irq(1, 0, 1020), 1), 'EINVAL');
});

// -- KVM_ENABLE_CAP (§3.3) ----------------------------------------------------------------------

test('EnableCap: flags must be 0 (EINVAL), unknown or unoffered capabilities EINVAL, more than 4 args EFAULT', () => {
  const { vm } = newVm();
  throwsErrno(() => vm.enableCap(KVM_CAP.KVM_CAP_ARM_NISV_TO_USER, 1, []), 'EINVAL');
  throwsErrno(() => vm.enableCap(KVM_CAP.KVM_CAP_ARM_NISV_TO_USER, 0x80000000, []), 'EINVAL');
  for (const cap of [0, 1, KVM_CAP.KVM_CAP_ARM_MTE, KVM_CAP.KVM_CAP_ARM_EL2, KVM_CAP.KVM_CAP_ONE_REG, KVM_CAP.KVM_CAP_IRQCHIP, 9999]) {
    throwsErrno(() => vm.enableCap(cap, 0, []), 'EINVAL', `cap ${cap}`);
  }
  throwsErrno(() => vm.enableCap(KVM_CAP.KVM_CAP_ARM_NISV_TO_USER, 0, [0n, 0n, 0n, 0n, 0n]), 'EFAULT');
  assert.is(vm.nisvToUser, false);
  assert.is(vm.enabledCaps.size, 0);
});

test('EnableCap: NISV_TO_USER and SYSTEM_SUSPEND switch their behaviour on', () => {
  const { vm } = newVm();
  assert.is(vm.systemSuspendEnabled(), false);
  vm.enableCap(KVM_CAP.KVM_CAP_ARM_NISV_TO_USER, 0, []);
  vm.enableCap(KVM_CAP.KVM_CAP_ARM_SYSTEM_SUSPEND, 0, [0n, 0n, 0n, 0n]);
  assert.is(vm.nisvToUser, true);
  assert.is(vm.systemSuspendEnabled(), true);
  assert.ok(vm.enabledCaps.has(KVM_CAP.KVM_CAP_ARM_SYSTEM_SUSPEND));
});

test('EnableCap WRITABLE_IMP_ID_REGS: only while no vCPU exists (EINVAL after, nothing changed)', () => {
  const { vm } = newVm();
  vm.enableCap(KVM_CAP.KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0, []);
  assert.is(vm.writableImpIdRegs, true);
  const { vm: w } = newVm();
  w.createVcpu(0);
  throwsErrno(() => w.enableCap(KVM_CAP.KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0, []), 'EINVAL');
  assert.is(w.writableImpIdRegs, false);
  assert.is(w.enabledCaps.size, 0);
});

test('EnableCap MANUAL_DIRTY_LOG_PROTECT2: args[0] 1 enables, 0 disables, INITIALLY_SET (2) and unknown bits EINVAL', () => {
  const { vm } = newVm();
  vm.enableCap(KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, [1n]);
  assert.is(vm.slots.manualProtect, true);
  for (const bad of [2n, 3n, 4n, 1n << 63n]) {
    throwsErrno(() => vm.enableCap(KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, [bad]), 'EINVAL', `args[0] = ${bad}`);
    assert.is(vm.slots.manualProtect, true, 'unchanged');
  }
  vm.enableCap(KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, [0n]);
  assert.is(vm.slots.manualProtect, false);
  vm.enableCap(KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, 0, []);
  assert.is(vm.slots.manualProtect, false, 'no args reads as 0');
});

// -- first run (§7.2, §10.11) -------------------------------------------------------------------

test('first run without an irqchip: the timer/PMU checks run, then the VM has run (state "running")', async () => {
  const { vm } = newVm();
  const v = vm.createVcpu(0);
  assert.is(vm.state, 'created');
  assert.is(vm.hasRun(), false);
  await runOnce(v);
  assert.is(vm.hasRun(), true);
  assert.is(vm.vmHasRun(), true);
  assert.is(v.hasRun, true);
  assert.is(vm.state, 'running');
});

test('first run: a VGIC mapping failure fails the run, marks the VM dead, and every later VM and vCPU call is EIO', async () => {
  const { vm, chip } = fakeChipVm();
  vm.createDevice(V3, 0);
  const v0 = vm.createVcpu(0);
  const v1 = vm.createVcpu(1);
  v0.init(GENERIC_V8, [PSCI_0_2]);
  v1.init(GENERIC_V8, [PSCI_0_2]);
  chip().failMapResources = new KvmError('ENXIO', 'no distributor base');
  await rejectsErrno(v0.run(soon()), 'ENXIO');
  assert.is(vm.state, 'dead');
  assert.is(vm.hasRun(), false);
  assert.is(v0.hasRun, false);
  await rejectsErrno(v0.run(soon()), 'EIO');
  await rejectsErrno(v1.run(soon()), 'EIO');
  const calls: Array<[string, () => unknown]> = [
    ['createVcpu', () => vm.createVcpu(2)],
    ['checkExtension', () => vm.checkExtension(KVM_CAP.KVM_CAP_ONE_REG)],
    ['enableCap', () => vm.enableCap(KVM_CAP.KVM_CAP_ARM_NISV_TO_USER, 0, [])],
    ['setUserMemoryRegion', () => vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0n, memorySize: 0x1000n, userspaceAddr: 0x1000n })],
    ['getDirtyLog', () => vm.getDirtyLog(0)],
    ['createIrqchip', () => vm.createIrqchip()],
    ['createDevice', () => vm.createDevice(V2, TEST)],
    ['deviceHasAttr', () => vm.deviceHasAttr(1, 0, 0n)],
    ['armSetDeviceAddr', () => vm.armSetDeviceAddr(0n, 0n)],
    ['irqLine', () => vm.irqLine(irq(1, 0, 40), 1)],
    ['setAttr', () => vm.setAttr(0, 0n, new Uint8Array(24))],
    ['hasAttr', () => vm.hasAttr(0, 0n)],
    ['registerCoalescedMmio', () => vm.registerCoalescedMmio({ addr: 0x1000n, size: 4, pio: 0 })],
    ['preferredTarget', () => vm.preferredTarget()],
    ['readMemory', () => vm.readMemory(0n, 4)],
    ['init', () => v1.init(GENERIC_V8, [PSCI_0_2])],
    ['finalize', () => v1.finalize(4)],
    ['getOneReg', () => v1.getOneReg(0x6030000000100000n)],
    ['setOneReg', () => v1.setOneReg(0x6030000000100000n, new Uint8Array(8))],
    ['getRegList', () => v1.getRegList(1000n)],
    ['getMpState', () => v1.getMpState()],
    ['setMpState', () => v1.setMpState(0)],
    ['getEvents', () => v1.getEvents()],
    ['hasAttr (vCPU)', () => v1.hasAttr(1, 0n)],
  ];
  for (const [name, call] of calls) throwsErrno(call, 'EIO', name);
});

test('first run with a real GICv2 and no addresses: ENXIO, then the VM is dead (EIO)', async () => {
  const { vm } = newVm();
  vm.createIrqchip();
  const v = vm.createVcpu(0);
  v.init(GENERIC_V8, [PSCI_0_2]);
  await rejectsErrno(v.run(soon()), 'ENXIO');
  throwsErrno(() => vm.createVcpu(1), 'EIO');
  assert.match(vm.dead ?? '', /VGIC mapping failed/);
});

test('first run with a real GICv2 and both addresses: lazily initialised and mapped; each vCPU maps (idempotently)', async () => {
  const { vm } = newVm();
  vm.createIrqchip();
  const v0 = vm.createVcpu(0);
  const v1 = vm.createVcpu(1);
  vm.armSetDeviceAddr(0n, 0x08000000n);
  vm.armSetDeviceAddr(1n, 0x08010000n);
  await runOnce(v0);
  assert.is(vm.vgicInitialized(), true);
  throwsErrno(() => vm.armSetDeviceAddr(0n, 0x09000000n), 'EEXIST');
  await runOnce(v1);
  assert.is(vm.state, 'running');
});

test('first run: a timer/PMU check failure fails the run without marking the VM dead or as having run', async () => {
  let fail = true;
  const attrs: VcpuAttrsPort = {
    set: () => undefined,
    get: () => new Uint8Array(8),
    has: () => undefined,
    firstRunCheck: () => {
      if (fail) throw new KvmError('EINVAL', 'two timers share a PPI');
    },
  };
  const { vm } = newVm({ vcpuAttrs: () => attrs });
  const v = vm.createVcpu(0);
  v.init(GENERIC_V8, [PSCI_0_2]);
  await rejectsErrno(v.run(soon()), 'EINVAL');
  assert.is(vm.dead, undefined);
  assert.is(vm.hasRun(), false);
  assert.is(v.hasRun, false);
  assert.is(v.running, false);
  fail = false;
  await runOnce(v);
  assert.is(vm.hasRun(), true);
});

test('the first run is done once per vCPU: mapResources is asked at each vCPU\'s first run only', async () => {
  const { vm, chip } = fakeChipVm();
  vm.createDevice(V3, 0);
  const v0 = vm.createVcpu(0);
  const v1 = vm.createVcpu(1);
  chip().initialized = true; // as CTRL_INIT would
  await runOnce(v0);
  await runOnce(v0);
  assert.is(chip().mapCalls, 1);
  await runOnce(v1);
  assert.is(chip().mapCalls, 2);
});

// -- PSCI hooks (HypercallVm, §7.6, §14.5) ------------------------------------------------------

test('stopAll: every vCPU STOPPED; a running one does not leave KVM_RUN but sleeps there until its deadline', async () => {
  const { vm, ports } = newVm();
  const v0 = vm.createVcpu(0);
  const v1 = vm.createVcpu(1);
  v0.init(GENERIC_V8, [PSCI_0_2]);
  v1.init(GENERIC_V8, [PSCI_0_2]);
  const started = Date.now();
  const run = v0.run({ immediateExit: false, deadline: started + 120 });
  await new Promise((r) => setTimeout(r, 10));
  assert.is(ports.threads.of(0).spinning, true);
  vm.stopAll();
  assert.is(v0.mpState, STOPPED);
  assert.is(v1.mpState, STOPPED);
  assert.is(vm.mpState(v1), STOPPED);
  const r = await run;
  assert.is(r.errno, 'EINTR');
  assert.ok(Date.now() - started >= 100, 'slept until the deadline (KVM_REQ_SLEEP)');
  assert.is(ports.threads.of(0).requests.length, 1, 'the guest did not run again');
  assert.is(Atomics.load(v0.ctl, CTL_KICK), 0, 'the request was consumed');
});

test('powerOff / powerOn: CPU_ON wakes a STOPPED vCPU sleeping in KVM_RUN; it starts at the entry with X0 = context id and the caller\'s endianness', async () => {
  const { vm, ports } = newVm();
  const boot = vm.createVcpu(0);
  const sec = vm.createVcpu(1);
  boot.init(GENERIC_V8, [PSCI_0_2]);
  sec.init(GENERIC_V8, [PSCI_0_2 | POWER_OFF]);
  assert.is(sec.mpState, STOPPED);
  const W_SCTLR = sysregWord('SCTLR_EL1');
  boot.regs.set64(W_SCTLR, boot.regs.get64(W_SCTLR) | (1n << 25n)); // EE: big-endian data
  sec.setX(5, 0x55n);
  const thread = ports.threads.of(1);
  thread.script.push({ kind: 'intr' });
  const run = sec.run({ immediateExit: false, deadline: Date.now() + 2000 });
  await new Promise((r) => setTimeout(r, 10));
  assert.is(thread.requests.length, 0, 'STOPPED: the guest does not run');
  vm.powerOn(sec, 0x40080000n, 0x1122334455667788n, boot);
  assert.is(vm.mpState(sec), RUNNABLE);
  const r = await run;
  assert.is(r.errno, 'EINTR');
  assert.is(thread.requests.length, 1);
  assert.is(sec.pc, 0x40080000n);
  assert.is(sec.getX(0), 0x1122334455667788n);
  assert.is(sec.getX(5), 0n, 'the target was reset');
  assert.is((sec.regs.get64(W_SCTLR) >> 25n) & 1n, 1n, 'SCTLR_EL1.EE copied from the caller');
  vm.powerOff(sec);
  assert.is(vm.mpState(sec), STOPPED);
});

test('psciVersion: 1.3 with PSCI_0_2, 0.1 without; the VM-wide register decides', () => {
  const { vm } = newVm();
  const v = vm.createVcpu(0);
  v.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(vm.psciVersion(v), 0x10003);
  v.setOneReg(0x6030000000140000n, le64(0x10000n));
  assert.is(vm.psciVersion(v), 0x10000);
  const { vm: old } = newVm();
  const w = old.createVcpu(0);
  w.init(GENERIC_V8, []);
  assert.is(old.psciVersion(w), 0x1);
});

test('pvtimeIpa: undefined until KVM_ARM_VCPU_PVTIME_IPA is set on that vCPU, then the IPA', () => {
  const { vm } = newVm();
  vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0x40000000n, memorySize: 0x10000n, userspaceAddr: 0x10000000n });
  const v0 = vm.createVcpu(0);
  const v1 = vm.createVcpu(1);
  assert.is(vm.pvtimeIpa(v0), undefined);
  v0.setAttr(2, 0n, le64(0x40000040n));
  assert.is(vm.pvtimeIpa(v0), 0x40000040n);
  assert.is(vm.pvtimeIpa(v1), undefined);
  assert.is(fromLe(v0.getAttr(2, 0n)), 0x40000040n);
});

test('smcccAction follows the VM\'s SMCCC filter', () => {
  const { vm } = newVm();
  const f = new Uint8Array(24);
  new DataView(f.buffer).setUint32(0, 0xc3000000, true);
  new DataView(f.buffer).setUint32(4, 16, true);
  f[8] = 2;
  vm.setAttr(0, 0n, f);
  assert.is(vm.smcccAction(0xc3000005), 2);
  assert.is(vm.smcccAction(0xc3000010), 0);
});

// -- other VM queries ---------------------------------------------------------------------------

test('PreferredTarget: GENERIC_V8 with 7 zero feature words', () => {
  const { vm } = newVm();
  assert.equal(vm.preferredTarget(), { target: 5, features: [0, 0, 0, 0, 0, 0, 0] });
});

test('ipaInMemslot: inside one writable slot only (a READONLY slot or a range past the slot end is not)', () => {
  const { vm } = newVm();
  vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0x40000000n, memorySize: 0x2000n, userspaceAddr: 0x10000000n });
  vm.setUserMemoryRegion({ slot: 1, flags: 2, guestPhysAddr: 0x50000000n, memorySize: 0x1000n, userspaceAddr: 0x20000000n });
  assert.is(vm.ipaInMemslot(0x40000000n, 64), true);
  assert.is(vm.ipaInMemslot(0x40001fc0n, 64), true);
  assert.is(vm.ipaInMemslot(0x40001fc8n, 64), false);
  assert.is(vm.ipaInMemslot(0x3fffffc0n, 64), false);
  assert.is(vm.ipaInMemslot(0x50000000n, 64), false, 'read-only slot');
});

test('setUserMemoryRegion publishes the new map to every vCPU thread', () => {
  const { vm, ports } = newVm();
  const v = vm.createVcpu(0);
  v.init(GENERIC_V8, [PSCI_0_2]);
  const t = ports.threads.of(0);
  const before = t.memoryUpdates;
  vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0x40000000n, memorySize: 0x1000n, userspaceAddr: 0x10000000n });
  assert.is(t.memoryUpdates, before + 1);
  assert.is(t.lastMemory?.length, 1);
});

test('destroy: the VM is dead ("destroyed"), threads end, memory is released', async () => {
  const { vm, ports, sys } = newVm();
  vm.setUserMemoryRegion({ slot: 0, flags: 0, guestPhysAddr: 0x40000000n, memorySize: 0x4000n, userspaceAddr: 0x10000000n });
  const v = vm.createVcpu(0);
  v.init(GENERIC_V8, [PSCI_0_2]);
  assert.is(sys.guestMemoryBytes, 0x4000);
  await vm.destroy();
  assert.is(vm.dead, 'destroyed');
  assert.is(ports.threads.of(0).terminated, true);
  assert.is(sys.guestMemoryBytes, 0);
  assert.is(errnoOf(() => vm.createVcpu(1)), 'EIO');
});

test.run();
