/*
 * Entry of every benchmark guest (bench/guests/build.ts links it first, at 0x40000000, the RAM
 * base of QEMU virt). Runs at EL1 with the MMU and caches off on both sides: our service
 * (KVM_ARM_VCPU_INIT reset state) and qemu-system-aarch64 -kernel guest.elf (a non-Linux ELF is
 * entered at its entry point with the MMU off).
 *
 * The iteration count N is the 64-bit word at 0x40000008 (bench_n), patched into the image
 * before each run, so the same binary runs with N and 2N. The checksum bench_main(N) returns
 * is printed on the PL011 at 0x09000000 and left in x1 for SYSTEM_OFF.
 */
	.section .text.start, "ax"
	.global _start
_start:
	b	1f
	.balign 8
	.global bench_n
bench_n:
	.quad	0			// patched: 0x40000008
1:
	ldr	x0, =__stack_top
	mov	sp, x0
	// Zero .bss: our RAM and QEMU's are zero at start, but a re-run in the same VM must
	// start from the same state as a fresh one.
	ldr	x0, =__bss_start
	ldr	x2, =__bss_end
2:	cmp	x0, x2
	b.hs	3f
	str	xzr, [x0], #8
	b	2b
3:
	ldr	x0, bench_n
	bl	bench_main
	mov	x19, x0
	bl	report_checksum		// lib.c: "checksum=<16 hex digits>\n" on the PL011
	mov	x1, x19
	// PSCI SYSTEM_OFF over the HVC conduit (QEMU virt without EL2/EL3; KVM's PSCI).
	movz	x0, #0x0008
	movk	x0, #0x8400, lsl #16
	hvc	#0
4:	b	4b			// not reached: SYSTEM_OFF does not return
	.ltorg
