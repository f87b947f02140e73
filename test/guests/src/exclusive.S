/*
 * Exclusive and ordered accesses (Arm ARM B2.9, C4.1.94): LDXR/STXR of every size and their
 * acquire/release forms, LDXP/STXP, LDAR/STLR, the local monitor (a store-exclusive succeeds
 * once after a load-exclusive of the same address, fails after CLREX, without a prior LDXR,
 * to another address, and after an exception return), and an atomic-increment loop.
 */
#include "harness.h"

  .text
  .global main
main:
  LA x9, __scratch
  /* Exclusives take no offset: one address register per location. */
  add x20, x9, #2
  add x21, x9, #4
  add x22, x9, #8
  add x23, x9, #10
  add x24, x9, #16
  add x25, x9, #32
  add x26, x9, #33
  add x27, x9, #34
  add x28, x9, #36
  add x19, x9, #48
  MOV64 x1, 0x8899aabbccddeeff
  str x1, [x9]
  str x1, [x9, #8]
  stp xzr, xzr, [x9, #16]

  /* Every size: load-exclusive, store-exclusive of a new value, status 0. */
  ldxrb w0, [x9]
  CHECK(x0, 0xff)
  mov w2, #0x11
  stxrb w3, w2, [x9]
  CHECK(x3, 0)
  ldxrh w0, [x20]
  CHECK(x0, 0xccdd)
  mov w2, #0x2222
  stxrh w3, w2, [x20]
  CHECK(x3, 0)
  ldxr w0, [x21]
  CHECK(x0, 0x8899aabb)
  mov w2, #0x33333333
  stxr w3, w2, [x21]
  CHECK(x3, 0)
  ldr x0, [x9]
  CHECK(x0, 0x333333332222ee11)
  ldxr x0, [x22]
  CHECK(x0, 0x8899aabbccddeeff)
  MOV64 x2, 0x0123456789abcdef
  stxr w3, x2, [x22]
  CHECK(x3, 0)
  ldr x0, [x9, #8]
  CHECK(x0, 0x0123456789abcdef)

  /* Acquire/release forms. */
  ldaxr x0, [x22]
  CHECK(x0, 0x0123456789abcdef)
  add x0, x0, #1
  stlxr w3, x0, [x22]
  CHECK(x3, 0)
  ldaxrb w0, [x22]
  CHECK(x0, 0xf0)
  stlxrb w3, wzr, [x22]
  CHECK(x3, 0)
  ldaxrh w0, [x23]
  CHECK(x0, 0x89ab)
  stlxrh w3, w0, [x23]
  CHECK(x3, 0)
  ldr x0, [x9, #8]
  CHECK(x0, 0x0123456789abcd00)

  /* The monitor: a second STXR, a STXR after CLREX, without LDXR, or to another address fails
   * (status 1) and leaves memory alone. */
  ldxr x0, [x22]
  stxr w3, x1, [x22]
  CHECK(x3, 0)
  stxr w3, x2, [x22]
  CHECK(x3, 1)
  ldxr x0, [x22]
  clrex
  stxr w3, x2, [x22]
  CHECK(x3, 1)
  clrex
  stxr w3, x2, [x24]
  CHECK(x3, 1)
  ldxr x0, [x22]
  stxr w3, x2, [x24]
  CHECK(x3, 1)
  ldr x0, [x9, #8]
  CHECKR(x0, x1)
  ldr x0, [x9, #16]
  CHECK(x0, 0)
  /* An exception return clears the monitor (SVC at EL1, handled by the harness). */
  ldxr x0, [x22]
  EXPECT_EXC
  svc #1
  stxr w3, x2, [x22]
  CHECK(x3, 1)
  ldr x0, [x9, #8]
  CHECKR(x0, x1)

  /* Pairs. */
  MOV64 x4, 0x1111111111111111
  MOV64 x5, 0x2222222222222222
  stp x4, x5, [x9, #16]
  ldxp x6, x7, [x24]
  CHECKR(x6, x4)
  CHECKR(x7, x5)
  stxp w3, x5, x4, [x24]
  CHECK(x3, 0)
  ldp x6, x7, [x9, #16]
  CHECKR(x6, x5)
  CHECKR(x7, x4)
  ldaxp w6, w7, [x24]
  CHECK(x6, 0x22222222)
  CHECK(x7, 0x22222222)
  mov w10, #0x5555
  stlxp w3, w10, wzr, [x24]
  CHECK(x3, 0)
  ldr x0, [x9, #16]
  CHECK(x0, 0x5555)
  ldxp x6, x7, [x24]
  clrex
  stxp w3, x1, x1, [x24]
  CHECK(x3, 1)

  /* Load-acquire / store-release (no monitor involved). */
  mov x11, #0
  str x11, [x9, #32]
  MOV64 x2, 0xfedcba9876543210
  stlr x2, [x25]
  ldar x0, [x25]
  CHECKR(x0, x2)
  stlrb w1, [x25]
  stlrh w1, [x27]
  stlr w1, [x28]
  ldar x0, [x25]
  CHECK(x0, 0xccddeeffeeff32ff)
  ldarb w0, [x26]
  CHECK(x0, 0x32)
  ldarh w0, [x27]
  CHECK(x0, 0xeeff)
  ldar w0, [x28]
  CHECK(x0, 0xccddeeff)

  /* An atomic increment loop: 1000 LDAXR/ADD/STLXR rounds (each succeeds at once here). */
  str xzr, [x9, #48]
  mov x12, #1000
  mov x13, #0                 /* retries */
1:
  ldaxr x0, [x19]
  add x0, x0, #3
  stlxr w3, x0, [x19]
  cbz w3, 2f
  add x13, x13, #1
  b 1b
2:
  subs x12, x12, #1
  b.ne 1b
  ldr x0, [x9, #48]
  CHECK(x0, 3000)
  CHECK(x13, 0)

  ldr x0, [x9]
  ldp x1, x2, [x9, #8]
  ldp x3, x4, [x9, #24]
  ldp x5, x6, [x9, #40]
  ret
