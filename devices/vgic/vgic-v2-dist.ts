/**
 * The GICv2 distributor frame (4 KiB, KVM_VGIC_V2_DIST_SIZE) as KVM emulates it, register names
 * as in Arm IHI 0048B §4.3. Spec §10.3 (DIST_REGS).
 *
 * linux: arch/arm64/kvm/vgic/vgic-mmio-v2.c (vgic_v2_dist_registers, vgic_mmio_read_v2_misc,
 * vgic_mmio_uaccess_write_v2_misc, vgic_mmio_write_sgir, vgic_mmio_*_target, *_sgipend*).
 */
import { KVM_VGIC_V2_DIST_SIZE } from '../../vmcore/kvm-constants';
import {
  readActive,
  readConfig,
  readEnable,
  readGroup,
  readPending,
  readPriority,
  writeCActive,
  writeCEnable,
  writeConfig,
  writeCPending,
  writeGroup,
  writePriority,
  writeSActive,
  writeSEnable,
  writeSPending,
} from './vgic-irq-regs';
import { perIrq, readRaz, VGIC_ACCESS_32bit, VGIC_ACCESS_8bit, VgicRegisterFrame, vgicAddrToIntid, type RegRead, type RegWrite } from './vgic-register-frame';
import { KVM_VGIC_IMP_REV_2, VGIC_NR_PRIVATE_IRQS } from './vgic-state';
import { gicdIidr, writeIidrUser } from './vgic-v3-dist';

export const GICD_CTLR = 0x000;
export const GICD_TYPER = 0x004;
export const GICD_IIDR = 0x008;
export const GICD_IGROUPR = 0x080;
export const GICD_ISENABLER = 0x100;
export const GICD_ICENABLER = 0x180;
export const GICD_ISPENDR = 0x200;
export const GICD_ICPENDR = 0x280;
export const GICD_ISACTIVER = 0x300;
export const GICD_ICACTIVER = 0x380;
export const GICD_IPRIORITYR = 0x400;
export const GICD_ITARGETSR = 0x800;
export const GICD_ICFGR = 0xc00;
export const GICD_SGIR = 0xf00;
export const GICD_CPENDSGIR = 0xf10;
export const GICD_SPENDSGIR = 0xf20;

export const GICD_ENABLE = 1 << 0;

/** vgic_mmio_read_v2_misc: GICD_CTLR, GICD_TYPER (ITLinesNumber, CPUNumber), GICD_IIDR. */
const readMisc: RegRead = (s, _vcpu, offset) => {
  switch (offset & 0x0c) {
    case GICD_CTLR:
      return s.enabled ? GICD_ENABLE : 0;
    case GICD_TYPER:
      return ((s.nrIrqs >> 5) - 1) | (((s.host.vcpus().length - 1) & 7) << 5);
    default:
      return gicdIidr(s);
  }
};
const writeMisc: RegWrite = (s, _vcpu, offset, _len, val) => {
  if ((offset & 0x0c) === GICD_CTLR) s.enabled = (val & GICD_ENABLE) !== 0;
};
/** Userspace GICD_IIDR writes choose the revision (§10.4 rule, shared with GICv3). */
const uwriteMisc: RegWrite = (s, vcpu, offset, len, val) => {
  if ((offset & 0x0c) === GICD_IIDR) writeIidrUser(s, val);
  else writeMisc(s, vcpu, offset, len, val);
};

/** Groups are user-writable from IIDR revision 2 (vgic_mmio_uaccess_write_v2_group). */
const uwriteGroup: RegWrite = (s, vcpu, offset, len, val) => {
  if (s.implementationRev >= KVM_VGIC_IMP_REV_2) writeGroup(s, vcpu, offset, len, val);
};

/** GICD_ITARGETSR: SGIs and PPIs read their own CPU and ignore writes. */
const readTarget: RegRead = (s, vcpu, offset, len) => {
  const first = vgicAddrToIntid(offset, 8);
  const b = s.bank(vcpu, first);
  if (!b) return 0;
  let v = 0;
  for (let i = 0; i < len; i++) v |= b.targets[first + i] << (8 * i);
  return v >>> 0;
};
const writeTarget: RegWrite = (s, vcpu, offset, len, val) => {
  const first = vgicAddrToIntid(offset, 8);
  if (first < VGIC_NR_PRIVATE_IRQS) return;
  const b = s.bank(vcpu, first);
  if (!b) return;
  const cpuMask = ((1 << s.host.vcpus().length) - 1) & 0xff;
  for (let i = 0; i < len; i++) {
    const t = (val >>> (8 * i)) & cpuMask;
    b.targets[first + i] = t;
    // KVM delivers to the lowest-numbered target (no 1-of-N), vCPU 0 for an empty mask.
    b.route[first + i] = t === 0 ? 0 : 31 - Math.clz32(t & -t);
  }
};

/**
 * GICD_SGIR (vgic_mmio_write_sgir): TargetListFilter 0 = the list, 1 = all but self,
 * 2 = self, 3 = reserved. Target bit c is the vCPU of index c; the source is recorded per SGI.
 */
const writeSgir: RegWrite = (s, src, _offset, _len, val) => {
  const vcpus = s.host.vcpus();
  const intid = val & 0xf;
  const mode = (val >>> 24) & 3;
  let targets = (val >>> 16) & 0xff;
  if (mode === 1) targets = ((1 << vcpus.length) - 1) & ~(1 << src.id);
  else if (mode === 2) targets = 1 << src.id;
  else if (mode === 3) return;
  vcpus.forEach((v, c) => {
    if (!(targets & (1 << c))) return;
    const cpu = s.cpu(v);
    cpu.priv.pendingLatch[intid] = 1;
    cpu.sgiSource[intid] |= (1 << src.id) & 0xff;
  });
};

/** GICD_[CS]PENDSGIR: one source-CPU byte per SGI of the accessing CPU. */
const readSgiPend: RegRead = (s, vcpu, offset, len) => {
  const first = offset & 0x0f;
  const src = s.cpu(vcpu).sgiSource;
  let v = 0;
  for (let i = 0; i < len; i++) v |= src[first + i] << (8 * i);
  return v >>> 0;
};
const writeSgiPendC: RegWrite = (s, vcpu, offset, len, val) => {
  const first = offset & 0x0f;
  const cpu = s.cpu(vcpu);
  for (let i = 0; i < len; i++) {
    cpu.sgiSource[first + i] &= ~(val >>> (8 * i)) & 0xff;
    if (!cpu.sgiSource[first + i]) cpu.priv.pendingLatch[first + i] = 0;
  }
};
const writeSgiPendS: RegWrite = (s, vcpu, offset, len, val) => {
  const first = offset & 0x0f;
  const cpu = s.cpu(vcpu);
  for (let i = 0; i < len; i++) {
    cpu.sgiSource[first + i] |= (val >>> (8 * i)) & 0xff;
    if (cpu.sgiSource[first + i]) cpu.priv.pendingLatch[first + i] = 1;
  }
};

const A32 = VGIC_ACCESS_32bit;
const A8_32 = VGIC_ACCESS_32bit | VGIC_ACCESS_8bit;

export const VGIC_V2_DIST = new VgicRegisterFrame('GICv2 distributor', KVM_VGIC_V2_DIST_SIZE, [
  { name: 'GICD_CTLR/TYPER/IIDR', offset: GICD_CTLR, len: 12, access: A32, bpi: 0, read: readMisc, write: writeMisc, uwrite: uwriteMisc },
  perIrq({ name: 'GICD_IGROUPR', offset: GICD_IGROUPR, access: A32, bpi: 1, read: readGroup, write: writeGroup, uwrite: uwriteGroup }),
  perIrq({ name: 'GICD_ISENABLER', offset: GICD_ISENABLER, access: A32, bpi: 1, read: readEnable, write: writeSEnable }),
  perIrq({ name: 'GICD_ICENABLER', offset: GICD_ICENABLER, access: A32, bpi: 1, read: readEnable, write: writeCEnable }),
  perIrq({ name: 'GICD_ISPENDR', offset: GICD_ISPENDR, access: A32, bpi: 1, read: readPending, write: writeSPending }),
  perIrq({ name: 'GICD_ICPENDR', offset: GICD_ICPENDR, access: A32, bpi: 1, read: readPending, write: writeCPending }),
  perIrq({ name: 'GICD_ISACTIVER', offset: GICD_ISACTIVER, access: A32, bpi: 1, read: readActive, write: writeSActive }),
  perIrq({ name: 'GICD_ICACTIVER', offset: GICD_ICACTIVER, access: A32, bpi: 1, read: readActive, write: writeCActive }),
  perIrq({ name: 'GICD_IPRIORITYR', offset: GICD_IPRIORITYR, access: A8_32, bpi: 8, read: readPriority, write: writePriority }),
  perIrq({ name: 'GICD_ITARGETSR', offset: GICD_ITARGETSR, access: A8_32, bpi: 8, read: readTarget, write: writeTarget }),
  perIrq({ name: 'GICD_ICFGR', offset: GICD_ICFGR, access: A32, bpi: 2, read: readConfig, write: writeConfig }),
  { name: 'GICD_SGIR', offset: GICD_SGIR, len: 4, access: A32, bpi: 0, read: readRaz, write: writeSgir },
  { name: 'GICD_CPENDSGIR', offset: GICD_CPENDSGIR, len: 16, access: A8_32, bpi: 0, read: readSgiPend, write: writeSgiPendC },
  { name: 'GICD_SPENDSGIR', offset: GICD_SPENDSGIR, len: 16, access: A8_32, bpi: 0, read: readSgiPend, write: writeSgiPendS },
]);
