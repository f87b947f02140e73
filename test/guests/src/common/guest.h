/*
 * The guest harness for C programs: a program defines `int main(void)`, called at EL1h with
 * the MMU off, and checks itself with CHECK(got, want); the harness prints the registers main
 * returns with, the check summary, and powers off (start.S). No libc: libc.c has the few
 * functions the compiler may call (memcpy, memset, memmove, memcmp) and a small printf.
 * Built with -mgeneral-regs-only: the vCPU has no FP/SIMD yet.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stddef.h>
#include <stdint.h>

/* harness.S (every register preserved). */
void h_putc(int c);
void h_puts(const char *s);
void h_puthex64(uint64_t v);
void h_putdec(uint64_t v);
void h_check(uint64_t got, uint64_t want, uint64_t line);

#define CHECK(got, want) h_check((uint64_t)(got), (uint64_t)(want), __LINE__)

/* libc.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
/* printf subset: %c %s %d %i %u %x %p with l/ll/z, width and '0'/'-' flags. */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* xorshift64*: deterministic pseudo-random numbers. */
uint64_t rand64(uint64_t *state);

#endif
