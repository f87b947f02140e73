/*
 * System register moves and PSTATE (Arm ARM C5, D13): CurrentEL, SPSel and the two stack
 * pointers, DAIF through MSR and DAIFSet/DAIFClr, NZCV, the EL1 exception registers, the
 * thread-ID registers, CONTEXTIDR_EL1, identification registers the model fixes (MIDR and
 * CTR of a Cortex-A57 r1p0, DCZID), AT with the MMU off, and the barrier and hint
 * instructions. ID registers that legitimately differ between QEMU's cortex-a57 and this
 * vCPU (feature fields, CLIDR, MPIDR, timers) are not read.
 */
#include "harness.h"

  .text
  .global main
main:
  mrs x0, currentel
  CHECK(x0, 0x4)

  /* SPSel: SP is SP_EL1 with SPSel = 1 and SP_EL0 with SPSel = 0. */
  mrs x0, spsel
  CHECK(x0, 1)
  mov x5, sp
  LA x1, __el0_stack_top
  mrs x2, sp_el0
  CHECKR(x2, x1)
  MOV64 x3, 0x40c00000
  msr sp_el0, x3
  msr spsel, #0
  mov x4, sp
  mrs x0, spsel
  msr spsel, #1
  CHECK(x0, 0)
  CHECKR(x4, x3)
  mov x4, sp
  CHECKR(x4, x5)
  msr spsel, #0
  sub sp, sp, #32          /* moves SP_EL0 */
  msr spsel, #1
  mrs x0, sp_el0
  CHECK(x0, 0x40c00000 - 32)
  mov x0, #0
  msr spsel, x0
  mrs x1, spsel
  mov x0, #1
  msr spsel, x0
  CHECK(x1, 0)
  LA x1, __el0_stack_top
  msr sp_el0, x1

  /* DAIF: masked at entry; DAIFSet/DAIFClr take D,A,I,F as bits 3..0 of the immediate. */
  mrs x0, daif
  CHECK(x0, 0x3c0)
  msr daifclr, #0x5       /* clears A (immediate bit 2, DAIF bit 8) and F (bit 0, DAIF bit 6) */
  mrs x0, daif
  CHECK(x0, 0x280)
  msr daifset, #0xf
  msr daifclr, #0x8
  mrs x0, daif
  CHECK(x0, 0x1c0)
  mov x1, #0x140
  msr daif, x1
  mrs x0, daif
  CHECK(x0, 0x140)
  movn x1, #0
  msr daif, x1
  mrs x0, daif
  CHECK(x0, 0x3c0)

  /* NZCV: only bits 31:28 exist. */
  movn x1, #0
  msr nzcv, x1
  mrs x0, nzcv
  CHECK(x0, 0xf0000000)
  mov x1, #0x50000000
  msr nzcv, x1
  CHECK_NZCV(0b0101)
  msr nzcv, xzr
  mrs x0, nzcv
  CHECK(x0, 0)

  /* EL1 exception and thread registers hold 64-bit values. */
  MOV64 x1, 0x0123456789abcdef
  MOV64 x2, 0xfedcba9876543210
  msr elr_el1, x1
  mrs x0, elr_el1
  CHECKR(x0, x1)
  mov x3, #0x3c5
  movk x3, #0x6000, lsl #16
  msr spsr_el1, x3
  mrs x0, spsr_el1
  CHECKR(x0, x3)
  MOV64 x3, 0x96000045
  msr esr_el1, x3
  mrs x0, esr_el1
  CHECKR(x0, x3)
  msr far_el1, x2
  mrs x0, far_el1
  CHECKR(x0, x2)
  msr tpidr_el0, x1
  msr tpidrro_el0, x2
  msr tpidr_el1, x1
  mrs x0, tpidr_el0
  CHECKR(x0, x1)
  mrs x0, tpidrro_el0
  CHECKR(x0, x2)
  mrs x0, tpidr_el1
  CHECKR(x0, x1)
  mov x3, #0x5678
  movk x3, #0x1234, lsl #16
  msr contextidr_el1, x3
  mrs x0, contextidr_el1
  CHECKR(x0, x3)
  /* VBAR_EL1: a 2 KiB aligned table address reads back as written. */
  mrs x6, vbar_el1
  LA x1, h_vectors
  CHECKR(x6, x1)
  MOV64 x1, 0x40123800
  msr vbar_el1, x1
  mrs x0, vbar_el1
  msr vbar_el1, x6
  CHECKR(x0, x1)
  /* SCTLR_EL1 as start.S wrote it. */
  mrs x0, sctlr_el1
  CHECK(x0, 0x00c50838)

  /* Identification that the Cortex-A57 r1p0 model fixes. */
  mrs x0, midr_el1
  CHECK(x0, 0x411fd070)
  mrs x0, revidr_el1
  CHECK(x0, 0)
  mrs x0, ctr_el0
  CHECK(x0, 0x8444c004)   /* A57 TRM: 64-byte lines, PIPT L1 I-cache */
  mrs x0, dczid_el0
  CHECK(x0, 4)

  /* AT with the MMU off: the PA is the VA; the attributes are printed for the diff. */
  MOV64 x1, 0x40001234
  at s1e1r, x1
  isb
  mrs x0, par_el1
  and x2, x0, #0xfffffffff000
  CHECK(x2, 0x40001000)
  tst x0, #1
  CHECK_NZCV(0b0100)
  PRINT_REG "par_el1(s1e1r 0x40001234)", x0
  at s1e0w, x1
  isb
  mrs x0, par_el1
  PRINT_REG "par_el1(s1e0w 0x40001234)", x0

  /* Barriers and hints execute with no architectural effect here; SEVL sets the event
   * register so the WFE after it does not wait. */
  dmb ish
  dmb oshld
  dmb sy
  dsb ishst
  dsb sy
  dsb nsh
  isb
  nop
  yield
  sev
  sevl
  wfe
  hint #0x7f
  mov x0, #3
  CHECK(x0, 3)

  /* Cache and TLB maintenance from EL1: no effect on memory with the MMU off. */
  LA x9, __scratch
  MOV64 x1, 0x5a5a5a5a5a5a5a5a
  str x1, [x9]
  dc civac, x9
  dc cvac, x9
  dc cvau, x9
  dc ivac, x9
  ic ivau, x9
  ic iallu
  ic ialluis
  tlbi vmalle1
  tlbi vmalle1is
  tlbi vae1, x9
  dsb ish
  isb
  ldr x0, [x9]
  CHECKR(x0, x1)

  mrs x0, currentel
  mrs x1, daif
  mrs x2, spsel
  mrs x3, tpidr_el0
  mrs x4, elr_el1
  ret
