/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The children of a syntax tree node, in one place.
 *
 * Many passes walk the tree the same way and differ only on a few kinds of
 * node (reachability, use counting, purity, what a probe body reads). They
 * handle those kinds themselves and hand every other node to these
 * functions, which call back once per child. So a new field in struct expr
 * or struct stmt is added here once instead of in every walk.
 *
 * Children are found by field, not by kind: a node rewritten in place
 * (a folded ternary or if, an elided store) is walked by what it holds.
 * NULL children (a missing else, a `*` key) are skipped, so callbacks
 * never see NULL. The order is fixed, because some walks record what they
 * meet in order: left, right, cond, operand, base, args, chain indices;
 * for statements stmts, init, expr, incr, then, else, body, catch
 * variable, catch body, then the foreach parts (array, value, keys, limit,
 * body).
 *
 * A callback returns true to stop the walk (a search found what it wants);
 * the walk then returns true too. Walks that visit everything return false.
 * The walkers do not recurse themselves: the callback decides whether to
 * go deeper, and keeps its depth guard (elab_enter()) around that.
 */
#ifndef BSTAP_AST_WALK_H
#define BSTAP_AST_WALK_H

#include <stdbool.h>

#include "ast.h"

typedef bool ast_expr_fn(struct expr *e, void *ctx);
typedef bool ast_stmt_fn(struct stmt *st, void *ctx);

/* Every sub-expression of e. */
bool ast_walk_expr_children(struct expr *e, ast_expr_fn *fe, void *ctx);

/*
 * Every expression and statement directly inside st; fe NULL: only the
 * statements.
 */
bool ast_walk_stmt_children(struct stmt *st, ast_expr_fn *fe, ast_stmt_fn *fs,
			    void *ctx);

/* The parts of a foreach: array, value, keys, limit, then the body. */
bool ast_walk_foreach_children(struct foreach_stmt *f, ast_expr_fn *fe,
			       ast_stmt_fn *fs, void *ctx);

#endif
