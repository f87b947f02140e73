/**
 * The VM's view of the generic counter (spec §6.4): the physical count advances at CNTFRQ from
 * the server's monotonic clock; KVM_REG_ARM_TIMER_CNT / PTIMER_CNT writes set VM-wide offsets so
 * the guest reads the written value. Offsets live in a SharedArrayBuffer (low/high 32-bit words)
 * so vCPU threads read them without messages.
 */
import { HOST } from './host-choices';

const ORIGIN = process.hrtime.bigint();
const MASK64 = (1n << 64n) - 1n;

/** Physical counter ticks since the server started (no BigInt needed by callers on hot paths:
 *  CPU threads use hostTicks() with doubles; exact for 2^53 ticks = 4.5 years at 62.5 MHz). */
export function hostTicks(): number {
  return Math.floor(Number(process.hrtime.bigint() - ORIGIN) * (HOST.CNTFRQ / 1e9));
}

export class VmCounter {
  /** [voff lo, voff hi, poff lo, poff hi]: virtual = host - voff; physical = host - poff. */
  readonly buffer = new SharedArrayBuffer(16);
  private readonly w = new Uint32Array(this.buffer);

  private get(i: number): bigint {
    return (BigInt(this.w[i + 1]) << 32n) | BigInt(this.w[i]);
  }
  private put(i: number, v: bigint): void {
    v &= MASK64;
    this.w[i] = Number(v & 0xffffffffn);
    this.w[i + 1] = Number(v >> 32n);
  }

  physicalCount(): bigint {
    return (BigInt(hostTicks()) - this.get(2)) & MASK64;
  }
  // Both offsets are relative to the host counter, as in the kernel: writing one count does not
  // move the other.
  virtualCount(): bigint {
    return (BigInt(hostTicks()) - this.get(0)) & MASK64;
  }
  setVirtualCount(v: bigint): void {
    this.put(0, BigInt(hostTicks()) - v);
  }
  setPhysicalCount(v: bigint): void {
    this.put(2, BigInt(hostTicks()) - v);
  }
}
