/*
 * Data processing -- immediate (Arm ARM C4.1.92): PC-relative addressing, add/subtract
 * (immediate) with flags and SP, logical (immediate) across the bitmask encodings, move wide,
 * extract. Expected values are worked out from the pseudocode (AddWithCarry, DecodeBitMasks).
 */
#include "harness.h"

  .text
  .global main
main:
  /* ADR / ADRP: PC-relative, forwards and backwards, ADRP clears the low 12 bits. */
  adr x0, main
  LA x1, main
  CHECKR(x0, x1)
  adr x0, far_label
  LA x1, far_label
  CHECKR(x0, x1)
  adrp x0, far_label
  LA x1, far_label
  and x1, x1, #~0xfff
  CHECKR(x0, x1)
  adrp x0, main
  LA x1, main
  and x1, x1, #~0xfff
  CHECKR(x0, x1)

  /* ADD/SUB (immediate), 64 and 32 bits, LSL #12. */
  mov x1, #5
  add x0, x1, #4095
  CHECK(x0, 4100)
  add x0, x1, #1, lsl #12
  CHECK(x0, 0x1005)
  sub x0, x1, #6
  CHECK(x0, 0xffffffffffffffff)
  sub x0, x1, #0xfff, lsl #12
  CHECK(x0, 0xffffffffff001005)
  movn x1, #0
  add w0, w1, #1
  CHECK(x0, 0)
  add w0, w1, #2
  CHECK(x0, 1)
  mov w2, #0
  sub w0, w2, #1
  CHECK(x0, 0xffffffff)

  /* ADDS/SUBS: every flag combination AddWithCarry can produce. */
  msr nzcv, xzr
  movn x1, #0
  adds x0, x1, #1
  CHECK(x0, 0)
  CHECK_NZCV(0b0110)
  mov w1, #0x7fffffff
  adds w0, w1, #1
  CHECK(x0, 0x80000000)
  CHECK_NZCV(0b1001)
  mov x1, #0
  subs x0, x1, #1
  CHECK(x0, 0xffffffffffffffff)
  CHECK_NZCV(0b1000)
  mov x1, #1
  subs x0, x1, #1
  CHECK(x0, 0)
  CHECK_NZCV(0b0110)
  mov w1, #0x80000000
  subs w0, w1, #1
  CHECK(x0, 0x7fffffff)
  CHECK_NZCV(0b0011)
  MOV64 x1, 0x7fffffffffffffff
  adds x0, x1, #1
  CHECK(x0, 0x8000000000000000)
  CHECK_NZCV(0b1001)
  MOV64 x1, 0x8000000000000000
  subs x0, x1, #1
  CHECK(x0, 0x7fffffffffffffff)
  CHECK_NZCV(0b0011)
  mov x1, #0x10
  subs x0, x1, #0x20
  CHECK_NZCV(0b1000)
  cmp x1, #0x10
  CHECK_NZCV(0b0110)
  cmn x1, #0x10
  CHECK_NZCV(0b0000)
  movn w1, #0
  cmn w1, #1
  CHECK_NZCV(0b0110)
  mov x1, #0x3000
  cmp x1, #3, lsl #12
  CHECK_NZCV(0b0110)
  adds w0, w1, #0
  CHECK_NZCV(0b0000)
  mov x2, #0
  adds xzr, x2, #0
  CHECK_NZCV(0b0100)

  /* SP as Rn and Rd of ADD/SUB (immediate); ADDS/CMP read SP. */
  mov x5, sp
  sub sp, sp, #32
  mov x6, sp
  add sp, sp, #32
  sub x0, x5, x6
  CHECK(x0, 32)
  mov x7, sp
  CHECKR(x7, x5)
  add x0, sp, #0
  CHECKR(x0, x5)
  adds x0, sp, #8
  sub x0, x0, x5
  CHECK(x0, 8)
  cmp sp, #0
  CHECK_NZCV(0b0010)
  add w0, wsp, #1
  add w1, w5, #1
  CHECKR(x0, x1)

  /* Logical (immediate): ORR from XZR materialises the decoded bitmask itself. */
  .irp imm, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa, 0x0000ffff0000ffff, 0x00000000ffffffff, 0x7ffffffffffffffe, 0x8000000000000001, 0xfffffffffffffff0, 0x0000000000000001, 0x8000000000000000, 0x0f0f0f0f0f0f0f0f, 0x3333333333333333, 0x00ff00ff00ff00ff, 0xfffe0000fffe0000, 0x0180018001800180, 0xc000000000000003, 0x7fffffffffffffff
  orr x0, xzr, #\imm
  CHECK(x0, \imm)
  .endr
  .irp imm, 0x55555555, 0x0000ffff, 0x3ffffffc, 0x80000001, 0x7fffffff, 0xfffffffe, 0x00ff00ff, 0x0f0f0f0f, 0xc3c3c3c3, 0x00000001
  orr w0, wzr, #\imm
  CHECK(x0, \imm)
  .endr
  MOV64 x1, 0x123456789abcdef0
  and x0, x1, #0xff00ff00ff00ff00
  CHECK(x0, 0x120056009a00de00)
  eor x0, x1, #0xffffffff00000000
  CHECK(x0, 0xedcba9879abcdef0)
  orr x0, x1, #0xf
  CHECK(x0, 0x123456789abcdeff)
  and w0, w1, #0xf0f0f0f0
  CHECK(x0, 0x90b0d0f0)
  eor w0, w1, #0xffff0000
  CHECK(x0, 0x6543def0)
  msr nzcv, xzr
  ands x0, x1, #0x8000000000000000
  CHECK(x0, 0)
  CHECK_NZCV(0b0100)
  movn x1, #0
  mov x3, #(0xf << 28)
  msr nzcv, x3
  ands x0, x1, #0x8000000000000000
  CHECK(x0, 0x8000000000000000)
  CHECK_NZCV(0b1000)
  mov w1, #0x80000000
  tst w1, #0x80000000
  CHECK_NZCV(0b1000)
  tst w1, #0x7fffffff
  CHECK_NZCV(0b0100)
  ands w0, w1, #0xc0000000
  CHECK(x0, 0x80000000)
  CHECK_NZCV(0b1000)
  /* Rd = SP: AND (immediate) writes SP, ANDS would write XZR. */
  mov x5, sp
  add x1, x5, #15
  and sp, x1, #0xfffffffffffffff0
  mov x6, sp
  CHECKR(x6, x5)
  orr sp, xzr, #0x40000000
  mov x6, sp
  mov sp, x5
  CHECK(x6, 0x40000000)

  /* Move wide. */
  movz x0, #0x1234, lsl #48
  CHECK(x0, 0x1234000000000000)
  movz x0, #0xffff, lsl #32
  CHECK(x0, 0x0000ffff00000000)
  movn x0, #0x1234, lsl #16
  CHECK(x0, 0xffffffffedcbffff)
  movk x0, #0xabcd, lsl #32
  CHECK(x0, 0xffffabcdedcbffff)
  movk x0, #0, lsl #48
  CHECK(x0, 0x0000abcdedcbffff)
  movk x0, #0x5a5a
  CHECK(x0, 0x0000abcdedcb5a5a)
  movn w0, #0x1234
  CHECK(x0, 0xffffedcb)
  movn w0, #0xffff, lsl #16
  CHECK(x0, 0x0000ffff)
  movn x0, #0
  movk w0, #0x1234
  CHECK(x0, 0x00000000ffff1234)
  movn x0, #0
  movk w0, #0x1234, lsl #16
  CHECK(x0, 0x000000001234ffff)
  movz w0, #0x8000, lsl #16
  CHECK(x0, 0x80000000)
  movn x0, #0xffff, lsl #48
  CHECK(x0, 0x0000ffffffffffff)

  /* Extract (and ROR (immediate), its alias). */
  MOV64 x1, 0x0123456789abcdef
  MOV64 x2, 0xfedcba9876543210
  extr x0, x1, x2, #8
  CHECK(x0, 0xeffedcba98765432)
  extr x0, x1, x2, #0
  CHECKR(x0, x2)
  extr x0, x1, x2, #63
  CHECK(x0, 0x02468acf13579bdf)
  extr w0, w1, w2, #4
  CHECK(x0, 0xf7654321)
  extr w0, w1, w2, #31
  CHECK(x0, 0x13579bde)
  ror x0, x1, #4
  CHECK(x0, 0xf0123456789abcde)
  ror w0, w1, #16
  CHECK(x0, 0xcdef89ab)

  /* Leave recognisable values for the final register dump. */
  mov x0, #0x11
  MOV64 x1, 0x0123456789abcdef
  MOV64 x2, 0xfedcba9876543210
  movn x3, #0
  mov x4, #0x8000000000000000
  adds x5, x3, x3
  ret

  .balign 4
  .skip 0x2000
far_label:
  ret
