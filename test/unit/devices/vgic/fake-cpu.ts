// A CPU as the devices see it (irqLine/fiqLine, registerSysReg), for driving system-register hooks
// the way MRS/MSR in vmcore/cpu would: values as bigint for readability, no run loop.
import { SYSREG_OK, SYSREG_TRAP, SYSREG_UNDEF, type SysRegHook } from '../../../../vmcore/cpu/sysreg-hook';

export class FakeCpu {
  irqLine = false;
  fiqLine = false;
  readonly hooks = new Map<number, SysRegHook>();
  private readonly out = new Int32Array(2);

  registerSysReg(encoding: number, hook: SysRegHook): void {
    this.hooks.set(encoding, hook);
  }

  private hook(enc: number): SysRegHook {
    const h = this.hooks.get(enc);
    if (!h) throw new Error(`no hook for encoding 0x${enc.toString(16)}`);
    return h;
  }

  /** MRS: the value, or 'UNDEF' / 'TRAP'. */
  mrs(enc: number, el = 1): bigint | 'UNDEF' | 'TRAP' {
    const r = this.hook(enc).read(el, this.out);
    if (r === SYSREG_UNDEF) return 'UNDEF';
    if (r === SYSREG_TRAP) return 'TRAP';
    if (r !== SYSREG_OK) throw new Error(`hook returned ${r}`);
    return (BigInt(this.out[1] >>> 0) << 32n) | BigInt(this.out[0] >>> 0);
  }

  /** MRS expected to succeed. */
  read(enc: number, el = 1): bigint {
    const v = this.mrs(enc, el);
    if (typeof v !== 'bigint') throw new Error(`MRS 0x${enc.toString(16)}: ${v}`);
    return v;
  }

  /** MSR: 'OK', 'UNDEF' or 'TRAP'. */
  msr(enc: number, value: bigint | number, el = 1): 'OK' | 'UNDEF' | 'TRAP' {
    const v = BigInt.asUintN(64, BigInt(value));
    const r = this.hook(enc).write(el, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
    return r === SYSREG_OK ? 'OK' : r === SYSREG_UNDEF ? 'UNDEF' : 'TRAP';
  }
}
