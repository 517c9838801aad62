// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The .bstap.meta section (runtime/bo_format.h): a header, the tables the
 * code generator collected, and one string table with every string once.
 *
 * Entries are written as the host lays the structs out; bstap only builds
 * for little-endian hosts, as the format requires.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "btf_index.h"
#include "codegen_internal.h"

struct meta_buf {
	char *p;
	size_t len, cap;
};

static size_t put(struct meta_buf *b, const void *data, size_t n)
{
	size_t at = (b->len + 7) & ~(size_t)7;

	if (at + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < at + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		memset(b->p + b->cap, 0, cap - b->cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + at, data, n);
	b->len = at + n;
	return at;
}

static void table(struct meta_buf *b, struct bo_table_ref *ref,
		  const void *entries, int n, size_t size)
{
	ref->offset = (uint32_t)put(b, entries, (size_t)n * size);
	ref->count = (uint32_t)n;
	ref->entry_size = (uint32_t)size;
	ref->reserved = 0;
}

static uint8_t bo_type(enum type_kind t)
{
	return t == TYPE_STRING ? BO_TYPE_STRING :
	       t == TYPE_STATS ? BO_TYPE_STATS : BO_TYPE_LONG;
}

static void global_entry(struct cg *cg, struct cg_global *g,
			 struct bo_global *e)
{
	struct symbol *sym = g->sym;
	struct global_decl *d = sym->global;

	memset(e, 0, sizeof(*e));
	e->name = cg_str(cg, sym->name);
	e->value_type = bo_type(sym->type);
	e->flags = (sym->is_array ? BO_G_ARRAY : 0) |
		   (d && d->wrap ? BO_G_WRAP : 0) |
		   (sym->read ? BO_G_READ : 0) |
		   (g->stats ? BO_G_PERCPU : 0);
	e->nkeys = sym->is_array ? (uint32_t)sym->key_types.n : 0;
	for (int i = 0; i < sym->key_types.n && i < BO_MAX_KEYS; i++)
		e->key_types[i] = bo_type(sym->key_types.v[i]);
	e->map_name = cg_str(cg, g->map_name);
	e->offset = g->map ? 0 : g->offset;
	e->size = g->map ? g->key_size : g->value_size;
	e->value_size = g->value_size;
	e->max_entries = g->map ? g->max_entries : 0;
	e->stats_layout = g->stats ? (uint32_t)g->stats->index : 0;
	if (d && d->init && d->init->kind == EXPR_NUMBER)
		e->init_long = d->init->num;
	if (d && d->init && d->init->kind == EXPR_STRING)
		e->init_string = cg_str(cg, d->init->str);
	e->location = cg_location(cg, sym->loc, NULL);
}

/* The target's release; "" when --btf named a kernel and -r did not. */
static const char *target_release(struct session *s)
{
	struct utsname u;

	if (!s->kernel_release)
		return "";
	if (s->btf_file && uname(&u) == 0 &&
	    !strcmp(u.release, s->kernel_release))
		return "";
	return s->kernel_release;
}

void *bo_write_meta(struct cg *cg, size_t *len)
{
	struct meta_buf b = { 0 };
	struct bo_header h;
	struct bo_global *globals;
	struct bo_stats_layout *stats;
	size_t at;

	memset(&h, 0, sizeof(h));
	put(&b, &h, sizeof(h));
	globals = calloc((size_t)cg->globals.n + 1, sizeof(*globals));
	stats = calloc((size_t)cg->stats.n + 1, sizeof(*stats));
	if (!globals || !stats)
		abort();
	for (int i = 0; i < cg->globals.n; i++)
		global_entry(cg, cg->globals.v[i], &globals[i]);
	for (int i = 0; i < cg->stats.n; i++) {
		struct cg_stats *st = cg->stats.v[i];

		stats[i].hist_kind = (uint32_t)st->hist_kind;
		stats[i].nbuckets = (uint32_t)st->nbuckets;
		stats[i].lo = st->lo;
		stats[i].hi = st->hi;
		stats[i].step = st->step;
		stats[i].record_size = st->record_size;
		stats[i].shift = (uint32_t)st->shift;
	}
	/* strings first: every table below is final once they are in */
	h.script_name = cg_str(cg, cg->s->script_name);
	h.btf_checksum = cg_str(cg, btf_checksum(cg->s));
	h.kernel_release = cg_str(cg, target_release(cg->s));
	table(&b, &h.tables[BO_TABLE_PROBES], cg->probes.v, cg->probes.n,
	      sizeof(struct bo_probe));
	table(&b, &h.tables[BO_TABLE_GLOBALS], globals, cg->globals.n,
	      sizeof(struct bo_global));
	table(&b, &h.tables[BO_TABLE_FORMATS], cg->formats.v, cg->formats.n,
	      sizeof(struct bo_format));
	table(&b, &h.tables[BO_TABLE_STATS], stats, cg->stats.n,
	      sizeof(struct bo_stats_layout));
	table(&b, &h.tables[BO_TABLE_LOCATIONS], cg->locations.v,
	      cg->locations.n, sizeof(struct bo_location));
	free(globals);
	free(stats);
	at = put(&b, cg->strtab_bytes.v, (size_t)cg->strtab_bytes.n);
	memcpy(h.magic, BO_MAGIC, sizeof(h.magic));
	h.version = BO_FORMAT_VERSION;
	h.header_size = sizeof(h);
	h.strtab_offset = (uint32_t)at;
	h.strtab_size = (uint32_t)cg->strtab_bytes.n;
	h.maxstringlen = cg->msl;
	h.maxmapentries = cg->maxmapentries;
	h.maxerrors = cg->maxerrors;
	h.flags = cg->flags;
	h.nargs = (uint32_t)cg->s->args.n;
	put(&b, NULL, 0);
	h.total_size = (uint32_t)b.len;
	memcpy(b.p, &h, sizeof(h));
	*len = b.len;
	return b.p;
}
