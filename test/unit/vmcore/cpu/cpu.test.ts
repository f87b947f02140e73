/**
 * The run loop and the exception model: exception entry/return (vectors, ESR, ELR, SPSR, FAR,
 * PSTATE), asynchronous exceptions (IRQ, FIQ, virtual SError) and their masking, the injected
 * external data abort, MMIO/NISV exits and their completion, the other stops, and the
 * register-file contract.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasAssembler, assemble } from './assemble';
import { CODE, DATA, Machine, RAM_BASE, RAM_SIZE, VBAR, runAsm } from './machine';
import { Cpu, SYSREG_OK, SYSREG_TRAP, SYSREG_UNDEF, type CpuStop } from '../../../../vmcore/cpu/cpu';
import { RegFile, R_ELR_EL1, R_EXT_DABT, R_SPSR, R_SP_EL0, R_SP_EL1, R_VSE, R_VSESR } from '../../../../vmcore/cpu/reg-file';
import { sysregEncoding } from '../../../../vmcore/cpu/sysregs';

const MMIO = 0x09000000;
const ESR = (ec: number, iss = 0) => BigInt(((ec << 26) | (1 << 25) | iss) >>> 0);
const EL1H = 0x3c5;
const EL0T_UNMASKED = 0x0;

function machine(): Machine {
  return new Machine().vectors();
}

function elr(m: Machine): bigint {
  return m.regs.get64(R_ELR_EL1);
}
function spsr(m: Machine): number {
  return Number(m.regs.get64(R_SPSR));
}

/** Starts `src` at EL0t (interrupts unmasked) with SP_EL0 = sp0. */
function atEl0(m: Machine, src: string, sp0 = DATA + 0x1000): Machine {
  m.asm(src);
  m.pstate = EL0T_UNMASKED;
  m.regs.set64(R_SP_EL0, BigInt(sp0));
  m.regs.set64(R_SP_EL1, BigInt(DATA + 0x2000));
  return m;
}

test('UNDEFINED at EL1h: vector +0x200, ESR EC 0, ELR = the instruction, SPSR = old PSTATE', () => {
  if (!hasAssembler) return console.log('  (skipped: no assembler)');
  const m = machine();
  m.setSys('FAR_EL1', 0x1234);
  m.asm('msr nzcv, x1\nudf #7');
  m.setX(1, 0x90000000);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0));
  assert.is(elr(m), BigInt(CODE + 4));
  assert.is(spsr(m), (0x90000000 | EL1H) >>> 0);
  assert.is(m.pstate & 0x3ff, EL1H); // EL1h, DAIF masked
  assert.is(m.sys('FAR_EL1'), 0x1234n); // unchanged
});

test('UNDEFINED at EL1t uses the SP0 group (+0x000); SPSel and SP banking', () => {
  if (!hasAssembler) return;
  const m = machine();
  m.asm('msr spsel, #0\nmov sp, x1\nudf #0');
  m.setX(1, DATA);
  m.regs.set64(R_SP_EL1, BigInt(DATA + 0x800));
  m.expectVector(0);
  assert.is(spsr(m), 0x3c4);
  assert.is(m.spEl0(), BigInt(DATA));
  assert.is(m.spEl1(), BigInt(DATA + 0x800));
});

test('from EL0: lower-EL group (+0x400); SVC ELR is the next instruction; SP_EL0 preserved', () => {
  if (!hasAssembler) return;
  let m = atEl0(machine(), 'mov x0, sp\nsvc #0x42');
  m.expectVector(8);
  assert.is(m.sys('ESR_EL1'), ESR(0x15, 0x42));
  assert.is(elr(m), BigInt(CODE + 8));
  assert.is(spsr(m), 0);
  assert.is(m.x(0), BigInt(DATA + 0x1000)); // EL0 saw SP_EL0
  assert.is(m.spEl0(), BigInt(DATA + 0x1000));
  assert.is(m.spEl1(), BigInt(DATA + 0x2000));
  // UNDEFINED from EL0, and the EL1-only instructions.
  for (const src of ['udf #1', 'hvc #0', 'smc #0', 'eret', 'mrs x0, sctlr_el1', 'msr spsel, #1', 'tlbi vmalle1', 'mrs x0, currentel', 'msr tpidrro_el0, x0', 'dc ivac, x0']) {
    m = atEl0(machine(), src);
    m.expectVector(8);
    assert.is(m.sys('ESR_EL1'), ESR(0), src);
  }
});

test('BRK: EC 0x3C with the immediate, ELR = the BRK itself', () => {
  if (!hasAssembler) return;
  const m = machine();
  m.asm('nop\nbrk #0x7ff');
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x3c, 0x7ff));
  assert.is(elr(m), BigInt(CODE + 4));
});

test('data abort beyond the IPA size: address size fault, EC by exception level, FAR', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.asm('str x0, [x1]').setX(1, 0x10000000000n);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x25, 0x40)); // DFSC 0, WnR
  assert.is(m.sys('FAR_EL1'), 0x10000000000n);
  m = atEl0(machine(), 'ldr x0, [x1]').setX(1, 0xffff000000001000n);
  m.expectVector(8);
  assert.is(m.sys('ESR_EL1'), ESR(0x24));
  // A VM with a 36-bit IPA space.
  m = new Machine({ ipaBits: 36 }).vectors();
  m.asm('ldr x0, [x1]').setX(1, 0x1000000000n);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x25));
});

test('instruction fetch: beyond the IPA size is an instruction abort; misaligned PC a PC alignment fault', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.asm('br x1').setX(1, 0x20000000000n);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x21));
  assert.is(m.sys('FAR_EL1'), 0x20000000000n);
  assert.is(elr(m), 0x20000000000n);
  m = machine();
  m.asm('br x1').setX(1, CODE + 0x102);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x22));
  assert.is(m.sys('FAR_EL1'), BigInt(CODE + 0x102));
  assert.is(elr(m), BigInt(CODE + 0x102));
});

test('fetch outside RAM stops with ifetch-mmio (KVM_RUN fails ENOEXEC)', () => {
  if (!hasAssembler) return;
  const m = machine();
  m.asm('br x1').setX(1, MMIO);
  assert.equal(m.run(), { kind: 'ifetch-mmio', addr: MMIO });
  assert.is(m.pc, BigInt(MMIO));
});

test('ERET to EL0 and back; an illegal return sets PSTATE.IL and the next instruction traps (EC 0x0E)', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.asm('adr x0, 1f\nmsr elr_el1, x0\nmsr spsr_el1, x1\neret\n1: mrs x2, nzcv\nsvc #3');
  m.setX(1, 0x60000000);
  m.expectVector(8);
  assert.is(m.x(2), 0x60000000n); // flags restored from SPSR
  assert.is(spsr(m), 0x60000000);
  for (const bad of [0x3c9, 0x3c8, 0x3d0, 0x3c6, 0x3c2]) {
    m = machine();
    m.asm('adr x0, 1f\nmsr elr_el1, x0\nmsr spsr_el1, x1\neret\n1: nop');
    m.setX(1, bad | 0x80000000);
    m.expectVector(4); // still EL1h: the SP/EL were not changed
    assert.is(m.sys('ESR_EL1'), ESR(0x0e), `spsr 0x${bad.toString(16)}`);
    assert.is(elr(m), BigInt(CODE + 16));
    assert.is(spsr(m), (0x80000000 | (1 << 20) | 0x3c5) >>> 0, `spsr 0x${bad.toString(16)}`); // N, DAIF from SPSR, IL
  }
});

test('IRQ is held off by PSTATE.I and taken between instructions once unmasked (vector +0x280)', () => {
  if (!hasAssembler) return;
  const m = machine();
  m.asm('nop\nnop\nmsr daifclr, #2\nnop\nnop');
  m.cpu.irqLine = true;
  m.expectVector(5);
  assert.is(elr(m), BigInt(CODE + 12)); // the instruction after MSR
  assert.is(spsr(m), 0x345); // I clear, D A F set
  assert.is(m.pstate & 0x3ff, EL1H);
  assert.is(m.sys('ESR_EL1'), 0n); // not written by interrupts
  // Masked the whole way: runs to the end.
  const n = machine();
  n.asm('nop\nmsr daifclr, #1\nhvc #0');
  n.cpu.irqLine = true;
  n.exec();
});

test('FIQ (vector +0x300) and IRQ from EL0 (lower EL group, +0x480); FIQ before IRQ', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.asm('msr daifclr, #3\nnop');
  m.cpu.setIrqLine(true, true);
  m.expectVector(6);
  m = atEl0(machine(), 'nop\nnop');
  m.cpu.irqLine = true;
  m.expectVector(9);
  assert.is(elr(m), BigInt(CODE));
  assert.is(spsr(m), 0);
});

test('virtual SError: pending while PSTATE.A = 1, taken with EC 0x2F and the VSESR syndrome', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.regs.u32[R_VSE] = 1;
  m.regs.u32[R_VSESR] = 0x01000000; // the default (IDS)
  m.asm('mrs x0, isr_el1\nmsr daifclr, #4\nnop');
  m.expectVector(7);
  assert.is(m.sys('ESR_EL1'), 0xbf000000n);
  assert.is(m.x(0), 0x100n); // ISR_EL1.A while pending
  assert.is(m.regs.u32[R_VSE], 0);
  assert.is(elr(m), BigInt(CODE + 8));
  m = atEl0(machine(), 'nop');
  m.regs.u32[R_VSE] = 1;
  m.regs.u32[R_VSESR] = 0x1234;
  m.expectVector(11);
  assert.is(m.sys('ESR_EL1'), 0xbe001234n);
});

test('MMIO read: stop with a valid syndrome, PC still at the access; completion extends as §7.5', () => {
  if (!hasAssembler) return;
  const loads: [string, number, bigint][] = [
    ['ldr w0, [x1]', 4, 0x80008081n],
    ['ldrb w0, [x1]', 1, 0x81n],
    ['ldrsb x0, [x1]', 1, 0xffffffffffffff81n],
    ['ldrsb w0, [x1]', 1, 0xffffff81n],
    ['ldrsh w0, [x1, #2]', 2, 0xffff8081n],
    ['ldrsh x0, [x1]', 2, 0xffffffffffff8081n],
    ['ldrsw x0, [x1]', 4, 0xffffffff80008081n],
    ['ldr x0, [x1]', 8, 0x1234567880008081n],
    ['ldar w0, [x1]', 4, 0x80008081n],
    ['ldur x0, [x1, #-8]', 8, 0x1234567880008081n],
    ['ldr x0, [x1, x2]', 8, 0x1234567880008081n],
  ];
  for (const [src, len, want] of loads) {
    const m = new Machine();
    m.asm(`${src}\nhvc #0`).setX(1, MMIO).setX(0, -1n);
    const s = m.run();
    const addr = MMIO + (src.includes('#2') ? 2 : src.includes('#-8') ? -8 : 0);
    assert.equal(s, { kind: 'mmio', addr, len, isWrite: false, dataLo: 0, dataHi: 0 }, src);
    assert.is(m.pc, BigInt(CODE), src);
    m.cpu.completeMmio(0x80008081 | 0, 0x12345678);
    assert.is(m.pc, BigInt(CODE + 4));
    assert.is(m.x(0), want, src);
    m.exec();
  }
  // A load into XZR completes without writing anything.
  const m = new Machine();
  m.asm('ldr xzr, [x1]\nhvc #0').setX(1, MMIO);
  assert.is(m.run().kind, 'mmio');
  m.cpu.completeMmio(5, 0);
  assert.is(m.x(31), 0n);
});

test('MMIO write: data is Rt truncated to the access size; XZR writes zeros', () => {
  if (!hasAssembler) return;
  const stores: [string, number, number, number][] = [
    ['str w2, [x1]', 4, 0x55667788, 0],
    ['strb w2, [x1]', 1, 0x88, 0],
    ['strh w2, [x1]', 2, 0x7788, 0],
    ['str x2, [x1]', 8, 0x55667788, 0x11223344],
    ['str xzr, [x1]', 8, 0, 0],
    ['stlr w2, [x1]', 4, 0x55667788, 0],
  ];
  for (const [src, len, lo, hi] of stores) {
    const m = new Machine();
    m.asm(`${src}\nhvc #0`).setX(1, MMIO).setX(2, 0x1122334455667788n);
    assert.equal(m.run(), { kind: 'mmio', addr: MMIO, len, isWrite: true, dataLo: lo, dataHi: hi }, src);
    m.cpu.completeMmio(0, 0);
    assert.is(m.pc, BigInt(CODE + 4));
    m.exec();
  }
});

test('MMIO without a valid syndrome (pair, writeback, exclusive, atomic, DC ZVA) is a NISV exit', () => {
  if (!hasAssembler) return;
  const cases: [string, boolean][] = [
    ['stp x2, x3, [x1]', true],
    ['ldp x2, x3, [x1]', false],
    ['ldr x2, [x1], #8', false],
    ['str x2, [x1, #8]!', true],
    ['ldxr x2, [x1]', false],
    ['ldadd x2, x3, [x1]', true],
    ['cas x2, x3, [x1]', true],
    ['dc zva, x1', true],
  ];
  for (const [src, write] of cases) {
    const m = new Machine();
    m.asm(src).setX(1, MMIO);
    const s = m.run();
    assert.equal(s, { kind: 'nisv', addr: MMIO + (src.includes('!') ? 8 : 0), isWrite: write, esrIss: 0x07 | (write ? 0x40 : 0) }, src);
    assert.is(m.pc, BigInt(CODE), src);
    assert.is(m.x(1), BigInt(MMIO), `${src}: no writeback`);
  }
});

test('read-only regions serve reads; a write stops as MMIO (permission fault for NISV)', () => {
  if (!hasAssembler) return;
  const rom = new SharedArrayBuffer(0x1000);
  new DataView(rom).setUint32(0, 0xfeedf00d, true);
  const ram = new SharedArrayBuffer(RAM_SIZE);
  const m = new Machine({ regions: [{ base: RAM_BASE, size: RAM_SIZE, mem: ram, offset: 0, readonly: false }, { base: 0x100000, size: 0x1000, mem: rom, offset: 0, readonly: true }] });
  const code = assemble('ldr w0, [x1]\nstr w0, [x1, #4]\nstp x0, x0, [x1]');
  code.forEach((w, i) => new DataView(ram).setUint32(CODE - RAM_BASE + 4 * i, w, true));
  m.setX(1, 0x100000);
  assert.equal(m.run(), { kind: 'mmio', addr: 0x100004, len: 4, isWrite: true, dataLo: 0xfeedf00d | 0, dataHi: 0 });
  assert.is(m.x(0), 0xfeedf00dn);
  m.cpu.completeMmio(0, 0);
  assert.equal(m.run(), { kind: 'nisv', addr: 0x100000, isWrite: true, esrIss: 0x4f });
});

test('DC by VA to MMIO is skipped (§7.5); out of range it faults with CM = 1', () => {
  if (!hasAssembler) return;
  runAsm('dc civac, x1\ndc cvac, x1\ndc cvau, x1\nic ivau, x1', { 1: MMIO });
  const m = machine();
  m.asm('dc civac, x1').setX(1, 0x10000000000n);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x25, 0x140));
});

test('an injected external data abort (R_EXT_DABT) replaces the MMIO completion (§13.5)', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.asm('ldr w0, [x1]').setX(1, MMIO + 0x10).setX(0, 7);
  assert.is(m.run().kind, 'mmio');
  m.regs.u32[R_EXT_DABT] = 1;
  m.cpu.completeMmio(0x55, 0); // ignored: the access failed
  assert.is(m.pc, BigInt(CODE));
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x25, 0x10));
  assert.is(m.sys('FAR_EL1'), BigInt(MMIO + 0x10));
  assert.is(elr(m), BigInt(CODE));
  assert.is(m.x(0), 7n);
  assert.is(m.regs.u32[R_EXT_DABT], 0);
  // From EL0 the class is "lower EL".
  m = atEl0(machine(), 'ldr w0, [x1]').setX(1, MMIO);
  assert.is(m.run().kind, 'mmio');
  m.regs.u32[R_EXT_DABT] = 1;
  m.expectVector(8);
  assert.is(m.sys('ESR_EL1'), ESR(0x24, 0x10));
});

test('HVC and SMC stop with the PC past them; WFI/WFE stop, WFE consumes a pending event', () => {
  if (!hasAssembler) return;
  let m = new Machine();
  m.asm('hvc #0x123');
  assert.equal(m.run(), { kind: 'hvc', imm: 0x123 });
  assert.is(m.pc, BigInt(CODE + 4));
  m.asm('smc #7');
  assert.equal(m.run(), { kind: 'smc', imm: 7 });
  assert.is(m.pc, BigInt(CODE + 4));
  m.asm('wfi');
  assert.equal(m.run(), { kind: 'wfi' });
  assert.is(m.pc, BigInt(CODE + 4));
  m.asm('sevl\nwfe\nwfe');
  assert.equal(m.run(), { kind: 'wfe' });
  assert.is(m.pc, BigInt(CODE + 12));
  // SEV notifies the other vCPUs.
  m = new Machine();
  let sev = 0;
  m.cpu.onSev = () => sev++;
  runAsm('sev\nwfe', {}, m);
  assert.is(sev, 1);
});

test('WFI/WFE at EL0 trap to EL1 (EC 0x01) unless SCTLR_EL1.nTWI/nTWE', () => {
  if (!hasAssembler) return;
  let m = atEl0(machine(), 'wfi');
  m.setSys('SCTLR_EL1', m.sys('SCTLR_EL1') & ~(1n << 16n));
  m.expectVector(8);
  assert.is(m.sys('ESR_EL1'), ESR(0x01, (1 << 24) | (0xe << 20)));
  m = atEl0(machine(), 'wfe');
  m.setSys('SCTLR_EL1', m.sys('SCTLR_EL1') & ~(1n << 18n));
  m.expectVector(8);
  assert.is(m.sys('ESR_EL1'), ESR(0x01, (1 << 24) | (0xe << 20) | 1));
  m = atEl0(machine(), 'wfi');
  assert.equal(m.run(), { kind: 'wfi' });
});

test('the budget bounds a run; instructionsRetired counts', () => {
  if (!hasAssembler) return;
  const m = new Machine();
  m.asm('1: add x0, x0, #1\nb 1b');
  const before = m.cpu.instructionsRetired;
  assert.equal(m.cpu.run(1001), { kind: 'budget' });
  assert.is(m.cpu.instructionsRetired - before, 1001);
  assert.is(m.x(0), 501n);
  assert.equal(m.cpu.run(1), { kind: 'budget' });
  assert.is(m.x(0), 501n); // the branch
});

test('PSTATE and both SPs are back in the register file after every run', () => {
  if (!hasAssembler) return;
  const m = new Machine();
  m.regs.set64(R_SP_EL0, 0x1111n);
  m.asm('mov sp, x1\nmsr daifclr, #1\ncmp x1, x1\nhvc #0').setX(1, DATA);
  m.exec();
  assert.is(m.spEl1(), BigInt(DATA));
  assert.is(m.spEl0(), 0x1111n);
  assert.is(m.pstate, 0x60000000 | 0x3c5 & ~0x40);
});

test('unsupported states stop with internal: SCTLR_EL1.M = 1, an AArch32 PSTATE', () => {
  if (!hasAssembler) return;
  let m = new Machine();
  m.asm('msr sctlr_el1, x1\nnop').setX(1, m.sys('SCTLR_EL1') | 1n);
  let s: CpuStop = m.run();
  assert.is(s.kind, 'internal');
  m = new Machine();
  m.pstate = 0x3d0;
  s = m.run();
  assert.is(s.kind, 'internal');
  assert.is(m.pstate, 0x3d0); // left as it was
});

test('setMemory rejects misaligned or overlapping regions', () => {
  const c = new Cpu(new RegFile(), { ipaBits: 40 });
  const mem = new SharedArrayBuffer(0x4000);
  assert.throws(() => c.setMemory([{ base: 0x1004, size: 0x1000, mem, offset: 0, readonly: false }]));
  assert.throws(() => c.setMemory([{ base: 0x1000, size: 0x1000, mem, offset: 0x3800, readonly: false }]));
  assert.throws(() => c.setMemory([{ base: 0x1000, size: 0x2000, mem, offset: 0, readonly: false }, { base: 0x2000, size: 0x1000, mem, offset: 0, readonly: false }]));
  c.setMemory([{ base: 0x1000, size: 0x1000, mem, offset: 0, readonly: false }, { base: 0x2000, size: 0x1000, mem, offset: 0x1000, readonly: true }]);
  assert.throws(() => new Cpu(new RegFile(), { ipaBits: 60 }));
});

test('system register hooks: reads, writes, UNDEFINED and traps', () => {
  if (!hasAssembler) return;
  const CNTVCT = sysregEncoding(3, 3, 14, 0, 2);
  const CNTV_CTL = sysregEncoding(3, 3, 14, 3, 1);
  const m = machine();
  let written = -1;
  m.cpu.registerSysReg(CNTVCT, { read: (el, out) => ((out[0] = 0x1000 + el), (out[1] = 2), SYSREG_OK), write: () => SYSREG_UNDEF });
  m.cpu.registerSysReg(CNTV_CTL, {
    read: (el) => (el === 0 ? SYSREG_TRAP : SYSREG_OK),
    write: (_el, lo) => ((written = lo), (m.cpu.irqLine = true), SYSREG_OK),
  });
  m.asm('mrs x0, cntvct_el0\nmov x2, #1\nmsr daifclr, #2\nmsr daifset, #2\nmsr cntv_ctl_el0, x2\nmsr daifclr, #2\nnop');
  m.expectVector(5); // the hook raised the IRQ line
  assert.is(m.x(0), 0x200001001n);
  assert.is(written, 1);
  let n = machine();
  n.cpu.registerSysReg(CNTVCT, { read: () => SYSREG_OK, write: () => SYSREG_UNDEF });
  n.asm('msr s3_3_c14_c0_2, x0'); // cntvct_el0
  n.expectVector(4);
  assert.is(n.sys('ESR_EL1'), ESR(0));
  n = atEl0(machine(), 'mrs x3, cntv_ctl_el0');
  n.cpu.registerSysReg(CNTV_CTL, { read: (el) => (el === 0 ? SYSREG_TRAP : SYSREG_OK), write: () => SYSREG_OK });
  n.expectVector(8);
  // EC 0x18: Op0 3, Op2 1, Op1 3, CRn 14, Rt 3, CRm 3, read.
  assert.is(n.sys('ESR_EL1'), ESR(0x18, (3 << 20) | (1 << 17) | (3 << 14) | (14 << 10) | (3 << 5) | (3 << 1) | 1));
  // Without a hook the timer registers are UNDEFINED, as any unknown register.
  n = machine();
  n.asm('mrs x0, cntvct_el0');
  n.expectVector(4);
});

test('MRS/MSR rules: read-only and unknown registers, EL0 access, traps, VBAR and ESR round trip', () => {
  if (!hasAssembler) return;
  // Generic names for the read-only ones (MIDR, ID_AA64ISAR0, MPIDR, CTR, CurrentEL) keep gas quiet.
  const undef = ['msr s3_0_c0_c0_0, x0', 'msr s3_0_c0_c6_0, x0', 'msr s3_0_c0_c0_5, x0', 'msr s3_3_c0_c0_1, x0', 'mrs x0, s3_0_c15_c15_7', 'mrs x0, sp_el1', 'msr s3_0_c4_c2_2, x0'];
  for (const src of undef) {
    const m = machine();
    m.asm(src);
    m.expectVector(4);
    assert.is(m.sys('ESR_EL1'), ESR(0), src);
  }
  // EL0: CTR_EL0 traps while SCTLR_EL1.UCT = 0, DAIF while UMA = 0; DCZID_EL0 shows DZP.
  let m = atEl0(machine(), 'mrs x0, ctr_el0');
  m.expectVector(8);
  assert.is(m.sys('ESR_EL1'), ESR(0x18, (3 << 20) | (1 << 17) | (3 << 14) | (0 << 10) | (0 << 1) | 1));
  m = atEl0(machine(), 'msr daifset, #2');
  m.expectVector(8);
  assert.is(Number(m.sys('ESR_EL1') >> 26n), 0x18);
  m = atEl0(machine(), 'mrs x0, dczid_el0\nmrs x1, tpidrro_el0\nmrs x2, nzcv\nsvc #0');
  m.regs.set64(sysregWordOf(m, 'TPIDRRO_EL0'), 0x77n);
  m.expectVector(8);
  assert.is(m.x(0), 0x14n);
  assert.is(m.x(1), 0x77n);
  // Unallocated ID space: RAZ at EL1 for CRm 1-7, UNDEFINED for CRm 0 and at EL0.
  m = runAsm('mrs x0, s3_0_c0_c7_7\nmrs x1, s3_0_c0_c4_5', { 0: 5, 1: 5 });
  assert.equal([m.x(0), m.x(1)], [0n, 0n]);
  m = machine();
  m.asm('mrs x0, s3_0_c0_c0_7');
  m.expectVector(4);
  m = atEl0(machine(), 'mrs x0, s3_0_c0_c7_7');
  m.expectVector(8);
  m = machine();
  runAsm('msr vbar_el1, x1\nmrs x0, vbar_el1\nmsr esr_el1, x2\nmrs x3, esr_el1\nmsr tpidr_el1, x2\nmrs x4, tpidr_el1\nmrs x5, currentel\nmrs x6, dczid_el0\nmov x7, #0x800\nmsr vbar_el1, x7', {
    1: 0x123456789abcdeffn, 2: 0xfedcba9876543210n,
  }, m);
  assert.is(m.x(0), 0x123456789abcdee0n);
  assert.is(m.x(3), 0xfedcba9876543210n);
  assert.is(m.x(4), 0xfedcba9876543210n);
  assert.is(m.x(5), 4n);
  assert.is(m.x(6), 4n);
});

test('FPCR/FPSR are trapped (EC 0x07) until CPACR_EL1.FPEN allows them', () => {
  if (!hasAssembler) return;
  let m = machine();
  m.asm('mrs x0, fpcr');
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), ESR(0x07, (1 << 24) | (0xe << 20)));
  m = runAsm('mov x1, #3 << 20\nmsr cpacr_el1, x1\nmsr fpcr, x2\nmrs x3, fpcr\nmsr fpsr, x2\nmrs x4, fpsr', { 2: -1n });
  assert.is(m.x(3), 0x07f70000n);
  assert.is(m.x(4), 0xf800009fn);
});

test('AT with the MMU off reports PA = VA in PAR_EL1', () => {
  if (!hasAssembler) return;
  const m = runAsm('at s1e1r, x1\nmrs x0, par_el1\nat s1e0w, x2\nmrs x3, par_el1', { 1: 0x40001234, 2: 0x10000000000n });
  assert.is(m.x(0), 0x40001a00n);
  assert.is(m.x(3), 0x801n);
});

test('TLBI calls the hook with the operation and the register', () => {
  if (!hasAssembler) return;
  const m = new Machine();
  const seen: [number, number, number][] = [];
  m.cpu.onTlbi = (op, lo, hi) => seen.push([op, lo, hi]);
  runAsm('tlbi vmalle1is\ntlbi vae1, x1', { 1: 0x1234 }, m);
  assert.equal(seen, [[(0 << 11) | (8 << 7) | (3 << 3) | 0, 0, 0], [(0 << 11) | (8 << 7) | (7 << 3) | 1, 0x1234, 0]]);
});

test('code written by the VMM between runs is executed (no stale decode)', () => {
  if (!hasAssembler) return;
  const m = new Machine();
  m.asm('mov x0, #1\nhvc #0').exec();
  assert.is(m.x(0), 1n);
  m.asm('mov x0, #2\nhvc #0').exec();
  assert.is(m.x(0), 2n);
});

test('straight-line code and branches across a 4 GiB boundary carry into PC bits 63:32', () => {
  if (!hasAssembler) return;
  const base = 0xfffff000;
  const ram = new SharedArrayBuffer(RAM_SIZE);
  const high = new SharedArrayBuffer(0x2000);
  const m = new Machine({ regions: [{ base: RAM_BASE, size: RAM_SIZE, mem: ram, offset: 0, readonly: false }, { base, size: 0x2000, mem: high, offset: 0, readonly: false }] });
  const dv = new DataView(high);
  // At 0xfffffff8: two instructions below 4 GiB, the rest above; the last branch goes back
  // below, to an HVC at 0xfffffff0.
  assemble('mov x0, #1\nmov x1, #2\nadr x2, .\nmov x3, #3\nb 1f\nnop\n1: adr x4, .\nb . - 0x24').forEach((w, i) => dv.setUint32(0xff8 + 4 * i, w, true));
  dv.setUint32(0xff0, 0xd4000002, true);
  m.pc = 0xfffffff8n;
  m.exec();
  assert.is(m.x(2), 0x100000000n);
  assert.is(m.x(4), 0x100000010n);
  assert.is(m.x(3), 3n);
  assert.is(m.pc, 0xfffffff4n);
});

test('the vector base comes from VBAR_EL1 (bits 4:0 ignored)', () => {
  if (!hasAssembler) return;
  const m = new Machine();
  m.setSys('VBAR_EL1', DATA);
  m.load(assemble('hvc #0x99'), DATA + 0x200);
  m.asm('udf #0');
  assert.equal(m.run(), { kind: 'hvc', imm: 0x99 });
  assert.is(VBAR, RAM_BASE + 0x800);
});

function sysregWordOf(_m: Machine, name: string): number {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../../../../vmcore/cpu/sysregs').sysregWord(name);
}

test('a pending IRQ is taken right after the instruction that unmasks or raises it', () => {
  if (!hasAssembler) return;
  // MSR DAIF, Xt (register form) clearing I: taken before the next instruction.
  let m = machine();
  m.asm('mov x1, #0x340\nmsr daif, x1\nmov x2, #1\nhvc #0');
  m.cpu.irqLine = true;
  m.expectVector(5);
  assert.is(elr(m), BigInt(CODE + 8));
  assert.is(m.x(2), 0n);
  // ERET to EL1h with I clear: taken at the return address, before it executes.
  m = machine();
  m.asm('adr x1, 1f\nmsr elr_el1, x1\nmov x1, #0x345\nmsr spsr_el1, x1\neret\n1: mov x2, #1\nhvc #0');
  m.cpu.irqLine = true;
  m.expectVector(5);
  assert.is(elr(m), BigInt(CODE + 20));
  assert.is(m.x(2), 0n);
  // A system register hook raising the line while IRQs are unmasked: taken after the MSR.
  const CNTV_CTL = sysregEncoding(3, 3, 14, 3, 1);
  m = machine();
  m.cpu.registerSysReg(CNTV_CTL, { read: () => SYSREG_OK, write: () => ((m.cpu.irqLine = true), SYSREG_OK) });
  m.asm('msr daifclr, #2\nmsr cntv_ctl_el0, x0\nmov x2, #1\nhvc #0');
  m.expectVector(5);
  assert.is(elr(m), BigInt(CODE + 8));
  assert.is(m.x(2), 0n);
  // MSR DAIFClr as the last instruction a run's budget allows: the IRQ is taken in that run.
  m = machine();
  m.asm('nop\nmsr daifclr, #2\nmov x2, #1\nhvc #0');
  m.cpu.irqLine = true;
  assert.equal(m.cpu.run(2), { kind: 'budget' });
  assert.is(m.pc, BigInt(VBAR + 0x280));
  assert.is(elr(m), BigInt(CODE + 8));
  assert.is(m.cpu.instructionsRetired, 2);
  // Raised while masked (by a hook), the IRQ waits for the unmask.
  m = machine();
  m.cpu.registerSysReg(CNTV_CTL, { read: () => SYSREG_OK, write: () => ((m.cpu.irqLine = true), SYSREG_OK) });
  m.asm('msr cntv_ctl_el0, x0\nmov x2, #1\nmsr daifclr, #2\nmov x3, #1\nhvc #0');
  m.expectVector(5);
  assert.is(m.x(2), 1n);
  assert.is(m.x(3), 0n);
  assert.is(elr(m), BigInt(CODE + 12));
});

test.run();
