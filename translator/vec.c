// SPDX-License-Identifier: GPL-2.0-or-later
#include "vec.h"

#include <string.h>

void vec_reserve_(struct arena *a, void **items, int *cap, int need,
		  size_t elem_size, int len)
{
	int new_cap;
	void *p;

	if (need <= *cap)
		return;
	new_cap = *cap ? *cap * 2 : 4;
	while (new_cap < need)
		new_cap *= 2;
	p = arena_alloc(a, (size_t)new_cap * elem_size);
	if (len)
		memcpy(p, *items, (size_t)len * elem_size);
	*items = p;
	*cap = new_cap;
}
