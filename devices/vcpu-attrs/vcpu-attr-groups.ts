/**
 * KVM_SET/GET/HAS_DEVICE_ATTR on a vCPU fd (spec §9.2, §11; linux: arch/arm64/kvm/guest.c
 * kvm_arm_vcpu_arch_{set,get,has}_attr): one row per attribute group, ENXIO for any other group.
 * Also the attribute-related first-run checks of §7.2.
 *
 * `value` is the bytes at kvm_device_attr.addr: an int or u32 is 4 bytes, a u64 8 bytes, struct
 * kvm_pmu_event_filter 8 bytes, little-endian; a shorter buffer is EFAULT. GET returns the bytes
 * the kernel would write back. `vs` must be `vm.vcpu(vcpu.index)`.
 */
import { fail } from '../../vmcore/errno';
import {
  KVM_ARM_VCPU_PMU_V3_CTRL,
  KVM_ARM_VCPU_PVTIME_CTRL,
  KVM_ARM_VCPU_TIMER_CTRL,
} from '../../vmcore/kvm-constants';
import { pmuV3Enable, pmuV3GetAttr, pmuV3HasAttr, pmuV3SetAttr } from './pmu-v3-ctrl';
import { pvtimeGetAttr, pvtimeHasAttr, pvtimeSetAttr } from './pvtime-ctrl';
import { timerEnable, timerGetAttr, timerHasAttr, timerSetAttr } from './timer-ctrl';
import type { AttrContext, AttrVcpu, VcpuAttrHost } from './vcpu-attr-host';
import type { VcpuAttrState } from './vcpu-attr-state';
import type { VmAttrState } from './vm-attr-state';

interface AttrGroup {
  set(ctx: AttrContext, attr: bigint, value: Uint8Array): void;
  get(ctx: AttrContext, attr: bigint): Uint8Array;
  has(ctx: AttrContext, attr: bigint): void;
}

const GROUPS: ReadonlyMap<number, AttrGroup> = new Map([
  [KVM_ARM_VCPU_PMU_V3_CTRL, { set: pmuV3SetAttr, get: pmuV3GetAttr, has: pmuV3HasAttr }],
  [KVM_ARM_VCPU_TIMER_CTRL, { set: timerSetAttr, get: timerGetAttr, has: timerHasAttr }],
  [KVM_ARM_VCPU_PVTIME_CTRL, { set: pvtimeSetAttr, get: pvtimeGetAttr, has: pvtimeHasAttr }],
]);

function group(g: number): AttrGroup {
  return GROUPS.get(g) ?? fail('ENXIO', `unknown vCPU attribute group ${g} (§9.2)`);
}

/** KVM_SET_DEVICE_ATTR on a vCPU. Throws KvmError (ENXIO, ENODEV, EINVAL, EBUSY, EEXIST, EFAULT). */
export function setVcpuAttr(
  host: VcpuAttrHost,
  vm: VmAttrState,
  vcpu: AttrVcpu,
  vs: VcpuAttrState,
  g: number,
  attr: bigint,
  value: Uint8Array,
): void {
  group(g).set({ host, vm, vcpu, vs }, attr, value);
}

/** KVM_GET_DEVICE_ATTR on a vCPU: the bytes written to addr. */
export function getVcpuAttr(
  host: VcpuAttrHost,
  vm: VmAttrState,
  vcpu: AttrVcpu,
  vs: VcpuAttrState,
  g: number,
  attr: bigint,
): Uint8Array {
  return group(g).get({ host, vm, vcpu, vs }, attr);
}

/** KVM_HAS_DEVICE_ATTR on a vCPU: returns if the attribute exists, throws ENXIO otherwise. */
export function hasVcpuAttr(
  host: VcpuAttrHost,
  vm: VmAttrState,
  vcpu: AttrVcpu,
  vs: VcpuAttrState,
  g: number,
  attr: bigint,
): void {
  group(g).has({ host, vm, vcpu, vs }, attr);
}

/**
 * §7.2 steps 5 and 6 for `vcpu`'s first KVM_RUN, after the VGIC mapping (step 3) and before the
 * VM is marked as having run (step 7, the caller's):
 *
 * 5. timer (timerEnable, once per vCPU): with an in-kernel irqchip, ENODEV if the VGIC is not
 *    initialised; EINVAL if the vCPU's timers (VTIMER and PTIMER; also HVTIMER and HPTIMER with
 *    KVM_ARM_VCPU_HAS_EL2) do not sit on distinct PPIs, or a PPI is already owned by something
 *    else on this vCPU (its PMU overflow PPI). Success claims the PPIs and freezes them VM-wide.
 * 6. PMU (pmuV3Enable, vCPUs with KVM_ARM_VCPU_PMU_V3 only): EINVAL without PMU_V3_INIT; with an
 *    irqchip EINVAL unless the IRQ is a PPI or an SPI the VGIC implements; without one EINVAL if an
 *    IRQ was set.
 *
 * The timer step's effects stay if step 6 fails, as in the kernel.
 */
export function firstRunCheck(host: VcpuAttrHost, vm: VmAttrState, vcpu: AttrVcpu, vs: VcpuAttrState): void {
  const ctx: AttrContext = { host, vm, vcpu, vs };
  timerEnable(ctx);
  pmuV3Enable(ctx);
}
