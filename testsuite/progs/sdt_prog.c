// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program for the process() provider's tests: two USDT marks, a few
 * functions with parameters, built with -g. Tests name lines of this file
 * (compute: lines 17-24, code on 21-23; report: line 29 has none, 28 and
 * 30 do, even at -O2): keep its layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/sdt.h>

static volatile long sink;

__attribute__((noinline)) int compute(int x, long y);
__attribute__((noinline)) void report(const char *msg, int n);

__attribute__((noinline)) int compute(int x, long y)
{
	int r;

	r = x * 2 + (int)y;
	STAP_PROBE2(bstap_test, computed, x, r);
	return r;
}

__attribute__((noinline)) void report(const char *msg, int n)
{
	sink += n;

	sink += 1;
	STAP_PROBE2(bstap_test, reported, msg, n);
}

/* Inlined even at -O0: DWARF describes its inline instances. */
static inline __attribute__((always_inline)) int twice(int v)
{
	return 2 * v;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;

	for (int i = 0; i < n; i++)
		report("tick", compute(twice(i), 1));
	printf("%ld\n", (long)sink);
	return 0;
}
