/**
 * KVM_CHECK_EXTENSION (spec §3.3): one table, the service's answers, derived from the host
 * choices of §15 so that capabilities, ID registers and errors agree.
 */
import { KVM_CAP, KVM_COALESCED_MMIO_PAGE_OFFSET, KVM_USER_MEM_SLOTS } from './kvm-constants';
import { HOST } from './host-choices';
import { fail } from './errno';
import { availableParallelism } from 'node:os';

/** What a VM fd answer may depend on. */
export interface CapVmView {
  maxVcpus(): number;
}

type Answer = number | ((vm: CapVmView | undefined) => number);

const b = (on: boolean): number => (on ? 1 : 0);

/** Capabilities not listed answer 0 (unsupported), as the kernel does for unknown numbers. */
const CAPS: Partial<Record<number, Answer>> = {
  [KVM_CAP.KVM_CAP_IRQCHIP]: 1,
  [KVM_CAP.KVM_CAP_USER_MEMORY]: 1,
  [KVM_CAP.KVM_CAP_NR_VCPUS]: (vm) => Math.min(availableParallelism(), vm ? vm.maxVcpus() : HOST.MAX_VCPUS),
  [KVM_CAP.KVM_CAP_NR_MEMSLOTS]: KVM_USER_MEM_SLOTS,
  [KVM_CAP.KVM_CAP_MP_STATE]: 1,
  [KVM_CAP.KVM_CAP_COALESCED_MMIO]: KVM_COALESCED_MMIO_PAGE_OFFSET,
  [KVM_CAP.KVM_CAP_SYNC_MMU]: 1,
  [KVM_CAP.KVM_CAP_DESTROY_MEMORY_REGION_WORKS]: 1,
  [KVM_CAP.KVM_CAP_MAX_VCPUS]: (vm) => (vm ? vm.maxVcpus() : HOST.MAX_VCPUS),
  [KVM_CAP.KVM_CAP_MAX_VCPU_ID]: (vm) => (vm ? vm.maxVcpus() : HOST.MAX_VCPUS),
  [KVM_CAP.KVM_CAP_ONE_REG]: 1,
  [KVM_CAP.KVM_CAP_READONLY_MEM]: 1,
  [KVM_CAP.KVM_CAP_ARM_PSCI]: 1,
  [KVM_CAP.KVM_CAP_ARM_SET_DEVICE_ADDR]: 1,
  [KVM_CAP.KVM_CAP_DEVICE_CTRL]: 1,
  [KVM_CAP.KVM_CAP_ARM_EL1_32BIT]: b(HOST.EL1_32BIT),
  [KVM_CAP.KVM_CAP_ENABLE_CAP_VM]: 1,
  [KVM_CAP.KVM_CAP_VM_ATTRIBUTES]: 1,
  [KVM_CAP.KVM_CAP_ARM_PSCI_0_2]: 1,
  [KVM_CAP.KVM_CAP_CHECK_EXTENSION_VM]: 1,
  [KVM_CAP.KVM_CAP_MULTI_ADDRESS_SPACE]: 1,
  [KVM_CAP.KVM_CAP_GUEST_DEBUG_HW_BPS]: HOST.HW_BPS,
  [KVM_CAP.KVM_CAP_GUEST_DEBUG_HW_WPS]: HOST.HW_WPS,
  [KVM_CAP.KVM_CAP_ARM_PMU_V3]: b(HOST.PMU_V3),
  [KVM_CAP.KVM_CAP_VCPU_ATTRIBUTES]: 1,
  [KVM_CAP.KVM_CAP_IMMEDIATE_EXIT]: 1,
  [KVM_CAP.KVM_CAP_ARM_USER_IRQ]: 1,
  [KVM_CAP.KVM_CAP_VCPU_EVENTS]: 1,
  [KVM_CAP.KVM_CAP_ARM_INJECT_SERROR_ESR]: b(HOST.RAS_SERROR_ESR),
  [KVM_CAP.KVM_CAP_COALESCED_PIO]: 1,
  [KVM_CAP.KVM_CAP_ARM_VM_IPA_SIZE]: HOST.IPA_LIMIT,
  [KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2]: 1, // ENABLE only; INITIALLY_SET is not offered
  [KVM_CAP.KVM_CAP_ARM_SVE]: b(HOST.SVE),
  [KVM_CAP.KVM_CAP_ARM_PTRAUTH_ADDRESS]: b(HOST.PTRAUTH),
  [KVM_CAP.KVM_CAP_ARM_PTRAUTH_GENERIC]: b(HOST.PTRAUTH),
  [KVM_CAP.KVM_CAP_ARM_IRQ_LINE_LAYOUT_2]: 1,
  [KVM_CAP.KVM_CAP_ARM_NISV_TO_USER]: 1,
  [KVM_CAP.KVM_CAP_ARM_INJECT_EXT_DABT]: 1,
  [KVM_CAP.KVM_CAP_STEAL_TIME]: b(HOST.STEAL_TIME),
  [KVM_CAP.KVM_CAP_ARM_MTE]: b(HOST.MTE),
  [KVM_CAP.KVM_CAP_SYSTEM_EVENT_DATA]: 1,
  [KVM_CAP.KVM_CAP_ARM_SYSTEM_SUSPEND]: 1,
  [KVM_CAP.KVM_CAP_USER_MEMORY2]: 0, // REGION2 is not offered (no guest_memfd)
  [KVM_CAP.KVM_CAP_ARM_WRITABLE_IMP_ID_REGS]: 1,
  [KVM_CAP.KVM_CAP_ARM_EL2]: b(HOST.EL2),
  [KVM_CAP.KVM_CAP_ARM_EL2_E2H0]: b(HOST.EL2),
};

/** KVM_CHECK_EXTENSION on the system fd (vm undefined) or on a VM fd. */
export function checkExtension(cap: number, vm?: CapVmView): number {
  // KVM_CAP_MSI_DEVID is a VM-fd-only capability (kvm_vm_ioctl_check_extension_generic).
  if (cap === KVM_CAP.KVM_CAP_MSI_DEVID) {
    if (!vm) fail('EINVAL', 'KVM_CAP_MSI_DEVID is only answered on a VM fd');
    return 0; // no ITS is offered
  }
  const a = CAPS[cap];
  if (a === undefined) return 0;
  return typeof a === 'function' ? a(vm) : a;
}

/** Capabilities KVM_ENABLE_CAP accepts on a VM (spec §3.3). */
export const VM_ENABLE_CAPS: ReadonlySet<number> = new Set([
  KVM_CAP.KVM_CAP_ARM_NISV_TO_USER,
  KVM_CAP.KVM_CAP_ARM_SYSTEM_SUSPEND,
  KVM_CAP.KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
  KVM_CAP.KVM_CAP_ARM_WRITABLE_IMP_ID_REGS,
]);
