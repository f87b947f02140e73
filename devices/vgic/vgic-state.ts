/**
 * The VGIC's register state as typed arrays over SharedArrayBuffers (layout: vgic-shared.ts):
 * per-interrupt banks (one private bank of 32 INTIDs per vCPU, one shared bank for the SPIs), the
 * per-vCPU CPU interface and redistributor state, and the distributor-wide fields. The register
 * tables (vgic-v2-*.ts, vgic-v3-*.ts) and the CPU interface (vgic-cpuif.ts) read and write it; the
 * same functions serve the attribute groups and guest MMIO, on the main thread and on every vCPU
 * thread, always under the VGIC lock (locked()).
 *
 * linux: include/kvm/arm_vgic.h (struct vgic_irq, vgic_dist, vgic_cpu), vgic-init.c
 * (kvm_vgic_dist_init, vgic_allocate_private_irqs), vgic.h (struct vgic_vmcr).
 */
import { HOST } from '../../vmcore/host-choices';
import { CTL_WORDS } from '../../vmcore/vcpu-thread-protocol';
import type { VgicAddr } from './vgic-addr';
import type { VgicHost, VgicModel, VgicVcpu } from './vgic-host';
import {
  BANK_BYTES_PER_IRQ, CPU_BUFFER_BYTES, CPU_WORDS, CPU_WORDS_OFFSET, C_ABPR, C_ACKCTL, C_AFFINITY, C_AP0R, C_AP1R, C_BPR,
  C_CBPR, C_EOIM, C_FIQEN, C_GRPEN0, C_GRPEN1, C_NUM_ID_BITS, C_NUM_PRI_BITS, C_PENDBASER_HI, C_PENDBASER_LO, C_PMR,
  DIST_WORDS, D_ENABLED, D_IMPL_REV, D_INITIALIZED, D_NR_SPIS, D_PROPBASER_HI, D_PROPBASER_LO, D_PTIMER_PPI, D_READY,
  D_VTIMER_PPI, SGI_SOURCE_OFFSET, vgicLock, vgicUnlock, type VgicSharedDesc,
} from './vgic-shared';

export const VGIC_NR_SGIS = 16;
export const VGIC_NR_PRIVATE_IRQS = 32;
/** VGIC_NR_IRQS_LEGACY: the default total when NR_IRQS was not set before init (§10.6). */
export const VGIC_NR_IRQS_LEGACY = 256;
/** VGIC_MAX_RESERVED: the largest NR_IRQS value not rejected (§10.6). */
export const VGIC_MAX_RESERVED = 1023;
/** Priority bits kept per interrupt (VGIC_PRI_BITS); §15 service choice, HOST.GIC_PRIORITY_BITS. */
export const VGIC_PRI_BITS = HOST.GIC_PRIORITY_BITS;
/** GENMASK(7, 8 - VGIC_PRI_BITS): the priority bits a write keeps. */
export const VGIC_PRI_MASK = (0xff << (8 - VGIC_PRI_BITS)) & 0xff;

/** GICD_IIDR fields (§10.4): ProductID 'K', Implementer Arm, Revision. */
export const PRODUCT_ID_KVM = 0x4b;
export const IMPLEMENTER_ARM = 0x43b;
export const KVM_VGIC_IMP_REV_2 = 2;
export const KVM_VGIC_IMP_REV_3 = 3;
export const KVM_VGIC_IMP_REV_LATEST = KVM_VGIC_IMP_REV_3;

/** The default timer PPIs (§11.2), until the first run publishes the VM's choice. */
const DEFAULT_VTIMER_PPI = 27;
const DEFAULT_PTIMER_PPI = 30;

/**
 * ICH_VTR_EL2-derived CPU interface capabilities (service choices beside §15's 5 priority bits):
 * 16-bit INTIDs (IDbits 0), no SEIS, no A3V. ICC_CTLR_EL1 writes may not claim more (§10.5).
 */
export const ICC_ID_BITS: number = 0;
export const ICC_SEIS: number = 0;
export const ICC_A3V: number = 0;

/** Per-interrupt state for `size` INTIDs, indexed by INTID (struct vgic_irq as columns). */
export class IrqBank {
  readonly enabled: Uint8Array;
  /** pending_latch: set by edges, SGIs and pending-register writes. */
  readonly pendingLatch: Uint8Array;
  /** line_level: the input line of a level-sensitive interrupt. */
  readonly lineLevel: Uint8Array;
  readonly active: Uint8Array;
  readonly priority: Uint8Array;
  /** config: 1 = edge-triggered, 0 = level-sensitive (GICD_ICFGR bit 2n+1). */
  readonly edge: Uint8Array;
  readonly group: Uint8Array;
  /** GICv2 GICD_ITARGETSR: CPU-interface target mask. */
  readonly targets: Uint8Array;
  /** GICv3 GICD_IROUTER: Aff2.Aff1.Aff0 (bits 23:0); Aff3 and IRM are not kept. */
  readonly mpidr: Uint32Array;
  /** irq->target_vcpu as a vCPU index (-1: none): where an SPI is delivered. */
  readonly route: Int32Array;

  /** Views over `buffer` from `offset` (BANK_BYTES_PER_IRQ × size bytes), or a fresh buffer. */
  constructor(
    readonly size: number,
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(size * BANK_BYTES_PER_IRQ),
    offset = 0,
  ) {
    if (size % 4 !== 0) throw new Error('IrqBank size must be a multiple of 4');
    const col = (k: number): Uint8Array => new Uint8Array(buffer, offset + k * size, size);
    this.enabled = col(0);
    this.pendingLatch = col(1);
    this.lineLevel = col(2);
    this.active = col(3);
    this.priority = col(4);
    this.edge = col(5);
    this.group = col(6);
    this.targets = col(7);
    this.mpidr = new Uint32Array(buffer, offset + 8 * size, size);
    this.route = new Int32Array(buffer, offset + 12 * size, size);
  }

  /** irq_is_pending(): an edge interrupt by its latch, a level one by latch or line. */
  isPending(i: number): boolean {
    return this.pendingLatch[i] === 1 || (this.edge[i] === 0 && this.lineLevel[i] === 1);
  }
}

/** struct vgic_vmcr plus the active-priority registers: the virtual CPU interface of one vCPU. */
export class CpuIf {
  readonly ap0r: Uint32Array;
  /** ICC_AP1Rn_EL1; also the GICv2 GICC_APRn (a GICv2 guest on a GICv3 host uses ICH_AP1Rn). */
  readonly ap1r: Uint32Array;
  /** ICC_SRE_EL1: SRE, DFB and DIB set, fixed for a GICv3 guest. */
  readonly sre = 0x7;

  constructor(readonly w: Int32Array) {
    this.ap0r = new Uint32Array(w.buffer, w.byteOffset + C_AP0R * 4, 4);
    this.ap1r = new Uint32Array(w.buffer, w.byteOffset + C_AP1R * 4, 4);
  }

  get grpen0(): number { return this.w[C_GRPEN0]; }
  set grpen0(v: number) { this.w[C_GRPEN0] = v; }
  get grpen1(): number { return this.w[C_GRPEN1]; }
  set grpen1(v: number) { this.w[C_GRPEN1] = v; }
  get ackctl(): number { return this.w[C_ACKCTL]; }
  set ackctl(v: number) { this.w[C_ACKCTL] = v; }
  get fiqen(): number { return this.w[C_FIQEN]; }
  set fiqen(v: number) { this.w[C_FIQEN] = v; }
  get cbpr(): number { return this.w[C_CBPR]; }
  set cbpr(v: number) { this.w[C_CBPR] = v; }
  get eoim(): number { return this.w[C_EOIM]; }
  set eoim(v: number) { this.w[C_EOIM] = v; }
  /** Priority mask, 8 bits (ICC_PMR_EL1 / GICC_PMR layout). */
  get pmr(): number { return this.w[C_PMR]; }
  set pmr(v: number) { this.w[C_PMR] = v; }
  get bpr(): number { return this.w[C_BPR]; }
  set bpr(v: number) { this.w[C_BPR] = v; }
  get abpr(): number { return this.w[C_ABPR]; }
  set abpr(v: number) { this.w[C_ABPR] = v; }
  /** ICC_CTLR_EL1.PRIbits + 1; userspace may lower it (§10.5). */
  get numPriBits(): number { return this.w[C_NUM_PRI_BITS]; }
  set numPriBits(v: number) { this.w[C_NUM_PRI_BITS] = v; }
  get numIdBits(): number { return this.w[C_NUM_ID_BITS]; }
  set numIdBits(v: number) { this.w[C_NUM_ID_BITS] = v; }

  /** vgic_v3_max_apr_idx: the highest accessible APnR index for the priority bits. */
  maxAprIdx(): number {
    return this.numPriBits === 7 ? 3 : this.numPriBits === 6 ? 1 : 0;
  }
}

/** Per-vCPU VGIC state: the private interrupts, the CPU interface, the redistributor. */
export class VgicCpu {
  readonly id: number;
  readonly index: number;
  /** SGIs 0-15 and PPIs 16-31. */
  readonly priv: IrqBank;
  /** GICv2 SGI source masks (GICD_SPENDSGIR / GICD_CPENDSGIR), one byte per SGI. */
  readonly sgiSource: Uint8Array;
  readonly cpuif: CpuIf;
  /** The words of vgic-shared.ts (C_*). */
  readonly w: Int32Array;
  readonly buffer: SharedArrayBuffer;

  /**
   * A vCPU's block: fresh with vgic_allocate_private_irqs' reset values (SGIs enabled and edge,
   * PPIs level; group and targets per model), or views over an existing `buffer`. `ctl` is the
   * vCPU's control block (vcpu-thread-protocol.ts), where delivery raises its IRQ/FIQ lines.
   */
  constructor(
    model: VgicModel,
    vcpu: { id: number; index: number },
    readonly ctl: Int32Array,
    shared?: SharedArrayBuffer,
  ) {
    this.id = vcpu.id;
    this.index = vcpu.index;
    const buf = shared ?? new SharedArrayBuffer(CPU_BUFFER_BYTES);
    this.buffer = buf;
    this.priv = new IrqBank(VGIC_NR_PRIVATE_IRQS, buf, 0);
    this.sgiSource = new Uint8Array(buf, SGI_SOURCE_OFFSET, VGIC_NR_SGIS);
    this.w = new Int32Array(buf, CPU_WORDS_OFFSET, CPU_WORDS);
    this.cpuif = new CpuIf(this.w);
    if (shared) return;
    for (let i = 0; i < VGIC_NR_PRIVATE_IRQS; i++) {
      const sgi = i < VGIC_NR_SGIS;
      this.priv.enabled[i] = sgi ? 1 : 0;
      this.priv.edge[i] = sgi ? 1 : 0;
      this.priv.group[i] = model === 'v3' ? 1 : 0;
      this.priv.targets[i] = model === 'v2' ? (1 << vcpu.id) & 0xff : 0;
      this.priv.route[i] = vcpu.index;
    }
    this.cpuif.numPriBits = VGIC_PRI_BITS;
    this.cpuif.numIdBits = ICC_ID_BITS;
  }

  /** GICR_PENDBASER as two 32-bit halves. */
  get pendbaserLo(): number { return this.w[C_PENDBASER_LO] >>> 0; }
  set pendbaserLo(v: number) { this.w[C_PENDBASER_LO] = v; }
  get pendbaserHi(): number { return this.w[C_PENDBASER_HI] >>> 0; }
  set pendbaserHi(v: number) { this.w[C_PENDBASER_HI] = v; }
  /** MPIDR affinity as published (vgic-shared.ts C_AFFINITY). */
  get affinity(): number { return this.w[C_AFFINITY] >>> 0; }
}

/** Everything a register access works on. */
export class VgicState {
  /** The VM-wide words (vgic-shared.ts D_*). */
  readonly d: Int32Array;
  /** The SPIs, indexed by INTID (entries below 32 unused); allocated at init. */
  spis: IrqBank | null = null;
  private readonly cpus = new Map<number, VgicCpu>();
  /** VgicCpu by vCPU index (dense once the VGIC is initialised). */
  readonly byIndex: VgicCpu[] = [];
  private depth = 0;

  /**
   * `layout` is null on a vCPU thread, which works from the published descriptor (attach()). A
   * fresh state is zeroed: GICD_CTLR disabled, no SPIs, the latest IIDR revision.
   */
  constructor(
    readonly model: VgicModel,
    readonly host: VgicHost,
    readonly layout: VgicAddr | null,
    dist?: SharedArrayBuffer,
  ) {
    this.d = new Int32Array(dist ?? new SharedArrayBuffer(DIST_WORDS * 4));
    if (dist) return;
    this.d[D_IMPL_REV] = KVM_VGIC_IMP_REV_LATEST;
    this.d[D_VTIMER_PPI] = DEFAULT_VTIMER_PPI;
    this.d[D_PTIMER_PPI] = DEFAULT_PTIMER_PPI;
  }

  /** A vCPU thread's view of the state a main-thread VgicState shares (shared()). */
  static attach(desc: VgicSharedDesc): VgicState {
    const stubs: VgicVcpu[] = desc.vcpus.map((v) => {
      const w = new Int32Array(v.state, CPU_WORDS_OFFSET, CPU_WORDS);
      return { id: v.id, index: v.index, mpidr: () => affinityToMpidr(w[C_AFFINITY] >>> 0) };
    });
    const host: VgicHost = { ipaBits: 0, vcpus: () => stubs, hasRun: () => true, anyRunning: () => true };
    const s = new VgicState(desc.model, host, null, desc.dist);
    s.spis = new IrqBank(desc.nrIrqs, desc.spis);
    for (const v of desc.vcpus) s.addCpu(new VgicCpu(desc.model, v, new Int32Array(v.ctl), v.state));
    return s;
  }

  /** Runs fn under the VGIC lock; nested calls on the same thread do not re-take it. */
  locked<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    vgicLock(this.d);
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      vgicUnlock(this.d);
    }
  }

  /** dist->nr_spis: 0 until NR_IRQS or init sets it. */
  get nrSpis(): number { return this.d[D_NR_SPIS]; }
  set nrSpis(v: number) { this.d[D_NR_SPIS] = v; }
  get initialized(): boolean { return this.d[D_INITIALIZED] !== 0; }
  set initialized(v: boolean) { this.d[D_INITIALIZED] = v ? 1 : 0; }
  get ready(): boolean { return this.d[D_READY] !== 0; }
  set ready(v: boolean) { this.d[D_READY] = v ? 1 : 0; }
  /** GICD_CTLR.EnableGrp1 (v3) / .Enable (v2). */
  get enabled(): boolean { return this.d[D_ENABLED] !== 0; }
  set enabled(v: boolean) { this.d[D_ENABLED] = v ? 1 : 0; }
  /** dist->implementation_rev, GICD_IIDR.Revision: the latest from creation (current kernels). */
  get implementationRev(): number { return this.d[D_IMPL_REV]; }
  set implementationRev(v: number) { this.d[D_IMPL_REV] = v; }
  /** GICR_PROPBASER (one per VM in KVM) as two 32-bit halves. */
  get propbaserLo(): number { return this.d[D_PROPBASER_LO] >>> 0; }
  set propbaserLo(v: number) { this.d[D_PROPBASER_LO] = v; }
  get propbaserHi(): number { return this.d[D_PROPBASER_HI] >>> 0; }
  set propbaserHi(v: number) { this.d[D_PROPBASER_HI] = v; }
  get vtimerPpi(): number { return this.d[D_VTIMER_PPI]; }
  get ptimerPpi(): number { return this.d[D_PTIMER_PPI]; }

  get nrIrqs(): number {
    return this.nrSpis + VGIC_NR_PRIVATE_IRQS;
  }

  private addCpu(c: VgicCpu): void {
    this.cpus.set(c.id, c);
    this.byIndex[c.index] = c;
  }

  /** The VGIC state of a vCPU, created with its reset values on first use (main thread). */
  cpu(vcpu: VgicVcpu): VgicCpu {
    let c = this.cpus.get(vcpu.id);
    if (!c) {
      c = new VgicCpu(this.model, vcpu, vcpu.ctl ?? new Int32Array(new SharedArrayBuffer(CTL_WORDS * 4)));
      this.addCpu(c);
    }
    return c;
  }

  /** Every vCPU block, in index order. */
  allCpus(): readonly VgicCpu[] {
    return this.byIndex;
  }

  /** The bank holding `intid` as seen by `vcpu` (private INTIDs are banked per vCPU). */
  bank(vcpu: VgicVcpu, intid: number): IrqBank | null {
    return intid < VGIC_NR_PRIVATE_IRQS ? this.cpu(vcpu).priv : this.spis;
  }

  /** kvm_vgic_dist_init: the SPIs with their reset values, all routed to vCPU 0. */
  allocSpis(): void {
    const b = new IrqBank(this.nrIrqs);
    if (this.model === 'v3') b.group.fill(1, VGIC_NR_PRIVATE_IRQS);
    this.spis = b;
  }

  /** The index of the vCPU whose published affinity is `aff` (packed as C_AFFINITY), or -1. */
  vcpuIndexByAffinity(aff: number): number {
    for (const c of this.byIndex) if (c !== undefined && c.affinity === aff) return c.index;
    return -1;
  }
}

/** MPIDR affinity packed as in the attributes and C_AFFINITY (Aff3 [31:24], Aff2.Aff1.Aff0). */
export function packedAffinity(mpidr: bigint): number {
  return (Number(mpidr & 0xffffffn) | (Number((mpidr >> 32n) & 0xffn) << 24)) >>> 0;
}

function affinityToMpidr(aff: number): bigint {
  return 0x80000000n | BigInt(aff & 0xffffff) | (BigInt(aff >>> 24) << 32n);
}
