// The counter as vCPU threads read it (devices/arch-timer/arch-counter.ts): counted from the main
// thread's hostTicks() origin, so that both threads agree, and split into 32-bit halves exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostTicks, VmCounter } from '../../../../vmcore/vm-counter';
import { counterOriginNs, COUNTER_PHYSICAL, COUNTER_VIRTUAL, GuestCounter, monotonicNs, TICKS_PER_MS } from '../../../../devices/arch-timer/arch-counter';

test('counterOriginNs: a GuestCounter counts within a microsecond of vm-counter.ts hostTicks()', () => {
  const c = new GuestCounter(new VmCounter().buffer, counterOriginNs());
  for (let i = 0; i < 20; i++) {
    const a = hostTicks();
    const g = c.hostTicks();
    const b = hostTicks();
    // 62.5 ticks per microsecond: g lies between the two reads, give or take the estimate.
    assert.ok(g >= a - 63 && g <= b + 63, `${a} <= ${g} <= ${b}`);
  }
});

test('monotonicNs is monotonic and in ns', async () => {
  const a = monotonicNs();
  await new Promise((r) => setTimeout(r, 20));
  const b = monotonicNs();
  assert.ok(b - a >= 15e6 && b - a < 1e9, `${b - a} ns`);
  assert.is(TICKS_PER_MS, 62_500);
});

test('at(): host - offset modulo 2^64 into 32-bit halves, matching BigInt arithmetic', () => {
  const vmc = new VmCounter();
  const w = new Uint32Array(vmc.buffer);
  const c = new GuestCounter(vmc.buffer, 0);
  const cases: Array<[number, bigint]> = [
    [0, 0n], [2 ** 53 - 1, 0n], [0x1_0000_0000, 1n], [5, 6n], [0x1234_5678_9abc, 0xffff_ffff_0000_0000n], [123, 0x8000_0000_0000_0000n],
  ];
  for (const [host, off] of cases) {
    for (const which of [COUNTER_VIRTUAL, COUNTER_PHYSICAL]) {
      w[2 * which] = Number(off & 0xffffffffn);
      w[2 * which + 1] = Number(off >> 32n);
      c.at(which, host);
      const want = BigInt.asUintN(64, BigInt(host) - off);
      assert.is((BigInt(c.hi) << 32n) | BigInt(c.lo), want, `host ${host} offset ${off}`);
    }
  }
});

test.run();
