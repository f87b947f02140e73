/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bitwise: 8 shift/xor steps per byte,
 * over a 4 KiB buffer the guest fills itself, N times (the CRC carries over from one pass to
 * the next). The step is branch-free, so every pass retires the same number of instructions:
 * the dynamic count is exactly affine in N (bench/run.ts checks it).
 */
#define BUF_SIZE 4096

static unsigned char buf[BUF_SIZE];

unsigned long bench_main(unsigned long n)
{
	unsigned int x = 0x12345678u;
	for (int i = 0; i < BUF_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	unsigned int crc = 0xffffffffu;
	for (unsigned long it = 0; it < n; it++) {
		for (int i = 0; i < BUF_SIZE; i++) {
			crc ^= buf[i];
			for (int k = 0; k < 8; k++)
				crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
		}
	}
	return ~crc;
}
