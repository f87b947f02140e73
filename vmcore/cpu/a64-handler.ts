/**
 * The contract between the run loop (cpu.ts) and the per-pattern semantics (a64-exec-*.ts).
 * A handler executes one instruction word on the CPU and says how the run loop continues.
 * Handlers read the PC from the register file (R_PC), which the run loop stores before each call,
 * and NZCV from the Cpu fields (likewise stored).
 */
import type { Cpu } from './cpu';

export type Handler = (c: Cpu, insn: number) => number;

/** Fall through to the next instruction (the run loop advances the PC). */
export const NEXT = 0;
/** The handler wrote a new PC (a branch); nothing else about the execution state changed. */
export const JUMP = 1;
/** The run loop must return `c.stop` to the caller. */
export const STOP = 2;
/**
 * The handler wrote a new PC and may have changed PSTATE, the exception level, SCTLR or an
 * interrupt input (exception entry, ERET, MSR DAIF, a sysreg hook): re-check pending
 * asynchronous exceptions and the fetch translation before the next instruction.
 */
export const RESYNC = 3;

/** (lo, hi) as a signed 64-bit BigInt (atomics only, never ordinary instructions). */
export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

/** Stores the 64-bit BigInt `v` into c.vLo/c.vHi. */
export function fromBig(c: Cpu, v: bigint): void {
  c.vLo = Number(BigInt.asIntN(32, v));
  c.vHi = Number(BigInt.asIntN(32, v >> 32n));
}
