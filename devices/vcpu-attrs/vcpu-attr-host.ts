/**
 * What the vCPU attribute groups (spec §11) and the VM attribute SMCCC filter (§14.6) need to
 * know about the VM and its vCPUs. vmcore implements these; the attribute code never reaches
 * into the VM object itself.
 */
import type { VcpuAttrState } from './vcpu-attr-state';
import type { VmAttrState } from './vm-attr-state';

/** One vCPU as the attribute code sees it. */
export interface AttrVcpu {
  /** The KVM_CREATE_VCPU id. */
  readonly id: number;
  /** Creation order (kvm_for_each_vcpu order); the key of VmAttrState.vcpu(). */
  readonly index: number;
  /**
   * A KVM_ARM_VCPU_* feature bit given at KVM_ARM_VCPU_INIT. Current kernels keep the feature set
   * VM-wide (kvm->arch.vcpu_features, set by the first INIT), so the kernel answers for a vCPU
   * that is not initialised yet from the VM's set; the integrator decides which view it gives.
   */
  hasFeature(bit: number): boolean;
  readonly initialized: boolean;
}

export interface VcpuAttrHost {
  readonly ipaBits: number;
  /** An in-kernel VGIC exists (KVM_CREATE_IRQCHIP or a VGIC device). */
  hasIrqchip(): boolean;
  /** The VGIC is initialised (CTRL_INIT, or GICv2's lazy init). */
  vgicInitialized(): boolean;
  /** Any vCPU completed first-run initialisation (§7.2 step 7): the VM "has run once". */
  vmHasRun(): boolean;
  /** Every created vCPU, in creation order. */
  vcpus(): readonly AttrVcpu[];
  /**
   * [ipa, ipa + size) is backed by a memslot the kernel could write through: gfn_to_hva() rejects
   * KVM_MEM_READONLY slots, so a read-only slot must answer false (pvtime.c).
   */
  ipaInMemslot(ipa: bigint, size: number): boolean;
  /**
   * The VGIC's number of SPIs (dist->nr_spis), for vgic_valid_spi(): an SPI is valid if
   * 32 <= intid < 32 + nr_spis. Optional: when absent every SPI up to 1019 counts as valid.
   * Only the PMU overflow interrupt uses it (PMU INIT and the first run, §11.1, §7.2 step 6).
   */
  vgicNrSpis?(): number;
}

/** Everything one vCPU attribute call works on; built by vcpu-attr-groups.ts. */
export interface AttrContext {
  readonly host: VcpuAttrHost;
  readonly vm: VmAttrState;
  readonly vcpu: AttrVcpu;
  readonly vs: VcpuAttrState;
}
