// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -l / -L: list the probe points matching a pattern.
 *
 * Alias names come from the tapset index, so -l parses no tapset at all.
 * Provider points come from each provider's list(). With -L, an alias is
 * elaborated as if the user had written `probe NAME {}`: its locals (what
 * the prologues set) are listed with their types, then the $variables of
 * the points it ends in, as stap does:
 *
 *	syscall.openat name:string filename:string $dfd:long $filename:long
 *
 * Output is sorted and unique, one point per line.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "elab_internal.h"
#include "parse.h"
#include "session.h"

struct listing {
	struct session *s;
	struct elab_ctx *cx;
	struct strmap seen;
	struct name_vec lines;
	const struct pp_comps *pattern;
	bool with_vars;
	const struct provider *prov;
};

static void add_line(struct listing *l, const char *point, const char *line)
{
	if (strmap_get(&l->seen, point))
		return;
	strmap_put(&l->s->arena, &l->seen, point, (void *)line);
	vec_push(&l->s->arena, &l->lines, line);
}

struct var_text {
	struct session *s;
	char *text;
};

static void emit_var_text(void *ctx, const struct context_var *v)
{
	struct var_text *vt = ctx;

	if (!v || !v->name)
		return;
	vt->text = arena_printf(&vt->s->arena, "%s $%s:%s", vt->text, v->name,
				v->type ? v->type : "long");
}

static char *point_vars(struct session *s, const struct resolved_point *rp)
{
	struct var_text vt = { s, "" };

	if (rp && rp->provider && rp->provider->variables)
		rp->provider->variables(s, rp, emit_var_text, &vt);
	return vt.text;
}

static const char *type_word(enum type_kind k)
{
	switch (k) {
	case TYPE_LONG:
		return "long";
	case TYPE_STRING:
		return "string";
	case TYPE_STATS:
		return "stats";
	default:
		return "unknown";
	}
}

/* Forget the diagnostics of a failed -L elaboration: listing goes on. */
static void drop_diags_since(struct session *s, int ndiags, int nerrors,
			     int nwarnings)
{
	s->diags.n = ndiags;
	s->nerrors = nerrors;
	s->nwarnings = nwarnings;
}

static char *alias_vars(struct listing *l, struct probe_point *name)
{
	struct session *s = l->s;
	int ndiags = s->diags.n, nerrors = s->nerrors, nw = s->nwarnings;
	struct probe_decl *pd = arena_new(&s->arena, struct probe_decl);
	struct elab_ctx cx;
	char *text = "";

	elab_ctx_init(&cx, s);
	cx.listing = true;
	pd->loc = name->loc;
	pd->body = stmt_new(&s->arena, STMT_BLOCK, name->loc);
	vec_push(&s->arena, &pd->points, name);
	expand_probe(&cx, pd);
	for (int i = 0; i < cx.prog->probes.n; i++)
		resolve_probe(&cx, cx.prog->probes.v[i]);
	if (s->nerrors == nerrors) {
		mark_reachable(&cx);
		infer_types(&cx);
	}
	if (s->nerrors == nerrors && cx.prog->probes.n) {
		struct elab_probe *ep = cx.prog->probes.v[0];

		for (int i = 0; i < ep->locals.n; i++)
			text = arena_printf(&s->arena, "%s %s:%s", text,
					    ep->locals.v[i]->name,
					    type_word(ep->locals.v[i]->type));
		if (ep->points.n)
			text = arena_printf(&s->arena, "%s%s", text,
					    point_vars(s, ep->points.v[0]));
	}
	drop_diags_since(s, ndiags, nerrors, nw);
	return text;
}

static void list_aliases(struct listing *l)
{
	struct tapset_index *ix = l->s->tapsets;

	for (int i = 0; i < ix->alias_names.n; i++) {
		struct tapset_alias_name *an = ix->alias_names.v[i];
		struct tapset_alias_vec found = { 0 };
		const char *line = an->text;

		if (an->is_private || strmap_get(&l->seen, an->text) ||
		    !pp_comps_match(l->pattern, &an->comps))
			continue;
		if (l->with_vars) {
			/* the parsed alias, to elaborate it */
			tapset_match_aliases(l->s, &an->comps, NULL, &found);
			if (found.n)
				line = arena_printf(&l->s->arena, "%s%s",
						    an->text,
						    alias_vars(l, found.v[0]->name));
		}
		add_line(l, an->text, line);
	}
}

static void emit_point(void *ctx, const char *point)
{
	struct listing *l = ctx;

	if (point)
		add_line(l, arena_strdup(&l->s->arena, point),
			 arena_strdup(&l->s->arena, point));
}

static void list_provider(struct listing *l, const struct provider *p,
			  struct probe_point *pp)
{
	struct resolved_point_vec rps = { 0 };
	int ndiags = l->s->diags.n, nerrors = l->s->nerrors;
	int nw = l->s->nwarnings;

	if (!l->with_vars || !p->resolve) {
		if (p->list)
			p->list(l->s, pp, emit_point, l);
		return;
	}
	if (p->resolve(l->s, pp, &rps) <= 0) {
		drop_diags_since(l->s, ndiags, nerrors, nw);
		if (p->list)
			p->list(l->s, pp, emit_point, l);
		return;
	}
	for (int i = 0; i < rps.n; i++) {
		struct resolved_point *rp = rps.v[i];

		if (!rp->text)
			continue;
		if (!rp->provider)
			rp->provider = p;
		add_line(l, rp->text, arena_printf(&l->s->arena, "%s%s",
						   rp->text,
						   point_vars(l->s, rp)));
	}
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int list_probe_points(struct session *s, const char *pattern, bool with_vars,
		      FILE *out)
{
	struct listing l = { .s = s, .with_vars = with_vars };
	struct source_file *src;
	struct probe_point *pp;
	struct pp_comps pc;
	bool wild_first;

	tapset_load(s);
	src = session_add_source(s, "<pattern>", pattern, strlen(pattern),
				 false);
	pp = parse_probe_point(s, src);
	if (!pp || diag_error_count(s))
		return 1;
	strmap_init(&l.seen, false);
	pp_comps_from_point(&s->arena, pp, &pc);
	l.pattern = &pc;
	list_aliases(&l);
	wild_first = pc.n && strchr(pc.v[0].name, '*');
	for (int i = 0; providers[i]; i++) {
		const struct provider *p = providers[i];
		int ndiags = s->diags.n, nerrors = s->nerrors;
		int nw = s->nwarnings;

		if (wild_first) {
			/* '*' or 'k*.**' asks everyone; misfits stay quiet */
			list_provider(&l, p, pp);
			drop_diags_since(s, ndiags, nerrors, nw);
		} else if (p->claims && p->claims(pp)) {
			list_provider(&l, p, pp);
		}
	}
	if (l.lines.n)
		qsort(l.lines.v, (size_t)l.lines.n, sizeof(*l.lines.v),
		      cmp_line);
	for (int i = 0; i < l.lines.n; i++)
		fprintf(out, "%s\n", l.lines.v[i]);
	if (diag_error_count(s))
		return 1;
	if (!l.lines.n && !diag_error_count(s)) {
		diag_hint(diag_error(s, pp->loc,
				     "no probe point matches '%s'", pattern),
			  "'bstap -l \"*\"' lists the aliases and what the providers offer");
		return 1;
	}
	return 0;
}

/* `name:type (arg:type, ...)` */
static const char *signature_line(struct session *s,
				  const struct function_decl *f)
{
	char *line = arena_printf(&s->arena, "%s:%s (", f->name,
				  type_word(f->type));

	for (int j = 0; j < f->params.n; j++)
		line = arena_printf(&s->arena, "%s%s%s:%s", line,
				    j ? ", " : "", f->params.v[j].name,
				    type_word(f->params.v[j].type));
	return arena_printf(&s->arena, "%s)", line);
}

/*
 * --dump-functions: every tapset function visible to scripts, one per line
 * in stap's form `name:type (arg:type, ...)`, sorted. Each file is parsed
 * for its signatures; nothing is elaborated. A file that does not parse
 * reports its errors and the listing goes on without it.
 */
int list_functions(struct session *s, FILE *out)
{
	struct name_vec lines = { 0 };
	struct strmap *names;

	tapset_load(s);
	names = &s->tapsets->functions;
	for (int i = 0; i < names->cap; i++) {
		const char *name = names->slots[i].key;
		struct function_decl *all[16];
		int n;

		if (!name)
			continue;
		n = tapset_functions_named(s, name, NULL, all, 16);
		for (int k = 0; k < n && k < 16; k++)
			if (!all[k]->is_private)
				vec_push(&s->arena, &lines,
					 signature_line(s, all[k]));
	}
	if (lines.n)
		qsort(lines.v, (size_t)lines.n, sizeof(*lines.v), cmp_line);
	for (int i = 0; i < lines.n; i++)
		fprintf(out, "%s\n", lines.v[i]);
	return diag_error_count(s) ? 1 : 0;
}
