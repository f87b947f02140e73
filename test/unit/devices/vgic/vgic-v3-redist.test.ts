// GICv3 REDIST_REGS (spec §10.4, §10.12): the RD_base and SGI_base frames of one vCPU.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP } from '../../../../vmcore/kvm-constants';
import type { Vgic } from '../../../../devices/vgic/vgic';
import { GICD_IIDR } from '../../../../devices/vgic/vgic-v3-dist';
import {
  GICR_CTLR,
  GICR_ICFGR0,
  GICR_ICPENDR0,
  GICR_IDREGS,
  GICR_IGROUPR0,
  GICR_IIDR,
  GICR_IPRIORITYR0,
  GICR_ISACTIVER0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_NSACR,
  GICR_PENDBASER,
  GICR_PROPBASER,
  GICR_TYPER,
  GICR_WAKER,
} from '../../../../devices/vgic/vgic-v3-redist';
import { asU32, makeGic, regAttr, throwsErrno, u32 } from './fake-vgic-host';

const REDIST = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
const DIST = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
const CTRL = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CTRL;
const init = (gic: Vgic) => gic.setAttr(CTRL, BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT), new Uint8Array(0));
const get = (gic: Vgic, off: number, vcpu = 0) => asU32(gic.getAttr(REDIST, regAttr(vcpu, off)));
const set = (gic: Vgic, off: number, v: number, vcpu = 0) => gic.setAttr(REDIST, regAttr(vcpu, off), u32(v));

test('REDIST_REGS error order: EINVAL (MPIDR), EFAULT, EBUSY (running), EBUSY (init), ENXIO', () => {
  const { host, gic } = makeGic('v3', [0]);
  throwsErrno(() => gic.hasAttr(REDIST, regAttr(1, GICR_CTLR)), 'EINVAL');
  throwsErrno(() => gic.setAttr(REDIST, regAttr(1, GICR_CTLR), new Uint8Array(0)), 'EINVAL');
  throwsErrno(() => gic.setAttr(REDIST, regAttr(0, GICR_CTLR), new Uint8Array(0)), 'EFAULT');
  host.running = true;
  throwsErrno(() => get(gic, GICR_CTLR), 'EBUSY');
  host.running = false;
  throwsErrno(() => get(gic, GICR_CTLR), 'EBUSY', 'not initialised');
  init(gic);
  throwsErrno(() => get(gic, 0x0030), 'ENXIO');
  throwsErrno(() => get(gic, GICR_TYPER + 2), 'ENXIO');
  throwsErrno(() => get(gic, 0x20000), 'ENXIO', 'beyond the 128 KiB redistributor');
});

test('HAS: RD_base and SGI_base registers, including the GICR_TYPER high word', () => {
  const { gic } = makeGic('v3', [0]);
  for (const off of [GICR_CTLR, GICR_IIDR, GICR_TYPER, GICR_TYPER + 4, GICR_WAKER, GICR_PROPBASER, GICR_PENDBASER + 4, GICR_IDREGS, GICR_IGROUPR0, GICR_ISENABLER0, GICR_IPRIORITYR0 + 28, GICR_ICFGR0 + 4, GICR_NSACR]) {
    gic.hasAttr(REDIST, regAttr(0, off));
  }
  for (const off of [0x0018, GICR_IPRIORITYR0 + 32, GICR_ICFGR0 + 8, 0x10000, 0xfffc + 0x10000]) throwsErrno(() => gic.hasAttr(REDIST, regAttr(0, off)), 'ENXIO', `offset ${off}`);
});

test('GICR_CTLR advertises IR and CES at revision 3 only; GICR_IIDR; writes to IDs ignored', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  assert.is(get(gic, GICR_CTLR), 0x6);
  set(gic, GICR_CTLR, 1);
  assert.is(get(gic, GICR_CTLR), 0x6, 'EnableLPIs stays 0 without an ITS');
  gic.setAttr(DIST, BigInt(GICD_IIDR), u32(0x4b00243b));
  assert.is(get(gic, GICR_CTLR), 0);
  assert.is(get(gic, GICR_IIDR), 0x4b00043b);
  set(gic, GICR_TYPER, 0xffffffff);
  assert.is(get(gic, GICR_TYPER), 0, 'GICR_TYPER is read-only (vCPU 0, no redistributor: Last 0)');
  assert.is(get(gic, GICR_IDREGS + 0x18), 0x3b, 'GICR_PIDR2');
});

test('SGI_base: SGIs enabled and edge, PPIs level, all group 1; per vCPU', () => {
  const { gic } = makeGic('v3', [0, 1]);
  init(gic);
  assert.is(get(gic, GICR_ISENABLER0), 0x0000ffff);
  assert.is(get(gic, GICR_IGROUPR0), 0xffffffff);
  assert.is(get(gic, GICR_ICFGR0), 0xaaaaaaaa);
  assert.is(get(gic, GICR_ICFGR0 + 4), 0);
  set(gic, GICR_ICFGR0 + 4, 0xffffffff);
  assert.is(get(gic, GICR_ICFGR0 + 4), 0, 'PPI configuration is read-only');
  set(gic, GICR_ISENABLER0, 1 << 27, 1);
  assert.is(get(gic, GICR_ISENABLER0, 1), 0x0800ffff);
  assert.is(get(gic, GICR_ISENABLER0, 0), 0x0000ffff);
  set(gic, GICR_IPRIORITYR0 + 24, 0xa0a0a0a0, 1);
  assert.is(get(gic, GICR_IPRIORITYR0 + 24, 1), 0xa0a0a0a0);
  assert.is(get(gic, GICR_IPRIORITYR0 + 24, 0), 0);
  set(gic, GICR_ISACTIVER0, 1 << 30);
  assert.is(get(gic, GICR_ISACTIVER0), 1 << 30);
});

test('SGI_base pending: userspace ISPENDR0 writes the latch bit for bit; ICPENDR0 is RAZ/WI', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  set(gic, GICR_ISPENDR0, 0x00010001);
  assert.is(get(gic, GICR_ISPENDR0), 0x00010001);
  set(gic, GICR_ISPENDR0, 0x1);
  assert.is(get(gic, GICR_ISPENDR0), 0x1);
  assert.is(get(gic, GICR_ICPENDR0), 0);
  set(gic, GICR_ICPENDR0, 0xffffffff);
  assert.is(get(gic, GICR_ISPENDR0), 0x1);
});

test('GICR_PROPBASER / GICR_PENDBASER: sanitised shareability and cacheability, RES0 bits, PTZ reads 0', () => {
  const { gic } = makeGic('v3', [0, 1]);
  init(gic);
  // OuterShareable (2) -> InnerShareable (1); inner nC (1) -> RaWb (3); IDbits 0x1f; bit 5 RES0.
  set(gic, GICR_PROPBASER, 0x12345000 | (2 << 10) | (1 << 7) | (1 << 5) | 0x1f);
  assert.is(get(gic, GICR_PROPBASER), (0x12345000 | (1 << 10) | (3 << 7) | 0x1f) >>> 0);
  // Outer cacheability 5 -> SameAsInner (0); bits 63:59 RES0.
  set(gic, GICR_PROPBASER + 4, 0xf5000012);
  assert.is(get(gic, GICR_PROPBASER + 4), 0x00000012);
  assert.is(get(gic, GICR_PROPBASER + 4, 1), 0x12, 'one PROPBASER per VM');
  set(gic, GICR_PENDBASER, 0x12345fff);
  assert.is(get(gic, GICR_PENDBASER), (0x12340000 | (3 << 10) | (7 << 7)) >>> 0);
  set(gic, GICR_PENDBASER + 4, 0x41000003); // PTZ + outer nC (kept)
  assert.is(get(gic, GICR_PENDBASER + 4), 0x01000003);
  assert.is(get(gic, GICR_PENDBASER, 1), 0, 'PENDBASER is per redistributor');
});

test.run();
