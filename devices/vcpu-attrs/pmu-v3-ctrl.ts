/**
 * KVM_ARM_VCPU_PMU_V3_CTRL, vCPU attribute group 0 (spec §11.1; linux: arch/arm64/kvm/pmu-emul.c
 * kvm_arm_pmu_v3_{set,get,has}_attr, kvm_arm_pmu_v3_enable).
 *
 * HOST.PMU_V3 is false, so KVM_ARM_VCPU_INIT never grants the feature and every SET here fails
 * with ENODEV in the service. The full semantics are kept so that turning the PMU on is a
 * host-choice change only.
 */
import { check, fail } from '../../vmcore/errno';
import {
  KVM_ARM_VCPU_FEATURE,
  KVM_ARM_VCPU_PMU_V3_FILTER,
  KVM_ARM_VCPU_PMU_V3_INIT,
  KVM_ARM_VCPU_PMU_V3_IRQ,
  KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS,
  KVM_ARM_VCPU_PMU_V3_SET_PMU,
} from '../../vmcore/kvm-constants';
import { attrIndex, intAttrBytes, readAttrInt, readAttrStruct, readAttrU32 } from './attr-value';
import type { AttrContext } from './vcpu-attr-host';
import type { IrqOwner, VcpuAttrState } from './vcpu-attr-state';
import { PMU_NR_EVENTS, type VmAttrState } from './vm-attr-state';
import { irqIsPpi, irqIsSpi, vgicClaim, vgicOwnerConflict, vgicValidSpi } from './vgic-owner';

/** struct kvm_pmu_event_filter actions (arch/arm64/include/uapi/asm/kvm.h). */
export const KVM_PMU_EVENT_ALLOW = 0;
export const KVM_PMU_EVENT_DENY = 1;
/** sizeof(struct kvm_pmu_event_filter): base_event u16 @0, nevents u16 @2, action u8 @4, pad[3]. */
export const KVM_PMU_EVENT_FILTER_SIZE = 8;

/** Events the filter never affects (§11.1): neither is backed by a host counter. */
export const ARMV8_PMUV3_PERFCTR_SW_INCR = 0x00;
export const ARMV8_PMUV3_PERFCTR_CHAIN = 0x1e;
/** The cycle counter is filtered as this event. */
export const ARMV8_PMUV3_PERFCTR_CPU_CYCLES = 0x11;

const hasPmu = (ctx: AttrContext): boolean => ctx.vcpu.hasFeature(KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PMU_V3);
const pmuOwner = (ctx: AttrContext): IrqOwner => `pmu@${ctx.vcpu.index}`;

/**
 * pmu_irq_is_valid(): a PPI must equal every PMU IRQ already set (on any vCPU, this one
 * included); an SPI must differ from all of them.
 */
function pmuIrqIsValid(ctx: AttrContext, irq: number): boolean {
  const states: VcpuAttrState[] = [ctx.vs];
  for (const v of ctx.host.vcpus()) {
    const s = v.index === ctx.vcpu.index ? undefined : ctx.vm.peekVcpu(v.index);
    if (s) states.push(s);
  }
  for (const s of states) {
    if (s.pmuIrq === null) continue;
    if (irqIsPpi(irq) ? s.pmuIrq !== irq : s.pmuIrq === irq) return false;
  }
  return true;
}

function setIrq(ctx: AttrContext, value: Uint8Array): void {
  check(ctx.host.hasIrqchip(), 'EINVAL', 'PMU_V3_IRQ needs an in-kernel irqchip (§11.1)');
  const irq = readAttrInt(value, 'KVM_ARM_VCPU_PMU_V3_IRQ');
  check(irqIsPpi(irq) || irqIsSpi(irq), 'EINVAL', `PMU IRQ ${irq} is neither a PPI nor an SPI (§11.1)`);
  check(
    pmuIrqIsValid(ctx, irq),
    'EINVAL',
    `PMU IRQ ${irq}: a PPI must be the same on all vCPUs, an SPI must not be shared (§11.1)`,
  );
  check(ctx.vs.pmuIrq === null, 'EBUSY', 'PMU IRQ already set for this vCPU (§11.1)');
  ctx.vs.pmuIrq = irq;
}

/** kvm_arm_pmu_v3_init(): with a VGIC, the VGIC must be initialised and the IRQ set and free. */
function init(ctx: AttrContext): void {
  if (ctx.host.hasIrqchip()) {
    check(ctx.host.vgicInitialized(), 'ENODEV', 'PMU_V3_INIT before the VGIC is initialised (§11.1)');
    const irq = ctx.vs.pmuIrq;
    if (irq === null) fail('ENXIO', 'PMU_V3_INIT without PMU_V3_IRQ (§11.1)');
    const conflict = vgicOwnerConflict(ctx, irq, pmuOwner(ctx));
    if (conflict) fail(conflict, `PMU IRQ ${irq} cannot be claimed in the VGIC (§11.1)`);
    vgicClaim(ctx, irq, pmuOwner(ctx));
  }
  ctx.vs.pmuCreated = true;
}

function setFilter(ctx: AttrContext, value: Uint8Array): void {
  const f = readAttrStruct(value, KVM_PMU_EVENT_FILTER_SIZE, 'struct kvm_pmu_event_filter');
  const base = f.getUint16(0, true);
  const nevents = f.getUint16(2, true);
  const action = f.getUint8(4);
  check(
    base + nevents <= PMU_NR_EVENTS && (action === KVM_PMU_EVENT_ALLOW || action === KVM_PMU_EVENT_DENY),
    'EINVAL',
    `PMU filter [${base}, +${nevents}) action ${action}: beyond ${PMU_NR_EVENTS} events or unknown action (§11.1)`,
  );
  check(!ctx.host.vmHasRun(), 'EBUSY', 'PMU filter after the VM has run (§11.1)');
  let bitmap = ctx.vm.pmuFilter;
  if (!bitmap) {
    // The first filter sets the default: ALLOW denies everything else, DENY allows it.
    bitmap = new Uint8Array(PMU_NR_EVENTS).fill(action === KVM_PMU_EVENT_ALLOW ? 0 : 1);
    ctx.vm.pmuFilter = bitmap;
  }
  bitmap.fill(action === KVM_PMU_EVENT_ALLOW ? 1 : 0, base, base + nevents);
}

function setPmu(_ctx: AttrContext, value: Uint8Array): void {
  readAttrInt(value, 'KVM_ARM_VCPU_PMU_V3_SET_PMU');
  fail('ENODEV', 'no such host PMU: the service exposes none (§11.1 service choice)');
}

function setNrCounters(_ctx: AttrContext, value: Uint8Array): void {
  readAttrU32(value, 'KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS');
  // kvm_arm_pmu_v3_set_nr_counters(): EINVAL while kvm->arch.arm_pmu is NULL; SET_PMU never
  // succeeds here, so no PMU is ever selected.
  fail('EINVAL', 'SET_NR_COUNTERS without a selected PMU (§11.1)');
}

const SET = new Map<number, (ctx: AttrContext, value: Uint8Array) => void>([
  [KVM_ARM_VCPU_PMU_V3_IRQ, setIrq],
  [KVM_ARM_VCPU_PMU_V3_INIT, init],
  [KVM_ARM_VCPU_PMU_V3_FILTER, setFilter],
  [KVM_ARM_VCPU_PMU_V3_SET_PMU, setPmu],
  [KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, setNrCounters],
]);

/** KVM_SET_DEVICE_ATTR, group PMU_V3_CTRL: ENODEV without the feature, EBUSY after INIT, then
 *  ENXIO for an unknown attribute, in that order. */
export function pmuV3SetAttr(ctx: AttrContext, attr: bigint, value: Uint8Array): void {
  check(hasPmu(ctx), 'ENODEV', 'vCPU not initialised with KVM_ARM_VCPU_PMU_V3 (§11.1)');
  check(!ctx.vs.pmuCreated, 'EBUSY', 'PMU already initialised (§11.1)');
  const set = SET.get(attrIndex(attr)) ?? fail('ENXIO', `unknown PMU_V3_CTRL attribute ${attr} (§11.1)`);
  set(ctx, value);
}

/** KVM_GET_DEVICE_ATTR: only the IRQ is readable (EINVAL without irqchip, ENODEV, ENXIO unset);
 *  every other attribute is ENXIO whether or not the vCPU has a PMU (kernel order). */
export function pmuV3GetAttr(ctx: AttrContext, attr: bigint): Uint8Array {
  if (attr !== BigInt(KVM_ARM_VCPU_PMU_V3_IRQ)) fail('ENXIO', `PMU_V3_CTRL attribute ${attr} has no GET (§11.1)`);
  check(ctx.host.hasIrqchip(), 'EINVAL', 'PMU_V3_IRQ needs an in-kernel irqchip (§11.1)');
  check(hasPmu(ctx), 'ENODEV', 'vCPU not initialised with KVM_ARM_VCPU_PMU_V3 (§11.1)');
  const irq = ctx.vs.pmuIrq;
  if (irq === null) fail('ENXIO', 'PMU IRQ not set (§11.1)');
  return intAttrBytes(irq);
}

/** KVM_HAS_DEVICE_ATTR: 0 for the five attributes if the vCPU has a PMU, else ENXIO (the kernel
 *  answers ENXIO, not ENODEV, here: §9.2 "HAS returns ENXIO if not"). */
export function pmuV3HasAttr(ctx: AttrContext, attr: bigint): void {
  check(SET.has(attrIndex(attr)) && hasPmu(ctx), 'ENXIO', `PMU_V3_CTRL attribute ${attr} not available (§11.1)`);
}

/**
 * First run, §7.2 step 6 (kvm_arm_pmu_v3_enable): a vCPU with PMUv3 needs PMU_V3_INIT, and with a
 * VGIC its IRQ must be a PPI or an SPI the VGIC implements; without one no IRQ may be set.
 */
export function pmuV3Enable(ctx: AttrContext): void {
  if (!hasPmu(ctx)) return;
  check(ctx.vs.pmuCreated, 'EINVAL', 'first run without KVM_ARM_VCPU_PMU_V3_INIT (§7.2)');
  const irq = ctx.vs.pmuIrq;
  if (ctx.host.hasIrqchip()) {
    check(irq !== null && (irqIsPpi(irq) || vgicValidSpi(ctx, irq)), 'EINVAL', `PMU IRQ ${irq} is not valid in the VGIC (§7.2)`);
  } else {
    check(irq === null, 'EINVAL', 'PMU IRQ set without an in-kernel irqchip (§7.2)');
  }
}

/**
 * Whether the PMU event filter lets a counter count `event` (the event number from PMEVTYPER, or
 * CPU_CYCLES for the cycle counter). SW_INCR and CHAIN are never filtered (§11.1).
 */
export function pmuEventAllowed(vm: VmAttrState, event: number): boolean {
  if (event === ARMV8_PMUV3_PERFCTR_SW_INCR || event === ARMV8_PMUV3_PERFCTR_CHAIN) return true;
  const bitmap = vm.pmuFilter;
  return bitmap === null || bitmap[event & (PMU_NR_EVENTS - 1)] === 1;
}
