/**
 * The run loop of the AArch64 interpreter: fetch through the fetch window, dispatch through the
 * decode cache (Cpu.dc), execute.
 *
 * Dispatch ids come from the decode table (a64-decode.ts) by pattern name, in three tiers:
 *  - INLINE patterns, the ones ordinary compiled code is made of (add/sub, logical, moves,
 *    bitfield, conditional select/compare, multiply-add, PC-relative, branches, single and pair
 *    loads/stores): their common forms are written out in the loop's switch (plus FORMS, the
 *    commonest load/store encodings, each with a case). A case is only a fast path: whenever
 *    the form or the situation is not the common one (a shift by ROR, an access outside the
 *    cached RAM windows, a misaligned SP ...) it hands the instruction to the pattern's
 *    semantics in A64_EXEC, which stay the complete definition. a64-run.test.ts runs random
 *    encodings and programs with and without the fast paths (Cpu.fastPaths) and compares.
 *  - WARM patterns: a case with a direct call to the pattern's A64_EXEC function, which
 *    TurboFan calls without the generic call sequence a call through a table needs.
 *  - everything else: through A64_HANDLERS, by decode line (the decode cache keeps the line).
 *
 * Why: per guest instruction, a call, the field loads and type checks each callee redoes, the
 * PC and NZCV stored in the Cpu for it, cost more than the semantics of a simple instruction
 * (bench/cpu-loop.ts: 1.8 to 2x faster than calling a function per instruction). The
 * PC (derived from the fetch index) and NZCV live in locals and are stored to the Cpu only
 * before a call to A64_EXEC and when the loop leaves the fetch window.
 *
 * V8 details that matter here, each measured: case labels must be number literals (const
 * enums) for a jump table; imported constants are property loads with a check each time (hence
 * enum K); register 31 read as XZR without a branch (see the switch) lets TurboFan check the
 * register file's type once per case; window checks are written in int32 arithmetic (an
 * unsigned `>>> 0` result is speculated as int32 and deoptimizes when it is not). runLoop is
 * about 21 KB of bytecode: V8 never optimizes a function over 60 KB
 * (--max-optimized-bytecode-size), which would make the interpreter several times slower.
 */
import type { Cpu, CpuStop } from './cpu';
import { R_PC, R_EXT_DABT } from './reg-file';
import { A64_PATTERNS, decodeA64 } from './a64-decode';
import { A64_EXEC, A64_HANDLERS } from './a64-exec';
import { NEXT, JUMP, STOP } from './a64-handler';
import { BM_WMASK_LO, BM_WMASK_HI, BM_TMASK_LO, BM_TMASK_HI, BM_VALID } from './a64-bitmasks';

export const BUDGET_STOP: CpuStop = Object.freeze({ kind: 'budget' });

/** Decode cache slots (a power of two). 64 Ki instructions cover a large kernel's hot code. */
export const DC_SIZE = 1 << 16;

/**
 * Constants of the loop as literals (a const enum is inlined by the compiler): an imported or
 * module-level constant is a property or context load, with a type check, each time it is used.
 * Checked against their definitions below.
 */
const enum K {
  /** Handler results (a64-handler.ts). */
  NEXT = 0,
  JUMP = 1,
  STOP = 2,
  /**
   * Loop-internal results: an inline branch whose target is in (tlo, thi); call A64_EXEC; a
   * decode-cache miss.
   */
  BRANCH = 5,
  SLOW = 6,
  MISS = 7,
  /** Register file words (reg-file.ts). */
  PC = 64,
  EXT_DABT = 227,
  DC_MASK = 0xffff,
}
if (K.NEXT !== NEXT || K.JUMP !== JUMP || K.STOP !== STOP || K.PC !== R_PC || K.EXT_DABT !== R_EXT_DABT || K.DC_MASK !== DC_SIZE - 1) {
  throw new Error('a64-run: loop constants out of step');
}

/** Inline dispatch ids: one per case of the switch (a case may serve several patterns). */
const enum Op {
  ADD_i = 0,
  SUB_i = 1,
  ADDS_i = 2, // and SUBS_i
  ADDSUB_r = 3, // ADD_r, ADDS_r, SUB_r, SUBS_r
  LOGIC_r = 4, // AND_r, BIC_r, ORR_r, ORN_r, EOR_r, EON_r, ANDS_r, BICS_r
  LOGIC_i = 5, // AND_i, ORR_i, EOR_i, ANDS_i
  MOVZ = 6,
  MOVN = 7,
  MOVK = 8,
  BITFIELD = 9, // SBFM, BFM, UBFM
  CSEL = 10, // CSEL, CSINC, CSINV, CSNEG
  CCMP = 11, // CCMP_i, CCMP_r, CCMN_i, CCMN_r
  MADD = 12, // MADD, MSUB
  ADR = 13,
  ADRP = 14,
  B = 15,
  BL = 16,
  B_cond = 17,
  CBZ = 18, // CBZ, CBNZ
  TBZ = 19, // TBZ, TBNZ
  BR = 20, // BR, RET
  BLR = 21,
  LDST = 22, // single register, unsigned offset / unscaled / pre / post / register offset
  LDSTP = 23, // STP, LDP
  NOP = 24,
  // Forms of LDR_i/STR_i picked by the decoder (FORMS below), not by name.
  LDR_X_UIMM = 25, // LDR Xt, [Xn|SP, #imm]
  STR_X_UIMM = 26, // STR Xt, [Xn|SP, #imm]
  WARM = 27, // first warm id
}

const INLINE: readonly (readonly [string, Op])[] = [
  ['ADD_i', Op.ADD_i], ['SUB_i', Op.SUB_i], ['ADDS_i', Op.ADDS_i], ['SUBS_i', Op.ADDS_i],
  ['ADD_r', Op.ADDSUB_r], ['ADDS_r', Op.ADDSUB_r], ['SUB_r', Op.ADDSUB_r], ['SUBS_r', Op.ADDSUB_r],
  ['AND_r', Op.LOGIC_r], ['BIC_r', Op.LOGIC_r], ['ORR_r', Op.LOGIC_r], ['ORN_r', Op.LOGIC_r],
  ['EOR_r', Op.LOGIC_r], ['EON_r', Op.LOGIC_r], ['ANDS_r', Op.LOGIC_r], ['BICS_r', Op.LOGIC_r],
  ['AND_i', Op.LOGIC_i], ['ORR_i', Op.LOGIC_i], ['EOR_i', Op.LOGIC_i], ['ANDS_i', Op.LOGIC_i],
  ['MOVZ', Op.MOVZ], ['MOVN', Op.MOVN], ['MOVK', Op.MOVK],
  ['SBFM', Op.BITFIELD], ['BFM', Op.BITFIELD], ['UBFM', Op.BITFIELD],
  ['CSEL', Op.CSEL], ['CSINC', Op.CSEL], ['CSINV', Op.CSEL], ['CSNEG', Op.CSEL],
  ['CCMP_i', Op.CCMP], ['CCMP_r', Op.CCMP], ['CCMN_i', Op.CCMP], ['CCMN_r', Op.CCMP],
  ['MADD', Op.MADD], ['MSUB', Op.MADD], ['ADR', Op.ADR], ['ADRP', Op.ADRP],
  ['B', Op.B], ['BL', Op.BL], ['B_cond', Op.B_cond], ['CBZ', Op.CBZ], ['CBNZ', Op.CBZ],
  ['TBZ', Op.TBZ], ['TBNZ', Op.TBZ], ['BR', Op.BR], ['RET', Op.BR], ['BLR', Op.BLR],
  ['STR_i', Op.LDST], ['LDR_i', Op.LDST], ['LDRS_i', Op.LDST], ['STUR', Op.LDST], ['LDUR', Op.LDST], ['LDURS', Op.LDST],
  ['STR_post', Op.LDST], ['LDR_post', Op.LDST], ['LDRS_post', Op.LDST], ['STR_pre', Op.LDST], ['LDR_pre', Op.LDST],
  ['LDRS_pre', Op.LDST], ['STR_r', Op.LDST], ['LDR_r', Op.LDST], ['LDRS_r', Op.LDST],
  ['STP', Op.LDSTP], ['LDP', Op.LDSTP], ['NOP', Op.NOP],
];

/** Warm patterns: case Op.WARM + k calls w<k> = A64_EXEC[WARM_NAMES[k]]. */
const WARM_NAMES = [
  'EXTR', 'UMULH', 'SMULH', 'LSLV', 'LSRV', 'ASRV', 'RORV', 'CLZ', 'REV', 'ADD_x',
  'SUB_x', 'ADDS_x', 'SUBS_x', 'LDR_lit', 'LDXR', 'STXR', 'LDAR', 'STLR', 'MRS', 'MSR_r',
  'UDIV', 'SDIV', 'ADC', 'SBC', 'UMADDL', 'SMADDL', 'DMB', 'LDADD', 'SWP', 'CAS',
];
const [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15, w16, w17, w18, w19, w20, w21, w22, w23, w24, w25, w26, w27, w28, w29] =
  WARM_NAMES.map((n) => A64_EXEC[n]);
const COLD = Op.WARM + WARM_NAMES.length;

/**
 * The decode cache's value for each decode line, with the fast paths on and with them off:
 * line << 8 | dispatch id, so that a fast path can hand its instruction to the line's semantics.
 */
const LINE_OP = Int32Array.from(A64_PATTERNS, (p, i) => {
  const inline = INLINE.find(([n]) => n === p.name);
  const k = WARM_NAMES.indexOf(p.name);
  return (i << 8) | (inline !== undefined ? inline[1] : k >= 0 ? Op.WARM + k : COLD);
});
const LINE_OP_SLOW = Int32Array.from(A64_PATTERNS, (_p, i) => (i << 8) | COLD);
/** The decode cache's value for an unallocated encoding (line -1). */
export const OP_UNALLOCATED = (-1 << 8) | COLD;

{
  const names = new Set(A64_PATTERNS.map((p) => p.name));
  const ops = new Set(INLINE.map(([, op]) => op));
  const bad = [...INLINE.map(([n]) => n), ...WARM_NAMES].filter((n) => !names.has(n) || typeof A64_EXEC[n] !== 'function');
  if (bad.length > 0 || WARM_NAMES.length !== 30 || ops.size !== Op.LDR_X_UIMM || COLD > 255) {
    throw new Error(`a64-run: dispatch tables out of step with the decode table (${bad.join(', ')})`);
  }
}

/**
 * Forms of the LDST patterns with a case of their own: [mask, value, dispatch id]. The most
 * frequent forms in compiled code, where the general LDST case spends more on telling the
 * forms apart than on the access.
 */
const FORMS: readonly (readonly [number, number, Op])[] = [
  [0xffc00000 | 0, 0xf9400000 | 0, Op.LDR_X_UIMM],
  [0xffc00000 | 0, 0xf9000000 | 0, Op.STR_X_UIMM],
];

/**
 * Decodes `w` into decode-cache slot pair s2 (word at s2, dispatch id at s2 + 1) and returns its
 * dispatch id.
 */
function decodeInto(c: Cpu, s2: number, w: number): number {
  const line = decodeA64(w, c.features);
  let op = line < 0 ? OP_UNALLOCATED : c.fastPaths ? LINE_OP[line] : LINE_OP_SLOW[line];
  if ((op & 0xff) === Op.LDST) {
    for (const [mask, value, form] of FORMS) if ((w & mask) === value) op = (op & ~0xff) | form;
  }
  const dc = c.dc;
  dc[s2] = w;
  dc[s2 + 1] = op;
  return op;
}

// Scratch for moving 8 bytes between a Float64Array element and two 32-bit halves: an aligned
// 8-byte access is one host access, single-copy atomic against other vCPUs as A64 requires.
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

/**
 * Runs at most `budget` (1 to 2^30) instructions; see Cpu.run. The caller has entered the run state
 * (Cpu.enterRun) and leaves it afterwards.
 */
export function runLoop(c: Cpu, budget: number): CpuStop {
  const x = c.x;
  const dc = c.dc;
  let left = budget | 0;
  if (x[K.EXT_DABT] !== 0) c.injectExtDabt();
  outer: for (;;) {
    c.checkAsync();
    if (left <= 0) break;
    const rc = c.resolveFetch();
    if (rc === K.STOP) {
      c.instructionsRetired += budget - left;
      return c.stop;
    }
    if (rc !== K.NEXT) continue;
    // The fetch window: PC bits 31:0 in [base, base + len) and bits 63:32 = hi, at mem[idx0...].
    // The PC is not kept: it is base + 4 * (i - idx0), bits 63:32 hi.
    const mem = c.fMem;
    const base = c.fLo | 0;
    const len = c.fLen | 0;
    const hi = c.fHi | 0;
    const idx0 = c.fIdx | 0;
    const iEnd = (idx0 + (len >>> 2)) | 0;
    let i = (idx0 + (((x[K.PC] - base) | 0) >>> 2)) | 0;
    // NZCV, split as in the Cpu fields (see Cpu.nf), in locals: stored back before anything
    // that may read them and whenever the loop leaves the window.
    let nf = c.nf | 0;
    let zf = c.zf | 0;
    let cf = c.cf | 0;
    let vf = c.vf | 0;
    // What the fast loop leaves for the code after it: the instruction, its decode-cache value,
    // the result, and for r = K.BRANCH the target. The PC of instruction i is
    // base + 4 * (i - idx0), computed where needed.
    let w = 0;
    let opl = 0;
    let r: number = K.NEXT;
    let tlo = 0;
    let thi = hi;
    for (;;) {
      // The fast loop: inline cases only and no calls, so that TurboFan checks the types of
      // the arrays and of the Cpu once rather than per instruction. It leaves on a decode-cache
      // miss, an instruction for A64_EXEC, and at the end of the window or the budget.
      for (;;) {
        w = mem[i];
        const s2 = (i & K.DC_MASK) << 1;
        if (dc[s2] !== w) {
          r = K.MISS;
          break;
        }
        opl = dc[s2 + 1];
        const opId = opl & 0xff;
        left = (left - 1) | 0;
        r = K.NEXT;
        tlo = 0;
        thi = hi;
        // Register 31 read as XZR: x[n << 1] & (((n + 1) >> 5) - 1), the mask being 0 for n = 31
        // (which reads SP, words 62/63, and drops it) and -1 below: no branch, so TurboFan checks
        // the register file's type once per case instead of once per operand.
        // prettier-ignore
        switch (opId) {
          case Op.ADD_i: {
            // Rd|SP = Rn|SP + imm12 (LSL 12).
            const n2 = ((w >>> 5) & 31) << 1;
            const d2 = (w & 31) << 1;
            const imm = (w & 0x400000) !== 0 ? ((w >>> 10) & 0xfff) << 12 : (w >>> 10) & 0xfff;
            const a = x[n2];
            const lo = (a + imm) | 0;
            x[d2 + 1] = w < 0 ? ((lo >>> 0) < (a >>> 0) ? x[n2 + 1] + 1 : x[n2 + 1]) | 0 : 0;
            x[d2] = lo;
            break;
          }
          case Op.SUB_i: {
            const n2 = ((w >>> 5) & 31) << 1;
            const d2 = (w & 31) << 1;
            const imm = (w & 0x400000) !== 0 ? ((w >>> 10) & 0xfff) << 12 : (w >>> 10) & 0xfff;
            const a = x[n2];
            x[d2 + 1] = w < 0 ? ((a >>> 0) < imm ? x[n2 + 1] - 1 : x[n2 + 1]) | 0 : 0;
            x[d2] = (a - imm) | 0;
            break;
          }
          case Op.ADDS_i: {
            // ADDS/SUBS (immediate), CMP/CMN: Rd (XZR) = Rn|SP +/- imm, NZCV. imm < 2^24, so the
            // second operand's high word is 0 and carry/overflow reduce to the forms below.
            const n2 = ((w >>> 5) & 31) << 1;
            const d = w & 31;
            const imm = (w & 0x400000) !== 0 ? ((w >>> 10) & 0xfff) << 12 : (w >>> 10) & 0xfff;
            const alo = x[n2];
            if (w < 0) {
              const ahi = x[n2 + 1];
              let lo: number;
              let rh: number;
              if ((w & 0x40000000) !== 0) {
                lo = (alo - imm) | 0;
                const borrow = (alo >>> 0) < imm ? 1 : 0;
                rh = (ahi - borrow) | 0;
                cf = ahi !== 0 || borrow === 0 ? 1 : 0;
                vf = ahi & (ahi ^ rh);
              } else {
                lo = (alo + imm) | 0;
                const carry = (lo >>> 0) < (alo >>> 0) ? 1 : 0;
                rh = (ahi + carry) | 0;
                cf = carry !== 0 && ahi === -1 ? 1 : 0;
                vf = ~ahi & rh;
              }
              nf = rh;
              zf = lo | rh;
              if (d !== 31) {
                x[d << 1] = lo;
                x[(d << 1) + 1] = rh;
              }
            } else {
              let res: number;
              if ((w & 0x40000000) !== 0) {
                res = (alo - imm) | 0;
                cf = (alo >>> 0) >= imm ? 1 : 0;
                vf = alo & (alo ^ res);
              } else {
                res = (alo + imm) | 0;
                cf = (res >>> 0) < (alo >>> 0) ? 1 : 0;
                vf = ~alo & res;
              }
              nf = res;
              zf = res;
              if (d !== 31) {
                x[d << 1] = res;
                x[(d << 1) + 1] = 0;
              }
            }
            break;
          }
          case Op.ADDSUB_r: {
            // ADD/ADDS/SUB/SUBS (shifted register): bit 30 subtracts, bit 29 sets flags; all
            // registers XZR-based. Shift type 3 is unallocated (the decode table).
            const n = (w >>> 5) & 31;
            const m = (w >>> 16) & 31;
            const d = w & 31;
            const amt = (w >>> 10) & 63;
            const type = (w >>> 22) & 3;
            const sub = (w & 0x40000000) !== 0;
            let blo = x[m << 1] & (((m + 1) >> 5) - 1);
            const alo = x[n << 1] & (((n + 1) >> 5) - 1);
            if (w < 0) {
              let bhi = x[(m << 1) + 1] & (((m + 1) >> 5) - 1);
              if (amt !== 0) {
                if (type === 0) {
                  if (amt < 32) {
                    bhi = (bhi << amt) | (blo >>> (32 - amt));
                    blo <<= amt;
                  } else {
                    bhi = blo << (amt - 32);
                    blo = 0;
                  }
                } else if (amt < 32) {
                  blo = (blo >>> amt) | (bhi << (32 - amt));
                  bhi = type === 1 ? (bhi >>> amt) | 0 : bhi >> amt;
                } else {
                  blo = type === 1 ? (bhi >>> (amt - 32)) | 0 : bhi >> (amt - 32);
                  bhi = type === 1 ? 0 : bhi >> 31;
                }
              }
              const ahi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
              let cin = 0;
              if (sub) {
                blo = ~blo;
                bhi = ~bhi;
                cin = 1;
              }
              const lo = (alo + blo + cin) | 0;
              const c0 = (cin !== 0 ? (lo >>> 0) <= (alo >>> 0) : (lo >>> 0) < (alo >>> 0)) ? 1 : 0;
              const rh = (ahi + bhi + c0) | 0;
              if ((w & 0x20000000) !== 0) {
                cf = (c0 !== 0 ? (rh >>> 0) <= (ahi >>> 0) : (rh >>> 0) < (ahi >>> 0)) ? 1 : 0;
                vf = (ahi ^ rh) & (bhi ^ rh);
                nf = rh;
                zf = lo | rh;
              }
              if (d !== 31) {
                x[d << 1] = lo;
                x[(d << 1) + 1] = rh;
              }
            } else {
              if (amt !== 0) blo = type === 0 ? blo << amt : type === 1 ? (blo >>> amt) | 0 : blo >> amt;
              let cin = 0;
              if (sub) {
                blo = ~blo;
                cin = 1;
              }
              const res = (alo + blo + cin) | 0;
              if ((w & 0x20000000) !== 0) {
                cf = (cin !== 0 ? (res >>> 0) <= (alo >>> 0) : (res >>> 0) < (alo >>> 0)) ? 1 : 0;
                vf = (alo ^ res) & (blo ^ res);
                nf = res;
                zf = res;
              }
              if (d !== 31) {
                x[d << 1] = res;
                x[(d << 1) + 1] = 0;
              }
            }
            break;
          }
          case Op.LOGIC_r: {
            // AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register): opc in bits 30:29, bit 21
            // inverts the shifted operand. ROR goes to the complete semantics.
            const type = (w >>> 22) & 3;
            const amt = (w >>> 10) & 63;
            if (type === 3 && amt !== 0) {
              r = K.SLOW;
              break;
            }
            const n = (w >>> 5) & 31;
            const m = (w >>> 16) & 31;
            const d = w & 31;
            const opc = (w >>> 29) & 3;
            const inv = (w & 0x200000) !== 0 ? -1 : 0;
            let blo = x[m << 1] & (((m + 1) >> 5) - 1);
            const alo = x[n << 1] & (((n + 1) >> 5) - 1);
            if (w < 0) {
              let bhi = x[(m << 1) + 1] & (((m + 1) >> 5) - 1);
              if (amt !== 0) {
                if (type === 0) {
                  if (amt < 32) {
                    bhi = (bhi << amt) | (blo >>> (32 - amt));
                    blo <<= amt;
                  } else {
                    bhi = blo << (amt - 32);
                    blo = 0;
                  }
                } else if (amt < 32) {
                  blo = (blo >>> amt) | (bhi << (32 - amt));
                  bhi = type === 1 ? (bhi >>> amt) | 0 : bhi >> amt;
                } else {
                  blo = type === 1 ? (bhi >>> (amt - 32)) | 0 : bhi >> (amt - 32);
                  bhi = type === 1 ? 0 : bhi >> 31;
                }
              }
              blo ^= inv;
              bhi ^= inv;
              const ahi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
              let lo: number;
              let rh: number;
              if (opc === 1) {
                lo = alo | blo;
                rh = ahi | bhi;
              } else if (opc === 2) {
                lo = alo ^ blo;
                rh = ahi ^ bhi;
              } else {
                lo = alo & blo;
                rh = ahi & bhi;
                if (opc === 3) {
                  nf = rh;
                  zf = lo | rh;
                  cf = 0;
                  vf = 0;
                }
              }
              if (d !== 31) {
                x[d << 1] = lo;
                x[(d << 1) + 1] = rh;
              }
            } else {
              if (amt !== 0) blo = type === 0 ? blo << amt : type === 1 ? (blo >>> amt) | 0 : blo >> amt;
              blo ^= inv;
              let res: number;
              if (opc === 1) res = alo | blo;
              else if (opc === 2) res = alo ^ blo;
              else {
                res = alo & blo;
                if (opc === 3) {
                  nf = res;
                  zf = res;
                  cf = 0;
                  vf = 0;
                }
              }
              if (d !== 31) {
                x[d << 1] = res;
                x[(d << 1) + 1] = 0;
              }
            }
            break;
          }
          case Op.LOGIC_i: {
            // AND/ORR/EOR/ANDS (immediate): Rd is SP-capable except for ANDS.
            const key = (w >>> 10) & 0x1fff;
            if ((BM_VALID[key] & 2) === 0) {
              r = K.SLOW;
              break;
            }
            const n = (w >>> 5) & 31;
            const d = w & 31;
            const opc = (w >>> 29) & 3;
            let lo = x[n << 1] & (((n + 1) >> 5) - 1);
            let rh = w < 0 && n !== 31 ? x[(n << 1) + 1] : 0;
            const mlo = BM_WMASK_LO[key];
            const mhi = w < 0 ? BM_WMASK_HI[key] : 0;
            if (opc === 1) {
              lo |= mlo;
              rh |= mhi;
            } else if (opc === 2) {
              lo ^= mlo;
              rh ^= mhi;
            } else {
              lo &= mlo;
              rh &= mhi;
              if (opc === 3) {
                nf = w < 0 ? rh : lo;
                zf = lo | rh;
                cf = 0;
                vf = 0;
                if (d === 31) break;
              }
            }
            x[d << 1] = lo;
            x[(d << 1) + 1] = rh;
            break;
          }
          case Op.MOVZ: {
            const d = w & 31;
            if (d !== 31) {
              const pos = ((w >>> 21) & 3) << 4;
              const imm = (w >>> 5) & 0xffff;
              x[d << 1] = pos < 32 ? imm << pos : 0;
              x[(d << 1) + 1] = pos < 32 ? 0 : imm << (pos - 32);
            }
            break;
          }
          case Op.MOVN: {
            const d = w & 31;
            if (d !== 31) {
              const pos = ((w >>> 21) & 3) << 4;
              const imm = (w >>> 5) & 0xffff;
              x[d << 1] = pos < 32 ? ~(imm << pos) : -1;
              x[(d << 1) + 1] = w >= 0 ? 0 : pos < 32 ? -1 : ~(imm << (pos - 32));
            }
            break;
          }
          case Op.MOVK: {
            const d = w & 31;
            if (d !== 31) {
              const pos = ((w >>> 21) & 3) << 4;
              const imm = (w >>> 5) & 0xffff;
              if (pos < 32) x[d << 1] = (x[d << 1] & ~(0xffff << pos)) | (imm << pos);
              else x[(d << 1) + 1] = (x[(d << 1) + 1] & ~(0xffff << (pos - 32))) | (imm << (pos - 32));
              if (w >= 0) x[(d << 1) + 1] = 0;
            }
            break;
          }
          case Op.BITFIELD: {
            // SBFM/BFM/UBFM (opc 0/1/2 in bits 30:29) with DecodeBitMasks(immediate = FALSE):
            // bot = ROR(src, R) AND wmask, then merged with the destination (BFM) or the sign
            // (SBFM) outside tmask.
            const d = w & 31;
            const n = (w >>> 5) & 31;
            const opc = (w >>> 29) & 3;
            const key = (w >>> 10) & 0x1fff;
            const rot = (w >>> 16) & 63;
            const s = (w >>> 10) & 63;
            const slo = x[n << 1] & (((n + 1) >> 5) - 1);
            const wlo = BM_WMASK_LO[key];
            const tlo2 = BM_TMASK_LO[key];
            if (opc !== 1 && (s === (w < 0 ? 63 : 31) || (opc === 2 && s + 1 === rot))) {
              // The shift aliases, without the masks: LSR (UBFM) / ASR (SBFM) #immr when imms is
              // the top bit, LSL #(top - imms) when imms + 1 = immr (UBFM).
              const shi = w < 0 ? x[(n << 1) + 1] & (((n + 1) >> 5) - 1) : 0;
              let lo: number;
              let rh = 0;
              if (w >= 0) lo = s === 31 ? (opc === 2 ? (slo >>> rot) | 0 : slo >> rot) : slo << (31 - s);
              else if (s === 63) {
                if (rot === 0) {
                  lo = slo;
                  rh = shi;
                } else if (rot < 32) {
                  lo = (slo >>> rot) | (shi << (32 - rot));
                  rh = opc === 2 ? (shi >>> rot) | 0 : shi >> rot;
                } else {
                  lo = opc === 2 ? (shi >>> (rot - 32)) | 0 : shi >> (rot - 32);
                  rh = opc === 2 ? 0 : shi >> 31;
                }
              } else {
                const sh = 63 - s; // 1 to 63
                if (sh < 32) {
                  rh = (shi << sh) | (slo >>> (32 - sh));
                  lo = slo << sh;
                } else {
                  rh = slo << (sh - 32);
                  lo = 0;
                }
              }
              if (d !== 31) {
                x[d << 1] = lo;
                x[(d << 1) + 1] = rh;
              }
              break;
            }
            if (w < 0) {
              const shi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
              const whi = BM_WMASK_HI[key];
              const thi2 = BM_TMASK_HI[key];
              // ROR(src, R) on the halves.
              let blo: number;
              let bhi: number;
              if (rot === 0) {
                blo = slo;
                bhi = shi;
              } else if (rot < 32) {
                blo = (slo >>> rot) | (shi << (32 - rot));
                bhi = (shi >>> rot) | (slo << (32 - rot));
              } else if (rot === 32) {
                blo = shi;
                bhi = slo;
              } else {
                const u = rot - 32;
                blo = (shi >>> u) | (slo << (32 - u));
                bhi = (slo >>> u) | (shi << (32 - u));
              }
              blo &= wlo;
              bhi &= whi;
              let lo: number;
              let rh: number;
              if (opc === 2) {
                lo = blo & tlo2;
                rh = bhi & thi2;
              } else if (opc === 0) {
                const top = (s < 32 ? slo << (31 - s) : shi << (63 - s)) >> 31; // Replicate(src<S>)
                lo = (top & ~tlo2) | (blo & tlo2);
                rh = (top & ~thi2) | (bhi & thi2);
              } else {
                const dlo = x[d << 1] & (((d + 1) >> 5) - 1);
                const dhi = x[(d << 1) + 1] & (((d + 1) >> 5) - 1);
                lo = (dlo & ~tlo2) | ((blo | (dlo & ~wlo)) & tlo2);
                rh = (dhi & ~thi2) | ((bhi | (dhi & ~whi)) & thi2);
              }
              if (d !== 31) {
                x[d << 1] = lo;
                x[(d << 1) + 1] = rh;
              }
            } else {
              const bot = (rot === 0 ? slo : (slo >>> rot) | (slo << (32 - rot))) & wlo;
              let res: number;
              if (opc === 2) res = bot & tlo2;
              else if (opc === 0) {
                const top = (slo << (31 - s)) >> 31;
                res = (top & ~tlo2) | (bot & tlo2);
              } else {
                const dst = x[d << 1] & (((d + 1) >> 5) - 1);
                res = (dst & ~tlo2) | ((bot | (dst & ~wlo)) & tlo2);
              }
              if (d !== 31) {
                x[d << 1] = res;
                x[(d << 1) + 1] = 0;
              }
            }
            break;
          }
          case Op.CSEL: {
            // CSEL/CSINC/CSINV/CSNEG: op2 = bit 30 : bit 10 applied to Rm when cond fails.
            const d = w & 31;
            let lo: number;
            let rh: number;
            // ConditionHolds((w >>> 12) & 15) written out (as in B_cond).
            const cc = (w >>> 12) & 15;
            let t: number;
            switch (cc >> 1) {
              case 0: t = zf === 0 ? 1 : 0; break;
              case 1: t = cf; break;
              case 2: t = nf >>> 31; break;
              case 3: t = vf >>> 31; break;
              case 4: t = cf !== 0 && zf !== 0 ? 1 : 0; break;
              case 5: t = (nf ^ vf) >= 0 ? 1 : 0; break;
              case 6: t = (nf ^ vf) >= 0 && zf !== 0 ? 1 : 0; break;
              default: t = 1 ^ (cc & 1); // AL, NV: always
            }
            if ((t ^ (cc & 1)) !== 0) {
              const n = (w >>> 5) & 31;
              lo = x[n << 1] & (((n + 1) >> 5) - 1);
              rh = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
            } else {
              const m = (w >>> 16) & 31;
              lo = x[m << 1] & (((m + 1) >> 5) - 1);
              rh = x[(m << 1) + 1] & (((m + 1) >> 5) - 1);
              const op2 = ((w >>> 29) & 2) | ((w >>> 10) & 1);
              if (op2 === 1) {
                lo = (lo + 1) | 0;
                if (lo === 0) rh = (rh + 1) | 0;
              } else if (op2 === 2) {
                lo = ~lo;
                rh = ~rh;
              } else if (op2 === 3) {
                lo = -lo | 0;
                rh = lo === 0 ? -rh | 0 : ~rh;
              }
            }
            if (d !== 31) {
              x[d << 1] = lo;
              x[(d << 1) + 1] = w < 0 ? rh : 0;
            }
            break;
          }
          case Op.CCMP: {
            // CCMP/CCMN (register or imm5): bit 30 subtracts, bit 11 selects the immediate.
            // ConditionHolds((w >>> 12) & 15) written out (as in B_cond).
            const cc = (w >>> 12) & 15;
            let t: number;
            switch (cc >> 1) {
              case 0: t = zf === 0 ? 1 : 0; break;
              case 1: t = cf; break;
              case 2: t = nf >>> 31; break;
              case 3: t = vf >>> 31; break;
              case 4: t = cf !== 0 && zf !== 0 ? 1 : 0; break;
              case 5: t = (nf ^ vf) >= 0 ? 1 : 0; break;
              case 6: t = (nf ^ vf) >= 0 && zf !== 0 ? 1 : 0; break;
              default: t = 1 ^ (cc & 1); // AL, NV: always
            }
            if ((t ^ (cc & 1)) === 0) {
              // NZCV = the immediate (bits 3:0).
              nf = (w & 8) !== 0 ? -0x80000000 : 0;
              zf = (w & 4) !== 0 ? 0 : 1;
              cf = (w >>> 1) & 1;
              vf = (w & 1) !== 0 ? -0x80000000 : 0;
              break;
            }
            const n = (w >>> 5) & 31;
            const m = (w >>> 16) & 31;
            const imm = (w & 0x800) !== 0;
            const alo = x[n << 1] & (((n + 1) >> 5) - 1);
            let blo = imm ? m : x[m << 1] & (((m + 1) >> 5) - 1);
            let cin = 0;
            if ((w & 0x40000000) !== 0) {
              blo = ~blo;
              cin = 1;
            }
            const lo = (alo + blo + cin) | 0;
            const c0 = (cin !== 0 ? (lo >>> 0) <= (alo >>> 0) : (lo >>> 0) < (alo >>> 0)) ? 1 : 0;
            if (w < 0) {
              const ahi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
              let bhi = imm ? 0 : x[(m << 1) + 1] & (((m + 1) >> 5) - 1);
              if (cin !== 0) bhi = ~bhi;
              const rh = (ahi + bhi + c0) | 0;
              cf = (c0 !== 0 ? (rh >>> 0) <= (ahi >>> 0) : (rh >>> 0) < (ahi >>> 0)) ? 1 : 0;
              vf = (ahi ^ rh) & (bhi ^ rh);
              nf = rh;
              zf = lo | rh;
            } else {
              cf = c0;
              vf = (alo ^ lo) & (blo ^ lo);
              nf = lo;
              zf = lo;
            }
            break;
          }
          case Op.MADD: {
            // MADD/MSUB (bit 15): Rd = Ra +/- Rn * Rm.
            const d = w & 31;
            const n = (w >>> 5) & 31;
            const m = (w >>> 16) & 31;
            const a = (w >>> 10) & 31;
            const nlo = x[n << 1] & (((n + 1) >> 5) - 1);
            const mlo = x[m << 1] & (((m + 1) >> 5) - 1);
            const alo = x[a << 1] & (((a + 1) >> 5) - 1);
            let plo = Math.imul(nlo, mlo);
            if (w < 0) {
              const nhi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
              const mhi = x[(m << 1) + 1] & (((m + 1) >> 5) - 1);
              const ahi = x[(a << 1) + 1] & (((a + 1) >> 5) - 1);
              // High word of nlo * mlo (unsigned, 16-bit limbs, as mulhu32 in a64-exec-dp.ts).
              const a0 = nlo & 0xffff;
              const a1 = nlo >>> 16;
              const b0 = mlo & 0xffff;
              const b1 = mlo >>> 16;
              const p01 = a0 * b1;
              const p10 = a1 * b0;
              const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
              const hu = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
              let phi = (hu + Math.imul(nlo, mhi) + Math.imul(nhi, mlo)) | 0;
              let cin = 0;
              if ((w & 0x8000) !== 0) {
                plo = ~plo;
                phi = ~phi;
                cin = 1;
              }
              const lo = (alo + plo + cin) | 0;
              const c0 = (cin !== 0 ? (lo >>> 0) <= (alo >>> 0) : (lo >>> 0) < (alo >>> 0)) ? 1 : 0;
              if (d !== 31) {
                x[d << 1] = lo;
                x[(d << 1) + 1] = (ahi + phi + c0) | 0;
              }
            } else if (d !== 31) {
              x[d << 1] = (w & 0x8000) !== 0 ? (alo - plo) | 0 : (alo + plo) | 0;
              x[(d << 1) + 1] = 0;
            }
            break;
          }
          case Op.ADR: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            const d = w & 31;
            if (d !== 31) {
              const off = (((w << 8) >> 13) << 2) | ((w >>> 29) & 3); // immhi:immlo, signed 21 bits
              const lo = (pc + off) | 0;
              x[d << 1] = lo;
              x[(d << 1) + 1] = off >= 0 ? ((lo >>> 0) < (pc >>> 0) ? hi + 1 : hi) | 0 : ((lo >>> 0) > (pc >>> 0) ? hi - 1 : hi) | 0;
            }
            break;
          }
          case Op.ADRP: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            // PC with bits 11:0 cleared, plus imm << 12 (a 33-bit signed offset).
            const d = w & 31;
            if (d !== 31) {
              const imm = (((w << 8) >> 13) << 2) | ((w >>> 29) & 3);
              const a = pc & ~0xfff;
              const lo = (a + (imm << 12)) | 0;
              x[d << 1] = lo;
              x[(d << 1) + 1] = (hi + (imm >> 20) + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
            }
            break;
          }
          case Op.B: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            const off = (w << 6) >> 4;
            tlo = (pc + off) | 0;
            if (off >= 0 ? (tlo >>> 0) < (pc >>> 0) : (tlo >>> 0) > (pc >>> 0)) thi = (off >= 0 ? hi + 1 : hi - 1) | 0;
            r = K.BRANCH;
            break;
          }
          case Op.BL: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            const off = (w << 6) >> 4;
            const ret = (pc + 4) | 0;
            x[60] = ret;
            x[61] = ret === 0 ? (hi + 1) | 0 : hi;
            tlo = (pc + off) | 0;
            if (off >= 0 ? (tlo >>> 0) < (pc >>> 0) : (tlo >>> 0) > (pc >>> 0)) thi = (off >= 0 ? hi + 1 : hi - 1) | 0;
            r = K.BRANCH;
            break;
          }
          case Op.B_cond: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            // ConditionHolds written out: the hottest branch.
            const cc = w & 15;
            let t: number;
            switch (cc >> 1) {
              case 0: t = zf === 0 ? 1 : 0; break;
              case 1: t = cf; break;
              case 2: t = nf >>> 31; break;
              case 3: t = vf >>> 31; break;
              case 4: t = cf !== 0 && zf !== 0 ? 1 : 0; break;
              case 5: t = (nf ^ vf) >= 0 ? 1 : 0; break;
              case 6: t = (nf ^ vf) >= 0 && zf !== 0 ? 1 : 0; break;
              default: t = 1 ^ (cc & 1); // AL, NV: always
            }
            if ((t ^ (cc & 1)) !== 0) {
              const off = ((w << 8) >> 13) << 2;
              tlo = (pc + off) | 0;
              if (off >= 0 ? (tlo >>> 0) < (pc >>> 0) : (tlo >>> 0) > (pc >>> 0)) thi = (off >= 0 ? hi + 1 : hi - 1) | 0;
              r = K.BRANCH;
            }
            break;
          }
          case Op.CBZ: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            // CBZ/CBNZ (bit 24).
            const t = w & 31;
            const v = (w < 0 ? x[t << 1] | x[(t << 1) + 1] : x[t << 1]) & (((t + 1) >> 5) - 1);
            if ((v !== 0) === ((w & 0x1000000) !== 0)) {
              const off = ((w << 8) >> 13) << 2;
              tlo = (pc + off) | 0;
              if (off >= 0 ? (tlo >>> 0) < (pc >>> 0) : (tlo >>> 0) > (pc >>> 0)) thi = (off >= 0 ? hi + 1 : hi - 1) | 0;
              r = K.BRANCH;
            }
            break;
          }
          case Op.TBZ: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            // TBZ/TBNZ (bit 24), bit number b5:b40.
            const t = w & 31;
            const bit = ((w >>> 26) & 32) | ((w >>> 19) & 31);
            const v = (bit < 32 ? (x[t << 1] >>> bit) & 1 : (x[(t << 1) + 1] >>> (bit - 32)) & 1) & (((t + 1) >> 5) - 1);
            if ((v !== 0) === ((w & 0x1000000) !== 0)) {
              const off = ((w << 13) >> 18) << 2;
              tlo = (pc + off) | 0;
              if (off >= 0 ? (tlo >>> 0) < (pc >>> 0) : (tlo >>> 0) > (pc >>> 0)) thi = (off >= 0 ? hi + 1 : hi - 1) | 0;
              r = K.BRANCH;
            }
            break;
          }
          case Op.BR: {
            // BR/RET: PC = Xn (XZR for 31).
            const n = (w >>> 5) & 31;
            tlo = x[n << 1] & (((n + 1) >> 5) - 1);
            thi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
            r = K.BRANCH;
            break;
          }
          case Op.BLR: {
            const pc = (base + ((i - idx0) << 2)) | 0;
            const n = (w >>> 5) & 31;
            tlo = x[n << 1] & (((n + 1) >> 5) - 1);
            thi = x[(n << 1) + 1] & (((n + 1) >> 5) - 1);
            const ret = (pc + 4) | 0;
            x[60] = ret;
            x[61] = ret === 0 ? (hi + 1) | 0 : hi;
            r = K.BRANCH;
            break;
          }
          case Op.LDST: {
            // Single-register loads and stores: size in bits 31:30, opc in 23:22 (0 store, 1 load,
            // 2 sign-extending load to X, 3 to W); addressing by bit 24 (unsigned offset), bit 21
            // (register offset), else bits 11:10 (00 unscaled, 01 post-index, 11 pre-index).
            // Only accesses inside the cached RAM windows (Cpu.rLo/wLo) are done here.
            const size = w >>> 30;
            const n = (w >>> 5) & 31;
            const blo = x[n << 1];
            const bhi = x[(n << 1) + 1];
            let alo: number;
            let ahi: number;
            let wb = false;
            let wlo = 0;
            let whi = 0;
            if ((w & 0x1000000) !== 0) {
              const off = ((w >>> 10) & 0xfff) << size;
              alo = (blo + off) | 0;
              ahi = (alo >>> 0) < (blo >>> 0) ? (bhi + 1) | 0 : bhi;
            } else if ((w & 0x200000) !== 0) {
              // Xn + ExtendReg(Rm, option, S ? size : 0); option 2 UXTW, 3 LSL, 6 SXTW, 7 SXTX.
              const m = (w >>> 16) & 31;
              const option = (w >>> 13) & 7;
              const sh = (w & 0x1000) !== 0 ? size : 0;
              let olo = x[m << 1] & (((m + 1) >> 5) - 1);
              let ohi = (option & 1) !== 0 ? (x[(m << 1) + 1] & (((m + 1) >> 5) - 1)) : option === 6 ? olo >> 31 : 0;
              if (sh !== 0) {
                ohi = (ohi << sh) | (olo >>> (32 - sh));
                olo <<= sh;
              }
              alo = (blo + olo) | 0;
              ahi = (bhi + ohi + ((alo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
            } else {
              const off = (w << 11) >> 23;
              wlo = (blo + off) | 0;
              whi = bhi;
              if (off >= 0 ? (wlo >>> 0) < (blo >>> 0) : (wlo >>> 0) > (blo >>> 0)) whi = (off >= 0 ? bhi + 1 : bhi - 1) | 0;
              const mode = (w >>> 10) & 3;
              wb = mode !== 0;
              if (mode === 1) {
                alo = blo;
                ahi = bhi;
              } else {
                alo = wlo;
                ahi = whi;
              }
            }
            const t = w & 31;
            const kind = (w >>> 22) & 3;
            if (kind === 0) {
              const off = (alo - c.wLo) | 0;
              if (ahi === c.wHi && off >= 0 && off < c.wLen && c.wDirty === null && (alo & ((1 << size) - 1) & c.aMask) === 0 && (n !== 31 || !c.spCheck || (blo & 15) === 0)) {
                const p = c.wOff + off;
                const vlo = x[t << 1] & (((t + 1) >> 5) - 1);
                if (size === 3) {
                  const vhi = x[(t << 1) + 1] & (((t + 1) >> 5) - 1);
                  if ((p & 7) === 0) {
                    I32[0] = vlo;
                    I32[1] = vhi;
                    c.wF64[p >>> 3] = F64[0];
                  } else {
                    c.wDv.setInt32(p, vlo, true);
                    c.wDv.setInt32(p + 4, vhi, true);
                  }
                } else if (size === 2) {
                  if ((p & 3) === 0) c.wI32[p >>> 2] = vlo;
                  else c.wDv.setInt32(p, vlo, true);
                } else if (size === 0) c.wU8[p] = vlo;
                else if ((p & 1) === 0) c.wU16[p >>> 1] = vlo;
                else c.wDv.setUint16(p, vlo, true);
                if (wb) {
                  x[n << 1] = wlo;
                  x[(n << 1) + 1] = whi;
                }
                break;
              }
            } else {
              const off = (alo - c.rLo) | 0;
              if (ahi === c.rHi && off >= 0 && off < c.rLen && (alo & ((1 << size) - 1) & c.aMask) === 0 && (n !== 31 || !c.spCheck || (blo & 15) === 0)) {
                const p = c.rOff + off;
                let lo: number;
                let rh = 0;
                if (size === 3) {
                  if ((p & 7) === 0) {
                    F64[0] = c.rF64[p >>> 3];
                    lo = I32[0];
                    rh = I32[1];
                  } else {
                    lo = c.rDv.getInt32(p, true);
                    rh = c.rDv.getInt32(p + 4, true);
                  }
                } else if (size === 2) lo = (p & 3) === 0 ? c.rI32[p >>> 2] : c.rDv.getInt32(p, true);
                else if (size === 0) lo = c.rU8[p];
                else lo = (p & 1) === 0 ? c.rU16[p >>> 1] : c.rDv.getUint16(p, true);
                if (t !== 31) {
                  if (kind !== 1) {
                    if (size === 0) lo = (lo << 24) >> 24;
                    else if (size === 1) lo = (lo << 16) >> 16;
                    rh = kind === 2 ? lo >> 31 : 0;
                  }
                  x[t << 1] = lo;
                  x[(t << 1) + 1] = rh;
                }
                if (wb) {
                  x[n << 1] = wlo;
                  x[(n << 1) + 1] = whi;
                }
                break;
              }
            }
            r = K.SLOW;
            break;
          }
          case Op.LDSTP: {
            // STP/LDP: 32-bit (bit 31 = 0) or 64-bit pairs; mode in bits 24:23 (00 non-temporal
            // offset, 01 post-index, 10 offset, 11 pre-index).
            const n = (w >>> 5) & 31;
            const blo = x[n << 1];
            const bhi = x[(n << 1) + 1];
            const mode = (w >>> 23) & 3;
            const off = w < 0 ? ((w << 10) >> 25) << 3 : ((w << 10) >> 25) << 2;
            let wlo = (blo + off) | 0;
            let whi = bhi;
            if (off >= 0 ? (wlo >>> 0) < (blo >>> 0) : (wlo >>> 0) > (blo >>> 0)) whi = (off >= 0 ? bhi + 1 : bhi - 1) | 0;
            const alo = mode === 1 ? blo : wlo;
            const ahi = mode === 1 ? bhi : whi;
            const t = w & 31;
            const t2 = (w >>> 10) & 31;
            const amask = (w < 0 ? 7 : 3) & c.aMask;
            const spOk = n !== 31 || !c.spCheck || (blo & 15) === 0;
            if ((w & 0x400000) !== 0) {
              const aoff = (alo - c.rLo) | 0;
              if (ahi === c.rHi && aoff >= 0 && aoff < c.rLen && (alo & amask) === 0 && spOk) {
                const p = c.rOff + aoff;
                let a0: number;
                let a1: number;
                let b0: number;
                let b1: number;
                if (w < 0) {
                  if ((p & 7) === 0) {
                    const f = c.rF64;
                    F64[0] = f[p >>> 3];
                    a0 = I32[0];
                    a1 = I32[1];
                    F64[0] = f[(p >>> 3) + 1];
                    b0 = I32[0];
                    b1 = I32[1];
                  } else {
                    const dv = c.rDv;
                    a0 = dv.getInt32(p, true);
                    a1 = dv.getInt32(p + 4, true);
                    b0 = dv.getInt32(p + 8, true);
                    b1 = dv.getInt32(p + 12, true);
                  }
                } else {
                  if ((p & 3) === 0) {
                    a0 = c.rI32[p >>> 2];
                    b0 = c.rI32[(p >>> 2) + 1];
                  } else {
                    a0 = c.rDv.getInt32(p, true);
                    b0 = c.rDv.getInt32(p + 4, true);
                  }
                  a1 = 0;
                  b1 = 0;
                }
                // Rt2 first: with Rt = Rt2 (CONSTRAINED UNPREDICTABLE) Rt gets the first value, as QEMU.
                if (t2 !== 31) {
                  x[t2 << 1] = b0;
                  x[(t2 << 1) + 1] = b1;
                }
                if (t !== 31) {
                  x[t << 1] = a0;
                  x[(t << 1) + 1] = a1;
                }
                if (mode === 1 || mode === 3) {
                  x[n << 1] = wlo;
                  x[(n << 1) + 1] = whi;
                }
                break;
              }
            } else {
              const aoff = (alo - c.wLo) | 0;
              if (ahi === c.wHi && aoff >= 0 && aoff < c.wLen && c.wDirty === null && (alo & amask) === 0 && spOk) {
                const p = c.wOff + aoff;
                const a0 = x[t << 1] & (((t + 1) >> 5) - 1);
                const b0 = x[t2 << 1] & (((t2 + 1) >> 5) - 1);
                if (w < 0) {
                  const a1 = x[(t << 1) + 1] & (((t + 1) >> 5) - 1);
                  const b1 = x[(t2 << 1) + 1] & (((t2 + 1) >> 5) - 1);
                  if ((p & 7) === 0) {
                    const f = c.wF64;
                    I32[0] = a0;
                    I32[1] = a1;
                    f[p >>> 3] = F64[0];
                    I32[0] = b0;
                    I32[1] = b1;
                    f[(p >>> 3) + 1] = F64[0];
                  } else {
                    const dv = c.wDv;
                    dv.setInt32(p, a0, true);
                    dv.setInt32(p + 4, a1, true);
                    dv.setInt32(p + 8, b0, true);
                    dv.setInt32(p + 12, b1, true);
                  }
                } else if ((p & 3) === 0) {
                  c.wI32[p >>> 2] = a0;
                  c.wI32[(p >>> 2) + 1] = b0;
                } else {
                  c.wDv.setInt32(p, a0, true);
                  c.wDv.setInt32(p + 4, b0, true);
                }
                if (mode === 1 || mode === 3) {
                  x[n << 1] = wlo;
                  x[(n << 1) + 1] = whi;
                }
                break;
              }
            }
            r = K.SLOW;
            break;
          }
          case Op.LDR_X_UIMM: {
            // The LDST case for LDR Xt, [Xn|SP, #imm12 * 8].
            const n = (w >>> 5) & 31;
            const blo = x[n << 1];
            const alo = (blo + (((w >>> 10) & 0xfff) << 3)) | 0;
            const ahi = (alo >>> 0) < (blo >>> 0) ? (x[(n << 1) + 1] + 1) | 0 : x[(n << 1) + 1];
            const off = (alo - c.rLo) | 0;
            if (ahi === c.rHi && off >= 0 && off < c.rLen && (alo & 7 & c.aMask) === 0 && (n !== 31 || !c.spCheck || (blo & 15) === 0)) {
              const p = c.rOff + off;
              let lo: number;
              let rh: number;
              if ((p & 7) === 0) {
                F64[0] = c.rF64[p >>> 3];
                lo = I32[0];
                rh = I32[1];
              } else {
                lo = c.rDv.getInt32(p, true);
                rh = c.rDv.getInt32(p + 4, true);
              }
              const t = w & 31;
              if (t !== 31) {
                x[t << 1] = lo;
                x[(t << 1) + 1] = rh;
              }
              break;
            }
            r = K.SLOW;
            break;
          }
          case Op.STR_X_UIMM: {
            // The LDST case for STR Xt, [Xn|SP, #imm12 * 8].
            const n = (w >>> 5) & 31;
            const blo = x[n << 1];
            const alo = (blo + (((w >>> 10) & 0xfff) << 3)) | 0;
            const ahi = (alo >>> 0) < (blo >>> 0) ? (x[(n << 1) + 1] + 1) | 0 : x[(n << 1) + 1];
            const off = (alo - c.wLo) | 0;
            if (ahi === c.wHi && off >= 0 && off < c.wLen && c.wDirty === null && (alo & 7 & c.aMask) === 0 && (n !== 31 || !c.spCheck || (blo & 15) === 0)) {
              const p = c.wOff + off;
              const t = w & 31;
              const vlo = x[t << 1] & (((t + 1) >> 5) - 1);
              const vhi = x[(t << 1) + 1] & (((t + 1) >> 5) - 1);
              if ((p & 7) === 0) {
                I32[0] = vlo;
                I32[1] = vhi;
                c.wF64[p >>> 3] = F64[0];
              } else {
                c.wDv.setInt32(p, vlo, true);
                c.wDv.setInt32(p + 4, vhi, true);
              }
              break;
            }
            r = K.SLOW;
            break;
          }
          case Op.NOP:
            break;
          default:
            r = K.SLOW;
        }
        if (r === K.NEXT) {
          i = (i + 1) | 0;
          if (i < iEnd && left > 0) continue;
          break;
        }
        if (r === K.BRANCH) {
          // Stay in the window if the target is in it (the common loop case).
          const off = (tlo - base) | 0;
          if (thi === hi && off >= 0 && off < len && (tlo & 3) === 0 && left > 0) {
            i = (idx0 + (off >> 2)) | 0;
            continue;
          }
        }
        break;
      }
      if (r === K.MISS) {
        decodeInto(c, (i & K.DC_MASK) << 1, w);
        continue;
      }
      if (r === K.NEXT) {
        // Out of the window or out of budget: the PC to the register file, carrying into bits
        // 63:32 past the end of a 4 GiB bank.
        const npc = (base + ((i - idx0) << 2)) | 0;
        x[K.PC] = npc;
        if (npc === 0) x[K.PC + 1] = (hi + 1) | 0;
        c.nf = nf;
        c.zf = zf;
        c.cf = cf;
        c.vf = vf;
        continue outer;
      }
      if (r === K.BRANCH) {
        x[K.PC] = tlo;
        x[K.PC + 1] = thi;
        c.nf = nf;
        c.zf = zf;
        c.cf = cf;
        c.vf = vf;
        continue outer;
      }
      // K.SLOW: the pattern's semantics in A64_EXEC, which read the PC and NZCV from the Cpu.
      x[K.PC] = (base + ((i - idx0) << 2)) | 0;
      c.nf = nf;
      c.zf = zf;
      c.cf = cf;
      c.vf = vf;
      // prettier-ignore
      switch (opl & 0xff) {
        case Op.WARM + 0: r = w0(c, w) | 0; break;
        case Op.WARM + 1: r = w1(c, w) | 0; break;
        case Op.WARM + 2: r = w2(c, w) | 0; break;
        case Op.WARM + 3: r = w3(c, w) | 0; break;
        case Op.WARM + 4: r = w4(c, w) | 0; break;
        case Op.WARM + 5: r = w5(c, w) | 0; break;
        case Op.WARM + 6: r = w6(c, w) | 0; break;
        case Op.WARM + 7: r = w7(c, w) | 0; break;
        case Op.WARM + 8: r = w8(c, w) | 0; break;
        case Op.WARM + 9: r = w9(c, w) | 0; break;
        case Op.WARM + 10: r = w10(c, w) | 0; break;
        case Op.WARM + 11: r = w11(c, w) | 0; break;
        case Op.WARM + 12: r = w12(c, w) | 0; break;
        case Op.WARM + 13: r = w13(c, w) | 0; break;
        case Op.WARM + 14: r = w14(c, w) | 0; break;
        case Op.WARM + 15: r = w15(c, w) | 0; break;
        case Op.WARM + 16: r = w16(c, w) | 0; break;
        case Op.WARM + 17: r = w17(c, w) | 0; break;
        case Op.WARM + 18: r = w18(c, w) | 0; break;
        case Op.WARM + 19: r = w19(c, w) | 0; break;
        case Op.WARM + 20: r = w20(c, w) | 0; break;
        case Op.WARM + 21: r = w21(c, w) | 0; break;
        case Op.WARM + 22: r = w22(c, w) | 0; break;
        case Op.WARM + 23: r = w23(c, w) | 0; break;
        case Op.WARM + 24: r = w24(c, w) | 0; break;
        case Op.WARM + 25: r = w25(c, w) | 0; break;
        case Op.WARM + 26: r = w26(c, w) | 0; break;
        case Op.WARM + 27: r = w27(c, w) | 0; break;
        case Op.WARM + 28: r = w28(c, w) | 0; break;
        case Op.WARM + 29: r = w29(c, w) | 0; break;
        default: {
          // A cold pattern, or an inline one off its fast path: by decode line.
          const line = opl >> 8;
          r = (line < 0 ? c.undef() : A64_HANDLERS[line](c, w)) | 0;
        }
      }
      nf = c.nf;
      zf = c.zf;
      cf = c.cf;
      vf = c.vf;
      if (r === K.NEXT) {
        i = (i + 1) | 0;
        if (i < iEnd && left > 0) continue;
        const npc = (base + ((i - idx0) << 2)) | 0;
        x[K.PC] = npc;
        if (npc === 0) x[K.PC + 1] = (hi + 1) | 0;
        continue outer;
      }
      if (r === K.JUMP) {
        const npc = x[K.PC];
        const off = (npc - base) | 0;
        if (x[K.PC + 1] === hi && off >= 0 && off < len && (npc & 3) === 0 && left > 0) {
          i = (idx0 + (off >> 2)) | 0;
          continue;
        }
        continue outer;
      }
      if (r === K.STOP) {
        c.instructionsRetired += budget - left;
        return c.stop;
      }
      // RESYNC: the PC, PSTATE or an interrupt input may have changed.
      continue outer;
    }
  }
  c.instructionsRetired += budget - left;
  return BUDGET_STOP;
}
