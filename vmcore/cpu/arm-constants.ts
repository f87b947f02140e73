/**
 * Architectural constants the CPU and its tests share, with Linux's names
 * (arch/arm64/include/asm/esr.h, arch/arm64/include/uapi/asm/ptrace.h).
 */

// ESR_ELx.EC: exception classes (Arm ARM D17.2.37; esr.h).
export const ESR_ELx_EC_UNKNOWN = 0x00;
export const ESR_ELx_EC_WFx = 0x01;
export const ESR_ELx_EC_FP_ASIMD = 0x07;
export const ESR_ELx_EC_ILL = 0x0e;
export const ESR_ELx_EC_SVC64 = 0x15;
export const ESR_ELx_EC_HVC64 = 0x16;
export const ESR_ELx_EC_SMC64 = 0x17;
export const ESR_ELx_EC_SYS64 = 0x18;
export const ESR_ELx_EC_IABT_LOW = 0x20;
export const ESR_ELx_EC_IABT_CUR = 0x21;
export const ESR_ELx_EC_PC_ALIGN = 0x22;
export const ESR_ELx_EC_DABT_LOW = 0x24;
export const ESR_ELx_EC_DABT_CUR = 0x25;
export const ESR_ELx_EC_SP_ALIGN = 0x26;
export const ESR_ELx_EC_SERROR = 0x2f;
export const ESR_ELx_EC_BRK64 = 0x3c;

export const ESR_ELx_EC_SHIFT = 26;
/** IL: 32-bit instruction; always set for A64 (and RES1 for aborts without a valid ISS). */
export const ESR_ELx_IL = 1 << 25;
export const ESR_ELx_ISV = 1 << 24;
export const ESR_ELx_SAS_SHIFT = 22;
export const ESR_ELx_SSE = 1 << 21;
export const ESR_ELx_SRT_SHIFT = 16;
export const ESR_ELx_SF = 1 << 15;
export const ESR_ELx_AR = 1 << 14;
export const ESR_ELx_CM = 1 << 8;
export const ESR_ELx_WNR = 1 << 6;

// Data/instruction fault status codes (ISS.DFSC / IFSC).
export const ESR_ELx_FSC_ADDRSZ = 0x00; // address size fault, level 0
export const ESR_ELx_FSC_FAULT_L3 = 0x07; // translation fault, level 3
export const ESR_ELx_FSC_PERM_L3 = 0x0f; // permission fault, level 3
export const ESR_ELx_FSC_EXTABT = 0x10; // synchronous external abort
export const ESR_ELx_FSC_ALIGN = 0x21;

// Trapped WFI/WFE (EC 0x01) ISS: CV = 1 and COND = 0b1110 from AArch64, TI = 1 for WFE.
export const ESR_ELx_WFx_ISS_WFI = (1 << 24) | (0xe << 20);
export const ESR_ELx_WFx_ISS_WFE = ESR_ELx_WFx_ISS_WFI | 1;

// PSTATE as saved in SPSR_EL1 and in the register file's PSTATE word (ptrace.h).
export const PSR_MODE_EL0t = 0x0;
export const PSR_MODE_EL1t = 0x4;
export const PSR_MODE_EL1h = 0x5;
export const PSR_MODE_MASK = 0x1f;
export const PSR_MODE32_BIT = 0x10;
export const PSR_F_BIT = 0x40;
export const PSR_I_BIT = 0x80;
export const PSR_A_BIT = 0x100;
export const PSR_D_BIT = 0x200;
export const PSR_DAIF_MASK = 0x3c0;
export const PSR_IL_BIT = 1 << 20;
export const PSR_SS_BIT = 1 << 21;
export const PSR_NZCV_MASK = 0xf0000000 | 0;

// Vector offsets from VBAR_EL1 (Arm ARM D1.10.2): group by where the exception came from,
// then kind within the group.
export const VECTOR_CURRENT_SP0 = 0x000;
export const VECTOR_CURRENT_SPX = 0x200;
export const VECTOR_LOWER_A64 = 0x400;
export const VECTOR_SYNC = 0x000;
export const VECTOR_IRQ = 0x080;
export const VECTOR_FIQ = 0x100;
export const VECTOR_SERROR = 0x180;

// SCTLR_EL1 bits the CPU consults (Arm ARM D17.2.118).
export const SCTLR_ELx_M = 1 << 0;
export const SCTLR_ELx_A = 1 << 1;
export const SCTLR_ELx_SA = 1 << 3;
export const SCTLR_EL1_SA0 = 1 << 4;
export const SCTLR_EL1_UMA = 1 << 9;
export const SCTLR_EL1_DZE = 1 << 14;
export const SCTLR_EL1_UCT = 1 << 15;
export const SCTLR_EL1_NTWI = 1 << 16;
export const SCTLR_EL1_NTWE = 1 << 18;
export const SCTLR_EL1_E0E = 1 << 24;
export const SCTLR_ELx_EE = 1 << 25;
export const SCTLR_EL1_UCI = 1 << 26;

/** DC ZVA block size in bytes: DCZID_EL0.BS = 4 (host-choices.ts HOST.DCZID). */
export const DC_ZVA_BYTES = 64;
