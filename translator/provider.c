// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The provider table and what providers share: matching points against
 * spellings, argument checks, canonical text, -l/-L, per-session caches.
 */
#include "provider.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "providers/provider_impl.h"
#include "session.h"

const struct provider *const providers[] = {
	&begin_end_provider,
	&timer_provider,
	&perf_provider,
	&kernel_trace_provider,
	&kernel_function_provider,
	&process_provider,
	NULL,
};

const struct provider *provider_for(const struct probe_point *pp)
{
	if (!pp || pp->components.n == 0)
		return NULL;
	for (int i = 0; providers[i]; i++)
		if (providers[i]->claims(pp))
			return providers[i];
	return NULL;
}

/* ------------------------------------------------------------ spellings */

enum arg_kind { ARG_NONE, ARG_NUM, ARG_STR, ARG_EITHER };

struct spell_comp {
	char name[32];
	enum arg_kind arg;
};

struct spelling {
	int n;
	struct spell_comp c[PP_MAX_COMPONENTS];
};

/* Split "process(\"PATH\").function(\"F\").return" into components. */
static void spelling_parse(const char *text, struct spelling *sp)
{
	const char *p = text;

	sp->n = 0;
	while (*p && sp->n < PP_MAX_COMPONENTS) {
		struct spell_comp *c = &sp->c[sp->n++];
		size_t len = strcspn(p, ".(");

		if (len >= sizeof(c->name))
			len = sizeof(c->name) - 1;
		memcpy(c->name, p, len);
		c->name[len] = '\0';
		p += strcspn(p, ".(");
		c->arg = ARG_NONE;
		if (*p == '(') {
			const char *end = strchr(p, ')');
			size_t alen = end ? (size_t)(end - p) : strlen(p);
			bool str = memchr(p, '"', alen) != NULL;
			bool either = str && memchr(p, '|', alen) != NULL;

			c->arg = either ? ARG_EITHER : str ? ARG_STR : ARG_NUM;
			p = end ? end + 1 : p + alen;
		}
		if (*p == '.')
			p++;
	}
}

static bool arg_fits(enum arg_kind want, const struct probe_component *c)
{
	switch (want) {
	case ARG_NONE:
		return !c->arg;
	case ARG_NUM:
		return c->arg && c->arg->kind == EXPR_NUMBER;
	case ARG_STR:
		return c->arg && c->arg->kind == EXPR_STRING;
	case ARG_EITHER:
		return c->arg && (c->arg->kind == EXPR_NUMBER ||
				  c->arg->kind == EXPR_STRING);
	}
	return false;
}

/* An all-capitals spelling name (EVENT) stands for any written name. */
static bool is_placeholder(const char *name)
{
	if (!*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || *p == '_'))
			return false;
	return true;
}

static bool name_fits(const char *written, const char *name)
{
	if (is_placeholder(name))
		return true;
	if (glob_has(written))
		return glob_match(written, name);
	return !strcmp(written, name);
}

static bool is_globstar(const struct probe_component *c)
{
	return !strcmp(c->name, "**") && !c->arg;
}

/*
 * Match written components [wi..] against spelling components [si..];
 * on success fill m from position si on. `**` takes one or more.
 */
static bool match_from(const struct probe_point *pp, int wi,
		       const struct spelling *sp, int si, struct pp_match *m)
{
	if (wi == pp->components.n)
		return si == sp->n;
	if (si == sp->n)
		return false;

	const struct probe_component *c = &pp->components.v[wi];

	if (is_globstar(c)) {
		/* ** cannot stand for components that need an argument */
		for (int take = 1; si + take <= sp->n; take++) {
			if (sp->c[si + take - 1].arg != ARG_NONE)
				break;
			if (!match_from(pp, wi + 1, sp, si + take, m))
				continue;
			for (int k = 0; k < take; k++)
				m->comps[si + k] = c;
			m->wild = true;
			return true;
		}
		return false;
	}
	if (!name_fits(c->name, sp->c[si].name) || !arg_fits(sp->c[si].arg, c))
		return false;
	if (!match_from(pp, wi + 1, sp, si + 1, m))
		return false;
	m->comps[si] = c;
	if (glob_has(c->name))
		m->wild = true;
	return true;
}

/* Examples for "needs a number" hints, by component name. */
static const struct {
	const char *name;
	const char *example;
} arg_examples[] = {
	{ "randomize", "10" }, { "sample", "1000000" }, { "type", "1" },
	{ "config", "0" }, { "begin", "-1" }, { "end", "1" },
	{ "error", "1" }, { "trace", "\"sched:sched_switch\"" },
	{ "function", "\"vfs_read\"" }, { "module", "\"ext4\"" },
	{ "process", "\"/bin/ls\"" }, { "library", "\"libc.so.6\"" },
	{ "mark", "\"name\"" }, { "provider", "\"name\"" },
	{ "plt", "\"malloc\"" }, { "statement", "\"main@main.c:10\"" },
	{ "counter", "\"c1\"" },
};

static const char *example_for(const char *name, enum arg_kind kind)
{
	for (size_t i = 0; i < sizeof(arg_examples) / sizeof(arg_examples[0]);
	     i++)
		if (!strcmp(arg_examples[i].name, name)) {
			bool str = arg_examples[i].example[0] == '"';

			if ((kind == ARG_STR) == str || kind == ARG_EITHER)
				return arg_examples[i].example;
		}
	return kind == ARG_STR ? "\"...\"" : "100";
}

/* The written components [0, n) as text, for messages. */
static char *prefix_text(struct session *s, const struct probe_point *pp,
			 int n)
{
	char *t = arena_strdup(&s->arena, "");

	for (int i = 0; i < n && i < pp->components.n; i++) {
		const struct probe_component *c = &pp->components.v[i];

		t = arena_printf(&s->arena, "%s%s%s", t, i ? "." : "", c->name);
		if (c->arg && c->arg->kind == EXPR_NUMBER)
			t = arena_printf(&s->arena, "%s(%" PRId64 ")", t,
					 c->arg->num);
		else if (c->arg && c->arg->kind == EXPR_STRING)
			t = arena_printf(&s->arena, "%s(%s)", t,
					 pp_quote(s, c->arg->str));
	}
	return t;
}

/* Every provider's spellings, parsed once per call; small and static. */
struct all_spellings {
	struct spelling *v;
	const char **text;
	int n;
};

static void all_spellings_load(struct session *s, struct all_spellings *all)
{
	int n = 0;

	for (int i = 0; providers[i]; i++)
		for (int j = 0; providers[i]->spellings[j]; j++)
			n++;
	all->v = arena_alloc(&s->arena, n * sizeof(*all->v));
	all->text = arena_alloc(&s->arena, n * sizeof(*all->text));
	all->n = 0;
	for (int i = 0; providers[i]; i++)
		for (int j = 0; providers[i]->spellings[j]; j++) {
			all->text[all->n] = providers[i]->spellings[j];
			spelling_parse(providers[i]->spellings[j],
				       &all->v[all->n++]);
		}
}

/* Does spelling sp match the written components [0, d) exactly? */
static bool prefix_fits(const struct probe_point *pp, int d,
			const struct spelling *sp)
{
	if (sp->n < d)
		return false;
	for (int i = 0; i < d; i++) {
		const struct probe_component *c = &pp->components.v[i];

		if (is_globstar(c))
			return false;
		if (!name_fits(c->name, sp->c[i].name) ||
		    !arg_fits(sp->c[i].arg, c))
			return false;
	}
	return true;
}

/* Distinct names spellings offer at position d after a fitting prefix. */
static int next_names(struct session *s, const struct all_spellings *all,
		      const struct probe_point *pp, int d, const char ***out)
{
	const char **names = arena_alloc(&s->arena,
					 (all->n + 1) * sizeof(*names));
	int n = 0;

	for (int i = 0; i < all->n; i++) {
		const struct spelling *sp = &all->v[i];
		bool seen = false;

		if (sp->n <= d || !prefix_fits(pp, d, sp))
			continue;
		seen = is_placeholder(sp->c[d].name);
		for (int k = 0; k < n && !seen; k++)
			seen = !strcmp(names[k], sp->c[d].name);
		if (!seen)
			names[n++] = sp->c[d].name;
	}
	*out = names;
	return n;
}

static char *join_names(struct session *s, const char **names, int n)
{
	char *t = arena_strdup(&s->arena, "");

	for (int i = 0; i < n; i++)
		t = arena_printf(&s->arena, "%s%s%s", t, i ? ", " : "",
				 names[i]);
	return t;
}

/* The spelling, among those fitting [0, d), that names component d. */
static const struct spell_comp *named_at(const struct all_spellings *all,
					 const struct probe_point *pp, int d,
					 const struct probe_component *c)
{
	const struct spell_comp *any = NULL;

	for (int i = 0; i < all->n; i++) {
		const struct spelling *sp = &all->v[i];

		if (sp->n <= d || !name_fits(c->name, sp->c[d].name) ||
		    !prefix_fits(pp, d, sp))
			continue;
		/* prefer the variant that takes an argument when one was
		 * written (begin("x") should hear about begin(N)) */
		if ((sp->c[d].arg != ARG_NONE) == (c->arg != NULL))
			return &sp->c[d];
		if (!any)
			any = &sp->c[d];
	}
	return any;
}

static void report_arg_kind(struct session *s, const struct probe_point *pp,
			    int d, const struct spell_comp *want)
{
	const struct probe_component *c = &pp->components.v[d];
	char *what = d ? arena_printf(&s->arena, "%s.%s",
				      prefix_text(s, pp, d), want->name)
		       : arena_strdup(&s->arena, want->name);
	const char *kind = want->arg == ARG_NUM ? "a number" :
			   want->arg == ARG_STR ? "a string" :
			   "a path (string) or a process id (number)";

	if (want->arg == ARG_NONE) {
		diag_hint(diag_error(s, c->loc, "%s takes no argument", what),
			  "write it as %s", what);
		return;
	}
	diag_hint(diag_error(s, c->loc, "%s needs %s argument%s", what, kind,
			     c->arg ? c->arg->kind == EXPR_STRING ?
				      ", not a string" : ", not a number" :
			     ""),
		  "write it as %s(%s)", what, example_for(want->name,
							   want->arg));
}

/*
 * process.function("f"): the names fit a spelling up to and including
 * component d, but an earlier argument does not (process needs a path).
 * Report that argument rather than an unknown component.
 */
static bool report_earlier_arg(struct session *s,
			       const struct all_spellings *all,
			       const struct probe_point *pp, int d)
{
	for (int i = 0; i < all->n; i++) {
		const struct spelling *sp = &all->v[i];
		int bad = -1;

		if (sp->n <= d)
			continue;
		for (int k = 0; k <= d; k++) {
			const struct probe_component *c = &pp->components.v[k];

			if (is_globstar(c) || !name_fits(c->name, sp->c[k].name))
				break;
			if (bad < 0 && !arg_fits(sp->c[k].arg, c))
				bad = k;
			if (k == d && bad >= 0) {
				report_arg_kind(s, pp, bad, &sp->c[bad]);
				return true;
			}
		}
	}
	return false;
}

/* Nothing matched: find the first component no spelling explains. */
static void report_mismatch(struct session *s, const struct probe_point *pp)
{
	struct all_spellings all;
	const char **names;
	int d = 0, n;

	all_spellings_load(s, &all);
	while (d < pp->components.n) {
		bool any = false;

		for (int i = 0; i < all.n && !any; i++)
			any = prefix_fits(pp, d + 1, &all.v[i]);
		if (!any)
			break;
		d++;
	}

	n = next_names(s, &all, pp, d, &names);
	if (d == pp->components.n) {
		struct src_loc loc = pp->components.v[d - 1].loc;

		diag_hint(diag_error(s, loc, "incomplete probe point '%s'",
				     prefix_text(s, pp, d)),
			  "continue it with one of: %s",
			  join_names(s, names, n));
		return;
	}

	const struct probe_component *c = &pp->components.v[d];
	const struct spell_comp *want = named_at(&all, pp, d, c);

	if (want && !is_globstar(c)) {
		report_arg_kind(s, pp, d, want);
		return;
	}
	if (report_earlier_arg(s, &all, pp, d))
		return;
	if (n == 0) {
		diag_hint(diag_error(s, c->loc,
				     "unexpected '.%s' after '%s'", c->name,
				     prefix_text(s, pp, d)),
			  "the probe point ends at '%s'",
			  prefix_text(s, pp, d));
		return;
	}

	const char *close = diag_closest(c->name, names, n);
	struct diag *dg = d ? diag_error(s, c->loc,
					 "unknown probe point component '%s' after '%s'",
					 c->name, prefix_text(s, pp, d))
			    : diag_error(s, c->loc,
					 "unknown probe point '%s'", c->name);

	if (close)
		diag_hint(dg, "did you mean '%s'?", close);
	else
		diag_hint(dg, "expected one of: %s", join_names(s, names, n));
}

int pp_match(struct session *s, const struct provider *p,
	     const struct probe_point *pp, struct pp_match *matches)
{
	int found = 0;

	if (pp->components.n > PP_MAX_COMPONENTS) {
		diag_hint(diag_error(s, pp->loc, "probe point has too many components"),
			  "no probe point has more than %d", PP_MAX_COMPONENTS);
		return 0;
	}
	for (int i = 0; p->spellings[i] && found < PP_MAX_MATCHES; i++) {
		struct spelling sp;
		struct pp_match *m = &matches[found];

		spelling_parse(p->spellings[i], &sp);
		memset(m, 0, sizeof(*m));
		if (!match_from(pp, 0, &sp, 0, m))
			continue;
		m->spelling = i;
		m->n = sp.n;
		for (int k = 0; k < sp.n; k++)
			m->names[k] = arena_strdup(&s->arena, sp.c[k].name);
		found++;
	}
	if (!found)
		report_mismatch(s, pp);
	return found;
}

bool provider_claims_first(const struct provider *p,
			   const struct probe_point *pp)
{
	const char *first = pp->components.v[0].name;

	for (int i = 0; p->spellings[i]; i++) {
		struct spelling sp;

		spelling_parse(p->spellings[i], &sp);
		if (sp.n && name_fits(first, sp.c[0].name))
			return true;
	}
	return false;
}

int m_index(const struct pp_match *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->names[i], name))
			return i;
	return -1;
}

const struct probe_component *m_comp(const struct pp_match *m,
				     const char *name)
{
	int i = m_index(m, name);

	return i < 0 ? NULL : m->comps[i];
}

bool m_has(const struct pp_match *m, const char *name)
{
	return m_index(m, name) >= 0;
}

int64_t m_num(const struct pp_match *m, const char *name)
{
	const struct probe_component *c = m_comp(m, name);

	return c && c->arg && c->arg->kind == EXPR_NUMBER ? c->arg->num : 0;
}

const char *m_str(const struct pp_match *m, const char *name)
{
	const struct probe_component *c = m_comp(m, name);

	return c && c->arg && c->arg->kind == EXPR_STRING ? c->arg->str : NULL;
}

char *m_what(struct session *s, const struct pp_match *m, const char *name)
{
	int last = m_index(m, name);
	char *t = arena_strdup(&s->arena, "");

	for (int i = 0; i <= last; i++)
		t = arena_printf(&s->arena, "%s%s%s", t, i ? "." : "",
				 m->names[i]);
	return t;
}

char *m_text(struct session *s, const struct pp_match *m,
	     const char *const *subst)
{
	char *t = arena_strdup(&s->arena, "");

	for (int i = 0; i < m->n; i++) {
		const struct probe_component *c = m->comps[i];
		const struct expr *a = is_globstar(c) ? NULL : c->arg;

		t = arena_printf(&s->arena, "%s%s%s", t, i ? "." : "",
				 is_placeholder(m->names[i]) ? c->name :
				 m->names[i]);
		if (subst && subst[i])
			t = arena_printf(&s->arena, "%s(%s)", t,
					 pp_quote(s, subst[i]));
		else if (a && a->kind == EXPR_NUMBER)
			t = arena_printf(&s->arena, "%s(%" PRId64 ")", t,
					 a->num);
		else if (a && a->kind == EXPR_STRING)
			t = arena_printf(&s->arena, "%s(%s)", t,
					 pp_quote(s, a->str));
	}
	return t;
}

char *pp_quote(struct session *s, const char *text)
{
	size_t n = strlen(text);
	char *q = arena_alloc(&s->arena, 2 * n + 3), *o = q;

	*o++ = '"';
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o++ = '"';
	*o = '\0';
	return q;
}

bool glob_has(const char *s)
{
	return s && strpbrk(s, "*?[") != NULL;
}

bool glob_match(const char *pattern, const char *text)
{
	return fnmatch(pattern, text, 0) == 0;
}

/* --------------------------------------------------------- argument checks */

bool arg_nonempty(struct session *s, const struct probe_component *c,
		  const char *what)
{
	if (c->arg && c->arg->kind == EXPR_STRING && c->arg->str &&
	    c->arg->str[0])
		return true;
	diag_hint(diag_error(s, c->loc, "%s needs a non-empty name", what),
		  "write it as %s(%s)", what,
		  example_for(c->name, ARG_STR));
	return false;
}

bool arg_range(struct session *s, const struct probe_component *c,
	       const char *what, int64_t lo, int64_t hi)
{
	int64_t v = c->arg ? c->arg->num : 0;

	if (v >= lo && v <= hi)
		return true;
	diag_hint(diag_error(s, c->loc, "%s(%" PRId64 ") is out of range",
			     what, v),
		  "use a value from %" PRId64 " to %" PRId64, lo, hi);
	return false;
}

/* ------------------------------------------------------- resolved points */

struct resolved_point *rp_new(struct session *s, const struct provider *p,
			      const struct probe_point *pp, const char *text,
			      enum probe_tier tier)
{
	struct resolved_point *rp = arena_new(&s->arena, struct resolved_point);

	rp->provider = p;
	rp->text = text;
	rp->written = (struct probe_point *)pp;
	rp->tier = tier;
	return rp;
}

void rp_push(struct session *s, struct resolved_point_vec *out,
	     struct resolved_point *rp)
{
	vec_push(&s->arena, out, rp);
}

/* By text, then address: inline instances share their text. */
static int rp_cmp(const void *a, const void *b)
{
	const struct resolved_point *x = *(const struct resolved_point *const *)a;
	const struct resolved_point *y = *(const struct resolved_point *const *)b;
	int c = strcmp(x->text, y->text);

	if (c)
		return c;
	return x->address < y->address ? -1 : x->address > y->address;
}

void rp_sort(struct resolved_point_vec *out, int from)
{
	int n = out->n - from, kept = 0;

	if (n <= 1)
		return;
	qsort(out->v + from, n, sizeof(*out->v), rp_cmp);
	for (int i = 0; i < n; i++) {
		struct resolved_point *rp = out->v[from + i];

		if (kept && !rp_cmp(&out->v[from + kept - 1], &rp))
			continue;
		out->v[from + kept++] = rp;
	}
	out->n = from + kept;
}

bool pp_is_optional(const struct probe_point *pp)
{
	return pp->optional || pp->sufficient;
}

void var_emit(void (*emit)(void *ctx, const struct context_var *v), void *ctx,
	      const char *name, const char *type, enum type_kind script_type,
	      enum context_var_source source, int index, int size)
{
	struct context_var v = {
		.name = name,
		.type = type,
		.script_type = script_type,
		.source = source,
		.index = index,
		.size = size,
	};

	emit(ctx, &v);
}

/* ------------------------------------------------------------ resolve, -l */

int provider_resolve_via(const struct provider *p, struct session *s,
			 struct probe_point *pp,
			 struct resolved_point_vec *out)
{
	return p->expand(s, pp, false, out);
}

void provider_list_via(const struct provider *p, struct session *s,
		       const struct probe_point *pattern,
		       void (*emit)(void *ctx, const char *point), void *ctx)
{
	struct resolved_point_vec v = { 0 };

	if (p->expand(s, pattern, true, &v) <= 0)
		return;
	for (int i = 0; i < v.n; i++)
		emit(ctx, v.v[i]->text);
}

struct line_ctx {
	struct session *s;
	char *line;
	const char **seen;
	int nseen;
};

static void add_var(void *ctx, const struct context_var *v)
{
	struct line_ctx *lc = ctx;

	for (int i = 0; i < lc->nseen; i++)
		if (!strcmp(lc->seen[i], v->name))
			return;
	if (lc->nseen < 256)
		lc->seen[lc->nseen++] = v->name;
	lc->line = arena_printf(&lc->s->arena, "%s $%s:%s", lc->line,
				v->name, v->type);
}

int provider_list_points(struct session *s, const struct probe_point *pattern,
			 bool with_vars,
			 void (*emit)(void *ctx, const char *line), void *ctx)
{
	const struct provider *p = provider_for(pattern);
	struct resolved_point_vec v = { 0 };
	const char *seen[256];
	int n;

	if (!p)
		return 0;
	n = p->expand(s, pattern, true, &v);
	if (n < 0)
		return -1;
	rp_sort(&v, 0);
	for (int i = 0; i < v.n; i++) {
		struct line_ctx lc = {
			.s = s, .line = (char *)v.v[i]->text, .seen = seen,
		};

		if (with_vars && p->variables)
			p->variables(s, v.v[i], add_var, &lc);
		emit(ctx, lc.line);
	}
	return v.n;
}

void provider_report_unclaimed(struct session *s,
			       const struct probe_point *pp)
{
	if (pp->components.n == 0)
		return;
	report_mismatch(s, pp);
}

/* ---------------------------------------------------------------- caches */

/*
 * Facts read from the system (BTF, tracefs, ELF files, kernel config) are
 * loaded once per session and kept in the session's provider_caches.
 */
struct provider_caches {
	void *value[SLOT_COUNT];
	void (*release[SLOT_COUNT])(void *v);
};

static struct provider_caches *caches(struct session *s)
{
	if (!s->provider_caches)
		s->provider_caches = calloc(1, sizeof(*s->provider_caches));
	return s->provider_caches;
}

void *provider_cache_get(struct session *s, enum provider_slot slot)
{
	struct provider_caches *c = caches(s);

	return c ? c->value[slot] : NULL;
}

void provider_cache_set(struct session *s, enum provider_slot slot, void *v,
			void (*release)(void *v))
{
	struct provider_caches *c = caches(s);

	if (!c) {
		if (v && release)
			release(v);
		return;
	}
	if (c->value[slot] && c->release[slot])
		c->release[slot](c->value[slot]);
	c->value[slot] = v;
	c->release[slot] = release;
}

void provider_session_release(struct session *s)
{
	struct provider_caches *c = s ? s->provider_caches : NULL;

	if (!c)
		return;
	for (int i = 0; i < SLOT_COUNT; i++)
		if (c->value[i] && c->release[i])
			c->release[i](c->value[i]);
	free(c);
	s->provider_caches = NULL;
}
