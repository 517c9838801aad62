// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 2: type inference over the whole reachable program.
 *
 * Types flow both ways: from literals, declarations and context variables
 * into symbols, and from what a context needs (an operand of +, a printf
 * %d, a parameter) into the symbols and function results still unknown.
 * Rounds repeat until nothing changes; then one last round reports, so
 * every conflict is reported once, at the place that disagrees, with a note
 * at the place that decided the type. Whatever is still unknown then gets
 * SystemTap's "unresolved type" error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "elab_internal.h"
#include "session.h"

#define MAX_ROUNDS 64

struct tctx {
	struct elab_ctx *cx;
	bool report;
	bool changed;
	struct elab_function *func;	/* NULL in a probe */
};

static enum type_kind infer(struct tctx *t, struct expr *e,
			    enum type_kind want);
static void infer_stmt(struct tctx *t, struct stmt *st);

static const char *a_type(enum type_kind k)
{
	switch (k) {
	case TYPE_LONG:
		return "a long";
	case TYPE_STRING:
		return "a string";
	case TYPE_STATS:
		return "statistics";
	case TYPE_VOID:
		return "no value";
	default:
		return "of unknown type";
	}
}

static bool known(enum type_kind k)
{
	return k != TYPE_UNKNOWN;
}

/* ------------------------------------------------------------ symbols */

static void set_sym(struct tctx *t, struct symbol *sym, enum type_kind k,
		    struct src_loc loc)
{
	if (!sym || !known(k) || k == TYPE_VOID || known(sym->type))
		return;
	sym->type = k;
	sym->type_loc = loc;
	t->changed = true;
}

static struct elab_function *efunc(struct tctx *t, struct function_decl *fd)
{
	return elab_function_of(t->cx, fd);
}

static void set_return(struct tctx *t, struct function_decl *fd,
		       enum type_kind k, struct src_loc loc)
{
	if (!fd || !known(k) || k == TYPE_VOID || known(fd->type))
		return;
	fd->type = k;
	efunc(t, fd)->type_loc = loc;
	t->changed = true;
}

/* A note at the place that decided the type of what e names. */
static void decided_note(struct tctx *t, struct diag *d, const struct expr *e)
{
	struct src_loc loc = { 0 };
	enum type_kind k = TYPE_UNKNOWN;

	if ((e->kind == EXPR_IDENT || e->kind == EXPR_INDEX) && e->sym) {
		loc = e->sym->type_loc;
		k = e->sym->type;
	} else if (e->kind == EXPR_CALL && e->func) {
		loc = efunc(t, e->func)->type_loc;
		k = e->func->type;
	}
	if (loc.file && known(k))
		diag_note(d, loc, "type '%s' was decided here", type_name(k));
}

/*
 * Report (in the last round) that e is not `want`. `what` names the role,
 * e.g. "the operand of '+'".
 */
static void expect(struct tctx *t, struct expr *e, enum type_kind want,
		   const char *what)
{
	struct diag *d;

	if (!t->report || !e || !known(want) || !known(e->type) ||
	    e->type == want)
		return;
	if (e->kind == EXPR_HIST) {
		diag_hint(diag_error(t->cx->s, e->loc,
				     "a histogram cannot be used as %s",
				     what),
			  "print it on its own: print(@hist_log(...))");
		return;
	}
	if (e->type == TYPE_STATS) {
		d = diag_error(t->cx->s, e->loc,
			       "statistics cannot be used as %s", what);
		diag_hint(d, "read them with @count, @sum, @min, @max, @avg or @variance");
		decided_note(t, d, e);
		return;
	}
	if (e->type == TYPE_VOID) {
		d = diag_error(t->cx->s, e->loc,
			       "function '%s' returns no value, but is used as %s",
			       e->name ? e->name : "?", what);
		if (e->func)
			diag_note(d, e->func->loc, "'%s' is defined here",
				  e->func->name);
		return;
	}
	d = diag_error(t->cx->s, e->loc, "%s must be %s, but this is %s",
		       what, a_type(want), a_type(e->type));
	decided_note(t, d, e);
}

/* ---------------------------------------------------------- shapes */

static struct diag *shape_error(struct tctx *t, struct expr *e,
				struct symbol *sym, const char *fmt,
				const char *name)
{
	struct diag *d = diag_error(t->cx->s, e->loc, fmt, name);

	diag_note(d, sym->array_loc, "'%s' was first used %s here", name,
		  sym->is_array ? "as an array" : "as a scalar");
	return d;
}

/* e uses sym as a scalar (array == false) or as an array. */
static bool check_shape(struct tctx *t, struct expr *e, struct symbol *sym,
			bool array)
{
	if (!sym)
		return false;
	if (!sym->shape_known) {
		sym->shape_known = true;
		sym->is_array = array;
		sym->array_loc = e->loc;
		t->changed = true;
		return true;
	}
	if (sym->is_array == array)
		return true;
	if (t->report)
		shape_error(t, e, sym,
			    array ? "'%s' is a scalar, it cannot be indexed" :
				    "array '%s' used without an index",
			    sym->name);
	return false;
}

/* Keys of an index, `in`, slice or foreach against the array's. */
static void infer_keys(struct tctx *t, struct expr *at, struct symbol *sym,
		       struct expr **keys, int n, bool wild_ok)
{
	struct elab_ctx *cx = t->cx;

	if (!sym)
		return;
	if (!sym->key_types.n && n) {
		for (int i = 0; i < n; i++) {
			struct src_loc none = { 0 };

			vec_push(cx->a, &sym->key_types, TYPE_UNKNOWN);
			vec_push(cx->a, &sym->key_locs, none);
		}
		sym->array_loc = at->loc;
		t->changed = true;
	}
	if (sym->key_types.n != n) {
		if (t->report)
			diag_note(diag_error(cx->s, at->loc,
					     "array '%s' is indexed with %d key%s here, but with %d elsewhere",
					     sym->name, n, n == 1 ? "" : "s",
					     sym->key_types.n),
				  sym->array_loc, "'%s' was first indexed here",
				  sym->name);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct expr *k = keys[i];
		enum type_kind kt;

		if (!k) {
			if (!wild_ok && t->report)
				diag_hint(diag_error(cx->s, at->loc,
						     "'*' in the keys of '%s' is only allowed in delete, foreach and in",
						     sym->name),
					  "give a value for every key");
			continue;
		}
		kt = infer(t, k, sym->key_types.v[i]);
		if (!known(sym->key_types.v[i]) && known(kt) &&
		    kt != TYPE_STATS && kt != TYPE_VOID) {
			sym->key_types.v[i] = kt;
			sym->key_locs.v[i] = k->loc;
			t->changed = true;
		} else if (t->report && known(kt) &&
			   known(sym->key_types.v[i]) &&
			   kt != sym->key_types.v[i]) {
			diag_note(diag_error(cx->s, k->loc,
					     "key %d of array '%s' must be %s, but this is %s",
					     i + 1, sym->name,
					     a_type(sym->key_types.v[i]),
					     a_type(kt)),
				  sym->key_locs.v[i],
				  "type '%s' was decided here",
				  type_name(sym->key_types.v[i]));
		}
	}
}

/* --------------------------------------------------------- expressions */

static enum type_kind infer_ident(struct tctx *t, struct expr *e,
				  enum type_kind want)
{
	struct symbol *sym = e->sym;

	if (!sym)
		return TYPE_UNKNOWN;
	check_shape(t, e, sym, false);
	if (want != TYPE_STATS)
		set_sym(t, sym, want, e->loc);
	return sym->type;
}

static enum type_kind infer_stat(struct tctx *t, struct expr *e);

static bool is_hist(const struct expr *e)
{
	return e && e->kind == EXPR_HIST;
}

/* @hist_log(s)[i]: the count in bucket i, a long (stap numbers buckets as
 * print() lays them out: runtime/hist.h). */
static enum type_kind infer_bucket(struct tctx *t, struct expr *e)
{
	infer_stat(t, e->base);
	for (int i = 0; i < e->args.n; i++) {
		infer(t, e->args.v[i], TYPE_LONG);
		expect(t, e->args.v[i], TYPE_LONG, "a histogram bucket number");
	}
	if (t->report && e->kind == EXPR_IN)
		diag_hint(diag_error(t->cx->s, e->loc,
				     "'in' does not apply to a histogram"),
			  "every bucket exists: test the count, %s(...)[i] > 0",
			  e->base->hist == HIST_LOG ? "@hist_log" :
						      "@hist_linear");
	return TYPE_LONG;
}

static enum type_kind infer_index(struct tctx *t, struct expr *e,
				  enum type_kind want)
{
	struct symbol *sym = e->sym;

	if (is_hist(e->base))
		return infer_bucket(t, e);
	if (!sym)
		return TYPE_UNKNOWN;
	if (!check_shape(t, e, sym, true))
		return TYPE_UNKNOWN;
	infer_keys(t, e, sym, e->args.v, e->args.n, e->kind == EXPR_IN);
	if (e->kind == EXPR_IN)
		return TYPE_LONG;
	if (want != TYPE_STATS)
		set_sym(t, sym, want, e->loc);
	return sym->type;
}

static enum type_kind infer_call_of(struct tctx *t, struct expr *e,
				    struct function_decl *fd,
				    enum type_kind want)
{
	struct elab_function *ef = efunc(t, fd);

	for (int i = 0; i < e->args.n && i < ef->params.n; i++) {
		struct symbol *p = ef->params.v[i];
		struct expr *a = e->args.v[i];
		enum type_kind at = infer(t, a, p->type);
		struct diag *d;

		set_sym(t, p, at, a->loc);
		if (!t->report || !known(at) || !known(p->type) ||
		    at == p->type)
			continue;
		if (at == TYPE_STATS || at == TYPE_VOID) {
			expect(t, a, p->type, "a function argument");
			continue;
		}
		d = diag_error(t->cx->s, a->loc,
			       "argument %d of '%s' must be %s, but this is %s",
			       i + 1, fd->name, a_type(p->type), a_type(at));
		diag_note(d, p->type_loc, "type '%s' of parameter '%s' was decided here",
			  type_name(p->type), p->name);
	}
	if (want != TYPE_STATS)
		set_return(t, fd, want, e->loc);
	return fd->type;
}

/*
 * A call runs fd or one of its fallbacks (run-time overloading): the
 * arguments and the value must suit each of them, so each is inferred
 * from the call, and they share one return type.
 */
static enum type_kind infer_call(struct tctx *t, struct expr *e,
				 enum type_kind want)
{
	struct function_decl *fd = e->func;

	if (!fd) {
		for (int i = 0; i < e->args.n; i++)
			infer(t, e->args.v[i], TYPE_UNKNOWN);
		return TYPE_UNKNOWN;
	}
	for (struct function_decl *f = fd->fallback; f; f = f->fallback) {
		infer_call_of(t, e, f, want);
		set_return(t, fd, f->type, efunc(t, f)->type_loc);
		set_return(t, f, fd->type, efunc(t, fd)->type_loc);
		if (t->report && known(f->type) && known(fd->type) &&
		    f->type != fd->type)
			diag_note(diag_error(t->cx->s, f->loc,
					     "this definition of '%s' returns %s, the one before it %s",
					     f->name, a_type(f->type),
					     a_type(fd->type)),
				  fd->loc, "a call may run either ('next' passes it on)");
	}
	return infer_call_of(t, e, fd, want);
}

/* ------------------------------------------------------ printf formats */

struct conv {
	enum type_kind type;	/* what the argument must be */
	char c;			/* the conversion letter, or '*' */
};

struct conv_vec {
	struct conv *v;
	int n;
	int cap;
};

/*
 * stap's format: %[flags][width][.precision][length]conversion with
 * flags -+ #0, width and precision digits or *, and conversions
 * d i u x X o c p b m M s and %%. Returns false at a bad conversion.
 */
static bool parse_format(struct tctx *t, const char *f, struct conv_vec *out,
			 char *bad)
{
	struct arena *a = t->cx->a;

	for (const char *p = f; *p; p++) {
		struct conv c = { TYPE_LONG, '*' };

		if (*p != '%')
			continue;
		p++;
		if (*p == '%')
			continue;
		while (*p && strchr("-+ #0", *p))
			p++;
		if (*p == '*') {
			vec_push(a, out, c);
			p++;
		}
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			if (*p == '*') {
				vec_push(a, out, c);
				p++;
			}
			while (*p >= '0' && *p <= '9')
				p++;
		}
		while (*p && strchr("hlLzjt", *p))
			p++;
		if (!*p || !strchr("diuxXocpbmMs", *p)) {
			*bad = *p;
			return false;
		}
		c.c = *p;
		c.type = *p == 's' ? TYPE_STRING : TYPE_LONG;
		vec_push(a, out, c);
	}
	return true;
}

static void format_arg_error(struct tctx *t, struct expr *a, int i,
			     const struct conv *c)
{
	struct diag *d;

	if (a->type == TYPE_STATS || a->type == TYPE_VOID) {
		expect(t, a, c->type, "a printf argument");
		return;
	}
	if (c->c == '*')
		d = diag_error(t->cx->s, a->loc,
			       "argument %d is a width or precision '*' and must be a long, but this is %s",
			       i + 1, a_type(a->type));
	else
		d = diag_error(t->cx->s, a->loc,
			       "format '%%%c' needs %s, but argument %d is %s",
			       c->c, a_type(c->type), i + 1, a_type(a->type));
	decided_note(t, d, a);
}

static void infer_printf(struct tctx *t, struct expr *e)
{
	struct conv_vec convs = { 0 };
	const char *name = print_kind_name(e->print);
	char bad = 0;

	if (!parse_format(t, e->format, &convs, &bad)) {
		for (int i = 0; i < e->args.n; i++)
			infer(t, e->args.v[i], TYPE_UNKNOWN);
		if (t->report)
			diag_hint(diag_error(t->cx->s, e->loc,
					     bad ? "%s format has an invalid conversion '%%%c'" :
						   "%s format ends in the middle of a conversion",
					     name, bad),
				  "conversions are %%d %%i %%u %%x %%X %%o %%c %%p %%b %%m %%M %%s; write %%%% for a literal %%");
		return;
	}
	for (int i = 0; i < e->args.n; i++) {
		struct expr *a = e->args.v[i];
		const struct conv *c = i < convs.n ? &convs.v[i] : NULL;
		enum type_kind k = infer(t, a, c ? c->type : TYPE_UNKNOWN);

		if (t->report && c && known(k) && k != c->type)
			format_arg_error(t, a, i, c);
	}
	if (t->report && convs.n != e->args.n)
		diag_hint(diag_error(t->cx->s, e->loc,
				     "%s format wants %d argument%s, but %d %s given",
				     name, convs.n, convs.n == 1 ? "" : "s",
				     e->args.n, e->args.n == 1 ? "was" : "were"),
			  "every %% conversion (and every '*') takes one argument");
}

static bool is_delimited(enum print_kind k)
{
	return k == PRINT_PRINTD || k == PRINT_PRINTDLN ||
	       k == PRINT_SPRINTD || k == PRINT_SPRINTDLN;
}

static enum type_kind infer_print(struct tctx *t, struct expr *e)
{
	bool to_string = print_kind_returns_string(e->print);
	const char *name = print_kind_name(e->print);

	if (e->format) {
		infer_printf(t, e);
	} else {
		for (int i = 0; i < e->args.n; i++) {
			struct expr *a = e->args.v[i];
			enum type_kind want = TYPE_UNKNOWN;
			enum type_kind k;

			if (i == 0 && is_delimited(e->print))
				want = TYPE_STRING;
			k = infer(t, a, want);
			if (!t->report)
				continue;
			if (want == TYPE_STRING)
				expect(t, a, want, "the delimiter");
			else if (a->kind == EXPR_HIST && !to_string &&
				 e->args.n == 1)
				continue;
			else if (k == TYPE_STATS || k == TYPE_VOID)
				expect(t, a, TYPE_LONG,
				       arena_printf(t->cx->a,
						    "an argument of %s", name));
		}
	}
	return to_string ? TYPE_STRING : TYPE_VOID;
}

/* --------------------------------------------------------- operators */

static const char *operand_of(struct tctx *t, enum op op)
{
	return arena_printf(t->cx->a, "the operand of '%s'", op_text(op));
}

/* Both sides of ==, ?: or = must agree; whichever is known decides. */
static enum type_kind unify2(struct tctx *t, struct expr *l, struct expr *r,
			     enum type_kind want)
{
	enum type_kind lt = infer(t, l, want);
	enum type_kind rt = infer(t, r, known(lt) ? lt : want);

	/* in the reporting round types are final: once is enough */
	if (!known(lt) && known(rt) && !t->report)
		lt = infer(t, l, rt);
	return known(lt) ? lt : rt;
}

static void mismatch2(struct tctx *t, struct expr *at, struct expr *l,
		      struct expr *r, const char *fmt)
{
	struct diag *d;

	if (!t->report || !known(l->type) || !known(r->type) ||
	    l->type == r->type)
		return;
	d = diag_error(t->cx->s, at->loc, fmt, a_type(l->type),
		       a_type(r->type));
	decided_note(t, d, l);
}

static bool is_lvalue(const struct expr *e)
{
	return e && (e->kind == EXPR_IDENT ||
		     (e->kind == EXPR_INDEX && !is_hist(e->base)));
}

static void lvalue_check(struct tctx *t, struct expr *e, struct expr *target)
{
	if (!t->report || !target || is_lvalue(target))
		return;
	if (target->kind == EXPR_INDEX)
		diag_hint(diag_error(t->cx->s, target->loc,
				     "cannot assign to histogram buckets"),
			  "they count what '<<<' puts into the statistics");
	else if (target->kind == EXPR_TARGET)
		diag_hint(diag_error(t->cx->s, target->loc,
				     "cannot assign to target variable '%s'",
				     target->name ? target->name : ""),
			  "bstap does not write kernel or process memory; copy the value into a variable");
	else
		diag_error(t->cx->s, e->loc,
			   "the left side of '%s' cannot be assigned to",
			   op_text(e->op));
}

/*
 * x <<< v and @count(x): a global (or an element of one) named there holds
 * statistics. False when x is not such a name.
 */
static bool as_stats(struct tctx *t, struct expr *x)
{
	if (!x->sym || (x->kind != EXPR_IDENT && x->kind != EXPR_INDEX))
		return false;
	if (x->kind == EXPR_IDENT)
		check_shape(t, x, x->sym, false);
	else
		infer_index(t, x, TYPE_UNKNOWN);
	set_sym(t, x->sym, TYPE_STATS, x->loc);
	x->type = x->sym->type;
	return true;
}

static enum type_kind infer_aggregate(struct tctx *t, struct expr *e)
{
	struct expr *l = e->left;

	if (l && !as_stats(t, l))
		lvalue_check(t, e, l);
	infer(t, e->right, TYPE_LONG);
	if (t->report && l && known(l->type) && l->type != TYPE_STATS) {
		struct diag *d = diag_error(t->cx->s, l->loc,
					    "'<<<' needs a statistics variable, but this is %s",
					    a_type(l->type));
		decided_note(t, d, l);
	}
	expect(t, e->right, TYPE_LONG, "the value of '<<<'");
	return TYPE_VOID;
}

static enum type_kind infer_assign(struct tctx *t, struct expr *e,
				   enum type_kind want)
{
	enum type_kind k;

	(void)want;
	if (e->op == OP_AGGREGATE)
		return infer_aggregate(t, e);
	lvalue_check(t, e, e->left);
	if (e->op == OP_ASSIGN) {
		k = unify2(t, e->left, e->right, TYPE_UNKNOWN);
		if (t->report && e->left->type == TYPE_STATS) {
			expect(t, e->left, TYPE_LONG,
			       "the target of '='");
			return k;
		}
		if (t->report && (e->right->type == TYPE_STATS ||
				  e->right->type == TYPE_VOID)) {
			expect(t, e->right, known(e->left->type) ?
				  e->left->type : TYPE_LONG,
			       "an assigned value");
			return k;
		}
		if (t->report && known(e->left->type) &&
		    known(e->right->type) &&
		    e->left->type != e->right->type) {
			struct diag *d = diag_error(t->cx->s, e->right->loc,
						    "cannot assign %s to %s",
						    a_type(e->right->type),
						    a_type(e->left->type));

			decided_note(t, d, e->left);
		}
		return k;
	}
	k = e->op == OP_CONCAT_ASSIGN ? TYPE_STRING : TYPE_LONG;
	infer(t, e->left, k);
	infer(t, e->right, k);
	expect(t, e->left, k, arena_printf(t->cx->a, "the target of '%s'",
					     op_text(e->op)));
	expect(t, e->right, k, operand_of(t, e->op));
	return k;
}

static enum type_kind infer_stat(struct tctx *t, struct expr *e)
{
	struct expr *o = e->operand;
	struct diag *d;

	if (o && !as_stats(t, o))
		infer(t, o, TYPE_UNKNOWN);
	for (int i = 0; i < e->args.n; i++) {
		infer(t, e->args.v[i], TYPE_LONG);
		expect(t, e->args.v[i], TYPE_LONG,
		       "a @hist_linear parameter");
	}
	if (t->report && o && known(o->type) && o->type != TYPE_STATS) {
		d = diag_error(t->cx->s, o->loc,
			       "%s needs a statistics variable fed with '<<<', but this is %s",
			       e->kind == EXPR_HIST ?
				       (e->hist == HIST_LOG ? "@hist_log" :
							      "@hist_linear") :
				       "an aggregate operator",
			       a_type(o->type));
		decided_note(t, d, o);
	}
	return e->kind == EXPR_HIST ? TYPE_STATS : TYPE_LONG;
}

static enum type_kind infer_binary(struct tctx *t, struct expr *e)
{
	enum type_kind k = e->op == OP_CONCAT ? TYPE_STRING : TYPE_LONG;

	infer(t, e->left, k);
	infer(t, e->right, k);
	expect(t, e->left, k, operand_of(t, e->op));
	expect(t, e->right, k, operand_of(t, e->op));
	return k;
}

static enum type_kind infer_inner(struct tctx *t, struct expr *e,
				  enum type_kind want)
{
	enum type_kind k;

	switch (e->kind) {
	case EXPR_NUMBER:
	case EXPR_PARAM_COUNT:
	case EXPR_DEFINED:
		return TYPE_LONG;
	case EXPR_STRING:
		return TYPE_STRING;
	case EXPR_IDENT:
		return infer_ident(t, e, want);
	case EXPR_INDEX:
	case EXPR_IN:
		return infer_index(t, e, want);
	case EXPR_CALL:
		return infer_call(t, e, want);
	case EXPR_PRINT:
		return infer_print(t, e);
	case EXPR_UNARY:
		infer(t, e->operand, TYPE_LONG);
		expect(t, e->operand, TYPE_LONG, operand_of(t, e->op));
		return TYPE_LONG;
	case EXPR_BINARY:
		return infer_binary(t, e);
	case EXPR_COMPARE:
		k = unify2(t, e->left, e->right, TYPE_UNKNOWN);
		if (k == TYPE_STATS || k == TYPE_VOID) {
			expect(t, e->left, TYPE_LONG, operand_of(t, e->op));
			expect(t, e->right, TYPE_LONG, operand_of(t, e->op));
		} else {
			mismatch2(t, e, e->left, e->right,
				  "cannot compare %s with %s");
		}
		return TYPE_LONG;
	case EXPR_LOGICAL:
		infer(t, e->left, TYPE_LONG);
		infer(t, e->right, TYPE_LONG);
		expect(t, e->left, TYPE_LONG, operand_of(t, e->op));
		expect(t, e->right, TYPE_LONG, operand_of(t, e->op));
		return TYPE_LONG;
	case EXPR_TERNARY:
		infer(t, e->cond, TYPE_LONG);
		expect(t, e->cond, TYPE_LONG, "the condition of '?:'");
		k = unify2(t, e->left, e->right, want);
		mismatch2(t, e, e->left, e->right,
			  "the two results of '?:' differ: %s and %s");
		return k;
	case EXPR_ASSIGN:
		return infer_assign(t, e, want);
	case EXPR_INCDEC:
		lvalue_check(t, e, e->operand);
		infer(t, e->operand, TYPE_LONG);
		expect(t, e->operand, TYPE_LONG, operand_of(t, e->op));
		return TYPE_LONG;
	case EXPR_REGEX:
		infer(t, e->left, TYPE_STRING);
		expect(t, e->left, TYPE_STRING, operand_of(t, e->op));
		if (e->right)
			infer(t, e->right, TYPE_STRING);
		return TYPE_LONG;
	case EXPR_STAT:
	case EXPR_HIST:
		return infer_stat(t, e);
	case EXPR_TARGET:
		for (int i = 0; i < e->chain.n; i++)
			if (e->chain.v[i].index) {
				infer(t, e->chain.v[i].index, TYPE_LONG);
				expect(t, e->chain.v[i].index, TYPE_LONG,
				       "an index");
			}
		return known(e->type) ? e->type : TYPE_LONG;
	case EXPR_CAST:
	case EXPR_VAR:
		if (e->operand) {
			infer(t, e->operand, TYPE_LONG);
			expect(t, e->operand, TYPE_LONG, "the pointer of @cast");
		}
		if (known(e->type))
			return e->type;	/* from BTF, see resolve.c */
		return e->pretty != PRETTY_NONE ? TYPE_STRING : TYPE_LONG;
	case EXPR_ENTRY:
		return infer(t, e->operand, want);
	case EXPR_CHOOSE_DEFINED:
		return unify2(t, e->left, e->right, want);
	}
	return TYPE_UNKNOWN;
}

static enum type_kind infer(struct tctx *t, struct expr *e,
			    enum type_kind want)
{
	enum type_kind k;

	if (!e)
		return TYPE_UNKNOWN;
	if (!elab_enter(t->cx, e->loc))
		return e->type;
	k = infer_inner(t, e, want);
	if (known(k) && k != e->type) {
		e->type = k;
		t->changed = true;
	}
	elab_leave(t->cx);
	return e->type;
}

/* --------------------------------------------------------- statements */

static void infer_cond(struct tctx *t, struct expr *e, const char *what)
{
	infer(t, e, TYPE_LONG);
	expect(t, e, TYPE_LONG, what);
}

/*
 * foreach (b in @hist_log(s)): b runs over the bucket numbers, a value
 * variable gets each bucket's count. The buckets come in their order
 * (b- reverses it); stap does not sort them by count, nor does bstap.
 */
static void infer_hist_foreach(struct tctx *t, struct foreach_stmt *fe)
{
	struct expr *arr = fe->array;
	const char *op = is_hist(arr) ? (arr->hist == HIST_LOG ?
					 "@hist_log" : "@hist_linear") :
					"@hist_log";

	if (is_hist(arr))
		infer_stat(t, arr);
	else if (t->report)
		diag_hint(diag_error(t->cx->s, arr->loc,
				     "the buckets of a histogram cannot be sliced"),
			  "foreach (b in %s(...)) visits every bucket; test b in the body",
			  op);
	for (int i = 0; i < fe->keys.n; i++) {
		infer(t, fe->keys.v[i].var, TYPE_LONG);
		expect(t, fe->keys.v[i].var, TYPE_LONG,
		       "a histogram bucket number");
	}
	if (fe->value.var) {
		infer(t, fe->value.var, TYPE_LONG);
		expect(t, fe->value.var, TYPE_LONG, "a histogram bucket count");
	}
	if (t->report && fe->keys.n != 1)
		diag_hint(diag_error(t->cx->s, arr->loc,
				     "a histogram has one key, the bucket number, but this foreach names %d",
				     fe->keys.n),
			  "foreach (b in %s(...))", op);
	if (t->report && (fe->array_sort || fe->value.sort || fe->has_sort_stat))
		diag_hint(diag_error(t->cx->s, arr->loc,
				     "the buckets of a histogram cannot be sorted by their counts"),
			  "they come in bucket order; b- reverses it");
	if (fe->limit)
		infer_cond(t, fe->limit, "the limit of foreach");
	infer_stmt(t, fe->body);
}

static void infer_foreach(struct tctx *t, struct foreach_stmt *fe)
{
	struct expr *arr = fe->array;
	struct symbol *sym = arr ? arr->sym : NULL;
	struct expr **keys;

	if (is_hist(arr) || (arr && arr->kind == EXPR_INDEX &&
			     is_hist(arr->base))) {
		infer_hist_foreach(t, fe);
		return;
	}
	if (sym && check_shape(t, arr, sym, true)) {
		keys = arena_alloc(t->cx->a, sizeof(*keys) *
						     (size_t)(fe->keys.n + 1));
		for (int i = 0; i < fe->keys.n; i++)
			keys[i] = fe->keys.v[i].var;
		if (arr->kind == EXPR_INDEX)
			infer_keys(t, arr, sym, arr->args.v, arr->args.n,
				   true);
		infer_keys(t, arr, sym, keys, fe->keys.n, false);
		if (fe->value.var) {
			infer(t, fe->value.var, sym->type == TYPE_STATS ?
					  TYPE_UNKNOWN : sym->type);
			if (!known(sym->type) && known(fe->value.var->type))
				set_sym(t, sym, fe->value.var->type,
					fe->value.var->loc);
			if (t->report && sym->type == TYPE_STATS)
				diag_hint(diag_error(t->cx->s,
						     fe->value.var->loc,
						     "the values of statistics array '%s' cannot be bound in foreach",
						     sym->name),
					  "read them in the body with @count(%s[...]) and the other aggregates",
					  sym->name);
		}
		if (t->report && fe->has_sort_stat && known(sym->type) &&
		    sym->type != TYPE_STATS)
			diag_error(t->cx->s, arr->loc,
				   "sorting '%s' by an aggregate needs a statistics array, but its values are %s",
				   sym->name, a_type(sym->type));
	}
	if (fe->limit)
		infer_cond(t, fe->limit, "the limit of foreach");
	infer_stmt(t, fe->body);
}

static void infer_return(struct tctx *t, struct stmt *st)
{
	struct function_decl *fd;
	enum type_kind k;

	if (!t->func || !st->expr)
		return;
	fd = t->func->decl;
	k = infer(t, st->expr, fd->type);
	set_return(t, fd, k, st->expr->loc);
	if (t->report && known(k) && known(fd->type) && k != fd->type) {
		struct diag *d;

		if (k == TYPE_STATS || k == TYPE_VOID) {
			expect(t, st->expr, fd->type, "a return value");
			return;
		}
		d = diag_error(t->cx->s, st->expr->loc,
			       "function '%s' returns %s here, but %s elsewhere",
			       fd->name, a_type(k), a_type(fd->type));
		diag_note(d, t->func->type_loc, "type '%s' was decided here",
			  type_name(fd->type));
	}
}

static void infer_delete(struct tctx *t, struct expr *e)
{
	if (!e)
		return;
	if (e->kind == EXPR_INDEX && e->sym) {
		if (check_shape(t, e, e->sym, true))
			infer_keys(t, e, e->sym, e->args.v, e->args.n, true);
	} else if (e->kind == EXPR_IDENT) {
		/* a whole array or a scalar: both fine */
	} else if (t->report) {
		diag_error(t->cx->s, e->loc,
			   "delete needs a variable, an array or an array element");
	}
}

static void infer_stmt_inner(struct tctx *t, struct stmt *st)
{
	switch (st->kind) {
	case STMT_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			infer_stmt(t, st->stmts.v[i]);
		break;
	case STMT_EXPR:
		infer(t, st->expr, TYPE_UNKNOWN);
		if (t->report && st->expr && st->expr->kind == EXPR_HIST)
			expect(t, st->expr, TYPE_LONG, "a statement");
		break;
	case STMT_IF:
		infer_cond(t, st->expr, "the condition of 'if'");
		infer_stmt(t, st->then_stmt);
		infer_stmt(t, st->else_stmt);
		break;
	case STMT_WHILE:
	case STMT_FOR:
		infer_stmt(t, st->init);
		if (st->expr)
			infer_cond(t, st->expr, "a loop condition");
		infer(t, st->incr, TYPE_UNKNOWN);
		infer_stmt(t, st->body);
		break;
	case STMT_FOREACH:
		if (st->foreach)
			infer_foreach(t, st->foreach);
		break;
	case STMT_RETURN:
		infer_return(t, st);
		break;
	case STMT_DELETE:
		infer_delete(t, st->expr);
		break;
	case STMT_TRY:
		infer_stmt(t, st->body);
		if (st->catch_var) {
			infer(t, st->catch_var, TYPE_STRING);
			expect(t, st->catch_var, TYPE_STRING,
			       "the catch variable");
		}
		infer_stmt(t, st->catch_body);
		break;
	default:
		break;
	}
}

static void infer_stmt(struct tctx *t, struct stmt *st)
{
	if (!st || !elab_enter(t->cx, st->loc))
		return;
	infer_stmt_inner(t, st);
	elab_leave(t->cx);
}

/* ------------------------------------------------------------- driver */

static void one_round(struct tctx *t)
{
	struct elab_ctx *cx = t->cx;

	for (int i = 0; i < cx->prog->probes.n; i++) {
		struct elab_probe *ep = cx->prog->probes.v[i];

		t->func = NULL;
		if (ep->condition)
			infer_cond(t, ep->condition, "a probe condition");
		infer_stmt(t, ep->body);
	}
	for (int i = 0; i < cx->all_funcs.n; i++) {
		struct elab_function *ef = cx->all_funcs.v[i];

		if (!ef->reachable)
			continue;
		t->func = ef;
		infer_stmt(t, ef->decl->body);
	}
	t->func = NULL;
}

/* A typo of another name in scope?  count = 1; print(cuont) */
static const char *typo_of(struct tctx *t, const struct symbol *sym,
			   const struct symbol_vec *scope)
{
	struct elab_ctx *cx = t->cx;
	struct name_vec names = { 0 };

	for (int i = 0; scope && i < scope->n; i++)
		if (scope->v[i] != sym && known(scope->v[i]->type))
			vec_push(cx->a, &names, scope->v[i]->name);
	for (int i = 0; i < cx->all_globals.n; i++)
		if (known(cx->all_globals.v[i]->type))
			vec_push(cx->a, &names, cx->all_globals.v[i]->name);
	return diag_closest(sym->name, names.v, names.n);
}

static void unresolved(struct tctx *t, struct symbol *sym, const char *what,
		       const char *extra, const struct symbol_vec *scope)
{
	struct diag *d = diag_error(t->cx->s, sym->loc,
				    "unresolved type for %s '%s'%s", what,
				    sym->name, extra);
	const char *typo = sym->kind == SYM_LOCAL ? typo_of(t, sym, scope) :
						    NULL;

	if (typo)
		diag_hint(d, "did you mean '%s'?", typo);
	else if (sym->kind == SYM_LOCAL)
		diag_hint(d, "'%s' never gets a value it could take its type from; assign it first (e.g. %s = 0)",
			  sym->name, sym->name);
	else if (sym->kind == SYM_GLOBAL && sym->is_array)
		diag_hint(d, "store something in it ('%s[...] = 0') so its %s can be known",
			  sym->name, *extra ? "keys" : "values");
	else if (sym->kind == SYM_GLOBAL)
		diag_hint(d, "give it an initial value ('global %s = 0') or assign it in a probe",
			  sym->name);
	else
		diag_hint(d, "declare its type: '%s:long' or '%s:string'",
			  sym->name, sym->name);
}

static void report_unresolved_syms(struct tctx *t, struct symbol_vec *v,
				   const char *what)
{
	for (int i = 0; i < v->n; i++) {
		struct symbol *sym = v->v[i];

		if (!known(sym->type)) {
			unresolved(t, sym, what, "", v);
			continue;
		}
		for (int k = 0; k < sym->key_types.n; k++)
			if (!known(sym->key_types.v[k]))
				unresolved(t, sym, what,
					   arena_printf(t->cx->a,
							" (key %d)", k + 1),
					   v);
	}
}

static void report_unresolved(struct tctx *t)
{
	struct elab_ctx *cx = t->cx;
	struct symbol_vec globals = { 0 };

	for (int i = 0; i < cx->all_globals.n; i++) {
		struct symbol *g = cx->all_globals.v[i];

		if (g->read || g->written)
			vec_push(cx->a, &globals, g);
	}
	report_unresolved_syms(t, &globals, "global");
	for (int i = 0; i < cx->all_funcs.n; i++) {
		struct elab_function *ef = cx->all_funcs.v[i];

		if (!ef->reachable)
			continue;
		report_unresolved_syms(t, &ef->params, "parameter");
		report_unresolved_syms(t, &ef->locals, "local variable");
		if (!known(ef->decl->type))
			diag_hint(diag_error(cx->s, ef->decl->loc,
					     "unresolved type for the return value of function '%s'",
					     ef->decl->name),
				  "declare it: 'function %s:long (...)' or ':string'",
				  ef->decl->name);
	}
	for (int i = 0; i < cx->prog->probes.n; i++)
		report_unresolved_syms(t, &cx->prog->probes.v[i]->locals,
				       "local variable");
}

static bool returns_value(struct stmt *st, int depth)
{
	if (!st || depth > ELAB_MAX_DEPTH)
		return false;
	if (st->kind == STMT_RETURN)
		return st->expr != NULL;
	if (st->kind == STMT_BLOCK) {
		for (int i = 0; i < st->stmts.n; i++)
			if (returns_value(st->stmts.v[i], depth + 1))
				return true;
		return false;
	}
	if (st->kind == STMT_FOREACH)
		return st->foreach && returns_value(st->foreach->body, depth + 1);
	return returns_value(st->then_stmt, depth + 1) ||
	       returns_value(st->else_stmt, depth + 1) ||
	       returns_value(st->body, depth + 1) ||
	       returns_value(st->catch_body, depth + 1);
}

/*
 * A function without a declared type and without `return VALUE` returns
 * nothing; so does a runtime function declared without a type.
 */
static void decide_void_functions(struct elab_ctx *cx)
{
	for (int i = 0; i < cx->all_funcs.n; i++) {
		struct function_decl *fd = cx->all_funcs.v[i]->decl;

		if (!cx->all_funcs.v[i]->reachable || fd->type_declared ||
		    known(fd->type))
			continue;
		if (fd->runtime || !returns_value(fd->body, 0))
			fd->type = TYPE_VOID;
	}
}

static void run_rounds(struct tctx *t)
{
	for (int round = 0; round < MAX_ROUNDS; round++) {
		t->changed = false;
		one_round(t);
		if (!t->changed)
			break;
	}
}

static bool looks_numeric(const char *v)
{
	char *end;

	if (!*v)
		return false;
	errno = 0;
	(void)strtoll(v, &end, 0);
	return !*end && !errno;
}

/*
 * `-G name=value` gives a value to a global the script may never assign:
 * its type then comes from the value, a number or a string, as with stap.
 * Returns whether a type was decided this way.
 */
static bool type_from_command_line(struct tctx *t)
{
	const struct session *s = t->cx->s;
	bool decided = false;

	for (int i = 0; i < s->globals_set.n; i++) {
		const char *arg = s->globals_set.v[i];
		const char *eq = strchr(arg, '=');

		for (int g = 0; eq && g < t->cx->all_globals.n; g++) {
			struct symbol *sym = t->cx->all_globals.v[g];

			if (sym->is_array || known(sym->type) ||
			    strncmp(sym->name, arg, (size_t)(eq - arg)) ||
			    sym->name[eq - arg])
				continue;
			sym->type = looks_numeric(eq + 1) ? TYPE_LONG
							  : TYPE_STRING;
			sym->type_loc = sym->loc;
			decided = true;
		}
	}
	return decided;
}

void infer_types(struct elab_ctx *cx)
{
	struct tctx t = { .cx = cx };

	decide_void_functions(cx);
	run_rounds(&t);
	if (type_from_command_line(&t))
		run_rounds(&t);
	t.report = true;
	one_round(&t);
	if (!diag_error_count(cx->s))
		report_unresolved(&t);
}
