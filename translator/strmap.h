/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hash maps from strings or pointers to pointers, for pass 2's symbol tables.
 *
 * Elaboration looks names up for every identifier, call and probe point of a
 * script, so these must stay O(1): a 2,000-line script does tens of thousands
 * of lookups. Storage lives in the session arena; a map is never freed on its
 * own. Keys are not copied: they must outlive the map (arena strings do).
 */
#ifndef BSTAP_STRMAP_H
#define BSTAP_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct strmap_slot {
	const void *key;	/* NULL: empty */
	void *value;
	unsigned int hash;
};

struct strmap {
	struct strmap_slot *slots;
	int cap;		/* power of two, or 0 */
	int n;
	bool by_pointer;	/* keys compared as pointers, not strings */
};

void strmap_init(struct strmap *m, bool by_pointer);

/* The value for key, or NULL. */
void *strmap_get(const struct strmap *m, const void *key);

/* Insert or replace. */
void strmap_put(struct arena *a, struct strmap *m, const void *key,
		void *value);

/* Iterate: for (int i = 0; i < m.cap; i++) if (m.slots[i].key) ... */

#endif
