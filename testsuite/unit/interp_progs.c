// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Small C functions built twice: natively into interp_test, and by clang
 * for BPF CPU v3 and v4 (see runtime/interp.am). interp_test runs the BPF
 * .text in the interpreter and compares with the native results, which
 * checks the interpreter on real compiler output. Nothing here may call
 * libc or include system headers: BPF has neither.
 */
#define NOINLINE	__attribute__((noinline))

/* signed division needs CPU v4; clang refuses it for v3 */
#if !defined(__bpf__) || __BPF_CPU_VERSION__ >= 4
#define HAVE_SDIV 1
#endif

/* FNV-1a over a buffer: a loop of loads, xor and 64-bit multiplies */
long ip_checksum(const unsigned char *buf, long len)
{
	unsigned long h = 0xcbf29ce484222325UL;

	for (long i = 0; i < len; i++) {
		h ^= buf[i];
		h *= 0x100000001b3UL;
	}
	return (long)(h ^ (h >> 29));
}

/* 32-bit arithmetic: wraparound, rotations, zero extension */
unsigned int ip_hash32(const unsigned char *p, unsigned int len,
		       unsigned int seed)
{
	unsigned int h = seed;

	for (unsigned int i = 0; i < len; i++) {
		unsigned int k = p[i] * 0xcc9e2d51u;

		k = (k << 15) | (k >> 17);
		h ^= k * 0x1b873593u;
		h = ((h << 13) | (h >> 19)) * 5 + 0xe6546b64u;
	}
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	return h ^ (h >> 13);
}

static NOINLINE long fib(long n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/* BPF-to-BPF calls; fib(n) nests n + 1 frames deep */
long ip_fib(long n)
{
	return fib(n);
}

long ip_sort(long *a, long n)
{
	for (long i = 1; i < n; i++) {
		long v = a[i], j = i - 1;

		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
	return (long)((unsigned long)a[0] * 3 + (unsigned long)a[n - 1]);
}

#ifdef HAVE_SDIV
long ip_divs(long a, long b)
{
	return (long)((unsigned long)(a / b) * 1000 + (unsigned long)(a % b));
}

long ip_divs32(int a, int b)
{
	return (long)(a / b) * 1000 + a % b;
}
#endif

unsigned long ip_divu(unsigned long a, unsigned long b, unsigned int c,
		      unsigned int d)
{
	return a / b + a % b + c / d + c % d;
}

long ip_shifts(long a, unsigned long b, int c, unsigned int s)
{
	s &= 31;
	return (a >> (s + 3)) + (long)(b >> s) + (c >> s) + (long)(b << s);
}

unsigned long ip_bswap(unsigned long x)
{
	return __builtin_bswap64(x) ^ __builtin_bswap32((unsigned int)x >> 3) ^
	       __builtin_bswap16((unsigned short)(x >> 7));
}

/* sign-extending loads (ldsx on v4, shifts on v3) */
long ip_sext(const signed char *b, const short *h, const int *w, long n)
{
	unsigned long s = 0;	/* unsigned: overflow wraps, in C too */

	for (long i = 0; i < n; i++)
		s = s * 3 + (unsigned long)(b[i] + h[i] * 5 + (long)w[i] * 7);
	return (long)s;
}

struct pt {
	long x, y;
	int z;
	char name[12];
};

/* writes into the caller's stack frame */
static NOINLINE void fill(struct pt *p, long seed)
{
	p->x = seed * 7;
	p->y = -seed;
	p->z = (int)(seed ^ 0x55);
	for (int i = 0; i < 11; i++)
		p->name[i] = (char)('a' + (unsigned long)(seed + i) % 26);
	p->name[11] = 0;
}

long ip_struct(long seed)
{
	struct pt p[3];
	unsigned long s = 0;

	__builtin_memset(p, 0, sizeof(p));
	for (int i = 0; i < 3; i++)
		fill(&p[i], seed + i);
	for (int i = 0; i < 3; i++) {
		s += (unsigned long)(p[i].x + p[i].y * 3 + p[i].z);
		for (int k = 0; p[i].name[k]; k++)
			s = s * 31 + (unsigned long)p[i].name[k];
	}
	return (long)s;
}

long ip_switch(long x)
{
	unsigned long r = 0;

	for (long i = 0; i < x; i++) {
		switch ((unsigned long)i % 9) {
		case 0: r += 3; break;
		case 1: r ^= 0x55; break;
		case 2: r *= 3; break;
		case 3: r -= (unsigned long)i; break;
		case 5: r = r << 1; break;
		case 7: r = -r; break;
		default: r += 1; break;
		}
	}
	return (long)r;
}

/* global data: .rodata, .data and .bss, reached through ld_imm64 */
static const long table[8] = { 3, 1, 4, 1, 5, 9, 2, 6 };
long counter;
long data_val = 42;

long ip_globals(long x)
{
	counter += table[x & 7];
	data_val ^= x;
	__sync_fetch_and_add(&counter, 1);
	return counter * 1000 + data_val;
}

long ip_atomics(long *p, int *q, long v)
{
	long r = __sync_fetch_and_add(p, v);

	r += __sync_fetch_and_or(p, 0x100);
	r += __sync_fetch_and_and(p, ~0x10L);
	r += __sync_fetch_and_xor(p, 0x3);
	r ^= __sync_lock_test_and_set(p, v * 3);
	r += __sync_val_compare_and_swap(p, v * 3, 77);
	r += __sync_val_compare_and_swap(p, 1, 99);
	__sync_fetch_and_add(p, 5);
	r += __sync_fetch_and_add(q, (int)v);
	r += __sync_fetch_and_or(q, 0x40);
	r ^= __sync_lock_test_and_set(q, -7);
	r += __sync_val_compare_and_swap(q, -7, 12345);
	__sync_fetch_and_xor(q, 0xff);
	return r;
}

/* a callback through the bpf_loop() helper: ld_imm64 of BPF_PSEUDO_FUNC */
#ifdef __bpf__
static long (*bpf_loop)(unsigned int nr, void *fn, void *ctx,
			unsigned long flags) = (void *)181;
#else
static long bpf_loop(unsigned int nr, void *fn, void *ctx, unsigned long flags)
{
	long (*f)(unsigned long, void *) = (long (*)(unsigned long, void *))fn;
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (f(i, ctx))
			return i + 1;
	return nr;
}
#endif

struct acc {
	long sum, n;
};

static long step(unsigned long i, void *ctx)
{
	struct acc *a = ctx;

	a->sum += (long)(i * i);
	a->n++;
	return a->sum > 1000;
}

long ip_loop(long n)
{
	struct acc a = { 0, 0 };
	long k = bpf_loop((unsigned int)n, (void *)step, &a, 0);

	return a.sum * 10000 + a.n * 100 + k;
}
