/**
 * The slice of VGIC interrupt ownership the timer and the PMU need (linux: vgic.c
 * kvm_vgic_set_owner, vgic.h irq_is_ppi / vgic_valid_spi). PPIs are per vCPU, SPIs per VM.
 */
import type { ErrnoName } from '../../vmcore/errno';
import type { AttrContext } from './vcpu-attr-host';
import type { IrqOwner } from './vcpu-attr-state';

export const VGIC_NR_SGIS = 16;
export const VGIC_NR_PRIVATE_IRQS = 32;
/** The largest SPI INTID (1020..1023 are special). */
export const VGIC_MAX_SPI = 1019;

export const irqIsPpi = (irq: number): boolean => irq >= VGIC_NR_SGIS && irq < VGIC_NR_PRIVATE_IRQS;
export const irqIsSpi = (irq: number): boolean => irq >= VGIC_NR_PRIVATE_IRQS && irq <= VGIC_MAX_SPI;

/** vgic_valid_spi(): an SPI the VGIC actually implements. */
export function vgicValidSpi(ctx: AttrContext, irq: number): boolean {
  const nrSpis = ctx.host.vgicNrSpis?.() ?? VGIC_MAX_SPI + 1 - VGIC_NR_PRIVATE_IRQS;
  return irq >= VGIC_NR_PRIVATE_IRQS && irq < VGIC_NR_PRIVATE_IRQS + nrSpis;
}

function owners(ctx: AttrContext, irq: number): Map<number, IrqOwner> {
  return irqIsPpi(irq) ? ctx.vs.ppiOwner : ctx.vm.spiOwner;
}

/**
 * The errno kvm_vgic_set_owner() would return for claiming `irq` for `owner`, without claiming:
 * EAGAIN before the VGIC is initialised, EINVAL for an SGI/LPI or an SPI the VGIC lacks, EEXIST
 * if another owner holds it. null if the claim would succeed.
 */
export function vgicOwnerConflict(ctx: AttrContext, irq: number, owner: IrqOwner): ErrnoName | null {
  if (!ctx.host.vgicInitialized()) return 'EAGAIN';
  if (!irqIsPpi(irq) && !vgicValidSpi(ctx, irq)) return 'EINVAL';
  const held = owners(ctx, irq).get(irq);
  return held !== undefined && held !== owner ? 'EEXIST' : null;
}

/** Records the claim; call only after vgicOwnerConflict() returned null. */
export function vgicClaim(ctx: AttrContext, irq: number, owner: IrqOwner): void {
  owners(ctx, irq).set(irq, owner);
}
