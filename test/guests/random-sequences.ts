/**
 * A risu-style generator of random A64 instruction sequences for the differential test against
 * QEMU (test/integration/random-diff.test.ts, scripts/nightly-diff.sh).
 *
 * Each sequence is a few random but valid instructions from the data-processing classes
 * (immediate and register, flags, conditional select/compare, forward branches over one
 * instruction, multiply/divide, CRC32) and the load/store classes (every size, sign extension
 * and addressing mode: unsigned offset, unscaled, pre/post-index, register offset with every
 * extend, literal, unprivileged, pairs, exclusives, acquire/release, prefetch, DC ZVA, and LSE
 * atomics when enabled), with random inputs: X0..X30, SP, NZCV and 512 bytes of scratch memory.
 * A sequence and its inputs are a pure function of (run seed, sequence index), so any one of
 * them can be regenerated alone from the two numbers.
 *
 * Memory stays inside the scratch block: per sequence three registers are bases (their values
 * point into it; instructions never write them except by writeback, whose effect the generator
 * tracks) and two are index registers for register-offset addressing (one a small signed
 * 64-bit value, one with a small signed low word and junk in bits 63:32, so UXTW/SXTW must
 * ignore them). Everything else is data. Left out, because the Arm ARM makes the result
 * UNPREDICTABLE or implementation-defined, or because QEMU and the service legitimately differ:
 * writeback with Rt == Rn, LDP/LDXP with Rt == Rt2, a store-exclusive status register equal to
 * a data or base register, a store-exclusive to another address than its load-exclusive or
 * with memory accesses in between, loads and stores through SP (SP alignment checking: the
 * service implements it, QEMU 7.2 does not), misaligned store-exclusives (whether the monitor
 * check or the alignment check comes first is IMPLEMENTATION DEFINED), and system registers
 * whose values differ (IDs, counters). Unaligned ordinary accesses are generated (with the MMU
 * off neither QEMU 7.2 nor the service faults them) unless `unaligned: false`; about one
 * instruction in a hundred raises an exception on purpose (SVC, BRK, UNDEFINED, alignment
 * faults of misaligned load-exclusives, load-acquires and atomics).
 *
 * The guest program (built with test/guests/build.ts) runs every sequence at EL1t -- SP is the
 * random SP_EL0 while SP_EL1 stays valid for the vectors, which record and skip any exception
 * -- then stores X0..X30, SP and NZCV and prints one line per sequence: `s<index> <hash>`, a
 * 64-bit FNV-style hash of the registers, the exception count and last ESR, and the scratch
 * block. In 'dump' mode it prints all of that in full instead, to show what differs.
 */

/** Where the scratch block is (link.ld's __scratch) and how big the generator uses it. */
export const SCRATCH_ADDR = 0x40f00000n;
export const SCRATCH_SIZE = 512;

export interface SequenceOptions {
  /** Instructions per sequence (exclusive pairs and skipped branches count as more). Default 10. */
  length?: number;
  /** Include LSE atomics (QEMU needs -cpu max). Default false. */
  lse?: boolean;
  /** Generate unaligned ordinary loads and stores. Default true. */
  unaligned?: boolean;
}

export interface Sequence {
  /** Run seed and index: together they regenerate this sequence. */
  seed: number;
  index: number;
  /** The instructions (assembly, one per line; labels are local to the sequence). */
  body: string[];
  /** Literal pool lines placed after the sequence. */
  pool: string[];
  /** Initial X0..X30, SP, NZCV (bits 31:28), and the scratch fill seed. */
  regs: bigint[];
  sp: bigint;
  nzcv: number;
  memSeed: bigint;
}

/** mulberry32: a small, well-mixed 32-bit generator. */
class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number {
    return this.u32() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

const M64 = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, M64, M64 - 1n, 0xffffffff80000000n, 0x00000000ffffffffn, 0x8000000080000000n];

function value(r: Rng): bigint {
  switch (r.int(5)) {
    case 0:
    case 1:
      return r.pick(EDGES);
    case 2:
      return BigInt(r.int(64));
    case 3:
      return BigInt.asUintN(64, -BigInt(r.int(300)));
    default:
      return r.u64();
  }
}

const COND = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'] as const;
const COND14 = COND.slice(0, 14);
const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

/** A per-sequence seed from (run seed, index). */
function mix(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A random valid logical immediate of `size` bits (DecodeBitMasks with esize <= size). */
function bitmaskImm(r: Rng, size: 32 | 64): bigint {
  const esize = r.pick([2, 4, 8, 16, 32, 64].filter((e) => e <= size));
  const ones = r.range(1, esize - 1);
  const rot = r.int(esize);
  const emask = (1n << BigInt(esize)) - 1n;
  let elem = (1n << BigInt(ones)) - 1n;
  if (rot) elem = ((elem >> BigInt(rot)) | (elem << BigInt(esize - rot))) & emask;
  let v = 0n;
  for (let i = 0; i < size; i += esize) v |= elem << BigInt(i);
  return v;
}

/** Generator state for one sequence. */
class Gen {
  readonly body: string[] = [];
  readonly pool: string[] = [];
  readonly bases: number[];
  /** Byte offset of each base register into the scratch block. */
  readonly baseOff = new Map<number, number>();
  readonly idxClean: number;
  readonly idxDirty: number;
  readonly idxVal = new Map<number, bigint>();
  readonly data: number[];
  private labels = 0;

  constructor(readonly r: Rng, readonly seq: { seed: number; index: number }, readonly opts: Required<SequenceOptions>) {
    const regs = Array.from({ length: 31 }, (_, i) => i);
    for (let i = regs.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [regs[i], regs[j]] = [regs[j], regs[i]];
    }
    this.bases = regs.slice(0, 3);
    this.idxClean = regs[3];
    this.idxDirty = regs[4];
    this.data = regs.slice(5);
    for (const b of this.bases) this.baseOff.set(b, opts.unaligned && r.chance(0.3) ? r.range(0, SCRATCH_SIZE - 1) : 8 * r.range(0, SCRATCH_SIZE / 8 - 1));
    this.idxVal.set(this.idxClean, BigInt.asUintN(64, BigInt(r.range(-40, 40))));
    this.idxVal.set(this.idxDirty, (r.u64() & 0xffffffff00000000n) | BigInt.asUintN(32, BigInt(r.range(-40, 40))));
  }

  label(): string {
    return `.Ls${this.seq.index}_${this.labels++}`;
  }

  x(n: number): string {
    return n === 31 ? 'xzr' : `x${n}`;
  }
  w(n: number): string {
    return n === 31 ? 'wzr' : `w${n}`;
  }
  /** Register operand with the given size (`sp` for 31 where the form means SP). */
  reg(n: number, sf: boolean, spForm = false): string {
    if (n === 31) return spForm ? (sf ? 'sp' : 'wsp') : sf ? 'xzr' : 'wzr';
    return sf ? `x${n}` : `w${n}`;
  }
  /** A destination: a data register, sometimes ZR (or SP for forms that name it). */
  dst(sf: boolean, spForm = false, zr = true): string {
    if ((spForm || zr) && this.r.chance(0.08)) return this.reg(31, sf, spForm);
    return this.reg(this.r.pick(this.data), sf);
  }
  dataReg(): number {
    return this.r.pick(this.data);
  }
  /** A source: any register, sometimes ZR/SP. */
  src(sf: boolean, spForm = false): string {
    const n = this.r.chance(0.08) ? 31 : this.r.int(31);
    return this.reg(n, sf, spForm);
  }

  emit(s: string): void {
    this.body.push(s);
  }

  // --- data processing ---------------------------------------------------------------------

  dp(): void {
    const r = this.r;
    const sf = r.chance(0.6);
    const X = (spForm = false) => this.src(sf, spForm);
    switch (r.int(22)) {
      case 0: {
        const op = r.pick(['add', 'adds', 'sub', 'subs']);
        const s = op.endsWith('s');
        return this.emit(`${op} ${this.dst(sf, !s, s)}, ${X(true)}, #${r.int(4096)}${r.chance(0.3) ? ', lsl #12' : ''}`);
      }
      case 1: {
        const op = r.pick(['and', 'orr', 'eor', 'ands']);
        const s = op === 'ands';
        return this.emit(`${op} ${this.dst(sf, !s, s)}, ${X()}, #${hex(bitmaskImm(r, sf ? 64 : 32))}`);
      }
      case 2: {
        const op = r.pick(['movz', 'movn', 'movk']);
        return this.emit(`${op} ${this.reg(this.dataReg(), sf)}, #${r.int(65536)}, lsl #${16 * r.int(sf ? 4 : 2)}`);
      }
      case 3: {
        const n = sf ? 64 : 32;
        return this.emit(`${r.pick(['sbfm', 'bfm', 'ubfm'])} ${this.reg(this.dataReg(), sf)}, ${X()}, #${r.int(n)}, #${r.int(n)}`);
      }
      case 4:
        return this.emit(`extr ${this.dst(sf)}, ${X()}, ${X()}, #${r.int(sf ? 64 : 32)}`);
      case 5: {
        const d = this.x(this.dataReg());
        return r.chance(0.5) ? this.emit(`adr ${d}, . + ${r.range(-100000, 100000)}`) : this.emit(`adrp ${d}, . + ${r.range(-100000, 100000) * 4096}`);
      }
      case 6: {
        const op = r.pick(['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics']);
        return this.emit(`${op} ${this.dst(sf)}, ${X()}, ${X()}, ${r.pick(['lsl', 'lsr', 'asr', 'ror'])} #${r.int(sf ? 64 : 32)}`);
      }
      case 7: {
        const op = r.pick(['add', 'adds', 'sub', 'subs']);
        return this.emit(`${op} ${this.dst(sf)}, ${X()}, ${X()}, ${r.pick(['lsl', 'lsr', 'asr'])} #${r.int(sf ? 64 : 32)}`);
      }
      case 8: {
        const op = r.pick(['add', 'adds', 'sub', 'subs']);
        const s = op.endsWith('s');
        const ext = r.pick(['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx']);
        const rm = sf && ext.endsWith('x') ? this.src(true) : this.src(false);
        return this.emit(`${op} ${this.dst(sf, !s, s)}, ${X(true)}, ${rm}, ${ext} #${r.int(5)}`);
      }
      case 9:
        return this.emit(`${r.pick(['adc', 'adcs', 'sbc', 'sbcs'])} ${this.dst(sf)}, ${X()}, ${X()}`);
      case 10: {
        const op = r.pick(['ccmp', 'ccmn']);
        const b = r.chance(0.5) ? X() : `#${r.int(32)}`;
        return this.emit(`${op} ${X()}, ${b}, #${r.int(16)}, ${r.pick(COND)}`);
      }
      case 11:
        return this.emit(`${r.pick(['csel', 'csinc', 'csinv', 'csneg'])} ${this.dst(sf)}, ${X()}, ${X()}, ${r.pick(COND)}`);
      case 12: {
        const op = r.pick(sf ? ['rbit', 'rev16', 'rev32', 'rev', 'clz', 'cls'] : ['rbit', 'rev16', 'rev', 'clz', 'cls']);
        return this.emit(`${op} ${this.dst(sf)}, ${X()}`);
      }
      case 13:
        return this.emit(`${r.pick(['udiv', 'sdiv', 'lslv', 'lsrv', 'asrv', 'rorv'])} ${this.dst(sf)}, ${X()}, ${r.chance(0.3) ? this.reg(this.idxClean, sf) : X()}`);
      case 14:
        return r.chance(0.5)
          ? this.emit(`${r.pick(['crc32b', 'crc32h', 'crc32w', 'crc32cb', 'crc32ch', 'crc32cw'])} ${this.dst(false)}, ${this.src(false)}, ${this.src(false)}`)
          : this.emit(`${r.pick(['crc32x', 'crc32cx'])} ${this.dst(false)}, ${this.src(false)}, ${this.src(true)}`);
      case 15:
        return this.emit(`${r.pick(['madd', 'msub'])} ${this.dst(sf)}, ${X()}, ${X()}, ${X()}`);
      case 16:
        return this.emit(`${r.pick(['smaddl', 'smsubl', 'umaddl', 'umsubl'])} ${this.dst(true)}, ${this.src(false)}, ${this.src(false)}, ${this.src(true)}`);
      case 17:
        return this.emit(`${r.pick(['smulh', 'umulh'])} ${this.dst(true)}, ${this.src(true)}, ${this.src(true)}`);
      case 18:
        return r.chance(0.5) ? this.emit(`msr nzcv, ${this.src(true)}`) : this.emit(`mrs ${this.x(this.dataReg())}, nzcv`);
      case 19: {
        // A forward branch over one instruction.
        const l = this.label();
        const kind = r.int(3);
        if (kind === 0) this.emit(`b.${r.pick(COND)} ${l}`);
        else if (kind === 1) this.emit(`${r.pick(['cbz', 'cbnz'])} ${this.src(sf)}, ${l}`);
        else this.emit(`${r.pick(['tbz', 'tbnz'])} ${this.src(true)}, #${r.int(64)}, ${l}`);
        this.dpSimple();
        return this.emit(`${l}:`);
      }
      case 20:
        return this.emit(`${r.pick(['cset', 'csetm'])} ${this.dst(sf)}, ${r.pick(COND14)}`);
      default: {
        // SP as a destination and source of the forms that allow it.
        const op = r.pick(['add', 'sub']);
        if (r.chance(0.5)) return this.emit(`${op} sp, ${r.chance(0.5) ? 'sp' : this.x(r.int(31))}, #${r.int(4096)}`);
        return this.emit(`mov ${this.x(this.dataReg())}, sp`);
      }
    }
  }

  /** A data-processing instruction that is not a branch (for branch shadows and exclusive pairs). */
  dpSimple(): void {
    const r = this.r;
    const sf = r.chance(0.6);
    this.emit(`${r.pick(['add', 'sub', 'eor', 'orr', 'and'])} ${this.reg(this.dataReg(), sf)}, ${this.src(sf)}, ${this.src(sf)}`);
  }

  // --- loads and stores --------------------------------------------------------------------

  /** A base register whose current offset satisfies `pred`; undefined if none does. */
  private baseFor(pred: (off: number) => boolean): number | undefined {
    const ok = this.bases.filter((b) => pred(this.baseOff.get(b)!));
    return ok.length ? this.r.pick(ok) : undefined;
  }

  private inside(addr: number, size: number): boolean {
    return addr >= 0 && addr + size <= SCRATCH_SIZE && (this.opts.unaligned || addr % size === 0);
  }

  /** Rt for a load: a data register or ZR. */
  private loadRt(): number {
    return this.r.chance(0.05) ? 31 : this.dataReg();
  }
  /** Rt for a store: anything (bases and indexes too: their values are deterministic). */
  private storeRt(): number {
    return this.r.chance(0.08) ? 31 : this.r.int(31);
  }

  mem(): void {
    const r = this.r;
    const k = r.int(this.opts.lse ? 15 : 13);
    switch (k) {
      case 0:
      case 1:
        return this.single('uimm');
      case 2:
        return this.single('unscaled');
      case 3:
        return this.single(r.chance(0.5) ? 'pre' : 'post');
      case 4:
        return this.single('reg');
      case 5:
        return this.pair();
      case 6:
        return this.literal();
      case 7:
        return this.single('unpriv');
      case 8:
        return this.exclusive();
      case 9:
        return this.ordered();
      case 10:
        return this.prefetch();
      case 11:
        return r.chance(0.3) ? this.zva() : this.single('uimm');
      case 12:
        return this.exclusivePair();
      default:
        return this.atomic();
    }
  }

  /** Size (log2), load or store, and the mnemonic of a single-register access. */
  private singleForm(): { op: string; size: number; rt: string; store: boolean } {
    const r = this.r;
    const store = r.chance(0.4);
    const size = r.int(4);
    const suffix = ['b', 'h', '', ''][size];
    if (store) {
      const rt = this.storeRt();
      return { op: `str${suffix}`, size, rt: size === 3 ? this.x(rt) : this.w(rt), store };
    }
    const rt = this.loadRt();
    if (size < 3 && r.chance(0.5)) {
      // Sign-extending: LDRSB/LDRSH to W or X, LDRSW to X.
      const toX = size === 2 || r.chance(0.5);
      return { op: `ldrs${['b', 'h', 'w'][size]}`, size, rt: toX ? this.x(rt) : this.w(rt), store };
    }
    return { op: `ldr${suffix}`, size, rt: size === 3 ? this.x(rt) : this.w(rt), store };
  }

  single(mode: 'uimm' | 'unscaled' | 'pre' | 'post' | 'reg' | 'unpriv'): void {
    const r = this.r;
    const f = this.singleForm();
    const n = 1 << f.size;
    const rtNum = f.rt === 'xzr' || f.rt === 'wzr' ? 31 : Number(f.rt.slice(1));
    for (let attempt = 0; attempt < 8; attempt++) {
      const b = r.pick(this.bases);
      const off = this.baseOff.get(b)!;
      const xb = this.x(b);
      if (mode === 'uimm') {
        const imm = r.int(Math.floor((SCRATCH_SIZE - off) / n) + 1) * n;
        if (!this.inside(off + imm, n)) continue;
        return this.emit(`${f.op} ${f.rt}, [${xb}, #${imm}]`);
      }
      if (mode === 'unscaled' || mode === 'unpriv') {
        const imm = r.range(Math.max(-256, -off), Math.min(255, SCRATCH_SIZE - n - off));
        if (!this.inside(off + imm, n)) continue;
        const op = mode === 'unpriv' ? f.op.replace(/^(ld|st)r/, '$1tr') : f.op.replace(/^(ld|st)r/, '$1ur');
        return this.emit(`${op} ${f.rt}, [${xb}, #${imm}]`);
      }
      if (mode === 'pre' || mode === 'post') {
        if (f.store && rtNum === b) continue; // writeback with Rt == Rn: UNPREDICTABLE
        const imm = r.range(Math.max(-256, -off), Math.min(255, SCRATCH_SIZE - off));
        const addr = mode === 'pre' ? off + imm : off;
        if (!this.inside(addr, n) || off + imm < 0 || off + imm > SCRATCH_SIZE) continue;
        this.baseOff.set(b, off + imm);
        return this.emit(mode === 'pre' ? `${f.op} ${f.rt}, [${xb}, #${imm}]!` : `${f.op} ${f.rt}, [${xb}], #${imm}`);
      }
      // Register offset.
      const idx = r.chance(0.5) ? this.idxClean : this.idxDirty;
      const v = this.idxVal.get(idx)!;
      const ext = r.pick(['lsl', 'uxtw', 'sxtw', 'sxtx'] as const);
      const shift = r.chance(0.5) ? f.size : 0;
      const base = ext === 'uxtw' ? v & 0xffffffffn : ext === 'sxtw' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
      const delta = base << BigInt(shift);
      if (delta < -512n || delta > 512n) continue;
      if (!this.inside(off + Number(delta), n)) continue;
      const xi = ext === 'lsl' || ext === 'sxtx' ? this.x(idx) : this.w(idx);
      const amount = shift || r.chance(0.3) ? ` #${shift}` : '';
      const opnd = ext === 'lsl' ? (amount ? `${xi}, lsl${amount}` : xi) : `${xi}, ${ext}${amount}`;
      return this.emit(`${f.op} ${f.rt}, [${xb}, ${opnd}]`);
    }
    this.dpSimple();
  }

  pair(): void {
    const r = this.r;
    const kind = r.pick(['ldp', 'stp', 'ldpsw', 'ldnp', 'stnp'] as const);
    const sf = kind === 'ldpsw' ? false : r.chance(0.6);
    const n = sf ? 8 : 4;
    const load = kind.startsWith('ld');
    const mode = kind.endsWith('np') ? 'off' : r.pick(['off', 'pre', 'post'] as const);
    for (let attempt = 0; attempt < 8; attempt++) {
      const b = r.pick(this.bases);
      const off = this.baseOff.get(b)!;
      const t1 = load ? this.loadRt() : this.storeRt();
      const t2 = load ? this.loadRt() : this.storeRt();
      if (load && t1 === t2) continue; // LDP Rt == Rt2: UNPREDICTABLE
      if (mode !== 'off' && (t1 === b || t2 === b)) continue; // writeback overlap: UNPREDICTABLE
      const imm = r.range(Math.max(-64, Math.ceil(-off / n)), Math.min(63, Math.floor((SCRATCH_SIZE - off) / n))) * n;
      const addr = mode === 'post' ? off : off + imm;
      if (!this.inside(addr, 2 * n) || off + imm < 0 || off + imm > SCRATCH_SIZE) continue;
      const rt = (t: number) => (kind === 'ldpsw' ? this.x(t) : sf ? this.x(t) : this.w(t));
      const xb = this.x(b);
      const am = mode === 'off' ? `[${xb}, #${imm}]` : mode === 'pre' ? `[${xb}, #${imm}]!` : `[${xb}], #${imm}`;
      if (mode !== 'off') this.baseOff.set(b, off + imm);
      return this.emit(`${kind} ${rt(t1)}, ${rt(t2)}, ${am}`);
    }
    this.dpSimple();
  }

  literal(): void {
    const r = this.r;
    const l = this.label();
    const kind = r.int(4);
    this.pool.push('.balign 8', `${l}: .quad ${hex(value(r))}`);
    const rt = this.loadRt();
    if (kind === 0) this.emit(`ldr ${this.x(rt)}, ${l}`);
    else if (kind === 1) this.emit(`ldr ${this.w(rt)}, ${l}`);
    else if (kind === 2) this.emit(`ldrsw ${this.x(rt)}, ${l}`);
    else this.emit(`prfm pldl1keep, ${l}`);
  }

  /** A base whose address is aligned to `align`. */
  private alignedBase(align: number): number | undefined {
    return this.baseFor((off) => off % align === 0 && off + align <= SCRATCH_SIZE);
  }

  exclusive(): void {
    const r = this.r;
    const size = r.int(4);
    const n = 1 << size;
    const b = this.alignedBase(n);
    if (b === undefined) return this.dpSimple();
    const sfx = ['b', 'h', '', ''][size];
    const reg = (t: number) => (size === 3 ? this.x(t) : this.w(t));
    const xb = this.x(b);
    const rt = this.loadRt();
    const acq = r.chance(0.5) ? 'a' : '';
    const rel = r.chance(0.5) ? 'l' : '';
    if (r.chance(0.15)) {
      // A store-exclusive with no load-exclusive before it (the sequence starts with CLREX):
      // it fails (status 1) and stores nothing.
      const [ws, t] = this.statusAndData();
      return this.emit(`st${rel}xr${sfx} ${this.w(ws)}, ${reg(t)}, [${xb}]`);
    }
    this.emit(`ld${acq}xr${sfx} ${reg(rt)}, [${xb}]`);
    for (let i = r.int(3); i > 0; i--) this.dpSimple();
    if (r.chance(0.1)) this.emit('clrex');
    const [ws, t] = this.statusAndData();
    this.emit(`st${rel}xr${sfx} ${this.w(ws)}, ${reg(t)}, [${xb}]`);
  }

  exclusivePair(): void {
    const r = this.r;
    const sf = r.chance(0.5);
    const n = sf ? 16 : 8;
    const b = this.alignedBase(n);
    if (b === undefined) return this.dpSimple();
    const reg = (t: number) => (sf ? this.x(t) : this.w(t));
    const xb = this.x(b);
    let t1 = this.dataReg();
    let t2 = this.dataReg();
    while (t2 === t1) t2 = this.dataReg();
    const acq = r.chance(0.5) ? 'a' : '';
    const rel = r.chance(0.5) ? 'l' : '';
    this.emit(`ld${acq}xp ${reg(t1)}, ${reg(t2)}, [${xb}]`);
    if (r.chance(0.5)) this.dpSimple();
    const ws = this.dataReg();
    t1 = this.r.int(31);
    t2 = this.r.int(31);
    if (ws === t1 || ws === t2 || ws === b) return this.emit('clrex');
    this.emit(`st${rel}xp ${this.w(ws)}, ${reg(t1)}, ${reg(t2)}, [${xb}]`);
  }

  /**
   * The status register of a store-exclusive (a data register, so never the base) and the
   * register it stores (any other one): Ws == Rt or Ws == Rn is CONSTRAINED UNPREDICTABLE.
   */
  private statusAndData(): [number, number] {
    const ws = this.dataReg();
    let t = this.r.int(31);
    while (t === ws) t = this.r.int(31);
    return [ws, t];
  }

  ordered(): void {
    const r = this.r;
    const size = r.int(4);
    const n = 1 << size;
    const b = this.alignedBase(n);
    if (b === undefined) return this.dpSimple();
    const sfx = ['b', 'h', '', ''][size];
    const reg = (t: number) => (size === 3 ? this.x(t) : this.w(t));
    if (r.chance(0.5)) this.emit(`ldar${sfx} ${reg(this.loadRt())}, [${this.x(b)}]`);
    else this.emit(`stlr${sfx} ${reg(this.storeRt())}, [${this.x(b)}]`);
  }

  prefetch(): void {
    const r = this.r;
    const op = `${r.pick(['pld', 'pli', 'pst'])}${r.pick(['l1', 'l2', 'l3'])}${r.pick(['keep', 'strm'])}`;
    const b = this.x(r.pick(this.bases));
    switch (r.int(3)) {
      case 0:
        return this.emit(`prfm ${op}, [${b}, #${8 * r.int(64)}]`);
      case 1:
        return this.emit(`prfum ${op}, [${b}, #${r.range(-256, 255)}]`);
      default:
        return this.emit(`prfm ${op}, [${b}, ${this.x(this.idxClean)}]`);
    }
  }

  /**
   * A synchronous exception (rarely): SVC, BRK, an UNDEFINED encoding, or an alignment fault of
   * a misaligned load-exclusive, load-acquire or (with LSE) atomic. The vectors record it (its
   * ESR goes into the result) and resume after the instruction.
   */
  exception(): void {
    const r = this.r;
    const mis = this.baseFor((off) => off % 8 !== 0 && off + 8 <= SCRATCH_SIZE);
    const k = r.int(mis === undefined ? 3 : this.opts.lse ? 6 : 5);
    if (k === 0) return this.emit(`svc #${r.int(0xffff)}`);
    if (k === 1) return this.emit(`brk #${r.int(0x10000)}`);
    if (k === 2) return this.emit(`udf #${r.int(0x10000)}`);
    const xb = this.x(mis!);
    if (k === 3) return this.emit(`ld${r.pick(['', 'a'])}xr ${r.chance(0.5) ? this.x(this.loadRt()) : this.w(this.loadRt())}, [${xb}]`);
    if (k === 4) return this.emit(`ldar ${this.x(this.loadRt())}, [${xb}]`);
    return this.emit(`${r.pick(['ldadd', 'swp', 'ldsmax'])} ${this.x(r.int(32))}, ${this.x(this.loadRt())}, [${xb}]`);
  }

  zva(): void {
    // DC ZVA zeroes the 64-byte block holding the address (the scratch block is 64-aligned).
    this.emit(`dc zva, ${this.x(this.r.pick(this.bases))}`);
  }

  atomic(): void {
    const r = this.r;
    const size = r.int(4);
    const n = 1 << size;
    const sfx = ['b', 'h', '', ''][size];
    const reg = (t: number) => (size === 3 ? this.x(t) : this.w(t));
    const order = r.pick(['', 'a', 'l', 'al']);
    const kind = r.int(4);
    if (kind === 3) {
      // CASP: Rs, Rs+1 (written with the old pair) and Rt, Rt+1 even-numbered pairs.
      const sf = r.chance(0.5);
      const b = this.alignedBase(sf ? 16 : 8);
      const evens = this.data.filter((d) => d % 2 === 0 && this.data.includes(d + 1));
      if (b === undefined || evens.length === 0) return this.dpSimple();
      const rs = r.pick(evens);
      const rt = 2 * r.int(15);
      const p = (t: number) => (sf ? `x${t}, x${t + 1}` : `w${t}, w${t + 1}`);
      if (r.chance(0.5)) this.emit(sf ? `ldp x${rs}, x${rs + 1}, [${this.x(b)}]` : `ldp w${rs}, w${rs + 1}, [${this.x(b)}]`);
      return this.emit(`casp${order} ${p(rs)}, ${p(rt)}, [${this.x(b)}]`);
    }
    const b = this.alignedBase(n);
    if (b === undefined) return this.dpSimple();
    const xb = this.x(b);
    if (kind === 2) {
      // CAS: Rs (compared, receives the old value) must be a data register.
      const rs = this.dataReg();
      if (r.chance(0.5)) this.emit(`ldr${sfx} ${reg(rs)}, [${xb}]`);
      return this.emit(`cas${order}${sfx} ${reg(rs)}, ${reg(this.r.int(32))}, [${xb}]`);
    }
    const op = r.pick(['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp']);
    if (kind === 1 && op !== 'swp') {
      // ST<op>: the alias with Rt = ZR (only the no-acquire orderings exist).
      const st = op.replace(/^ld/, 'st') + (order.includes('l') ? 'l' : '');
      return this.emit(`${st}${sfx} ${reg(this.r.int(32))}, [${xb}]`);
    }
    return this.emit(`${op}${order}${sfx} ${reg(this.r.int(32))}, ${reg(this.loadRt())}, [${xb}]`);
  }
}

const DEFAULTS: Required<SequenceOptions> = { length: 10, lse: false, unaligned: true };

/**
 * Generates sequence `index` of the run `seed`.
 * @example const s = generateSequence(1, 0); s.body // ['adds x3, x7, #12', 'ldrsh w4, [x19, #-3]', ...]
 */
export function generateSequence(seed: number, index: number, opts: SequenceOptions = {}): Sequence {
  const o = { ...DEFAULTS, ...opts };
  const r = new Rng(mix(seed, index));
  const g = new Gen(r, { seed, index }, o);
  const regs = Array.from({ length: 31 }, () => value(r));
  for (const b of g.bases) regs[b] = SCRATCH_ADDR + BigInt(g.baseOff.get(b)!);
  regs[g.idxClean] = g.idxVal.get(g.idxClean)!;
  regs[g.idxDirty] = g.idxVal.get(g.idxDirty)!;
  const sp = r.chance(0.5) ? value(r) : SCRATCH_ADDR + 0x1000n + BigInt(16 * r.int(64));
  const nzcv = r.int(16) << 28;
  const memSeed = r.u64() | 1n;
  for (let i = 0; i < o.length; i++) {
    if (r.chance(0.01)) g.exception();
    else if (r.chance(0.45)) g.mem();
    else g.dp();
  }
  return { seed, index, body: g.body, pool: g.pool, regs, sp, nzcv, memSeed };
}

/** `count` sequences of a run, starting at index `first`. */
export function generateSequences(seed: number, first: number, count: number, opts: SequenceOptions = {}): Sequence[] {
  return Array.from({ length: count }, (_, i) => generateSequence(seed, first + i, opts));
}

/**
 * The guest program (for buildGuestSource) that runs `seqs` and prints, per sequence,
 * `s<index> <hash>` ('hash') or the full final state ('dump').
 */
export function sequenceProgram(seqs: Sequence[], mode: 'hash' | 'dump' = 'hash'): string {
  const L: string[] = [
    '#include "harness.h"',
    `#define RS_DUMP ${mode === 'dump' ? 1 : 0}`,
    '  .text',
    '  .global main',
    'main:',
    '  stp x29, x30, [sp, #-16]!',
    '  LA x0, rs_saved_sp',
    '  mov x1, sp',
    '  str x1, [x0]',
    '  LA x0, h_exc',
    '  mov x1, #1',
    '  str x1, [x0, #EXC_SKIP_ALL]',
  ];
  for (const s of seqs) {
    const id = `${s.index}`;
    L.push(
      `/* sequence ${s.index} of run ${s.seed} */`,
      `  LA x0, rs_in_${id}`,
      '  bl rs_begin',
      '  msr spsel, #0',
      '  ldr x1, [x0, #16]',
      '  mov sp, x1',
      '  ldr x1, [x0, #8]',
      '  msr nzcv, x1',
    );
    for (let k = 1; k < 31; k += 2) L.push(`  ldp x${k}, x${k + 1}, [x0, #${24 + 8 * k}]`);
    L.push('  ldr x0, [x0, #24]');
    for (const line of s.body) L.push(line.endsWith(':') ? line : `  ${line}`);
    L.push(
      '  msr tpidr_el1, x0',
      '  LA x0, rs_state',
    );
    for (let k = 1; k < 31; k += 2) L.push(`  stp x${k}, x${k + 1}, [x0, #${8 * k}]`);
    L.push(
      '  mrs x1, tpidr_el1',
      '  str x1, [x0]',
      '  mov x1, sp',
      '  str x1, [x0, #248]',
      '  mrs x1, nzcv',
      '  str x1, [x0, #256]',
      '  msr spsel, #1',
      `  MOV64 x0, ${s.index}`,
      '  bl rs_end',
      `  b .Lrs_next_${id}`,
    );
    L.push(...s.pool.map((p) => (p.startsWith('.') ? `  ${p}` : p)));
    L.push(`.Lrs_next_${id}:`);
  }
  L.push('  PRINT "rs-done\\n"', '  LA x0, rs_saved_sp', '  ldr x1, [x0]', '  mov sp, x1', '  ldp x29, x30, [sp], #16', '  ret', RUNTIME);
  L.push('  .section .rodata', '  .balign 8');
  for (const s of seqs) {
    const words = [s.memSeed, BigInt(s.nzcv >>> 0), s.sp, ...s.regs];
    L.push(`rs_in_${s.index}: .quad ${words.map(hex).join(', ')}`);
  }
  return L.join('\n') + '\n';
}

/** The fixed part of a sequence program: fill, hash, print. */
const RUNTIME = `
/* rs_begin: x0 = the input record (mem seed, NZCV, SP, X0..X30); fills the scratch block from
 * the seed (xorshift64), clears the exception record and the exclusive monitor. Keeps x0. */
rs_begin:
  ldr x1, [x0]
  LA x2, __scratch
  mov x3, #${SCRATCH_SIZE / 8}
1:
  eor x1, x1, x1, lsl #13
  eor x1, x1, x1, lsr #7
  eor x1, x1, x1, lsl #17
  str x1, [x2], #8
  subs x3, x3, #1
  b.ne 1b
  LA x2, h_exc
  str xzr, [x2, #EXC_COUNT]
  str xzr, [x2, #EXC_ESR]
  clrex
  ret

/* rs_end: x0 = the sequence index; rs_state holds X0..X30, SP, NZCV. Prints the result line(s). */
rs_end:
  stp x29, x30, [sp, #-16]!
  mov x19, x0
  LA x20, rs_state
  LA x1, h_exc
  ldr x2, [x1, #EXC_COUNT]
  str x2, [x20, #264]
  ldr x2, [x1, #EXC_ESR]
  str x2, [x20, #272]
  mov w0, #'s'
  bl h_putc
  mov x0, x19
  bl h_putdec
#if RS_DUMP
  mov w0, #'\\n'
  bl h_putc
  mov x0, x20
  bl h_print_frame
  PRINT "exceptions="
  ldr x0, [x20, #264]
  bl h_puthex64
  PRINT " last_esr="
  ldr x0, [x20, #272]
  bl h_puthex64
  mov w0, #'\\n'
  bl h_putc
  LA x21, __scratch
  mov x22, #0
2:
  ldr x0, [x21, x22, lsl #3]
  bl h_puthex64
  add x22, x22, #1
  tst x22, #3
  mov w0, #' '
  mov w1, #'\\n'
  csel w0, w1, w0, eq
  bl h_putc
  cmp x22, #${SCRATCH_SIZE / 8}
  b.ne 2b
#else
  /* FNV-1a style over 64-bit words, folded: h = ((h ^ w) * 0x100000001b3) ^ (h >> 32). */
  MOV64 x1, 0xcbf29ce484222325
  MOV64 x2, 0x100000001b3
  mov x3, x20
  mov x4, #35
3:
  ldr x5, [x3], #8
  eor x1, x1, x5
  mul x1, x1, x2
  eor x1, x1, x1, lsr #32
  subs x4, x4, #1
  b.ne 3b
  LA x3, __scratch
  mov x4, #${SCRATCH_SIZE / 8}
4:
  ldr x5, [x3], #8
  eor x1, x1, x5
  mul x1, x1, x2
  eor x1, x1, x1, lsr #32
  subs x4, x4, #1
  b.ne 4b
  mov w0, #' '
  bl h_putc
  mov x0, x1
  bl h_puthex64
  mov w0, #'\\n'
  bl h_putc
#endif
  ldp x29, x30, [sp], #16
  ret

  .bss
  .balign 16
rs_saved_sp: .skip 16
rs_state: .skip 288
  .text
`;

/** Splits a sequence program's output into per-sequence results (index -> text). */
export function parseSequenceOutput(output: string): Map<number, string> {
  const results = new Map<number, string>();
  let current: number | undefined;
  let buf: string[] = [];
  const flush = (): void => {
    if (current !== undefined) results.set(current, buf.join('\n'));
  };
  for (const line of output.split('\n')) {
    if (line === 'rs-done') break;
    const m = /^s(\d+)(?: (.*))?$/.exec(line);
    if (m) {
      flush();
      current = Number(m[1]);
      buf = m[2] !== undefined ? [m[2]] : [];
    } else if (current !== undefined && line !== '') {
      buf.push(line);
    }
  }
  flush();
  return results;
}

/** A human-readable description of a sequence: the reproducer of a mismatch. */
export function describeSequence(s: Sequence): string {
  const regs = s.regs.map((v, i) => `x${i}=${hex(v)}`);
  const lines = [
    `sequence ${s.index} of run seed ${s.seed}:`,
    ...s.body.map((l) => `    ${l}`),
    `  inputs: nzcv=${hex(s.nzcv >>> 28)} sp=${hex(s.sp)} memory seed=${hex(s.memSeed)}`,
  ];
  for (let i = 0; i < 31; i += 4) lines.push(`    ${regs.slice(i, i + 4).join(' ')}`);
  return lines.join('\n');
}

/**
 * The differences between two 'dump' results of one sequence, named: `x5: qemu 0x.. ours 0x..`,
 * `sp`, `nzcv`, `exceptions`, `last_esr`, `mem[+0x1f8]` (byte offset into the scratch block).
 */
export function diffDumps(qemu: string, ours: string): string[] {
  const fields = (text: string): Map<string, string> => {
    const m = new Map<string, string>();
    let word = 0;
    for (const tok of text.split(/\s+/).filter(Boolean)) {
      const eq = tok.indexOf('=');
      if (eq > 0) m.set(tok.slice(0, eq).replace(/^x0(\d)$/, 'x$1'), tok.slice(eq + 1));
      else m.set(`mem[+0x${(8 * word++).toString(16)}]`, tok);
    }
    return m;
  };
  const a = fields(qemu);
  const b = fields(ours);
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(k) !== b.get(k)) out.push(`${k}: qemu ${a.get(k) ?? '-'} ours ${b.get(k) ?? '-'}`);
  }
  return out;
}
