/**
 * The SMCCC filter, VM attribute group KVM_ARM_VM_SMCCC_CTRL / attribute KVM_ARM_VM_SMCCC_FILTER
 * (spec §9.2, §14.6; linux: arch/arm64/kvm/hypercalls.c kvm_smccc_set_filter,
 * kvm_smccc_filter_get_action, kvm_vm_smccc_{set,has}_attr; Documentation/virt/kvm/devices/vm.rst).
 *
 * Ranges of function ids map to an action; the hypercall path asks smcccFilterAction() first and
 * falls back to its own default-allowed / firmware-bitmap rules when the answer is HANDLE.
 */
import { check, fail } from '../vmcore/errno';
import { KVM_ARM_VM_SMCCC_CTRL, KVM_ARM_VM_SMCCC_FILTER } from '../vmcore/kvm-constants';
import type { VcpuAttrHost } from './vcpu-attrs/vcpu-attr-host';
import type { VmAttrState } from './vcpu-attrs/vm-attr-state';

/** enum kvm_smccc_filter_action (arch/arm64/include/uapi/asm/kvm.h). */
export const KVM_SMCCC_FILTER_HANDLE = 0;
export const KVM_SMCCC_FILTER_DENY = 1;
export const KVM_SMCCC_FILTER_FWD_TO_USER = 2;
export const NR_SMCCC_FILTER_ACTIONS = 3;
export type SmcccFilterAction = 0 | 1 | 2;

/** sizeof(struct kvm_smccc_filter): base u32 @0, nr_functions u32 @4, action u8 @8, pad[15] @9. */
export const KVM_SMCCC_FILTER_SIZE = 24;

/**
 * The Arm-architecture service ranges (SMC32 and SMC64 fast calls of owner 0), which userspace can
 * never filter: they stay with KVM so the guest always sees the true mitigation state.
 */
export const SMCCC_RESERVED_RANGES: readonly (readonly [first: number, last: number])[] = [
  [0x80000000, 0x8000ffff],
  [0xc0000000, 0xc000ffff],
];

interface Range {
  readonly first: number;
  readonly last: number;
  readonly action: SmcccFilterAction;
}

/** The VM's filter: disjoint ranges sorted by first id (the kernel's maple tree). */
export class SmcccFilter {
  private readonly sorted: Range[] = [];

  /** The ranges userspace inserted, in id order. */
  get ranges(): readonly { base: number; nrFunctions: number; action: SmcccFilterAction }[] {
    return this.sorted.map((r) => ({ base: r.first, nrFunctions: r.last - r.first + 1, action: r.action }));
  }

  overlaps(first: number, last: number): boolean {
    const hit = ([a, b]: readonly [number, number]): boolean => first <= b && a <= last;
    return SMCCC_RESERVED_RANGES.some(hit) || this.sorted.some((r) => hit([r.first, r.last]));
  }

  insert(first: number, last: number, action: SmcccFilterAction): void {
    let i = 0;
    while (i < this.sorted.length && this.sorted[i].first < first) i++;
    this.sorted.splice(i, 0, { first, last, action });
  }

  /** The action for a function id (u32); HANDLE where no range applies. Binary search: this runs
   *  on every hypercall. */
  action(functionId: number): SmcccFilterAction {
    const s = this.sorted;
    let lo = 0;
    let hi = s.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = s[mid];
      if (functionId < r.first) hi = mid - 1;
      else if (functionId > r.last) lo = mid + 1;
      else return r.action;
    }
    return KVM_SMCCC_FILTER_HANDLE;
  }
}

function checkAttr(group: number, attr: bigint): void {
  check(group === KVM_ARM_VM_SMCCC_CTRL, 'ENXIO', `unknown VM attribute group ${group} (§9.2)`);
  check(attr === BigInt(KVM_ARM_VM_SMCCC_FILTER), 'ENXIO', `unknown SMCCC_CTRL attribute ${attr} (§14.6)`);
}

/**
 * KVM_SET_DEVICE_ATTR on the VM fd. Order: ENXIO (group, attribute), EFAULT (fewer than 24 bytes),
 * EINVAL (pad non-zero; nr_functions 0, range past 0xFFFFFFFF or unknown action), EBUSY (a vCPU has
 * run), EEXIST (overlaps an earlier range or a reserved Arm-architecture range).
 */
export function setVmAttr(
  host: Pick<VcpuAttrHost, 'vmHasRun'>,
  vm: VmAttrState,
  group: number,
  attr: bigint,
  value: Uint8Array,
): void {
  checkAttr(group, attr);
  check(value.length >= KVM_SMCCC_FILTER_SIZE, 'EFAULT', `struct kvm_smccc_filter: 24 bytes expected, got ${value.length} (§14.6)`);
  const f = new DataView(value.buffer, value.byteOffset, KVM_SMCCC_FILTER_SIZE);
  const base = f.getUint32(0, true);
  const nr = f.getUint32(4, true);
  const action = f.getUint8(8);
  check(value.subarray(9, KVM_SMCCC_FILTER_SIZE).every((b) => b === 0), 'EINVAL', 'SMCCC filter pad not zero (§14.6)');
  // The spec makes nr_functions = 0 EINVAL. (The kernel computes last = base + nr - 1 in u32, so
  // base 0 with nr 0 wraps to the whole space and fails with EEXIST instead.)
  const last = base + nr - 1;
  check(
    nr !== 0 && last <= 0xffffffff && action < NR_SMCCC_FILTER_ACTIONS,
    'EINVAL',
    `SMCCC filter base 0x${base.toString(16)} nr ${nr} action ${action}: empty, wrapping or unknown action (§14.6)`,
  );
  check(!host.vmHasRun(), 'EBUSY', 'SMCCC filter after a vCPU has run (§14.6)');
  const filter = vm.smcccFilter;
  check(
    !filter.overlaps(base, last),
    'EEXIST',
    `SMCCC filter [0x${base.toString(16)}, 0x${last.toString(16)}] overlaps a filtered or reserved range (§14.6)`,
  );
  filter.insert(base, last, action as SmcccFilterAction);
}

/**
 * KVM_GET_DEVICE_ATTR on the VM fd. arm64's kvm_arch_vm_ioctl() has no case for it, so the ioctl
 * itself is unknown on a VM fd and fails with EINVAL (§1), whatever the group or attribute.
 */
export function getVmAttr(_group: number, _attr: bigint): never {
  fail('EINVAL', 'KVM_GET_DEVICE_ATTR is not a VM ioctl on arm64; the SMCCC filter cannot be read (§14.6)');
}

/** KVM_HAS_DEVICE_ATTR on the VM fd: 0 for the SMCCC filter, ENXIO for anything else. */
export function hasVmAttr(group: number, attr: bigint): void {
  checkAttr(group, attr);
}

/** The filter's action for a function id (W0 as a u32): HANDLE (0), DENY (1) or FWD_TO_USER (2).
 *  HANDLE only means "not filtered"; KVM's default rules then apply (§14.6). */
export function smcccFilterAction(vm: VmAttrState, functionId: number): SmcccFilterAction {
  return vm.smcccFilter.action(functionId >>> 0);
}
