// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * AST constructors, deep copies and the names of operators and kinds.
 */
#define _GNU_SOURCE
#include "ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "parse.h"

const char *type_name(enum type_kind t)
{
	switch (t) {
	case TYPE_LONG: return "long";
	case TYPE_STRING: return "string";
	case TYPE_STATS: return "stats";
	case TYPE_VOID: return "void";
	default: return "unknown";
	}
}

const char *op_text(enum op op)
{
	static const char *const text[] = {
		[OP_NONE] = "?",
		[OP_NEG] = "-", [OP_PLUS] = "+", [OP_NOT] = "!",
		[OP_BITNOT] = "~",
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
		[OP_MOD] = "%",
		[OP_SHL] = "<<", [OP_SHR] = ">>", [OP_USHR] = ">>>",
		[OP_BITAND] = "&", [OP_BITOR] = "|", [OP_BITXOR] = "^",
		[OP_CONCAT] = ".",
		[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
		[OP_EQ] = "==", [OP_NE] = "!=",
		[OP_AND] = "&&", [OP_OR] = "||",
		[OP_ASSIGN] = "=", [OP_ADD_ASSIGN] = "+=",
		[OP_SUB_ASSIGN] = "-=", [OP_MUL_ASSIGN] = "*=",
		[OP_DIV_ASSIGN] = "/=", [OP_MOD_ASSIGN] = "%=",
		[OP_SHL_ASSIGN] = "<<=", [OP_SHR_ASSIGN] = ">>=",
		[OP_USHR_ASSIGN] = ">>>=", [OP_AND_ASSIGN] = "&=",
		[OP_OR_ASSIGN] = "|=", [OP_XOR_ASSIGN] = "^=",
		[OP_CONCAT_ASSIGN] = ".=",
		[OP_AGGREGATE] = "<<<",
		[OP_PREINC] = "++", [OP_PREDEC] = "--",
		[OP_POSTINC] = "++", [OP_POSTDEC] = "--",
		[OP_MATCH] = "=~", [OP_NOMATCH] = "!~",
	};

	if ((unsigned)op < sizeof(text) / sizeof(text[0]) && text[op])
		return text[op];
	return "?";
}

const char *print_kind_name(enum print_kind k)
{
	static const char *const names[] = {
		[PRINT_PRINT] = "print", [PRINT_PRINTLN] = "println",
		[PRINT_PRINTF] = "printf", [PRINT_PRINTD] = "printd",
		[PRINT_PRINTDLN] = "printdln", [PRINT_SPRINT] = "sprint",
		[PRINT_SPRINTLN] = "sprintln", [PRINT_SPRINTF] = "sprintf",
		[PRINT_SPRINTD] = "sprintd", [PRINT_SPRINTDLN] = "sprintdln",
	};

	if ((unsigned)k < sizeof(names) / sizeof(names[0]))
		return names[k];
	return "print";
}

bool print_kind_returns_string(enum print_kind k)
{
	return k >= PRINT_SPRINT;
}

struct expr *expr_new(struct arena *a, enum expr_kind kind, struct src_loc loc)
{
	struct expr *e = arena_new(a, struct expr);

	e->kind = kind;
	e->loc = loc;
	return e;
}

struct stmt *stmt_new(struct arena *a, enum stmt_kind kind, struct src_loc loc)
{
	struct stmt *s = arena_new(a, struct stmt);

	s->kind = kind;
	s->loc = loc;
	return s;
}

/*
 * Copies share strings (they are never modified) but not nodes or lists,
 * so pass 2 may annotate each copy on its own.
 */
struct expr *expr_clone(struct arena *a, const struct expr *e)
{
	struct expr *c;

	if (!e)
		return NULL;
	c = arena_new(a, struct expr);
	*c = *e;
	c->left = expr_clone(a, e->left);
	c->right = expr_clone(a, e->right);
	c->cond = expr_clone(a, e->cond);
	c->operand = expr_clone(a, e->operand);
	c->base = expr_clone(a, e->base);
	c->args.v = NULL;
	c->args.n = c->args.cap = 0;
	for (int i = 0; i < e->args.n; i++)
		vec_push(a, &c->args, expr_clone(a, e->args.v[i]));
	c->chain.v = NULL;
	c->chain.n = c->chain.cap = 0;
	for (int i = 0; i < e->chain.n; i++) {
		struct component comp = e->chain.v[i];

		comp.index = expr_clone(a, comp.index);
		vec_push(a, &c->chain, comp);
	}
	return c;
}

static struct foreach_stmt *foreach_clone(struct arena *a,
					  const struct foreach_stmt *f)
{
	struct foreach_stmt *c;

	if (!f)
		return NULL;
	c = arena_new(a, struct foreach_stmt);
	*c = *f;
	c->value.var = expr_clone(a, f->value.var);
	c->keys.v = NULL;
	c->keys.n = c->keys.cap = 0;
	for (int i = 0; i < f->keys.n; i++) {
		struct foreach_var k = f->keys.v[i];

		k.var = expr_clone(a, k.var);
		vec_push(a, &c->keys, k);
	}
	c->array = expr_clone(a, f->array);
	c->limit = expr_clone(a, f->limit);
	c->body = stmt_clone(a, f->body);
	return c;
}

struct stmt *stmt_clone(struct arena *a, const struct stmt *s)
{
	struct stmt *c;

	if (!s)
		return NULL;
	c = arena_new(a, struct stmt);
	*c = *s;
	c->stmts.v = NULL;
	c->stmts.n = c->stmts.cap = 0;
	for (int i = 0; i < s->stmts.n; i++)
		vec_push(a, &c->stmts, stmt_clone(a, s->stmts.v[i]));
	c->expr = expr_clone(a, s->expr);
	c->then_stmt = stmt_clone(a, s->then_stmt);
	c->else_stmt = stmt_clone(a, s->else_stmt);
	c->init = stmt_clone(a, s->init);
	c->incr = expr_clone(a, s->incr);
	c->body = stmt_clone(a, s->body);
	c->foreach = foreach_clone(a, s->foreach);
	c->catch_var = expr_clone(a, s->catch_var);
	c->catch_body = stmt_clone(a, s->catch_body);
	return c;
}

char *probe_point_text(struct arena *a, const struct probe_point *pp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *out;

	if (!f)
		return arena_strdup(a, "?");
	print_probe_point(f, pp);
	fclose(f);
	out = arena_strndup(a, buf ? buf : "", buf ? len : 0);
	free(buf);
	return out;
}
