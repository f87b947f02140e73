/*
 * Data processing -- register (Arm ARM C4.1.95): logical and add/subtract with shifted
 * register, add/subtract with extended register (SP forms included), add/subtract with carry,
 * conditional compare and select (all 16 conditions), data processing with one source
 * (RBIT, REV*, CLZ, CLS) and two sources (variable shifts, CRC32/CRC32C).
 * The inputs are X1 = 0x0123456789abcdef, X2 = its complement, X3 = 0x5a5a5a5a0f0f8f8f,
 * X4 = 0x1234567880000001; the expected values follow the Arm ARM pseudocode.
 */
#include "harness.h"

  .text
  .global main
main:
  stp x29, x30, [sp, #-16]!
  bl load_inputs

  /* Logical (shifted register). */
  and x0, x1, x3, lsl #4
  CHECK(x0, 0x121052080a8c8e0)
  and x0, x3, x2, lsr #8
  CHECK(x0, 0x5a581a08060402)
  and x0, x4, x3, asr #12
  CHECK(x0, 0x4042080000000)
  and x0, x1, x4, ror #36
  CHECK(x0, 0x1234567)
  and x0, x3, x4, asr #63
  CHECK(x0, 0x0)
  and w0, w1, w3, lsl #4
  CHECK(x0, 0x80a8c8e0)
  and w0, w4, w2, asr #4
  CHECK(x0, 0x1)
  and w0, w3, w4, ror #8
  CHECK(x0, 0x1000000)
  and w0, w2, w4, lsr #31
  CHECK(x0, 0x0)
  bic x0, x1, x3, lsl #4
  CHECK(x0, 0x240470903050f)
  bic x0, x1, x4, ror #36
  CHECK(x0, 0x123456788888888)
  bic x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  bic w0, w1, w3, lsl #4
  CHECK(x0, 0x903050f)
  bic w0, w4, w2, asr #4
  CHECK(x0, 0x80000000)
  bic w0, w3, w4, ror #8
  CHECK(x0, 0xe0f8f8f)
  bic w0, w2, w4, lsr #31
  CHECK(x0, 0x76543210)
  orr x0, x1, x3, lsl #4
  CHECK(x0, 0xa5a7e5e7f9fbfdff)
  orr x0, x3, x2, lsr #8
  CHECK(x0, 0x5afedefa9f7fdfbf)
  orr x0, x4, x3, asr #12
  CHECK(x0, 0x1235f7fda5a0f0f9)
  orr x0, x1, x4, ror #36
  CHECK(x0, 0x8923456799abcdef)
  orr x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  orr w0, w1, w3, lsl #4
  CHECK(x0, 0xf9fbfdff)
  orr w0, w4, w2, asr #4
  CHECK(x0, 0x87654321)
  orr w0, w3, w4, ror #8
  CHECK(x0, 0xf8f8f8f)
  orr w0, w2, w4, lsr #31
  CHECK(x0, 0x76543211)
  orn x0, x1, x3, lsl #4
  CHECK(x0, 0x5b7b5f7f8fafcfef)
  orn x0, x1, x4, ror #36
  CHECK(x0, 0x77ffffffefffffff)
  orn x0, x3, x4, asr #63
  CHECK(x0, 0xffffffffffffffff)
  orn w0, w1, w3, lsl #4
  CHECK(x0, 0x8fafcfef)
  orn w0, w4, w2, asr #4
  CHECK(x0, 0xf89abcdf)
  orn w0, w3, w4, ror #8
  CHECK(x0, 0xff7fffff)
  orn w0, w2, w4, lsr #31
  CHECK(x0, 0xfffffffe)
  eor x0, x1, x3, lsl #4
  CHECK(x0, 0xa486e0c77953351f)
  eor x0, x3, x2, lsr #8
  CHECK(x0, 0x5aa486e09779dbbd)
  eor x0, x4, x3, asr #12
  CHECK(x0, 0x1231f3dd25a0f0f9)
  eor x0, x1, x4, ror #36
  CHECK(x0, 0x8923456798888888)
  eor x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  eor w0, w1, w3, lsl #4
  CHECK(x0, 0x7953351f)
  eor w0, w4, w2, asr #4
  CHECK(x0, 0x87654320)
  eor w0, w3, w4, ror #8
  CHECK(x0, 0xe8f8f8f)
  eor w0, w2, w4, lsr #31
  CHECK(x0, 0x76543211)
  eon x0, x1, x3, lsl #4
  CHECK(x0, 0x5b791f3886accae0)
  eon x0, x1, x4, ror #36
  CHECK(x0, 0x76dcba9867777777)
  eon x0, x3, x4, asr #63
  CHECK(x0, 0xa5a5a5a5f0f07070)
  eon w0, w1, w3, lsl #4
  CHECK(x0, 0x86accae0)
  eon w0, w4, w2, asr #4
  CHECK(x0, 0x789abcdf)
  eon w0, w3, w4, ror #8
  CHECK(x0, 0xf1707070)
  eon w0, w2, w4, lsr #31
  CHECK(x0, 0x89abcdee)
  ands x0, x1, x3, lsl #4
  CHECK(x0, 0x121052080a8c8e0)
  CHECK_NZCV(0b0)
  ands x0, x3, x2, lsr #8
  CHECK(x0, 0x5a581a08060402)
  CHECK_NZCV(0b0)
  ands x0, x4, x3, asr #12
  CHECK(x0, 0x4042080000000)
  CHECK_NZCV(0b0)
  ands x0, x1, x4, ror #36
  CHECK(x0, 0x1234567)
  CHECK_NZCV(0b0)
  ands x0, x3, x4, asr #63
  CHECK(x0, 0x0)
  CHECK_NZCV(0b100)
  ands w0, w1, w3, lsl #4
  CHECK(x0, 0x80a8c8e0)
  CHECK_NZCV(0b1000)
  ands w0, w4, w2, asr #4
  CHECK(x0, 0x1)
  CHECK_NZCV(0b0)
  ands w0, w3, w4, ror #8
  CHECK(x0, 0x1000000)
  CHECK_NZCV(0b0)
  ands w0, w2, w4, lsr #31
  CHECK(x0, 0x0)
  CHECK_NZCV(0b100)
  bics x0, x1, x3, lsl #4
  CHECK(x0, 0x240470903050f)
  CHECK_NZCV(0b0)
  bics x0, x1, x4, ror #36
  CHECK(x0, 0x123456788888888)
  CHECK_NZCV(0b0)
  bics x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  CHECK_NZCV(0b0)
  bics w0, w1, w3, lsl #4
  CHECK(x0, 0x903050f)
  CHECK_NZCV(0b0)
  bics w0, w4, w2, asr #4
  CHECK(x0, 0x80000000)
  CHECK_NZCV(0b1000)
  bics w0, w3, w4, ror #8
  CHECK(x0, 0xe0f8f8f)
  CHECK_NZCV(0b0)
  bics w0, w2, w4, lsr #31
  CHECK(x0, 0x76543210)
  CHECK_NZCV(0b0)
  mov x0, x3
  mvn x0, x1
  CHECK(x0, 0xfedcba9876543210)
  mvn w0, w4, ror #4
  CHECK(x0, 0xe7ffffff)
  tst x1, x2
  CHECK_NZCV(0b100)
  tst x4, x3, lsl #32
  CHECK_NZCV(0b0)

  /* Add/subtract (shifted register), NEG/NEGS/CMP/CMN. */
  add x0, x1, x2, lsl #3
  CHECK(x0, 0xf8091a2b3c4d5e6f)
  add x0, x1, x3, lsr #60
  CHECK(x0, 0x123456789abcdf4)
  add x0, x4, x2, asr #4
  CHECK(x0, 0x1222222207654322)
  add x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  add x0, x1, x2, lsl #63
  CHECK(x0, 0x123456789abcdef)
  add w0, w1, w2, lsl #16
  CHECK(x0, 0xbbbbcdef)
  add w0, w1, w3, lsr #3
  CHECK(x0, 0x8b8dbfe0)
  add w0, w4, w4, asr #31
  CHECK(x0, 0x80000000)
  add w0, w3, w1, lsl #0
  CHECK(x0, 0x98bb5d7e)
  adds x0, x1, x2, lsl #3
  CHECK(x0, 0xf8091a2b3c4d5e6f)
  CHECK_NZCV(0b1000)
  adds x0, x1, x3, lsr #60
  CHECK(x0, 0x123456789abcdf4)
  CHECK_NZCV(0b0)
  adds x0, x4, x2, asr #4
  CHECK(x0, 0x1222222207654322)
  CHECK_NZCV(0b10)
  adds x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  CHECK_NZCV(0b0)
  adds x0, x1, x2, lsl #63
  CHECK(x0, 0x123456789abcdef)
  CHECK_NZCV(0b0)
  adds w0, w1, w2, lsl #16
  CHECK(x0, 0xbbbbcdef)
  CHECK_NZCV(0b1000)
  adds w0, w1, w3, lsr #3
  CHECK(x0, 0x8b8dbfe0)
  CHECK_NZCV(0b1000)
  adds w0, w4, w4, asr #31
  CHECK(x0, 0x80000000)
  CHECK_NZCV(0b1010)
  adds w0, w3, w1, lsl #0
  CHECK(x0, 0x98bb5d7e)
  CHECK_NZCV(0b1000)
  sub x0, x1, x2, lsl #3
  CHECK(x0, 0xa3d70a3d70a3d6f)
  sub x0, x1, x3, lsr #60
  CHECK(x0, 0x123456789abcdea)
  sub x0, x4, x2, asr #4
  CHECK(x0, 0x12468acef89abce0)
  sub x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  sub x0, x1, x2, lsl #63
  CHECK(x0, 0x123456789abcdef)
  sub w0, w1, w2, lsl #16
  CHECK(x0, 0x579bcdef)
  sub w0, w1, w3, lsr #3
  CHECK(x0, 0x87c9dbfe)
  sub w0, w4, w4, asr #31
  CHECK(x0, 0x80000002)
  sub w0, w3, w1, lsl #0
  CHECK(x0, 0x8563c1a0)
  subs x0, x1, x2, lsl #3
  CHECK(x0, 0xa3d70a3d70a3d6f)
  CHECK_NZCV(0b0)
  subs x0, x1, x3, lsr #60
  CHECK(x0, 0x123456789abcdea)
  CHECK_NZCV(0b10)
  subs x0, x4, x2, asr #4
  CHECK(x0, 0x12468acef89abce0)
  CHECK_NZCV(0b0)
  subs x0, x3, x4, asr #63
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  CHECK_NZCV(0b10)
  subs x0, x1, x2, lsl #63
  CHECK(x0, 0x123456789abcdef)
  CHECK_NZCV(0b10)
  subs w0, w1, w2, lsl #16
  CHECK(x0, 0x579bcdef)
  CHECK_NZCV(0b11)
  subs w0, w1, w3, lsr #3
  CHECK(x0, 0x87c9dbfe)
  CHECK_NZCV(0b1010)
  subs w0, w4, w4, asr #31
  CHECK(x0, 0x80000002)
  CHECK_NZCV(0b1000)
  subs w0, w3, w1, lsl #0
  CHECK(x0, 0x8563c1a0)
  CHECK_NZCV(0b1001)
  MOV64 x5, 0x123456789abcdef
  negs x0, x5
  CHECK(x0, 0xfedcba9876543211)
  CHECK_NZCV(0b1000)
  MOV64 x5, 0x8000000000000000
  negs x0, x5
  CHECK(x0, 0x8000000000000000)
  CHECK_NZCV(0b1001)
  MOV64 x5, 0x0
  negs x0, x5
  CHECK(x0, 0x0)
  CHECK_NZCV(0b110)
  MOV64 x5, 0x80000000
  negs w0, w5
  CHECK(x0, 0x80000000)
  CHECK_NZCV(0b1001)
  MOV64 x5, 0x80000001
  negs w0, w5
  CHECK(x0, 0x7fffffff)
  CHECK_NZCV(0b0)
  neg x0, x2, asr #8
  CHECK(x0, 0x123456789abce)
  cmp x1, x2
  CHECK_NZCV(0b0)
  cmn x1, x2
  CHECK_NZCV(0b1000)
  cmp w4, w3, lsl #1
  CHECK_NZCV(0b11)

  /* Add/subtract (extended register): every extension and shift, SP as Rn and Rd. */
  add x0, x1, w3, uxtb #0
  CHECK(x0, 0x123456789abce7e)
  add x0, x1, w3, uxtb #1
  CHECK(x0, 0x123456789abcf0d)
  add x0, x1, w3, uxtb #4
  CHECK(x0, 0x123456789abd6df)
  sub x0, x1, w4, uxtb #2
  CHECK(x0, 0x123456789abcdeb)
  adds w0, w1, w3, uxtb #3
  CHECK(x0, 0x89abd267)
  CHECK_NZCV(0b1000)
  subs x0, x2, w4, uxtb #1
  CHECK(x0, 0xfedcba987654320e)
  CHECK_NZCV(0b1010)
  add x0, x1, w3, uxth #0
  CHECK(x0, 0x123456789ac5d7e)
  add x0, x1, w3, uxth #1
  CHECK(x0, 0x123456789aced0d)
  add x0, x1, w3, uxth #4
  CHECK(x0, 0x123456789b4c6df)
  sub x0, x1, w4, uxth #2
  CHECK(x0, 0x123456789abcdeb)
  adds w0, w1, w3, uxth #3
  CHECK(x0, 0x89b04a67)
  CHECK_NZCV(0b1000)
  subs x0, x2, w4, uxth #1
  CHECK(x0, 0xfedcba987654320e)
  CHECK_NZCV(0b1010)
  add x0, x1, w3, uxtw #0
  CHECK(x0, 0x123456798bb5d7e)
  add x0, x1, w3, uxtw #1
  CHECK(x0, 0x1234567a7caed0d)
  add x0, x1, w3, uxtw #4
  CHECK(x0, 0x12345687aa4c6df)
  sub x0, x1, w4, uxtw #2
  CHECK(x0, 0x123456589abcdeb)
  adds w0, w1, w3, uxtw #3
  CHECK(x0, 0x2284a67)
  CHECK_NZCV(0b10)
  subs x0, x2, w4, uxtw #1
  CHECK(x0, 0xfedcba977654320e)
  CHECK_NZCV(0b1010)
  add x0, x1, x3, uxtx #0
  CHECK(x0, 0x5b7d9fc198bb5d7e)
  add x0, x1, x3, uxtx #1
  CHECK(x0, 0xb5d7fa1ba7caed0d)
  add x0, x1, x3, uxtx #4
  CHECK(x0, 0xa6c8eb087aa4c6df)
  sub x0, x1, x4, uxtx #2
  CHECK(x0, 0xb851eb8589abcdeb)
  adds w0, w1, w3, uxtx #3
  CHECK(x0, 0x2284a67)
  CHECK_NZCV(0b10)
  subs x0, x2, x4, uxtx #1
  CHECK(x0, 0xda740da77654320e)
  CHECK_NZCV(0b1010)
  add x0, x1, w3, sxtb #0
  CHECK(x0, 0x123456789abcd7e)
  add x0, x1, w3, sxtb #1
  CHECK(x0, 0x123456789abcd0d)
  add x0, x1, w3, sxtb #4
  CHECK(x0, 0x123456789abc6df)
  sub x0, x1, w4, sxtb #2
  CHECK(x0, 0x123456789abcdeb)
  adds w0, w1, w3, sxtb #3
  CHECK(x0, 0x89abca67)
  CHECK_NZCV(0b1010)
  subs x0, x2, w4, sxtb #1
  CHECK(x0, 0xfedcba987654320e)
  CHECK_NZCV(0b1010)
  add x0, x1, w3, sxth #0
  CHECK(x0, 0x123456789ab5d7e)
  add x0, x1, w3, sxth #1
  CHECK(x0, 0x123456789aaed0d)
  add x0, x1, w3, sxth #4
  CHECK(x0, 0x123456789a4c6df)
  sub x0, x1, w4, sxth #2
  CHECK(x0, 0x123456789abcdeb)
  adds w0, w1, w3, sxth #3
  CHECK(x0, 0x89a84a67)
  CHECK_NZCV(0b1010)
  subs x0, x2, w4, sxth #1
  CHECK(x0, 0xfedcba987654320e)
  CHECK_NZCV(0b1010)
  add x0, x1, w3, sxtw #0
  CHECK(x0, 0x123456798bb5d7e)
  add x0, x1, w3, sxtw #1
  CHECK(x0, 0x1234567a7caed0d)
  add x0, x1, w3, sxtw #4
  CHECK(x0, 0x12345687aa4c6df)
  sub x0, x1, w4, sxtw #2
  CHECK(x0, 0x123456989abcdeb)
  adds w0, w1, w3, sxtw #3
  CHECK(x0, 0x2284a67)
  CHECK_NZCV(0b10)
  subs x0, x2, w4, sxtw #1
  CHECK(x0, 0xfedcba997654320e)
  CHECK_NZCV(0b1000)
  add x0, x1, x3, sxtx #0
  CHECK(x0, 0x5b7d9fc198bb5d7e)
  add x0, x1, x3, sxtx #1
  CHECK(x0, 0xb5d7fa1ba7caed0d)
  add x0, x1, x3, sxtx #4
  CHECK(x0, 0xa6c8eb087aa4c6df)
  sub x0, x1, x4, sxtx #2
  CHECK(x0, 0xb851eb8589abcdeb)
  adds w0, w1, w3, sxtx #3
  CHECK(x0, 0x2284a67)
  CHECK_NZCV(0b10)
  subs x0, x2, x4, sxtx #1
  CHECK(x0, 0xda740da77654320e)
  CHECK_NZCV(0b1010)
  mov x5, sp
  mov x6, #-48
  add sp, sp, x6, sxtx
  mov x7, sp
  sub x7, x5, x7
  CHECK(x7, 0x30)
  mov w6, #-16
  add sp, sp, w6, sxtw #1
  mov x7, sp
  sub x7, x5, x7
  CHECK(x7, 0x50)
  mov x6, #10
  add sp, sp, x6, lsl #3
  mov x7, sp
  CHECKR(x7, x5)
  mov x6, #3
  add x0, sp, x6, uxtx #2
  sub x0, x0, x5
  CHECK(x0, 0xc)
  sub x0, sp, w6, uxtw
  sub x0, x5, x0
  CHECK(x0, 0x3)
  cmp sp, x5
  CHECK_NZCV(0b110)
  mov w6, #0xff80
  cmn w6, w6, sxtb
  CHECK_NZCV(0b10)

  /* Add/subtract with carry. */
  msr nzcv, xzr
  adc x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  adc x0, x2, x3
  CHECK(x0, 0x593714f28563c19f)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  adc w0, w3, w4
  CHECK(x0, 0x8f0f8f90)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  adc w0, w4, w4
  CHECK(x0, 0x2)
  CHECK_NZCV(0b0)
  msr nzcv, x29
  adc x0, x1, x2
  CHECK(x0, 0x0)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  adc x0, x2, x3
  CHECK(x0, 0x593714f28563c1a0)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  adc w0, w3, w4
  CHECK(x0, 0x8f0f8f91)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  adc w0, w4, w4
  CHECK(x0, 0x3)
  CHECK_NZCV(0b10)
  msr nzcv, xzr
  adcs x0, x1, x2
  CHECK(x0, 0xffffffffffffffff)
  CHECK_NZCV(0b1000)
  msr nzcv, xzr
  adcs x0, x2, x3
  CHECK(x0, 0x593714f28563c19f)
  CHECK_NZCV(0b10)
  msr nzcv, xzr
  adcs w0, w3, w4
  CHECK(x0, 0x8f0f8f90)
  CHECK_NZCV(0b1000)
  msr nzcv, xzr
  adcs w0, w4, w4
  CHECK(x0, 0x2)
  CHECK_NZCV(0b11)
  msr nzcv, x29
  adcs x0, x1, x2
  CHECK(x0, 0x0)
  CHECK_NZCV(0b110)
  msr nzcv, x29
  adcs x0, x2, x3
  CHECK(x0, 0x593714f28563c1a0)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  adcs w0, w3, w4
  CHECK(x0, 0x8f0f8f91)
  CHECK_NZCV(0b1000)
  msr nzcv, x29
  adcs w0, w4, w4
  CHECK(x0, 0x3)
  CHECK_NZCV(0b11)
  msr nzcv, xzr
  sbc x0, x1, x2
  CHECK(x0, 0x2468acf13579bde)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  sbc x0, x2, x3
  CHECK(x0, 0xa482603e6744a280)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  sbc w0, w3, w4
  CHECK(x0, 0x8f0f8f8d)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  sbc w0, w4, w4
  CHECK(x0, 0xffffffff)
  CHECK_NZCV(0b0)
  msr nzcv, x29
  sbc x0, x1, x2
  CHECK(x0, 0x2468acf13579bdf)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  sbc x0, x2, x3
  CHECK(x0, 0xa482603e6744a281)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  sbc w0, w3, w4
  CHECK(x0, 0x8f0f8f8e)
  CHECK_NZCV(0b10)
  msr nzcv, x29
  sbc w0, w4, w4
  CHECK(x0, 0x0)
  CHECK_NZCV(0b10)
  msr nzcv, xzr
  sbcs x0, x1, x2
  CHECK(x0, 0x2468acf13579bde)
  CHECK_NZCV(0b0)
  msr nzcv, xzr
  sbcs x0, x2, x3
  CHECK(x0, 0xa482603e6744a280)
  CHECK_NZCV(0b1010)
  msr nzcv, xzr
  sbcs w0, w3, w4
  CHECK(x0, 0x8f0f8f8d)
  CHECK_NZCV(0b1001)
  msr nzcv, xzr
  sbcs w0, w4, w4
  CHECK(x0, 0xffffffff)
  CHECK_NZCV(0b1000)
  msr nzcv, x29
  sbcs x0, x1, x2
  CHECK(x0, 0x2468acf13579bdf)
  CHECK_NZCV(0b0)
  msr nzcv, x29
  sbcs x0, x2, x3
  CHECK(x0, 0xa482603e6744a281)
  CHECK_NZCV(0b1010)
  msr nzcv, x29
  sbcs w0, w3, w4
  CHECK(x0, 0x8f0f8f8e)
  CHECK_NZCV(0b1001)
  msr nzcv, x29
  sbcs w0, w4, w4
  CHECK(x0, 0x0)
  CHECK_NZCV(0b110)
  msr nzcv, x29
  ngc x0, x1
  CHECK(x0, 0xfedcba9876543211)
  msr nzcv, xzr
  ngcs w0, w4
  CHECK(x0, 0x7ffffffe)
  CHECK_NZCV(0b0)
  MOV64 x5, 0xffffffffffffffff
  msr nzcv, x29
  adcs x0, x5, xzr
  CHECK(x0, 0x0)
  CHECK_NZCV(0b110)

  /* Conditional compare: the condition selects the comparison or the immediate flags. */
  mov x5, #0x60000000
  msr nzcv, x5
  ccmp x1, x2, #15, eq
  CHECK_NZCV(0b0)
  mov x5, #0x0
  msr nzcv, x5
  ccmp x1, x2, #10, eq
  CHECK_NZCV(0b1010)
  mov x5, #0x80000000
  msr nzcv, x5
  ccmn x1, x2, #1, mi
  CHECK_NZCV(0b1000)
  mov x5, #0x10000000
  msr nzcv, x5
  ccmp w3, w4, #4, vs
  CHECK_NZCV(0b1001)
  mov x5, #0x40000000
  msr nzcv, x5
  ccmp x4, #31, #3, ne
  CHECK_NZCV(0b11)
  mov x5, #0x20000000
  msr nzcv, x5
  ccmn w4, #1, #8, hs
  CHECK_NZCV(0b1000)
  mov x5, #0x0
  msr nzcv, x5
  ccmp x1, x1, #15, al
  CHECK_NZCV(0b110)
  mov x5, #0x90000000
  msr nzcv, x5
  ccmp x2, #0, #7, ge
  CHECK_NZCV(0b1010)

  /* Conditional select and its aliases, over all 16 conditions and 16 flag values. */
  mov x10, #0          /* x10: one bit per (flags, cond) where CSET gave 1 */
  mov x11, #0          /* x11: the same for CSETM through CSINV */
  mov x12, #0          /* flags value */
1:
  lsl x5, x12, #28
  msr nzcv, x5
  cset x6, eq
  csetm w7, eq
  lsl x6, x6, #0
  orr x10, x10, x6
  and x7, x7, #1
  orr x11, x11, x7
  cset x6, ne
  csetm w7, ne
  lsl x6, x6, #1
  orr x10, x10, x6
  and x7, x7, #2
  orr x11, x11, x7
  cset x6, cs
  csetm w7, cs
  lsl x6, x6, #2
  orr x10, x10, x6
  and x7, x7, #4
  orr x11, x11, x7
  cset x6, cc
  csetm w7, cc
  lsl x6, x6, #3
  orr x10, x10, x6
  and x7, x7, #8
  orr x11, x11, x7
  cset x6, mi
  csetm w7, mi
  lsl x6, x6, #4
  orr x10, x10, x6
  and x7, x7, #16
  orr x11, x11, x7
  cset x6, pl
  csetm w7, pl
  lsl x6, x6, #5
  orr x10, x10, x6
  and x7, x7, #32
  orr x11, x11, x7
  cset x6, vs
  csetm w7, vs
  lsl x6, x6, #6
  orr x10, x10, x6
  and x7, x7, #64
  orr x11, x11, x7
  cset x6, vc
  csetm w7, vc
  lsl x6, x6, #7
  orr x10, x10, x6
  and x7, x7, #128
  orr x11, x11, x7
  cset x6, hi
  csetm w7, hi
  lsl x6, x6, #8
  orr x10, x10, x6
  and x7, x7, #256
  orr x11, x11, x7
  cset x6, ls
  csetm w7, ls
  lsl x6, x6, #9
  orr x10, x10, x6
  and x7, x7, #512
  orr x11, x11, x7
  cset x6, ge
  csetm w7, ge
  lsl x6, x6, #10
  orr x10, x10, x6
  and x7, x7, #1024
  orr x11, x11, x7
  cset x6, lt
  csetm w7, lt
  lsl x6, x6, #11
  orr x10, x10, x6
  and x7, x7, #2048
  orr x11, x11, x7
  cset x6, gt
  csetm w7, gt
  lsl x6, x6, #12
  orr x10, x10, x6
  and x7, x7, #4096
  orr x11, x11, x7
  cset x6, le
  csetm w7, le
  lsl x6, x6, #13
  orr x10, x10, x6
  and x7, x7, #8192
  orr x11, x11, x7
  csinc x6, xzr, xzr, al     /* 0 when al holds */
  eor x6, x6, #1
  csinv w7, wzr, wzr, al
  mvn w7, w7
  lsl x6, x6, #14
  orr x10, x10, x6
  and x7, x7, #16384
  orr x11, x11, x7
  csinc x6, xzr, xzr, nv     /* 0 when nv holds */
  eor x6, x6, #1
  csinv w7, wzr, wzr, nv
  mvn w7, w7
  lsl x6, x6, #15
  orr x10, x10, x6
  and x7, x7, #32768
  orr x11, x11, x7
  lsl x10, x10, #16
  lsl x11, x11, #16
  add x12, x12, #1
  cmp x12, #16
  b.ne 1b
  CHECK(x10, 0xe659ea95e6550000)
  CHECK(x11, 0xe659ea95e6550000)
  /* A complete table: x13 = sum over flags f of (16-bit condition mask << (f % 4 * 16)) ^ f. */
  mov x13, #0
  mov x12, #0
2:
  lsl x5, x12, #28
  msr nzcv, x5
  mov x6, #0
  cinc x6, x6, eq
  lsl x6, x6, #1
  cinc x6, x6, ne
  lsl x6, x6, #1
  cinc x6, x6, cs
  lsl x6, x6, #1
  cinc x6, x6, cc
  lsl x6, x6, #1
  cinc x6, x6, mi
  lsl x6, x6, #1
  cinc x6, x6, pl
  lsl x6, x6, #1
  cinc x6, x6, vs
  lsl x6, x6, #1
  cinc x6, x6, vc
  lsl x6, x6, #1
  cinc x6, x6, hi
  lsl x6, x6, #1
  cinc x6, x6, ls
  lsl x6, x6, #1
  cinc x6, x6, ge
  lsl x6, x6, #1
  cinc x6, x6, lt
  lsl x6, x6, #1
  cinc x6, x6, gt
  lsl x6, x6, #1
  cinc x6, x6, le
  lsl x6, x6, #1
  csinc x7, xzr, xzr, al
  eor x7, x7, #1
  add x6, x6, x7
  lsl x6, x6, #1
  csinc x7, xzr, xzr, nv
  eor x7, x7, #1
  add x6, x6, x7

  eor x13, x13, x6
  ror x13, x13, #7
  add x12, x12, #1
  cmp x12, #16
  b.ne 2b
  CHECK(x13, 0x48641b9e96469869)
  mov x5, #0x40000000
  msr nzcv, x5
  csel x0, x1, x2, eq
  CHECK(x0, 0x123456789abcdef)
  mov x5, #0x40000000
  msr nzcv, x5
  csel x0, x1, x2, ne
  CHECK(x0, 0xfedcba9876543210)
  mov x5, #0x80000000
  msr nzcv, x5
  csinc x0, x1, x2, lt
  CHECK(x0, 0x123456789abcdef)
  mov x5, #0x90000000
  msr nzcv, x5
  csinc x0, x1, x2, lt
  CHECK(x0, 0xfedcba9876543211)
  mov x5, #0x20000000
  msr nzcv, x5
  csinv w0, w3, w4, hi
  CHECK(x0, 0xf0f8f8f)
  mov x5, #0x60000000
  msr nzcv, x5
  csinv w0, w3, w4, hi
  CHECK(x0, 0x7ffffffe)
  mov x5, #0x0
  msr nzcv, x5
  csneg x0, x3, x4, gt
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  mov x5, #0x40000000
  msr nzcv, x5
  csneg x0, x3, x4, gt
  CHECK(x0, 0xedcba9877fffffff)
  mov x5, #0x0
  msr nzcv, x5
  csneg w0, w3, w4, le
  CHECK(x0, 0x7fffffff)
  mov x5, #0x40000000
  msr nzcv, x5
  cinc x0, x1, eq
  CHECK(x0, 0x123456789abcdf0)
  cinv w0, w1, eq
  CHECK(x0, 0x76543210)
  cneg x0, x1, ne
  CHECK(x0, 0x123456789abcdef)
  cneg x0, x1, eq
  CHECK(x0, 0xfedcba9876543211)

  /* Data processing (1 source). */
  MOV64 x5, 0x123456789abcdef
  rbit x0, x5
  CHECK(x0, 0xf7b3d591e6a2c480)
  rbit w0, w5
  CHECK(x0, 0xf7b3d591)
  rev x0, x5
  CHECK(x0, 0xefcdab8967452301)
  rev w0, w5
  CHECK(x0, 0xefcdab89)
  rev16 x0, x5
  CHECK(x0, 0x23016745ab89efcd)
  rev16 w0, w5
  CHECK(x0, 0xab89efcd)
  rev32 x0, x5
  CHECK(x0, 0x67452301efcdab89)
  clz x0, x5
  CHECK(x0, 0x7)
  clz w0, w5
  CHECK(x0, 0x0)
  cls x0, x5
  CHECK(x0, 0x6)
  cls w0, w5
  CHECK(x0, 0x0)
  MOV64 x5, 0x5a5a5a5a0f0f8f8f
  rbit x0, x5
  CHECK(x0, 0xf1f1f0f05a5a5a5a)
  rbit w0, w5
  CHECK(x0, 0xf1f1f0f0)
  rev x0, x5
  CHECK(x0, 0x8f8f0f0f5a5a5a5a)
  rev w0, w5
  CHECK(x0, 0x8f8f0f0f)
  rev16 x0, x5
  CHECK(x0, 0x5a5a5a5a0f0f8f8f)
  rev16 w0, w5
  CHECK(x0, 0xf0f8f8f)
  rev32 x0, x5
  CHECK(x0, 0x5a5a5a5a8f8f0f0f)
  clz x0, x5
  CHECK(x0, 0x1)
  clz w0, w5
  CHECK(x0, 0x4)
  cls x0, x5
  CHECK(x0, 0x0)
  cls w0, w5
  CHECK(x0, 0x3)
  MOV64 x5, 0x1234567880000001
  rbit x0, x5
  CHECK(x0, 0x800000011e6a2c48)
  rbit w0, w5
  CHECK(x0, 0x80000001)
  rev x0, x5
  CHECK(x0, 0x100008078563412)
  rev w0, w5
  CHECK(x0, 0x1000080)
  rev16 x0, x5
  CHECK(x0, 0x3412785600800100)
  rev16 w0, w5
  CHECK(x0, 0x800100)
  rev32 x0, x5
  CHECK(x0, 0x7856341201000080)
  clz x0, x5
  CHECK(x0, 0x3)
  clz w0, w5
  CHECK(x0, 0x0)
  cls x0, x5
  CHECK(x0, 0x2)
  cls w0, w5
  CHECK(x0, 0x0)
  MOV64 x5, 0x0
  rbit x0, x5
  CHECK(x0, 0x0)
  rbit w0, w5
  CHECK(x0, 0x0)
  rev x0, x5
  CHECK(x0, 0x0)
  rev w0, w5
  CHECK(x0, 0x0)
  rev16 x0, x5
  CHECK(x0, 0x0)
  rev16 w0, w5
  CHECK(x0, 0x0)
  rev32 x0, x5
  CHECK(x0, 0x0)
  clz x0, x5
  CHECK(x0, 0x40)
  clz w0, w5
  CHECK(x0, 0x20)
  cls x0, x5
  CHECK(x0, 0x3f)
  cls w0, w5
  CHECK(x0, 0x1f)
  MOV64 x5, 0xffffffffffffffff
  rbit x0, x5
  CHECK(x0, 0xffffffffffffffff)
  rbit w0, w5
  CHECK(x0, 0xffffffff)
  rev x0, x5
  CHECK(x0, 0xffffffffffffffff)
  rev w0, w5
  CHECK(x0, 0xffffffff)
  rev16 x0, x5
  CHECK(x0, 0xffffffffffffffff)
  rev16 w0, w5
  CHECK(x0, 0xffffffff)
  rev32 x0, x5
  CHECK(x0, 0xffffffffffffffff)
  clz x0, x5
  CHECK(x0, 0x0)
  clz w0, w5
  CHECK(x0, 0x0)
  cls x0, x5
  CHECK(x0, 0x3f)
  cls w0, w5
  CHECK(x0, 0x1f)
  MOV64 x5, 0x8000000000000000
  rbit x0, x5
  CHECK(x0, 0x1)
  rbit w0, w5
  CHECK(x0, 0x0)
  rev x0, x5
  CHECK(x0, 0x80)
  rev w0, w5
  CHECK(x0, 0x0)
  rev16 x0, x5
  CHECK(x0, 0x80000000000000)
  rev16 w0, w5
  CHECK(x0, 0x0)
  rev32 x0, x5
  CHECK(x0, 0x8000000000)
  clz x0, x5
  CHECK(x0, 0x0)
  clz w0, w5
  CHECK(x0, 0x20)
  cls x0, x5
  CHECK(x0, 0x0)
  cls w0, w5
  CHECK(x0, 0x1f)
  MOV64 x5, 0x1
  rbit x0, x5
  CHECK(x0, 0x8000000000000000)
  rbit w0, w5
  CHECK(x0, 0x80000000)
  rev x0, x5
  CHECK(x0, 0x100000000000000)
  rev w0, w5
  CHECK(x0, 0x1000000)
  rev16 x0, x5
  CHECK(x0, 0x100)
  rev16 w0, w5
  CHECK(x0, 0x100)
  rev32 x0, x5
  CHECK(x0, 0x1000000)
  clz x0, x5
  CHECK(x0, 0x3f)
  clz w0, w5
  CHECK(x0, 0x1f)
  cls x0, x5
  CHECK(x0, 0x3e)
  cls w0, w5
  CHECK(x0, 0x1e)

  /* Variable shifts: the amount is taken modulo the register size. */
  MOV64 x6, 0x0
  lslv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  lslv w0, w4, w6
  CHECK(x0, 0x80000001)
  lsrv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  lsrv w0, w4, w6
  CHECK(x0, 0x80000001)
  asrv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  asrv w0, w4, w6
  CHECK(x0, 0x80000001)
  rorv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  rorv w0, w4, w6
  CHECK(x0, 0x80000001)
  MOV64 x6, 0x1
  lslv x0, x2, x6
  CHECK(x0, 0xfdb97530eca86420)
  lslv w0, w4, w6
  CHECK(x0, 0x2)
  lsrv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c3b2a1908)
  lsrv w0, w4, w6
  CHECK(x0, 0x40000000)
  asrv x0, x2, x6
  CHECK(x0, 0xff6e5d4c3b2a1908)
  asrv w0, w4, w6
  CHECK(x0, 0xc0000000)
  rorv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c3b2a1908)
  rorv w0, w4, w6
  CHECK(x0, 0xc0000000)
  MOV64 x6, 0x1f
  lslv x0, x2, x6
  CHECK(x0, 0x3b2a190800000000)
  lslv w0, w4, w6
  CHECK(x0, 0x80000000)
  lsrv x0, x2, x6
  CHECK(x0, 0x1fdb97530)
  lsrv w0, w4, w6
  CHECK(x0, 0x1)
  asrv x0, x2, x6
  CHECK(x0, 0xfffffffffdb97530)
  asrv w0, w4, w6
  CHECK(x0, 0xffffffff)
  rorv x0, x2, x6
  CHECK(x0, 0xeca86421fdb97530)
  rorv w0, w4, w6
  CHECK(x0, 0x3)
  MOV64 x6, 0x20
  lslv x0, x2, x6
  CHECK(x0, 0x7654321000000000)
  lslv w0, w4, w6
  CHECK(x0, 0x80000001)
  lsrv x0, x2, x6
  CHECK(x0, 0xfedcba98)
  lsrv w0, w4, w6
  CHECK(x0, 0x80000001)
  asrv x0, x2, x6
  CHECK(x0, 0xfffffffffedcba98)
  asrv w0, w4, w6
  CHECK(x0, 0x80000001)
  rorv x0, x2, x6
  CHECK(x0, 0x76543210fedcba98)
  rorv w0, w4, w6
  CHECK(x0, 0x80000001)
  MOV64 x6, 0x21
  lslv x0, x2, x6
  CHECK(x0, 0xeca8642000000000)
  lslv w0, w4, w6
  CHECK(x0, 0x2)
  lsrv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c)
  lsrv w0, w4, w6
  CHECK(x0, 0x40000000)
  asrv x0, x2, x6
  CHECK(x0, 0xffffffffff6e5d4c)
  asrv w0, w4, w6
  CHECK(x0, 0xc0000000)
  rorv x0, x2, x6
  CHECK(x0, 0x3b2a19087f6e5d4c)
  rorv w0, w4, w6
  CHECK(x0, 0xc0000000)
  MOV64 x6, 0x3f
  lslv x0, x2, x6
  CHECK(x0, 0x0)
  lslv w0, w4, w6
  CHECK(x0, 0x80000000)
  lsrv x0, x2, x6
  CHECK(x0, 0x1)
  lsrv w0, w4, w6
  CHECK(x0, 0x1)
  asrv x0, x2, x6
  CHECK(x0, 0xffffffffffffffff)
  asrv w0, w4, w6
  CHECK(x0, 0xffffffff)
  rorv x0, x2, x6
  CHECK(x0, 0xfdb97530eca86421)
  rorv w0, w4, w6
  CHECK(x0, 0x3)
  MOV64 x6, 0x40
  lslv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  lslv w0, w4, w6
  CHECK(x0, 0x80000001)
  lsrv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  lsrv w0, w4, w6
  CHECK(x0, 0x80000001)
  asrv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  asrv w0, w4, w6
  CHECK(x0, 0x80000001)
  rorv x0, x2, x6
  CHECK(x0, 0xfedcba9876543210)
  rorv w0, w4, w6
  CHECK(x0, 0x80000001)
  MOV64 x6, 0x41
  lslv x0, x2, x6
  CHECK(x0, 0xfdb97530eca86420)
  lslv w0, w4, w6
  CHECK(x0, 0x2)
  lsrv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c3b2a1908)
  lsrv w0, w4, w6
  CHECK(x0, 0x40000000)
  asrv x0, x2, x6
  CHECK(x0, 0xff6e5d4c3b2a1908)
  asrv w0, w4, w6
  CHECK(x0, 0xc0000000)
  rorv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c3b2a1908)
  rorv w0, w4, w6
  CHECK(x0, 0xc0000000)
  MOV64 x6, 0xffffffffffffffc1
  lslv x0, x2, x6
  CHECK(x0, 0xfdb97530eca86420)
  lslv w0, w4, w6
  CHECK(x0, 0x2)
  lsrv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c3b2a1908)
  lsrv w0, w4, w6
  CHECK(x0, 0x40000000)
  asrv x0, x2, x6
  CHECK(x0, 0xff6e5d4c3b2a1908)
  asrv w0, w4, w6
  CHECK(x0, 0xc0000000)
  rorv x0, x2, x6
  CHECK(x0, 0x7f6e5d4c3b2a1908)
  rorv w0, w4, w6
  CHECK(x0, 0xc0000000)

  /* CRC32/CRC32C: the check values of "123456789" (0xcbf43926, 0xe3069283), byte by byte
   * and with the halfword/word/doubleword forms on the same bytes. */
  LA x5, crc_input
  mov w0, #-1
  mov w1, #-1
  mov x6, #0
3:
  ldrb w7, [x5, x6]
  crc32b w0, w0, w7
  crc32cb w1, w1, w7
  add x6, x6, #1
  cmp x6, #9
  b.ne 3b
  mvn w0, w0
  mvn w1, w1
  CHECK(x0, 0xcbf43926)
  CHECK(x1, 0xe3069283)
  mov w0, #-1
  ldr x7, [x5]
  crc32x w0, w0, x7
  ldrb w7, [x5, #8]
  crc32b w0, w0, w7
  mvn w0, w0
  CHECK(x0, 0xcbf43926)
  mov w1, #-1
  ldr w7, [x5]
  crc32cw w1, w1, w7
  ldrh w7, [x5, #4]
  crc32ch w1, w1, w7
  ldrh w7, [x5, #6]
  crc32ch w1, w1, w7
  ldrb w7, [x5, #8]
  crc32cb w1, w1, w7
  mvn w1, w1
  CHECK(x1, 0xe3069283)
  mov w0, #-1
  ldr w7, [x5]
  crc32w w0, w0, w7
  ldr w7, [x5, #4]
  crc32w w0, w0, w7
  ldrb w7, [x5, #8]
  crc32b w0, w0, w7
  mvn w0, w0
  CHECK(x0, 0xcbf43926)
  mov w1, #-1
  ldr x7, [x5]
  crc32cx w1, w1, x7
  ldrb w7, [x5, #8]
  crc32cb w1, w1, w7
  mvn w1, w1
  CHECK(x1, 0xe3069283)

  bl load_inputs
  mov x5, #0x90000000
  lsl x5, x5, #4
  adds x0, x1, x2
  ldp x29, x30, [sp], #16
  ret

load_inputs:
  MOV64 x1, 0x0123456789abcdef
  MOV64 x2, 0xfedcba9876543210
  MOV64 x3, 0x5a5a5a5a0f0f8f8f
  MOV64 x4, 0x1234567880000001
  mov x29, #0x20000000     /* NZCV with only C set */
  ret

  .section .rodata
crc_input: .ascii "123456789"
