/**
 * The VGIC's runtime state lives in SharedArrayBuffers so that every vCPU thread works on it
 * without a round trip to the main thread: its ICC_* system registers, guest MMIO to the GIC
 * frames and its timer's PPI. This file fixes the word layout of the VM-wide block and of each
 * vCPU's block, the lock that makes multi-word updates atomic, and the descriptor a vCPU thread
 * receives (structured-cloneable: buffers and numbers only).
 *
 * The lock is a futex-style mutex (Drepper, "Futexes are tricky", mutex 2) on one Int32 word:
 * 0 free, 1 held, 2 held with waiters. The critical sections are a few hundred operations at
 * most, so contention is rare and short; the main thread may block on it too (Node allows
 * Atomics.wait there). A thread that dies inside a section (a worker terminated mid-access)
 * would leave it held: after LOCK_TIMEOUT_MS a waiter gives up with an exception (an emulator
 * fault for that VM) instead of hanging the server.
 */
import type { VgicModel } from './vgic-host';

// -- VM-wide words (Int32Array over VgicSharedDesc.dist) ------------------------------------------

export const D_LOCK = 0;
/** GICD_CTLR.EnableGrp1 (v3) / .Enable (v2): KVM gates both groups with it. */
export const D_ENABLED = 1;
export const D_NR_SPIS = 2;
export const D_INITIALIZED = 3;
export const D_READY = 4;
export const D_IMPL_REV = 5;
export const D_PROPBASER_LO = 6;
export const D_PROPBASER_HI = 7;
/** Guest accesses inside a frame that no register claimed (counted from every thread). */
export const D_UNHANDLED = 8;
/** The timer PPIs (KVM_ARM_VCPU_TIMER_CTRL, §11.2), fixed at the first run. */
export const D_VTIMER_PPI = 9;
export const D_PTIMER_PPI = 10;
export const DIST_WORDS = 16;

// -- per-vCPU words (Int32Array at CPU_WORDS_OFFSET of the vCPU's buffer) --------------------------

export const C_GRPEN0 = 0;
export const C_GRPEN1 = 1;
export const C_ACKCTL = 2;
export const C_FIQEN = 3;
export const C_CBPR = 4;
export const C_EOIM = 5;
export const C_PMR = 6;
export const C_BPR = 7;
export const C_ABPR = 8;
export const C_AP0R = 9; // 4 words
export const C_AP1R = 13; // 4 words
export const C_NUM_PRI_BITS = 17;
export const C_NUM_ID_BITS = 18;
export const C_PENDBASER_LO = 19;
export const C_PENDBASER_HI = 20;
/** MPIDR affinity packed Aff3 [31:24] Aff2 [23:16] Aff1 [15:8] Aff0 [7:0], as last published. */
export const C_AFFINITY = 21;
/** GICR_TYPER as published when the VGIC became ready (what vCPU threads read). */
export const C_TYPER_LO = 22;
export const C_TYPER_HI = 23;
/** PPIs the vCPU's timers own (bit n = INTID n): userspace injection into them is dropped. */
export const C_OWNED_PPIS = 24;
export const CPU_WORDS = 32;

/** Bytes per INTID of an IrqBank: 8 byte-wide columns, then mpidr (u32) and route (i32). */
export const BANK_BYTES_PER_IRQ = 16;
export const VGIC_NR_PRIVATE = 32;
const PRIV_BANK_BYTES = VGIC_NR_PRIVATE * BANK_BYTES_PER_IRQ;
/** Layout of a vCPU's buffer: its private bank, the GICv2 SGI sources, then the words. */
export const SGI_SOURCE_OFFSET = PRIV_BANK_BYTES;
export const CPU_WORDS_OFFSET = SGI_SOURCE_OFFSET + 16;
export const CPU_BUFFER_BYTES = CPU_WORDS_OFFSET + CPU_WORDS * 4;

/** One vCPU in the descriptor: its VGIC block and its control words (vcpu-thread-protocol.ts). */
export interface VgicSharedVcpu {
  id: number;
  index: number;
  state: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
}

/** Guest-physical frame bases, as numbers (< 2^52, exact). -1 where a frame does not exist. */
export interface VgicSharedFrames {
  dist: number;
  /** GICv2 CPU interface. */
  cpu: number;
  /** GICv3 redistributor regions: base and the vCPU index of each allocated 128 KiB slot. */
  redist: Array<{ base: number; owners: number[] }>;
}

/**
 * Everything a vCPU thread needs to run the VGIC (structured-cloneable). Built once the VGIC is
 * ready (kvm_vgic_map_resources, §10.11): from then on no vCPU, INTID or frame can be added.
 */
export interface VgicSharedDesc {
  kind: 'vgic';
  model: VgicModel;
  dist: SharedArrayBuffer;
  /** The SPI bank (nrIrqs INTIDs, private ones unused). */
  spis: SharedArrayBuffer;
  nrIrqs: number;
  vcpus: VgicSharedVcpu[];
  frames: VgicSharedFrames;
}

const SPINS = 100;
export const LOCK_TIMEOUT_MS = 2000;

/** The VGIC lock: one word of the VM-wide block. Not re-entrant; see VgicState.locked(). */
export function vgicLock(w: Int32Array, timeoutMs = LOCK_TIMEOUT_MS): void {
  let c = Atomics.compareExchange(w, D_LOCK, 0, 1);
  if (c === 0) return;
  for (let i = 0; i < SPINS; i++) {
    c = Atomics.compareExchange(w, D_LOCK, 0, 1);
    if (c === 0) return;
  }
  const giveUp = Date.now() + timeoutMs;
  if (c !== 2) c = Atomics.exchange(w, D_LOCK, 2);
  while (c !== 0) {
    if (Atomics.wait(w, D_LOCK, 2, timeoutMs) === 'timed-out' && Date.now() >= giveUp) {
      throw new Error(`the VGIC lock has been held for ${timeoutMs} ms: a vCPU thread died holding it`);
    }
    c = Atomics.exchange(w, D_LOCK, 2);
  }
}

export function vgicUnlock(w: Int32Array): void {
  if (Atomics.sub(w, D_LOCK, 1) !== 1) {
    Atomics.store(w, D_LOCK, 0);
    Atomics.notify(w, D_LOCK, 1);
  }
}
