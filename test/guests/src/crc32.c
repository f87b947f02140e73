/*
 * CRC-32 (IEEE, reflected 0xedb88320) and CRC-32C (Castagnoli, 0x82f63b78) three ways: bit
 * by bit, table-driven, and with the CRC32/CRC32C instructions (ACLE __crc32b/h/w/d), over
 * buffers of every length 0..300 at every alignment 0..7, with the standard check values of
 * "123456789" (0xcbf43926, 0xe3069283).
 */
#include <arm_acle.h>
#include "guest.h"

static uint32_t table32[256], table32c[256];
static uint8_t buf[512];

static uint32_t crc_bitwise(uint32_t poly, const uint8_t *p, size_t n) {
  uint32_t c = ~0u;
  while (n--) {
    c ^= *p++;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (poly & -(c & 1));
  }
  return ~c;
}

static void make_table(uint32_t poly, uint32_t *t) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c >> 1) ^ (poly & -(c & 1));
    t[i] = c;
  }
}

static uint32_t crc_table(const uint32_t *t, const uint8_t *p, size_t n) {
  uint32_t c = ~0u;
  while (n--) c = t[(c ^ *p++) & 0xff] ^ (c >> 8);
  return ~c;
}

/* Bytes up to 8-byte alignment, then doublewords, then a word, a halfword and a byte. */
static uint32_t crc_insn(int castagnoli, const uint8_t *p, size_t n) {
  uint32_t c = ~0u;
  while (n && ((uintptr_t)p & 7)) {
    c = castagnoli ? __crc32cb(c, *p) : __crc32b(c, *p);
    p++, n--;
  }
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t d = *(const uint64_t *)p;
    c = castagnoli ? __crc32cd(c, d) : __crc32d(c, d);
  }
  if (n >= 4) {
    uint32_t w = *(const uint32_t *)p;
    c = castagnoli ? __crc32cw(c, w) : __crc32w(c, w);
    p += 4, n -= 4;
  }
  if (n >= 2) {
    uint16_t h = *(const uint16_t *)p;
    c = castagnoli ? __crc32ch(c, h) : __crc32h(c, h);
    p += 2, n -= 2;
  }
  if (n) c = castagnoli ? __crc32cb(c, *p) : __crc32b(c, *p);
  return ~c;
}

int main(void) {
  static const char check[] = "123456789";
  make_table(0xedb88320u, table32);
  make_table(0x82f63b78u, table32c);
  CHECK(crc_bitwise(0xedb88320u, (const uint8_t *)check, 9), 0xcbf43926);
  CHECK(crc_bitwise(0x82f63b78u, (const uint8_t *)check, 9), 0xe3069283);
  CHECK(crc_table(table32, (const uint8_t *)check, 9), 0xcbf43926);
  CHECK(crc_insn(0, (const uint8_t *)check, 9), 0xcbf43926);
  CHECK(crc_insn(1, (const uint8_t *)check, 9), 0xe3069283);

  uint64_t seed = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)rand64(&seed);

  uint32_t summary = 0, mismatches = 0;
  for (size_t align = 0; align < 8; align++) {
    for (size_t len = 0; len <= 300; len += (len < 40 ? 1 : 37)) {
      const uint8_t *p = buf + align;
      uint32_t a = crc_table(table32, p, len), b = crc_insn(0, p, len);
      uint32_t c = crc_table(table32c, p, len), d = crc_insn(1, p, len);
      if (a != b || c != d) {
        mismatches++;
        gprintf("mismatch align %u len %u: crc32 %08x/%08x crc32c %08x/%08x\n", (unsigned)align, (unsigned)len, a, b, c, d);
      }
      summary = __crc32w(summary, b ^ d);
    }
  }
  CHECK(mismatches, 0);
  CHECK(crc_bitwise(0xedb88320u, buf, sizeof buf), crc_table(table32, buf, sizeof buf));
  gprintf("crc32(buf)=%08x crc32c(buf)=%08x summary=%08x\n", crc_insn(0, buf, sizeof buf), crc_insn(1, buf, sizeof buf), summary);
  return (int)summary;
}
