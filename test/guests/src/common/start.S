/*
 * Entry of every guest program. Both machines enter here at EL1h with DAIF masked and the MMU
 * off (QEMU virt booting an ELF -kernel; the service after KVM_ARM_VCPU_INIT with PC = entry),
 * but with different leftovers in registers, so everything a program may observe is set here:
 * SCTLR_EL1 (QEMU's boot value: MMU and caches off, SA/SA0 on, EL0 cache maintenance, CTR,
 * DC ZVA and DAIF access off, WFI/WFE not trapped), VBAR_EL1, both stack pointers, the
 * thread-ID and exception registers, NZCV, .bss, and X0..X30 = 0.
 *
 * When main returns, its registers are stored in h_final and printed, then the check summary,
 * then PSCI SYSTEM_OFF.
 */
#include "harness.h"

  .section .text.start, "ax"
  .global _start
_start:
  MOV64 x0, 0x00c50838
  msr sctlr_el1, x0
  isb
  LA x0, h_vectors
  msr vbar_el1, x0
  LA x0, __stack_top
  mov sp, x0
  LA x0, __el0_stack_top
  msr sp_el0, x0
  msr tpidr_el0, xzr
  msr tpidrro_el0, xzr
  msr tpidr_el1, xzr
  msr elr_el1, xzr
  msr spsr_el1, xzr
  msr esr_el1, xzr
  msr far_el1, xzr
  msr contextidr_el1, xzr
  LA x0, __bss_start
  LA x1, __bss_end
1:
  cmp x0, x1
  b.hs 2f
  stp xzr, xzr, [x0], #16
  b 1b
2:
  msr nzcv, xzr
  .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
  mov x\n, #0
  .endr
  bl main
  /* Record main's registers before anything else changes them (TPIDR_EL1 holds X0 briefly). */
  msr tpidr_el1, x0
  LA x0, h_final
  stp x1, x2, [x0, #8]
  stp x3, x4, [x0, #24]
  stp x5, x6, [x0, #40]
  stp x7, x8, [x0, #56]
  stp x9, x10, [x0, #72]
  stp x11, x12, [x0, #88]
  stp x13, x14, [x0, #104]
  stp x15, x16, [x0, #120]
  stp x17, x18, [x0, #136]
  stp x19, x20, [x0, #152]
  stp x21, x22, [x0, #168]
  stp x23, x24, [x0, #184]
  stp x25, x26, [x0, #200]
  stp x27, x28, [x0, #216]
  stp x29, x30, [x0, #232]
  mrs x1, tpidr_el1
  str x1, [x0]
  mov x1, sp
  str x1, [x0, #248]
  mrs x1, nzcv
  str x1, [x0, #256]
  LA x1, __stack_top
  mov sp, x1
  bl h_print_frame
  bl h_summary
  b h_poweroff
