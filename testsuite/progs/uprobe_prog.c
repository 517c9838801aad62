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

/* For .return probes: @entry and $param at the entry, recursion. The
 * work after the call keeps gcc -O2 from turning it into a loop. */
static volatile long rsink;

__attribute__((noinline)) long depth(int n, long acc)
{
	long r;

	if (n <= 0)
		return acc;
	r = depth(n - 1, acc + n);
	rsink += r;
	return r + 1;
}

/* Changes what its parameter points to: @entry sees the old values. */
__attribute__((noinline)) int bump(struct point *p, int by)
{
	p->x += by;
	by = 0;
	rsink += by;
	return p->x;
}

/* CU-level variables ($tally, $origin) and bit fields ($f->level). */
int tally = 42;
static struct point origin = { -2, 9, "origin", NULL };

struct flags {
	unsigned int ready:1;
	unsigned int mode:3;
	int level:5;		/* signed: -3 reads as -3 */
	unsigned int wide:20;
	unsigned char last;
};

static struct flags state = { 1, 5, -3, 0xabcde, 200 };

__attribute__((noinline)) int settle(struct flags *f, int by)
{
	f->mode = (f->mode + 1) & 7;
	f->level += by;
	tally += by;
	origin.y += by;
	return f->mode + origin.x;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	int v[4] = { 1, 2, 3, 4 };
	struct point tail = { 7, 8, "tail", NULL };
	struct point head = { 3, 5, "head", &tail };
	char who[8] = "world";	/* on the stack: resident when probed */
	struct point spare = { 7, 0, "spare", NULL };

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
		rsink += depth(3, i);
		rsink += bump(&spare, 10);
		rsink += settle(&state, 1);
		if (bstap_test_guarded_semaphore) {
			guarded_fired++;
			STAP_PROBE2(bstap_test, guarded, i, head.x);
		}
	}
	printf("%ld guarded=%d\n", (long)sink, guarded_fired);
	return 0;
}
