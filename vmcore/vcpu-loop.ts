/**
 * The run loop of one vCPU, on its own worker thread (never the gRPC event loop).
 *
 * A slice executes guest instructions in chunks (TinyEMU's bounded budget); between chunks it
 * reads the shared control words: a kick or the deadline ends the slice with { kind: 'intr' },
 * the IRQ/FIQ inputs are passed to the CPU, and a new memory map is picked up. Coalesced writes
 * are appended to the ring here, without leaving the thread (§12.2). WFI sleeps on the wake
 * word (Atomics.wait) instead of spinning, until an interrupt input rises or a kick arrives.
 *
 * The in-kernel devices a vCPU thread hosts (the generic timer, the VGIC's CPU interface and
 * frames) plug in as ThreadDevices, composed by the worker entry from devices/: they are polled
 * between chunks (a timer deadline raises its PPI) and claim guest MMIO to their frames before it
 * becomes an exit. Their next deadline bounds a WFI's sleep.
 *
 * Chunk size: at most `chunk` instructions (1-2 ms at full speed), and, from the instruction rate
 * of recent chunks, at most half the time left to the nearest deadline — the slice's, or a
 * device's (an armed timer). Chunks then shrink geometrically towards a deadline, and the check
 * that ends the slice or raises the timer interrupt comes soon after it rather than up to a whole
 * chunk later, even while the JIT warms up and a chunk takes tens of ms.
 */
import { receiveMessageOnPort, MessagePort } from 'node:worker_threads';
import { Cpu, CpuRegion, CpuStop } from './cpu/cpu';
import { RegFile } from './cpu/reg-file';
import { COALESCE_NONE, COALESCE_DONE, COALESCE_FULL, CTL_KICK, CTL_LINES, CTL_WAKE, CTL_MEMGEN, RunThreadExit, RunThreadRequest, ThreadExitBody } from './vcpu-thread-protocol';

/** Result of offering a write to the coalesced zones: not in a zone, appended, or ring full. */
export { COALESCE_NONE, COALESCE_DONE, COALESCE_FULL };
export type Coalescer = (addr: number, len: number, lo: number, hi: number) => number;

/** In-kernel devices that run on the vCPU's thread (see the file comment). */
export interface ThreadDevices {
  /** The irqchip a run request carried (RunThreadRequest.irqchip): attach to it. */
  attachIrqchip(shared: unknown): void;
  /** Brings device outputs up to date (timer deadlines); may change the CTL_LINES word. */
  poll(): void;
  /**
   * Milliseconds until a device output may change by itself (an armed timer's deadline), when
   * poll() must run again; Infinity if none. Bounds a WFI's sleep (`inWfi`) and the next chunk.
   */
  nextEventMs(inWfi: boolean): number;
  /**
   * Offers a guest MMIO access: true if a device took it (a read's data in out[0] low and out[1]
   * high), false to let it go on to the coalesced zones or an exit.
   */
  mmio(addr: number, len: number, isWrite: boolean, lo: number, hi: number, out: Int32Array): boolean;
}

export interface VcpuLoopInit {
  regs: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  ipaBits: number;
  /** The VM-wide lock of 128-bit exclusives and CASP (cpu.ts), shared by all its vCPUs. */
  atomicLock: SharedArrayBuffer;
  coalesce: Coalescer;
  memPort?: MessagePort;
  /** Builds the thread's devices around its CPU and control words. */
  devices?: (cpu: Cpu, ctl: Int32Array) => ThreadDevices;
}

/** Longest WFE wait (ms): the period of a 10 kHz event stream. */
const WFE_EVENT_MS = 0.1;

/** Longest single WFI sleep before re-checking the deadline (ms). */
const WFI_SLICE_MS = 20;
/** The smallest chunk a deadline may cut a slice into (instructions). */
const MIN_CHUNK = 1000;
/** The rate is re-measured over chunks totalling at least this long (ms; clock reads are ~0.1 µs). */
const RATE_WINDOW_MS = 0.2;
/**
 * Instructions per ms assumed before the first measurement: the pace of a cold JIT (0.3-1 MIPS
 * measured on the interrupts integration test's guests), not the peak, so that a fresh thread's
 * first chunks do not overrun a deadline.
 */
const INITIAL_RATE = 250;

export class VcpuLoop {
  readonly cpu: Cpu;
  private readonly ctl: Int32Array;
  private memGen = -1;
  /** The MMIO stop awaiting completion by the next request (§7.5). */
  private pending: Extract<CpuStop, { kind: 'mmio' }> | undefined;
  private readonly devices: ThreadDevices | undefined;
  private readonly mmioOut = new Int32Array(2);
  /** Recent instructions per ms, for sizing chunks to deadlines; measured over >= RATE_WINDOW_MS. */
  private rate = INITIAL_RATE;
  private rateInsns = 0;
  private rateMs = 0;

  constructor(private readonly init: VcpuLoopInit) {
    this.cpu = new Cpu(new RegFile(init.regs), { ipaBits: init.ipaBits, atomicLock: init.atomicLock });
    this.ctl = new Int32Array(init.ctl);
    this.devices = init.devices?.(this.cpu, this.ctl);
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
    if (req.irqchip !== undefined) this.devices?.attachIrqchip(req.irqchip);
    if (req.complete && this.pending) {
      this.cpu.completeMmio(req.complete.lo, req.complete.hi);
    }
    this.pending = undefined;
    if (req.completeOnly) return done({ kind: 'completed' });

    const dev = this.devices;
    for (;;) {
      const now = Date.now();
      if (Atomics.load(this.ctl, CTL_KICK) !== 0 || now >= req.deadline) return done({ kind: 'intr' });
      this.pollMemory();
      let ms = req.deadline - now;
      if (dev) {
        dev.poll();
        ms = Math.min(ms, dev.nextEventMs(false));
      }
      const chunk = Math.max(MIN_CHUNK, Math.min(req.chunk, Math.floor(0.5 * ms * this.rate)));
      this.lines();
      const t0 = performance.now();
      const stop = this.cpu.run(chunk);
      switch (stop.kind) {
        case 'budget':
          this.measure(chunk, performance.now() - t0);
          continue;
        case 'mmio':
          if (this.devices?.mmio(stop.addr, stop.len, stop.isWrite, stop.dataLo, stop.dataHi, this.mmioOut)) {
            this.cpu.completeMmio(this.mmioOut[0], this.mmioOut[1]);
            continue;
          }
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
          // The CPU consumed no event (SEVL/SEV set none): wait for one. Events sent by other
          // vCPUs are not delivered across threads, so WFE waits at most WFE_EVENT_MS, like the
          // generic timer's event stream Linux enables (10 kHz): a guest spinning on WFE sleeps
          // instead of burning its thread, and wakes at once for an interrupt or a kick.
          if (!this.waitForEvent(req.deadline)) return done({ kind: 'intr' });
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

  /** Folds a completed chunk into the rate: a slowdown is followed at once, a speed-up gradually. */
  private measure(insns: number, ms: number): void {
    this.rateInsns += insns;
    this.rateMs += ms;
    if (this.rateMs < RATE_WINDOW_MS) return;
    const r = this.rateInsns / this.rateMs;
    this.rate = Math.min(r, 0.5 * this.rate + 0.5 * r);
    this.rateInsns = 0;
    this.rateMs = 0;
  }

  /** One WFE wait (see the 'wfe' case). Returns false if a kick or the deadline ends the run. */
  private waitForEvent(deadline: number): boolean {
    const seen = Atomics.load(this.ctl, CTL_WAKE);
    this.devices?.poll();
    if (Atomics.load(this.ctl, CTL_LINES) !== 0) return true;
    if (Atomics.load(this.ctl, CTL_KICK) !== 0 || Date.now() >= deadline) return false;
    Atomics.wait(this.ctl, CTL_WAKE, seen, WFE_EVENT_MS);
    return true;
  }

  /**
   * WFI (§7.1): KVM blocks the vCPU until an interrupt is pending for it. The sleep ends early
   * for a device deadline (an armed timer), whose poll may raise the line. Returns false if a
   * kick or the deadline ended the wait.
   */
  private sleepUntilInterrupt(deadline: number): boolean {
    const dev = this.devices;
    for (;;) {
      const seen = Atomics.load(this.ctl, CTL_WAKE);
      dev?.poll();
      if (Atomics.load(this.ctl, CTL_LINES) !== 0) return true;
      if (Atomics.load(this.ctl, CTL_KICK) !== 0) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const next = dev ? dev.nextEventMs(true) : Infinity;
      Atomics.wait(this.ctl, CTL_WAKE, seen, Math.max(0, Math.min(left, WFI_SLICE_MS, next)));
    }
  }
}
