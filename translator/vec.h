/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Growable arrays whose storage lives in a session arena.
 *
 *	VEC(struct expr *) args;
 *	vec_push(arena, &args, e);
 *	for (int i = 0; i < args.n; i++) ... args.v[i] ...
 *
 * Growth copies into a fresh arena block (the old one is simply abandoned):
 * AST lists are short, and this keeps every node freeable with the arena.
 */
#ifndef BSTAP_VEC_H
#define BSTAP_VEC_H

#include "arena.h"

#define VEC(T) struct { T *v; int n; int cap; }

void vec_reserve_(struct arena *a, void **items, int *cap, int need,
		  size_t elem_size, int len);

#define vec_push(arena, vec, x) do {					\
	vec_reserve_((arena), (void **)&(vec)->v, &(vec)->cap,		\
		     (vec)->n + 1, sizeof(*(vec)->v), (vec)->n);	\
	(vec)->v[(vec)->n++] = (x);					\
} while (0)

#endif
