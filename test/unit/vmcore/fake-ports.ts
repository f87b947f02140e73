/**
 * VmPorts for the vmcore unit tests: the real devices composed as server/machine.ts composes them
 * (VGIC, vCPU attribute groups, SMCCC filter, coalesced MMIO, PSCI), except for the vCPU threads,
 * which are fakes — no worker threads in unit tests. Any port can be replaced, e.g. the irqchip by
 * a FakeIrqchip whose failures a test controls.
 *
 * Also the small assertion helpers the vmcore tests share (exact errno of a KvmError).
 */
import * as assert from 'uvu/assert';
import { KvmError, type ErrnoName } from '../../../vmcore/errno';
import { KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP } from '../../../vmcore/fw-regs';
import { KvmSystem, type SystemLimits } from '../../../vmcore/kvm-system';
import type { Vm, VmObserver } from '../../../vmcore/vm';
import type {
  VmPorts, PortVm, PortVcpu, IrqchipPort, VcpuAttrsPort, VmAttrsPort, HypercallVm, HypercallPort, VcpuThread,
  VcpuThreadFactory,
} from '../../../vmcore/vm-ports';
import { CTL_KICK, type RunThreadExit, type RunThreadRequest, type ThreadExitBody } from '../../../vmcore/vcpu-thread-protocol';
import type { MemoryMapSnapshot } from '../../../vmcore/memory-slots';
import { Vgic } from '../../../devices/vgic/vgic';
import { CoalescedMmio } from '../../../devices/coalesced-mmio';
import { VmAttrState } from '../../../devices/vcpu-attrs/vm-attr-state';
import { setVcpuAttr, getVcpuAttr, hasVcpuAttr, firstRunCheck } from '../../../devices/vcpu-attrs/vcpu-attr-groups';
import { setVmAttr, getVmAttr, hasVmAttr, smcccFilterAction } from '../../../devices/smccc-filter';
import { Psci } from '../../../devices/psci';

// -- errno assertions ---------------------------------------------------------------------------

/** Runs fn and asserts it throws a KvmError with exactly `errno`; returns the error. */
export function throwsErrno(fn: () => unknown, errno: ErrnoName, what?: string): KvmError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof KvmError)) throw e;
    assert.is(e.errno, errno, `${what ? `${what}: ` : ''}${e.message}`);
    return e;
  }
  assert.unreachable(`${what ? `${what}: ` : ''}expected ${errno}, the call succeeded`);
  throw new Error('unreachable');
}

/** Awaits p and asserts it rejects with a KvmError with exactly `errno`; returns the error. */
export async function rejectsErrno(p: Promise<unknown>, errno: ErrnoName, what?: string): Promise<KvmError> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof KvmError)) throw e;
    assert.is(e.errno, errno, `${what ? `${what}: ` : ''}${e.message}`);
    return e;
  }
  assert.unreachable(`${what ? `${what}: ` : ''}expected ${errno}, the call succeeded`);
  throw new Error('unreachable');
}

/** The errno a call fails with, or 'OK'. */
export function errnoOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof KvmError) return e.errno;
    throw e;
  }
  return 'OK';
}

// -- the fake vCPU thread -----------------------------------------------------------------------

/** A scripted step of a FakeThread: an exit body, or a function computing it from the request. */
export type ThreadStep = ThreadExitBody | ((req: RunThreadRequest) => ThreadExitBody);

/**
 * A vCPU thread that runs no guest code. Each run() takes the next step of `script`; with the
 * script empty it behaves like a guest spinning in `b .`: the slice ends with { kind: 'intr' } at
 * the request's deadline or, as the real worker does, once the kick word (CTL_KICK) of the shared
 * control block is non-zero — the real thread's kick() is a no-op, so kick() here only counts.
 * A completeOnly request (immediate_exit after an MMIO exit) completes at once without a step.
 */
export class FakeThread implements VcpuThread {
  readonly requests: RunThreadRequest[] = [];
  readonly script: ThreadStep[] = [];
  /** Last value given to setLines (bit 0 IRQ, bit 1 FIQ), and every value in order. */
  lines = 0;
  readonly lineHistory: number[] = [];
  kicks = 0;
  memoryUpdates = 0;
  lastMemory: MemoryMapSnapshot | undefined;
  terminated = false;
  /** A run() is waiting (the spinning guest). */
  spinning = false;
  private readonly ctl: Int32Array;
  private stop: (() => void) | undefined;

  constructor(readonly init: Parameters<VcpuThreadFactory['create']>[0]) {
    this.ctl = new Int32Array(init.ctl);
  }

  run(req: RunThreadRequest): Promise<RunThreadExit> {
    this.requests.push(req);
    const exit = (b: ThreadExitBody, instructions = 0): RunThreadExit => ({ ...b, instructions, coalesced: 0, ringFull: 0 });
    if (req.completeOnly) return Promise.resolve(exit({ kind: 'completed' }));
    const step = this.script.shift();
    if (step) return Promise.resolve(exit(typeof step === 'function' ? step(req) : step, 1));
    if (Atomics.load(this.ctl, CTL_KICK) !== 0) return Promise.resolve(exit({ kind: 'intr' }));
    return new Promise((resolve) => {
      this.spinning = true;
      const finish = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.spinning = false;
        this.stop = undefined;
        resolve(exit({ kind: 'intr' }, 100));
      };
      const timer = setTimeout(finish, Math.max(0, req.deadline - Date.now()));
      const poll = setInterval(() => {
        if (Atomics.load(this.ctl, CTL_KICK) !== 0) finish();
      }, 1);
      this.stop = finish;
    });
  }

  setMemory(map: MemoryMapSnapshot): void {
    this.memoryUpdates++;
    this.lastMemory = map;
  }

  kick(): void {
    this.kicks++;
  }

  setLines(lines: number): void {
    this.lines = lines;
    this.lineHistory.push(lines);
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    this.stop?.();
  }
}

export class FakeThreadFactory implements VcpuThreadFactory {
  readonly created: FakeThread[] = [];
  create(init: Parameters<VcpuThreadFactory['create']>[0]): FakeThread {
    const t = new FakeThread(init);
    this.created.push(t);
    return t;
  }
  /** The thread of the vCPU with this id (the latest one created). */
  of(vcpuId: number): FakeThread {
    const t = [...this.created].reverse().find((x) => x.init.vcpuId === vcpuId);
    if (!t) throw new Error(`no thread for vCPU ${vcpuId}`);
    return t;
  }
}

// -- a controllable irqchip ---------------------------------------------------------------------

/** An IrqchipPort whose state and failures the test sets; it records what the VM asked of it. */
export class FakeIrqchip implements IrqchipPort {
  readonly maxVcpus: number;
  initialized = false;
  ready = false;
  /** Thrown by the next onVcpuCreated / mapResources / legacySetAddr call, if set. */
  failVcpuCreated: KvmError | undefined;
  failMapResources: KvmError | undefined;
  readonly created: PortVcpu[] = [];
  readonly lines: Array<{ type: 'spi' | 'ppi'; vcpu: number | undefined; intid: number; level: boolean }> = [];
  readonly addrs: Array<{ type: number; addr: bigint }> = [];
  mapCalls = 0;

  constructor(readonly model: 'v2' | 'v3', readonly vm: PortVm) {
    this.maxVcpus = model === 'v2' ? 8 : 512;
  }
  setAttr(): void {}
  getAttr(): Uint8Array {
    return new Uint8Array(0);
  }
  hasAttr(): void {}
  legacySetAddr(type: number, addr: bigint): void {
    this.addrs.push({ type, addr });
  }
  onVcpuCreated(vcpu: PortVcpu): void {
    const e = this.failVcpuCreated;
    if (e) {
      this.failVcpuCreated = undefined;
      throw e;
    }
    this.created.push(vcpu);
  }
  mapResources(): void {
    this.mapCalls++;
    if (this.failMapResources) throw this.failMapResources;
    this.initialized = true;
    this.ready = true;
  }
  irqLine(type: 'spi' | 'ppi', vcpu: PortVcpu | undefined, intid: number, level: boolean): void {
    this.lines.push({ type, vcpu: vcpu?.id, intid, level });
  }
  mmioRead(): number | undefined {
    return undefined;
  }
  mmioWrite(): boolean {
    return false;
  }
  describe(): Record<string, string> {
    return { model: this.model };
  }
}

// -- the ports ----------------------------------------------------------------------------------

export interface FakePortsOptions {
  /** The in-kernel irqchip; default the real devices/vgic Vgic. */
  irqchip?: (model: 'v2' | 'v3', vm: PortVm) => IrqchipPort;
  vcpuAttrs?: (vm: PortVm) => VcpuAttrsPort;
  vmAttrs?: (vm: PortVm) => VmAttrsPort;
  hypercalls?: (vm: HypercallVm) => HypercallPort;
}

export type FakePorts = VmPorts & {
  threads: FakeThreadFactory;
  /** Every irqchip created, in order (so a test can reach a FakeIrqchip). */
  irqchips: IrqchipPort[];
};

/** The devices as server/machine.ts composes them, with fake vCPU threads. */
export function fakePorts(opts: FakePortsOptions = {}): FakePorts {
  const states = new WeakMap<PortVm, VmAttrState>();
  const state = (vm: PortVm): VmAttrState => {
    let s = states.get(vm);
    if (!s) states.set(vm, (s = new VmAttrState()));
    return s;
  };
  const irqchips: IrqchipPort[] = [];
  return {
    irqchips,
    createIrqchip: (model, vm) => {
      const chip = opts.irqchip ? opts.irqchip(model, vm) : new Vgic(model, vm);
      irqchips.push(chip);
      return chip;
    },
    vcpuAttrs: opts.vcpuAttrs ?? ((vm) => {
      const st = state(vm);
      return {
        set: (v, g, a, val) => setVcpuAttr(vm, st, v, st.vcpu(v.index), g, a, val),
        get: (v, g, a) => getVcpuAttr(vm, st, v, st.vcpu(v.index), g, a),
        has: (v, g, a) => hasVcpuAttr(vm, st, v, st.vcpu(v.index), g, a),
        firstRunCheck: (v) => firstRunCheck(vm, st, v, st.vcpu(v.index)),
      };
    }),
    vmAttrs: opts.vmAttrs ?? ((vm) => {
      const st = state(vm);
      return {
        set: (g, a, val) => setVmAttr(vm, st, g, a, val),
        get: (g, a) => getVmAttr(g, a),
        has: (g, a) => hasVmAttr(g, a),
        action: (fn) => smcccFilterAction(st, fn),
      };
    }),
    coalesced: () => new CoalescedMmio(),
    hypercalls: opts.hypercalls ?? ((vm) => new Psci(vm, {
      stdHypBitmap: () => vm.fw.bitmap(KVM_REG_ARM_STD_HYP_BMAP),
      vendorHypBitmap: () => vm.fw.bitmap(KVM_REG_ARM_VENDOR_HYP_BMAP),
      workaround: (n) => vm.fw.workaround(n),
    })),
    threads: new FakeThreadFactory(),
  };
}

/** Limits generous enough that no test meets them unless it means to. */
export const TEST_LIMITS: SystemLimits = {
  maxVms: 64,
  maxVcpusPerVm: 512,
  maxMemoryPerVm: 1 << 30,
  maxMemoryTotal: 2 ** 31,
  chunk: 1000,
};

/** A system with fake threads. */
export function newSystem(limits: Partial<SystemLimits> = {}, opts: FakePortsOptions = {}, observer?: VmObserver): { sys: KvmSystem; ports: FakePorts } {
  const ports = fakePorts(opts);
  return { sys: new KvmSystem(ports, { ...TEST_LIMITS, ...limits }, observer), ports };
}

/** A VM (IPA 40) of a fresh system. */
export function newVm(opts: FakePortsOptions = {}, limits: Partial<SystemLimits> = {}, observer?: VmObserver): { vm: Vm; ports: FakePorts; sys: KvmSystem } {
  const { sys, ports } = newSystem(limits, opts, observer);
  return { vm: sys.createVm(0n), ports, sys };
}

/** A Run that ends on its own soon: the fake guest spins until this deadline. */
export const soon = (ms = 20): { immediateExit: boolean; deadline: number } => ({ immediateExit: false, deadline: Date.now() + ms });

/** Little-endian bytes of a 64-bit value. */
export function le64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}
export function le32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
/** The value of little-endian bytes (any length up to 16). */
export function fromLe(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
