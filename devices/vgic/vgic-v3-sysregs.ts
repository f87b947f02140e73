/**
 * The GICv3 CPU interface system registers userspace reaches through CPU_SYSREGS (spec §10.5):
 * one row per register, named as in the Arm ARM, keyed by the op0:op1:CRn:CRm:op2 encoding in
 * attr bits 15:0. Values are u64; every field lives in the low 32 bits.
 *
 * linux: arch/arm64/kvm/vgic-sys-reg-v3.c (gic_v3_icc_reg_descs, set_gic_ctlr, get/set_apr_reg,
 * set_gic_sre).
 */
import { check } from '../../vmcore/errno';
import { sysregEncoding } from '../../vmcore/cpu/sysregs';
import { ICC_A3V, ICC_SEIS, type CpuIf } from './vgic-state';

// ICC_CTLR_EL1 fields.
export const ICC_CTLR_EL1_CBPR = 1 << 0;
export const ICC_CTLR_EL1_EOImode = 1 << 1;
export const ICC_CTLR_EL1_PRI_BITS_SHIFT = 8;
export const ICC_CTLR_EL1_ID_BITS_SHIFT = 11;
export const ICC_CTLR_EL1_SEIS_SHIFT = 14;
export const ICC_CTLR_EL1_A3V_SHIFT = 15;
export const ICC_SRE_EL1_SRE = 1 << 0;

export interface IccSysReg {
  readonly name: string;
  /** attr bits 15:0 (KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK). */
  readonly encoding: number;
  /** The value, or throws EINVAL where the register is not accessible. */
  get(c: CpuIf): number;
  /** `val` is the low 32 bits of the u64; throws EINVAL for a value KVM refuses (§10.5). */
  set(c: CpuIf, val: number): void;
}

/** ICC_CTLR_EL1 as read (userspace and guest). */
export function ctlrGet(c: CpuIf): number {
  return (
    ((c.numPriBits - 1) << ICC_CTLR_EL1_PRI_BITS_SHIFT) |
    (c.numIdBits << ICC_CTLR_EL1_ID_BITS_SHIFT) |
    (ICC_SEIS << ICC_CTLR_EL1_SEIS_SHIFT) |
    (ICC_A3V << ICC_CTLR_EL1_A3V_SHIFT) |
    (c.cbpr ? ICC_CTLR_EL1_CBPR : 0) |
    (c.eoim ? ICC_CTLR_EL1_EOImode : 0)
  );
}

/** set_gic_ctlr: no more priority or ID bits than now, SEIS and A3V as the implementation. */
function ctlrSet(c: CpuIf, val: number): void {
  const priBits = ((val >>> ICC_CTLR_EL1_PRI_BITS_SHIFT) & 7) + 1;
  const idBits = (val >>> ICC_CTLR_EL1_ID_BITS_SHIFT) & 7;
  check(priBits <= c.numPriBits, 'EINVAL', `ICC_CTLR_EL1.PRIbits claims ${priBits} priority bits, ${c.numPriBits} implemented (§10.5)`);
  check(idBits <= c.numIdBits, 'EINVAL', `ICC_CTLR_EL1.IDbits ${idBits} exceeds ${c.numIdBits} (§10.5)`);
  check(((val >>> ICC_CTLR_EL1_SEIS_SHIFT) & 1) === ICC_SEIS, 'EINVAL', 'ICC_CTLR_EL1.SEIS differs from the implementation (§10.5)');
  check(((val >>> ICC_CTLR_EL1_A3V_SHIFT) & 1) === ICC_A3V, 'EINVAL', 'ICC_CTLR_EL1.A3V differs from the implementation (§10.5)');
  c.numPriBits = priBits;
  c.numIdBits = idBits;
  c.cbpr = val & ICC_CTLR_EL1_CBPR ? 1 : 0;
  c.eoim = val & ICC_CTLR_EL1_EOImode ? 1 : 0;
}

/** ICC_AP0Rn_EL1 / ICC_AP1Rn_EL1: only n within the implemented priority bits (§10.5). */
function apr(name: string, crm: number, op2: number, group: 0 | 1, n: number): IccSysReg {
  const regs = (c: CpuIf) => (group === 0 ? c.ap0r : c.ap1r);
  const accessible = (c: CpuIf) => check(n <= c.maxAprIdx(), 'EINVAL', `${name} is not implemented with ${c.numPriBits} priority bits (§10.5)`);
  return {
    name,
    encoding: sysregEncoding(3, 0, 12, crm, op2),
    get: (c) => {
      accessible(c);
      return regs(c)[n];
    },
    set: (c, val) => {
      accessible(c);
      regs(c)[n] = val >>> 0;
    },
  };
}

export const ICC_SYSREGS: readonly IccSysReg[] = [
  {
    name: 'ICC_PMR_EL1',
    encoding: sysregEncoding(3, 0, 4, 6, 0),
    get: (c) => c.pmr,
    set: (c, v) => {
      c.pmr = v & 0xff;
    },
  },
  {
    name: 'ICC_BPR0_EL1',
    encoding: sysregEncoding(3, 0, 12, 8, 3),
    get: (c) => c.bpr,
    set: (c, v) => {
      c.bpr = v & 7;
    },
  },
  ...[0, 1, 2, 3].map((n) => apr(`ICC_AP0R${n}_EL1`, 8, 4 + n, 0, n)),
  ...[0, 1, 2, 3].map((n) => apr(`ICC_AP1R${n}_EL1`, 9, n, 1, n)),
  {
    // With CBPR set, BPR1 reads as BPR0 + 1 (saturating at 7) and ignores writes.
    name: 'ICC_BPR1_EL1',
    encoding: sysregEncoding(3, 0, 12, 12, 3),
    get: (c) => (c.cbpr ? Math.min(c.bpr + 1, 7) : c.abpr),
    set: (c, v) => {
      if (!c.cbpr) c.abpr = v & 7;
    },
  },
  { name: 'ICC_CTLR_EL1', encoding: sysregEncoding(3, 0, 12, 12, 4), get: ctlrGet, set: ctlrSet },
  {
    // SRE is RAO/WI for a GICv3 guest, but a write clearing it is refused.
    name: 'ICC_SRE_EL1',
    encoding: sysregEncoding(3, 0, 12, 12, 5),
    get: (c) => c.sre,
    set: (_c, v) => check((v & ICC_SRE_EL1_SRE) !== 0, 'EINVAL', 'ICC_SRE_EL1.SRE must stay 1 (§10.5)'),
  },
  {
    name: 'ICC_IGRPEN0_EL1',
    encoding: sysregEncoding(3, 0, 12, 12, 6),
    get: (c) => c.grpen0,
    set: (c, v) => {
      c.grpen0 = v & 1;
    },
  },
  {
    name: 'ICC_IGRPEN1_EL1',
    encoding: sysregEncoding(3, 0, 12, 12, 7),
    get: (c) => c.grpen1,
    set: (c, v) => {
      c.grpen1 = v & 1;
    },
  },
];

export const ICC_SYSREG_BY_ENCODING: ReadonlyMap<number, IccSysReg> = new Map(ICC_SYSREGS.map((r) => [r.encoding, r]));
