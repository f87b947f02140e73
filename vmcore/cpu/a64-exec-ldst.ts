/**
 * Semantics of the Loads and Stores class, keyed by the pattern names of a64-decode.ts
 * (Arm ARM C6.2; checked against QEMU's translate-a64.c, whose choices we follow where the
 * architecture is CONSTRAINED UNPREDICTABLE: a load with writeback into its own base register
 * writes the loaded value first and the writeback last; a store with writeback stores the
 * original base value).
 *
 * Alignment (checked against QEMU 7.2 -cpu cortex-a57 with the MMU off): ordinary loads/stores
 * and pairs are checked only when SCTLR_EL1.A = 1; exclusives, load-acquire/store-release and
 * LSE atomics always need natural alignment (alignment fault, DFSC 0x21). QEMU 7.2 does not treat
 * MMU-off data accesses as Device memory (which would fault every unaligned access, as hardware
 * does and QEMU >= 8.1 does), and neither do we. SP alignment checking (SCTLR_EL1.SA/SA0, EC
 * 0x26) is done as the Arm ARM says; QEMU does not implement it.
 *
 * Atomicity across vCPU threads: aligned 1/2/4/8-byte accesses are single accesses on the shared
 * memory (8-byte ones through a Float64Array element); exclusives and LSE atomics use Atomics on
 * it (BigInt64Array for 64-bit: BigInt only in those instructions). 128-bit pairs: see cpu.ts.
 */
import type { Cpu, RegionView } from './cpu';
import { R_PC } from './reg-file';
import { type Handler, NEXT, toBig, fromBig } from './a64-handler';
import { addOffset, add64, lastHi, extendReg } from './a64-exec-dp';

const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);

// Signed 9-bit offset forms of the single-register loads/stores.
const UNSCALED = 1; // LDUR/STUR, LDTR/STTR
const POST = 2;
const PRE = 3;
// Kinds.
const STORE = 0;
const LOAD = 1;
const LOADS = 2; // sign-extending: bit 22 set = 32-bit destination

/** True if Xn is SP, SP alignment checking is on and SP is not 16-byte aligned (EC 0x26). */
function spMisaligned(c: Cpu, n: number): boolean {
  return n === 31 && c.spCheck && (c.x[62] & 15) !== 0;
}

function writeLoaded(c: Cpu, t: number, size: number, ext: number): void {
  if (t === 31) return;
  const x = c.x;
  let v = c.vLo;
  if (ext === 0) {
    x[t << 1] = v;
    x[(t << 1) + 1] = c.vHi;
    return;
  }
  if (size === 1) v = (v << 24) >> 24;
  else if (size === 2) v = (v << 16) >> 16;
  x[t << 1] = v;
  x[(t << 1) + 1] = ext === 1 ? v >> 31 : 0;
}

/** Loads `1 << size` bytes at (lo, hi) into Rt: zero-extended (ext 0), sign-extended to 64 (1) or 32 (2). */
function loadReg(c: Cpu, t: number, lo: number, hi: number, size: number, ext: number, insn: number): number {
  const bytes = 1 << size;
  const p = c.rdIdx(lo, hi, bytes, (bytes - 1) & c.aMask, insn);
  if (p < 0) return -p;
  const v = c.rView!;
  const x = c.x;
  if (size === 3) {
    if ((p & 7) === 0) {
      F64[0] = v.f64[p >>> 3];
      if (t !== 31) {
        x[t << 1] = I32[0];
        x[(t << 1) + 1] = I32[1];
      }
    } else if (t !== 31) {
      x[t << 1] = v.dv.getInt32(p, true);
      x[(t << 1) + 1] = v.dv.getInt32(p + 4, true);
    }
    return NEXT;
  }
  let val = size === 2 ? v.dv.getInt32(p, true) : size === 0 ? v.u8[p] : v.dv.getUint16(p, true);
  if (t === 31) return NEXT;
  if (ext !== 0) {
    if (size === 0) val = (val << 24) >> 24;
    else if (size === 1) val = (val << 16) >> 16;
    x[t << 1] = val;
    x[(t << 1) + 1] = ext === 1 ? val >> 31 : 0;
  } else {
    x[t << 1] = val;
    x[(t << 1) + 1] = 0;
  }
  return NEXT;
}

/** Stores the low `1 << size` bytes of Rt (XZR for 31) at (lo, hi). */
function storeReg(c: Cpu, t: number, lo: number, hi: number, size: number, insn: number): number {
  const bytes = 1 << size;
  const p = c.wrIdx(lo, hi, bytes, (bytes - 1) & c.aMask, insn);
  if (p < 0) return -p;
  const v = c.wView!;
  const x = c.x;
  const vlo = t === 31 ? 0 : x[t << 1];
  if (size === 3) {
    const vhi = t === 31 ? 0 : x[(t << 1) + 1];
    if ((p & 7) === 0) {
      I32[0] = vlo;
      I32[1] = vhi;
      v.f64[p >>> 3] = F64[0];
    } else {
      v.dv.setInt32(p, vlo, true);
      v.dv.setInt32(p + 4, vhi, true);
    }
  } else if (size === 2) v.dv.setInt32(p, vlo, true);
  else if (size === 0) v.u8[p] = vlo;
  else v.dv.setUint16(p, vlo, true);
  if (v.dirty !== null) c.markDirty(p, bytes);
  return NEXT;
}

/** The extension of a load kind: LOAD zero-extends, LOADS by bit 22 (1 = to 32 bits). */
function ext(insn: number, kind: number): number {
  return kind === LOAD ? 0 : (insn & (1 << 22)) !== 0 ? 2 : 1;
}

/** Unsigned scaled 12-bit offset: LDR/STR/LDRS (immediate, unsigned offset). */
function ldstUimm(c: Cpu, insn: number, kind: number): number {
  const x = c.x;
  const size = insn >>> 30;
  const n = (insn >>> 5) & 31;
  let lo = x[n << 1];
  let hi = x[(n << 1) + 1];
  if (n === 31 && c.spCheck && (lo & 15) !== 0) return c.spAlignFault();
  const s = (lo >>> 0) + (((insn >>> 10) & 0xfff) << size);
  lo = s | 0;
  if (s > 0xffffffff) hi = (hi + 1) | 0;
  return kind === STORE ? storeReg(c, insn & 31, lo, hi, size, insn) : loadReg(c, insn & 31, lo, hi, size, ext(insn, kind), insn);
}

/** The signed 9-bit offset forms: unscaled (LDUR, LDTR), pre- and post-indexed. */
function ldstImm9(c: Cpu, insn: number, mode: number, kind: number): number {
  const x = c.x;
  const size = insn >>> 30;
  const n = (insn >>> 5) & 31;
  const blo = x[n << 1];
  const bhi = x[(n << 1) + 1];
  if (n === 31 && c.spCheck && (blo & 15) !== 0) return c.spAlignFault();
  const wlo = addOffset(blo, bhi, (insn << 11) >> 23);
  const whi = lastHi();
  const lo = mode === POST ? blo : wlo;
  const hi = mode === POST ? bhi : whi;
  const rc = kind === STORE ? storeReg(c, insn & 31, lo, hi, size, insn) : loadReg(c, insn & 31, lo, hi, size, ext(insn, kind), insn);
  if (rc !== NEXT || mode === UNSCALED) return rc;
  x[n << 1] = wlo;
  x[(n << 1) + 1] = whi;
  return NEXT;
}

/** Register offset: Xn + ExtendReg(Rm, option, S ? size : 0). */
function ldstReg(c: Cpu, insn: number, kind: number): number {
  const x = c.x;
  const size = insn >>> 30;
  const n = (insn >>> 5) & 31;
  const blo = x[n << 1];
  const bhi = x[(n << 1) + 1];
  if (n === 31 && c.spCheck && (blo & 15) !== 0) return c.spAlignFault();
  const olo = extendReg(x, (insn >>> 16) & 31, (insn >>> 13) & 7, (insn & (1 << 12)) !== 0 ? size : 0);
  const lo = add64(blo, bhi, olo, lastHi(), 0);
  const hi = lastHi();
  return kind === STORE ? storeReg(c, insn & 31, lo, hi, size, insn) : loadReg(c, insn & 31, lo, hi, size, ext(insn, kind), insn);
}

const STR_i: Handler = (c, i) => ldstUimm(c, i, STORE);
const LDR_i: Handler = (c, i) => ldstUimm(c, i, LOAD);
const LDRS_i: Handler = (c, i) => ldstUimm(c, i, LOADS);
const STUR: Handler = (c, i) => ldstImm9(c, i, UNSCALED, STORE);
const LDUR: Handler = (c, i) => ldstImm9(c, i, UNSCALED, LOAD);
const LDURS: Handler = (c, i) => ldstImm9(c, i, UNSCALED, LOADS);
const STR_post: Handler = (c, i) => ldstImm9(c, i, POST, STORE);
const LDR_post: Handler = (c, i) => ldstImm9(c, i, POST, LOAD);
const LDRS_post: Handler = (c, i) => ldstImm9(c, i, POST, LOADS);
const STR_pre: Handler = (c, i) => ldstImm9(c, i, PRE, STORE);
const LDR_pre: Handler = (c, i) => ldstImm9(c, i, PRE, LOAD);
const LDRS_pre: Handler = (c, i) => ldstImm9(c, i, PRE, LOADS);
// Unprivileged: with no stage-1 MMU, EL0 and EL1 permissions are the same (no PAN either).
const STTR: Handler = (c, i) => ldstImm9(c, i, UNSCALED, STORE);
const LDTR: Handler = (c, i) => ldstImm9(c, i, UNSCALED, LOAD);
const LDTRS: Handler = (c, i) => ldstImm9(c, i, UNSCALED, LOADS);
const STR_r: Handler = (c, i) => ldstReg(c, i, STORE);
const LDR_r: Handler = (c, i) => ldstReg(c, i, LOAD);
const LDRS_r: Handler = (c, i) => ldstReg(c, i, LOADS);
/** PRFM/PRFUM: hints; no access, no fault. */
const PRFM: Handler = () => NEXT;

function literal(c: Cpu, insn: number, size: number, ext: number): number {
  const x = c.x;
  const lo = addOffset(x[R_PC], x[R_PC + 1], ((insn << 8) >> 13) << 2);
  const hi = lastHi();
  const rc = c.load(lo, hi, size, (size - 1) & c.aMask, insn);
  if (rc !== 0) return rc;
  writeLoaded(c, insn & 31, size, ext);
  return NEXT;
}
const LDR_lit: Handler = (c, i) => literal(c, i, (i & (1 << 30)) !== 0 ? 8 : 4, 0);
const LDRSW_lit: Handler = (c, i) => literal(c, i, 4, 1);

/** Reads `size` (4 or 8) bytes at buffer index p of v into vLo/vHi of c. */
function readAt(c: Cpu, v: RegionView, p: number, size: number): void {
  if (size === 4) {
    c.vLo = v.dv.getInt32(p, true);
    c.vHi = 0;
  } else if ((p & 7) === 0) {
    F64[0] = v.f64[p >>> 3];
    c.vLo = I32[0];
    c.vHi = I32[1];
  } else {
    c.vLo = v.dv.getInt32(p, true);
    c.vHi = v.dv.getInt32(p + 4, true);
  }
}

function writeAt(v: RegionView, p: number, size: number, lo: number, hi: number): void {
  if (size === 4) v.dv.setInt32(p, lo, true);
  else if ((p & 7) === 0) {
    I32[0] = lo;
    I32[1] = hi;
    v.f64[p >>> 3] = F64[0];
  } else {
    v.dv.setInt32(p, lo, true);
    v.dv.setInt32(p + 4, hi, true);
  }
}

/** STP/LDP/LDPSW in all four modes (00 non-temporal offset, 01 post, 10 offset, 11 pre). */
function pair(c: Cpu, insn: number, load: boolean, signed: boolean): number {
  const x = c.x;
  const esize = insn < 0 ? 8 : 4;
  const mode = (insn >>> 23) & 3;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  const n = (insn >>> 5) & 31;
  const off = ((insn << 10) >> 25) * esize;
  const blo = x[n << 1];
  const bhi = x[(n << 1) + 1];
  if (n === 31 && c.spCheck && (blo & 15) !== 0) return c.spAlignFault();
  let lo = blo;
  let hi = bhi;
  if (mode !== 1) {
    lo = addOffset(blo, bhi, off);
    hi = lastHi();
  }
  const amask = (esize - 1) & c.aMask;
  if (load) {
    const p = c.rdIdx(lo, hi, 2 * esize, amask, insn);
    if (p < 0) return -p;
    const v = c.rView!;
    readAt(c, v, p, esize);
    const alo = c.vLo;
    const ahi = signed ? alo >> 31 : c.vHi;
    readAt(c, v, p + esize, esize);
    const clo = c.vLo;
    const chi = signed ? clo >> 31 : c.vHi;
    // Rt2 first: with Rt = Rt2 (CONSTRAINED UNPREDICTABLE) Rt gets the first value, as QEMU.
    if (t2 !== 31) {
      x[t2 << 1] = clo;
      x[(t2 << 1) + 1] = chi;
    }
    if (t !== 31) {
      x[t << 1] = alo;
      x[(t << 1) + 1] = ahi;
    }
  } else {
    const p = c.wrIdx(lo, hi, 2 * esize, amask, insn);
    if (p < 0) return -p;
    const v = c.wView!;
    writeAt(v, p, esize, t === 31 ? 0 : x[t << 1], t === 31 ? 0 : x[(t << 1) + 1]);
    writeAt(v, p + esize, esize, t2 === 31 ? 0 : x[t2 << 1], t2 === 31 ? 0 : x[(t2 << 1) + 1]);
    if (v.dirty !== null) c.markDirty(p, 2 * esize);
  }
  if (mode === 1) {
    x[n << 1] = addOffset(blo, bhi, off);
    x[(n << 1) + 1] = lastHi();
  } else if (mode === 3) {
    x[n << 1] = lo;
    x[(n << 1) + 1] = hi;
  }
  return NEXT;
}
const STP: Handler = (c, i) => pair(c, i, false, false);
const LDP: Handler = (c, i) => pair(c, i, true, false);
const LDPSW: Handler = (c, i) => pair(c, i, true, true);

// ---------------------------------------------------------------------------------------------
// Exclusives, acquire/release, compare-and-swap, atomics.

function LDXR(c: Cpu, insn: number): number {
  const x = c.x;
  const size = 1 << (insn >>> 30);
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const lo = x[n << 1];
  const hi = x[(n << 1) + 1];
  const p = c.rdIdx(lo, hi, size, size - 1, insn);
  if (p < 0) return -p;
  c.atomicLoad(p, size);
  c.exActive = true;
  c.exLo = lo;
  c.exHi = hi;
  c.exSize = size;
  c.exV0 = c.vLo;
  c.exV1 = c.vHi;
  if (t !== 31) {
    x[t << 1] = c.vLo;
    x[(t << 1) + 1] = c.vHi;
  }
  return NEXT;
}

function STXR(c: Cpu, insn: number): number {
  const x = c.x;
  const size = 1 << (insn >>> 30);
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const s = (insn >>> 16) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const lo = x[n << 1];
  const hi = x[(n << 1) + 1];
  let status = 1;
  // As QEMU: no monitor for this address and size means the store fails without an access.
  if (c.exActive && c.exLo === lo && c.exHi === hi && c.exSize === size) {
    const p = c.wrIdx(lo, hi, size, size - 1, insn);
    if (p < 0) return -p;
    const vlo = t === 31 ? 0 : x[t << 1];
    const vhi = t === 31 ? 0 : x[(t << 1) + 1];
    if (c.cas(p, size, c.exV0, c.exV1, vlo, vhi)) status = 0;
  }
  c.exActive = false;
  if (s !== 31) {
    x[s << 1] = status;
    x[(s << 1) + 1] = 0;
  }
  return NEXT;
}

function LDXP(c: Cpu, insn: number): number {
  const x = c.x;
  const esize = (insn & (1 << 30)) !== 0 ? 8 : 4;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const lo = x[n << 1];
  const hi = x[(n << 1) + 1];
  const p = c.rdIdx(lo, hi, 2 * esize, 2 * esize - 1, insn);
  if (p < 0) return -p;
  let a0: number, a1: number, b0: number, b1: number;
  if (esize === 4) {
    c.atomicLoad(p, 8);
    a0 = c.vLo;
    a1 = 0;
    b0 = c.vHi;
    b1 = 0;
  } else {
    c.atomicLoad(p, 8);
    a0 = c.vLo;
    a1 = c.vHi;
    c.atomicLoad(p + 8, 8);
    b0 = c.vLo;
    b1 = c.vHi;
  }
  c.exActive = true;
  c.exLo = lo;
  c.exHi = hi;
  c.exSize = 2 * esize;
  c.exV0 = a0;
  c.exV1 = esize === 4 ? b0 : a1;
  c.exV2 = b0;
  c.exV3 = b1;
  if (t !== 31) {
    x[t << 1] = a0;
    x[(t << 1) + 1] = a1;
  }
  if (t2 !== 31) {
    x[t2 << 1] = b0;
    x[(t2 << 1) + 1] = b1;
  }
  return NEXT;
}

function STXP(c: Cpu, insn: number): number {
  const x = c.x;
  const esize = (insn & (1 << 30)) !== 0 ? 8 : 4;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  const s = (insn >>> 16) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const lo = x[n << 1];
  const hi = x[(n << 1) + 1];
  let status = 1;
  if (c.exActive && c.exLo === lo && c.exHi === hi && c.exSize === 2 * esize) {
    const p = c.wrIdx(lo, hi, 2 * esize, 2 * esize - 1, insn);
    if (p < 0) return -p;
    const a0 = t === 31 ? 0 : x[t << 1];
    const a1 = t === 31 ? 0 : x[(t << 1) + 1];
    const b0 = t2 === 31 ? 0 : x[t2 << 1];
    const b1 = t2 === 31 ? 0 : x[(t2 << 1) + 1];
    if (esize === 4) {
      if (c.cas(p, 8, c.exV0, c.exV1, a0, b0)) status = 0;
    } else if (cas128(c, p, c.exV0, c.exV1, c.exV2, c.exV3, a0, a1, b0, b1)) status = 0;
  }
  c.exActive = false;
  if (s !== 31) {
    x[s << 1] = status;
    x[(s << 1) + 1] = 0;
  }
  return NEXT;
}

/**
 * 128-bit compare-and-swap at buffer index p of wView under the VM-wide lock; leaves the old
 * value in OLD128. True if it stored.
 */
const OLD128 = new Int32Array(4);
function cas128(c: Cpu, p: number, e0: number, e1: number, e2: number, e3: number, n0: number, n1: number, n2: number, n3: number): boolean {
  const v = c.wView!;
  const ok = c.withLock(() => {
    const i = p >>> 2;
    const m = v.i32;
    OLD128[0] = Atomics.load(m, i);
    OLD128[1] = Atomics.load(m, i + 1);
    OLD128[2] = Atomics.load(m, i + 2);
    OLD128[3] = Atomics.load(m, i + 3);
    if (OLD128[0] !== e0 || OLD128[1] !== e1 || OLD128[2] !== e2 || OLD128[3] !== e3) return false;
    Atomics.store(m, i, n0);
    Atomics.store(m, i + 1, n1);
    Atomics.store(m, i + 2, n2);
    Atomics.store(m, i + 3, n3);
    return true;
  });
  if (ok && v.dirty !== null) c.markDirty(p, 16);
  return ok;
}

/** LDAR (and LDAPR): naturally aligned; a plain aligned load is an acquire on the host. */
function loadAcquire(c: Cpu, insn: number): number {
  const x = c.x;
  const size = 1 << (insn >>> 30);
  const n = (insn >>> 5) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const p = c.rdIdx(x[n << 1], x[(n << 1) + 1], size, size - 1, insn);
  if (p < 0) return -p;
  c.atomicLoad(p, size);
  writeLoaded(c, insn & 31, size, 0);
  return NEXT;
}

/** STLR: naturally aligned store, then a full barrier (release, and RCsc against a later LDAR). */
function STLR(c: Cpu, insn: number): number {
  const x = c.x;
  const size = 1 << (insn >>> 30);
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const rc = c.store(x[n << 1], x[(n << 1) + 1], size, size - 1, insn, t === 31 ? 0 : x[t << 1], t === 31 ? 0 : x[(t << 1) + 1]);
  if (rc !== 0) return rc;
  c.barrier();
  return NEXT;
}

/** CAS{A,L,AL}{B,H,,}: Rs receives the old value; Rt is stored if the old value equals Rs. */
function CAS(c: Cpu, insn: number): number {
  const x = c.x;
  const size = 1 << (insn >>> 30);
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const s = (insn >>> 16) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const p = c.rmwIdx(x[n << 1], x[(n << 1) + 1], size, insn);
  if (p < 0) return -p;
  const v = c.wView!;
  const elo = s === 31 ? 0 : x[s << 1];
  const ehi = s === 31 ? 0 : x[(s << 1) + 1];
  const nlo = t === 31 ? 0 : x[t << 1];
  const nhi = t === 31 ? 0 : x[(t << 1) + 1];
  let olo: number;
  let ohi = 0;
  if (size === 4) olo = Atomics.compareExchange(v.i32, p >>> 2, elo, nlo);
  else if (size === 8) {
    fromBig(c, Atomics.compareExchange(v.i64, p >>> 3, toBig(elo, ehi), toBig(nlo, nhi)));
    olo = c.vLo;
    ohi = c.vHi;
  } else if (size === 1) olo = Atomics.compareExchange(v.u8, p, elo & 0xff, nlo & 0xff);
  else olo = Atomics.compareExchange(v.u16, p >>> 1, elo & 0xffff, nlo & 0xffff);
  if (v.dirty !== null) c.markDirty(p, size);
  if (s !== 31) {
    x[s << 1] = olo;
    x[(s << 1) + 1] = ohi;
  }
  return NEXT;
}

/** CASP{A,L,AL} W/X pairs: even Rs/Rt (odd is UNDEFINED, as QEMU). */
function CASP(c: Cpu, insn: number): number {
  const x = c.x;
  const s = (insn >>> 16) & 31;
  const t = insn & 31;
  if ((s & 1) !== 0 || (t & 1) !== 0) return c.undef();
  const esize = (insn & (1 << 30)) !== 0 ? 8 : 4;
  const n = (insn >>> 5) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const p = c.rmwIdx(x[n << 1], x[(n << 1) + 1], 2 * esize, insn);
  if (p < 0) return -p;
  const r = (k: number, w: number) => (k === 31 ? 0 : x[(k << 1) + w]);
  let o0: number, o1: number, o2: number, o3: number;
  if (esize === 4) {
    const v = c.wView!;
    fromBig(c, Atomics.compareExchange(v.i64, p >>> 3, toBig(r(s, 0), r(s + 1, 0)), toBig(r(t, 0), r(t + 1, 0))));
    if (v.dirty !== null) c.markDirty(p, 8);
    o0 = c.vLo;
    o1 = 0;
    o2 = c.vHi;
    o3 = 0;
  } else {
    cas128(c, p, r(s, 0), r(s, 1), r(s + 1, 0), r(s + 1, 1), r(t, 0), r(t, 1), r(t + 1, 0), r(t + 1, 1));
    o0 = OLD128[0];
    o1 = OLD128[1];
    o2 = OLD128[2];
    o3 = OLD128[3];
  }
  x[s << 1] = o0;
  x[(s << 1) + 1] = o1;
  if (s + 1 !== 31) {
    x[(s + 1) << 1] = o2;
    x[((s + 1) << 1) + 1] = o3;
  }
  return NEXT;
}

// LSE read-modify-write operations.
const OP_ADD = 0;
const OP_CLR = 1;
const OP_EOR = 2;
const OP_SET = 3;
const OP_SMAX = 4;
const OP_SMIN = 5;
const OP_UMAX = 6;
const OP_UMIN = 7;
const OP_SWP = 8;

/** The new value of a min/max on `size`-byte values (old and operand zero-extended numbers). */
function minMax(op: number, old: number, val: number, size: number): number {
  let a = old;
  let b = val;
  if (op === OP_SMAX || op === OP_SMIN) {
    const sh = 32 - 8 * size;
    a = (a << sh) >> sh;
    b = (b << sh) >> sh;
  } else {
    a >>>= 0;
    b >>>= 0;
  }
  const pickOld = op === OP_SMAX || op === OP_UMAX ? a >= b : a <= b;
  return pickOld ? old : val;
}

function atomic32(arr: Int32Array | Uint16Array | Uint8Array, i: number, op: number, val: number, size: number): number {
  switch (op) {
    case OP_ADD:
      return Atomics.add(arr, i, val);
    case OP_CLR:
      return Atomics.and(arr, i, ~val);
    case OP_EOR:
      return Atomics.xor(arr, i, val);
    case OP_SET:
      return Atomics.or(arr, i, val);
    case OP_SWP:
      return Atomics.exchange(arr, i, val);
    default: {
      for (;;) {
        const old = Atomics.load(arr, i);
        if (Atomics.compareExchange(arr, i, old, minMax(op, old, val, size)) === old) return old;
      }
    }
  }
}

function atomic64(arr: BigInt64Array, i: number, op: number, val: bigint): bigint {
  switch (op) {
    case OP_ADD:
      return Atomics.add(arr, i, val);
    case OP_CLR:
      return Atomics.and(arr, i, ~val);
    case OP_EOR:
      return Atomics.xor(arr, i, val);
    case OP_SET:
      return Atomics.or(arr, i, val);
    case OP_SWP:
      return Atomics.exchange(arr, i, val);
    default: {
      const signed = op === OP_SMAX || op === OP_SMIN;
      const max = op === OP_SMAX || op === OP_UMAX;
      const b = signed ? val : BigInt.asUintN(64, val);
      for (;;) {
        const old = Atomics.load(arr, i);
        const a = signed ? old : BigInt.asUintN(64, old);
        const keep = max ? a >= b : a <= b;
        if (Atomics.compareExchange(arr, i, old, keep ? old : val) === old) return old;
      }
    }
  }
}

/** LD<op>{A,L,AL}{B,H,,} and SWP: Rt receives the old value (zero-extended); Rt = 31 discards. */
function atomicRmw(c: Cpu, insn: number, op: number): number {
  const x = c.x;
  const size = 1 << (insn >>> 30);
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const s = (insn >>> 16) & 31;
  if (spMisaligned(c, n)) return c.spAlignFault();
  const p = c.rmwIdx(x[n << 1], x[(n << 1) + 1], size, insn);
  if (p < 0) return -p;
  const v = c.wView!;
  const vlo = s === 31 ? 0 : x[s << 1];
  let olo: number;
  let ohi = 0;
  if (size === 4) olo = atomic32(v.i32, p >>> 2, op, vlo, 4);
  else if (size === 8) {
    fromBig(c, atomic64(v.i64, p >>> 3, op, toBig(vlo, s === 31 ? 0 : x[(s << 1) + 1])));
    olo = c.vLo;
    ohi = c.vHi;
  } else if (size === 1) olo = atomic32(v.u8, p, op, vlo & 0xff, 1);
  else olo = atomic32(v.u16, p >>> 1, op, vlo & 0xffff, 2);
  if (v.dirty !== null) c.markDirty(p, size);
  if (t !== 31) {
    x[t << 1] = olo;
    x[(t << 1) + 1] = ohi;
  }
  return NEXT;
}

export const LDST_EXEC: Readonly<Record<string, Handler>> = {
  STR_i, LDR_i, LDRS_i, PRFM_i: PRFM, STUR, LDUR, LDURS, PRFUM: PRFM,
  STR_post, LDR_post, LDRS_post, STR_pre, LDR_pre, LDRS_pre, STTR, LDTR, LDTRS,
  STR_r, LDR_r, LDRS_r, PRFM_r: PRFM, LDR_lit, LDRSW_lit, PRFM_lit: PRFM,
  STP, LDP, LDPSW,
  LDXR, STXR, LDXP, STXP, LDAR: loadAcquire, LDAPR: loadAcquire, STLR, CAS, CASP,
  LDADD: (c, i) => atomicRmw(c, i, OP_ADD),
  LDCLR: (c, i) => atomicRmw(c, i, OP_CLR),
  LDEOR: (c, i) => atomicRmw(c, i, OP_EOR),
  LDSET: (c, i) => atomicRmw(c, i, OP_SET),
  LDSMAX: (c, i) => atomicRmw(c, i, OP_SMAX),
  LDSMIN: (c, i) => atomicRmw(c, i, OP_SMIN),
  LDUMAX: (c, i) => atomicRmw(c, i, OP_UMAX),
  LDUMIN: (c, i) => atomicRmw(c, i, OP_UMIN),
  SWP: (c, i) => atomicRmw(c, i, OP_SWP),
};
