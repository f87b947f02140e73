/**
 * Test helper: seeded random cases for the QEMU differential test (qemu-diff.ts), one generator
 * per instruction class. Operand values are biased to the edges (0, 1, -1, INT32/INT64 min and
 * max, sign boundaries) where carry, overflow and extension bugs live.
 */
import type { DiffCase } from './qemu-diff';
import { SCRATCH, toEl0 } from './qemu-diff';

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  u32(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

const EDGES = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff80000000n, 0x00000000ffffffffn];

export function value(r: Rng): bigint {
  switch (r.int(4)) {
    case 0:
      return r.pick(EDGES);
    case 1:
      return BigInt(r.int(64));
    case 2:
      return BigInt.asUintN(64, -BigInt(r.int(300)));
    default:
      return r.u64();
  }
}

function regs(r: Rng): bigint[] {
  return Array.from({ length: 16 }, () => value(r));
}

const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
const SHIFT = ['lsl', 'lsr', 'asr'];
const EXT = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** A random encodable logical immediate for a datasize of 32 or 64. */
function bitmaskImm(r: Rng, size: 32 | 64): bigint {
  const esizes = [2, 4, 8, 16, 32, 64].filter((e) => e <= size);
  const e = r.pick(esizes);
  const s = r.int(e - 1) + 1; // ones: 1..e-1
  const rot = r.int(e);
  let elem = (1n << BigInt(s)) - 1n;
  const emask = (1n << BigInt(e)) - 1n;
  elem = rot === 0 ? elem : ((elem >> BigInt(rot)) | (elem << BigInt(e - rot))) & emask;
  let v = 0n;
  for (let i = 0; i < size; i += e) v |= elem << BigInt(i);
  return v;
}

/** Data-processing cases (immediate and register) and conditional branches. */
export function aluCases(seed: number, n: number): DiffCase[] {
  const r = new Rng(seed);
  const cases: DiffCase[] = [];
  const gens: ((w: boolean) => string)[] = [
    (w) => `${r.pick(['add', 'adds', 'sub', 'subs'])} ${w ? 'w' : 'x'}0, ${w ? 'w' : 'x'}1, #${r.int(4096)}${r.int(2) ? ', lsl #12' : ''}`,
    (w) => `${r.pick(['add', 'adds', 'sub', 'subs', 'and', 'ands', 'orr', 'eor', 'bic', 'bics', 'orn', 'eon'])} ${w ? 'w0, w1, w2' : 'x0, x1, x2'}, ${r.pick(SHIFT)} #${r.int(w ? 32 : 64)}`,
    (w) => `${r.pick(['and', 'ands', 'orr', 'eor', 'bic', 'bics', 'orn', 'eon'])} ${w ? 'w0, w1, w2' : 'x0, x1, x2'}, ror #${r.int(w ? 32 : 64)}`,
    (w) => `${r.pick(['add', 'adds', 'sub', 'subs'])} ${w ? 'w0, w1, w2' : 'x0, x1, ' + (r.int(2) ? 'x2' : 'w2')}, ${r.pick(w ? EXT : EXT.filter((e) => !e.endsWith('x')))} #${r.int(5)}`,
    () => `${r.pick(['add', 'adds', 'sub', 'subs'])} x0, x1, x2, ${r.pick(['uxtx', 'sxtx'])} #${r.int(5)}`,
    (w) => `${r.pick(['and', 'ands', 'orr', 'eor'])} ${w ? 'w0, w1' : 'x0, x1'}, #0x${bitmaskImm(r, w ? 32 : 64).toString(16)}`,
    (w) => `${r.pick(['adc', 'adcs', 'sbc', 'sbcs'])} ${w ? 'w0, w1, w2' : 'x0, x1, x2'}`,
    (w) => `${r.pick(['mul', 'mneg', 'udiv', 'sdiv', 'lslv', 'lsrv', 'asrv', 'rorv'])} ${w ? 'w0, w1, w2' : 'x0, x1, x2'}`,
    (w) => `${r.pick(['madd', 'msub'])} ${w ? 'w0, w1, w2, w3' : 'x0, x1, x2, x3'}`,
    () => `${r.pick(['smulh', 'umulh'])} x0, x1, x2`,
    () => `${r.pick(['smaddl', 'smsubl', 'umaddl', 'umsubl'])} x0, w1, w2, x3`,
    (w) => `${r.pick(['clz', 'cls', 'rbit', 'rev', 'rev16'])} ${w ? 'w0, w1' : 'x0, x1'}`,
    () => 'rev32 x0, x1',
    (w) => `${r.pick(['csel', 'csinc', 'csinv', 'csneg'])} ${w ? 'w0, w1, w2' : 'x0, x1, x2'}, ${r.pick(COND)}`,
    (w) => `${r.pick(['ccmp', 'ccmn'])} ${w ? 'w1, w2' : 'x1, x2'}, #${r.int(16)}, ${r.pick(COND)}`,
    (w) => `${r.pick(['ccmp', 'ccmn'])} ${w ? 'w1' : 'x1'}, #${r.int(32)}, #${r.int(16)}, ${r.pick(COND)}`,
    (w) => `${r.pick(['cset', 'csetm'])} ${w ? 'w0' : 'x0'}, ${r.pick(COND.slice(0, 14))}`,
    (w) => `${r.pick(['movz', 'movn', 'movk'])} ${w ? 'w0' : 'x0'}, #${r.int(65536)}, lsl #${16 * r.int(w ? 2 : 4)}`,
    (w) => (w ? `${r.pick(['sbfm', 'bfm', 'ubfm'])} w0, w1, #${r.int(32)}, #${r.int(32)}` : `${r.pick(['sbfm', 'bfm', 'ubfm'])} x0, x1, #${r.int(64)}, #${r.int(64)}`),
    (w) => `extr ${w ? 'w0, w1, w2' : 'x0, x1, x2'}, #${r.int(w ? 32 : 64)}`,
    (w) => `${r.pick(['cmp', 'cmn', 'tst'])} ${w ? 'w1, w2' : 'x1, x2'}`,
    () => `${r.pick(['crc32b', 'crc32h', 'crc32w', 'crc32cb', 'crc32ch', 'crc32cw'])} w0, w1, w2`,
    () => `${r.pick(['crc32x', 'crc32cx'])} w0, w1, x2`,
    () => `b.${r.pick(COND)} 1f\nmov x0, #0x77\n1:`,
    () => `${r.pick(['cbz', 'cbnz'])} ${r.int(2) ? 'w1' : 'x1'}, 1f\nmov x0, #0x77\n1:`,
    () => `${r.pick(['tbz', 'tbnz'])} x1, #${r.int(64)}, 1f\nmov x0, #0x77\n1:`,
    () => 'adr x0, .\nadr x1, . + 0x1234\nsub x0, x1, x0',
    () => 'adrp x0, .\nand x0, x0, #0xfff',
    (w) => `${r.pick(['neg', 'negs', 'mvn'])} ${w ? 'w0, w1' : 'x0, x1'}`,
    (w) => `${r.pick(['sxtb', 'sxth', 'uxtb', 'uxth'])} ${w ? 'w0' : 'x0'}, w1`,
    () => 'sxtw x0, w1',
    (w) => `${r.pick(['lsl', 'lsr', 'asr', 'ror'])} ${w ? 'w0, w1' : 'x0, x1'}, #${r.int(w ? 32 : 64)}`,
  ];
  for (let i = 0; i < n; i++) {
    const g = gens[i % gens.length];
    const rg = regs(r);
    // Small shift/divisor operands often enough to hit the interesting paths.
    if (r.int(4) === 0) rg[2] = BigInt(r.int(70));
    cases.push({ asm: g(r.int(2) === 0), regs: rg, nzcv: r.int(16) << 28 });
  }
  return cases;
}

/** Load/store cases on the scratch block (X9 = SCRATCH + 16); QEMU matches MMU-off alignment. */
export function memCases(seed: number, n: number, lse: boolean): DiffCase[] {
  const r = new Rng(seed);
  const cases: DiffCase[] = [];
  const B = 'x9';
  const off = (scale: number) => r.int(5) * scale;
  const sz = () => r.pick([['b', 'w'], ['h', 'w'], ['', 'w'], ['', 'x']] as const);
  const gens: (() => string)[] = [
    () => {
      const [s, reg] = sz();
      return `${r.pick(['ldr', 'str'])}${s} ${reg}0, [${B}, #${off(s === 'b' ? 1 : s === 'h' ? 2 : reg === 'w' ? 4 : 8)}]`;
    },
    () => `${r.pick(['ldrsb', 'ldrsh'])} ${r.pick(['w0', 'x0'])}, [${B}, #${r.int(16)}]`,
    () => `ldrsw x0, [${B}, #${4 * r.int(8)}]`,
    () => {
      const [s, reg] = sz();
      return `${r.pick(['ldur', 'stur'])}${s} ${reg}0, [${B}, #${r.int(33) - 16}]`;
    },
    () => `${r.pick(['ldursb', 'ldursh'])} ${r.pick(['w0', 'x0'])}, [${B}, #${r.int(33) - 16}]`,
    () => {
      const [s, reg] = sz();
      return `${r.pick(['ldr', 'str'])}${s} ${reg}0, [${B}, #${r.int(17) - 8}]!`;
    },
    () => {
      const [s, reg] = sz();
      return `${r.pick(['ldr', 'str'])}${s} ${reg}0, [${B}], #${r.int(17) - 8}`;
    },
    () => `${r.pick(['ldrsb', 'ldrsh'])} ${r.pick(['w0', 'x0'])}, [${B}], #${r.int(9) - 4}`,
    () => `ldrsw x0, [${B}, #${r.int(9) - 4}]!`,
    () => {
      const [s, reg] = sz();
      const scale = s === 'b' ? 0 : s === 'h' ? 1 : reg === 'w' ? 2 : 3;
      return `and x1, x1, #7\n${r.pick(['ldr', 'str'])}${s} ${reg}0, [${B}, ${r.pick([`x1, lsl #${scale}`, 'x1', `w1, uxtw #${scale}`, 'w1, sxtw'])}]`;
    },
    () => `mov x1, #-2\nldr${r.pick(['', 'sb', 'sh'])} x0, [${B}, w1, sxtw]`,
    () => `${r.pick(['ldp', 'stp'])} ${r.pick(['w0, w1', 'x0, x1'])}, [${B}, #${8 * (r.int(5) - 1)}]${r.pick(['', '!'])}`,
    () => `${r.pick(['ldp', 'stp'])} ${r.pick(['w0, w1', 'x0, x1'])}, [${B}], #${8 * (r.int(5) - 2)}`,
    () => `ldpsw x0, x1, [${B}, #${4 * (r.int(5) - 1)}]`,
    () => `${r.pick(['ldnp', 'stnp'])} x0, x1, [${B}, #16]`,
    () => `ldur${r.pick(['', 'h', 'sh'])} w0, [${B}, #${r.int(7) + 1}]`,
    () => `${r.pick(['ldur', 'stur'])} x0, [${B}, #${r.int(7) + 9}]`,
    () => `${r.pick(['ldtr', 'sttr'])} x0, [${B}, #${r.int(9) - 4}]`,
    () => `ldxr x0, [${B}]\nadd x0, x0, #1\nstxr w1, x0, [${B}]`,
    () => `ldaxr w0, [${B}]\nstlxr w1, w2, [${B}]`,
    () => `ldxrb w0, [${B}]\nstxrb w1, w2, [${B}]`,
    () => `ldxrh w0, [${B}]\nclrex\nstxrh w1, w2, [${B}]`,
    () => `ldxr x0, [${B}]\nadd x3, ${B}, #8\nstxr w1, x2, [x3]`,
    () => `ldxp x0, x1, [${B}]\nstxp w2, x3, x4, [${B}]`,
    () => `ldxp w0, w1, [${B}]\nstlxp w2, w3, w4, [${B}]`,
    () => `stxr w1, x2, [${B}]`,
    () => `${r.pick(['ldar', 'stlr'])} ${r.pick(['w0', 'x0'])}, [${B}]`,
    () => `${r.pick(['ldarb', 'stlrb', 'ldarh', 'stlrh'])} w0, [${B}]`,
    () => `add x1, ${B}, #4\nldxr x0, [x1]`,
    () => `add x1, x9, #${r.pick([1, 2, 4])}\n${r.pick(['ldar w0', 'stlr w0', 'ldar x0', 'ldaxr w0', 'stxr w2, w0'])}, [x1]`,
    () => 'ldr x0, 1f\nb 2f\n1: .quad 0x8899aabbccddeeff\n2:',
    () => 'ldrsw x0, 1f\nb 2f\n.balign 4\n1: .word 0x80000001\n2:',
    () => 'mov x1, sp\nstp x2, x3, [sp, #-16]!\nldp x4, x5, [sp], #16\nmov x6, sp\nsub x0, x1, x6',
    () => `prfm pldl1keep, [${B}]\nprfm pstl2strm, [${B}, #8]`,
    () => 'dc zva, x9',
    () => 'dc civac, x9\ndc cvau, x9\nic ivau, x9\ndsb ish\nisb',
  ];
  if (lse) {
    gens.push(
      () => `${r.pick(['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp'])}${r.pick(['', 'a', 'l', 'al'])}${r.pick(['b', 'h', '', ''])} ${r.pick(['w1, w0', 'w1, wzr'])}, [${B}]`,
      () => `${r.pick(['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp'])}${r.pick(['', 'a', 'l', 'al'])} x1, x0, [${B}]`,
      () => `${r.pick(['stadd', 'stclr', 'steor', 'stset', 'stsmax', 'stumin'])} x1, [${B}]`,
      () => `${r.pick(['cas', 'casa', 'casl', 'casal'])}${r.pick(['b', 'h', ''])} w0, w1, [${B}]`,
      () => `ldr x0, [${B}]\n${r.pick(['cas', 'casal'])} x0, x1, [${B}]`,
      () => `cas x0, x1, [${B}]`,
      () => `${r.pick(['casp', 'caspal'])} x0, x1, x2, x3, [${B}]`,
      () => `ldp x0, x1, [${B}]\ncasp x0, x1, x2, x3, [${B}]`,
      () => `ldp w0, w1, [${B}]\ncaspa w0, w1, w2, w3, [${B}]`,
      () => `add x1, x9, #${r.pick([1, 2, 4])}\n${r.pick(['ldadd w2, w0', 'cas w2, w0', 'swp x2, x0'])}, [x1]`,
    );
  }
  for (let i = 0; i < n; i++) {
    const rg = regs(r);
    rg[9] = BigInt(SCRATCH + 16);
    cases.push({ asm: gens[i % gens.length](), regs: rg, nzcv: r.int(16) << 28, scratch: Array.from({ length: 8 }, () => value(r)) });
  }
  return cases;
}

/**
 * Random instruction words from the data-processing classes (Arm ARM C4.1: op0 = 100x or x101),
 * with every register field kept below X16 so the harness registers survive: checks the decode
 * table's allocated/unallocated split and the semantics of whatever is allocated.
 */
export function randomDpWords(seed: number, n: number): DiffCase[] {
  const r = new Rng(seed);
  const cases: DiffCase[] = [];
  for (let i = 0; i < n; i++) {
    let w = r.u32();
    // op0 (bits 28:25): 100x (immediate) or x101 (register).
    const imm = r.int(2) === 0;
    w = imm ? (w & ~(0xe << 25)) | (0x8 << 25) : (w & ~(0x7 << 25)) | (0x5 << 25);
    w &= ~((1 << 4) | (1 << 9) | (1 << 14) | (1 << 20));
    cases.push({ asm: `.inst 0x${(w >>> 0).toString(16)}`, regs: regs(r), nzcv: r.int(16) << 28 });
  }
  return cases;
}

/**
 * Random instruction words from the Loads and Stores class (op0 = x1x0, V = 0) with the base
 * register forced to X9 (scratch) and the other registers small, so every access stays in RAM.
 */
export function randomLdstWords(seed: number, n: number): DiffCase[] {
  const r = new Rng(seed);
  const cases: DiffCase[] = [];
  for (let i = 0; i < n; i++) {
    let w = r.u32();
    w = (w & ~(7 << 25)) | (4 << 25); // op0 = x1x0 with V (bit 26) = 0
    w &= ~((1 << 4) | (1 << 14) | (1 << 20));
    w = (w & ~(31 << 5)) | (9 << 5);
    if (((w >>> 27) & 7) === 3 && (w & (1 << 25)) === 0) w |= 1 << 29; // not PC-relative (literal)
    // Not implemented by design (ID registers say so), but present in QEMU's -cpu max:
    // LDRAA/LDRAB (FEAT_PAuth) and LDLAR/STLLR (FEAT_LOR).
    if (((w >>> 24) & 0x3f) === 0x38 && (w & (1 << 21)) !== 0 && (w & (1 << 10)) !== 0) w &= ~(1 << 10);
    if (((w >>> 24) & 0x3f) === 0x08 && (w & (1 << 23)) !== 0 && (w & (1 << 21)) === 0) w |= 1 << 15;
    const rg = Array.from({ length: 16 }, () => BigInt(r.int(64)));
    rg[9] = BigInt(SCRATCH + 32);
    cases.push({ asm: `.inst 0x${(w >>> 0).toString(16)}`, regs: rg, nzcv: r.int(16) << 28, scratch: Array.from({ length: 8 }, () => value(r)) });
  }
  return cases;
}

function mov32(reg: string, v: number): string {
  return `movz ${reg}, #${v & 0xffff}\nmovk ${reg}, #${v >>> 16}, lsl #16`;
}

/** PSTATE, special registers, exception generation, ERET (legal and illegal), EL0 traps. */
export function sysCases(seed: number, n: number): DiffCase[] {
  const r = new Rng(seed);
  const gens: (() => string)[] = [
    () => 'mrs x0, nzcv',
    () => 'msr nzcv, x1\nmrs x0, nzcv',
    () => `msr daifset, #${r.int(16)}\nmrs x0, daif\nmsr daifclr, #${r.int(16)}\nmrs x1, daif\nmsr daifset, #15`,
    () => 'msr daif, x1\nmrs x0, daif\nmsr daifset, #15',
    () => 'mrs x0, currentel\nmrs x1, spsel',
    () => 'msr sp_el0, x3\nmrs x0, sp_el0\nmsr spsel, #0\nmov x1, sp\nmrs x2, spsel\nmsr spsel, #1\nmov x4, sp\nsub x4, x4, x26',
    () => 'msr spsel, #0\nmrs x0, sp_el0\nmsr spsel, #1',
    () => 'msr elr_el1, x1\nmrs x0, elr_el1\nmsr spsr_el1, x2\nmrs x3, spsr_el1',
    () => 'msr fpcr, x1\nmrs x0, fpcr\nmsr fpsr, x2\nmrs x3, fpsr',
    () => `mrs x5, cpacr_el1\nmov x6, #${r.pick([1, 3])} << 20\nmsr cpacr_el1, x6\nmsr fpcr, x1\nmrs x0, fpcr\nmsr fpsr, x2\nmrs x3, fpsr\n${toEl0('mrs x4, fpsr')}\nmsr cpacr_el1, x5`,
    () => `mov x1, #${r.pick(['0xffff000000000000', '0x8000000000', '0x40000000'])}\nat s1e1r, x1\nmrs x0, par_el1`,
    () => 'msr tpidr_el1, x1\nmrs x0, tpidr_el1\nmsr tpidr_el0, x2\nmrs x3, tpidr_el0\nmsr tpidrro_el0, x4\nmrs x5, tpidrro_el0',
    () => 'mrs x2, vbar_el1\nmsr vbar_el1, x1\nmrs x0, vbar_el1\nmsr vbar_el1, x2',
    () => 'mrs x0, midr_el1\nmrs x1, mpidr_el1\nmrs x2, dczid_el0\nmrs x3, isr_el1\nmrs x4, revidr_el1',
    // Unallocated ID space: RAZ (CRm 1-7) or UNDEFINED (CRm 0).
    () => `mrs x0, s3_0_c0_c${r.pick(['7_7', '4_5', '5_3', '6_7', '3_7', '7_5'])}\nmrs x1, s3_0_c0_c0_${r.pick([1, 2, 3, 4, 7])}`,
    () => `${r.pick(['at s1e1r', 'at s1e1w', 'at s1e0r', 'at s1e0w'])}, x1\nmrs x0, par_el1`,
    () => `svc #${r.int(65536)}\nnop\nmrs x0, spsr_el1\nmrs x1, elr_el1\nsub x1, x1, x27`,
    () => `brk #${r.int(65536)}\nmrs x0, spsr_el1`,
    () => `${r.pick(['udf #0', 'hlt #1', '.inst 0xd4a00001', '.inst 0xd50b7380', '.inst 0xd5380000'])}\nmrs x0, spsr_el1`,
    () => 'mrs x0, sctlr_el1\nmrs x1, esr_el1\nmrs x2, far_el1',
    // ERET: legal to EL1t/EL1h with random flags and masks, or illegal (EL2h, AArch32, reserved).
    () => `adr x16, 3f\nmsr elr_el1, x16\n${mov32('x16', r.pick([0x3c4, 0x3c5, 0xf00003c5, 0x500002c4, 0x3c9, 0x3c6, 0x3c8, 0x3c2, 0x1003c5]))}\nmsr spsr_el1, x16\neret\n3:\nmrs x0, nzcv\nmrs x1, daif\nmrs x2, currentel\nmrs x3, spsel\nmsr spsel, #1\nmsr daifset, #15`,
    // EL0.
    () => toEl0(r.pick(['mrs x0, currentel', 'mrs x0, sctlr_el1', 'mrs x0, ctr_el0', 'mrs x0, dczid_el0', 'msr daifset, #1', 'mrs x0, daif',
      'dc zva, x9', 'dc civac, x9', 'dc ivac, x9', 'ic ivau, x9', 'ic iallu', 'hvc #0', 'smc #0', 'eret', 'tlbi vmalle1', 'msr tpidrro_el0, x1',
      'mrs x0, tpidrro_el0', 'mrs x0, nzcv', 'msr spsel, #1', 'mrs x0, sp_el0', 'at s1e1r, x1', 'dc cisw, x1', 'mrs x0, midr_el1',
      'msr fpcr, x1', 'mrs x0, fpsr', 'mrs x0, isr_el1', 'mrs x0, mpidr_el1', 'mrs x0, elr_el1', 'svc #0x55\nnop', 'brk #7', 'udf #3'])),
    () => toEl0('mov x0, #1\nadds x1, x1, x2\nmrs x3, nzcv\nmov x4, sp'),
    // WFI/WFE trapped from EL0 with nTWI/nTWE clear.
    () => `mrs x5, sctlr_el1\nbic x6, x5, #(1 << 16)\nbic x6, x6, #(1 << 18)\nmsr sctlr_el1, x6\n${toEl0(r.pick(['wfi', 'wfe']))}\nmsr sctlr_el1, x5`,
    () => 'sevl\nwfe\nmov x0, #3',
  ];
  const cases: DiffCase[] = [];
  for (let i = 0; i < n; i++) {
    const rg = Array.from({ length: 16 }, () => value(r));
    rg[9] = BigInt(SCRATCH + 16);
    cases.push({ asm: gens[i % gens.length](), regs: rg, nzcv: r.int(16) << 28 });
  }
  return cases;
}
