// The generic timer of one vCPU (devices/arch-timer/arch-timer.ts) on a controllable clock: the
// counters with the VM's offsets, CTL/CVAL/TVAL semantics (ISTATUS, 64-bit compare, TVAL sign
// extension and carry), the output level and its changes, CNTKCTL_EL1 EL0 traps, and the next
// deadline a WFI sleeps until.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RegFile } from '../../../../vmcore/cpu/reg-file';
import { sysregWord } from '../../../../vmcore/cpu/sysregs';
import { VmCounter } from '../../../../vmcore/vm-counter';
import { GuestCounter, TICKS_PER_MS } from '../../../../devices/arch-timer/arch-counter';
import {
  ArchTimer, CNTFRQ_EL0, CNTPCT_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0, CNTVCT_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0,
  CNTV_TVAL_EL0, TIMER_PHYSICAL, TIMER_VIRTUAL,
} from '../../../../devices/arch-timer/arch-timer';
import { FakeCpu } from '../vgic/fake-cpu';

/** A counter whose host count the test sets. */
class TestCounter extends GuestCounter {
  now = 0;
  override hostTicks(): number {
    return this.now;
  }
}

function setup(): { regs: RegFile; offsets: Uint32Array; clock: TestCounter; timer: ArchTimer; cpu: FakeCpu; edges: Array<[number, boolean]> } {
  const regs = new RegFile();
  const vmc = new VmCounter();
  const clock = new TestCounter(vmc.buffer, 0);
  const timer = new ArchTimer(regs.i32, clock);
  const cpu = new FakeCpu();
  for (const [enc, hook] of timer.hooks()) cpu.registerSysReg(enc, hook);
  const edges: Array<[number, boolean]> = [];
  timer.output = (t, level) => edges.push([t, level]);
  return { regs, offsets: new Uint32Array(vmc.buffer), clock, timer, cpu, edges };
}

test('CNTVCT / CNTPCT: the host count minus the VM offsets, 64-bit with borrow; CNTFRQ 62.5 MHz; counters are read-only', () => {
  const { offsets, clock, cpu } = setup();
  clock.now = 0x1_2345_6789;
  assert.is(cpu.read(CNTVCT_EL0), 0x1_2345_6789n);
  assert.is(cpu.read(CNTPCT_EL0), 0x1_2345_6789n);
  // voff = 0x0_8000_0000 (a borrow from the high word), poff = host + 5 (the count wraps).
  offsets[0] = 0x80000000;
  offsets[1] = 0;
  const poff = BigInt.asUintN(64, 0x1_2345_6789n + 5n);
  offsets[2] = Number(poff & 0xffffffffn);
  offsets[3] = Number(poff >> 32n);
  assert.is(cpu.read(CNTVCT_EL0), 0x1_2345_6789n - 0x8000_0000n);
  assert.is(cpu.read(CNTPCT_EL0), BigInt.asUintN(64, -5n), 'counts below the offset wrap modulo 2^64');
  assert.is(cpu.read(CNTFRQ_EL0), 62_500_000n);
  for (const enc of [CNTVCT_EL0, CNTPCT_EL0, CNTFRQ_EL0]) assert.is(cpu.msr(enc, 0), 'UNDEF');
});

test('CNTV: ISTATUS when enabled and CVAL <= count (unsigned 64-bit); the output is ENABLE && !IMASK && ISTATUS', () => {
  const { clock, cpu, timer, edges } = setup();
  clock.now = 1000;
  cpu.msr(CNTV_CVAL_EL0, 1500);
  assert.is(cpu.read(CNTV_CTL_EL0), 0n, 'disabled: no ISTATUS');
  cpu.msr(CNTV_CTL_EL0, 1);
  assert.is(cpu.read(CNTV_CTL_EL0), 1n, 'enabled, not yet');
  assert.equal(edges, []);
  clock.now = 1500;
  assert.is(cpu.read(CNTV_CTL_EL0), 5n, 'ISTATUS at CVAL == count');
  timer.poll();
  assert.equal(edges, [[TIMER_VIRTUAL, true]], 'the output rose at the poll');
  cpu.msr(CNTV_CTL_EL0, 3); // IMASK
  assert.is(cpu.read(CNTV_CTL_EL0), 7n, 'ISTATUS regardless of IMASK');
  assert.equal(edges[1], [TIMER_VIRTUAL, false], 'masked: output low at once');
  cpu.msr(CNTV_CTL_EL0, 1);
  cpu.msr(CNTV_CVAL_EL0, 0x1_0000_0000n);
  assert.equal(edges.slice(2), [[TIMER_VIRTUAL, true], [TIMER_VIRTUAL, false]], 'a CVAL in the future lowers it');
  assert.is(timer.levelOf(TIMER_VIRTUAL), false);
  clock.now = 0x1_0000_0000;
  timer.poll();
  assert.is(timer.levelOf(TIMER_VIRTUAL), true, 'high words compared first');
  cpu.msr(CNTV_CTL_EL0, 0x4 | 0xf0 | 1);
  assert.is(cpu.read(CNTV_CTL_EL0), 5n, 'only ENABLE and IMASK are writable (ISTATUS is computed)');
});

test('TVAL: reads (CVAL - count)[31:0] (negative once expired); writes CVAL = count + SignExtend(TVAL) with carry', () => {
  const { clock, cpu } = setup();
  clock.now = 0xffff_fff0;
  cpu.msr(CNTV_TVAL_EL0, 0x20);
  assert.is(cpu.read(CNTV_CVAL_EL0), 0x1_0000_0010n, 'carry into the high word');
  assert.is(cpu.read(CNTV_TVAL_EL0), 0x20n);
  clock.now = 0x1_0000_0020;
  assert.is(cpu.read(CNTV_TVAL_EL0), 0xffff_fff0n, '-16 as 32 bits, upper word zero');
  cpu.msr(CNTV_TVAL_EL0, -0x30);
  assert.is(cpu.read(CNTV_CVAL_EL0), 0xffff_fff0n, 'a negative TVAL borrows from the high word');
  clock.now = 5;
  cpu.msr(CNTP_TVAL_EL0, 100);
  assert.is(cpu.read(CNTP_CVAL_EL0), 105n, 'the physical timer counts from CNTPCT');
});

test('the physical timer is independent and compares against CNTPCT (the physical offset)', () => {
  const { offsets, clock, cpu, timer, edges } = setup();
  offsets[2] = 1000; // poff: CNTPCT = host - 1000
  clock.now = 1500;
  cpu.msr(CNTP_CVAL_EL0, 600);
  cpu.msr(CNTP_CTL_EL0, 1);
  assert.is(cpu.read(CNTP_CTL_EL0), 1n, 'CNTPCT 500 < 600');
  cpu.msr(CNTV_CVAL_EL0, 600);
  cpu.msr(CNTV_CTL_EL0, 1);
  assert.is(cpu.read(CNTV_CTL_EL0), 5n, 'CNTVCT 1500 >= 600');
  clock.now = 1600;
  timer.poll();
  assert.equal(edges, [[TIMER_VIRTUAL, true], [TIMER_PHYSICAL, true]]);
  assert.is(cpu.read(CNTP_CTL_EL0), 5n);
});

test('CNTKCTL_EL1 controls EL0 access: counters (EL0VCTEN, EL0PCTEN), timers (EL0VTEN, EL0PTEN), CNTFRQ (either counter bit); EL1 always', () => {
  const { regs, cpu } = setup();
  const W = sysregWord('CNTKCTL_EL1');
  for (const enc of [CNTFRQ_EL0, CNTVCT_EL0, CNTPCT_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0, CNTV_TVAL_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0]) {
    assert.is(cpu.mrs(enc, 0), 'TRAP', `0x${enc.toString(16)} at EL0 with CNTKCTL_EL1 = 0`);
    assert.ok(typeof cpu.mrs(enc, 1) === 'bigint');
  }
  assert.is(cpu.msr(CNTV_CTL_EL0, 1, 0), 'TRAP');
  regs.u32[W] = 1 << 1; // EL0VCTEN
  assert.ok(typeof cpu.mrs(CNTVCT_EL0, 0) === 'bigint');
  assert.ok(typeof cpu.mrs(CNTFRQ_EL0, 0) === 'bigint');
  assert.is(cpu.mrs(CNTPCT_EL0, 0), 'TRAP');
  assert.is(cpu.mrs(CNTV_CTL_EL0, 0), 'TRAP', 'EL0VTEN is separate');
  regs.u32[W] = (1 << 8) | (1 << 0); // EL0VTEN, EL0PCTEN
  assert.is(cpu.msr(CNTV_TVAL_EL0, 10, 0), 'OK');
  assert.ok(typeof cpu.mrs(CNTPCT_EL0, 0) === 'bigint');
  assert.is(cpu.mrs(CNTP_CVAL_EL0, 0), 'TRAP');
  regs.u32[W] = 1 << 9; // EL0PTEN
  assert.is(cpu.msr(CNTP_CTL_EL0, 1, 0), 'OK');
});

test('msUntilNextEvent: the nearest armed deadline in ms; Infinity when disabled or masked; a firing timer is re-checked between chunks only', () => {
  const t = setup();
  assert.is(t.timer.msUntilNextEvent(true), Infinity, 'nothing armed');
  t.clock.now = 1000;
  t.cpu.msr(CNTV_CVAL_EL0, 1000 + 10 * TICKS_PER_MS);
  t.cpu.msr(CNTV_CTL_EL0, 1);
  assert.is(t.timer.msUntilNextEvent(false), 10);
  t.cpu.msr(CNTP_CVAL_EL0, 1000 + 4 * TICKS_PER_MS);
  t.cpu.msr(CNTP_CTL_EL0, 3);
  assert.is(t.timer.msUntilNextEvent(false), 10, 'a masked timer does not count');
  t.cpu.msr(CNTP_CTL_EL0, 1);
  assert.is(t.timer.msUntilNextEvent(false), 4);
  t.clock.now = 1000 + 5 * TICKS_PER_MS;
  assert.is(t.timer.msUntilNextEvent(false), 5, 'in a WFI a firing timer needs no re-check');
  assert.is(t.timer.msUntilNextEvent(true), 1, 'between chunks it is re-checked soon (the guest reprograms it)');
  // A deadline beyond 2^32 ticks is computed without losing the high word.
  t.cpu.msr(CNTP_CTL_EL0, 0);
  t.cpu.msr(CNTV_CVAL_EL0, 0x2_0000_0000n + BigInt(t.clock.now));
  assert.is(t.timer.msUntilNextEvent(false), 0x2_0000_0000 / TICKS_PER_MS);
});

test('resync reports both levels again (a new output sink: the VGIC attached)', () => {
  const { clock, cpu, timer, edges } = setup();
  clock.now = 100;
  cpu.msr(CNTV_CVAL_EL0, 50);
  cpu.msr(CNTV_CTL_EL0, 1);
  edges.length = 0;
  timer.resync();
  assert.equal(edges, [[TIMER_VIRTUAL, false], [TIMER_PHYSICAL, false], [TIMER_VIRTUAL, true]]);
});

test.run();
