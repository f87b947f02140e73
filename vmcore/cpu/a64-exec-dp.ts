/**
 * Semantics of the data-processing classes (immediate and register), keyed by the pattern
 * names of a64-decode.ts. Arm ARM C6.2 pseudocode, checked against QEMU's translate-a64.c.
 *
 * 64-bit values are pairs of int32 halves (register X[n]: x[2n] low, x[2n + 1] high). Helpers
 * return the low word and leave the high word in `rhi`. Register 31 is XZR except where the
 * form says SP (then it is simply X31: the CPU keeps the current SP in words 62/63).
 */
import type { Cpu } from './cpu';
import { R_PC } from './reg-file';
import { type Handler, NEXT } from './a64-handler';
import { BM_WMASK_LO, BM_WMASK_HI, BM_TMASK_LO, BM_TMASK_HI, BM_VALID } from './a64-bitmasks';

/** High word of the last 64-bit helper result. */
let rhi = 0;

// ---------------------------------------------------------------------------------------------
// 64-bit arithmetic on halves.

/** Shared by the branch/system semantics: 64-bit add of (alo, ahi) and a signed 32-bit offset. */
export function addOffset(alo: number, ahi: number, off: number): number {
  const s = (alo >>> 0) + off;
  rhi = s > 0xffffffff ? (ahi + 1) | 0 : s < 0 ? (ahi - 1) | 0 : ahi;
  return s | 0;
}
export function lastHi(): number {
  return rhi;
}

/** 64-bit a + b + cin without flags. */
export function add64(alo: number, ahi: number, blo: number, bhi: number, cin: number): number {
  const s = (alo >>> 0) + (blo >>> 0) + cin;
  rhi = (ahi + bhi + (s > 0xffffffff ? 1 : 0)) | 0;
  return s | 0;
}

/** a + b + cin, setting NZCV as AddWithCarry does. */
function adds64(c: Cpu, alo: number, ahi: number, blo: number, bhi: number, cin: number): number {
  const s0 = (alo >>> 0) + (blo >>> 0) + cin;
  const s1 = (ahi >>> 0) + (bhi >>> 0) + (s0 > 0xffffffff ? 1 : 0);
  const lo = s0 | 0;
  const hi = s1 | 0;
  c.nf = hi;
  c.zf = lo | hi;
  c.cf = s1 > 0xffffffff ? 1 : 0;
  c.vf = (ahi ^ hi) & (bhi ^ hi);
  rhi = hi;
  return lo;
}

function adds32(c: Cpu, a: number, b: number, cin: number): number {
  const s = (a >>> 0) + (b >>> 0) + cin;
  const r = s | 0;
  c.nf = r;
  c.zf = r;
  c.cf = s > 0xffffffff ? 1 : 0;
  c.vf = (a ^ r) & (b ^ r);
  return r;
}

function lsl64(lo: number, hi: number, s: number): number {
  if (s === 0) {
    rhi = hi;
    return lo;
  }
  if (s < 32) {
    rhi = (hi << s) | (lo >>> (32 - s));
    return lo << s;
  }
  rhi = lo << (s - 32);
  return 0;
}

function lsr64(lo: number, hi: number, s: number): number {
  if (s === 0) {
    rhi = hi;
    return lo;
  }
  if (s < 32) {
    rhi = (hi >>> s) | 0;
    return (lo >>> s) | (hi << (32 - s));
  }
  rhi = 0;
  return (hi >>> (s - 32)) | 0;
}

function asr64(lo: number, hi: number, s: number): number {
  if (s === 0) {
    rhi = hi;
    return lo;
  }
  if (s < 32) {
    rhi = hi >> s;
    return (lo >>> s) | (hi << (32 - s));
  }
  rhi = hi >> 31;
  return hi >> (s - 32);
}

function ror64(lo: number, hi: number, s: number): number {
  if (s === 0) {
    rhi = hi;
    return lo;
  }
  if (s < 32) {
    rhi = (hi >>> s) | (lo << (32 - s));
    return (lo >>> s) | (hi << (32 - s));
  }
  if (s === 32) {
    rhi = lo;
    return hi;
  }
  const t = s - 32;
  rhi = (lo >>> t) | (hi << (32 - t));
  return (hi >>> t) | (lo << (32 - t));
}

function ror32(v: number, s: number): number {
  return s === 0 ? v : (v >>> s) | (v << (32 - s));
}

function shift64(type: number, lo: number, hi: number, s: number): number {
  switch (type) {
    case 0:
      return lsl64(lo, hi, s);
    case 1:
      return lsr64(lo, hi, s);
    case 2:
      return asr64(lo, hi, s);
    default:
      return ror64(lo, hi, s);
  }
}

function shift32(type: number, v: number, s: number): number {
  switch (type) {
    case 0:
      return v << s;
    case 1:
      return (v >>> s) | 0;
    case 2:
      return v >> s;
    default:
      return ror32(v, s);
  }
}

/** High 32 bits of the unsigned 64-bit product of two 32-bit values (16-bit limbs). */
function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Low 64 bits of a 64 x 64 product. */
function mul64(alo: number, ahi: number, blo: number, bhi: number): number {
  rhi = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  return Math.imul(alo, blo);
}

/** High 64 bits of the unsigned 128-bit product (UMULH). */
function umulh(alo: number, ahi: number, blo: number, bhi: number): number {
  const h00 = mulhu32(alo, blo) >>> 0;
  const l01 = Math.imul(alo, bhi) >>> 0;
  const h01 = mulhu32(alo, bhi) >>> 0;
  const l10 = Math.imul(ahi, blo) >>> 0;
  const h10 = mulhu32(ahi, blo) >>> 0;
  const l11 = Math.imul(ahi, bhi) >>> 0;
  const h11 = mulhu32(ahi, bhi);
  const c1 = Math.floor((h00 + l01 + l10) / 4294967296);
  const u = l11 + h01 + h10 + c1;
  rhi = (h11 + Math.floor(u / 4294967296)) | 0;
  return u | 0;
}

/** High 64 bits of the signed 128-bit product (SMULH): UMULH minus the sign corrections. */
function smulh(alo: number, ahi: number, blo: number, bhi: number): number {
  let lo = umulh(alo, ahi, blo, bhi);
  let hi = rhi;
  if (ahi < 0) {
    lo = add64(lo, hi, ~blo, ~bhi, 1);
    hi = rhi;
  }
  if (bhi < 0) {
    lo = add64(lo, hi, ~alo, ~ahi, 1);
    hi = rhi;
  }
  rhi = hi;
  return lo;
}

/** Unsigned 64-bit division; 0 for a zero divisor (no exception in A64). */
function udiv64(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) {
    rhi = 0;
    return 0;
  }
  if ((ahi | bhi) === 0) {
    rhi = 0;
    return ((alo >>> 0) / (blo >>> 0)) | 0;
  }
  if (bhi === 0) return udiv64by32(alo, ahi, blo >>> 0);
  // Rare: a divisor wider than 32 bits. BigInt here only (not per instruction of ordinary code).
  const q = BigInt.asUintN(64, (BigInt(ahi >>> 0) << 32n) | BigInt(alo >>> 0)) / ((BigInt(bhi >>> 0) << 32n) | BigInt(blo >>> 0));
  rhi = Number(BigInt.asIntN(32, q >> 32n));
  return Number(BigInt.asIntN(32, q));
}

/**
 * A 64-bit dividend over a divisor d in [1, 2^32): schoolbook division in 16-bit digits. Each
 * partial dividend is below d * 2^16 < 2^48, so every product and remainder is an exact double;
 * the floating quotient digit may be off by one, which the remainder check corrects. This is
 * the common case of compiled C (64-bit values over small divisors) and needs no BigInt.
 */
function udiv64by32(alo: number, ahi: number, d: number): number {
  let r = 0;
  let q = 0;
  let qhi = 0;
  for (let i = 0; i < 4; i++) {
    const digit = i === 0 ? ahi >>> 16 : i === 1 ? ahi & 0xffff : i === 2 ? alo >>> 16 : alo & 0xffff;
    const cur = r * 65536 + digit;
    let qd = Math.floor(cur / d);
    r = cur - qd * d;
    if (r < 0) {
      qd--;
      r += d;
    } else if (r >= d) {
      qd++;
      r -= d;
    }
    if (i === 1) qhi = q * 65536 + qd;
    q = i === 1 ? 0 : q * 65536 + qd;
  }
  rhi = qhi | 0;
  return q | 0;
}

/** Exported for the division tests. */
export function udiv64Pair(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const lo = udiv64(alo, ahi, blo, bhi);
  return [lo, rhi];
}
export function sdiv64Pair(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const lo = sdiv64(alo, ahi, blo, bhi);
  return [lo, rhi];
}

/** Signed 64-bit division rounding toward zero; INT64_MIN / -1 = INT64_MIN, x / 0 = 0. */
function sdiv64(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0) {
    rhi = 0;
    return 0;
  }
  if (ahi === alo >> 31 && bhi === blo >> 31) {
    // Both fit in 32 bits signed: the quotient is exact in a double (|q| <= 2^31).
    const q = Math.trunc(alo / blo);
    rhi = q < 0 ? -1 : 0;
    return q | 0;
  }
  // |b| < 2^32: divide the magnitudes without BigInt, then fix the sign (INT64_MIN / -1 wraps to
  // INT64_MIN, as the architecture requires).
  if (bhi === 0 || (bhi === -1 && blo !== 0)) {
    const aneg = ahi < 0;
    const bneg = bhi < 0;
    let mlo = alo;
    let mhi = ahi;
    if (aneg) {
      mlo = (~alo + 1) | 0;
      mhi = (~ahi + (mlo === 0 ? 1 : 0)) | 0;
    }
    const d = bneg ? (-blo) >>> 0 : blo >>> 0;
    let qlo = udiv64by32(mlo, mhi, d);
    let qhi = rhi;
    if (aneg !== bneg) {
      qlo = (~qlo + 1) | 0;
      qhi = (~qhi + (qlo === 0 ? 1 : 0)) | 0;
    }
    rhi = qhi;
    return qlo;
  }
  const a = (BigInt(ahi) << 32n) | BigInt(alo >>> 0);
  const b = (BigInt(bhi) << 32n) | BigInt(blo >>> 0);
  const q = BigInt.asIntN(64, a / b);
  rhi = Number(BigInt.asIntN(32, q >> 32n));
  return Number(BigInt.asIntN(32, q));
}

function rbit32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

function bswap32(v: number): number {
  return ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24)) | 0;
}

function rev16(v: number): number {
  return ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
}

// CRC-32 (ISO-HDLC, reflected 0xEDB88320) and CRC-32C (Castagnoli, reflected 0x82F63B78),
// byte tables; the instructions apply no pre/post inversion.
function crcTable(poly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c;
  }
  return t;
}
const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

function crcBytes(t: Int32Array, acc: number, v: number, n: number): number {
  for (let k = 0; k < n; k++) {
    acc = t[(acc ^ v) & 0xff] ^ (acc >>> 8);
    v >>>= 8;
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Register access. X(n) with n = 31 is XZR.

export function xlo(x: Int32Array, n: number): number {
  return n === 31 ? 0 : x[n << 1];
}
export function xhi(x: Int32Array, n: number): number {
  return n === 31 ? 0 : x[(n << 1) + 1];
}
/** Writes Xd (d = 31 discards). */
export function setX(x: Int32Array, d: number, lo: number, hi: number): void {
  if (d !== 31) {
    x[d << 1] = lo;
    x[(d << 1) + 1] = hi;
  }
}
/** Writes Xd|SP (d = 31 is the current SP). */
export function setXSP(x: Int32Array, d: number, lo: number, hi: number): void {
  x[d << 1] = lo;
  x[(d << 1) + 1] = hi;
}

/** ConditionHolds(cond) on the cached NZCV. */
export function conditionHolds(c: Cpu, cond: number): boolean {
  let r: boolean;
  switch (cond >> 1) {
    case 0:
      r = c.zf === 0;
      break;
    case 1:
      r = c.cf !== 0;
      break;
    case 2:
      r = c.nf < 0;
      break;
    case 3:
      r = c.vf < 0;
      break;
    case 4:
      r = c.cf !== 0 && c.zf !== 0;
      break;
    case 5:
      r = (c.nf ^ c.vf) >= 0;
      break;
    case 6:
      r = (c.nf ^ c.vf) >= 0 && c.zf !== 0;
      break;
    default:
      return true; // AL and NV
  }
  return (cond & 1) !== 0 ? !r : r;
}

// ---------------------------------------------------------------------------------------------
// Data Processing -- Immediate

function ADR(c: Cpu, insn: number): number {
  const x = c.x;
  const imm = (((insn << 8) >> 13) << 2) | ((insn >>> 29) & 3); // immhi:immlo, signed 21 bits
  const lo = addOffset(x[R_PC], x[R_PC + 1], imm);
  setX(x, insn & 31, lo, rhi);
  return NEXT;
}

function ADRP(c: Cpu, insn: number): number {
  const x = c.x;
  const imm = (((insn << 8) >> 13) << 2) | ((insn >>> 29) & 3);
  // PC with bits 11:0 cleared, plus imm << 12 (a 33-bit signed offset).
  const lo = add64(x[R_PC] & ~0xfff, x[R_PC + 1], imm << 12, imm >> 20, 0);
  setX(x, insn & 31, lo, rhi);
  return NEXT;
}

// ADD/SUB (immediate) without flags are the most frequent instructions: written out so each
// stays small enough for TurboFan to inline into the run loop's dispatch.
function immOf(insn: number): number {
  return (insn & (1 << 22)) !== 0 ? ((insn >>> 10) & 0xfff) << 12 : (insn >>> 10) & 0xfff;
}

/** ADD (immediate): Rd|SP = Rn|SP + imm. */
function ADD_i(c: Cpu, insn: number): number {
  const x = c.x;
  const d = (insn & 31) << 1;
  const n = ((insn >>> 5) & 31) << 1;
  const a = x[n];
  const lo = (a + immOf(insn)) | 0;
  x[d + 1] = insn < 0 ? ((lo >>> 0) < (a >>> 0) ? x[n + 1] + 1 : x[n + 1]) | 0 : 0;
  x[d] = lo;
  return NEXT;
}

/** SUB (immediate): Rd|SP = Rn|SP - imm. */
function SUB_i(c: Cpu, insn: number): number {
  const x = c.x;
  const d = (insn & 31) << 1;
  const n = ((insn >>> 5) & 31) << 1;
  const a = x[n];
  const imm = immOf(insn);
  x[d + 1] = insn < 0 ? ((a >>> 0) < imm ? x[n + 1] - 1 : x[n + 1]) | 0 : 0;
  x[d] = (a - imm) | 0;
  return NEXT;
}

/** ADDS/SUBS (immediate), CMP/CMN: Rd = Rn|SP +/- imm with NZCV. */
function addSubImmFlags(c: Cpu, insn: number, sub: boolean): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  const imm = immOf(insn);
  const alo = x[n << 1];
  if (insn < 0) {
    const lo = sub ? adds64(c, alo, x[(n << 1) + 1], ~imm, -1, 1) : adds64(c, alo, x[(n << 1) + 1], imm, 0, 0);
    setX(x, insn & 31, lo, rhi);
  } else setX(x, insn & 31, sub ? adds32(c, alo, ~imm, 1) : adds32(c, alo, imm, 0), 0);
  return NEXT;
}
const ADDS_i: Handler = (c, i) => addSubImmFlags(c, i, false);
const SUBS_i: Handler = (c, i) => addSubImmFlags(c, i, true);

/** AND/ORR/EOR/ANDS (immediate); opc 0..3. Rd is SP-capable except for ANDS. */
function logicImm(c: Cpu, insn: number, opc: number): number {
  const x = c.x;
  const key = (insn >>> 10) & 0x1fff;
  if ((BM_VALID[key] & 2) === 0) return c.undef();
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  let lo = xlo(x, n);
  let hi = insn < 0 ? xhi(x, n) : 0;
  const mlo = BM_WMASK_LO[key];
  const mhi = insn < 0 ? BM_WMASK_HI[key] : 0;
  switch (opc) {
    case 1:
      lo |= mlo;
      hi |= mhi;
      break;
    case 2:
      lo ^= mlo;
      hi ^= mhi;
      break;
    default:
      lo &= mlo;
      hi &= mhi;
  }
  if (opc === 3) {
    setFlagsLogic(c, lo, hi, insn < 0);
    setX(x, d, lo, hi);
  } else setXSP(x, d, lo, hi);
  return NEXT;
}
const AND_i: Handler = (c, i) => logicImm(c, i, 0);
const ORR_i: Handler = (c, i) => logicImm(c, i, 1);
const EOR_i: Handler = (c, i) => logicImm(c, i, 2);
const ANDS_i: Handler = (c, i) => logicImm(c, i, 3);

function setFlagsLogic(c: Cpu, lo: number, hi: number, sf: boolean): void {
  c.nf = sf ? hi : lo;
  c.zf = lo | hi;
  c.cf = 0;
  c.vf = 0;
}

function MOVN(c: Cpu, insn: number): number {
  const x = c.x;
  const pos = ((insn >>> 21) & 3) << 4;
  const imm = (insn >>> 5) & 0xffff;
  let lo = pos < 32 ? ~(imm << pos) : -1;
  const hi = insn < 0 ? (pos >= 32 ? ~(imm << (pos - 32)) : -1) : 0;
  if (pos >= 32) lo = -1;
  setX(x, insn & 31, lo, hi);
  return NEXT;
}

function MOVZ(c: Cpu, insn: number): number {
  const pos = ((insn >>> 21) & 3) << 4;
  const imm = (insn >>> 5) & 0xffff;
  setX(c.x, insn & 31, pos < 32 ? imm << pos : 0, pos < 32 ? 0 : imm << (pos - 32));
  return NEXT;
}

function MOVK(c: Cpu, insn: number): number {
  const x = c.x;
  const d = insn & 31;
  if (d === 31) return NEXT;
  const pos = ((insn >>> 21) & 3) << 4;
  const imm = (insn >>> 5) & 0xffff;
  if (pos < 32) x[d << 1] = (x[d << 1] & ~(0xffff << pos)) | (imm << pos);
  else x[(d << 1) + 1] = (x[(d << 1) + 1] & ~(0xffff << (pos - 32))) | (imm << (pos - 32));
  if (insn >= 0) x[(d << 1) + 1] = 0;
  return NEXT;
}

/** SBFM/BFM/UBFM (op 0/1/2) with the precomputed DecodeBitMasks(immediate = FALSE). */
function bitfield(c: Cpu, insn: number, op: number): number {
  const x = c.x;
  const key = (insn >>> 10) & 0x1fff;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const r = (insn >>> 16) & 63;
  const s = (insn >>> 10) & 63;
  const sf = insn < 0;
  const wlo = BM_WMASK_LO[key];
  const tlo = BM_TMASK_LO[key];
  const slo = xlo(x, n);
  if (sf) {
    if (op !== 1) {
      // The shift aliases, without the masks: LSR/ASR #r (imms = 63) and LSL #(63 - imms).
      if (s === 63) {
        setX(x, d, op === 2 ? lsr64(slo, xhi(x, n), r) : asr64(slo, xhi(x, n), r), rhi);
        return NEXT;
      }
      if (op === 2 && s + 1 === r) {
        setX(x, d, lsl64(slo, xhi(x, n), 63 - s), rhi);
        return NEXT;
      }
    }
    const whi = BM_WMASK_HI[key];
    const thi = BM_TMASK_HI[key];
    const shi = xhi(x, n);
    let blo = ror64(slo, shi, r) & wlo;
    let bhi = rhi & whi;
    let lo: number;
    let hi: number;
    if (op === 1) {
      const dlo = xlo(x, d);
      const dhi = xhi(x, d);
      blo |= dlo & ~wlo;
      bhi |= dhi & ~whi;
      lo = (dlo & ~tlo) | (blo & tlo);
      hi = (dhi & ~thi) | (bhi & thi);
    } else if (op === 0) {
      const top = (s < 32 ? slo << (31 - s) : shi << (63 - s)) >> 31; // Replicate(src<S>)
      lo = (top & ~tlo) | (blo & tlo);
      hi = (top & ~thi) | (bhi & thi);
    } else {
      lo = blo & tlo;
      hi = bhi & thi;
    }
    setX(x, d, lo, hi);
  } else {
    if (op !== 1) {
      if (s === 31) {
        setX(x, d, op === 2 ? (slo >>> r) | 0 : slo >> r, 0);
        return NEXT;
      }
      if (op === 2 && s + 1 === r) {
        setX(x, d, slo << (31 - s), 0);
        return NEXT;
      }
    }
    let bot = ror32(slo, r) & wlo;
    let res: number;
    if (op === 1) {
      const dst = xlo(x, d);
      bot |= dst & ~wlo;
      res = (dst & ~tlo) | (bot & tlo);
    } else if (op === 0) {
      const top = (slo << (31 - s)) >> 31;
      res = (top & ~tlo) | (bot & tlo);
    } else res = bot & tlo;
    setX(x, d, res, 0);
  }
  return NEXT;
}
const SBFM: Handler = (c, i) => bitfield(c, i, 0);
const BFM: Handler = (c, i) => bitfield(c, i, 1);
const UBFM: Handler = (c, i) => bitfield(c, i, 2);

function EXTR(c: Cpu, insn: number): number {
  const x = c.x;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const lsb = (insn >>> 10) & 63;
  const mlo = xlo(x, m);
  if (insn >= 0) {
    setX(x, d, lsb === 0 ? mlo : (mlo >>> lsb) | (xlo(x, n) << (32 - lsb)), 0);
    return NEXT;
  }
  const mhi = xhi(x, m);
  const nlo = xlo(x, n);
  const nhi = xhi(x, n);
  let lo: number;
  let hi: number;
  if (lsb === 0) {
    lo = mlo;
    hi = mhi;
  } else if (lsb < 32) {
    lo = (mlo >>> lsb) | (mhi << (32 - lsb));
    hi = (mhi >>> lsb) | (nlo << (32 - lsb));
  } else if (lsb === 32) {
    lo = mhi;
    hi = nlo;
  } else {
    const t = lsb - 32;
    lo = (mhi >>> t) | (nlo << (32 - t));
    hi = (nlo >>> t) | (nhi << (32 - t));
  }
  setX(x, d, lo, hi);
  return NEXT;
}

// ---------------------------------------------------------------------------------------------
// Data Processing -- Register

/** AND/ORR/EOR/ANDS (shifted register), opc 0..3; bit 21 (N) inverts the operand. */
function logicReg(c: Cpu, insn: number, opc: number): number {
  const x = c.x;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const amt = (insn >>> 10) & 63;
  const type = (insn >>> 22) & 3;
  const inv = (insn & (1 << 21)) !== 0 ? -1 : 0;
  if (insn < 0) {
    let blo: number;
    let bhi: number;
    if (amt === 0) {
      blo = xlo(x, m) ^ inv;
      bhi = xhi(x, m) ^ inv;
    } else {
      blo = shift64(type, xlo(x, m), xhi(x, m), amt) ^ inv;
      bhi = rhi ^ inv;
    }
    let lo = xlo(x, n);
    let hi = xhi(x, n);
    if (opc === 1) {
      lo |= blo;
      hi |= bhi;
    } else if (opc === 2) {
      lo ^= blo;
      hi ^= bhi;
    } else {
      lo &= blo;
      hi &= bhi;
    }
    if (opc === 3) setFlagsLogic(c, lo, hi, true);
    setX(x, d, lo, hi);
  } else {
    const b = (amt === 0 ? xlo(x, m) : shift32(type, xlo(x, m), amt)) ^ inv;
    const a = xlo(x, n);
    const r = opc === 1 ? a | b : opc === 2 ? a ^ b : a & b;
    if (opc === 3) setFlagsLogic(c, r, 0, false);
    setX(x, d, r, 0);
  }
  return NEXT;
}
const AND_r: Handler = (c, i) => logicReg(c, i, 0);
const BIC_r: Handler = (c, i) => logicReg(c, i, 0);
const ORR_r: Handler = (c, i) => logicReg(c, i, 1);
const ORN_r: Handler = (c, i) => logicReg(c, i, 1);
const EOR_r: Handler = (c, i) => logicReg(c, i, 2);
const EON_r: Handler = (c, i) => logicReg(c, i, 2);
const ANDS_r: Handler = (c, i) => logicReg(c, i, 3);
const BICS_r: Handler = (c, i) => logicReg(c, i, 3);

/** ADD/ADDS/SUB/SUBS (shifted register): all registers are XZR-based. */
function addSubReg(c: Cpu, insn: number, sub: boolean, flags: boolean): number {
  const x = c.x;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const amt = (insn >>> 10) & 63;
  if (insn < 0) {
    let blo: number;
    let bhi: number;
    if (amt === 0) {
      blo = xlo(x, m);
      bhi = xhi(x, m);
    } else {
      blo = shift64((insn >>> 22) & 3, xlo(x, m), xhi(x, m), amt);
      bhi = rhi;
    }
    if (sub) {
      blo = ~blo;
      bhi = ~bhi;
    }
    const cin = sub ? 1 : 0;
    const lo = flags ? adds64(c, xlo(x, n), xhi(x, n), blo, bhi, cin) : add64(xlo(x, n), xhi(x, n), blo, bhi, cin);
    setX(x, d, lo, rhi);
  } else {
    const b = amt === 0 ? xlo(x, m) : shift32((insn >>> 22) & 3, xlo(x, m), amt);
    const a = xlo(x, n);
    const r = flags ? (sub ? adds32(c, a, ~b, 1) : adds32(c, a, b, 0)) : sub ? (a - b) | 0 : (a + b) | 0;
    setX(x, d, r, 0);
  }
  return NEXT;
}
const ADD_r: Handler = (c, i) => addSubReg(c, i, false, false);
const ADDS_r: Handler = (c, i) => addSubReg(c, i, false, true);
const SUB_r: Handler = (c, i) => addSubReg(c, i, true, false);
const SUBS_r: Handler = (c, i) => addSubReg(c, i, true, true);

/** ExtendReg(m, option, shift): the operand of the extended-register forms (and loads). */
export function extendReg(x: Int32Array, m: number, option: number, shift: number): number {
  let lo = xlo(x, m);
  let hi = xhi(x, m);
  switch (option) {
    case 0:
      lo &= 0xff;
      hi = 0;
      break;
    case 1:
      lo &= 0xffff;
      hi = 0;
      break;
    case 2:
      hi = 0;
      break;
    case 4:
      lo = (lo << 24) >> 24;
      hi = lo >> 31;
      break;
    case 5:
      lo = (lo << 16) >> 16;
      hi = lo >> 31;
      break;
    case 6:
      hi = lo >> 31;
      break;
    default:
      break;
  }
  return lsl64(lo, hi, shift);
}

/** ADD/ADDS/SUB/SUBS (extended register): Rn is SP-capable, and Rd too without flags. */
function addSubExt(c: Cpu, insn: number, sub: boolean, flags: boolean): number {
  const x = c.x;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  let blo = extendReg(x, (insn >>> 16) & 31, (insn >>> 13) & 7, (insn >>> 10) & 7);
  let bhi = rhi;
  const alo = x[n << 1];
  if (insn < 0) {
    const ahi = x[(n << 1) + 1];
    if (sub) {
      blo = ~blo;
      bhi = ~bhi;
    }
    const cin = sub ? 1 : 0;
    const lo = flags ? adds64(c, alo, ahi, blo, bhi, cin) : add64(alo, ahi, blo, bhi, cin);
    if (flags) setX(x, d, lo, rhi);
    else setXSP(x, d, lo, rhi);
  } else {
    const r = flags ? (sub ? adds32(c, alo, ~blo, 1) : adds32(c, alo, blo, 0)) : sub ? (alo - blo) | 0 : (alo + blo) | 0;
    if (flags) setX(x, d, r, 0);
    else setXSP(x, d, r, 0);
  }
  return NEXT;
}
const ADD_x: Handler = (c, i) => addSubExt(c, i, false, false);
const ADDS_x: Handler = (c, i) => addSubExt(c, i, false, true);
const SUB_x: Handler = (c, i) => addSubExt(c, i, true, false);
const SUBS_x: Handler = (c, i) => addSubExt(c, i, true, true);

/** ADC/ADCS/SBC/SBCS. */
function addSubCarry(c: Cpu, insn: number, sub: boolean, flags: boolean): number {
  const x = c.x;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const cin = c.cf;
  if (insn < 0) {
    let blo = xlo(x, m);
    let bhi = xhi(x, m);
    if (sub) {
      blo = ~blo;
      bhi = ~bhi;
    }
    const lo = flags ? adds64(c, xlo(x, n), xhi(x, n), blo, bhi, cin) : add64(xlo(x, n), xhi(x, n), blo, bhi, cin);
    setX(x, d, lo, rhi);
  } else {
    const a = xlo(x, n);
    const b = sub ? ~xlo(x, m) : xlo(x, m);
    setX(x, d, flags ? adds32(c, a, b, cin) : (a + b + cin) | 0, 0);
  }
  return NEXT;
}
const ADC: Handler = (c, i) => addSubCarry(c, i, false, false);
const ADCS: Handler = (c, i) => addSubCarry(c, i, false, true);
const SBC: Handler = (c, i) => addSubCarry(c, i, true, false);
const SBCS: Handler = (c, i) => addSubCarry(c, i, true, true);

/** CCMN/CCMP, register or 5-bit immediate operand. */
function condCompare(c: Cpu, insn: number, sub: boolean, imm: boolean): number {
  if (!conditionHolds(c, (insn >>> 12) & 15)) {
    c.setNzcv((insn & 15) << 28);
    return NEXT;
  }
  const x = c.x;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  let blo = imm ? m : xlo(x, m);
  if (insn < 0) {
    let bhi = imm ? 0 : xhi(x, m);
    if (sub) {
      blo = ~blo;
      bhi = ~bhi;
    }
    adds64(c, xlo(x, n), xhi(x, n), blo, bhi, sub ? 1 : 0);
  } else {
    adds32(c, xlo(x, n), sub ? ~blo : blo, sub ? 1 : 0);
  }
  return NEXT;
}
const CCMN_r: Handler = (c, i) => condCompare(c, i, false, false);
const CCMN_i: Handler = (c, i) => condCompare(c, i, false, true);
const CCMP_r: Handler = (c, i) => condCompare(c, i, true, false);
const CCMP_i: Handler = (c, i) => condCompare(c, i, true, true);

/** CSEL/CSINC/CSINV/CSNEG: op 0..3 applied to Rm when the condition fails. */
function condSelect(c: Cpu, insn: number, op: number): number {
  const x = c.x;
  const d = insn & 31;
  if (conditionHolds(c, (insn >>> 12) & 15)) {
    const n = (insn >>> 5) & 31;
    setX(x, d, xlo(x, n), insn < 0 ? xhi(x, n) : 0);
    return NEXT;
  }
  const m = (insn >>> 16) & 31;
  let lo = xlo(x, m);
  let hi = insn < 0 ? xhi(x, m) : 0;
  if (op === 1) {
    lo = add64(lo, hi, 1, 0, 0);
    hi = rhi;
  } else if (op === 2) {
    lo = ~lo;
    hi = ~hi;
  } else if (op === 3) {
    lo = add64(~lo, ~hi, 1, 0, 0);
    hi = rhi;
  }
  setX(x, d, lo, insn < 0 ? hi : 0);
  return NEXT;
}
const CSEL: Handler = (c, i) => condSelect(c, i, 0);
const CSINC: Handler = (c, i) => condSelect(c, i, 1);
const CSINV: Handler = (c, i) => condSelect(c, i, 2);
const CSNEG: Handler = (c, i) => condSelect(c, i, 3);

/** MADD/MSUB. */
function mulAdd(c: Cpu, insn: number, sub: boolean): number {
  const x = c.x;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const a = (insn >>> 10) & 31;
  if (insn < 0) {
    let plo = mul64(xlo(x, n), xhi(x, n), xlo(x, m), xhi(x, m));
    let phi = rhi;
    if (sub) {
      plo = ~plo;
      phi = ~phi;
    }
    const lo = add64(xlo(x, a), xhi(x, a), plo, phi, sub ? 1 : 0);
    setX(x, d, lo, rhi);
  } else {
    const p = Math.imul(xlo(x, n), xlo(x, m));
    setX(x, d, sub ? (xlo(x, a) - p) | 0 : (xlo(x, a) + p) | 0, 0);
  }
  return NEXT;
}
const MADD: Handler = (c, i) => mulAdd(c, i, false);
const MSUB: Handler = (c, i) => mulAdd(c, i, true);

/** SMADDL/SMSUBL/UMADDL/UMSUBL: 32 x 32 -> 64 product plus or minus Xa. */
function mulAddLong(c: Cpu, insn: number, signed: boolean, sub: boolean): number {
  const x = c.x;
  const a = xlo(x, (insn >>> 5) & 31);
  const b = xlo(x, (insn >>> 16) & 31);
  const ra = (insn >>> 10) & 31;
  let plo = Math.imul(a, b);
  let phi = mulhu32(a, b);
  if (signed) phi = (phi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  if (sub) {
    plo = ~plo;
    phi = ~phi;
  }
  const lo = add64(xlo(x, ra), xhi(x, ra), plo, phi, sub ? 1 : 0);
  setX(x, insn & 31, lo, rhi);
  return NEXT;
}
const SMADDL: Handler = (c, i) => mulAddLong(c, i, true, false);
const SMSUBL: Handler = (c, i) => mulAddLong(c, i, true, true);
const UMADDL: Handler = (c, i) => mulAddLong(c, i, false, false);
const UMSUBL: Handler = (c, i) => mulAddLong(c, i, false, true);

function mulHigh(c: Cpu, insn: number, signed: boolean): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  const lo = (signed ? smulh : umulh)(xlo(x, n), xhi(x, n), xlo(x, m), xhi(x, m));
  setX(x, insn & 31, lo, rhi);
  return NEXT;
}
const SMULH: Handler = (c, i) => mulHigh(c, i, true);
const UMULH: Handler = (c, i) => mulHigh(c, i, false);

function divide(c: Cpu, insn: number, signed: boolean): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  if (insn < 0) {
    const lo = (signed ? sdiv64 : udiv64)(xlo(x, n), xhi(x, n), xlo(x, m), xhi(x, m));
    setX(x, insn & 31, lo, rhi);
  } else {
    const a = xlo(x, n);
    const b = xlo(x, m);
    let r: number;
    if (b === 0) r = 0;
    else if (signed) r = (a / b) | 0; // -2^31 / -1 = 2^31 wraps to -2^31, as the architecture says
    else r = ((a >>> 0) / (b >>> 0)) | 0;
    setX(x, insn & 31, r, 0);
  }
  return NEXT;
}
const UDIV: Handler = (c, i) => divide(c, i, false);
const SDIV: Handler = (c, i) => divide(c, i, true);

/** LSLV/LSRV/ASRV/RORV: shift by Rm modulo the register size. */
function shiftVar(c: Cpu, insn: number, type: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  const amt = xlo(x, (insn >>> 16) & 31);
  if (insn < 0) {
    const lo = shift64(type, xlo(x, n), xhi(x, n), amt & 63);
    setX(x, insn & 31, lo, rhi);
  } else setX(x, insn & 31, shift32(type, xlo(x, n), amt & 31), 0);
  return NEXT;
}
const LSLV: Handler = (c, i) => shiftVar(c, i, 0);
const LSRV: Handler = (c, i) => shiftVar(c, i, 1);
const ASRV: Handler = (c, i) => shiftVar(c, i, 2);
const RORV: Handler = (c, i) => shiftVar(c, i, 3);

function crc(c: Cpu, insn: number, table: Int32Array): number {
  const x = c.x;
  const m = (insn >>> 16) & 31;
  const sz = (insn >>> 10) & 3;
  let acc = xlo(x, (insn >>> 5) & 31);
  if (sz === 3) {
    acc = crcBytes(table, acc, xlo(x, m), 4);
    acc = crcBytes(table, acc, xhi(x, m), 4);
  } else acc = crcBytes(table, acc, xlo(x, m), 1 << sz);
  setX(x, insn & 31, acc, 0);
  return NEXT;
}
const CRC32: Handler = (c, i) => crc(c, i, CRC32_TABLE);
const CRC32C: Handler = (c, i) => crc(c, i, CRC32C_TABLE);

function RBIT(c: Cpu, insn: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  if (insn < 0) setX(x, insn & 31, rbit32(xhi(x, n)), rbit32(xlo(x, n)));
  else setX(x, insn & 31, rbit32(xlo(x, n)), 0);
  return NEXT;
}

function REV16(c: Cpu, insn: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  setX(x, insn & 31, rev16(xlo(x, n)), insn < 0 ? rev16(xhi(x, n)) : 0);
  return NEXT;
}

function REV32(c: Cpu, insn: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  setX(x, insn & 31, bswap32(xlo(x, n)), bswap32(xhi(x, n)));
  return NEXT;
}

function REV(c: Cpu, insn: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  if (insn < 0) setX(x, insn & 31, bswap32(xhi(x, n)), bswap32(xlo(x, n)));
  else setX(x, insn & 31, bswap32(xlo(x, n)), 0);
  return NEXT;
}

function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function CLZ(c: Cpu, insn: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  setX(x, insn & 31, insn < 0 ? clz64(xlo(x, n), xhi(x, n)) : Math.clz32(xlo(x, n)), 0);
  return NEXT;
}

function CLS(c: Cpu, insn: number): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  let r: number;
  if (insn < 0) {
    const lo = xlo(x, n);
    const hi = xhi(x, n);
    // CLS(x) = CLZ(x XOR (x >> 1)) - 1, the shift arithmetic.
    r = clz64(lo ^ ((lo >>> 1) | (hi << 31)), hi ^ (hi >> 1)) - 1;
  } else {
    const v = xlo(x, n);
    r = Math.clz32(v ^ (v >> 1)) - 1;
  }
  setX(x, insn & 31, r, 0);
  return NEXT;
}

export const DP_EXEC: Readonly<Record<string, Handler>> = {
  ADR, ADRP, ADD_i, ADDS_i, SUB_i, SUBS_i, AND_i, ORR_i, EOR_i, ANDS_i, MOVN, MOVZ, MOVK, SBFM, BFM, UBFM, EXTR,
  UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32, CRC32C, RBIT, REV16, REV32, REV, CLZ, CLS,
  AND_r, BIC_r, ORR_r, ORN_r, EOR_r, EON_r, ANDS_r, BICS_r, ADD_r, ADDS_r, SUB_r, SUBS_r, ADD_x, ADDS_x, SUB_x, SUBS_x,
  ADC, ADCS, SBC, SBCS, CCMN_r, CCMN_i, CCMP_r, CCMP_i, CSEL, CSINC, CSINV, CSNEG,
  MADD, MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH,
};
