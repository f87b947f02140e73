/**
 * KVM_ARM_VCPU_TIMER_CTRL, vCPU attribute group 1 (spec §11.2; linux: arch/arm64/kvm/arch_timer.c
 * kvm_arm_timer_{set,get,has}_attr, timer_irqs_are_valid, kvm_timer_enable).
 *
 * The PPIs are VM-wide although set through a vCPU fd. The EL2 timers (HVTIMER, HPTIMER) are
 * accepted by SET/GET/HAS whatever the vCPU features, as in the kernel; they are validated and
 * claimed at the first run only for a vCPU with KVM_ARM_VCPU_HAS_EL2 (nr_timers() = 4), which the
 * service never grants (HOST.EL2 false).
 */
import { check, fail } from '../../vmcore/errno';
import {
  KVM_ARM_VCPU_FEATURE,
  KVM_ARM_VCPU_TIMER_IRQ_HPTIMER,
  KVM_ARM_VCPU_TIMER_IRQ_HVTIMER,
  KVM_ARM_VCPU_TIMER_IRQ_PTIMER,
  KVM_ARM_VCPU_TIMER_IRQ_VTIMER,
} from '../../vmcore/kvm-constants';
import { attrIndex, intAttrBytes, readAttrInt } from './attr-value';
import type { AttrContext } from './vcpu-attr-host';
import type { IrqOwner } from './vcpu-attr-state';
import type { VmAttrState } from './vm-attr-state';
import { irqIsPpi, vgicClaim, vgicOwnerConflict } from './vgic-owner';

/** The kernel's enum kvm_arch_timers order (PTIMER, VTIMER, HVTIMER, HPTIMER): the order in
 *  which the first run claims the PPIs. */
const CLAIM_ORDER: readonly (readonly [attr: number, owner: IrqOwner])[] = [
  [KVM_ARM_VCPU_TIMER_IRQ_PTIMER, 'ptimer'],
  [KVM_ARM_VCPU_TIMER_IRQ_VTIMER, 'vtimer'],
  [KVM_ARM_VCPU_TIMER_IRQ_HVTIMER, 'hvtimer'],
  [KVM_ARM_VCPU_TIMER_IRQ_HPTIMER, 'hptimer'],
];

const NAMES: readonly string[] = ['VTIMER', 'PTIMER', 'HVTIMER', 'HPTIMER'];

/** The timer index for a TIMER_CTRL attribute, or -1 if unknown. */
function timerIndex(attr: bigint): number {
  const i = attrIndex(attr);
  return i >= 0 && i < NAMES.length ? i : -1;
}

/** KVM_SET_DEVICE_ATTR, group TIMER_CTRL. Kernel order: EINVAL (no irqchip), EFAULT, EINVAL (not
 *  a PPI), EBUSY (PPIs frozen), ENXIO (unknown attribute). */
export function timerSetAttr(ctx: AttrContext, attr: bigint, value: Uint8Array): void {
  check(ctx.host.hasIrqchip(), 'EINVAL', 'timer PPIs need an in-kernel irqchip (§11.2)');
  const irq = readAttrInt(value, 'KVM_ARM_VCPU_TIMER_IRQ');
  check(irqIsPpi(irq), 'EINVAL', `timer IRQ ${irq} is not a PPI (16..31) (§11.2)`);
  check(
    !ctx.vm.timerPpisImmutable && !ctx.host.vmHasRun(),
    'EBUSY',
    'timer PPIs are frozen once a vCPU has run (§11.2)',
  );
  const i = timerIndex(attr);
  if (i < 0) fail('ENXIO', `unknown TIMER_CTRL attribute ${attr} (§11.2)`);
  // Uniqueness is not checked here: the verdict comes at each vCPU's first run (timerEnable).
  ctx.vm.timerPpi[i] = irq;
}

/** KVM_GET_DEVICE_ATTR: the current PPI (an int); ENXIO for an unknown attribute. */
export function timerGetAttr(ctx: AttrContext, attr: bigint): Uint8Array {
  const i = timerIndex(attr);
  if (i < 0) fail('ENXIO', `unknown TIMER_CTRL attribute ${attr} (§11.2)`);
  return intAttrBytes(ctx.vm.timerPpi[i]);
}

/** KVM_HAS_DEVICE_ATTR: 0 for the four timer attributes, ENXIO otherwise. */
export function timerHasAttr(_ctx: AttrContext, attr: bigint): void {
  check(timerIndex(attr) >= 0, 'ENXIO', `unknown TIMER_CTRL attribute ${attr} (§11.2)`);
}

/**
 * First run, §7.2 step 5 (kvm_timer_enable, once per vCPU). Without an in-kernel irqchip there is
 * nothing to check. With one: ENODEV if the VGIC is not initialised (unreachable after the VGIC
 * mapping of step 3, kept as the older kernels had it); then each of the vCPU's nr_timers() timers
 * claims its PPI in the VGIC, stopping at the first PPI held by another owner (another timer on
 * the same PPI, or this vCPU's PMU); EINVAL unless all claims succeeded on distinct PPIs.
 *
 * As in the kernel, effects survive a failure here or in step 6: claims already made stay, and a
 * successful check freezes the PPIs VM-wide (KVM_ARCH_FLAG_TIMER_PPIS_IMMUTABLE) even if the VM is
 * not marked as having run.
 */
export function timerEnable(ctx: AttrContext): void {
  const { host, vm, vcpu, vs } = ctx;
  if (vs.timerEnabled) return;
  if (host.hasIrqchip()) {
    check(host.vgicInitialized(), 'ENODEV', 'timer enable with an uninitialised VGIC (§7.2)');
    const nrTimers = vcpu.hasFeature(KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_HAS_EL2) ? 4 : 2;
    const ppis = new Set<number>();
    for (const [attr, owner] of CLAIM_ORDER.slice(0, nrTimers)) {
      const irq = vm.timerPpi[attr];
      if (vgicOwnerConflict(ctx, irq, owner)) break;
      vgicClaim(ctx, irq, owner);
      ppis.add(irq);
    }
    const valid = ppis.size === nrTimers;
    if (valid) vm.timerPpisImmutable = true;
    check(valid, 'EINVAL', `timer PPIs ${vm.timerPpi.slice(0, nrTimers)} are shared or already owned (§7.2, §11.2)`);
  }
  vs.timerEnabled = true;
}

/** The VM's timer PPIs, for the architected-timer device. */
export function timerPpis(vm: VmAttrState): { vtimer: number; ptimer: number; hvtimer: number; hptimer: number } {
  const [vtimer, ptimer, hvtimer, hptimer] = vm.timerPpi;
  return { vtimer, ptimer, hvtimer, hptimer };
}
