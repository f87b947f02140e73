/**
 * A vCPU thread on node:worker_threads: the main-thread handle of the worker that runs one
 * vCPU's guest code (vcpu-loop.ts). Registers, control words, guest RAM and the coalesced ring
 * are SharedArrayBuffers; a run is one message each way. Memory-map updates go through their own
 * MessagePort, which the worker reads synchronously between chunks (receiveMessageOnPort). The
 * in-kernel irqchip's shared state rides on the first run request after it became ready.
 */
import { Worker, MessageChannel, MessagePort } from 'node:worker_threads';
import { CTL_MEMGEN } from './vcpu-thread-protocol';
import type { FromWorker, RunThreadExit, RunThreadRequest } from './vcpu-thread-protocol';
import type { VcpuThread, VcpuThreadFactory } from './vm-ports';
import type { MemoryMapSnapshot } from './memory-slots';

export interface WorkerThreadInit {
  regs: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  ipaBits: number;
  atomicLock: SharedArrayBuffer;
  coalesced: unknown;
  counter: SharedArrayBuffer;
  vcpuId: number;
  vmHandle: string;
}

/** What the worker entry receives as workerData: the init, its memory port, and `extra`. */
export type WorkerData = WorkerThreadInit & { memPort: MessagePort; extra: unknown };

export class WorkerVcpuThread implements VcpuThread {
  private readonly worker: Worker;
  private readonly memPort: MessagePort;
  private readonly ctl: Int32Array;
  private generation = 0;
  private waiting: { resolve: (e: RunThreadExit) => void; reject: (e: Error) => void } | undefined;
  private dead: Error | undefined;
  /** The worker has loaded and listens; before that a run request waits here, not in its queue. */
  private ready = false;
  private queued: { req: RunThreadRequest; timer: NodeJS.Timeout } | undefined;
  /** The irqchip state last sent (RunThreadRequest.irqchip): each is sent once. */
  private irqchipSent: unknown;

  /** `extra` is passed through to the worker entry (workerData.extra), opaque to vmcore. */
  constructor(script: string, init: WorkerThreadInit, resourceLimits?: { maxOldGenerationSizeMb?: number }, extra?: unknown) {
    const { port1, port2 } = new MessageChannel();
    this.memPort = port1;
    this.ctl = new Int32Array(init.ctl);
    const workerData: WorkerData = { ...init, memPort: port2, extra };
    // Under ts-node (tests), the worker must register it too: load the .ts script through it.
    this.worker = script.endsWith('.ts')
      ? new Worker(`require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(script)});`, { eval: true, workerData, transferList: [port2], resourceLimits })
      : new Worker(script, { workerData, transferList: [port2], resourceLimits });
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.queued) {
          clearTimeout(this.queued.timer);
          this.post(this.queued.req);
          this.queued = undefined;
        }
        return;
      }
      if (m.type === 'exit' && this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve(m.exit);
      }
    });
    const die = (err: Error): void => {
      this.dead ??= err;
      const w = this.waiting;
      this.waiting = undefined;
      // A thread that dies mid-run is an emulator fault confined to this VM.
      w?.resolve({ kind: 'crash', message: err.message, stack: err.stack, instructions: 0, coalesced: 0, ringFull: 0 });
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`vCPU thread exited with code ${code}`)));
  }

  run(req: RunThreadRequest): Promise<RunThreadExit> {
    if (this.dead) return Promise.resolve({ kind: 'crash', message: this.dead.message, instructions: 0, coalesced: 0, ringFull: 0 });
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      if (this.ready) {
        this.post(req);
        return;
      }
      // The thread is still starting: if its deadline passes first, the run ends with an
      // interrupt without the worker ever seeing the request (so no state can diverge).
      const timer = setTimeout(() => {
        this.queued = undefined;
        const w = this.waiting;
        this.waiting = undefined;
        w?.resolve({ kind: 'intr', instructions: 0, coalesced: 0, ringFull: 0 });
      }, Math.max(0, req.deadline - Date.now()));
      this.queued = { req, timer };
    });
  }

  /** Posts a run request; an irqchip state the worker already has is not sent again. */
  private post(req: RunThreadRequest): void {
    if (req.irqchip !== undefined) {
      if (req.irqchip === this.irqchipSent) req = { ...req, irqchip: undefined };
      else this.irqchipSent = req.irqchip;
    }
    this.worker.postMessage({ type: 'run', req });
  }

  setMemory(map: MemoryMapSnapshot): void {
    this.generation++;
    this.memPort.postMessage({ map, generation: this.generation });
    Atomics.store(this.ctl, CTL_MEMGEN, this.generation);
  }

  kick(): void {
    // The kick word in the shared control block is what the worker reads (vcpu.ts sets it).
  }

  setLines(): void {
    // The lines word in the shared control block is what the worker reads (vcpu.ts sets it).
  }

  async terminate(): Promise<void> {
    if (this.queued) clearTimeout(this.queued.timer);
    this.memPort.close();
    await this.worker.terminate();
  }
}

/** A factory the server configures with the worker entry script (server/vcpu-worker.ts). */
export class WorkerVcpuThreadFactory implements VcpuThreadFactory {
  /** `extra`: structured-cloneable data every worker gets (workerData.extra), e.g. clock calibration. */
  constructor(
    private readonly script: string,
    private readonly resourceLimits?: { maxOldGenerationSizeMb?: number },
    private readonly extra?: unknown,
  ) {}
  create(init: WorkerThreadInit): VcpuThread {
    return new WorkerVcpuThread(this.script, init, this.resourceLimits, this.extra);
  }
}
