/*
 * Shared by every benchmark guest: the checksum line on the PL011 UART of QEMU virt
 * (0x09000000). On our service each store is a KVM_EXIT_MMIO the benchmark collects; QEMU
 * prints it on -serial stdio. Stores only (no status polling): an MMIO read would need an
 * answer from the VMM.
 */
#define UART_BASE 0x09000000UL
#define UARTDR 0x00
#define UARTCR 0x30
#define UARTCR_UARTEN 0x001
#define UARTCR_TXE 0x100

static inline void mmio_write32(unsigned long addr, unsigned int v)
{
	*(volatile unsigned int *)addr = v;
}

static void uart_putc(char c)
{
	mmio_write32(UART_BASE + UARTDR, (unsigned char)c);
}

void report_checksum(unsigned long x)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = "checksum=";
	mmio_write32(UART_BASE + UARTCR, UARTCR_UARTEN | UARTCR_TXE);
	while (*p)
		uart_putc(*p++);
	for (int shift = 60; shift >= 0; shift -= 4)
		uart_putc(hex[(x >> shift) & 0xf]);
	uart_putc('\n');
}
