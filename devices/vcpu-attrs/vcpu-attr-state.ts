/**
 * Per-vCPU state behind the vCPU attribute groups (spec §11): the PMU overflow interrupt and
 * whether the PMU was instantiated, the PV-time structure's IPA, whether the timer has been
 * enabled by a first run, and which owner holds each of this vCPU's PPIs.
 */

/** Who holds an interrupt in the VGIC (the kernel's vgic_irq.owner): a timer or the PMU. */
export type IrqOwner = 'ptimer' | 'vtimer' | 'hvtimer' | 'hptimer' | `pmu@${number}`;

export class VcpuAttrState {
  /** KVM_ARM_VCPU_PMU_V3_IRQ; null while unset (kvm_arm_pmu_irq_initialized() false). */
  pmuIrq: number | null = null;
  /** KVM_ARM_VCPU_PMU_V3_INIT succeeded (vcpu->arch.pmu.created). */
  pmuCreated = false;
  /** KVM_ARM_VCPU_PVTIME_IPA; null = INVALID_GPA. */
  pvtimeIpa: bigint | null = null;
  /** The first run enabled the timer (timer->enabled): its PPIs were claimed once. */
  timerEnabled = false;
  /**
   * Owners of this vCPU's private interrupts (PPIs are banked per vCPU in the VGIC). Claims are
   * never released, as in the kernel: userspace injection into an owned PPI is the VGIC's
   * business (vgic_validate_injection drops it), which can read this map.
   */
  readonly ppiOwner = new Map<number, IrqOwner>();

  constructor(readonly index: number) {}
}
