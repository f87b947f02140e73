/**
 * The GICv2 CPU interface frame (8 KiB, KVM_VGIC_V2_CPU_SIZE), register names as in Arm IHI
 * 0048B §4.4. Spec §10.3 (CPU_REGS): userspace sees GICC_CTLR, GICC_PMR, GICC_BPR, GICC_ABPR,
 * GICC_APRn and GICC_IIDR in KVM's layout (vgic_mmio_read/write_vcpuif: the PMR as the 5-bit
 * GICH_VMCR.VMPriMask); the guest sees the architectural layout.
 *
 * The acknowledge/EOI registers (GICC_IAR, GICC_EOIR, GICC_RPR, GICC_HPPIR, their aliases and
 * GICC_DIR) are guest-only; they run the CPU interface of vgic-cpuif.ts. The frame is banked per
 * vCPU: the accessing vCPU's interface answers, and its interrupt inputs are recomputed after
 * every guest access (vgic-mmio.ts).
 *
 * linux: arch/arm64/kvm/vgic/vgic-mmio-v2.c (vgic_v2_cpu_registers).
 */
import { KVM_VGIC_V2_CPU_SIZE } from '../../vmcore/kvm-constants';
import { deactivateInterrupt, endOfInterrupt, giccAcknowledge, highestPending, runningPriority } from './vgic-cpuif';
import { VGIC_ACCESS_32bit, VgicRegisterFrame, writeWi, type RegRead, type RegWrite } from './vgic-register-frame';
import { IMPLEMENTER_ARM, PRODUCT_ID_KVM, VGIC_PRI_MASK } from './vgic-state';

export const GICC_CTLR = 0x00;
export const GICC_PMR = 0x04;
export const GICC_BPR = 0x08;
export const GICC_IAR = 0x0c;
export const GICC_EOIR = 0x10;
export const GICC_RPR = 0x14;
export const GICC_HPPIR = 0x18;
export const GICC_ABPR = 0x1c;
export const GICC_AIAR = 0x20;
export const GICC_AEOIR = 0x24;
export const GICC_AHPPIR = 0x28;
export const GICC_APR = 0xd0;
export const GICC_IIDR = 0xfc;
export const GICC_DIR = 0x1000;

// GICC_CTLR bits (GICv2 with the virtualisation extensions' GICV view).
export const GICC_CTLR_EnableGrp0 = 1 << 0;
export const GICC_CTLR_EnableGrp1 = 1 << 1;
export const GICC_CTLR_AckCtl = 1 << 2;
export const GICC_CTLR_FIQEn = 1 << 3;
export const GICC_CTLR_CBPR = 1 << 4;
export const GICC_CTLR_EOImodeNS = 1 << 9;
/** The userspace PMR is GICH_VMCR.VMPriMask: priority bits 7:3 (GICV_PMR_PRIORITY_MASK). */
export const GICV_PMR_PRIORITY_SHIFT = 3;
export const GICV_PMR_PRIORITY_MASK = 0x1f << GICV_PMR_PRIORITY_SHIFT;
export const GICC_ARCH_VERSION_V2 = 0x2;
export const ICC_IAR_SPURIOUS = 1023;

const readCtlr: RegRead = (s, vcpu) => {
  const c = s.cpu(vcpu).cpuif;
  return c.grpen0 | (c.grpen1 << 1) | (c.ackctl << 2) | (c.fiqen << 3) | (c.cbpr << 4) | (c.eoim << 9);
};
const writeCtlr: RegWrite = (s, vcpu, _o, _l, val) => {
  const c = s.cpu(vcpu).cpuif;
  c.grpen0 = val & GICC_CTLR_EnableGrp0 ? 1 : 0;
  c.grpen1 = val & GICC_CTLR_EnableGrp1 ? 1 : 0;
  c.ackctl = val & GICC_CTLR_AckCtl ? 1 : 0;
  c.fiqen = val & GICC_CTLR_FIQEn ? 1 : 0;
  c.cbpr = val & GICC_CTLR_CBPR ? 1 : 0;
  c.eoim = val & GICC_CTLR_EOImodeNS ? 1 : 0;
};

const readPmr: RegRead = (s, vcpu) => s.cpu(vcpu).cpuif.pmr & VGIC_PRI_MASK;
const writePmr: RegWrite = (s, vcpu, _o, _l, val) => {
  s.cpu(vcpu).cpuif.pmr = val & VGIC_PRI_MASK;
};
const ureadPmr: RegRead = (s, vcpu) => (s.cpu(vcpu).cpuif.pmr & GICV_PMR_PRIORITY_MASK) >>> GICV_PMR_PRIORITY_SHIFT;
const uwritePmr: RegWrite = (s, vcpu, _o, _l, val) => {
  s.cpu(vcpu).cpuif.pmr = (val << GICV_PMR_PRIORITY_SHIFT) & GICV_PMR_PRIORITY_MASK;
};

const readBpr: RegRead = (s, vcpu) => s.cpu(vcpu).cpuif.bpr;
const writeBpr: RegWrite = (s, vcpu, _o, _l, val) => {
  s.cpu(vcpu).cpuif.bpr = val & 7;
};
const readAbpr: RegRead = (s, vcpu) => s.cpu(vcpu).cpuif.abpr;
const writeAbpr: RegWrite = (s, vcpu, _o, _l, val) => {
  s.cpu(vcpu).cpuif.abpr = val & 7;
};

/** GICC_APRn (vgic_mmio_read/write_apr): only the indices the priority bits implement; others RAZ/WI. */
const readApr: RegRead = (s, vcpu, offset) => {
  const c = s.cpu(vcpu).cpuif;
  const n = (offset >> 2) & 3;
  return n > c.maxAprIdx() ? 0 : c.ap1r[n];
};
const writeApr: RegWrite = (s, vcpu, offset, _l, val) => {
  const c = s.cpu(vcpu).cpuif;
  const n = (offset >> 2) & 3;
  if (n <= c.maxAprIdx()) c.ap1r[n] = val >>> 0;
};

// The guest-only registers (Arm IHI 0048B §4.4.4-§4.4.15).
const readIar: RegRead = (s, vcpu) => giccAcknowledge(s, s.cpu(vcpu), false);
const readAiar: RegRead = (s, vcpu) => giccAcknowledge(s, s.cpu(vcpu), true);
const writeEoir: RegWrite = (s, vcpu, _o, _l, val) => endOfInterrupt(s, s.cpu(vcpu), val);
const readRpr: RegRead = (s, vcpu) => runningPriority(s.cpu(vcpu).cpuif);
const readHppir: RegRead = (s, vcpu) => highestPending(s, s.cpu(vcpu), -1, true);
const readAhppir: RegRead = (s, vcpu) => highestPending(s, s.cpu(vcpu), 1, true);
const writeDir: RegWrite = (s, vcpu, _o, _l, val) => deactivateInterrupt(s, s.cpu(vcpu), val);

const readIidr: RegRead = () => ((PRODUCT_ID_KVM << 20) | (GICC_ARCH_VERSION_V2 << 16) | IMPLEMENTER_ARM) >>> 0;

const A32 = VGIC_ACCESS_32bit;
const reg = (name: string, offset: number, len: number, read: RegRead, write: RegWrite, extra: { uread?: RegRead; uwrite?: RegWrite; guestOnly?: boolean } = {}) => ({
  name,
  offset,
  len,
  access: A32,
  bpi: 0,
  read,
  write,
  ...extra,
});
const guestOnly = { guestOnly: true };

export const VGIC_V2_CPU = new VgicRegisterFrame('GICv2 CPU interface', KVM_VGIC_V2_CPU_SIZE, [
  reg('GICC_CTLR', GICC_CTLR, 4, readCtlr, writeCtlr),
  reg('GICC_PMR', GICC_PMR, 4, readPmr, writePmr, { uread: ureadPmr, uwrite: uwritePmr }),
  reg('GICC_BPR', GICC_BPR, 4, readBpr, writeBpr),
  reg('GICC_IAR', GICC_IAR, 4, readIar, writeWi, guestOnly),
  reg('GICC_EOIR', GICC_EOIR, 4, () => 0, writeEoir, guestOnly),
  reg('GICC_RPR', GICC_RPR, 4, readRpr, writeWi, guestOnly),
  reg('GICC_HPPIR', GICC_HPPIR, 4, readHppir, writeWi, guestOnly),
  reg('GICC_ABPR', GICC_ABPR, 4, readAbpr, writeAbpr),
  reg('GICC_AIAR', GICC_AIAR, 4, readAiar, writeWi, guestOnly),
  reg('GICC_AEOIR', GICC_AEOIR, 4, () => 0, writeEoir, guestOnly),
  reg('GICC_AHPPIR', GICC_AHPPIR, 4, readAhppir, writeWi, guestOnly),
  reg('GICC_APR', GICC_APR, 16, readApr, writeApr),
  reg('GICC_IIDR', GICC_IIDR, 4, readIidr, writeWi),
  reg('GICC_DIR', GICC_DIR, 4, () => 0, writeDir, guestOnly),
], true);
