import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  KVM_ARM_VCPU_PMU_V3_CTRL,
  KVM_ARM_VCPU_PMU_V3_FILTER,
  KVM_ARM_VCPU_PMU_V3_INIT,
  KVM_ARM_VCPU_PMU_V3_IRQ,
  KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS,
  KVM_ARM_VCPU_PMU_V3_SET_PMU,
} from '../../../../vmcore/kvm-constants';
import { getVcpuAttr, hasVcpuAttr, setVcpuAttr, firstRunCheck } from '../../../../devices/vcpu-attrs/vcpu-attr-groups';
import {
  ARMV8_PMUV3_PERFCTR_CHAIN,
  ARMV8_PMUV3_PERFCTR_CPU_CYCLES,
  ARMV8_PMUV3_PERFCTR_SW_INCR,
  KVM_PMU_EVENT_ALLOW,
  KVM_PMU_EVENT_DENY,
  pmuEventAllowed,
} from '../../../../devices/vcpu-attrs/pmu-v3-ctrl';
import { int, makeVm, readInt, throwsErrno } from './fake-attr-host';

const IRQ = BigInt(KVM_ARM_VCPU_PMU_V3_IRQ);
const INIT = BigInt(KVM_ARM_VCPU_PMU_V3_INIT);
const FILTER = BigInt(KVM_ARM_VCPU_PMU_V3_FILTER);
const SET_PMU = BigInt(KVM_ARM_VCPU_PMU_V3_SET_PMU);
const SET_NR = BigInt(KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS);
const G = KVM_ARM_VCPU_PMU_V3_CTRL;

function setup(n = 2, pmu = true) {
  const m = makeVm(n, () => new Set(pmu ? [3] : []));
  const set = (i: number, attr: bigint, value = new Uint8Array(0)) => {
    const { vcpu, vs } = m.v(i);
    setVcpuAttr(m.host, m.vm, vcpu, vs, G, attr, value);
  };
  const get = (i: number, attr: bigint) => {
    const { vcpu, vs } = m.v(i);
    return getVcpuAttr(m.host, m.vm, vcpu, vs, G, attr);
  };
  const has = (i: number, attr: bigint) => {
    const { vcpu, vs } = m.v(i);
    hasVcpuAttr(m.host, m.vm, vcpu, vs, G, attr);
  };
  return { ...m, set, get, has };
}

function filter(base: number, nevents: number, action: number, len = 8): Uint8Array {
  const b = new Uint8Array(len);
  const v = new DataView(b.buffer);
  if (len >= 4) {
    v.setUint16(0, base, true);
    v.setUint16(2, nevents, true);
  }
  if (len >= 5) v.setUint8(4, action);
  return b;
}

// --- without the PMU feature ---------------------------------------------------------------

test('every SET fails with ENODEV without KVM_ARM_VCPU_PMU_V3, before EFAULT or ENXIO', () => {
  const p = setup(1, false);
  for (const attr of [IRQ, INIT, FILTER, SET_PMU, SET_NR, 99n]) throwsErrno(() => p.set(0, attr), 'ENODEV');
});

test('GET IRQ without the feature: EINVAL without irqchip, ENODEV with one; other GETs ENXIO', () => {
  const p = setup(1, false);
  throwsErrno(() => p.get(0, IRQ), 'ENODEV');
  throwsErrno(() => p.get(0, INIT), 'ENXIO');
  p.host.irqchip = false;
  throwsErrno(() => p.get(0, IRQ), 'EINVAL');
});

test('HAS is ENXIO for every PMU attribute without the feature, 0 with it', () => {
  const p = setup(1, false);
  for (const attr of [IRQ, INIT, FILTER, SET_PMU, SET_NR]) throwsErrno(() => p.has(0, attr), 'ENXIO');
  const q = setup(1);
  for (const attr of [IRQ, INIT, FILTER, SET_PMU, SET_NR]) q.has(0, attr);
  throwsErrno(() => q.has(0, 5n), 'ENXIO');
  throwsErrno(() => q.has(0, 1n << 32n), 'ENXIO');
});

test('unknown attribute: ENXIO', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, 5n, int(0)), 'ENXIO');
  throwsErrno(() => p.set(0, 1n << 32n, int(0)), 'ENXIO');
  throwsErrno(() => p.get(0, 5n), 'ENXIO');
});

// --- IRQ ------------------------------------------------------------------------------------

test('IRQ: EINVAL without an in-kernel irqchip, checked before the value is read', () => {
  const p = setup(1);
  p.host.irqchip = false;
  throwsErrno(() => p.set(0, IRQ, int(23)), 'EINVAL');
  throwsErrno(() => p.set(0, IRQ, new Uint8Array(2)), 'EINVAL');
  assert.is(p.vm.vcpu(0).pmuIrq, null);
});

test('IRQ: EFAULT for a short value', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, IRQ, new Uint8Array(3)), 'EFAULT');
});

test('IRQ: EINVAL unless a PPI (16..31) or SPI (32..1019)', () => {
  const p = setup(1);
  for (const irq of [-1, 0, 15, 1020, 1023, 4096]) throwsErrno(() => p.set(0, IRQ, int(irq)), 'EINVAL');
  assert.is(p.vm.vcpu(0).pmuIrq, null);
  p.set(0, IRQ, int(16));
  assert.is(readInt(p.get(0, IRQ)), 16);
  const q = setup(1);
  q.set(0, IRQ, int(1019));
  assert.is(readInt(q.get(0, IRQ)), 1019);
});

test('IRQ: GET is ENXIO until set, then returns the number', () => {
  const p = setup(1);
  throwsErrno(() => p.get(0, IRQ), 'ENXIO');
  p.set(0, IRQ, int(23));
  assert.is(readInt(p.get(0, IRQ)), 23);
});

test('IRQ: a PPI must be the same on all vCPUs', () => {
  const p = setup(3);
  p.set(0, IRQ, int(23));
  throwsErrno(() => p.set(1, IRQ, int(22)), 'EINVAL');
  p.set(1, IRQ, int(23));
  p.set(2, IRQ, int(23));
});

test('IRQ: an SPI must not be shared with another vCPU', () => {
  const p = setup(2);
  p.set(0, IRQ, int(40));
  throwsErrno(() => p.set(1, IRQ, int(40)), 'EINVAL');
  p.set(1, IRQ, int(41));
  assert.is(readInt(p.get(1, IRQ)), 41);
});

test('IRQ: EBUSY if already set; the validity rule comes first (kernel order)', () => {
  const p = setup(1);
  p.set(0, IRQ, int(23));
  throwsErrno(() => p.set(0, IRQ, int(23)), 'EBUSY');
  throwsErrno(() => p.set(0, IRQ, int(24)), 'EINVAL'); // differs from this vCPU's own PPI
  const q = setup(1);
  q.set(0, IRQ, int(40));
  throwsErrno(() => q.set(0, IRQ, int(40)), 'EINVAL'); // "shared" with itself
  throwsErrno(() => q.set(0, IRQ, int(41)), 'EBUSY');
  assert.is(readInt(q.get(0, IRQ)), 40);
});

// --- INIT -----------------------------------------------------------------------------------

test('INIT: ENODEV while the VGIC is not initialised, ENXIO without an IRQ', () => {
  const p = setup(1);
  p.host.vgicInit = false;
  throwsErrno(() => p.set(0, INIT), 'ENODEV');
  p.host.vgicInit = true;
  throwsErrno(() => p.set(0, INIT), 'ENXIO');
  assert.is(p.vm.vcpu(0).pmuCreated, false);
  p.set(0, IRQ, int(23));
  p.set(0, INIT);
  assert.is(p.vm.vcpu(0).pmuCreated, true);
  assert.is(p.vm.vcpu(0).ppiOwner.get(23), 'pmu@0');
});

test('INIT without an in-kernel irqchip needs no IRQ', () => {
  const p = setup(1);
  p.host.irqchip = false;
  p.host.vgicInit = false;
  p.set(0, INIT);
  assert.is(p.vm.vcpu(0).pmuCreated, true);
});

test('INIT: EINVAL for an SPI the VGIC does not implement', () => {
  const p = setup(1);
  p.host.nrSpis = 64; // SPIs 32..95
  p.set(0, IRQ, int(96));
  throwsErrno(() => p.set(0, INIT), 'EINVAL');
  assert.is(p.vm.vcpu(0).pmuCreated, false);
  assert.is(p.vm.spiOwner.size, 0);
});

test('INIT: claims an SPI VM-wide', () => {
  const p = setup(1);
  p.set(0, IRQ, int(95));
  p.set(0, INIT);
  assert.is(p.vm.spiOwner.get(95), 'pmu@0');
});

test('INIT: EEXIST if the PPI is owned already (timer claimed it at a failed first run)', () => {
  const p = setup(1);
  const { vcpu, vs } = p.v(0);
  // The timer step of the first run succeeds and claims 27 and 30; the PMU step fails.
  throwsErrno(() => firstRunCheck(p.host, p.vm, vcpu, vs), 'EINVAL');
  assert.is(vs.ppiOwner.get(27), 'vtimer');
  p.set(0, IRQ, int(27));
  throwsErrno(() => p.set(0, INIT), 'EEXIST');
  assert.is(vs.pmuCreated, false);
  assert.is(vs.ppiOwner.get(27), 'vtimer');
});

test('INIT: afterwards every SET is EBUSY, before ENXIO and EFAULT', () => {
  const p = setup(1);
  p.set(0, IRQ, int(23));
  p.set(0, INIT);
  for (const attr of [IRQ, INIT, FILTER, SET_PMU, SET_NR, 99n]) throwsErrno(() => p.set(0, attr), 'EBUSY');
  assert.is(readInt(p.get(0, IRQ)), 23);
  assert.is(p.vm.pmuFilter, null);
});

// --- FILTER ---------------------------------------------------------------------------------

test('FILTER: EFAULT for fewer than 8 bytes', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, FILTER, filter(0, 1, 0, 7)), 'EFAULT');
  assert.is(p.vm.pmuFilter, null);
});

test('FILTER: EINVAL beyond the 1024-event space or for an unknown action', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, FILTER, filter(1000, 25, KVM_PMU_EVENT_ALLOW)), 'EINVAL');
  throwsErrno(() => p.set(0, FILTER, filter(0xffff, 1, KVM_PMU_EVENT_ALLOW)), 'EINVAL');
  throwsErrno(() => p.set(0, FILTER, filter(0, 1, 2)), 'EINVAL');
  throwsErrno(() => p.set(0, FILTER, filter(0, 1, 0xff)), 'EINVAL');
  assert.is(p.vm.pmuFilter, null);
  p.set(0, FILTER, filter(1000, 24, KVM_PMU_EVENT_ALLOW));
  assert.is(p.vm.pmuFilter![1023], 1);
});

test('FILTER: EBUSY once the VM has run; EINVAL is checked first', () => {
  const p = setup(1);
  p.host.ran = true;
  throwsErrno(() => p.set(0, FILTER, filter(0, 1, KVM_PMU_EVENT_ALLOW)), 'EBUSY');
  throwsErrno(() => p.set(0, FILTER, filter(0, 1, 7)), 'EINVAL');
  assert.is(p.vm.pmuFilter, null);
});

test('FILTER: a first ALLOW denies everything else; later filters set and clear', () => {
  const p = setup(2);
  p.set(0, FILTER, filter(0x10, 4, KVM_PMU_EVENT_ALLOW));
  const f = p.vm.pmuFilter!;
  assert.is(f.length, 1024);
  assert.equal([f[0x0f], f[0x10], f[0x13], f[0x14]], [0, 1, 1, 0]);
  p.set(1, FILTER, filter(0x11, 1, KVM_PMU_EVENT_DENY)); // VM-wide, through another vCPU
  assert.equal([f[0x10], f[0x11], f[0x12]], [1, 0, 1]);
  p.set(0, FILTER, filter(0x200, 2, KVM_PMU_EVENT_ALLOW));
  assert.equal([f[0x1ff], f[0x200], f[0x201], f[0x202]], [0, 1, 1, 0]);
});

test('FILTER: a first DENY allows everything else', () => {
  const p = setup(1);
  p.set(0, FILTER, filter(0x11, 1, KVM_PMU_EVENT_DENY));
  const f = p.vm.pmuFilter!;
  assert.equal([f[0x10], f[0x11], f[0x12], f[1023]], [1, 0, 1, 1]);
});

test('FILTER: pad bytes are not checked; nevents 0 is accepted and still sets the default', () => {
  const p = setup(1);
  const b = filter(0, 0, KVM_PMU_EVENT_ALLOW);
  b[5] = 0xff;
  p.set(0, FILTER, b);
  assert.ok(p.vm.pmuFilter!.every((x) => x === 0));
});

test('pmuEventAllowed: no filter allows all; SW_INCR and CHAIN are never filtered; cycles = 0x11', () => {
  const p = setup(1);
  assert.ok(pmuEventAllowed(p.vm, 0x08));
  p.set(0, FILTER, filter(0x08, 1, KVM_PMU_EVENT_ALLOW));
  assert.ok(pmuEventAllowed(p.vm, 0x08));
  assert.not.ok(pmuEventAllowed(p.vm, ARMV8_PMUV3_PERFCTR_CPU_CYCLES));
  assert.ok(pmuEventAllowed(p.vm, ARMV8_PMUV3_PERFCTR_SW_INCR));
  assert.ok(pmuEventAllowed(p.vm, ARMV8_PMUV3_PERFCTR_CHAIN));
  p.set(0, FILTER, filter(0, 0x20, KVM_PMU_EVENT_DENY));
  assert.ok(pmuEventAllowed(p.vm, ARMV8_PMUV3_PERFCTR_SW_INCR));
  assert.ok(pmuEventAllowed(p.vm, ARMV8_PMUV3_PERFCTR_CHAIN));
  assert.not.ok(pmuEventAllowed(p.vm, 0x08));
});

// --- SET_PMU, SET_NR_COUNTERS ---------------------------------------------------------------

test('SET_PMU: EFAULT for a short value, else ENODEV (no host PMUs)', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, SET_PMU, new Uint8Array(3)), 'EFAULT');
  throwsErrno(() => p.set(0, SET_PMU, int(8)), 'ENODEV');
});

test('SET_NR_COUNTERS: EFAULT for a short value, else EINVAL (no PMU selected)', () => {
  const p = setup(1);
  throwsErrno(() => p.set(0, SET_NR, new Uint8Array(3)), 'EFAULT');
  throwsErrno(() => p.set(0, SET_NR, int(0)), 'EINVAL');
});

test.run();
