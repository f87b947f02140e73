/**
 * Semantics of the Branches, Exception Generating and System class, keyed by the pattern names
 * of a64-decode.ts (Arm ARM C6.2, D1.10, D13; checked against QEMU's translate-a64.c and KVM's
 * handling of the instructions it traps: HVC, SMC, WFI/WFE, system registers).
 *
 * System registers: MRS/MSR reach, in this order, the PSTATE and core registers (NZCV, DAIF,
 * CurrentEL, SPSel, ELR_EL1, SPSR_EL1, SP_EL0, FPCR, FPSR, ISR_EL1), the CPU's hooks
 * (Cpu.registerSysReg: timer, GIC CPU interface), then the rows of sysregs.ts. An encoding none
 * of them knows is UNDEFINED (KVM injects UNDEFINED for unknown system registers too).
 */
import type { Cpu } from './cpu';
import { SYSREG_OK, SYSREG_UNDEF } from './sysreg-hook';
import { R_PC, R_ELR_EL1, R_SPSR, R_FPCR, R_FPSR, R_VSE } from './reg-file';
import { SYSREGS, sysregEncoding, sysregWord } from './sysregs';
import { type Handler, NEXT, JUMP, STOP, RESYNC } from './a64-handler';
import { addOffset, lastHi, conditionHolds, xlo, xhi, setX } from './a64-exec-dp';
import {
  ESR_ELx_EC_SHIFT, ESR_ELx_IL, ESR_ELx_EC_SVC64, ESR_ELx_EC_FP_ASIMD, ESR_ELx_EC_BRK64, ESR_ELx_EC_WFx, ESR_ELx_EC_SYS64,
  ESR_ELx_WFx_ISS_WFI, ESR_ELx_WFx_ISS_WFE,
  PSR_DAIF_MASK, PSR_IL_BIT, PSR_SS_BIT, PSR_MODE_MASK, PSR_A_BIT, PSR_I_BIT, PSR_F_BIT,
  VECTOR_SYNC, SCTLR_EL1_UMA, SCTLR_EL1_NTWI, SCTLR_EL1_NTWE, SCTLR_EL1_UCI, SCTLR_EL1_DZE, SCTLR_EL1_UCT,
  DC_ZVA_BYTES,
} from './arm-constants';

// ---------------------------------------------------------------------------------------------
// Branches

function jumpRel(c: Cpu, off: number): number {
  const x = c.x;
  x[R_PC] = addOffset(x[R_PC], x[R_PC + 1], off);
  x[R_PC + 1] = lastHi();
  return JUMP;
}

/** X30 (words 60, 61) = PC + 4. */
function link(c: Cpu): void {
  const x = c.x;
  x[60] = addOffset(x[R_PC], x[R_PC + 1], 4);
  x[61] = lastHi();
}

const B: Handler = (c, i) => jumpRel(c, (i << 6) >> 4);
const BL: Handler = (c, i) => {
  link(c);
  return jumpRel(c, (i << 6) >> 4);
};
const B_cond: Handler = (c, i) => (conditionHolds(c, i & 15) ? jumpRel(c, ((i << 8) >> 13) << 2) : NEXT);

function compareBranch(c: Cpu, insn: number, nonzero: boolean): number {
  const x = c.x;
  const t = insn & 31;
  const v = insn < 0 ? xlo(x, t) | xhi(x, t) : xlo(x, t);
  return (v !== 0) === nonzero ? jumpRel(c, ((insn << 8) >> 13) << 2) : NEXT;
}
const CBZ: Handler = (c, i) => compareBranch(c, i, false);
const CBNZ: Handler = (c, i) => compareBranch(c, i, true);

function testBranch(c: Cpu, insn: number, nonzero: boolean): number {
  const x = c.x;
  const t = insn & 31;
  const bit = ((insn >>> 26) & 32) | ((insn >>> 19) & 31);
  const v = bit < 32 ? (xlo(x, t) >>> bit) & 1 : (xhi(x, t) >>> (bit - 32)) & 1;
  return (v !== 0) === nonzero ? jumpRel(c, ((insn << 13) >> 18) << 2) : NEXT;
}
const TBZ: Handler = (c, i) => testBranch(c, i, false);
const TBNZ: Handler = (c, i) => testBranch(c, i, true);

function branchReg(c: Cpu, insn: number, withLink: boolean): number {
  const x = c.x;
  const n = (insn >>> 5) & 31;
  const lo = xlo(x, n);
  const hi = xhi(x, n);
  if (withLink) link(c);
  x[R_PC] = lo;
  x[R_PC + 1] = hi;
  return JUMP;
}
const BR: Handler = (c, i) => branchReg(c, i, false);
const BLR: Handler = (c, i) => branchReg(c, i, true);
const RET: Handler = (c, i) => branchReg(c, i, false);

/**
 * ERET: PSTATE from SPSR_EL1, PC from ELR_EL1. A return to a mode this CPU cannot enter
 * (AArch32, EL2/EL3, a reserved M value) is an illegal exception return: PC and the flags/masks
 * still come from ELR/SPSR, the EL and SP selection stay, and PSTATE.IL = 1, so the next
 * instruction takes an Illegal Execution state exception (Arm ARM D1.11.3).
 */
const ERET: Handler = (c) => {
  if (c.el === 0) return c.undef();
  const x = c.x;
  const spsr = x[R_SPSR];
  const m = spsr & PSR_MODE_MASK;
  if (m === 0 || m === 4 || m === 5) {
    c.el = m >> 2;
    c.spsel = m & 1;
    c.il = spsr & PSR_IL_BIT;
  } else c.il = PSR_IL_BIT;
  c.setNzcv(spsr);
  c.daif = spsr & PSR_DAIF_MASK;
  c.ss = spsr & PSR_SS_BIT;
  c.selectSp();
  c.sctlrChanged();
  c.exActive = false;
  c.event = true;
  x[R_PC] = x[R_ELR_EL1];
  x[R_PC + 1] = x[R_ELR_EL1 + 1];
  return RESYNC;
};

// ---------------------------------------------------------------------------------------------
// Exception generation

const SVC: Handler = (c, i) => {
  const x = c.x;
  const lo = addOffset(x[R_PC], x[R_PC + 1], 4);
  return c.enterException(VECTOR_SYNC, true, (ESR_ELx_EC_SVC64 << ESR_ELx_EC_SHIFT) | ESR_ELx_IL | ((i >>> 5) & 0xffff), lo, lastHi());
};

/** HVC: UNDEFINED at EL0; at EL1 it traps to the hypervisor, i.e. to the VMM (§14.1). */
const HVC: Handler = (c, i) => {
  if (c.el === 0) return c.undef();
  c.advancePc();
  c.stop = { kind: 'hvc', imm: (i >>> 5) & 0xffff };
  return STOP;
};

/** SMC: UNDEFINED at EL0; at EL1 KVM traps it (HCR_EL2.TSC) and advances the PC by 4 (§14.1). */
const SMC: Handler = (c, i) => {
  if (c.el === 0) return c.undef();
  c.advancePc();
  c.stop = { kind: 'smc', imm: (i >>> 5) & 0xffff };
  return STOP;
};

/** BRK: EC 0x3C, ISS = imm16; ELR is the BRK itself. */
const BRK: Handler = (c, i) => c.syncException(ESR_ELx_EC_BRK64, (i >>> 5) & 0xffff);

/** HLT: halting debug is never enabled (EDSCR.HDE = 0), so UNDEFINED. */
const HLT: Handler = (c) => c.undef();

// ---------------------------------------------------------------------------------------------
// Hints and barriers

const NOP: Handler = () => NEXT;

/** WFI: trapped to EL1 from EL0 unless SCTLR_EL1.nTWI; otherwise KVM's trap, a stop for the VMM. */
const WFI: Handler = (c) => {
  if (c.el === 0 && (c.sctlr & SCTLR_EL1_NTWI) === 0) return c.syncException(ESR_ELx_EC_WFx, ESR_ELx_WFx_ISS_WFI);
  c.advancePc();
  c.stop = { kind: 'wfi' };
  return STOP;
};

/** WFE: consumes the event register if set; otherwise as WFI (SCTLR_EL1.nTWE at EL0). */
const WFE: Handler = (c) => {
  if (c.event) {
    c.event = false;
    return NEXT;
  }
  if (c.el === 0 && (c.sctlr & SCTLR_EL1_NTWE) === 0) return c.syncException(ESR_ELx_EC_WFx, ESR_ELx_WFx_ISS_WFE);
  c.advancePc();
  c.stop = { kind: 'wfe' };
  return STOP;
};

const SEV: Handler = (c) => {
  c.event = true;
  if (c.onSev !== null) c.onSev();
  return NEXT;
};
const SEVL: Handler = (c) => {
  c.event = true;
  return NEXT;
};
const CLREX: Handler = (c) => {
  c.exActive = false;
  return NEXT;
};
const DMB: Handler = (c) => {
  c.barrier();
  return NEXT;
};
/** ISB: the decode cache checks every instruction word, so nothing is stale to discard. */
const ISB: Handler = () => NEXT;

// ---------------------------------------------------------------------------------------------
// PSTATE and system register access

/** ESR ISS of a trapped MSR/MRS/SYS (EC 0x18): Op0, Op2, Op1, CRn, Rt, CRm, direction. */
function sys64Iss(insn: number, read: boolean): number {
  const op0 = (insn >>> 19) & 3;
  const op1 = (insn >>> 16) & 7;
  const crn = (insn >>> 12) & 15;
  const crm = (insn >>> 8) & 15;
  const op2 = (insn >>> 5) & 7;
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | ((insn & 31) << 5) | (crm << 1) | (read ? 1 : 0);
}

function trapSys(c: Cpu, insn: number, read: boolean): number {
  return c.syncException(ESR_ELx_EC_SYS64, sys64Iss(insn, read));
}

const MSR_i_SPSEL: Handler = (c, i) => {
  if (c.el === 0) return c.undef();
  c.spsel = (i >>> 8) & 1;
  c.selectSp();
  c.advancePc();
  return RESYNC;
};

function daifImm(c: Cpu, insn: number, set: boolean): number {
  if (c.el === 0 && (c.sctlr & SCTLR_EL1_UMA) === 0) return trapSys(c, insn, false);
  const bits = ((insn >>> 8) & 15) << 6;
  c.daif = set ? c.daif | bits : c.daif & ~bits;
  c.advancePc();
  return RESYNC;
}
const MSR_i_DAIFSET: Handler = (c, i) => daifImm(c, i, true);
const MSR_i_DAIFCLR: Handler = (c, i) => daifImm(c, i, false);

/**
 * A special (PSTATE or core) register. read: the value into c.vLo/vHi and NEXT, or a fault's
 * code. write: NEXT, CHANGED (PSTATE changed: the handler advances the PC and resyncs), or a
 * fault's code.
 */
interface Special {
  read(c: Cpu, insn: number): number;
  write(c: Cpu, insn: number, lo: number, hi: number): number;
}

const CHANGED = 4;
const el1Only = (c: Cpu) => c.el === 0;
const W_SCTLR = sysregWord('SCTLR_EL1');
const W_VBAR = sysregWord('VBAR_EL1');
const W_DCZID = sysregWord('DCZID_EL0');
const W_CTR = sysregWord('CTR_EL0');
const W_TPIDRRO = sysregWord('TPIDRRO_EL0');
const W_MPIDR = sysregWord('MPIDR_EL1');

function ok(c: Cpu, lo: number, hi: number): number {
  c.vLo = lo;
  c.vHi = hi;
  return NEXT;
}

// FPCR/FPSR bits kept on write, as QEMU 7.2 does for a Cortex-A57 (no FP16, no trap enables):
// FPCR AHP, DN, FZ, RMode, Stride, Len; FPSR NZCV, QC and the cumulative exception flags.
const FPCR_MASK = 0x07f70000 | 0;
const FPSR_MASK = 0xf800009f | 0;
const W_CPACR = sysregWord('CPACR_EL1');

/** CPACR_EL1.FPEN traps FP/SIMD register access: 0b00/0b10 everywhere, 0b01 at EL0. */
function fpTrapped(c: Cpu): boolean {
  const fpen = (c.x[W_CPACR] >>> 20) & 3;
  return fpen === 0 || fpen === 2 || (fpen === 1 && c.el === 0);
}

/** EC 0x07 (access to SIMD/FP trapped), ISS CV = 1, COND = 0b1110 as from AArch64. */
function fpTrap(c: Cpu): number {
  return c.syncException(ESR_ELx_EC_FP_ASIMD, ESR_ELx_WFx_ISS_WFI);
}

const SPECIAL = new Map<number, Special>([
  [sysregEncoding(3, 3, 4, 2, 0), { // NZCV
    read: (c) => ok(c, c.nzcv(), 0),
    write: (c, _i, lo) => (c.setNzcv(lo), NEXT),
  }],
  [sysregEncoding(3, 3, 4, 2, 1), { // DAIF: EL0 only with SCTLR_EL1.UMA, else trapped
    read: (c, i) => (c.el === 0 && (c.sctlr & SCTLR_EL1_UMA) === 0 ? trapSys(c, i, true) : ok(c, c.daif, 0)),
    write: (c, i, lo) => {
      if (c.el === 0 && (c.sctlr & SCTLR_EL1_UMA) === 0) return trapSys(c, i, false);
      c.daif = lo & PSR_DAIF_MASK;
      return CHANGED;
    },
  }],
  [sysregEncoding(3, 0, 4, 2, 2), { // CurrentEL (read-only)
    read: (c) => (el1Only(c) ? c.undef() : ok(c, c.el << 2, 0)),
    write: (c) => c.undef(),
  }],
  [sysregEncoding(3, 0, 4, 2, 0), { // SPSel
    read: (c) => (el1Only(c) ? c.undef() : ok(c, c.spsel, 0)),
    write: (c, _i, lo) => {
      if (el1Only(c)) return c.undef();
      c.spsel = lo & 1;
      c.selectSp();
      return CHANGED;
    },
  }],
  [sysregEncoding(3, 0, 4, 0, 1), coreReg(R_ELR_EL1)], // ELR_EL1
  [sysregEncoding(3, 0, 4, 0, 0), coreReg(R_SPSR)], // SPSR_EL1
  [sysregEncoding(3, 0, 4, 1, 0), { // SP_EL0: UNDEFINED at EL0, and while SPSel = 0 (it is SP)
    read: (c) => (c.el === 0 || c.spsel === 0 ? c.undef() : ok(c, c.x[c.spEl0Word()], c.x[c.spEl0Word() + 1])),
    write: (c, _i, lo, hi) => {
      if (c.el === 0 || c.spsel === 0) return c.undef();
      c.x[c.spEl0Word()] = lo;
      c.x[c.spEl0Word() + 1] = hi;
      return NEXT;
    },
  }],
  [sysregEncoding(3, 3, 4, 4, 0), { // FPCR, subject to CPACR_EL1.FPEN
    read: (c) => (fpTrapped(c) ? fpTrap(c) : ok(c, c.x[R_FPCR], 0)),
    write: (c, _i, lo) => (fpTrapped(c) ? fpTrap(c) : ((c.x[R_FPCR] = lo & FPCR_MASK), NEXT)),
  }],
  [sysregEncoding(3, 3, 4, 4, 1), { // FPSR, subject to CPACR_EL1.FPEN
    read: (c) => (fpTrapped(c) ? fpTrap(c) : ok(c, c.x[R_FPSR], 0)),
    write: (c, _i, lo) => (fpTrapped(c) ? fpTrap(c) : ((c.x[R_FPSR] = lo & FPSR_MASK), NEXT)),
  }],
  [sysregEncoding(3, 0, 12, 1, 0), { // ISR_EL1: pending SError (A), IRQ (I), FIQ (F)
    read: (c) => (el1Only(c) ? c.undef() : ok(c, (c.x[R_VSE] !== 0 ? PSR_A_BIT : 0) | (c.irqLine ? PSR_I_BIT : 0) | (c.fiqLine ? PSR_F_BIT : 0), 0)),
    write: (c) => c.undef(),
  }],
]);

function coreReg(w: number): Special {
  return {
    read: (c) => (el1Only(c) ? c.undef() : ok(c, c.x[w], c.x[w + 1])),
    write: (c, _i, lo, hi) => {
      if (el1Only(c)) return c.undef();
      c.x[w] = lo;
      c.x[w + 1] = hi;
      return NEXT;
    },
  };
}

/** SPECIAL by encoding as a dense table (MRS/MSR of TPIDR_EL1 and friends are hot in Linux). */
const SPECIAL_LIST: Special[] = [...SPECIAL.values()];
const SPECIAL_ID = new Uint8Array(1 << 16);
[...SPECIAL.keys()].forEach((enc, i) => (SPECIAL_ID[enc] = i + 1));

/** Table rows by encoding: index + 1 into SYSREGS, 0 if none. */
const ROW_BY_ENCODING = new Int16Array(1 << 16);
SYSREGS.forEach((r, i) => (ROW_BY_ENCODING[r.encoding] = i + 1));

/** Registers the guest may only read (MSR is UNDEFINED): ID space, cache ID, MPIDR, OSLSR. */
function guestReadOnly(kind: string, word: number): boolean {
  return kind !== 'rw' || word === W_MPIDR;
}

/** MRS through a hook: the hook may change the interrupt lines, so resync afterwards. */
function readHook(c: Cpu, enc: number, insn: number): number {
  const r = c.sysregHooks.get(enc)!.read(c.el, c.hookOut);
  if (r !== SYSREG_OK) return r === SYSREG_UNDEF ? c.undef() : trapSys(c, insn, true);
  setX(c.x, insn & 31, c.hookOut[0], c.hookOut[1]);
  c.advancePc();
  return RESYNC;
}

/** MRS of a sysregs.ts row into c.vLo/vHi (NEXT), or a fault. */
function readRow(c: Cpu, enc: number, insn: number): number {
  const ri = ROW_BY_ENCODING[enc];
  if (ri === 0) {
    // Unallocated encodings of the ID space (op0 3, op1 0, CRn 0, CRm 1-7) are RAZ at EL1 (Arm
    // ARM D17.1.1; QEMU and KVM agree), so an OS can probe newer ID registers.
    return (enc & 0xff80) === 0xc000 && (enc & 0x78) !== 0 && c.el !== 0 ? ok(c, 0, 0) : c.undef();
  }
  const row = SYSREGS[ri - 1];
  const w = row.word;
  if (c.el === 0) {
    if (row.el !== 0) return c.undef();
    if (w === W_CTR && (c.sctlr & SCTLR_EL1_UCT) === 0) return trapSys(c, insn, true);
  }
  let lo = c.x[w];
  // DCZID_EL0.DZP reads 1 where DC ZVA is prohibited (EL0 with SCTLR_EL1.DZE = 0).
  if (w === W_DCZID && c.el === 0 && (c.sctlr & SCTLR_EL1_DZE) === 0) lo |= 0x10;
  return ok(c, lo, c.x[w + 1]);
}

const MRS: Handler = (c, insn) => {
  const enc = (insn >>> 5) & 0xffff;
  const si = SPECIAL_ID[enc];
  if (si === 0 && c.hookFlag[enc] !== 0) return readHook(c, enc, insn);
  const rc = si !== 0 ? SPECIAL_LIST[si - 1].read(c, insn) : readRow(c, enc, insn);
  if (rc !== NEXT) return rc;
  setX(c.x, insn & 31, c.vLo, c.vHi);
  return NEXT;
};

const MSR_r: Handler = (c, insn) => {
  const x = c.x;
  const enc = (insn >>> 5) & 0xffff;
  const t = insn & 31;
  const lo = xlo(x, t);
  const hi = xhi(x, t);
  const si = SPECIAL_ID[enc];
  if (si !== 0) {
    const rc = SPECIAL_LIST[si - 1].write(c, insn, lo, hi);
    if (rc !== CHANGED) return rc;
    c.advancePc();
    return RESYNC;
  }
  if (c.hookFlag[enc] !== 0) {
    const r = c.sysregHooks.get(enc)!.write(c.el, lo, hi);
    if (r !== SYSREG_OK) return r === SYSREG_UNDEF ? c.undef() : trapSys(c, insn, false);
    c.advancePc();
    return RESYNC;
  }
  const ri = ROW_BY_ENCODING[enc];
  if (ri === 0) return c.undef();
  const row = SYSREGS[ri - 1];
  const w = row.word;
  if (guestReadOnly(row.kind, w)) return c.undef();
  if (c.el === 0 && (row.el !== 0 || w === W_TPIDRRO)) return c.undef();
  // VBAR_EL1 bits 10:0 are RES0; like QEMU only bits 4:0 read as zero.
  x[w] = w === W_VBAR ? lo & ~0x1f : lo;
  x[w + 1] = hi;
  if (w === W_SCTLR) {
    c.sctlrChanged();
    c.advancePc();
    return RESYNC;
  }
  return NEXT;
};

// ---------------------------------------------------------------------------------------------
// SYS: cache maintenance, address translation, TLB maintenance. Keyed by op1:CRn:CRm:op2.

const sysKey = (op1: number, crn: number, crm: number, op2: number) => (op1 << 11) | (crn << 7) | (crm << 3) | op2;

type SysOp = (c: Cpu, insn: number) => number;

/** DC by VA that only needs the address checked (clean/invalidate to PoC/PoU). */
function dcByVa(el0Allowed: boolean): SysOp {
  return (c, insn) => {
    if (c.el === 0) {
      if (!el0Allowed) return c.undef();
      if ((c.sctlr & SCTLR_EL1_UCI) === 0) return trapSys(c, insn, false);
    }
    const t = insn & 31;
    return c.cacheMaintenance(xlo(c.x, t), xhi(c.x, t));
  };
}

/** DC ZVA: zeroes the naturally aligned 64-byte block (a write: WnR, dirty log, MMIO -> NISV). */
const DC_ZVA: SysOp = (c, insn) => {
  if (c.el === 0 && (c.sctlr & SCTLR_EL1_DZE) === 0) return trapSys(c, insn, false);
  const x = c.x;
  const t = insn & 31;
  const lo = xlo(x, t) & ~(DC_ZVA_BYTES - 1);
  const hi = xhi(x, t);
  const p = c.wrIdx(lo, hi, DC_ZVA_BYTES, 0, insn);
  if (p < 0) return -p;
  const v = c.wView!;
  v.u8.fill(0, p, p + DC_ZVA_BYTES);
  if (v.dirty !== null) c.markDirty(p, DC_ZVA_BYTES);
  return NEXT;
};

/** Set/way maintenance and IC invalidation: EL1 only, nothing to do (no caches are modelled). */
const el1Nop: SysOp = (c) => (c.el === 0 ? c.undef() : NEXT);

/** IC IVAU: EL0 under SCTLR_EL1.UCI; the decode cache is coherent by construction. */
const IC_IVAU: SysOp = (c, insn) => (c.el === 0 && (c.sctlr & SCTLR_EL1_UCI) === 0 ? trapSys(c, insn, false) : NEXT);

const W_PAR = sysregWord('PAR_EL1');

/**
 * AT S1E{0,1}{R,W}: with the MMU off the result is PA = VA, ATTR 0x00 (Device-nGnRnE), SH 0,
 * NS = 1 (bit 9), bit 11 RES1 (the value QEMU gives); an out-of-range address reports an
 * address size fault at level 0 in PAR_EL1.
 */
function at(c: Cpu, insn: number): number {
  if (c.el === 0) return c.undef();
  const x = c.x;
  const t = insn & 31;
  const lo = xlo(x, t);
  const hi = xhi(x, t);
  if (c.mmuOn) return c.internal('AT with SCTLR_EL1.M = 1: the stage-1 MMU is not implemented');
  if (hi >>> 0 >= c.paLimitHi) {
    x[W_PAR] = 1 | (1 << 11); // F = 1, FST = 0 (address size fault, level 0), bit 11 RES1
    x[W_PAR + 1] = 0;
  } else {
    x[W_PAR] = (lo & ~0xfff) | (1 << 11) | (1 << 9);
    x[W_PAR + 1] = hi & 0xffff;
  }
  return NEXT;
}

function tlbi(c: Cpu, insn: number): number {
  if (c.el === 0) return c.undef();
  if (c.onTlbi !== null) {
    const t = insn & 31;
    c.onTlbi((insn >>> 5) & 0x3fff, xlo(c.x, t), xhi(c.x, t));
  }
  return NEXT;
}

const SYS_OPS = new Map<number, SysOp>([
  [sysKey(0, 7, 6, 1), dcByVa(false)], // DC IVAC
  [sysKey(0, 7, 6, 2), el1Nop], // DC ISW
  [sysKey(0, 7, 10, 2), el1Nop], // DC CSW
  [sysKey(0, 7, 14, 2), el1Nop], // DC CISW
  [sysKey(3, 7, 4, 1), DC_ZVA], // DC ZVA
  [sysKey(3, 7, 10, 1), dcByVa(true)], // DC CVAC
  [sysKey(3, 7, 11, 1), dcByVa(true)], // DC CVAU
  [sysKey(3, 7, 14, 1), dcByVa(true)], // DC CIVAC
  [sysKey(0, 7, 1, 0), el1Nop], // IC IALLUIS
  [sysKey(0, 7, 5, 0), el1Nop], // IC IALLU
  [sysKey(3, 7, 5, 1), IC_IVAU], // IC IVAU
  [sysKey(0, 7, 8, 0), at], // AT S1E1R
  [sysKey(0, 7, 8, 1), at], // AT S1E1W
  [sysKey(0, 7, 8, 2), at], // AT S1E0R
  [sysKey(0, 7, 8, 3), at], // AT S1E0W
  // TLBI VMALLE1IS, VAE1IS, ASIDE1IS, VAAE1IS, VALE1IS, VAALE1IS and the local forms.
  ...[3, 7].flatMap((crm) => [0, 1, 2, 3, 5, 7].map((op2): [number, SysOp] => [sysKey(0, 8, crm, op2), tlbi])),
]);

const SYS: Handler = (c, insn) => {
  const op = SYS_OPS.get((insn >>> 5) & 0x3fff);
  return op === undefined ? c.undef() : op(c, insn);
};

export const SYSTEM_EXEC: Readonly<Record<string, Handler>> = {
  B, BL, B_cond, CBZ, CBNZ, TBZ, TBNZ, BR, BLR, RET, ERET,
  SVC, HVC, SMC, BRK, HLT,
  NOP, YIELD: NOP, WFI, WFE, SEV, SEVL, CLREX, DSB: DMB, DMB, ISB,
  MSR_i_SPSEL, MSR_i_DAIFSET, MSR_i_DAIFCLR, MRS, MSR_r, SYS,
};

