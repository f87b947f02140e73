// GICv2 CPU_REGS (spec §10.3) and the guest's view of the CPU interface frame.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_GRP, KVM_VGIC_V2_ADDR_TYPE_CPU, KVM_VGIC_V2_ADDR_TYPE_DIST } from '../../../../vmcore/kvm-constants';
import type { Vgic } from '../../../../devices/vgic/vgic';
import { GICC_ABPR, GICC_APR, GICC_BPR, GICC_CTLR, GICC_DIR, GICC_EOIR, GICC_HPPIR, GICC_IAR, GICC_IIDR, GICC_PMR, GICC_RPR } from '../../../../devices/vgic/vgic-v2-cpu';
import { asU32, makeGic, regAttr, throwsErrno, u32, u64 } from './fake-vgic-host';

const CPU = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CPU_REGS;
const ADDR = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_ADDR;
const get = (gic: Vgic, off: number, vcpu = 0) => asU32(gic.getAttr(CPU, regAttr(vcpu, off)));
const set = (gic: Vgic, off: number, v: number, vcpu = 0) => gic.setAttr(CPU, regAttr(vcpu, off), u32(v));

test('test_v2_uaccess_cpuif_no_vcpus: HAS, GET and SET of CPU_REGS with no vCPU are EINVAL', () => {
  const { gic } = makeGic('v2');
  throwsErrno(() => gic.hasAttr(CPU, regAttr(0, GICC_CTLR)), 'EINVAL');
  throwsErrno(() => gic.getAttr(CPU, regAttr(0, GICC_CTLR), u64(0n)), 'EINVAL');
  throwsErrno(() => gic.setAttr(CPU, regAttr(0, GICC_CTLR), u64(0n)), 'EINVAL');
});

test('HAS: the six userspace registers; the acknowledge registers are guest-only (ENXIO)', () => {
  const { gic } = makeGic('v2', [0]);
  for (const off of [GICC_CTLR, GICC_PMR, GICC_BPR, GICC_ABPR, GICC_APR, GICC_APR + 12, GICC_IIDR]) gic.hasAttr(CPU, regAttr(0, off));
  for (const off of [GICC_IAR, GICC_EOIR, GICC_RPR, GICC_HPPIR, GICC_DIR, 0x40, GICC_CTLR + 1]) throwsErrno(() => gic.hasAttr(CPU, regAttr(0, off)), 'ENXIO', `offset ${off}`);
  throwsErrno(() => get(gic, GICC_IAR), 'ENXIO');
  throwsErrno(() => gic.hasAttr(CPU, regAttr(1, GICC_CTLR)), 'EINVAL');
});

test('GICC_CTLR keeps EnableGrp0/1, AckCtl, FIQEn, CBPR, EOImodeNS', () => {
  const { gic } = makeGic('v2', [0, 1]);
  set(gic, GICC_CTLR, 0xffffffff);
  assert.is(get(gic, GICC_CTLR), 0x21f);
  assert.is(get(gic, GICC_CTLR, 1), 0, 'per vCPU');
});

test('GICC_PMR: userspace sees the 5-bit VMPriMask, the guest the 8-bit priority', () => {
  const { host, gic } = makeGic('v2', [0]);
  set(gic, GICC_PMR, 0xff);
  assert.is(get(gic, GICC_PMR), 0x1f);
  set(gic, GICC_PMR, 0x12);
  assert.is(get(gic, GICC_PMR), 0x12);
  gic.setAttr(ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST), u64(0x8000000n));
  gic.setAttr(ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU), u64(0x8010000n));
  gic.mapResources();
  const v = host.vcpu(0);
  assert.is(gic.mmioRead(0x8010000 + GICC_PMR, 4, v), 0x90);
  gic.mmioWrite(0x8010000 + GICC_PMR, 4, 0xf7, v);
  assert.is(get(gic, GICC_PMR), 0x1e);
});

test('GICC_BPR / GICC_ABPR keep 3 bits; GICC_APRn: only APR0 with 5 priority bits', () => {
  const { gic } = makeGic('v2', [0]);
  set(gic, GICC_BPR, 0xf);
  set(gic, GICC_ABPR, 0xa);
  assert.is(get(gic, GICC_BPR), 7);
  assert.is(get(gic, GICC_ABPR), 2);
  set(gic, GICC_APR, 0x80000001);
  set(gic, GICC_APR + 4, 0x1234);
  assert.is(get(gic, GICC_APR), 0x80000001);
  assert.is(get(gic, GICC_APR + 4), 0, 'APR1..3 are RAZ/WI');
});

test('GICC_IIDR identifies a KVM GICv2 CPU interface and ignores writes', () => {
  const { gic } = makeGic('v2', [0]);
  assert.is(get(gic, GICC_IIDR), 0x04b2043b);
  set(gic, GICC_IIDR, 0);
  assert.is(get(gic, GICC_IIDR), 0x04b2043b);
});

test('guest-only acknowledge registers with nothing pending: IAR and HPPIR read 1023, RPR idle, EOI and DIR change nothing', () => {
  const { host, gic } = makeGic('v2', [0]);
  gic.setAttr(ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST), u64(0x8000000n));
  gic.setAttr(ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU), u64(0x8010000n));
  gic.mapResources();
  const v = host.vcpu(0);
  assert.is(gic.mmioRead(0x8010000 + GICC_IAR, 4, v), 1023);
  assert.is(gic.mmioRead(0x8010000 + GICC_HPPIR, 4, v), 1023);
  assert.is(gic.mmioRead(0x8010000 + GICC_RPR, 4, v), 0xff);
  assert.ok(gic.mmioWrite(0x8010000 + GICC_EOIR, 4, 27, v));
  assert.ok(gic.mmioWrite(0x8010000 + GICC_DIR, 4, 27, v));
});

test.run();
