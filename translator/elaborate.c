// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 2 driver, probe point resolution and alias expansion.
 *
 * A user probe's points are resolved one by one. A point that matches
 * probe alias names (the script's own, else the tapsets') is replaced by the
 * alias's points, recursively; a point no alias matches goes to the provider
 * that claims it. Each way through the aliases (the "alias path") becomes
 * one elab_probe whose body is the aliases' prologues, the user's body and
 * the epilogues, each a fresh copy: locals are per probe, and pass 2
 * annotates nodes in place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf_index.h"
#include "diag.h"
#include "elab_internal.h"
#include "parse.h"
#include "session.h"

void elab_ctx_init(struct elab_ctx *cx, struct session *s)
{
	memset(cx, 0, sizeof(*cx));
	cx->s = s;
	cx->a = &s->arena;
	cx->prog = arena_new(cx->a, struct elab_program);
	strmap_init(&cx->user_functions, false);
	strmap_init(&cx->user_globals, false);
	strmap_init(&cx->global_syms, true);
	strmap_init(&cx->efuncs, true);
	strmap_init(&cx->warned, false);
	strmap_init(&cx->resolved, true);
	strmap_init(&cx->btf_types, false);
	strmap_init(&cx->var_lists, false);
	strmap_init(&cx->user_alias_first, false);
	tapset_load(s);
}

/* ------------------------------------------------- user declarations */

/*
 * Functions of one name are overloads (stap 3.0). With different
 * parameter counts, a call picks the one with as many parameters as it
 * has arguments: the user map holds the first definition, the others hang
 * off its overload chain. With the same count, they are tried in order at
 * run time: `next` in one passes the call to the next (its fallback).
 */
static void register_function(struct elab_ctx *cx, struct file_ast *f,
			      struct function_decl *fd)
{
	struct function_decl *first, **tail;

	if (!fd->name)
		return;
	if (!fd->file)
		fd->file = f->source;
	tapset_set_decl_order(cx->s, fd);
	first = strmap_get(&cx->user_functions, fd->name);
	for (tail = &first; *tail; tail = &(*tail)->overload) {
		if ((*tail)->params.n != fd->params.n)
			continue;
		for (tail = &(*tail)->fallback; *tail; tail = &(*tail)->fallback)
			;
		*tail = fd;
		return;
	}
	*tail = fd;
	if (first == fd)
		strmap_put(cx->a, &cx->user_functions, fd->name, fd);
}

static void register_global(struct elab_ctx *cx, struct file_ast *f,
			    struct global_decl *gd)
{
	struct global_decl *old;

	if (!gd->name)
		return;
	if (!gd->file)
		gd->file = f->source;
	old = strmap_get(&cx->user_globals, gd->name);
	if (old) {
		diag_note(diag_error(cx->s, gd->loc,
				     "global '%s' is already declared",
				     gd->name),
			  old->loc, "first declared here");
		return;
	}
	tapset_set_decl_order(cx->s, gd);
	strmap_put(cx->a, &cx->user_globals, gd->name, gd);
}

struct alias_list {
	struct tapset_alias_vec aliases;
};

/* Indexed by first component, so a point looks at a handful of names. */
static void register_alias(struct elab_ctx *cx, struct probe_decl *pd)
{
	for (int i = 0; i < pd->alias_names.n; i++) {
		struct tapset_alias *ta = arena_new(cx->a, struct tapset_alias);
		struct alias_list *l;
		const char *first;

		ta->decl = pd;
		ta->name = pd->alias_names.v[i];
		pp_comps_from_point(cx->a, ta->name, &ta->comps);
		ta->text = pp_comps_text(cx->a, &ta->comps, 0, ta->comps.n);
		ta->order = cx->user_aliases.n;
		vec_push(cx->a, &cx->user_aliases, ta);
		if (!ta->comps.n)
			continue;
		first = ta->comps.v[0].name;
		if (strchr(first, '*')) {
			vec_push(cx->a, &cx->user_alias_wild, ta);
			continue;
		}
		l = strmap_get(&cx->user_alias_first, first);
		if (!l) {
			l = arena_new(cx->a, struct alias_list);
			strmap_put(cx->a, &cx->user_alias_first, first, l);
		}
		vec_push(cx->a, &l->aliases, ta);
	}
}

void embedded_c_error(struct elab_ctx *cx, struct src_loc loc)
{
	diag_hint(diag_error(cx->s, loc,
			     "embedded C is not supported: bstap compiles scripts to BPF and runs no C compiler; write it in the script language"),
		  "tapset functions can call the BPF runtime with @runtime(\"symbol\")");
}

void register_user_file(struct elab_ctx *cx, struct file_ast *f)
{
	for (int i = 0; i < f->decls.n; i++) {
		struct decl *d = &f->decls.v[i];

		switch (d->kind) {
		case DECL_FUNCTION:
			if (d->function)
				register_function(cx, f, d->function);
			break;
		case DECL_GLOBAL:
			if (d->global)
				register_global(cx, f, d->global);
			break;
		case DECL_PROBE:
			if (d->probe && d->probe->is_alias)
				register_alias(cx, d->probe);
			break;
		case DECL_EMBEDDED_C:
			/* the parser reported it */
			break;
		}
	}
}

/* ------------------------------------------------------ alias matching */

/* Two lists in declaration order into one. */
static void merge_by_order(struct elab_ctx *cx, struct tapset_alias_vec *a,
			   struct tapset_alias_vec *b,
			   struct tapset_alias_vec *out)
{
	int i = 0, j = 0, na = a ? a->n : 0;

	while (i < na || j < b->n) {
		if (j >= b->n || (i < na && a->v[i]->order < b->v[j]->order))
			vec_push(cx->a, out, a->v[i++]);
		else
			vec_push(cx->a, out, b->v[j++]);
	}
}

/*
 * The aliases a point names: the script's own, and the tapsets' except
 * where the script defines an alias of the same name (a user definition
 * shadows a library one).
 */
static void matching_aliases(struct elab_ctx *cx, const struct pp_comps *pc,
			     const struct source_file *from,
			     struct tapset_alias_vec *out)
{
	struct tapset_alias_vec lib = { 0 }, *cands = &cx->user_aliases;
	struct tapset_alias_vec some = { 0 };
	struct strmap user_names;

	strmap_init(&user_names, false);
	if (pc->n && !strchr(pc->v[0].name, '*')) {
		struct alias_list *l = strmap_get(&cx->user_alias_first,
						  pc->v[0].name);

		merge_by_order(cx, l ? &l->aliases : NULL,
			       &cx->user_alias_wild, &some);
		cands = &some;
	}
	for (int i = 0; i < cands->n; i++) {
		struct tapset_alias *ta = cands->v[i];

		if (!pp_comps_match(pc, &ta->comps))
			continue;
		if (ta->decl->is_private && ta->decl->loc.file != from)
			continue;
		vec_push(cx->a, out, ta);
		strmap_put(cx->a, &user_names, ta->text, ta);
	}
	tapset_match_aliases(cx->s, pc, from, &lib);
	for (int i = 0; i < lib.n; i++)
		if (!strmap_get(&user_names, lib.v[i]->text))
			vec_push(cx->a, out, lib.v[i]);
}

/* ----------------------------------------------------------- expansion */

struct decl_chain {
	struct probe_decl **v;
	int n;
	int cap;
};

/* One elab_probe in the making, keyed by alias path and condition. */
struct expansion {
	struct elab_probe *ep;
	struct decl_chain chain;
	struct expr *cond;
};

struct expansion_vec {
	struct expansion **v;
	int n;
	int cap;
};

struct expand_state {
	struct elab_ctx *cx;
	struct probe_decl *user;
	struct probe_point *user_point;
	struct expansion_vec exps;
	int alt_chain;		/* resolved_point.alt_chain of what is
				 * expanded now, 0 when not a chain */
};

static bool same_chain(const struct decl_chain *a, const struct decl_chain *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++)
		if (a->v[i] != b->v[i])
			return false;
	return true;
}

static struct expansion *expansion_for(struct expand_state *st,
				       const struct decl_chain *chain,
				       struct expr *cond)
{
	struct elab_ctx *cx = st->cx;
	struct expansion *x;

	for (int i = 0; i < st->exps.n; i++) {
		x = st->exps.v[i];
		if (x->cond == cond && same_chain(&x->chain, chain))
			return x;
	}
	x = arena_new(cx->a, struct expansion);
	for (int i = 0; i < chain->n; i++)
		vec_push(cx->a, &x->chain, chain->v[i]);
	x->cond = cond;
	x->ep = arena_new(cx->a, struct elab_probe);
	x->ep->loc = st->user->loc;
	x->ep->decl = st->user;
	x->ep->written = probe_point_text(cx->a, st->user_point);
	x->ep->condition = cond;
	strmap_init(&x->ep->scope, false);
	strmap_init(&x->ep->vars, false);
	vec_push(cx->a, &st->exps, x);
	return x;
}

static struct expr *and_conditions(struct elab_ctx *cx, struct expr *a,
				   struct expr *b)
{
	struct expr *e;

	if (!b)
		return a;
	b = expr_clone(cx->a, b);
	if (!a)
		return b;
	e = expr_new(cx->a, EXPR_LOGICAL, b->loc);
	e->op = OP_AND;
	e->left = a;
	e->right = b;
	return e;
}

static void collect_candidates(struct elab_ctx *cx, struct name_vec *out)
{
	struct tapset_index *ix = cx->s->tapsets;

	for (int i = 0; i < cx->user_aliases.n; i++)
		vec_push(cx->a, out, cx->user_aliases.v[i]->text);
	for (int i = 0; ix && i < ix->alias_names.n; i++)
		vec_push(cx->a, out, ix->alias_names.v[i]->text);
	for (int i = 0; providers[i]; i++)
		for (int j = 0; providers[i]->spellings &&
				providers[i]->spellings[j]; j++)
			vec_push(cx->a, out, providers[i]->spellings[j]);
}

static void unknown_point(struct expand_state *st, struct probe_point *pp,
			  const struct pp_comps *pc, bool claimed)
{
	struct elab_ctx *cx = st->cx;
	const char *text = pp_comps_text(cx->a, pc, 0, pc->n);
	struct name_vec cands = { 0 };
	const char *best;
	struct diag *d;

	if (claimed)
		d = diag_error(cx->s, pp->loc,
			       "probe point '%s' matches nothing on this system",
			       text);
	else
		d = diag_error(cx->s, pp->loc, "unknown probe point '%s'",
			       text);
	if (pp != st->user_point)
		diag_note(d, st->user_point->loc, "while resolving '%s'",
			  probe_point_text(cx->a, st->user_point));
	if (claimed) {
		diag_hint(d, "add '?' after the point to make it optional");
		return;
	}
	collect_candidates(cx, &cands);
	best = diag_closest(text, cands.v, cands.n);
	if (best)
		diag_hint(d, "did you mean '%s'?", best);
	else
		diag_hint(d, "'bstap -l \"*\"' lists the aliases, 'bstap -l \"%s*\"' what starts like this",
			  pc->n ? pc->v[0].name : "");
}

static int expand_point(struct expand_state *st, struct probe_point *pp,
			struct decl_chain *chain, struct expr *cond,
			bool optional);

/* bp with the components of `from` from index `first` on appended. */
static struct probe_point *with_suffix(struct elab_ctx *cx,
				       struct probe_point *bp,
				       const struct probe_point *from,
				       int first)
{
	struct probe_point *np = arena_new(cx->a, struct probe_point);

	*np = *bp;
	memset(&np->components, 0, sizeof(np->components));
	for (int i = 0; i < bp->components.n; i++)
		vec_push(cx->a, &np->components, bp->components.v[i]);
	for (int i = first; i < from->components.n; i++)
		vec_push(cx->a, &np->components, from->components.v[i]);
	return np;
}

/*
 * Expand alias ta for pp. With sfx set, pp named only the alias's first
 * components and the rest of pp (from sfx_first on) is a suffix for each
 * of the alias's points: `probe sendmsg.return` over
 * `probe sendmsg = tcp.sendmsg, udp.sendmsg`, as in stap.
 */
static int expand_alias(struct expand_state *st, struct tapset_alias *ta,
			struct probe_point *pp, struct decl_chain *chain,
			struct expr *cond, bool optional,
			const struct probe_point *sfx, int sfx_first)
{
	struct elab_ctx *cx = st->cx;
	struct probe_decl *ad = ta->decl;
	int total = 0;

	for (int i = 0; i < chain->n; i++) {
		if (chain->v[i] != ad)
			continue;
		diag_note(diag_hint(diag_error(cx->s, pp->loc,
					       "probe alias '%s' expands to itself",
					       ta->text),
				    "an alias must end in probe points of a provider"),
			  ad->loc, "'%s' is defined here", ta->text);
		return -1;
	}
	vec_push(cx->a, chain, ad);
	for (int i = 0; i < ad->points.n; i++) {
		struct probe_point *bp = ad->points.v[i];
		int r;

		if (sfx)
			bp = with_suffix(cx, bp, sfx, sfx_first);
		r = expand_point(st, bp, chain, cond,
				 optional || bp->optional || bp->sufficient);

		if (r < 0) {
			total = -1;
			break;
		}
		total += r;
		if (bp->sufficient && r > 0)
			break;
	}
	chain->n--;
	return total;
}

struct resolve_cache {
	int r;
	struct resolved_point_vec rps;
};

/*
 * The provider's answer for pp. An alias used by many probes hands the
 * same point over and over; the answer does not change, so ask once and
 * give each probe its own copies.
 */
static int resolve_cached(struct elab_ctx *cx, const struct provider *prov,
			  struct probe_point *pp, struct resolved_point_vec *out)
{
	struct resolve_cache *c = strmap_get(&cx->resolved, pp);

	if (!c) {
		c = arena_new(cx->a, struct resolve_cache);
		c->r = prov->resolve(cx->s, pp, &c->rps);
		strmap_put(cx->a, &cx->resolved, pp, c);
	}
	if (c->r < 0)
		return c->r;
	for (int i = 0; i < c->rps.n; i++) {
		struct resolved_point *rp = arena_new(cx->a,
						      struct resolved_point);

		*rp = *c->rps.v[i];
		vec_push(cx->a, out, rp);
	}
	return c->r;
}

static int expand_provider(struct expand_state *st, struct probe_point *pp,
			   const struct pp_comps *pc, struct decl_chain *chain,
			   struct expr *cond, bool optional)
{
	struct elab_ctx *cx = st->cx;
	const struct provider *prov = provider_for(pp);
	struct resolved_point_vec rps = { 0 };
	struct expansion *x;
	int r;

	if (!prov || !prov->resolve) {
		if (!optional)
			unknown_point(st, pp, pc, false);
		return optional ? 0 : -1;
	}
	r = resolve_cached(cx, prov, pp, &rps);
	if (r < 0)
		return -1;
	if (r == 0 || rps.n == 0) {
		if (!optional)
			unknown_point(st, pp, pc, true);
		return optional ? 0 : -1;
	}
	x = expansion_for(st, chain, cond);
	for (int i = 0; i < rps.n; i++) {
		if (!rps.v[i]->provider)
			rps.v[i]->provider = prov;
		if (!rps.v[i]->written)
			rps.v[i]->written = pp;
		rps.v[i]->alt_chain = st->alt_chain;
		vec_push(cx->a, &x->ep->points, rps.v[i]);
		vec_push(cx->a, &x->ep->written_points, st->user_point);
	}
	return rps.n;
}

/*
 * `syscall.read.retrn` went to the provider as a suffix of syscall.read
 * and failed there. When it looks like a typo of an alias name, say that
 * instead of the provider's complaint about the alias's insides.
 */
static void suffix_failed(struct expand_state *st, struct probe_point *pp,
			  const struct pp_comps *pc, int ndiags, int nerrors,
			  int nwarnings)
{
	struct elab_ctx *cx = st->cx;
	const char *text = pp_comps_text(cx->a, pc, 0, pc->n);
	struct name_vec cands = { 0 };
	const char *best;
	struct diag *d;

	collect_candidates(cx, &cands);
	best = diag_closest(text, cands.v, cands.n);
	if (!best)
		return;
	cx->s->diags.n = ndiags;
	cx->s->nerrors = nerrors;
	cx->s->nwarnings = nwarnings;
	d = diag_error(cx->s, pp->loc, "unknown probe point '%s'", text);
	if (pp != st->user_point)
		diag_note(d, st->user_point->loc, "while resolving '%s'",
			  probe_point_text(cx->a, st->user_point));
	diag_hint(d, "did you mean '%s'?", best);
}

static int expand_point(struct expand_state *st, struct probe_point *pp,
			struct decl_chain *chain, struct expr *cond,
			bool optional)
{
	struct elab_ctx *cx = st->cx;
	struct tapset_alias_vec aliases = { 0 };
	struct pp_comps pc;
	int total = 0, prefix, ndiags, nerrors, nwarnings;

	if (chain->n > ELAB_MAX_ALIAS_DEPTH) {
		diag_error(cx->s, pp->loc,
			   "probe aliases nest more than %d deep here",
			   ELAB_MAX_ALIAS_DEPTH);
		return -1;
	}
	if (++cx->expansions > ELAB_MAX_EXPANSIONS) {
		if (cx->expansions == ELAB_MAX_EXPANSIONS + 1)
			diag_hint(diag_error(cx->s, st->user_point->loc,
					     "probe aliases expand to more than %d probe points",
					     ELAB_MAX_EXPANSIONS),
				  "an alias listing its points several times multiplies at every level");
		return -1;
	}
	cond = and_conditions(cx, cond, pp->condition);
	pp_comps_from_point(cx->a, pp, &pc);
	matching_aliases(cx, &pc, pp->loc.file, &aliases);
	prefix = pc.n;
	/* no alias for the whole point: the longest prefix one, if any */
	while (!aliases.n && prefix > 1) {
		struct pp_comps head = { pc.v, --prefix };

		matching_aliases(cx, &head, pp->loc.file, &aliases);
	}
	if (!aliases.n)
		return expand_provider(st, pp, &pc, chain, cond, optional);
	ndiags = cx->s->diags.n;
	nerrors = cx->s->nerrors;
	nwarnings = cx->s->nwarnings;
	for (int i = 0; i < aliases.n; i++) {
		int r = expand_alias(st, aliases.v[i], pp, chain, cond,
				     optional, prefix < pc.n ? pp : NULL,
				     prefix);

		if (r < 0) {
			if (prefix < pc.n)
				suffix_failed(st, pp, &pc, ndiags, nerrors,
					      nwarnings);
			return -1;
		}
		total += r;
	}
	return total;
}

/* Prologues of the inner aliases run first, epilogues of the inner last. */
static struct stmt *build_body(struct elab_ctx *cx, struct expansion *x,
			       struct probe_decl *user)
{
	struct stmt *body = stmt_new(cx->a, STMT_BLOCK, user->loc);
	struct stmt **parts;
	int n = x->chain.n * 2 + 1, first, last;

	parts = arena_alloc(cx->a, sizeof(*parts) * (size_t)n);
	first = last = x->chain.n;
	parts[first] = stmt_clone(cx->a, user->body);
	for (int i = 0; i < x->chain.n; i++) {
		struct probe_decl *ad = x->chain.v[i];
		struct stmt *copy = ad->body ? stmt_clone(cx->a, ad->body) :
					       NULL;

		if (!copy)
			continue;
		if (ad->is_epilogue)
			parts[++last] = copy;
		else
			parts[--first] = copy;
	}
	for (int i = first; i <= last; i++)
		if (parts[i])
			vec_push(cx->a, &body->stmts, parts[i]);
	return body;
}

/*
 * `a !, b`: for the running kernel, the first point that resolves wins
 * here. For another kernel what resolves here may not attach there: the
 * points from a `!` up to the first point without one form a chain that
 * all goes into the object, for the runner to try in order.
 */
void expand_probe(struct elab_ctx *cx, struct probe_decl *pd)
{
	struct expand_state st = { .cx = cx, .user = pd };
	struct decl_chain chain = { 0 };
	bool keep_all = !btf_target_is_running(cx->s);

	for (int i = 0; i < pd->points.n; i++) {
		struct probe_point *pp = pd->points.v[i];
		int r;

		st.user_point = pp;
		if (keep_all && pp->sufficient && !st.alt_chain)
			st.alt_chain = ++cx->alt_chains;
		r = expand_point(&st, pp, &chain, NULL,
				 pp->optional || pp->sufficient);
		if (!pp->sufficient)
			st.alt_chain = 0;
		if (r > 0 && pp->sufficient && !keep_all)
			break;
	}
	for (int i = 0; i < st.exps.n; i++) {
		struct expansion *x = st.exps.v[i];
		struct elab_probe *ep = x->ep;

		for (int j = 0; j < x->chain.n; j++)
			vec_push(cx->a, &ep->aliases, x->chain.v[j]);
		ep->body = build_body(cx, x, pd);
		ep->index = cx->prog->probes.n;
		vec_push(cx->a, &cx->prog->probes, ep);
	}
}

/* ------------------------------------------------------------- driver */

static int cmp_order(const void *a, const void *b)
{
	const struct symbol *x = *(const struct symbol *const *)a;
	const struct symbol *y = *(const struct symbol *const *)b;

	return (x->order > y->order) - (x->order < y->order);
}

static int cmp_func_order(const void *a, const void *b)
{
	const struct elab_function *x = *(const struct elab_function *const *)a;
	const struct elab_function *y = *(const struct elab_function *const *)b;

	return (x->order > y->order) - (x->order < y->order);
}

static void collect_program(struct elab_ctx *cx)
{
	struct elab_program *p = cx->prog;

	for (int i = 0; i < cx->all_globals.n; i++) {
		struct symbol *g = cx->all_globals.v[i];

		if (g->read || g->written)
			vec_push(cx->a, &p->globals, g);
	}
	if (p->globals.n)
		qsort(p->globals.v, (size_t)p->globals.n, sizeof(*p->globals.v),
		      cmp_order);
	for (int i = 0; i < cx->all_funcs.n; i++)
		if (cx->all_funcs.v[i]->reachable)
			vec_push(cx->a, &p->functions, cx->all_funcs.v[i]);
	if (p->functions.n)
		qsort(p->functions.v, (size_t)p->functions.n,
		      sizeof(*p->functions.v), cmp_func_order);
}

static void expand_user_probes(struct elab_ctx *cx)
{
	struct session *s = cx->s;

	for (int f = 0; f < s->user_files.n; f++) {
		struct file_ast *fa = s->user_files.v[f];

		for (int i = 0; i < fa->decls.n; i++) {
			struct decl *d = &fa->decls.v[i];

			if (d->kind == DECL_PROBE && d->probe &&
			    !d->probe->is_alias && d->probe->body)
				expand_probe(cx, d->probe);
		}
	}
}

struct elab_program *elaborate(struct session *s)
{
	struct elab_ctx cx;

	elab_ctx_init(&cx, s);
	for (int f = 0; f < s->user_files.n; f++) {
		stash_entries(s, s->user_files.v[f]);
		register_user_file(&cx, s->user_files.v[f]);
	}
	expand_user_probes(&cx);
	if (!cx.prog->probes.n && !diag_error_count(s)) {
		struct src_loc loc = { 0 };

		if (s->user_files.n)
			loc.file = s->user_files.v[0]->source;
		diag_hint(diag_error(s, loc, "no probes found"),
			  "a script needs at least one probe, e.g. 'probe begin { print(\"hello\\n\") }'");
	}
	for (int i = 0; i < cx.prog->probes.n; i++)
		resolve_probe(&cx, cx.prog->probes.v[i]);
	resolve_user_functions(&cx);
	if (diag_error_count(s))
		return NULL;
	mark_reachable(&cx);
	if (diag_error_count(s))
		return NULL;
	resolve_enumerators(&cx);
	if (diag_error_count(s))
		return NULL;
	infer_types(&cx);
	if (diag_error_count(s))
		return NULL;
	warn_unassigned_locals(&cx);
	elide_unused(&cx);
	collect_program(&cx);
	return cx.prog;
}
