/**
 * The VGIC as one vCPU thread runs it, from the descriptor the main thread's Vgic shares once
 * ready (Vgic.shared(), vgic-shared.ts): the vCPU's GICv3 ICC_* system registers, guest MMIO to
 * the distributor, redistributor and GICv2 CPU-interface frames, and the vCPU's own private
 * interrupt inputs (its timers' PPIs). Nothing here goes back to the main thread: every access
 * works on the shared state under the VGIC lock, then delivery sets the interrupt inputs of the
 * vCPUs it concerns in their control words (waking a vCPU sleeping in WFI), and this vCPU's own
 * inputs are copied into its CPU at once.
 */
import { KVM_VGIC_V2_CPU_SIZE, KVM_VGIC_V2_DIST_SIZE, KVM_VGIC_V3_DIST_SIZE, KVM_VGIC_V3_REDIST_SIZE } from '../../vmcore/kvm-constants';
import { CTL_LINES } from '../../vmcore/vcpu-thread-protocol';
import type { SysRegHook } from '../../vmcore/cpu/sysreg-hook';
import { setPrivateLine } from './vgic-cpuif';
import type { VgicVcpu } from './vgic-host';
import { guestRead, guestRead64, guestWrite, guestWrite64 } from './vgic-mmio';
import type { VgicRegisterFrame } from './vgic-register-frame';
import type { VgicSharedDesc } from './vgic-shared';
import { VgicState, type VgicCpu } from './vgic-state';
import { VGIC_V2_CPU } from './vgic-v2-cpu';
import { VGIC_V2_DIST } from './vgic-v2-dist';
import { VGIC_V3_DIST } from './vgic-v3-dist';
import { iccSysRegHooks } from './vgic-v3-icc-hooks';
import { VGIC_V3_REDIST } from './vgic-v3-redist';

/** The CPU as the VGIC drives it (vmcore/cpu/cpu.ts Cpu satisfies it). */
export interface VgicThreadCpu {
  irqLine: boolean;
  fiqLine: boolean;
  registerSysReg(encoding: number, hook: SysRegHook): void;
}

/** A structured-clone message is a VGIC descriptor (as opposed to another irqchip's). */
export function isVgicSharedDesc(x: unknown): x is VgicSharedDesc {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'vgic';
}

export class VgicThread {
  readonly state: VgicState;
  private readonly self: VgicCpu;
  private readonly selfVcpu: VgicVcpu;
  private readonly vcpus: readonly VgicVcpu[];
  private readonly distBase: number;
  private readonly distFrame: VgicRegisterFrame;
  private readonly distSize: number;
  private readonly cpuBase: number;
  private readonly redist: ReadonlyArray<{ base: number; owners: number[] }>;
  // The last locate(): scratch fields, so that an access allocates nothing.
  private hitFrame: VgicRegisterFrame = VGIC_V3_DIST;
  private hitVcpu: VgicVcpu | undefined;
  private hitOffset = 0;

  /** Attaches vCPU `vcpuId` (its KVM id) of the VM `desc` describes to `cpu`. */
  constructor(desc: VgicSharedDesc, vcpuId: number, private readonly cpu: VgicThreadCpu) {
    this.state = VgicState.attach(desc);
    this.vcpus = this.state.host.vcpus();
    const me = this.vcpus.find((v) => v.id === vcpuId);
    if (!me) throw new Error(`vCPU ${vcpuId} is not in the VGIC descriptor`);
    this.selfVcpu = me;
    this.self = this.state.cpu(me);
    const v2 = desc.model === 'v2';
    this.distBase = desc.frames.dist;
    this.distFrame = v2 ? VGIC_V2_DIST : VGIC_V3_DIST;
    this.distSize = v2 ? KVM_VGIC_V2_DIST_SIZE : KVM_VGIC_V3_DIST_SIZE;
    this.cpuBase = v2 ? desc.frames.cpu : -1;
    this.redist = v2 ? [] : desc.frames.redist;
    if (!v2) for (const [enc, hook] of iccSysRegHooks(this.state, this.self, () => this.sync())) cpu.registerSysReg(enc, hook);
    this.sync();
  }

  /** This vCPU's interrupt inputs, as delivery last set them, into the CPU. */
  sync(): void {
    const l = Atomics.load(this.self.ctl, CTL_LINES);
    this.cpu.irqLine = (l & 1) !== 0;
    this.cpu.fiqLine = (l & 2) !== 0;
  }

  /** The VM's timer PPIs (§11.2), as fixed at the first run. */
  get vtimerPpi(): number {
    return this.state.vtimerPpi;
  }
  get ptimerPpi(): number {
    return this.state.ptimerPpi;
  }

  /** Drives one of this vCPU's private interrupt inputs (a timer's level). */
  setPrivateLine(intid: number, level: boolean): void {
    this.state.locked(() => setPrivateLine(this.state, this.self, intid, level));
    this.sync();
  }

  private locate(addr: number): boolean {
    let off = addr - this.distBase;
    if (off >= 0 && off < this.distSize) return this.hit(this.distFrame, this.selfVcpu, off);
    off = addr - this.cpuBase;
    if (this.cpuBase >= 0 && off >= 0 && off < KVM_VGIC_V2_CPU_SIZE) return this.hit(VGIC_V2_CPU, this.selfVcpu, off);
    for (const r of this.redist) {
      off = addr - r.base;
      if (off < 0) continue;
      const slot = Math.floor(off / KVM_VGIC_V3_REDIST_SIZE);
      if (slot < r.owners.length) return this.hit(VGIC_V3_REDIST, this.vcpus[r.owners[slot]], off - slot * KVM_VGIC_V3_REDIST_SIZE);
    }
    return false;
  }

  private hit(frame: VgicRegisterFrame, vcpu: VgicVcpu, offset: number): true {
    this.hitFrame = frame;
    this.hitVcpu = vcpu;
    this.hitOffset = offset;
    return true;
  }

  /**
   * A guest access of `len` bytes (1, 2, 4 or 8) at guest-physical `addr`: false if no frame of
   * this VGIC covers it; otherwise done, with read data in out[0] (low) and out[1] (high).
   */
  mmio(addr: number, len: number, isWrite: boolean, lo: number, hi: number, out: Int32Array): boolean {
    if (!this.locate(addr)) return false;
    const s = this.state;
    const v = this.hitVcpu!;
    if (isWrite) {
      if (len === 8) guestWrite64(s, this.hitFrame, v, this.hitOffset, lo, hi);
      else guestWrite(s, this.hitFrame, v, this.hitOffset, len, lo);
    } else if (len === 8) {
      guestRead64(s, this.hitFrame, v, this.hitOffset, out);
    } else {
      out[0] = guestRead(s, this.hitFrame, v, this.hitOffset, len);
      out[1] = 0;
    }
    this.sync();
    return true;
  }
}
