/**
 * risu-style differential testing through the gRPC API: thousands of random instruction
 * sequences (test/guests/random-sequences.ts: data processing and loads/stores in every
 * addressing mode, with random registers, flags and memory) packed into a few guest programs,
 * each run on the service (as a VMM would, test/guests/service.ts) and under
 * `qemu-system-aarch64 -M virt -cpu cortex-a57` (or `-cpu max` for the LSE atomics). Every
 * sequence must end with the same X0..X30, SP, NZCV, exceptions and scratch memory on both
 * (compared through a hash printed per sequence; a mismatch is re-run with full dumps and
 * reported register by register, with the seed and index that regenerate it).
 *
 * Environment (scripts/nightly-diff.sh sets these for long runs):
 *   RANDOM_DIFF_SEED       run seed (default 20250601)
 *   RANDOM_DIFF_COUNT      sequences without LSE (default 3000)
 *   RANDOM_DIFF_LSE_COUNT  sequences with LSE atomics (default 1000)
 *   RANDOM_DIFF_PACK       sequences per guest program (default 500)
 *   RANDOM_DIFF_ONLY       only these indices, e.g. "17,203" or "lse:5" (reproducing a report)
 *   RANDOM_DIFF_PLANTED=0  skip the self-test of the harness
 *   RANDOM_DIFF_VERBOSE=1  print progress
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer, TestServer } from './harness';
import { buildGuestSource, hasCrossToolchain } from '../guests/build';
import { hasQemu, runQemu } from '../guests/qemu';
import { runOnService } from '../guests/service';
import {
  describeSequence, diffDumps, generateSequence, parseSequenceOutput, sequenceProgram, type Sequence,
} from '../guests/random-sequences';

const env = (name: string, def: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${v}: not a non-negative integer`);
  return n;
};
const SEED = env('RANDOM_DIFF_SEED', 20250601);
const COUNT = env('RANDOM_DIFF_COUNT', 3000);
const LSE_COUNT = env('RANDOM_DIFF_LSE_COUNT', 1000);
const PACK = Math.max(1, env('RANDOM_DIFF_PACK', 500));
const VERBOSE = process.env.RANDOM_DIFF_VERBOSE === '1';
const ONLY = (process.env.RANDOM_DIFF_ONLY ?? '').split(',').filter(Boolean).map((s) => ({ lse: s.startsWith('lse:'), index: Number(s.replace(/^lse:/, '')) }));
/** Detailed reports for at most this many mismatches per run. */
const MAX_REPORTS = 10;

const enabled = hasCrossToolchain && hasQemu;
let t: TestServer;
test.before(async () => {
  if (enabled) t = await startTestServer();
});
test.after(async () => {
  if (enabled) await t.stop();
});

interface Flavour {
  lse: boolean;
  march?: string;
  qemuCpu?: string;
}
const BASE: Flavour = { lse: false };
const LSE: Flavour = { lse: true, march: 'armv8.1-a+crc', qemuCpu: 'max' };

interface RunOutcome {
  checked: number;
  mismatched: Sequence[];
  reports: string[];
}

function build(name: string, seqs: Sequence[], f: Flavour, mode: 'hash' | 'dump') {
  return buildGuestSource(name, sequenceProgram(seqs, mode), { march: f.march, qemuCpu: f.qemuCpu });
}

/** Runs one pack on both sides; returns the sequences whose results differ. */
async function runPack(seqs: Sequence[], f: Flavour, vcpuId: number): Promise<Sequence[]> {
  const img = build(`random-${f.lse ? 'lse' : 'base'}-${seqs[0].seed}-${seqs[0].index}`, seqs, f, 'hash');
  const [q, s] = await Promise.all([
    runQemu(img.elf, { cpu: img.qemuCpu, timeoutMs: 60_000 + 200 * seqs.length }),
    runOnService(t.client, img, { vcpuId, timeoutMs: 60_000 + 200 * seqs.length }),
  ]);
  assert.is(q.timedOut, false, `QEMU timed out on the pack starting at sequence ${seqs[0].index}`);
  assert.is(s.ended, 'shutdown', `service: ${s.error ?? s.ended} on the pack starting at sequence ${seqs[0].index}`);
  const qr = parseSequenceOutput(q.output);
  const sr = parseSequenceOutput(s.output);
  assert.is(qr.size, seqs.length, `QEMU printed ${qr.size} of ${seqs.length} results:\n${q.output.slice(-2000)}`);
  assert.is(sr.size, seqs.length, `the service printed ${sr.size} of ${seqs.length} results:\n${s.output.slice(-2000)}`);
  return seqs.filter((sq) => qr.get(sq.index) !== sr.get(sq.index));
}

/** Re-runs mismatched sequences with full dumps and describes what differs. */
async function explain(seqs: Sequence[], f: Flavour, vcpuId: number): Promise<string[]> {
  const img = build(`random-dump-${f.lse ? 'lse' : 'base'}`, seqs, f, 'dump');
  const [q, s] = await Promise.all([runQemu(img.elf, { cpu: img.qemuCpu }), runOnService(t.client, img, { vcpuId })]);
  const qr = parseSequenceOutput(q.output);
  const sr = parseSequenceOutput(s.output);
  return seqs.map((sq) => {
    const only = `RANDOM_DIFF_SEED=${sq.seed} RANDOM_DIFF_ONLY=${f.lse ? 'lse:' : ''}${sq.index}`;
    const diffs = diffDumps(qr.get(sq.index) ?? '', sr.get(sq.index) ?? '');
    return `${describeSequence(sq)}\n  differences (QEMU -cpu ${img.qemuCpu} vs the service):\n${diffs.map((d) => `    ${d}`).join('\n')}\n  reproduce: ${only} scripts/nightly-diff.sh`;
  });
}

/**
 * Runs `count` sequences of the run `seed` (or the ONLY list) in packs; `tweak` may alter the
 * generated sequences (the harness self-test plants a difference with it).
 */
async function runDiff(seed: number, count: number, f: Flavour, opts: { vcpuId?: number; tweak?: (s: Sequence) => Sequence } = {}): Promise<RunOutcome> {
  const vcpuId = opts.vcpuId ?? 0;
  const only = ONLY.filter((o) => o.lse === f.lse).map((o) => o.index);
  const indices = only.length ? only : ONLY.length ? [] : Array.from({ length: count }, (_, i) => i);
  const out: RunOutcome = { checked: 0, mismatched: [], reports: [] };
  const t0 = performance.now();
  for (let p = 0; p < indices.length; p += PACK) {
    // Generated pack by pack, so a nightly run of 10^5 sequences needs little memory.
    const seqs = indices.slice(p, p + PACK).map((i) => (opts.tweak ?? ((s: Sequence) => s))(generateSequence(seed, i, { lse: f.lse })));
    const bad = await runPack(seqs, f, vcpuId);
    out.checked += seqs.length;
    out.mismatched.push(...bad);
    if (VERBOSE) {
      const dt = (performance.now() - t0) / 1000;
      console.log(`  [${f.lse ? 'lse' : 'base'} seed ${seed}] ${out.checked}/${indices.length} sequences, ${out.mismatched.length} mismatches, ${dt.toFixed(1)} s`);
    }
  }
  if (out.mismatched.length) out.reports = await explain(out.mismatched.slice(0, MAX_REPORTS), f, vcpuId);
  return out;
}

function assertNoMismatch(o: RunOutcome, what: string): void {
  if (VERBOSE || o.mismatched.length) {
    for (const r of o.reports) console.log(`\nMISMATCH ${r}`);
  }
  assert.is(o.mismatched.length, 0,
    `${o.mismatched.length} of ${o.checked} ${what} differ (indices ${o.mismatched.map((s) => s.index).slice(0, 50).join(', ')}):\n\n${o.reports.join('\n\n')}`);
}

test('the generator is deterministic per (seed, index) and never emits the excluded UNPREDICTABLE forms', () => {
  const num = (r: string): number => (/zr$/.test(r) ? 31 : Number(r.slice(1)));
  const wb = /\]!$|\], #-?\d+$/;
  const problems: string[] = [];
  let lines = 0;
  for (const lse of [false, true]) {
    for (let i = 0; i < 3000; i++) {
      const s = generateSequence(99, i, { lse });
      assert.equal(generateSequence(99, i, { lse }), s);
      for (const line of s.body) {
        lines++;
        const bad = (why: string) => problems.push(`${why}: ${line} (seed 99 index ${i}${lse ? ' lse' : ''})`);
        if (/\[sp\b/.test(line)) bad('memory access through SP');
        let m = /^(?:ld|st)\w*\s+([xw](?:\d+|zr)),\s*\[x(\d+)/.exec(line);
        if (m && wb.test(line) && num(m[1]) === Number(m[2])) bad('writeback with Rt == Rn');
        m = /^(ldp|stp|ldpsw|ldnp|stnp|ld\w*xp)\s+([xw](?:\d+|zr)),\s*([xw](?:\d+|zr)),\s*\[x(\d+)/.exec(line);
        if (m && m[1].startsWith('ld') && num(m[2]) === num(m[3])) bad('load pair with Rt == Rt2');
        if (m && wb.test(line) && (num(m[2]) === Number(m[4]) || num(m[3]) === Number(m[4]))) bad('pair writeback overlapping Rn');
        m = /^st\w*x[rp][bh]?\s+w(\d+),\s*((?:[xw](?:\d+|zr),\s*)+)\[x(\d+)\]$/.exec(line);
        if (m && (m[2].split(',').map((r) => r.trim()).filter(Boolean).some((r) => num(r) === Number(m![1])) || Number(m[1]) === Number(m[3]))) {
          bad('store-exclusive status register overlapping Rt or Rn');
        }
        m = /^casp\w*\s+[xw](\d+), [xw](\d+), [xw](\d+), [xw](\d+),/.exec(line);
        if (m && (Number(m[1]) % 2 || Number(m[3]) % 2)) bad('CASP with an odd register pair');
      }
    }
  }
  assert.ok(lines > 50000, `${lines} instructions generated`);
  assert.equal(problems.slice(0, 10), []);
});

if (!enabled) {
  test('random sequences vs QEMU (skipped: qemu-system-aarch64 or aarch64-linux-gnu-gcc not installed)', () => undefined);
} else {
  test(`${ONLY.length ? 'selected' : COUNT} random data-processing and load/store sequences (seed ${SEED}) end with the same registers, flags, exceptions and memory on the service and QEMU -cpu cortex-a57`, async () => {
    const o = await runDiff(SEED, COUNT, BASE);
    assert.ok(o.checked === COUNT || ONLY.length > 0, `checked ${o.checked}`);
    assertNoMismatch(o, 'sequences');
  });

  test(`${ONLY.length ? 'selected' : LSE_COUNT} random sequences with LSE atomics (seed ${SEED}) match QEMU -cpu max`, async () => {
    const o = await runDiff(SEED, LSE_COUNT, LSE);
    assertNoMismatch(o, 'LSE sequences');
  });

  if (process.env.RANDOM_DIFF_PLANTED !== '0' && ONLY.length === 0) {
    test('self-test: a planted difference (MPIDR_EL1 of vCPU 1 vs QEMU\'s CPU 0) is caught in exactly its sequence and reported by register', async () => {
      const planted = 7;
      const o = await runDiff(SEED + 1, 12, BASE, {
        vcpuId: 1,
        // Appended last, so overwriting whatever X5 was (even a base register) is harmless.
        tweak: (s) => (s.index === planted ? { ...s, body: [...s.body, 'mrs x5, mpidr_el1'] } : s),
      });
      assert.equal(o.mismatched.map((s) => s.index), [planted]);
      assert.is(o.reports.length, 1);
      assert.match(o.reports[0], /x5: qemu 0000000080000000 ours 0000000080000001/);
      assert.match(o.reports[0], /reproduce: RANDOM_DIFF_SEED=\d+ RANDOM_DIFF_ONLY=7/);
    });
  }
}

test.run();
