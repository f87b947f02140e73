/**
 * The generic counter as a vCPU thread reads it (CNTVCT_EL0, CNTPCT_EL0): the host count of
 * vmcore/vm-counter.ts minus the VM's offsets, which live in the VmCounter's SharedArrayBuffer
 * ([voff lo, voff hi, poff lo, poff hi]; KVM_REG_ARM_TIMER_CNT / PTIMER_CNT writes set them, §6.4).
 * 64-bit values are handled as 32-bit halves: no BigInt on this path (a guest reads the counter
 * often).
 *
 * vm-counter.ts's hostTicks() counts from the moment its module was loaded, which differs per
 * thread. A vCPU thread therefore counts from the main thread's origin, estimated on the main
 * thread (counterOriginNs) and passed to it at start-up: both threads read the same monotonic
 * clock, so the two counts agree to the estimate's precision (well below a microsecond).
 */
import { HOST } from '../../vmcore/host-choices';
import { hostTicks } from '../../vmcore/vm-counter';

const TICKS_PER_NS = HOST.CNTFRQ / 1e9;
export const TICKS_PER_MS = HOST.CNTFRQ / 1e3;
const TWO32 = 4294967296;

/**
 * The monotonic clock in ns as a double (exact below 2^53 ns, 104 days of host uptime; beyond,
 * rounding to 2 ns keeps it monotonic). process.hrtime() measured at half the cost of
 * process.hrtime.bigint() on Node 20 (120 ns against 240 ns per call).
 */
export function monotonicNs(): number {
  const t = process.hrtime();
  return t[0] * 1e9 + t[1];
}

/**
 * On the main thread: the monotonic time (ns) at which vm-counter.ts's hostTicks() was 0. Each
 * sample brackets one hostTicks() call between two clock reads; the tightest bracket wins.
 */
export function counterOriginNs(samples = 64): number {
  let best = Infinity;
  let origin = 0;
  for (let i = 0; i < samples; i++) {
    const a = monotonicNs();
    const k = hostTicks();
    const b = monotonicNs();
    if (b - a < best) {
      best = b - a;
      origin = (a + b) / 2 - (k + 0.5) / TICKS_PER_NS;
    }
  }
  return origin;
}

export const COUNTER_VIRTUAL = 0;
export const COUNTER_PHYSICAL = 1;

/** The VM's two counters on a vCPU thread. Results in lo/hi (scratch fields: no allocation). */
export class GuestCounter {
  private readonly off: Uint32Array;
  /** The last count read (read / readHost). */
  lo = 0;
  hi = 0;

  /** `offsets` is VmCounter.buffer; `originNs` comes from counterOriginNs() on the main thread. */
  constructor(offsets: SharedArrayBuffer, private readonly originNs: number) {
    this.off = new Uint32Array(offsets);
  }

  /** The host count (vm-counter.ts hostTicks() of the main thread), as a double. */
  hostTicks(): number {
    return Math.floor((monotonicNs() - this.originNs) * TICKS_PER_NS);
  }

  /** Counter `which` (COUNTER_VIRTUAL / _PHYSICAL) at host count `host`, into lo/hi. */
  at(which: number, host: number): void {
    const hHi = Math.floor(host / TWO32);
    let lo = host - hHi * TWO32 - this.off[2 * which];
    let borrow = 0;
    if (lo < 0) {
      lo += TWO32;
      borrow = 1;
    }
    this.lo = lo;
    this.hi = (hHi - this.off[2 * which + 1] - borrow) >>> 0;
  }

  /** Counter `which` now, into lo/hi. */
  read(which: number): void {
    this.at(which, this.hostTicks());
  }
}
