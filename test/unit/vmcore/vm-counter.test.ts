/**
 * The VM's generic counter (spec §6.4; linux arch/arm64/kvm/arch_timer.c kvm_arm_timer_set_reg):
 * the physical count runs at CNTFRQ; TIMER_CNT / PTIMER_CNT writes set VM-wide offsets so the guest
 * reads the written value; values are 64-bit and wrap.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VmCounter, hostTicks } from '../../../vmcore/vm-counter';
import { HOST } from '../../../vmcore/host-choices';

const MASK64 = (1n << 64n) - 1n;
const TICKS_PER_MS = BigInt(HOST.CNTFRQ / 1000);
/** A generous bound for "right after": 50 ms of ticks (CI machines stall). */
const NEAR = 50n * TICKS_PER_MS;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** (a - b) mod 2^64: how far the counter moved from b to a. */
const since = (a: bigint, b: bigint): bigint => (a - b) & MASK64;

test('CNTFRQ is 62.5 MHz (§15)', () => {
  assert.is(HOST.CNTFRQ, 62_500_000);
});

test('the physical count advances at CNTFRQ against the monotonic clock', async () => {
  const c = new VmCounter();
  const t0 = process.hrtime.bigint();
  const p0 = c.physicalCount();
  await sleep(60);
  const p1 = c.physicalCount();
  const t1 = process.hrtime.bigint();
  const seconds = Number(t1 - t0) / 1e9;
  const rate = Number(p1 - p0) / seconds;
  assert.ok(rate > HOST.CNTFRQ * 0.9 && rate < HOST.CNTFRQ * 1.1, `rate ${rate} Hz`);
});

test('hostTicks is monotonic and a fresh counter starts at the host count (no offsets)', () => {
  const a = hostTicks();
  const c = new VmCounter();
  const p = c.physicalCount();
  const v = c.virtualCount();
  const b = hostTicks();
  assert.ok(b >= a);
  assert.ok(p >= BigInt(a) && p <= BigInt(b));
  assert.ok(v >= p && v - p <= NEAR, 'virtual = physical with a zero offset');
  assert.equal(Array.from(new Uint32Array(c.buffer)), [0, 0, 0, 0]);
  assert.ok(c.buffer instanceof SharedArrayBuffer);
  assert.is(c.buffer.byteLength, 16);
});

test('setVirtualCount: reads back the written value plus the time since, and keeps counting', async () => {
  const c = new VmCounter();
  for (const target of [0n, 1n, 0x1234_5678_9abcn, 0x7fff_ffff_ffff_0000n, 0x8000_0000_0000_0000n, 0xffff_0000_0000_0000n]) {
    c.setVirtualCount(target);
    const got = c.virtualCount();
    assert.ok(since(got, target) <= NEAR, `wrote 0x${target.toString(16)}, read 0x${got.toString(16)}`);
  }
  c.setVirtualCount(1000n);
  await sleep(20);
  const moved = since(c.virtualCount(), 1000n);
  assert.ok(moved >= 15n * TICKS_PER_MS && moved <= 20n * TICKS_PER_MS + NEAR, `moved ${moved} ticks in 20 ms`);
});

test('setPhysicalCount: reads back the written value; the virtual count is unaffected until written', () => {
  const c = new VmCounter();
  c.setVirtualCount(0x4000_0000n);
  c.setPhysicalCount(0x10n);
  const p = c.physicalCount();
  assert.ok(since(p, 0x10n) <= NEAR, `physical 0x${p.toString(16)}`);
  c.setPhysicalCount(0xdead_beef_0000n);
  assert.ok(since(c.physicalCount(), 0xdead_beef_0000n) <= NEAR);
});

test('the virtual and physical offsets are independent (kernel: both are relative to the host counter)', () => {
  // arch_timer.c kvm_arm_timer_set_reg: TIMER_CNT sets voffset = host - value, PTIMER_CNT sets
  // poffset = host - value; writing one counter leaves the other reading what it read.
  const c = new VmCounter();
  c.setVirtualCount(0x4000_0000n);
  c.setPhysicalCount(0x10n);
  const v = c.virtualCount();
  assert.ok(since(v, 0x4000_0000n) <= NEAR, `virtual 0x${v.toString(16)} after a physical-count write`);
  c.setVirtualCount(5n);
  assert.ok(since(c.physicalCount(), 0x10n) <= NEAR, 'physical unaffected by a virtual-count write');
});

test('64-bit wrap: a count set just below 2^64 wraps through zero', async () => {
  const c = new VmCounter();
  c.setVirtualCount(MASK64 - 100n); // 100 ticks (1.6 µs) before the wrap
  await sleep(2);
  const v = c.virtualCount();
  assert.ok(v < NEAR, `wrapped to 0x${v.toString(16)}`);
  assert.ok(v <= MASK64);
  c.setPhysicalCount(MASK64);
  await sleep(2);
  const p = c.physicalCount();
  assert.ok(p < NEAR, `physical wrapped to 0x${p.toString(16)}`);
});

test('values are taken mod 2^64; counters of two VMs are independent', () => {
  const a = new VmCounter();
  const b = new VmCounter();
  a.setVirtualCount(0x1_0000_0000_0000_0005n); // bit 64 is not part of a u64
  assert.ok(since(a.virtualCount(), 5n) <= NEAR);
  const bv = b.virtualCount();
  assert.ok(bv > NEAR, 'the other VM still reads the host count');
  assert.equal(Array.from(new Uint32Array(b.buffer)), [0, 0, 0, 0]);
});

test.run();
