/*
 * Memory walk: a 4 MiB buffer of 64-bit words, read-modify-written with a stride of one 64-byte
 * cache line (8 words): eight sweeps per pass, each starting one word further, so that every
 * pass visits every word exactly once and every access of a sweep lands in a different host
 * cache line. Every pass retires the same number of guest instructions.
 *
 * (A walk that also jumps to a new 4 KiB page on every access is pathological for QEMU here:
 * with the MMU off its TLB is never flushed, hence never resized from 256 entries, and every
 * access misses. That says little about guests with the MMU on, so this walk stays page-local.)
 */
#define WORDS (512ul * 1024ul)	/* 4 MiB */
#define STRIDE 8ul		/* words: one 64-byte line */

static unsigned long buf[WORDS];

unsigned long bench_main(unsigned long n)
{
	for (unsigned long i = 0; i < WORDS; i++)
		buf[i] = i * 0x9E3779B97F4A7C15ul;
	unsigned long sum = 0;
	for (unsigned long it = 0; it < n; it++) {
		for (unsigned long off = 0; off < STRIDE; off++) {
			for (unsigned long i = off; i < WORDS; i += STRIDE) {
				unsigned long v = buf[i];
				sum += v;
				buf[i] = v ^ (sum >> 3);
			}
		}
	}
	return sum;
}
