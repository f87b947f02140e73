/* The freestanding runtime of the C guests (guest.h). */
#include <stdarg.h>
#include "guest.h"

void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d < s) {
    while (n--) *d++ = *s++;
  } else {
    while (n--) d[n] = s[n];
  }
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x < *y ? -1 : 1;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

uint64_t rand64(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dull;
}

static void put_padded(const char *digits, int len, int width, int zero, int left) {
  if (!left)
    for (int i = len; i < width; i++) h_putc(zero ? '0' : ' ');
  for (int i = 0; i < len; i++) h_putc(digits[i]);
  if (left)
    for (int i = len; i < width; i++) h_putc(' ');
}

static void put_number(uint64_t v, unsigned base, int negative, int width, int zero, int left) {
  char buf[24];
  int n = sizeof buf;
  do {
    unsigned d = (unsigned)(v % base);
    buf[--n] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
    v /= base;
  } while (v);
  if (negative) {
    if (zero && width > 0) {
      h_putc('-');
      width--;
    } else {
      buf[--n] = '-';
    }
  }
  put_padded(buf + n, (int)sizeof buf - n, width, zero, left);
}

void gprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      h_putc(*p);
      continue;
    }
    int zero = 0, left = 0, width = 0, longs = 0;
    for (p++; *p == '0' || *p == '-'; p++) {
      if (*p == '0') zero = 1;
      else left = 1;
    }
    for (; *p >= '0' && *p <= '9'; p++) width = width * 10 + (*p - '0');
    for (; *p == 'l' || *p == 'z'; p++) longs++;
    switch (*p) {
      case 'c':
        h_putc(va_arg(ap, int));
        break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        put_padded(s, (int)strlen(s), width, 0, left);
        break;
      }
      case 'd':
      case 'i': {
        int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
        put_number(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, zero, left);
        break;
      }
      case 'u':
        put_number(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 0, width, zero, left);
        break;
      case 'x':
        put_number(longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, zero, left);
        break;
      case 'p':
        h_puts("0x");
        put_number((uint64_t)(uintptr_t)va_arg(ap, void *), 16, 0, 16, 1, 0);
        break;
      case '%':
        h_putc('%');
        break;
      default:
        h_putc('?');
        break;
    }
  }
  va_end(ap);
}
