/*
 * Load/store pair (Arm ARM C4.1.94): LDP/STP of W and X registers with signed scaled offsets
 * at both ends of the range, pre- and post-index writeback (also on SP), LDPSW, the
 * non-temporal LDNP/STNP, and XZR as a source. Memory: __scratch filled with byte
 * i = i * 0x1d + 0x87 (as in ldst-modes.S).
 */
#include "harness.h"

  .text
  .global main
main:
  LA x9, __scratch
  mov x1, #0
  mov w2, #0x87
1:
  strb w2, [x9, x1]
  add w2, w2, #0x1d
  add x1, x1, #1
  cmp x1, #1024
  b.ne 1b
  add x10, x9, #0x300

  /* Signed offsets: imm7 scaled by the register size, -64..63. */
  movn x0, #0
  movn x1, #0
  ldp x0, x1, [x10]
  CHECK(x0, 0x523518fbdec1a487)
  CHECK(x1, 0x3a1d00e3c6a98c6f)
  movn x0, #0
  movn x1, #0
  ldp x0, x1, [x10, #-512]
  CHECK(x0, 0x523518fbdec1a487)
  CHECK(x1, 0x3a1d00e3c6a98c6f)
  movn x0, #0
  movn x1, #0
  ldp x0, x1, [x10, #504]
  CHECK(x0, 0x0)
  CHECK(x1, 0x0)
  movn x0, #0
  movn x1, #0
  ldp w0, w1, [x10, #-256]
  CHECK(x0, 0xdec1a487)
  CHECK(x1, 0x523518fb)
  movn x0, #0
  movn x1, #0
  ldp w0, w1, [x10, #252]
  CHECK(x0, 0x6a4d3013)
  CHECK(x1, 0x0)
  movn x0, #0
  movn x1, #0
  ldpsw x0, x1, [x10, #-4]
  CHECK(x0, 0x6a4d3013)
  CHECK(x1, 0xffffffffdec1a487)
  movn x0, #0
  movn x1, #0
  ldpsw x0, x1, [x10, #12]
  CHECK(x0, 0x3a1d00e3)
  CHECK(x1, 0xffffffffae917457)
  movn x0, #0
  movn x1, #0
  ldnp x0, x1, [x10, #16]
  CHECK(x0, 0x2205e8cbae917457)
  CHECK(x1, 0xaedd0b396795c3f)
  movn x0, #0
  movn x1, #0
  ldnp w0, w1, [x10, #-8]
  CHECK(x0, 0xf6d9bc9f)
  CHECK(x1, 0x6a4d3013)

  /* Stores, read back with single loads. */
  MOV64 x2, 0x0102030405060708
  MOV64 x3, 0xf1f2f3f4f5f6f7f8
  stp x2, x3, [x10, #-16]
  stp w2, w3, [x10, #4]
  stnp x3, x2, [x10, #32]
  stnp w3, w2, [x10, #-36]
  stp xzr, x2, [x10, #64]
  stp w2, wzr, [x10, #88]
  ldur x0, [x10, #-48]
  CHECK(x0, 0xe2c5a88b6e513417)
  ldur x0, [x10, #-40]
  CHECK(x0, 0xf5f6f7f856391cff)
  ldur x0, [x10, #-32]
  CHECK(x0, 0xb295785b05060708)
  ldur x0, [x10, #-24]
  CHECK(x0, 0x9a7d60432609eccf)
  ldur x0, [x10, #-16]
  CHECK(x0, 0x102030405060708)
  ldur x0, [x10, #-8]
  CHECK(x0, 0xf1f2f3f4f5f6f7f8)
  ldr x0, [x10, #0]
  CHECK(x0, 0x5060708dec1a487)
  ldr x0, [x10, #8]
  CHECK(x0, 0x3a1d00e3f5f6f7f8)
  ldr x0, [x10, #16]
  CHECK(x0, 0x2205e8cbae917457)
  ldr x0, [x10, #24]
  CHECK(x0, 0xaedd0b396795c3f)
  ldr x0, [x10, #32]
  CHECK(x0, 0xf1f2f3f4f5f6f7f8)
  ldr x0, [x10, #40]
  CHECK(x0, 0x102030405060708)
  ldr x0, [x10, #48]
  CHECK(x0, 0xc2a5886b4e3114f7)
  ldr x0, [x10, #56]
  CHECK(x0, 0xaa8d70533619fcdf)
  ldr x0, [x10, #64]
  CHECK(x0, 0x0)
  ldr x0, [x10, #72]
  CHECK(x0, 0x102030405060708)
  ldr x0, [x10, #80]
  CHECK(x0, 0x6245280beed1b497)
  ldr x0, [x10, #88]
  CHECK(x0, 0x5060708)
  ldr x0, [x10, #96]
  CHECK(x0, 0x3215f8dbbea18467)

  /* Pre- and post-index writeback. */
  ldp x0, x1, [x10, #16]!
  CHECK(x0, 0x2205e8cbae917457)
  CHECK(x1, 0xaedd0b396795c3f)
  sub x11, x10, x9
  CHECK(x11, 0x310)
  ldp x0, x1, [x10], #-32
  CHECK(x0, 0x2205e8cbae917457)
  CHECK(x1, 0xaedd0b396795c3f)
  sub x11, x10, x9
  CHECK(x11, 0x2f0)
  ldp w0, w1, [x10, #-8]!
  CHECK(x0, 0x2609eccf)
  CHECK(x1, 0x9a7d6043)
  sub x11, x10, x9
  CHECK(x11, 0x2e8)
  ldp w0, w1, [x10], #252
  CHECK(x0, 0x2609eccf)
  CHECK(x1, 0x9a7d6043)
  sub x11, x10, x9
  CHECK(x11, 0x3e4)
  ldpsw x0, x1, [x10, #-256]!
  CHECK(x0, 0xffffffffb295785b)
  CHECK(x1, 0x2609eccf)
  sub x11, x10, x9
  CHECK(x11, 0x2e4)
  ldpsw x0, x1, [x10], #8
  CHECK(x0, 0xffffffffb295785b)
  CHECK(x1, 0x2609eccf)
  sub x11, x10, x9
  CHECK(x11, 0x2ec)
  stp x2, x3, [x10, #-64]!
  ldr x0, [x9, #0x2a8]
  CHECK(x0, 0x5060708e6c9ac8f)
  ldr x0, [x9, #0x2b0]
  CHECK(x0, 0xf5f6f7f801020304)
  sub x11, x10, x9
  CHECK(x11, 0x2ac)
  stp w3, w2, [x10], #24
  ldr x0, [x9, #0x2a8]
  CHECK(x0, 0xf5f6f7f8e6c9ac8f)
  ldr x0, [x9, #0x2b0]
  CHECK(x0, 0xf5f6f7f805060708)
  sub x11, x10, x9
  CHECK(x11, 0x2c4)
  stp x3, x2, [x10], #-512
  ldr x0, [x9, #0x2c0]
  CHECK(x0, 0xf5f6f7f89e816447)
  ldr x0, [x9, #0x2c8]
  CHECK(x0, 0x5060708f1f2f3f4)
  sub x11, x10, x9
  CHECK(x11, 0xc4)
  stp w2, w3, [x10, #4]!
  ldr x0, [x9, #0xc8]
  CHECK(x0, 0xf5f6f7f805060708)
  ldr x0, [x9, #0xd0]
  CHECK(x0, 0xe2c5a88b6e513417)
  sub x11, x10, x9
  CHECK(x11, 0xc8)

  /* Push and pop pairs on SP, the usual prologue and epilogue. */
  mov x5, sp
  MOV64 x2, 0x0102030405060708
  MOV64 x3, 0xf1f2f3f4f5f6f7f8
  stp x2, x3, [sp, #-32]!
  stp x3, x2, [sp, #16]
  ldp x6, x7, [sp, #16]
  ldp x12, x13, [sp], #32
  mov x14, sp
  CHECKR(x14, x5)
  CHECKR(x6, x3)
  CHECKR(x7, x2)
  CHECKR(x12, x2)
  CHECKR(x13, x3)

  /* Checksum of the scratch memory. */
  mov x0, #0
  mov x1, x9
  add x4, x9, #1024
2:
  ldp x2, x3, [x1], #16
  eor x0, x2, x0, ror #5
  eor x0, x3, x0, ror #5
  cmp x1, x4
  b.ne 2b
  CHECK(x0, 0x8d716f70f015833c)
  ret
