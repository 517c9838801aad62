// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Map values for runner-tier programs. In the kernel, bpf_map_lookup_elem()
 * returns a pointer into the map and programs update values in place
 * (a[k]++, s <<< v). Here a lookup copies the value into a buffer the
 * program may touch; the buffer is remembered with a snapshot, handed out
 * again for the same key, and written back when it changed: at the end of
 * the handler, and before anything reads the map behind the program's back
 * (foreach snapshots, statistics, printing).
 *
 * Buffers are carved from a few large arenas registered with the
 * interpreter, as interp.h asks, and die with the run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "interp.h"
#include "runner.h"

#define ARENA_CHUNK	(64u << 10)
#define CACHE_BUCKETS	1024

struct chunk {
	struct chunk *next;
	size_t used, cap;
	_Alignas(16) char mem[];
};

struct centry {
	struct centry *next;		/* in its bucket */
	struct centry *all;		/* every entry, for write-back */
	int map;
	bool valid;
	size_t size;			/* bytes of buf and snap */
	uint8_t *buf;			/* what the program sees */
	uint8_t *snap;			/* as last read or written */
	uint8_t key[];
};

struct mapcache {
	struct chunk *chunks;
	struct centry *buckets[CACHE_BUCKETS];
	struct centry *all;
};

struct mapcache *mapcache_new(void)
{
	return calloc(1, sizeof(struct mapcache));
}

static void drop_entries(struct mapcache *c)
{
	struct centry *e = c->all, *next;

	for (; e; e = next) {
		next = e->all;
		free(e->snap);
		free(e);
	}
	c->all = NULL;
	memset(c->buckets, 0, sizeof(c->buckets));
}

static void drop_chunks(struct mapcache *c)
{
	struct chunk *k = c->chunks, *next;

	for (; k; k = next) {
		next = k->next;
		free(k);
	}
	c->chunks = NULL;
}

void mapcache_free(struct mapcache *c)
{
	if (!c)
		return;
	drop_entries(c);
	drop_chunks(c);
	free(c);
}

void *mapcache_alloc(struct runner *r, size_t len)
{
	struct mapcache *c = r->cache;
	struct chunk *k = c->chunks;
	size_t need = (len + 15) & ~(size_t)15;
	void *p;

	if (!need)
		need = 16;
	if (!k || k->cap - k->used < need) {
		size_t cap = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		k = calloc(1, sizeof(*k) + cap);
		if (!k)
			return NULL;
		k->cap = cap;
		if (interp_register_region(r->ictx, k->mem, cap, true)) {
			free(k);
			return NULL;
		}
		k->next = c->chunks;
		c->chunks = k;
	}
	p = k->mem + k->used;
	k->used += need;
	memset(p, 0, need);
	return p;
}

static uint32_t hash_key(int map, const void *key, size_t len)
{
	const uint8_t *p = key;
	uint32_t h = 2166136261u ^ (uint32_t)map;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % CACHE_BUCKETS;
}

static struct centry *find(struct runner *r, int map, const void *key)
{
	struct rmap *m = &r->maps[map];
	struct centry *e = r->cache->buckets[hash_key(map, key, m->key_size)];

	for (; e; e = e->next)
		if (e->map == map && e->valid &&
		    !memcmp(e->key, key, m->key_size))
			return e;
	return NULL;
}

static size_t value_bytes(struct runner *r, const struct rmap *m)
{
	return m->percpu ? map_percpu_stride(m) * (size_t)r->ncpus :
		m->value_size;
}

static struct centry *add(struct runner *r, int map, const void *key)
{
	struct rmap *m = &r->maps[map];
	size_t size = value_bytes(r, m);
	struct centry *e = calloc(1, sizeof(*e) + m->key_size);
	uint32_t h;

	if (!e)
		return NULL;
	e->snap = malloc(size);
	e->buf = mapcache_alloc(r, size);
	if (!e->snap || !e->buf) {
		free(e->snap);
		free(e);
		return NULL;
	}
	e->map = map;
	e->size = size;
	e->valid = true;
	memcpy(e->key, key, m->key_size);
	h = hash_key(map, key, m->key_size);
	e->next = r->cache->buckets[h];
	r->cache->buckets[h] = e;
	e->all = r->cache->all;
	r->cache->all = e;
	return e;
}

void *mapcache_lookup(struct runner *r, int map, const void *key)
{
	struct rmap *m = &r->maps[map];
	struct centry *e = find(r, map, key);

	if (e)
		return e->buf;
	e = add(r, map, key);
	if (!e)
		return NULL;
	if (bpf_map_lookup_elem(m->fd, key, e->buf)) {
		e->valid = false;
		return NULL;
	}
	memcpy(e->snap, e->buf, e->size);
	return e->buf;
}

/* A program's value for a per-CPU map is CPU 0's; the others stay. */
static int write_percpu(struct runner *r, int map, const void *key,
			const void *value, uint64_t flags)
{
	struct rmap *m = &r->maps[map];
	size_t stride = map_percpu_stride(m), size = stride * r->ncpus;
	uint8_t *all = calloc(1, size);
	int rc;

	if (!all)
		return -ENOMEM;
	if (bpf_map_lookup_elem(m->fd, key, all))
		memset(all, 0, size);
	memcpy(all, value, m->value_size);
	rc = bpf_map_update_elem(m->fd, key, all, flags);
	free(all);
	return rc ? -errno : 0;
}

int mapcache_update(struct runner *r, int map, const void *key,
		    const void *value, uint64_t flags)
{
	struct rmap *m = &r->maps[map];
	struct centry *e;
	int rc;

	mapcache_flush(r);
	if (m->percpu)
		rc = write_percpu(r, map, key, value, flags);
	else
		rc = bpf_map_update_elem(m->fd, key, value, flags) ? -errno : 0;
	e = find(r, map, key);
	if (e && !rc && !bpf_map_lookup_elem(m->fd, key, e->buf))
		memcpy(e->snap, e->buf, e->size);
	return rc;
}

int mapcache_delete(struct runner *r, int map, const void *key)
{
	struct centry *e;

	mapcache_flush(r);
	e = find(r, map, key);
	if (e)
		e->valid = false;
	return bpf_map_delete_elem(r->maps[map].fd, key) ? -errno : 0;
}

/*
 * Kernel probes keep updating their own CPUs' slots while a handler runs:
 * write back only the slots the handler changed, over fresh values of the
 * others, so that their updates are not lost.
 */
static int write_back_percpu(struct runner *r, struct centry *e)
{
	struct rmap *m = &r->maps[e->map];
	size_t stride = map_percpu_stride(m);
	uint8_t *fresh = malloc(e->size);
	int rc;

	if (!fresh)
		return -1;
	if (bpf_map_lookup_elem(m->fd, e->key, fresh))
		memcpy(fresh, e->buf, e->size);
	for (size_t off = 0; off + stride <= e->size; off += stride)
		if (memcmp(e->buf + off, e->snap + off, stride))
			memcpy(fresh + off, e->buf + off, stride);
	rc = bpf_map_update_elem(m->fd, e->key, fresh, BPF_ANY);
	free(fresh);
	return rc;
}

void mapcache_flush(struct runner *r)
{
	if (!r->cache)
		return;
	for (struct centry *e = r->cache->all; e; e = e->all) {
		struct rmap *m = &r->maps[e->map];
		int rc;

		if (!e->valid || !memcmp(e->buf, e->snap, e->size))
			continue;
		if (m->percpu)
			rc = write_back_percpu(r, e);
		else
			rc = bpf_map_update_elem(m->fd, e->key, e->buf, BPF_ANY);
		if (rc)
			runner_warn(r, "cannot write back map %s: %s", m->name,
				    strerror(errno));
		memcpy(e->snap, e->buf, e->size);
	}
}

/* After interp_run() returned: its regions are already forgotten. */
void mapcache_end_run(struct runner *r)
{
	mapcache_flush(r);
	drop_entries(r->cache);
	drop_chunks(r->cache);
}
