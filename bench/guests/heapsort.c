/*
 * Heapsort of 4096 pseudo-random 32-bit keys (xorshift32), N times. Every pass sorts the same
 * array (refilled from the same seed), so every pass retires the same number of instructions
 * although sift-down branches on the data: the dynamic count is exactly affine in N. The
 * checksum folds each sorted array (position-weighted) and checks it is sorted.
 */
#define COUNT 4096

static unsigned int a[COUNT];

static void sift_down(unsigned int *v, unsigned long root, unsigned long end)
{
	while (2 * root + 1 < end) {
		unsigned long child = 2 * root + 1;
		if (child + 1 < end && v[child] < v[child + 1])
			child++;
		if (v[root] >= v[child])
			return;
		unsigned int t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

static void heapsort(unsigned int *v, unsigned long count)
{
	for (unsigned long start = count / 2; start-- > 0;)
		sift_down(v, start, count);
	for (unsigned long end = count - 1; end > 0; end--) {
		unsigned int t = v[0];
		v[0] = v[end];
		v[end] = t;
		sift_down(v, 0, end);
	}
}

unsigned long bench_main(unsigned long n)
{
	unsigned long sum = 0;
	for (unsigned long it = 0; it < n; it++) {
		unsigned int x = 2463534242u;
		for (int i = 0; i < COUNT; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			a[i] = x;
		}
		heapsort(a, COUNT);
		unsigned long unsorted = 0;
		for (int i = 0; i < COUNT; i++) {
			sum = sum * 31 + a[i] * (unsigned long)(i + 1);
			if (i > 0 && a[i - 1] > a[i])
				unsorted++;
		}
		sum += unsorted << 56;
	}
	return sum;
}
