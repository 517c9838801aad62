// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -p1: print an AST back as source, in one canonical form.
 *
 * The canonical form:
 *  - declarations in source order, one per line; a blank line separates a
 *    probe or function from its neighbours; `global a, b` prints as one
 *    `global` line per variable (`global a`, `private global b[100]`,
 *    `global c% = 5`);
 *  - `probe POINT, POINT {`, aliases `probe NAME = POINT {` (`+=` for an
 *    epilogue), `function NAME:type(p:type, q) {`, runtime functions
 *    `function NAME:type(p) @runtime("sym");`;
 *  - one statement per line, indented with tabs; expression, return,
 *    delete, break, continue and next statements end with ';'; a block
 *    opens on the line of its if/while/for/foreach/try; a body that is not
 *    a block goes on the next line, one tab deeper; `else if` chains stay
 *    flat;
 *  - every compound operand is parenthesized, so precedence is explicit:
 *    `x = (1 + (2 * 3))`; operands that are names, literals, calls, array
 *    elements, target variables and @-operators are not; a negative number
 *    is compound: `x = (-1)`;
 *  - numbers in decimal (negative literals are folded: `-5`), strings in
 *    double quotes with \\ \" \n \t \r \a \b \v \f escapes and \ooo for
 *    other control bytes; adjacent literals are already joined;
 *  - `k in a` for one key, `[k1, k2] in a` or `[*, k] in a` otherwise;
 *    foreach keeps its brackets and sort marks as written: `foreach
 *    ([a, b-] in arr limit 5)`, `foreach (v = [k] in arr @sum+)`;
 *  - a value with a ->member or [index] chain, or with '&', that is not a
 *    $var, @cast or @var (stap's autocast) prints its base in parentheses
 *    unless it is a function call: `(x)[1]`, `f(x)->member`;
 *  - comments are gone, and macros, conditionals and $1/@1 are expanded.
 * Parsing the output and printing it again gives the same text.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

static void indent_to(FILE *out, int indent)
{
	for (int i = 0; i < indent; i++)
		fputc('\t', out);
}

static void print_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '\\': fputs("\\\\", out); break;
		case '"': fputs("\\\"", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		case '\a': fputs("\\a", out); break;
		case '\b': fputs("\\b", out); break;
		case '\v': fputs("\\v", out); break;
		case '\f': fputs("\\f", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\%03o", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static bool is_compound(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_BINARY:
	case EXPR_COMPARE:
	case EXPR_LOGICAL:
	case EXPR_TERNARY:
	case EXPR_ASSIGN:
	case EXPR_REGEX:
	case EXPR_IN:
	case EXPR_UNARY:
	case EXPR_INCDEC:
		return true;
	case EXPR_NUMBER:
		return e->num < 0;
	default:
		return false;
	}
}

static void print_operand(FILE *out, const struct expr *e)
{
	if (e && is_compound(e)) {
		fputc('(', out);
		print_expr(out, e);
		fputc(')', out);
	} else {
		print_expr(out, e);
	}
}

/* Keys of a[...] and of a slice: a NULL key is the '*' wildcard. */
static void print_keys(FILE *out, const struct expr *e, bool operands)
{
	for (int i = 0; i < e->args.n; i++) {
		if (i)
			fputs(", ", out);
		if (!e->args.v[i])
			fputc('*', out);
		else if (operands)
			print_operand(out, e->args.v[i]);
		else
			print_expr(out, e->args.v[i]);
	}
}

static void print_args(FILE *out, const struct expr *e, int from)
{
	for (int i = from; i < e->args.n; i++) {
		if (i > from)
			fputs(", ", out);
		print_expr(out, e->args.v[i]);
	}
}

static void print_chain(FILE *out, const struct expr *e)
{
	for (int i = 0; i < e->chain.n; i++) {
		const struct component *c = &e->chain.v[i];

		if (c->kind == COMP_MEMBER) {
			fprintf(out, "->%s", c->name);
		} else {
			fputc('[', out);
			print_expr(out, c->index);
			fputc(']', out);
		}
	}
	if (e->pretty == PRETTY_SHALLOW)
		fputc('$', out);
	else if (e->pretty == PRETTY_DEEP)
		fputs("$$", out);
}

static const char *stat_name(enum stat_op op)
{
	static const char *const names[] = {
		[STAT_COUNT] = "@count", [STAT_SUM] = "@sum",
		[STAT_MIN] = "@min", [STAT_MAX] = "@max", [STAT_AVG] = "@avg",
		[STAT_VARIANCE] = "@variance",
	};

	return (unsigned)op <= STAT_VARIANCE ? names[op] : "@count";
}

static void print_array_base(FILE *out, const struct expr *e)
{
	if (e->base)
		print_expr(out, e->base);
	else
		fputs(e->name ? e->name : "?", out);
}

static void print_cast(FILE *out, const struct expr *e)
{
	if (e->addr_of)
		fputc('&', out);
	if (!e->str) {
		/* autocast: the value itself, then its chain */
		if (e->operand && e->operand->kind == EXPR_CALL) {
			print_expr(out, e->operand);
		} else {
			fputc('(', out);
			print_expr(out, e->operand);
			fputc(')', out);
		}
	} else {
		fputs("@cast(", out);
		print_expr(out, e->operand);
		fputs(", ", out);
		print_string(out, e->str);
		if (e->module) {
			fputs(", ", out);
			print_string(out, e->module);
		}
		fputc(')', out);
	}
	print_chain(out, e);
}

static void print_print(FILE *out, const struct expr *e)
{
	fprintf(out, "%s(", print_kind_name(e->print));
	if (e->print == PRINT_PRINTF || e->print == PRINT_SPRINTF) {
		print_string(out, e->format ? e->format : "");
		if (e->args.n)
			fputs(", ", out);
	}
	print_args(out, e, 0);
	fputc(')', out);
}

static void print_in(FILE *out, const struct expr *e)
{
	if (e->args.n == 1 && e->args.v[0]) {
		print_operand(out, e->args.v[0]);
	} else {
		fputc('[', out);
		print_keys(out, e, true);
		fputc(']', out);
	}
	fputs(" in ", out);
	print_array_base(out, e);
}

static void print_simple(FILE *out, const struct expr *e)
{
	switch (e->kind) {
	case EXPR_NUMBER:
		fprintf(out, "%" PRId64, e->num);
		break;
	case EXPR_STRING:
		print_string(out, e->str);
		break;
	case EXPR_IDENT:
		fputs(e->name ? e->name : "?", out);
		break;
	case EXPR_PARAM_COUNT:
		fputs(e->num ? "@#" : "$#", out);
		break;
	case EXPR_STAT:
		fprintf(out, "%s(", stat_name(e->stat));
		print_expr(out, e->operand);
		if (e->args.n)
			fputs(", ", out);
		print_args(out, e, 0);
		fputc(')', out);
		break;
	case EXPR_HIST:
		fputs(e->hist == HIST_LOG ? "@hist_log(" : "@hist_linear(", out);
		print_expr(out, e->operand);
		if (e->args.n)
			fputs(", ", out);
		print_args(out, e, 0);
		fputc(')', out);
		break;
	case EXPR_DEFINED:
	case EXPR_ENTRY:
		fputs(e->kind == EXPR_DEFINED ? "@defined(" : "@entry(", out);
		print_expr(out, e->operand);
		fputc(')', out);
		break;
	case EXPR_CHOOSE_DEFINED:
		fputs("@choose_defined(", out);
		print_expr(out, e->left);
		fputs(", ", out);
		print_expr(out, e->right);
		fputc(')', out);
		break;
	default:
		fputs("?", out);
		break;
	}
}

void print_expr(FILE *out, const struct expr *e)
{
	if (!e) {
		fputc('*', out);
		return;
	}
	switch (e->kind) {
	case EXPR_INDEX:
		print_array_base(out, e);
		fputc('[', out);
		print_keys(out, e, false);
		fputc(']', out);
		break;
	case EXPR_CALL:
		fprintf(out, "%s(", e->name ? e->name : "?");
		print_args(out, e, 0);
		fputc(')', out);
		break;
	case EXPR_PRINT:
		print_print(out, e);
		break;
	case EXPR_UNARY:
		fputs(op_text(e->op), out);
		print_operand(out, e->operand);
		break;
	case EXPR_BINARY:
	case EXPR_COMPARE:
	case EXPR_LOGICAL:
	case EXPR_ASSIGN:
		print_operand(out, e->left);
		fprintf(out, " %s ", op_text(e->op));
		print_operand(out, e->right);
		break;
	case EXPR_TERNARY:
		print_operand(out, e->cond);
		fputs(" ? ", out);
		print_operand(out, e->left);
		fputs(" : ", out);
		print_operand(out, e->right);
		break;
	case EXPR_INCDEC:
		if (e->op == OP_PREINC || e->op == OP_PREDEC)
			fputs(op_text(e->op), out);
		print_operand(out, e->operand);
		if (e->op == OP_POSTINC || e->op == OP_POSTDEC)
			fputs(op_text(e->op), out);
		break;
	case EXPR_REGEX:
		print_operand(out, e->left);
		fprintf(out, " %s ", op_text(e->op));
		print_string(out, e->str);
		break;
	case EXPR_IN:
		print_in(out, e);
		break;
	case EXPR_TARGET:
		if (e->addr_of)
			fputc('&', out);
		fputs(e->name ? e->name : "$?", out);
		print_chain(out, e);
		break;
	case EXPR_CAST:
		print_cast(out, e);
		break;
	case EXPR_VAR:
		if (e->addr_of)
			fputc('&', out);
		fputs("@var(", out);
		print_string(out, e->str);
		if (e->module) {
			fputs(", ", out);
			print_string(out, e->module);
		}
		fputc(')', out);
		print_chain(out, e);
		break;
	default:
		print_simple(out, e);
		break;
	}
}

/* ------------------------------------------------------------ statements */

static void print_inline(FILE *out, const struct stmt *st, int indent);

/* The body of if/while/for/foreach: a block stays on this line. */
static void print_body(FILE *out, const struct stmt *st, int indent)
{
	if (st && st->kind == STMT_BLOCK) {
		fputc(' ', out);
		print_inline(out, st, indent);
	} else {
		fputc('\n', out);
		indent_to(out, indent + 1);
		print_inline(out, st, indent + 1);
	}
}

static void print_if(FILE *out, const struct stmt *st, int indent)
{
	fputs("if (", out);
	print_expr(out, st->expr);
	fputc(')', out);
	print_body(out, st->then_stmt, indent);
	if (!st->else_stmt)
		return;
	if (st->then_stmt && st->then_stmt->kind == STMT_BLOCK) {
		fputc(' ', out);
	} else {
		fputc('\n', out);
		indent_to(out, indent);
	}
	fputs("else", out);
	if (st->else_stmt->kind == STMT_IF) {
		fputc(' ', out);
		print_inline(out, st->else_stmt, indent);
	} else {
		print_body(out, st->else_stmt, indent);
	}
}

static void print_sort(FILE *out, int sort)
{
	if (sort > 0)
		fputc('+', out);
	else if (sort < 0)
		fputc('-', out);
}

static void print_foreach(FILE *out, const struct foreach_stmt *f, int indent)
{
	bool brackets = f->bracketed || f->keys.n != 1;

	fputs("foreach (", out);
	if (f->value.var) {
		print_expr(out, f->value.var);
		print_sort(out, f->value.sort);
		fputs(" = ", out);
	}
	if (brackets)
		fputc('[', out);
	for (int i = 0; i < f->keys.n; i++) {
		if (i)
			fputs(", ", out);
		print_expr(out, f->keys.v[i].var);
		print_sort(out, f->keys.v[i].sort);
	}
	if (brackets)
		fputc(']', out);
	fputs(" in ", out);
	print_expr(out, f->array);
	if (f->has_sort_stat)
		fprintf(out, " %s", stat_name(f->sort_stat));
	print_sort(out, f->array_sort);
	if (f->limit) {
		fputs(" limit ", out);
		print_expr(out, f->limit);
	}
	fputc(')', out);
	print_body(out, f->body, indent);
}

static void print_for(FILE *out, const struct stmt *st, int indent)
{
	fputs("for (", out);
	if (st->init && st->init->expr)
		print_expr(out, st->init->expr);
	fputc(';', out);
	if (st->expr) {
		fputc(' ', out);
		print_expr(out, st->expr);
	}
	fputc(';', out);
	if (st->incr) {
		fputc(' ', out);
		print_expr(out, st->incr);
	}
	fputc(')', out);
	print_body(out, st->body, indent);
}

static void print_block(FILE *out, const struct stmt *st, int indent)
{
	fputs("{\n", out);
	for (int i = 0; i < st->stmts.n; i++)
		print_stmt(out, st->stmts.v[i], indent + 1);
	indent_to(out, indent);
	fputc('}', out);
}

/* A statement from the current column; no newline after it. */
static void print_inline(FILE *out, const struct stmt *st, int indent)
{
	if (!st) {
		fputc(';', out);
		return;
	}
	switch (st->kind) {
	case STMT_BLOCK:
		print_block(out, st, indent);
		break;
	case STMT_EXPR:
		print_expr(out, st->expr);
		fputc(';', out);
		break;
	case STMT_NULL:
		fputc(';', out);
		break;
	case STMT_IF:
		print_if(out, st, indent);
		break;
	case STMT_WHILE:
		fputs("while (", out);
		print_expr(out, st->expr);
		fputc(')', out);
		print_body(out, st->body, indent);
		break;
	case STMT_FOR:
		print_for(out, st, indent);
		break;
	case STMT_FOREACH:
		print_foreach(out, st->foreach, indent);
		break;
	case STMT_BREAK:
		fputs("break;", out);
		break;
	case STMT_CONTINUE:
		fputs("continue;", out);
		break;
	case STMT_NEXT:
		fputs("next;", out);
		break;
	case STMT_RETURN:
		fputs("return", out);
		if (st->expr) {
			fputc(' ', out);
			print_expr(out, st->expr);
		}
		fputc(';', out);
		break;
	case STMT_DELETE:
		fputs("delete ", out);
		print_expr(out, st->expr);
		fputc(';', out);
		break;
	case STMT_TRY:
		fputs("try ", out);
		print_inline(out, st->body, indent);
		fputs(" catch ", out);
		if (st->catch_var) {
			fputc('(', out);
			print_expr(out, st->catch_var);
			fputs(") ", out);
		}
		print_inline(out, st->catch_body, indent);
		break;
	case STMT_EMBEDDED_C:
		fprintf(out, "%%{%s%%}", st->code ? st->code : "");
		break;
	}
}

void print_stmt(FILE *out, const struct stmt *st, int indent)
{
	indent_to(out, indent);
	print_inline(out, st, indent);
	fputc('\n', out);
}

/* --------------------------------------------------------- declarations */

void print_probe_point(FILE *out, const struct probe_point *pp)
{
	for (int i = 0; i < pp->components.n; i++) {
		const struct probe_component *c = &pp->components.v[i];

		if (i)
			fputc('.', out);
		fputs(c->name, out);
		if (c->arg) {
			fputc('(', out);
			print_expr(out, c->arg);
			fputc(')', out);
		}
	}
	if (pp->sufficient)
		fputc('!', out);
	else if (pp->optional)
		fputc('?', out);
	if (pp->condition) {
		fputs(" if (", out);
		print_expr(out, pp->condition);
		fputc(')', out);
	}
}

static void print_points(FILE *out, const struct probe_point *const *v, int n,
			 const char *sep)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputs(sep, out);
		print_probe_point(out, v[i]);
	}
}

static void print_probe(FILE *out, const struct probe_decl *p)
{
	fputs(p->is_private ? "private probe " : "probe ", out);
	if (p->is_alias) {
		const char *op = p->is_epilogue ? " += " : " = ";

		print_points(out, (const struct probe_point *const *)p->alias_names.v,
			     p->alias_names.n, op);
		fputs(op, out);
	}
	print_points(out, (const struct probe_point *const *)p->points.v,
		     p->points.n, ", ");
	fputc(' ', out);
	if (p->body)
		print_inline(out, p->body, 0);
	else
		fputs("{\n}", out);
	fputc('\n', out);
}

static void print_function(FILE *out, const struct function_decl *f)
{
	if (f->is_private)
		fputs("private ", out);
	fprintf(out, "function %s", f->name);
	if (f->type_declared)
		fprintf(out, ":%s", type_name(f->type));
	fputc('(', out);
	for (int i = 0; i < f->params.n; i++) {
		const struct param_decl *pd = &f->params.v[i];

		fprintf(out, "%s%s", i ? ", " : "", pd->name);
		if (pd->type_declared)
			fprintf(out, ":%s", type_name(pd->type));
	}
	fputs(") ", out);
	if (f->runtime) {
		fputs("@runtime(", out);
		print_string(out, f->runtime);
		fputs(");", out);
	} else if (f->embedded_c) {
		fprintf(out, "%%{%s%%}", f->embedded_c);
	} else if (f->body) {
		print_inline(out, f->body, 0);
	} else {
		fputs("{\n}", out);
	}
	fputc('\n', out);
}

static void print_global(FILE *out, const struct global_decl *g)
{
	fprintf(out, "%sglobal %s", g->is_private ? "private " : "", g->name);
	if (g->wrap)
		fputc('%', out);
	if (g->size > 0)
		fprintf(out, "[%" PRId64 "]", g->size);
	else if (g->is_array && !g->wrap)
		fputs("[]", out);
	if (g->init) {
		fputs(" = ", out);
		print_expr(out, g->init);
	}
	fputc('\n', out);
}

void print_decl(FILE *out, const struct decl *d)
{
	switch (d->kind) {
	case DECL_PROBE:
		print_probe(out, d->probe);
		break;
	case DECL_FUNCTION:
		print_function(out, d->function);
		break;
	case DECL_GLOBAL:
		print_global(out, d->global);
		break;
	case DECL_EMBEDDED_C:
		fprintf(out, "%%{%s%%}\n", d->code ? d->code : "");
		break;
	}
}

void print_file_ast(FILE *out, const struct file_ast *f)
{
	for (int i = 0; i < f->decls.n; i++) {
		const struct decl *d = &f->decls.v[i];

		if (i && (d->kind == DECL_PROBE || d->kind == DECL_FUNCTION ||
			  f->decls.v[i - 1].kind == DECL_PROBE ||
			  f->decls.v[i - 1].kind == DECL_FUNCTION))
			fputc('\n', out);
		print_decl(out, d);
	}
}
