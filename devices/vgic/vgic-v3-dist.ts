/**
 * The GICv3 distributor frame (64 KiB, KVM_VGIC_V3_DIST_SIZE) as KVM emulates it: register
 * table in GIC architecture names (Arm IHI 0069, §12.9 "The GIC Distributor register
 * descriptions"), spec §10.4 for the userspace rules.
 *
 * linux: arch/arm64/kvm/vgic/vgic-mmio-v3.c (vgic_v3_dist_registers, vgic_mmio_read_v3_misc,
 * vgic_mmio_uaccess_write_v3_misc, vgic_mmio_read/write_irouter).
 */
import { check, fail } from '../../vmcore/errno';
import { KVM_VGIC_V3_DIST_SIZE } from '../../vmcore/kvm-constants';
import {
  readActive,
  readConfig,
  readEnable,
  readGroup,
  readPending,
  readPendingLatch,
  readPriority,
  writeCActive,
  writeCEnable,
  writeConfig,
  writeCPending,
  writeGroup,
  writeLatch,
  writePriority,
  writeSActive,
  writeSEnable,
  writeSPending,
} from './vgic-irq-regs';
import {
  readRaz,
  sharedPerIrq,
  VGIC_ACCESS_32bit,
  VGIC_ACCESS_64bit,
  VGIC_ACCESS_8bit,
  VgicRegisterFrame,
  vgicAddrToIntid,
  writeWi,
  type RegRead,
  type RegWrite,
} from './vgic-register-frame';
import { IMPLEMENTER_ARM, KVM_VGIC_IMP_REV_2, KVM_VGIC_IMP_REV_3, PRODUCT_ID_KVM, type VgicState } from './vgic-state';

export const GICD_CTLR = 0x0000;
export const GICD_TYPER = 0x0004;
export const GICD_IIDR = 0x0008;
export const GICD_TYPER2 = 0x000c;
export const GICD_STATUSR = 0x0010;
export const GICD_IGROUPR = 0x0080;
export const GICD_ISENABLER = 0x0100;
export const GICD_ICENABLER = 0x0180;
export const GICD_ISPENDR = 0x0200;
export const GICD_ICPENDR = 0x0280;
export const GICD_ISACTIVER = 0x0300;
export const GICD_ICACTIVER = 0x0380;
export const GICD_IPRIORITYR = 0x0400;
export const GICD_ITARGETSR = 0x0800;
export const GICD_ICFGR = 0x0c00;
export const GICD_IGRPMODR = 0x0d00;
export const GICD_IROUTER = 0x6000;
export const GICD_IDREGS = 0xffd0;
export const GICD_PIDR2 = 0xffe8;

export const GICD_CTLR_ENABLE_SS_G1 = 1 << 1;
export const GICD_CTLR_ARE_NS = 1 << 4;
export const GICD_CTLR_DS = 1 << 6;
export const GICD_TYPER_LPIS = 1 << 17;
export const GICD_TYPER_IDBITS_SHIFT = 19;
export const GICD_TYPER2_nASSGIcap = 1 << 8;
export const GICD_IIDR_REVISION_SHIFT = 12;
export const GICD_IIDR_REVISION_MASK = 0xf << GICD_IIDR_REVISION_SHIFT;
/** 10-bit INTIDs without an ITS: GICD_TYPER.IDbits = 9 (§10.4). */
export const INTERRUPT_ID_BITS_SPIS = 10;
/** GICD_PIDR2.ArchRev = 3: a GICv3 implementation. */
export const GIC_PIDR2_ARCH_GICV3 = 0x3b;

/** GICD_IIDR (§10.4): 'K' Arm, Revision from dist->implementation_rev. Shared with GICv2. */
export const gicdIidr = (s: VgicState): number =>
  ((PRODUCT_ID_KVM << 24) | (s.implementationRev << GICD_IIDR_REVISION_SHIFT) | IMPLEMENTER_ARM) >>> 0;

/**
 * A userspace GICD_IIDR write (§10.4): only the Revision may differ from the current value, and
 * it must be one KVM implements (2 or 3). Accepted before and after init. Shared with GICv2.
 */
export function writeIidrUser(s: VgicState, val: number): void {
  check(((gicdIidr(s) ^ val) & ~GICD_IIDR_REVISION_MASK) === 0, 'EINVAL', `GICD_IIDR 0x${val.toString(16)}: only the Revision field may change (§10.4)`);
  const rev = (val & GICD_IIDR_REVISION_MASK) >>> GICD_IIDR_REVISION_SHIFT;
  check(rev === KVM_VGIC_IMP_REV_2 || rev === KVM_VGIC_IMP_REV_3, 'EINVAL', `GICD_IIDR revision ${rev} is not implemented (2 or 3)`);
  s.implementationRev = rev;
}

/** vgic_mmio_read_v3_misc: GICD_CTLR, GICD_TYPER, GICD_IIDR, GICD_TYPER2. */
const readMisc: RegRead = (s, _vcpu, offset) => {
  switch (offset & 0x0c) {
    case GICD_CTLR:
      return (s.enabled ? GICD_CTLR_ENABLE_SS_G1 : 0) | GICD_CTLR_ARE_NS | GICD_CTLR_DS;
    case GICD_TYPER:
      return ((s.nrIrqs >> 5) - 1) | ((INTERRUPT_ID_BITS_SPIS - 1) << GICD_TYPER_IDBITS_SHIFT);
    case GICD_IIDR:
      return gicdIidr(s);
    default:
      // GICD_TYPER2: nASSGIcap only with GICv4.1 direct vSGIs, which the service does not have.
      return 0;
  }
};

/** Guest writes: only GICD_CTLR.EnableGrp1 is writable (ARE_NS and DS are RAO/WI). */
const writeMisc: RegWrite = (s, _vcpu, offset, _len, val) => {
  if ((offset & 0x0c) === GICD_CTLR) s.enabled = (val & GICD_CTLR_ENABLE_SS_G1) !== 0;
};

/** vgic_mmio_uaccess_write_v3_misc: the writable-ID rules of §10.4. */
const uwriteMisc: RegWrite = (s, vcpu, offset, len, val) => {
  switch (offset & 0x0c) {
    case GICD_IIDR:
      writeIidrUser(s, val);
      return;
    case GICD_TYPER2: {
      const cur = readMisc(s, vcpu, offset, len);
      if (val === cur) return;
      check(!s.initialized, 'EBUSY', 'GICD_TYPER2 cannot change once the VGIC is initialised (§10.4)');
      check(((val ^ cur) & ~GICD_TYPER2_nASSGIcap) === 0, 'EINVAL', `GICD_TYPER2 0x${val.toString(16)}: only nASSGIcap may change (§10.4)`);
      // Only nASSGIcap differs: setting it needs direct vSGI injection (GICv4.1), absent here.
      fail('EINVAL', 'GICD_TYPER2.nASSGIcap: the host has no direct vSGI injection (§10.4)');
    }
    default:
      writeMisc(s, vcpu, offset, len, val);
  }
};

/** GICD_IROUTER<n>: Aff2.Aff1.Aff0 only; the upper word (Aff3) is RAZ/WI, IRM is not kept. */
const readIrouter: RegRead = (s, vcpu, offset) => {
  if (offset & 4) return 0;
  const intid = vgicAddrToIntid(offset, 64);
  return s.bank(vcpu, intid)?.mpidr[intid] ?? 0;
};
/** The target vCPU is resolved at the write (kvm_mpidr_to_vcpu): none if no affinity matches. */
const writeIrouter: RegWrite = (s, vcpu, offset, _len, val) => {
  if (offset & 4) return;
  const intid = vgicAddrToIntid(offset, 64);
  const b = s.bank(vcpu, intid);
  if (!b) return;
  b.mpidr[intid] = val & 0xffffff;
  b.route[intid] = s.vcpuIndexByAffinity(val & 0xffffff);
};

/** GICD_PIDR2 reports a GICv3; the other ID registers read as zero. Shared with the redistributor. */
export const readIdregs: RegRead = (_s, _vcpu, offset) => ((offset & 0xffff) === GICD_PIDR2 ? GIC_PIDR2_ARCH_GICV3 : 0);

const A32 = VGIC_ACCESS_32bit;

export const VGIC_V3_DIST = new VgicRegisterFrame('GICv3 distributor', KVM_VGIC_V3_DIST_SIZE, [
  { name: 'GICD_CTLR/TYPER/IIDR/TYPER2', offset: GICD_CTLR, len: 16, access: A32, bpi: 0, read: readMisc, write: writeMisc, uwrite: uwriteMisc },
  { name: 'GICD_STATUSR', offset: GICD_STATUSR, len: 4, access: A32, bpi: 0, read: () => 0xffffffff, write: writeWi },
  ...sharedPerIrq({ name: 'GICD_IGROUPR', offset: GICD_IGROUPR, access: A32, bpi: 1, read: readGroup, write: writeGroup }),
  ...sharedPerIrq({ name: 'GICD_ISENABLER', offset: GICD_ISENABLER, access: A32, bpi: 1, read: readEnable, write: writeSEnable }),
  ...sharedPerIrq({ name: 'GICD_ICENABLER', offset: GICD_ICENABLER, access: A32, bpi: 1, read: readEnable, write: writeCEnable }),
  ...sharedPerIrq({ name: 'GICD_ISPENDR', offset: GICD_ISPENDR, access: A32, bpi: 1, read: readPending, write: writeSPending, uread: readPendingLatch, uwrite: writeLatch }),
  ...sharedPerIrq({ name: 'GICD_ICPENDR', offset: GICD_ICPENDR, access: A32, bpi: 1, read: readPending, write: writeCPending, uread: readRaz, uwrite: writeWi }),
  ...sharedPerIrq({ name: 'GICD_ISACTIVER', offset: GICD_ISACTIVER, access: A32, bpi: 1, read: readActive, write: writeSActive }),
  ...sharedPerIrq({ name: 'GICD_ICACTIVER', offset: GICD_ICACTIVER, access: A32, bpi: 1, read: readActive, write: writeCActive }),
  ...sharedPerIrq({ name: 'GICD_IPRIORITYR', offset: GICD_IPRIORITYR, access: A32 | VGIC_ACCESS_8bit, bpi: 8, read: readPriority, write: writePriority }),
  ...sharedPerIrq({ name: 'GICD_ITARGETSR', offset: GICD_ITARGETSR, access: A32 | VGIC_ACCESS_8bit, bpi: 8, read: readRaz, write: writeWi }),
  ...sharedPerIrq({ name: 'GICD_ICFGR', offset: GICD_ICFGR, access: A32, bpi: 2, read: readConfig, write: writeConfig }),
  ...sharedPerIrq({ name: 'GICD_IGRPMODR', offset: GICD_IGRPMODR, access: A32, bpi: 1, read: readRaz, write: writeWi }),
  ...sharedPerIrq({ name: 'GICD_IROUTER', offset: GICD_IROUTER, access: A32 | VGIC_ACCESS_64bit, bpi: 64, read: readIrouter, write: writeIrouter }),
  { name: 'GICD_IDREGS', offset: GICD_IDREGS, len: 48, access: A32, bpi: 0, read: readIdregs, write: writeWi },
]);

/** DIST_REGS offsets userspace may access before CTRL_INIT (current kernels, §10.4). */
export const GICD_PRE_INIT_OFFSETS: ReadonlySet<number> = new Set([GICD_IIDR, GICD_TYPER2]);
