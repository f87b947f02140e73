/**
 * The run loop of one vCPU, on its own worker thread (never the gRPC event loop).
 *
 * A slice executes guest instructions in chunks (TinyEMU's bounded budget); between chunks it
 * reads the shared control words: a kick or the deadline ends the slice with { kind: 'intr' },
 * the IRQ/FIQ inputs are passed to the CPU, and a new memory map is picked up. Coalesced writes
 * are appended to the ring here, without leaving the thread (§12.2). WFI sleeps on the wake
 * word (Atomics.wait) instead of spinning, until an interrupt input rises or a kick arrives.
 */
import { receiveMessageOnPort, MessagePort } from 'node:worker_threads';
import { Cpu, CpuRegion, CpuStop } from './cpu/cpu';
import { RegFile } from './cpu/reg-file';
import { CTL_KICK, CTL_LINES, CTL_WAKE, CTL_MEMGEN, RunThreadExit, RunThreadRequest, ThreadExitBody } from './vcpu-thread-protocol';

/** Result of offering a write to the coalesced zones: not in a zone, appended, or ring full. */
export const COALESCE_NONE = 0;
export const COALESCE_DONE = 1;
export const COALESCE_FULL = 2;
export type Coalescer = (addr: number, len: number, lo: number, hi: number) => number;

export interface VcpuLoopInit {
  regs: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  ipaBits: number;
  /** The VM-wide lock of 128-bit exclusives and CASP (cpu.ts), shared by all its vCPUs. */
  atomicLock: SharedArrayBuffer;
  coalesce: Coalescer;
  memPort?: MessagePort;
}

/** Longest single WFI sleep before re-checking the deadline (ms). */
const WFI_SLICE_MS = 20;

export class VcpuLoop {
  readonly cpu: Cpu;
  private readonly ctl: Int32Array;
  private memGen = -1;
  /** The MMIO stop awaiting completion by the next request (§7.5). */
  private pending: Extract<CpuStop, { kind: 'mmio' }> | undefined;

  constructor(private readonly init: VcpuLoopInit) {
    this.cpu = new Cpu(new RegFile(init.regs), { ipaBits: init.ipaBits, atomicLock: init.atomicLock });
    this.ctl = new Int32Array(init.ctl);
  }

  setMemory(regions: CpuRegion[], generation: number): void {
    this.cpu.setMemory(regions);
    this.memGen = generation;
  }

  private pollMemory(): void {
    const port = this.init.memPort;
    if (!port || Atomics.load(this.ctl, CTL_MEMGEN) === this.memGen) return;
    let m: { message: { map: CpuRegion[]; generation: number } } | undefined;
    let last: { map: CpuRegion[]; generation: number } | undefined;
    while ((m = receiveMessageOnPort(port) as typeof m)) last = m.message;
    if (last) this.setMemory(last.map, last.generation);
  }

  private lines(): void {
    const l = Atomics.load(this.ctl, CTL_LINES);
    this.cpu.irqLine = (l & 1) !== 0;
    this.cpu.fiqLine = (l & 2) !== 0;
  }

  run(req: RunThreadRequest): RunThreadExit {
    const start = this.cpu.instructionsRetired;
    let coalesced = 0;
    let ringFull = 0;
    const done = (e: ThreadExitBody): RunThreadExit => ({ ...e, instructions: this.cpu.instructionsRetired - start, coalesced, ringFull });

    this.pollMemory();
    if (req.complete && this.pending) {
      this.cpu.completeMmio(req.complete.lo, req.complete.hi);
    }
    this.pending = undefined;
    if (req.completeOnly) return done({ kind: 'completed' });

    for (;;) {
      if (Atomics.load(this.ctl, CTL_KICK) !== 0 || Date.now() >= req.deadline) return done({ kind: 'intr' });
      this.pollMemory();
      this.lines();
      const stop = this.cpu.run(req.chunk);
      switch (stop.kind) {
        case 'budget':
          continue;
        case 'mmio':
          if (stop.isWrite) {
            const c = this.init.coalesce(stop.addr, stop.len, stop.dataLo, stop.dataHi);
            if (c === COALESCE_DONE) {
              coalesced++;
              this.cpu.completeMmio(0, 0);
              continue;
            }
            if (c === COALESCE_FULL) ringFull++;
          }
          this.pending = stop;
          return done({ kind: 'mmio', addr: stop.addr, len: stop.len, isWrite: stop.isWrite, lo: stop.dataLo, hi: stop.dataHi });
        case 'wfi':
          if (!this.sleepUntilInterrupt(req.deadline)) return done({ kind: 'intr' });
          continue;
        case 'wfe':
          // No event stream is modelled yet: WFE behaves as a hint and execution goes on.
          continue;
        case 'nisv':
          return done({ kind: 'nisv', addr: stop.addr, isWrite: stop.isWrite, esrIss: stop.esrIss });
        case 'hvc':
          return done({ kind: 'hvc', imm: stop.imm });
        case 'smc':
          return done({ kind: 'smc', imm: stop.imm });
        case 'ifetch-mmio':
          return done({ kind: 'ifetch-mmio', addr: stop.addr });
        case 'internal':
          return done({ kind: 'internal', description: stop.description });
      }
    }
  }

  /**
   * WFI (§7.1): KVM blocks the vCPU until an interrupt is pending for it. Returns false if a
   * kick or the deadline ended the wait.
   */
  private sleepUntilInterrupt(deadline: number): boolean {
    for (;;) {
      const seen = Atomics.load(this.ctl, CTL_WAKE);
      if (Atomics.load(this.ctl, CTL_LINES) !== 0) return true;
      if (Atomics.load(this.ctl, CTL_KICK) !== 0) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.ctl, CTL_WAKE, seen, Math.min(left, WFI_SLICE_MS));
    }
  }
}
