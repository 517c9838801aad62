// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening, checking and loading the .bo: libbpf does the loading; this file
 * makes sure the object's metadata and its maps agree before anything runs,
 * so that the rest of the runner can index without checks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "relocate.h"
#include "runner.h"

#define LOG_BUF_SIZE (4u << 20)

static int parse_formats(struct runner *r)
{
	struct fmt_error fe;

	r->fmts = calloc(r->meta.n_formats + 1, sizeof(*r->fmts));
	if (!r->fmts)
		return -1;
	for (uint32_t i = 0; i < r->meta.n_formats; i++) {
		const char *t = bo_str(&r->meta, r->meta.formats[i].text);

		if (fmt_parse(&r->fmts[i], t, strlen(t), &fe)) {
			fprintf(stderr, RUNNER_NAME ": %s: format %u \"%s\": %s\n",
				r->opt.object, i, t, fe.msg);
			return -1;
		}
		if (r->fmts[i].nargs != r->meta.formats[i].nargs) {
			fprintf(stderr, RUNNER_NAME ": %s: format %u takes %zu "
				"arguments, the metadata says %u\n",
				r->opt.object, i, r->fmts[i].nargs,
				r->meta.formats[i].nargs);
			return -1;
		}
	}
	return 0;
}

static bool is_runner_section(const char *sec)
{
	return !strncmp(sec, BO_RUNNER_SECTION_PREFIX,
			strlen(BO_RUNNER_SECTION_PREFIX));
}

/* Tie each probe to its program; runner-tier ones are never loaded. */
static int bind_programs(struct runner *r)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, r->obj)
		if (is_runner_section(bpf_program__section_name(p)))
			bpf_program__set_autoload(p, false);
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		struct rprobe *rp = &r->probes[i];
		const char *name = bo_str(&r->meta, rp->meta->prog_name);

		rp->timer_fd = -1;
		rp->prog = bpf_object__find_program_by_name(r->obj, name);
		if (!rp->prog) {
			fprintf(stderr, RUNNER_NAME ": %s: probe %s: no program "
				"'%s' in the object\n", r->opt.object,
				bo_str(&r->meta, rp->meta->point), name);
			return -1;
		}
		if (rp->meta->tier == BO_TIER_RUNNER) {
			if (!is_runner_section(bpf_program__section_name(rp->prog))) {
				fprintf(stderr, RUNNER_NAME ": %s: runner-tier "
					"program '%s' is not in a %s section\n",
					r->opt.object, name,
					BO_RUNNER_SECTION_PREFIX);
				return -1;
			}
			continue;
		}
		bpf_program__set_autoload(rp->prog, !rp->disabled);
	}
	return 0;
}

int object_open(struct runner *r)
{
	char why[512];

	if (bo_meta_read_file(&r->meta, r->opt.object, why, sizeof(why))) {
		fprintf(stderr, RUNNER_NAME ": %s\n", why);
		return -1;
	}
	if (parse_formats(r))
		return -1;
	r->probes = calloc(r->meta.n_probes + 1, sizeof(*r->probes));
	r->globals = calloc(r->meta.n_globals + 1, sizeof(*r->globals));
	if (!r->probes || !r->globals)
		return -1;
	for (uint32_t i = 0; i < r->meta.n_probes; i++)
		r->probes[i].meta = &r->meta.probes[i];
	r->relo = reloc_open(r->opt.object, why, sizeof(why));
	if (!r->relo) {
		fprintf(stderr, RUNNER_NAME ": %s: %s\n", r->opt.object, why);
		return -1;
	}
	lean_prepare(r);
	r->log_size = LOG_BUF_SIZE;
	r->log_buf = malloc(r->log_size);
	return r->log_buf ? 0 : -1;
}

static int open_bpf_object(struct runner *r)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo,
		    .kernel_log_buf = r->log_buf,
		    .kernel_log_size = r->log_size);
	int err;

	r->log_buf[0] = '\0';
	if (r->image) {
		/* btf_lean.c's copy: libbpf needs no kernel BTF for it */
		oo.object_name = r->opt.object;
		r->obj = bpf_object__open_mem(r->image, r->image_len, &oo);
	} else {
		r->obj = bpf_object__open_file(r->opt.object, &oo);
	}
	err = libbpf_get_error(r->obj);
	if (err) {
		r->obj = NULL;
		fprintf(stderr, RUNNER_NAME ": %s: libbpf cannot open the "
			"object: %s\n", r->opt.object, strerror(-err));
		return -1;
	}
	return bind_programs(r);
}

/*
 * The program libbpf failed on: the last one its warnings name ("prog
 * 'x': ..."), else the first that has no fd (libbpf loads in order).
 */
static int failed_probe(struct runner *r)
{
	const char *last = NULL, *s = r->libbpf_msgs.data;

	while (s && (s = strstr(s, "prog '"))) {
		last = s + 6;
		s = last;
	}
	for (uint32_t i = 0; last && i < r->meta.n_probes; i++) {
		const char *name = bo_str(&r->meta, r->probes[i].meta->prog_name);
		size_t n = strlen(name);

		if (!strncmp(last, name, n) && last[n] == '\'' &&
		    r->probes[i].meta->tier == BO_TIER_KERNEL &&
		    !r->probes[i].disabled)
			return (int)i;
	}
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		struct rprobe *rp = &r->probes[i];

		if (rp->meta->tier == BO_TIER_KERNEL && !rp->disabled &&
		    bpf_program__fd(rp->prog) < 0)
			return (int)i;
	}
	return -1;
}

/* May a probe be left out? Optional ones and members of a group that has
 * another member still enabled may. */
static bool may_drop(struct runner *r, int i)
{
	const struct bo_probe *p = r->probes[i].meta;

	if (p->flags & BO_P_OPTIONAL || multi_may_drop(r, i))
		return true;
	if (!p->group)
		return false;
	for (uint32_t k = 0; k < r->meta.n_probes; k++)
		if ((int)k != i && r->meta.probes[k].group == p->group &&
		    !r->probes[k].disabled)
			return true;
	return false;
}

/*
 * The last "; source @ file:line" before the end of the log is where the
 * verifier stopped; its last line says why.
 */
static void report_verifier(struct runner *r, int i, int err)
{
	const struct bo_probe *p = r->probes[i].meta;
	const char *log = r->log_buf, *src = NULL, *reason = NULL, *s;
	size_t srclen = 0, reasonlen = 0;

	if (kernel_btf_explain(r, i, log)) {
		if (r->opt.verbose && log[0])
			fprintf(stderr, "verifier log:\n%s\n", log);
		return;
	}
	for (s = log; s && *s; ) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);

		if (len > 2 && s[0] == ';' && s[1] == ' ') {
			src = s + 2;
			srclen = len - 2;
		} else if (len && strncmp(s, "processed ", 10) &&
			   strncmp(s, "verification time", 17)) {
			reason = s;
			reasonlen = len;
		}
		s = eol ? eol + 1 : NULL;
	}
	fprintf(stderr, RUNNER_NAME ": probe %s: the kernel refused its "
		"program (%s)\n", bo_str(&r->meta, p->point), strerror(-err));
	if (src)
		fprintf(stderr, "  at: %.*s\n", (int)srclen, src);
	if (reason)
		fprintf(stderr, "  reason: %.*s\n", (int)reasonlen, reason);
	if (p->kind == BO_PROBE_FENTRY)
		fprintf(stderr, "  fentry/fexit programs are not available on "
			"this kernel\n");
	fprintf(stderr, "  see bstap-error-verifier(7)\n");
	if (r->opt.verbose && log[0])
		fprintf(stderr, "verifier log:\n%s\n", log);
	else if (log[0])
		fprintf(stderr, "  (-v shows the verifier log)\n");
}

/* The last complete line of libbpf's messages, with its newline. */
static const char *last_line(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && s[n - 1] == '\n')
		n--;
	while (n > 0 && s[n - 1] != '\n')
		n--;
	return s + n;
}

/*
 * Load; when the kernel refuses a program that is optional or has an
 * alternative, leave it out and load again (libbpf loads an object once).
 */
static void drop_probe(struct runner *r, int i, int err)
{
	struct rprobe *rp = &r->probes[i];

	if (r->opt.verbose)
		fprintf(stderr, RUNNER_NAME ": probe %s: not loaded (%s), "
			"trying without it\n", bo_str(&r->meta, rp->meta->point),
			strerror(-err));
	rp->disabled = true;
	snprintf(rp->why, sizeof(rp->why), "%s (%s)",
		 rp->meta->kind == BO_PROBE_FENTRY ?
		 "fentry/fexit are not available on this kernel" :
		 "the kernel refused the program", strerror(-err));
	multi_dropped(r, i);
}

/*
 * A kernel that refuses one fentry program for lack of permission refuses
 * them all: leave out every one that may be left out, not one per load.
 */
static void drop_kind(struct runner *r, int i, int err)
{
	uint32_t kind = r->probes[i].meta->kind;

	drop_probe(r, i, err);
	if (kind != BO_PROBE_FENTRY || (err != -EPERM && err != -EACCES))
		return;
	for (uint32_t k = 0; k < r->meta.n_probes; k++)
		if (r->probes[k].meta->kind == kind && !r->probes[k].disabled &&
		    may_drop(r, (int)k))
			drop_probe(r, (int)k, err);
}

/* The load failed on a probe that must be there: say why, in short. */
static void load_failed(struct runner *r, int i, int err)
{
	if (i < 0) {
		fprintf(stderr, RUNNER_NAME ": %s: loading failed: %s\n",
			r->opt.object, strerror(-err));
		if (r->log_buf[0] && r->opt.verbose)
			fprintf(stderr, "%s\n", r->log_buf);
		return;
	}
	report_verifier(r, i, err);
	/* no verifier log: libbpf refused it itself */
	if (!r->opt.verbose && !r->log_buf[0] && r->libbpf_msgs.len)
		fprintf(stderr, "  %s", last_line(r->libbpf_msgs.data));
}

int object_load(struct runner *r)
{
	kernel_btf_report(r);
	if (multi_prepare(r))
		return -1;
	for (;;) {
		int err, i;

		if (open_bpf_object(r))
			return -1;
		strbuf_reset(&r->libbpf_msgs);
		err = bpf_object__load(r->obj);
		if (!err)
			return 0;
		i = failed_probe(r);
		if (i < 0 || !may_drop(r, i)) {
			load_failed(r, i, err);
			return -1;
		}
		drop_kind(r, i, err);
		bpf_object__close(r->obj);
		r->obj = NULL;
	}
}

static int map_global(struct runner *r, const char *map_name)
{
	for (uint32_t g = 0; g < r->meta.n_globals; g++) {
		const struct bo_global *gl = &r->meta.globals[g];

		if (gl->map_name && !strcmp(bo_str(&r->meta, gl->map_name),
					    map_name))
			return (int)g;
	}
	return -1;
}

static int mmap_data(struct runner *r, struct bpf_map *m, struct rdata *d)
{
	int prot = PROT_READ;

	d->size = bpf_map__value_size(m);
	if (!(bpf_map__map_flags(m) & BPF_F_MMAPABLE)) {
		/* libbpf makes constant pools (.rodata.cst16) unmappable:
		 * they never change, a copy will do */
		uint32_t zero = 0;

		d->copy = malloc(d->size);
		if (!d->copy || bpf_map_lookup_elem(bpf_map__fd(m), &zero,
						    d->copy))
			return -1;
		d->mem = d->copy;
		d->writable = false;
		return 0;
	}
	d->writable = !(bpf_map__map_flags(m) & BPF_F_RDONLY_PROG);
	if (d->writable)
		prot |= PROT_WRITE;
	d->mem = mmap(NULL, d->size, prot, MAP_SHARED, bpf_map__fd(m), 0);
	if (d->mem == MAP_FAILED) {
		d->mem = NULL;
		return -1;
	}
	return 0;
}

static int add_data(struct runner *r, struct bpf_map *m)
{
	struct rdata *d = &r->data[r->n_data];

	d->section = bpf_map__name(m);
	d->map = m;
	if (mmap_data(r, m, d)) {
		fprintf(stderr, RUNNER_NAME ": cannot map the global data %s: "
			"%s\n", d->section, strerror(errno));
		return -1;
	}
	r->n_data++;
	return 0;
}

static void add_map(struct runner *r, struct bpf_map *m)
{
	struct rmap *rm = &r->maps[r->n_maps];

	rm->map = m;
	rm->name = bpf_map__name(m);
	rm->fd = bpf_map__fd(m);
	rm->type = bpf_map__type(m);
	rm->key_size = bpf_map__key_size(m);
	rm->value_size = bpf_map__value_size(m);
	rm->max_entries = bpf_map__max_entries(m);
	rm->percpu = rm->type == BPF_MAP_TYPE_PERCPU_HASH ||
		     rm->type == BPF_MAP_TYPE_PERCPU_ARRAY ||
		     rm->type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
	rm->global = map_global(r, rm->name);
	if (!strcmp(rm->name, BO_MAP_RINGBUF))
		r->rb_map = r->n_maps;
	else if (!strcmp(rm->name, BO_MAP_ERRORS))
		r->err_map = r->n_maps;
	r->n_maps++;
}

/* Global data sections (libbpf's internal maps) and the real maps. */
static int collect_maps(struct runner *r)
{
	struct bpf_map *m;
	int n = 0;

	bpf_object__for_each_map(m, r->obj)
		n++;
	r->maps = calloc(n + 1, sizeof(*r->maps));
	r->data = calloc(n + 1, sizeof(*r->data));
	if (!r->maps || !r->data)
		return -1;
	r->rb_map = r->err_map = -1;
	bpf_object__for_each_map(m, r->obj) {
		if (!bpf_map__is_internal(m))
			add_map(r, m);
		else if (add_data(r, m))
			return -1;
	}
	return 0;
}

int runner_map_index(struct runner *r, const char *name)
{
	for (int i = 0; i < r->n_maps; i++)
		if (!strcmp(r->maps[i].name, name))
			return i;
	return -1;
}

/* libbpf names internal maps after their section (".bss", ".rodata.str1.1")
 * and, for lookups, matches that real name; bpf_map__name may carry the
 * object's prefix ("obj.bss"). Accept both. */
struct rdata *runner_data_by_section(struct runner *r, const char *section)
{
	for (int i = 0; i < r->n_data; i++) {
		const char *n = r->data[i].section;
		size_t ln = strlen(n), ls = strlen(section);

		if (!strcmp(n, section))
			return &r->data[i];
		if (ln > ls && !strcmp(n + ln - ls, section) &&
		    strchr(n, '.') < n + ln - ls)
			return &r->data[i];
	}
	for (int i = 0; i < r->n_data; i++)
		if (bpf_object__find_map_by_name(r->obj, section) ==
		    r->data[i].map)
			return &r->data[i];
	return NULL;
}

/* An aggregate's layout must be the one its map's records have. */
static int check_stats_map(struct runner *r, uint32_t g, struct rmap *m)
{
	const struct bo_global *gl = &r->meta.globals[g];
	const struct bo_stats_layout *sl = &r->meta.stats[gl->stats_layout];
	struct rglobal *rg = &r->globals[g];
	const char *herr = NULL;

	memset(&rg->slayout, 0, sizeof(rg->slayout));
	if (sl->shift > 62) {
		fprintf(stderr, RUNNER_NAME ": %s: aggregate '%s': bad @variance shift %u\n",
			r->opt.object, bo_str(&r->meta, gl->name), sl->shift);
		return -1;
	}
	rg->slayout.shift = (int)sl->shift;
	if (sl->hist_kind == BO_HIST_LOG)
		hist_log_layout(&rg->slayout.hist);
	else if (sl->hist_kind == BO_HIST_LINEAR &&
		 hist_linear_layout(&rg->slayout.hist, sl->lo, sl->hi,
				    sl->step, &herr))
		rg->slayout.hist.buckets = -1;
	if (rg->slayout.hist.buckets != (int)sl->nbuckets ||
	    m->value_size < sl->record_size ||
	    stats_data_size(&rg->slayout) > sl->record_size) {
		fprintf(stderr, RUNNER_NAME ": %s: aggregate '%s': its layout "
			"does not match its map\n", r->opt.object,
			bo_str(&r->meta, gl->name));
		return -1;
	}
	rg->stride = map_percpu_stride(m);
	return 0;
}

static int check_global_map(struct runner *r, uint32_t g)
{
	const struct bo_global *gl = &r->meta.globals[g];
	struct rglobal *rg = &r->globals[g];
	const char *name = bo_str(&r->meta, gl->name);
	const char *mname = bo_str(&r->meta, gl->map_name);
	struct rmap *m;

	rg->map = runner_map_index(r, mname);
	if (rg->map < 0) {
		fprintf(stderr, RUNNER_NAME ": %s: global '%s': no map '%s'\n",
			r->opt.object, name, mname);
		return -1;
	}
	m = &r->maps[rg->map];
	if ((gl->flags & BO_G_ARRAY) && m->key_size != gl->size) {
		fprintf(stderr, RUNNER_NAME ": %s: global '%s': key of %u "
			"bytes, its map has %u\n", r->opt.object, name,
			gl->size, m->key_size);
		return -1;
	}
	if (gl->value_type == BO_TYPE_STATS)
		return check_stats_map(r, g, m);
	if (m->value_size != gl->value_size || gl->value_size == 0 ||
	    (gl->value_type == BO_TYPE_LONG && gl->value_size != 8)) {
		fprintf(stderr, RUNNER_NAME ": %s: global '%s': value of %u "
			"bytes, its map has %u\n", r->opt.object, name,
			gl->value_size, m->value_size);
		return -1;
	}
	return 0;
}

static int check_globals(struct runner *r)
{
	for (uint32_t g = 0; g < r->meta.n_globals; g++) {
		const struct bo_global *gl = &r->meta.globals[g];

		r->globals[g].map = -1;
		if ((gl->flags & BO_G_ARRAY) || gl->value_type == BO_TYPE_STATS) {
			if (check_global_map(r, g))
				return -1;
		}
	}
	return 0;
}

size_t map_percpu_stride(const struct rmap *m)
{
	return m->percpu ? (m->value_size + 7) & ~(size_t)7 : m->value_size;
}

static struct rdata *bss(struct runner *r)
{
	return runner_data_by_section(r, ".bss");
}

static int set_scalar(struct runner *r, uint32_t g, const char *value,
		      bool from_text)
{
	const struct bo_global *gl = &r->meta.globals[g];
	struct rdata *d = bss(r);
	char *end;

	if (!d || (uint64_t)gl->offset + gl->size > d->size || !d->writable) {
		fprintf(stderr, RUNNER_NAME ": %s: global '%s' lies outside "
			"the global data\n", r->opt.object,
			bo_str(&r->meta, gl->name));
		return -1;
	}
	if (gl->value_type == BO_TYPE_LONG) {
		int64_t v = 0;

		if (from_text) {
			errno = 0;
			v = strtoll(value, &end, 0);
			if (errno || end == value || *end) {
				fprintf(stderr, RUNNER_NAME ": '%s' is not a "
					"number, as '%s' needs\n", value,
					bo_str(&r->meta, gl->name));
				return -1;
			}
		} else {
			memcpy(&v, value, sizeof(v));
		}
		memcpy((char *)d->mem + gl->offset, &v, sizeof(v));
		return 0;
	}
	memset((char *)d->mem + gl->offset, 0, gl->size);
	strncpy((char *)d->mem + gl->offset, value, gl->size - 1);
	return 0;
}

static int find_global(struct runner *r, const char *name)
{
	for (uint32_t g = 0; g < r->meta.n_globals; g++)
		if (!strcmp(bo_str(&r->meta, r->meta.globals[g].name), name))
			return (int)g;
	return -1;
}

static bool is_scalar(const struct bo_global *gl)
{
	return !(gl->flags & BO_G_ARRAY) && gl->value_type != BO_TYPE_STATS;
}

static int apply_gopts(struct runner *r)
{
	for (int i = 0; i < r->opt.n_gopts; i++) {
		const struct gopt *o = &r->opt.gopts[i];
		int g = find_global(r, o->name);

		if (g < 0 || !is_scalar(&r->meta.globals[g])) {
			fprintf(stderr, RUNNER_NAME ": -G %s: the script has "
				"no %s global '%s'\n", o->name,
				g < 0 ? "such" : "scalar", o->name);
			return -1;
		}
		if (set_scalar(r, (uint32_t)g, o->value, true))
			return -1;
	}
	return 0;
}

/* A long the runner provides, when the script has it. */
static int set_hidden(struct runner *r, const char *name, int64_t v)
{
	int g = find_global(r, name);

	if (g < 0 || !is_scalar(&r->meta.globals[g]) ||
	    r->meta.globals[g].value_type != BO_TYPE_LONG)
		return 0;
	return set_scalar(r, (uint32_t)g, (const char *)&v, false);
}

/* BPF only has boot-time clocks: wall clock = boot time + this. */
static int64_t realtime_offset(void)
{
	struct timespec rt, bt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000LL +
	       (rt.tv_nsec - bt.tv_nsec);
}

/* "$N" / "@N" globals take the positional parameters, then the runner's
 * own: target() and the wall clock offset. */
static int apply_args(struct runner *r)
{
	char name[16];
	int64_t target = r->opt.target;

	for (uint32_t n = 1; n <= r->meta.header.nargs; n++) {
		for (const char *pre = "$@"; *pre; pre++) {
			int g;

			snprintf(name, sizeof(name), "%c%u", *pre, n);
			g = find_global(r, name);
			if (g < 0)
				continue;
			if ((int)n > r->opt.nargs) {
				fprintf(stderr, RUNNER_NAME ": the script "
					"uses %s but only %d argument%s "
					"given\n", name, r->opt.nargs,
					r->opt.nargs == 1 ? " was" : "s were");
				return -1;
			}
			if (set_scalar(r, (uint32_t)g, r->opt.args[n - 1],
				       r->meta.globals[g].value_type ==
				       BO_TYPE_LONG))
				return -1;
		}
	}
	if (r->child > 0)
		target = r->child;
	if (!target && (r->meta.header.flags & BO_F_NEEDS_TARGET))
		runner_warn(r, "the script uses target(), but neither -c nor "
			    "-x was given: target() is 0");
	return set_hidden(r, BO_GLOBAL_TARGET, target) ||
	       set_hidden(r, BO_GLOBAL_REALTIME, realtime_offset()) ||
	       set_hidden(r, BO_GLOBAL_RUNNER_PID, getpid()) ? -1 : 0;
}

/*
 * Scalars live in .bss, which the kernel zeroes: their initial values, then
 * -G, the positional parameters and target() are written in place.
 */
int object_init_globals(struct runner *r)
{
	if (collect_maps(r) || check_globals(r))
		return -1;
	for (uint32_t g = 0; g < r->meta.n_globals; g++) {
		const struct bo_global *gl = &r->meta.globals[g];

		if (!is_scalar(gl))
			continue;
		if (gl->value_type == BO_TYPE_LONG && gl->init_long &&
		    set_scalar(r, g, (const char *)&gl->init_long, false))
			return -1;
		if (gl->value_type == BO_TYPE_STRING && gl->init_string &&
		    set_scalar(r, g, bo_str(&r->meta, gl->init_string), false))
			return -1;
	}
	return apply_gopts(r) || apply_args(r) ? -1 : 0;
}

/* IDs of the programs libbpf loaded, to watch them go. */
static uint32_t *loaded_ids(struct runner *r, int *n)
{
	struct bpf_program *p;
	uint32_t *ids;
	int k = 0;

	*n = 0;
	bpf_object__for_each_program(p, r->obj)
		k++;
	ids = calloc(k + 1, sizeof(*ids));
	if (!ids)
		return NULL;
	bpf_object__for_each_program(p, r->obj) {
		struct bpf_prog_info info = { 0 };
		uint32_t len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			ids[(*n)++] = info.id;
	}
	return ids;
}

/*
 * The kernel frees a closed program a little later (an RCU grace period,
 * longer for BPF trampolines). Wait for that, briefly, so that when the
 * runner has exited nothing of the run can be seen loaded.
 */
static void wait_released(const uint32_t *ids, int n)
{
	for (int tries = 0; tries < 250; tries++) {
		bool alive = false;

		for (int i = 0; i < n && !alive; i++) {
			int fd = bpf_prog_get_fd_by_id(ids[i]);

			if (fd >= 0) {
				close(fd);
				alive = true;
			}
		}
		if (!alive)
			return;
		usleep(2000);
	}
}

void object_close(struct runner *r)
{
	uint32_t *ids = NULL;
	int n_ids = 0;

	if (r->obj)
		ids = loaded_ids(r, &n_ids);
	for (int i = 0; i < r->n_data; i++) {
		if (r->data[i].copy)
			free(r->data[i].copy);
		else if (r->data[i].mem)
			munmap(r->data[i].mem, r->data[i].size);
	}
	free(r->data);
	r->data = NULL;
	r->n_data = 0;
	free(r->maps);
	r->maps = NULL;
	r->n_maps = 0;
	if (r->obj)
		bpf_object__close(r->obj);
	r->obj = NULL;
	if (ids)
		wait_released(ids, n_ids);
	free(ids);
	reloc_close(r->relo);
	r->relo = NULL;
	lean_release(r);
	for (uint32_t i = 0; r->fmts && i < r->meta.n_formats; i++)
		fmt_release(&r->fmts[i]);
	free(r->fmts);
	r->fmts = NULL;
	multi_release(r);
	free(r->probes);
	r->probes = NULL;
	free(r->globals);
	r->globals = NULL;
	free(r->log_buf);
	r->log_buf = NULL;
	bo_meta_release(&r->meta);
}

static bool has_tracefs_probes(struct runner *r)
{
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		uint32_t k = r->meta.probes[i].kind;

		if (k == BO_PROBE_TRACEPOINT || k == BO_PROBE_UPROBE ||
		    k == BO_PROBE_USDT || k == BO_PROBE_KPROBE ||
		    k == BO_PROBE_PROCESS_BEGIN || k == BO_PROBE_PROCESS_END)
			return true;
	}
	return false;
}

/* Classic tracepoints and uprobes need tracefs; mount it if we can. */
int mount_tracefs_if_needed(struct runner *r)
{
	struct stat st;

	if (!has_tracefs_probes(r))
		return 0;
	if (!stat("/sys/kernel/tracing/events", &st) ||
	    !stat("/sys/kernel/debug/tracing/events", &st))
		return 0;
	if (geteuid() != 0)
		return 0;
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) &&
	    r->opt.verbose)
		fprintf(stderr, RUNNER_NAME ": cannot mount tracefs: %s\n",
			strerror(errno));
	else if (r->opt.verbose)
		fprintf(stderr, RUNNER_NAME ": mounted tracefs at "
			"/sys/kernel/tracing\n");
	return 0;
}
