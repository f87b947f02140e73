// GICv3 DIST_REGS (spec §10.4): vCPU 0, EBUSY before init except GICD_IIDR/GICD_TYPER2, the
// writable-ID rules, GICD_CTLR/TYPER/IIDR values, per-IRQ registers and GICD_IROUTER.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KVM_DEV_ARM_VGIC_CTRL_INIT, KVM_DEV_ARM_VGIC_GRP } from '../../../../vmcore/kvm-constants';
import type { Vgic } from '../../../../devices/vgic/vgic';
import {
  GICD_CTLR,
  GICD_ICFGR,
  GICD_ICPENDR,
  GICD_IDREGS,
  GICD_IGROUPR,
  GICD_IGRPMODR,
  GICD_IIDR,
  GICD_IPRIORITYR,
  GICD_IROUTER,
  GICD_ISENABLER,
  GICD_ISPENDR,
  GICD_ITARGETSR,
  GICD_PIDR2,
  GICD_STATUSR,
  GICD_TYPER,
  GICD_TYPER2,
  GICD_TYPER2_nASSGIcap,
} from '../../../../devices/vgic/vgic-v3-dist';
import { asU32, makeGic, regAttr, throwsErrno, u32 } from './fake-vgic-host';

const DIST = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
const CTRL = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_CTRL;
const NR_IRQS = KVM_DEV_ARM_VGIC_GRP.KVM_DEV_ARM_VGIC_GRP_NR_IRQS;
const init = (gic: Vgic) => gic.setAttr(CTRL, BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT), new Uint8Array(0));
const get = (gic: Vgic, off: number) => asU32(gic.getAttr(DIST, BigInt(off)));
const set = (gic: Vgic, off: number, v: number) => gic.setAttr(DIST, BigInt(off), u32(v));

test('DIST_REGS needs vCPU 0 (EINVAL, HAS too); the MPIDR field is ignored', () => {
  const { host, gic } = makeGic('v3');
  throwsErrno(() => gic.hasAttr(DIST, BigInt(GICD_CTLR)), 'EINVAL');
  throwsErrno(() => get(gic, GICD_IIDR), 'EINVAL');
  host.addVcpu(4);
  init(gic);
  assert.is(asU32(gic.getAttr(DIST, regAttr(0x77, GICD_CTLR))), 0x50, 'any MPIDR: vCPU index 0 is used');
});

test('before CTRL_INIT: EBUSY for everything but GICD_IIDR and GICD_TYPER2; EBUSY while running', () => {
  const { host, gic } = makeGic('v3', [0]);
  throwsErrno(() => get(gic, GICD_CTLR), 'EBUSY');
  throwsErrno(() => set(gic, GICD_CTLR, 2), 'EBUSY');
  throwsErrno(() => get(gic, GICD_TYPER), 'EBUSY');
  throwsErrno(() => get(gic, 0x4000), 'EBUSY', 'EBUSY precedes ENXIO');
  assert.is(get(gic, GICD_IIDR), 0x4b00343b);
  assert.is(get(gic, GICD_TYPER2), 0);
  host.running = true;
  throwsErrno(() => get(gic, GICD_IIDR), 'EBUSY', 'a running vCPU blocks even the pre-init registers');
  throwsErrno(() => gic.setAttr(DIST, BigInt(GICD_CTLR), new Uint8Array(1)), 'EFAULT', 'EFAULT before EBUSY');
  host.running = false;
  gic.hasAttr(DIST, BigInt(GICD_CTLR)); // HAS needs no init
});

test('GICD_IIDR: revision 2 or 3 before and after init; anything else EINVAL', () => {
  const { gic } = makeGic('v3', [0]);
  set(gic, GICD_IIDR, 0x4b00243b);
  assert.is(get(gic, GICD_IIDR), 0x4b00243b);
  throwsErrno(() => set(gic, GICD_IIDR, 0x4b00243c), 'EINVAL', 'implementer');
  throwsErrno(() => set(gic, GICD_IIDR, 0x4b00043b), 'EINVAL', 'revision 0');
  throwsErrno(() => set(gic, GICD_IIDR, 0x4b00f43b), 'EINVAL', 'revision 15');
  init(gic);
  set(gic, GICD_IIDR, 0x4b00343b);
  assert.is(get(gic, GICD_IIDR), 0x4b00343b);
});

test('test_v3_nassgicap: GICD_TYPER2 same value OK, nASSGIcap EINVAL, other bits EINVAL, change after init EBUSY', () => {
  const { gic } = makeGic('v3', [0, 1, 2, 3]);
  const typer2 = get(gic, GICD_TYPER2);
  assert.is(typer2 & GICD_TYPER2_nASSGIcap, 0, 'no direct vSGIs');
  throwsErrno(() => set(gic, GICD_TYPER2, typer2 | GICD_TYPER2_nASSGIcap), 'EINVAL');
  throwsErrno(() => set(gic, GICD_TYPER2, typer2 | 1), 'EINVAL', 'a field outside nASSGIcap');
  set(gic, GICD_TYPER2, typer2 & ~GICD_TYPER2_nASSGIcap);
  init(gic);
  set(gic, GICD_TYPER2, typer2);
  throwsErrno(() => set(gic, GICD_TYPER2, typer2 ^ GICD_TYPER2_nASSGIcap), 'EBUSY');
  throwsErrno(() => set(gic, GICD_TYPER2, 0x1), 'EBUSY', 'EBUSY before EINVAL once initialised');
});

test('GICD_CTLR reads ARE_NS and DS; only EnableGrp1 is writable. GICD_TYPER: ITLinesNumber, IDbits 9', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  assert.is(get(gic, GICD_CTLR), 0x50);
  set(gic, GICD_CTLR, 0xffffffff);
  assert.is(get(gic, GICD_CTLR), 0x52);
  set(gic, GICD_CTLR, 0);
  assert.is(get(gic, GICD_CTLR), 0x50);
  assert.is(get(gic, GICD_TYPER), 7 | (9 << 19));
  assert.is(get(gic, GICD_STATUSR), 0xffffffff, 'vgic_mmio_read_rao');
  assert.is(get(gic, GICD_PIDR2), 0x3b);
  assert.is(get(gic, GICD_IDREGS), 0);
});

test('per-IRQ registers: the private part is RAZ/WI, SPIs are implemented up to nr_irqs', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  assert.is(get(gic, GICD_ISENABLER), 0, 'SGIs live in the redistributor');
  set(gic, GICD_ISENABLER, 0xffffffff);
  assert.is(get(gic, GICD_ISENABLER), 0);
  assert.is(get(gic, GICD_IGROUPR + 4), 0xffffffff, 'GICv3 SPIs start in group 1');
  set(gic, GICD_ISENABLER + 4, 0x11);
  assert.is(get(gic, GICD_ISENABLER + 4), 0x11);
  set(gic, GICD_ISPENDR + 4, 0x3);
  assert.is(get(gic, GICD_ISPENDR + 4), 0x3, 'userspace writes the latch');
  set(gic, GICD_ISPENDR + 4, 0x2);
  assert.is(get(gic, GICD_ISPENDR + 4), 0x2, 'userspace ISPENDR stores every bit');
  assert.is(get(gic, GICD_ICPENDR + 4), 0, 'userspace ICPENDR reads as zero');
  set(gic, GICD_ICPENDR + 4, 0x2);
  assert.is(get(gic, GICD_ISPENDR + 4), 0x2, 'and ignores writes');
  set(gic, GICD_IPRIORITYR + 32, 0x01020304);
  assert.is(get(gic, GICD_IPRIORITYR + 32), 0, 'low 3 bits dropped');
  set(gic, GICD_ITARGETSR + 32, 0x01010101);
  assert.is(get(gic, GICD_ITARGETSR + 32), 0, 'ITARGETSR is RAZ/WI with affinity routing');
  set(gic, GICD_IGRPMODR + 4, 0xffffffff);
  assert.is(get(gic, GICD_IGRPMODR + 4), 0);
  set(gic, GICD_ICFGR + 8, 0xffffffff);
  assert.is(get(gic, GICD_ICFGR + 8), 0xaaaaaaaa);
  throwsErrno(() => get(gic, GICD_ISENABLER + 32), 'ENXIO', 'INTIDs 256+ do not exist');
});

test('HAS: per-IRQ offsets depend on nr_irqs (32 before init unless NR_IRQS set)', () => {
  const { gic } = makeGic('v3', [0]);
  throwsErrno(() => gic.hasAttr(DIST, BigInt(GICD_ISENABLER + 4)), 'ENXIO');
  gic.setAttr(NR_IRQS, 0n, u32(64));
  gic.hasAttr(DIST, BigInt(GICD_ISENABLER + 4));
  throwsErrno(() => gic.hasAttr(DIST, BigInt(GICD_ISENABLER + 8)), 'ENXIO');
  throwsErrno(() => gic.hasAttr(DIST, BigInt(GICD_CTLR + 1)), 'ENXIO');
  throwsErrno(() => gic.hasAttr(DIST, 0x10000n), 'ENXIO', 'beyond the 64 KiB frame');
  for (const off of [GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_TYPER2, GICD_STATUSR, GICD_IROUTER + 32 * 8, GICD_IROUTER + 32 * 8 + 4, GICD_PIDR2]) gic.hasAttr(DIST, BigInt(off));
  throwsErrno(() => gic.hasAttr(DIST, BigInt(GICD_IROUTER + 64 * 8)), 'ENXIO');
});

test('GICD_IROUTER keeps Aff2.Aff1.Aff0 in the low word; the high word is RAZ/WI', () => {
  const { gic } = makeGic('v3', [0]);
  init(gic);
  const r40 = GICD_IROUTER + 40 * 8;
  set(gic, r40, 0xffffffff);
  assert.is(get(gic, r40), 0xffffff);
  set(gic, r40 + 4, 0xff);
  assert.is(get(gic, r40 + 4), 0);
  assert.is(get(gic, GICD_IROUTER), 0, 'private INTIDs: RAZ');
});

test.run();
