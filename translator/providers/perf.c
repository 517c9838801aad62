// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf.sw.EVENT, perf.hw.EVENT, perf.hw_cache.CACHE.OP.RESULT and
 * perf.type(T).config(C), each optionally followed by .sample(N), .hz(N),
 * .process("PATH"), .process, .counter("NAME") or
 * .process("PATH").counter("NAME"), as stap's perf probes.
 *
 * All are kernel-tier perf_event programs. resolved_point: perf_type and
 * perf_config as in perf_event_attr; number the sample period (default
 * 1000000, stap's) or, with perf_freq, the frequency; path the process to
 * count in (NULL: system wide); perf_counter a counter name.
 *
 * Whether the host has the event (hardware events do not exist in most
 * VMs) is only known when the runner opens it: it reports that, not us.
 */
#include <inttypes.h>
#include <string.h>

#include "diag.h"
#include "provider_impl.h"
#include "session.h"

#define PERF_TYPE_HARDWARE 0
#define PERF_TYPE_SOFTWARE 1
#define PERF_TYPE_HW_CACHE 3
#define DEFAULT_PERIOD 1000000

#define SUFFIXES(base)							\
	base, base ".sample(N)", base ".hz(N)",				\
	base ".process(\"PATH\")", base ".process",			\
	base ".counter(\"NAME\")",					\
	base ".process(\"PATH\").counter(\"NAME\")"

static const char *const perf_spellings[] = {
	SUFFIXES("perf.sw.EVENT"),
	SUFFIXES("perf.hw.EVENT"),
	SUFFIXES("perf.hw_cache.CACHE.OP.RESULT"),
	SUFFIXES("perf.type(T).config(C)"),
	NULL,
};

static const char *const sw_events[] = {
	"cpu_clock", "task_clock", "page_faults", "context_switches",
	"cpu_migrations", "page_faults_min", "page_faults_maj",
	"alignment_faults", "emulation_faults", NULL,
};

static const char *const hw_events[] = {
	"cpu_cycles", "instructions", "cache_references", "cache_misses",
	"branch_instructions", "branch_misses", "bus_cycles",
	"stalled_cycles_frontend", "stalled_cycles_backend",
	"ref_cpu_cycles", NULL,
};

static const char *const caches[] = {
	"l1d", "l1i", "ll", "dtlb", "itlb", "bpu", "node", NULL,
};
static const char *const cache_ops[] = { "read", "write", "prefetch", NULL };
static const char *const cache_results[] = { "access", "miss", NULL };

static bool perf_claims(const struct probe_point *pp)
{
	return provider_claims_first(&perf_provider, pp);
}

static int table_len(const char *const *t)
{
	int n = 0;

	while (t[n])
		n++;
	return n;
}

/*
 * The indexes in table that the written component names (a glob may
 * name several); reports an unknown name. Returns the count, -1 on error.
 */
static int pick(struct session *s, const struct probe_component *c,
		bool quiet, const char *what, const char *const *table,
		int *idx)
{
	int n = 0;

	for (int i = 0; table[i]; i++)
		if (glob_match(c->name, table[i]))
			idx[n++] = i;
	if (n || quiet || glob_has(c->name))
		return n;

	const char *close = diag_closest(c->name, table, table_len(table));
	struct diag *d = diag_error(s, c->loc, "unknown %s '%s'", what,
				    c->name);

	if (close)
		diag_hint(d, "did you mean '%s'?", close);
	else
		diag_hint(d, "bstap -l 'perf.**' lists them all");
	return -1;
}

/* The suffix text (".sample(1000)" ...) as written. */
static char *suffix_text(struct session *s, const struct pp_match *m, int from)
{
	struct pp_match tail = *m;

	tail.n = m->n - from;
	for (int i = 0; i < tail.n; i++) {
		tail.names[i] = m->names[from + i];
		tail.comps[i] = m->comps[from + i];
	}
	return tail.n ? arena_printf(&s->arena, ".%s", m_text(s, &tail, NULL))
		      : arena_strdup(&s->arena, "");
}

static bool apply_suffixes(struct session *s, const struct pp_match *m,
			   struct resolved_point *rp)
{
	const struct probe_component *c;

	rp->number = DEFAULT_PERIOD;
	if ((c = m_comp(m, "sample"))) {
		if (!arg_range(s, c, "sample", 1, INT64_MAX))
			return false;
		rp->number = c->arg->num;
	}
	if ((c = m_comp(m, "hz"))) {
		if (!arg_range(s, c, "hz", 1, INT64_MAX))
			return false;
		rp->number = c->arg->num;
		rp->perf_freq = true;
	}
	if ((c = m_comp(m, "process"))) {
		rp->path = m_str(m, "process");
		if (!rp->path && !s->target_cmd) {
			diag_hint(diag_error(s, c->loc,
					     "perf .process without a path needs -c COMMAND"),
				  "name the program: .process(\"/bin/ls\"), or run with -c");
			return false;
		}
		if (rp->path && (!arg_nonempty(s, c, "process") ||
				 !(rp->path = process_find_program(s, c,
								   rp->path))))
			return false;
		/* bare .process: the -c command, checked when it is run */
		if (!rp->path)
			rp->path = s->target_cmd;
	}
	if ((c = m_comp(m, "counter"))) {
		if (!arg_nonempty(s, c, "counter"))
			return false;
		if (glob_has(c->arg->str)) {
			diag_hint(diag_error(s, c->loc,
					     "a perf counter name cannot hold wildcards"),
				  "name it plainly: .counter(\"cycles\")");
			return false;
		}
		rp->perf_counter = c->arg->str;
		rp->number = 0;
	}
	return true;
}

static struct resolved_point *event(struct session *s,
				    const struct probe_point *pp,
				    const struct pp_match *m, const char *name,
				    int suffix_from, uint32_t type,
				    uint64_t config)
{
	struct resolved_point *rp;
	char *text = arena_printf(&s->arena, "perf.%s%s", name,
				  suffix_text(s, m, suffix_from));

	rp = rp_new(s, &perf_provider, pp, text, TIER_KERNEL);
	rp->target = name;
	rp->perf_type = type;
	rp->perf_config = config;
	return apply_suffixes(s, m, rp) ? rp : NULL;
}

/* perf.sw.EVENT and perf.hw.EVENT */
static int expand_named(struct session *s, const struct probe_point *pp,
			const struct pp_match *m, bool quiet,
			struct resolved_point_vec *out)
{
	bool sw = !strcmp(m->names[1], "sw");
	const char *const *table = sw ? sw_events : hw_events;
	int idx[16], n;

	n = pick(s, m->comps[2], quiet, sw ? "software perf event" :
			     "hardware perf event", table, idx);
	for (int i = 0; i < n; i++) {
		const char *name = arena_printf(&s->arena, "%s.%s",
						m->names[1], table[idx[i]]);
		struct resolved_point *rp;

		rp = event(s, pp, m, name, 3, sw ? PERF_TYPE_SOFTWARE :
					      PERF_TYPE_HARDWARE, idx[i]);
		if (!rp)
			return -1;
		rp_push(s, out, rp);
	}
	return n;
}

/* perf.hw_cache.CACHE.OP.RESULT */
static int expand_cache(struct session *s, const struct probe_point *pp,
			const struct pp_match *m, bool quiet,
			struct resolved_point_vec *out)
{
	int ci[8], oi[4], ri[4], nc, no, nr, total = 0;

	nc = pick(s, m->comps[2], quiet, "cache", caches, ci);
	no = nc < 0 ? -1 : pick(s, m->comps[3], quiet, "cache operation",
				cache_ops, oi);
	nr = no < 0 ? -1 : pick(s, m->comps[4], quiet, "cache result",
				cache_results, ri);
	if (nr < 0)
		return -1;
	for (int a = 0; a < nc; a++)
		for (int b = 0; b < no; b++)
			for (int c = 0; c < nr; c++) {
				const char *name = arena_printf(&s->arena,
					"hw_cache.%s.%s.%s", caches[ci[a]],
					cache_ops[oi[b]], cache_results[ri[c]]);
				uint64_t config = ci[a] | oi[b] << 8 |
						  ri[c] << 16;
				struct resolved_point *rp;

				rp = event(s, pp, m, name, 5,
					   PERF_TYPE_HW_CACHE, config);
				if (!rp)
					return -1;
				rp_push(s, out, rp);
				total++;
			}
	return total;
}

/* perf.type(T).config(C) */
static int expand_raw(struct session *s, const struct probe_point *pp,
		      const struct pp_match *m, struct resolved_point_vec *out)
{
	const struct probe_component *t = m->comps[1], *c = m->comps[2];
	struct resolved_point *rp;
	const char *name;

	if (!arg_range(s, t, "perf.type", 0, UINT32_MAX) ||
	    !arg_range(s, c, "config", 0, INT64_MAX))
		return -1;
	name = arena_printf(&s->arena, "type(%" PRId64 ").config(%" PRId64 ")",
			    t->arg->num, c->arg->num);
	rp = event(s, pp, m, name, 3, t->arg->num, c->arg->num);
	if (!rp)
		return -1;
	rp_push(s, out, rp);
	return 1;
}

static int perf_expand(struct session *s, const struct probe_point *pp,
		       bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];
	int n = pp_match(s, &perf_provider, pp, m), from = out->n;

	if (!n)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *kind = m[i].names[1];
		/* a glob chose this family: its names need not exist here */
		bool quiet = listing || m[i].wild;
		int r;

		/* perf.** should not demand -c for the bare .process form */
		if (m[i].wild && m_has(&m[i], "process") &&
		    !m_str(&m[i], "process") && !s->target_cmd)
			continue;

		if (!strcmp(kind, "hw_cache"))
			r = expand_cache(s, pp, &m[i], quiet, out);
		else if (!strcmp(kind, "type"))
			r = expand_raw(s, pp, &m[i], out);
		else
			r = expand_named(s, pp, &m[i], quiet, out);
		if (r < 0)
			return -1;
	}
	rp_sort(out, from);
	return out->n - from;
}

static void perf_variables(struct session *s, const struct resolved_point *rp,
			   void (*emit)(void *ctx, const struct context_var *v),
			   void *ctx)
{
	/* The sample's registers only, through tapset functions. */
	(void)s, (void)rp, (void)emit, (void)ctx;
}

PROVIDER_WRAPPERS(perf)

const struct provider perf_provider = {
	.name = "perf",
	.spellings = perf_spellings,
	.claims = perf_claims,
	.resolve = perf_resolve,
	.list = perf_list,
	.variables = perf_variables,
	.expand = perf_expand,
};
