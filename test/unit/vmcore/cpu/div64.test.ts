/**
 * 64-bit UDIV/SDIV without BigInt on the common path (divisor below 2^32): checked against
 * BigInt on edge cases and random operands of every width.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { udiv64Pair, sdiv64Pair } from '../../../../vmcore/cpu/a64-exec-dp';

const M64 = (1n << 64n) - 1n;
const halves = (v: bigint): [number, number] => [Number(BigInt.asIntN(32, v & 0xffffffffn)), Number(BigInt.asIntN(32, (v >> 32n) & 0xffffffffn))];
const join = ([lo, hi]: [number, number]): bigint => ((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)) & M64;

function refU(a: bigint, b: bigint): bigint {
  return b === 0n ? 0n : a / b;
}
function refS(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  return BigInt.asUintN(64, BigInt.asIntN(64, a) / BigInt.asIntN(64, b) );
}

function check(a: bigint, b: bigint): void {
  const [alo, ahi] = halves(a);
  const [blo, bhi] = halves(b);
  assert.is(join(udiv64Pair(alo, ahi, blo, bhi)), refU(a, b), `udiv ${a.toString(16)} / ${b.toString(16)}`);
  const sa = BigInt.asIntN(64, a);
  const sb = BigInt.asIntN(64, b);
  const want = sa === -(1n << 63n) && sb === -1n ? a : refS(a, b);
  assert.is(join(sdiv64Pair(alo, ahi, blo, bhi)), want, `sdiv ${sa} / ${sb}`);
}

test('edge cases', () => {
  const vals = [0n, 1n, 2n, 3n, 0xffffn, 0x10000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, M64, M64 - 1n, 0xdeadbeefcafebaben];
  for (const a of vals) for (const b of vals) check(a, b);
});

test('random operands of every width (divisors below and above 2^32)', () => {
  let s = 0x12345678;
  const rnd32 = (): bigint => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return BigInt(s >>> 0);
  };
  for (let i = 0; i < 20000; i++) {
    const a = ((rnd32() << 32n) | rnd32()) >> BigInt(i % 64);
    const b = ((rnd32() << 32n) | rnd32()) >> BigInt((i * 7) % 64);
    check(a, b);
    check(BigInt.asUintN(64, -a), b);
    check(a, BigInt.asUintN(64, -b));
  }
});

test.run();
