/*
 * Synchronous exceptions taken to EL1 (Arm ARM D1.10, ESR_EL1 encodings in D13.2.36):
 * UNDEFINED encodings (UDF, HLT without halting debug, MSR to a read-only register, EL2
 * registers from EL1), BRK, SVC, PC alignment faults, alignment faults of exclusive and
 * acquire/release accesses and of ordinary accesses with SCTLR_EL1.A = 1, an illegal
 * exception return and the Illegal Execution state exception that follows, and the vector
 * offsets for EL1t and EL1h. Each check compares ESR, ELR and FAR with the syndrome the
 * Arm ARM prescribes; raw syndromes whose ISS details are implementation choices are printed
 * for the differential test only.
 *
 * Not here: SP alignment faults (QEMU does not check SP alignment; test/integration covers
 * them on the service alone), SMC and HVC with unknown function numbers (KVM answers them as
 * SMCCC calls, QEMU's EL1-only machine raises UNDEFINED), aborts on unmapped addresses (MMIO
 * exits under KVM).
 */
#include "harness.h"

/* dst = the EC, WnR and DFSC fields of the ESR in src (ISV and the rest are printed only). */
.macro ESR_FIELDS dst, src
  MOV64 \dst, 0xfc00007f
  and \dst, \src, \dst
.endm

  .text
  .global main
main:
  stp x29, x30, [sp, #-16]!
  LA x9, __scratch

  /* UNDEFINED: EC 0x00 with IL = 1, ELR at the instruction, execution resumes after it. */
  EXPECT_EXC
.Ludf:
  udf #0x1234
  CHECK_EXC(0x02000000, .Ludf)
  EXPECT_EXC
.Lhlt:
  hlt #1
  CHECK_EXC(0x02000000, .Lhlt)
  EXPECT_EXC
.Lmsr_midr:
  msr s3_0_c0_c0_0, x0          /* MIDR_EL1 is read-only */
  CHECK_EXC(0x02000000, .Lmsr_midr)
  EXPECT_EXC
.Lhcr:
  mrs x0, s3_4_c1_c1_0          /* HCR_EL2: no EL2 */
  CHECK_EXC(0x02000000, .Lhcr)
  EXPECT_EXC
.Ldcps:
  .inst 0xd4a00001              /* DCPS1: only in Debug state */
  CHECK_EXC(0x02000000, .Ldcps)
  EXPECT_EXC
.Lunalloc:
  .inst 0x00001234              /* op0 = 0000: unallocated */
  CHECK_EXC(0x02000000, .Lunalloc)
  LOAD_EXC x0, EXC_KIND
  CHECK(x0, 4)                  /* current EL with SP_ELx, synchronous */
  LOAD_EXC x0, EXC_SPSR
  CHECK(x0, 0x3c5)

  /* BRK: EC 0x3c, ISS = the immediate, ELR at the BRK. */
  EXPECT_EXC
.Lbrk:
  brk #0x1234
  CHECK_EXC(0xf2001234, .Lbrk)
  EXPECT_EXC
.Lbrk2:
  brk #0xffff
  CHECK_EXC(0xf200ffff, .Lbrk2)

  /* SVC from EL1: EC 0x15, ISS = the immediate, ELR after the SVC; SPSR holds NZCV. */
  mov x1, #0x90000000
  msr nzcv, x1
  EXPECT_EXC
  svc #0x42
.Lafter_svc:
  CHECK_EXC(0x56000042, .Lafter_svc)
  CHECK_NZCV(0b1001)
  LOAD_EXC x0, EXC_SPSR
  CHECK(x0, 0x900003c5)
  msr nzcv, xzr
  EXPECT_EXC
  svc #0
.Lafter_svc0:
  CHECK_EXC(0x56000000, .Lafter_svc0)

  /* The EL1t vector (SPSel = 0): vector index 0, SPSR.M = EL1t. */
  msr spsel, #0
  EXPECT_EXC
.Ludf_el1t:
  udf #1
  msr spsel, #1
  CHECK_EXC(0x02000000, .Ludf_el1t)
  LOAD_EXC x0, EXC_KIND
  CHECK(x0, 0)
  LOAD_EXC x0, EXC_SPSR
  CHECK(x0, 0x3c4)

  /* PC alignment: a branch to a misaligned address faults at the target (EC 0x22). */
  LA x1, .Lmisaligned_target
  add x1, x1, #2
  RESUME_AT .Lpc_resume
  br x1
  nop
.Lmisaligned_target:
  nop
  nop
.Lpc_resume:
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  CHECK(x0, 0x8a000000)
  LOAD_EXC x0, EXC_ELR
  CHECKR(x0, x1)
  LOAD_EXC x0, EXC_FAR
  CHECKR(x0, x1)
  /* RET and BLR to a misaligned address likewise; BLR has written X30 first. */
  add x1, x1, #1
  RESUME_AT .Lpc_resume2
  blr x1
.Lafter_bad_blr:
.Lpc_resume2:
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_FAR
  CHECKR(x0, x1)
  LA x2, .Lafter_bad_blr
  CHECKR(x30, x2)

  /* Alignment faults of exclusive and acquire/release accesses (always checked): EC 0x25,
   * DFSC 0x21 (alignment), WnR for stores, FAR = the address. */
  add x10, x9, #4
  EXPECT_EXC
.Lldxr:
  ldxr x0, [x10]
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0             /* EC, WnR, DFSC */
  CHECK(x2, 0x94000021)
  PRINT_REG "esr(ldxr unaligned)", x0
  LOAD_EXC x0, EXC_FAR
  CHECKR(x0, x10)
  LOAD_EXC x0, EXC_ELR
  LA x2, .Lldxr
  CHECKR(x0, x2)
  /* A misaligned STXR cannot have a matching monitor (its LDXR would have faulted); the Arm
   * ARM lets the monitor check come first (AArch64.ExclusiveMonitorsPass), and then it just
   * fails with status 1 and no abort, as on QEMU. */
  add x10, x9, #2
  LOAD_EXC x21, EXC_COUNT
  mov w3, #7
  stxr w3, w1, [x10]
  CHECK(x3, 1)
  LOAD_EXC x0, EXC_COUNT
  CHECKR(x0, x21)
  add x10, x9, #1
  EXPECT_EXC
  ldarh w0, [x10]
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0
  CHECK(x2, 0x94000021)
  PRINT_REG "esr(ldarh unaligned)", x0
  add x10, x9, #12
  EXPECT_EXC
  stlr x1, [x10]
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0
  CHECK(x2, 0x94000061)
  PRINT_REG "esr(stlr unaligned)", x0
  add x10, x9, #8
  EXPECT_EXC
  ldxp x0, x1, [x10]            /* a pair of X needs 16-byte alignment */
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0
  CHECK(x2, 0x94000021)
  LOAD_EXC x0, EXC_COUNT
  mov x20, x0

  /* Aligned ones do not fault. */
  add x10, x9, #16
  ldxp x0, x1, [x10]
  ldar w0, [x9]
  LOAD_EXC x0, EXC_COUNT
  CHECKR(x0, x20)

  /* SCTLR_EL1.A = 1: ordinary unaligned accesses fault too; aligned ones do not. */
  mrs x11, sctlr_el1
  orr x12, x11, #2
  msr sctlr_el1, x12
  isb
  ldr x0, [x9, #8]
  ldrh w0, [x9, #6]
  EXPECT_EXC
.Lldr_unaligned:
  ldr w0, [x9, #6]
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0
  CHECK(x2, 0x94000021)
  PRINT_REG "esr(ldr w unaligned, A=1)", x0
  LOAD_EXC x0, EXC_FAR
  add x2, x9, #6
  CHECKR(x0, x2)
  EXPECT_EXC
  add x10, x9, #4
  stp x1, x2, [x10]
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0
  CHECK(x2, 0x94000061)
  PRINT_REG "esr(stp unaligned, A=1)", x0
  EXPECT_EXC
  ldurh w0, [x9, #1]
  CHECK_TAKEN()
  LOAD_EXC x0, EXC_ESR
  ESR_FIELDS x2, x0
  CHECK(x2, 0x94000021)
  msr sctlr_el1, x11
  isb
  ldr w0, [x9, #6]              /* A = 0 again */

  /* An illegal exception return (to EL2, which does not exist): PSTATE.IL is set, EL stays
   * EL1, NZCV and DAIF come from SPSR; the next instruction raises the Illegal Execution
   * state exception (EC 0x0e) with SPSR.IL set. */
  LA x1, .Lillegal_target
  msr elr_el1, x1
  mov x2, #0x3c9
  movk x2, #0x6000, lsl #16
  msr spsr_el1, x2
  EXPECT_EXC
  eret
.Lillegal_target:
  nop
  CHECK_EXC(0x3a000000, .Lillegal_target)
  LOAD_EXC x0, EXC_SPSR
  CHECK(x0, 0x601003c5)
  CHECK_NZCV(0b0110)
  mrs x0, currentel
  CHECK(x0, 4)
  /* A legal return to EL1t keeps running at EL1 on SP_EL0. */
  LA x1, .Lel1t_target
  msr elr_el1, x1
  mov x2, #0x3c4
  msr spsr_el1, x2
  mov x3, sp
  eret
.Lel1t_target:
  mrs x0, spsel
  mov x4, sp
  msr spsel, #1
  CHECK(x0, 0)
  LA x5, __el0_stack_top
  CHECKR(x4, x5)

  LOAD_EXC x0, EXC_COUNT
  PRINT_REG "exceptions taken", x0
  LOAD_EXC x1, EXC_ESR
  LOAD_EXC x2, EXC_ELR
  LOAD_EXC x3, EXC_SPSR
  LOAD_EXC x4, EXC_FAR
  ldp x29, x30, [sp], #16
  ret
