/**
 * The vCPU register file: one SharedArrayBuffer shared by the vCPU's worker thread (the CPU
 * executes on it) and the main thread (ONE_REG, VCPU_EVENTS, MP_STATE while the vCPU is not
 * running). 64-bit registers are two 32-bit words, low word first (no BigInt on the hot path).
 *
 * Word layout (Int32Array / Uint32Array indices):
 *   X0..X30      2n, 2n+1                       (0..61)
 *   SP_EL0       62,63      PC 64,65            PSTATE 66,67 (SPSR format, high word 0)
 *   SP_EL1       68,69      ELR_EL1 70,71
 *   SPSR_EL1,ABT,UND,IRQ,FIQ  72..81            (KVM's spsr[5], §6.2)
 *   V0..V31      96 + 4n .. 96 + 4n + 3         (128 bits each, least significant word first)
 *   FPSR 224     FPCR 225
 *   pending events (KVM_SET_VCPU_EVENTS, §13): VSE 226 (virtual SError pending, 0/1),
 *   VSESR 228,229 (its syndrome, ISS bits 24:0), EXT_DABT 227 (external data abort to inject)
 *   system registers from SYSREG_BASE, two words per row of the system-register table
 *   (vmcore/cpu/sysregs.ts), in table order.
 *
 * The order of the core block follows struct kvm_regs, so the KVM core index maps to a word
 * by a fixed rule (vmcore/one-reg.ts).
 */
export const R_X = 0;
export const R_SP_EL0 = 62;
export const R_PC = 64;
export const R_PSTATE = 66;
export const R_SP_EL1 = 68;
export const R_ELR_EL1 = 70;
export const R_SPSR = 72; // 5 registers, 2 words each
export const R_V = 96; // 32 registers, 4 words each
export const R_FPSR = 224;
export const R_FPCR = 225;
export const R_VSE = 226;
export const R_EXT_DABT = 227;
export const R_VSESR = 228;
export const SYSREG_BASE = 256;
/** Room for 512 system registers; the table asserts it fits. */
export const REG_FILE_WORDS = SYSREG_BASE + 2 * 512;

export class RegFile {
  readonly buffer: SharedArrayBuffer;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(REG_FILE_WORDS * 4);
    this.u32 = new Uint32Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Reads a 64-bit register at word w as a BigInt (control path only). */
  get64(w: number): bigint {
    return (BigInt(this.u32[w + 1]) << 32n) | BigInt(this.u32[w]);
  }

  set64(w: number, v: bigint): void {
    this.u32[w] = Number(v & 0xffffffffn);
    this.u32[w + 1] = Number((v >> 32n) & 0xffffffffn);
  }

  /** Copies `bytes` little-endian words starting at word w into a new byte array. */
  readBytes(w: number, bytes: number): Uint8Array {
    return new Uint8Array(this.buffer.slice(w * 4, w * 4 + bytes));
  }

  writeBytes(w: number, data: Uint8Array): void {
    new Uint8Array(this.buffer, w * 4, data.length).set(data);
  }

  /** Zeroes the whole file (KVM_ARM_VCPU_INIT resets before applying reset values). */
  clear(): void {
    this.u32.fill(0);
  }
}
