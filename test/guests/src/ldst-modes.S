/*
 * Loads and stores, single register (Arm ARM C4.1.94): every size and sign extension in every
 * addressing mode -- unsigned offset, unscaled (LDUR/STUR), pre- and post-index writeback
 * (also on SP), register offset with LSL/UXTW/SXTW/SXTX, PC-relative literal, unprivileged
 * (LDTR/STTR, at EL1 with the MMU off: the same memory) -- plus XZR as source and target,
 * PRFM, and DC ZVA. Memory is the 1 KiB at __scratch, filled with byte i = i * 0x1d + 0x87.
 * Expected values are the little-endian bytes the Arm ARM's Mem[] accessor reads.
 *
 * Unaligned LDUR/STUR below run with the MMU off, where the Arm ARM treats memory as Device
 * and would fault them; QEMU 7.2 and the service both access it as Normal memory instead (a
 * known shared deviation), so the checks only cover the bytes moved.
 */
#include "harness.h"

  .text
  .balign 8
lit_back: .quad 0x0011223344556677
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

  /* LDR (immediate, unsigned offset), all sizes; W loads clear bits 63:32. */
  movn x0, #0
  movn x0, #0
  ldrb w0, [x9]
  CHECK(x0, 0x87)
  movn x0, #0
  ldrh w0, [x9, #2]
  CHECK(x0, 0xdec1)
  movn x0, #0
  ldrh w0, [x9, #0x3e]
  CHECK(x0, 0xaa8d)
  movn x0, #0
  ldr w0, [x9, #4]
  CHECK(x0, 0x523518fb)
  movn x0, #0
  ldr w0, [x9, #0x34]
  CHECK(x0, 0xc2a5886b)
  movn x0, #0
  ldr x0, [x9]
  CHECK(x0, 0x523518fbdec1a487)
  movn x0, #0
  ldr x0, [x9, #0x48]
  CHECK(x0, 0x7a5d402306e9ccaf)
  movn x0, #0
  ldrsb x0, [x9, #1]
  CHECK(x0, 0xffffffffffffffa4)
  movn x0, #0
  ldrsb w0, [x9, #1]
  CHECK(x0, 0xffffffa4)
  movn x0, #0
  ldrsb x0, [x9, #13]
  CHECK(x0, 0x0)
  movn x0, #0
  ldrsh x0, [x9, #2]
  CHECK(x0, 0xffffffffffffdec1)
  movn x0, #0
  ldrsh w0, [x9, #2]
  CHECK(x0, 0xffffdec1)
  movn x0, #0
  ldrsh x0, [x9, #0x18]
  CHECK(x0, 0x5c3f)
  movn x0, #0
  ldrsw x0, [x9, #0]
  CHECK(x0, 0xffffffffdec1a487)
  movn x0, #0
  ldrsw x0, [x9, #4]
  CHECK(x0, 0x523518fb)

  /* STR (immediate): sizes, read back through wider loads (little-endian). */
  MOV64 x1, 0x1122334455667788
  strb w1, [x9, #0x100]
  strh w1, [x9, #0x102]
  str w1, [x9, #0x104]
  str x1, [x9, #0x108]
  strb w1, [x9, #0x111]
  strh w1, [x9, #0x116]
  ldr x0, [x9, #0x100]
  CHECK(x0, 0x556677887788a488)
  ldr x0, [x9, #0x108]
  CHECK(x0, 0x1122334455667788)
  ldr x0, [x9, #0x110]
  CHECK(x0, 0x7788e8cbae918857)
  str xzr, [x9, #0x118]
  strb wzr, [x9, #0x100]
  strh wzr, [x9, #0x10a]
  ldr x0, [x9, #0x118]
  CHECK(x0, 0x0)
  ldr x0, [x9, #0x100]
  CHECK(x0, 0x556677887788a400)
  ldr x0, [x9, #0x108]
  CHECK(x0, 0x1122334400007788)
  ldr xzr, [x9]
  ldrb wzr, [x9]

  /* LDUR/STUR: negative and unaligned offsets. */
  add x10, x9, #0x80
  movn x0, #0
  ldur x0, [x10, #-8]
  CHECK(x0, 0xeacdb09376593c1f)
  movn x0, #0
  ldur w0, [x10, #3]
  CHECK(x0, 0xb5987b5e)
  movn x0, #0
  ldur x0, [x10, #255]
  CHECK(x0, 0xb5987b5e412407ea)
  movn x0, #0
  ldurh w0, [x10, #-1]
  CHECK(x0, 0x7ea)
  movn x0, #0
  ldursb x0, [x10, #-3]
  CHECK(x0, 0xffffffffffffffb0)
  movn x0, #0
  ldursh w0, [x10, #5]
  CHECK(x0, 0xffffb598)
  movn x0, #0
  ldursw x0, [x10, #-7]
  CHECK(x0, 0xffffffff9376593c)
  movn x0, #0
  ldurb w0, [x10, #-128]
  CHECK(x0, 0x87)
  MOV64 x1, 0xa1b2c3d4e5f60718
  stur x1, [x10, #-5]
  sturh w1, [x10, #7]
  stur w1, [x10, #13]
  sturb w1, [x10, #-128]
  ldr x0, [x10, #-8]
  CHECK(x0, 0xd4e5f60718593c1f)
  ldr x0, [x10]
  CHECK(x0, 0x18b5987b5ea1b2c3)
  ldr x0, [x10, #8]
  CHECK(x0, 0xf607186346290c07)
  ldur x0, [x10, #-128]
  CHECK(x0, 0x523518fbdec1a418)

  /* Pre- and post-index: the base register moves, the access uses the old (post) or new (pre) address. */
  add x10, x9, #0x200
  movn x0, #0
  ldr x0, [x10, #8]!
  CHECK(x0, 0x3a1d00e3c6a98c6f)
  sub x11, x10, x9
  CHECK(x11, 0x208)
  movn x0, #0
  ldr x0, [x10], #-16
  CHECK(x0, 0x3a1d00e3c6a98c6f)
  sub x11, x10, x9
  CHECK(x11, 0x1f8)
  movn x0, #0
  ldrb w0, [x10, #-1]!
  CHECK(x0, 0x82)
  sub x11, x10, x9
  CHECK(x11, 0x1f7)
  movn x0, #0
  ldrsh x0, [x10], #255
  CHECK(x0, 0xffffffffffff9f82)
  sub x11, x10, x9
  CHECK(x11, 0x2f6)
  movn x0, #0
  ldrsw x0, [x10, #-256]!
  CHECK(x0, 0xffffffffbc9f8265)
  sub x11, x10, x9
  CHECK(x11, 0x1f6)
  movn x0, #0
  ldrh w0, [x10], #3
  CHECK(x0, 0x8265)
  sub x11, x10, x9
  CHECK(x11, 0x1f9)
  movn x0, #0
  ldrsb w0, [x10, #7]!
  CHECK(x0, 0xffffff87)
  sub x11, x10, x9
  CHECK(x11, 0x200)
  movn x0, #0
  ldr w0, [x10], #-9
  CHECK(x0, 0xdec1a487)
  sub x11, x10, x9
  CHECK(x11, 0x1f7)
  str x1, [x10, #-32]!
  ldr x0, [x9, #0x1d0]
  CHECK(x0, 0x18c5a88b6e513417)
  ldr x0, [x9, #0x1d8]
  CHECK(x0, 0xcaa1b2c3d4e5f607)
  sub x11, x10, x9
  CHECK(x11, 0x1d7)
  strb w1, [x10], #1
  ldr x0, [x9, #0x1d0]
  CHECK(x0, 0x18c5a88b6e513417)
  sub x11, x10, x9
  CHECK(x11, 0x1d8)
  strh w1, [x10, #1]!
  ldr x0, [x9, #0x1d8]
  CHECK(x0, 0xcaa1b2c3d4071807)
  sub x11, x10, x9
  CHECK(x11, 0x1d9)
  str w1, [x10], #100
  ldr x0, [x9, #0x1d8]
  CHECK(x0, 0xcaa1b2e5f6071807)
  sub x11, x10, x9
  CHECK(x11, 0x23d)
  /* Writeback on SP (a 16-byte aligned push/pop). */
  mov x5, sp
  MOV64 x1, 0x0102030405060708
  str x1, [sp, #-16]!
  mov x6, sp
  sub x6, x5, x6
  CHECK(x6, 0x10)
  ldr x0, [sp], #16
  ldurb w7, [sp, #-15]
  mov x6, sp
  CHECKR(x6, x5)
  CHECK(x0, 0x102030405060708)
  CHECK(x7, 0x7)

  /* Register offset: LSL by 0 or the access size, UXTW/SXTW (bits 63:32 of Wm ignored), SXTX. */
  MOV64 x12, 0xdeadbeef00000003    /* W12 = 3 */
  MOV64 x13, 0x12345678fffffffe    /* W13 = -2 */
  mov x14, #5
  mov x15, #-4
  add x10, x9, #0x300
  movn x0, #0
  ldrb w0, [x10, x14]
  CHECK(x0, 0x18)
  movn x0, #0
  ldrsb x0, [x10, x14]
  CHECK(x0, 0x18)
  movn x0, #0
  ldrsb w0, [x10, x14]
  CHECK(x0, 0x18)
  movn x0, #0
  ldrb w0, [x10, w12, uxtw]
  CHECK(x0, 0xde)
  movn x0, #0
  ldrb w0, [x10, w12, uxtw #0]
  CHECK(x0, 0xde)
  movn x0, #0
  ldrb w0, [x10, w13, sxtw]
  CHECK(x0, 0x4d)
  movn x0, #0
  ldrb w0, [x10, w13, sxtw #0]
  CHECK(x0, 0x4d)
  movn x0, #0
  ldrb w0, [x10, x15, sxtx #0]
  CHECK(x0, 0x13)
  movn x0, #0
  ldrb w0, [x10, x15, sxtx]
  CHECK(x0, 0x13)
  movn x0, #0
  ldrh w0, [x10, x14]
  CHECK(x0, 0x3518)
  movn x0, #0
  ldrsh x0, [x10, x14]
  CHECK(x0, 0x3518)
  movn x0, #0
  ldrh w0, [x10, x14, lsl #1]
  CHECK(x0, 0xc6a9)
  movn x0, #0
  ldrsh x0, [x10, x14, lsl #1]
  CHECK(x0, 0xffffffffffffc6a9)
  movn x0, #0
  ldrh w0, [x10, w12, uxtw]
  CHECK(x0, 0xfbde)
  movn x0, #0
  ldrh w0, [x10, w12, uxtw #1]
  CHECK(x0, 0x5235)
  movn x0, #0
  ldrh w0, [x10, w13, sxtw]
  CHECK(x0, 0x6a4d)
  movn x0, #0
  ldrh w0, [x10, w13, sxtw #1]
  CHECK(x0, 0x3013)
  movn x0, #0
  ldrh w0, [x10, x15, sxtx #1]
  CHECK(x0, 0xbc9f)
  movn x0, #0
  ldrh w0, [x10, x15, sxtx]
  CHECK(x0, 0x3013)
  movn x0, #0
  ldr w0, [x10, x14]
  CHECK(x0, 0x6f523518)
  movn x0, #0
  ldrsw x0, [x10, x14]
  CHECK(x0, 0x6f523518)
  movn x0, #0
  ldr w0, [x10, x14, lsl #2]
  CHECK(x0, 0x2205e8cb)
  movn x0, #0
  ldrsw x0, [x10, x14, lsl #2]
  CHECK(x0, 0x2205e8cb)
  movn x0, #0
  ldr w0, [x10, w12, uxtw]
  CHECK(x0, 0x3518fbde)
  movn x0, #0
  ldr w0, [x10, w12, uxtw #2]
  CHECK(x0, 0x3a1d00e3)
  movn x0, #0
  ldr w0, [x10, w13, sxtw]
  CHECK(x0, 0xa4876a4d)
  movn x0, #0
  ldr w0, [x10, w13, sxtw #2]
  CHECK(x0, 0xf6d9bc9f)
  movn x0, #0
  ldr w0, [x10, x15, sxtx #2]
  CHECK(x0, 0xef1d4b7)
  movn x0, #0
  ldr w0, [x10, x15, sxtx]
  CHECK(x0, 0x6a4d3013)
  movn x0, #0
  ldr x0, [x10, x14]
  CHECK(x0, 0xe3c6a98c6f523518)
  movn x0, #0
  ldr x0, [x10, x14, lsl #3]
  CHECK(x0, 0xdabda08366492c0f)
  movn x0, #0
  ldr x0, [x10, w12, uxtw]
  CHECK(x0, 0xa98c6f523518fbde)
  movn x0, #0
  ldr x0, [x10, w12, uxtw #3]
  CHECK(x0, 0xaedd0b396795c3f)
  movn x0, #0
  ldr x0, [x10, w13, sxtw]
  CHECK(x0, 0x18fbdec1a4876a4d)
  movn x0, #0
  ldr x0, [x10, w13, sxtw #3]
  CHECK(x0, 0x8265482b0ef1d4b7)
  movn x0, #0
  ldr x0, [x10, x15, sxtx #3]
  CHECK(x0, 0xb295785b3e2104e7)
  movn x0, #0
  ldr x0, [x10, x15, sxtx]
  CHECK(x0, 0xdec1a4876a4d3013)
  MOV64 x1, 0x8877665544332211
  str x1, [x10, x14, lsl #3]
  strh w1, [x10, w13, sxtw #1]
  strb w1, [x10, w12, uxtw]
  str w1, [x10, x15]
  ldr x0, [x10, #40]
  CHECK(x0, 0x8877665544332211)
  ldur x0, [x10, #-8]
  CHECK(x0, 0x44332211f6d9bc9f)
  ldr x0, [x10]
  CHECK(x0, 0x523518fb11c1a487)

  /* PC-relative literal loads, forwards and backwards. */
  ldr x0, lit_quad
  CHECK(x0, 0x8899aabbccddeeff)
  ldr w0, lit_word
  CHECK(x0, 0x80000001)
  ldrsw x0, lit_word
  CHECK(x0, 0xffffffff80000001)
  ldr x0, lit_back
  CHECK(x0, 0x11223344556677)
  prfm pldl1keep, lit_quad

  /* LDTR/STTR at EL1 (MMU off: the EL0 access is to the same memory). */
  add x10, x9, #0x380
  MOV64 x1, 0xcafef00d12345678
  sttr x1, [x10, #-8]
  sttrb w1, [x10, #255]
  sttrh w1, [x10, #-256]
  sttr w1, [x10, #3]
  ldtr x0, [x10, #-8]
  CHECK(x0, 0xcafef00d12345678)
  ldtrb w0, [x10, #255]
  CHECK(x0, 0x78)
  ldtrsh x0, [x10, #-256]
  CHECK(x0, 0x5678)
  ldtrsb w0, [x10, #-1]
  CHECK(x0, 0xffffffca)
  ldtrsw x0, [x10, #4]
  CHECK(x0, 0xffffffffd2123456)
  ldtrh w0, [x10, #3]
  CHECK(x0, 0x5678)
  ldtr w0, [x10, #3]
  CHECK(x0, 0x12345678)

  /* Prefetches are hints: no effect, no fault even on unmapped addresses. */
  prfm pldl1keep, [x9]
  prfm pstl2strm, [x9, #8]
  prfm plil3keep, [x9, x14]
  prfum pldl1strm, [x9, #-1]
  mov x0, #0x100000
  prfm pldl1keep, [x0]

  /* DC ZVA zeroes the naturally aligned block DCZID_EL0 names (BS = 4: 64 bytes). */
  mrs x0, dczid_el0
  CHECK(x0, 0x4)
  add x10, x9, #0x3c5
  dc zva, x10
  ldr x0, [x9, #0x3b8]
  CHECK(x0, 0x2a0df0d3b6997c5f)
  ldr x0, [x9, #0x3c0]
  CHECK(x0, 0x0)
  ldr x0, [x9, #0x3f8]
  CHECK(x0, 0x0)
  ldr x0, [x9, #0x400]
  CHECK(x0, 0x0)

  /* Checksum of the whole 1 KiB, so the final state covers every store above. */
  mov x0, #0
  mov x1, #0
2:
  ldr x2, [x9, x1, lsl #3]
  eor x0, x2, x0, ror #5
  add x1, x1, #1
  cmp x1, #128
  b.ne 2b
  CHECK(x0, 0xb4667413f6094bee)
  ret

lit_quad: .quad 0x8899aabbccddeeff
lit_word: .word 0x80000001
