/*
 * Multiply and divide (Arm ARM C4.1.95, data processing -- 3 source and 2 source):
 * MADD/MSUB (MUL/MNEG), SMADDL/SMSUBL/UMADDL/UMSUBL (SMULL/UMULL/SMNEGL/UMNEGL), SMULH/UMULH,
 * UDIV/SDIV including division by zero (result 0) and INT_MIN / -1 (result INT_MIN), 32 and
 * 64 bits, over operands at the edges of the signed and unsigned ranges.
 */
#include "harness.h"

  .text
  .global main
main:

  MOV64 x3, 0x1111111111111111
  MOV64 x1, 0x0
  MOV64 x2, 0x0
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x0
  MOV64 x2, 0x8000000000000000
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x0
  MOV64 x2, 0xffffffff
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x0
  MOV64 x2, 0x12345
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x1
  MOV64 x2, 0x7fffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0x7fffffffffffffff)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111110)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111112)
  mneg w0, w1, w2
  CHECK(x0, 0x1)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111110)
  smull x0, w1, w2
  CHECK(x0, 0xffffffffffffffff)
  umull x0, w1, w2
  CHECK(x0, 0xffffffff)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111110)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111011111112)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111112)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  MOV64 x1, 0x1
  MOV64 x2, 0xfedcba9876543210
  mul x0, x1, x2
  CHECK(x0, 0xfedcba9876543210)
  madd x0, x1, x2, x3
  CHECK(x0, 0xfedcba987654321)
  msub x0, x1, x2, x3
  CHECK(x0, 0x123456789abcdf01)
  mneg w0, w1, w2
  CHECK(x0, 0x89abcdf0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x87654321)
  smull x0, w1, w2
  CHECK(x0, 0x76543210)
  umull x0, w1, w2
  CHECK(x0, 0x76543210)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111187654321)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111109abcdf01)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111109abcdf01)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x1
  MOV64 x2, 0x80000000
  mul x0, x1, x2
  CHECK(x0, 0x80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111191111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111091111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0xffffffff80000000)
  umull x0, w1, w2
  CHECK(x0, 0x80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111191111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x1
  MOV64 x2, 0x7
  mul x0, x1, x2
  CHECK(x0, 0x7)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111118)
  msub x0, x1, x2, x3
  CHECK(x0, 0x111111111111110a)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffff9)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111118)
  smull x0, w1, w2
  CHECK(x0, 0x7)
  umull x0, w1, w2
  CHECK(x0, 0x7)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111118)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x2
  MOV64 x2, 0x2
  mul x0, x1, x2
  CHECK(x0, 0x4)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111115)
  msub x0, x1, x2, x3
  CHECK(x0, 0x111111111111110d)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffffc)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111115)
  smull x0, w1, w2
  CHECK(x0, 0x4)
  umull x0, w1, w2
  CHECK(x0, 0x4)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111115)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110d)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110d)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x2
  MOV64 x2, 0x123456789abcdef
  mul x0, x1, x2
  CHECK(x0, 0x2468acf13579bde)
  madd x0, x1, x2, x3
  CHECK(x0, 0x13579be02468acef)
  msub x0, x1, x2, x3
  CHECK(x0, 0xeca8641fdb97533)
  mneg w0, w1, w2
  CHECK(x0, 0xeca86422)
  madd w0, w1, w2, w3
  CHECK(x0, 0x2468acef)
  smull x0, w1, w2
  CHECK(x0, 0xffffffff13579bde)
  umull x0, w1, w2
  CHECK(x0, 0x113579bde)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111102468acef)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110ffdb97533)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x11111111fdb97533)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x2
  MOV64 x2, 0x7fffffff
  mul x0, x1, x2
  CHECK(x0, 0xfffffffe)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111121111110f)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111011111113)
  mneg w0, w1, w2
  CHECK(x0, 0x2)
  madd w0, w1, w2, w3
  CHECK(x0, 0x1111110f)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffe)
  umull x0, w1, w2
  CHECK(x0, 0xfffffffe)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111121111110f)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111011111113)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111011111113)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x2
  MOV64 x2, 0x3
  mul x0, x1, x2
  CHECK(x0, 0x6)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111117)
  msub x0, x1, x2, x3
  CHECK(x0, 0x111111111111110b)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffffa)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111117)
  smull x0, w1, w2
  CHECK(x0, 0x6)
  umull x0, w1, w2
  CHECK(x0, 0x6)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111117)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110b)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110b)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x7fffffffffffffff
  MOV64 x2, 0x1
  mul x0, x1, x2
  CHECK(x0, 0x7fffffffffffffff)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111110)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111112)
  mneg w0, w1, w2
  CHECK(x0, 0x1)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111110)
  smull x0, w1, w2
  CHECK(x0, 0xffffffffffffffff)
  umull x0, w1, w2
  CHECK(x0, 0xffffffff)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111110)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111011111112)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111112)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x7fffffffffffffff)
  sdiv x0, x1, x2
  CHECK(x0, 0x7fffffffffffffff)
  udiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  sdiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  MOV64 x1, 0x7fffffffffffffff
  MOV64 x2, 0xffffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000001)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111112)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111110)
  mneg w0, w1, w2
  CHECK(x0, 0xffffffff)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111112)
  smull x0, w1, w2
  CHECK(x0, 0x1)
  umull x0, w1, w2
  CHECK(x0, 0xfffffffe00000001)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111112)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111311111110)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111110)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7ffffffffffffffe)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x8000000000000001)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x7fffffffffffffff
  MOV64 x2, 0xffffffff80000000
  mul x0, x1, x2
  CHECK(x0, 0x80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111191111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111091111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0x80000000)
  umull x0, w1, w2
  CHECK(x0, 0x7fffffff80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111191111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9111111191111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffc0000000)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffffbfffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffff00000001)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x7fffffffffffffff
  MOV64 x2, 0xfffffffffffffff9
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000007)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111118)
  msub x0, x1, x2, x3
  CHECK(x0, 0x911111111111110a)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffff9)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111118)
  smull x0, w1, w2
  CHECK(x0, 0x7)
  umull x0, w1, w2
  CHECK(x0, 0xfffffff800000007)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111118)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111191111110a)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  smulh x0, x1, x2
  CHECK(x0, 0xfffffffffffffffc)
  umulh x0, x1, x2
  CHECK(x0, 0x7ffffffffffffffb)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xedb6db6db6db6db7)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x8000000000000000
  MOV64 x2, 0x0
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x8000000000000000
  MOV64 x2, 0x8000000000000000
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x4000000000000000)
  umulh x0, x1, x2
  CHECK(x0, 0x4000000000000000)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x8000000000000000
  MOV64 x2, 0xffffffff
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffff80000000)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x80000000)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffff80000000)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x8000000000000000
  MOV64 x2, 0x12345
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffff6e5d)
  umulh x0, x1, x2
  CHECK(x0, 0x91a2)
  udiv x0, x1, x2
  CHECK(x0, 0x708027fd8e37)
  sdiv x0, x1, x2
  CHECK(x0, 0xffff8f7fd80271c9)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xffffffffffffffff
  MOV64 x2, 0x7fffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000001)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111112)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111110)
  mneg w0, w1, w2
  CHECK(x0, 0xffffffff)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111112)
  smull x0, w1, w2
  CHECK(x0, 0x1)
  umull x0, w1, w2
  CHECK(x0, 0xfffffffe00000001)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111112)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111311111110)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111110)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7ffffffffffffffe)
  udiv x0, x1, x2
  CHECK(x0, 0x2)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0xffffffffffffffff
  MOV64 x2, 0xfedcba9876543210
  mul x0, x1, x2
  CHECK(x0, 0x123456789abcdf0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x123456789abcdf01)
  msub x0, x1, x2, x3
  CHECK(x0, 0xfedcba987654321)
  mneg w0, w1, w2
  CHECK(x0, 0x76543210)
  madd w0, w1, w2, w3
  CHECK(x0, 0x9abcdf01)
  smull x0, w1, w2
  CHECK(x0, 0xffffffff89abcdf0)
  umull x0, w1, w2
  CHECK(x0, 0x7654320f89abcdf0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111109abcdf01)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9abcdf0187654321)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111187654321)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0xfedcba987654320f)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x2)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xffffffffffffffff
  MOV64 x2, 0x80000000
  mul x0, x1, x2
  CHECK(x0, 0xffffffff80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111091111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111191111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0x80000000)
  umull x0, w1, w2
  CHECK(x0, 0x7fffffff80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111191111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9111111191111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x1ffffffff)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xffffffffffffffff
  MOV64 x2, 0x7
  mul x0, x1, x2
  CHECK(x0, 0xfffffffffffffff9)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111111111110a)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111118)
  mneg w0, w1, w2
  CHECK(x0, 0x7)
  madd w0, w1, w2, w3
  CHECK(x0, 0x1111110a)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffffffffff9)
  umull x0, w1, w2
  CHECK(x0, 0x6fffffff9)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110a11111118)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111118)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x6)
  udiv x0, x1, x2
  CHECK(x0, 0x2492492492492492)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x24924924)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x123456789abcdef
  MOV64 x2, 0x2
  mul x0, x1, x2
  CHECK(x0, 0x2468acf13579bde)
  madd x0, x1, x2, x3
  CHECK(x0, 0x13579be02468acef)
  msub x0, x1, x2, x3
  CHECK(x0, 0xeca8641fdb97533)
  mneg w0, w1, w2
  CHECK(x0, 0xeca86422)
  madd w0, w1, w2, w3
  CHECK(x0, 0x2468acef)
  smull x0, w1, w2
  CHECK(x0, 0xffffffff13579bde)
  umull x0, w1, w2
  CHECK(x0, 0x113579bde)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111102468acef)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110ffdb97533)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x11111111fdb97533)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x91a2b3c4d5e6f7)
  sdiv x0, x1, x2
  CHECK(x0, 0x91a2b3c4d5e6f7)
  udiv w0, w1, w2
  CHECK(x0, 0x44d5e6f7)
  sdiv w0, w1, w2
  CHECK(x0, 0xc4d5e6f8)
  MOV64 x1, 0x123456789abcdef
  MOV64 x2, 0x123456789abcdef
  mul x0, x1, x2
  CHECK(x0, 0xdca5e20890f2a521)
  madd x0, x1, x2, x3
  CHECK(x0, 0xedb6f319a203b632)
  msub x0, x1, x2, x3
  CHECK(x0, 0x346b2f08801e6bf0)
  mneg w0, w1, w2
  CHECK(x0, 0x6f0d5adf)
  madd w0, w1, w2, w3
  CHECK(x0, 0xa203b632)
  smull x0, w1, w2
  CHECK(x0, 0x36b1b9d890f2a521)
  umull x0, w1, w2
  CHECK(x0, 0x4a0955b690f2a521)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x47c2cae9a203b632)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xc707bb5a801e6bf0)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0xda5f5738801e6bf0)
  smulh x0, x1, x2
  CHECK(x0, 0x14b66dc33f6ac)
  umulh x0, x1, x2
  CHECK(x0, 0x14b66dc33f6ac)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x123456789abcdef
  MOV64 x2, 0x7fffffff
  mul x0, x1, x2
  CHECK(x0, 0xc3b2a18ff6543211)
  madd x0, x1, x2, x3
  CHECK(x0, 0xd4c3b2a107654322)
  msub x0, x1, x2, x3
  CHECK(x0, 0x4d5e6f811abcdf00)
  mneg w0, w1, w2
  CHECK(x0, 0x9abcdef)
  madd w0, w1, w2, w3
  CHECK(x0, 0x7654322)
  smull x0, w1, w2
  CHECK(x0, 0xc4d5e6f7f6543211)
  umull x0, w1, w2
  CHECK(x0, 0x44d5e6f6f6543211)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0xd5e6f80907654322)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xcc3b2a1a1abcdf00)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x4c3b2a191abcdf00)
  smulh x0, x1, x2
  CHECK(x0, 0x91a2b3)
  umulh x0, x1, x2
  CHECK(x0, 0x91a2b3)
  udiv x0, x1, x2
  CHECK(x0, 0x2468acf)
  sdiv x0, x1, x2
  CHECK(x0, 0x2468acf)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x123456789abcdef
  MOV64 x2, 0x3
  mul x0, x1, x2
  CHECK(x0, 0x369d0369d0369cd)
  madd x0, x1, x2, x3
  CHECK(x0, 0x147ae147ae147ade)
  msub x0, x1, x2, x3
  CHECK(x0, 0xda740da740da744)
  mneg w0, w1, w2
  CHECK(x0, 0x62fc9633)
  madd w0, w1, w2, w3
  CHECK(x0, 0xae147ade)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffe9d0369cd)
  umull x0, w1, w2
  CHECK(x0, 0x19d0369cd)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111110fae147ade)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110f740da744)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x11111112740da744)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x611722833944a5)
  sdiv x0, x1, x2
  CHECK(x0, 0x611722833944a5)
  udiv w0, w1, w2
  CHECK(x0, 0x2de3ef4f)
  sdiv w0, w1, w2
  CHECK(x0, 0xd88e99fb)
  MOV64 x1, 0xfedcba9876543210
  MOV64 x2, 0x1
  mul x0, x1, x2
  CHECK(x0, 0xfedcba9876543210)
  madd x0, x1, x2, x3
  CHECK(x0, 0xfedcba987654321)
  msub x0, x1, x2, x3
  CHECK(x0, 0x123456789abcdf01)
  mneg w0, w1, w2
  CHECK(x0, 0x89abcdf0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x87654321)
  smull x0, w1, w2
  CHECK(x0, 0x76543210)
  umull x0, w1, w2
  CHECK(x0, 0x76543210)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111187654321)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111109abcdf01)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111109abcdf01)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0xfedcba9876543210)
  sdiv x0, x1, x2
  CHECK(x0, 0xfedcba9876543210)
  udiv w0, w1, w2
  CHECK(x0, 0x76543210)
  sdiv w0, w1, w2
  CHECK(x0, 0x76543210)
  MOV64 x1, 0xfedcba9876543210
  MOV64 x2, 0xffffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0x123456789abcdf0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x123456789abcdf01)
  msub x0, x1, x2, x3
  CHECK(x0, 0xfedcba987654321)
  mneg w0, w1, w2
  CHECK(x0, 0x76543210)
  madd w0, w1, w2, w3
  CHECK(x0, 0x9abcdf01)
  smull x0, w1, w2
  CHECK(x0, 0xffffffff89abcdf0)
  umull x0, w1, w2
  CHECK(x0, 0x7654320f89abcdf0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111109abcdf01)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9abcdf0187654321)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111187654321)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0xfedcba987654320f)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x123456789abcdf0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x89abcdf0)
  MOV64 x1, 0xfedcba9876543210
  MOV64 x2, 0xffffffff80000000
  mul x0, x1, x2
  CHECK(x0, 0xc4d5e6f800000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0xd5e6f80911111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x4c3b2a1911111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0xc4d5e6f800000000)
  umull x0, w1, w2
  CHECK(x0, 0x3b2a190800000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0xd5e6f80911111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xd5e6f80911111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x4c3b2a1911111111)
  smulh x0, x1, x2
  CHECK(x0, 0x91a2b3)
  umulh x0, x1, x2
  CHECK(x0, 0xfedcba97f6e5d4c3)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x2468acf)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xfedcba9876543210
  MOV64 x2, 0xfffffffffffffff9
  mul x0, x1, x2
  CHECK(x0, 0x7f6e5d4c3b2a190)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1907f6e5d4c3b2a1)
  msub x0, x1, x2, x3
  CHECK(x0, 0x91a2b3c4d5e6f81)
  mneg w0, w1, w2
  CHECK(x0, 0x3c4d5e70)
  madd w0, w1, w2, w3
  CHECK(x0, 0xd4c3b2a1)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffcc3b2a190)
  umull x0, w1, w2
  CHECK(x0, 0x7654320cc3b2a190)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111110dd4c3b2a1)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9abcdf044d5e6f81)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111144d5e6f81)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0xfedcba9876543209)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x299c335ccf6690)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0xef188b23)
  MOV64 x1, 0xffffffff
  MOV64 x2, 0x0
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xffffffff
  MOV64 x2, 0x8000000000000000
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffff80000000)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xffffffff
  MOV64 x2, 0xffffffff
  mul x0, x1, x2
  CHECK(x0, 0xfffffffe00000001)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111110f11111112)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111311111110)
  mneg w0, w1, w2
  CHECK(x0, 0xffffffff)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111112)
  smull x0, w1, w2
  CHECK(x0, 0x1)
  umull x0, w1, w2
  CHECK(x0, 0xfffffffe00000001)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111112)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111311111110)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111110)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0xffffffff
  MOV64 x2, 0x12345
  mul x0, x1, x2
  CHECK(x0, 0x12344fffedcbb)
  madd x0, x1, x2, x3
  CHECK(x0, 0x11123456110fedcc)
  msub x0, x1, x2, x3
  CHECK(x0, 0x110fedcc11123456)
  mneg w0, w1, w2
  CHECK(x0, 0x12345)
  madd w0, w1, w2, w3
  CHECK(x0, 0x110fedcc)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffffffedcbb)
  umull x0, w1, w2
  CHECK(x0, 0x12344fffedcbb)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x11111111110fedcc)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x110fedcc11123456)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111123456)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0xe100)
  sdiv x0, x1, x2
  CHECK(x0, 0xe100)
  udiv w0, w1, w2
  CHECK(x0, 0xe100)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xffffffff80000000
  MOV64 x2, 0x7fffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0x80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111191111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111091111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0x80000000)
  umull x0, w1, w2
  CHECK(x0, 0x7fffffff80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111191111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9111111191111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffc0000000)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffffbfffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x80000000)
  MOV64 x1, 0xffffffff80000000
  MOV64 x2, 0xfedcba9876543210
  mul x0, x1, x2
  CHECK(x0, 0xc4d5e6f800000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0xd5e6f80911111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x4c3b2a1911111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0xc4d5e6f800000000)
  umull x0, w1, w2
  CHECK(x0, 0x3b2a190800000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0xd5e6f80911111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xd5e6f80911111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x4c3b2a1911111111)
  smulh x0, x1, x2
  CHECK(x0, 0x91a2b3)
  umulh x0, x1, x2
  CHECK(x0, 0xfedcba97f6e5d4c3)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  MOV64 x1, 0xffffffff80000000
  MOV64 x2, 0x80000000
  mul x0, x1, x2
  CHECK(x0, 0xc000000000000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0xd111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x5111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x4000000000000000)
  umull x0, w1, w2
  CHECK(x0, 0x4000000000000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x5111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xd111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0xd111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x1ffffffff)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0xffffffff80000000
  MOV64 x2, 0x7
  mul x0, x1, x2
  CHECK(x0, 0xfffffffc80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111110d91111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111491111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffc80000000)
  umull x0, w1, w2
  CHECK(x0, 0x380000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111110d91111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110d91111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111491111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x6)
  udiv x0, x1, x2
  CHECK(x0, 0x2492492480000000)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffffedb6db6e)
  udiv w0, w1, w2
  CHECK(x0, 0x12492492)
  sdiv w0, w1, w2
  CHECK(x0, 0xedb6db6e)
  MOV64 x1, 0x7fffffff
  MOV64 x2, 0x2
  mul x0, x1, x2
  CHECK(x0, 0xfffffffe)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111121111110f)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111011111113)
  mneg w0, w1, w2
  CHECK(x0, 0x2)
  madd w0, w1, w2, w3
  CHECK(x0, 0x1111110f)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffe)
  umull x0, w1, w2
  CHECK(x0, 0xfffffffe)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111121111110f)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111011111113)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111011111113)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x3fffffff)
  sdiv x0, x1, x2
  CHECK(x0, 0x3fffffff)
  udiv w0, w1, w2
  CHECK(x0, 0x3fffffff)
  sdiv w0, w1, w2
  CHECK(x0, 0x3fffffff)
  MOV64 x1, 0x7fffffff
  MOV64 x2, 0x123456789abcdef
  mul x0, x1, x2
  CHECK(x0, 0xc3b2a18ff6543211)
  madd x0, x1, x2, x3
  CHECK(x0, 0xd4c3b2a107654322)
  msub x0, x1, x2, x3
  CHECK(x0, 0x4d5e6f811abcdf00)
  mneg w0, w1, w2
  CHECK(x0, 0x9abcdef)
  madd w0, w1, w2, w3
  CHECK(x0, 0x7654322)
  smull x0, w1, w2
  CHECK(x0, 0xc4d5e6f7f6543211)
  umull x0, w1, w2
  CHECK(x0, 0x44d5e6f6f6543211)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0xd5e6f80907654322)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xcc3b2a1a1abcdf00)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x4c3b2a191abcdf00)
  smulh x0, x1, x2
  CHECK(x0, 0x91a2b3)
  umulh x0, x1, x2
  CHECK(x0, 0x91a2b3)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  MOV64 x1, 0x7fffffff
  MOV64 x2, 0x7fffffff
  mul x0, x1, x2
  CHECK(x0, 0x3fffffff00000001)
  madd x0, x1, x2, x3
  CHECK(x0, 0x5111111011111112)
  msub x0, x1, x2, x3
  CHECK(x0, 0xd111111211111110)
  mneg w0, w1, w2
  CHECK(x0, 0xffffffff)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111112)
  smull x0, w1, w2
  CHECK(x0, 0x3fffffff00000001)
  umull x0, w1, w2
  CHECK(x0, 0x3fffffff00000001)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x5111111011111112)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xd111111211111110)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0xd111111211111110)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x7fffffff
  MOV64 x2, 0x3
  mul x0, x1, x2
  CHECK(x0, 0x17ffffffd)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111129111110e)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111110f91111114)
  mneg w0, w1, w2
  CHECK(x0, 0x80000003)
  madd w0, w1, w2, w3
  CHECK(x0, 0x9111110e)
  smull x0, w1, w2
  CHECK(x0, 0x17ffffffd)
  umull x0, w1, w2
  CHECK(x0, 0x17ffffffd)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111129111110e)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110f91111114)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110f91111114)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x2aaaaaaa)
  sdiv x0, x1, x2
  CHECK(x0, 0x2aaaaaaa)
  udiv w0, w1, w2
  CHECK(x0, 0x2aaaaaaa)
  sdiv w0, w1, w2
  CHECK(x0, 0x2aaaaaaa)
  MOV64 x1, 0x80000000
  MOV64 x2, 0x1
  mul x0, x1, x2
  CHECK(x0, 0x80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111191111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111091111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0xffffffff80000000)
  umull x0, w1, w2
  CHECK(x0, 0x80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111191111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x80000000)
  sdiv x0, x1, x2
  CHECK(x0, 0x80000000)
  udiv w0, w1, w2
  CHECK(x0, 0x80000000)
  sdiv w0, w1, w2
  CHECK(x0, 0x80000000)
  MOV64 x1, 0x80000000
  MOV64 x2, 0xffffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0xffffffff80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111091111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111191111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0x80000000)
  umull x0, w1, w2
  CHECK(x0, 0x7fffffff80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111191111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9111111191111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111091111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffff80000000)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x80000000)
  MOV64 x1, 0x80000000
  MOV64 x2, 0xffffffff80000000
  mul x0, x1, x2
  CHECK(x0, 0xc000000000000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0xd111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x5111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x4000000000000000)
  umull x0, w1, w2
  CHECK(x0, 0x4000000000000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x5111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0xd111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0xd111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x80000000
  MOV64 x2, 0xfffffffffffffff9
  mul x0, x1, x2
  CHECK(x0, 0xfffffffc80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111110d91111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111491111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0x380000000)
  umull x0, w1, w2
  CHECK(x0, 0x7ffffffc80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111491111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9111111491111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110d91111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffffedb6db6e)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x12492492)
  MOV64 x1, 0x12345
  MOV64 x2, 0x0
  mul x0, x1, x2
  CHECK(x0, 0x0)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x12345
  MOV64 x2, 0x8000000000000000
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x9111111111111111)
  mneg w0, w1, w2
  CHECK(x0, 0x0)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111111)
  smull x0, w1, w2
  CHECK(x0, 0x0)
  umull x0, w1, w2
  CHECK(x0, 0x0)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffff6e5d)
  umulh x0, x1, x2
  CHECK(x0, 0x91a2)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x12345
  MOV64 x2, 0xffffffff
  mul x0, x1, x2
  CHECK(x0, 0x12344fffedcbb)
  madd x0, x1, x2, x3
  CHECK(x0, 0x11123456110fedcc)
  msub x0, x1, x2, x3
  CHECK(x0, 0x110fedcc11123456)
  mneg w0, w1, w2
  CHECK(x0, 0x12345)
  madd w0, w1, w2, w3
  CHECK(x0, 0x110fedcc)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffffffedcbb)
  umull x0, w1, w2
  CHECK(x0, 0x12344fffedcbb)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x11111111110fedcc)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x110fedcc11123456)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111123456)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0xfffedcbb)
  MOV64 x1, 0x12345
  MOV64 x2, 0x12345
  mul x0, x1, x2
  CHECK(x0, 0x14b65f099)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111125c7701aa)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111110fc5ab2078)
  mneg w0, w1, w2
  CHECK(x0, 0xb49a0f67)
  madd w0, w1, w2, w3
  CHECK(x0, 0x5c7701aa)
  smull x0, w1, w2
  CHECK(x0, 0x14b65f099)
  umull x0, w1, w2
  CHECK(x0, 0x14b65f099)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111125c7701aa)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110fc5ab2078)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110fc5ab2078)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0xfffffffffffffff9
  MOV64 x2, 0x7fffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0x8000000000000007)
  madd x0, x1, x2, x3
  CHECK(x0, 0x9111111111111118)
  msub x0, x1, x2, x3
  CHECK(x0, 0x911111111111110a)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffff9)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111118)
  smull x0, w1, w2
  CHECK(x0, 0x7)
  umull x0, w1, w2
  CHECK(x0, 0xfffffff800000007)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111118)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111191111110a)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  smulh x0, x1, x2
  CHECK(x0, 0xfffffffffffffffc)
  umulh x0, x1, x2
  CHECK(x0, 0x7ffffffffffffffb)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x7)
  MOV64 x1, 0xfffffffffffffff9
  MOV64 x2, 0xfedcba9876543210
  mul x0, x1, x2
  CHECK(x0, 0x7f6e5d4c3b2a190)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1907f6e5d4c3b2a1)
  msub x0, x1, x2, x3
  CHECK(x0, 0x91a2b3c4d5e6f81)
  mneg w0, w1, w2
  CHECK(x0, 0x3c4d5e70)
  madd w0, w1, w2, w3
  CHECK(x0, 0xd4c3b2a1)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffcc3b2a190)
  umull x0, w1, w2
  CHECK(x0, 0x7654320cc3b2a190)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111110dd4c3b2a1)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9abcdf044d5e6f81)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111144d5e6f81)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0xfedcba9876543209)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x2)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xfffffffffffffff9
  MOV64 x2, 0x80000000
  mul x0, x1, x2
  CHECK(x0, 0xfffffffc80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111110d91111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111491111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0x380000000)
  umull x0, w1, w2
  CHECK(x0, 0x7ffffffc80000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111491111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x9111111491111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110d91111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x7fffffff)
  udiv x0, x1, x2
  CHECK(x0, 0x1ffffffff)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0xfffffffffffffff9
  MOV64 x2, 0x7
  mul x0, x1, x2
  CHECK(x0, 0xffffffffffffffcf)
  madd x0, x1, x2, x3
  CHECK(x0, 0x11111111111110e0)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111142)
  mneg w0, w1, w2
  CHECK(x0, 0x31)
  madd w0, w1, w2, w3
  CHECK(x0, 0x111110e0)
  smull x0, w1, w2
  CHECK(x0, 0xffffffffffffffcf)
  umull x0, w1, w2
  CHECK(x0, 0x6ffffffcf)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x11111111111110e0)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110a11111142)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111142)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x6)
  udiv x0, x1, x2
  CHECK(x0, 0x2492492492492491)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  udiv w0, w1, w2
  CHECK(x0, 0x24924923)
  sdiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  MOV64 x1, 0x3
  MOV64 x2, 0x2
  mul x0, x1, x2
  CHECK(x0, 0x6)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111117)
  msub x0, x1, x2, x3
  CHECK(x0, 0x111111111111110b)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffffa)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111117)
  smull x0, w1, w2
  CHECK(x0, 0x6)
  umull x0, w1, w2
  CHECK(x0, 0x6)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111117)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110b)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110b)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x3
  MOV64 x2, 0x123456789abcdef
  mul x0, x1, x2
  CHECK(x0, 0x369d0369d0369cd)
  madd x0, x1, x2, x3
  CHECK(x0, 0x147ae147ae147ade)
  msub x0, x1, x2, x3
  CHECK(x0, 0xda740da740da744)
  mneg w0, w1, w2
  CHECK(x0, 0x62fc9633)
  madd w0, w1, w2, w3
  CHECK(x0, 0xae147ade)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffe9d0369cd)
  umull x0, w1, w2
  CHECK(x0, 0x19d0369cd)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111110fae147ade)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110f740da744)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x11111112740da744)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x3
  MOV64 x2, 0x7fffffff
  mul x0, x1, x2
  CHECK(x0, 0x17ffffffd)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111129111110e)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111110f91111114)
  mneg w0, w1, w2
  CHECK(x0, 0x80000003)
  madd w0, w1, w2, w3
  CHECK(x0, 0x9111110e)
  smull x0, w1, w2
  CHECK(x0, 0x17ffffffd)
  umull x0, w1, w2
  CHECK(x0, 0x17ffffffd)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111129111110e)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110f91111114)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110f91111114)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x3
  MOV64 x2, 0x3
  mul x0, x1, x2
  CHECK(x0, 0x9)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111111111111a)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111108)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffff7)
  madd w0, w1, w2, w3
  CHECK(x0, 0x1111111a)
  smull x0, w1, w2
  CHECK(x0, 0x9)
  umull x0, w1, w2
  CHECK(x0, 0x9)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111111111111a)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111108)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111108)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x1)
  sdiv x0, x1, x2
  CHECK(x0, 0x1)
  udiv w0, w1, w2
  CHECK(x0, 0x1)
  sdiv w0, w1, w2
  CHECK(x0, 0x1)
  MOV64 x1, 0x7
  MOV64 x2, 0x1
  mul x0, x1, x2
  CHECK(x0, 0x7)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111111111111118)
  msub x0, x1, x2, x3
  CHECK(x0, 0x111111111111110a)
  mneg w0, w1, w2
  CHECK(x0, 0xfffffff9)
  madd w0, w1, w2, w3
  CHECK(x0, 0x11111118)
  smull x0, w1, w2
  CHECK(x0, 0x7)
  umull x0, w1, w2
  CHECK(x0, 0x7)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111118)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  smulh x0, x1, x2
  CHECK(x0, 0x0)
  umulh x0, x1, x2
  CHECK(x0, 0x0)
  udiv x0, x1, x2
  CHECK(x0, 0x7)
  sdiv x0, x1, x2
  CHECK(x0, 0x7)
  udiv w0, w1, w2
  CHECK(x0, 0x7)
  sdiv w0, w1, w2
  CHECK(x0, 0x7)
  MOV64 x1, 0x7
  MOV64 x2, 0xffffffffffffffff
  mul x0, x1, x2
  CHECK(x0, 0xfffffffffffffff9)
  madd x0, x1, x2, x3
  CHECK(x0, 0x111111111111110a)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111118)
  mneg w0, w1, w2
  CHECK(x0, 0x7)
  madd w0, w1, w2, w3
  CHECK(x0, 0x1111110a)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffffffffff9)
  umull x0, w1, w2
  CHECK(x0, 0x6fffffff9)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x111111111111110a)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110a11111118)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111118)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x6)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xfffffffffffffff9)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0xfffffff9)
  MOV64 x1, 0x7
  MOV64 x2, 0xffffffff80000000
  mul x0, x1, x2
  CHECK(x0, 0xfffffffc80000000)
  madd x0, x1, x2, x3
  CHECK(x0, 0x1111110d91111111)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111491111111)
  mneg w0, w1, w2
  CHECK(x0, 0x80000000)
  madd w0, w1, w2, w3
  CHECK(x0, 0x91111111)
  smull x0, w1, w2
  CHECK(x0, 0xfffffffc80000000)
  umull x0, w1, w2
  CHECK(x0, 0x380000000)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x1111110d91111111)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110d91111111)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111491111111)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x6)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0x0)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0x0)
  MOV64 x1, 0x7
  MOV64 x2, 0xfffffffffffffff9
  mul x0, x1, x2
  CHECK(x0, 0xffffffffffffffcf)
  madd x0, x1, x2, x3
  CHECK(x0, 0x11111111111110e0)
  msub x0, x1, x2, x3
  CHECK(x0, 0x1111111111111142)
  mneg w0, w1, w2
  CHECK(x0, 0x31)
  madd w0, w1, w2, w3
  CHECK(x0, 0x111110e0)
  smull x0, w1, w2
  CHECK(x0, 0xffffffffffffffcf)
  umull x0, w1, w2
  CHECK(x0, 0x6ffffffcf)
  smaddl x0, w1, w2, x3
  CHECK(x0, 0x11111111111110e0)
  umsubl x0, w1, w2, x3
  CHECK(x0, 0x1111110a11111142)
  smsubl x0, w1, w2, x3
  CHECK(x0, 0x1111111111111142)
  smulh x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  umulh x0, x1, x2
  CHECK(x0, 0x6)
  udiv x0, x1, x2
  CHECK(x0, 0x0)
  sdiv x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  udiv w0, w1, w2
  CHECK(x0, 0x0)
  sdiv w0, w1, w2
  CHECK(x0, 0xffffffff)
  /* Flags are untouched by all of them. */
  mov x5, #0x90000000
  msr nzcv, x5
  mov x1, #0
  mov x2, #0
  sdiv x0, x1, x2
  mul x0, x1, x2
  smulh x0, x1, x2
  CHECK_NZCV(0b1001)
  /* A 128-bit product through UMULH/MUL and a remainder through MSUB. */
  MOV64 x1, 0xfedcba9876543210
  MOV64 x2, 0x0123456789abcdef
  mul x3, x1, x2
  umulh x4, x1, x2
  CHECK(x3, 0x2236d88fe5618cf0)
  CHECK(x4, 0x121fa00ad77d742)
  mov x5, #1000
  udiv x6, x1, x5
  msub x7, x6, x5, x1
  CHECK(x6, 0x413ea68d6e2a08)
  CHECK(x7, 0x2d0)
  ret
