/**
 * Seed feature 2 through gRPC: the per-vCPU attribute groups of spec §11 with
 * VcpuService Set/Get/HasDeviceAttr — PMU_V3_CTRL (no PMU is offered), TIMER_CTRL (VM-wide PPIs,
 * frozen at the first run, uniqueness checked at the first run) and PVTIME_CTRL.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, u32le, u64le, readU64le, VmHandle, VcpuHandle, DeviceHandle } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

// vCPU attribute groups and attributes (§11).
const PMU_V3_CTRL = 0;
const PMU_V3_IRQ = 0n;
const PMU_V3_INIT = 1n;
const PMU_V3_FILTER = 2n;
const PMU_V3_SET_PMU = 3n;
const PMU_V3_SET_NR_COUNTERS = 4n;
const TIMER_CTRL = 1;
const VTIMER = 0n;
const PTIMER = 1n;
const HVTIMER = 2n;
const HPTIMER = 3n;
const PVTIME_CTRL = 2;
const PVTIME_IPA = 0n;
// VGIC (§10).
const VGIC_V3 = 7;
const GRP_ADDR = 0;
const GRP_CTRL = 4;
// Feature bits (§5.3).
const PSCI_0_2 = 1 << 2;
const PMU_V3 = 1 << 3;
const KVM_MEM_READONLY = 2;
const INVALID_GPA = 0xffffffffffffffffn;

const SPIN = assemble('b .');
/** A Run of the spinning guest: it ends at the server's 250 ms slice with KVM_EXIT_INTR. */
const RUN = { deadlineMs: 5000 };
/** An int as the kernel's get_user(int) reads it. */
const int = (v: number): Uint8Array => u32le(v);
const readInt = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(0, true);

let t: TestServer;
const vms: VmHandle[] = [];
test.before(async () => {
  // Runs that should end with KVM_EXIT_INTR end at the server's run slice, well before the
  // call's deadline (the server keeps only 25 ms between its end of a Run and the deadline).
  t = await startTestServer(['--run-slice-ms', '250']);
});
test.after(async () => {
  await t.stop();
});
test.after.each(async () => {
  for (const vm of vms.splice(0)) await t.client.destroyVm(vm.handle).catch(() => undefined);
});

/** A VM with 64 KiB of RAM at GUEST_RAM holding the spinning guest, and vCPUs `ids`. */
async function newVm(ids: number[]): Promise<{ vm: VmHandle; cpus: VcpuHandle[] }> {
  const vm = await t.client.createVm();
  vms.push(vm);
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, SPIN);
  const cpus: VcpuHandle[] = [];
  for (const id of ids) cpus.push(await vm.createVcpu(id));
  return { vm, cpus };
}

/** A GICv3 with a valid layout, initialised: vCPUs can run once they are inited. */
async function gicV3(vm: VmHandle): Promise<DeviceHandle> {
  const gic = await vm.createDevice(VGIC_V3);
  await gic.setAttr(GRP_ADDR, 2n, u64le(0x8000000n));
  await gic.setAttr(GRP_ADDR, 3n, u64le(0x80a0000n));
  await gic.setAttr(GRP_CTRL, 0n);
  return gic;
}

async function ready(v: VcpuHandle): Promise<VcpuHandle> {
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  return v;
}

const timer = async (v: VcpuHandle, attr: bigint): Promise<number> => readInt(await v.getAttr(TIMER_CTRL, attr));

// -- PMU_V3_CTRL (§11.1) ------------------------------------------------------------------------

test('PMU_V3_CTRL: no PMU is offered — INIT with the PMU_V3 feature is EINVAL, every SET is ENODEV', async () => {
  assert.is(await t.client.checkExtension(126), 0, 'KVM_CAP_ARM_PMU_V3');
  const { vm, cpus: [v] } = await newVm([0]);
  await rejectsWith(v.init([PSCI_0_2 | PMU_V3]), 'EINVAL');
  await rejectsWith(v.getReg(REG.PC), 'ENOEXEC'); // the failed INIT changed nothing
  // Before INIT and after it (without the feature): ENODEV, whatever the attribute.
  for (const stage of ['uninitialised', 'initialised']) {
    if (stage === 'initialised') await v.init();
    for (const attr of [PMU_V3_IRQ, PMU_V3_INIT, PMU_V3_FILTER, PMU_V3_SET_PMU, PMU_V3_SET_NR_COUNTERS, 99n]) {
      await rejectsWith(v.setAttr(PMU_V3_CTRL, attr, new Uint8Array(8)), 'ENODEV');
      // HAS answers ENXIO without the feature (pmu-emul.c: kvm_arm_pmu_v3_has_attr).
      await rejectsWith(v.hasAttr(PMU_V3_CTRL, attr), 'ENXIO');
    }
    // GET: only the IRQ attribute has a GET; without an irqchip it is EINVAL.
    await rejectsWith(v.getAttr(PMU_V3_CTRL, PMU_V3_IRQ), 'EINVAL');
    for (const attr of [PMU_V3_INIT, PMU_V3_FILTER, PMU_V3_SET_PMU, PMU_V3_SET_NR_COUNTERS, 99n]) {
      await rejectsWith(v.getAttr(PMU_V3_CTRL, attr), 'ENXIO');
    }
  }
  await vm.createDevice(VGIC_V3);
  await rejectsWith(v.getAttr(PMU_V3_CTRL, PMU_V3_IRQ), 'ENODEV'); // with an irqchip: no PMU
  await rejectsWith(v.setAttr(PMU_V3_CTRL, PMU_V3_IRQ, int(23)), 'ENODEV');
  await rejectsWith(v.hasAttr(PMU_V3_CTRL, PMU_V3_IRQ), 'ENXIO');
});

// -- TIMER_CTRL (§11.2) -------------------------------------------------------------------------

test('TIMER_CTRL: default PPIs 27/30 (28/26 for EL2); HAS; ENXIO for unknown attributes; EINVAL without an irqchip', async () => {
  const { cpus: [v] } = await newVm([0]);
  assert.is(await timer(v, VTIMER), 27);
  assert.is(await timer(v, PTIMER), 30);
  assert.is(await timer(v, HVTIMER), 28);
  assert.is(await timer(v, HPTIMER), 26);
  assert.is((await v.getAttr(TIMER_CTRL, VTIMER)).length, 4, 'an int');
  for (const a of [VTIMER, PTIMER, HVTIMER, HPTIMER]) await v.hasAttr(TIMER_CTRL, a);
  for (const a of [4n, 99n, 1n << 32n]) {
    await rejectsWith(v.hasAttr(TIMER_CTRL, a), 'ENXIO');
    await rejectsWith(v.getAttr(TIMER_CTRL, a), 'ENXIO');
  }
  // No in-kernel irqchip: every SET is EINVAL, even of a valid PPI or an unknown attribute.
  await rejectsWith(v.setAttr(TIMER_CTRL, VTIMER, int(20)), 'EINVAL');
  await rejectsWith(v.setAttr(TIMER_CTRL, 99n, int(20)), 'EINVAL');
  await rejectsWith(v.setAttr(TIMER_CTRL, VTIMER, new Uint8Array(0)), 'EINVAL');
  assert.is(await timer(v, VTIMER), 27);
});

test('TIMER_CTRL with an irqchip: PPIs only, EFAULT, ENXIO after the value checks; VM-wide through any vCPU', async () => {
  const { vm, cpus: [v0, v1] } = await newVm([0, 1]);
  await vm.createDevice(VGIC_V3);
  for (const bad of [0, 15, 32, 1019, -1, 0x7fffffff]) {
    await rejectsWith(v0.setAttr(TIMER_CTRL, VTIMER, int(bad)), 'EINVAL');
    await rejectsWith(v0.setAttr(TIMER_CTRL, 99n, int(bad)), 'EINVAL'); // the PPI is checked before the attribute
  }
  await rejectsWith(v0.setAttr(TIMER_CTRL, VTIMER, new Uint8Array(2)), 'EFAULT');
  await rejectsWith(v0.setAttr(TIMER_CTRL, 4n, int(20)), 'ENXIO');
  await rejectsWith(v0.setAttr(TIMER_CTRL, 99n, int(20)), 'ENXIO');
  assert.is(await timer(v0, VTIMER), 27, 'rejected calls change nothing');
  assert.is(await timer(v0, PTIMER), 30);

  await v0.setAttr(TIMER_CTRL, VTIMER, int(16));
  await v0.setAttr(TIMER_CTRL, PTIMER, int(31));
  assert.is(await timer(v1, VTIMER), 16, 'set through vCPU 0, seen through vCPU 1');
  assert.is(await timer(v1, PTIMER), 31);
  await v1.setAttr(TIMER_CTRL, HVTIMER, int(20));
  assert.is(await timer(v0, HVTIMER), 20);
  const v2 = await vm.createVcpu(2);
  assert.is(await timer(v2, VTIMER), 16, 'a vCPU created later sees the VM-wide value');
  // Uniqueness is not checked by SET.
  await v1.setAttr(TIMER_CTRL, PTIMER, int(16));
  assert.is(await timer(v0, PTIMER), 16);
});

test('TIMER_CTRL: two timers on one PPI make the first Run EINVAL; fixed, the vCPU runs; then SET is EBUSY', async () => {
  const { vm, cpus: [v0, v1] } = await newVm([0, 1]);
  await gicV3(vm);
  await ready(v0);
  await ready(v1);
  await v0.setAttr(TIMER_CTRL, VTIMER, int(30)); // the PTIMER's PPI
  await rejectsWith(v0.run(RUN), 'EINVAL');
  // A timer failure does not kill the VM, and the PPIs are not frozen by it.
  assert.is(await v0.getReg(REG.PC), GUEST_RAM);
  await v1.setAttr(TIMER_CTRL, VTIMER, int(27));
  const exit = await v0.run(RUN);
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  // The VM has run: the PPIs are frozen VM-wide, whatever the value and the vCPU.
  await rejectsWith(v0.setAttr(TIMER_CTRL, VTIMER, int(28)), 'EBUSY');
  await rejectsWith(v1.setAttr(TIMER_CTRL, PTIMER, int(29)), 'EBUSY');
  await rejectsWith(v1.setAttr(TIMER_CTRL, VTIMER, int(27)), 'EBUSY');
  await rejectsWith(v1.setAttr(TIMER_CTRL, 99n, int(27)), 'EBUSY'); // EBUSY before ENXIO
  await rejectsWith(v1.setAttr(TIMER_CTRL, VTIMER, int(12)), 'EINVAL'); // EINVAL before EBUSY
  assert.is(await timer(v1, VTIMER), 27);
  assert.is(await timer(v1, PTIMER), 30);
  // vCPU 1 has not run yet: its first run checks the same (valid) PPIs.
  assert.is((await v1.run(RUN)).reason, 'KVM_EXIT_INTR');
});

// -- PVTIME_CTRL (§11.3) ------------------------------------------------------------------------

test('PVTIME_CTRL: GET ~0 until set; EINVAL unaligned, outside a memslot or read-only; EEXIST; ENXIO; per vCPU', async () => {
  assert.is(await t.client.checkExtension(187), 1, 'KVM_CAP_STEAL_TIME');
  const { vm, cpus: [v0, v1] } = await newVm([0, 1]);
  await vm.setUserMemoryRegion({ slot: 1, flags: KVM_MEM_READONLY, guestPhysAddr: 0x50000000n, memorySize: 0x1000n, userspaceAddr: USERSPACE + 0x100000n });
  await v0.hasAttr(PVTIME_CTRL, PVTIME_IPA);
  for (const a of [1n, 99n]) {
    await rejectsWith(v0.hasAttr(PVTIME_CTRL, a), 'ENXIO');
    await rejectsWith(v0.getAttr(PVTIME_CTRL, a), 'ENXIO');
    await rejectsWith(v0.setAttr(PVTIME_CTRL, a, u64le(GUEST_RAM + 0x1000n)), 'ENXIO');
  }
  assert.is(readU64le(await v0.getAttr(PVTIME_CTRL, PVTIME_IPA)), INVALID_GPA);
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u32le(0x40001000)), 'EFAULT'); // a u64 is read
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0x1020n)), 'EINVAL'); // not 64-byte aligned
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0x1001n)), 'EINVAL');
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(0x90000000n)), 'EINVAL'); // no memslot
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0x10000n)), 'EINVAL'); // just past the slot
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(0x50000000n)), 'EINVAL'); // read-only slot
  assert.is(readU64le(await v0.getAttr(PVTIME_CTRL, PVTIME_IPA)), INVALID_GPA, 'rejected calls change nothing');

  await v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0xffc0n)); // the last 64 bytes of the slot
  assert.is(readU64le(await v0.getAttr(PVTIME_CTRL, PVTIME_IPA)), GUEST_RAM + 0xffc0n);
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0x2000n)), 'EEXIST');
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(0x90000000n)), 'EEXIST'); // EEXIST before the memslot check
  await rejectsWith(v0.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0x2008n)), 'EINVAL'); // alignment before EEXIST
  assert.is(readU64le(await v0.getAttr(PVTIME_CTRL, PVTIME_IPA)), GUEST_RAM + 0xffc0n);
  // Per vCPU: vCPU 1 is still unset and takes its own IPA.
  assert.is(readU64le(await v1.getAttr(PVTIME_CTRL, PVTIME_IPA)), INVALID_GPA);
  await v1.setAttr(PVTIME_CTRL, PVTIME_IPA, u64le(GUEST_RAM + 0x2000n));
  assert.is(readU64le(await v1.getAttr(PVTIME_CTRL, PVTIME_IPA)), GUEST_RAM + 0x2000n);
  assert.is(readU64le(await v0.getAttr(PVTIME_CTRL, PVTIME_IPA)), GUEST_RAM + 0xffc0n);
});

// -- Unknown groups (§9.2) ----------------------------------------------------------------------

test('unknown vCPU attribute groups are ENXIO for SET, GET and HAS', async () => {
  const { vm, cpus: [v] } = await newVm([0]);
  await vm.createDevice(VGIC_V3);
  for (const group of [3, 4, 99, 0xffffffff]) {
    await rejectsWith(v.setAttr(group, 0n, int(27)), 'ENXIO');
    await rejectsWith(v.getAttr(group, 0n), 'ENXIO');
    await rejectsWith(v.hasAttr(group, 0n), 'ENXIO');
  }
  await v.init();
  await rejectsWith(v.hasAttr(3, 0n), 'ENXIO');
  await rejectsWith(vm.vcpu(5).hasAttr(TIMER_CTRL, VTIMER), 'EBADF'); // no such vCPU fd
});

test.run();
