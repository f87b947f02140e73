/**
 * The run loop's inline fast paths (a64-run.ts) against the complete semantics in A64_EXEC:
 * the same instructions and programs run on two CPUs, one with Cpu.fastPaths off, and every
 * observable result must be identical (registers, PSTATE, system registers, memory, the stop,
 * instructionsRetired). No assembler needed: instructions are random encodings of the decode
 * table's patterns, and the programs are the benchmark kernels (bench/cpu-loop.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Cpu, type CpuRegion, type CpuStop } from '../../../../vmcore/cpu/cpu';
import { RegFile, R_PC, R_PSTATE, R_SP_EL1, R_SP_EL0, REG_FILE_WORDS } from '../../../../vmcore/cpu/reg-file';
import { SYSREGS, sysregWord } from '../../../../vmcore/cpu/sysregs';
import { A64_PATTERNS, decodeA64, FEAT_LSE, FEAT_CRC32, FEAT_LRCPC } from '../../../../vmcore/cpu/a64-decode';
import { KERNELS, setup, runOnce, check } from '../../../../bench/cpu-loop';

const RAM = 0x40000000;
const RAM_SIZE = 0x10000;
const ROM = RAM + RAM_SIZE; // read-only, adjacent to RAM: accesses may straddle the two
const ROM_SIZE = 0x1000;
const HIGH = 0xfffff000; // 8 KiB across the 4 GiB boundary
const HIGH_SIZE = 0x2000;
const VBAR = RAM + 0x800;
const CODE = RAM + 0x4000;
const SCRATCH = RAM + 0x8000;
const ALL_FEATURES = FEAT_LSE | FEAT_CRC32 | FEAT_LRCPC;

/** xorshift32: deterministic inputs. */
class Rng {
  constructor(private s: number) {}
  u32(): number {
    let s = this.s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s;
    return s >>> 0;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.below(a.length)];
  }
}

interface Rig {
  cpu: Cpu;
  regs: RegFile;
  mems: SharedArrayBuffer[];
  dirty: Int32Array;
  /** The memory map without and with the dirty log on RAM (stores take other paths with it). */
  maps: [CpuRegion[], CpuRegion[]];
}

function rig(fast: boolean): Rig {
  const regs = new RegFile();
  const mems = [new SharedArrayBuffer(RAM_SIZE), new SharedArrayBuffer(ROM_SIZE), new SharedArrayBuffer(HIGH_SIZE)];
  const dirty = new Int32Array(new SharedArrayBuffer(8));
  const map = (logged: boolean): CpuRegion[] => [
    { base: RAM, size: RAM_SIZE, mem: mems[0], offset: 0, readonly: false, ...(logged ? { dirty } : {}) },
    { base: ROM, size: ROM_SIZE, mem: mems[1], offset: 0, readonly: true },
    { base: HIGH, size: HIGH_SIZE, mem: mems[2], offset: 0, readonly: false },
  ];
  const cpu = new Cpu(regs, { ipaBits: 40 });
  const maps: [CpuRegion[], CpuRegion[]] = [map(false), map(true)];
  cpu.setMemory(maps[0]);
  cpu.fastPaths = fast;
  return { cpu, regs, mems, dirty, maps };
}

const EDGES = [0n, 1n, -1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, -0x8000000000000000n];

/**
 * A register value: an address in one of the regions (often), an edge value, random bits, or
 * close to `hint` (the first instruction's immediate) or to a value already chosen (`prev`), so
 * that comparisons meet their equal and off-by-one cases.
 */
function value(r: Rng, hint: bigint, prev: bigint[]): bigint {
  const delta = BigInt(r.below(3)) - 1n;
  switch (r.below(9)) {
    case 0:
    case 1:
      return BigInt(SCRATCH + r.below(0x2000) - 0x1000);
    case 2:
      return BigInt(r.pick([ROM - 16, HIGH, 0xfffffff8, 0x100000000, RAM + RAM_SIZE - 8])) + BigInt(r.below(32)) - 8n;
    case 3:
      return r.pick(EDGES) + (r.below(2) === 0 ? delta : 0n);
    case 4:
      return BigInt(r.below(256));
    case 5:
      // hint, also with all-ones or random high bits (32-bit forms ignore them).
      return hint + delta + (r.below(2) === 0 ? 0n : r.below(2) === 0 ? -0x100000000n : BigInt(r.u32()) << 32n);
    case 6:
      return prev.length > 0 ? r.pick(prev) + delta : 0n;
    case 7:
      return -(hint + delta);
    default:
      return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
  }
}

/** A random encoding of pattern line `line` that decodes to that line (or null). */
function encoding(r: Rng, line: number): number | null {
  const p = A64_PATTERNS[line];
  for (let k = 0; k < 20; k++) {
    const w = ((r.u32() & ~p.mask) | p.value) >>> 0;
    if (decodeA64(w | 0, ALL_FEATURES) === line) return w;
  }
  return null;
}

/** The initial state of one trial: the register file and memory contents both CPUs start from. */
interface State {
  words: Int32Array;
  mems: Uint8Array[];
  pc: number;
  insn: number[];
  dirtyLog: boolean;
}

/** Memory images (random contents, vectors), shared by the trials: filling is the slow part. */
const IMAGES: Uint8Array[][] = [1, 2, 3].map((seed) => {
  const r = new Rng(seed * 0x9e3779b1);
  const mems = [new Uint8Array(RAM_SIZE), new Uint8Array(ROM_SIZE), new Uint8Array(HIGH_SIZE)];
  for (const m of mems) for (let k = 0; k < m.length; k += 4) new DataView(m.buffer).setUint32(k, r.u32(), true);
  // Vectors: HVC #(0x100 + k) at VBAR + 0x80 k ends the run on an exception.
  for (let k = 0; k < 16; k++) new DataView(mems[0].buffer).setUint32(VBAR - RAM + 0x80 * k, 0xd4000002 | ((0x100 + k) << 5), true);
  return mems;
});

function makeState(r: Rng, first = 0): State {
  // The immediate of an add/sub (immediate) or the imm5 of a CCMP, as the values' hint.
  const hint = BigInt(((first >>> 10) & 0xfff) << ((first & 0x400000) !== 0 ? 12 : 0));
  const tmp = new RegFile();
  for (const row of SYSREGS) tmp.set64(row.word, row.reset);
  tmp.set64(sysregWord('ID_AA64ISAR0_EL1'), 0x0000000000210000n);
  tmp.set64(sysregWord('ID_AA64ISAR1_EL1'), 0x0000000000100000n);
  tmp.set64(sysregWord('VBAR_EL1'), BigInt(VBAR));
  // SCTLR_EL1: sometimes alignment checking (A) and SP alignment checking (SA, SA0).
  let sctlr = tmp.get64(sysregWord('SCTLR_EL1')) & ~0x1bn;
  if (r.below(4) === 0) sctlr |= 2n;
  if (r.below(3) === 0) sctlr |= 0x18n;
  tmp.set64(sysregWord('SCTLR_EL1'), sctlr);
  const prev: bigint[] = [];
  for (let n = 0; n < 31; n++) {
    const v = value(r, hint, prev);
    prev.push(v);
    tmp.set64(2 * n, BigInt.asUintN(64, v));
  }
  const sp = r.below(4) === 0 ? value(r, hint, prev) : BigInt(SCRATCH + 16 * r.below(64));
  tmp.set64(R_SP_EL1, BigInt.asUintN(64, sp));
  tmp.set64(R_SP_EL0, BigInt.asUintN(64, value(r, hint, prev)));
  // EL1h or EL1t, NZCV random, DAIF masked.
  tmp.set64(R_PSTATE, BigInt(((r.u32() & 0xf0000000) | 0x3c0 | (r.below(4) === 0 ? 4 : 5)) >>> 0));
  const mems = r.pick(IMAGES);
  // The code: usually in RAM, sometimes the last words below 4 GiB.
  const pc = r.below(8) === 0 ? 0xfffffff8 : CODE;
  tmp.set64(R_PC, BigInt(pc));
  return { words: Int32Array.from(tmp.i32), mems, pc, insn: [], dirtyLog: r.below(4) === 0 };
}

function load(g: Rig, s: State): void {
  g.regs.i32.set(s.words);
  g.dirty.fill(0);
  g.cpu.setMemory(g.maps[s.dirtyLog ? 1 : 0]);
  s.mems.forEach((m, k) => new Uint8Array(g.mems[k]).set(m));
  const code = s.pc === CODE ? new DataView(g.mems[0], CODE - RAM) : new DataView(g.mems[2], s.pc - HIGH);
  s.insn.forEach((w, k) => code.setUint32(4 * k, w, true));
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}

/** '' when both rigs are in the same state, else the first differences. */
function compare(a: Rig, b: Rig, sa: CpuStop, sb: CpuStop): string {
  const d: string[] = [];
  if (JSON.stringify(sa) !== JSON.stringify(sb)) d.push(`stop: fast ${JSON.stringify(sa)} slow ${JSON.stringify(sb)}`);
  if (a.cpu.instructionsRetired !== b.cpu.instructionsRetired) d.push(`instructionsRetired: fast ${a.cpu.instructionsRetired} slow ${b.cpu.instructionsRetired}`);
  for (let w = 0; w < REG_FILE_WORDS && d.length < 6; w++) {
    if (a.regs.i32[w] !== b.regs.i32[w]) d.push(`word ${w}: fast ${hex(a.regs.i32[w])} slow ${hex(b.regs.i32[w])}`);
  }
  if (a.dirty[0] !== b.dirty[0]) d.push(`dirty log: fast ${hex(a.dirty[0])} slow ${hex(b.dirty[0])}`);
  a.mems.forEach((m, k) => {
    const x = new Uint8Array(m);
    const y = new Uint8Array(b.mems[k]);
    if (!Buffer.from(x.buffer).equals(Buffer.from(y.buffer))) {
      const at = x.findIndex((v, i) => v !== y[i]);
      d.push(`memory region ${k} differs at +0x${at.toString(16)}`);
    }
  });
  return d.join('; ');
}

/** Runs `trials` random single instructions (and short sequences) of the given lines on both rigs. */
function differential(seed: number, lines: number[], trials: number, seqLen: number): string[] {
  const r = new Rng(seed);
  const fast = rig(true);
  const slow = rig(false);
  const failures: string[] = [];
  for (let t = 0; t < trials && failures.length < 5; t++) {
    const insn: number[] = [];
    for (let k = 0; k < seqLen; k++) {
      const w = encoding(r, r.pick(lines));
      if (w !== null) insn.push(w);
    }
    const s = makeState(r, insn[0] ?? 0);
    s.insn = insn;
    if (s.insn.length === 0) continue;
    s.insn.push(0xd4000002); // hvc #0
    load(fast, s);
    load(slow, s);
    const budget = 1 + r.below(seqLen + 2);
    let sa = fast.cpu.run(budget);
    let sb = slow.cpu.run(budget);
    let diff = compare(fast, slow, sa, sb);
    if (diff === '' && sa.kind === 'mmio') {
      // Complete the access with the same data on both and compare again.
      const lo = r.u32() | 0;
      const hi = r.u32() | 0;
      fast.cpu.completeMmio(lo, hi);
      slow.cpu.completeMmio(lo, hi);
      sa = fast.cpu.run(4);
      sb = slow.cpu.run(4);
      diff = compare(fast, slow, sa, sb);
    }
    if (diff !== '') {
      const names = s.insn.map((w) => {
        const l = decodeA64(w | 0, ALL_FEATURES);
        return `${l < 0 ? 'UNALLOCATED' : A64_PATTERNS[l].name} ${hex(w)}`;
      });
      failures.push(`trial ${t} [${names.join(', ')}] at ${hex(s.pc)}, budget ${budget}: ${diff}`);
    }
  }
  return failures;
}

const lineIndices = (pred: (name: string) => boolean) => A64_PATTERNS.map((p, i) => (pred(p.name) ? i : -1)).filter((i) => i >= 0);

const DP = new Set(['ADD_i', 'SUB_i', 'ADDS_i', 'SUBS_i', 'ADD_r', 'ADDS_r', 'SUB_r', 'SUBS_r', 'AND_r', 'BIC_r', 'ORR_r', 'ORN_r',
  'EOR_r', 'EON_r', 'ANDS_r', 'BICS_r', 'AND_i', 'ORR_i', 'EOR_i', 'ANDS_i', 'MOVZ', 'MOVN', 'MOVK', 'SBFM', 'BFM', 'UBFM', 'CSEL',
  'CSINC', 'CSINV', 'CSNEG', 'CCMP_i', 'CCMP_r', 'CCMN_i', 'CCMN_r', 'MADD', 'MSUB', 'ADR', 'ADRP', 'NOP']);
const BRANCH = new Set(['B', 'BL', 'B_cond', 'CBZ', 'CBNZ', 'TBZ', 'TBNZ', 'BR', 'RET', 'BLR']);
const LDST = new Set(['STR_i', 'LDR_i', 'LDRS_i', 'STUR', 'LDUR', 'LDURS', 'STR_post', 'LDR_post', 'LDRS_post', 'STR_pre', 'LDR_pre',
  'LDRS_pre', 'STR_r', 'LDR_r', 'LDRS_r', 'STP', 'LDP']);

test('fast paths = A64_EXEC: data processing (single instructions)', () => {
  const f = differential(0x1234, lineIndices((n) => DP.has(n)), 6000, 1);
  assert.is(f.length, 0, f.join('\n'));
});

test('fast paths = A64_EXEC: branches (single instructions, across 4 GiB too)', () => {
  const f = differential(0x2345, lineIndices((n) => BRANCH.has(n)), 3000, 1);
  assert.is(f.length, 0, f.join('\n'));
});

test('fast paths = A64_EXEC: loads and stores (RAM, ROM, MMIO, region edges, alignment, SP checks)', () => {
  const f = differential(0x3456, lineIndices((n) => LDST.has(n)), 8000, 1);
  assert.is(f.length, 0, f.join('\n'));
});

test('fast paths = A64_EXEC: random sequences of every pattern, random budgets', () => {
  const all = A64_PATTERNS.map((_p, i) => i).filter((i) => A64_PATTERNS[i].name !== 'WFE' && A64_PATTERNS[i].name !== 'WFI');
  const f = differential(0x4567, all, 3000, 6);
  assert.is(f.length, 0, f.join('\n'));
  const g = differential(0x5678, lineIndices((n) => DP.has(n) || LDST.has(n) || BRANCH.has(n)), 3000, 8);
  assert.is(g.length, 0, g.join('\n'));
});

test('fast paths = A64_EXEC: the benchmark kernels end in the same state', () => {
  for (const k of KERNELS) {
    const results: Int32Array[] = [];
    for (const fast of [true, false]) {
      const { cpu, regs, dv } = setup(k);
      cpu.fastPaths = fast;
      const n = runOnce(k, cpu, regs, dv);
      check(k, regs);
      assert.ok(n > 0);
      results.push(Int32Array.from(regs.i32));
    }
    assert.equal(Array.from(results[0]), Array.from(results[1]), k.name);
  }
});

test('switching fastPaths drops decoded instructions (the decode cache is refilled)', () => {
  const g = rig(true);
  const s = makeState(new Rng(7));
  s.insn = [0x91000400, 0xd4000002]; // add x0, x0, #1 ; hvc #0
  load(g, s);
  g.regs.set64(0, 41n);
  assert.equal(g.cpu.run(10), { kind: 'hvc', imm: 0 });
  g.cpu.fastPaths = false;
  g.regs.set64(R_PC, BigInt(s.pc));
  assert.equal(g.cpu.run(10), { kind: 'hvc', imm: 0 });
  assert.is(g.regs.get64(0), 43n);
});


test('windows are 1 GiB chunks of a larger region: code and data across a chunk boundary', () => {
  // RAM from 1 GiB to 2 GiB + 8 KiB: the fetch and data windows end at 2 GiB (a chunk edge).
  const mem = new SharedArrayBuffer((1 << 30) + 0x2000);
  const dv = new DataView(mem);
  const base = 0x40000000;
  const at = 0x7ffffff8; // two instructions below the edge, the rest above
  // movz x0, #1 ; movz x1, #2 ; adr x2, . ; ldr x3, [x5] ; str x3, [x6] ; ldr x4, [x7] ; hvc #0
  const code = [0xd2800020, 0xd2800041, 0x10000002, 0xf94000a3, 0xf90000c3, 0xf94000e4, 0xd4000002];
  code.forEach((w, k) => dv.setUint32(at - base + 4 * k, w, true));
  dv.setBigUint64(0x40001000 - base, 0xabcdefn, true);
  const states: bigint[][] = [];
  for (const fast of [true, false]) {
    const regs = new RegFile();
    for (const row of SYSREGS) regs.set64(row.word, row.reset);
    regs.set64(R_PSTATE, 0x3c5n);
    regs.set64(R_PC, BigInt(at));
    regs.set64(2 * 5, 0x7ffffffcn);
    regs.set64(2 * 6, 0x7ffffff4n); // a store over the first instruction, already executed
    regs.set64(2 * 7, 0x40001000n);
    const cpu = new Cpu(regs, { ipaBits: 40 });
    cpu.setMemory([{ base, size: mem.byteLength, mem, offset: 0, readonly: false }]);
    cpu.fastPaths = fast;
    assert.equal(cpu.run(100), { kind: 'hvc', imm: 0 });
    assert.is(cpu.instructionsRetired, 7);
    states.push([0, 1, 2, 3, 4].map((n) => regs.get64(2 * n)).concat([regs.get64(R_PC), dv.getBigUint64(0x7ffffff4 - base, true)]));
    // Put back what the store overwrote for the second run.
    dv.setUint32(at - base, code[0], true);
    dv.setUint32(0x7ffffff4 - base, 0, true);
  }
  assert.equal(states[0], states[1]);
  const [x0, x1, x2, x3, x4, pc] = states[0];
  assert.is(x0, 1n);
  assert.is(x1, 2n);
  assert.is(x2, 0x80000000n);
  // ldr x3, [0x7ffffffc]: `movz x1, #2` below the edge and `adr x2, .` above it.
  assert.is(x3, (0x10000002n << 32n) | 0xd2800041n);
  assert.is(x4, 0xabcdefn);
  assert.is(pc, 0x80000010n + 4n);
});

test.run();
