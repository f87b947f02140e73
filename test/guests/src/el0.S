/*
 * EL0 (Arm ARM D1.6, D13 SCTLR_EL1 trap controls): ERET from EL1 into EL0t and SVC back;
 * EL0 code computing and using SP_EL0; exceptions from EL0 taken to the lower-EL vector (SVC,
 * BRK, UNDEFINED, HVC/SMC/ERET/EL1 registers from EL0); the SCTLR_EL1 controls of EL0 access
 * -- UMA (DAIF), UCT (CTR_EL0), DZE (DC ZVA, DCZID_EL0.DZP), nTWI (WFI trap, EC 0x01) --
 * both off (trap, EC 0x18 with the MRS/MSR syndrome) and on (allowed);
 * TPIDR_EL0 read/write and TPIDRRO_EL0 read-only at EL0.
 */
#include "harness.h"

/* SCTLR_EL1 bits. */
#define UMA (1 << 9)
#define DZE (1 << 14)
#define UCT (1 << 15)
#define nTWI (1 << 16)

/* dst = the EC and IL of the ESR in src. */
.macro ESR_EC dst, src
  lsr \dst, \src, #25
  lsl \dst, \dst, #25
.endm

  .text
  .global main
main:
  stp x29, x30, [sp, #-16]!
  LA x9, __scratch
  mov x5, sp
  MOV64 x1, 0x1111222233334444
  msr tpidr_el0, x1
  MOV64 x2, 0x5555666677778888
  msr tpidrro_el0, x2

  /* Down to EL0 and back: NZCV survives the SVC, SP_EL0 is the EL0 stack. */
  TO_EL0
  mov x10, sp
  mov x3, #7
  mul x4, x3, x3
  stp x3, x4, [sp, #-16]!
  ldp x6, x7, [sp], #16
  mrs x11, tpidr_el0
  mrs x12, tpidrro_el0
  MOV64 x13, 0x0123456789abcdef
  msr tpidr_el0, x13
  ldtr x14, [x9]
  str x4, [x9, #8]
  adds x15, x3, #-7
  TO_EL1
  CHECK_NZCV(0b0110)
  mrs x0, currentel
  CHECK(x0, 4)
  mrs x0, spsel
  CHECK(x0, 1)
  mov x0, sp
  CHECKR(x0, x5)
  LA x0, __el0_stack_top
  CHECKR(x10, x0)
  CHECK(x6, 7)
  CHECK(x7, 49)
  CHECKR(x11, x1)
  CHECKR(x12, x2)
  mrs x0, tpidr_el0
  CHECK(x0, 0x0123456789abcdef)
  ldr x0, [x9, #8]
  CHECK(x0, 49)

  /* Exceptions from EL0 go to the lower-EL AArch64 vector (index 8) and return to EL0. */
  TO_EL0
  EXPECT_EXC
  svc #0x1234
.Lel0_after_svc:
  CHECK_EXC(0x56001234, .Lel0_after_svc)
  EXPECT_EXC
.Lel0_brk:
  brk #0x77
  CHECK_EXC(0xf2000077, .Lel0_brk)
  EXPECT_EXC
.Lel0_udf:
  udf #9
  CHECK_EXC(0x02000000, .Lel0_udf)
  LOAD_EXC x20, EXC_KIND
  LOAD_EXC x21, EXC_SPSR
  /* UNDEFINED at EL0: HVC, SMC, ERET, EL1-only registers, SPSel, CurrentEL, TPIDRRO write. */
  EXPECT_EXC
.Lel0_hvc:
  hvc #0
  CHECK_EXC(0x02000000, .Lel0_hvc)
  EXPECT_EXC
.Lel0_smc:
  smc #0
  CHECK_EXC(0x02000000, .Lel0_smc)
  EXPECT_EXC
.Lel0_eret:
  eret
  CHECK_EXC(0x02000000, .Lel0_eret)
  EXPECT_EXC
.Lel0_sctlr:
  mrs x0, sctlr_el1
  CHECK_EXC(0x02000000, .Lel0_sctlr)
  EXPECT_EXC
.Lel0_vbar:
  msr vbar_el1, x0
  CHECK_EXC(0x02000000, .Lel0_vbar)
  EXPECT_EXC
.Lel0_spsel:
  msr spsel, #1
  CHECK_EXC(0x02000000, .Lel0_spsel)
  EXPECT_EXC
.Lel0_currentel:
  mrs x0, currentel
  CHECK_EXC(0x02000000, .Lel0_currentel)
  EXPECT_EXC
.Lel0_tpidrro:
  msr tpidrro_el0, x0
  CHECK_EXC(0x02000000, .Lel0_tpidrro)
  EXPECT_EXC
.Lel0_sp_el0:
  mrs x0, sp_el0
  CHECK_EXC(0x02000000, .Lel0_sp_el0)
  EXPECT_EXC
.Lel0_tlbi:
  tlbi vmalle1
  CHECK_EXC(0x02000000, .Lel0_tlbi)

  /* SCTLR_EL1.UMA/UCT/DZE = 0: DAIF, CTR_EL0 and DC ZVA trap with EC 0x18, ISS = the
   * MRS/MSR/SYS encoding (Op0, Op2, Op1, CRn, Rt, CRm, direction). DCZID_EL0 reads with DZP. */
  EXPECT_EXC
.Lel0_daif:
  mrs x3, daif
  CHECK_EXC(0x6232d065, .Lel0_daif)   /* Op0 3, Op2 1, Op1 3, CRn 4, Rt 3, CRm 2, read */
  EXPECT_EXC
.Lel0_daif_w:
  msr daif, x4
  CHECK_EXC(0x6232d084, .Lel0_daif_w)   /* Rt 4, write */
  EXPECT_EXC
.Lel0_ctr:
  mrs x5, ctr_el0
  CHECK_EXC(0x6232c0a1, .Lel0_ctr)   /* Op0 3, Op2 1, Op1 3, CRn 0, Rt 5, CRm 0, read */
  EXPECT_EXC
.Lel0_zva:
  dc zva, x9
  CHECK_EXC(0x6212dd28, .Lel0_zva)   /* SYS: Op0 1, Op2 1, Op1 3, CRn 7, Rt 9, CRm 4 */
  /* MSR DAIFSet traps too (EC 0x18). Only the EC is compared here: QEMU 7.2 swaps Op1 and
   * Op2 in this syndrome (the service-only test kvm.S checks the full ISS). */
  EXPECT_EXC
  msr daifset, #1
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_EC x2, x0
  CHECK(x2, 0x62000000)
  mrs x0, dczid_el0
  CHECK(x0, 0x14)
  /* WFE after SEVL finds the event register set and does not wait. */
  sevl
  wfe
  TO_EL1
  LOAD_EXC x0, EXC_COUNT
  PRINT_REG "exceptions from EL0", x0
  CHECK(x20, 8)
  CHECK(x21, 0x3c0)              /* SPSR: EL0t, DAIF as TO_EL0 set them */

  /* Now allow them: UMA, UCT, DZE = 1, and trap WFI instead (nTWI = 0). */
  mrs x11, sctlr_el1
  mov x12, x11
  orr x12, x12, #UMA
  orr x12, x12, #UCT
  orr x12, x12, #DZE
  bic x12, x12, #nTWI
  msr sctlr_el1, x12
  isb
  MOV64 x1, 0x5a5a5a5a5a5a5a5a
  str x1, [x9, #64]
  str x1, [x9, #120]
  str x1, [x9, #128]
  add x13, x9, #64
  TO_EL0
  mrs x3, daif
  msr daifclr, #0
  mrs x4, ctr_el0
  mrs x5, dczid_el0
  dc zva, x13
  EXPECT_EXC
.Lel0_wfi:
  wfi
  CHECK_TAKEN()
  LOAD_EXC x6, EXC_ESR
  /* (A WFE trap is tested on the service alone, kvm.S: QEMU 7.2 runs WFE as YIELD and never
   * traps it.) */
  TO_EL1
  msr sctlr_el1, x11
  isb
  CHECK(x3, 0x3c0)
  mrs x15, ctr_el0              /* EL0 read the same CTR_EL0 as EL1 (sysregs.S checks its value) */
  CHECKR(x4, x15)
  mov x4, #0
  mov x15, #0
  CHECK(x5, 4)
  ldr x0, [x9, #64]
  CHECK(x0, 0)
  ldr x0, [x9, #120]
  CHECK(x0, 0)
  ldr x0, [x9, #128]
  CHECKR(x0, x1)
  ESR_EC x2, x6
  CHECK(x2, 0x06000000)          /* EC 0x01, IL */
  CHECK(x6, 0x07e00000)          /* CV = 1, COND = 0b1110, TI = 0 (WFI) */

  LOAD_EXC x0, EXC_COUNT
  mov x1, x20
  mov x2, x21
  mrs x3, tpidr_el0
  ldp x29, x30, [sp], #16
  ret
