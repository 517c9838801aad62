// SPDX-License-Identifier: GPL-2.0-or-later
/* Arena and VEC: zeroed, aligned, large blocks, growth keeps contents. */
#include <stdint.h>

#include "arena.h"
#include "vec.h"
#include "../lib/tap.h"

int main(void)
{
	struct arena a;
	VEC(int) ints = { 0 };
	int all_zero = 1, aligned = 1, kept = 1;
	char *big, *s;

	tap_plan(8);
	arena_init(&a);
	for (int i = 0; i < 1000; i++) {
		unsigned char *p = arena_alloc(&a, (size_t)(i % 37) + 1);

		for (int k = 0; k < i % 37 + 1; k++)
			all_zero &= p[k] == 0;
		aligned &= ((uintptr_t)p % 16) == 0;
		memset(p, 0xff, (size_t)(i % 37) + 1);
	}
	tap_ok(all_zero, "allocations are zeroed");
	tap_ok(aligned, "allocations are 16-byte aligned");

	big = arena_alloc(&a, 1 << 20);
	tap_ok(big && big[0] == 0 && big[(1 << 20) - 1] == 0,
	       "a block bigger than a chunk is served");

	s = arena_printf(&a, "%s-%d", "probe", 42);
	tap_is_str(s, "probe-42", "arena_printf formats");
	tap_is_str(arena_strndup(&a, "kernel.trace", 6), "kernel",
		   "arena_strndup cuts");

	for (int i = 0; i < 10000; i++)
		vec_push(&a, &ints, i);
	for (int i = 0; i < ints.n; i++)
		kept &= ints.v[i] == i;
	tap_is_int(ints.n, 10000, "vec_push counts");
	tap_ok(kept, "vec growth keeps the elements in order");
	tap_ok(a.used >= (1u << 20), "arena accounts what it handed out");
	arena_release(&a);
	return tap_done();
}
