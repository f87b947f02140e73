// Guest MMIO through the register tables: frames claimed per state, access widths, banking,
// RAZ/WI and counting of unclaimed accesses, 64-bit registers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP, KVM_VGIC_V2_ADDR_TYPE_CPU, KVM_VGIC_V2_ADDR_TYPE_DIST } from '../../../../vmcore/kvm-constants';
import type { Vgic } from '../../../../devices/vgic/vgic';
import { VGIC_V2_DIST, GICD_ITARGETSR, GICD_ISENABLER, GICD_IPRIORITYR, GICD_IIDR as V2_GICD_IIDR } from '../../../../devices/vgic/vgic-v2-dist';
import { VGIC_V3_DIST, GICD_CTLR, GICD_IIDR, GICD_IROUTER } from '../../../../devices/vgic/vgic-v3-dist';
import { VGIC_V3_REDIST, GICR_ISENABLER0, GICR_PROPBASER, GICR_TYPER } from '../../../../devices/vgic/vgic-v3-redist';
import { vgicAddrToIntid } from '../../../../devices/vgic/vgic-register-frame';
import { asU32, makeGic, redistRegion, regAttr, u64 } from './fake-vgic-host';

const G = KVM_DEV_ARM_VGIC_GRP;
const init = (gic: Vgic) => gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_CTRL, BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT), new Uint8Array(0));
const DIST = 0x8000000;
const CPUIF = 0x8010000;
const RD = 0x80a0000;

function v2Ready(ids = [0, 1]) {
  const r = makeGic('v2', ids);
  r.gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST), u64(BigInt(DIST)));
  r.gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU), u64(BigInt(CPUIF)));
  r.gic.mapResources();
  return r;
}

function v3Ready(ids = [0, 1]) {
  const r = makeGic('v3', ids);
  r.gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 2n, u64(BigInt(DIST)));
  r.gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 5n, u64(redistRegion(ids.length, BigInt(RD), 0, 0)));
  init(r.gic);
  r.gic.mapResources();
  return r;
}

test('VGIC_ADDR_TO_INTID for each width', () => {
  assert.is(vgicAddrToIntid(0x104, 1), 32);
  assert.is(vgicAddrToIntid(0x10104, 1), 32, 'the SGI_base frame offset is masked off');
  assert.is(vgicAddrToIntid(0x420, 8), 32);
  assert.is(vgicAddrToIntid(0xc08, 2), 32);
  assert.is(vgicAddrToIntid(0x6100, 64), 32);
  assert.is(VGIC_V2_DIST.size, 0x1000);
  assert.is(VGIC_V3_DIST.size, 0x10000);
  assert.is(VGIC_V3_REDIST.size, 0x20000);
});

test('v2: frames are claimed only once ready; outside them mmio returns undefined / false', () => {
  const { host, gic } = makeGic('v2', [0]);
  const v = host.vcpu(0);
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 0n, u64(BigInt(DIST)));
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 1n, u64(BigInt(CPUIF)));
  assert.is(gic.mmioRead(DIST + V2_GICD_IIDR, 4, v), undefined);
  gic.mapResources();
  assert.is(gic.mmioRead(DIST + V2_GICD_IIDR, 4, v), 0x4b00343b);
  assert.is(gic.mmioRead(DIST + 0x1000, 4, v), undefined, 'one past the 4 KiB distributor');
  assert.is(gic.mmioRead(CPUIF + 0x1ffc, 4, v), 0, 'inside the 8 KiB CPU interface: RAZ');
  assert.is(gic.mmioRead(CPUIF + 0x2000, 4, v), undefined);
  assert.is(gic.mmioWrite(0x100, 4, 0, v), false);
});

test('v2: guest writes reach the state userspace reads; private INTIDs banked per accessing vCPU', () => {
  const { host, gic } = v2Ready();
  const [v0, v1] = [host.vcpu(0), host.vcpu(1)];
  assert.ok(gic.mmioWrite(DIST + GICD_ISENABLER + 4, 4, 0x8, v0));
  assert.is(asU32(gic.getAttr(G.KVM_DEV_ARM_VGIC_GRP_DIST_REGS, regAttr(1, GICD_ISENABLER + 4))), 0x8);
  assert.is(gic.mmioRead(DIST + GICD_ITARGETSR, 4, v1), 0x02020202);
  assert.is(gic.mmioRead(DIST + GICD_ITARGETSR, 4, v0), 0x01010101);
  assert.is(gic.mmioRead(DIST + GICD_ITARGETSR + 1, 1, v1), 0x02, 'byte access to a byte-wide register');
  gic.mmioWrite(DIST + GICD_IPRIORITYR + 33, 1, 0xff, v0);
  assert.is(gic.mmioRead(DIST + GICD_IPRIORITYR + 32, 4, v0), 0xf800);
});

test('accesses no register accepts are RAZ/WI and counted', () => {
  const { host, gic } = v2Ready();
  const v = host.vcpu(0);
  assert.is(gic.unhandledMmio, 0);
  assert.is(gic.mmioRead(DIST + 0xe00, 4, v), 0, 'no register');
  assert.is(gic.mmioRead(DIST + GICD_ISENABLER, 2, v), 0, 'halfword');
  assert.is(gic.mmioRead(DIST + GICD_ISENABLER + 1, 1, v), 0, 'byte access to a word register');
  assert.is(gic.mmioRead(DIST + GICD_ISENABLER + 32, 4, v), 0, 'INTID 256+');
  assert.ok(gic.mmioWrite(DIST + GICD_ISENABLER, 2, 0xffff, v), 'claimed, ignored');
  assert.is(gic.unhandledMmio, 5);
  assert.is(gic.describe().unhandled_mmio, '5');
  assert.is(gic.mmioRead(DIST + GICD_ISENABLER, 4, v), 0xffff, 'the halfword write changed nothing');
});

test('v3: redistributors are claimed once assigned, the distributor once ready; the owner is banked', () => {
  const { host, gic } = makeGic('v3', [0, 1]);
  const [v0, v1] = [host.vcpu(0), host.vcpu(1)];
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 5n, u64(redistRegion(2, BigInt(RD), 0, 0)));
  gic.setAttr(G.KVM_DEV_ARM_VGIC_GRP_ADDR, 2n, u64(BigInt(DIST)));
  assert.is(gic.mmioRead(DIST + GICD_IIDR, 4, v0), undefined, 'distributor not mapped before the first run');
  assert.is(gic.mmioRead(RD + 0x20000 + GICR_TYPER, 4, v0), 0x110, 'vCPU 1 redistributor, read by vCPU 0');
  assert.is(gic.mmioRead(RD + 0x40000, 4, v0), undefined, 'past the allocated slots');
  init(gic);
  gic.mapResources();
  assert.is(gic.mmioRead(DIST + GICD_CTLR, 4, v0), 0x50);
  gic.mmioWrite(RD + 0x20000 + GICR_ISENABLER0, 4, 1 << 27, v0);
  assert.is(asU32(gic.getAttr(G.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, regAttr(1, GICR_ISENABLER0))), 0x0800ffff);
  assert.is(gic.mmioRead(RD + GICR_ISENABLER0, 4, v1), 0x0000ffff);
});

test('v3: 64-bit registers through mmioRead64/mmioWrite64 and 8-byte mmioRead/mmioWrite', () => {
  const { host, gic } = v3Ready([0, 17]);
  const v = host.vcpu(0);
  assert.equal(gic.mmioRead64(RD + 0x20000 + GICR_TYPER, v), [0x1110, 0x0101], 'vCPU 17: Last, affinity 1.1');
  assert.is(gic.mmioRead(RD + 0x20000 + GICR_TYPER, 8, v), 0x0101 * 0x100000000 + 0x1110);
  assert.ok(gic.mmioWrite64(RD + GICR_PROPBASER, 0x10000f, 0x7, v));
  assert.equal(gic.mmioRead64(RD + 0x20000 + GICR_PROPBASER, v), [(0x10000f | (3 << 7)) >>> 0, 0x7]);
  gic.mmioWrite(DIST + GICD_IROUTER + 40 * 8, 8, 0x1_0000_0102, v);
  assert.equal(gic.mmioRead64(DIST + GICD_IROUTER + 40 * 8, v), [0x102, 0], 'Aff3 (upper word) is RAZ/WI');
  assert.equal(gic.mmioRead64(DIST + GICD_CTLR, v), [0, 0], 'a 64-bit access to a 32-bit register is RAZ');
  assert.is(gic.unhandledMmio, 1);
  assert.is(gic.mmioRead64(0x100, v), undefined);
});

test.run();
