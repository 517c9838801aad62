// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The end of a run: globals the script wrote but never read are printed as
 * stap prints them, then one summary of everything that went wrong (lost
 * records, errors per probe, probes that did not attach).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "runner.h"
#include "symbols.h"

static void add_long(struct strbuf *sb, const void *p)
{
	int64_t v;

	memcpy(&v, p, 8);
	strbuf_addf(sb, "%" PRId64, v);
}

/* a string value, its symbol tokens (symname() in a kernel probe) named */
static void add_string(struct runner *r, struct strbuf *sb, const void *p,
		       size_t max)
{
	struct strbuf named = STRBUF_INIT;
	size_t len = strnlen(p, max);

	strbuf_addch(sb, '"');
	if (symbolize_expand(r, &named, p, len, 0))
		strbuf_add(sb, named.data, named.len);
	else
		strbuf_add(sb, p, len);
	strbuf_addch(sb, '"');
	strbuf_release(&named);
}

static void add_stats(struct strbuf *sb, const struct stats_data *d)
{
	if (d->count == 0) {
		strbuf_addstr(sb, " @count=0x0");
		return;
	}
	strbuf_addf(sb, " @count=%" PRId64 " @min=%" PRId64 " @max=%" PRId64
		    " @sum=%" PRId64 " @avg=%" PRId64, d->count, d->min,
		    d->max, d->sum, d->sum / d->count);
}

static void print_scalar(struct runner *r, int g, struct strbuf *sb)
{
	const struct bo_global *gl = &r->meta.globals[g];
	struct rdata *d = runner_data_by_section(r, ".bss");
	const char *name = bo_str(&r->meta, gl->name);

	if (gl->value_type == BO_TYPE_STATS) {
		struct stats_data *s = aggr_alloc(r, g);

		if (s && !aggr_read(r, g, NULL, s)) {
			strbuf_addstr(sb, name);
			add_stats(sb, s);
			strbuf_addch(sb, '\n');
		}
		free(s);
		return;
	}
	if (!d || (uint64_t)gl->offset + gl->size > d->size)
		return;
	strbuf_addf(sb, "%s=", name);
	if (gl->value_type == BO_TYPE_LONG)
		add_long(sb, (char *)d->mem + gl->offset);
	else
		add_string(r, sb, (char *)d->mem + gl->offset, gl->size);
	strbuf_addch(sb, '\n');
}

static void print_element(struct runner *r, int g, const uint8_t *key,
			  const uint8_t *value, struct strbuf *sb)
{
	const struct bo_global *gl = &r->meta.globals[g];

	strbuf_addf(sb, "%s[", bo_str(&r->meta, gl->name));
	for (uint32_t c = 0; c < gl->nkeys; c++) {
		uint32_t off, size;

		bo_key_column(gl, c, &off, &size);
		if (c)
			strbuf_addch(sb, ',');
		if (gl->key_types[c] == BO_TYPE_STRING)
			add_string(r, sb, key + off, size);
		else
			add_long(sb, key + off);
	}
	strbuf_addch(sb, ']');
	if (gl->value_type == BO_TYPE_STATS) {
		struct stats_data *s = aggr_alloc(r, g);

		if (s && !aggr_read(r, g, key, s))
			add_stats(sb, s);
		free(s);
	} else {
		strbuf_addch(sb, '=');
		if (gl->value_type == BO_TYPE_LONG)
			add_long(sb, value);
		else
			add_string(r, sb, value, gl->value_size);
	}
	strbuf_addch(sb, '\n');
}

/* stap prints an unread array sorted by value, decreasing (aggregates by
 * @count). */
static void print_array(struct runner *r, int g, struct strbuf *sb)
{
	struct bo_foreach_spec spec = { .sort_column = 0, .direction = -1 };
	long h = aggr_foreach_begin(r, g, &spec);
	void *key, *value;

	if (h < 0)
		return;
	while (aggr_foreach_next(r, h, &key, &value) == 1)
		print_element(r, g, key, value, sb);
	aggr_foreach_end(r, h);
}

static bool runner_set(const char *name)
{
	return name[0] == '$' || name[0] == '@' ||
	       !strcmp(name, BO_GLOBAL_TARGET) ||
	       !strcmp(name, BO_GLOBAL_REALTIME) ||
	       !strcmp(name, BO_GLOBAL_RUNNER_PID) ||
	       !strcmp(name, BO_GLOBAL_STOPPING);
}

void summary_print_globals(struct runner *r)
{
	struct strbuf sb = STRBUF_INIT;

	for (uint32_t g = 0; g < r->meta.n_globals; g++) {
		const struct bo_global *gl = &r->meta.globals[g];

		if ((gl->flags & BO_G_READ) ||
		    runner_set(bo_str(&r->meta, gl->name)))
			continue;
		strbuf_reset(&sb);
		if (gl->flags & BO_G_ARRAY)
			print_array(r, (int)g, &sb);
		else
			print_scalar(r, (int)g, &sb);
		if (sb.len)
			output_text(r, sb.data, sb.len);
	}
	strbuf_release(&sb);
	output_flush(r);
}

/* The per-CPU counters of all slots in one batch (Linux 5.6+). */
static int read_batch(struct runner *r, struct rmap *m, uint64_t *counts,
		      size_t n, uint8_t *vals, size_t stride)
{
	uint32_t *keys = calloc(n, sizeof(*keys)), out = 0;
	uint32_t count = (uint32_t)n;
	int rc;

	if (!keys)
		return -1;
	rc = bpf_map_lookup_batch(m->fd, NULL, &out, keys, vals, &count, NULL);
	if (rc && errno != ENOENT) {
		free(keys);
		return -1;
	}
	for (uint32_t k = 0; k < count; k++) {
		if (keys[k] >= n)
			continue;
		for (int c = 0; c < (m->percpu ? r->ncpus : 1); c++) {
			uint64_t v;

			memcpy(&v, vals + ((size_t)k * (m->percpu ? r->ncpus : 1)
					   + c) * stride, 8);
			counts[keys[k]] += v;
		}
	}
	free(keys);
	return 0;
}

/* Counters of BO_MAP_ERRORS summed over CPUs; NULL without the map. */
uint64_t *errors_read(struct runner *r, size_t *n)
{
	struct rmap *m;
	uint64_t *counts;
	uint8_t *vals;
	size_t stride;

	*n = (size_t)r->meta.n_probes * BO_ERR_KIND_COUNT;
	if (r->err_map < 0 || !*n)
		return NULL;
	m = &r->maps[r->err_map];
	stride = map_percpu_stride(m);
	if (m->key_size != 4 || m->value_size < 8 ||
	    m->type != (m->percpu ? BPF_MAP_TYPE_PERCPU_ARRAY :
			BPF_MAP_TYPE_ARRAY))
		return NULL;
	if (*n > m->max_entries)
		*n = m->max_entries;
	counts = calloc(*n + 1, sizeof(*counts));
	vals = calloc((*n + 1) * (m->percpu ? r->ncpus : 1), stride);
	if (!counts || !vals) {
		free(counts);
		free(vals);
		return NULL;
	}
	if (!read_batch(r, m, counts, *n, vals, stride))
		goto out;
	memset(counts, 0, *n * sizeof(*counts));
	for (uint32_t i = 0; i < *n; i++) {
		if (bpf_map_lookup_elem(m->fd, &i, vals))
			continue;
		for (int c = 0; c < (m->percpu ? r->ncpus : 1); c++) {
			uint64_t v;

			memcpy(&v, vals + c * stride, 8);
			counts[i] += v;
		}
	}
out:
	free(vals);
	return counts;
}

static bool fatal_kind(uint32_t k)
{
	return k && k < BO_ERR_KIND_COUNT && bo_error_kind_fatal(k);
}

void errors_totals(struct runner *r, uint64_t *lost, uint64_t *fatal)
{
	size_t n;
	uint64_t *c = errors_read(r, &n);

	*lost = *fatal = 0;
	for (size_t i = 0; c && i < n; i++) {
		if (i % BO_ERR_KIND_COUNT == BO_ERR_RECORD_LOST)
			*lost += c[i];
		else if (fatal_kind(i % BO_ERR_KIND_COUNT))
			*fatal += c[i];
	}
	free(c);
}

struct summary {
	struct strbuf text, json;
	int items;
	unsigned int pages;	/* enum error_page bits */
};

/* The man pages that explain what the summary lists, named at its end. */
enum error_page {
	PAGE_RUNTIME = 1,
	PAGE_ATTACH = 2,
	PAGE_LOST = 4,
};

static void name_pages(struct summary *s)
{
	static const struct {
		unsigned int bit;
		const char *page;
	} pages[] = {
		{ PAGE_RUNTIME, "bstap-error-runtime(7)" },
		{ PAGE_ATTACH, "bstap-error-attach(7)" },
		{ PAGE_LOST, "bstap-error-lost(7)" },
	};
	const char *sep = "  see ";

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		if (!(s->pages & pages[i].bit))
			continue;
		strbuf_addf(&s->text, "%s%s", sep, pages[i].page);
		sep = ", ";
	}
	if (s->pages)
		strbuf_addch(&s->text, '\n');
}

static void item(struct summary *s, const char *json_fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void item(struct summary *s, const char *json_fmt, ...)
{
	va_list ap;

	strbuf_addstr(&s->json, s->items++ ? "," : "");
	va_start(ap, json_fmt);
	strbuf_vaddf(&s->json, json_fmt, ap);
	va_end(ap);
}

static void add_error(struct summary *s, const char *pp, const char *what,
		      uint64_t v)
{
	strbuf_addf(&s->text, "  probe %s: %s: %" PRIu64 "\n", pp, what, v);
	s->pages |= PAGE_RUNTIME;
	item(s, "{\"probe\":");
	json_string(&s->json, pp, strlen(pp));
	strbuf_addstr(&s->json, ",\"error\":");
	json_string(&s->json, what, strlen(what));
	strbuf_addf(&s->json, ",\"count\":%" PRIu64 "}", v);
}

/*
 * Per probe and kind, the larger of the kernel's count (which survives a
 * full ring buffer) and the records seen (runner-tier errors may not be
 * counted in the map).
 */
static void summarize_errors(struct runner *r, struct summary *s,
			     const uint64_t *counts, size_t n)
{
	for (uint32_t p = 0; p < r->meta.n_probes; p++) {
		/* a kprobe.multi probe counts for all its functions */
		const char *pp = multi_label(r, &r->meta.probes[p]);
		const uint64_t *seen = r->probes[p].errors;

		for (uint32_t k = 0; k < BO_ERR_KIND_COUNT; k++) {
			size_t at = BO_ERRCOUNT_INDEX(p, k);
			uint64_t v = counts && at < n && k ? counts[at] : 0;

			if (k == BO_ERR_RECORD_LOST)
				continue;
			if (seen[k] > v)
				v = seen[k];
			if (!v)
				continue;
			if (!k || bo_error_kind_fatal(k))
				r->failed = true;
			add_error(s, pp, k ? bo_error_kind_message(k) :
				  "errors", v);
		}
	}
}

/* Which arrays overflowed: the places of the failed insertions. */
static void summarize_overflows(struct runner *r, struct summary *s)
{
	for (uint32_t i = 0; r->overflows && i < r->meta.n_locations; i++) {
		const struct bo_location *l = &r->meta.locations[i];
		const char *tok = bo_str(&r->meta, l->token);
		const char *file = bo_str(&r->meta, l->file);

		if (!r->overflows[i])
			continue;
		strbuf_addf(&s->text, "  array overflow%s%s at %s:%u:%u: %"
			    PRIu64 "\n", *tok ? " near " : "", tok, file,
			    l->line, l->column, r->overflows[i]);
		s->pages |= PAGE_RUNTIME;
		item(s, "{\"array_overflow\":");
		json_string(&s->json, tok, strlen(tok));
		strbuf_addstr(&s->json, ",\"file\":");
		json_string(&s->json, file, strlen(file));
		strbuf_addf(&s->json, ",\"line\":%u,\"count\":%" PRIu64 "}",
			    l->line, r->overflows[i]);
	}
}

static void summarize_attach(struct runner *r, struct summary *s)
{
	for (uint32_t p = 0; p < r->meta.n_probes; p++) {
		struct rprobe *rp = &r->probes[p];
		const char *pp = multi_label(r, rp->meta);

		/* optional probes and alternatives not taken are expected */
		if (rp->meta->tier != BO_TIER_KERNEL || !rp->fatal)
			continue;
		strbuf_addf(&s->text, "  probe %s: not attached: %s\n", pp,
			    rp->why);
		s->pages |= PAGE_ATTACH;
		item(s, "{\"probe\":");
		json_string(&s->json, pp, strlen(pp));
		strbuf_addstr(&s->json, ",\"not_attached\":");
		json_string(&s->json, rp->why, strlen(rp->why));
		strbuf_addch(&s->json, '}');
	}
}

void summary_print(struct runner *r)
{
	struct summary s = { STRBUF_INIT, STRBUF_INIT, 0, 0 };
	size_t n = 0;
	uint64_t *counts = r->obj ? errors_read(r, &n) : NULL;
	uint64_t lost = 0;

	for (size_t i = 0; counts && i < n; i++)
		if (i % BO_ERR_KIND_COUNT == BO_ERR_RECORD_LOST)
			lost += counts[i];
	if (lost) {
		strbuf_addf(&s.text, "  output records lost (ring buffer "
			    "full): %" PRIu64 "\n", lost);
		s.pages |= PAGE_LOST;
		item(&s, "{\"lost_records\":%" PRIu64 "}", lost);
	}
	summarize_errors(r, &s, counts, counts ? n : 0);
	summarize_overflows(r, &s);
	summarize_attach(r, &s);
	if (r->bad_records) {
		strbuf_addf(&s.text, "  unreadable records: %" PRIu64 "\n",
			    r->bad_records);
		item(&s, "{\"unreadable_records\":%" PRIu64 "}",
		     r->bad_records);
	}
	if (r->opt.json && r->out) {
		fprintf(r->out, "{\"type\":\"summary\",\"ok\":%s,\"problems\":"
			"[%s]}\n", r->failed ? "false" : "true",
			s.json.data ? s.json.data : "");
	} else if (s.items) {
		name_pages(&s);
		fprintf(stderr, RUNNER_NAME ": summary:\n%s", s.text.data);
	}
	free(counts);
	strbuf_release(&s.text);
	strbuf_release(&s.json);
}
