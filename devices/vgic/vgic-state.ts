/**
 * The VGIC's register state as typed arrays: per-interrupt banks (one private bank of 32 INTIDs
 * per vCPU, one shared bank for the SPIs), the per-vCPU CPU interface and redistributor state,
 * and the distributor-wide fields. The register tables (vgic-v2-*.ts, vgic-v3-*.ts) read and
 * write it; the same functions serve the attribute groups and guest MMIO.
 *
 * linux: include/kvm/arm_vgic.h (struct vgic_irq, vgic_dist, vgic_cpu), vgic-init.c
 * (kvm_vgic_dist_init, vgic_allocate_private_irqs), vgic.h (struct vgic_vmcr).
 */
import { HOST } from '../../vmcore/host-choices';
import type { VgicAddr } from './vgic-addr';
import type { VgicHost, VgicModel, VgicVcpu } from './vgic-host';

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

  constructor(readonly size: number) {
    this.enabled = new Uint8Array(size);
    this.pendingLatch = new Uint8Array(size);
    this.lineLevel = new Uint8Array(size);
    this.active = new Uint8Array(size);
    this.priority = new Uint8Array(size);
    this.edge = new Uint8Array(size);
    this.group = new Uint8Array(size);
    this.targets = new Uint8Array(size);
    this.mpidr = new Uint32Array(size);
  }

  /** irq_is_pending(): an edge interrupt by its latch, a level one by latch or line. */
  isPending(i: number): boolean {
    return this.pendingLatch[i] === 1 || (this.edge[i] === 0 && this.lineLevel[i] === 1);
  }
}

/** struct vgic_vmcr plus the active-priority registers: the virtual CPU interface of one vCPU. */
export class CpuIf {
  grpen0 = 0;
  grpen1 = 0;
  ackctl = 0;
  fiqen = 0;
  cbpr = 0;
  eoim = 0;
  /** Priority mask, 8 bits (ICC_PMR_EL1 / GICC_PMR layout). */
  pmr = 0;
  bpr = 0;
  abpr = 0;
  readonly ap0r = new Uint32Array(4);
  /** ICC_AP1Rn_EL1; also the GICv2 GICC_APRn (a GICv2 guest on a GICv3 host uses ICH_AP1Rn). */
  readonly ap1r = new Uint32Array(4);
  /** ICC_CTLR_EL1.PRIbits + 1; userspace may lower it (§10.5). */
  numPriBits: number = VGIC_PRI_BITS;
  numIdBits: number = ICC_ID_BITS;
  /** ICC_SRE_EL1: SRE, DFB and DIB set, fixed for a GICv3 guest. */
  readonly sre = 0x7;

  /** vgic_v3_max_apr_idx: the highest accessible APnR index for the priority bits. */
  maxAprIdx(): number {
    return this.numPriBits === 7 ? 3 : this.numPriBits === 6 ? 1 : 0;
  }
}

/** Per-vCPU VGIC state: the private interrupts, the CPU interface, the redistributor. */
export class VgicCpu {
  /** SGIs 0-15 and PPIs 16-31. */
  readonly priv = new IrqBank(VGIC_NR_PRIVATE_IRQS);
  /** GICv2 SGI source masks (GICD_SPENDSGIR / GICD_CPENDSGIR), one byte per SGI. */
  readonly sgiSource = new Uint8Array(VGIC_NR_SGIS);
  readonly cpuif = new CpuIf();
  /** GICR_PENDBASER as two 32-bit halves. */
  pendbaserLo = 0;
  pendbaserHi = 0;

  /** vgic_allocate_private_irqs: SGIs enabled and edge, PPIs level; group and targets per model. */
  constructor(model: VgicModel, vcpu: VgicVcpu) {
    for (let i = 0; i < VGIC_NR_PRIVATE_IRQS; i++) {
      const sgi = i < VGIC_NR_SGIS;
      this.priv.enabled[i] = sgi ? 1 : 0;
      this.priv.edge[i] = sgi ? 1 : 0;
      this.priv.group[i] = model === 'v3' ? 1 : 0;
      this.priv.targets[i] = model === 'v2' ? (1 << vcpu.id) & 0xff : 0;
    }
  }
}

/** Everything a register access works on. */
export class VgicState {
  /** dist->nr_spis: 0 until NR_IRQS or init sets it. */
  nrSpis = 0;
  initialized = false;
  ready = false;
  /** GICD_CTLR.EnableGrp1 (v3) / .Enable (v2). */
  enabled = false;
  /** dist->implementation_rev, GICD_IIDR.Revision: the latest from creation (current kernels). */
  implementationRev = KVM_VGIC_IMP_REV_LATEST;
  /** The SPIs, indexed by INTID (entries below 32 unused); allocated at init. */
  spis: IrqBank | null = null;
  /** GICR_PROPBASER (one per VM in KVM) as two 32-bit halves. */
  propbaserLo = 0;
  propbaserHi = 0;
  private readonly cpus = new Map<number, VgicCpu>();

  constructor(
    readonly model: VgicModel,
    readonly host: VgicHost,
    readonly layout: VgicAddr,
  ) {}

  get nrIrqs(): number {
    return this.nrSpis + VGIC_NR_PRIVATE_IRQS;
  }

  /** The VGIC state of a vCPU, created with its reset values on first use. */
  cpu(vcpu: VgicVcpu): VgicCpu {
    let c = this.cpus.get(vcpu.id);
    if (!c) {
      c = new VgicCpu(this.model, vcpu);
      this.cpus.set(vcpu.id, c);
    }
    return c;
  }

  /** The bank holding `intid` as seen by `vcpu` (private INTIDs are banked per vCPU). */
  bank(vcpu: VgicVcpu, intid: number): IrqBank | null {
    return intid < VGIC_NR_PRIVATE_IRQS ? this.cpu(vcpu).priv : this.spis;
  }

  /** kvm_vgic_dist_init: the SPIs with their reset values. */
  allocSpis(): void {
    const b = new IrqBank(this.nrIrqs);
    if (this.model === 'v3') b.group.fill(1, VGIC_NR_PRIVATE_IRQS);
    this.spis = b;
  }
}
