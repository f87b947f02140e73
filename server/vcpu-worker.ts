/**
 * Entry point of a vCPU worker thread: composes vmcore's run loop with the devices that run on
 * the vCPU's own thread — the coalesced-MMIO producer, the generic timer and, once the VM's VGIC
 * is ready, its CPU interface and frames — then answers run requests until terminated. A JS
 * exception here is an emulator fault: it is reported as { kind: 'crash' } so that only this VM
 * ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { VcpuLoop, type ThreadDevices } from '../vmcore/vcpu-loop';
import type { Cpu } from '../vmcore/cpu/cpu';
import type { ToWorker, FromWorker, RunThreadExit } from '../vmcore/vcpu-thread-protocol';
import type { WorkerData } from '../vmcore/worker-vcpu-thread';
import { coalescedOffer, CoalescedShared } from '../devices/coalesced-mmio';
import { GuestCounter } from '../devices/arch-timer/arch-counter';
import { ArchTimer, TIMER_VIRTUAL } from '../devices/arch-timer/arch-timer';
import { isVgicSharedDesc, VgicThread } from '../devices/vgic/vgic-thread';

/** workerData.extra, as server/machine.ts sets it. */
export interface VcpuWorkerExtra {
  /** counterOriginNs() of the main thread (devices/arch-timer/arch-counter.ts). */
  counterOriginNs: number;
}

/** The timer always (guests read the counter without an irqchip too), the VGIC once attached. */
class VcpuThreadDevices implements ThreadDevices {
  private readonly timer: ArchTimer;
  private vgic: VgicThread | undefined;

  constructor(private readonly cpu: Cpu, private readonly vcpuId: number, counter: SharedArrayBuffer, extra: VcpuWorkerExtra) {
    this.timer = new ArchTimer(cpu.x, new GuestCounter(counter, extra.counterOriginNs));
    for (const [enc, hook] of this.timer.hooks()) cpu.registerSysReg(enc, hook);
    // The timers' outputs drive their PPIs as level interrupts (kvm_timer_update_irq).
    this.timer.output = (t, level) => {
      const g = this.vgic;
      if (g) g.setPrivateLine(t === TIMER_VIRTUAL ? g.vtimerPpi : g.ptimerPpi, level);
    };
  }

  attachIrqchip(shared: unknown): void {
    if (this.vgic || !isVgicSharedDesc(shared)) return;
    this.vgic = new VgicThread(shared, this.vcpuId, this.cpu);
    this.timer.resync();
  }

  poll(): void {
    this.timer.poll();
  }

  nextEventMs(inWfi: boolean): number {
    return this.timer.msUntilNextEvent(!inWfi);
  }

  mmio(addr: number, len: number, isWrite: boolean, lo: number, hi: number, out: Int32Array): boolean {
    return this.vgic !== undefined && this.vgic.mmio(addr, len, isWrite, lo, hi, out);
  }
}

const init = workerData as WorkerData;
const shared = init.coalesced as CoalescedShared;
const loop = new VcpuLoop({
  regs: init.regs,
  ctl: init.ctl,
  ipaBits: init.ipaBits,
  atomicLock: init.atomicLock,
  memPort: init.memPort,
  coalesce: (addr, len, lo, hi) => coalescedOffer(shared, addr, len, lo, hi),
  devices: (cpu) => new VcpuThreadDevices(cpu, init.vcpuId, init.counter, init.extra as VcpuWorkerExtra),
});

parentPort!.on('message', (m: ToWorker) => {
  if (m.type !== 'run') return;
  let exit: RunThreadExit;
  try {
    exit = loop.run(m.req);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    exit = { kind: 'crash', message: err.message, stack: err.stack, instructions: 0, coalesced: 0, ringFull: 0 };
  }
  parentPort!.postMessage({ type: 'exit', exit } satisfies FromWorker);
});
parentPort!.postMessage({ type: 'ready' } satisfies FromWorker);
