// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One kprobe.multi program for the functions of a kernel wildcard.
 *
 * kernel.function("vfs_*") expands to one point per function. When the
 * handler does the same thing in all of them, one BPF_TRACE_KPROBE_MULTI
 * program (kretprobe.multi for .return) serves the whole set: one program
 * to verify and load, one link to attach, instead of two programs per
 * function (fentry and kprobe alternatives). The per-function programs
 * stay in the object as its fallback, for hosts without kprobe.multi
 * (kernels before 5.18, or built without CONFIG_FPROBE); the runner loads
 * them only when the multi program cannot be used.
 *
 * The handler does the same thing everywhere unless it reads the
 * function's context ($param, $return, $$parms, @entry, @defined on
 * them: types and offsets differ per function) or takes apart pp(),
 * pn(), ppfunc() or probefunc(), which are literals in a per-function
 * program. In a multi program those are symbol tokens (bo_format.h
 * BO_SYM_MULTI_*) carrying the probe's index and the attach cookie, the
 * function's index in the probe's list; the runner writes the function's
 * point or name wherever it prints the string. So they may be printed or
 * used as array keys (printed later) but nothing else: a handler that
 * compares them, or passes them to anything but a print, keeps its
 * per-function programs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_walk.h"
#include "codegen_internal.h"

#define BPF_FUNC_get_attach_cookie	174

/* What a call gives in a multi program. */
enum point_call {
	PC_NONE,	/* nothing point-dependent */
	PC_TOKEN,	/* pp(), pn(), ppfunc(), probefunc(): a token */
	PC_CONST,	/* is_return(), probemod(): the same for every function */
};

static bool is_tapset_function(const struct function_decl *d,
			       const char *name)
{
	return d->file && d->file->is_tapset && !strcmp(d->name, name);
}

static bool aliased(const struct elab_probe *ep)
{
	return ep->aliases.n && ep->aliases.v[0]->alias_names.n;
}

static enum point_call classify(const struct elab_probe *ep,
				const struct expr *e)
{
	const struct function_decl *d = e->func;

	if (e->kind != EXPR_CALL || !d)
		return PC_NONE;
	if (d->runtime && !strcmp(d->runtime, "bstap_pp"))
		return PC_TOKEN;
	if (d->runtime && !strcmp(d->runtime, "bstap_pn"))
		return aliased(ep) ? PC_NONE : PC_TOKEN;
	if (is_tapset_function(d, "ppfunc") ||
	    is_tapset_function(d, "probefunc"))
		return PC_TOKEN;
	if (is_tapset_function(d, "is_return") ||
	    is_tapset_function(d, "probemod"))
		return PC_CONST;
	return PC_NONE;
}

/* Why a handler needs per-function programs; NULL while it does not. */
struct multi_scan {
	const struct elab_probe *ep;
	const char *why;
	int depth;		/* script functions entered */
	int foreach;		/* foreach statements around (callbacks) */
};

static void scan_expr(struct expr *e, struct multi_scan *ms, bool printed);
static bool scan_stmt(struct stmt *st, void *ctx);

static bool scan_child(struct expr *e, void *ctx)
{
	struct multi_scan *ms = ctx;

	scan_expr(e, ms, false);
	return ms->why != NULL;
}

/*
 * printed: e's value goes only to output or into an array key, where a
 * token is expanded when it is printed.
 */
static void scan_expr(struct expr *e, struct multi_scan *ms, bool printed)
{
	if (ms->why)
		return;
	switch (e->kind) {
	case EXPR_TARGET:
		ms->why = "it reads the function's context variables";
		return;
	case EXPR_ENTRY:
		ms->why = "it uses @entry";
		return;
	case EXPR_DEFINED:
	case EXPR_CHOOSE_DEFINED:
		ms->why = "it uses @defined";
		return;
	case EXPR_PRINT:
		for (int i = 0; i < e->args.n && !ms->why; i++)
			scan_expr(e->args.v[i], ms,
				  !print_kind_returns_string(e->print));
		return;
	case EXPR_INDEX:
	case EXPR_IN:
		if (e->base)
			scan_expr(e->base, ms, false);
		for (int i = 0; i < e->args.n && !ms->why; i++)
			if (e->args.v[i])
				scan_expr(e->args.v[i], ms, true);
		return;
	case EXPR_CALL:
		switch (classify(ms->ep, e)) {
		case PC_TOKEN:
			if (!printed)
				ms->why = "it uses pp() or probefunc() other than in a print or an array key";
			else if (ms->foreach)
				ms->why = "it uses pp() or probefunc() in a foreach body";
			return;
		case PC_CONST:
			return;
		case PC_NONE:
			break;
		}
		ast_walk_expr_children(e, scan_child, ms);
		if (e->func && e->func->body && !e->func->runtime &&
		    ms->depth < 16) {
			ms->depth++;
			scan_stmt(e->func->body, ms);
			ms->depth--;
		}
		return;
	default:
		ast_walk_expr_children(e, scan_child, ms);
	}
}

static bool scan_stmt(struct stmt *st, void *ctx)
{
	struct multi_scan *ms = ctx;

	/* a foreach body runs as a callback, outside the handler's program */
	ms->foreach += st->kind == STMT_FOREACH;
	ast_walk_stmt_children(st, scan_child, scan_stmt, ms);
	ms->foreach -= st->kind == STMT_FOREACH;
	return ms->why != NULL;
}

static const char *per_function_reason(const struct elab_probe *ep)
{
	struct multi_scan ms = { .ep = ep };

	if (ep->condition)
		scan_expr(ep->condition, &ms, false);
	if (ep->body && !ms.why)
		scan_stmt(ep->body, &ms);
	return ms.why;
}

/* Where the function's name sits in a point's text, as pp_function(). */
static bool name_span(const struct resolved_point *rp, size_t *at)
{
	const char *s = strstr(rp->text, "function(\"");
	size_t n = strlen(rp->target);

	if (!s)
		return false;
	s += 10;
	*at = (size_t)(s - rp->text);
	return !strncmp(s, rp->target, n) && (s[n] == '"' || s[n] == '@');
}

/* Can point k share point first's program (and pp() template)? */
static bool same_family(const struct resolved_point *first,
			const struct resolved_point *k, struct strmap *seen,
			struct cg *cg)
{
	size_t a0, ak;

	if (k->provider != first->provider || k->written != first->written ||
	    k->is_return != first->is_return || k->module || k->number ||
	    k->alt_chain || !k->target || strmap_get(seen, k->target) ||
	    !name_span(first, &a0) || !name_span(k, &ak) || a0 != ak ||
	    strncmp(first->text, k->text, a0) ||
	    strcmp(first->text + a0 + strlen(first->target),
		   k->text + ak + strlen(k->target)))
		return false;
	strmap_put(cg->a, seen, k->target, (void *)k);
	return true;
}

static bool multi_disabled(struct cg *cg)
{
	const char *v = session_define(cg->s, "BSTAP_NO_KPROBE_MULTI");

	return v && strcmp(v, "0");
}

int cg_multi_run(struct cg *cg, struct elab_probe *ep, int j, bool *shared)
{
	const struct resolved_point *first = ep->points.v[j];
	struct strmap seen;
	const char *why;
	int n = 1;

	*shared = false;
	if (!first->provider ||
	    strcmp(first->provider->name, "kernel.function") ||
	    first->tier != TIER_KERNEL || multi_disabled(cg))
		return 0;
	strmap_init(&seen, false);
	if (!same_family(first, first, &seen, cg))
		return 0;
	while (j + n < ep->points.n &&
	       same_family(first, ep->points.v[j + n], &seen, cg))
		n++;
	if (n < 2)
		return 0;
	why = per_function_reason(ep);
	if (cg->s->verbose && why)
		fprintf(stderr, "multi: %s: %d functions, a program each: %s\n",
			ep->written, n, why);
	else if (cg->s->verbose)
		fprintf(stderr, "multi: %s: %d functions share one %s program (with per-function fallbacks for kernels without it)\n",
			ep->written, n, first->is_return ? "kretprobe.multi" :
							   "kprobe.multi");
	*shared = !why;
	return n;
}

/* A point of the run and its place in it, to sort by name. */
struct placed_point {
	const struct resolved_point *rp;
	int at;
};

static int by_name(const void *a, const void *b)
{
	const struct placed_point *x = a, *y = b;

	return strcmp(x->rp->target, y->rp->target);
}

const char *cg_multi_symbols(struct cg *cg, struct elab_probe *ep, int j,
			     int n, int *index_of)
{
	struct placed_point *v = arena_alloc(cg->a, n * sizeof(*v));
	size_t len = 0;
	char *s, *p;

	/* sorted, so that keys made of tokens sort as the names would */
	for (int i = 0; i < n; i++) {
		v[i] = (struct placed_point){ ep->points.v[j + i], i };
		len += strlen(v[i].rp->target) + 1;
	}
	qsort(v, n, sizeof(*v), by_name);
	s = p = arena_alloc(cg->a, len + 1);
	for (int i = 0; i < n; i++) {
		size_t k = strlen(v[i].rp->target);

		index_of[v[i].at] = i;
		if (i)
			*p++ = ' ';
		memcpy(p, v[i].rp->target, k);
		p += k;
	}
	*p = '\0';
	return s;
}

LLVMValueRef cg_multi_cookie(struct cg *cg)
{
	return cg_helper(cg, BPF_FUNC_get_attach_cookie, cg->i64,
			 &cg->fn->ctx, 1);
}

/*
 * A BO_SYM_MULTI_* token: the kprobe.multi probe's index and the
 * function's index in its list (the body's argument).
 */
static struct cg_val multi_token(struct cg *cg, int kind)
{
	LLVMValueRef dst = cg_new_slot(cg), a[3];

	a[0] = dst;
	a[1] = cg_i64(cg, kind);
	a[2] = cg_i64(cg, cg->fn->probe_index);
	cg_runtime(cg, "bstap_sym_open", cg->void_t, a, 3);
	a[1] = cg->fn->multi_index;
	cg_runtime(cg, "bstap_sym_addr", cg->void_t, a, 2);
	cg_runtime(cg, "bstap_sym_close", cg->void_t, a, 1);
	return (struct cg_val){ TYPE_STRING, dst };
}

bool cg_multi_call(struct cg *cg, struct expr *e, struct cg_val *out)
{
	const struct function_decl *d = e->func;

	if (!cg->fn || !cg->fn->multi_index || !d)
		return false;
	switch (classify(cg->fn->probe, e)) {
	case PC_TOKEN:
		*out = multi_token(cg, d->runtime ? BO_SYM_MULTI_POINT :
						   BO_SYM_MULTI_FUNC);
		return true;
	case PC_CONST:
		if (!strcmp(d->name, "is_return"))
			*out = (struct cg_val){ TYPE_LONG,
				cg_i64(cg, cg->fn->point->is_return) };
		else
			*out = (struct cg_val){ TYPE_STRING,
				cg_literal(cg, "kernel") };
		return true;
	default:
		return false;
	}
}
