/**
 * A vCPU: the object behind a vCPU fd. KVM_ARM_VCPU_INIT, ONE_REG, REG_LIST, MP_STATE,
 * VCPU_EVENTS, vCPU device attributes, and KVM_RUN with its exits (spec §5-§7, §11, §13).
 *
 * Like the kernel's vcpu->mutex, a per-vCPU lock serialises the ioctls of one vCPU: a call
 * made while KVM_RUN is in progress waits for it to return. The kick path (Kick RPC, the
 * counterpart of immediate_exit + a signal) does not take the lock.
 */
import { check, fail, KvmError } from './errno';
import {
  KVM_ARM_TARGET, KVM_ARM_VCPU_FEATURE, KVM_VCPU_MAX_FEATURES, KVM_MP_STATE, KVM_EXIT, KVM_EXIT_NAME,
  KVM_SYSTEM_EVENT, KVM_INTERNAL_ERROR_EMULATION,
} from './kvm-constants';
import { HOST } from './host-choices';
import { RegFile, R_PSTATE, R_PC, R_X, R_EXT_DABT } from './cpu/reg-file';
import { sysregWord, SYSREGS } from './cpu/sysregs';
import { getOneReg, setOneReg, regList, resetSysregs } from './one-reg';
import { getVcpuEvents, setVcpuEvents } from './vcpu-events';
import { Mutex } from './mutex';
import { CTL_KICK, CTL_LINES, CTL_WAKE, CTL_WORDS, RunThreadExit } from './vcpu-thread-protocol';
import type { VcpuThread, HypercallVcpu } from './vm-ports';
import type { Vm } from './vm';

const W_MPIDR = sysregWord('MPIDR_EL1');
/** PSTATE after reset (§5.3): EL1h with D, A, I, F set. */
export const PSTATE_RESET = 0x3c5;

/** CTL_KICK values: a kick from userspace (EINTR), or an internal request (keep sleeping). */
const KICK_USER = 1;
const KICK_REQUEST = 2;

const FEATURE_MASK = (1 << KVM_VCPU_MAX_FEATURES) - 1;
const POWER_OFF = 1 << KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_POWER_OFF;
/** Feature bits the host does not offer (spec §15): INIT fails with EINVAL for them. */
const UNSUPPORTED: Array<[number, boolean]> = [
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_EL1_32BIT, HOST.EL1_32BIT],
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PMU_V3, HOST.PMU_V3],
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_SVE, HOST.SVE],
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PTRAUTH_ADDRESS, HOST.PTRAUTH],
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PTRAUTH_GENERIC, HOST.PTRAUTH],
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_HAS_EL2, HOST.EL2],
  [KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_HAS_EL2_E2H0, HOST.EL2],
];

/** The exit a KVM_RUN returns (kvm_run's exit union, typed). */
export interface RunResult {
  errno: '' | 'EINTR';
  exitReason: number;
  mmio?: { physAddr: bigint; data: Uint8Array; len: number; isWrite: boolean };
  systemEvent?: { type: number; data: bigint[] };
  failEntry?: { reason: bigint; cpu: number };
  internal?: { suberror: number; data: bigint[]; description: string };
  hypercall?: { nr: bigint; flags: bigint };
  armNisv?: { esrIss: bigint; faultIpa: bigint };
  instructions: number;
}

export interface RunOptions {
  immediateExit: boolean;
  mmioData?: Uint8Array;
  /** Absolute Date.now() ms at which the run ends with KVM_EXIT_INTR. */
  deadline: number;
  /** Resolves when the caller gives up (gRPC cancellation): the run ends with KVM_EXIT_INTR. */
  cancelled?: Promise<void>;
}

/** A pending MMIO exit, completed on the next KVM_RUN (§7.5). */
interface PendingMmio {
  isWrite: boolean;
  len: number;
}

export class Vcpu implements HypercallVcpu {
  readonly regs = new RegFile();
  /** Control words shared with the vCPU thread (vcpu-thread-protocol.ts). */
  readonly ctl = new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4));
  readonly lock = new Mutex();
  initialized = false;
  /** features[0] as given at INIT, less POWER_OFF. */
  features = 0;
  mpState: number = KVM_MP_STATE.KVM_MP_STATE_RUNNABLE;
  /** This vCPU passed its first-run checks (§7.2). */
  hasRun = false;
  running = false;
  /** kvm_run.exit_reason as last set. */
  exitReason: number = KVM_EXIT.KVM_EXIT_UNKNOWN;
  readonly exits = new Map<string, number>();
  /** A Kick that arrived while no KVM_RUN was in progress: the next one returns EINTR at once. */
  private kickPending = false;
  private pendingMmio: PendingMmio | undefined;
  /** PSCI CPU_ON: reset on the next run with this entry point and context id (§14.5). */
  private pendingPowerOn: { entry: bigint; contextId: bigint; sctlrEE: boolean } | undefined;
  /** Wakes a KVM_RUN blocked on a STOPPED vCPU (CPU_ON) or a kick. */
  private wakeStopped: (() => void) | undefined;
  private thread: VcpuThread | undefined;
  /** Completion of an access an in-kernel device handled (VGIC frame), for the next slice. */
  private inKernelComplete: { lo: number; hi: number } | undefined;
  /** Index of this vCPU: creation order (§5.1). */
  readonly index: number;

  constructor(readonly vm: Vm, readonly id: number, index: number) {
    this.index = index;
    this.resetRegisters();
  }

  hasFeature(bit: number): boolean {
    return (this.features & (1 << bit)) !== 0;
  }

  mpidr(): bigint {
    return this.regs.get64(W_MPIDR);
  }

  getX(n: number): bigint {
    return this.regs.get64(R_X + 2 * n);
  }

  setX(n: number, v: bigint): void {
    this.regs.set64(R_X + 2 * n, v & 0xffffffffffffffffn);
  }

  /** MPIDR_EL1 from the vCPU id (§5.3): Aff0 = id & 0xF, Aff1 = (id >> 4) & 0xFF, Aff2 = (id >> 12) & 0xFF. */
  static mpidrFor(id: number): bigint {
    return 0x80000000n | BigInt(id & 0xf) | (BigInt((id >> 4) & 0xff) << 8n) | (BigInt((id >> 12) & 0xff) << 16n);
  }

  private resetRegisters(): void {
    this.regs.clear();
    resetSysregs(this.regs);
    this.regs.set64(R_PSTATE, BigInt(PSTATE_RESET));
    this.regs.set64(W_MPIDR, Vcpu.mpidrFor(this.id));
  }

  private requireInit(what: string): void {
    check(this.initialized, 'ENOEXEC', `${what} needs KVM_ARM_VCPU_INIT first`);
  }

  // -- KVM_ARM_VCPU_INIT (§5.3) --------------------------------------------------------------

  init(target: number, features: readonly number[]): void {
    this.vm.checkAlive();
    check(features.length <= 7, 'EFAULT', 'struct kvm_vcpu_init has 7 feature words');
    check(target === KVM_ARM_TARGET.KVM_ARM_TARGET_GENERIC_V8, 'EINVAL', `target ${target} is not KVM_ARM_TARGET_GENERIC_V8 (5)`);
    const f0 = (features[0] ?? 0) >>> 0;
    check((f0 & ~FEATURE_MASK) === 0 && features.slice(1).every((w) => w === 0), 'ENOENT', 'unknown feature bits');
    for (const [bit, offered] of UNSUPPORTED) check(offered || (f0 & (1 << bit)) === 0, 'EINVAL', `feature bit ${bit} is not offered by this host`);
    const pa = (f0 >> KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PTRAUTH_ADDRESS) & 1;
    const pg = (f0 >> KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PTRAUTH_GENERIC) & 1;
    check(pa === pg, 'EINVAL', 'PTRAUTH_ADDRESS and PTRAUTH_GENERIC go together');
    // POWER_OFF is ephemeral: not part of the VM-wide feature set (arm.c kvm_arch_vcpu_ioctl_vcpu_init).
    const feats = f0 & ~POWER_OFF;
    const recorded = this.vm.vcpuFeatures;
    check(recorded === undefined || recorded === feats, 'EINVAL', `features 0x${feats.toString(16)} differ from the VM's 0x${(recorded ?? 0).toString(16)}`);
    // Valid: commit.
    this.vm.vcpuFeatures = feats;
    this.features = feats;
    // Re-init resets the vCPU but not the ID registers: they are VM configuration, frozen at the
    // first run, which a VMM restores once (kvm->arch.id_regs in the kernel).
    const keep = this.initialized ? SYSREGS.filter((r) => r.kind === 'id' || r.kind === 'imp').map((r) => [r.word, this.regs.get64(r.word)] as const) : [];
    this.resetRegisters();
    for (const [w, v] of keep) this.regs.set64(w, v);
    this.pendingMmio = undefined;
    this.pendingPowerOn = undefined;
    this.initialized = true;
    // Start the vCPU thread now, so the first KVM_RUN does not pay for its start-up.
    this.ensureThread();
    this.mpState = f0 & POWER_OFF ? KVM_MP_STATE.KVM_MP_STATE_STOPPED : KVM_MP_STATE.KVM_MP_STATE_RUNNABLE;
  }

  /** KVM_ARM_VCPU_FINALIZE (§5.4): only SVE is finalizable, and SVE is not offered. */
  finalize(feature: number): void {
    this.vm.checkAlive();
    this.requireInit('KVM_ARM_VCPU_FINALIZE');
    check(feature === KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_SVE, 'EINVAL', `feature ${feature} is not finalizable`);
    fail('EINVAL', 'SVE was not enabled at KVM_ARM_VCPU_INIT (it is not offered)');
  }

  // -- Registers (§6) ------------------------------------------------------------------------

  getOneReg(id: bigint): Uint8Array {
    this.vm.checkAlive();
    this.requireInit('KVM_GET_ONE_REG');
    return getOneReg(this, id);
  }

  setOneReg(id: bigint, value: Uint8Array): void {
    this.vm.checkAlive();
    this.requireInit('KVM_SET_ONE_REG');
    setOneReg(this, id, value);
  }

  /** KVM_GET_REG_LIST (§6.7): E2BIG with the required count when n is too small. */
  getRegList(n: bigint): bigint[] {
    this.vm.checkAlive();
    this.requireInit('KVM_GET_REG_LIST');
    const list = regList();
    if (n < BigInt(list.length)) {
      throw new KvmError('E2BIG', `the list has ${list.length} registers, n = ${n}`, { n: String(list.length) });
    }
    return list;
  }

  // -- MP state (§5.5) -----------------------------------------------------------------------

  getMpState(): number {
    this.vm.checkAlive();
    return this.mpState;
  }

  setMpState(state: number): void {
    this.vm.checkAlive();
    const ok = state === KVM_MP_STATE.KVM_MP_STATE_RUNNABLE || state === KVM_MP_STATE.KVM_MP_STATE_STOPPED || state === KVM_MP_STATE.KVM_MP_STATE_SUSPENDED;
    check(ok, 'EINVAL', `mp_state ${state} is not RUNNABLE, STOPPED or SUSPENDED on arm64`);
    this.mpState = state;
    if (state !== KVM_MP_STATE.KVM_MP_STATE_STOPPED) this.wakeStopped?.();
  }

  // -- vCPU events (§13) ---------------------------------------------------------------------

  getEvents(): Uint8Array {
    this.vm.checkAlive();
    this.requireInit('KVM_GET_VCPU_EVENTS');
    return getVcpuEvents(this.regs);
  }

  setEvents(buf: Uint8Array): void {
    this.vm.checkAlive();
    this.requireInit('KVM_SET_VCPU_EVENTS');
    setVcpuEvents(this.regs, buf);
    // An injected external abort replaces the completion of the pending MMIO access (§13.3).
    if (this.regs.u32[R_EXT_DABT] !== 0) this.pendingMmio = undefined;
  }

  // -- vCPU device attributes (§11) ----------------------------------------------------------

  setAttr(group: number, attr: bigint, value: Uint8Array): void {
    this.vm.checkAlive();
    this.vm.vcpuAttrs.set(this, group, attr, value);
  }

  getAttr(group: number, attr: bigint): Uint8Array {
    this.vm.checkAlive();
    return this.vm.vcpuAttrs.get(this, group, attr);
  }

  hasAttr(group: number, attr: bigint): void {
    this.vm.checkAlive();
    this.vm.vcpuAttrs.has(this, group, attr);
  }

  // -- PSCI hooks (§14.5) --------------------------------------------------------------------

  /** CPU_ON: the vCPU will reset at its next run with PC = entry and X0 = context id. */
  scheduleOn(entry: bigint, contextId: bigint, sctlrEE: boolean): void {
    this.pendingPowerOn = { entry, contextId, sctlrEE };
    this.mpState = KVM_MP_STATE.KVM_MP_STATE_RUNNABLE;
    this.wakeStopped?.();
  }

  // -- The kick path (§7.9) ------------------------------------------------------------------

  /** Ends a KVM_RUN in progress with EINTR, or makes the next one return EINTR at once. */
  kick(): boolean {
    if (this.running) {
      Atomics.store(this.ctl, CTL_KICK, KICK_USER);
      Atomics.add(this.ctl, CTL_WAKE, 1);
      Atomics.notify(this.ctl, CTL_WAKE);
      this.thread?.kick();
      this.wakeStopped?.();
      return true;
    }
    this.kickPending = true;
    return false;
  }

  /**
   * A request from the hypervisor side (KVM_REQ_SLEEP after SYSTEM_OFF/RESET, §7.6): the slice
   * in progress ends, and the vCPU goes on sleeping inside KVM_RUN instead of returning.
   */
  request(): void {
    if (!this.running) return;
    Atomics.compareExchange(this.ctl, CTL_KICK, 0, KICK_REQUEST);
    Atomics.add(this.ctl, CTL_WAKE, 1);
    Atomics.notify(this.ctl, CTL_WAKE);
  }

  /** KVM_IRQ_LINE type CPU (§8.2): the vCPU's IRQ (0) or FIQ (1) input. */
  setCpuLine(line: number, level: boolean): void {
    const bit = 1 << line;
    const cur = Atomics.load(this.ctl, CTL_LINES);
    const next = level ? cur | bit : cur & ~bit;
    Atomics.store(this.ctl, CTL_LINES, next);
    this.thread?.setLines(next);
    Atomics.add(this.ctl, CTL_WAKE, 1);
    Atomics.notify(this.ctl, CTL_WAKE);
  }

  // -- KVM_RUN (§7) --------------------------------------------------------------------------

  private count(reason: number): void {
    const name = KVM_EXIT_NAME[reason] ?? String(reason);
    this.exits.set(name, (this.exits.get(name) ?? 0) + 1);
  }

  private finish(r: RunResult): RunResult {
    if (r.errno === '' || r.exitReason === KVM_EXIT.KVM_EXIT_INTR) this.exitReason = r.exitReason;
    this.count(r.exitReason);
    this.vm.onExit(this, r);
    return r;
  }

  private intr(instructions = 0): RunResult {
    return this.finish({ errno: 'EINTR', exitReason: KVM_EXIT.KVM_EXIT_INTR, instructions });
  }

  private ensureThread(): VcpuThread {
    if (!this.thread) {
      this.thread = this.vm.ports.threads.create({
        regs: this.regs.buffer,
        ctl: this.ctl.buffer as SharedArrayBuffer,
        ipaBits: this.vm.ipaBits,
        atomicLock: this.vm.atomicLock,
        coalesced: this.vm.coalesced.shared(),
        counter: this.vm.counter.buffer,
        vcpuId: this.id,
        vmHandle: String(this.vm.handle),
      });
      this.thread.setMemory(this.vm.slots.snapshot());
      this.thread.setLines(Atomics.load(this.ctl, CTL_LINES));
    }
    return this.thread;
  }

  /** Publishes a changed memory map to the vCPU thread (memslot update). */
  memoryChanged(): void {
    this.thread?.setMemory(this.vm.slots.snapshot());
  }

  /**
   * KVM_RUN. Returns the exit; throws KvmError for the ioctl's errors. The caller holds the
   * vCPU lock.
   */
  async run(opts: RunOptions): Promise<RunResult> {
    this.vm.checkAlive();
    this.requireInit('KVM_RUN');
    this.running = true;
    // A cancelled call kicks only the run it belongs to, never a later one.
    let active = true;
    opts.cancelled?.then(() => {
      if (active) this.kick();
    });
    try {
      return await this.runLocked(opts);
    } finally {
      active = false;
      this.running = false;
      Atomics.store(this.ctl, CTL_KICK, 0);
    }
  }

  private async runLocked(opts: RunOptions): Promise<RunResult> {
    let instructions = 0;
    // 1. Complete a pending MMIO exit, even with immediate_exit set (§7.1, §7.5).
    let complete: { lo: number; hi: number } | undefined;
    if (this.pendingMmio) {
      const d = new Uint8Array(8);
      if (!this.pendingMmio.isWrite && opts.mmioData) d.set(opts.mmioData.subarray(0, Math.min(8, this.pendingMmio.len)));
      const dv = new DataView(d.buffer);
      complete = { lo: dv.getUint32(0, true), hi: dv.getUint32(4, true) };
      this.pendingMmio = undefined;
    }
    // 2. immediate_exit or a kick that came before this run: EINTR, exit_reason unchanged.
    if (opts.immediateExit || this.kickPending) {
      this.kickPending = false;
      if (complete) await this.ensureThread().run({ complete, completeOnly: true, deadline: opts.deadline, chunk: 0, nisvToUser: false });
      // KVM_RUN returns -1/EINTR with kvm_run.exit_reason left as it was (§7.1 step 2).
      this.count(KVM_EXIT.KVM_EXIT_INTR);
      this.vm.onExit(this, { errno: 'EINTR', exitReason: KVM_EXIT.KVM_EXIT_INTR, instructions: 0 });
      return { errno: 'EINTR', exitReason: this.exitReason, instructions: 0 };
    }
    // 3. First-run checks (§7.2).
    if (!this.hasRun) {
      this.vm.firstRun(this);
      this.hasRun = true;
    }
    for (;;) {
      // A STOPPED vCPU does not run: KVM_RUN sleeps until CPU_ON or a signal (§7.1).
      if (this.mpState === KVM_MP_STATE.KVM_MP_STATE_STOPPED) {
        const woke = await this.waitRunnable(opts.deadline);
        if (!woke) return this.intr(instructions);
      }
      if (this.pendingPowerOn) this.applyPowerOn();
      if (Atomics.load(this.ctl, CTL_KICK) === KICK_USER) return this.intr(instructions);
      Atomics.compareExchange(this.ctl, CTL_KICK, KICK_REQUEST, 0);
      const exit = await this.ensureThread().run({
        complete, deadline: opts.deadline, chunk: this.vm.limits.chunk, nisvToUser: this.vm.nisvToUser,
        irqchip: this.vm.irqchipShared(),
      });
      complete = undefined;
      instructions += exit.instructions;
      this.vm.onThreadCounters(exit);
      const r = this.handleThreadExit(exit, instructions);
      if (r) return r;
      complete = this.inKernelComplete;
      this.inKernelComplete = undefined;
    }
  }

  private waitRunnable(deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => done(false), Math.max(0, deadline - Date.now()));
      const done = (v: boolean): void => {
        clearTimeout(t);
        this.wakeStopped = undefined;
        resolve(v);
      };
      this.wakeStopped = () => done(this.mpState !== KVM_MP_STATE.KVM_MP_STATE_STOPPED && Atomics.load(this.ctl, CTL_KICK) !== KICK_USER);
    });
  }

  private applyPowerOn(): void {
    const on = this.pendingPowerOn!;
    this.pendingPowerOn = undefined;
    this.resetRegisters();
    this.regs.set64(R_PC, on.entry);
    this.setX(0, on.contextId);
    if (on.sctlrEE) {
      const w = sysregWord('SCTLR_EL1');
      this.regs.set64(w, this.regs.get64(w) | (1n << 25n));
    }
  }

  /** Turns a thread exit into a KVM exit, or handles it in the "kernel" and returns undefined. */
  private handleThreadExit(e: RunThreadExit, instructions: number): RunResult | undefined {
    switch (e.kind) {
      case 'intr':
        // An internal request (another vCPU's SYSTEM_OFF) does not leave KVM_RUN: go back to
        // the top of the loop, where a STOPPED vCPU sleeps.
        if (Atomics.compareExchange(this.ctl, CTL_KICK, KICK_REQUEST, 0) === KICK_REQUEST) return undefined;
        return this.intr(instructions);
      case 'completed':
        return undefined;
      case 'mmio': {
        // In-kernel devices claim their frames before userspace sees an exit (§7.5).
        if (this.vm.inKernelMmio(this, e)) {
          return undefined;
        }
        this.pendingMmio = { isWrite: e.isWrite, len: e.len };
        const data = new Uint8Array(8);
        const dv = new DataView(data.buffer);
        dv.setUint32(0, e.lo, true);
        dv.setUint32(4, e.hi, true);
        return this.finish({
          errno: '', exitReason: KVM_EXIT.KVM_EXIT_MMIO, instructions,
          mmio: { physAddr: BigInt(e.addr), data: e.isWrite ? data.slice(0, e.len) : new Uint8Array(0), len: e.len, isWrite: e.isWrite },
        });
      }
      case 'nisv':
        if (!this.vm.nisvToUser) fail('ENOSYS', `MMIO access at 0x${e.addr.toString(16)} without a valid syndrome (enable KVM_CAP_ARM_NISV_TO_USER)`);
        return this.finish({
          errno: '', exitReason: KVM_EXIT.KVM_EXIT_ARM_NISV, instructions,
          armNisv: { esrIss: BigInt(e.esrIss), faultIpa: BigInt(e.addr) & ~0xfffn },
        });
      case 'hvc':
      case 'smc': {
        const res = this.vm.hypercalls.call(this, e.kind, e.imm);
        if (res.kind === 'resume') return undefined;
        if (res.kind === 'system-event') {
          return this.finish({ errno: '', exitReason: KVM_EXIT.KVM_EXIT_SYSTEM_EVENT, instructions, systemEvent: { type: res.type, data: res.data } });
        }
        return this.finish({ errno: '', exitReason: KVM_EXIT.KVM_EXIT_HYPERCALL, instructions, hypercall: { nr: res.nr, flags: res.flags } });
      }
      case 'ifetch-mmio':
        fail('ENOEXEC', `instruction fetch from 0x${e.addr.toString(16)}, which no memslot backs`);
      // eslint-disable-next-line no-fallthrough
      case 'internal':
        return this.finish({
          errno: '', exitReason: KVM_EXIT.KVM_EXIT_INTERNAL_ERROR, instructions,
          internal: { suberror: KVM_INTERNAL_ERROR_EMULATION, data: [], description: e.description },
        });
      case 'crash':
        // The emulation itself failed: only this VM ends (it is marked dead, §10.11 semantics).
        this.vm.markDead(`vCPU ${this.id} thread crashed: ${e.message}`);
        return this.finish({
          errno: '', exitReason: KVM_EXIT.KVM_EXIT_INTERNAL_ERROR, instructions,
          internal: { suberror: KVM_INTERNAL_ERROR_EMULATION, data: [], description: `emulator fault: ${e.message}` },
        });
    }
  }

  /** An in-kernel device completed the pending access: retire it on the next slice. */
  completeInKernel(lo: number, hi: number): void {
    this.inKernelComplete = { lo, hi };
  }

  /** SYSTEM_OFF / RESET side effects on this vCPU (§7.6). */
  stop(): void {
    this.mpState = KVM_MP_STATE.KVM_MP_STATE_STOPPED;
  }

  async destroy(): Promise<void> {
    this.kick();
    await this.thread?.terminate();
    this.thread = undefined;
  }

  get pc(): bigint {
    return this.regs.get64(R_PC);
  }
}

export { KVM_SYSTEM_EVENT };
