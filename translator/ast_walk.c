// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The children of a syntax tree node, for the walks that share them
 * (see ast_walk.h).
 */
#include "ast_walk.h"

static bool expr_child(struct expr *e, ast_expr_fn *fe, void *ctx)
{
	return e && fe && fe(e, ctx);
}

static bool stmt_child(struct stmt *st, ast_stmt_fn *fs, void *ctx)
{
	return st && fs && fs(st, ctx);
}

bool ast_walk_expr_children(struct expr *e, ast_expr_fn *fe, void *ctx)
{
	if (expr_child(e->left, fe, ctx) || expr_child(e->right, fe, ctx) ||
	    expr_child(e->cond, fe, ctx) || expr_child(e->operand, fe, ctx) ||
	    expr_child(e->base, fe, ctx))
		return true;
	for (int i = 0; i < e->args.n; i++)
		if (expr_child(e->args.v[i], fe, ctx))
			return true;
	for (int i = 0; i < e->chain.n; i++)
		if (expr_child(e->chain.v[i].index, fe, ctx))
			return true;
	return false;
}

bool ast_walk_foreach_children(struct foreach_stmt *f, ast_expr_fn *fe,
			       ast_stmt_fn *fs, void *ctx)
{
	if (expr_child(f->array, fe, ctx) || expr_child(f->value.var, fe, ctx))
		return true;
	for (int i = 0; i < f->keys.n; i++)
		if (expr_child(f->keys.v[i].var, fe, ctx))
			return true;
	return expr_child(f->limit, fe, ctx) || stmt_child(f->body, fs, ctx);
}

bool ast_walk_stmt_children(struct stmt *st, ast_expr_fn *fe, ast_stmt_fn *fs,
			    void *ctx)
{
	for (int i = 0; i < st->stmts.n; i++)
		if (stmt_child(st->stmts.v[i], fs, ctx))
			return true;
	return stmt_child(st->init, fs, ctx) ||
	       expr_child(st->expr, fe, ctx) ||
	       expr_child(st->incr, fe, ctx) ||
	       stmt_child(st->then_stmt, fs, ctx) ||
	       stmt_child(st->else_stmt, fs, ctx) ||
	       stmt_child(st->body, fs, ctx) ||
	       expr_child(st->catch_var, fe, ctx) ||
	       stmt_child(st->catch_body, fs, ctx) ||
	       (st->foreach &&
		ast_walk_foreach_children(st->foreach, fe, fs, ctx));
}
