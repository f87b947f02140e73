/*
 * Mixed ALU loop: 64-bit multiply and multiply-high, unsigned and signed division, shifts and
 * rotates, bitfield extract/insert, count-leading-zeros and conditional selects, 1024 steps per
 * iteration, N iterations. No data-dependent branches (the conditionals compile to csel/cinc),
 * so every iteration retires the same number of instructions.
 */
unsigned long bench_main(unsigned long n)
{
	unsigned long a = 0x0123456789abcdeful, b = 0xfedcba9876543210ul, c = 0x0f1e2d3c4b5a6978ul;
	long d = -12345;
	for (unsigned long it = 0; it < n; it++) {
		for (unsigned long j = 0; j < 1024; j++) {
			a = a * 0x9E3779B97F4A7C15ul + j;
			unsigned long hi = (unsigned long)(((unsigned __int128)a * b) >> 64);
			b ^= a >> 29;
			c += b / ((a & 0xffff) | 1);
			d = d / (long)((c & 0xff) | 3) + (long)(hi >> 3) - (long)(b << 7);
			unsigned long f = (a >> 7) & 0x3ff;
			b = (c > b) ? b + f : c - f;
			c = ((c >> 13) | (c << 51)) ^ (b << 3);
			c = (c & ~0xff00ul) | ((hi & 0xff) << 8);
			a += (unsigned long)__builtin_clzl(b | 1) + ((long)d < 0 ? 1 : 0);
		}
	}
	return a ^ b ^ c ^ (unsigned long)d;
}
