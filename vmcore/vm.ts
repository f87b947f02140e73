/**
 * A VM: the object behind a VM fd (spec §3-§4, §5.1, §8-§10, §12). Memory slots, vCPUs, the
 * in-kernel irqchip and devices, coalesced MMIO, VM attributes and capabilities, with the
 * kernel's ordering rules. Every method either succeeds or throws a KvmError having changed
 * nothing.
 */
import { check, fail, KvmError } from './errno';
import {
  KVM_CAP, KVM_DEV_TYPE, KVM_CREATE_DEVICE_TEST, KVM_MAX_VCPUS, KVM_MP_STATE, KVM_ARM_DEVICE_ID_SHIFT,
  KVM_ARM_DEVICE_VGIC_V2, KVM_ARM_IRQ_TYPE_CPU, KVM_ARM_IRQ_TYPE_PPI, KVM_ARM_IRQ_TYPE_SPI,
  KVM_ARM_IRQ_CPU_FIQ, KVM_ARM_TARGET, VGIC_V2_MAX_CPUS,
} from './kvm-constants';
import { checkExtension, VM_ENABLE_CAPS } from './capabilities';
import { MemorySlots, UserMemoryRegion } from './memory-slots';
import { FwRegs } from './fw-regs';
import { VmCounter } from './vm-counter';
import { Vcpu, RunResult } from './vcpu';
import type {
  VmPorts, IrqchipPort, VcpuAttrsPort, VmAttrsPort, CoalescedPort, HypercallPort, PortVm, HypercallVm,
  HypercallVcpu, CoalescedZone,
} from './vm-ports';
import type { RunThreadExit } from './vcpu-thread-protocol';
import { sysregWord } from './cpu/sysregs';

const W_SCTLR = sysregWord('SCTLR_EL1');

export interface VmLimits {
  /** Server limit on vCPUs per VM (ENOSPC, reported as RESOURCE_EXHAUSTED). */
  maxVcpus: number;
  /** Instructions per slice between checks of kicks and deadlines. */
  chunk: number;
  /** Guest memory accounting: throws (ENOMEM) to refuse an allocation. */
  allocate(bytes: number): void;
  release(bytes: number): void;
}

/** Events the server observes (metrics, logs) without vmcore knowing about them. */
export interface VmObserver {
  exit?(vm: Vm, vcpu: Vcpu, r: RunResult): void;
  threadCounters?(vm: Vm, e: RunThreadExit): void;
  dead?(vm: Vm, reason: string): void;
}

interface Device {
  fd: number;
  type: number;
  name: string;
}

export class Vm implements PortVm, HypercallVm {
  readonly slots: MemorySlots;
  readonly fw = new FwRegs();
  readonly counter = new VmCounter();
  readonly coalesced: CoalescedPort;
  readonly vcpuAttrs: VcpuAttrsPort;
  readonly vmAttrs: VmAttrsPort;
  readonly hypercalls: HypercallPort;
  readonly createdAt = Date.now();
  /** The lock of 128-bit exclusives and CASP, shared by the VM's vCPU threads (cpu/cpu.ts). */
  readonly atomicLock = new SharedArrayBuffer(4);
  private readonly vcpuList: Vcpu[] = [];
  private readonly vcpuById = new Map<number, Vcpu>();
  private irqchip: IrqchipPort | undefined;
  private readonly devices = new Map<number, Device>();
  private nextFd = 1;
  /** The VM-wide vCPU feature set recorded at the first KVM_ARM_VCPU_INIT (§5.3). */
  vcpuFeatures: number | undefined;
  /** Some vCPU passed its first-run checks (§7.2 step 7): ID registers, timer PPIs... frozen. */
  hasRunFlag = false;
  dead: string | undefined;
  readonly enabledCaps = new Set<number>();
  writableImpIdRegs = false;
  nisvToUser = false;
  systemSuspend = false;

  constructor(
    readonly handle: bigint,
    readonly ipaBits: number,
    readonly ports: VmPorts,
    readonly limits: VmLimits,
    readonly observer: VmObserver = {},
  ) {
    this.slots = new MemorySlots({ ipaBits, allocate: (n) => limits.allocate(n), release: (n) => limits.release(n) });
    this.coalesced = ports.coalesced();
    this.vcpuAttrs = ports.vcpuAttrs(this);
    this.vmAttrs = ports.vmAttrs(this);
    this.hypercalls = ports.hypercalls(this);
  }

  // -- state queries used by devices (PortVm) -------------------------------------------------

  vcpus(): readonly Vcpu[] {
    return this.vcpuList;
  }
  vcpu(id: number): Vcpu | undefined {
    return this.vcpuById.get(id);
  }
  hasRun(): boolean {
    return this.hasRunFlag;
  }
  vmHasRun(): boolean {
    return this.hasRunFlag;
  }
  anyRunning(): boolean {
    return this.vcpuList.some((v) => v.running);
  }
  hasIrqchip(): boolean {
    return this.irqchip !== undefined;
  }
  vgicInitialized(): boolean {
    return this.irqchip?.initialized ?? false;
  }
  get irqchipModel(): '' | 'v2' | 'v3' {
    return this.irqchip?.model ?? '';
  }
  /** [ipa, ipa+size) lies in one writable memslot (gfn_to_hva rejects READONLY slots: pvtime.c). */
  ipaInMemslot(ipa: bigint, size: number): boolean {
    const s = this.slots.find(Number(ipa));
    if (!s || s.readonly) return false;
    const end = ipa + BigInt(size);
    return end <= BigInt(s.base) + BigInt(s.size);
  }
  /** The VM's vCPU limit: 512, or 8 with a GICv2 (§1.1 rule 4). */
  maxVcpus(): number {
    return this.irqchip ? this.irqchip.maxVcpus : KVM_MAX_VCPUS;
  }
  get state(): 'created' | 'running' | 'dead' {
    return this.dead ? 'dead' : this.hasRunFlag ? 'running' : 'created';
  }

  checkAlive(): void {
    // A VM marked dead (§10.11) fails every later VM and vCPU ioctl with EIO.
    if (this.dead) fail('EIO', `the VM is dead: ${this.dead}`);
  }

  markDead(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    for (const v of this.vcpuList) v.kick();
    this.observer.dead?.(this, reason);
  }

  // -- KVM_CHECK_EXTENSION / KVM_ENABLE_CAP (§3.3) -------------------------------------------

  checkExtension(cap: number): number {
    this.checkAlive();
    return checkExtension(cap, this);
  }

  enableCap(cap: number, flags: number, args: readonly bigint[]): void {
    this.checkAlive();
    check(flags === 0, 'EINVAL', 'kvm_enable_cap.flags must be 0');
    check(args.length <= 4, 'EFAULT', 'struct kvm_enable_cap has 4 args');
    check(VM_ENABLE_CAPS.has(cap), 'EINVAL', `capability ${cap} cannot be enabled on an arm64 VM`);
    switch (cap) {
      case KVM_CAP.KVM_CAP_ARM_WRITABLE_IMP_ID_REGS:
        check(this.vcpuList.length === 0, 'EINVAL', 'KVM_CAP_ARM_WRITABLE_IMP_ID_REGS must come before any vCPU');
        this.writableImpIdRegs = true;
        break;
      case KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2: {
        // args[0]: KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE (1); INITIALLY_SET (2) is not offered.
        const a = args[0] ?? 0n;
        check((a & ~1n) === 0n, 'EINVAL', 'only KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE is supported');
        this.slots.manualProtect = a === 1n;
        break;
      }
      case KVM_CAP.KVM_CAP_ARM_NISV_TO_USER:
        this.nisvToUser = true;
        break;
      case KVM_CAP.KVM_CAP_ARM_SYSTEM_SUSPEND:
        this.systemSuspend = true;
        break;
    }
    this.enabledCaps.add(cap);
  }

  // -- Memory (§4) ---------------------------------------------------------------------------

  setUserMemoryRegion(r: UserMemoryRegion): void {
    this.checkAlive();
    this.slots.set(r);
    for (const v of this.vcpuList) v.memoryChanged();
  }

  getDirtyLog(slot: number): Uint8Array {
    this.checkAlive();
    return this.slots.getDirtyLog(slot);
  }

  clearDirtyLog(slot: number, firstPage: bigint, numPages: number, bitmap: Uint8Array): void {
    this.checkAlive();
    this.slots.clearDirtyLog(slot, firstPage, numPages, bitmap);
  }

  readMemory(gpa: bigint, size: number): Uint8Array {
    this.checkAlive();
    return this.slots.read(gpa, size);
  }

  writeMemory(gpa: bigint, data: Uint8Array): void {
    this.checkAlive();
    this.slots.write(gpa, data);
  }

  // -- vCPUs (§5) ----------------------------------------------------------------------------

  /** KVM_CREATE_VCPU, checks in the kernel's order (§5.1). */
  createVcpu(id: number): Vcpu {
    this.checkAlive();
    check(id >= 0 && id < KVM_MAX_VCPUS, 'EINVAL', `vCPU id ${id} >= KVM_MAX_VCPU_IDS (512)`);
    check(this.vcpuList.length < this.maxVcpus(), 'EINVAL', `the VM already has its maximum of ${this.maxVcpus()} vCPUs`);
    check(!this.irqchip?.initialized, 'EBUSY', 'the VGIC is initialised: no more vCPUs');
    check(id < this.maxVcpus(), 'EINVAL', `vCPU id ${id} >= the VM's limit of ${this.maxVcpus()}`);
    check(!this.vcpuById.has(id), 'EEXIST', `vCPU ${id} exists`);
    if (this.vcpuList.length >= this.limits.maxVcpus) {
      throw new KvmError('ENOSPC', `server limit: at most ${this.limits.maxVcpus} vCPUs per VM`, { quota: 'max_vcpus_per_vm' });
    }
    const v = new Vcpu(this, id, this.vcpuList.length);
    this.vcpuList.push(v);
    this.vcpuById.set(id, v);
    try {
      this.irqchip?.onVcpuCreated(v);
    } catch (e) {
      this.vcpuList.pop();
      this.vcpuById.delete(id);
      throw e;
    }
    return v;
  }

  /** KVM_ARM_PREFERRED_TARGET (§5.2). */
  preferredTarget(): { target: number; features: number[] } {
    this.checkAlive();
    return { target: KVM_ARM_TARGET.KVM_ARM_TARGET_GENERIC_V8, features: [0, 0, 0, 0, 0, 0, 0] };
  }

  // -- irqchip and devices (§8-§10) ----------------------------------------------------------

  private createVgic(model: 'v2' | 'v3'): IrqchipPort {
    // kvm_vgic_create: EEXIST, then EBUSY if any vCPU has run, then E2BIG for v2 past 8 vCPUs.
    check(!this.irqchip, 'EEXIST', 'an in-kernel irqchip exists');
    check(!this.vcpuList.some((v) => v.hasRun), 'EBUSY', 'a vCPU has already run');
    check(model !== 'v2' || this.vcpuList.length <= VGIC_V2_MAX_CPUS, 'E2BIG', `a GICv2 serves at most ${VGIC_V2_MAX_CPUS} vCPUs`);
    const chip = this.ports.createIrqchip(model, this);
    this.irqchip = chip;
    for (const v of this.vcpuList) chip.onVcpuCreated(v);
    return chip;
  }

  /** KVM_CREATE_IRQCHIP (§8.1): a GICv2 without a device fd. */
  createIrqchip(): void {
    this.checkAlive();
    check(this.ports !== undefined, 'ENXIO', 'no VGIC support');
    this.createVgic('v2');
  }

  /** KVM_CREATE_DEVICE (§9.1). Returns the device fd (0 with KVM_CREATE_DEVICE_TEST). */
  createDevice(type: number, flags: number): number {
    this.checkAlive();
    const model = type === KVM_DEV_TYPE.KVM_DEV_TYPE_ARM_VGIC_V2 ? 'v2' : type === KVM_DEV_TYPE.KVM_DEV_TYPE_ARM_VGIC_V3 ? 'v3' : undefined;
    check(model !== undefined, 'ENODEV', `device type ${type} is not offered`);
    if (flags & KVM_CREATE_DEVICE_TEST) return 0;
    this.createVgic(model);
    const fd = this.nextFd++;
    this.devices.set(fd, { fd, type, name: `vgic-${model}` });
    return fd;
  }

  private device(fd: number): IrqchipPort {
    const d = this.devices.get(fd);
    if (!d || !this.irqchip) throw new KvmError('EBADF', `no device fd ${fd} in this VM`);
    return this.irqchip;
  }

  deviceSetAttr(fd: number, group: number, attr: bigint, value: Uint8Array): void {
    this.checkAlive();
    this.device(fd).setAttr(group, attr, value);
  }
  deviceGetAttr(fd: number, group: number, attr: bigint, value?: Uint8Array): Uint8Array {
    this.checkAlive();
    return this.device(fd).getAttr(group, attr, value);
  }
  deviceHasAttr(fd: number, group: number, attr: bigint): void {
    this.checkAlive();
    this.device(fd).hasAttr(group, attr);
  }

  listDevices(): Array<{ fd: number; type: number; name: string; attributes: Record<string, string> }> {
    return [...this.devices.values()].map((d) => ({ ...d, attributes: this.irqchip?.describe() ?? {} }));
  }

  /** KVM_ARM_SET_DEVICE_ADDR (§9.3). Bits 63:32 of id are masked off, as current kernels do. */
  armSetDeviceAddr(id: bigint, addr: bigint): void {
    this.checkAlive();
    const devId = Number((id >> BigInt(KVM_ARM_DEVICE_ID_SHIFT)) & 0xffffn);
    const type = Number(id & 0xffffn);
    check(devId === KVM_ARM_DEVICE_VGIC_V2, 'ENODEV', `device id ${devId} is not KVM_ARM_DEVICE_VGIC_V2`);
    check(this.irqchip !== undefined && this.irqchip.model === 'v2', 'ENODEV', 'no GICv2 has been created');
    this.irqchip.legacySetAddr(type, addr);
  }

  /** KVM_IRQ_LINE (§8.2). */
  irqLine(irq: number, level: number): void {
    this.checkAlive();
    const type = (irq >>> 24) & 0xf;
    const vcpuId = ((irq >>> 28) & 0xf) * 256 + ((irq >>> 16) & 0xff);
    const num = irq & 0xffff;
    const on = level !== 0;
    switch (type) {
      case KVM_ARM_IRQ_TYPE_CPU: {
        check(!this.irqchip, 'ENXIO', 'KVM_ARM_IRQ_TYPE_CPU needs a userspace irqchip');
        const v = this.vcpuById.get(vcpuId);
        check(v !== undefined, 'EINVAL', `no vCPU ${vcpuId}`);
        check(num <= KVM_ARM_IRQ_CPU_FIQ, 'EINVAL', `irq id ${num} is neither KVM_ARM_IRQ_CPU_IRQ nor _FIQ`);
        v.setCpuLine(num, on);
        return;
      }
      case KVM_ARM_IRQ_TYPE_PPI: {
        check(this.irqchip !== undefined, 'ENXIO', 'KVM_ARM_IRQ_TYPE_PPI needs an in-kernel irqchip');
        const v = this.vcpuById.get(vcpuId);
        check(v !== undefined, 'EINVAL', `no vCPU ${vcpuId}`);
        check(num >= 16 && num < 32, 'EINVAL', `INTID ${num} is not a PPI (16..31)`);
        this.irqchip.irqLine('ppi', v, num, on);
        return;
      }
      case KVM_ARM_IRQ_TYPE_SPI:
        check(this.irqchip !== undefined, 'ENXIO', 'KVM_ARM_IRQ_TYPE_SPI needs an in-kernel irqchip');
        check(num >= 32, 'EINVAL', `INTID ${num} is not an SPI`);
        this.irqchip.irqLine('spi', undefined, num, on);
        return;
      default:
        fail('EINVAL', `irq type ${type} is unknown`);
    }
  }

  // -- VM attributes (§9.2) ------------------------------------------------------------------

  setAttr(group: number, attr: bigint, value: Uint8Array): void {
    this.checkAlive();
    this.vmAttrs.set(group, attr, value);
  }
  getAttr(group: number, attr: bigint): Uint8Array {
    this.checkAlive();
    return this.vmAttrs.get(group, attr);
  }
  hasAttr(group: number, attr: bigint): void {
    this.checkAlive();
    this.vmAttrs.has(group, attr);
  }

  // -- coalesced MMIO (§12) ------------------------------------------------------------------

  registerCoalescedMmio(z: CoalescedZone): void {
    this.checkAlive();
    this.coalesced.register(z);
  }
  unregisterCoalescedMmio(z: CoalescedZone): void {
    this.checkAlive();
    this.coalesced.unregister(z);
  }

  // -- KVM_RUN support -----------------------------------------------------------------------

  /** §7.2 first-run work for one vCPU, in the kernel's order. Throws with nothing changed. */
  firstRun(vcpu: Vcpu): void {
    // 3. Map the VGIC resources (GICv2 lazily initialised, GICv3 must be initialised).
    if (this.irqchip) {
      try {
        this.irqchip.mapResources();
      } catch (e) {
        // Current kernels mark the VM dead when the VGIC cannot be mapped (§10.11).
        if (e instanceof KvmError) this.markDead(`VGIC mapping failed: ${e.message}`);
        throw e;
      }
    }
    // 5-6. Timer and PMU.
    this.vcpuAttrs.firstRunCheck(vcpu);
    // 7. The VM has run: ID registers, timer PPIs, filters freeze.
    this.hasRunFlag = true;
  }

  /** The irqchip's state for the vCPU threads once it is ready (IrqchipPort.shared), else undefined. */
  irqchipShared(): unknown {
    return this.irqchip?.ready ? this.irqchip.shared?.() : undefined;
  }

  /** Guest MMIO claimed by an in-kernel device (the VGIC frames); completes the access. */
  inKernelMmio(vcpu: Vcpu, e: { addr: number; len: number; isWrite: boolean; lo: number; hi: number }): boolean {
    if (!this.irqchip?.ready) return false;
    if (e.isWrite) return this.irqchip.mmioWrite(e.addr, e.len, e.lo, vcpu) && (vcpu.completeInKernel(0, 0), true);
    const v = this.irqchip.mmioRead(e.addr, e.len, vcpu);
    if (v === undefined) return false;
    vcpu.completeInKernel(v >>> 0, 0);
    return true;
  }

  onExit(vcpu: Vcpu, r: RunResult): void {
    this.observer.exit?.(this, vcpu, r);
  }
  onThreadCounters(e: RunThreadExit): void {
    this.observer.threadCounters?.(this, e);
  }

  // -- PSCI support (HypercallVm, §14.5) -----------------------------------------------------

  mpState(v: HypercallVcpu): number {
    return (v as Vcpu).mpState;
  }
  powerOn(v: HypercallVcpu, entry: bigint, contextId: bigint, caller: HypercallVcpu): void {
    // The target inherits the caller's data endianness, SCTLR_EL1.EE (bit 25).
    const sctlr = (caller as Vcpu).regs.get64(W_SCTLR);
    (v as Vcpu).scheduleOn(entry, contextId, (sctlr & (1n << 25n)) !== 0n);
  }
  powerOff(v: HypercallVcpu): void {
    (v as Vcpu).stop();
  }
  stopAll(): void {
    for (const v of this.vcpuList) {
      v.stop();
      v.request();
    }
  }
  psciVersion(v: HypercallVcpu): number {
    return Number(this.fw.version(v.hasFeature(2)));
  }
  systemSuspendEnabled(): boolean {
    return this.systemSuspend;
  }
  smcccAction(functionId: number): number {
    return this.vmAttrs.action(functionId);
  }
  pvtimeIpa(v: HypercallVcpu): bigint | undefined {
    try {
      const b = this.vcpuAttrs.get(v, 2, 0n);
      const ipa = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
      return ipa === 0xffffffffffffffffn ? undefined : ipa;
    } catch {
      return undefined;
    }
  }

  // -- teardown ------------------------------------------------------------------------------

  async destroy(): Promise<void> {
    this.dead ??= 'destroyed';
    await Promise.all(this.vcpuList.map((v) => v.destroy()));
    // Slots are dropped with the VM; deleting them releases their memory accounting.
    for (const s of this.slots.list()) {
      try {
        this.slots.set({ slot: s.slot, flags: s.flags, guestPhysAddr: s.guestPhysAddr, memorySize: 0n, userspaceAddr: s.userspaceAddr });
      } catch {
        /* already gone */
      }
    }
  }

  /** A VM's MP states, for tools. */
  static mpStateName(s: number): string {
    return Object.entries(KVM_MP_STATE).find(([, v]) => v === s)?.[0] ?? String(s);
  }
}
