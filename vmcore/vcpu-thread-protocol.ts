/**
 * Messages between a vCPU's main-thread object (vcpu.ts) and the worker thread that executes its
 * guest code (vcpu-loop.ts). Structured-cloneable; no BigInt.
 */

/**
 * What offering a guest write to the coalesced-MMIO zones gave (the producer is
 * devices/coalesced-mmio.ts; the run loop acts on it): not wholly inside a zone, appended to the
 * ring, or inside a zone with the ring full (the write then exits as KVM_EXIT_MMIO, §12.2).
 */
export const COALESCE_NONE = 0;
export const COALESCE_DONE = 1;
export const COALESCE_FULL = 2;

/** Shared control words of a vCPU (Int32Array over a SharedArrayBuffer). */
export const CTL_KICK = 0; // non-zero: end the slice in progress with { kind: 'intr' }
export const CTL_LINES = 1; // bit 0 IRQ, bit 1 FIQ: the vCPU's interrupt inputs (level)
export const CTL_WAKE = 2; // bumped (and notified) whenever something may end a WFI
export const CTL_MEMGEN = 3; // memory-map generation the main thread last published
export const CTL_WORDS = 8;

export interface RunThreadRequest {
  /** Complete the pending MMIO exit first (§7.5): read data (low/high words), or a write. */
  complete?: { lo: number; hi: number };
  /** Only complete the pending MMIO, do not run (immediate_exit, §7.1 step 2). */
  completeOnly?: boolean;
  /** Absolute Date.now() ms after which the slice ends with { kind: 'intr' }. */
  deadline: number;
  /** Instructions between checks of the kick word and the deadline. */
  chunk: number;
  /** Exit with KVM_EXIT_ARM_NISV instead of failing with ENOSYS (KVM_CAP_ARM_NISV_TO_USER). */
  nisvToUser: boolean;
  /**
   * The in-kernel irqchip's shared state (IrqchipPort.shared(), opaque to vmcore), once it is
   * ready. The thread attaches to it on the first request that carries it; WorkerVcpuThread
   * sends it only once.
   */
  irqchip?: unknown;
}

/** Why a slice ended. */
export type ThreadExitBody =
  | { kind: 'intr' }
  | { kind: 'completed' }
  | { kind: 'mmio'; addr: number; len: number; isWrite: boolean; lo: number; hi: number }
  | { kind: 'nisv'; addr: number; isWrite: boolean; esrIss: number }
  | { kind: 'hvc'; imm: number }
  | { kind: 'smc'; imm: number }
  | { kind: 'ifetch-mmio'; addr: number }
  | { kind: 'internal'; description: string }
  | { kind: 'crash'; message: string; stack?: string };

export type RunThreadExit = ThreadExitBody & {
  /** Instructions retired during this request. */
  instructions: number;
  /** Writes coalesced into the ring, and writes that fell back to an exit because it was full. */
  coalesced: number;
  ringFull: number;
};

export type ToWorker =
  | { type: 'run'; req: RunThreadRequest }
  | { type: 'memory'; map: unknown; generation: number };

export type FromWorker = { type: 'exit'; exit: RunThreadExit } | { type: 'ready' };
