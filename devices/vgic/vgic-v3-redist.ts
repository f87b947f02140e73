/**
 * The GICv3 redistributor of one vCPU (128 KiB, KVM_VGIC_V3_REDIST_SIZE): the RD_base frame at
 * 0x0 and the SGI_base frame at 0x10000, register names as in Arm IHI 0069 §12.10-§12.11.
 * Spec §10.4 (REDIST_REGS), §10.12 (GICR_TYPER and the Last bit).
 *
 * linux: arch/arm64/kvm/vgic/vgic-mmio-v3.c (vgic_v3_rd_registers, vgic_mmio_read_v3r_typer,
 * vgic_mmio_read_v3r_ctlr, vgic_sanitise_propbaser / _pendbaser).
 */
import { KVM_VGIC_V3_REDIST_SIZE } from '../../vmcore/kvm-constants';
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
import { readRaz, VGIC_ACCESS_32bit, VGIC_ACCESS_64bit, VGIC_ACCESS_8bit, VgicRegisterFrame, writeWi, type RegRead, type RegWrite } from './vgic-register-frame';
import type { VgicVcpu } from './vgic-host';
import { IMPLEMENTER_ARM, KVM_VGIC_IMP_REV_3, PRODUCT_ID_KVM, type VgicState } from './vgic-state';
import { readIdregs } from './vgic-v3-dist';
import { C_TYPER_HI, C_TYPER_LO } from './vgic-shared';

export const GICR_CTLR = 0x0000;
export const GICR_IIDR = 0x0004;
export const GICR_TYPER = 0x0008;
export const GICR_STATUSR = 0x0010;
export const GICR_WAKER = 0x0014;
export const GICR_PROPBASER = 0x0070;
export const GICR_PENDBASER = 0x0078;
export const GICR_INVLPIR = 0x00a0;
export const GICR_INVALLR = 0x00b0;
export const GICR_SYNCR = 0x00c0;
export const GICR_IDREGS = 0xffd0;
export const SGI_BASE = 0x10000;
export const GICR_IGROUPR0 = SGI_BASE + 0x0080;
export const GICR_ISENABLER0 = SGI_BASE + 0x0100;
export const GICR_ICENABLER0 = SGI_BASE + 0x0180;
export const GICR_ISPENDR0 = SGI_BASE + 0x0200;
export const GICR_ICPENDR0 = SGI_BASE + 0x0280;
export const GICR_ISACTIVER0 = SGI_BASE + 0x0300;
export const GICR_ICACTIVER0 = SGI_BASE + 0x0380;
export const GICR_IPRIORITYR0 = SGI_BASE + 0x0400;
export const GICR_ICFGR0 = SGI_BASE + 0x0c00;
export const GICR_IGRPMODR0 = SGI_BASE + 0x0d00;
export const GICR_NSACR = SGI_BASE + 0x0e00;

export const GICR_CTLR_CES = 1 << 1;
export const GICR_CTLR_IR = 1 << 2;
export const GICR_TYPER_PLPIS = 1 << 0;
export const GICR_TYPER_LAST = 1 << 4;

/**
 * GICR_TYPER (§10.12) as [low, high] words: Processor_Number = vCPU id, Last, and the MPIDR
 * affinity Aff3.Aff2.Aff1.Aff0 in the high word. PLPIS stays 0: no ITS. The MPIDR is a bigint
 * from the host; GICR_TYPER is read once per CPU at guest boot, not on an interrupt path.
 */
export function gicrTyper(s: VgicState, vcpu: VgicVcpu): [number, number] {
  if (!s.layout) {
    // A vCPU thread reads the value published when the VGIC became ready.
    const w = s.cpu(vcpu).w;
    return [w[C_TYPER_LO] >>> 0, w[C_TYPER_HI] >>> 0];
  }
  const lo = ((vcpu.id & 0xffff) << 8) | (s.layout.isLast(vcpu) ? GICR_TYPER_LAST : 0);
  const mpidr = vcpu.mpidr();
  const hi = Number(mpidr & 0xffffffn) | (Number((mpidr >> 32n) & 0xffn) << 24);
  return [lo >>> 0, hi >>> 0];
}

const readTyper: RegRead = (s, vcpu, offset) => gicrTyper(s, vcpu)[(offset & 4) >> 2];

/** GICR_CTLR: EnableLPIs stays 0 without an ITS; revision 3 advertises IR and CES. */
const readCtlr: RegRead = (s) => (s.implementationRev >= KVM_VGIC_IMP_REV_3 ? GICR_CTLR_IR | GICR_CTLR_CES : 0);

// GIC_BASER field encodings (linux include/linux/irqchip/arm-gic-v3.h).
const GIC_BASER_InnerShareable = 1;
const GIC_BASER_OuterShareable = 2;
const GIC_BASER_CACHE_nC = 1;
const GIC_BASER_CACHE_RaWb = 3;
const GIC_BASER_CACHE_SameAsInner = 0;

/**
 * vgic_sanitise_{shareability, inner_cacheability, outer_cacheability} on the fields both
 * *BASER registers share: Shareability [11:10], InnerCache [9:7], OuterCache [58:56].
 */
function sanitiseBaser(lo: number, hi: number): [number, number] {
  let share = (lo >>> 10) & 3;
  if (share === GIC_BASER_OuterShareable) share = GIC_BASER_InnerShareable;
  let inner = (lo >>> 7) & 7;
  if (inner === 0 || inner === GIC_BASER_CACHE_nC) inner = GIC_BASER_CACHE_RaWb;
  let outer = (hi >>> 24) & 7;
  if (outer !== GIC_BASER_CACHE_SameAsInner && outer !== GIC_BASER_CACHE_nC) outer = GIC_BASER_CACHE_SameAsInner;
  return [((lo & ~(0x1f << 7)) | (share << 10) | (inner << 7)) >>> 0, ((hi & ~(7 << 24)) | (outer << 24)) >>> 0];
}

// RES0 bits of each register, as low/high masks of the bits kept.
const PROPBASER_KEEP_LO = ~(3 << 5) >>> 0; // bits 6:5
const PROPBASER_KEEP_HI = ~((0x1f << 27) | (0xf << 20)) >>> 0; // bits 63:59, 55:52
const PENDBASER_KEEP_LO = ~((0xf << 12) | 0x7f) >>> 0; // bits 15:12, 6:0
const PENDBASER_KEEP_HI = ~((1 << 31) | (7 << 27) | (0xf << 20)) >>> 0; // bits 63, 61:59, 55:52
const GICR_PENDBASER_PTZ_HI = 1 << 30; // bit 62

/** update_64bit_reg for one 32-bit half, then sanitise. */
function updateBaser(lo: number, hi: number, offset: number, val: number, keepLo: number, keepHi: number): [number, number] {
  if (offset & 4) hi = val;
  else lo = val;
  const [l, h] = sanitiseBaser(lo, hi);
  return [(l & keepLo) >>> 0, (h & keepHi) >>> 0];
}

/** GICR_PROPBASER: one value per VM in KVM. Writes are ignored once LPIs are on (never: no ITS). */
const readPropbase: RegRead = (s, _vcpu, offset) => (offset & 4 ? s.propbaserHi : s.propbaserLo);
const writePropbase: RegWrite = (s, _vcpu, offset, _len, val) => {
  [s.propbaserLo, s.propbaserHi] = updateBaser(s.propbaserLo, s.propbaserHi, offset, val, PROPBASER_KEEP_LO, PROPBASER_KEEP_HI);
};

/** GICR_PENDBASER: per redistributor; PTZ reads as zero. */
const readPendbase: RegRead = (s, vcpu, offset) => {
  const c = s.cpu(vcpu);
  return offset & 4 ? (c.pendbaserHi & ~GICR_PENDBASER_PTZ_HI) >>> 0 : c.pendbaserLo;
};
const writePendbase: RegWrite = (s, vcpu, offset, _len, val) => {
  const c = s.cpu(vcpu);
  [c.pendbaserLo, c.pendbaserHi] = updateBaser(c.pendbaserLo, c.pendbaserHi, offset, val, PENDBASER_KEEP_LO, PENDBASER_KEEP_HI);
};

const A32 = VGIC_ACCESS_32bit;
const A64 = VGIC_ACCESS_32bit | VGIC_ACCESS_64bit;
const reg = (name: string, offset: number, len: number, access: number, read: RegRead, write: RegWrite, extra: { uread?: RegRead; uwrite?: RegWrite } = {}) => ({
  name,
  offset,
  len,
  access,
  bpi: 0,
  read,
  write,
  ...extra,
});

export const VGIC_V3_REDIST = new VgicRegisterFrame('GICv3 redistributor', KVM_VGIC_V3_REDIST_SIZE, [
  // RD_base
  reg('GICR_CTLR', GICR_CTLR, 4, A32, readCtlr, writeWi),
  reg('GICR_IIDR', GICR_IIDR, 4, A32, () => ((PRODUCT_ID_KVM << 24) | IMPLEMENTER_ARM) >>> 0, writeWi),
  reg('GICR_TYPER', GICR_TYPER, 8, A64, readTyper, writeWi),
  reg('GICR_STATUSR', GICR_STATUSR, 4, A32, readRaz, writeWi),
  reg('GICR_WAKER', GICR_WAKER, 4, A32, readRaz, writeWi),
  reg('GICR_PROPBASER', GICR_PROPBASER, 8, A64, readPropbase, writePropbase),
  reg('GICR_PENDBASER', GICR_PENDBASER, 8, A64, readPendbase, writePendbase),
  reg('GICR_INVLPIR', GICR_INVLPIR, 8, A64, readRaz, writeWi),
  reg('GICR_INVALLR', GICR_INVALLR, 8, A64, readRaz, writeWi),
  reg('GICR_SYNCR', GICR_SYNCR, 4, A32, readRaz, writeWi),
  reg('GICR_IDREGS', GICR_IDREGS, 48, A32, readIdregs, writeWi),
  // SGI_base: the vCPU's SGIs and PPIs.
  reg('GICR_IGROUPR0', GICR_IGROUPR0, 4, A32, readGroup, writeGroup),
  reg('GICR_ISENABLER0', GICR_ISENABLER0, 4, A32, readEnable, writeSEnable),
  reg('GICR_ICENABLER0', GICR_ICENABLER0, 4, A32, readEnable, writeCEnable),
  reg('GICR_ISPENDR0', GICR_ISPENDR0, 4, A32, readPending, writeSPending, { uread: readPendingLatch, uwrite: writeLatch }),
  reg('GICR_ICPENDR0', GICR_ICPENDR0, 4, A32, readPending, writeCPending, { uread: readRaz, uwrite: writeWi }),
  reg('GICR_ISACTIVER0', GICR_ISACTIVER0, 4, A32, readActive, writeSActive),
  reg('GICR_ICACTIVER0', GICR_ICACTIVER0, 4, A32, readActive, writeCActive),
  reg('GICR_IPRIORITYR0', GICR_IPRIORITYR0, 32, A32 | VGIC_ACCESS_8bit, readPriority, writePriority),
  reg('GICR_ICFGR0', GICR_ICFGR0, 8, A32, readConfig, writeConfig),
  reg('GICR_IGRPMODR0', GICR_IGRPMODR0, 4, A32, readRaz, writeWi),
  reg('GICR_NSACR', GICR_NSACR, 4, A32, readRaz, writeWi),
], true);
