/**
 * GICv3 interrupts between and within vCPUs through gRPC, with real guest code on a 2-vCPU VM
 * (vCPU 1 created POWER_OFF and started by vCPU 0 with PSCI CPU_ON over HVC, §14):
 * - an SGI sent with ICC_SGI1R_EL1 from vCPU 0 to vCPU 1 (Arm IHI 0069 §12.2.23), both Runs
 *   concurrent;
 * - priority preemption (§4.8): a higher-priority SPI interrupts the handler of a lower-priority
 *   one once it unmasks IRQs, never the other way round;
 * - ICC_CTLR_EL1.EOImode = 1 (§4.1.1): ICC_EOIR1_EL1 only drops the running priority, the
 *   interrupt stays active (read back through REDIST_REGS, §10.4) until ICC_DIR_EL1.
 * Guests end every step with an MMIO write; nothing depends on timing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer, GUEST_RAM, USERSPACE, createGicV3, readU64s } from './harness';
import { REG, readU32le, DeviceHandle, VcpuHandle, VmHandle, RunExit } from '../../clients/kvm-client';
import { assemble } from '../guests/assemble';

const GRP_DIST_REGS = 1;
const GRP_REDIST_REGS = 5;
const GRP_LEVEL_INFO = 7;
const RAM_SIZE = 0x40000n;
const MMIO = 0x90000000n;
const LOG = GUEST_RAM + 0x30000n;
const FLAG = GUEST_RAM + 0x31000n;
const STACK = GUEST_RAM + 0x3f000n;
const KVM_ARM_VCPU_POWER_OFF = 0;
const KVM_ARM_VCPU_PSCI_0_2 = 2;
const KVM_MP_STATE_RUNNABLE = 0;
const KVM_MP_STATE_STOPPED = 5;
/** Redistributor registers in the REDIST_REGS attribute offset space (RD_base, SGI_base at 0x10000). */
const GICR_ISPENDR0 = 0x10200n;
const GICR_ISACTIVER0 = 0x10300n;
const GICD_ISACTIVER1 = 0x304n;
const GICD_ISPENDR1 = 0x204n;
const GICD_IPRIORITYR10 = 0x428n;
const SPI_LO = 40;
const SPI_HI = 41;
/** KVM_IRQ_LINE irq field (§8.2): type SPI (1) in bits 27:24, the INTID in 15:0. */
const spiLine = (intid: number): number => (1 << 24) | intid;
/** REDIST_REGS attr: the vCPU's MPIDR affinity in bits 63:32 (Aff0 = vCPU id here), the offset in 31:0. */
const redistAttr = (aff0: number, off: bigint): bigint => (BigInt(aff0) << 32n) | off;

// ICC system registers (Arm IHI 0069 §12.2), by their generic encodings for the assembler.
const ICC = {
  PMR: 's3_0_c4_c6_0',
  IAR1: 's3_0_c12_c12_0',
  EOIR1: 's3_0_c12_c12_1',
  DIR: 's3_0_c12_c11_1',
  RPR: 's3_0_c12_c11_3',
  SGI1R: 's3_0_c12_c11_5',
  CTLR: 's3_0_c12_c12_4',
  IGRPEN1: 's3_0_c12_c12_7',
};

let t: TestServer;
test.before(async () => {
  t = await startTestServer(['--run-slice-ms', '10000']);
});
test.after(async () => {
  await t.stop();
});

/**
 * RAM with `code` at GUEST_RAM; vCPU 0 (RUNNABLE, PC = GUEST_RAM) and vCPU 1 (POWER_OFF); then a
 * GICv3 at GICD / GICR initialised.
 */
async function smpVm(code: Uint8Array): Promise<{ vm: VmHandle; v0: VcpuHandle; v1: VcpuHandle; gic: DeviceHandle }> {
  const vm = await t.client.createVm();
  await vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: GUEST_RAM, memorySize: RAM_SIZE, userspaceAddr: USERSPACE });
  await vm.writeMemory(GUEST_RAM, code);
  const v0 = await vm.createVcpu(0);
  await v0.init();
  await v0.setReg(REG.PC, GUEST_RAM);
  const v1 = await vm.createVcpu(1);
  await v1.init([(1 << KVM_ARM_VCPU_PSCI_0_2) | (1 << KVM_ARM_VCPU_POWER_OFF)]);
  const gic = await createGicV3(vm);
  return { vm, v0, v1, gic };
}

/** The 64-bit data of an MMIO write exit (the guests store X registers). */
function mmioValue(e: RunExit): bigint {
  const d = e.mmio!.data;
  return new DataView(d.buffer, d.byteOffset, d.byteLength).getBigUint64(0, true);
}

/** Asserts an MMIO write of 8 bytes to MMIO + off and returns its value. */
function expectWrite(e: RunExit, off: bigint, what: string): bigint {
  assert.is(e.reason, 'KVM_EXIT_MMIO', `${what}: ${e.reason} ${e.errno}`);
  assert.is(e.mmio!.physAddr, MMIO + off, what);
  assert.is(e.mmio!.isWrite, true, what);
  assert.is(e.mmio!.len, 8, what);
  return mmioValue(e);
}

const reg32 = async (gic: DeviceHandle, group: number, attr: bigint): Promise<number> => readU32le(await gic.getAttr(group, attr));

// -- 1. SGI from vCPU 0 to vCPU 1 ----------------------------------------------------------------------

/**
 * vCPU 0: GICD_CTLR on, CPU_ON(MPIDR 1, secondary, ctx 0x5a) over HVC, waits for vCPU 1's ready
 * flag, sends SGI 3 with ICC_SGI1R_EL1 = INTID 3 << 24 | TargetList 1 << 1 (Aff3.2.1 = 0), then
 * reports the CPU_ON result (X0) with a write to MMIO. vCPU 1 (secondary): enables SGI 3 in its
 * own redistributor's SGI frame (GICR 0x080c0000 + 0x10000, ISENABLER0), PMR 0xf0, group 1 on,
 * unmasks IRQs, raises the flag, WFI. Its handler: IAR1, EOIR1, then reports the INTID to MMIO + 8.
 */
const SGI_GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  isb
  movz x1, #0x0800, lsl #16
  mov w2, #0x12
  str w2, [x1]                    // GICD_CTLR: ARE_NS | EnableGrp1
  ldr x0, =0xc4000003             // PSCI CPU_ON (SMC64)
  mov x1, #1                      // target MPIDR Aff0 1
  ldr x2, =secondary
  mov x3, #0x5a
  hvc #0
  mov x20, x0
  ldr x4, =${FLAG}
1:ldr w5, [x4]
  cbz w5, 1b
  ldr x6, =${(3 << 24) | (1 << 1)}
  msr ${ICC.SGI1R}, x6            // SGI 3 -> Aff0 1
  isb
  movz x17, #0x9000, lsl #16
  str x20, [x17]                  // vCPU 0 done: the CPU_ON result
  b .
secondary:
  mov x21, x0                     // context id
  ldr x1, =vectors
  msr vbar_el1, x1
  isb
  movz x3, #0x080d, lsl #16       // vCPU 1's SGI_base (GICR + 0x20000 + 0x10000)
  mov w2, #${1 << 3}
  str w2, [x3, #0x100]            // GICR_ISENABLER0: SGI 3
  mov x2, #0xf0
  msr ${ICC.PMR}, x2
  mov x2, #1
  msr ${ICC.IGRPEN1}, x2
  isb
  msr daifclr, #2
  ldr x4, =${FLAG}
  mov w5, #1
  str w5, [x4]
  dsb sy
2:wfi
  b 2b
  .balign 0x800
vectors:
  .skip 0x280
  mrs x10, ${ICC.IAR1}
  msr ${ICC.EOIR1}, x10
  movz x17, #0x9000, lsl #16
  str x10, [x17, #8]              // vCPU 1: the INTID it acknowledged
  eret
  .ltorg
`);

test('SGI 3 sent by vCPU 0 with ICC_SGI1R_EL1 wakes vCPU 1 (started by CPU_ON) from WFI; IAR1 reads 3; concurrent Runs', async () => {
  const { vm, v0, v1, gic } = await smpVm(SGI_GUEST);
  assert.is(await v1.getMpState(), KVM_MP_STATE_STOPPED, 'POWER_OFF until CPU_ON');
  const r1 = v1.run({ deadlineMs: 5000 });
  r1.catch(() => undefined);
  const r0 = v0.run({ deadlineMs: 5000 });
  r0.catch(() => undefined);
  const [e0, e1] = await Promise.all([r0, r1]);
  assert.is(expectWrite(e0, 0n, 'vCPU 0 report'), 0n, 'CPU_ON returned SUCCESS');
  assert.is(expectWrite(e1, 8n, 'vCPU 1 handler report'), 3n, 'vCPU 1 acknowledged SGI 3');
  assert.is(await v1.getReg(REG.X(21)), 0x5an, 'vCPU 1 started with X0 = the context id');
  assert.is(await v1.getMpState(), KVM_MP_STATE_RUNNABLE);
  // EOImode 0: the EOI deactivated it; nothing pending or active on either redistributor.
  assert.is(await reg32(gic, GRP_REDIST_REGS, redistAttr(1, GICR_ISACTIVER0)), 0, 'vCPU 1: SGI 3 not active after EOI');
  assert.is((await reg32(gic, GRP_REDIST_REGS, redistAttr(1, GICR_ISPENDR0))) & 0xffff, 0, 'vCPU 1: no SGI pending');
  assert.is((await reg32(gic, GRP_REDIST_REGS, redistAttr(0, GICR_ISPENDR0))) & 0xffff, 0, 'vCPU 0 was not a target');
  assert.is((await reg32(gic, GRP_REDIST_REGS, redistAttr(1, 0x10100n))) & (1 << 3), 1 << 3, 'GICR_ISENABLER0 of vCPU 1 has SGI 3 (written by the guest)');
  // KVM enables every SGI at reset (vgic_allocate_private_irqs): vCPU 0's SGIs read enabled too.
  assert.is((await reg32(gic, GRP_REDIST_REGS, redistAttr(0, 0x10100n))) & 0xffff, 0xffff, 'SGIs enabled at reset');
  await t.client.destroyVm(vm.handle);
});

// -- 2. Priority preemption ----------------------------------------------------------------------------

/**
 * vCPU 0 alone: SPI 40 priority 0xa0 (low), SPI 41 priority 0x20 (high), both enabled and routed to
 * Aff0 0; PMR 0xf0; reports set-up with a write to MMIO + 0. The handler is re-entrant (ELR, SPSR,
 * X10-X17 saved on the stack): IAR1 -> logged, reported to MMIO + 8 (the test lowers that line
 * there), IRQs unmasked (msr daifclr) so that a higher priority may preempt, then masked again,
 * EOIR1, INTID | 0x100 logged and reported to MMIO + 16. LOG[0] counts the entries in LOG[1..].
 */
const PREEMPT_GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  ldr x0, =${STACK}
  mov sp, x0
  isb
  movz x1, #0x0800, lsl #16
  mov w2, #0x12
  str w2, [x1]                    // GICD_CTLR: ARE_NS | EnableGrp1
  mov w2, #0xa0
  strb w2, [x1, #${0x400 + SPI_LO}]   // GICD_IPRIORITYR: SPI 40 low
  mov w2, #0x20
  strb w2, [x1, #${0x400 + SPI_HI}]   // SPI 41 high
  add x4, x1, #0x6000
  str xzr, [x4, #${SPI_LO * 8}]   // GICD_IROUTER: Aff0 0
  str xzr, [x4, #${SPI_HI * 8}]
  mov w2, #${(1 << (SPI_LO - 32)) | (1 << (SPI_HI - 32))}
  str w2, [x1, #0x104]            // GICD_ISENABLER1
  mov x2, #0xf0
  msr ${ICC.PMR}, x2
  mov x2, #1
  msr ${ICC.IGRPEN1}, x2
  isb
  movz x17, #0x9000, lsl #16
  str xzr, [x17]                  // set-up done
  msr daifclr, #2
1:wfi
  b 1b
  .balign 0x800
vectors:
  .skip 0x280
  sub sp, sp, #80
  stp x10, x11, [sp]
  stp x12, x13, [sp, #16]
  stp x14, x15, [sp, #32]
  stp x16, x17, [sp, #48]
  mrs x11, elr_el1
  mrs x12, spsr_el1
  stp x11, x12, [sp, #64]
  mrs x10, ${ICC.IAR1}
  ldr x13, =${LOG}
  ldr x14, [x13]
  add x14, x14, #1
  str x14, [x13]
  str x10, [x13, x14, lsl #3]
  movz x17, #0x9000, lsl #16
  str x10, [x17, #8]              // acknowledged
  msr daifclr, #2                 // a higher priority may preempt from here
  isb
  nop
  msr daifset, #2
  msr ${ICC.EOIR1}, x10
  isb
  orr x15, x10, #0x100
  ldr x13, =${LOG}
  ldr x14, [x13]
  add x14, x14, #1
  str x14, [x13]
  str x15, [x13, x14, lsl #3]
  movz x17, #0x9000, lsl #16
  str x10, [x17, #16]             // done
  ldp x11, x12, [sp, #64]
  msr elr_el1, x11
  msr spsr_el1, x12
  ldp x16, x17, [sp, #48]
  ldp x14, x15, [sp, #32]
  ldp x12, x13, [sp, #16]
  ldp x10, x11, [sp]
  add sp, sp, #80
  eret
  .ltorg
`);

const SPI_BIT = (intid: number): number => 1 << (intid - 32);

test('priority preemption: SPI 41 (0x20) preempts the handler of SPI 40 (0xa0) once it unmasks IRQs; the reverse does not', async () => {
  const { vm, v0, gic } = await smpVm(PREEMPT_GUEST);
  const run = (): Promise<RunExit> => v0.run({ deadlineMs: 5000 });
  expectWrite(await run(), 0n, 'set-up');
  // The guest's byte writes to GICD_IPRIORITYR10 (INTIDs 40-43), read back through DIST_REGS.
  assert.is((await reg32(gic, GRP_DIST_REGS, GICD_IPRIORITYR10)) & 0xffff, 0x20a0, 'priorities 0xa0 / 0x20');

  // Low first: its handler is preempted by the high one.
  await vm.irqLine(spiLine(SPI_LO), 1);
  assert.is(expectWrite(await run(), 8n, 'SPI 40 acknowledged'), BigInt(SPI_LO));
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISACTIVER1), SPI_BIT(SPI_LO), 'SPI 40 active');
  await vm.irqLine(spiLine(SPI_LO), 0);
  await vm.irqLine(spiLine(SPI_HI), 1);
  assert.is(expectWrite(await run(), 8n, 'SPI 41 preempts'), BigInt(SPI_HI), 'the high-priority SPI was taken inside the low one\'s handler');
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISACTIVER1), SPI_BIT(SPI_LO) | SPI_BIT(SPI_HI), 'both active (nested)');
  await vm.irqLine(spiLine(SPI_HI), 0);
  assert.is(expectWrite(await run(), 16n, 'inner done'), BigInt(SPI_HI), 'the inner (high) handler completes first');
  assert.is(expectWrite(await run(), 16n, 'outer done'), BigInt(SPI_LO), 'then the outer (low) one');
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISACTIVER1), 0, 'nothing active');
  const [n1, ...log1] = await readU64s(vm, LOG, 5);
  assert.is(n1, 4n);
  assert.equal(log1, [40n, 41n, 0x129n, 0x128n], 'IAR order: 40, 41 (nested), 41 done, 40 done');

  // High first: the low one pends while the high handler runs with IRQs unmasked, and is taken after.
  await vm.irqLine(spiLine(SPI_HI), 1);
  assert.is(expectWrite(await run(), 8n, 'SPI 41 acknowledged'), BigInt(SPI_HI));
  await vm.irqLine(spiLine(SPI_HI), 0);
  await vm.irqLine(spiLine(SPI_LO), 1);
  assert.is(expectWrite(await run(), 16n, 'SPI 41 done, not preempted'), BigInt(SPI_HI), 'a lower priority does not preempt');
  // SPI 40 pends by its line (level-sensitive): userspace ISPENDR reads show the latch only (§10.4),
  // LEVEL_INFO shows the line.
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISPENDR1), 0, 'no pending latch for a level SPI');
  assert.is(await reg32(gic, GRP_LEVEL_INFO, 32n), SPI_BIT(SPI_LO), 'SPI 40 line high meanwhile (LINE_LEVEL_INFO, INTIDs 32-63)');
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISACTIVER1), 0, 'SPI 40 not active while it waits');
  assert.is(expectWrite(await run(), 8n, 'SPI 40 taken after'), BigInt(SPI_LO));
  await vm.irqLine(spiLine(SPI_LO), 0);
  assert.is(expectWrite(await run(), 16n, 'SPI 40 done'), BigInt(SPI_LO));
  const [n2, ...log2] = await readU64s(vm, LOG, 9);
  assert.is(n2, 8n);
  assert.equal(log2.slice(4), [41n, 0x129n, 40n, 0x128n], 'no nesting the other way round');
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISACTIVER1), 0);
  assert.is(await reg32(gic, GRP_DIST_REGS, GICD_ISPENDR1), 0);
  await t.client.destroyVm(vm.handle);
});

// -- 3. EOImode 1 ---------------------------------------------------------------------------------------

/**
 * vCPU 0: ICC_CTLR_EL1.EOImode = 1 (read back into the log), SGI 5 priority 0x80 and enabled in
 * its redistributor, then SGI 5 to itself (TargetList bit 0). Handler: IAR1, RPR logged, EOIR1, RPR
 * logged, report to MMIO + 8 (the test reads the active state); then ICC_DIR_EL1 and report to
 * MMIO + 16. LOG: [0] CTLR, [1] IAR, [2] RPR before EOI, [3] RPR after EOI.
 */
const EOIMODE_GUEST = assemble(`
  ldr x0, =vectors
  msr vbar_el1, x0
  isb
  mrs x2, ${ICC.CTLR}
  orr x2, x2, #2                  // EOImode
  msr ${ICC.CTLR}, x2
  isb
  mrs x2, ${ICC.CTLR}
  ldr x9, =${LOG}
  str x2, [x9]
  movz x1, #0x0800, lsl #16
  mov w2, #0x12
  str w2, [x1]                    // GICD_CTLR: ARE_NS | EnableGrp1
  movz x3, #0x080b, lsl #16       // vCPU 0's SGI_base
  mov w2, #0x80
  strb w2, [x3, #0x405]           // GICR_IPRIORITYR1 byte 1: SGI 5
  mov w2, #${1 << 5}
  str w2, [x3, #0x100]            // GICR_ISENABLER0: SGI 5
  mov x2, #0xf0
  msr ${ICC.PMR}, x2
  mov x2, #1
  msr ${ICC.IGRPEN1}, x2
  isb
  ldr x6, =${(5 << 24) | 1}
  msr ${ICC.SGI1R}, x6            // SGI 5 -> self (Aff0 0)
  isb
  msr daifclr, #2
1:wfi
  b 1b
  .balign 0x800
vectors:
  .skip 0x280
  mrs x10, ${ICC.IAR1}
  str x10, [x9, #8]
  mrs x11, ${ICC.RPR}
  str x11, [x9, #16]
  msr ${ICC.EOIR1}, x10
  isb
  mrs x11, ${ICC.RPR}
  str x11, [x9, #24]
  movz x17, #0x9000, lsl #16
  str x10, [x17, #8]              // priority dropped, not deactivated
  msr ${ICC.DIR}, x10
  isb
  str x10, [x17, #16]             // deactivated
  eret
  .ltorg
`);

test('EOImode 1: ICC_EOIR1_EL1 drops the running priority but SGI 5 stays active (GICR_ISACTIVER0) until ICC_DIR_EL1', async () => {
  const { vm, v0, gic } = await smpVm(EOIMODE_GUEST);
  const active = (): Promise<number> => reg32(gic, GRP_REDIST_REGS, redistAttr(0, GICR_ISACTIVER0));
  const e = await v0.run({ deadlineMs: 5000 });
  assert.is(expectWrite(e, 8n, 'after EOIR'), 5n, 'IAR1 read SGI 5');
  const [ctlr, iar, rprBefore, rprAfter] = await readU64s(vm, LOG, 4);
  assert.is(ctlr & 2n, 2n, 'ICC_CTLR_EL1.EOImode reads back 1');
  assert.is(iar, 5n);
  assert.is(rprBefore, 0x80n, 'running priority = SGI 5\'s priority while it is handled');
  assert.is(rprAfter, 0xffn, 'EOIR dropped the running priority to idle');
  assert.is(await active(), 1 << 5, 'SGI 5 still active after EOIR with EOImode 1');
  assert.is((await reg32(gic, GRP_REDIST_REGS, redistAttr(0, GICR_ISPENDR0))) & 0xffff, 0, 'and not pending');
  assert.is(await active(), 1 << 5, 'reading it changed nothing');
  assert.is(expectWrite(await v0.run({ deadlineMs: 5000 }), 16n, 'after DIR'), 5n);
  assert.is(await active(), 0, 'ICC_DIR_EL1 deactivated it');
  await t.client.destroyVm(vm.handle);
});

test.run();
