// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program for the live user-space probe tests (testsuite/uprobes.test):
 * parameters and locals of several types, a struct reached through a
 * pointer, an array, a string, return values, a call into a shared library
 * (libuprobe_lib.so) and malloc. Built at -O0 and -O2, and stripped with
 * separate debuginfo. The tests name lines of this file (the marked one in
 * area()): keep its layout.
 *
 * Usage: uprobe_prog [N]: N rounds (default 3), then prints a checksum.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>

/* Set by the tracer while a probe is attached to the mark it guards. */
__extension__ unsigned short bstap_test_guarded_semaphore
	__attribute__((unused)) __attribute__((section(".probes")));

struct point {
	int x;
	long y;
	char name[8];
	struct point *next;
};

long lib_mul(long a, long b);

static volatile long sink;
long rounds_done;
static int guarded_fired;

__attribute__((noinline)) long area(struct point *p, int scale)
{
	long a = (long)p->x * p->y;
	int k = scale + 1;

	sink += a * k;		/* line 40: statement probes stop here */
	return a * scale;
}

__attribute__((noinline)) int greet(const char *who, int n)
{
	sink += n;
	return (int)strlen(who) + n;
}

__attribute__((noinline)) int sum(const int *v, int n)
{
	static long calls;
	int t = 0;

	calls++;
	for (int i = 0; i < n; i++)
		t += v[i];
	return t;
}

__attribute__((noinline)) short narrow(signed char c, unsigned short u)
{
	return (short)(c * 2 - (int)u);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	int v[4] = { 1, 2, 3, 4 };
	struct point tail = { 7, 8, "tail", NULL };
	struct point head = { 3, 5, "head", &tail };
	char who[8] = "world";	/* on the stack: resident when probed */

	for (int i = 0; i < n; i++) {
		char *buf = malloc(16 + i);

		head.x = 3 + i;
		sink += area(&head, i + 1);
		sink += greet(who, i);
		sink += sum(v, 4);
		sink += narrow((signed char)-5, (unsigned short)(1000 + i));
		sink += lib_mul(i, 3);
		free(buf);
		rounds_done++;
		if (bstap_test_guarded_semaphore) {
			guarded_fired++;
			STAP_PROBE2(bstap_test, guarded, i, head.x);
		}
	}
	printf("%ld guarded=%d\n", (long)sink, guarded_fired);
	return 0;
}
