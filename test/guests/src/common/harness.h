/*
 * The guest harness's interface for assembly programs (#include "harness.h" in a .S file).
 *
 * A program defines `main` (called at EL1h with X0..X30 zero, SP = __stack_top, NZCV = 0) and
 * returns to the harness, which prints X0..X30, SP and NZCV as main left them, the check
 * summary, and powers off with PSCI SYSTEM_OFF. Every harness routine preserves all registers
 * and NZCV, and works at EL0 too (the UART needs no MMU mapping with the MMU off).
 *
 * Self-checks: CHECK(reg, value) compares a 64-bit register with the value the Arm ARM
 * prescribes; CHECKW a W register (zero-extended); CHECK_NZCV(0bNZCV) the flags. A failure
 * prints "FAIL line N: got ... want ..." and the summary line says how many failed.
 *
 * Exceptions: the vectors (harness.S) handle
 *  - SVC #0xffff from EL0 (TO_EL1) by returning to EL1h after the SVC, without recording it;
 * and record every other exception in h_exc (count, ESR, FAR, ELR, SPSR, vector index), then
 *  - if EXPECT_EXC armed them (or h_exc_skip_all is set): return past the faulting instruction
 *    (ELR + 4, or unchanged for SVC/HVC/SMC whose preferred return is already past them), or to
 *    the address RESUME_AT gave, with PSTATE.IL cleared;
 *  - otherwise print "UNEXPECTED EXCEPTION ..." with the summary and power off.
 */
#ifndef GUEST_HARNESS_H
#define GUEST_HARNESS_H

#define UART_BASE 0x09000000
#define PSCI_SYSTEM_OFF 0x84000008

/* h_exc record layout (bytes). */
#define EXC_COUNT 0
#define EXC_ESR 8
#define EXC_FAR 16
#define EXC_ELR 24
#define EXC_SPSR 32
#define EXC_KIND 40
#define EXC_EXPECT 48
#define EXC_RESUME 56
#define EXC_SKIP_ALL 64

#define CHECK(reg, val) CHECK_ reg, val, __LINE__
#define CHECKW(reg, val) CHECKW_ reg, val, __LINE__
#define CHECK_NZCV(val) CHECK_NZCV_ val, __LINE__
/* CHECKR(reg, reg2): two 64-bit registers are equal (neither may be SP). */
#define CHECKR(reg, reg2) CHECKR_ reg, reg2, __LINE__
/*
 * CHECK_EXC(esr, elr): the exception EXPECT_EXC armed was taken, with this ESR and ELR (ELR as
 * recorded, before any skip). CHECK_TAKEN(): it was taken (then inspect h_exc with LOAD_EXC).
 */
#define CHECK_EXC(esr, elr) CHECK_EXC_ esr, elr, __LINE__
#define CHECK_TAKEN() CHECK_TAKEN_ __LINE__

/* Load the address of a symbol (any distance within 4 GiB). */
.macro LA reg, sym
  adrp \reg, \sym
  add \reg, \reg, :lo12:\sym
.endm

/* Load an arbitrary 64-bit constant without a literal pool. */
.macro MOV64 reg, val
  movz \reg, #((\val) & 0xffff)
  movk \reg, #(((\val) >> 16) & 0xffff), lsl #16
  movk \reg, #(((\val) >> 32) & 0xffff), lsl #32
  movk \reg, #(((\val) >> 48) & 0xffff), lsl #48
.endm

.macro CHECK_ reg, val, line
  sub sp, sp, #32
  stp x0, x1, [sp]
  stp x2, x30, [sp, #16]
  mov x0, \reg
  MOV64 x1, (\val)
  mov x2, #\line
  bl h_check
  ldp x2, x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
.endm

.macro CHECKR_ reg, reg2, line
  sub sp, sp, #48
  stp x0, x1, [sp]
  stp x2, x30, [sp, #16]
  str \reg2, [sp, #32]
  mov x0, \reg
  ldr x1, [sp, #32]
  mov x2, #\line
  bl h_check
  ldp x2, x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #48
.endm

/* LOAD_EXC reg, EXC_xxx: a field of the exception record. */
.macro LOAD_EXC reg, field
  LA \reg, h_exc
  ldr \reg, [\reg, #\field]
.endm

.macro CHECKW_ reg, val, line
  sub sp, sp, #32
  stp x0, x1, [sp]
  stp x2, x30, [sp, #16]
  mov w0, \reg
  MOV64 x1, (\val)
  mov x2, #\line
  bl h_check
  ldp x2, x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
.endm

.macro CHECK_NZCV_ val, line
  sub sp, sp, #32
  stp x0, x1, [sp]
  stp x2, x30, [sp, #16]
  mrs x0, nzcv
  lsr x0, x0, #28
  mov x1, #(\val)
  mov x2, #\line
  bl h_check
  ldp x2, x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
.endm

.macro CHECK_TAKEN_ line
  sub sp, sp, #32
  stp x0, x1, [sp]
  stp x2, x30, [sp, #16]
  LA x0, h_exc
  ldr x0, [x0, #EXC_EXPECT]
  mov x1, #0
  mov x2, #\line
  bl h_check
  ldp x2, x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
.endm

.macro CHECK_EXC_ esr, elr, line
  CHECK_TAKEN_ \line
  sub sp, sp, #32
  stp x0, x1, [sp]
  stp x2, x30, [sp, #16]
  LA x0, h_exc
  ldr x0, [x0, #EXC_ESR]
  MOV64 x1, (\esr)
  mov x2, #\line
  bl h_check
  LA x0, h_exc
  ldr x0, [x0, #EXC_ELR]
  LA x1, \elr
  bl h_check
  ldp x2, x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
.endm

/* Arm the vectors for exactly one exception (clobbers nothing). */
.macro EXPECT_EXC
  sub sp, sp, #16
  stp x0, x1, [sp]
  LA x0, h_exc
  mov x1, #1
  str x1, [x0, #EXC_EXPECT]
  ldp x0, x1, [sp]
  add sp, sp, #16
.endm

/* Arm the vectors for one exception and resume at `label` after it (clobbers nothing). */
.macro RESUME_AT label
  sub sp, sp, #16
  stp x0, x1, [sp]
  LA x0, h_exc
  mov x1, #1
  str x1, [x0, #EXC_EXPECT]
  LA x1, \label
  str x1, [x0, #EXC_RESUME]
  ldp x0, x1, [sp]
  add sp, sp, #16
.endm

/*
 * Drop to EL0t (SP_EL0, DAIF masked, NZCV cleared) and continue with the next instruction;
 * clobbers X16. TO_EL1 returns to EL1h (SP_EL1) after it, keeping NZCV.
 */
.macro TO_EL0
  adr x16, .Lto_el0_\@
  msr elr_el1, x16
  mov x16, #0x3c0
  msr spsr_el1, x16
  eret
.Lto_el0_\@:
.endm

.macro TO_EL1
  svc #0xffff
.endm

/* Print a string literal (preserves everything). */
.macro PRINT str
  .pushsection .rodata.str, "aMS", @progbits, 1
.Lprint_str_\@:
  .asciz "\str"
  .popsection
  sub sp, sp, #16
  stp x0, x30, [sp]
  LA x0, .Lprint_str_\@
  bl h_puts
  ldp x0, x30, [sp]
  add sp, sp, #16
.endm

/* Print "name=<16 hex digits>\n" for a register (preserves everything). */
.macro PRINT_REG name, reg
  .pushsection .rodata.str, "aMS", @progbits, 1
.Lprint_reg_\@:
  .asciz "\name="
  .popsection
  sub sp, sp, #32
  stp x0, x1, [sp]
  str x30, [sp, #16]
  mov x1, \reg
  LA x0, .Lprint_reg_\@
  bl h_puts
  mov x0, x1
  bl h_puthex64
  mov x0, #'\n'
  bl h_putc
  ldr x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
.endm

#endif
