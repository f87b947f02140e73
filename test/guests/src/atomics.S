/*
 * guest: march=armv8.1-a+crc qemu-cpu=max
 *
 * LSE atomics (FEAT_LSE, Arm ARM C6.2: LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX,
 * LDUMIN, SWP in every size and ordering, the ST<op> aliases, CAS and CASP succeeding and
 * failing). Cortex-A57 is ARMv8.0, so QEMU runs this one with -cpu max. (LDAPR is left out:
 * the vCPU's ID_AA64ISAR1_EL1 does not advertise FEAT_LRCPC, so it is UNDEFINED there.)
 * Each atomic returns the old value (zero-extended) and stores op(old, Rs).
 */
#include "harness.h"

  .text
  .global main
main:
  LA x9, __scratch

  MOV64 x1, 0xef
  str x1, [x9]
  MOV64 x2, 0x80ef
  movn x0, #0
  ldaddb w2, w0, [x9]
  CHECK(x0, 0xef)
  ldr x3, [x9]
  CHECK(x3, 0xde)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0x89abcd80
  movn x0, #0
  ldaddlb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0x1
  str x1, [x9]
  MOV64 x2, 0x89ab0000
  movn x0, #0
  ldaddh w2, w0, [x9]
  CHECK(x0, 0x1)
  ldr x3, [x9]
  CHECK(x3, 0x1)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldaddah w2, w0, [x9]
  CHECK(x0, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x89abcdef
  movn x0, #0
  ldadd w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x89abcdef)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0x80000000
  movn x0, #0
  ldaddl w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0x8000ffff)
  MOV64 x1, 0x7fffffff
  str x1, [x9]
  MOV64 x2, 0xffffffffffffffff
  movn x0, #0
  ldadd x2, x0, [x9]
  CHECK(x0, 0x7fffffff)
  ldr x3, [x9]
  CHECK(x3, 0x7ffffffe)
  MOV64 x1, 0xffffffff
  str x1, [x9]
  MOV64 x2, 0xffff
  movn x0, #0
  ldadda x2, x0, [x9]
  CHECK(x0, 0xffffffff)
  ldr x3, [x9]
  CHECK(x3, 0x10000fffe)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x8000000000000000
  movn x0, #0
  ldaddal x2, x0, [x9]
  CHECK(x0, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x8000000000000080)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x7f
  movn x0, #0
  ldclrb w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  ldclrab w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x1
  str x1, [x9]
  MOV64 x2, 0x10
  movn x0, #0
  ldclrlb w2, w0, [x9]
  CHECK(x0, 0x1)
  ldr x3, [x9]
  CHECK(x3, 0x1)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldclralb w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldclrh w2, w0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldclralh w2, w0, [x9]
  CHECK(x0, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x1
  movn x0, #0
  ldclr w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  ldclra w2, w0, [x9]
  CHECK(x0, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldclrl w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldclr x2, x0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x80000000
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldclra x2, x0, [x9]
  CHECK(x0, 0x80000000)
  ldr x3, [x9]
  CHECK(x3, 0x80000000)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x1
  movn x0, #0
  ldclral x2, x0, [x9]
  CHECK(x0, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffff00
  movn x0, #0
  ldeorb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x7f
  movn x0, #0
  ldeorab w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffff00
  movn x0, #0
  ldeoralb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xcdef
  str x1, [x9]
  MOV64 x2, 0x765400ff
  movn x0, #0
  ldeorh w2, w0, [x9]
  CHECK(x0, 0xcdef)
  ldr x3, [x9]
  CHECK(x3, 0xcd10)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldeorah w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0xffff
  movn x0, #0
  ldeorlh w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  ldeoralh w2, w0, [x9]
  CHECK(x0, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldeor w2, w0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0xffffff80)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldeoral w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0xfedcba9876543210
  str x1, [x9]
  MOV64 x2, 0x80000000
  movn x0, #0
  ldeor x2, x0, [x9]
  CHECK(x0, 0xfedcba9876543210)
  ldr x3, [x9]
  CHECK(x3, 0xfedcba98f6543210)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldeora x2, x0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0x7fffffff
  movn x0, #0
  ldeoral x2, x0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0x7fffff80)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldsetb w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldseth w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldsetlh w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x3210
  str x1, [x9]
  MOV64 x2, 0x8000ffff
  movn x0, #0
  ldsetalh w2, w0, [x9]
  CHECK(x0, 0x3210)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x7f
  movn x0, #0
  ldset w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0x123456789abcdef
  str x1, [x9]
  MOV64 x2, 0x7fffffffffffffff
  movn x0, #0
  ldset x2, x0, [x9]
  CHECK(x0, 0x123456789abcdef)
  ldr x3, [x9]
  CHECK(x3, 0x7fffffffffffffff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldseta x2, x0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xffffffff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0x76543200
  movn x0, #0
  ldsmaxb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldsmaxab w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0x7f
  movn x0, #0
  ldsmaxlb w2, w0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldsmaxalb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xcdef
  str x1, [x9]
  MOV64 x2, 0x89abcdef
  movn x0, #0
  ldsmaxh w2, w0, [x9]
  CHECK(x0, 0xcdef)
  ldr x3, [x9]
  CHECK(x3, 0xcdef)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0x80000000
  movn x0, #0
  ldsmaxah w2, w0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0x3210
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldsmaxlh w2, w0, [x9]
  CHECK(x0, 0x3210)
  ldr x3, [x9]
  CHECK(x3, 0x3210)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x76543210
  movn x0, #0
  ldsmaxalh w2, w0, [x9]
  CHECK(x0, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x3210)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldsmax w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldsmaxl w2, w0, [x9]
  CHECK(x0, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0x8000000000000000
  str x1, [x9]
  MOV64 x2, 0x7fffffff
  movn x0, #0
  ldsmax x2, x0, [x9]
  CHECK(x0, 0x8000000000000000)
  ldr x3, [x9]
  CHECK(x3, 0x7fffffff)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  ldsmaxa x2, x0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldsmaxal x2, x0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x1
  str x1, [x9]
  MOV64 x2, 0x7fffff7f
  movn x0, #0
  ldsminb w2, w0, [x9]
  CHECK(x0, 0x1)
  ldr x3, [x9]
  CHECK(x3, 0x1)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x765432ef
  movn x0, #0
  ldsminab w2, w0, [x9]
  CHECK(x0, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x3210
  str x1, [x9]
  MOV64 x2, 0x89abffff
  movn x0, #0
  ldsminh w2, w0, [x9]
  CHECK(x0, 0x3210)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0x7fff0001
  movn x0, #0
  ldsminlh w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldsminalh w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldsmin w2, w0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x123456789abcdef
  str x1, [x9]
  MOV64 x2, 0x80
  movn x0, #0
  ldsmin x2, x0, [x9]
  CHECK(x0, 0x123456789abcdef)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  ldsmina x2, x0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0xfedcba9876543210
  str x1, [x9]
  MOV64 x2, 0x1
  movn x0, #0
  ldsminal x2, x0, [x9]
  CHECK(x0, 0xfedcba9876543210)
  ldr x3, [x9]
  CHECK(x3, 0xfedcba9876543210)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  ldumaxb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffff7f
  movn x0, #0
  ldumaxab w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x89abcdff
  movn x0, #0
  ldumaxlb w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0xffff0000
  movn x0, #0
  ldumaxh w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x80
  movn x0, #0
  ldumaxlh w2, w0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0x80000000
  movn x0, #0
  ldumax w2, w0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0x80000000)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldumaxl w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0xffffffff)
  MOV64 x1, 0xffffffffffffffff
  str x1, [x9]
  MOV64 x2, 0x7fffffff
  movn x0, #0
  ldumax x2, x0, [x9]
  CHECK(x0, 0xffffffffffffffff)
  ldr x3, [x9]
  CHECK(x3, 0xffffffffffffffff)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x7f
  movn x0, #0
  ldumaxa x2, x0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldumaxl x2, x0, [x9]
  CHECK(x0, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0xffffffff)
  MOV64 x1, 0xef
  str x1, [x9]
  MOV64 x2, 0x10
  movn x0, #0
  lduminb w2, w0, [x9]
  CHECK(x0, 0xef)
  ldr x3, [x9]
  CHECK(x3, 0x10)
  MOV64 x1, 0xef
  str x1, [x9]
  MOV64 x2, 0x7f00
  movn x0, #0
  lduminab w2, w0, [x9]
  CHECK(x0, 0xef)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  lduminlb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  lduminalb w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0x3210
  movn x0, #0
  lduminh w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0x3210)
  MOV64 x1, 0x1
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  ldumin w2, w0, [x9]
  CHECK(x0, 0x1)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x7f
  str x1, [x9]
  MOV64 x2, 0x89abcdef
  movn x0, #0
  lduminl w2, w0, [x9]
  CHECK(x0, 0x7f)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x7fffffff
  movn x0, #0
  lduminal w2, w0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldumin x2, x0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xfedcba9876543210
  str x1, [x9]
  MOV64 x2, 0xffffffff
  movn x0, #0
  ldumina x2, x0, [x9]
  CHECK(x0, 0xfedcba9876543210)
  ldr x3, [x9]
  CHECK(x3, 0xffffffff)
  MOV64 x1, 0x7fffffff
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  lduminal x2, x0, [x9]
  CHECK(x0, 0x7fffffff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  movn x0, #0
  swpb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffff
  movn x0, #0
  swpab w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x10
  movn x0, #0
  swplb w2, w0, [x9]
  CHECK(x0, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x10)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffffff00
  movn x0, #0
  swpalb w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0x7fff
  movn x0, #0
  swph w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  swpah w2, w0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xffff7fff
  movn x0, #0
  swpalh w2, w0, [x9]
  CHECK(x0, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  swp w2, w0, [x9]
  CHECK(x0, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xffff
  movn x0, #0
  swpa w2, w0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x7fffffff
  str x1, [x9]
  MOV64 x2, 0x0
  movn x0, #0
  swpl w2, w0, [x9]
  CHECK(x0, 0x7fffffff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  swp x2, x0, [x9]
  CHECK(x0, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x80
  movn x0, #0
  swpa x2, x0, [x9]
  CHECK(x0, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x7fffffffffffffff
  str x1, [x9]
  MOV64 x2, 0x7fffffffffffffff
  movn x0, #0
  swpl x2, x0, [x9]
  CHECK(x0, 0x7fffffffffffffff)
  ldr x3, [x9]
  CHECK(x3, 0x7fffffffffffffff)
  MOV64 x1, 0xffffffff
  str x1, [x9]
  MOV64 x2, 0x8000
  movn x0, #0
  swpal x2, x0, [x9]
  CHECK(x0, 0xffffffff)
  ldr x3, [x9]
  CHECK(x3, 0x8000)

  /* ST<op>: the aliases with Rt = ZR, memory only. */
  MOV64 x1, 0xfedcba9876543210
  str x1, [x9]
  MOV64 x2, 0x80
  staddb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xfedcba9876543290)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x1
  stadd x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x1)
  MOV64 x1, 0xfedcba9876543210
  str x1, [x9]
  MOV64 x2, 0xff
  staddl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xfedcba987654330f)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0xff
  stclrb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x8000
  stclr x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0x7fff
  stclrl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x80000000
  str x1, [x9]
  MOV64 x2, 0x80
  steorb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x80000080)
  MOV64 x1, 0x1
  str x1, [x9]
  MOV64 x2, 0xff
  steor x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xfe)
  MOV64 x1, 0x123456789abcdef
  str x1, [x9]
  MOV64 x2, 0x7f
  steorl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x123456789abcd90)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0xff
  stsetb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x8000000000000000
  str x1, [x9]
  MOV64 x2, 0x123456789abcdef
  stset x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x8123456789abcdef)
  MOV64 x1, 0xffffffffffffffff
  str x1, [x9]
  MOV64 x2, 0xffffffff
  stsetl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xffffffffffffffff)
  MOV64 x1, 0xffffffffffffffff
  str x1, [x9]
  MOV64 x2, 0x0
  stsmaxb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xffffffffffffff00)
  MOV64 x1, 0x7fffffffffffffff
  str x1, [x9]
  MOV64 x2, 0x0
  stsmax x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x7fffffffffffffff)
  MOV64 x1, 0x1
  str x1, [x9]
  MOV64 x2, 0x8000
  stsmaxl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0xff
  stsminb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0x123456789abcdef
  str x1, [x9]
  MOV64 x2, 0x7fffffffffffffff
  stsmin x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x123456789abcdef)
  MOV64 x1, 0x7fffffffffffffff
  str x1, [x9]
  MOV64 x2, 0x0
  stsminl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x7fffffffffffffff)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0xff
  stumaxb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x80ff)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x0
  stumax x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0xffffffff
  str x1, [x9]
  MOV64 x2, 0x7f
  stumaxl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0xffffffff)
  MOV64 x1, 0x8000000000000000
  str x1, [x9]
  MOV64 x2, 0x0
  stuminb w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x8000000000000000)
  MOV64 x1, 0xffffffff
  str x1, [x9]
  MOV64 x2, 0x7fffffff
  stumin x2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x7fffffff)
  MOV64 x1, 0x7fffffff
  str x1, [x9]
  MOV64 x2, 0x80
  stuminl w2, [x9]
  ldr x3, [x9]
  CHECK(x3, 0x80)

  /* CAS: stores Rt only when memory equals Rs; Rs receives the old value either way. */
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  MOV64 x4, 0x0
  casb w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xfe
  MOV64 x4, 0xff
  casb w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  MOV64 x4, 0xff
  casab w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xfe
  MOV64 x4, 0xff
  casab w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  MOV64 x4, 0x0
  caslb w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xfe
  MOV64 x4, 0x0
  caslb w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xff
  MOV64 x4, 0x7f
  casalb w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0xff
  str x1, [x9]
  MOV64 x2, 0xfe
  MOV64 x4, 0xff
  casalb w2, w4, [x9]
  CHECK(x2, 0xff)
  ldr x3, [x9]
  CHECK(x3, 0xff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  MOV64 x4, 0x3210
  cash w2, w4, [x9]
  CHECK(x2, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x3210)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x1
  MOV64 x4, 0x80
  cash w2, w4, [x9]
  CHECK(x2, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  MOV64 x4, 0xffff
  casah w2, w4, [x9]
  CHECK(x2, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x1
  MOV64 x4, 0x1
  casah w2, w4, [x9]
  CHECK(x2, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xffff
  MOV64 x4, 0xffff
  caslh w2, w4, [x9]
  CHECK(x2, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xfffe
  MOV64 x4, 0x0
  caslh w2, w4, [x9]
  CHECK(x2, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xffff
  MOV64 x4, 0x8000
  casalh w2, w4, [x9]
  CHECK(x2, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0xffff
  str x1, [x9]
  MOV64 x2, 0xfffe
  MOV64 x4, 0x0
  casalh w2, w4, [x9]
  CHECK(x2, 0xffff)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0x7fff
  MOV64 x4, 0x7f
  cas w2, w4, [x9]
  CHECK(x2, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0x7f)
  MOV64 x1, 0x7fff
  str x1, [x9]
  MOV64 x2, 0x7ffe
  MOV64 x4, 0x0
  cas w2, w4, [x9]
  CHECK(x2, 0x7fff)
  ldr x3, [x9]
  CHECK(x3, 0x7fff)
  MOV64 x1, 0x76543210
  str x1, [x9]
  MOV64 x2, 0x76543210
  MOV64 x4, 0x8000
  casa w2, w4, [x9]
  CHECK(x2, 0x76543210)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x76543210
  str x1, [x9]
  MOV64 x2, 0x76543211
  MOV64 x4, 0x80
  casa w2, w4, [x9]
  CHECK(x2, 0x76543210)
  ldr x3, [x9]
  CHECK(x3, 0x76543210)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x0
  MOV64 x4, 0x0
  casl w2, w4, [x9]
  CHECK(x2, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x0
  str x1, [x9]
  MOV64 x2, 0x1
  MOV64 x4, 0x80
  casl w2, w4, [x9]
  CHECK(x2, 0x0)
  ldr x3, [x9]
  CHECK(x3, 0x0)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x80
  MOV64 x4, 0xffff
  casal w2, w4, [x9]
  CHECK(x2, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0xffff)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x81
  MOV64 x4, 0x7fffffff
  casal w2, w4, [x9]
  CHECK(x2, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x123456789abcdef
  str x1, [x9]
  MOV64 x2, 0x123456789abcdef
  MOV64 x4, 0x8000000000000000
  cas x2, x4, [x9]
  CHECK(x2, 0x123456789abcdef)
  ldr x3, [x9]
  CHECK(x3, 0x8000000000000000)
  MOV64 x1, 0x123456789abcdef
  str x1, [x9]
  MOV64 x2, 0x123456789abcdee
  MOV64 x4, 0x1
  cas x2, x4, [x9]
  CHECK(x2, 0x123456789abcdef)
  ldr x3, [x9]
  CHECK(x3, 0x123456789abcdef)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x8000
  MOV64 x4, 0x8000000000000000
  casa x2, x4, [x9]
  CHECK(x2, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000000000000000)
  MOV64 x1, 0x8000
  str x1, [x9]
  MOV64 x2, 0x8001
  MOV64 x4, 0x0
  casa x2, x4, [x9]
  CHECK(x2, 0x8000)
  ldr x3, [x9]
  CHECK(x3, 0x8000)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x80
  MOV64 x4, 0x7fffffff
  casl x2, x4, [x9]
  CHECK(x2, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x7fffffff)
  MOV64 x1, 0x80
  str x1, [x9]
  MOV64 x2, 0x81
  MOV64 x4, 0x7fffffff
  casl x2, x4, [x9]
  CHECK(x2, 0x80)
  ldr x3, [x9]
  CHECK(x3, 0x80)
  MOV64 x1, 0x7fffffff
  str x1, [x9]
  MOV64 x2, 0x7fffffff
  MOV64 x4, 0xffffffff
  casal x2, x4, [x9]
  CHECK(x2, 0x7fffffff)
  ldr x3, [x9]
  CHECK(x3, 0xffffffff)
  MOV64 x1, 0x7fffffff
  str x1, [x9]
  MOV64 x2, 0x7ffffffe
  MOV64 x4, 0xffffffffffffffff
  casal x2, x4, [x9]
  CHECK(x2, 0x7fffffff)
  ldr x3, [x9]
  CHECK(x3, 0x7fffffff)

  /* CASP: a pair compared and swapped as one. */
  MOV64 x10, 0x80
  MOV64 x11, 0x123456789abcdef
  stp x10, x11, [x9]
  MOV64 x4, 0x80
  MOV64 x5, 0x123456789abcdef
  MOV64 x6, 0x7f
  MOV64 x7, 0x1
  casp x4, x5, x6, x7, [x9]
  CHECK(x4, 0x80)
  CHECK(x5, 0x123456789abcdef)
  ldp x12, x13, [x9]
  CHECK(x12, 0x7f)
  CHECK(x13, 0x1)
  MOV64 x10, 0x8000000000000000
  MOV64 x11, 0x7fff
  stp x10, x11, [x9]
  MOV64 x4, 0x8000000000000000
  MOV64 x5, 0x7eff
  MOV64 x6, 0x8000000000000000
  MOV64 x7, 0xfedcba9876543210
  casp x4, x5, x6, x7, [x9]
  CHECK(x4, 0x8000000000000000)
  CHECK(x5, 0x7fff)
  ldp x12, x13, [x9]
  CHECK(x12, 0x8000000000000000)
  CHECK(x13, 0x7fff)
  MOV64 x10, 0x7fff
  MOV64 x11, 0xfedcba9876543210
  stp x10, x11, [x9]
  MOV64 x4, 0x7fff
  MOV64 x5, 0xfedcba9876543210
  MOV64 x6, 0x1
  MOV64 x7, 0xffffffffffffffff
  caspa x4, x5, x6, x7, [x9]
  CHECK(x4, 0x7fff)
  CHECK(x5, 0xfedcba9876543210)
  ldp x12, x13, [x9]
  CHECK(x12, 0x1)
  CHECK(x13, 0xffffffffffffffff)
  MOV64 x10, 0xfedcba9876543210
  MOV64 x11, 0xffffffffffffffff
  stp x10, x11, [x9]
  MOV64 x4, 0xfedcba9876543210
  MOV64 x5, 0xfffffffffffffeff
  MOV64 x6, 0x80000000
  MOV64 x7, 0x8000000000000000
  caspa x4, x5, x6, x7, [x9]
  CHECK(x4, 0xfedcba9876543210)
  CHECK(x5, 0xffffffffffffffff)
  ldp x12, x13, [x9]
  CHECK(x12, 0xfedcba9876543210)
  CHECK(x13, 0xffffffffffffffff)
  MOV64 x10, 0x80000000
  MOV64 x11, 0x7fffffffffffffff
  stp x10, x11, [x9]
  MOV64 x4, 0x80000000
  MOV64 x5, 0x7fffffffffffffff
  MOV64 x6, 0x80000000
  MOV64 x7, 0xfedcba9876543210
  caspl x4, x5, x6, x7, [x9]
  CHECK(x4, 0x80000000)
  CHECK(x5, 0x7fffffffffffffff)
  ldp x12, x13, [x9]
  CHECK(x12, 0x80000000)
  CHECK(x13, 0xfedcba9876543210)
  MOV64 x10, 0x7fffffff
  MOV64 x11, 0x80000000
  stp x10, x11, [x9]
  MOV64 x4, 0x7fffffff
  MOV64 x5, 0x80000100
  MOV64 x6, 0x80000000
  MOV64 x7, 0x0
  caspl x4, x5, x6, x7, [x9]
  CHECK(x4, 0x7fffffff)
  CHECK(x5, 0x80000000)
  ldp x12, x13, [x9]
  CHECK(x12, 0x7fffffff)
  CHECK(x13, 0x80000000)
  MOV64 x10, 0x0
  MOV64 x11, 0xffff
  stp x10, x11, [x9]
  MOV64 x4, 0x0
  MOV64 x5, 0xffff
  MOV64 x6, 0x1
  MOV64 x7, 0x7fff
  caspal x4, x5, x6, x7, [x9]
  CHECK(x4, 0x0)
  CHECK(x5, 0xffff)
  ldp x12, x13, [x9]
  CHECK(x12, 0x1)
  CHECK(x13, 0x7fff)
  MOV64 x10, 0xffffffffffffffff
  MOV64 x11, 0x8000000000000000
  stp x10, x11, [x9]
  MOV64 x4, 0xffffffffffffffff
  MOV64 x5, 0x8000000000000100
  MOV64 x6, 0x1
  MOV64 x7, 0xffffffff
  caspal x4, x5, x6, x7, [x9]
  CHECK(x4, 0xffffffffffffffff)
  CHECK(x5, 0x8000000000000000)
  ldp x12, x13, [x9]
  CHECK(x12, 0xffffffffffffffff)
  CHECK(x13, 0x8000000000000000)
  MOV64 x10, 0x0
  MOV64 x11, 0x1
  stp w10, w11, [x9]
  MOV64 x4, 0x0
  MOV64 x5, 0x1
  MOV64 x6, 0xffffffff
  MOV64 x7, 0x7f
  casp w4, w5, w6, w7, [x9]
  CHECK(x4, 0x0)
  CHECK(x5, 0x1)
  ldp w12, w13, [x9]
  CHECK(x12, 0xffffffff)
  CHECK(x13, 0x7f)
  MOV64 x10, 0xffff
  MOV64 x11, 0xffffffff
  stp w10, w11, [x9]
  MOV64 x4, 0xffff
  MOV64 x5, 0xfffffeff
  MOV64 x6, 0x76543210
  MOV64 x7, 0x7fffffff
  casp w4, w5, w6, w7, [x9]
  CHECK(x4, 0xffff)
  CHECK(x5, 0xffffffff)
  ldp w12, w13, [x9]
  CHECK(x12, 0xffff)
  CHECK(x13, 0xffffffff)
  MOV64 x10, 0xffff
  MOV64 x11, 0x1
  stp w10, w11, [x9]
  MOV64 x4, 0xffff
  MOV64 x5, 0x1
  MOV64 x6, 0x80
  MOV64 x7, 0x89abcdef
  caspa w4, w5, w6, w7, [x9]
  CHECK(x4, 0xffff)
  CHECK(x5, 0x1)
  ldp w12, w13, [x9]
  CHECK(x12, 0x80)
  CHECK(x13, 0x89abcdef)
  MOV64 x10, 0xff
  MOV64 x11, 0xffff
  stp w10, w11, [x9]
  MOV64 x4, 0xff
  MOV64 x5, 0xfeff
  MOV64 x6, 0x80
  MOV64 x7, 0x1
  caspa w4, w5, w6, w7, [x9]
  CHECK(x4, 0xff)
  CHECK(x5, 0xffff)
  ldp w12, w13, [x9]
  CHECK(x12, 0xff)
  CHECK(x13, 0xffff)
  MOV64 x10, 0xffffffff
  MOV64 x11, 0x89abcdef
  stp w10, w11, [x9]
  MOV64 x4, 0xffffffff
  MOV64 x5, 0x89abcdef
  MOV64 x6, 0x80
  MOV64 x7, 0x8000
  caspl w4, w5, w6, w7, [x9]
  CHECK(x4, 0xffffffff)
  CHECK(x5, 0x89abcdef)
  ldp w12, w13, [x9]
  CHECK(x12, 0x80)
  CHECK(x13, 0x8000)
  MOV64 x10, 0x1
  MOV64 x11, 0xffffffff
  stp w10, w11, [x9]
  MOV64 x4, 0x1
  MOV64 x5, 0xfffffeff
  MOV64 x6, 0xff
  MOV64 x7, 0x80
  caspl w4, w5, w6, w7, [x9]
  CHECK(x4, 0x1)
  CHECK(x5, 0xffffffff)
  ldp w12, w13, [x9]
  CHECK(x12, 0x1)
  CHECK(x13, 0xffffffff)
  MOV64 x10, 0xffffffff
  MOV64 x11, 0x89abcdef
  stp w10, w11, [x9]
  MOV64 x4, 0xffffffff
  MOV64 x5, 0x89abcdef
  MOV64 x6, 0xff
  MOV64 x7, 0xffffffff
  caspal w4, w5, w6, w7, [x9]
  CHECK(x4, 0xffffffff)
  CHECK(x5, 0x89abcdef)
  ldp w12, w13, [x9]
  CHECK(x12, 0xff)
  CHECK(x13, 0xffffffff)
  MOV64 x10, 0x89abcdef
  MOV64 x11, 0x7fffffff
  stp w10, w11, [x9]
  MOV64 x4, 0x89abcdef
  MOV64 x5, 0x7ffffeff
  MOV64 x6, 0xffffffff
  MOV64 x7, 0xffffffff
  caspal w4, w5, w6, w7, [x9]
  CHECK(x4, 0x89abcdef)
  CHECK(x5, 0x7fffffff)
  ldp w12, w13, [x9]
  CHECK(x12, 0x89abcdef)
  CHECK(x13, 0x7fffffff)

  /* A counter bumped 500 times with LDADDAL. */
  str xzr, [x9, #64]
  add x10, x9, #64
  mov x11, #500
  mov x2, #7
1:
  ldaddal x2, x0, [x10]
  subs x11, x11, #1
  b.ne 1b
  ldr x0, [x10]
  CHECK(x0, 3500)
  ret
