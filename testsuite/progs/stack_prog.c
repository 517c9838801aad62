// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known user stacks for the stacks tapset's live tests (built -O0 with
 * frame pointers, which BPF's user stack walk follows):
 *
 *	main -> stack_outer -> stack_middle -> stack_inner -> getppid()
 *	main -> cxx_leaf (a C++-mangled name: bstaptest::leaf(int))
 *
 * The argument is how many rounds to run (default 1); with "sleep" each
 * round also sleeps 20 ms, so that a sampling probe finds it running.
 * It exits as soon as it is done: a short-lived process.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* C cannot spell a C++ name; the assembler can */
int cxx_leaf(int x) __asm__("_ZN9bstaptest4leafEi");

__attribute__((noinline)) int cxx_leaf(int x)
{
	return x + (int)getppid();
}

__attribute__((noinline)) int stack_inner(int x)
{
	return x + (int)getppid();
}

__attribute__((noinline)) int stack_middle(int x)
{
	return stack_inner(x + 1) + 1;
}

__attribute__((noinline)) int stack_outer(int x)
{
	return stack_middle(x + 1) + 1;
}

/* Busy for ms milliseconds in user space (timer.profile samples it). */
__attribute__((noinline)) long stack_spin(int ms)
{
	struct timespec t0, t;
	long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 100000; i++)
			n += i ^ (n >> 3);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	return n;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	int spin = argc > 2 && !strcmp(argv[2], "spin");
	long sum = 0;

	for (int i = 0; i < rounds; i++) {
		sum += stack_outer(i);
		sum += cxx_leaf(i);
		if (spin)
			sum += stack_spin(200);
	}
	return (int)(sum & 1);
}
