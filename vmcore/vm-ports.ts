/**
 * What the VM needs from the in-kernel devices (devices/) and from the thread that runs a vCPU.
 * vmcore imports nothing above it (house style): the server composes these ports from devices/
 * and hands them to the System (server/machine.ts). TypeScript's structural typing lets the
 * device classes satisfy these interfaces without importing them.
 */
import type { RunThreadExit, RunThreadRequest } from './vcpu-thread-protocol';
import type { MemoryMapSnapshot } from './memory-slots';
import type { FwRegs } from './fw-regs';

/** A vCPU as the devices see it. */
export interface PortVcpu {
  readonly id: number;
  readonly index: number;
  readonly initialized: boolean;
  mpidr(): bigint;
  hasFeature(bit: number): boolean;
  /**
   * The vCPU's shared control words (vcpu-thread-protocol.ts): an in-kernel irqchip drives its
   * CTL_LINES and wakes a WFI through CTL_WAKE, from any thread.
   */
  readonly ctl?: Int32Array;
}

/** The VM as the devices see it. */
export interface PortVm {
  readonly ipaBits: number;
  vcpus(): readonly PortVcpu[];
  hasRun(): boolean;
  anyRunning(): boolean;
  hasIrqchip(): boolean;
  vgicInitialized(): boolean;
  vmHasRun(): boolean;
  ipaInMemslot(ipa: bigint, size: number): boolean;
}

/** The in-kernel interrupt controller (devices/vgic). */
export interface IrqchipPort {
  readonly model: 'v2' | 'v3';
  readonly maxVcpus: number;
  readonly initialized: boolean;
  readonly ready: boolean;
  setAttr(group: number, attr: bigint, value: Uint8Array): void;
  getAttr(group: number, attr: bigint, value?: Uint8Array): Uint8Array;
  hasAttr(group: number, attr: bigint): void;
  legacySetAddr(type: number, addr: bigint): void;
  onVcpuCreated(vcpu: PortVcpu): void;
  mapResources(): void;
  irqLine(type: 'spi' | 'ppi', vcpu: PortVcpu | undefined, intid: number, level: boolean): void;
  mmioRead(addr: number, size: number, vcpu: PortVcpu): number | undefined;
  mmioWrite(addr: number, size: number, value: number, vcpu: PortVcpu): boolean;
  describe(): Record<string, string>;
  /**
   * Once ready: the state the vCPU threads share (structured-cloneable, opaque to vmcore), always
   * the same object; undefined before. It travels as RunThreadRequest.irqchip, after which the
   * thread handles the irqchip's registers, frames and the timers' PPIs itself; guest MMIO it
   * does not take still comes back through mmioRead/mmioWrite.
   */
  shared?(): unknown;
}

/** Per-vCPU attribute groups (§11) and their VM-wide state. */
export interface VcpuAttrsPort {
  set(vcpu: PortVcpu, group: number, attr: bigint, value: Uint8Array): void;
  get(vcpu: PortVcpu, group: number, attr: bigint): Uint8Array;
  has(vcpu: PortVcpu, group: number, attr: bigint): void;
  /** §7.2 steps 5-6 for one vCPU's first run. */
  firstRunCheck(vcpu: PortVcpu): void;
}

/** VM attributes (§9.2): the SMCCC filter. */
export interface VmAttrsPort {
  set(group: number, attr: bigint, value: Uint8Array): void;
  get(group: number, attr: bigint): Uint8Array;
  has(group: number, attr: bigint): void;
  /** KVM_SMCCC_FILTER_HANDLE 0, DENY 1, FWD_TO_USER 2 for a function id. */
  action(functionId: number): number;
}

export interface CoalescedZone {
  addr: bigint;
  size: number;
  pio: number;
}
export interface CoalescedEntry {
  physAddr: bigint;
  len: number;
  pio: number;
  data: Uint8Array;
}

/** The coalesced-MMIO zones and ring (§12). */
export interface CoalescedPort {
  register(zone: CoalescedZone): void;
  unregister(zone: CoalescedZone): void;
  zones(): readonly CoalescedZone[];
  read(max?: number): { first: number; last: number; entries: CoalescedEntry[] };
  consume(count: number): void;
  /** Everything a vCPU thread needs to produce into the ring (structured-cloneable). */
  shared(): unknown;
}

/** Result of a hypercall handled on the hypervisor side (§14). */
export type HypercallResult =
  | { kind: 'resume' }
  | { kind: 'system-event'; type: number; data: bigint[] }
  | { kind: 'hypercall-exit'; nr: bigint; flags: bigint };

/** What a PSCI/SMCCC implementation needs from the vCPU making the call. */
export interface HypercallVcpu extends PortVcpu {
  getX(n: number): bigint;
  setX(n: number, v: bigint): void;
}

export interface HypercallPort {
  call(vcpu: HypercallVcpu, conduit: 'hvc' | 'smc', imm: number): HypercallResult;
}

/** The thread a vCPU's guest code runs on (never the gRPC event loop). */
export interface VcpuThread {
  run(req: RunThreadRequest): Promise<RunThreadExit>;
  setMemory(map: MemoryMapSnapshot): void;
  /** Ends a slice in progress (the worker returns { kind: 'intr' }). */
  kick(): void;
  /** Raises or lowers the vCPU's IRQ/FIQ inputs (bit 0 IRQ, bit 1 FIQ) and wakes a WFI. */
  setLines(lines: number): void;
  terminate(): Promise<void>;
}

export interface VcpuThreadFactory {
  create(init: { regs: SharedArrayBuffer; ctl: SharedArrayBuffer; ipaBits: number; atomicLock: SharedArrayBuffer; coalesced: unknown; counter: SharedArrayBuffer; vcpuId: number; vmHandle: string }): VcpuThread;
}

export interface VmPorts {
  createIrqchip(model: 'v2' | 'v3', vm: PortVm): IrqchipPort;
  vcpuAttrs(vm: PortVm): VcpuAttrsPort;
  vmAttrs(vm: PortVm): VmAttrsPort;
  coalesced(): CoalescedPort;
  hypercalls(vm: HypercallVm): HypercallPort;
  threads: VcpuThreadFactory;
}

/** What PSCI needs from the VM (§14.5). */
export interface HypercallVm {
  /** Firmware registers: PSCI version, workaround states, service bitmaps (§6.5). */
  readonly fw: FwRegs;
  vcpus(): readonly HypercallVcpu[];
  mpState(vcpu: HypercallVcpu): number;
  /** CPU_ON: schedule the reset of a STOPPED vCPU with this entry point and context id. */
  powerOn(vcpu: HypercallVcpu, entry: bigint, contextId: bigint, caller: HypercallVcpu): void;
  powerOff(vcpu: HypercallVcpu): void;
  /** SYSTEM_OFF/RESET side effects (§7.6): every vCPU STOPPED and kicked. */
  stopAll(): void;
  psciVersion(vcpu: HypercallVcpu): number;
  systemSuspendEnabled(): boolean;
  smcccAction(functionId: number): number;
  pvtimeIpa(vcpu: HypercallVcpu): bigint | undefined;
}
