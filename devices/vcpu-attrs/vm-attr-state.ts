/**
 * VM-wide state behind the vCPU attribute groups and the VM attributes: the timer PPIs (§11.2,
 * VM-wide although set through a vCPU), the PMU event filter (§11.1), the SMCCC filter (§14.6),
 * the owners of SPIs, and the per-vCPU states.
 */
import { SmcccFilter } from '../smccc-filter';
import { IrqOwner, VcpuAttrState } from './vcpu-attr-state';

/** Timer PPIs indexed by KVM_ARM_VCPU_TIMER_IRQ_{VTIMER,PTIMER,HVTIMER,HPTIMER} (§11.2). */
export const TIMER_PPI_DEFAULTS: readonly number[] = [27, 30, 28, 26];

/** PMUv3 for Armv8.0: 10-bit event numbers, so 1024 events can be filtered (§11.1). */
export const PMU_NR_EVENTS = 1024;

export class VmAttrState {
  /** kvm->arch.timer_data.ppi[], indexed by the TIMER_CTRL attribute number. */
  readonly timerPpi: number[] = [...TIMER_PPI_DEFAULTS];
  /**
   * KVM_ARCH_FLAG_TIMER_PPIS_IMMUTABLE: set by the first vCPU whose timer PPIs validated at its
   * first run (§7.2 step 5), which can precede the VM "having run" if the PMU check then fails.
   */
  timerPpisImmutable = false;
  /** kvm->arch.pmu_filter: one byte per event, 1 = allowed; null until the first FILTER. */
  pmuFilter: Uint8Array | null = null;
  readonly smcccFilter = new SmcccFilter();
  /** Owners of SPIs (shared interrupts), i.e. PMU overflow SPIs claimed by PMU INIT. */
  readonly spiOwner = new Map<number, IrqOwner>();
  private readonly vcpuStates = new Map<number, VcpuAttrState>();

  /** The state of the vCPU with creation index `index`, created on first use. Callers pass this
   *  object as `vs` to the attribute functions. */
  vcpu(index: number): VcpuAttrState {
    let vs = this.vcpuStates.get(index);
    if (!vs) {
      vs = new VcpuAttrState(index);
      this.vcpuStates.set(index, vs);
    }
    return vs;
  }

  /** The state of vCPU `index` if it was ever created; undefined otherwise (nothing set). */
  peekVcpu(index: number): VcpuAttrState | undefined {
    return this.vcpuStates.get(index);
  }
}
