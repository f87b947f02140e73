/**
 * Data-processing semantics: edge cases with expectations from the Arm ARM pseudocode
 * (computed here with BigInt as the reference). The random differential run against QEMU is in
 * qemu-diff.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hasAssembler } from './assemble';
import { Machine, runAsm } from './machine';

const M64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const N = 8;
const Z = 4;
const C = 2;
const V = 1;

/** Runs `asm` with the registers given and returns the machine (skips without an assembler). */
function run(asm: string, init: Record<number, bigint | number> = {}, nzcv = 0): Machine {
  const m = new Machine();
  m.pstate = (m.pstate & 0x0fffffff) | (nzcv << 28);
  return runAsm(asm, init, m);
}

/** AddWithCarry for 64 bits: result and NZCV. */
function awc64(a: bigint, b: bigint, cin: bigint): [bigint, number] {
  const us = u64(a) + u64(b) + cin;
  const ss = s64(a) + s64(b) + cin;
  const r = u64(us);
  const n = r >> 63n ? N : 0;
  const z = r === 0n ? Z : 0;
  const c = r === us ? 0 : C;
  const v = s64(r) === ss ? 0 : V;
  return [r, n | z | c | v];
}

function awc32(a: bigint, b: bigint, cin: bigint): [bigint, number] {
  const ua = BigInt.asUintN(32, a);
  const ub = BigInt.asUintN(32, b);
  const us = ua + ub + cin;
  const ss = BigInt.asIntN(32, a) + BigInt.asIntN(32, b) + cin;
  const r = BigInt.asUintN(32, us);
  return [r, (r >> 31n ? N : 0) | (r === 0n ? Z : 0) | (r === us ? 0 : C) | (BigInt.asIntN(32, r) === ss ? 0 : V)];
}

const EDGE = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, M64, M64 - 1n, 0x123456789abcdef0n];

test('ADDS/SUBS/ADCS/SBCS 64-bit: carry and overflow as AddWithCarry', () => {
  if (!hasAssembler) return console.log('  (skipped: no assembler)');
  for (const a of EDGE) {
    for (const b of EDGE) {
      let m = run('adds x0, x1, x2', { 1: a, 2: b });
      let [r, f] = awc64(a, b, 0n);
      assert.is(m.x(0), r, `adds ${a} ${b}`);
      assert.is(m.nzcv, f, `adds flags ${a} ${b}`);
      m = run('subs x0, x1, x2', { 1: a, 2: b });
      [r, f] = awc64(a, u64(~b), 1n);
      assert.is(m.x(0), r, `subs ${a} ${b}`);
      assert.is(m.nzcv, f, `subs flags ${a} ${b}`);
      for (const cin of [0, 1]) {
        m = run('adcs x0, x1, x2', { 1: a, 2: b }, cin ? C : 0);
        [r, f] = awc64(a, b, BigInt(cin));
        assert.is(m.x(0), r);
        assert.is(m.nzcv, f);
        m = run('sbcs x0, x1, x2', { 1: a, 2: b }, cin ? C : 0);
        [r, f] = awc64(a, u64(~b), BigInt(cin));
        assert.is(m.x(0), r);
        assert.is(m.nzcv, f);
      }
    }
  }
});

test('ADDS/SUBS 32-bit: flags from the 32-bit result, upper half zeroed', () => {
  if (!hasAssembler) return;
  for (const a of EDGE) {
    for (const b of EDGE) {
      let m = run('adds w0, w1, w2', { 0: M64, 1: a, 2: b });
      let [r, f] = awc32(a, b, 0n);
      assert.is(m.x(0), r);
      assert.is(m.nzcv, f);
      m = run('subs w0, w1, w2', { 1: a, 2: b });
      [r, f] = awc32(a, ~b, 1n);
      assert.is(m.x(0), r);
      assert.is(m.nzcv, f);
    }
  }
  // CMP with immediates: equal, unsigned lower, signed overflow.
  assert.is(run('cmp w1, #5', { 1: 5 }).nzcv, Z | C);
  assert.is(run('cmp x1, #1', { 1: 0 }).nzcv, N);
  assert.is(run('cmp w1, #1', { 1: 0x80000000 }).nzcv, C | V);
  assert.is(run('cmn x1, #1', { 1: M64 }).nzcv, Z | C);
});

test('ADD/SUB immediate and extended register use SP for register 31', () => {
  if (!hasAssembler) return;
  const m = run('mov sp, x1\nadd sp, sp, #0x10, lsl #12\nadd x2, sp, #0\nsub x3, sp, w4, uxtw #2', { 1: 0x40080000, 4: 0xffffffff });
  assert.is(m.x(2), 0x40090000n);
  assert.is(m.x(3), u64(0x40090000n - 0xffffffffn * 4n));
  assert.is(m.spEl1(), 0x40090000n); // EL1h: SP is SP_EL1
});

test('shifts by 0 and by the maximum (immediate and register forms)', () => {
  if (!hasAssembler) return;
  const v = 0x8000000000000001n;
  const m = run('lsl x0, x1, #0\nlsl x2, x1, #63\nlsr x3, x1, #63\nasr x4, x1, #63\nror x5, x1, #63\nlslv x6, x1, x7\nasrv x8, x1, x9\nror w10, w1, #0\nlsrv w11, w1, w12',
    { 1: v, 7: 64, 9: 127, 12: 33 });
  assert.is(m.x(0), v);
  assert.is(m.x(2), 0x8000000000000000n);
  assert.is(m.x(3), 1n);
  assert.is(m.x(4), M64);
  assert.is(m.x(5), 3n);
  assert.is(m.x(6), v); // shift amount modulo 64
  assert.is(m.x(8), M64); // 127 % 64 = 63
  assert.is(m.x(10), 1n);
  assert.is(m.x(11), 0n); // 33 % 32 = 1: 0x00000001 >> 1
});

test('logical immediates (DecodeBitMasks) and flags of ANDS', () => {
  if (!hasAssembler) return;
  const m = run('and x0, x1, #0xff00ff00ff00ff00\norr w2, wzr, #0x80000001\neor x3, x1, #0x5555555555555555\nands x4, x1, #0x8000000000000000', { 1: M64 });
  assert.is(m.x(0), 0xff00ff00ff00ff00n);
  assert.is(m.x(2), 0x80000001n);
  assert.is(m.x(3), 0xaaaaaaaaaaaaaaaan);
  assert.is(m.x(4), 0x8000000000000000n);
  assert.is(m.nzcv, N);
  assert.is(run('tst w1, #1', { 1: 2 }, C | V).nzcv, Z); // C and V cleared
  // AND/ORR/EOR immediate write SP when Rd = 31.
  assert.is(run('orr sp, xzr, #0x40000000\nmov x0, sp').x(0), 0x40000000n);
});

test('MOVZ/MOVN/MOVK', () => {
  if (!hasAssembler) return;
  const m = run('movz x0, #0x1234, lsl #48\nmovn x1, #0\nmovn w2, #0x8000, lsl #16\nmovk x3, #0xbeef, lsl #16\nmovk w4, #1', { 3: M64, 4: M64 });
  assert.is(m.x(0), 0x1234000000000000n);
  assert.is(m.x(1), M64);
  assert.is(m.x(2), 0x7fffffffn);
  assert.is(m.x(3), 0xffffffffbeefffffn);
  assert.is(m.x(4), 0xffff0001n); // 32-bit MOVK clears the upper half
});

test('bitfield moves: SBFX, UBFX, BFI, BFXIL, SXTW, UXTB and the 32-bit forms', () => {
  if (!hasAssembler) return;
  const m = run('sbfx x0, x1, #4, #8\nubfx x2, x1, #60, #4\nbfi x3, x1, #8, #16\nbfxil w4, w1, #0, #4\nsxtw x5, w1\nuxtb w6, w1\nsbfiz x7, x1, #62, #2\nsbfx w8, w1, #31, #1',
    { 1: 0xf0000000800008f5n, 3: M64, 4: 0xffffffffffffffffn });
  assert.is(m.x(0), u64(BigInt.asIntN(8, 0x8fn)));
  assert.is(m.x(2), 0xfn);
  assert.is(m.x(3), 0xffffffffff08f5ffn);
  assert.is(m.x(4), 0xfffffff5n);
  assert.is(m.x(5), 0xffffffff800008f5n);
  assert.is(m.x(6), 0xf5n);
  assert.is(m.x(7), 0x4000000000000000n);
  assert.is(m.x(8), 0xffffffffn);
});

test('EXTR and ROR (immediate)', () => {
  if (!hasAssembler) return;
  const m = run('extr x0, x1, x2, #0\nextr x3, x1, x2, #32\nextr x4, x1, x2, #63\nextr w5, w1, w2, #4', { 1: 0x0123456789abcdefn, 2: 0xfedcba9876543210n });
  assert.is(m.x(0), 0xfedcba9876543210n);
  assert.is(m.x(3), 0x89abcdeffedcba98n);
  assert.is(m.x(4), u64((0x0123456789abcdefn << 1n) | (0xfedcba9876543210n >> 63n)));
  assert.is(m.x(5), 0xf7654321n);
});

test('MADD/MSUB/UMULH/SMULH/SMADDL/UMSUBL with extreme values', () => {
  if (!hasAssembler) return;
  const vals = [0n, 1n, M64, 0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffff00000001n, 0x123456789abcdef1n];
  for (const a of vals) {
    for (const b of vals) {
      const m = run('madd x0, x1, x2, x3\nmsub x4, x1, x2, x3\numulh x5, x1, x2\nsmulh x6, x1, x2\nsmaddl x7, w1, w2, x3\numsubl x8, w1, w2, x3\nmul w9, w1, w2',
        { 1: a, 2: b, 3: 0x1111n });
      assert.is(m.x(0), u64(a * b + 0x1111n));
      assert.is(m.x(4), u64(0x1111n - a * b));
      assert.is(m.x(5), (a * b) >> 64n);
      assert.is(m.x(6), u64((s64(a) * s64(b)) >> 64n));
      assert.is(m.x(7), u64(BigInt.asIntN(32, a) * BigInt.asIntN(32, b) + 0x1111n));
      assert.is(m.x(8), u64(0x1111n - BigInt.asUintN(32, a) * BigInt.asUintN(32, b)));
      assert.is(m.x(9), BigInt.asUintN(32, a * b));
    }
  }
});

test('UDIV/SDIV: by zero is 0, INT_MIN / -1 = INT_MIN, rounding toward zero', () => {
  if (!hasAssembler) return;
  const cases: [bigint, bigint][] = [[7n, 0n], [0x8000000000000000n, M64], [u64(-7n), 2n], [7n, u64(-2n)], [M64, 3n], [0x123456789abcdef0n, 0x10n], [1n << 40n, 3n]];
  for (const [a, b] of cases) {
    const m = run('udiv x0, x1, x2\nsdiv x3, x1, x2\nudiv w4, w1, w2\nsdiv w5, w1, w2', { 1: a, 2: b });
    assert.is(m.x(0), b === 0n ? 0n : a / b);
    const sq = b === 0n ? 0n : s64(a) === -(1n << 63n) && s64(b) === -1n ? a : u64(s64(a) / s64(b));
    assert.is(m.x(3), sq);
    const a32 = BigInt.asUintN(32, a);
    const b32 = BigInt.asUintN(32, b);
    assert.is(m.x(4), b32 === 0n ? 0n : a32 / b32);
    const sa = BigInt.asIntN(32, a);
    const sb = BigInt.asIntN(32, b);
    assert.is(m.x(5), sb === 0n ? 0n : BigInt.asUintN(32, sa / sb));
  }
  assert.is(run('sdiv w0, w1, w2', { 1: 0x80000000, 2: 0xffffffff }).x(0), 0x80000000n);
});

test('REV/REV16/REV32/RBIT/CLZ/CLS', () => {
  if (!hasAssembler) return;
  const m = run('rev x0, x1\nrev w2, w1\nrev16 x3, x1\nrev32 x4, x1\nrbit x5, x1\nrbit w6, w1\nclz x7, x1\nclz x8, xzr\ncls x9, x10\ncls w11, w12\nclz w13, w10\ncls x14, xzr',
    { 1: 0x0102030405060708n, 10: M64, 12: 0x0000ffffn });
  assert.is(m.x(0), 0x0807060504030201n);
  assert.is(m.x(2), 0x08070605n);
  assert.is(m.x(3), 0x0201040306050807n);
  assert.is(m.x(4), 0x0403020108070605n);
  assert.is(m.x(5), 0x10e060a020c04080n);
  assert.is(m.x(6), 0x10e060a0n);
  assert.is(m.x(7), 7n);
  assert.is(m.x(8), 64n);
  assert.is(m.x(9), 63n);
  assert.is(m.x(11), 15n);
  assert.is(m.x(13), 0n);
  assert.is(m.x(14), 63n);
});

test('CSEL family and CCMP/CCMN with the condition true and false', () => {
  if (!hasAssembler) return;
  let m = run('cmp x1, x2\ncsel x3, x1, x2, lt\ncsinc x4, x1, x2, ge\ncsinv x5, x1, x2, eq\ncsneg x6, x1, x2, ne\ncset w7, hi\ncsetm x8, ls',
    { 1: u64(-5n), 2: 3n });
  assert.is(m.x(3), u64(-5n)); // signed -5 < 3
  assert.is(m.x(4), 4n); // ge false: x2 + 1
  assert.is(m.x(5), u64(~3n));
  assert.is(m.x(6), u64(-5n)); // ne true: x1
  assert.is(m.x(7), 1n); // unsigned 0xff..fb > 3
  assert.is(m.x(8), 0n);
  m = run('cmp x1, x2\nccmp x1, #5, #4, eq', { 1: 5, 2: 5 });
  assert.is(m.nzcv, Z | C); // condition true: flags of 5 - 5
  m = run('cmp x1, x2\nccmp x1, #5, #9, ne', { 1: 5, 2: 5 });
  assert.is(m.nzcv, 9); // condition false: the immediate
  m = run('cmp w1, w2\nccmn w1, w3, #0, ge', { 1: 1, 2: 0, 3: 0xffffffff });
  assert.is(m.nzcv, Z | C);
});

test('conditional branches follow ConditionHolds for every condition and flag value', () => {
  if (!hasAssembler) return;
  const holds = (cond: number, f: number): boolean => {
    const n = (f & N) !== 0;
    const z = (f & Z) !== 0;
    const c = (f & C) !== 0;
    const v = (f & V) !== 0;
    const base = [z, c, n, v, c && !z, n === v, n === v && !z, true][cond >> 1];
    return (cond & 1) !== 0 && cond !== 15 ? !base : base;
  };
  const names = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
  for (let cond = 0; cond < 16; cond++) {
    const src = `b.${names[cond]} 1f\nmov x0, #1\n1:`;
    for (let f = 0; f < 16; f++) {
      const m = run(src, { 0: 0 }, f);
      assert.is(m.x(0), holds(cond, f) ? 0n : 1n, `b.${names[cond]} nzcv=${f}`);
    }
  }
});

test('CRC32 and CRC32C match the reference polynomials', () => {
  if (!hasAssembler) return;
  const crc = (poly: number, acc: number, bytes: number[]) => {
    for (const b of bytes) {
      acc ^= b;
      for (let k = 0; k < 8; k++) acc = acc & 1 ? (acc >>> 1) ^ poly : acc >>> 1;
    }
    return BigInt(acc >>> 0);
  };
  const m = run('crc32b w0, w1, w2\ncrc32h w3, w1, w2\ncrc32w w4, w1, w2\ncrc32x w5, w1, x2\ncrc32cx w6, w1, x2', { 1: 0xffffffff, 2: 0x0123456789abcdefn });
  const bytes = [0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01];
  assert.is(m.x(0), crc(0xedb88320, 0xffffffff, bytes.slice(0, 1)));
  assert.is(m.x(3), crc(0xedb88320, 0xffffffff, bytes.slice(0, 2)));
  assert.is(m.x(4), crc(0xedb88320, 0xffffffff, bytes.slice(0, 4)));
  assert.is(m.x(5), crc(0xedb88320, 0xffffffff, bytes));
  assert.is(m.x(6), crc(0x82f63b78, 0xffffffff, bytes));
});

test('ADR/ADRP are PC-relative; 32-bit results zero the upper half', () => {
  if (!hasAssembler) return;
  // ADRP x2, +0x12345 pages (hand-encoded: the assembler leaves ADRP to a relocation).
  const m = run('adr x0, .\nadr x1, . + 0xfffff\n.inst 0xb0091a22\nadd w3, w4, #1', { 4: M64 });
  const pc = m.x(0);
  assert.is(m.x(1), pc + 4n + 0xfffffn);
  assert.is(m.x(2), ((pc + 8n) & ~0xfffn) + 0x12345000n);
  assert.is(m.x(3), 0n);
});

test.run();
