/*
 * guest: service-only
 *
 * KVM behaviours a guest sees that QEMU's EL1-only virt machine does not share, checked on
 * the service alone (test/integration/guests.test.ts drives the VMM side):
 *  - SMCCC/PSCI over HVC and SMC (spec §14): PSCI_VERSION 1.3, SMCCC_VERSION 1.1,
 *    PSCI_FEATURES, AFFINITY_INFO, CPU_ON of a missing vCPU, unknown function ids return
 *    NOT_SUPPORTED (-1), an SMC with a non-zero immediate returns ~0 without dispatch;
 *  - MMIO (spec §7.5): loads of every size and sign extension from an address outside RAM
 *    complete with the VMM's data (this program expects byte k of an access at address A to
 *    be (A + k) & 0xff); stores of every size reach the VMM;
 *  - MPIDR_EL1 follows the vCPU id (printed; the test checks it);
 *  - architecture the service implements and QEMU 7.2 does not: SP alignment faults
 *    (EC 0x26, SCTLR_EL1.SA/SA0), WFE trapped from EL0 (EC 0x01, TI = 1), the full ISS of a
 *    trapped MSR DAIFSet at EL0, and ERET to AArch32 being an illegal return (AArch64-only
 *    EL0, ID_AA64PFR0_EL1.EL0 = 1).
 */
#include "harness.h"

#define MMIO 0x0a000000

/* x0 = function id; HVC #0; result left in x0. */
.macro SMCCC_HVC fn
  MOV64 x0, \fn
  hvc #0
.endm

  .text
  .global main
main:
  stp x29, x30, [sp, #-16]!
  LA x9, __scratch

  /* SMCCC and PSCI. */
  SMCCC_HVC 0x84000000                  /* PSCI_VERSION */
  CHECK(x0, 0x10003)
  SMCCC_HVC 0x80000000                  /* SMCCC_VERSION */
  CHECK(x0, 0x10001)
  mov x1, #0x84000000
  movk x1, #0x0008                      /* PSCI_FEATURES(SYSTEM_OFF) */
  SMCCC_HVC 0x8400000a
  CHECK(x0, 0)
  mov x1, #0x84000000
  movk x1, #0x00ff
  SMCCC_HVC 0x8400000a                  /* PSCI_FEATURES(an unassigned PSCI id) */
  CHECK(x0, 0xffffffffffffffff)
  SMCCC_HVC 0x86001234                  /* an unassigned SiP-range id */
  CHECK(x0, 0xffffffffffffffff)
  mrs x1, mpidr_el1
  and x1, x1, #0xffffff
  mov x2, #0
  SMCCC_HVC 0xc4000004                  /* AFFINITY_INFO_64(self, level 0): ON */
  CHECK(x0, 0)
  MOV64 x1, 0xffff                      /* CPU_ON_64 of an MPIDR no vCPU has */
  LA x2, main
  mov x3, #0
  SMCCC_HVC 0xc4000003
  CHECK(x0, 0xfffffffffffffffe)         /* INVALID_PARAMETERS */
  /* SMC #0 is a conduit too (Linux 6.4+); SMC #1 returns ~0 without dispatch; both continue
   * after the SMC. */
  MOV64 x0, 0x84000000
  smc #0
  CHECK(x0, 0x10003)
  MOV64 x0, 0x84000000
  smc #1
  CHECK(x0, 0xffffffffffffffff)
  /* HVC with a non-zero immediate is still an SMCCC call. */
  MOV64 x0, 0x80000000
  hvc #0x1234
  CHECK(x0, 0x10001)

  mrs x0, mpidr_el1
  PRINT_REG "mpidr", x0

  /* MMIO loads: the VMM answers byte k of an access at A with (A + k) & 0xff. */
  MOV64 x10, MMIO
  movn x0, #0
  ldrb w0, [x10, #0x81]
  CHECK(x0, 0x81)
  ldrsb x0, [x10, #0x80]
  CHECK(x0, 0xffffffffffffff80)
  ldrsb w0, [x10, #0x90]
  CHECK(x0, 0xffffff90)
  ldrh w0, [x10, #0x10]
  CHECK(x0, 0x1110)
  ldrsh x0, [x10, #0xfe]
  CHECK(x0, 0xfffffffffffffffe)
  ldrsh w0, [x10, #0x8e]
  CHECK(x0, 0xffff8f8e)
  ldr w0, [x10, #0x20]
  CHECK(x0, 0x23222120)
  ldrsw x0, [x10, #0xf0]
  CHECK(x0, 0xfffffffff3f2f1f0)
  ldr x0, [x10, #0x40]
  CHECK(x0, 0x4746454443424140)
  ldur x0, [x10, #-8]
  CHECK(x0, 0xfffefdfcfbfaf9f8)
  ldr xzr, [x10, #0x48]
  /* MMIO stores of every size (the test checks what reached it). */
  MOV64 x1, 0x8877665544332211
  strb w1, [x10, #0x100]
  strh w1, [x10, #0x102]
  str w1, [x10, #0x104]
  str x1, [x10, #0x108]
  str xzr, [x10, #0x110]

  /* SP alignment (SCTLR_EL1.SA = 1 from start.S): a load or store through a misaligned SP
   * faults with EC 0x26; arithmetic on it does not. Run at EL1t so the fault is taken on the
   * (aligned) SP_EL1. The harness macros use the stack, so the vectors are told to skip every
   * exception (h_exc_skip_all) while SP is misaligned, and the count is checked after. */
  LA x15, h_exc
  mov x0, #1
  str x0, [x15, #EXC_SKIP_ALL]
  ldr x20, [x15, #EXC_COUNT]
  mrs x11, sp_el0
  add x12, x11, #8
  msr sp_el0, x12
  msr spsel, #0
  add sp, sp, #0                      /* no access: no fault */
.Lsp_ldr:
  ldr x0, [sp]
  ldr x21, [x15, #EXC_ESR]
  ldr x22, [x15, #EXC_ELR]
.Lsp_stp:
  stp x0, x1, [sp, #-16]!
  ldr x23, [x15, #EXC_ESR]
  ldr x24, [x15, #EXC_ELR]
  /* SCTLR_EL1.SA = 0: no check. */
  mrs x13, sctlr_el1
  bic x14, x13, #(1 << 3)
  msr sctlr_el1, x14
  isb
  ldr x0, [sp]
  msr sctlr_el1, x13
  isb
  msr spsel, #1
  ldr x0, [x15, #EXC_COUNT]
  sub x0, x0, x20
  CHECK(x0, 2)
  CHECK(x21, 0x9a000000)
  LA x0, .Lsp_ldr
  CHECKR(x22, x0)
  CHECK(x23, 0x9a000000)
  LA x0, .Lsp_stp
  CHECKR(x24, x0)
  /* At EL0, SA0 governs SP_EL0: the fault goes to the lower-EL vector. */
  ldr x20, [x15, #EXC_COUNT]
  TO_EL0
.Lsp_el0:
  ldr x0, [sp, #8]
  TO_EL1
  str xzr, [x15, #EXC_SKIP_ALL]
  msr sp_el0, x11
  ldr x0, [x15, #EXC_COUNT]
  sub x0, x0, x20
  CHECK(x0, 1)
  LOAD_EXC x0, EXC_ESR
  CHECK(x0, 0x9a000000)
  LOAD_EXC x0, EXC_ELR
  LA x1, .Lsp_el0
  CHECKR(x0, x1)
  LOAD_EXC x0, EXC_KIND
  CHECK(x0, 8)

  /* WFE from EL0 with SCTLR_EL1.nTWE = 0 traps (EC 0x01, TI = 1) when it would wait: the
   * exception return just set the event register, so the first WFE only clears it. */
  mrs x13, sctlr_el1
  bic x14, x13, #(1 << 18)
  msr sctlr_el1, x14
  isb
  TO_EL0
  wfe
  EXPECT_EXC
.Lwfe:
  wfe
  TO_EL1
  msr sctlr_el1, x13
  isb
  CHECK_EXC(0x07e00001, .Lwfe)

  /* MSR DAIFSet at EL0 with UMA = 0: EC 0x18, ISS Op0 0, Op2 6, Op1 3, CRn 4, Rt 31, CRm 1. */
  TO_EL0
  EXPECT_EXC
.Ldaifset:
  msr daifset, #1
  TO_EL1
  CHECK_EXC(0x620cd3e2, .Ldaifset)

  /* ERET to AArch32 (SPSR.M[4] = 1) is illegal: IL set, the target raises EC 0x0e at EL1. */
  LA x1, .Laarch32_target
  msr elr_el1, x1
  mov x2, #0x10                         /* AArch32 User */
  msr spsr_el1, x2
  EXPECT_EXC
  eret
.Laarch32_target:
  nop
  CHECK_EXC(0x3a000000, .Laarch32_target)
  mrs x0, currentel
  CHECK(x0, 4)

  ldp x29, x30, [sp], #16
  ret
