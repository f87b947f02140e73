/*
 * Branches (Arm ARM C4.1.93): B, BL, BR, BLR, RET (to X30 and to another register),
 * B.cond for all 16 conditions under all 16 NZCV values, CBZ/CBNZ and TBZ/TBNZ on W and X
 * registers (bits 0, 31, 32, 63), ranges of tens of KiB, a jump table and recursion.
 */
#include "harness.h"

  .text
  .global main
main:
  stp x29, x30, [sp, #-16]!

  /* B.cond: x10 collects, for each flag value f, the 16-bit mask of conditions that branched. */
  mov x10, #0
  mov x12, #0
1:
  lsl x5, x12, #28
  msr nzcv, x5
  mov x6, #0
  b.eq 2f
  b 3f
2:
  orr x6, x6, #1
3:
  b.ne 2f
  b 3f
2:
  orr x6, x6, #2
3:
  b.cs 2f
  b 3f
2:
  orr x6, x6, #4
3:
  b.cc 2f
  b 3f
2:
  orr x6, x6, #8
3:
  b.mi 2f
  b 3f
2:
  orr x6, x6, #16
3:
  b.pl 2f
  b 3f
2:
  orr x6, x6, #32
3:
  b.vs 2f
  b 3f
2:
  orr x6, x6, #64
3:
  b.vc 2f
  b 3f
2:
  orr x6, x6, #128
3:
  b.hi 2f
  b 3f
2:
  orr x6, x6, #256
3:
  b.ls 2f
  b 3f
2:
  orr x6, x6, #512
3:
  b.ge 2f
  b 3f
2:
  orr x6, x6, #1024
3:
  b.lt 2f
  b 3f
2:
  orr x6, x6, #2048
3:
  b.gt 2f
  b 3f
2:
  orr x6, x6, #4096
3:
  b.le 2f
  b 3f
2:
  orr x6, x6, #8192
3:
  b.al 2f
  b 3f
2:
  orr x6, x6, #16384
3:
  b.nv 2f
  b 3f
2:
  orr x6, x6, #32768
3:
  eor x10, x6, x10, ror #11
  add x12, x12, #1
  cmp x12, #16
  b.ne 1b
  CHECK(x10, 0x4e75f4a38d64a5ce)

  /* B/BL/RET: X30 = the address after BL; RET through another register. */
  bl leaf
.Lafter_bl:
  LA x1, .Lafter_bl
  CHECKR(x0, x1)
  LA x2, leaf_ret_x5
  LA x5, 4f
  br x2
4:
  CHECK(x0, 0x5555)
  /* BLR: X30 = the address after BLR; BR through a jump table. */
  LA x2, leaf
  blr x2
.Lafter_blr:
  LA x1, .Lafter_blr
  CHECKR(x0, x1)
  mov x11, #0
  mov x12, #0
5:
  LA x3, jump_table
  ldr x4, [x3, x12, lsl #3]
  br x4
case0:
  add x11, x11, #1
  b 6f
case1:
  add x11, x11, #10
  b 6f
case2:
  add x11, x11, #100
  b 6f
case3:
  add x11, x11, #1000
6:
  add x12, x12, #1
  cmp x12, #7
  b.ne 5b
  CHECK(x11, 1 + 10 + 100 + 1000 + 1 + 10 + 100)

  /* CBZ/CBNZ: W forms look at bits 31:0 only. */
  MOV64 x1, 0x1234567800000000
  mov x11, #0
  cbz x1, 7f
  orr x11, x11, #1
7:
  cbnz x1, 8f
  orr x11, x11, #2
8:
  cbz w1, 9f
  orr x11, x11, #4
9:
  cbnz w1, 10f
  orr x11, x11, #8
10:
  cbz xzr, 11f
  orr x11, x11, #16
11:
  CHECK(x11, 0x1 | 0x8)

  /* TBZ/TBNZ on bits 0, 31, 32, 63. */
  MOV64 x1, 0x8000000080000001
  mov x11, #0
  tbz x1, #0, 12f
  orr x11, x11, #1
12:
  tbnz w1, #31, 13f
  orr x11, x11, #2
13:
  tbz x1, #32, 14f
  orr x11, x11, #4
14:
  tbnz x1, #63, 15f
  orr x11, x11, #8
15:
  tbnz x1, #62, 16f
  orr x11, x11, #16
16:
  tbz w1, #1, 17f
  orr x11, x11, #32
17:
  CHECK(x11, 0x1 | 0x10)

  /* Long ranges: TBZ (+-32 KiB), B.cond and CBNZ (+-1 MiB) across 30 KiB of padding. */
  mov x11, #0
  mov x1, #2
  tbz x1, #0, far_tbz
  b 18f
far_tbz_back:
  add x11, x11, #1
  cmp x1, #2
  b.eq far_bcond
far_bcond_back:
  add x11, x11, #1
  cbnz x1, far_cbnz
far_cbnz_back:
  add x11, x11, #1
  b far_b
far_b_back:
  add x11, x11, #1
  b 19f
18:
  mov x11, #0xbad
19:
  CHECK(x11, 8)

  /* Recursion through BL and the stack: fib(20). */
  mov x0, #20
  bl fib
  CHECK(x0, 6765)

  /* Conditional select driven by a counted loop (backward B.cond). */
  mov x0, #0
  mov x1, #100
20:
  add x0, x0, x1
  subs x1, x1, #1
  b.gt 20b
  CHECK(x0, 5050)

  ldp x29, x30, [sp], #16
  ret

leaf:
  mov x0, x30
  ret

leaf_ret_x5:
  mov x0, #0x5555
  ret x5

fib:
  cmp x0, #2
  b.lo 1f
  stp x19, x30, [sp, #-16]!
  stp x20, xzr, [sp, #-16]!
  mov x19, x0
  sub x0, x0, #1
  bl fib
  mov x20, x0
  sub x0, x19, #2
  bl fib
  add x0, x0, x20
  ldp x20, xzr, [sp], #16
  ldp x19, x30, [sp], #16
1:
  ret

  .skip 30 * 1024
far_tbz:
  add x11, x11, #1
  b far_tbz_back
far_bcond:
  add x11, x11, #1
  b far_bcond_back
far_cbnz:
  add x11, x11, #1
  b far_cbnz_back
far_b:
  add x11, x11, #1
  b far_b_back

  .section .rodata
  .balign 8
jump_table:
  .quad case0, case1, case2, case3, case0, case1, case2
