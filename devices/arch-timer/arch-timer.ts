/**
 * The generic timer of one vCPU (Arm ARM D11, "The Generic Timer in AArch64 state"), run on the
 * vCPU's own thread: CNTFRQ_EL0, the counters CNTVCT_EL0 / CNTPCT_EL0, and the EL1 virtual and
 * physical timers CNTV_{CTL,CVAL,TVAL}_EL0 / CNTP_{CTL,CVAL,TVAL}_EL0 as SysRegHooks.
 *
 * CTL and CVAL live in the vCPU's register file rows (vmcore/cpu/sysregs.ts), so ONE_REG
 * (KVM_REG_ARM_TIMER_CTL / _CVAL, §6.4) and the guest see the same values; ISTATUS is computed on
 * every read (and cached in the CTL row by poll()). A timer's output is the level
 * ENABLE && !IMASK && ISTATUS: `output` is told whenever it changes — right after a register
 * write, and from poll(), which the run loop calls between instruction chunks and around a WFI.
 * With a VGIC the output drives the timer's PPI as a level interrupt (kvm_timer_update_irq);
 * without an in-kernel irqchip it goes nowhere (KVM_CAP_ARM_USER_IRQ is not offered, §7.11).
 * msUntilNextEvent() bounds a WFI's sleep by the nearest armed deadline (the kernel's soft timer,
 * kvm_timer_schedule).
 *
 * EL0 accesses follow CNTKCTL_EL1 (EL0PCTEN, EL0VCTEN, EL0VTEN, EL0PTEN): a forbidden one traps
 * to EL1 with EC 0x18. Counter reads and writes never use BigInt.
 *
 * linux: arch/arm64/kvm/arch_timer.c (kvm_timer_should_fire, kvm_timer_update_irq,
 * kvm_arm_timer_read/write_sysreg); qemu target/arm/helper.c (gt_*).
 */
import { HOST } from '../../vmcore/host-choices';
import { sysregEncoding, sysregWord } from '../../vmcore/cpu/sysregs';
import { SYSREG_OK, SYSREG_TRAP, SYSREG_UNDEF, type SysRegHook } from '../../vmcore/cpu/sysreg-hook';
import { COUNTER_PHYSICAL, COUNTER_VIRTUAL, TICKS_PER_MS, type GuestCounter } from './arch-counter';

export const CNTFRQ_EL0 = sysregEncoding(3, 3, 14, 0, 0);
export const CNTPCT_EL0 = sysregEncoding(3, 3, 14, 0, 1);
export const CNTVCT_EL0 = sysregEncoding(3, 3, 14, 0, 2);
export const CNTP_TVAL_EL0 = sysregEncoding(3, 3, 14, 2, 0);
export const CNTP_CTL_EL0 = sysregEncoding(3, 3, 14, 2, 1);
export const CNTP_CVAL_EL0 = sysregEncoding(3, 3, 14, 2, 2);
export const CNTV_TVAL_EL0 = sysregEncoding(3, 3, 14, 3, 0);
export const CNTV_CTL_EL0 = sysregEncoding(3, 3, 14, 3, 1);
export const CNTV_CVAL_EL0 = sysregEncoding(3, 3, 14, 3, 2);

export const CNTx_CTL_ENABLE = 1 << 0;
export const CNTx_CTL_IMASK = 1 << 1;
export const CNTx_CTL_ISTATUS = 1 << 2;
// CNTKCTL_EL1 EL0 access controls.
const EL0PCTEN = 1 << 0;
const EL0VCTEN = 1 << 1;
const EL0VTEN = 1 << 8;
const EL0PTEN = 1 << 9;

/** Timer indices (the counter each one compares against). */
export const TIMER_VIRTUAL = COUNTER_VIRTUAL;
export const TIMER_PHYSICAL = COUNTER_PHYSICAL;

/**
 * While a timer's output is up, the guest is expected to reprogram it (from its handler) soon:
 * the run loop should look again this soon (ms) rather than after a whole chunk, or the next
 * deadline would be noticed late.
 */
const FIRING_RECHECK_MS = 1;

const W_CNTKCTL = sysregWord('CNTKCTL_EL1');
const W_CTL = [sysregWord('CNTV_CTL_EL0'), sysregWord('CNTP_CTL_EL0')];
const W_CVAL = [sysregWord('CNTV_CVAL_EL0'), sysregWord('CNTP_CVAL_EL0')];
const TWO32 = 4294967296;

export class ArchTimer {
  /** Called when a timer's output level changes (timer index, level). */
  output: ((timer: number, level: boolean) => void) | null = null;
  private readonly level = [false, false];

  /** `regs` is the vCPU's register file as 32-bit words (RegFile.i32, Cpu.x). */
  constructor(
    private readonly regs: Int32Array,
    private readonly counter: GuestCounter,
  ) {}

  /** The timer registers by encoding, for Cpu.registerSysReg. */
  hooks(): Array<[number, SysRegHook]> {
    const c = this.counter;
    const el0 = (bits: number) => (el: number): boolean => el === 0 && (this.regs[W_CNTKCTL] & bits) === 0;
    const readOnly = (denied: (el: number) => boolean, get: (out: Int32Array) => void): SysRegHook => ({
      read: (el, out) => {
        if (denied(el)) return SYSREG_TRAP;
        get(out);
        return SYSREG_OK;
      },
      write: () => SYSREG_UNDEF,
    });
    const counterReg = (which: number, bits: number): SysRegHook =>
      readOnly(el0(bits), (out) => {
        c.read(which);
        out[0] = c.lo;
        out[1] = c.hi;
      });
    const rows: Array<[number, SysRegHook]> = [
      [CNTFRQ_EL0, readOnly(el0(EL0PCTEN | EL0VCTEN), (out) => { out[0] = HOST.CNTFRQ; out[1] = 0; })],
      [CNTVCT_EL0, counterReg(COUNTER_VIRTUAL, EL0VCTEN)],
      [CNTPCT_EL0, counterReg(COUNTER_PHYSICAL, EL0PCTEN)],
    ];
    for (const [t, bits, ctl, cval, tval] of [
      [TIMER_VIRTUAL, EL0VTEN, CNTV_CTL_EL0, CNTV_CVAL_EL0, CNTV_TVAL_EL0],
      [TIMER_PHYSICAL, EL0PTEN, CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0],
    ]) {
      const denied = el0(bits);
      const reg = (read: (out: Int32Array) => void, write: (lo: number, hi: number) => void): SysRegHook => ({
        read: (el, out) => {
          if (denied(el)) return SYSREG_TRAP;
          read(out);
          return SYSREG_OK;
        },
        write: (el, lo, hi) => {
          if (denied(el)) return SYSREG_TRAP;
          write(lo, hi);
          this.update(t);
          return SYSREG_OK;
        },
      });
      rows.push(
        [ctl, reg((out) => { out[0] = this.ctlValue(t); out[1] = 0; }, (lo) => { this.regs[W_CTL[t]] = lo & (CNTx_CTL_ENABLE | CNTx_CTL_IMASK); })],
        [cval, reg((out) => { out[0] = this.regs[W_CVAL[t]]; out[1] = this.regs[W_CVAL[t] + 1]; }, (lo, hi) => { this.regs[W_CVAL[t]] = lo; this.regs[W_CVAL[t] + 1] = hi; })],
        [tval, reg((out) => this.readTval(t, out), (lo) => this.writeTval(t, lo))],
      );
    }
    return rows;
  }

  /** The counter has reached CVAL (unsigned 64-bit compare), with the count in counter.lo/hi. */
  private conditionMet(t: number): boolean {
    const c = this.counter;
    const w = W_CVAL[t];
    const cvHi = this.regs[w + 1] >>> 0;
    return c.hi > cvHi || (c.hi === cvHi && c.lo >= this.regs[w] >>> 0);
  }

  /** CNTx_CTL_EL0 as read: ENABLE, IMASK, and ISTATUS when enabled and the condition holds. */
  private ctlValue(t: number): number {
    const ctl = this.regs[W_CTL[t]] & (CNTx_CTL_ENABLE | CNTx_CTL_IMASK);
    if ((ctl & CNTx_CTL_ENABLE) === 0) return ctl;
    this.counter.read(t);
    return this.conditionMet(t) ? ctl | CNTx_CTL_ISTATUS : ctl;
  }

  /** TVAL reads (CVAL - count)[31:0]; bits 63:32 read as zero. */
  private readTval(t: number, out: Int32Array): void {
    this.counter.read(t);
    out[0] = (this.regs[W_CVAL[t]] - this.counter.lo) | 0;
    out[1] = 0;
  }

  /** TVAL writes set CVAL = count + SignExtend(TVAL[31:0]). */
  private writeTval(t: number, lo: number): void {
    const c = this.counter;
    c.read(t);
    let sum = c.lo + (lo >>> 0);
    let carry = 0;
    if (sum >= TWO32) {
      sum -= TWO32;
      carry = 1;
    }
    this.regs[W_CVAL[t]] = sum;
    this.regs[W_CVAL[t] + 1] = (c.hi + carry + (lo < 0 ? 0xffffffff : 0)) >>> 0;
  }

  /** Re-evaluates timer t's output at the current count (in counter.lo/hi after ctlValue). */
  private update(t: number): void {
    const ctl = this.ctlValue(t);
    this.regs[W_CTL[t]] = ctl;
    const level = ctl === (CNTx_CTL_ENABLE | CNTx_CTL_ISTATUS);
    if (level !== this.level[t]) {
      this.level[t] = level;
      this.output?.(t, level);
    }
  }

  /** Both timers' outputs at the current count (between chunks, around WFI). */
  poll(): void {
    this.update(TIMER_VIRTUAL);
    this.update(TIMER_PHYSICAL);
  }

  /** Forgets the levels last reported, so the next poll() reports both (a new output sink). */
  resync(): void {
    this.level[0] = this.level[1] = false;
    this.output?.(TIMER_VIRTUAL, false);
    this.output?.(TIMER_PHYSICAL, false);
    this.poll();
  }

  /** The current output level of timer t. */
  levelOf(t: number): boolean {
    return this.level[t];
  }

  /**
   * Milliseconds until the nearest enabled, unmasked timer fires; Infinity if none is armed. With
   * `recheckFiring` (sizing a chunk, not a WFI sleep), FIRING_RECHECK_MS while one is firing.
   */
  msUntilNextEvent(recheckFiring: boolean): number {
    let best = Infinity;
    const c = this.counter;
    const host = c.hostTicks();
    for (const t of [TIMER_VIRTUAL, TIMER_PHYSICAL]) {
      if ((this.regs[W_CTL[t]] & (CNTx_CTL_ENABLE | CNTx_CTL_IMASK)) !== CNTx_CTL_ENABLE) continue;
      c.at(t, host);
      if (this.conditionMet(t)) {
        if (recheckFiring) best = Math.min(best, FIRING_RECHECK_MS);
        continue;
      }
      const w = W_CVAL[t];
      const ticks = ((this.regs[w + 1] >>> 0) - c.hi) * TWO32 + ((this.regs[w] >>> 0) - c.lo);
      best = Math.min(best, ticks / TICKS_PER_MS);
    }
    return best;
  }
}
