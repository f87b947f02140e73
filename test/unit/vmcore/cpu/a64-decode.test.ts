import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { A64_NAMES, A64_PATTERNS, FEAT_CRC32, FEAT_LRCPC, FEAT_LSE, decodeA64, decodeA64Fields } from '../../../../vmcore/cpu/a64-decode';
import { A64_EXEC } from '../../../../vmcore/cpu/a64-exec';
import { assemble, hasAssembler } from './assemble';

type Golden = [asm: string, word: number, name: string | null, fields?: Record<string, number>];

/** One or more encodings per pattern name, with every named field (from the cross assembler). */
const GOLDEN: Golden[] = [
['adr x3, . + 0x1235', 0x300091a3, 'ADR', {immlo:1,immhi:1165,rd:3}],
  ['.inst 0xb0091a22', 0xb0091a22, 'ADRP', {immlo:1,immhi:0x48d1,rd:2}], // adrp x2, (pc page) + 0x12345000
  ['add x1, x2, #3', 0x91000c41, 'ADD_i', {sf:1,sh:0,imm12:3,rn:2,rd:1}],
  ['add w1, wsp, #0xabc, lsl #12', 0x116af3e1, 'ADD_i', {sf:0,sh:1,imm12:2748,rn:31,rd:1}],
  ['adds x1, x2, #4095', 0xb13ffc41, 'ADDS_i', {sf:1,sh:0,imm12:4095,rn:2,rd:1}],
  ['sub sp, sp, #16', 0xd10043ff, 'SUB_i', {sf:1,sh:0,imm12:16,rn:31,rd:31}],
  ['subs w3, w4, #1', 0x71000483, 'SUBS_i', {sf:0,sh:0,imm12:1,rn:4,rd:3}],
  ['and x0, x1, #0xff00ff00ff00ff00', 0x92089c20, 'AND_i', {sf:1,n:0,immr:8,imms:39,rn:1,rd:0}],
  ['orr w0, w1, #0x80000001', 0x32010420, 'ORR_i', {sf:0,n:0,immr:1,imms:1,rn:1,rd:0}],
  ['eor x2, x3, #0x5555555555555555', 0xd200f062, 'EOR_i', {sf:1,n:0,immr:0,imms:60,rn:3,rd:2}],
  ['ands w5, w6, #0x3c', 0x721e0cc5, 'ANDS_i', {sf:0,n:0,immr:30,imms:3,rn:6,rd:5}],
  ['movn x7, #0x1234, lsl #32', 0x92c24687, 'MOVN', {sf:1,hw:2,imm16:4660,rd:7}],
  ['movz w8, #0xffff, lsl #16', 0x52bfffe8, 'MOVZ', {sf:0,hw:1,imm16:65535,rd:8}],
  ['movk x9, #0xbeef, lsl #48', 0xf2f7dde9, 'MOVK', {sf:1,hw:3,imm16:48879,rd:9}],
  ['sbfm x1, x2, #3, #60', 0x9343f041, 'SBFM', {sf:1,n:1,immr:3,imms:60,rn:2,rd:1}],
  ['bfm w1, w2, #31, #4', 0x331f1041, 'BFM', {sf:0,n:0,immr:31,imms:4,rn:2,rd:1}],
  ['ubfm x3, x4, #1, #63', 0xd341fc83, 'UBFM', {sf:1,n:1,immr:1,imms:63,rn:4,rd:3}],
  ['extr x5, x6, x7, #13', 0x93c734c5, 'EXTR', {sf:1,n:1,rm:7,imms:13,rn:6,rd:5}],
  ['extr w5, w6, w7, #31', 0x13877cc5, 'EXTR', {sf:0,n:0,rm:7,imms:31,rn:6,rd:5}],
  ['b.ne . - 8', 0x54ffffc1, 'B_cond', {imm19:-2,cond:1}],
  ['b.al . + 0xffffc', 0x547fffee, 'B_cond', {imm19:262143,cond:14}],
  ['svc #0x1234', 0xd4024681, 'SVC', {imm16:4660}],
  ['hvc #0', 0xd4000002, 'HVC', {imm16:0}],
  ['smc #0xffff', 0xd41fffe3, 'SMC', {imm16:65535}],
  ['brk #0x3c', 0xd4200780, 'BRK', {imm16:60}],
  ['hlt #1', 0xd4400020, 'HLT', {imm16:1}],
  ['yield', 0xd503203f, 'YIELD', {}],
  ['wfe', 0xd503205f, 'WFE', {}],
  ['wfi', 0xd503207f, 'WFI', {}],
  ['sev', 0xd503209f, 'SEV', {}],
  ['sevl', 0xd50320bf, 'SEVL', {}],
  ['nop', 0xd503201f, 'NOP', {crm:0,op2:0}],
  ['hint #0x22', 0xd503245f, 'NOP', {crm:4,op2:2}],
  ['clrex #5', 0xd503355f, 'CLREX', {crm:5}],
  ['dsb ish', 0xd5033b9f, 'DSB', {crm:11}],
  ['dmb ishld', 0xd50339bf, 'DMB', {crm:9}],
  ['isb', 0xd5033fdf, 'ISB', {crm:15}],
  ['msr spsel, #1', 0xd50041bf, 'MSR_i_SPSEL', {crm:1}],
  ['msr daifset, #0xf', 0xd5034fdf, 'MSR_i_DAIFSET', {crm:15}],
  ['msr daifclr, #2', 0xd50342ff, 'MSR_i_DAIFCLR', {crm:2}],
  ['dc civac, x3', 0xd50b7e23, 'SYS', {op1:3,crn:7,crm:14,op2:1,rt:3}],
  ['tlbi vmalle1is', 0xd508831f, 'SYS', {op1:0,crn:8,crm:3,op2:0,rt:31}],
  ['msr sctlr_el1, x0', 0xd5181000, 'MSR_r', {o0:1,op1:0,crn:1,crm:0,op2:0,rt:0}],
  ['mrs x1, midr_el1', 0xd5380001, 'MRS', {o0:1,op1:0,crn:0,crm:0,op2:0,rt:1}],
  ['mrs x2, nzcv', 0xd53b4202, 'MRS', {o0:1,op1:3,crn:4,crm:2,op2:0,rt:2}],
  ['br x17', 0xd61f0220, 'BR', {rn:17}],
  ['blr x3', 0xd63f0060, 'BLR', {rn:3}],
  ['ret', 0xd65f03c0, 'RET', {rn:30}],
  ['eret', 0xd69f03e0, 'ERET', {}],
  ['b . + 0x7fffffc', 0x15ffffff, 'B', {imm26:33554431}],
  ['bl . - 4', 0x97ffffff, 'BL', {imm26:-1}],
  ['cbz w3, . + 16', 0x34000083, 'CBZ', {sf:0,imm19:4,rt:3}],
  ['cbnz x4, . - 16', 0xb5ffff84, 'CBNZ', {sf:1,imm19:-4,rt:4}],
  ['tbz x5, #33, . + 0x20', 0xb6080105, 'TBZ', {b5:1,b40:1,imm14:8,rt:5}],
  ['tbnz w6, #7, . - 0x20', 0x373fff06, 'TBNZ', {b5:0,b40:7,imm14:-8,rt:6}],
  ['stxr w1, x2, [x3]', 0xc8017c62, 'STXR', {size:3,rs:1,o0:0,rt2:31,rn:3,rt:2}],
  ['stlxrb w4, w5, [sp]', 0x0804ffe5, 'STXR', {size:0,rs:4,o0:1,rt2:31,rn:31,rt:5}],
  ['ldxr w6, [x7]', 0x885f7ce6, 'LDXR', {size:2,rs:31,o0:0,rt2:31,rn:7,rt:6}],
  ['ldaxrh w8, [x9]', 0x485ffd28, 'LDXR', {size:1,rs:31,o0:1,rt2:31,rn:9,rt:8}],
  ['stxp w1, x2, x3, [x4]', 0xc8210c82, 'STXP', {sz:1,rs:1,o0:0,rt2:3,rn:4,rt:2}],
  ['ldaxp w5, w6, [x7]', 0x887f98e5, 'LDXP', {sz:0,rs:31,o0:1,rt2:6,rn:7,rt:5}],
  ['stlr x1, [x2]', 0xc89ffc41, 'STLR', {size:3,rs:31,rt2:31,rn:2,rt:1}],
  ['ldarb w3, [sp]', 0x08dfffe3, 'LDAR', {size:0,rs:31,rt2:31,rn:31,rt:3}],
  ['cas x1, x2, [x3]', 0xc8a17c62, 'CAS', {size:3,l:0,rs:1,o0:0,rn:3,rt:2}],
  ['casalb w4, w5, [x6]', 0x08e4fcc5, 'CAS', {size:0,l:1,rs:4,o0:1,rn:6,rt:5}],
  ['casp x0, x1, x2, x3, [x4]', 0x48207c82, 'CASP', {sz:1,l:0,rs:0,o0:0,rn:4,rt:2}],
  ['caspl w6, w7, w8, w9, [sp]', 0x0826ffe8, 'CASP', {sz:0,l:0,rs:6,o0:1,rn:31,rt:8}],
  ['ldr w1, . + 8', 0x18000041, 'LDR_lit', {sf:0,imm19:2,rt:1}],
  ['ldr x2, . - 0x100', 0x58fff802, 'LDR_lit', {sf:1,imm19:-64,rt:2}],
  ['ldrsw x3, . + 4', 0x98000023, 'LDRSW_lit', {imm19:1,rt:3}],
  ['prfm pldl1keep, . + 12', 0xd8000060, 'PRFM_lit', {imm19:3,rt:0}],
  ['stnp x1, x2, [x3, #-16]', 0xa83f0861, 'STP', {sf:1,mode:0,imm7:-2,rt2:2,rn:3,rt:1}],
  ['stp w1, w2, [sp, #-8]!', 0x29bf0be1, 'STP', {sf:0,mode:3,imm7:-2,rt2:2,rn:31,rt:1}],
  ['ldp x3, x4, [x5], #64', 0xa8c410a3, 'LDP', {sf:1,mode:1,imm7:8,rt2:4,rn:5,rt:3}],
  ['ldp w3, w4, [x5, #252]', 0x295f90a3, 'LDP', {sf:0,mode:2,imm7:63,rt2:4,rn:5,rt:3}],
  ['ldpsw x1, x2, [x3, #-4]', 0x697f8861, 'LDPSW', {mode:2,imm7:-1,rt2:2,rn:3,rt:1}],
  ['ldpsw x1, x2, [x3], #8', 0x68c10861, 'LDPSW', {mode:1,imm7:2,rt2:2,rn:3,rt:1}],
  ['str x1, [x2, #32760]', 0xf93ffc41, 'STR_i', {size:3,imm12:4095,rn:2,rt:1}],
  ['ldrb w3, [x4, #4095]', 0x397ffc83, 'LDR_i', {size:0,imm12:4095,rn:4,rt:3}],
  ['ldrsh x5, [x6, #2]', 0x798004c5, 'LDRS_i', {size:1,w:0,imm12:1,rn:6,rt:5}],
  ['ldrsb w7, [sp]', 0x39c003e7, 'LDRS_i', {size:0,w:1,imm12:0,rn:31,rt:7}],
  ['ldrsw x8, [x9, #16380]', 0xb9bffd28, 'LDRS_i', {size:2,w:0,imm12:4095,rn:9,rt:8}],
  ['prfm pstl2strm, [x10, #8]', 0xf9800553, 'PRFM_i', {imm12:1,rn:10,rt:19}],
  ['stur w1, [x2, #-256]', 0xb8100041, 'STUR', {size:2,imm9:-256,rn:2,rt:1}],
  ['ldurh w3, [x4, #255]', 0x784ff083, 'LDUR', {size:1,imm9:255,rn:4,rt:3}],
  ['ldursb x5, [x6, #-1]', 0x389ff0c5, 'LDURS', {size:0,w:0,imm9:-1,rn:6,rt:5}],
  ['prfum pldl3keep, [x7, #-3]', 0xf89fd0e4, 'PRFUM', {imm9:-3,rn:7,rt:4}],
  ['str x1, [x2], #-8', 0xf81f8441, 'STR_post', {size:3,imm9:-8,rn:2,rt:1}],
  ['ldrh w3, [x4], #2', 0x78402483, 'LDR_post', {size:1,imm9:2,rn:4,rt:3}],
  ['ldrsb x5, [x6], #1', 0x388014c5, 'LDRS_post', {size:0,w:0,imm9:1,rn:6,rt:5}],
  ['strb w1, [x2, #1]!', 0x38001c41, 'STR_pre', {size:0,imm9:1,rn:2,rt:1}],
  ['ldr x3, [sp, #-16]!', 0xf85f0fe3, 'LDR_pre', {size:3,imm9:-16,rn:31,rt:3}],
  ['ldrsw x5, [x6, #4]!', 0xb8804cc5, 'LDRS_pre', {size:2,w:0,imm9:4,rn:6,rt:5}],
  ['sttr w1, [x2, #-4]', 0xb81fc841, 'STTR', {size:2,imm9:-4,rn:2,rt:1}],
  ['ldtrb w3, [x4, #7]', 0x38407883, 'LDTR', {size:0,imm9:7,rn:4,rt:3}],
  ['ldtrsh x5, [x6]', 0x788008c5, 'LDTRS', {size:1,w:0,imm9:0,rn:6,rt:5}],
  ['str x1, [x2, x3, lsl #3]', 0xf8237841, 'STR_r', {size:3,rm:3,option:3,s:1,rn:2,rt:1}],
  ['ldrb w4, [x5, w6, uxtw]', 0x386648a4, 'LDR_r', {size:0,rm:6,option:2,s:0,rn:5,rt:4}],
  ['ldrsh w7, [x8, x9, sxtx #1]', 0x78e9f907, 'LDRS_r', {size:1,w:1,rm:9,option:7,s:1,rn:8,rt:7}],
  ['prfm pldl1strm, [x1, x2]', 0xf8a26821, 'PRFM_r', {rm:2,option:3,s:0,rn:1,rt:1}],
  ['ldadd x1, x2, [x3]', 0xf8210062, 'LDADD', {size:3,a:0,r:0,rs:1,rn:3,rt:2}],
  ['ldclrab w4, w5, [x6]', 0x38a410c5, 'LDCLR', {size:0,a:1,r:0,rs:4,rn:6,rt:5}],
  ['ldeorlh w7, w8, [sp]', 0x786723e8, 'LDEOR', {size:1,a:0,r:1,rs:7,rn:31,rt:8}],
  ['ldsetal w9, w10, [x11]', 0xb8e9316a, 'LDSET', {size:2,a:1,r:1,rs:9,rn:11,rt:10}],
  ['ldsmax x1, x2, [x3]', 0xf8214062, 'LDSMAX', {size:3,a:0,r:0,rs:1,rn:3,rt:2}],
  ['ldsmin w1, w2, [x3]', 0xb8215062, 'LDSMIN', {size:2,a:0,r:0,rs:1,rn:3,rt:2}],
  ['ldumaxa x1, x2, [x3]', 0xf8a16062, 'LDUMAX', {size:3,a:1,r:0,rs:1,rn:3,rt:2}],
  ['lduminl w1, w2, [x3]', 0xb8617062, 'LDUMIN', {size:2,a:0,r:1,rs:1,rn:3,rt:2}],
  ['swpal x1, x2, [x3]', 0xf8e18062, 'SWP', {size:3,a:1,r:1,rs:1,rn:3,rt:2}],
  ['stadd w1, [x2]', 0xb821005f, 'LDADD', {size:2,a:0,r:0,rs:1,rn:2,rt:31}],
  ['ldapr x1, [x2]', 0xf8bfc041, 'LDAPR', {size:3,rn:2,rt:1}],
  ['udiv x1, x2, x3', 0x9ac30841, 'UDIV', {sf:1,rm:3,rn:2,rd:1}],
  ['sdiv w4, w5, w6', 0x1ac60ca4, 'SDIV', {sf:0,rm:6,rn:5,rd:4}],
  ['lslv x1, x2, x3', 0x9ac32041, 'LSLV', {sf:1,rm:3,rn:2,rd:1}],
  ['lsrv w1, w2, w3', 0x1ac32441, 'LSRV', {sf:0,rm:3,rn:2,rd:1}],
  ['asrv x1, x2, x3', 0x9ac32841, 'ASRV', {sf:1,rm:3,rn:2,rd:1}],
  ['rorv w1, w2, w3', 0x1ac32c41, 'RORV', {sf:0,rm:3,rn:2,rd:1}],
  ['crc32b w1, w2, w3', 0x1ac34041, 'CRC32', {sf:0,rm:3,sz:0,rn:2,rd:1}],
  ['crc32x w1, w2, x3', 0x9ac34c41, 'CRC32', {sf:1,rm:3,sz:3,rn:2,rd:1}],
  ['crc32ch w4, w5, w6', 0x1ac654a4, 'CRC32C', {sf:0,rm:6,sz:1,rn:5,rd:4}],
  ['crc32cx w4, w5, x6', 0x9ac65ca4, 'CRC32C', {sf:1,rm:6,sz:3,rn:5,rd:4}],
  ['rbit x1, x2', 0xdac00041, 'RBIT', {sf:1,rn:2,rd:1}],
  ['rev16 w3, w4', 0x5ac00483, 'REV16', {sf:0,rn:4,rd:3}],
  ['rev32 x5, x6', 0xdac008c5, 'REV32', {sf:1,rn:6,rd:5}],
  ['rev w7, w8', 0x5ac00907, 'REV', {sf:0,rn:8,rd:7}],
  ['rev x9, x10', 0xdac00d49, 'REV', {sf:1,rn:10,rd:9}],
  ['clz w1, w2', 0x5ac01041, 'CLZ', {sf:0,rn:2,rd:1}],
  ['cls x3, x4', 0xdac01483, 'CLS', {sf:1,rn:4,rd:3}],
  ['and x1, x2, x3, lsl #5', 0x8a031441, 'AND_r', {sf:1,shift:0,rm:3,imm6:5,rn:2,rd:1}],
  ['bic w1, w2, w3, ror #31', 0x0ae37c41, 'BIC_r', {sf:0,shift:3,rm:3,imm6:31,rn:2,rd:1}],
  ['orr x4, xzr, x5', 0xaa0503e4, 'ORR_r', {sf:1,shift:0,rm:5,imm6:0,rn:31,rd:4}],
  ['orn w6, w7, w8, asr #2', 0x2aa808e6, 'ORN_r', {sf:0,shift:2,rm:8,imm6:2,rn:7,rd:6}],
  ['eor x9, x10, x11, lsr #63', 0xca4bfd49, 'EOR_r', {sf:1,shift:1,rm:11,imm6:63,rn:10,rd:9}],
  ['eon x1, x2, x3', 0xca230041, 'EON_r', {sf:1,shift:0,rm:3,imm6:0,rn:2,rd:1}],
  ['ands w4, w5, w6', 0x6a0600a4, 'ANDS_r', {sf:0,shift:0,rm:6,imm6:0,rn:5,rd:4}],
  ['bics x7, x8, x9, lsl #1', 0xea290507, 'BICS_r', {sf:1,shift:0,rm:9,imm6:1,rn:8,rd:7}],
  ['add x1, x2, x3, lsl #63', 0x8b03fc41, 'ADD_r', {sf:1,shift:0,rm:3,imm6:63,rn:2,rd:1}],
  ['adds w4, w5, w6, asr #31', 0x2b867ca4, 'ADDS_r', {sf:0,shift:2,rm:6,imm6:31,rn:5,rd:4}],
  ['sub x7, x8, x9, lsr #1', 0xcb490507, 'SUB_r', {sf:1,shift:1,rm:9,imm6:1,rn:8,rd:7}],
  ['subs xzr, x1, x2', 0xeb02003f, 'SUBS_r', {sf:1,shift:0,rm:2,imm6:0,rn:1,rd:31}],
  ['add sp, x1, w2, uxtw #2', 0x8b22483f, 'ADD_x', {sf:1,rm:2,option:2,imm3:2,rn:1,rd:31}],
  ['adds x3, sp, x4, sxtx #4', 0xab24f3e3, 'ADDS_x', {sf:1,rm:4,option:7,imm3:4,rn:31,rd:3}],
  ['sub w5, w6, w7, sxth', 0x4b27a0c5, 'SUB_x', {sf:0,rm:7,option:5,imm3:0,rn:6,rd:5}],
  ['subs x8, x9, w10, uxtb #1', 0xeb2a0528, 'SUBS_x', {sf:1,rm:10,option:0,imm3:1,rn:9,rd:8}],
  ['adc x1, x2, x3', 0x9a030041, 'ADC', {sf:1,rm:3,rn:2,rd:1}],
  ['adcs w4, w5, w6', 0x3a0600a4, 'ADCS', {sf:0,rm:6,rn:5,rd:4}],
  ['sbc x7, x8, x9', 0xda090107, 'SBC', {sf:1,rm:9,rn:8,rd:7}],
  ['sbcs w1, w2, w3', 0x7a030041, 'SBCS', {sf:0,rm:3,rn:2,rd:1}],
  ['ccmn x1, x2, #4, eq', 0xba420024, 'CCMN_r', {sf:1,rm:2,cond:0,rn:1,nzcv:4}],
  ['ccmn w3, #31, #15, ne', 0x3a5f186f, 'CCMN_i', {sf:0,imm5:31,cond:1,rn:3,nzcv:15}],
  ['ccmp x4, x5, #0, hi', 0xfa458080, 'CCMP_r', {sf:1,rm:5,cond:8,rn:4,nzcv:0}],
  ['ccmp w6, #0, #8, le', 0x7a40d8c8, 'CCMP_i', {sf:0,imm5:0,cond:13,rn:6,nzcv:8}],
  ['csel x1, x2, x3, ge', 0x9a83a041, 'CSEL', {sf:1,rm:3,cond:10,rn:2,rd:1}],
  ['csinc w4, w5, w6, lt', 0x1a86b4a4, 'CSINC', {sf:0,rm:6,cond:11,rn:5,rd:4}],
  ['csinv x7, x8, x9, mi', 0xda894107, 'CSINV', {sf:1,rm:9,cond:4,rn:8,rd:7}],
  ['csneg w1, w2, w3, vs', 0x5a836441, 'CSNEG', {sf:0,rm:3,cond:6,rn:2,rd:1}],
  ['madd x1, x2, x3, x4', 0x9b031041, 'MADD', {sf:1,rm:3,ra:4,rn:2,rd:1}],
  ['msub w5, w6, w7, w8', 0x1b07a0c5, 'MSUB', {sf:0,rm:7,ra:8,rn:6,rd:5}],
  ['smaddl x1, w2, w3, x4', 0x9b231041, 'SMADDL', {rm:3,ra:4,rn:2,rd:1}],
  ['smsubl x5, w6, w7, x8', 0x9b27a0c5, 'SMSUBL', {rm:7,ra:8,rn:6,rd:5}],
  ['smulh x1, x2, x3', 0x9b437c41, 'SMULH', {rm:3,ra:31,rn:2,rd:1}],
  ['umaddl x4, w5, w6, x7', 0x9ba61ca4, 'UMADDL', {rm:6,ra:7,rn:5,rd:4}],
  ['umsubl x8, w9, w10, x11', 0x9baaad28, 'UMSUBL', {rm:10,ra:11,rn:9,rd:8}],
  ['umulh x1, x2, x3', 0x9bc37c41, 'UMULH', {rm:3,ra:31,rn:2,rd:1}]
];

test('golden encodings decode to the right pattern and fields', () => {
  for (const [asm, word, name, fields] of GOLDEN) {
    const d = decodeA64Fields(word);
    assert.is(d?.name ?? null, name, asm);
    if (fields) assert.equal(d?.fields, fields, asm);
  }
});

test('the golden table covers every pattern name', () => {
  const seen = new Set(GOLDEN.map((g) => g[2]));
  assert.equal(A64_NAMES.filter((n) => !seen.has(n)), []);
});

test('every pattern name has semantics and every semantics a pattern', () => {
  for (const n of A64_NAMES) assert.type(A64_EXEC[n], 'function', n);
  assert.is(Object.keys(A64_EXEC).length, A64_NAMES.length);
});

test('golden words are what the assembler produces', () => {
  if (!hasAssembler) {
    console.log('  (skipped: aarch64-linux-gnu-as not installed)');
    return;
  }
  const words = assemble(GOLDEN.map((g) => g[0]).join('\n'), 'armv8.3-a+crc');
  GOLDEN.forEach(([asm, word], i) => assert.is(words[i] >>> 0, word >>> 0, asm));
});

test('unallocated encodings decode to nothing (UNDEFINED)', () => {
  const unallocated: [string, number][] = [
    ['udf #0', 0x00000000],
    ['movn w0, #1, lsl #32 (hw = 2 in the 32-bit form)', 0x12c00020],
    ['and w0, w1, #imm with N = 1', 0x12400020],
    ['sbfm w0, w1, #32, #0 (immr >= 32)', 0x13200020],
    ['extr w0, w1, w2, #32', 0x13828020],
    ['b.cond with bit 4 set (BC.cond)', 0x54000010],
    ['dcps1', 0xd4a00001],
    ['sysl x0, #0, c0, c0, #0', 0xd5280000],
    ['sb (FEAT_SB)', 0xd50330ff],
    ['msr pan, #1 (FEAT_PAN)', 0xd500419f],
    ['braaz x0 (PAuth)', 0xd61f081f],
    ['stllr w0, [x1] (FEAT_LOR)', 0x889f7c20],
    ['ldp with opc = 11', 0xe9400000],
    ['stgp (MTE)', 0x69000000],
    ['ldpsw with mode 00', 0x68400000],
    ['ldrsw w0 (size 10, opc 11)', 0xb9c00000],
    ['ldr x0, [x1, w2, uxtb] (option<1> = 0)', 0xf8620820],
    ['add x0, x1, x2, ror #1 (shift 11)', 0x8bc20420],
    ['add w0, w1, w2, lsl #32', 0x0b028020],
    ['add x0, x1, w2, uxtb #5', 0x8b221420],
    ['rev32 w0, w1 (sf = 0, opc 000011)', 0x5ac00c20],
    ['crc32x with sf = 0', 0x1ac24c20],
    ['smulh with sf = 0', 0x1b427c20],
    ['fadd s0, s1, s2 (FP)', 0x1e222820],
    ['ldr q0, [x0] (SIMD&FP)', 0x3dc00000],
    ['ld1 {v0.16b}, [x0] (SIMD)', 0x4c407000],
  ];
  for (const [what, w] of unallocated) assert.is(decodeA64Fields(w), null, what);
});

test('feature-gated lines are unallocated without their feature', () => {
  const all = FEAT_LSE | FEAT_CRC32 | FEAT_LRCPC;
  const gated: [number, number][] = [
    [0xf8210062, FEAT_LSE], // ldadd
    [0xc8a17c62, FEAT_LSE], // cas
    [0x48207c82, FEAT_LSE], // casp
    [0x1ac34041, FEAT_CRC32], // crc32b
    [0xf8bfc041, FEAT_LRCPC], // ldapr
  ];
  for (const [w, f] of gated) {
    assert.ok(decodeA64(w | 0, all) >= 0);
    assert.is(decodeA64(w | 0, all & ~f), -1);
  }
  // The base ISA does not depend on features.
  assert.ok(decodeA64(0x91000c41 | 0, 0) >= 0);
});

test('table lines are well formed: fixed bits inside the mask, fields disjoint from it', () => {
  for (const p of A64_PATTERNS) {
    assert.is((p.value & ~p.mask) >>> 0, 0, p.spec);
    for (const f of p.fields) {
      const fm = (((2 ** f.len - 1) * 2 ** f.pos) >>> 0);
      // A constrained field (e.g. sf:1=1) overlaps the mask; an ordinary one must not.
      if (!/=/.test(p.spec.split(/\s+/).find((t) => t.startsWith(f.name + ':')) ?? '')) assert.is((fm & p.mask) >>> 0, 0, `${p.name} ${f.name}`);
    }
  }
});

test.run();
