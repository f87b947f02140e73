/**
 * Seed feature 1 through gRPC: creating the in-kernel irqchip (KVM_CREATE_IRQCHIP,
 * KVM_CREATE_DEVICE), KVM_ARM_SET_DEVICE_ADDR (spec §9.3), the VGIC ADDR attribute group
 * (§10.2), the first-run layout validation of §10.11 through Run (and the dead VM it leaves
 * behind), and GICR_TYPER / the Last bit (§10.12).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer, GUEST_RAM, USERSPACE } from './harness';
import { REG, u32le, u64le, readU32le, readU64le, DeviceHandle, VmHandle, VcpuHandle } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

// KVM_DEV_TYPE_* (§9.1), KVM_CAP_* (§3.3).
const VGIC_V2 = 5;
const VGIC_V3 = 7;
const VGIC_ITS = 8;
const KVM_CREATE_DEVICE_TEST = 1;
const CAP_MAX_VCPUS = 66;
const CAP_MAX_VCPU_ID = 128;
// VGIC attribute groups (§10.1) and ADDR types (§10.2).
const GRP_ADDR = 0;
const GRP_CTRL = 4;
const GRP_REDIST_REGS = 5;
const V2_DIST = 0n;
const V2_CPU = 1n;
const V3_DIST = 2n;
const V3_REDIST = 3n;
const ITS_ADDR = 4n;
const V3_REDIST_REGION = 5n;
const CTRL_INIT = 0n;
const UNDEF = 0xffffffffffffffffn;
const GICR_TYPER = 0x8n;
const REDIST = 0x20000n;
const MAX_PHYS_40 = 1n << 40n;

/** KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION value: count 63:52, base 51:16, flags 15:12, index 11:0. */
const region = (count: number, base: bigint, index: number, flags = 0): bigint =>
  (BigInt(count) << 52n) | base | (BigInt(flags) << 12n) | BigInt(index);
/** KVM_ARM_SET_DEVICE_ADDR id: device id 31:16, address type 15:0. */
const devAddrId = (dev: number, type: bigint): bigint => (BigInt(dev) << 16n) | type;
/** REDIST_REGS attr: MPIDR affinity 63:32, offset 31:0 (§10.4). */
const redistAttr = (aff: number, offset: bigint): bigint => (BigInt(aff) << 32n) | offset;

// The guest: spin in place, so a Run only ends when its time is up (KVM_EXIT_INTR).
const SPIN = assemble('b .');
/** A Run of the spinning guest: it ends at the server's 250 ms slice with KVM_EXIT_INTR. */
const RUN = { deadlineMs: 5000 };

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

async function newVm(ipa = 0): Promise<VmHandle> {
  const vm = await t.client.createVm(ipa);
  vms.push(vm);
  return vm;
}

/** A VM with 64 KiB of RAM at GUEST_RAM holding the spinning guest. */
async function vmWithRam(ipa = 0): Promise<VmHandle> {
  const vm = await newVm(ipa);
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: 0x10000n, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, SPIN);
  return vm;
}

async function vcpus(vm: VmHandle, ids: number[]): Promise<VcpuHandle[]> {
  const out: VcpuHandle[] = [];
  for (const id of ids) out.push(await vm.createVcpu(id));
  return out;
}

async function ready(v: VcpuHandle): Promise<VcpuHandle> {
  await v.init();
  await v.setReg(REG.PC, GUEST_RAM);
  return v;
}

const getAddr = async (gic: DeviceHandle, type: bigint, value?: bigint): Promise<bigint> =>
  readU64le(await gic.getAttr(GRP_ADDR, type, value === undefined ? undefined : u64le(value)));
const setAddr = (gic: DeviceHandle, type: bigint, value: bigint): Promise<void> => gic.setAttr(GRP_ADDR, type, u64le(value));
const typer = async (gic: DeviceHandle, aff: number): Promise<[number, number]> => [
  readU32le(await gic.getAttr(GRP_REDIST_REGS, redistAttr(aff, GICR_TYPER))),
  readU32le(await gic.getAttr(GRP_REDIST_REGS, redistAttr(aff, GICR_TYPER + 4n))),
];

async function vmState(vm: VmHandle): Promise<{ state: string; irqchip: string; vcpuCount: number }> {
  const s = (await t.client.listVms()).find((v) => v.vm === vm.handle);
  assert.ok(s, 'the VM is listed');
  return s;
}

/** §10.11: after a failed VGIC mapping every VM and vCPU call fails with EIO. */
async function assertDead(vm: VmHandle, vcpu: VcpuHandle, gic?: DeviceHandle): Promise<void> {
  assert.is((await vmState(vm)).state, 'dead');
  await rejectsWith(vcpu.run(RUN), 'EIO');
  await rejectsWith(vcpu.getReg(REG.PC), 'EIO');
  await rejectsWith(vcpu.setReg(REG.X(0), 1n), 'EIO');
  await rejectsWith(vcpu.getMpState(), 'EIO');
  await rejectsWith(vcpu.init(), 'EIO');
  await rejectsWith(vcpu.regList(), 'EIO');
  await rejectsWith(vcpu.hasAttr(1, 0n), 'EIO');
  await rejectsWith(vm.checkExtension(CAP_MAX_VCPUS), 'EIO');
  await rejectsWith(vm.createVcpu(7), 'EIO');
  await rejectsWith(vm.createDevice(VGIC_V3, KVM_CREATE_DEVICE_TEST), 'EIO');
  await rejectsWith(vm.createIrqchip(), 'EIO');
  await rejectsWith(vm.armSetDeviceAddr(devAddrId(0, V2_DIST), 0x9000000n), 'EIO');
  await rejectsWith(vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, memorySize: 0x1000n, userspaceAddr: USERSPACE + 0x100000n }), 'EIO');
  await rejectsWith(vm.irqLine((1 << 24) | 40, 1), 'EIO');
  await rejectsWith(vm.preferredTarget(), 'EIO');
  if (gic) {
    await rejectsWith(gic.getAttr(GRP_ADDR, V3_DIST), 'EIO');
    await rejectsWith(gic.hasAttr(GRP_ADDR, V3_DIST), 'EIO');
    await rejectsWith(gic.setAttr(GRP_CTRL, CTRL_INIT), 'EIO');
  }
}

// -- KVM_CREATE_DEVICE / KVM_CREATE_IRQCHIP (§8.1, §9.1) ----------------------------------------

test('KVM_CREATE_DEVICE: ENODEV for unknown types (0, ITS, others), also with KVM_CREATE_DEVICE_TEST', async () => {
  const vm = await newVm();
  for (const type of [0, VGIC_ITS, 1, 4, 6, 9, 10, 11, 99, 0xffffffff]) {
    await rejectsWith(vm.createDevice(type), 'ENODEV');
    await rejectsWith(vm.createDevice(type, KVM_CREATE_DEVICE_TEST), 'ENODEV');
  }
  assert.is((await vmState(vm)).irqchip, '', 'nothing was created');
  assert.is(await vm.checkExtension(CAP_MAX_VCPUS), 512);
});

test('KVM_CREATE_DEVICE_TEST creates nothing and does not look for an existing irqchip', async () => {
  const vm = await newVm();
  const fd0 = await vm.createDevice(VGIC_V3, KVM_CREATE_DEVICE_TEST);
  assert.is(fd0.fd, 0);
  assert.is((await vm.createDevice(VGIC_V2, KVM_CREATE_DEVICE_TEST)).fd, 0);
  assert.is((await vmState(vm)).irqchip, '', 'TEST created nothing');
  assert.is(await vm.checkExtension(CAP_MAX_VCPUS), 512);
  await rejectsWith(fd0.hasAttr(GRP_ADDR, V3_DIST), 'EBADF');
  const gic = await vm.createDevice(VGIC_V3);
  assert.ok(gic.fd > 0, 'a real device fd');
  assert.is((await vmState(vm)).irqchip, 'vgic-v3');
  assert.is((await vm.createDevice(VGIC_V2, KVM_CREATE_DEVICE_TEST)).fd, 0, 'TEST ignores the existing irqchip');
  assert.is((await vm.createDevice(VGIC_V3, KVM_CREATE_DEVICE_TEST)).fd, 0);
  assert.is(await vm.checkExtension(CAP_MAX_VCPUS), 512, 'GICv3: 512 vCPUs');
  assert.is(await vm.checkExtension(CAP_MAX_VCPU_ID), 512);
});

test('a second irqchip of either model is EEXIST, whichever call created the first', async () => {
  const a = await newVm();
  await a.createDevice(VGIC_V3);
  await rejectsWith(a.createDevice(VGIC_V3), 'EEXIST');
  await rejectsWith(a.createDevice(VGIC_V2), 'EEXIST');
  await rejectsWith(a.createIrqchip(), 'EEXIST');
  assert.is((await vmState(a)).irqchip, 'vgic-v3');

  const b = await newVm();
  assert.is(await b.checkExtension(CAP_MAX_VCPUS), 512);
  await b.createIrqchip();
  assert.is((await vmState(b)).irqchip, 'vgic-v2');
  assert.is(await b.checkExtension(CAP_MAX_VCPUS), 8, 'GICv2: 8 vCPUs');
  assert.is(await b.checkExtension(CAP_MAX_VCPU_ID), 8);
  await rejectsWith(b.createIrqchip(), 'EEXIST');
  await rejectsWith(b.createDevice(VGIC_V3), 'EEXIST');
  await rejectsWith(b.createDevice(VGIC_V2), 'EEXIST');

  const c = await newVm();
  // Flag bits other than KVM_CREATE_DEVICE_TEST are ignored.
  const gic = await c.createDevice(VGIC_V2, 0x2);
  assert.ok(gic.fd > 0);
  assert.is(await c.checkExtension(CAP_MAX_VCPUS), 8);
  await rejectsWith(c.createIrqchip(), 'EEXIST');
  await rejectsWith(c.createDevice(VGIC_V3), 'EEXIST');
  assert.is((await vmState(c)).irqchip, 'vgic-v2');
});

test('GICv2 with more than 8 vCPUs is E2BIG; afterwards vCPUs beyond 8 or with ids >= 8 are EINVAL', async () => {
  const nine = await newVm();
  await vcpus(nine, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  await rejectsWith(nine.createIrqchip(), 'E2BIG');
  await rejectsWith(nine.createDevice(VGIC_V2), 'E2BIG');
  assert.is((await vmState(nine)).irqchip, '', 'nothing was created');
  assert.is(await nine.checkExtension(CAP_MAX_VCPUS), 512);
  await nine.createDevice(VGIC_V3);
  await nine.createVcpu(9);
  assert.is((await vmState(nine)).vcpuCount, 10);

  const eight = await newVm();
  await vcpus(eight, [0, 1, 2, 3, 4, 5, 6, 7]);
  await eight.createIrqchip();
  await rejectsWith(eight.createVcpu(8), 'EINVAL');
  await rejectsWith(eight.createVcpu(3), 'EINVAL'); // the count check comes before EEXIST (§5.1)
  await rejectsWith(eight.createVcpu(600), 'EINVAL');
  assert.is((await vmState(eight)).vcpuCount, 8);

  const two = await newVm();
  await vcpus(two, [0, 1]);
  await two.createDevice(VGIC_V2);
  await rejectsWith(two.createVcpu(8), 'EINVAL'); // id >= the VM's limit of 8
  await rejectsWith(two.createVcpu(100), 'EINVAL');
  await rejectsWith(two.createVcpu(1), 'EEXIST');
  await two.createVcpu(7);
  assert.is((await vmState(two)).vcpuCount, 3);
});

test('the irqchip must be created before any vCPU has run: EBUSY afterwards (TEST still answers)', async () => {
  const vm = await vmWithRam();
  const [v] = await vcpus(vm, [0]);
  await ready(v);
  const exit = await v.run(RUN);
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  await rejectsWith(vm.createIrqchip(), 'EBUSY');
  await rejectsWith(vm.createDevice(VGIC_V3), 'EBUSY');
  await rejectsWith(vm.createDevice(VGIC_V2), 'EBUSY');
  assert.is((await vm.createDevice(VGIC_V3, KVM_CREATE_DEVICE_TEST)).fd, 0);
  assert.is((await vmState(vm)).irqchip, '');
});

// -- KVM_ARM_SET_DEVICE_ADDR (§9.3) -------------------------------------------------------------

test('KVM_ARM_SET_DEVICE_ADDR: ENODEV for an unknown device id or address type, without a GICv2, with a GICv3', async () => {
  const none = await newVm();
  await rejectsWith(none.armSetDeviceAddr(devAddrId(0, V2_DIST), 0x8000000n), 'ENODEV');

  const v3 = await newVm();
  const gic3 = await v3.createDevice(VGIC_V3);
  await rejectsWith(v3.armSetDeviceAddr(devAddrId(0, V2_DIST), 0x8000000n), 'ENODEV');
  await rejectsWith(v3.armSetDeviceAddr(devAddrId(0, V2_CPU), 0x8010000n), 'ENODEV');
  await rejectsWith(v3.armSetDeviceAddr(devAddrId(0, V3_DIST), 0x8000000n), 'ENODEV');
  assert.is(await getAddr(gic3, V3_DIST), UNDEF);

  const v2 = await newVm();
  const gic = await v2.createDevice(VGIC_V2);
  await rejectsWith(v2.armSetDeviceAddr(devAddrId(1, V2_DIST), 0x8000000n), 'ENODEV');
  await rejectsWith(v2.armSetDeviceAddr(devAddrId(0xffff, V2_DIST), 0x8000000n), 'ENODEV');
  for (const type of [V3_DIST, V3_REDIST, ITS_ADDR, V3_REDIST_REGION, 0xffffn]) {
    await rejectsWith(v2.armSetDeviceAddr(devAddrId(0, type), 0x8000000n), 'ENODEV');
  }
  assert.is(await getAddr(gic, V2_DIST), UNDEF, 'nothing was set');
  assert.is(await getAddr(gic, V2_CPU), UNDEF);
});

test('KVM_ARM_SET_DEVICE_ADDR: EINVAL (alignment, wrap), E2BIG (IPA space), EEXIST; the ADDR attribute sees the same bases', async () => {
  const vm = await newVm();
  const gic = await vm.createDevice(VGIC_V2);
  const dist = devAddrId(0, V2_DIST);
  const cpu = devAddrId(0, V2_CPU);
  await rejectsWith(vm.armSetDeviceAddr(dist, 0x8000800n), 'EINVAL');
  await rejectsWith(vm.armSetDeviceAddr(cpu, 0x8010010n), 'EINVAL');
  await rejectsWith(vm.armSetDeviceAddr(dist, 0xfffffffffffff000n), 'EINVAL'); // + 4 KiB wraps
  await rejectsWith(vm.armSetDeviceAddr(cpu, 0xffffffffffffe000n), 'EINVAL'); // + 8 KiB wraps
  await rejectsWith(vm.armSetDeviceAddr(dist, MAX_PHYS_40), 'E2BIG');
  await rejectsWith(vm.armSetDeviceAddr(dist, 0xfff0000000000n), 'E2BIG');
  await rejectsWith(vm.armSetDeviceAddr(cpu, MAX_PHYS_40 - 0x1000n), 'E2BIG'); // half of it outside
  assert.is(await getAddr(gic, V2_DIST), UNDEF, 'rejected calls set nothing');
  assert.is(await getAddr(gic, V2_CPU), UNDEF);

  await vm.armSetDeviceAddr(dist, 0x8000000n);
  assert.is(await getAddr(gic, V2_DIST), 0x8000000n);
  await rejectsWith(vm.armSetDeviceAddr(dist, 0x9000000n), 'EEXIST');
  await rejectsWith(vm.armSetDeviceAddr(dist, 0x9000800n), 'EEXIST'); // EEXIST is checked first
  await rejectsWith(setAddr(gic, V2_DIST, 0x9000000n), 'EEXIST'); // one stored base for both paths
  assert.is(await getAddr(gic, V2_DIST), 0x8000000n);

  // Bits 63:32 of the id are masked off, as current kernels do (§9.3).
  await vm.armSetDeviceAddr(0xdeadbeef00000000n | cpu, MAX_PHYS_40 - 0x2000n);
  assert.is(await getAddr(gic, V2_CPU), MAX_PHYS_40 - 0x2000n);
  await rejectsWith(vm.armSetDeviceAddr(cpu, 0x8010000n), 'EEXIST');
  await rejectsWith(setAddr(gic, V2_CPU, 0x8010000n), 'EEXIST');
});

test('KVM_ARM_SET_DEVICE_ADDR in a VM with a 32-bit IPA space: E2BIG beyond 4 GiB', async () => {
  const vm = await newVm(32);
  assert.is(vm.ipaBits, 32);
  await vm.createIrqchip();
  const dist = devAddrId(0, V2_DIST);
  const cpu = devAddrId(0, V2_CPU);
  await rejectsWith(vm.armSetDeviceAddr(dist, 0x100000000n), 'E2BIG');
  await rejectsWith(vm.armSetDeviceAddr(cpu, 0x100000000n), 'E2BIG');
  await rejectsWith(vm.armSetDeviceAddr(cpu, 0xfffff000n), 'E2BIG'); // 8 KiB at 4 GiB - 4 KiB
  await vm.armSetDeviceAddr(dist, 0xfffff000n); // the last 4 KiB fit
  await vm.armSetDeviceAddr(cpu, 0xffffd000n);
  await rejectsWith(vm.armSetDeviceAddr(dist, 0x8000000n), 'EEXIST');
  await rejectsWith(vm.armSetDeviceAddr(cpu, 0x8010000n), 'EEXIST');
});

// -- ADDR group (§10.2) -------------------------------------------------------------------------

test('ADDR group, GICv2: DIST and CPU read UNDEF until set; HAS; other types ENXIO; EINVAL/E2BIG/EEXIST; EFAULT', async () => {
  const vm = await newVm();
  const gic = await vm.createDevice(VGIC_V2);
  await gic.hasAttr(GRP_ADDR, V2_DIST);
  await gic.hasAttr(GRP_ADDR, V2_CPU);
  for (const type of [V3_DIST, V3_REDIST, ITS_ADDR, V3_REDIST_REGION, 6n, UNDEF]) {
    await rejectsWith(gic.hasAttr(GRP_ADDR, type), 'ENXIO');
    await rejectsWith(gic.getAttr(GRP_ADDR, type, u64le(0n)), 'ENXIO');
    await rejectsWith(setAddr(gic, type, 0x8000000n), 'ENXIO');
  }
  assert.is(await getAddr(gic, V2_DIST), UNDEF);
  assert.is(await getAddr(gic, V2_CPU), UNDEF);
  await rejectsWith(gic.setAttr(GRP_ADDR, V2_DIST, u32le(0x8000000)), 'EFAULT'); // a u64 is read
  await rejectsWith(setAddr(gic, V2_DIST, 0x8000100n), 'EINVAL');
  await rejectsWith(setAddr(gic, V2_CPU, MAX_PHYS_40), 'E2BIG');
  assert.is(await getAddr(gic, V2_DIST), UNDEF);
  await setAddr(gic, V2_DIST, 0x8000000n);
  await setAddr(gic, V2_CPU, 0x8010000n);
  assert.is(await getAddr(gic, V2_DIST), 0x8000000n);
  assert.is(await getAddr(gic, V2_CPU), 0x8010000n);
  await rejectsWith(setAddr(gic, V2_CPU, 0x8020000n), 'EEXIST');
  await rejectsWith(vm.armSetDeviceAddr(devAddrId(0, V2_CPU), 0x8020000n), 'EEXIST');
  assert.is(await getAddr(gic, V2_CPU), 0x8010000n);
});

test('ADDR group, GICv3: DIST and legacy REDIST, alignment, wrap, IPA bounds, overlap, ENXIO for v2/ITS types', async () => {
  const vm = await newVm();
  await vm.createVcpu(0);
  const gic = await vm.createDevice(VGIC_V3);
  for (const type of [V3_DIST, V3_REDIST, V3_REDIST_REGION]) await gic.hasAttr(GRP_ADDR, type);
  for (const type of [V2_DIST, V2_CPU, ITS_ADDR, 6n, UNDEF]) {
    await rejectsWith(gic.hasAttr(GRP_ADDR, type), 'ENXIO');
    await rejectsWith(setAddr(gic, type, 0x8000000n), 'ENXIO');
    await rejectsWith(gic.getAttr(GRP_ADDR, type, u64le(0n)), 'ENXIO');
  }
  assert.is(await getAddr(gic, V3_DIST), UNDEF);
  assert.is(await getAddr(gic, V3_REDIST), UNDEF);

  // The distributor: 64 KiB aligned, 64 KiB long.
  await rejectsWith(setAddr(gic, V3_DIST, 0x8001000n), 'EINVAL');
  await rejectsWith(setAddr(gic, V3_DIST, 0xffffffffffff0000n), 'EINVAL'); // wraps
  await rejectsWith(setAddr(gic, V3_DIST, MAX_PHYS_40), 'E2BIG');
  await rejectsWith(setAddr(gic, V3_DIST, 0xff00000000000n), 'E2BIG'); // bits above the IPA size
  assert.is(await getAddr(gic, V3_DIST), UNDEF);
  await setAddr(gic, V3_DIST, 0x8000000n);
  assert.is(await getAddr(gic, V3_DIST), 0x8000000n);
  await rejectsWith(setAddr(gic, V3_DIST, 0x9000000n), 'EEXIST');
  await rejectsWith(setAddr(gic, V3_DIST, 0x9001000n), 'EEXIST'); // EEXIST before EINVAL

  // The legacy redistributor: one 128 KiB frame pair per vCPU (1 here).
  await rejectsWith(setAddr(gic, V3_REDIST, 0x80a1000n), 'EINVAL');
  await rejectsWith(setAddr(gic, V3_REDIST, 0xffffffffffff0000n), 'EINVAL'); // + 128 KiB wraps
  await rejectsWith(setAddr(gic, V3_REDIST, MAX_PHYS_40), 'E2BIG');
  await rejectsWith(setAddr(gic, V3_REDIST, MAX_PHYS_40 - 0x10000n), 'E2BIG'); // half a redistributor
  await rejectsWith(setAddr(gic, V3_REDIST, 0x8000000n), 'EINVAL'); // on the distributor
  await rejectsWith(setAddr(gic, V3_REDIST, 0x7ff0000n), 'EINVAL'); // overlaps its first 64 KiB
  assert.is(await getAddr(gic, V3_REDIST), UNDEF, 'rejected calls set nothing');
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(0n)), 'ENOENT');
  await setAddr(gic, V3_REDIST, 0x8010000n); // touching the distributor's end is no overlap
  assert.is(await getAddr(gic, V3_REDIST), 0x8010000n);
  // The legacy region is region 0, with count 0.
  assert.is(await getAddr(gic, V3_REDIST_REGION, 0n), 0x8010000n);
  await rejectsWith(setAddr(gic, V3_REDIST, 0x9000000n), 'EEXIST'); // a second legacy REDIST
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x9000000n, 0)), 'EINVAL'); // no REDIST_REGION after it
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x9000000n, 1)), 'EINVAL');
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(1n)), 'ENOENT');
  assert.is(await getAddr(gic, V3_REDIST), 0x8010000n);
});

test('ADDR group, GICv3 REDIST_REGION: every insertion rule of §10.2, GET by index, ENOENT', async () => {
  const vm = await newVm();
  await vcpus(vm, [0, 1]);
  const gic = await vm.createDevice(VGIC_V3);
  await setAddr(gic, V3_DIST, 0x8000000n);
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(0n)), 'ENOENT');
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(2, 0x100000n, 0, 1)), 'EINVAL'); // 1. flags
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(2, 0x100000n, 0, 8)), 'EINVAL');
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(0, 0x100000n, 0)), 'EINVAL'); // 2. count 0
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(2, 0x100000n, 1)), 'EINVAL'); // 3. first index 0
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(1n)), 'ENOENT');

  await setAddr(gic, V3_REDIST_REGION, region(2, 0x100000n, 0));
  assert.is(await getAddr(gic, V3_REDIST_REGION, 0n), region(2, 0x100000n, 0));
  assert.is(await getAddr(gic, V3_REDIST), 0x100000n, 'REDIST reads the first region base');
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x200000n, 0)), 'EINVAL'); // 4. index reused
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x200000n, 2)), 'EINVAL'); // 4. index skipped
  await rejectsWith(setAddr(gic, V3_REDIST, 0x200000n), 'EINVAL'); // 5. legacy after regions
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x120000n, 1)), 'EINVAL'); // 6. overlaps region 0
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(4, 0xc0000n, 1)), 'EINVAL'); // 6. covers region 0's start
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x8000000n, 1)), 'EINVAL'); // 6. on the distributor
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x7ff0000n, 1)), 'EINVAL'); // 6. into the distributor
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, MAX_PHYS_40, 1)), 'E2BIG'); // 7. beyond the IPA space
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(2, MAX_PHYS_40 - REDIST, 1)), 'E2BIG'); // 7. partly beyond
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(1n)), 'ENOENT');

  await setAddr(gic, V3_REDIST_REGION, region(3, 0x140000n, 1)); // touches region 0's end
  assert.is(await getAddr(gic, V3_REDIST_REGION, 1n), region(3, 0x140000n, 1));
  // GET reads only the index bits (11:0) of the value passed in.
  assert.is(await getAddr(gic, V3_REDIST_REGION, region(7, 0x9990000n, 1, 3)), region(3, 0x140000n, 1));
  assert.is(await getAddr(gic, V3_REDIST_REGION, 0n), region(2, 0x100000n, 0));
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(2n)), 'ENOENT');
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(0xfffn)), 'ENOENT');
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION), 'EFAULT'); // the index is read from addr
  await setAddr(gic, V3_REDIST_REGION, region(1, MAX_PHYS_40 - REDIST, 2)); // the last 128 KiB fit
  assert.is(await getAddr(gic, V3_REDIST_REGION, 2n), region(1, MAX_PHYS_40 - REDIST, 2));
});


test('ADDR group in a VM with a 32-bit IPA space: E2BIG past 4 GiB for DIST, REDIST and REDIST_REGION', async () => {
  const a = await newVm(32);
  const gic = await a.createDevice(VGIC_V3);
  await rejectsWith(setAddr(gic, V3_DIST, 0x100000000n), 'E2BIG');
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(1, 0x100000000n, 0)), 'E2BIG');
  await rejectsWith(setAddr(gic, V3_REDIST_REGION, region(2, 0xfffe0000n, 0)), 'E2BIG'); // the second one is outside
  await rejectsWith(gic.getAttr(GRP_ADDR, V3_REDIST_REGION, u64le(0n)), 'ENOENT');
  await setAddr(gic, V3_REDIST_REGION, region(1, 0xfffe0000n, 0));
  await setAddr(gic, V3_DIST, 0xfffd0000n);
  assert.is(await getAddr(gic, V3_DIST), 0xfffd0000n);

  const b = await newVm(32);
  await b.createVcpu(0);
  const gicB = await b.createDevice(VGIC_V3);
  await rejectsWith(setAddr(gicB, V3_REDIST, 0xffff0000n), 'E2BIG'); // one vCPU: 128 KiB needed
  await setAddr(gicB, V3_REDIST, 0xfffe0000n);
  assert.is(await getAddr(gicB, V3_REDIST), 0xfffe0000n);
});

test('a redistributor assignment re-validates the layout: a vCPU that no longer fits is EINVAL', async () => {
  const vm = await newVm();
  await vm.createVcpu(0);
  const gic = await vm.createDevice(VGIC_V3);
  // Room for two frame pairs; the check counts only the vCPUs already online (§10.11).
  await setAddr(gic, V3_REDIST, MAX_PHYS_40 - 2n * REDIST);
  await vm.createVcpu(1);
  await vm.createVcpu(2); // checked against 2 online vCPUs: fits
  await rejectsWith(vm.createVcpu(3), 'EINVAL'); // 3 online: 384 KiB do not fit
  await rejectsWith(vm.createVcpu(3), 'EINVAL'); // not EEXIST: nothing was created
  assert.is((await vmState(vm)).vcpuCount, 3);
});

// -- First KVM_RUN validation (§10.11) ----------------------------------------------------------

/** A GICv3 VM: RAM with the spinning guest, vCPUs `ids`, the device; the caller sets the layout. */
async function v3Vm(ids: number[], ipa = 0): Promise<{ vm: VmHandle; cpus: VcpuHandle[]; gic: DeviceHandle }> {
  const vm = await vmWithRam(ipa);
  const cpus = await vcpus(vm, ids);
  const gic = await vm.createDevice(VGIC_V3);
  return { vm, cpus, gic };
}

test('first KVM_RUN, GICv3: ENXIO when a vCPU has no redistributor; the VM is then dead (EIO)', async () => {
  const { vm, cpus: [v], gic } = await v3Vm([0]);
  await setAddr(gic, V3_DIST, 0x8000000n);
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  await ready(v);
  await rejectsWith(v.run(RUN), 'ENXIO');
  await assertDead(vm, v, gic);
});

test('first KVM_RUN, GICv3: ENXIO when the regions have no slot left for the second vCPU', async () => {
  const { vm, cpus: [v0, v1], gic } = await v3Vm([0, 1]);
  await setAddr(gic, V3_REDIST_REGION, region(1, 0x80a0000n, 0));
  await setAddr(gic, V3_DIST, 0x8000000n);
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  // §10.12: vCPU 0 is alone in its region (Last); vCPU 1 has no redistributor (Last = 0).
  assert.equal(await typer(gic, 0), [0x010, 0]);
  assert.equal(await typer(gic, 1), [0x100, 1]);
  await ready(v0);
  await ready(v1);
  await rejectsWith(v1.run(RUN), 'ENXIO');
  await assertDead(vm, v0, gic);
});

test('first KVM_RUN, GICv3: ENXIO without a distributor base, before the EBUSY of a missing CTRL_INIT', async () => {
  const { vm, cpus: [v], gic } = await v3Vm([0]);
  await setAddr(gic, V3_REDIST, 0x80a0000n);
  await ready(v);
  await rejectsWith(v.run(RUN), 'ENXIO');
  await assertDead(vm, v, gic);
});

test('first KVM_RUN, GICv3: a distributor set over a redistributor region is accepted, then EINVAL (before EBUSY)', async () => {
  const { vm, cpus: [v], gic } = await v3Vm([0]);
  await setAddr(gic, V3_REDIST_REGION, region(1, 0x8000000n, 0));
  await setAddr(gic, V3_DIST, 0x8010000n); // no overlap check when DIST is set
  assert.is(await getAddr(gic, V3_DIST), 0x8010000n);
  await ready(v);
  await rejectsWith(v.run(RUN), 'EINVAL');
  await assertDead(vm, v, gic);
});

test('first KVM_RUN, GICv3: a legacy region that fitted one vCPU but not four is EINVAL at the first run', async () => {
  const { vm, cpus, gic } = await v3Vm([0]);
  await setAddr(gic, V3_DIST, 0x8000000n);
  await setAddr(gic, V3_REDIST, MAX_PHYS_40 - 3n * REDIST);
  cpus.push(...(await vcpus(vm, [1, 2, 3])));
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  await ready(cpus[0]);
  await rejectsWith(cpus[0].run(RUN), 'EINVAL');
  await assertDead(vm, cpus[0], gic);
});

test('first KVM_RUN, GICv3: EBUSY without CTRL_INIT; the VM is dead', async () => {
  const { vm, cpus: [v], gic } = await v3Vm([0]);
  await setAddr(gic, V3_DIST, 0x8000000n);
  await setAddr(gic, V3_REDIST, 0x80a0000n);
  await ready(v);
  await rejectsWith(v.run(RUN), 'EBUSY');
  await assertDead(vm, v, gic);
});

test('first KVM_RUN, GICv2: ENXIO for a missing base, EINVAL for overlapping frames; the VM is dead', async () => {
  const a = await vmWithRam();
  const [va] = await vcpus(a, [0]);
  await a.createIrqchip();
  await a.armSetDeviceAddr(devAddrId(0, V2_DIST), 0x8000000n);
  await ready(va);
  await rejectsWith(va.run(RUN), 'ENXIO');
  await assertDead(a, va);

  const b = await vmWithRam();
  const [vb] = await vcpus(b, [0]);
  const gic = await b.createDevice(VGIC_V2);
  await ready(vb);
  await rejectsWith(vb.run(RUN), 'ENXIO'); // neither base set
  await assertDead(b, vb, gic);

  const c = await vmWithRam();
  const [vc] = await vcpus(c, [0]);
  const gicC = await c.createDevice(VGIC_V2);
  await setAddr(gicC, V2_DIST, 0x8000000n);
  await setAddr(gicC, V2_CPU, 0x7fff000n); // 8 KiB: covers the distributor's first page
  await ready(vc);
  await rejectsWith(vc.run(RUN), 'EINVAL');
  await assertDead(c, vc, gicC);
});

test('first KVM_RUN, GICv2: with both bases set the VGIC initialises lazily and the guest runs', async () => {
  const vm = await vmWithRam();
  const [v] = await vcpus(vm, [0]);
  await vm.createIrqchip();
  await vm.armSetDeviceAddr(devAddrId(0, V2_DIST), 0x8000000n);
  await vm.armSetDeviceAddr(devAddrId(0, V2_CPU), 0x8010000n);
  await ready(v);
  const exit = await v.run(RUN);
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.is((await vmState(vm)).state, 'running');
  await rejectsWith(vm.createVcpu(1), 'EBUSY'); // initialised by the run
  await rejectsWith(vm.armSetDeviceAddr(devAddrId(0, V2_DIST), 0x9000000n), 'EEXIST');
  assert.is((await v.run(RUN)).reason, 'KVM_EXIT_INTR');
});

// -- GICR_TYPER (§10.12) ------------------------------------------------------------------------

test('GICR_TYPER: Processor_Number, affinity and Last over three 2-slot regions (one adjacent)', async () => {
  const vm = await newVm();
  await vcpus(vm, [0, 1, 2, 3, 4, 5]);
  const gic = await vm.createDevice(VGIC_V3);
  await rejectsWith(gic.getAttr(GRP_REDIST_REGS, redistAttr(0, GICR_TYPER)), 'EBUSY'); // before CTRL_INIT
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  // Before any region: no redistributor, Last = 0.
  assert.equal(await typer(gic, 5), [0x500, 5]);
  await setAddr(gic, V3_REDIST_REGION, region(2, 0x100000n, 0)); // vCPUs 0, 1
  await setAddr(gic, V3_REDIST_REGION, region(2, 0x240000n, 1)); // vCPUs 2, 3
  await setAddr(gic, V3_REDIST_REGION, region(2, 0x200000n, 2)); // vCPUs 4, 5; ends where region 1 starts
  const expect = [0x000, 0x110, 0x200, 0x310, 0x400, 0x500];
  for (let id = 0; id < 6; id++) assert.equal(await typer(gic, id), [expect[id], id], `vCPU ${id}`);
});

test('GICR_TYPER in a legacy region: the most recently assigned vCPU is Last; Aff1 in the high word', async () => {
  const vm = await newVm();
  await vcpus(vm, [0, 3]);
  const gic = await vm.createDevice(VGIC_V3);
  await setAddr(gic, V3_REDIST, 0x80a0000n); // assigns 0 then 3
  await vcpus(vm, [17, 1]); // assigned as they are created
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  assert.equal(await typer(gic, 0), [0x000, 0]);
  assert.equal(await typer(gic, 3), [0x300, 3]);
  assert.equal(await typer(gic, 0x101), [0x1100, 0x101]); // vCPU 17: MPIDR Aff1 = 1, Aff0 = 1
  assert.equal(await typer(gic, 1), [0x110, 1]);
  await rejectsWith(gic.getAttr(GRP_REDIST_REGS, redistAttr(17, GICR_TYPER)), 'EINVAL'); // no vCPU has affinity 17
});

test('a correct GICv3 layout runs: the Run of the spinning guest ends with KVM_EXIT_INTR', async () => {
  const { vm, cpus, gic } = await v3Vm([0, 1]);
  await setAddr(gic, V3_DIST, 0x8000000n);
  await setAddr(gic, V3_REDIST, 0x80a0000n);
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  for (const v of cpus) await ready(v);
  let exit = await cpus[0].run(RUN);
  assert.is(exit.errno, 'EINTR');
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  // The first slice may be spent starting the vCPU thread; the second one runs guest code throughout.
  const started = Date.now();
  exit = await cpus[0].run(RUN);
  assert.is(exit.reason, 'KVM_EXIT_INTR');
  assert.ok(Date.now() - started >= 200, 'the guest ran until the end of the slice');
  assert.ok(exit.instructions > 0n, 'guest instructions were executed');
  assert.is(await cpus[0].getReg(REG.PC), GUEST_RAM, 'still spinning on `b .`');
  assert.is((await cpus[1].run(RUN)).reason, 'KVM_EXIT_INTR');
  assert.is((await vmState(vm)).state, 'running');
  await rejectsWith(vm.createVcpu(2), 'EBUSY');
  await rejectsWith(vm.createIrqchip(), 'EEXIST');
  await rejectsWith(setAddr(gic, V3_DIST, 0x9000000n), 'EEXIST');
  assert.equal(await typer(gic, 0), [0x000, 0]);
  assert.equal(await typer(gic, 1), [0x110, 1]);
});

test.run();
