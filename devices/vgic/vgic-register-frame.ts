/**
 * A GIC register frame as a table of regions (struct vgic_register_region): offset, length,
 * allowed access widths, bits per interrupt, and read/write functions for the guest plus
 * optional userspace variants. One table serves guest MMIO (offsets relative to the frame base)
 * and the DIST_REGS / CPU_REGS / REDIST_REGS attribute groups (spec §10.3, §10.4).
 *
 * linux: arch/arm64/kvm/vgic/vgic-mmio.c (vgic_find_mmio_region, check_region, vgic_uaccess,
 * dispatch_mmio_read/write), vgic-mmio.h (REGISTER_DESC_*, VGIC_ADDR_TO_INTID).
 */
import { fail } from '../../vmcore/errno';
import type { VgicVcpu } from './vgic-host';
import type { VgicState } from './vgic-state';

export const VGIC_ACCESS_8bit = 1;
export const VGIC_ACCESS_32bit = 2;
export const VGIC_ACCESS_64bit = 4;

/**
 * A register read: `offset` is relative to the frame, `len` is 1 or 4 (64-bit registers are
 * accessed one 32-bit half at a time, selected by offset & 4). `vcpu` is the CPU whose banked
 * view is accessed (the accessing vCPU, or a redistributor's owner). Returns an unsigned value.
 */
export type RegRead = (s: VgicState, vcpu: VgicVcpu, offset: number, len: number) => number;
/** A register write; userspace variants may throw a KvmError (EINVAL, EBUSY). */
export type RegWrite = (s: VgicState, vcpu: VgicVcpu, offset: number, len: number, val: number) => void;

export interface RegRegion {
  /** The register's name in the GIC architecture specification. */
  readonly name: string;
  readonly offset: number;
  readonly len: number;
  /** VGIC_ACCESS_* widths the register accepts. */
  readonly access: number;
  /** Bits per interrupt of a per-IRQ register (its INTID must be < nr_irqs), else 0. */
  readonly bpi: number;
  readonly read: RegRead;
  readonly write: RegWrite;
  readonly uread?: RegRead;
  readonly uwrite?: RegWrite;
  /** Only the guest reaches it; the attribute groups do not list it (GICv2 GICC_IAR, ...). */
  readonly guestOnly?: boolean;
}

export const readRaz: RegRead = () => 0;
export const writeWi: RegWrite = () => {};

/** VGIC_ADDR_TO_INTID: the first INTID a per-IRQ register offset covers. */
export const vgicAddrToIntid = (offset: number, bpi: number): number => ((offset & (bpi * 128 - 1)) * 8) / bpi;

function accessFlag(len: number): number {
  return len === 1 ? VGIC_ACCESS_8bit : len === 4 ? VGIC_ACCESS_32bit : len === 8 ? VGIC_ACCESS_64bit : 0;
}

export class VgicRegisterFrame {
  /** Region index of each 32-bit word of the frame, -1 where nothing is implemented. */
  private readonly wordIndex: Int16Array;

  /**
   * `banked`: the frame belongs to one vCPU (a GICv3 redistributor, the GICv2 CPU interface), so
   * a guest write changes what that vCPU alone is signalled; a distributor write may change any.
   */
  constructor(
    readonly name: string,
    readonly size: number,
    readonly regions: readonly RegRegion[],
    readonly banked = false,
  ) {
    this.wordIndex = new Int16Array(size >> 2).fill(-1);
    regions.forEach((r, i) => {
      for (let o = r.offset; o < r.offset + r.len; o += 4) {
        if (this.wordIndex[o >> 2] !== -1) throw new Error(`${name}: ${r.name} overlaps ${regions[this.wordIndex[o >> 2]].name}`);
        this.wordIndex[o >> 2] = i;
      }
    });
  }

  /**
   * vgic_get_mmio_region + check_region: the region at `offset` if it accepts an aligned access
   * of `len` bytes and, for a per-IRQ register, the INTID exists (< nrIrqs).
   */
  find(offset: number, len: number, nrIrqs: number, user: boolean): RegRegion | undefined {
    if (offset < 0 || offset >= this.size) return undefined;
    const i = this.wordIndex[offset >>> 2];
    if (i < 0) return undefined;
    const r = this.regions[i];
    if (user && r.guestOnly) return undefined;
    if ((r.access & accessFlag(len)) === 0 || offset % len !== 0) return undefined;
    if (r.bpi !== 0 && vgicAddrToIntid(offset, r.bpi) >= nrIrqs) return undefined;
    return r;
  }

  /** KVM_HAS_DEVICE_ATTR: an aligned 32-bit register exists at `offset` (vgic_v*_has_attr_regs). */
  has(offset: number, nrIrqs: number): boolean {
    return (offset & 3) === 0 && this.find(offset, 4, nrIrqs, true) !== undefined;
  }

  /** vgic_uaccess, read: ENXIO where no 32-bit register is. */
  uaccessRead(s: VgicState, vcpu: VgicVcpu, offset: number): number {
    const r = this.find(offset, 4, s.nrIrqs, true) ?? fail('ENXIO', `${this.name}: no register at offset 0x${offset.toString(16)} (§10.3, §10.4)`);
    return (r.uread ?? r.read)(s, vcpu, offset, 4) >>> 0;
  }

  /** vgic_uaccess, write. */
  uaccessWrite(s: VgicState, vcpu: VgicVcpu, offset: number, val: number): void {
    const r = this.find(offset, 4, s.nrIrqs, true) ?? fail('ENXIO', `${this.name}: no register at offset 0x${offset.toString(16)} (§10.3, §10.4)`);
    (r.uwrite ?? r.write)(s, vcpu, offset, 4, val >>> 0);
  }

  /**
   * Guest read of 1, 2 or 4 bytes (dispatch_mmio_read): a width or offset no register accepts
   * reads as zero.
   */
  mmioRead(s: VgicState, vcpu: VgicVcpu, offset: number, len: number): number {
    const r = this.find(offset, len, s.nrIrqs, false);
    return r ? r.read(s, vcpu, offset, len) >>> 0 : 0;
  }

  /** Guest write of 1, 2 or 4 bytes; ignored where no register accepts it. */
  mmioWrite(s: VgicState, vcpu: VgicVcpu, offset: number, len: number, val: number): boolean {
    const r = this.find(offset, len, s.nrIrqs, false);
    if (r) r.write(s, vcpu, offset, len, val >>> 0);
    return r !== undefined;
  }

  /** Guest 64-bit read as [low, high] words (registers with VGIC_ACCESS_64bit only). */
  mmioRead64(s: VgicState, vcpu: VgicVcpu, offset: number): [number, number] | undefined {
    const r = this.find(offset, 8, s.nrIrqs, false);
    if (!r) return undefined;
    return [r.read(s, vcpu, offset, 4) >>> 0, r.read(s, vcpu, offset + 4, 4) >>> 0];
  }

  mmioWrite64(s: VgicState, vcpu: VgicVcpu, offset: number, lo: number, hi: number): boolean {
    const r = this.find(offset, 8, s.nrIrqs, false);
    if (!r) return false;
    r.write(s, vcpu, offset, 4, lo >>> 0);
    r.write(s, vcpu, offset + 4, 4, hi >>> 0);
    return true;
  }
}

/**
 * REGISTER_DESC_WITH_BITS_PER_IRQ_SHARED (GICv3 distributor): the private-INTID part of a
 * per-IRQ register is RAZ/WI (the redistributors own SGIs and PPIs), the rest is implemented.
 */
export function sharedPerIrq(base: Omit<RegRegion, 'offset' | 'len'> & { offset: number }): RegRegion[] {
  const privLen = (base.bpi * 32) / 8;
  return [
    { name: `${base.name} (private)`, offset: base.offset, len: privLen, access: base.access, bpi: base.bpi, read: readRaz, write: writeWi },
    { ...base, offset: base.offset + privLen, len: (base.bpi * (1024 - 32)) / 8 },
  ];
}

/** REGISTER_DESC_WITH_BITS_PER_IRQ (GICv2 distributor): one region for all 1024 INTIDs. */
export function perIrq(base: Omit<RegRegion, 'len'>): RegRegion {
  return { ...base, len: (base.bpi * 1024) / 8 };
}
