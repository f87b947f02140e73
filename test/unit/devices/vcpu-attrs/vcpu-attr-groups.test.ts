import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  KVM_ARM_VCPU_FEATURE,
  KVM_ARM_VCPU_PMU_V3_CTRL,
  KVM_ARM_VCPU_PMU_V3_INIT,
  KVM_ARM_VCPU_PMU_V3_IRQ,
  KVM_ARM_VCPU_PVTIME_CTRL,
  KVM_ARM_VCPU_TIMER_CTRL,
} from '../../../../vmcore/kvm-constants';
import { firstRunCheck, getVcpuAttr, hasVcpuAttr, setVcpuAttr } from '../../../../devices/vcpu-attrs/vcpu-attr-groups';
import { int, makeVm, readInt, throwsErrno, u64 } from './fake-attr-host';

const PMU = KVM_ARM_VCPU_FEATURE.KVM_ARM_VCPU_PMU_V3;

function setup(n = 1, features: number[] = [PMU]) {
  const m = makeVm(n, () => new Set(features));
  const set = (i: number, g: number, attr: bigint, value = new Uint8Array(0)) => {
    const { vcpu, vs } = m.v(i);
    setVcpuAttr(m.host, m.vm, vcpu, vs, g, attr, value);
  };
  const run = (i: number) => {
    const { vcpu, vs } = m.v(i);
    firstRunCheck(m.host, m.vm, vcpu, vs);
  };
  return { ...m, set, run };
}

test('unknown groups are ENXIO for SET, GET and HAS', () => {
  const { host, vm, v } = makeVm(1);
  const { vcpu, vs } = v(0);
  for (const g of [3, 4, 0x100, 0xffffffff]) {
    throwsErrno(() => setVcpuAttr(host, vm, vcpu, vs, g, 0n, u64(0n)), 'ENXIO');
    throwsErrno(() => getVcpuAttr(host, vm, vcpu, vs, g, 0n), 'ENXIO');
    throwsErrno(() => hasVcpuAttr(host, vm, vcpu, vs, g, 0n), 'ENXIO');
  }
});

test('each group reaches its handler', () => {
  const { host, vm, v } = makeVm(1);
  const { vcpu, vs } = v(0);
  hasVcpuAttr(host, vm, vcpu, vs, KVM_ARM_VCPU_PMU_V3_CTRL, 0n);
  hasVcpuAttr(host, vm, vcpu, vs, KVM_ARM_VCPU_TIMER_CTRL, 3n);
  hasVcpuAttr(host, vm, vcpu, vs, KVM_ARM_VCPU_PVTIME_CTRL, 0n);
  setVcpuAttr(host, vm, vcpu, vs, KVM_ARM_VCPU_TIMER_CTRL, 0n, int(20));
  assert.is(readInt(getVcpuAttr(host, vm, vcpu, vs, KVM_ARM_VCPU_TIMER_CTRL, 0n)), 20);
  setVcpuAttr(host, vm, vcpu, vs, KVM_ARM_VCPU_PVTIME_CTRL, 0n, u64(0x4000_0000n));
  assert.is(vs.pvtimeIpa, 0x4000_0000n);
});

// --- firstRunCheck (§7.2 steps 5-6) ---------------------------------------------------------

const IRQ = BigInt(KVM_ARM_VCPU_PMU_V3_IRQ);
const INIT = BigInt(KVM_ARM_VCPU_PMU_V3_INIT);
const G_PMU = KVM_ARM_VCPU_PMU_V3_CTRL;

test('first run without PMU feature: only the timer step', () => {
  const r = setup(1, []);
  r.run(0);
  assert.ok(r.vm.vcpu(0).timerEnabled);
  assert.ok(r.vm.timerPpisImmutable);
});

test('first run: ENODEV when the irqchip exists but the VGIC is not initialised', () => {
  const r = setup(1, []);
  r.host.vgicInit = false;
  throwsErrno(() => r.run(0), 'ENODEV');
});

test('first run: EINVAL when the PMU was not initialised; the timer step still took effect', () => {
  const r = setup(1);
  throwsErrno(() => r.run(0), 'EINVAL');
  assert.ok(r.vm.vcpu(0).timerEnabled);
  assert.ok(r.vm.timerPpisImmutable);
  r.set(0, G_PMU, IRQ, int(23));
  r.set(0, G_PMU, INIT);
  r.run(0);
});

test('first run: the timer step comes first (a PPI clash is reported before the PMU step)', () => {
  const r = setup(1);
  r.set(0, KVM_ARM_VCPU_TIMER_CTRL, 1n, int(27)); // PTIMER = VTIMER
  throwsErrno(() => r.run(0), 'EINVAL');
  assert.not.ok(r.vm.vcpu(0).timerEnabled); // failed in step 5, so step 6 never ran
  assert.not.ok(r.vm.timerPpisImmutable);
});

test('first run with a PMU on a PPI and on an SPI', () => {
  const r = setup(2);
  r.set(0, G_PMU, IRQ, int(40));
  r.set(0, G_PMU, INIT);
  r.set(1, G_PMU, IRQ, int(41));
  r.set(1, G_PMU, INIT);
  r.run(0);
  r.run(1);
  const s = setup(1);
  s.set(0, G_PMU, IRQ, int(23));
  s.set(0, G_PMU, INIT);
  s.run(0);
});

test('first run: EINVAL when the PMU IRQ is no longer a valid SPI for the VGIC', () => {
  const r = setup(1);
  r.set(0, G_PMU, IRQ, int(90));
  r.set(0, G_PMU, INIT);
  r.host.nrSpis = 32; // SPIs 32..63 only
  throwsErrno(() => r.run(0), 'EINVAL');
});

test('first run: EINVAL when the PMU was initialised without irqchip and one exists now', () => {
  const r = setup(1);
  r.host.irqchip = false;
  r.set(0, G_PMU, INIT);
  r.host.irqchip = true;
  throwsErrno(() => r.run(0), 'EINVAL');
});

test('first run: EINVAL when a PMU IRQ is set but there is no irqchip', () => {
  const r = setup(1);
  r.set(0, G_PMU, IRQ, int(23));
  r.host.irqchip = false;
  r.host.vgicInit = false;
  r.set(0, G_PMU, INIT);
  throwsErrno(() => r.run(0), 'EINVAL');
});

test('first run without an irqchip and a PMU without IRQ passes', () => {
  const r = setup(1);
  r.host.irqchip = false;
  r.set(0, G_PMU, INIT);
  r.run(0);
  assert.not.ok(r.vm.timerPpisImmutable);
});

test.run();
