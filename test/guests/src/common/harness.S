/*
 * The guest harness: UART output, self-check counters, the final register dump, the exception
 * vectors and PSCI SYSTEM_OFF. Interface and conventions: harness.h.
 *
 * Output goes to the PL011 data register of QEMU virt (UARTDR at 0x09000000) with 32-bit
 * stores and no FIFO polling: QEMU's PL011 accepts a character at any time, and under the
 * service every store is a KVM_EXIT_MMIO (or a coalesced-ring entry) the test collects.
 */
#include "harness.h"

  .text

/* h_putc: print the character in W0. */
  .global h_putc
  .type h_putc, %function
h_putc:
  sub sp, sp, #16
  str x16, [sp]
  mov x16, #UART_BASE
  str w0, [x16]
  ldr x16, [sp]
  add sp, sp, #16
  ret

/* h_puts: print the NUL-terminated string at X0. */
  .global h_puts
  .type h_puts, %function
h_puts:
  sub sp, sp, #32
  stp x0, x1, [sp]
  str x30, [sp, #16]
  mov x1, x0
1:
  ldrb w0, [x1], #1
  cbz w0, 2f
  bl h_putc
  b 1b
2:
  ldr x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
  ret

/* h_puthex: print the low W1 hex digits (1..16) of X0. */
  .global h_puthex
  .type h_puthex, %function
h_puthex:
  sub sp, sp, #48
  stp x0, x1, [sp]
  stp x2, x3, [sp, #16]
  mrs x2, nzcv
  stp x2, x30, [sp, #32]
  mov x2, x0
  lsl w3, w1, #2
1:
  sub w3, w3, #4
  lsr x0, x2, x3
  and x0, x0, #0xf
  cmp x0, #10
  add x1, x0, #'0'
  add x0, x0, #('a' - 10)
  csel x0, x1, x0, lo
  bl h_putc
  cbnz w3, 1b
  ldp x2, x30, [sp, #32]
  msr nzcv, x2
  ldp x2, x3, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #48
  ret

/* h_puthex64: print X0 as 16 hex digits. */
  .global h_puthex64
  .type h_puthex64, %function
h_puthex64:
  sub sp, sp, #32
  stp x1, x30, [sp]
  mov w1, #16
  bl h_puthex
  ldp x1, x30, [sp]
  add sp, sp, #32
  ret

/* h_putdec: print X0 as an unsigned decimal number. */
  .global h_putdec
  .type h_putdec, %function
h_putdec:
  sub sp, sp, #80
  stp x0, x1, [sp]
  stp x2, x3, [sp, #16]
  str x30, [sp, #32]
  add x3, sp, #72          /* digits are built backwards in sp+48 .. sp+71 */
  strb wzr, [x3]
  mov x1, #10
1:
  udiv x2, x0, x1
  msub x0, x2, x1, x0      /* x0 = x0 % 10 */
  add w0, w0, #'0'
  strb w0, [x3, #-1]!
  mov x0, x2
  cbnz x0, 1b
  mov x0, x3
  bl h_puts
  ldr x30, [sp, #32]
  ldp x2, x3, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #80
  ret

/*
 * h_check: X0 = value got, X1 = value wanted, X2 = source line. Counts a pass, or counts and
 * prints a failure. Preserves every register and NZCV.
 */
  .global h_check
  .type h_check, %function
h_check:
  sub sp, sp, #64
  stp x0, x1, [sp]
  stp x2, x3, [sp, #16]
  stp x4, x30, [sp, #32]
  mrs x3, nzcv
  str x3, [sp, #48]
  LA x3, h_counts
  cmp x0, x1
  b.ne 1f
  ldr x4, [x3]
  add x4, x4, #1
  str x4, [x3]
  b 2f
1:
  ldr x4, [x3, #8]
  add x4, x4, #1
  str x4, [x3, #8]
  mov x4, x0
  LA x0, s_fail
  bl h_puts
  mov x0, x2
  bl h_putdec
  LA x0, s_got
  bl h_puts
  mov x0, x4
  bl h_puthex64
  LA x0, s_want
  bl h_puts
  ldr x0, [sp, #8]
  bl h_puthex64
  mov w0, #'\n'
  bl h_putc
2:
  ldr x3, [sp, #48]
  msr nzcv, x3
  ldp x4, x30, [sp, #32]
  ldp x2, x3, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #64
  ret

/* h_summary: print "checks: P passed, F failed". */
  .global h_summary
  .type h_summary, %function
h_summary:
  sub sp, sp, #32
  stp x0, x1, [sp]
  str x30, [sp, #16]
  LA x1, h_counts
  LA x0, s_checks
  bl h_puts
  ldr x0, [x1]
  bl h_putdec
  LA x0, s_passed
  bl h_puts
  ldr x0, [x1, #8]
  bl h_putdec
  LA x0, s_failed
  bl h_puts
  ldr x30, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #32
  ret

/*
 * h_print_frame: X0 = a 33-word frame (X0..X30, SP, NZCV). Prints four registers a line:
 * "x00=0123456789abcdef x01=...", then "sp=... nzcv=...".
 */
  .global h_print_frame
  .type h_print_frame, %function
h_print_frame:
  sub sp, sp, #48
  stp x0, x1, [sp]
  stp x2, x3, [sp, #16]
  str x30, [sp, #32]
  mov x2, x0
  mov x3, #0
1:
  mov w0, #'x'
  bl h_putc
  mov x0, x3
  mov w1, #2               /* the register number in two decimal digits, via hex of BCD */
  cmp x3, #10
  b.lo 2f
  add x0, x3, #6           /* 10..19 -> 0x10..0x19 */
  cmp x3, #20
  b.lo 2f
  add x0, x3, #12          /* 20..29 -> 0x20..0x29 */
  cmp x3, #30
  b.lo 2f
  add x0, x3, #18          /* 30 -> 0x30 */
2:
  bl h_puthex
  mov w0, #'='
  bl h_putc
  ldr x0, [x2, x3, lsl #3]
  bl h_puthex64
  add x3, x3, #1
  and x0, x3, #3
  cmp x0, #0
  mov w0, #' '
  mov w1, #'\n'
  csel w0, w1, w0, eq
  cmp x3, #31
  csel w0, w1, w0, eq
  bl h_putc
  cmp x3, #31
  b.lo 1b
  LA x0, s_sp
  bl h_puts
  ldr x0, [x2, #248]
  bl h_puthex64
  LA x0, s_nzcv
  bl h_puts
  ldr x0, [x2, #256]
  mov w1, #8
  bl h_puthex
  mov w0, #'\n'
  bl h_putc
  ldr x30, [sp, #32]
  ldp x2, x3, [sp, #16]
  ldp x0, x1, [sp]
  add sp, sp, #48
  ret

/* h_poweroff: PSCI SYSTEM_OFF through HVC (the conduit of QEMU virt and of KVM). */
  .global h_poweroff
  .type h_poweroff, %function
h_poweroff:
  movz x0, #(PSCI_SYSTEM_OFF & 0xffff)
  movk x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
  hvc #0
1:
  b 1b

/*
 * Exception vectors (VBAR_EL1). Each entry pushes a 36-word frame on SP_EL1 (X0..X30, ELR,
 * SPSR, ESR, FAR, pad) and calls h_exception with the vector index (0..15) in X1; the frame's
 * ELR and SPSR, possibly changed, are restored before ERET.
 */
#define FRAME 288
  .balign 2048
  .global h_vectors
h_vectors:
  .irp kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
  .balign 128
  sub sp, sp, #FRAME
  stp x0, x1, [sp]
  mov x1, #\kind
  b h_exc_entry
  .endr

h_exc_entry:
  stp x2, x3, [sp, #16]
  stp x4, x5, [sp, #32]
  stp x6, x7, [sp, #48]
  stp x8, x9, [sp, #64]
  stp x10, x11, [sp, #80]
  stp x12, x13, [sp, #96]
  stp x14, x15, [sp, #112]
  stp x16, x17, [sp, #128]
  stp x18, x19, [sp, #144]
  stp x20, x21, [sp, #160]
  stp x22, x23, [sp, #176]
  stp x24, x25, [sp, #192]
  stp x26, x27, [sp, #208]
  stp x28, x29, [sp, #224]
  mrs x2, elr_el1
  stp x30, x2, [sp, #240]
  mrs x2, spsr_el1
  mrs x3, esr_el1
  stp x2, x3, [sp, #256]
  mrs x2, far_el1
  str x2, [sp, #272]
  mov x0, sp
  bl h_exception
  ldp x2, x3, [sp, #248]   /* ELR, SPSR */
  msr elr_el1, x2
  msr spsr_el1, x3
  ldp x2, x3, [sp, #16]
  ldp x4, x5, [sp, #32]
  ldp x6, x7, [sp, #48]
  ldp x8, x9, [sp, #64]
  ldp x10, x11, [sp, #80]
  ldp x12, x13, [sp, #96]
  ldp x14, x15, [sp, #112]
  ldp x16, x17, [sp, #128]
  ldp x18, x19, [sp, #144]
  ldp x20, x21, [sp, #160]
  ldp x22, x23, [sp, #176]
  ldp x24, x25, [sp, #192]
  ldp x26, x27, [sp, #208]
  ldp x28, x29, [sp, #224]
  ldr x30, [sp, #240]
  ldp x0, x1, [sp]
  add sp, sp, #FRAME
  eret

/* h_exception: X0 = frame, X1 = vector index. The policy of harness.h. */
h_exception:
  stp x29, x30, [sp, #-16]!
  LA x9, h_exc
  ldr x3, [x0, #264]       /* ESR */
  ldr x4, [x0, #248]       /* ELR */
  ldr x5, [x0, #256]       /* SPSR */
  lsr x6, x3, #26          /* EC */
  /* SVC #0xffff from EL0t (TO_EL1): back to EL1h after the SVC, keeping NZCV and DAIF; not
   * recorded, so h_exc still describes the exception before it. */
  cmp x6, #0x15
  b.ne 1f
  and x2, x3, #0xffff
  mov x7, #0xffff
  cmp x2, x7
  b.ne 1f
  tst x5, #0xf
  b.ne 1f
  and x2, x1, #3
  cbnz x2, 1f
  orr x5, x5, #4
  orr x5, x5, #1
  str x5, [x0, #256]
  b 8f
1:
  ldr x2, [x9, #EXC_COUNT]
  add x2, x2, #1
  str x2, [x9, #EXC_COUNT]
  str x3, [x9, #EXC_ESR]
  ldr x2, [x0, #272]
  str x2, [x9, #EXC_FAR]
  str x4, [x9, #EXC_ELR]
  str x5, [x9, #EXC_SPSR]
  str x1, [x9, #EXC_KIND]
  and x2, x1, #3
  cbnz x2, 9f              /* IRQ, FIQ, SError: never expected */
  ldr x2, [x9, #EXC_SKIP_ALL]
  cbnz x2, 2f
  ldr x2, [x9, #EXC_EXPECT]
  cbz x2, 9f
  str xzr, [x9, #EXC_EXPECT]
2:
  bic x5, x5, #(1 << 20)   /* PSTATE.IL: an illegal return is reported once */
  str x5, [x0, #256]
  ldr x2, [x9, #EXC_RESUME]
  cbz x2, 3f
  str xzr, [x9, #EXC_RESUME]
  str x2, [x0, #248]
  b 8f
3:
  sub x2, x6, #0x15        /* SVC, HVC, SMC (EC 0x15..0x17): ELR is already past them */
  cmp x2, #2
  b.ls 8f
  add x4, x4, #4
  str x4, [x0, #248]
8:
  ldp x29, x30, [sp], #16
  ret
9:
  mov x10, x0
  LA x0, s_unexpected
  bl h_puts
  mov x0, x1
  bl h_putdec
  LA x0, s_esr
  bl h_puts
  ldr x0, [x10, #264]
  bl h_puthex64
  LA x0, s_elr
  bl h_puts
  ldr x0, [x10, #248]
  bl h_puthex64
  LA x0, s_far
  bl h_puts
  ldr x0, [x10, #272]
  bl h_puthex64
  LA x0, s_spsr
  bl h_puts
  ldr x0, [x10, #256]
  bl h_puthex64
  mov w0, #'\n'
  bl h_putc
  bl h_summary
  b h_poweroff

  .section .rodata.str, "aMS", @progbits, 1
s_fail: .asciz "FAIL line "
s_got: .asciz ": got "
s_want: .asciz " want "
s_checks: .asciz "checks: "
s_passed: .asciz " passed, "
s_failed: .asciz " failed\n"
s_sp: .asciz "sp="
s_nzcv: .asciz " nzcv="
s_unexpected: .asciz "UNEXPECTED EXCEPTION vector "
s_esr: .asciz " esr="
s_elr: .asciz " elr="
s_far: .asciz " far="
s_spsr: .asciz " spsr="

  .bss
  .balign 16
/* Pass and fail counts of h_check. */
  .global h_counts
h_counts: .skip 16
/* The exception record (offsets in harness.h). */
  .global h_exc
h_exc: .skip 80
/* main's final registers (h_print_frame layout). */
  .global h_final
h_final: .skip 264
