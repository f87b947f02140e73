/**
 * The VGIC register attribute groups through DeviceService (spec §10.3-§10.8): NR_IRQS, CTRL,
 * GICv3 DIST_REGS / REDIST_REGS / CPU_SYSREGS / LEVEL_INFO, GICv2 DIST_REGS / CPU_REGS, unknown
 * groups and unknown device handles.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, rejectsWith, TestServer } from './harness';
import { u32le, u64le, readU32le, readU64le, DeviceHandle, VmHandle } from '../../clients/kvm-client';

const VGIC_V2 = 5;
const VGIC_V3 = 7;
// Groups (§10.1).
const GRP_ADDR = 0;
const GRP_DIST_REGS = 1;
const GRP_CPU_REGS = 2;
const GRP_NR_IRQS = 3;
const GRP_CTRL = 4;
const GRP_REDIST_REGS = 5;
const GRP_CPU_SYSREGS = 6;
const GRP_LEVEL_INFO = 7;
const GRP_ITS_REGS = 8;
const GRP_MAINT_IRQ = 9;
// CTRL attributes (§10.7).
const CTRL_INIT = 0n;
const ITS_SAVE_TABLES = 1n;
const ITS_RESTORE_TABLES = 2n;
const SAVE_PENDING_TABLES = 3n;
const ITS_CTRL_RESET = 4n;
// GICv3 distributor / redistributor offsets (Arm IHI 0069).
const GICD_CTLR = 0x0n;
const GICD_TYPER = 0x4n;
const GICD_IIDR = 0x8n;
const GICD_TYPER2 = 0xcn;
const GICD_ISENABLER = 0x100n;
const GICR_CTLR = 0x0n;
const GICR_TYPER = 0x8n;
const GICR_ISENABLER0 = 0x10100n;
// GICv2 (Arm IHI 0048B).
const GICC_CTLR = 0x0n;
const GICC_PMR = 0x4n;
// ICC system registers, attr bits 15:0 (§10.5).
const ICC_PMR_EL1 = 0xc230n;
const ICC_BPR0_EL1 = 0xc643n;
const ICC_AP0R = (n: number): bigint => 0xc644n + BigInt(n);
const ICC_AP1R = (n: number): bigint => 0xc648n + BigInt(n);
const ICC_BPR1_EL1 = 0xc663n;
const ICC_CTLR_EL1 = 0xc664n;
const ICC_SRE_EL1 = 0xc665n;
const ICC_IGRPEN0_EL1 = 0xc666n;
const ICC_IGRPEN1_EL1 = 0xc667n;
const ICC_REGS = [ICC_PMR_EL1, ICC_BPR0_EL1, ...[0, 1, 2, 3].map(ICC_AP0R), ...[0, 1, 2, 3].map(ICC_AP1R), ICC_BPR1_EL1, ICC_CTLR_EL1, ICC_SRE_EL1, ICC_IGRPEN0_EL1, ICC_IGRPEN1_EL1];

/** MPIDR affinity (Aff3.Aff2.Aff1.Aff0) in bits 63:32 over an offset or encoding in 31:0 (§10.4). */
const at = (aff: number, low: bigint): bigint => (BigInt(aff) << 32n) | low;
/** GICv2: vCPU id in bits 39:32 (§10.3). */
const v2at = (id: number, offset: bigint): bigint => (BigInt(id) << 32n) | offset;
/** LEVEL_INFO attr: MPIDR 63:32, info type 31:10, first INTID 9:0 (§10.8). */
const levelAttr = (aff: number, intid: number, type = 0): bigint => (BigInt(aff) << 32n) | (BigInt(type) << 10n) | BigInt(intid);

let t: TestServer;
const vms: VmHandle[] = [];
test.before(async () => {
  t = await startTestServer();
});
test.after(async () => {
  await t.stop();
});
test.after.each(async () => {
  for (const vm of vms.splice(0)) await t.client.destroyVm(vm.handle).catch(() => undefined);
});

/** A VM with vCPUs `ids` (never initialised: VGIC attributes do not need KVM_ARM_VCPU_INIT) and a VGIC. */
async function gicVm(type: number, ids: number[]): Promise<{ vm: VmHandle; gic: DeviceHandle }> {
  const vm = await t.client.createVm();
  vms.push(vm);
  for (const id of ids) await vm.createVcpu(id);
  return { vm, gic: await vm.createDevice(type) };
}

const get32 = async (gic: DeviceHandle, group: number, attr: bigint): Promise<number> => readU32le(await gic.getAttr(group, attr));
const get64 = async (gic: DeviceHandle, group: number, attr: bigint): Promise<bigint> => readU64le(await gic.getAttr(group, attr));
const set32 = (gic: DeviceHandle, group: number, attr: bigint, v: number): Promise<void> => gic.setAttr(group, attr, u32le(v));
const set64 = (gic: DeviceHandle, group: number, attr: bigint, v: bigint): Promise<void> => gic.setAttr(group, attr, u64le(v));

// -- NR_IRQS (§10.6) ----------------------------------------------------------------------------

test('NR_IRQS: 64..992 in steps of 32; EINVAL otherwise; GET 32 until set; EBUSY once set; EFAULT', async () => {
  const { gic } = await gicVm(VGIC_V3, []);
  await gic.hasAttr(GRP_NR_IRQS, 0n);
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 32);
  for (const bad of [0, 32, 63, 65, 96 + 1, 100, 1000, 1023, 1024, 1056, 0xffffffff]) {
    await rejectsWith(set32(gic, GRP_NR_IRQS, 0n, bad), 'EINVAL');
  }
  await rejectsWith(gic.setAttr(GRP_NR_IRQS, 0n, new Uint8Array([0x40, 0])), 'EFAULT');
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 32, 'rejected values change nothing');
  await set32(gic, GRP_NR_IRQS, 0n, 992); // the largest value: 1024 > VGIC_MAX_RESERVED
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 992);
  await rejectsWith(set32(gic, GRP_NR_IRQS, 0n, 64), 'EBUSY');
  await rejectsWith(set32(gic, GRP_NR_IRQS, 0n, 992), 'EBUSY');
  await rejectsWith(set32(gic, GRP_NR_IRQS, 0n, 33), 'EINVAL'); // the value is checked first
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 992);

  const { gic: v2 } = await gicVm(VGIC_V2, []);
  assert.is(await get32(v2, GRP_NR_IRQS, 0n), 32);
  await rejectsWith(set32(v2, GRP_NR_IRQS, 0n, 48), 'EINVAL');
  await set32(v2, GRP_NR_IRQS, 0n, 64);
  assert.is(await get32(v2, GRP_NR_IRQS, 0n), 64);
  await rejectsWith(set32(v2, GRP_NR_IRQS, 0n, 96), 'EBUSY');
});

test('CTRL_INIT: default 256 interrupts, idempotent, then NR_IRQS and KVM_CREATE_VCPU are EBUSY', async () => {
  const { vm, gic } = await gicVm(VGIC_V3, [0]);
  await gic.hasAttr(GRP_CTRL, CTRL_INIT);
  await gic.hasAttr(GRP_CTRL, SAVE_PENDING_TABLES);
  for (const a of [ITS_SAVE_TABLES, ITS_RESTORE_TABLES, ITS_CTRL_RESET, 99n]) {
    await rejectsWith(gic.hasAttr(GRP_CTRL, a), 'ENXIO');
    await rejectsWith(gic.setAttr(GRP_CTRL, a), 'ENXIO');
  }
  await rejectsWith(gic.setAttr(GRP_CTRL, SAVE_PENDING_TABLES), 'ENXIO'); // not an initialised GICv3
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 256);
  await rejectsWith(set32(gic, GRP_NR_IRQS, 0n, 512), 'EBUSY');
  await gic.setAttr(GRP_CTRL, CTRL_INIT); // idempotent
  await gic.setAttr(GRP_CTRL, SAVE_PENDING_TABLES);
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 256);
  // GICD_TYPER: ITLinesNumber = 256 / 32 - 1, IDbits = 9.
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_TYPER), (9 << 19) | 7);
  await rejectsWith(vm.createVcpu(1), 'EBUSY');
  await rejectsWith(vm.createVcpu(0), 'EBUSY'); // EBUSY comes before EEXIST (§5.1)
  await rejectsWith(vm.createVcpu(600), 'EINVAL'); // the id check comes first
  assert.is((await vm.describe() as { vcpus: unknown[] }).vcpus.length, 1);

  const { vm: vm2, gic: gic2 } = await gicVm(VGIC_V3, [0]);
  await set32(gic2, GRP_NR_IRQS, 0n, 992);
  await gic2.setAttr(GRP_CTRL, CTRL_INIT);
  assert.is(await get32(gic2, GRP_NR_IRQS, 0n), 992);
  assert.is(await get32(gic2, GRP_DIST_REGS, GICD_TYPER), (9 << 19) | 30);
  await rejectsWith(vm2.createVcpu(1), 'EBUSY');

  const { vm: vm3, gic: v2 } = await gicVm(VGIC_V2, [0]);
  await v2.hasAttr(GRP_CTRL, CTRL_INIT);
  await rejectsWith(v2.hasAttr(GRP_CTRL, SAVE_PENDING_TABLES), 'ENXIO');
  await rejectsWith(v2.setAttr(GRP_CTRL, SAVE_PENDING_TABLES), 'ENXIO');
  await v2.setAttr(GRP_CTRL, CTRL_INIT);
  await v2.setAttr(GRP_CTRL, CTRL_INIT);
  assert.is(await get32(v2, GRP_NR_IRQS, 0n), 256);
  await rejectsWith(vm3.createVcpu(1), 'EBUSY');
});

// -- GICv3 DIST_REGS / REDIST_REGS (§10.4) ------------------------------------------------------

test('GICv3 register groups are EBUSY before CTRL_INIT, except GICD_IIDR and GICD_TYPER2', async () => {
  const { gic } = await gicVm(VGIC_V3, [0]);
  for (const off of [GICD_CTLR, GICD_TYPER, GICD_ISENABLER + 4n]) {
    await rejectsWith(gic.getAttr(GRP_DIST_REGS, off), 'EBUSY');
    await rejectsWith(set32(gic, GRP_DIST_REGS, off, 0), 'EBUSY');
  }
  await rejectsWith(gic.getAttr(GRP_REDIST_REGS, at(0, GICR_TYPER)), 'EBUSY');
  await rejectsWith(set32(gic, GRP_REDIST_REGS, at(0, GICR_CTLR), 0), 'EBUSY');
  await rejectsWith(gic.getAttr(GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1)), 'EBUSY');
  await rejectsWith(set64(gic, GRP_CPU_SYSREGS, at(0, ICC_PMR_EL1), 0xf0n), 'EBUSY');
  await rejectsWith(gic.getAttr(GRP_LEVEL_INFO, levelAttr(0, 32)), 'EBUSY');
  // HAS does not need the VGIC initialised.
  await gic.hasAttr(GRP_DIST_REGS, GICD_CTLR);
  await gic.hasAttr(GRP_REDIST_REGS, at(0, GICR_TYPER));
  await gic.hasAttr(GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1));

  // GICD_IIDR: 'K' << 24 | Revision 3 << 12 | Arm 0x43B; only the Revision may change.
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_IIDR), 0x4b00343b);
  await set32(gic, GRP_DIST_REGS, GICD_IIDR, 0x4b00343b);
  await set32(gic, GRP_DIST_REGS, GICD_IIDR, 0x4b00243b);
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_IIDR), 0x4b00243b);
  await rejectsWith(set32(gic, GRP_DIST_REGS, GICD_IIDR, 0x4b00143b), 'EINVAL'); // revision 1 not implemented
  await rejectsWith(set32(gic, GRP_DIST_REGS, GICD_IIDR, 0x4b00343c), 'EINVAL'); // implementer
  await rejectsWith(set32(gic, GRP_DIST_REGS, GICD_IIDR, 0x4c00343b), 'EINVAL'); // product id
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_IIDR), 0x4b00243b);
  await set32(gic, GRP_DIST_REGS, GICD_IIDR, 0x4b00343b);
  // GICD_TYPER2: the current value may be written; nASSGIcap cannot be set without direct vSGIs.
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_TYPER2), 0);
  await set32(gic, GRP_DIST_REGS, GICD_TYPER2, 0);
  await rejectsWith(set32(gic, GRP_DIST_REGS, GICD_TYPER2, 0x100), 'EINVAL');
  await rejectsWith(set32(gic, GRP_DIST_REGS, GICD_TYPER2, 0x1), 'EINVAL');

  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  // GICD_CTLR reads with ARE_NS (bit 4) and DS (bit 6); EnableGrp1 (bit 1) is writable.
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_CTLR), 0x50);
  await set32(gic, GRP_DIST_REGS, GICD_CTLR, 0x2);
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_CTLR), 0x52);
  await set32(gic, GRP_DIST_REGS, GICD_CTLR, 0);
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_CTLR), 0x50, 'ARE_NS and DS cannot be cleared');
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_IIDR), 0x4b00343b);
  await rejectsWith(set32(gic, GRP_DIST_REGS, GICD_TYPER2, 0x100), 'EBUSY'); // a change after init
  await set32(gic, GRP_DIST_REGS, GICD_TYPER2, 0);
  assert.is(await get32(gic, GRP_REDIST_REGS, at(0, GICR_TYPER)), 0); // no redistributor: Last = 0
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1)), 7n);
});

test('GICv3 register groups: EINVAL without vCPU 0 or for an unknown MPIDR; ENXIO for unknown offsets', async () => {
  const { gic: lonely } = await gicVm(VGIC_V3, []);
  await rejectsWith(lonely.getAttr(GRP_DIST_REGS, GICD_IIDR), 'EINVAL'); // DIST_REGS needs vCPU 0
  await rejectsWith(lonely.hasAttr(GRP_DIST_REGS, GICD_IIDR), 'EINVAL');
  await rejectsWith(lonely.getAttr(GRP_REDIST_REGS, at(0, GICR_TYPER)), 'EINVAL');
  await lonely.setAttr(GRP_CTRL, CTRL_INIT);
  await rejectsWith(lonely.getAttr(GRP_DIST_REGS, GICD_CTLR), 'EINVAL');

  const { gic } = await gicVm(VGIC_V3, [0, 1]);
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  // DIST_REGS ignores the MPIDR field.
  assert.is(await get32(gic, GRP_DIST_REGS, at(5, GICD_IIDR)), 0x4b00343b);
  for (const [group, low] of [[GRP_REDIST_REGS, GICR_TYPER], [GRP_CPU_SYSREGS, ICC_PMR_EL1]] as const) {
    await rejectsWith(gic.getAttr(group, at(5, low)), 'EINVAL');
    await rejectsWith(gic.hasAttr(group, at(5, low)), 'EINVAL');
    await rejectsWith(gic.setAttr(group, at(5, low), u64le(0n)), 'EINVAL');
  }
  await rejectsWith(gic.getAttr(GRP_LEVEL_INFO, levelAttr(5, 32)), 'EINVAL');
  await rejectsWith(gic.getAttr(GRP_REDIST_REGS, at(0x100, GICR_TYPER)), 'EINVAL'); // Aff1 = 1: no such vCPU
  assert.is(await get32(gic, GRP_REDIST_REGS, at(1, GICR_TYPER + 4n)), 1, 'vCPU 1 affinity');

  for (const off of [0x20n, 0x7cn, 0xf000n, 0x10000n, 0xfffffffcn]) {
    await rejectsWith(gic.getAttr(GRP_DIST_REGS, off), 'ENXIO');
    await rejectsWith(gic.hasAttr(GRP_DIST_REGS, off), 'ENXIO');
    await rejectsWith(set32(gic, GRP_DIST_REGS, off, 0), 'ENXIO');
  }
  // Per-interrupt registers exist only up to nr_irqs (256): GICD_ISENABLER7 yes, 8 no.
  await gic.hasAttr(GRP_DIST_REGS, GICD_ISENABLER + 28n);
  await rejectsWith(gic.hasAttr(GRP_DIST_REGS, GICD_ISENABLER + 32n), 'ENXIO');
  await rejectsWith(gic.getAttr(GRP_DIST_REGS, GICD_ISENABLER + 32n), 'ENXIO');
  for (const off of [0x18n, 0x20n, 0x10800n, 0x20000n]) {
    await rejectsWith(gic.getAttr(GRP_REDIST_REGS, at(0, off)), 'ENXIO');
    await rejectsWith(gic.hasAttr(GRP_REDIST_REGS, at(0, off)), 'ENXIO');
  }
  // Values are u32: a short buffer is EFAULT.
  await rejectsWith(gic.setAttr(GRP_DIST_REGS, GICD_CTLR, new Uint8Array(2)), 'EFAULT');
  // Banked state: enabling PPI 27 on vCPU 1 leaves vCPU 0 alone (SGIs reset enabled).
  await set32(gic, GRP_REDIST_REGS, at(1, GICR_ISENABLER0), 1 << 27);
  assert.is(await get32(gic, GRP_REDIST_REGS, at(1, GICR_ISENABLER0)), 0xffff | (1 << 27));
  assert.is(await get32(gic, GRP_REDIST_REGS, at(0, GICR_ISENABLER0)), 0xffff);
  // An SPI enable through DIST_REGS reads back.
  await set32(gic, GRP_DIST_REGS, GICD_ISENABLER + 4n, 1 << 8);
  assert.is(await get32(gic, GRP_DIST_REGS, GICD_ISENABLER + 4n), 1 << 8);
  // GICR_TYPER is read-only: a write is accepted and ignored.
  await set32(gic, GRP_REDIST_REGS, at(1, GICR_TYPER), 0xffff);
  assert.is(await get32(gic, GRP_REDIST_REGS, at(1, GICR_TYPER)), 0x100);
});

// -- CPU_SYSREGS (§10.5) ------------------------------------------------------------------------

test('GICv3 CPU_SYSREGS: HAS for every ICC register, ICC_SRE_EL1.SRE stays 1, AP1R1 inaccessible with 5 priority bits', async () => {
  const { gic } = await gicVm(VGIC_V3, [0]);
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  for (const r of ICC_REGS) await gic.hasAttr(GRP_CPU_SYSREGS, at(0, r));
  for (const r of [0xc000n, 0xc668n, 0xffffn]) {
    await rejectsWith(gic.hasAttr(GRP_CPU_SYSREGS, at(0, r)), 'ENXIO');
    await rejectsWith(gic.getAttr(GRP_CPU_SYSREGS, at(0, r)), 'ENXIO');
  }
  // SRE, DFB and DIB read as one; clearing SRE is refused.
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1)), 7n);
  await rejectsWith(set64(gic, GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1), 0n), 'EINVAL');
  await rejectsWith(set64(gic, GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1), 6n), 'EINVAL');
  await set64(gic, GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1), 7n);
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_SRE_EL1)), 7n);
  // 5 priority bits (PRIbits = 4): only AP0R0 / AP1R0 exist.
  for (const r of [ICC_AP1R(1), ICC_AP1R(2), ICC_AP1R(3), ICC_AP0R(1), ICC_AP0R(3)]) {
    await rejectsWith(gic.getAttr(GRP_CPU_SYSREGS, at(0, r)), 'EINVAL');
    await rejectsWith(set64(gic, GRP_CPU_SYSREGS, at(0, r), 1n), 'EINVAL');
  }
  await set64(gic, GRP_CPU_SYSREGS, at(0, ICC_AP1R(0)), 0x80000000n);
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_AP1R(0))), 0x80000000n);
  await set64(gic, GRP_CPU_SYSREGS, at(0, ICC_AP0R(0)), 0x1n);
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_AP0R(0))), 0x1n);
  // ICC_CTLR_EL1: PRIbits 4 in bits 10:8; more priority bits than implemented is EINVAL.
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_CTLR_EL1)), 0x400n);
  await rejectsWith(set64(gic, GRP_CPU_SYSREGS, at(0, ICC_CTLR_EL1), 0x500n), 'EINVAL');
  await rejectsWith(set64(gic, GRP_CPU_SYSREGS, at(0, ICC_CTLR_EL1), 0x400n | (1n << 14n)), 'EINVAL'); // SEIS
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_CTLR_EL1)), 0x400n);
  await set64(gic, GRP_CPU_SYSREGS, at(0, ICC_CTLR_EL1), 0x402n); // EOImode
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_CTLR_EL1)), 0x402n);
  await set64(gic, GRP_CPU_SYSREGS, at(0, ICC_PMR_EL1), 0xf0n);
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_PMR_EL1)), 0xf0n);
  await set64(gic, GRP_CPU_SYSREGS, at(0, ICC_IGRPEN1_EL1), 1n);
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_IGRPEN1_EL1)), 1n);
  // Values are u64: a 4-byte buffer is EFAULT, and nothing changes.
  await rejectsWith(gic.setAttr(GRP_CPU_SYSREGS, at(0, ICC_PMR_EL1), u32le(0x80)), 'EFAULT');
  assert.is(await get64(gic, GRP_CPU_SYSREGS, at(0, ICC_PMR_EL1)), 0xf0n);
});

// -- LEVEL_INFO (§10.8) -------------------------------------------------------------------------

test('GICv3 LEVEL_INFO: the first INTID must be a multiple of 32; SPI line levels round-trip', async () => {
  const { gic } = await gicVm(VGIC_V3, [0]);
  await gic.setAttr(GRP_CTRL, CTRL_INIT);
  await gic.hasAttr(GRP_LEVEL_INFO, levelAttr(0, 32));
  await rejectsWith(gic.hasAttr(GRP_LEVEL_INFO, levelAttr(0, 32, 1)), 'ENXIO'); // unknown info type
  for (const intid of [1, 16, 33, 48, 1000]) {
    await rejectsWith(gic.getAttr(GRP_LEVEL_INFO, levelAttr(0, intid)), 'EINVAL');
    await rejectsWith(set32(gic, GRP_LEVEL_INFO, levelAttr(0, intid), 0), 'EINVAL');
  }
  await rejectsWith(gic.getAttr(GRP_LEVEL_INFO, levelAttr(0, 32, 1)), 'EINVAL');
  assert.is(await get32(gic, GRP_LEVEL_INFO, levelAttr(0, 32)), 0);
  await set32(gic, GRP_LEVEL_INFO, levelAttr(0, 32), 0x5);
  assert.is(await get32(gic, GRP_LEVEL_INFO, levelAttr(0, 32)), 0x5);
  assert.is(await get32(gic, GRP_LEVEL_INFO, levelAttr(0, 64)), 0);
  await rejectsWith(gic.setAttr(GRP_LEVEL_INFO, levelAttr(0, 32), new Uint8Array(1)), 'EFAULT');
});

// -- GICv2 DIST_REGS / CPU_REGS (§10.3) ---------------------------------------------------------

test('GICv2 DIST_REGS and CPU_REGS: EINVAL for a vCPU that does not exist, even for HAS', async () => {
  const { vm, gic } = await gicVm(VGIC_V2, []);
  for (const group of [GRP_DIST_REGS, GRP_CPU_REGS]) {
    await rejectsWith(gic.hasAttr(group, v2at(0, 0n)), 'EINVAL');
    await rejectsWith(gic.getAttr(group, v2at(0, 0n)), 'EINVAL');
    await rejectsWith(set32(gic, group, v2at(0, 0n), 0), 'EINVAL');
  }
  // Nothing was initialised by the failures.
  await set32(gic, GRP_NR_IRQS, 0n, 128);
  await vm.createVcpu(0);
  await gic.hasAttr(GRP_CPU_REGS, v2at(0, GICC_CTLR));
  await gic.hasAttr(GRP_CPU_REGS, v2at(0, GICC_PMR));
  await gic.hasAttr(GRP_DIST_REGS, v2at(0, GICD_CTLR));
  await rejectsWith(gic.hasAttr(GRP_CPU_REGS, v2at(1, GICC_CTLR)), 'EINVAL');
  await rejectsWith(gic.hasAttr(GRP_CPU_REGS, v2at(0, 0x800n)), 'ENXIO');
  await rejectsWith(gic.hasAttr(GRP_CPU_REGS, v2at(0, 0xcn)), 'ENXIO'); // GICC_IAR is guest-only
  await rejectsWith(gic.hasAttr(GRP_DIST_REGS, v2at(0, 0xe00n)), 'ENXIO');
  await rejectsWith(gic.hasAttr(GRP_DIST_REGS, v2at(0, GICD_ISENABLER + 16n)), 'ENXIO'); // INTIDs 128.. > nr_irqs
  // HAS does not initialise the VGIC.
  await vm.createVcpu(1);
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 128);
});

test('GICv2: a register GET or SET initialises the VGIC (vCPUs and NR_IRQS then EBUSY)', async () => {
  const { vm, gic } = await gicVm(VGIC_V2, [0]);
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 32);
  assert.is(await get32(gic, GRP_DIST_REGS, v2at(0, GICD_CTLR)), 0);
  assert.is(await get32(gic, GRP_NR_IRQS, 0n), 256, 'initialised with the default');
  await rejectsWith(set32(gic, GRP_NR_IRQS, 0n, 128), 'EBUSY');
  await rejectsWith(vm.createVcpu(1), 'EBUSY');
  assert.is(await get32(gic, GRP_DIST_REGS, v2at(0, GICD_IIDR)), 0x4b00343b);
  // GICD_TYPER: ITLinesNumber 7, CPUNumber 0 (one vCPU).
  assert.is(await get32(gic, GRP_DIST_REGS, v2at(0, GICD_TYPER)), 7);

  const { vm: vm2, gic: gic2 } = await gicVm(VGIC_V2, [0]);
  // The userspace GICC_PMR is the 5-bit priority mask.
  await set32(gic2, GRP_CPU_REGS, v2at(0, GICC_PMR), 0x1f);
  assert.is(await get32(gic2, GRP_CPU_REGS, v2at(0, GICC_PMR)), 0x1f);
  await rejectsWith(vm2.createVcpu(1), 'EBUSY');
  assert.is(await get32(gic2, GRP_NR_IRQS, 0n), 256);
  await set32(gic2, GRP_CPU_REGS, v2at(0, GICC_CTLR), 0x3);
  assert.is(await get32(gic2, GRP_CPU_REGS, v2at(0, GICC_CTLR)), 0x3);
});

// -- Unknown groups and handles ------------------------------------------------------------------

test('groups that do not apply to the model are ENXIO for SET, GET and HAS', async () => {
  const { gic: v3 } = await gicVm(VGIC_V3, [0]);
  await v3.setAttr(GRP_CTRL, CTRL_INIT);
  for (const group of [GRP_CPU_REGS, GRP_ITS_REGS, GRP_MAINT_IRQ, 10, 99, 0xffffffff]) {
    await rejectsWith(v3.setAttr(group, 0n, u64le(27n)), 'ENXIO');
    await rejectsWith(v3.getAttr(group, 0n), 'ENXIO');
    await rejectsWith(v3.hasAttr(group, 0n), 'ENXIO');
  }
  const { gic: v2 } = await gicVm(VGIC_V2, [0]);
  for (const group of [GRP_REDIST_REGS, GRP_CPU_SYSREGS, GRP_LEVEL_INFO, GRP_ITS_REGS, GRP_MAINT_IRQ, 99]) {
    await rejectsWith(v2.setAttr(group, 0n, u64le(27n)), 'ENXIO');
    await rejectsWith(v2.getAttr(group, 0n), 'ENXIO');
    await rejectsWith(v2.hasAttr(group, 0n), 'ENXIO');
  }
  // The failed v2 accesses did not initialise it.
  assert.is(await get32(v2, GRP_NR_IRQS, 0n), 32);
});

test('a device handle that names no device of the VM is EBADF', async () => {
  const { vm, gic } = await gicVm(VGIC_V3, []);
  const other = await t.client.createVm();
  vms.push(other);
  for (const h of [new DeviceHandle(vm, gic.fd + 1), new DeviceHandle(vm, 0), new DeviceHandle(other, gic.fd)]) {
    await rejectsWith(h.setAttr(GRP_CTRL, CTRL_INIT), 'EBADF');
    await rejectsWith(h.getAttr(GRP_ADDR, 2n), 'EBADF');
    await rejectsWith(h.hasAttr(GRP_ADDR, 2n), 'EBADF');
  }
  await gic.hasAttr(GRP_ADDR, 2n);
  await t.client.destroyVm(vm.handle);
  await rejectsWith(gic.hasAttr(GRP_ADDR, 2n), 'EBADF');
});

test.run();
