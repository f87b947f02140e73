// GICv2 DIST_REGS (spec §10.3): attribute encoding, error order, lazy init, register behaviour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_GRP } from '../../../../vmcore/kvm-constants';
import type { Vgic } from '../../../../devices/vgic/vgic';
import {
  GICD_CPENDSGIR,
  GICD_CTLR,
  GICD_ICENABLER,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IGROUPR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_ISACTIVER,
  GICD_ICACTIVER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_SGIR,
  GICD_SPENDSGIR,
  GICD_TYPER,
} from '../../../../devices/vgic/vgic-v2-dist';
import { asU32, makeGic, regAttr, throwsErrno, u32 } from './fake-vgic-host';

const DIST = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
const get = (gic: Vgic, off: number, vcpu = 0) => asU32(gic.getAttr(DIST, regAttr(vcpu, off)));
const set = (gic: Vgic, off: number, v: number, vcpu = 0) => gic.setAttr(DIST, regAttr(vcpu, off), u32(v));

test('the vCPU id (bits 39:32) is checked first: EINVAL even for HAS, before EFAULT and EBUSY', () => {
  const { host, gic } = makeGic('v2');
  throwsErrno(() => gic.hasAttr(DIST, regAttr(0, GICD_CTLR)), 'EINVAL');
  throwsErrno(() => gic.getAttr(DIST, regAttr(0, GICD_CTLR)), 'EINVAL');
  host.addVcpu(0);
  host.running = true;
  throwsErrno(() => gic.setAttr(DIST, regAttr(1, GICD_CTLR), new Uint8Array(0)), 'EINVAL');
  throwsErrno(() => gic.setAttr(DIST, regAttr(0, GICD_CTLR), new Uint8Array(2)), 'EFAULT', 'EFAULT before EBUSY');
  throwsErrno(() => set(gic, GICD_CTLR, 1), 'EBUSY');
  throwsErrno(() => get(gic, GICD_CTLR), 'EBUSY');
  assert.not.ok(gic.initialized, 'EBUSY happens before the lazy init');
  gic.hasAttr(DIST, regAttr(0, GICD_CTLR)); // HAS takes no vCPU lock
});

test('GET and SET initialise the GICv2; HAS does not', () => {
  const { gic } = makeGic('v2', [0]);
  gic.hasAttr(DIST, regAttr(0, GICD_CTLR));
  assert.not.ok(gic.initialized);
  get(gic, GICD_CTLR);
  assert.ok(gic.initialized);
  const { gic: g2 } = makeGic('v2', [0]);
  set(g2, GICD_CTLR, 1);
  assert.ok(g2.initialized);
  assert.is(get(g2, GICD_CTLR), 1);
});

test('ENXIO for an unknown or unaligned offset; the access still initialised the VGIC (kernel order)', () => {
  const { gic } = makeGic('v2', [0]);
  throwsErrno(() => get(gic, 0x00c), 'ENXIO', 'no GICD register at 0xC');
  assert.ok(gic.initialized);
  throwsErrno(() => get(gic, 0x102), 'ENXIO', 'unaligned');
  throwsErrno(() => set(gic, 0xffc, 0), 'ENXIO');
  throwsErrno(() => get(gic, 0x1000), 'ENXIO', 'beyond the 4 KiB frame');
  throwsErrno(() => get(gic, 0xffffffff), 'ENXIO');
});

test('HAS: per-IRQ registers exist only up to nr_irqs (32 before init, 256 after)', () => {
  const { gic } = makeGic('v2', [0]);
  gic.hasAttr(DIST, regAttr(0, GICD_ISENABLER));
  throwsErrno(() => gic.hasAttr(DIST, regAttr(0, GICD_ISENABLER + 4)), 'ENXIO');
  throwsErrno(() => gic.hasAttr(DIST, regAttr(0, GICD_CTLR + 2)), 'ENXIO', 'only aligned 32-bit offsets');
  get(gic, GICD_CTLR);
  gic.hasAttr(DIST, regAttr(0, GICD_ISENABLER + 4));
  gic.hasAttr(DIST, regAttr(0, GICD_ISENABLER + 28));
  throwsErrno(() => gic.hasAttr(DIST, regAttr(0, GICD_ISENABLER + 32)), 'ENXIO', 'INTIDs 256+ do not exist');
  for (const off of [GICD_TYPER, GICD_IIDR, GICD_IGROUPR, GICD_IPRIORITYR + 0xfc, GICD_ITARGETSR, GICD_ICFGR + 0x3c, GICD_SGIR, GICD_CPENDSGIR + 12, GICD_SPENDSGIR]) {
    gic.hasAttr(DIST, regAttr(0, off));
  }
});

test('GICD_TYPER and GICD_IIDR; IIDR writes may change only the revision (2 or 3)', () => {
  const { host, gic } = makeGic('v2', [0, 1, 2]);
  assert.is(get(gic, GICD_TYPER), 7 | (2 << 5), 'ITLinesNumber 7 (256 IRQs), CPUNumber 2 (3 vCPUs)');
  assert.is(get(gic, GICD_IIDR), 0x4b00343b);
  set(gic, GICD_TYPER, 0); // ignored
  assert.is(get(gic, GICD_TYPER), 7 | (2 << 5));
  set(gic, GICD_IIDR, 0x4b00343b);
  set(gic, GICD_IIDR, 0x4b00243b);
  assert.is(get(gic, GICD_IIDR), 0x4b00243b);
  throwsErrno(() => set(gic, GICD_IIDR, 0x4b00443b), 'EINVAL', 'revision 4');
  throwsErrno(() => set(gic, GICD_IIDR, 0x4b00143b), 'EINVAL', 'revision 1');
  throwsErrno(() => set(gic, GICD_IIDR, 0x4c00243b), 'EINVAL', 'product id');
  assert.is(get(gic, GICD_IIDR), 0x4b00243b, 'rejected writes changed nothing');
  assert.is(host.list.length, 3);
});

test('enable, pending and active bits: set/clear registers, private INTIDs banked per vCPU', () => {
  const { gic } = makeGic('v2', [0, 1]);
  assert.is(get(gic, GICD_ISENABLER), 0x0000ffff, 'SGIs enabled at reset');
  set(gic, GICD_ISENABLER + 4, 0x80000001);
  assert.is(get(gic, GICD_ICENABLER + 4), 0x80000001);
  set(gic, GICD_ICENABLER + 4, 1);
  assert.is(get(gic, GICD_ISENABLER + 4), 0x80000000);
  set(gic, GICD_ISENABLER, 1 << 27, 1);
  assert.is(get(gic, GICD_ISENABLER, 1), 0x0800ffff);
  assert.is(get(gic, GICD_ISENABLER, 0), 0x0000ffff, 'vCPU 0 has its own PPIs');
  set(gic, GICD_ISPENDR + 4, 0x6);
  assert.is(get(gic, GICD_ICPENDR + 4), 0x6);
  set(gic, GICD_ICPENDR + 4, 0x2);
  assert.is(get(gic, GICD_ISPENDR + 4), 0x4);
  set(gic, GICD_ISACTIVER + 8, 0xf0);
  set(gic, GICD_ICACTIVER + 8, 0x30);
  assert.is(get(gic, GICD_ISACTIVER + 8), 0xc0);
});

test('v2 pending reads are the pending state: a level SPI with its line high reads pending', () => {
  const { gic } = makeGic('v2', [0]);
  gic.irqLine('spi', undefined, 33, true);
  assert.is(get(gic, GICD_ISPENDR + 4), 0x2);
  set(gic, GICD_ICPENDR + 4, 0x2);
  assert.is(get(gic, GICD_ISPENDR + 4), 0x2, 'clearing the latch leaves the line');
  gic.irqLine('spi', undefined, 33, false);
  assert.is(get(gic, GICD_ISPENDR + 4), 0);
});

test('IPRIORITYR keeps 5 priority bits; ICFGR: SGIs edge, PPIs level and read-only, SPIs writable', () => {
  const { gic } = makeGic('v2', [0]);
  set(gic, GICD_IPRIORITYR + 32, 0xffa5_5a0f);
  assert.is(get(gic, GICD_IPRIORITYR + 32), 0xf8a0_5808);
  assert.is(get(gic, GICD_ICFGR), 0xaaaaaaaa);
  assert.is(get(gic, GICD_ICFGR + 4), 0);
  set(gic, GICD_ICFGR + 4, 0xaaaaaaaa);
  assert.is(get(gic, GICD_ICFGR + 4), 0, 'PPI configuration is read-only');
  set(gic, GICD_ICFGR, 0);
  assert.is(get(gic, GICD_ICFGR), 0xaaaaaaaa, 'SGI configuration is read-only');
  set(gic, GICD_ICFGR + 8, 0xffffffff);
  assert.is(get(gic, GICD_ICFGR + 8), 0xaaaaaaaa, 'only bit 2n+1 is kept');
});

test('ITARGETSR: private INTIDs target their own CPU read-only; SPI targets masked to existing CPUs', () => {
  const { gic } = makeGic('v2', [0, 1]);
  assert.is(get(gic, GICD_ITARGETSR, 1), 0x02020202);
  assert.is(get(gic, GICD_ITARGETSR + 28, 0), 0x01010101);
  set(gic, GICD_ITARGETSR, 0, 1);
  assert.is(get(gic, GICD_ITARGETSR, 1), 0x02020202);
  set(gic, GICD_ITARGETSR + 32, 0xff030201);
  assert.is(get(gic, GICD_ITARGETSR + 32), 0x03030201, 'two vCPUs: mask 0x3');
});

test('IGROUPR is writable from revision 2 (the default is 3)', () => {
  const { gic } = makeGic('v2', [0]);
  assert.is(get(gic, GICD_IGROUPR + 4), 0, 'GICv2 interrupts start in group 0');
  set(gic, GICD_IGROUPR + 4, 0xffff0000);
  assert.is(get(gic, GICD_IGROUPR + 4), 0xffff0000);
});

test('GICD_SGIR from userspace raises SGIs with the accessed vCPU as source; [CS]PENDSGIR read and clear', () => {
  const { gic } = makeGic('v2', [0, 1, 2]);
  set(gic, GICD_SGIR, (0b110 << 16) | 5, 0); // SGI 5 to CPUs 1 and 2, from CPU 0
  assert.is(get(gic, GICD_ISPENDR, 1) & 0xffff, 1 << 5);
  assert.is(get(gic, GICD_ISPENDR, 0) & 0xffff, 0);
  assert.is(get(gic, GICD_SPENDSGIR + 4, 2), 0x0100, 'SGI 5 source byte: CPU 0');
  set(gic, GICD_SGIR, (1 << 24) | 3, 2); // all but self, from CPU 2
  assert.is(get(gic, GICD_ISPENDR, 0) & 0xffff, 1 << 3);
  assert.is(get(gic, GICD_ISPENDR, 2) & 0xffff, 1 << 5);
  set(gic, GICD_SGIR, (2 << 24) | 7, 1); // self
  assert.is(get(gic, GICD_SPENDSGIR + 4, 1), 0x02000100, 'SGI 5 from CPU 0, SGI 7 from CPU 1');
  set(gic, GICD_SGIR, (3 << 24) | 9, 1); // reserved filter: nothing
  assert.is(get(gic, GICD_ISPENDR, 1) & (1 << 9), 0);
  set(gic, GICD_CPENDSGIR + 4, 0x0100, 1);
  assert.is(get(gic, GICD_ISPENDR, 1) & 0xffff, (1 << 3) | (1 << 7), 'SGI 5 lost its only source');
  set(gic, GICD_SPENDSGIR, 0x80, 0);
  assert.is(get(gic, GICD_ISPENDR, 0) & 1, 1);
  assert.is(get(gic, GICD_SGIR), 0, 'GICD_SGIR reads as zero');
});

test.run();
