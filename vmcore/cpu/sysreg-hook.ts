/**
 * A system register implemented outside the CPU (generic timer, GICv3 CPU interface ...),
 * registered with Cpu.registerSysReg by encoding (sysregEncoding(op0, op1, CRn, CRm, op2)).
 * Each access returns SYSREG_OK, SYSREG_UNDEF (UNDEFINED, EC 0x00) or SYSREG_TRAP (trapped to
 * EL1 with EC 0x18, e.g. an EL0 timer access that CNTKCTL_EL1 forbids). `el` is the exception
 * level of the access. A hook may change the CPU's irqLine/fiqLine: the CPU re-checks pending
 * interrupts after every hooked access.
 */
export interface SysRegHook {
  /** Writes the value to out[0] (bits 31:0) and out[1] (bits 63:32). */
  read(el: number, out: Int32Array): number;
  write(el: number, lo: number, hi: number): number;
}

export const SYSREG_OK = 0;
export const SYSREG_UNDEF = 1;
export const SYSREG_TRAP = 2;
