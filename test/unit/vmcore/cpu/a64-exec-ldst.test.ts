/**
 * Loads and stores: every addressing mode with writeback and extension, pairs, alignment,
 * exclusives (success and each way to fail), LSE atomics, DC ZVA, dirty logging and
 * self-modifying code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasAssembler, assemble } from './assemble';
import { DATA, Machine, RAM_BASE, RAM_SIZE, runAsm } from './machine';

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);

function withData(fill: (m: Machine) => void): Machine {
  const m = new Machine();
  fill(m);
  return m;
}

/** 16 distinct bytes at DATA: 0x80, 0x91, 0xa2 ... (high bits set to exercise sign extension). */
function pattern(m: Machine): void {
  for (let i = 0; i < 64; i++) m.ram[DATA - RAM_BASE + i] = (0x80 + i * 0x11) & 0xff;
}

test('LDR/STR (unsigned offset) of every size and the sign-extending loads', () => {
  if (!hasAssembler) return console.log('  (skipped: no assembler)');
  const m = runAsm(
    'ldrb w0, [x9, #1]\nldrh w1, [x9, #2]\nldr w2, [x9, #4]\nldr x3, [x9, #8]\nldrsb x4, [x9]\nldrsb w5, [x9]\nldrsh x6, [x9, #2]\nldrsh w7, [x9, #2]\nldrsw x8, [x9, #4]\n' +
      'strb w10, [x9, #32]\nstrh w10, [x9, #34]\nstr w10, [x9, #36]\nstr x10, [x9, #40]\nstr xzr, [x9, #48]',
    { 9: DATA, 10: 0x1122334455667788n, 0: M64, 1: M64 },
    withData(pattern),
  );
  assert.is(m.x(0), 0x91n);
  assert.is(m.x(1), 0xb3a2n);
  assert.is(m.x(2), 0xf7e6d5c4n);
  assert.is(m.x(3), m.u64(DATA + 8));
  assert.is(m.x(4), u64(-0x80n));
  assert.is(m.x(5), 0xffffff80n);
  assert.is(m.x(6), u64(BigInt.asIntN(16, 0xb3a2n)));
  assert.is(m.x(7), 0xffffb3a2n);
  assert.is(m.x(8), u64(BigInt.asIntN(32, 0xf7e6d5c4n)));
  const at = (o: number) => m.ram[DATA - RAM_BASE + o];
  assert.equal([at(32), at(33), at(34), at(35)], [0x88, (0x80 + 33 * 0x11) & 0xff, 0x88, 0x77]);
  assert.is(m.dv.getUint32(DATA + 36 - RAM_BASE, true), 0x55667788);
  assert.is(m.u64(DATA + 40), 0x1122334455667788n);
  assert.is(m.u64(DATA + 48), 0n);
});

test('pre-index, post-index, unscaled and unprivileged forms', () => {
  if (!hasAssembler) return;
  const m = runAsm(
    'ldr x0, [x9, #8]!\nldr x1, [x10], #-8\nldur w2, [x11, #-1]\nstr x12, [x13, #-16]!\nstrb w12, [x14], #3\nldtrsh x3, [x15, #1]\nsttr w12, [x15, #5]',
    { 9: DATA, 10: DATA + 16, 11: DATA + 5, 12: 0xa5a5a5a5a5a5a5a5n, 13: DATA + 64, 14: DATA + 100, 15: DATA + 20 },
    withData(pattern),
  );
  assert.is(m.x(9), BigInt(DATA + 8));
  assert.is(m.x(0), m.u64(DATA + 8));
  assert.is(m.x(10), BigInt(DATA + 8));
  assert.is(m.x(1), m.u64(DATA + 16));
  assert.is(m.x(2), BigInt(m.dv.getUint32(DATA + 4 - RAM_BASE, true)));
  assert.is(m.x(13), BigInt(DATA + 48));
  assert.is(m.u64(DATA + 48), 0xa5a5a5a5a5a5a5a5n);
  assert.is(m.x(14), BigInt(DATA + 103));
  assert.is(m.ram[DATA + 100 - RAM_BASE], 0xa5);
  assert.is(m.x(3), u64(BigInt(m.dv.getInt16(DATA + 21 - RAM_BASE, true))));
  assert.is(m.dv.getUint32(DATA + 25 - RAM_BASE, true), 0xa5a5a5a5);
});

test('register offset: LSL by the size, UXTW, SXTW with a negative index', () => {
  if (!hasAssembler) return;
  const m = runAsm('ldr x0, [x9, x1, lsl #3]\nldrh w2, [x9, w3, uxtw #1]\nldrb w4, [x10, w5, sxtw]\nstr w6, [x9, x7]', {
    9: DATA, 1: 2, 3: 0x100000003n, 10: DATA + 8, 5: 0xfffffffd, 6: 0xdeadbeef, 7: 60,
  }, withData(pattern));
  assert.is(m.x(0), m.u64(DATA + 16));
  assert.is(m.x(2), BigInt(m.dv.getUint16(DATA + 6 - RAM_BASE, true)));
  assert.is(m.x(4), BigInt(m.ram[DATA + 5 - RAM_BASE]));
  assert.is(m.dv.getUint32(DATA + 60 - RAM_BASE, true), 0xdeadbeef);
});

test('literal loads and PRFM do what they should (PRFM never faults)', () => {
  if (!hasAssembler) return;
  const m = runAsm('ldr x0, 1f\nldrsw x1, 2f\nldr w2, 2f\nprfm pldl1keep, [x3]\nprfm pldl1keep, [x3, x4]\nb 3f\n.balign 8\n1: .quad 0x8877665544332211\n2: .word 0x80000001\n3:', {
    3: 0xffff000000000000n, 4: 8,
  });
  assert.is(m.x(0), 0x8877665544332211n);
  assert.is(m.x(1), 0xffffffff80000001n);
  assert.is(m.x(2), 0x80000001n);
});

test('LDP/STP/LDPSW with offset, pre and post index, 32 and 64 bits', () => {
  if (!hasAssembler) return;
  const m = runAsm('ldp x0, x1, [x9, #16]\nldp w2, w3, [x9, #-8]!\nldpsw x4, x5, [x10], #8\nstp x11, x12, [x13, #-16]!\nstp w11, w12, [x14], #-8\nstnp x12, x11, [x14, #64]', {
    9: DATA + 8, 10: DATA, 11: 0x1111111122222222n, 12: 0x3333333344444444n, 13: DATA + 128, 14: DATA + 160,
  }, withData(pattern));
  assert.is(m.x(0), m.u64(DATA + 24));
  assert.is(m.x(1), m.u64(DATA + 32));
  assert.is(m.x(9), BigInt(DATA));
  assert.is(m.x(2), BigInt(m.dv.getUint32(DATA - RAM_BASE, true)));
  assert.is(m.x(3), BigInt(m.dv.getUint32(DATA + 4 - RAM_BASE, true)));
  assert.is(m.x(4), u64(BigInt(m.dv.getInt32(DATA - RAM_BASE, true))));
  assert.is(m.x(5), u64(BigInt(m.dv.getInt32(DATA + 4 - RAM_BASE, true))));
  assert.is(m.x(10), BigInt(DATA + 8));
  assert.is(m.x(13), BigInt(DATA + 112));
  assert.is(m.u64(DATA + 112), 0x1111111122222222n);
  assert.is(m.u64(DATA + 120), 0x3333333344444444n);
  assert.is(m.x(14), BigInt(DATA + 152));
  assert.is(m.u64(DATA + 160), 0x4444444422222222n);
  assert.is(m.u64(DATA + 216), 0x3333333344444444n);
  assert.is(m.u64(DATA + 224), 0x1111111122222222n);
});

test('loads with writeback into their own base and LDP with Rt = Rt2 behave as QEMU', () => {
  if (!hasAssembler) return;
  // .inst: ldr x9, [x9], #8 and ldp x0, x0, [x9] (CONSTRAINED UNPREDICTABLE, rejected by gas).
  const m = runAsm('mov x10, x9\n.inst 0xf8408529\nmov x11, x9\nmov x9, x10\n.inst 0xa9400120', { 9: DATA }, withData(pattern));
  assert.is(m.x(11), BigInt(DATA + 8)); // the writeback wins over the loaded value
  assert.is(m.x(0), m.u64(DATA)); // Rt gets the first value
});

test('unaligned ordinary accesses work with the MMU off; SCTLR_EL1.A makes them fault', () => {
  if (!hasAssembler) return;
  let m = runAsm('ldr x0, [x9, #1]\nstr w1, [x9, #33]\nadd x10, x9, #3\nldp x2, x3, [x10]', { 9: DATA, 1: 0xcafef00d }, withData(pattern));
  assert.is(m.x(0), m.dv.getBigUint64(DATA + 1 - RAM_BASE, true));
  assert.is(m.dv.getUint32(DATA + 33 - RAM_BASE, true), 0xcafef00d);
  assert.is(m.x(3), m.dv.getBigUint64(DATA + 11 - RAM_BASE, true));
  m = new Machine().vectors();
  m.setSys('SCTLR_EL1', m.sys('SCTLR_EL1') | 2n);
  m.setX(9, DATA + 2);
  m.asm('ldrh w0, [x9]\nldr w0, [x9]');
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), 0x96000021n); // DABT current EL, IL, alignment
  assert.is(m.sys('FAR_EL1'), BigInt(DATA + 2));
  assert.is(m.regs.get64(70), BigInt(0x40001004)); // ELR: the faulting LDR
});

test('exclusives, acquire/release and atomics need natural alignment (alignment fault, WnR as QEMU)', () => {
  if (!hasAssembler) return;
  const cases: [string, bigint][] = [
    ['ldxr x0, [x9]', 0x96000021n],
    ['ldar w0, [x9]', 0x96000021n],
    ['stlr w0, [x9]', 0x96000061n],
    ['ldadd w1, w0, [x9]', 0x96000021n],
    ['cas w1, w0, [x9]', 0x96000021n],
  ];
  for (const [asm, esr] of cases) {
    const m = new Machine().vectors();
    m.setX(9, DATA + 2);
    m.asm(asm);
    m.expectVector(4);
    assert.is(m.sys('ESR_EL1'), esr, asm);
  }
});

test('SP alignment checking (SCTLR_EL1.SA) raises EC 0x26 for SP-based accesses only', () => {
  if (!hasAssembler) return;
  let m = new Machine().vectors();
  m.asm('mov sp, x9\nldr x0, [sp]');
  m.setX(9, DATA + 8);
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), (0x26n << 26n) | (1n << 25n));
  // Not SP-based: fine. And with SA = 0 SP may be misaligned.
  m = runAsm('mov sp, x9\nldr x0, [x9]', { 9: DATA + 8 });
  m = new Machine();
  m.setSys('SCTLR_EL1', m.sys('SCTLR_EL1') & ~8n);
  runAsm('mov sp, x9\nldr x0, [sp]\nstp x0, x1, [sp, #-8]!', { 9: DATA + 8 }, m);
  assert.is(m.spEl1(), BigInt(DATA));
});

test('LDXR/STXR: success stores and returns 0; CLREX, another value, another address fail', () => {
  if (!hasAssembler) return;
  let m = runAsm('ldxr x0, [x9]\nadd x0, x0, #1\nstxr w1, x0, [x9]\nldaxr w2, [x9]\nstlxr w3, w2, [x9]', { 9: DATA }, new Machine().setU64(DATA, 41n));
  assert.is(m.x(1), 0n);
  assert.is(m.u64(DATA), 42n);
  assert.is(m.x(3), 0n);
  m = runAsm('ldxr x0, [x9]\nclrex\nstxr w1, x0, [x9]', { 9: DATA });
  assert.is(m.x(1), 1n);
  m = runAsm('ldxr x0, [x9]\nstxr w1, x0, [x10]', { 9: DATA, 10: DATA + 8 });
  assert.is(m.x(1), 1n);
  m = runAsm('ldxrb w0, [x9]\nstxrh w1, w0, [x9]', { 9: DATA });
  assert.is(m.x(1), 1n); // different size
  m = runAsm('stxr w1, x0, [x9]', { 9: DATA });
  assert.is(m.x(1), 1n); // never armed
  // Another vCPU (here: the test) changes the value between LDXR and STXR.
  m = new Machine().setU64(DATA, 5n);
  m.setX(9, DATA).asm('ldxr x0, [x9]\nadd x0, x0, #1\nstxr w1, x0, [x9]\nhvc #0');
  assert.is(m.cpu.run(1).kind, 'budget');
  m.setU64(DATA, 100n);
  m.exec();
  assert.is(m.x(1), 1n);
  assert.is(m.u64(DATA), 100n);
});

test('exception entry and ERET clear the exclusive monitor', () => {
  if (!hasAssembler) return;
  const m = new Machine();
  // Vector 4 (sync, current EL SPx): ERET straight back.
  m.load(assemble('eret'), m.sys('VBAR_EL1') === 0n ? 0 : Number(m.sys('VBAR_EL1')) + 0x200);
  runAsm('ldxr x0, [x9]\nsvc #1\nstxr w1, x0, [x9]', { 9: DATA }, m);
  assert.is(m.x(1), 1n);
});

test('LDXP/STXP for 32- and 64-bit pairs', () => {
  if (!hasAssembler) return;
  const m = runAsm('ldxp x0, x1, [x9]\nstxp w2, x1, x0, [x9]\nldaxp w3, w4, [x10]\nstlxp w5, w4, w3, [x10]', { 9: DATA, 10: DATA + 16 },
    new Machine().setU64(DATA, 1n).setU64(DATA + 8, 2n).setU64(DATA + 16, 0x0000000400000003n));
  assert.is(m.x(2), 0n);
  assert.is(m.u64(DATA), 2n);
  assert.is(m.u64(DATA + 8), 1n);
  assert.is(m.x(5), 0n);
  assert.is(m.u64(DATA + 16), 0x0000000300000004n);
});

test('LSE atomics return the old value and store the new one, all sizes', () => {
  if (!hasAssembler) return;
  const ops: [string, (a: bigint, b: bigint, bits: number) => bigint][] = [
    ['ldadd', (a, b, w) => BigInt.asUintN(w, a + b)],
    ['ldclr', (a, b) => a & ~b],
    ['ldeor', (a, b) => a ^ b],
    ['ldset', (a, b) => a | b],
    ['ldsmax', (a, b, w) => (BigInt.asIntN(w, a) >= BigInt.asIntN(w, b) ? a : b)],
    ['ldsmin', (a, b, w) => (BigInt.asIntN(w, a) <= BigInt.asIntN(w, b) ? a : b)],
    ['ldumax', (a, b) => (a >= b ? a : b)],
    ['ldumin', (a, b) => (a <= b ? a : b)],
    ['swp', (_a, b) => b],
  ];
  const sizes: [string, string, number][] = [['b', 'w', 8], ['h', 'w', 16], ['', 'w', 32], ['', 'x', 64]];
  const vals = [[0x80n, 0x7fn], [0xfffffffffffffff0n, 0x10n], [0x7fffffffffffffffn, 0x8000000000000000n]];
  for (const [op, f] of ops) {
    for (const [suffix, reg, bits] of sizes) {
      for (const [a0, b0] of vals) {
        const a = BigInt.asUintN(bits, a0);
        const b = BigInt.asUintN(bits, b0);
        const m = new Machine().setU64(DATA, a | (0x5an << 56n) * BigInt(bits < 64 ? 1 : 0));
        runAsm(`${op}al${suffix} ${reg}1, ${reg}0, [x9]`, { 9: DATA, 1: b0, 0: M64 }, m);
        assert.is(m.x(0), a, `${op}${suffix} old`);
        assert.is(BigInt.asUintN(bits, m.u64(DATA)), f(a, b, bits), `${op}${suffix} new`);
        if (bits < 64) assert.is(m.u64(DATA) >> 56n, 0x5an, `${op}${suffix} neighbours untouched`);
      }
    }
  }
  // ST<op>: Rt = XZR, no register written.
  const m = runAsm('stadd x1, [x9]', { 9: DATA, 1: 5 }, new Machine().setU64(DATA, 10n));
  assert.is(m.u64(DATA), 15n);
});

test('CAS and CASP: success and failure, Rs always gets the old value', () => {
  if (!hasAssembler) return;
  let m = runAsm('cas x0, x1, [x9]', { 9: DATA, 0: 7, 1: 9 }, new Machine().setU64(DATA, 7n));
  assert.is(m.x(0), 7n);
  assert.is(m.u64(DATA), 9n);
  m = runAsm('casal w0, w1, [x9]', { 9: DATA, 0: 6, 1: 9 }, new Machine().setU64(DATA, 0xffffffff00000007n));
  assert.is(m.x(0), 7n);
  assert.is(m.u64(DATA), 0xffffffff00000007n);
  m = runAsm('casb w0, w1, [x9]', { 9: DATA + 1, 0: 0x11, 1: 0x22 }, new Machine().setU64(DATA, 0x1100n));
  assert.is(m.u64(DATA), 0x2200n);
  m = runAsm('casp x0, x1, x2, x3, [x9]', { 9: DATA, 0: 1, 1: 2, 2: 3, 3: 4 }, new Machine().setU64(DATA, 1n).setU64(DATA + 8, 2n));
  assert.equal([m.x(0), m.x(1), m.u64(DATA), m.u64(DATA + 8)], [1n, 2n, 3n, 4n]);
  m = runAsm('caspa w0, w1, w2, w3, [x9]', { 9: DATA, 0: 1, 1: 5, 2: 3, 3: 4 }, new Machine().setU64(DATA, 0x0000000200000001n));
  assert.equal([m.x(0), m.x(1), m.u64(DATA)], [1n, 2n, 0x0000000200000001n]);
  // Odd register pairs are UNDEFINED (as QEMU).
  m = new Machine().vectors();
  m.setX(9, DATA).asm('.inst 0x48217c82'); // casp x1, x2, x2, x3, [x4] with Rs odd
  m.expectVector(4);
  assert.is(m.sys('ESR_EL1'), 0x02000000n);
});

test('LDAR/STLR/LDAPR move aligned values', () => {
  if (!hasAssembler) return;
  // .inst 0xb8bfc122: ldapr w2, [x9] (FEAT_LRCPC, beyond the default -march).
  const m = runAsm('stlr x1, [x9]\nldar x0, [x9]\nstlrh w1, [x9, #0]\n.inst 0xb8bfc122\nldarb w3, [x9]', { 9: DATA, 1: 0x123456789abcdef0n }, new Machine());
  assert.is(m.x(0), 0x123456789abcdef0n);
  assert.is(m.x(2), 0x9abcdef0n);
  assert.is(m.x(3), 0xf0n);
});

test('DC ZVA zeroes the aligned 64-byte block and marks the dirty log', () => {
  if (!hasAssembler) return;
  const dirty = new Int32Array(new SharedArrayBuffer(4 * Math.ceil(RAM_SIZE / 4096 / 32)));
  const mem = new SharedArrayBuffer(RAM_SIZE);
  const m = new Machine({ regions: [{ base: RAM_BASE, size: RAM_SIZE, mem, offset: 0, readonly: false, dirty }] });
  // Machine allocated its own buffer; point it at the shared one used by the region.
  const dv = new DataView(mem);
  const code = assemble('dc zva, x9\nstr x1, [x10]\nhvc #0');
  code.forEach((w, i) => dv.setUint32(0x1000 + 4 * i, w, true));
  for (let i = 0; i < 256; i++) dv.setUint8(DATA - RAM_BASE + i, 0xff);
  m.setX(9, DATA + 0x47).setX(10, RAM_BASE + 0x5000 + 8);
  m.exec();
  for (let i = 0; i < 256; i++) assert.is(dv.getUint8(DATA - RAM_BASE + i), i >= 0x40 && i < 0x80 ? 0 : 0xff, `byte ${i}`);
  const page = (a: number) => (a - RAM_BASE) >> 12;
  const bit = (p: number) => (dirty[p >> 5] >>> (p & 31)) & 1;
  assert.is(bit(page(DATA)), 1);
  assert.is(bit(page(RAM_BASE + 0x5000)), 1);
  assert.is(bit(page(RAM_BASE + 0x6000)), 0);
  assert.is(bit(page(RAM_BASE + 0x1000)), 0); // code page only read
});

test('self-modifying code: a store over the next instruction is executed as stored', () => {
  if (!hasAssembler) return;
  const [movOld, movNew] = assemble('mov x0, #1\nmov x0, #2');
  const m = new Machine();
  m.asm(`ldr w1, 1f\nadr x2, 2f\nmov x3, #3\n2: mov x0, #1\nstr w1, [x2]\nsub x3, x3, #1\ncbnz x3, 2b\nhvc #0\n1: .word 0x${movNew.toString(16)}`);
  assert.ok(movOld !== movNew);
  m.exec();
  assert.is(m.x(0), 2n);
});

test.run();
