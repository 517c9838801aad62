// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * @entry(expr) in kernel.function(...).return probes.
 *
 * An fexit program still sees the function's arguments, so an expression
 * of parameters and constants alone (`@entry($count * 2)`) is evaluated
 * at the return by the code generator. Anything else (a member chain that
 * the function may change, a function call like gettimeofday_ns(), a
 * global) must be evaluated at the entry, as stap does: this pass, before
 * elaboration, rewrites
 *
 *	probe kernel.function("f").return { x = @entry(E) }
 *
 * into
 *
 *	global __bstap_entry_N
 *	probe kernel.function("f") { __bstap_entry_N[tid()] = E }
 *	probe kernel.function("f").return {
 *		__bstap_entry_N_v = __bstap_entry_N[tid()]
 *		delete __bstap_entry_N[tid()]
 *		x = __bstap_entry_N_v
 *	}
 *
 * The value is taken and deleted first in the return probe, so `next` or
 * an error later cannot leave it behind. One slot per thread: a function
 * that recurses sees its innermost call's value, as in stap.
 */
#include <string.h>

#include "arena.h"
#include "elab_internal.h"
#include "session.h"

struct stash {
	struct arena *a;
	struct file_ast *f;
	struct stmt *entry_body;	/* the synthesized entry probe's */
	struct stmt *prologue;		/* statements put first in .return */
	int seq;			/* per session: unique names */
};

static bool params_only(const struct expr *e, int depth)
{
	if (!e)
		return true;
	if (depth > 32)
		return false;
	switch (e->kind) {
	case EXPR_NUMBER:
	case EXPR_STRING:
		return true;
	case EXPR_TARGET:
		return !e->chain.n && e->name && e->name[1] != '$' &&
		       strcmp(e->name, "$return") && e->pretty == PRETTY_NONE &&
		       !e->addr_of;
	case EXPR_UNARY:
	case EXPR_BINARY:
	case EXPR_COMPARE:
	case EXPR_LOGICAL:
	case EXPR_TERNARY:
		return params_only(e->left, depth + 1) &&
		       params_only(e->right, depth + 1) &&
		       params_only(e->cond, depth + 1) &&
		       params_only(e->operand, depth + 1);
	default:
		return false;
	}
}

static struct expr *ident(struct arena *a, const char *name,
			  struct src_loc loc)
{
	struct expr *e = expr_new(a, EXPR_IDENT, loc);

	e->name = name;
	return e;
}

/* NAME[tid()] */
static struct expr *slot(struct arena *a, const char *name,
			 struct src_loc loc)
{
	struct expr *e = expr_new(a, EXPR_INDEX, loc);
	struct expr *tid = expr_new(a, EXPR_CALL, loc);

	tid->name = "tid";
	e->name = name;
	e->base = ident(a, name, loc);
	vec_push(a, &e->args, tid);
	return e;
}

static struct stmt *expr_stmt(struct arena *a, struct expr *e)
{
	struct stmt *st = stmt_new(a, STMT_EXPR, e->loc);

	st->expr = e;
	return st;
}

static struct expr *assign(struct arena *a, struct expr *to,
			   struct expr *value)
{
	struct expr *e = expr_new(a, EXPR_ASSIGN, to->loc);

	e->op = OP_ASSIGN;
	e->left = to;
	e->right = value;
	return e;
}

/* One @entry that needs the entry probe: rewritten in place. */
static void stash_one(struct stash *st, struct expr *e)
{
	struct arena *a = st->a;
	struct src_loc loc = e->loc;
	char *name = arena_printf(a, "__bstap_entry_%d", ++st->seq);
	char *local = arena_printf(a, "%s_v", name);
	struct global_decl *g = arena_new(a, struct global_decl);
	struct decl d = { .kind = DECL_GLOBAL, .loc = loc, .global = g };
	struct stmt *del = stmt_new(a, STMT_DELETE, loc);

	g->loc = loc;
	g->name = name;
	g->is_private = true;
	g->file = st->f->source;
	vec_push(a, &st->f->decls, d);
	vec_push(a, &st->entry_body->stmts,
		 expr_stmt(a, assign(a, slot(a, name, loc), e->operand)));
	vec_push(a, &st->prologue->stmts,
		 expr_stmt(a, assign(a, ident(a, local, loc),
				     slot(a, name, loc))));
	del->expr = slot(a, name, loc);
	vec_push(a, &st->prologue->stmts, del);
	memset(e, 0, sizeof(*e));
	e->kind = EXPR_IDENT;
	e->loc = loc;
	e->name = local;
}

static void walk_stmt(struct stash *st, struct stmt *s, int depth);

static void walk_expr(struct stash *st, struct expr *e, int depth)
{
	if (!e || depth > 256)
		return;
	if (e->kind == EXPR_ENTRY) {
		if (!params_only(e->operand, 0))
			stash_one(st, e);
		return;
	}
	walk_expr(st, e->left, depth + 1);
	walk_expr(st, e->right, depth + 1);
	walk_expr(st, e->cond, depth + 1);
	walk_expr(st, e->operand, depth + 1);
	walk_expr(st, e->base, depth + 1);
	for (int i = 0; i < e->args.n; i++)
		walk_expr(st, e->args.v[i], depth + 1);
	for (int i = 0; i < e->chain.n; i++)
		walk_expr(st, e->chain.v[i].index, depth + 1);
}

static void walk_stmt(struct stash *st, struct stmt *s, int depth)
{
	if (!s || depth > 256)
		return;
	for (int i = 0; i < s->stmts.n; i++)
		walk_stmt(st, s->stmts.v[i], depth + 1);
	walk_expr(st, s->expr, depth + 1);
	walk_stmt(st, s->then_stmt, depth + 1);
	walk_stmt(st, s->else_stmt, depth + 1);
	walk_stmt(st, s->init, depth + 1);
	walk_expr(st, s->incr, depth + 1);
	walk_stmt(st, s->body, depth + 1);
	walk_stmt(st, s->catch_body, depth + 1);
	if (s->foreach) {
		walk_expr(st, s->foreach->array, depth + 1);
		walk_expr(st, s->foreach->limit, depth + 1);
		walk_stmt(st, s->foreach->body, depth + 1);
	}
}

/* kernel.function("f").return, module("m").function("f").return */
static bool function_return(const struct probe_point *pp)
{
	int n = pp->components.n;

	if (n != 3 || pp->condition)
		return false;
	return (!strcmp(pp->components.v[0].name, "kernel") ||
		!strcmp(pp->components.v[0].name, "module")) &&
	       !strcmp(pp->components.v[1].name, "function") &&
	       !strcmp(pp->components.v[2].name, "return");
}

/* The point without its .return. */
static struct probe_point *entry_point(struct arena *a,
				       const struct probe_point *pp)
{
	struct probe_point *e = arena_new(a, struct probe_point);

	e->loc = pp->loc;
	e->optional = pp->optional;
	e->sufficient = pp->sufficient;
	for (int i = 0; i + 1 < pp->components.n; i++)
		vec_push(a, &e->components, pp->components.v[i]);
	return e;
}

static void stash_probe(struct stash *st, struct probe_decl *pd)
{
	struct arena *a = st->a;
	struct probe_decl *entry;
	struct decl d = { .kind = DECL_PROBE };
	struct stmt *body = pd->body;

	if (pd->is_alias || !pd->points.n || !body)
		return;
	for (int i = 0; i < pd->points.n; i++)
		if (!function_return(pd->points.v[i]))
			return;
	st->entry_body = stmt_new(a, STMT_BLOCK, pd->loc);
	st->prologue = stmt_new(a, STMT_BLOCK, pd->loc);
	walk_stmt(st, body, 0);
	if (!st->entry_body->stmts.n)
		return;
	entry = arena_new(a, struct probe_decl);
	entry->loc = pd->loc;
	entry->body = st->entry_body;
	for (int i = 0; i < pd->points.n; i++)
		vec_push(a, &entry->points, entry_point(a, pd->points.v[i]));
	d.loc = pd->loc;
	d.probe = entry;
	vec_push(a, &st->f->decls, d);
	/* the values first, then the handler */
	vec_push(a, &st->prologue->stmts, body);
	pd->body = st->prologue;
}

void stash_entries(struct session *s, struct file_ast *f)
{
	static int seq;
	struct stash st = { .a = &s->arena, .f = f, .seq = seq };
	int n = f->decls.n;

	for (int i = 0; i < n; i++)
		if (f->decls.v[i].kind == DECL_PROBE && f->decls.v[i].probe)
			stash_probe(&st, f->decls.v[i].probe);
	seq = st.seq;
}
