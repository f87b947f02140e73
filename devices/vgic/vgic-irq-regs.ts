/**
 * The per-interrupt registers both GIC versions share (IGROUPR, I[SC]ENABLER, I[SC]PENDR,
 * I[SC]ACTIVER, IPRIORITYR, ICFGR): one function per register behaviour, each finding its first
 * INTID from the offset (VGIC_ADDR_TO_INTID) and its bank from the vCPU (private INTIDs are
 * banked). The distributor and the GICv3 SGI_base frame use the same functions.
 *
 * linux: arch/arm64/kvm/vgic/vgic-mmio.c (vgic_mmio_read_group ... vgic_mmio_write_config,
 * __read_pending, vgic_uaccess_write_spending).
 */
import type { RegRead, RegWrite } from './vgic-register-frame';
import { vgicAddrToIntid } from './vgic-register-frame';
import { VGIC_NR_PRIVATE_IRQS, VGIC_PRI_MASK, type IrqBank } from './vgic-state';

type BitField = 'enabled' | 'pendingLatch' | 'active' | 'group';

/** A register with one bit per INTID reading `field`. */
const readBits =
  (field: BitField): RegRead =>
  (s, vcpu, offset, len) => {
    const first = vgicAddrToIntid(offset, 1);
    const b = s.bank(vcpu, first);
    if (!b) return 0;
    const a = b[field];
    let v = 0;
    for (let i = 0; i < len * 8; i++) if (a[first + i]) v |= 1 << i;
    return v >>> 0;
  };

/** Each 1 bit sets `field` to `to` (the set-/clear-enable, -pending, -active registers). */
const writeOnes =
  (field: BitField, to: 0 | 1): RegWrite =>
  (s, vcpu, offset, len, val) => {
    const first = vgicAddrToIntid(offset, 1);
    const b = s.bank(vcpu, first);
    if (!b) return;
    const a = b[field];
    for (let i = 0; i < len * 8; i++) if ((val >>> i) & 1) a[first + i] = to;
  };

/** Every bit is stored (IGROUPR; the GICv3 userspace ISPENDR). */
const writeBits =
  (field: BitField): RegWrite =>
  (s, vcpu, offset, len, val) => {
    const first = vgicAddrToIntid(offset, 1);
    const b = s.bank(vcpu, first);
    if (!b) return;
    const a = b[field];
    for (let i = 0; i < len * 8; i++) a[first + i] = (val >>> i) & 1;
  };

export const readGroup = readBits('group');
export const writeGroup = writeBits('group');
export const readEnable = readBits('enabled');
export const writeSEnable = writeOnes('enabled', 1);
export const writeCEnable = writeOnes('enabled', 0);
export const readActive = readBits('active');
export const writeSActive = writeOnes('active', 1);
export const writeCActive = writeOnes('active', 0);

/** The pending state (irq_is_pending): latch, or line for a level-sensitive interrupt. */
export const readPending: RegRead = (s, vcpu, offset, len) => {
  const first = vgicAddrToIntid(offset, 1);
  const b = s.bank(vcpu, first);
  if (!b) return 0;
  let v = 0;
  for (let i = 0; i < len * 8; i++) if (b.isPending(first + i)) v |= 1 << i;
  return v >>> 0;
};
/** GICv3 userspace view of I[SC]PENDR: the raw latch (§10.3 "raw latch state"). */
export const readPendingLatch = readBits('pendingLatch');
/** ISPENDR: a 1 latches the interrupt pending, whatever its configuration. */
export const writeSPending = writeOnes('pendingLatch', 1);
/** ICPENDR: a 1 clears the latch (a level interrupt whose line is high stays pending). */
export const writeCPending = writeOnes('pendingLatch', 0);
/** GICv3 userspace ISPENDR (vgic_v3_uaccess_write_pending): the latch takes every bit. */
export const writeLatch = writeBits('pendingLatch');

/** IPRIORITYR: one byte per INTID, byte or word access. */
export const readPriority: RegRead = (s, vcpu, offset, len) => {
  const first = vgicAddrToIntid(offset, 8);
  const b = s.bank(vcpu, first);
  if (!b) return 0;
  let v = 0;
  for (let i = 0; i < len; i++) v |= b.priority[first + i] << (8 * i);
  return v >>> 0;
};
/** Keeps the implemented priority bits only (GENMASK(7, 8 - VGIC_PRI_BITS)). */
export const writePriority: RegWrite = (s, vcpu, offset, len, val) => {
  const first = vgicAddrToIntid(offset, 8);
  const b = s.bank(vcpu, first);
  if (!b) return;
  for (let i = 0; i < len; i++) b.priority[first + i] = (val >>> (8 * i)) & VGIC_PRI_MASK;
};

/** ICFGR: two bits per INTID, bit 2n+1 = edge-triggered. */
export const readConfig: RegRead = (s, vcpu, offset, len) => {
  const first = vgicAddrToIntid(offset, 2);
  const b = s.bank(vcpu, first);
  if (!b) return 0;
  let v = 0;
  for (let i = 0; i < len * 4; i++) if (b.edge[first + i]) v |= 2 << (2 * i);
  return v >>> 0;
};
/** SGIs are always edge and PPIs kept level (the timer relies on it): private INTIDs are read-only. */
export const writeConfig: RegWrite = (s, vcpu, offset, len, val) => {
  const first = vgicAddrToIntid(offset, 2);
  const b = s.bank(vcpu, first);
  if (!b) return;
  for (let i = 0; i < len * 4; i++) {
    if (first + i < VGIC_NR_PRIVATE_IRQS) continue;
    b.edge[first + i] = (val >>> (2 * i + 1)) & 1;
  }
};

/**
 * An input line change (KVM_IRQ_LINE, §8.2; vgic_validate_injection + kvm_vgic_inject_irq):
 * a level-sensitive interrupt follows the line; an edge-triggered one latches pending on an
 * assertion.
 */
export function injectLine(b: IrqBank, intid: number, level: boolean): void {
  if (b.edge[intid]) {
    if (level) b.pendingLatch[intid] = 1;
  } else {
    b.lineLevel[intid] = level ? 1 : 0;
  }
}
