/**
 * KVM_ARM_VCPU_PVTIME_CTRL, vCPU attribute group 2 (spec §11.3; linux: arch/arm64/kvm/pvtime.c
 * kvm_arm_pvtime_{set,get,has}_attr): where the guest finds its stolen-time structure.
 */
import { check } from '../../vmcore/errno';
import { HOST } from '../../vmcore/host-choices';
import { KVM_ARM_VCPU_PVTIME_IPA } from '../../vmcore/kvm-constants';
import { readAttrU64, u64AttrBytes } from './attr-value';
import type { AttrContext } from './vcpu-attr-host';
import type { VcpuAttrState } from './vcpu-attr-state';

/** The kernel's INVALID_GPA: what GET returns before an IPA is set. */
export const INVALID_GPA = 0xffffffffffffffffn;
/** The stolen-time structure (Documentation/virt/kvm/arm/pvtime.rst): 64 bytes, 64-byte aligned. */
export const PVTIME_STRUCT_SIZE = 64;

function known(attr: bigint): boolean {
  return HOST.STEAL_TIME && attr === BigInt(KVM_ARM_VCPU_PVTIME_IPA);
}

/** KVM_SET_DEVICE_ATTR, group PVTIME_CTRL. Kernel order: ENXIO, EFAULT, EINVAL (alignment),
 *  EEXIST (already set), EINVAL (not backed by a memslot). */
export function pvtimeSetAttr(ctx: AttrContext, attr: bigint, value: Uint8Array): void {
  check(known(attr), 'ENXIO', `PVTIME_CTRL attribute ${attr} unsupported (§11.3)`);
  const ipa = readAttrU64(value, 'KVM_ARM_VCPU_PVTIME_IPA');
  check(ipa % BigInt(PVTIME_STRUCT_SIZE) === 0n, 'EINVAL', `PV time IPA 0x${ipa.toString(16)} not 64-byte aligned (§11.3)`);
  check(ctx.vs.pvtimeIpa === null, 'EEXIST', 'PV time IPA already set for this vCPU (§11.3)');
  // The kernel checks the page (gfn_to_hva); an aligned 64-byte structure never crosses a page.
  check(
    ctx.host.ipaInMemslot(ipa, PVTIME_STRUCT_SIZE),
    'EINVAL',
    `PV time IPA 0x${ipa.toString(16)} not backed by a writable memslot (§11.3)`,
  );
  ctx.vs.pvtimeIpa = ipa;
}

/** KVM_GET_DEVICE_ATTR: the IPA as a u64, ~0 (INVALID_GPA) while unset. */
export function pvtimeGetAttr(ctx: AttrContext, attr: bigint): Uint8Array {
  check(known(attr), 'ENXIO', `PVTIME_CTRL attribute ${attr} unsupported (§11.3)`);
  return u64AttrBytes(pvtimeBase(ctx.vs));
}

export function pvtimeHasAttr(_ctx: AttrContext, attr: bigint): void {
  check(known(attr), 'ENXIO', `PVTIME_CTRL attribute ${attr} unsupported (§11.3)`);
}

/** The vCPU's stolen-time IPA for SMCCC PV_TIME_ST (§11.3): INVALID_GPA if none was set (the
 *  hypercall then returns NOT_SUPPORTED). */
export function pvtimeBase(vs: VcpuAttrState): bigint {
  return vs.pvtimeIpa ?? INVALID_GPA;
}
