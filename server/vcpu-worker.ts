/**
 * Entry point of a vCPU worker thread: composes vmcore's run loop with the coalesced-MMIO
 * producer from devices/, then answers run requests until terminated. A JS exception here is an
 * emulator fault: it is reported as { kind: 'crash' } so that only this VM ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { VcpuLoop } from '../vmcore/vcpu-loop';
import type { ToWorker, FromWorker, RunThreadExit } from '../vmcore/vcpu-thread-protocol';
import type { WorkerThreadInit } from '../vmcore/worker-vcpu-thread';
import { coalescedOffer, CoalescedShared } from '../devices/coalesced-mmio';

const init = workerData as WorkerThreadInit & { memPort: MessagePort };
const shared = init.coalesced as CoalescedShared;
const loop = new VcpuLoop({
  regs: init.regs,
  ctl: init.ctl,
  ipaBits: init.ipaBits,
  atomicLock: init.atomicLock,
  memPort: init.memPort,
  coalesce: (addr, len, lo, hi) => coalescedOffer(shared, addr, len, lo, hi),
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
