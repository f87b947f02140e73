/*
 * Bitfield moves (Arm ARM C6.2: SBFM, BFM, UBFM and their aliases ASR/LSL/LSR (immediate),
 * SBFX/UBFX, SBFIZ/UBFIZ, BFI/BFXIL/BFC, SXTB/SXTH/SXTW, UXTB/UXTH), expected values from
 * the pseudocode with DecodeBitMasks. X0 is preset to a pattern before each BFM (it keeps the
 * bits outside the field).
 */
#include "harness.h"

  .text
  .global main
main:
  MOV64 x1, 0x0123456789abcdef
  MOV64 x2, 0xfedcba9876543210
  MOV64 x3, 0x5a5a5a5a0f0f8f8f
  MOV64 x4, 0x1234567880000001
  MOV64 x9, 0xa5a5a5a5c3c3c3c3

  /* The raw forms over a grid of immr/imms (both orders: field extraction and insertion). */
  sbfm x0, x2, #0, #0
  CHECK(x0, 0x0)
  ubfm x0, x2, #0, #0
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x2, #0, #0
  CHECK(x0, 0xa5a5a5a5c3c3c3c2)
  sbfm x0, x4, #0, #0
  CHECK(x0, 0xffffffffffffffff)
  ubfm x0, x4, #0, #0
  CHECK(x0, 0x1)
  mov x0, x9
  bfm x0, x4, #0, #0
  CHECK(x0, 0xa5a5a5a5c3c3c3c3)
  sbfm x0, x2, #0, #63
  CHECK(x0, 0xfedcba9876543210)
  ubfm x0, x2, #0, #63
  CHECK(x0, 0xfedcba9876543210)
  mov x0, x9
  bfm x0, x2, #0, #63
  CHECK(x0, 0xfedcba9876543210)
  sbfm x0, x4, #0, #63
  CHECK(x0, 0x1234567880000001)
  ubfm x0, x4, #0, #63
  CHECK(x0, 0x1234567880000001)
  mov x0, x9
  bfm x0, x4, #0, #63
  CHECK(x0, 0x1234567880000001)
  sbfm x0, x2, #63, #63
  CHECK(x0, 0xffffffffffffffff)
  ubfm x0, x2, #63, #63
  CHECK(x0, 0x1)
  mov x0, x9
  bfm x0, x2, #63, #63
  CHECK(x0, 0xa5a5a5a5c3c3c3c3)
  sbfm x0, x4, #63, #63
  CHECK(x0, 0x0)
  ubfm x0, x4, #63, #63
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x4, #63, #63
  CHECK(x0, 0xa5a5a5a5c3c3c3c2)
  sbfm x0, x2, #1, #0
  CHECK(x0, 0x0)
  ubfm x0, x2, #1, #0
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x2, #1, #0
  CHECK(x0, 0x25a5a5a5c3c3c3c3)
  sbfm x0, x4, #1, #0
  CHECK(x0, 0x8000000000000000)
  ubfm x0, x4, #1, #0
  CHECK(x0, 0x8000000000000000)
  mov x0, x9
  bfm x0, x4, #1, #0
  CHECK(x0, 0xa5a5a5a5c3c3c3c3)
  sbfm x0, x2, #8, #15
  CHECK(x0, 0x32)
  ubfm x0, x2, #8, #15
  CHECK(x0, 0x32)
  mov x0, x9
  bfm x0, x2, #8, #15
  CHECK(x0, 0xa5a5a5a5c3c3c332)
  sbfm x0, x4, #8, #15
  CHECK(x0, 0x0)
  ubfm x0, x4, #8, #15
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x4, #8, #15
  CHECK(x0, 0xa5a5a5a5c3c3c300)
  sbfm x0, x2, #15, #8
  CHECK(x0, 0x20000000000000)
  ubfm x0, x2, #15, #8
  CHECK(x0, 0x20000000000000)
  mov x0, x9
  bfm x0, x2, #15, #8
  CHECK(x0, 0xa421a5a5c3c3c3c3)
  sbfm x0, x4, #15, #8
  CHECK(x0, 0x2000000000000)
  ubfm x0, x4, #15, #8
  CHECK(x0, 0x2000000000000)
  mov x0, x9
  bfm x0, x4, #15, #8
  CHECK(x0, 0xa403a5a5c3c3c3c3)
  sbfm x0, x2, #32, #31
  CHECK(x0, 0x7654321000000000)
  ubfm x0, x2, #32, #31
  CHECK(x0, 0x7654321000000000)
  mov x0, x9
  bfm x0, x2, #32, #31
  CHECK(x0, 0x76543210c3c3c3c3)
  sbfm x0, x4, #32, #31
  CHECK(x0, 0x8000000100000000)
  ubfm x0, x4, #32, #31
  CHECK(x0, 0x8000000100000000)
  mov x0, x9
  bfm x0, x4, #32, #31
  CHECK(x0, 0x80000001c3c3c3c3)
  sbfm x0, x2, #31, #32
  CHECK(x0, 0x0)
  ubfm x0, x2, #31, #32
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x2, #31, #32
  CHECK(x0, 0xa5a5a5a5c3c3c3c0)
  sbfm x0, x4, #31, #32
  CHECK(x0, 0x1)
  ubfm x0, x4, #31, #32
  CHECK(x0, 0x1)
  mov x0, x9
  bfm x0, x4, #31, #32
  CHECK(x0, 0xa5a5a5a5c3c3c3c1)
  sbfm x0, x2, #60, #3
  CHECK(x0, 0x0)
  ubfm x0, x2, #60, #3
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x2, #60, #3
  CHECK(x0, 0xa5a5a5a5c3c3c303)
  sbfm x0, x4, #60, #3
  CHECK(x0, 0x10)
  ubfm x0, x4, #60, #3
  CHECK(x0, 0x10)
  mov x0, x9
  bfm x0, x4, #60, #3
  CHECK(x0, 0xa5a5a5a5c3c3c313)
  sbfm x0, x2, #3, #60
  CHECK(x0, 0xffdb97530eca8642)
  ubfm x0, x2, #3, #60
  CHECK(x0, 0x3db97530eca8642)
  mov x0, x9
  bfm x0, x2, #3, #60
  CHECK(x0, 0xa7db97530eca8642)
  sbfm x0, x4, #3, #60
  CHECK(x0, 0xfe468acf10000000)
  ubfm x0, x4, #3, #60
  CHECK(x0, 0x2468acf10000000)
  mov x0, x9
  bfm x0, x4, #3, #60
  CHECK(x0, 0xa6468acf10000000)
  sbfm x0, x2, #63, #0
  CHECK(x0, 0x0)
  ubfm x0, x2, #63, #0
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x2, #63, #0
  CHECK(x0, 0xa5a5a5a5c3c3c3c1)
  sbfm x0, x4, #63, #0
  CHECK(x0, 0xfffffffffffffffe)
  ubfm x0, x4, #63, #0
  CHECK(x0, 0x2)
  mov x0, x9
  bfm x0, x4, #63, #0
  CHECK(x0, 0xa5a5a5a5c3c3c3c3)
  sbfm x0, x2, #0, #7
  CHECK(x0, 0x10)
  ubfm x0, x2, #0, #7
  CHECK(x0, 0x10)
  mov x0, x9
  bfm x0, x2, #0, #7
  CHECK(x0, 0xa5a5a5a5c3c3c310)
  sbfm x0, x4, #0, #7
  CHECK(x0, 0x1)
  ubfm x0, x4, #0, #7
  CHECK(x0, 0x1)
  mov x0, x9
  bfm x0, x4, #0, #7
  CHECK(x0, 0xa5a5a5a5c3c3c301)
  sbfm x0, x2, #48, #55
  CHECK(x0, 0xffffffffffffffdc)
  ubfm x0, x2, #48, #55
  CHECK(x0, 0xdc)
  mov x0, x9
  bfm x0, x2, #48, #55
  CHECK(x0, 0xa5a5a5a5c3c3c3dc)
  sbfm x0, x4, #48, #55
  CHECK(x0, 0x34)
  ubfm x0, x4, #48, #55
  CHECK(x0, 0x34)
  mov x0, x9
  bfm x0, x4, #48, #55
  CHECK(x0, 0xa5a5a5a5c3c3c334)
  sbfm x0, x2, #56, #62
  CHECK(x0, 0xfffffffffffffffe)
  ubfm x0, x2, #56, #62
  CHECK(x0, 0x7e)
  mov x0, x9
  bfm x0, x2, #56, #62
  CHECK(x0, 0xa5a5a5a5c3c3c3fe)
  sbfm x0, x4, #56, #62
  CHECK(x0, 0x12)
  ubfm x0, x4, #56, #62
  CHECK(x0, 0x12)
  mov x0, x9
  bfm x0, x4, #56, #62
  CHECK(x0, 0xa5a5a5a5c3c3c392)
  sbfm x0, x2, #41, #19
  CHECK(x0, 0x21908000000)
  ubfm x0, x2, #41, #19
  CHECK(x0, 0x21908000000)
  mov x0, x9
  bfm x0, x2, #41, #19
  CHECK(x0, 0xa5a5a2190843c3c3)
  sbfm x0, x4, #41, #19
  CHECK(x0, 0x800000)
  ubfm x0, x4, #41, #19
  CHECK(x0, 0x800000)
  mov x0, x9
  bfm x0, x4, #41, #19
  CHECK(x0, 0xa5a5a00000c3c3c3)
  sbfm x0, x2, #50, #6
  CHECK(x0, 0x40000)
  ubfm x0, x2, #50, #6
  CHECK(x0, 0x40000)
  mov x0, x9
  bfm x0, x2, #50, #6
  CHECK(x0, 0xa5a5a5a5c3c403c3)
  sbfm x0, x4, #50, #6
  CHECK(x0, 0x4000)
  ubfm x0, x4, #50, #6
  CHECK(x0, 0x4000)
  mov x0, x9
  bfm x0, x4, #50, #6
  CHECK(x0, 0xa5a5a5a5c3c043c3)
  sbfm x0, x2, #9, #12
  CHECK(x0, 0xfffffffffffffff9)
  ubfm x0, x2, #9, #12
  CHECK(x0, 0x9)
  mov x0, x9
  bfm x0, x2, #9, #12
  CHECK(x0, 0xa5a5a5a5c3c3c3c9)
  sbfm x0, x4, #9, #12
  CHECK(x0, 0x0)
  ubfm x0, x4, #9, #12
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x4, #9, #12
  CHECK(x0, 0xa5a5a5a5c3c3c3c0)
  sbfm x0, x2, #46, #7
  CHECK(x0, 0x400000)
  ubfm x0, x2, #46, #7
  CHECK(x0, 0x400000)
  mov x0, x9
  bfm x0, x2, #46, #7
  CHECK(x0, 0xa5a5a5a5c043c3c3)
  sbfm x0, x4, #46, #7
  CHECK(x0, 0x40000)
  ubfm x0, x4, #46, #7
  CHECK(x0, 0x40000)
  mov x0, x9
  bfm x0, x4, #46, #7
  CHECK(x0, 0xa5a5a5a5c007c3c3)
  sbfm x0, x2, #27, #4
  CHECK(x0, 0xfffffe0000000000)
  ubfm x0, x2, #27, #4
  CHECK(x0, 0x20000000000)
  mov x0, x9
  bfm x0, x2, #27, #4
  CHECK(x0, 0xa5a5a605c3c3c3c3)
  sbfm x0, x4, #27, #4
  CHECK(x0, 0x2000000000)
  ubfm x0, x4, #27, #4
  CHECK(x0, 0x2000000000)
  mov x0, x9
  bfm x0, x4, #27, #4
  CHECK(x0, 0xa5a5a425c3c3c3c3)
  sbfm x0, x2, #11, #55
  CHECK(x0, 0xfffffb97530eca86)
  ubfm x0, x2, #11, #55
  CHECK(x0, 0x1b97530eca86)
  mov x0, x9
  bfm x0, x2, #11, #55
  CHECK(x0, 0xa5a5bb97530eca86)
  sbfm x0, x4, #11, #55
  CHECK(x0, 0x68acf100000)
  ubfm x0, x4, #11, #55
  CHECK(x0, 0x68acf100000)
  mov x0, x9
  bfm x0, x4, #11, #55
  CHECK(x0, 0xa5a5a68acf100000)
  sbfm x0, x2, #53, #8
  CHECK(x0, 0x8000)
  ubfm x0, x2, #53, #8
  CHECK(x0, 0x8000)
  mov x0, x9
  bfm x0, x2, #53, #8
  CHECK(x0, 0xa5a5a5a5c3c083c3)
  sbfm x0, x4, #53, #8
  CHECK(x0, 0x800)
  ubfm x0, x4, #53, #8
  CHECK(x0, 0x800)
  mov x0, x9
  bfm x0, x4, #53, #8
  CHECK(x0, 0xa5a5a5a5c3c00bc3)
  sbfm x0, x2, #30, #11
  CHECK(x0, 0x84000000000)
  ubfm x0, x2, #30, #11
  CHECK(x0, 0x84000000000)
  mov x0, x9
  bfm x0, x2, #30, #11
  CHECK(x0, 0xa5a58841c3c3c3c3)
  sbfm x0, x4, #30, #11
  CHECK(x0, 0x400000000)
  ubfm x0, x4, #30, #11
  CHECK(x0, 0x400000000)
  mov x0, x9
  bfm x0, x4, #30, #11
  CHECK(x0, 0xa5a58005c3c3c3c3)
  sbfm x0, x2, #54, #7
  CHECK(x0, 0x4000)
  ubfm x0, x2, #54, #7
  CHECK(x0, 0x4000)
  mov x0, x9
  bfm x0, x2, #54, #7
  CHECK(x0, 0xa5a5a5a5c3c043c3)
  sbfm x0, x4, #54, #7
  CHECK(x0, 0x400)
  ubfm x0, x4, #54, #7
  CHECK(x0, 0x400)
  mov x0, x9
  bfm x0, x4, #54, #7
  CHECK(x0, 0xa5a5a5a5c3c007c3)
  sbfm x0, x2, #15, #28
  CHECK(x0, 0xffffffffffffeca8)
  ubfm x0, x2, #15, #28
  CHECK(x0, 0x2ca8)
  mov x0, x9
  bfm x0, x2, #15, #28
  CHECK(x0, 0xa5a5a5a5c3c3eca8)
  sbfm x0, x4, #15, #28
  CHECK(x0, 0x0)
  ubfm x0, x4, #15, #28
  CHECK(x0, 0x0)
  mov x0, x9
  bfm x0, x4, #15, #28
  CHECK(x0, 0xa5a5a5a5c3c3c000)
  sbfm w0, w1, #0, #0
  CHECK(x0, 0xffffffff)
  ubfm w0, w1, #0, #0
  CHECK(x0, 0x1)
  mov x0, x9
  bfm w0, w1, #0, #0
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w4, #0, #0
  CHECK(x0, 0xffffffff)
  ubfm w0, w4, #0, #0
  CHECK(x0, 0x1)
  mov x0, x9
  bfm w0, w4, #0, #0
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w1, #0, #31
  CHECK(x0, 0x89abcdef)
  ubfm w0, w1, #0, #31
  CHECK(x0, 0x89abcdef)
  mov x0, x9
  bfm w0, w1, #0, #31
  CHECK(x0, 0x89abcdef)
  sbfm w0, w4, #0, #31
  CHECK(x0, 0x80000001)
  ubfm w0, w4, #0, #31
  CHECK(x0, 0x80000001)
  mov x0, x9
  bfm w0, w4, #0, #31
  CHECK(x0, 0x80000001)
  sbfm w0, w1, #31, #31
  CHECK(x0, 0xffffffff)
  ubfm w0, w1, #31, #31
  CHECK(x0, 0x1)
  mov x0, x9
  bfm w0, w1, #31, #31
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w4, #31, #31
  CHECK(x0, 0xffffffff)
  ubfm w0, w4, #31, #31
  CHECK(x0, 0x1)
  mov x0, x9
  bfm w0, w4, #31, #31
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w1, #1, #0
  CHECK(x0, 0x80000000)
  ubfm w0, w1, #1, #0
  CHECK(x0, 0x80000000)
  mov x0, x9
  bfm w0, w1, #1, #0
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w4, #1, #0
  CHECK(x0, 0x80000000)
  ubfm w0, w4, #1, #0
  CHECK(x0, 0x80000000)
  mov x0, x9
  bfm w0, w4, #1, #0
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w1, #8, #15
  CHECK(x0, 0xffffffcd)
  ubfm w0, w1, #8, #15
  CHECK(x0, 0xcd)
  mov x0, x9
  bfm w0, w1, #8, #15
  CHECK(x0, 0xc3c3c3cd)
  sbfm w0, w4, #8, #15
  CHECK(x0, 0x0)
  ubfm w0, w4, #8, #15
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #8, #15
  CHECK(x0, 0xc3c3c300)
  sbfm w0, w1, #15, #8
  CHECK(x0, 0xffde0000)
  ubfm w0, w1, #15, #8
  CHECK(x0, 0x3de0000)
  mov x0, x9
  bfm w0, w1, #15, #8
  CHECK(x0, 0xc3dfc3c3)
  sbfm w0, w4, #15, #8
  CHECK(x0, 0x20000)
  ubfm w0, w4, #15, #8
  CHECK(x0, 0x20000)
  mov x0, x9
  bfm w0, w4, #15, #8
  CHECK(x0, 0xc003c3c3)
  sbfm w0, w1, #16, #15
  CHECK(x0, 0xcdef0000)
  ubfm w0, w1, #16, #15
  CHECK(x0, 0xcdef0000)
  mov x0, x9
  bfm w0, w1, #16, #15
  CHECK(x0, 0xcdefc3c3)
  sbfm w0, w4, #16, #15
  CHECK(x0, 0x10000)
  ubfm w0, w4, #16, #15
  CHECK(x0, 0x10000)
  mov x0, x9
  bfm w0, w4, #16, #15
  CHECK(x0, 0x1c3c3)
  sbfm w0, w1, #28, #3
  CHECK(x0, 0xfffffff0)
  ubfm w0, w1, #28, #3
  CHECK(x0, 0xf0)
  mov x0, x9
  bfm w0, w1, #28, #3
  CHECK(x0, 0xc3c3c3f3)
  sbfm w0, w4, #28, #3
  CHECK(x0, 0x10)
  ubfm w0, w4, #28, #3
  CHECK(x0, 0x10)
  mov x0, x9
  bfm w0, w4, #28, #3
  CHECK(x0, 0xc3c3c313)
  sbfm w0, w1, #3, #28
  CHECK(x0, 0x13579bd)
  ubfm w0, w1, #3, #28
  CHECK(x0, 0x13579bd)
  mov x0, x9
  bfm w0, w1, #3, #28
  CHECK(x0, 0xc13579bd)
  sbfm w0, w4, #3, #28
  CHECK(x0, 0x0)
  ubfm w0, w4, #3, #28
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #3, #28
  CHECK(x0, 0xc0000000)
  sbfm w0, w1, #31, #0
  CHECK(x0, 0xfffffffe)
  ubfm w0, w1, #31, #0
  CHECK(x0, 0x2)
  mov x0, x9
  bfm w0, w1, #31, #0
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w4, #31, #0
  CHECK(x0, 0xfffffffe)
  ubfm w0, w4, #31, #0
  CHECK(x0, 0x2)
  mov x0, x9
  bfm w0, w4, #31, #0
  CHECK(x0, 0xc3c3c3c3)
  sbfm w0, w1, #0, #7
  CHECK(x0, 0xffffffef)
  ubfm w0, w1, #0, #7
  CHECK(x0, 0xef)
  mov x0, x9
  bfm w0, w1, #0, #7
  CHECK(x0, 0xc3c3c3ef)
  sbfm w0, w4, #0, #7
  CHECK(x0, 0x1)
  ubfm w0, w4, #0, #7
  CHECK(x0, 0x1)
  mov x0, x9
  bfm w0, w4, #0, #7
  CHECK(x0, 0xc3c3c301)
  sbfm w0, w1, #24, #30
  CHECK(x0, 0x9)
  ubfm w0, w1, #24, #30
  CHECK(x0, 0x9)
  mov x0, x9
  bfm w0, w1, #24, #30
  CHECK(x0, 0xc3c3c389)
  sbfm w0, w4, #24, #30
  CHECK(x0, 0x0)
  ubfm w0, w4, #24, #30
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #24, #30
  CHECK(x0, 0xc3c3c380)
  sbfm w0, w1, #3, #25
  CHECK(x0, 0x3579bd)
  ubfm w0, w1, #3, #25
  CHECK(x0, 0x3579bd)
  mov x0, x9
  bfm w0, w1, #3, #25
  CHECK(x0, 0xc3b579bd)
  sbfm w0, w4, #3, #25
  CHECK(x0, 0x0)
  ubfm w0, w4, #3, #25
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #3, #25
  CHECK(x0, 0xc3800000)
  sbfm w0, w1, #3, #14
  CHECK(x0, 0xfffff9bd)
  ubfm w0, w1, #3, #14
  CHECK(x0, 0x9bd)
  mov x0, x9
  bfm w0, w1, #3, #14
  CHECK(x0, 0xc3c3c9bd)
  sbfm w0, w4, #3, #14
  CHECK(x0, 0x0)
  ubfm w0, w4, #3, #14
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #3, #14
  CHECK(x0, 0xc3c3c000)
  sbfm w0, w1, #2, #8
  CHECK(x0, 0xfffffffb)
  ubfm w0, w1, #2, #8
  CHECK(x0, 0x7b)
  mov x0, x9
  bfm w0, w1, #2, #8
  CHECK(x0, 0xc3c3c3fb)
  sbfm w0, w4, #2, #8
  CHECK(x0, 0x0)
  ubfm w0, w4, #2, #8
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #2, #8
  CHECK(x0, 0xc3c3c380)
  sbfm w0, w1, #18, #26
  CHECK(x0, 0x6a)
  ubfm w0, w1, #18, #26
  CHECK(x0, 0x6a)
  mov x0, x9
  bfm w0, w1, #18, #26
  CHECK(x0, 0xc3c3c26a)
  sbfm w0, w4, #18, #26
  CHECK(x0, 0x0)
  ubfm w0, w4, #18, #26
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #18, #26
  CHECK(x0, 0xc3c3c200)
  sbfm w0, w1, #9, #7
  CHECK(x0, 0xf7800000)
  ubfm w0, w1, #9, #7
  CHECK(x0, 0x77800000)
  mov x0, x9
  bfm w0, w1, #9, #7
  CHECK(x0, 0xf7c3c3c3)
  sbfm w0, w4, #9, #7
  CHECK(x0, 0x800000)
  ubfm w0, w4, #9, #7
  CHECK(x0, 0x800000)
  mov x0, x9
  bfm w0, w4, #9, #7
  CHECK(x0, 0x80c3c3c3)
  sbfm w0, w1, #19, #11
  CHECK(x0, 0xffbde000)
  ubfm w0, w1, #19, #11
  CHECK(x0, 0x1bde000)
  mov x0, x9
  bfm w0, w1, #19, #11
  CHECK(x0, 0xc3bde3c3)
  sbfm w0, w4, #19, #11
  CHECK(x0, 0x2000)
  ubfm w0, w4, #19, #11
  CHECK(x0, 0x2000)
  mov x0, x9
  bfm w0, w4, #19, #11
  CHECK(x0, 0xc20023c3)
  sbfm w0, w1, #6, #12
  CHECK(x0, 0x37)
  ubfm w0, w1, #6, #12
  CHECK(x0, 0x37)
  mov x0, x9
  bfm w0, w1, #6, #12
  CHECK(x0, 0xc3c3c3b7)
  sbfm w0, w4, #6, #12
  CHECK(x0, 0x0)
  ubfm w0, w4, #6, #12
  CHECK(x0, 0x0)
  mov x0, x9
  bfm w0, w4, #6, #12
  CHECK(x0, 0xc3c3c380)
  sbfm w0, w1, #23, #6
  CHECK(x0, 0xffffde00)
  ubfm w0, w1, #23, #6
  CHECK(x0, 0xde00)
  mov x0, x9
  bfm w0, w1, #23, #6
  CHECK(x0, 0xc3c3dfc3)
  sbfm w0, w4, #23, #6
  CHECK(x0, 0x200)
  ubfm w0, w4, #23, #6
  CHECK(x0, 0x200)
  mov x0, x9
  bfm w0, w4, #23, #6
  CHECK(x0, 0xc3c303c3)

  /* Aliases. */
  asr x0, x2, #4
  CHECK(x0, 0xffedcba987654321)
  asr x0, x2, #63
  CHECK(x0, 0xffffffffffffffff)
  asr w0, w4, #31
  CHECK(x0, 0xffffffff)
  asr w0, w2, #0
  CHECK(x0, 0x76543210)
  lsl x0, x1, #60
  CHECK(x0, 0xf000000000000000)
  lsl w0, w1, #1
  CHECK(x0, 0x13579bde)
  lsl x0, x1, #0
  CHECK(x0, 0x123456789abcdef)
  lsr x0, x2, #63
  CHECK(x0, 0x1)
  lsr w0, w2, #16
  CHECK(x0, 0x7654)
  sbfx x0, x1, #4, #8
  CHECK(x0, 0xffffffffffffffde)
  sbfx x0, x2, #60, #4
  CHECK(x0, 0xffffffffffffffff)
  sbfx w0, w1, #28, #4
  CHECK(x0, 0xfffffff8)
  ubfx x0, x2, #8, #40
  CHECK(x0, 0xba98765432)
  ubfx w0, w4, #31, #1
  CHECK(x0, 0x1)
  sbfiz x0, x4, #4, #32
  CHECK(x0, 0xfffffff800000010)
  ubfiz x0, x2, #60, #4
  CHECK(x0, 0x0)
  ubfiz w0, w2, #8, #24
  CHECK(x0, 0x54321000)
  sbfiz w0, w1, #30, #2
  CHECK(x0, 0xc0000000)
  sxtb x0, w1
  CHECK(x0, 0xffffffffffffffef)
  sxth x0, w2
  CHECK(x0, 0x3210)
  sxtw x0, w4
  CHECK(x0, 0xffffffff80000001)
  sxtb w0, w4
  CHECK(x0, 0x1)
  sxth w0, w1
  CHECK(x0, 0xffffcdef)
  uxtb w0, w1
  CHECK(x0, 0xef)
  uxth w0, w2
  CHECK(x0, 0x3210)
  mov x0, x9
  bfi x0, x1, #8, #16
  CHECK(x0, 0xa5a5a5a5c3cdefc3)
  mov x0, x9
  bfi x0, x2, #48, #16
  CHECK(x0, 0x3210a5a5c3c3c3c3)
  mov x0, x9
  bfi w0, w1, #31, #1
  CHECK(x0, 0xc3c3c3c3)
  mov x0, x9
  bfxil x0, x2, #4, #12
  CHECK(x0, 0xa5a5a5a5c3c3c321)
  mov x0, x9
  bfxil w0, w4, #28, #4
  CHECK(x0, 0xc3c3c3c8)
  mov x0, x9
  bfi x0, xzr, #8, #32
  CHECK(x0, 0xa5a5a500000000c3)
  mov x0, x9
  bfi w0, wzr, #0, #31
  CHECK(x0, 0x80000000)

  mov x0, x9
  bfi x0, x1, #4, #8
  ret
