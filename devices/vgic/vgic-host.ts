/**
 * What the VGIC needs from the VM (vmcore implements it; spec §10). The VGIC never reaches into
 * the VM object itself.
 */

/** One vCPU as the VGIC sees it. */
export interface VgicVcpu {
  /** The KVM_CREATE_VCPU id (GICv2 attributes, GICR_TYPER.Processor_Number, §10.3, §10.12). */
  readonly id: number;
  /** Creation order (kvm_for_each_vcpu order; redistributor assignment order, §10.2). */
  readonly index: number;
  /** MPIDR_EL1 as currently set */
  mpidr(): bigint;
  /**
   * The vCPU's shared control words (vmcore/vcpu-thread-protocol.ts): delivery drives its
   * CTL_LINES and wakes a WFI through CTL_WAKE. Absent in tests, which then get a private block.
   */
  readonly ctl?: Int32Array;
}

export interface VgicHost {
  readonly ipaBits: number; // max_phys_size = 1n << BigInt(ipaBits)
  vcpus(): readonly VgicVcpu[]; // in creation (index) order; only fully created vCPUs
  hasRun(): boolean; // any vCPU of the VM completed first-run init (§7.2 step 7)
  anyRunning(): boolean; // a vCPU is inside KVM_RUN now (register groups -> EBUSY)
}

/** The GIC architecture a VGIC device emulates (KVM_DEV_TYPE_ARM_VGIC_V2 / _V3). */
export type VgicModel = 'v2' | 'v3';
