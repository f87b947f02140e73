/*
 * Sorting 3000 pseudo-random 64-bit keys four ways -- recursive quicksort, heapsort, bottom-up
 * merge sort, insertion sort on slices -- as unsigned and as signed numbers, checking that
 * they agree, that the output is ordered, and that it is a permutation of the input (sum,
 * xor and a multiset hash preserved). Compiled code exercises compares, conditional
 * selects, address arithmetic, loads/stores with register offsets and recursion.
 */
#include "guest.h"

#define N 3000

static uint64_t input[N], a[N], b[N], c[N], tmp[N];

static void quicksort(uint64_t *v, long lo, long hi) {
  while (lo < hi) {
    uint64_t pivot = v[lo + (hi - lo) / 2];
    long i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        uint64_t t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    /* Recurse into the smaller side, loop on the larger: bounded stack depth. */
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
}

static void sift(int64_t *v, size_t start, size_t end) {
  size_t root = start;
  while (2 * root + 1 < end) {
    size_t child = 2 * root + 1;
    if (child + 1 < end && v[child] < v[child + 1]) child++;
    if (v[root] >= v[child]) return;
    int64_t t = v[root];
    v[root] = v[child];
    v[child] = t;
    root = child;
  }
}

static void heapsort_signed(int64_t *v, size_t n) {
  for (size_t s = n / 2; s-- > 0;) sift(v, s, n);
  for (size_t end = n; end-- > 1;) {
    int64_t t = v[0];
    v[0] = v[end];
    v[end] = t;
    sift(v, 0, end);
  }
}

static void mergesort(uint64_t *v, size_t n) {
  uint64_t *from = v, *to = tmp;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) to[k++] = from[i] <= from[j] ? from[i++] : from[j++];
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
    }
    uint64_t *t = from;
    from = to;
    to = t;
  }
  if (from != v) memcpy(v, from, n * sizeof *v);
}

static void insertion(uint64_t *v, size_t n) {
  for (size_t i = 1; i < n; i++) {
    uint64_t x = v[i];
    size_t j = i;
    for (; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1];
    v[j] = x;
  }
}

static uint64_t multiset_hash(const uint64_t *v, size_t n) {
  uint64_t h = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t x = v[i] * 0x9e3779b97f4a7c15ull;
    h += x ^ (x >> 29);
  }
  return h;
}

int main(void) {
  uint64_t seed = 42;
  uint64_t sum = 0, xr = 0;
  for (int i = 0; i < N; i++) {
    uint64_t r = rand64(&seed);
    /* Many duplicates and both signs. */
    input[i] = (i % 7 == 0) ? (r & 0xff) : (i % 5 == 0) ? -(r & 0xffff) : r;
    sum += input[i];
    xr ^= input[i];
  }
  uint64_t mh = multiset_hash(input, N);

  memcpy(a, input, sizeof a);
  memcpy(b, input, sizeof b);
  memcpy(c, input, sizeof c);
  quicksort(a, 0, N - 1);
  mergesort(b, N);
  CHECK(memcmp(a, b, sizeof a), 0);

  int unordered = 0;
  uint64_t s2 = 0, x2 = 0;
  for (int i = 0; i < N; i++) {
    if (i && a[i - 1] > a[i]) unordered++;
    s2 += a[i];
    x2 ^= a[i];
  }
  CHECK(unordered, 0);
  CHECK(s2, sum);
  CHECK(x2, xr);
  CHECK(multiset_hash(a, N), mh);

  /* Insertion sort of 100-key slices, then a merge of the slices must give the same. */
  for (int i = 0; i < N; i += 100) insertion(c + i, 100);
  for (int i = 0; i < N; i += 100) {
    int bad = 0;
    for (int k = i + 1; k < i + 100; k++) bad += c[k - 1] > c[k];
    if (bad) gprintf("slice %d unordered\n", i);
  }
  mergesort(c, N);
  CHECK(memcmp(a, c, sizeof a), 0);

  /* Signed order: heapsort as int64, the negatives come first. */
  int64_t *sv = (int64_t *)c;
  memcpy(sv, input, sizeof c);
  heapsort_signed(sv, N);
  int sbad = 0, negatives = 0;
  for (int i = 0; i < N; i++) {
    if (i && sv[i - 1] > sv[i]) sbad++;
    negatives += sv[i] < 0;
  }
  CHECK(sbad, 0);
  CHECK(multiset_hash(c, N), mh);
  int first_nonneg = 0;
  while (first_nonneg < N && sv[first_nonneg] < 0) first_nonneg++;
  CHECK(first_nonneg, negatives);

  gprintf("min=%016lx max=%016lx median=%016lx smin=%ld smax=%ld negatives=%d\n",
          (unsigned long)a[0], (unsigned long)a[N - 1], (unsigned long)a[N / 2], (long)sv[0], (long)sv[N - 1], negatives);
  return (int)(mh ^ (mh >> 32));
}
