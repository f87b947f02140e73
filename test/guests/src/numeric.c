/*
 * Integer number theory as compiled C: a sieve (the 5133 primes below 50000), gcd, modular
 * exponentiation with 128-bit products (MUL + UMULH) and division (the compiler calls libgcc's
 * __udivti3 for 128-bit remainders), deterministic Miller-Rabin on 64-bit numbers around the
 * edges of the range, 32-bit and 64-bit signed division and remainders with every sign
 * combination, and a Collatz walk.
 */
#include "guest.h"

static uint8_t composite[50000];

static uint64_t gcd(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) {
  return (uint64_t)((unsigned __int128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) {
  uint64_t r = 1 % m;
  b %= m;
  for (; e; e >>= 1) {
    if (e & 1) r = mulmod(r, b, m);
    b = mulmod(b, b, m);
  }
  return r;
}

/* Deterministic for n < 2^64 with these bases. */
static int is_prime(uint64_t n) {
  static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2) return 0;
  for (int i = 0; i < 12; i++) {
    if (n == bases[i]) return 1;
    if (n % bases[i] == 0) return 0;
  }
  uint64_t d = n - 1;
  int s = 0;
  while (!(d & 1)) d >>= 1, s++;
  for (int i = 0; i < 12; i++) {
    uint64_t x = powmod(bases[i], d, n);
    if (x == 1 || x == n - 1) continue;
    int witness = 1;
    for (int r = 1; r < s; r++) {
      x = mulmod(x, x, n);
      if (x == n - 1) {
        witness = 0;
        break;
      }
    }
    if (witness) return 0;
  }
  return 1;
}

static volatile int64_t vs[] = {7, -7, 2, -2, 0x7fffffffffffffffll, -0x7fffffffffffffffll - 1, 1, -1};

int main(void) {
  int count = 0;
  uint64_t sum = 0;
  for (int i = 2; i < 50000; i++) {
    if (composite[i]) continue;
    count++;
    sum += i;
    for (int j = i * 2; j < 50000; j += i) composite[j] = 1;
  }
  CHECK(count, 5133);
  CHECK(sum, 121013308);

  CHECK(gcd(1071, 462), 21);
  CHECK(gcd(0xffffffffffffffffull, 0xfffffffffffffffeull), 1);
  CHECK(gcd(1ull << 63, 1ull << 40), 1ull << 40);
  CHECK(powmod(2, 10, 1000), 24);
  CHECK(powmod(3, 0xffffffffffffffffull, 0xffffffffffffffc5ull), powmod(3, 0xffffffffffffffffull % 0xffffffffffffffc4ull, 0xffffffffffffffc5ull));

  CHECK(is_prime(0xffffffffffffffc5ull), 1); /* 2^64 - 59, the largest 64-bit prime */
  CHECK(is_prime(0x1fffffffffffffffull), 1); /* 2^61 - 1 */
  CHECK(is_prime(1000000007), 1);
  CHECK(is_prime(0xffffffffffffffffull), 0);
  CHECK(is_prime(561), 0);                   /* a Carmichael number */
  CHECK(is_prime(3215031751ull), 0);         /* strong pseudoprime to bases 2, 3, 5, 7 */
  CHECK(is_prime(4294967291ull), 1);         /* 2^32 - 5 */
  CHECK(is_prime(4294967297ull), 0);         /* 2^32 + 1 = 641 * 6700417 */

  /* Signed division truncates toward zero; the remainder takes the dividend's sign. */
  uint64_t acc = 0;
  for (int i = 0; i < 8; i++) {
    for (int j = 0; j < 8; j++) {
      int64_t x = vs[i], y = vs[j];
      if (x == -0x7fffffffffffffffll - 1 && y == -1) continue; /* UB in C */
      int64_t q = x / y, r = x % y;
      if (q * y + r != x) gprintf("div %ld / %ld\n", (long)x, (long)y);
      int32_t x32 = (int32_t)x, y32 = (int32_t)y;
      if (y32 != 0 && !(x32 == -0x7fffffff - 1 && y32 == -1)) acc = acc * 31 + (uint32_t)(x32 / y32) + (uint32_t)(x32 % y32);
      acc = acc * 31 + (uint64_t)q + (uint64_t)r;
    }
  }
  CHECK(vs[1] / vs[2], -3);
  CHECK(vs[1] % vs[2], -1);
  CHECK(vs[0] % vs[3], 1);

  /* Collatz: the longest chain start below 10000. */
  uint32_t best = 0, best_len = 0;
  for (uint32_t n = 1; n < 10000; n++) {
    uint64_t x = n;
    uint32_t len = 1;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x >> 1;
      len++;
    }
    if (len > best_len) best_len = len, best = n;
  }
  CHECK(best, 6171);
  CHECK(best_len, 262);
  gprintf("primes<50000: %d sum %lu; division mix %016lx; collatz %u (%u)\n", count, (unsigned long)sum, (unsigned long)acc, best, best_len);
  return (int)acc;
}
