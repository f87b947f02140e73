/**
 * The system-register table: one row per register the vCPU implements, in the style of QEMU's
 * ARMCPRegInfo (name, op0/op1/CRn/CRm/op2, reset value, how it may be accessed). The same rows
 * serve MRS/MSR in the CPU, KVM_GET/SET_ONE_REG and KVM_GET_REG_LIST (spec §6.3).
 *
 * Values an OS can read describe exactly what is emulated (spec §15; host-choices.ts): an
 * ARMv8.0 AArch64-only EL0/EL1 CPU, 4 KiB granule, 40-bit PA, no PMU, SVE, PAuth, MTE or EL2.
 */
import { HOST } from '../host-choices';
import { SYSREG_BASE, REG_FILE_WORDS } from './reg-file';

export interface SysRegRow {
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  /** Reset value, as a BigInt (control path only). */
  readonly reset: bigint;
  /**
   * How the register behaves:
   *  - 'rw': ordinary state, read and written by the guest (EL1) and by ONE_REG.
   *  - 'id': a feature ID register: read-only to the guest; ONE_REG writes only before the VM
   *    first runs and only to values that claim no more than is implemented (§6.3).
   *  - 'ro': read-only to the guest and to ONE_REG writes of a different value (EINVAL).
   *  - 'imp': MIDR/REVIDR/AIDR: writable by ONE_REG only with KVM_CAP_ARM_WRITABLE_IMP_ID_REGS.
   */
  readonly kind: 'rw' | 'id' | 'ro' | 'imp';
  /** Lowest exception level whose MRS/MSR may reach it (0 = EL0 too). */
  readonly el: 0 | 1;
  /** Listed by KVM_GET_REG_LIST and reachable through ONE_REG. */
  readonly oneReg: boolean;
}

export const sysregEncoding = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

type Row = [name: string, op0: number, op1: number, crn: number, crm: number, op2: number, reset: bigint, kind?: SysRegRow['kind'], el?: 0 | 1, oneReg?: boolean];

// ID_AA64PFR0_EL1: EL0 [3:0] = 1 and EL1 [7:4] = 1 (AArch64 only), EL2/EL3 not implemented,
// FP [19:16] and AdvSIMD [23:20] = 0xF (not implemented yet: they come with the Linux issue),
// GIC [27:24] = 0 here; a VM with a GICv3 reads 1 (the vCPU's view, see idRegView).
const ID_AA64PFR0 = 0x00ff0011n;
// ID_AA64ISAR0_EL1: Atomic [23:20] = 2 (LSE), CRC32 [19:16] = 1. Everything else not implemented.
const ID_AA64ISAR0 = 0x0000000000210000n;
// ID_AA64MMFR0_EL1: PARange [3:0] from the IPA limit, ASIDBits [7:4] = 2 (16 bits),
// TGran16 [23:20] = 0 (not supported), TGran64 [27:24] = 0xF (not supported), TGran4 [31:28] = 0.
const ID_AA64MMFR0 = 0x0f000020n | BigInt(HOST.PARANGE);
// ID_AA64DFR0_EL1: DebugVer [3:0] = 6 (v8), PMUVer [11:8] = 0 (no PMU), BRPs [15:12] = 5
// (6 breakpoints), WRPs [23:20] = 3 (4 watchpoints), CTX_CMPs [31:28] = 1.
const ID_AA64DFR0 = 0x10305006n | (BigInt(HOST.HW_BPS - 1) << 12n) & 0xf000n;

const ROWS: Row[] = [
  // Identification (op0 3, op1 0, CRn 0).
  ['MIDR_EL1', 3, 0, 0, 0, 0, HOST.MIDR, 'imp', 1],
  ['MPIDR_EL1', 3, 0, 0, 0, 5, 0x80000000n, 'rw', 1],
  ['REVIDR_EL1', 3, 0, 0, 0, 6, 0n, 'imp', 1],
  ['ID_PFR0_EL1', 3, 0, 0, 1, 0, 0n, 'id', 1],
  ['ID_PFR1_EL1', 3, 0, 0, 1, 1, 0n, 'id', 1],
  ['ID_DFR0_EL1', 3, 0, 0, 1, 2, 0n, 'id', 1],
  ['ID_AFR0_EL1', 3, 0, 0, 1, 3, 0n, 'id', 1],
  ['ID_MMFR0_EL1', 3, 0, 0, 1, 4, 0n, 'id', 1],
  ['ID_MMFR1_EL1', 3, 0, 0, 1, 5, 0n, 'id', 1],
  ['ID_MMFR2_EL1', 3, 0, 0, 1, 6, 0n, 'id', 1],
  ['ID_MMFR3_EL1', 3, 0, 0, 1, 7, 0n, 'id', 1],
  ['ID_ISAR0_EL1', 3, 0, 0, 2, 0, 0n, 'id', 1],
  ['ID_ISAR1_EL1', 3, 0, 0, 2, 1, 0n, 'id', 1],
  ['ID_ISAR2_EL1', 3, 0, 0, 2, 2, 0n, 'id', 1],
  ['ID_ISAR3_EL1', 3, 0, 0, 2, 3, 0n, 'id', 1],
  ['ID_ISAR4_EL1', 3, 0, 0, 2, 4, 0n, 'id', 1],
  ['ID_ISAR5_EL1', 3, 0, 0, 2, 5, 0n, 'id', 1],
  ['ID_MMFR4_EL1', 3, 0, 0, 2, 6, 0n, 'id', 1],
  ['ID_ISAR6_EL1', 3, 0, 0, 2, 7, 0n, 'id', 1],
  ['MVFR0_EL1', 3, 0, 0, 3, 0, 0n, 'id', 1],
  ['MVFR1_EL1', 3, 0, 0, 3, 1, 0n, 'id', 1],
  ['MVFR2_EL1', 3, 0, 0, 3, 2, 0n, 'id', 1],
  ['ID_AA64PFR0_EL1', 3, 0, 0, 4, 0, ID_AA64PFR0, 'id', 1],
  ['ID_AA64PFR1_EL1', 3, 0, 0, 4, 1, 0n, 'id', 1],
  ['ID_AA64ZFR0_EL1', 3, 0, 0, 4, 4, 0n, 'id', 1],
  ['ID_AA64DFR0_EL1', 3, 0, 0, 5, 0, ID_AA64DFR0, 'id', 1],
  ['ID_AA64DFR1_EL1', 3, 0, 0, 5, 1, 0n, 'id', 1],
  ['ID_AA64AFR0_EL1', 3, 0, 0, 5, 4, 0n, 'id', 1],
  ['ID_AA64AFR1_EL1', 3, 0, 0, 5, 5, 0n, 'id', 1],
  ['ID_AA64ISAR0_EL1', 3, 0, 0, 6, 0, ID_AA64ISAR0, 'id', 1],
  ['ID_AA64ISAR1_EL1', 3, 0, 0, 6, 1, 0n, 'id', 1],
  ['ID_AA64ISAR2_EL1', 3, 0, 0, 6, 2, 0n, 'id', 1],
  ['ID_AA64MMFR0_EL1', 3, 0, 0, 7, 0, ID_AA64MMFR0, 'id', 1],
  ['ID_AA64MMFR1_EL1', 3, 0, 0, 7, 1, 0n, 'id', 1],
  ['ID_AA64MMFR2_EL1', 3, 0, 0, 7, 2, 0n, 'id', 1],
  // Cache identification.
  ['CCSIDR_EL1', 3, 1, 0, 0, 0, 0n, 'ro', 1, false],
  ['CLIDR_EL1', 3, 1, 0, 0, 1, HOST.CLIDR, 'ro', 1],
  ['AIDR_EL1', 3, 1, 0, 0, 7, 0n, 'imp', 1],
  ['CSSELR_EL1', 3, 2, 0, 0, 0, 0n, 'rw', 1],
  ['CTR_EL0', 3, 3, 0, 0, 1, HOST.CTR, 'ro', 0],
  ['DCZID_EL0', 3, 3, 0, 0, 7, HOST.DCZID, 'ro', 0, false],
  // System control.
  ['SCTLR_EL1', 3, 0, 1, 0, 0, 0x00c50078n, 'rw', 1],
  ['ACTLR_EL1', 3, 0, 1, 0, 1, 0n, 'rw', 1],
  ['CPACR_EL1', 3, 0, 1, 0, 2, 0n, 'rw', 1],
  ['TTBR0_EL1', 3, 0, 2, 0, 0, 0n, 'rw', 1],
  ['TTBR1_EL1', 3, 0, 2, 0, 1, 0n, 'rw', 1],
  ['TCR_EL1', 3, 0, 2, 0, 2, 0n, 'rw', 1],
  ['AFSR0_EL1', 3, 0, 5, 1, 0, 0n, 'rw', 1],
  ['AFSR1_EL1', 3, 0, 5, 1, 1, 0n, 'rw', 1],
  ['ESR_EL1', 3, 0, 5, 2, 0, 0n, 'rw', 1],
  ['FAR_EL1', 3, 0, 6, 0, 0, 0n, 'rw', 1],
  ['PAR_EL1', 3, 0, 7, 4, 0, 0n, 'rw', 1],
  ['MAIR_EL1', 3, 0, 10, 2, 0, 0n, 'rw', 1],
  ['AMAIR_EL1', 3, 0, 10, 3, 0, 0n, 'rw', 1],
  ['VBAR_EL1', 3, 0, 12, 0, 0, 0n, 'rw', 1],
  ['CONTEXTIDR_EL1', 3, 0, 13, 0, 1, 0n, 'rw', 1],
  ['TPIDR_EL1', 3, 0, 13, 0, 4, 0n, 'rw', 1],
  ['CNTKCTL_EL1', 3, 0, 14, 1, 0, 0n, 'rw', 1],
  ['TPIDR_EL0', 3, 3, 13, 0, 2, 0n, 'rw', 0],
  ['TPIDRRO_EL0', 3, 3, 13, 0, 3, 0n, 'rw', 0],
  // Generic timer (spec §6.4: reached through the KVM_REG_ARM_TIMER_* / PTIMER_* pseudo-ids, not
  // listed under their own encodings). CNTFRQ_EL0 is read-only at EL0/EL1.
  ['CNTFRQ_EL0', 3, 3, 14, 0, 0, BigInt(HOST.CNTFRQ), 'ro', 0, false],
  ['CNTP_CTL_EL0', 3, 3, 14, 2, 1, 0n, 'rw', 0, false],
  ['CNTP_CVAL_EL0', 3, 3, 14, 2, 2, 0n, 'rw', 0, false],
  ['CNTV_CTL_EL0', 3, 3, 14, 3, 1, 0n, 'rw', 0, false],
  ['CNTV_CVAL_EL0', 3, 3, 14, 3, 2, 0n, 'rw', 0, false],
  // Debug (op0 2).
  ['MDCCINT_EL1', 2, 0, 0, 2, 0, 0n, 'rw', 1],
  ['MDSCR_EL1', 2, 0, 0, 2, 2, 0n, 'rw', 1],
  ['OSLAR_EL1', 2, 0, 1, 0, 4, 0n, 'rw', 1, false],
  ['OSLSR_EL1', 2, 0, 1, 1, 4, 0x8n, 'ro', 1, false],
  ['OSDLR_EL1', 2, 0, 1, 3, 4, 0n, 'rw', 1],
  ['DBGPRCR_EL1', 2, 0, 1, 4, 4, 0n, 'rw', 1],
  ...debugPairs(),
];

function debugPairs(): Row[] {
  const rows: Row[] = [];
  for (let n = 0; n < HOST.HW_BPS; n++) {
    rows.push([`DBGBVR${n}_EL1`, 2, 0, 0, n, 4, 0n, 'rw', 1]);
    rows.push([`DBGBCR${n}_EL1`, 2, 0, 0, n, 5, 0n, 'rw', 1]);
  }
  for (let n = 0; n < HOST.HW_WPS; n++) {
    rows.push([`DBGWVR${n}_EL1`, 2, 0, 0, n, 6, 0n, 'rw', 1]);
    rows.push([`DBGWCR${n}_EL1`, 2, 0, 0, n, 7, 0n, 'rw', 1]);
  }
  return rows;
}

export interface SysReg extends SysRegRow {
  /** op0:op1:CRn:CRm:op2 packed as in the MRS/MSR operand and the ONE_REG id (§6.3). */
  readonly encoding: number;
  /** First word of the register in the register file. */
  readonly word: number;
}

export const SYSREGS: readonly SysReg[] = ROWS.map(([name, op0, op1, crn, crm, op2, reset, kind = 'rw', el = 1, oneReg = true], i) => ({
  name, op0, op1, crn, crm, op2, reset, kind, el, oneReg,
  encoding: sysregEncoding(op0, op1, crn, crm, op2),
  word: SYSREG_BASE + 2 * i,
}));

if (SYSREG_BASE + 2 * SYSREGS.length > REG_FILE_WORDS) throw new Error('sysreg table does not fit the register file');

export const SYSREG_BY_ENCODING: ReadonlyMap<number, SysReg> = new Map(SYSREGS.map((r) => [r.encoding, r]));
export const SYSREG_BY_NAME: ReadonlyMap<string, SysReg> = new Map(SYSREGS.map((r) => [r.name, r]));

/** The register file word of a named register (throws on a typo: a programming error). */
export function sysregWord(name: string): number {
  const r = SYSREG_BY_NAME.get(name);
  if (!r) throw new Error(`no system register ${name}`);
  return r.word;
}
