/**
 * GICv3 live migration through the device attribute groups (issue 4), with real guest code on a
 * 1-vCPU VM: the guest configures the GIC, takes SPI 40 and stops inside its handler (an MMIO
 * write, IRQs masked, SPI 40 active) while the test raises the level SPI 41. Everything a VMM
 * saves is then read from VM A (QEMU's hw/intc/arm_gicv3_kvm.c is the model: DIST_REGS §10.4,
 * REDIST_REGS §10.4, CPU_SYSREGS §10.5, LEVEL_INFO §10.8; every ONE_REG of GET_REG_LIST, the vCPU
 * events, the MP state, guest RAM), restored into a fresh VM B in QEMU's order, and both VMs are
 * run from the stop point: they must produce the same exits, i.e. SPI 41 is taken in B exactly
 * as in A once the guest unmasks IRQs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer, GUEST_RAM, USERSPACE, createGicV3 } from './harness';
import { REG, u32le, u64le, readU32le, readU64le, DeviceHandle, VcpuHandle, VmHandle, RunExit, VcpuEvents } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const GRP_DIST_REGS = 1;
const GRP_REDIST_REGS = 5;
const GRP_CPU_SYSREGS = 6;
const GRP_LEVEL_INFO = 7;
const NR_IRQS = 96; // SPIs 32..95
const RAM_SIZE = 0x40000n;
const MMIO = 0x90000000n;
const LOG = GUEST_RAM + 0x30000n;
const STACK = GUEST_RAM + 0x3f000n;
const SPI_EDGE = 40;
const SPI_LEVEL = 41;
const VTIMER_PPI = 27;
/** KVM_IRQ_LINE irq field (§8.2): type SPI (1) in bits 27:24, the INTID in 15:0. */
const spiLine = (intid: number): number => (1 << 24) | intid;
/** The virtual and physical counters run on in both VMs: not compared (§6.4). */
const KVM_REG_ARM_TIMER_CNT = 0x603000000013df1an;
const KVM_REG_ARM_PTIMER_CNT = 0x603000000013df01n;

// ICC system registers (Arm IHI 0069 §12.2): generic encodings for the assembler.
const ICC = {
  PMR: 's3_0_c4_c6_0',
  IAR1: 's3_0_c12_c12_0',
  EOIR1: 's3_0_c12_c12_1',
  DIR: 's3_0_c12_c11_1',
  RPR: 's3_0_c12_c11_3',
  BPR1: 's3_0_c12_c12_3',
  CTLR: 's3_0_c12_c12_4',
  IGRPEN1: 's3_0_c12_c12_7',
};
/**
 * CPU_SYSREGS attr[15:0] (§10.5), in the order QEMU's kvm_arm_gicv3_put restores them (SRE,
 * CTLR, IGRPEN0/1, PMR, BPR0/1, then the active-priority registers). With 5 priority bits only
 * AP0R0/AP1R0 exist.
 */
const ICC_ATTRS: Array<[string, bigint]> = [
  ['ICC_SRE_EL1', 0xc665n],
  ['ICC_CTLR_EL1', 0xc664n],
  ['ICC_IGRPEN0_EL1', 0xc666n],
  ['ICC_IGRPEN1_EL1', 0xc667n],
  ['ICC_PMR_EL1', 0xc230n],
  ['ICC_BPR0_EL1', 0xc643n],
  ['ICC_BPR1_EL1', 0xc663n],
  ['ICC_AP0R0_EL1', 0xc644n],
  ['ICC_AP1R0_EL1', 0xc648n],
];

// Register offsets (Arm IHI 0069 §12.9 / §12.11; REDIST_REGS: SGI_base at 0x10000, §10.4).
const GICD_CTLR = 0x0;
const GICD_IGROUPR = 0x80;
const GICD_ISENABLER = 0x100;
const GICD_ICENABLER = 0x180;
const GICD_ISPENDR = 0x200;
const GICD_ICPENDR = 0x280;
const GICD_ISACTIVER = 0x300;
const GICD_ICACTIVER = 0x380;
const GICD_IPRIORITYR = 0x400;
const GICD_ICFGR = 0xc00;
const GICD_IROUTER = 0x6000;
const GICR_CTLR = 0x0;
const GICR_WAKER = 0x14;
const SGI = 0x10000;
const GICR_IGROUPR0 = SGI + 0x80;
const GICR_ISENABLER0 = SGI + 0x100;
const GICR_ICENABLER0 = SGI + 0x180;
const GICR_ISPENDR0 = SGI + 0x200;
const GICR_ICPENDR0 = SGI + 0x280;
const GICR_ISACTIVER0 = SGI + 0x300;
const GICR_ICACTIVER0 = SGI + 0x380;
const GICR_IPRIORITYR0 = SGI + 0x400;
const GICR_ICFGR0 = SGI + 0xc00;

/**
 * Set-up: GICD_CTLR = ARE_NS | EnableGrp1; SPI 40 priority 0xa0, edge-triggered (GICD_ICFGR2
 * bit 17); SPI 41 priority 0x60, level; both routed to Aff0 0 and enabled; PPI 27 (vtimer)
 * priority 0x80 and enabled in the SGI frame; PMR 0xf0, BPR1 4, ICC_CTLR_EL1.EOImode 1,
 * IGRPEN1 1; reports to MMIO + 0, unmasks IRQs and spins until two interrupts were handled, then
 * reports the idle running priority to MMIO + 24.
 * Handler (IRQs masked): IAR1 -> LOG[++LOG[0]] = INTID | RPR << 16, reported to MMIO + 8 (the
 * stop point); EOIR1 (priority drop), DIR (deactivate), INTID reported to MMIO + 16.
 */
const GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  ldr x0, =${STACK}
  mov sp, x0
  isb
  movz x1, #0x0800, lsl #16
  mov w2, #0x12
  str w2, [x1]                          // GICD_CTLR: ARE_NS | EnableGrp1
  mov w2, #0xa0
  strb w2, [x1, #${GICD_IPRIORITYR + SPI_EDGE}]
  mov w2, #0x60
  strb w2, [x1, #${GICD_IPRIORITYR + SPI_LEVEL}]
  ldr w2, [x1, #${GICD_ICFGR + 8}]      // GICD_ICFGR2: INTIDs 32-47
  orr w2, w2, #${1 << (2 * (SPI_EDGE - 32) + 1)}
  str w2, [x1, #${GICD_ICFGR + 8}]      // SPI 40 edge
  add x4, x1, #${GICD_IROUTER}
  str xzr, [x4, #${SPI_EDGE * 8}]       // GICD_IROUTER: Aff0 0
  str xzr, [x4, #${SPI_LEVEL * 8}]
  mov w2, #${(1 << (SPI_EDGE - 32)) | (1 << (SPI_LEVEL - 32))}
  str w2, [x1, #${GICD_ISENABLER + 4}]
  movz x3, #0x080b, lsl #16             // vCPU 0's SGI_base (GICR + 0x10000)
  mov w2, #0x80
  strb w2, [x3, #${0x400 + VTIMER_PPI}] // GICR_IPRIORITYR6 byte 3: PPI 27
  mov w2, #${1 << VTIMER_PPI}
  str w2, [x3, #0x100]                  // GICR_ISENABLER0: PPI 27
  mov x2, #0xf0
  msr ${ICC.PMR}, x2
  mov x2, #4
  msr ${ICC.BPR1}, x2
  mrs x2, ${ICC.CTLR}
  orr x2, x2, #2                        // EOImode
  msr ${ICC.CTLR}, x2
  mov x2, #1
  msr ${ICC.IGRPEN1}, x2
  isb
  movz x17, #0x9000, lsl #16
  str xzr, [x17]                        // set-up done
  ldr x13, =${LOG}
  msr daifclr, #2
1:ldr x5, [x13]
  cmp x5, #2
  b.lo 1b
  mrs x6, ${ICC.RPR}
  str x6, [x17, #24]                    // both handled
  b .
  .balign 0x800
vectors:
  .skip 0x280
  mrs x10, ${ICC.IAR1}
  mrs x11, ${ICC.RPR}
  orr x11, x10, x11, lsl #16
  ldr x12, =${LOG}
  ldr x14, [x12]
  add x14, x14, #1
  str x11, [x12, x14, lsl #3]
  str x14, [x12]
  movz x16, #0x9000, lsl #16
  str x10, [x16, #8]                    // acknowledged (the stop point for SPI 40)
  msr ${ICC.EOIR1}, x10
  isb
  msr ${ICC.DIR}, x10
  isb
  str x10, [x16, #16]                   // done
  eret
  .ltorg
`);

let t: TestServer;
test.before(async () => {
  t = await startTestServer(['--run-slice-ms', '10000']);
});
test.after(async () => {
  await t.stop();
});

/** RAM slot, vCPU 0 (PC = GUEST_RAM), GICv3 with NR_IRQS 96 initialised: the same for A and B. */
async function makeVm(code?: Uint8Array): Promise<{ vm: VmHandle; vcpu: VcpuHandle; gic: DeviceHandle }> {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: RAM_SIZE, userspaceAddr: USERSPACE });
  if (code) await vm.writeMemory(GUEST_RAM, code);
  const vcpu = await vm.createVcpu(0);
  await vcpu.init();
  if (code) await vcpu.setReg(REG.PC, GUEST_RAM);
  const gic = await createGicV3(vm, NR_IRQS);
  return { vm, vcpu, gic };
}

// -- saving (kvm_arm_gicv3_get order) -----------------------------------------------------------

/** One saved attribute: group, attr, value (u32 for the register groups, u64 for CPU_SYSREGS). */
interface Saved {
  group: number;
  attr: bigint;
  value: bigint;
  name: string;
}

interface GicState {
  dist: Saved[];
  redist: Saved[];
  sysregs: Saved[];
  level: Saved[];
  pending: Saved[];
  active: Saved[];
}

/** Every 32-interrupt word of a distributor bitmap register over the SPIs (INTIDs 32..NR_IRQS-1). */
const spiWords = (base: number, bitsPerIrq: number): number[] => {
  const out: number[] = [];
  for (let irq = 32; irq < NR_IRQS; irq += 32 / bitsPerIrq) out.push(base + (irq * bitsPerIrq) / 8);
  return out;
};

/** Reads every piece of GIC state a VMM migrates (vCPU 0 only: MPIDR affinity 0). */
async function saveGic(gic: DeviceHandle): Promise<GicState> {
  const u32 = async (group: number, off: number, name: string): Promise<Saved> => {
    const attr = BigInt(off);
    return { group, attr, value: BigInt(readU32le(await gic.getAttr(group, attr))), name };
  };
  const dist: Saved[] = [await u32(GRP_DIST_REGS, GICD_CTLR, 'GICD_CTLR')];
  for (const off of spiWords(GICD_IGROUPR, 1)) dist.push(await u32(GRP_DIST_REGS, off, `GICD_IGROUPR@${off.toString(16)}`));
  for (const off of spiWords(GICD_IPRIORITYR, 8)) dist.push(await u32(GRP_DIST_REGS, off, `GICD_IPRIORITYR@${off.toString(16)}`));
  for (const off of spiWords(GICD_ICFGR, 2)) dist.push(await u32(GRP_DIST_REGS, off, `GICD_ICFGR@${off.toString(16)}`));
  for (let irq = 32; irq < NR_IRQS; irq++) {
    const off = GICD_IROUTER + 8 * irq;
    dist.push(await u32(GRP_DIST_REGS, off, `GICD_IROUTER${irq}.lo`), await u32(GRP_DIST_REGS, off + 4, `GICD_IROUTER${irq}.hi`));
  }
  for (const off of spiWords(GICD_ISENABLER, 1)) dist.push(await u32(GRP_DIST_REGS, off, `GICD_ISENABLER@${off.toString(16)}`));

  const redist: Saved[] = [
    await u32(GRP_REDIST_REGS, GICR_CTLR, 'GICR_CTLR'),
    await u32(GRP_REDIST_REGS, GICR_WAKER, 'GICR_WAKER'),
    await u32(GRP_REDIST_REGS, GICR_IGROUPR0, 'GICR_IGROUPR0'),
  ];
  for (let i = 0; i < 8; i++) redist.push(await u32(GRP_REDIST_REGS, GICR_IPRIORITYR0 + 4 * i, `GICR_IPRIORITYR${i}`));
  redist.push(await u32(GRP_REDIST_REGS, GICR_ICFGR0, 'GICR_ICFGR0'), await u32(GRP_REDIST_REGS, GICR_ICFGR0 + 4, 'GICR_ICFGR1'));
  redist.push(await u32(GRP_REDIST_REGS, GICR_ISENABLER0, 'GICR_ISENABLER0'));

  const sysregs: Saved[] = [];
  for (const [name, attr] of ICC_ATTRS) sysregs.push({ group: GRP_CPU_SYSREGS, attr, value: readU64le(await gic.getAttr(GRP_CPU_SYSREGS, attr)), name });

  // LEVEL_INFO (§10.8): private INTIDs 0-31 of vCPU 0, then the SPI words.
  const level: Saved[] = [];
  for (let first = 0; first < NR_IRQS; first += 32) level.push(await u32(GRP_LEVEL_INFO, first, `LEVEL_INFO ${first}`));

  const pending: Saved[] = [await u32(GRP_REDIST_REGS, GICR_ISPENDR0, 'GICR_ISPENDR0')];
  for (const off of spiWords(GICD_ISPENDR, 1)) pending.push(await u32(GRP_DIST_REGS, off, `GICD_ISPENDR@${off.toString(16)}`));
  const active: Saved[] = [await u32(GRP_REDIST_REGS, GICR_ISACTIVER0, 'GICR_ISACTIVER0')];
  for (const off of spiWords(GICD_ISACTIVER, 1)) active.push(await u32(GRP_DIST_REGS, off, `GICD_ISACTIVER@${off.toString(16)}`));
  return { dist, redist, sysregs, level, pending, active };
}

/** The set-bit registers whose clear counterpart a restore writes first (kvm_dist_put / put on redist). */
const CLEAR_OF: ReadonlyMap<string, number> = new Map([
  [`${GRP_DIST_REGS}:${GICD_ISENABLER}`, GICD_ICENABLER - GICD_ISENABLER],
  [`${GRP_DIST_REGS}:${GICD_ISPENDR}`, GICD_ICPENDR - GICD_ISPENDR],
  [`${GRP_DIST_REGS}:${GICD_ISACTIVER}`, GICD_ICACTIVER - GICD_ISACTIVER],
  [`${GRP_REDIST_REGS}:${GICR_ISENABLER0}`, GICR_ICENABLER0 - GICR_ISENABLER0],
  [`${GRP_REDIST_REGS}:${GICR_ISPENDR0}`, GICR_ICPENDR0 - GICR_ISPENDR0],
  [`${GRP_REDIST_REGS}:${GICR_ISACTIVER0}`, GICR_ICACTIVER0 - GICR_ISACTIVER0],
]);
const setBase = (s: Saved): number => {
  const off = Number(s.attr);
  if (s.group === GRP_DIST_REGS) {
    if (off >= GICD_ISENABLER && off < GICD_ICENABLER) return GICD_ISENABLER;
    if (off >= GICD_ISPENDR && off < GICD_ICPENDR) return GICD_ISPENDR;
    if (off >= GICD_ISACTIVER && off < GICD_ICACTIVER) return GICD_ISACTIVER;
  }
  return off;
};

/**
 * Writes one saved item; a set-bit register is preceded by an all-ones write of its clear twin,
 * as QEMU does. Failures are collected (name: errno) so that one run reports all of them.
 */
async function restoreOne(gic: DeviceHandle, s: Saved, failures: string[]): Promise<void> {
  const put = async (attr: bigint, bytes: Uint8Array, what: string): Promise<void> => {
    try {
      await gic.setAttr(s.group, attr, bytes);
    } catch (e) {
      failures.push(`${what}: ${(e as Error).message}`);
    }
  };
  const clearDelta = CLEAR_OF.get(`${s.group}:${setBase(s)}`);
  if (clearDelta !== undefined) await put(s.attr + BigInt(clearDelta), u32le(0xffffffff), `clear before ${s.name}`);
  await put(s.attr, s.group === GRP_CPU_SYSREGS ? u64le(s.value) : u32le(Number(s.value)), s.name);
}

/** Restores in the order of the brief (QEMU): distributor, redistributor, CPU sysregs, level, pending, active. */
async function restoreGic(gic: DeviceHandle, s: GicState): Promise<string[]> {
  const failures: string[] = [];
  for (const part of [s.dist, s.redist, s.sysregs, s.level, s.pending, s.active]) {
    for (const item of part) await restoreOne(gic, item, failures);
  }
  return failures;
}

const flat = (s: GicState): Record<string, string> =>
  Object.fromEntries([...s.dist, ...s.redist, ...s.sysregs, ...s.level, ...s.pending, ...s.active].map((x) => [x.name, `0x${x.value.toString(16)}`]));

// -- vCPU state -----------------------------------------------------------------------------------

interface VcpuState {
  regs: Array<[bigint, Uint8Array]>;
  events: VcpuEvents;
  mpState: number;
}

async function saveVcpu(vcpu: VcpuHandle): Promise<VcpuState> {
  const regs: Array<[bigint, Uint8Array]> = [];
  for (const id of await vcpu.regList()) regs.push([id, await vcpu.getOneReg(id)]);
  return { regs, events: await vcpu.getEvents(), mpState: await vcpu.getMpState() };
}

async function restoreVcpu(vcpu: VcpuHandle, s: VcpuState): Promise<string[]> {
  const failures: string[] = [];
  for (const [id, value] of s.regs) {
    try {
      await vcpu.setOneReg(id, value);
    } catch (e) {
      failures.push(`reg 0x${id.toString(16)}: ${(e as Error).message}`);
    }
  }
  await vcpu.setEvents(s.events);
  await vcpu.setMpState(s.mpState);
  return failures;
}

const hexBytes = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const regMap = (s: VcpuState): Record<string, string> =>
  Object.fromEntries(s.regs.filter(([id]) => id !== KVM_REG_ARM_TIMER_CNT && id !== KVM_REG_ARM_PTIMER_CNT).map(([id, v]) => [id.toString(16), hexBytes(v)]));

// -- running --------------------------------------------------------------------------------------

/** An exit as a comparable string: MMIO writes give offset and 64-bit data. */
function describeExit(e: RunExit): string {
  if (e.reason !== 'KVM_EXIT_MMIO' || !e.mmio) return `${e.reason} ${e.errno} ${e.internal?.description ?? ''}`;
  const d = e.mmio.data;
  const v = d.length >= 8 ? new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0, true) : -1n;
  return `mmio ${e.mmio.isWrite ? 'W' : 'R'} +0x${(e.mmio.physAddr - MMIO).toString(16)} len ${e.mmio.len} = 0x${v.toString(16)}`;
}
const write = (off: number, value: bigint): string => `mmio W +0x${off.toString(16)} len 8 = 0x${value.toString(16)}`;

/** Runs from the stop point: 40 done, 41 acknowledged, (line lowered) 41 done, idle RPR. */
async function carryOn(vm: VmHandle, vcpu: VcpuHandle): Promise<string[]> {
  const run = async (): Promise<string> => describeExit(await vcpu.run({ deadlineMs: 3000 }));
  const exits = [await run(), await run()];
  await vm.irqLine(spiLine(SPI_LEVEL), 0);
  exits.push(await run(), await run());
  return exits;
}

const EXPECTED_AFTER_STOP = [write(16, 40n), write(8, 41n), write(16, 41n), write(24, 0xffn)];

test('GICv3 + vCPU + RAM saved from VM A through the attribute groups and restored into VM B: both carry on identically, pending SPI 41 included', async () => {
  const a = await makeVm(GUEST);
  const runA = async (): Promise<string> => describeExit(await a.vcpu.run({ deadlineMs: 3000 }));
  assert.is(await runA(), write(0, 0n), 'set-up done');
  await a.vm.irqLine(spiLine(SPI_EDGE), 1);
  await a.vm.irqLine(spiLine(SPI_EDGE), 0); // edge: the latch stays
  assert.is(await runA(), write(8, 40n), 'SPI 40 acknowledged: the stop point, inside its handler with IRQs masked');
  await a.vm.irqLine(spiLine(SPI_LEVEL), 1); // pends: PSTATE.I masks it
  // Complete the MMIO write before saving, as a VMM does (api.rst: KVM_RUN with immediate_exit, §7.9).
  const ie = await a.vcpu.run({ immediateExit: true });
  assert.is(ie.errno, 'EINTR');
  assert.is(ie.reason, 'KVM_EXIT_MMIO', 'immediate_exit leaves exit_reason unchanged (§7.1 step 2)');
  assert.is(await a.vcpu.getReg(REG.X(10)), 40n, 'the handler holds INTID 40');

  const gicA = await saveGic(a.gic);
  const vcpuA = await saveVcpu(a.vcpu);
  const ram = await a.vm.readMemory(GUEST_RAM, Number(RAM_SIZE));

  // The saved state is what the guest and the test did.
  const sa = flat(gicA);
  assert.is(Number(BigInt(sa.GICD_CTLR)) & 0x12, 0x12, 'GICD_CTLR: ARE_NS | EnableGrp1');
  assert.is(sa['GICD_IPRIORITYR@428'], '0x60a0', 'priorities of SPI 40 / 41');
  assert.is(Number(BigInt(sa['GICD_ICFGR@c08'])) & (3 << 16), 2 << 16, 'SPI 40 edge, SPI 41 level');
  assert.is(sa['GICD_ISENABLER@104'], '0x300', 'SPIs 40 and 41 enabled');
  assert.is(Number(BigInt(sa.GICR_ISENABLER0)) & (1 << VTIMER_PPI), 1 << VTIMER_PPI, 'PPI 27 enabled');
  assert.is(sa.GICR_IPRIORITYR6, '0x80000000', 'PPI 27 priority 0x80');
  assert.is(sa['GICD_ISACTIVER@304'], '0x100', 'SPI 40 active at the stop point');
  assert.is(sa['LEVEL_INFO 32'], '0x200', 'SPI 41 line high');
  assert.is(sa['GICD_ISPENDR@204'], '0x0', 'no pending latch: SPI 40 was acknowledged, SPI 41 pends by its line (§10.4)');
  assert.is(sa.ICC_PMR_EL1, '0xf0');
  assert.is(sa.ICC_BPR1_EL1, '0x4');
  assert.is(sa.ICC_IGRPEN1_EL1, '0x1');
  assert.is(Number(BigInt(sa.ICC_CTLR_EL1)) & 2, 2, 'EOImode');
  assert.is(Number(BigInt(sa.ICC_SRE_EL1)) & 1, 1, 'SRE');
  assert.is.not(sa.ICC_AP1R0_EL1, '0x0', 'an active priority is recorded for SPI 40 (0xa0)');
  assert.is(sa['GICD_IROUTER40.lo'], '0x0');

  // VM B, set up the same way; A is still alive.
  const b = await makeVm();
  const idsB = await b.vcpu.regList();
  assert.equal(idsB, vcpuA.regs.map(([id]) => id), 'same KVM_GET_REG_LIST');
  const regFailures = await restoreVcpu(b.vcpu, vcpuA);
  assert.equal(regFailures, [], 'every ONE_REG of A is accepted by B');
  const gicFailures = await restoreGic(b.gic, gicA);
  assert.equal(gicFailures, [], 'every saved GIC attribute is accepted by B');
  await b.vm.writeMemory(GUEST_RAM, ram);

  // Nothing was lost: B reads back as A did.
  assert.equal(flat(await saveGic(b.gic)), sa, 'the GIC state of B equals the state saved from A');
  const vcpuB = await saveVcpu(b.vcpu);
  assert.equal(regMap(vcpuB), regMap(vcpuA), 'every register of B equals A (counters excepted)');
  assert.is(vcpuB.mpState, vcpuA.mpState);
  assert.equal(await b.vm.readMemory(GUEST_RAM, Number(RAM_SIZE)), ram, 'RAM');

  // Both carry on: the same exits, SPI 41 taken once the handler of SPI 40 returns.
  const exitsA = await carryOn(a.vm, a.vcpu);
  const exitsB = await carryOn(b.vm, b.vcpu);
  assert.equal(exitsA, EXPECTED_AFTER_STOP, 'A: SPI 40 done, SPI 41 taken, done, idle');
  assert.equal(exitsB, exitsA, 'B produces the same exits as A');
  const logA = await a.vm.readMemory(LOG, 24);
  const logB = await b.vm.readMemory(LOG, 24);
  assert.equal(Array.from(logB), Array.from(logA), 'same interrupt log');
  assert.is(readU64le(logA.subarray(0, 8)), 2n);
  assert.is(readU64le(logA.subarray(8, 16)), (0xa0n << 16n) | 40n, 'SPI 40 at running priority 0xa0');
  assert.is(readU64le(logA.subarray(16, 24)), (0x60n << 16n) | 41n, 'SPI 41 at running priority 0x60');
  // And the GICs end in the same state (nothing pending or active).
  const endA = flat(await saveGic(a.gic));
  assert.equal(flat(await saveGic(b.gic)), endA, 'the GICs end equal');
  assert.is(endA['GICD_ISACTIVER@304'], '0x0');
  assert.is(endA['LEVEL_INFO 32'], '0x0');
  assert.is(endA.ICC_AP1R0_EL1, '0x0');
  await t.client.destroyVm(a.vm.handle);
  await t.client.destroyVm(b.vm.handle);
});

test.run();
