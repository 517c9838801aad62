// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Whole-map work for the runner tier: sorted foreach over a snapshot, and
 * statistics merged from their per-CPU records. A snapshot is taken once
 * at foreach_begin, as stap sorts a copy of the array, so a loop body that
 * changes the array does not change what the loop visits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "runner.h"

struct aggr_elem {
	uint8_t *key;
	uint8_t *value;			/* non-aggregates: the map value */
	struct stats_data *stats;	/* aggregates: merged */
	int64_t sort_long;
	const char *sort_str;
};

struct aggr_iter {
	int global;
	struct aggr_elem *elems;
	size_t taken;			/* elements read, each owning its stats */
	size_t n, next;			/* n: those visited (after limit) */
	uint8_t *blob;			/* keys and values */
};

static const struct bo_global *G(struct runner *r, int g)
{
	return &r->meta.globals[g];
}

static size_t stats_size(struct runner *r, int g)
{
	return stats_data_size(&r->globals[g].slayout);
}

struct stats_data *aggr_alloc(struct runner *r, int global)
{
	return calloc(1, stats_size(r, global));
}

/* Merge the per-CPU records of key; an absent key is an empty aggregate. */
int aggr_read(struct runner *r, int global, const void *key,
	      struct stats_data *out)
{
	struct rglobal *rg = &r->globals[global];
	struct rmap *m = &r->maps[rg->map];
	size_t ncpu = m->percpu ? (size_t)r->ncpus : 1;
	uint8_t *vals = calloc(ncpu, rg->stride);
	uint8_t zero[64] = { 0 };

	if (!vals)
		return -ENOMEM;
	if (!key) {
		if (m->key_size > sizeof(zero)) {
			free(vals);
			return -EINVAL;
		}
		key = zero;
	}
	stats_reset(out, &rg->slayout);
	if (!bpf_map_lookup_elem(m->fd, key, vals))
		stats_merge(out, &rg->slayout, vals, ncpu, rg->stride);
	free(vals);
	return 0;
}

int64_t aggr_stat(const struct stats_data *d, const struct stats_layout *l,
		  uint32_t what, int *empty)
{
	int64_t v = 0;
	int rc = 0;

	*empty = 0;
	switch (what) {
	case 0:
		return stats_count(d);
	case 1:
		return stats_sum(d);
	case 2:
		rc = stats_min(d, &v);
		break;
	case 3:
		rc = stats_max(d, &v);
		break;
	case 4:
		rc = stats_avg(d, &v);
		break;
	case 5:
		rc = stats_variance(d, l, &v);
		break;
	default:
		rc = -1;
	}
	if (rc)
		*empty = 1;
	return rc ? 0 : v;
}

/* The long or string a spec sorts an element on. */
static void sort_value(struct runner *r, int g, struct aggr_elem *e,
		       const struct bo_foreach_spec *spec)
{
	const struct bo_global *gl = G(r, g);
	uint32_t off, size;
	int empty;

	if (spec->sort_column > 0) {
		unsigned int col = (unsigned int)spec->sort_column - 1;

		bo_key_column(gl, col, &off, &size);
		if (gl->key_types[col] == BO_TYPE_STRING)
			e->sort_str = (const char *)e->key + off;
		else
			memcpy(&e->sort_long, e->key + off, 8);
	} else if (gl->value_type == BO_TYPE_STATS) {
		e->sort_long = aggr_stat(e->stats, &r->globals[g].slayout,
					 spec->sort_stat, &empty);
	} else if (gl->value_type == BO_TYPE_STRING) {
		e->sort_str = (const char *)e->value;
	} else {
		memcpy(&e->sort_long, e->value, 8);
	}
}

struct sort_ctx {
	struct runner *r;
	int g;
	int dir;
};

static int cmp_keys(struct runner *r, int g, const struct aggr_elem *a,
		    const struct aggr_elem *b)
{
	const struct bo_global *gl = G(r, g);

	for (uint32_t c = 0; c < gl->nkeys; c++) {
		uint32_t off, size;
		int d;

		bo_key_column(gl, c, &off, &size);
		if (gl->key_types[c] == BO_TYPE_STRING) {
			d = strncmp((const char *)a->key + off,
				    (const char *)b->key + off, size);
		} else {
			int64_t x, y;

			memcpy(&x, a->key + off, 8);
			memcpy(&y, b->key + off, 8);
			d = (x > y) - (x < y);
		}
		if (d)
			return d;
	}
	return 0;
}

static int cmp_elems(const void *pa, const void *pb, void *arg)
{
	const struct aggr_elem *a = pa, *b = pb;
	struct sort_ctx *s = arg;
	int d;

	if (a->sort_str || b->sort_str)
		d = strcmp(a->sort_str ? a->sort_str : "",
			   b->sort_str ? b->sort_str : "");
	else
		d = (a->sort_long > b->sort_long) - (a->sort_long < b->sort_long);
	if (d > 0)
		d = 1;
	else if (d < 0)
		d = -1;
	/* ties: by key, ascending, so that runs are reproducible */
	return d ? d * s->dir : cmp_keys(s->r, s->g, a, b);
}

static int snapshot(struct runner *r, struct aggr_iter *it)
{
	const struct bo_global *gl = G(r, it->global);
	struct rmap *m = &r->maps[r->globals[it->global].map];
	bool stats = gl->value_type == BO_TYPE_STATS;
	size_t vsize = stats ? r->globals[it->global].stride *
		(m->percpu ? r->ncpus : 1) : m->value_size;
	/* values 8-aligned: stats_merge reads their 64-bit fields */
	size_t kspace = (m->key_size + 7) & ~(size_t)7;
	size_t esize = kspace + ((vsize + 7) & ~(size_t)7);
	size_t cap = m->max_entries ? m->max_entries : 1;
	uint8_t *prev = NULL;

	it->blob = malloc(cap * esize);
	it->elems = calloc(cap, sizeof(*it->elems));
	if (!it->blob || !it->elems)
		return -ENOMEM;
	while (it->n < cap) {
		struct aggr_elem *e = &it->elems[it->n];

		e->key = it->blob + it->n * esize;
		e->value = e->key + kspace;
		if (bpf_map_get_next_key(m->fd, prev, e->key))
			break;
		prev = e->key;
		if (bpf_map_lookup_elem(m->fd, e->key, e->value))
			continue;	/* deleted meanwhile */
		if (stats) {
			e->stats = aggr_alloc(r, it->global);
			if (!e->stats)
				return -ENOMEM;
			stats_merge(e->stats, &r->globals[it->global].slayout,
				    e->value, m->percpu ? r->ncpus : 1,
				    r->globals[it->global].stride);
		}
		it->taken = ++it->n;
	}
	return 0;
}

static void iter_free(struct aggr_iter *it)
{
	if (!it)
		return;
	/* all that were read: a limit shortens n, not what must be freed */
	for (size_t i = 0; it->elems && i < it->taken; i++)
		free(it->elems[i].stats);
	free(it->elems);
	free(it->blob);
	free(it);
}

long aggr_foreach_begin(struct runner *r, int global,
			const struct bo_foreach_spec *spec)
{
	const struct bo_global *gl = G(r, global);
	struct aggr_iter *it, **iters;
	struct sort_ctx sc = { r, global, spec->direction < 0 ? -1 : 1 };

	if (r->globals[global].map < 0 ||
	    spec->sort_column > (int32_t)gl->nkeys || spec->sort_column < -1)
		return -EINVAL;
	mapcache_flush(r);
	it = calloc(1, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->global = global;
	if (snapshot(r, it)) {
		iter_free(it);
		return -ENOMEM;
	}
	if (spec->sort_column >= 0) {
		for (size_t i = 0; i < it->n; i++)
			sort_value(r, global, &it->elems[i], spec);
		qsort_r(it->elems, it->n, sizeof(*it->elems), cmp_elems, &sc);
	}
	if (spec->limit > 0 && (uint64_t)spec->limit < it->n)
		it->n = (size_t)spec->limit;
	else if (spec->limit <= 0 && (spec->flags & BO_FOREACH_LIMITED))
		it->n = 0;
	for (int h = 0; h < r->n_iters; h++) {
		if (!r->iters[h]) {
			r->iters[h] = it;
			return h;
		}
	}
	iters = realloc(r->iters, (r->n_iters + 1) * sizeof(*iters));
	if (!iters) {
		iter_free(it);
		return -ENOMEM;
	}
	r->iters = iters;
	r->iters[r->n_iters] = it;
	return r->n_iters++;
}

int aggr_foreach_next(struct runner *r, long h, void **key, void **value)
{
	struct aggr_iter *it;
	struct aggr_elem *e;

	if (h < 0 || h >= r->n_iters || !r->iters[h])
		return -EINVAL;
	it = r->iters[h];
	if (it->next >= it->n)
		return 0;
	e = &it->elems[it->next++];
	*key = e->key;
	*value = G(r, it->global)->value_type == BO_TYPE_STATS ? NULL :
		e->value;
	return 1;
}

int aggr_iter_global(struct runner *r, long h)
{
	return r->iters[h]->global;
}

void aggr_foreach_end(struct runner *r, long h)
{
	if (h < 0 || h >= r->n_iters)
		return;
	iter_free(r->iters[h]);
	r->iters[h] = NULL;
}

void aggr_release_all(struct runner *r)
{
	for (int h = 0; h < r->n_iters; h++)
		iter_free(r->iters[h]);
	free(r->iters);
	r->iters = NULL;
	r->n_iters = 0;
}

/* print(@hist_...) of an aggregate; -1 when it is empty. */
int aggr_print(struct runner *r, int global, const void *key,
	       struct strbuf *sb, size_t maxlen)
{
	struct rglobal *rg = &r->globals[global];
	struct stats_data *d = aggr_alloc(r, global);
	int rc = -1;

	if (!d)
		return -1;
	mapcache_flush(r);
	if (!aggr_read(r, global, key, d) && d->count > 0 &&
	    rg->slayout.hist.type != HIST_NONE) {
		if (maxlen)
			rc = hist_sprint(sb, &rg->slayout.hist, d->hist, NULL,
					 maxlen) < 0 ? -1 : 0;
		else
			rc = hist_print(sb, &rg->slayout.hist, d->hist, NULL);
	}
	free(d);
	return rc;
}
