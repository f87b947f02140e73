/**
 * The emulated AArch64 vCPU (EL0/EL1, A64 integer ISA): the core of KVM_RUN.
 *
 * State lives in the shared RegFile (reg-file.ts). During run() some of it is cached in
 * fields (NZCV, the rest of PSTATE, SCTLR-derived checks; the run loop keeps the PC and NZCV in
 * locals, stored before anything that reads them) and the stack pointers are arranged so
 * that words 62/63 always hold the *current* SP: register 31 used as SP is then just X31 (the
 * banked SP_ELx is parked in words 68/69). Everything is flushed back to the canonical layout
 * before run() returns, so the RegFile is consistent whenever the vCPU is not running.
 *
 * The run loop is a64-run.ts. Instructions are fetched from guest RAM through a fetch window
 * (the RAM region under the PC within one 1 GiB chunk, later one MMU page) and dispatched
 * through a direct-mapped decode cache (Cpu.dc): one slot per instruction address modulo
 * DC_SIZE holds the word last decoded there and its dispatch id. A slot is reused only if the
 * word in memory is still the same, so guest, VMM or other-vCPU writes to code need no
 * invalidation at all (self-modifying code is always seen; this costs one compare per
 * instruction, less than decoding, measured with bench/cpu-loop.ts).
 *
 * Memory: MMU off for now (VA = PA; SCTLR_EL1.M = 1 without a `translate` hook stops with
 * 'internal'). Data accesses go through a one-region read window and a one-region write window
 * (rLo/wLo ...); anything else (another region, MMIO, faults) takes the slow path. Little-endian
 * only: SCTLR_EL1.EE/E0E are ignored (big-endian data accesses are not emulated).
 *
 * Exclusive monitor: per vCPU, {address, size, value(s) loaded}. STXR succeeds when the monitor
 * is armed for the same address and size AND memory still holds the value LDXR read, checked
 * and written with one Atomics.compareExchange on the shared memory (QEMU's TCG does the
 * same). A store by another vCPU that changes the value therefore fails the STXR; a store of the
 * same value does not (the ABA case, as in QEMU). The monitor is cleared by CLREX, STXR,
 * exception entry and ERET. 128-bit exclusives/CASP (X pairs) have no native 128-bit CAS: they
 * run under a lock shared by the VM's vCPUs (opts.atomicLock), atomic against each other but not
 * against plain stores of other vCPUs.
 */
import { RegFile, R_PC, R_PSTATE, R_SP_EL0, R_SP_EL1, R_ELR_EL1, R_SPSR, R_VSE, R_VSESR, R_EXT_DABT } from './reg-file';
import { sysregWord } from './sysregs';
import { FEAT_LSE, FEAT_CRC32, FEAT_LRCPC } from './a64-decode';
import { mmioSyndrome } from './a64-exec';
import { NEXT, STOP, RESYNC, toBig } from './a64-handler';
import { runLoop, DC_SIZE, OP_UNALLOCATED } from './a64-run';
import type { SysRegHook } from './sysreg-hook';
import {
  ESR_ELx_EC_SHIFT, ESR_ELx_IL, ESR_ELx_EC_UNKNOWN, ESR_ELx_EC_ILL, ESR_ELx_EC_IABT_LOW, ESR_ELx_EC_IABT_CUR,
  ESR_ELx_EC_PC_ALIGN, ESR_ELx_EC_DABT_LOW, ESR_ELx_EC_DABT_CUR, ESR_ELx_EC_SP_ALIGN, ESR_ELx_EC_SERROR,
  ESR_ELx_FSC_ADDRSZ, ESR_ELx_FSC_EXTABT, ESR_ELx_FSC_ALIGN, ESR_ELx_FSC_FAULT_L3, ESR_ELx_FSC_PERM_L3, ESR_ELx_WNR, ESR_ELx_CM,
  ESR_ELx_SSE, ESR_ELx_SF, ESR_ELx_SRT_SHIFT,
  PSR_MODE_MASK, PSR_DAIF_MASK, PSR_A_BIT, PSR_I_BIT, PSR_F_BIT, PSR_IL_BIT, PSR_SS_BIT,
  VECTOR_CURRENT_SP0, VECTOR_CURRENT_SPX, VECTOR_LOWER_A64, VECTOR_SYNC, VECTOR_IRQ, VECTOR_FIQ, VECTOR_SERROR,
  SCTLR_ELx_M, SCTLR_ELx_A, SCTLR_ELx_SA, SCTLR_EL1_SA0,
} from './arm-constants';

export interface CpuRegion {
  /** Guest physical address of the first byte. */
  base: number;
  size: number;
  mem: SharedArrayBuffer;
  /** Byte offset of the region in `mem`. */
  offset: number;
  readonly: boolean;
  /** KVM dirty bitmap for the region: bit i of word i >> 5 is page i (4 KiB) of the region. */
  dirty?: SharedArrayBuffer | Int32Array;
}

export type CpuStop =
  | { kind: 'budget' }
  | { kind: 'mmio'; addr: number; len: number; isWrite: boolean; dataLo: number; dataHi: number }
  | { kind: 'nisv'; addr: number; isWrite: boolean; esrIss: number }
  | { kind: 'hvc'; imm: number }
  | { kind: 'smc'; imm: number }
  | { kind: 'wfi' }
  | { kind: 'wfe' }
  | { kind: 'ifetch-mmio'; addr: number }
  | { kind: 'internal'; description: string };

export { type SysRegHook, SYSREG_OK, SYSREG_UNDEF, SYSREG_TRAP } from './sysreg-hook';

/**
 * Stage-1 translation hook for the MMU (not implemented yet). Returns the physical address, or
 * -1 after raising the fault itself (cpu.dataAbort / cpu.instructionAbort).
 */
export type TranslateFn = (cpu: Cpu, vaLo: number, vaHi: number, access: 'read' | 'write' | 'fetch', unprivileged: boolean) => number;

/** One RAM region with the views the CPU uses on its SharedArrayBuffer. */
export class RegionView {
  readonly base: number;
  readonly end: number;
  readonly size: number;
  readonly offset: number;
  readonly readonly: boolean;
  readonly dirty: Int32Array | null;
  readonly dv: DataView;
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;

  constructor(r: CpuRegion) {
    const ok = (v: number) => Number.isSafeInteger(v) && v >= 0 && v % 8 === 0;
    if (!ok(r.base) || !ok(r.size) || !ok(r.offset) || r.size === 0 || r.offset + r.size > r.mem.byteLength) {
      throw new Error(`CpuRegion ${r.base}+${r.size}: base, size and offset must be 8-byte aligned and inside mem`);
    }
    this.base = r.base;
    this.size = r.size;
    this.end = r.base + r.size;
    this.offset = r.offset;
    this.readonly = r.readonly;
    this.dirty = r.dirty === undefined ? null : r.dirty instanceof Int32Array ? r.dirty : new Int32Array(r.dirty);
    const len = r.mem.byteLength;
    this.dv = new DataView(r.mem);
    this.u8 = new Uint8Array(r.mem);
    this.u16 = new Uint16Array(r.mem, 0, len >>> 1);
    this.i32 = new Int32Array(r.mem, 0, len >>> 2);
    this.f64 = new Float64Array(r.mem, 0, Math.floor(len / 8));
    this.i64 = new BigInt64Array(r.mem, 0, Math.floor(len / 8));
  }
}

const NO_REGION: RegionView | null = null;
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);
const EMPTY_U16 = new Uint16Array(0);
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_DV = new DataView(new ArrayBuffer(0));
const TWO32 = 4294967296;
/**
 * The data fast paths handle accesses of at most this many bytes: a window's fast length stops
 * this far short of its end, so one bounds check covers the whole access.
 */
const FAST_ACCESS_MAX = 16;
/**
 * Fetch and data windows are at most one naturally aligned 1 GiB chunk of a region, so that
 * offsets and lengths in the run loop stay small integers (V8 int32 arithmetic).
 */
const CHUNK = 1 << 30;
/** run() executes at most this many instructions per call (int32 budget arithmetic). */
const MAX_BUDGET = 1 << 30;

const W_SCTLR = sysregWord('SCTLR_EL1');
const W_VBAR = sysregWord('VBAR_EL1');
const W_ESR = sysregWord('ESR_EL1');
const W_FAR = sysregWord('FAR_EL1');
const W_ISAR0 = sysregWord('ID_AA64ISAR0_EL1');
const W_ISAR1 = sysregWord('ID_AA64ISAR1_EL1');

export class Cpu {
  readonly regs: RegFile;
  /** The register file as 32-bit words: X[n] low at 2n, high at 2n + 1 (signed view). */
  readonly x: Int32Array;
  /** Running count of executed instructions (metrics, MIPS). */
  instructionsRetired = 0;
  /** Level inputs from the interrupt controller, sampled between instructions. */
  irqLine = false;
  fiqLine = false;
  /** Called when the guest executes SEV (wake the VM's other vCPUs from WFE). */
  onSev: (() => void) | null = null;
  /** Called for TLBI (no TLB until the MMU exists). `op` is the SYS encoding op1:CRn:CRm:op2. */
  onTlbi: ((op: number, argLo: number, argHi: number) => void) | null = null;
  /** Stage-1 translation, installed by the MMU when it exists. */
  translate: TranslateFn | null = null;

  // NZCV, kept apart so flag-setting instructions cost four stores: N is the sign of nf, Z is
  // zf === 0, C is cf (0/1), V is the sign of vf.
  nf = 0;
  zf = 1;
  cf = 0;
  vf = 0;
  /** Current exception level (0 or 1) and PSTATE.SP. */
  el = 1;
  spsel = 1;
  /** PSTATE.{D,A,I,F} in their SPSR positions (bits 9:6). */
  daif = PSR_DAIF_MASK;
  /** PSTATE.IL and PSTATE.SS in their SPSR positions. */
  il = 0;
  ss = 0;
  /** WFE event register. */
  event = false;

  /** FEAT_* bits from the ID registers (decode gating). */
  features = 0;
  /** -1 when SCTLR_EL1.A checks all data accesses for alignment, else 0. */
  aMask = 0;
  /** SP alignment checking (SCTLR_EL1.SA at EL1, SA0 at EL0). */
  spCheck = false;
  /** SCTLR_EL1 (low word) as last seen. */
  sctlr = 0;
  mmuOn = false;

  // Exclusive monitor (see the file comment).
  exActive = false;
  exLo = 0;
  exHi = 0;
  exSize = 0;
  exV0 = 0;
  exV1 = 0;
  exV2 = 0;
  exV3 = 0;

  /** Result of the last load (low and high word), and scratch for handlers. */
  vLo = 0;
  vHi = 0;
  /** The stop run() returns when a handler answers STOP. */
  stop: CpuStop = { kind: 'budget' };

  // Memory: regions, and the one-region windows of the data fast paths, as for the fetch
  // window: VA bits 63:32 = rHi and (VA bits 31:0 - rLo) >>> 0 < rLen means the access (of at
  // most FAST_ACCESS_MAX bytes) is at byte rOff + that offset of rView's buffer; rWin is the
  // whole window length (larger accesses). rLen = rWin = 0: no window (MMU on, or none yet).
  private regions: RegionView[] = [];
  rView: RegionView | null = NO_REGION;
  rLo = 0;
  rHi = 0;
  rLen = 0;
  rWin = 0;
  rOff = 0;
  wView: RegionView | null = NO_REGION;
  wLo = 0;
  wHi = 0;
  wLen = 0;
  wWin = 0;
  wOff = 0;
  private fView: RegionView | null = NO_REGION;
  // The views of rView/wView's buffer, for the run loop's fast paths (one field load each).
  rF64 = EMPTY_F64;
  rI32 = EMPTY_I32;
  rU16 = EMPTY_U16;
  rU8 = EMPTY_U8;
  rDv = EMPTY_DV;
  wF64 = EMPTY_F64;
  wI32 = EMPTY_I32;
  wU16 = EMPTY_U16;
  wU8 = EMPTY_U8;
  wDv = EMPTY_DV;
  wDirty: Int32Array | null = null;

  // Fetch window (run loop internals): [fLo, fLo + fLen) of PC bits 31:0 with PC bits 63:32 =
  // fHi, mapped to fMem words from fIdx.
  fMem: Int32Array = new Int32Array(0);
  fLo = 0;
  fHi = 0;
  fLen = 0;
  fIdx = 0;

  /**
   * The decode cache (a64-run.ts): slot k, for instruction words at fetch index k modulo DC_SIZE,
   * is dc[2k] = the word last decoded there and dc[2k + 1] = its dispatch id.
   */
  readonly dc = new Int32Array(2 * DC_SIZE);
  private fast = true;

  /** Address limit: accesses with PA bits 63:32 >= paLimitHi are address size faults. */
  readonly paLimitHi: number;
  private spSwapped = false;

  // Pending KVM_EXIT_MMIO completion.
  private mmioPending = false;
  private mmioIsWrite = false;
  private mmioRt = 31;
  private mmioLen = 0;
  private mmioSse = false;
  private mmioSf = false;
  /** Faulting virtual address of the last MMIO/NISV exit (FAR for an injected abort, §13.3). */
  private lastFarLo = 0;
  private lastFarHi = 0;

  /** System registers implemented outside the CPU, by encoding (see SysRegHook). */
  readonly sysregHooks = new Map<number, SysRegHook>();
  /** hookFlag[encoding] = 1 when sysregHooks has the encoding (keeps MRS/MSR fast). */
  readonly hookFlag = new Uint8Array(1 << 16);
  readonly hookOut = new Int32Array(2);
  private readonly lock: Int32Array;
  private readonly fence: Int32Array;

  constructor(regs: RegFile, opts: { ipaBits: number; atomicLock?: SharedArrayBuffer }) {
    if (!(opts.ipaBits >= 32 && opts.ipaBits <= 52)) throw new Error(`ipaBits ${opts.ipaBits} out of range`);
    this.regs = regs;
    this.x = regs.i32;
    this.paLimitHi = 2 ** (opts.ipaBits - 32);
    this.lock = new Int32Array(opts.atomicLock ?? new SharedArrayBuffer(4), 0, 1);
    this.fence = new Int32Array(new SharedArrayBuffer(4));
    this.flushDecodeCache();
  }

  /**
   * The inline fast paths of the run loop (a64-run.ts), on by default. Off, every instruction
   * runs through its pattern's semantics in A64_EXEC: differential tests compare the two.
   */
  get fastPaths(): boolean {
    return this.fast;
  }
  set fastPaths(on: boolean) {
    this.fast = on;
    this.flushDecodeCache();
  }

  private flushDecodeCache(): void {
    const dc = this.dc;
    for (let k = 0; k < dc.length; k += 2) {
      dc[k] = 0;
      dc[k + 1] = OP_UNALLOCATED; // word 0 (UDF #0) is unallocated
    }
  }

  /** Replaces the guest RAM map (between runs). */
  setMemory(regions: CpuRegion[]): void {
    const views = regions.map((r) => new RegionView(r));
    const sorted = [...views].sort((a, b) => a.base - b.base);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].base < sorted[i - 1].end) throw new Error('CpuRegion ranges overlap');
    }
    this.regions = views;
    this.setReadRegion(null);
    this.setWriteRegion(null);
    this.fView = null;
  }

  /** Sets both interrupt inputs (a convenience for the interrupt controller). */
  setIrqLine(irq: boolean, fiq: boolean): void {
    this.irqLine = irq;
    this.fiqLine = fiq;
  }

  registerSysReg(encoding: number, hook: SysRegHook): void {
    this.sysregHooks.set(encoding, hook);
    this.hookFlag[encoding & 0xffff] = 1;
  }

  /**
   * Runs at most `budget` instructions. Before anything else, injects a pending external data
   * abort (R_EXT_DABT, §13.5), then takes pending asynchronous exceptions (virtual SError from
   * R_VSE, FIQ, IRQ) whenever PSTATE allows, between instructions.
   */
  run(budget: number): CpuStop {
    const mode = this.x[R_PSTATE] & PSR_MODE_MASK;
    if (mode !== 0 && mode !== 4 && mode !== 5) {
      // KVM would not enter such a state either (§7.8: FAIL_ENTRY is the integrator's choice).
      return { kind: 'internal', description: `PSTATE mode 0x${mode.toString(16)} cannot be entered (AArch64 EL0/EL1 only)` };
    }
    this.enterRun();
    try {
      return runLoop(this, budget > 0 ? Math.min(budget, MAX_BUDGET) : 1);
    } finally {
      this.exitRun();
    }
  }

  /**
   * Completes the pending 'mmio' stop (§7.5): a read writes Rt (sign-extended if the load
   * was signed, to 64 bits or to 32 when the destination is a W register, and a W destination
   * zero-extends into the X register), then the PC moves past the instruction. Does nothing if
   * an external data abort is pending instead (R_EXT_DABT): the access is then not completed.
   */
  completeMmio(dataLo: number, dataHi: number): void {
    if (!this.mmioPending) return;
    this.mmioPending = false;
    const x = this.x;
    if (x[R_EXT_DABT] !== 0) return;
    if (!this.mmioIsWrite && this.mmioRt !== 31) {
      const len = this.mmioLen;
      let lo = dataLo | 0;
      let hi = dataHi | 0;
      if (len < 8) {
        hi = 0;
        if (len < 4) lo &= len === 1 ? 0xff : 0xffff;
      }
      if (this.mmioSse && len < 8) {
        const sh = 32 - 8 * len;
        lo = sh === 0 ? lo : (lo << sh) >> sh;
        hi = lo >> 31;
      }
      if (!this.mmioSf) hi = 0;
      x[2 * this.mmioRt] = lo;
      x[2 * this.mmioRt + 1] = hi;
    }
    this.advancePc();
  }

  // ---------------------------------------------------------------------------------------
  // Run loop services (a64-run.ts).

  /** Takes a pending asynchronous exception (or the Illegal Execution state one) if allowed. */
  checkAsync(): void {
    const x = this.x;
    const daif = this.daif;
    if (x[R_VSE] !== 0 && (daif & PSR_A_BIT) === 0) {
      // §13.4: EC 0x2F, IL, ISS from VSESR (the setter stores the IDS-only default).
      x[R_VSE] = 0;
      const esr = (ESR_ELx_EC_SERROR << ESR_ELx_EC_SHIFT) | ESR_ELx_IL | (x[R_VSESR] & 0x01ffffff);
      this.enterException(VECTOR_SERROR, true, esr, x[R_PC], x[R_PC + 1]);
    } else if (this.fiqLine && (daif & PSR_F_BIT) === 0) {
      this.enterException(VECTOR_FIQ, false, 0, x[R_PC], x[R_PC + 1]);
    } else if (this.irqLine && (daif & PSR_I_BIT) === 0) {
      this.enterException(VECTOR_IRQ, false, 0, x[R_PC], x[R_PC + 1]);
    }
    if (this.il !== 0) this.syncException(ESR_ELx_EC_ILL, 0);
  }

  /**
   * Maps the PC to a fetch window. NEXT when the window is set, RESYNC after raising a PC
   * alignment or address size fault, STOP for a fetch outside RAM (KVM_RUN fails ENOEXEC).
   */
  resolveFetch(): number {
    const x = this.x;
    const lo = x[R_PC];
    const hi = x[R_PC + 1];
    if ((lo & 3) !== 0) {
      x[W_FAR] = lo;
      x[W_FAR + 1] = hi;
      return this.syncException(ESR_ELx_EC_PC_ALIGN, 0);
    }
    let pa: number;
    if (this.mmuOn) {
      if (this.translate === null) return this.internal('SCTLR_EL1.M = 1: the stage-1 MMU is not implemented');
      pa = this.translate(this, lo, hi, 'fetch', false);
      if (pa < 0) return RESYNC;
    } else {
      if (hi >>> 0 >= this.paLimitHi) return this.instructionAbort(lo, hi, ESR_ELx_FSC_ADDRSZ);
      pa = hi * TWO32 + (lo >>> 0);
    }
    let r = this.fView;
    if (r === null || pa < r.base || pa + 4 > r.end) {
      r = this.findRegion(pa, 4);
      if (r === null) {
        this.stop = { kind: 'ifetch-mmio', addr: pa };
        return STOP;
      }
      this.fView = r;
    }
    // The window: the region's part inside this 1 GiB chunk of the address space, or with the
    // MMU on the 4 KiB page. It stops short of a 4 GiB bank's last word so that the PC's low
    // half never wraps inside it (the loop carries into the high half when it leaves the window).
    const chunk = pa - (pa % CHUNK);
    let start = Math.max(r.base, chunk);
    let end = Math.min(r.end, chunk + CHUNK);
    if (end % TWO32 === 0) end -= 4;
    if (this.mmuOn) {
      const page = pa - (pa % 4096);
      start = Math.max(start, page);
      end = Math.min(end, page + 4096);
    }
    const vstart = (lo - (pa - start)) | 0; // VA of the window start (same page offset as PA)
    this.fMem = r.i32;
    this.fLo = vstart;
    this.fHi = hi;
    this.fLen = end - start;
    this.fIdx = (r.offset + (start - r.base)) / 4;
    return NEXT;
  }

  private findRegion(pa: number, size: number): RegionView | null {
    const rs = this.regions;
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      if (pa >= r.base && pa + size <= r.end) return r;
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------
  // Entering and leaving run(): PSTATE to fields and back, the SP arrangement.

  private enterRun(): void {
    const x = this.x;
    const isar0 = x[W_ISAR0];
    const isar1 = x[W_ISAR1];
    const features =
      (((isar0 >>> 20) & 15) >= 2 ? FEAT_LSE : 0) | (((isar0 >>> 16) & 15) >= 1 ? FEAT_CRC32 : 0) | (((isar1 >>> 20) & 15) >= 1 ? FEAT_LRCPC : 0);
    if (features !== this.features) {
      this.features = features;
      this.flushDecodeCache();
    }
    const ps = x[R_PSTATE];
    this.setNzcv(ps);
    this.daif = ps & PSR_DAIF_MASK;
    this.il = ps & PSR_IL_BIT;
    this.ss = ps & PSR_SS_BIT;
    this.el = (ps >> 2) & 3;
    this.spsel = ps & 1;
    this.spSwapped = false;
    this.selectSp();
    this.sctlrChanged();
  }

  private exitRun(): void {
    const x = this.x;
    x[R_PSTATE] = this.pstate();
    x[R_PSTATE + 1] = 0;
    if (this.spSwapped) this.swapSp();
  }

  /** PSTATE in SPSR format. */
  pstate(): number {
    return (
      (this.nf < 0 ? 0x80000000 : 0) |
      (this.zf === 0 ? 0x40000000 : 0) |
      (this.cf !== 0 ? 0x20000000 : 0) |
      (this.vf < 0 ? 0x10000000 : 0) |
      this.ss |
      this.il |
      this.daif |
      (this.el << 2) |
      this.spsel
    );
  }

  setNzcv(v: number): void {
    this.nf = v & 0x80000000;
    this.zf = (v & 0x40000000) !== 0 ? 0 : 1;
    this.cf = (v >>> 29) & 1;
    this.vf = (v << 3) & 0x80000000;
  }

  nzcv(): number {
    return (this.nf < 0 ? 0x80000000 : 0) | (this.zf === 0 ? 0x40000000 : 0) | (this.cf !== 0 ? 0x20000000 : 0) | (this.vf < 0 ? 0x10000000 : 0);
  }

  /** Puts the SP of the current EL/SPSel in words 62/63 (SP_EL1 while at EL1 with SPSel = 1). */
  selectSp(): void {
    const want = this.el === 1 && this.spsel === 1;
    if (want !== this.spSwapped) this.swapSp();
  }

  private swapSp(): void {
    const x = this.x;
    const a = x[R_SP_EL0];
    const b = x[R_SP_EL0 + 1];
    x[R_SP_EL0] = x[R_SP_EL1];
    x[R_SP_EL0 + 1] = x[R_SP_EL1 + 1];
    x[R_SP_EL1] = a;
    x[R_SP_EL1 + 1] = b;
    this.spSwapped = !this.spSwapped;
  }

  /** Word of SP_EL0 in the register file while running (for MRS/MSR SP_EL0). */
  spEl0Word(): number {
    return this.spSwapped ? R_SP_EL1 : R_SP_EL0;
  }

  /** Re-derives the SCTLR_EL1-controlled checks (after MSR SCTLR_EL1 and EL changes). */
  sctlrChanged(): void {
    const s = this.x[W_SCTLR];
    this.sctlr = s;
    this.aMask = (s & SCTLR_ELx_A) !== 0 ? -1 : 0;
    this.spCheck = (s & (this.el === 0 ? SCTLR_EL1_SA0 : SCTLR_ELx_SA)) !== 0;
    const mmu = (s & SCTLR_ELx_M) !== 0;
    if (mmu !== this.mmuOn) {
      this.mmuOn = mmu;
      this.setReadRegion(null);
      this.setWriteRegion(null);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Exceptions (Arm ARM D1.10): everything is taken to EL1, AArch64.

  /**
   * Enters EL1 through VBAR_EL1 + group offset + `kind`, saving PSTATE in SPSR_EL1 and the
   * return address in ELR_EL1, writing ESR_EL1 when `writeEsr`. Returns RESYNC.
   */
  enterException(kind: number, writeEsr: boolean, esr: number, retLo: number, retHi: number): number {
    const x = this.x;
    const group = this.el === 0 ? VECTOR_LOWER_A64 : this.spsel === 1 ? VECTOR_CURRENT_SPX : VECTOR_CURRENT_SP0;
    x[R_SPSR] = this.pstate();
    x[R_SPSR + 1] = 0;
    x[R_ELR_EL1] = retLo;
    x[R_ELR_EL1 + 1] = retHi;
    if (writeEsr) {
      x[W_ESR] = esr;
      x[W_ESR + 1] = 0;
    }
    const fromEl0 = this.el === 0;
    this.el = 1;
    this.spsel = 1;
    this.daif = PSR_DAIF_MASK;
    this.il = 0;
    this.ss = 0;
    this.exActive = false;
    this.selectSp();
    if (fromEl0) this.sctlrChanged();
    // VBAR_EL1 + offset (an add, as QEMU: VBAR bits 10:5 are RES0 but kept when written).
    const lo = (x[W_VBAR] >>> 0) + group + kind;
    x[R_PC] = lo | 0;
    x[R_PC + 1] = lo > 0xffffffff ? (x[W_VBAR + 1] + 1) | 0 : x[W_VBAR + 1];
    return RESYNC;
  }

  /** A synchronous exception for the instruction at PC (ELR = PC). Returns RESYNC. */
  syncException(ec: number, iss: number): number {
    const x = this.x;
    return this.enterException(VECTOR_SYNC, true, (ec << ESR_ELx_EC_SHIFT) | ESR_ELx_IL | iss, x[R_PC], x[R_PC + 1]);
  }

  /** UNDEFINED (EC 0x00). */
  undef(): number {
    return this.syncException(ESR_ELx_EC_UNKNOWN, 0);
  }

  /** A data abort at VA (lo, hi) with fault status `iss` (DFSC, WnR, CM). */
  dataAbort(lo: number, hi: number, iss: number): number {
    const x = this.x;
    x[W_FAR] = lo;
    x[W_FAR + 1] = hi;
    return this.syncException(this.el === 0 ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR, iss);
  }

  instructionAbort(lo: number, hi: number, ifsc: number): number {
    const x = this.x;
    x[W_FAR] = lo;
    x[W_FAR + 1] = hi;
    return this.syncException(this.el === 0 ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR, ifsc);
  }

  /** SP alignment fault (EC 0x26): a load/store based on a misaligned SP with SCTLR_EL1.SA(0). */
  spAlignFault(): number {
    return this.syncException(ESR_ELx_EC_SP_ALIGN, 0);
  }

  /** The synchronous external data abort of KVM_SET_VCPU_EVENTS ext_dabt_pending (§13.5). */
  injectExtDabt(): void {
    this.x[R_EXT_DABT] = 0;
    this.mmioPending = false;
    this.dataAbort(this.lastFarLo, this.lastFarHi, ESR_ELx_FSC_EXTABT);
  }

  internal(description: string): number {
    this.stop = { kind: 'internal', description };
    return STOP;
  }

  /** PC += 4 (64-bit). */
  advancePc(): void {
    const x = this.x;
    const lo = (x[R_PC] + 4) | 0;
    x[R_PC] = lo;
    if (lo === 0) x[R_PC + 1] = (x[R_PC + 1] + 1) | 0;
  }

  // ---------------------------------------------------------------------------------------
  // Data memory. Each access returns 0 (done; loads leave the value in vLo/vHi) or a handler
  // code (RESYNC after a fault was raised, STOP for an MMIO/NISV/internal stop) to return.

  /**
   * Caches region r for reads at PA pa (= VA: only with the MMU off): the window is r's part in
   * pa's 4 GiB bank, so the fast check needs only 32-bit arithmetic. null: no window.
   */
  setReadRegion(r: RegionView | null, pa = 0): void {
    this.rView = r;
    if (r === null || this.mmuOn) {
      this.rF64 = EMPTY_F64;
      this.rI32 = EMPTY_I32;
      this.rU16 = EMPTY_U16;
      this.rU8 = EMPTY_U8;
      this.rDv = EMPTY_DV;
      this.rLen = 0;
      this.rWin = 0;
      return;
    }
    const chunk = pa - (pa % CHUNK);
    const start = Math.max(r.base, chunk);
    this.rLo = start | 0;
    this.rHi = Math.floor(start / TWO32) | 0;
    this.rWin = Math.min(r.end, chunk + CHUNK) - start;
    this.rLen = Math.max(0, this.rWin - FAST_ACCESS_MAX);
    this.rOff = r.offset + (start - r.base);
    this.rF64 = r.f64;
    this.rI32 = r.i32;
    this.rU16 = r.u16;
    this.rU8 = r.u8;
    this.rDv = r.dv;
  }

  setWriteRegion(r: RegionView | null, pa = 0): void {
    this.wView = r;
    if (r === null || this.mmuOn) {
      this.wF64 = EMPTY_F64;
      this.wI32 = EMPTY_I32;
      this.wU16 = EMPTY_U16;
      this.wU8 = EMPTY_U8;
      this.wDv = EMPTY_DV;
      this.wDirty = null;
      this.wLen = 0;
      this.wWin = 0;
      return;
    }
    const chunk = pa - (pa % CHUNK);
    const start = Math.max(r.base, chunk);
    this.wLo = start | 0;
    this.wHi = Math.floor(start / TWO32) | 0;
    this.wWin = Math.min(r.end, chunk + CHUNK) - start;
    this.wLen = Math.max(0, this.wWin - FAST_ACCESS_MAX);
    this.wOff = r.offset + (start - r.base);
    this.wF64 = r.f64;
    this.wI32 = r.i32;
    this.wU16 = r.u16;
    this.wU8 = r.u8;
    this.wDv = r.dv;
    this.wDirty = r.dirty;
  }

  /**
   * Byte index in rView's buffer for a read of `size` bytes at VA (lo, hi), or the negated
   * handler code. `amask` is the alignment the access must have (size - 1 for a strict
   * access, (size - 1) & aMask for an ordinary one, which checks only under SCTLR_EL1.A).
   */
  rdIdx(lo: number, hi: number, size: number, amask: number, insn: number): number {
    const off = (lo - this.rLo) >>> 0;
    if (hi === this.rHi && off + size <= this.rWin && (lo & amask) === 0) return this.rOff + off;
    return this.accessSlow(lo, hi, size, amask, insn, false);
  }

  /** As rdIdx for a write; the page is marked in the dirty log by the caller (markDirty). */
  wrIdx(lo: number, hi: number, size: number, amask: number, insn: number): number {
    const off = (lo - this.wLo) >>> 0;
    if (hi === this.wHi && off + size <= this.wWin && (lo & amask) === 0) return this.wOff + off;
    return this.accessSlow(lo, hi, size, amask, insn, true);
  }

  /**
   * As wrIdx for an atomic read-modify-write (LSE, CAS): its faults are reported as reads
   * (WnR = 0), as QEMU does for the alignment fault (the read happens first).
   */
  rmwIdx(lo: number, hi: number, size: number, insn: number): number {
    const off = (lo - this.wLo) >>> 0;
    if (hi === this.wHi && off + size <= this.wWin && (lo & (size - 1)) === 0) return this.wOff + off;
    return this.accessSlow(lo, hi, size, size - 1, insn, true, true);
  }

  /** Marks the pages of a write of `size` bytes at buffer index p of wView (if logged). */
  markDirty(p: number, size: number): void {
    const v = this.wView!;
    const d = v.dirty;
    if (d === null) return;
    const first = ((p - v.offset) / 4096) | 0;
    const last = ((p + size - 1 - v.offset) / 4096) | 0;
    for (let pg = first; pg <= last; pg++) {
      const w = pg >> 5;
      const b = 1 << (pg & 31);
      if ((d[w] & b) === 0) Atomics.or(d, w, b);
    }
  }

  /** Alignment, address size and region lookup; MMIO becomes a stop. */
  private accessSlow(lo: number, hi: number, size: number, amask: number, insn: number, write: boolean, rmw = false): number {
    const wnr = write && !rmw ? ESR_ELx_WNR : 0;
    if ((lo & amask) !== 0) return -this.dataAbort(lo, hi, ESR_ELx_FSC_ALIGN | wnr);
    let pa: number;
    if (this.mmuOn) {
      if (this.translate === null) return -this.internal('SCTLR_EL1.M = 1: the stage-1 MMU is not implemented');
      // LDTR/STTR (size 111 0 00 opc 0 imm9 10) access with EL0 permissions.
      const unprivileged = this.el === 0 || (insn & 0x3f200c00) === 0x38000800;
      pa = this.translate(this, lo, hi, write ? 'write' : 'read', unprivileged);
      if (pa < 0) return -RESYNC;
    } else {
      if (hi >>> 0 >= this.paLimitHi) return -this.dataAbort(lo, hi, ESR_ELx_FSC_ADDRSZ | wnr);
      pa = hi * TWO32 + (lo >>> 0);
    }
    const r = this.findRegion(pa, size);
    if (r !== null && !(write && r.readonly)) {
      if (this.mmuOn) {
        // No TLB yet: hand out the index without caching (VA != PA).
        if (write) this.wView = r;
        else this.rView = r;
        return pa - r.base + r.offset;
      }
      if (write) this.setWriteRegion(r, pa);
      else this.setReadRegion(r, pa);
      return pa - r.base + r.offset;
    }
    return -this.mmioStop(pa, lo, hi, size, write, insn, r !== null);
  }

  /**
   * A data abort KVM cannot resolve from memory: an MMIO exit when the instruction has a valid
   * syndrome (§7.5), else a NISV exit (§7.7). The PC stays at the instruction.
   */
  private mmioStop(pa: number, lo: number, hi: number, size: number, write: boolean, insn: number, readonlySlot: boolean): number {
    this.lastFarLo = lo;
    this.lastFarHi = hi;
    const syn = mmioSyndrome(insn);
    if (syn < 0 || size > 8) {
      const fsc = readonlySlot ? ESR_ELx_FSC_PERM_L3 : ESR_ELx_FSC_FAULT_L3;
      this.stop = { kind: 'nisv', addr: pa, isWrite: write, esrIss: fsc | (write ? ESR_ELx_WNR : 0) };
      return STOP;
    }
    const rt = (syn >>> ESR_ELx_SRT_SHIFT) & 31;
    let dataLo = 0;
    let dataHi = 0;
    if (write && rt !== 31) {
      const x = this.x;
      dataLo = x[2 * rt];
      dataHi = size === 8 ? x[2 * rt + 1] : 0;
      if (size < 4) dataLo &= size === 1 ? 0xff : 0xffff;
    }
    this.mmioPending = true;
    this.mmioIsWrite = write;
    this.mmioRt = rt;
    this.mmioLen = size;
    this.mmioSse = (syn & ESR_ELx_SSE) !== 0;
    this.mmioSf = (syn & ESR_ELx_SF) !== 0;
    this.stop = { kind: 'mmio', addr: pa, len: size, isWrite: write, dataLo: dataLo | 0, dataHi: dataHi | 0 };
    return STOP;
  }

  /**
   * Checks a cache maintenance by VA (DC CIVAC and friends): NEXT to carry on (RAM, or MMIO which
   * KVM skips, §7.5), or RESYNC after an address size fault (reported with CM = 1, WnR = 1).
   */
  cacheMaintenance(lo: number, hi: number): number {
    if (this.mmuOn) {
      if (this.translate === null) return this.internal('SCTLR_EL1.M = 1: the stage-1 MMU is not implemented');
      return this.translate(this, lo, hi, 'read', false) < 0 ? RESYNC : NEXT;
    }
    if (hi >>> 0 >= this.paLimitHi) return this.dataAbort(lo, hi, ESR_ELx_FSC_ADDRSZ | ESR_ELx_CM | ESR_ELx_WNR);
    return NEXT;
  }

  /** Full memory barrier (DMB/DSB, store-release): an SC atomic on shared memory. */
  barrier(): void {
    Atomics.add(this.fence, 0, 0);
  }

  // Loads and stores of 1, 2, 4 or 8 bytes; values as 32-bit halves, zero-extended.

  load(lo: number, hi: number, size: number, amask: number, insn: number): number {
    const p = this.rdIdx(lo, hi, size, amask, insn);
    if (p < 0) return -p;
    const v = this.rView!;
    if (size === 8) {
      if ((p & 7) === 0) {
        // One 8-byte load: single-copy atomic against other vCPUs' aligned stores.
        F64[0] = v.f64[p >>> 3];
        this.vLo = I32[0];
        this.vHi = I32[1];
      } else {
        this.vLo = v.dv.getInt32(p, true);
        this.vHi = v.dv.getInt32(p + 4, true);
      }
    } else {
      this.vHi = 0;
      this.vLo = size === 4 ? v.dv.getInt32(p, true) : size === 1 ? v.u8[p] : v.dv.getUint16(p, true);
    }
    return 0;
  }

  store(lo: number, hi: number, size: number, amask: number, insn: number, vLo: number, vHi: number): number {
    const p = this.wrIdx(lo, hi, size, amask, insn);
    if (p < 0) return -p;
    const v = this.wView!;
    if (size === 8) {
      if ((p & 7) === 0) {
        I32[0] = vLo;
        I32[1] = vHi;
        v.f64[p >>> 3] = F64[0];
      } else {
        v.dv.setInt32(p, vLo, true);
        v.dv.setInt32(p + 4, vHi, true);
      }
    } else if (size === 4) v.dv.setInt32(p, vLo, true);
    else if (size === 1) v.u8[p] = vLo;
    else v.dv.setUint16(p, vLo, true);
    if (v.dirty !== null) this.markDirty(p, size);
    return 0;
  }

  // ---------------------------------------------------------------------------------------
  // Atomic accesses on the shared memory (exclusives, LSE, acquire/release). The caller has
  // the buffer index from wrIdx/rdIdx (strict alignment), so the typed-array index is exact.

  /** Compare-and-swap of `size` bytes (1, 2, 4, 8) at index p of wView. True if it stored. */
  cas(p: number, size: number, expLo: number, expHi: number, newLo: number, newHi: number): boolean {
    const v = this.wView!;
    let ok: boolean;
    if (size === 4) ok = Atomics.compareExchange(v.i32, p >>> 2, expLo | 0, newLo | 0) === (expLo | 0);
    else if (size === 8) {
      const exp = toBig(expLo, expHi);
      ok = Atomics.compareExchange(v.i64, p >>> 3, exp, toBig(newLo, newHi)) === exp;
    } else if (size === 1) ok = Atomics.compareExchange(v.u8, p, expLo & 0xff, newLo & 0xff) === (expLo & 0xff);
    else ok = Atomics.compareExchange(v.u16, p >>> 1, expLo & 0xffff, newLo & 0xffff) === (expLo & 0xffff);
    if (ok && v.dirty !== null) this.markDirty(p, size);
    return ok;
  }

  /** Atomic 1/2/4/8-byte load from index p of rView into vLo/vHi. */
  atomicLoad(p: number, size: number): void {
    const v = this.rView!;
    if (size === 8) {
      F64[0] = v.f64[p >>> 3];
      this.vLo = I32[0];
      this.vHi = I32[1];
      return;
    }
    this.vHi = 0;
    this.vLo = size === 4 ? Atomics.load(v.i32, p >>> 2) : size === 1 ? Atomics.load(v.u8, p) : Atomics.load(v.u16, p >>> 1);
  }

  /** Runs `fn` holding the VM-wide lock for 128-bit atomics (see the file comment). */
  withLock<T>(fn: () => T): T {
    const l = this.lock;
    while (Atomics.compareExchange(l, 0, 0, 1) !== 0) Atomics.wait(l, 0, 1, 1);
    try {
      return fn();
    } finally {
      Atomics.store(l, 0, 0);
      Atomics.notify(l, 0, 1);
    }
  }
}

// Scratch for moving 8 bytes between a Float64Array element and two 32-bit halves.
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
