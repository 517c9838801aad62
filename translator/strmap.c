// SPDX-License-Identifier: GPL-2.0-or-later
#include "strmap.h"

#include <stdint.h>
#include <string.h>

#include "arena.h"

void strmap_init(struct strmap *m, bool by_pointer)
{
	memset(m, 0, sizeof(*m));
	m->by_pointer = by_pointer;
}

static unsigned int hash_key(const struct strmap *m, const void *key)
{
	unsigned int h = 2166136261u;

	if (m->by_pointer) {
		uintptr_t p = (uintptr_t)key;

		p ^= p >> 17;
		p *= 0x9e3779b97f4a7c15ull;
		return (unsigned int)(p >> 32) | 1;
	}
	for (const unsigned char *c = key; *c; c++)
		h = (h ^ *c) * 16777619u;
	return h | 1;
}

static bool key_eq(const struct strmap *m, const void *a, const void *b)
{
	if (m->by_pointer)
		return a == b;
	return strcmp(a, b) == 0;
}

static struct strmap_slot *find_slot(const struct strmap *m, const void *key,
				     unsigned int h)
{
	unsigned int mask = (unsigned int)m->cap - 1;

	for (unsigned int i = h & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];

		if (!s->key || (s->hash == h && key_eq(m, s->key, key)))
			return s;
	}
}

void *strmap_get(const struct strmap *m, const void *key)
{
	struct strmap_slot *s;

	if (!m->cap || !key)
		return NULL;
	s = find_slot(m, key, hash_key(m, key));
	return s->key ? s->value : NULL;
}

static void grow(struct arena *a, struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	int old_cap = m->cap;

	m->cap = old_cap ? old_cap * 2 : 16;
	m->slots = arena_alloc(a, (size_t)m->cap * sizeof(*m->slots));
	for (int i = 0; i < old_cap; i++) {
		if (old[i].key)
			*find_slot(m, old[i].key, old[i].hash) = old[i];
	}
}

void strmap_put(struct arena *a, struct strmap *m, const void *key,
		void *value)
{
	unsigned int h;
	struct strmap_slot *s;

	/* keep the load under 3/4 so probing stays short */
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(a, m);
	h = hash_key(m, key);
	s = find_slot(m, key, h);
	if (!s->key) {
		s->key = key;
		s->hash = h;
		m->n++;
	}
	s->value = value;
}
