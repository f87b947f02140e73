/**
 * The A64 decode table, in the style of QEMU's target/arm/tcg/a64.decode: one pattern per
 * instruction form, named after the mnemonic and form (ADD_i, LDR_lit, B_cond ...), grouped by
 * the Arm ARM's instruction classes (Arm ARM C4.1). Semantics live elsewhere
 * (a64-exec-*.ts), keyed by the same names, so a later WebAssembly translator can be driven by
 * this table too.
 *
 * A pattern is a 32-bit spec, most significant bit first, of space-separated tokens:
 *   `0`/`1`/`.`      fixed bits / don't care
 *   `rd:5`          an unsigned field of 5 bits; `imm19:s19` a signed one
 *   `sf:1=1`        a field whose bits are also constrained (`.` = free), e.g. `imm6:6=0.....`
 * Several lines may share a name (the 32-bit and 64-bit forms, or an allocated range split
 * around its unallocated holes): they share semantics. Lines are tried in table order and the
 * first match wins, so a specific line precedes a general one (hints before NOP). An encoding
 * matching no line is unallocated: the CPU raises UNDEFINED (EC 0), never a JS exception.
 *
 * Only the ARMv8.0 integer ISA plus what the ID registers advertise is decoded: LSE atomics
 * (ID_AA64ISAR0_EL1.Atomic), CRC32 (ISAR0.CRC32), LDAPR (ISAR1.LRCPC). Each of those lines names
 * its feature; decoding with the feature off makes it unallocated, as on a CPU without it.
 * SIMD&FP, SVE, PAuth, MTE, LOR and the other extensions stay unallocated.
 */

export const FEAT_LSE = 1;
export const FEAT_CRC32 = 2;
export const FEAT_LRCPC = 4;

export interface A64Field {
  readonly name: string;
  /** Least significant bit position. */
  readonly pos: number;
  readonly len: number;
  readonly signed: boolean;
}

export interface A64Pattern {
  readonly name: string;
  /** Arm ARM instruction class (C4.1), for documentation and grouping. */
  readonly cls: string;
  readonly spec: string;
  readonly mask: number;
  readonly value: number;
  readonly fields: readonly A64Field[];
  /** FEAT_* bit the line needs, 0 for the base ISA. */
  readonly feature: number;
}

type Line = [name: string, spec: string, feature?: number];

const DP_IMM: Line[] = [
  // PC-rel addressing
  ['ADR', '0 immlo:2 10000 immhi:19 rd:5'],
  ['ADRP', '1 immlo:2 10000 immhi:19 rd:5'],
  // Add/subtract (immediate)
  ['ADD_i', 'sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5'],
  ['ADDS_i', 'sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5'],
  ['SUB_i', 'sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5'],
  ['SUBS_i', 'sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5'],
  // Logical (immediate): N = 1 only in the 64-bit form
  ...both32and64('AND_i', '00 100100 n:1 immr:6 imms:6 rn:5 rd:5', '00 100100 n:1=0 immr:6 imms:6 rn:5 rd:5'),
  ...both32and64('ORR_i', '01 100100 n:1 immr:6 imms:6 rn:5 rd:5', '01 100100 n:1=0 immr:6 imms:6 rn:5 rd:5'),
  ...both32and64('EOR_i', '10 100100 n:1 immr:6 imms:6 rn:5 rd:5', '10 100100 n:1=0 immr:6 imms:6 rn:5 rd:5'),
  ...both32and64('ANDS_i', '11 100100 n:1 immr:6 imms:6 rn:5 rd:5', '11 100100 n:1=0 immr:6 imms:6 rn:5 rd:5'),
  // Move wide (immediate): hw < 2 in the 32-bit form
  ...both32and64('MOVN', '00 100101 hw:2 imm16:16 rd:5', '00 100101 hw:2=0. imm16:16 rd:5'),
  ...both32and64('MOVZ', '10 100101 hw:2 imm16:16 rd:5', '10 100101 hw:2=0. imm16:16 rd:5'),
  ...both32and64('MOVK', '11 100101 hw:2 imm16:16 rd:5', '11 100101 hw:2=0. imm16:16 rd:5'),
  // Bitfield: N = sf, and immr/imms < 32 in the 32-bit form
  ...both32and64('SBFM', '00 100110 n:1=1 immr:6 imms:6 rn:5 rd:5', '00 100110 n:1=0 immr:6=0..... imms:6=0..... rn:5 rd:5'),
  ...both32and64('BFM', '01 100110 n:1=1 immr:6 imms:6 rn:5 rd:5', '01 100110 n:1=0 immr:6=0..... imms:6=0..... rn:5 rd:5'),
  ...both32and64('UBFM', '10 100110 n:1=1 immr:6 imms:6 rn:5 rd:5', '10 100110 n:1=0 immr:6=0..... imms:6=0..... rn:5 rd:5'),
  // Extract
  ...both32and64('EXTR', '00 100111 n:1=1 0 rm:5 imms:6 rn:5 rd:5', '00 100111 n:1=0 0 rm:5 imms:6=0..... rn:5 rd:5'),
];

const BRANCH_SYS: Line[] = [
  // Conditional branch (immediate); bit 4 = 1 is BC.cond (FEAT_HBC), unallocated here
  ['B_cond', '0101010 0 imm19:s19 0 cond:4'],
  // Exception generation; DCPS1-3 only exist in Debug state: unallocated
  ['SVC', '11010100 000 imm16:16 000 01'],
  ['HVC', '11010100 000 imm16:16 000 10'],
  ['SMC', '11010100 000 imm16:16 000 11'],
  ['BRK', '11010100 001 imm16:16 000 00'],
  ['HLT', '11010100 010 imm16:16 000 00'],
  // Hints: every unallocated hint executes as NOP (Arm ARM C6.2.238), so NOP comes last
  ['YIELD', '1101010100 0 00 011 0010 0000 001 11111'],
  ['WFE', '1101010100 0 00 011 0010 0000 010 11111'],
  ['WFI', '1101010100 0 00 011 0010 0000 011 11111'],
  ['SEV', '1101010100 0 00 011 0010 0000 100 11111'],
  ['SEVL', '1101010100 0 00 011 0010 0000 101 11111'],
  ['NOP', '1101010100 0 00 011 0010 crm:4 op2:3 11111'],
  // Barriers (SB, op2 = 111, is FEAT_SB: unallocated)
  ['CLREX', '1101010100 0 00 011 0011 crm:4 010 11111'],
  ['DSB', '1101010100 0 00 011 0011 crm:4 100 11111'],
  ['DMB', '1101010100 0 00 011 0011 crm:4 101 11111'],
  ['ISB', '1101010100 0 00 011 0011 crm:4 110 11111'],
  // PSTATE (MSR immediate); PAN/UAO/DIT/SSBS/TCO fields are not implemented: unallocated
  ['MSR_i_SPSEL', '1101010100 0 00 000 0100 crm:4 101 11111'],
  ['MSR_i_DAIFSET', '1101010100 0 00 011 0100 crm:4 110 11111'],
  ['MSR_i_DAIFCLR', '1101010100 0 00 011 0100 crm:4 111 11111'],
  // System instructions (op0 = 1) and system register moves (op0 = 2, 3); SYSL is unallocated
  ['SYS', '1101010100 0 01 op1:3 crn:4 crm:4 op2:3 rt:5'],
  ['MSR_r', '1101010100 0 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5'],
  ['MRS', '1101010100 1 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5'],
  // Unconditional branch (register); the PAuth forms are unallocated
  ['BR', '1101011 0000 11111 000000 rn:5 00000'],
  ['BLR', '1101011 0001 11111 000000 rn:5 00000'],
  ['RET', '1101011 0010 11111 000000 rn:5 00000'],
  ['ERET', '1101011 0100 11111 000000 11111 00000'],
  // Unconditional branch (immediate)
  ['B', '0 00101 imm26:s26'],
  ['BL', '1 00101 imm26:s26'],
  // Compare and branch (immediate)
  ['CBZ', 'sf:1 011010 0 imm19:s19 rt:5'],
  ['CBNZ', 'sf:1 011010 1 imm19:s19 rt:5'],
  // Test and branch (immediate)
  ['TBZ', 'b5:1 011011 0 b40:5 imm14:s14 rt:5'],
  ['TBNZ', 'b5:1 011011 1 b40:5 imm14:s14 rt:5'],
];

const LDST: Line[] = [
  // Load/store exclusive register, ordered, compare and swap (bits 23:21 = o2 L o1)
  ['STXR', 'size:2 001000 0 0 0 rs:5 o0:1 rt2:5 rn:5 rt:5'],
  ['LDXR', 'size:2 001000 0 1 0 rs:5 o0:1 rt2:5 rn:5 rt:5'],
  ['STXP', '1 sz:1 001000 0 0 1 rs:5 o0:1 rt2:5 rn:5 rt:5'],
  ['LDXP', '1 sz:1 001000 0 1 1 rs:5 o0:1 rt2:5 rn:5 rt:5'],
  // o0 = 0 would be STLLR/LDLAR (FEAT_LOR): unallocated. Rs and Rt2 "should be one"; like
  // QEMU 7.2 (and the CONSTRAINED UNPREDICTABLE choice of ignoring them) they are not checked.
  ['STLR', 'size:2 001000 1 0 0 rs:5 1 rt2:5 rn:5 rt:5'],
  ['LDAR', 'size:2 001000 1 1 0 rs:5 1 rt2:5 rn:5 rt:5'],
  ['CAS', 'size:2 001000 1 l:1 1 rs:5 o0:1 11111 rn:5 rt:5', FEAT_LSE],
  ['CASP', '0 sz:1 001000 0 l:1 1 rs:5 o0:1 11111 rn:5 rt:5', FEAT_LSE],
  // Load register (literal); V = 1 (SIMD&FP) is unallocated
  ['LDR_lit', '0 sf:1 011 0 00 imm19:s19 rt:5'],
  ['LDRSW_lit', '10 011 0 00 imm19:s19 rt:5'],
  ['PRFM_lit', '11 011 0 00 imm19:s19 rt:5'],
  // Load/store pair; mode: 00 non-temporal offset (STNP/LDNP), 01 post, 10 offset, 11 pre
  ['STP', 'sf:1 0 101 0 0 mode:2 0 imm7:s7 rt2:5 rn:5 rt:5'],
  ['LDP', 'sf:1 0 101 0 0 mode:2 1 imm7:s7 rt2:5 rn:5 rt:5'],
  ['LDPSW', '01 101 0 0 mode:2=01 1 imm7:s7 rt2:5 rn:5 rt:5'],
  ['LDPSW', '01 101 0 0 mode:2=1. 1 imm7:s7 rt2:5 rn:5 rt:5'],
  // Load/store register: unsigned offset
  ['STR_i', 'size:2 111 0 01 00 imm12:12 rn:5 rt:5'],
  ['LDR_i', 'size:2 111 0 01 01 imm12:12 rn:5 rt:5'],
  ...ldrs('LDRS_i', '111 0 01', 'imm12:12 rn:5 rt:5'),
  ['PRFM_i', '11 111 0 01 10 imm12:12 rn:5 rt:5'],
  // Load/store register: unscaled immediate
  ['STUR', 'size:2 111 0 00 00 0 imm9:s9 00 rn:5 rt:5'],
  ['LDUR', 'size:2 111 0 00 01 0 imm9:s9 00 rn:5 rt:5'],
  ...ldrs('LDURS', '111 0 00', '0 imm9:s9 00 rn:5 rt:5'),
  ['PRFUM', '11 111 0 00 10 0 imm9:s9 00 rn:5 rt:5'],
  // Load/store register: immediate post-indexed
  ['STR_post', 'size:2 111 0 00 00 0 imm9:s9 01 rn:5 rt:5'],
  ['LDR_post', 'size:2 111 0 00 01 0 imm9:s9 01 rn:5 rt:5'],
  ...ldrs('LDRS_post', '111 0 00', '0 imm9:s9 01 rn:5 rt:5'),
  // Load/store register: unprivileged
  ['STTR', 'size:2 111 0 00 00 0 imm9:s9 10 rn:5 rt:5'],
  ['LDTR', 'size:2 111 0 00 01 0 imm9:s9 10 rn:5 rt:5'],
  ...ldrs('LDTRS', '111 0 00', '0 imm9:s9 10 rn:5 rt:5'),
  // Load/store register: immediate pre-indexed
  ['STR_pre', 'size:2 111 0 00 00 0 imm9:s9 11 rn:5 rt:5'],
  ['LDR_pre', 'size:2 111 0 00 01 0 imm9:s9 11 rn:5 rt:5'],
  ...ldrs('LDRS_pre', '111 0 00', '0 imm9:s9 11 rn:5 rt:5'),
  // Load/store register: register offset (option<1> = 0 is unallocated)
  ['STR_r', 'size:2 111 0 00 00 1 rm:5 option:3=.1. s:1 10 rn:5 rt:5'],
  ['LDR_r', 'size:2 111 0 00 01 1 rm:5 option:3=.1. s:1 10 rn:5 rt:5'],
  ...ldrs('LDRS_r', '111 0 00', '1 rm:5 option:3=.1. s:1 10 rn:5 rt:5'),
  ['PRFM_r', '11 111 0 00 10 1 rm:5 option:3=.1. s:1 10 rn:5 rt:5'],
  // Atomic memory operations (FEAT_LSE); ST<op> are the aliases with Rt = 31
  ['LDADD', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 000 00 rn:5 rt:5', FEAT_LSE],
  ['LDCLR', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 001 00 rn:5 rt:5', FEAT_LSE],
  ['LDEOR', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 010 00 rn:5 rt:5', FEAT_LSE],
  ['LDSET', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 011 00 rn:5 rt:5', FEAT_LSE],
  ['LDSMAX', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 100 00 rn:5 rt:5', FEAT_LSE],
  ['LDSMIN', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 101 00 rn:5 rt:5', FEAT_LSE],
  ['LDUMAX', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 110 00 rn:5 rt:5', FEAT_LSE],
  ['LDUMIN', 'size:2 111 0 00 a:1 r:1 1 rs:5 0 111 00 rn:5 rt:5', FEAT_LSE],
  ['SWP', 'size:2 111 0 00 a:1 r:1 1 rs:5 1 000 00 rn:5 rt:5', FEAT_LSE],
  ['LDAPR', 'size:2 111 0 00 1 0 1 11111 1 100 00 rn:5 rt:5', FEAT_LRCPC],
];

const DP_REG: Line[] = [
  // Data-processing (2 source)
  ['UDIV', 'sf:1 0 0 11010110 rm:5 000010 rn:5 rd:5'],
  ['SDIV', 'sf:1 0 0 11010110 rm:5 000011 rn:5 rd:5'],
  ['LSLV', 'sf:1 0 0 11010110 rm:5 001000 rn:5 rd:5'],
  ['LSRV', 'sf:1 0 0 11010110 rm:5 001001 rn:5 rd:5'],
  ['ASRV', 'sf:1 0 0 11010110 rm:5 001010 rn:5 rd:5'],
  ['RORV', 'sf:1 0 0 11010110 rm:5 001011 rn:5 rd:5'],
  // CRC32{B,H,W} take sf = 0, CRC32X sf = 1
  ['CRC32', 'sf:1=0 0 0 11010110 rm:5 0100 sz:2=0. rn:5 rd:5', FEAT_CRC32],
  ['CRC32', 'sf:1=0 0 0 11010110 rm:5 0100 sz:2=10 rn:5 rd:5', FEAT_CRC32],
  ['CRC32', 'sf:1=1 0 0 11010110 rm:5 0100 sz:2=11 rn:5 rd:5', FEAT_CRC32],
  ['CRC32C', 'sf:1=0 0 0 11010110 rm:5 0101 sz:2=0. rn:5 rd:5', FEAT_CRC32],
  ['CRC32C', 'sf:1=0 0 0 11010110 rm:5 0101 sz:2=10 rn:5 rd:5', FEAT_CRC32],
  ['CRC32C', 'sf:1=1 0 0 11010110 rm:5 0101 sz:2=11 rn:5 rd:5', FEAT_CRC32],
  // Data-processing (1 source)
  ['RBIT', 'sf:1 1 0 11010110 00000 000000 rn:5 rd:5'],
  ['REV16', 'sf:1 1 0 11010110 00000 000001 rn:5 rd:5'],
  ['REV32', 'sf:1=1 1 0 11010110 00000 000010 rn:5 rd:5'],
  ['REV', 'sf:1=0 1 0 11010110 00000 000010 rn:5 rd:5'],
  ['REV', 'sf:1=1 1 0 11010110 00000 000011 rn:5 rd:5'],
  ['CLZ', 'sf:1 1 0 11010110 00000 000100 rn:5 rd:5'],
  ['CLS', 'sf:1 1 0 11010110 00000 000101 rn:5 rd:5'],
  // Logical (shifted register); imm6 < 32 in the 32-bit form
  ...logicShifted('AND_r', '00', '0'),
  ...logicShifted('BIC_r', '00', '1'),
  ...logicShifted('ORR_r', '01', '0'),
  ...logicShifted('ORN_r', '01', '1'),
  ...logicShifted('EOR_r', '10', '0'),
  ...logicShifted('EON_r', '10', '1'),
  ...logicShifted('ANDS_r', '11', '0'),
  ...logicShifted('BICS_r', '11', '1'),
  // Add/subtract (shifted register); shift = 11 is unallocated
  ...addSubShifted('ADD_r', '0 0'),
  ...addSubShifted('ADDS_r', '0 1'),
  ...addSubShifted('SUB_r', '1 0'),
  ...addSubShifted('SUBS_r', '1 1'),
  // Add/subtract (extended register); imm3 > 4 is unallocated
  ...addSubExtended('ADD_x', '0 0'),
  ...addSubExtended('ADDS_x', '0 1'),
  ...addSubExtended('SUB_x', '1 0'),
  ...addSubExtended('SUBS_x', '1 1'),
  // Add/subtract (with carry)
  ['ADC', 'sf:1 0 0 11010000 rm:5 000000 rn:5 rd:5'],
  ['ADCS', 'sf:1 0 1 11010000 rm:5 000000 rn:5 rd:5'],
  ['SBC', 'sf:1 1 0 11010000 rm:5 000000 rn:5 rd:5'],
  ['SBCS', 'sf:1 1 1 11010000 rm:5 000000 rn:5 rd:5'],
  // Conditional compare (register / immediate)
  ['CCMN_r', 'sf:1 0 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4'],
  ['CCMN_i', 'sf:1 0 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4'],
  ['CCMP_r', 'sf:1 1 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4'],
  ['CCMP_i', 'sf:1 1 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4'],
  // Conditional select
  ['CSEL', 'sf:1 0 0 11010100 rm:5 cond:4 00 rn:5 rd:5'],
  ['CSINC', 'sf:1 0 0 11010100 rm:5 cond:4 01 rn:5 rd:5'],
  ['CSINV', 'sf:1 1 0 11010100 rm:5 cond:4 00 rn:5 rd:5'],
  ['CSNEG', 'sf:1 1 0 11010100 rm:5 cond:4 01 rn:5 rd:5'],
  // Data-processing (3 source)
  ['MADD', 'sf:1 00 11011 000 rm:5 0 ra:5 rn:5 rd:5'],
  ['MSUB', 'sf:1 00 11011 000 rm:5 1 ra:5 rn:5 rd:5'],
  ['SMADDL', '1 00 11011 001 rm:5 0 ra:5 rn:5 rd:5'],
  ['SMSUBL', '1 00 11011 001 rm:5 1 ra:5 rn:5 rd:5'],
  ['SMULH', '1 00 11011 010 rm:5 0 ra:5 rn:5 rd:5'],
  ['UMADDL', '1 00 11011 101 rm:5 0 ra:5 rn:5 rd:5'],
  ['UMSUBL', '1 00 11011 101 rm:5 1 ra:5 rn:5 rd:5'],
  ['UMULH', '1 00 11011 110 rm:5 0 ra:5 rn:5 rd:5'],
];

function both32and64(name: string, rest64: string, rest32: string): Line[] {
  return [[name, `sf:1=1 ${rest64}`], [name, `sf:1=0 ${rest32}`]];
}

/** Sign-extending loads: LDRSB/LDRSH to X (w = 0) or W (w = 1), LDRSW to X only. */
function ldrs(name: string, mid: string, rest: string): Line[] {
  return [
    [name, `size:2=0. ${mid} 1 w:1 ${rest}`],
    [name, `size:2=10 ${mid} 1 w:1=0 ${rest}`],
  ];
}

function logicShifted(name: string, opc: string, n: string): Line[] {
  return both32and64(name, `${opc} 01010 shift:2 ${n} rm:5 imm6:6 rn:5 rd:5`, `${opc} 01010 shift:2 ${n} rm:5 imm6:6=0..... rn:5 rd:5`);
}

function addSubShifted(name: string, opS: string): Line[] {
  const lines: Line[] = [];
  for (const shift of ['0.', '10']) {
    lines.push(...both32and64(name, `${opS} 01011 shift:2=${shift} 0 rm:5 imm6:6 rn:5 rd:5`, `${opS} 01011 shift:2=${shift} 0 rm:5 imm6:6=0..... rn:5 rd:5`));
  }
  return lines;
}

function addSubExtended(name: string, opS: string): Line[] {
  return ['0..', '100'].map((imm3): Line => [name, `sf:1 ${opS} 01011 00 1 rm:5 option:3 imm3:3=${imm3} rn:5 rd:5`]);
}

const CLASSES: [cls: string, lines: Line[]][] = [
  ['Data Processing -- Immediate', DP_IMM],
  ['Branches, Exception Generating and System instructions', BRANCH_SYS],
  ['Loads and Stores', LDST],
  ['Data Processing -- Register', DP_REG],
];

function parseSpec(name: string, cls: string, spec: string, feature: number): A64Pattern {
  let bit = 32;
  let mask = 0;
  let value = 0;
  const fields: A64Field[] = [];
  const fixed = (pattern: string) => {
    for (const ch of pattern) {
      bit--;
      if (ch === '0' || ch === '1') {
        mask |= 1 << bit;
        if (ch === '1') value |= 1 << bit;
      } else if (ch !== '.') {
        throw new Error(`${name}: bad bit '${ch}' in '${spec}'`);
      }
    }
  };
  for (const tok of spec.trim().split(/\s+/)) {
    const m = /^([a-z][a-z0-9]*):(s?)(\d+)(?:=([01.]+))?$/.exec(tok);
    if (!m) {
      fixed(tok);
      continue;
    }
    const len = Number(m[3]);
    if (m[4] !== undefined && m[4].length !== len) throw new Error(`${name}: constraint length in '${tok}'`);
    const pos = bit - len;
    if (m[4] !== undefined) fixed(m[4]);
    else bit -= len;
    fields.push({ name: m[1], pos, len, signed: m[2] === 's' });
  }
  if (bit !== 0) throw new Error(`${name}: spec '${spec}' has ${32 - bit} bits, not 32`);
  return { name, cls, spec, mask: mask >>> 0, value: value >>> 0, fields, feature };
}

export const A64_PATTERNS: readonly A64Pattern[] = CLASSES.flatMap(([cls, lines]) =>
  lines.map(([name, spec, feature = 0]) => parseSpec(name, cls, spec, feature)),
);

/** The distinct pattern names, in table order. */
export const A64_NAMES: readonly string[] = [...new Set(A64_PATTERNS.map((p) => p.name))];

// Dispatch: bucket on the top DISPATCH_BITS bits; each bucket lists, in table order, the
// lines whose fixed bits there agree with the bucket. Decoding is then one table load and a
// scan of a short list (at most a handful of lines). The CPU caches the result per
// instruction word, so this runs once per distinct instruction at a given cache slot.
const DISPATCH_BITS = 11;
const DISPATCH_SHIFT = 32 - DISPATCH_BITS;
const BUCKETS: Int32Array[] = [];
{
  const top = (((1 << DISPATCH_BITS) - 1) << DISPATCH_SHIFT) >>> 0;
  for (let k = 0; k < 1 << DISPATCH_BITS; k++) {
    const bits = (k << DISPATCH_SHIFT) >>> 0;
    const list: number[] = [];
    A64_PATTERNS.forEach((p, i) => {
      const m = p.mask & top;
      if (((bits & m) >>> 0) === ((p.value & m) >>> 0)) list.push(i);
    });
    BUCKETS.push(Int32Array.from(list));
  }
}
const MASKS = Int32Array.from(A64_PATTERNS.map((p) => p.mask | 0));
const VALUES = Int32Array.from(A64_PATTERNS.map((p) => p.value | 0));
const FEATURES = Int32Array.from(A64_PATTERNS.map((p) => p.feature));

/**
 * The index in A64_PATTERNS of the line `insn` matches, or -1 if it is unallocated.
 * `features` is an OR of FEAT_* bits the CPU implements.
 */
export function decodeA64(insn: number, features: number): number {
  const list = BUCKETS[insn >>> DISPATCH_SHIFT];
  for (let j = 0; j < list.length; j++) {
    const i = list[j];
    if ((insn & MASKS[i]) === VALUES[i] && (FEATURES[i] & ~features) === 0) return i;
  }
  return -1;
}

/** Extracts a field of a decoded line (control path: tests, tracing, the future translator). */
export function fieldValue(insn: number, f: A64Field): number {
  const raw = (insn >>> f.pos) & (f.len === 32 ? -1 : (1 << f.len) - 1);
  return f.signed ? (raw << (32 - f.len)) >> (32 - f.len) : raw;
}

export interface A64Decoded {
  readonly name: string;
  readonly cls: string;
  readonly fields: Readonly<Record<string, number>>;
}

/** Decodes `insn` to its pattern name and named fields, or null if unallocated. */
export function decodeA64Fields(insn: number, features = FEAT_LSE | FEAT_CRC32 | FEAT_LRCPC): A64Decoded | null {
  const i = decodeA64(insn | 0, features);
  if (i < 0) return null;
  const p = A64_PATTERNS[i];
  const fields: Record<string, number> = {};
  for (const f of p.fields) fields[f.name] = fieldValue(insn, f);
  return { name: p.name, cls: p.cls, fields };
}
