// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Validating reader of the .bo metadata. Nothing in the section is trusted:
 * every offset, count and size is checked against the bytes actually
 * present, in 64-bit arithmetic so that sums cannot wrap.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bo_reader.h"

struct parse {
	struct bo_meta *m;
	const uint8_t *data;
	size_t len;
	char *why;
	size_t whylen;
};

static int fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->why && p->whylen) {
		va_start(ap, fmt);
		vsnprintf(p->why, p->whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *const table_names[BO_TABLE_COUNT] = {
	[BO_TABLE_PROBES] = "probe",
	[BO_TABLE_GLOBALS] = "global",
	[BO_TABLE_FORMATS] = "format",
	[BO_TABLE_STATS] = "statistics layout",
	[BO_TABLE_LOCATIONS] = "location",
};

static const size_t table_entry_size[BO_TABLE_COUNT] = {
	[BO_TABLE_PROBES] = sizeof(struct bo_probe),
	[BO_TABLE_GLOBALS] = sizeof(struct bo_global),
	[BO_TABLE_FORMATS] = sizeof(struct bo_format),
	[BO_TABLE_STATS] = sizeof(struct bo_stats_layout),
	[BO_TABLE_LOCATIONS] = sizeof(struct bo_location),
};

/* Copy one table into a fresh array of entries of this build's size. */
static void *copy_table(struct parse *p, unsigned int t, uint32_t *count)
{
	const struct bo_table_ref *r = &p->m->header.tables[t];
	size_t want = table_entry_size[t];
	uint64_t end = (uint64_t)r->offset + (uint64_t)r->count * r->entry_size;
	uint8_t *out;

	*count = 0;
	if (r->count == 0)
		return NULL;
	if (r->entry_size < want) {
		fail(p, "%s table entries are %u bytes, at least %zu expected",
		     table_names[t], r->entry_size, want);
		return (void *)-1;
	}
	if (r->offset < p->m->header.header_size || end > p->len) {
		fail(p, "%s table (%u entries at offset %u) lies outside the "
		     "metadata", table_names[t], r->count, r->offset);
		return (void *)-1;
	}
	out = calloc(r->count, want);
	if (!out) {
		fail(p, "out of memory");
		return (void *)-1;
	}
	for (uint32_t i = 0; i < r->count; i++)
		memcpy(out + (size_t)i * want,
		       p->data + r->offset + (size_t)i * r->entry_size, want);
	*count = r->count;
	return out;
}

static bool str_ok(const struct bo_meta *m, uint32_t off)
{
	return off < m->strtab_size;
}

static int check_str(struct parse *p, uint32_t off, const char *what,
		     uint32_t idx)
{
	if (str_ok(p->m, off))
		return 0;
	return fail(p, "%s %u: string offset %u is past the string table",
		    what, idx, off);
}

static int check_loc(struct parse *p, uint32_t loc, const char *what,
		     uint32_t idx)
{
	if (loc == BO_NO_LOCATION || loc < p->m->n_locations)
		return 0;
	return fail(p, "%s %u: location %u does not exist", what, idx, loc);
}

static int parse_header(struct parse *p)
{
	struct bo_header *h = &p->m->header;

	if (p->len < sizeof(h->magic) + sizeof(h->version))
		return fail(p, "metadata section is truncated (%zu bytes)",
			    p->len);
	if (memcmp(p->data, BO_MAGIC, sizeof(h->magic)))
		return fail(p, "metadata section has a bad magic number: not "
			    "an object made by bstap");
	memcpy(&h->version, p->data + sizeof(h->magic), sizeof(h->version));
	if (h->version != BO_FORMAT_VERSION)
		return fail(p, "this object was made by a bstap with format "
			    "version %u; this runner reads version %u",
			    h->version, BO_FORMAT_VERSION);
	if (p->len < sizeof(*h))
		return fail(p, "metadata section is truncated (%zu bytes)",
			    p->len);
	memcpy(h, p->data, sizeof(*h));
	if (h->header_size < sizeof(*h) || h->header_size > p->len)
		return fail(p, "metadata header size %u is invalid",
			    h->header_size);
	if (h->total_size > p->len || h->total_size < h->header_size)
		return fail(p, "metadata is truncated: %u bytes announced, %zu "
			    "present", h->total_size, p->len);
	p->len = h->total_size;
	if (h->strtab_size == 0 ||
	    (uint64_t)h->strtab_offset + h->strtab_size > p->len ||
	    h->strtab_offset < h->header_size)
		return fail(p, "string table lies outside the metadata");
	if (p->data[h->strtab_offset + h->strtab_size - 1] != '\0')
		return fail(p, "string table does not end with a NUL byte");
	if (p->data[h->strtab_offset] != '\0')
		return fail(p, "string table does not start with the empty "
			    "string");
	if (h->maxstringlen < 1 || h->maxstringlen > 65536)
		return fail(p, "MAXSTRINGLEN %u is out of range",
			    h->maxstringlen);
	return 0;
}

static bool kind_is_runner(uint32_t kind)
{
	return kind == BO_PROBE_BEGIN || kind == BO_PROBE_END ||
	       kind == BO_PROBE_ERROR || kind == BO_PROBE_TIMER;
}

static int check_probe(struct parse *p, uint32_t i)
{
	const struct bo_probe *pr = &p->m->probes[i];

	if (check_str(p, pr->prog_name, "probe", i) ||
	    check_str(p, pr->point, "probe", i) ||
	    check_str(p, pr->written, "probe", i) ||
	    check_str(p, pr->target, "probe", i) ||
	    check_str(p, pr->path, "probe", i) ||
	    check_loc(p, pr->location, "probe", i))
		return -1;
	if (pr->kind > BO_PROBE_KPROBE_MULTI)
		return fail(p, "probe %u: unknown kind %u", i, pr->kind);
	if (pr->tier != (kind_is_runner(pr->kind) ? BO_TIER_RUNNER :
			 BO_TIER_KERNEL))
		return fail(p, "probe %u: kind %s cannot run in tier %u", i,
			    bo_probe_kind_name(pr->kind), pr->tier);
	if (!p->m->strtab[pr->prog_name])
		return fail(p, "probe %u has no program name", i);
	if (pr->kind == BO_PROBE_TIMER && pr->number <= 0)
		return fail(p, "probe %u: timer period %lld ns is not positive",
			    i, (long long)pr->number);
	if (pr->kind == BO_PROBE_TIMER && pr->randomize < 0)
		return fail(p, "probe %u: negative timer randomization", i);
	if (pr->kind == BO_PROBE_KPROBE_MULTI && !p->m->strtab[pr->target])
		return fail(p, "probe %u: kprobe.multi without functions", i);
	if (pr->multi && (pr->multi > p->m->n_probes ||
			  p->m->probes[pr->multi - 1].kind !=
			  BO_PROBE_KPROBE_MULTI))
		return fail(p, "probe %u: fallback of probe %u, which is no kprobe.multi probe",
			    i, pr->multi - 1);
	return 0;
}

static int check_key_types(struct parse *p, const struct bo_global *g,
			   uint32_t i)
{
	uint32_t off, size;

	if (g->nkeys > BO_MAX_KEYS)
		return fail(p, "global %u has %u index columns (at most %d)",
			    i, g->nkeys, BO_MAX_KEYS);
	for (uint32_t k = 0; k < g->nkeys; k++)
		if (g->key_types[k] != BO_TYPE_LONG &&
		    g->key_types[k] != BO_TYPE_STRING)
			return fail(p, "global %u: index column %u has type %u",
				    i, k + 1, g->key_types[k]);
	for (uint32_t k = 0; k < g->nkeys; k++)
		if (bo_key_column(g, k, &off, &size))
			return fail(p, "global %u: key size %u does not fit "
				    "its index columns", i, g->size);
	return 0;
}

static int check_global(struct parse *p, uint32_t i)
{
	const struct bo_global *g = &p->m->globals[i];
	bool array = g->flags & BO_G_ARRAY;

	if (check_str(p, g->name, "global", i) ||
	    check_str(p, g->map_name, "global", i) ||
	    check_str(p, g->init_string, "global", i) ||
	    check_loc(p, g->location, "global", i))
		return -1;
	if (!p->m->strtab[g->name])
		return fail(p, "global %u has no name", i);
	if (g->value_type < BO_TYPE_LONG || g->value_type > BO_TYPE_STATS)
		return fail(p, "global %u: unknown type %u", i, g->value_type);
	if (g->value_type == BO_TYPE_STATS && g->stats_layout >= p->m->n_stats)
		return fail(p, "global %u: statistics layout %u does not exist",
			    i, g->stats_layout);
	if ((array || g->value_type == BO_TYPE_STATS) && !p->m->strtab[g->map_name])
		return fail(p, "global %u: array without a map name", i);
	if (!array && g->nkeys)
		return fail(p, "global %u: a scalar with index columns", i);
	if (array && g->nkeys == 0)
		return fail(p, "global %u: an array without index columns", i);
	if (array || g->value_type == BO_TYPE_STATS)
		return check_key_types(p, g, i);
	if (g->value_type == BO_TYPE_LONG && g->size != 8)
		return fail(p, "global %u: a long of %u bytes", i, g->size);
	if (g->value_type == BO_TYPE_STRING && g->size == 0)
		return fail(p, "global %u: a string of 0 bytes", i);
	return 0;
}

static int check_stats(struct parse *p, uint32_t i)
{
	const struct bo_stats_layout *s = &p->m->stats[i];
	uint64_t need;

	switch (s->hist_kind) {
	case BO_HIST_NONE:
		if (s->nbuckets)
			return fail(p, "statistics layout %u: buckets without "
				    "a histogram", i);
		break;
	case BO_HIST_LOG:
		if (s->nbuckets != 128)
			return fail(p, "statistics layout %u: @hist_log with "
				    "%u buckets", i, s->nbuckets);
		break;
	case BO_HIST_LINEAR:
		if (s->nbuckets < 3 || s->nbuckets > 128 || s->step <= 0 ||
		    s->hi < s->lo)
			return fail(p, "statistics layout %u: bad @hist_linear",
				    i);
		break;
	default:
		return fail(p, "statistics layout %u: unknown histogram kind %u",
			    i, s->hist_kind);
	}
	need = 7 * 8 + (uint64_t)s->nbuckets * 8;
	if (s->record_size < need || s->record_size % 8 || s->record_size > 65536)
		return fail(p, "statistics layout %u: record of %u bytes, %llu "
			    "needed", i, s->record_size,
			    (unsigned long long)need);
	return 0;
}

static int check_tables(struct parse *p)
{
	struct bo_meta *m = p->m;

	for (uint32_t i = 0; i < m->n_locations; i++)
		if (check_str(p, m->locations[i].file, "location", i) ||
		    check_str(p, m->locations[i].token, "location", i))
			return -1;
	for (uint32_t i = 0; i < m->n_stats; i++)
		if (check_stats(p, i))
			return -1;
	for (uint32_t i = 0; i < m->n_probes; i++)
		if (check_probe(p, i))
			return -1;
	for (uint32_t i = 0; i < m->n_globals; i++)
		if (check_global(p, i))
			return -1;
	for (uint32_t i = 0; i < m->n_formats; i++)
		if (check_str(p, m->formats[i].text, "format", i) ||
		    check_loc(p, m->formats[i].location, "format", i))
			return -1;
	if (check_str(p, m->header.btf_checksum, "header", 0) ||
	    check_str(p, m->header.kernel_release, "header", 0))
		return -1;
	return check_str(p, m->header.script_name, "header", 0);
}

int bo_meta_parse(struct bo_meta *m, const void *data, size_t len,
		  char *why, size_t whylen)
{
	struct parse p = { m, data, len, why, whylen };
	void *t[BO_TABLE_COUNT];
	uint32_t n[BO_TABLE_COUNT];

	memset(m, 0, sizeof(*m));
	if (!data)
		return fail(&p, "no metadata");
	if (parse_header(&p))
		goto err;
	m->strtab_size = m->header.strtab_size;
	m->strtab = malloc(m->strtab_size);
	if (!m->strtab) {
		fail(&p, "out of memory");
		goto err;
	}
	memcpy(m->strtab, p.data + m->header.strtab_offset, m->strtab_size);
	for (unsigned int i = 0; i < BO_TABLE_COUNT; i++) {
		t[i] = copy_table(&p, i, &n[i]);
		if (t[i] == (void *)-1) {
			while (i--)
				free(t[i]);
			goto err;
		}
	}
	m->probes = t[BO_TABLE_PROBES];
	m->n_probes = n[BO_TABLE_PROBES];
	m->globals = t[BO_TABLE_GLOBALS];
	m->n_globals = n[BO_TABLE_GLOBALS];
	m->formats = t[BO_TABLE_FORMATS];
	m->n_formats = n[BO_TABLE_FORMATS];
	m->stats = t[BO_TABLE_STATS];
	m->n_stats = n[BO_TABLE_STATS];
	m->locations = t[BO_TABLE_LOCATIONS];
	m->n_locations = n[BO_TABLE_LOCATIONS];
	if (check_tables(&p))
		goto err;
	return 0;
err:
	bo_meta_release(m);
	return -1;
}

void bo_meta_release(struct bo_meta *m)
{
	free(m->probes);
	free(m->globals);
	free(m->formats);
	free(m->stats);
	free(m->locations);
	free(m->strtab);
	memset(m, 0, sizeof(*m));
}

const char *bo_str(const struct bo_meta *m, uint32_t off)
{
	if (!m->strtab || off >= m->strtab_size)
		return "";
	return m->strtab + off;
}

static int read_section(struct bo_meta *m, Elf *elf, const char *path,
			char *why, size_t whylen)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	char inner[256];

	if (elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		snprintf(why, whylen, "%s: not an ELF file", path);
		return -1;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, BO_META_SECTION))
			continue;
		d = elf_getdata(scn, NULL);
		if (sh.sh_type == SHT_NOBITS || !d || !d->d_buf) {
			snprintf(why, whylen, "%s: the %s section is empty or "
				 "truncated", path, BO_META_SECTION);
			return -1;
		}
		if (bo_meta_parse(m, d->d_buf, d->d_size, inner,
				  sizeof(inner))) {
			snprintf(why, whylen, "%s: %s", path, inner);
			return -1;
		}
		return 0;
	}
	snprintf(why, whylen, "%s: no %s section: not an object made by bstap",
		 path, BO_META_SECTION);
	return -1;
}

int bo_meta_read_file(struct bo_meta *m, const char *path, char *why,
		      size_t whylen)
{
	int fd, rc;
	Elf *elf;

	memset(m, 0, sizeof(*m));
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		snprintf(why, whylen, "%s: not an ELF file", path);
		close(fd);
		return -1;
	}
	rc = read_section(m, elf, path, why, whylen);
	elf_end(elf);
	close(fd);
	return rc;
}

const char *bo_probe_kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[BO_PROBE_BEGIN] = "begin",
		[BO_PROBE_END] = "end",
		[BO_PROBE_ERROR] = "error",
		[BO_PROBE_TIMER] = "timer",
		[BO_PROBE_TRACEPOINT] = "tracepoint",
		[BO_PROBE_RAW_TRACEPOINT] = "raw tracepoint",
		[BO_PROBE_TP_BTF] = "BTF tracepoint",
		[BO_PROBE_PERF] = "perf event",
		[BO_PROBE_KPROBE] = "kprobe",
		[BO_PROBE_FENTRY] = "fentry",
		[BO_PROBE_UPROBE] = "uprobe",
		[BO_PROBE_USDT] = "USDT",
		[BO_PROBE_PROCESS_BEGIN] = "process.begin",
		[BO_PROBE_PROCESS_END] = "process.end",
		[BO_PROBE_KPROBE_MULTI] = "kprobe.multi",
	};

	if (kind >= sizeof(names) / sizeof(names[0]) || !names[kind])
		return "unknown";
	return names[kind];
}

const char *bo_error_kind_message(uint32_t kind)
{
	switch (kind) {
	case BO_ERR_DIVIDE_BY_ZERO:
		return "division by zero";
	case BO_ERR_ARRAY_OVERFLOW:
		return "Array overflow, check MAXMAPENTRIES";
	case BO_ERR_READ_FAULT:
		return "kernel read fault";
	case BO_ERR_USER_ERROR:
		return "script error";
	case BO_ERR_EMPTY_AGGREGATE:
		return "empty aggregate";
	case BO_ERR_STRING_TRUNCATED:
		return "string truncated";
	case BO_ERR_RECORD_LOST:
		return "output record lost";
	case BO_ERR_PROBE_SKIPPED:
		return "skipped (fired while a probe ran on its CPU, or a .return whose entry was not seen)";
	case BO_ERR_STACK_FAILED:
		return "stack capture failed";
	default:
		return "unknown error";
	}
}

bool bo_error_kind_fatal(uint32_t kind)
{
	return kind != BO_ERR_STRING_TRUNCATED && kind != BO_ERR_RECORD_LOST &&
	       kind != BO_ERR_PROBE_SKIPPED && kind != BO_ERR_STACK_FAILED;
}

int bo_key_column(const struct bo_global *g, unsigned int col,
		  uint32_t *offset, uint32_t *size)
{
	uint32_t longs = 0, strs = 0, str_size = 0, off = 0;

	if (g->nkeys > BO_MAX_KEYS || col >= g->nkeys)
		return -1;
	for (uint32_t k = 0; k < g->nkeys; k++) {
		if (g->key_types[k] == BO_TYPE_STRING)
			strs++;
		else
			longs++;
	}
	if ((uint64_t)longs * 8 > g->size)
		return -1;
	if (strs) {
		str_size = (g->size - longs * 8) / strs;
		if (str_size == 0)
			return -1;
	} else if (g->size != longs * 8) {
		return -1;
	}
	for (uint32_t k = 0; k < col; k++)
		off += g->key_types[k] == BO_TYPE_STRING ? str_size : 8;
	*offset = off;
	*size = g->key_types[col] == BO_TYPE_STRING ? str_size : 8;
	return 0;
}
