// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Calls: script functions (inlined at each call: their locals and string
 * slots become the caller's, errors reach the caller's try, and the
 * verifier sees one program), @runtime functions of runtime/bpf, the
 * print family, and the statistics extractors.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ast_walk.h"
#include "codegen_internal.h"
#include "diag.h"
#include "format.h"

#define BPF_RB_NO_WAKEUP	1
#define MAX_INLINE_DEPTH	16

static struct cg_val lng(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_LONG, v };
}

static struct cg_val str(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_STRING, v };
}

static bool kernel_tier(struct cg *cg)
{
	return cg->fn->tier == TIER_KERNEL;
}

/* ------------------------------------------------- script functions */

static struct elab_function *elab_function_of(struct cg *cg,
					      struct function_decl *d)
{
	for (int i = 0; i < cg->p->functions.n; i++)
		if (cg->p->functions.v[i]->decl == d)
			return cg->p->functions.v[i];
	return NULL;
}

static bool stmt_has_next(struct stmt *st, void *unused)
{
	return st->kind == STMT_NEXT ||
	       ast_walk_stmt_children(st, NULL, stmt_has_next, unused);
}

/* `next` in d's own body (not in the functions it calls). */
static bool uses_next(const struct function_decl *d)
{
	return d->body && stmt_has_next(d->body, NULL);
}

static bool recursive(struct cg *cg, struct expr *e,
		      struct elab_function *f)
{
	for (struct cg_inline *i = cg->fn->inl; i; i = i->outer)
		if (i->f == f) {
			cg_error(cg, e->loc, "recursive call of '%s': script functions are inlined into BPF programs and cannot recurse",
				 f->decl->name);
			return true;
		}
	return false;
}

/* The arguments, stored in the parameters of f (and its fallbacks). */
static void bind_params(struct cg *cg, struct elab_function *f,
			const struct cg_val *args, int n)
{
	for (int i = 0; i < f->params.n && i < n; i++) {
		struct cg_var *v = cg_new_sym_var(cg, f->params.v[i]);

		cg_store_var(cg, v, args[i]);
		strmap_put(cg->a, &cg->fn->vars, f->params.v[i], v);
	}
	for (int i = 0; i < f->locals.n; i++)
		strmap_put(cg->a, &cg->fn->vars, f->locals.v[i],
			   cg_new_sym_var(cg, f->locals.v[i]));
}

/*
 * One definition's body, inlined; `return` goes to done with the value in
 * ret, `next` to next_bb (the following definition, or the error when
 * none is left).
 */
static void inline_body(struct cg *cg, struct elab_function *f,
			struct cg_var *ret, LLVMBasicBlockRef done,
			LLVMBasicBlockRef next_bb)
{
	struct cg_fn *fn = cg->fn;
	struct cg_loop *loop = fn->loop;
	struct cg_inline inl = { 0 };

	inl.f = f;
	inl.ret_bb = done;
	inl.next_bb = next_bb;
	inl.ret = ret;
	inl.outer = fn->inl;
	fn->inl = &inl;
	fn->inline_depth++;
	fn->loop = NULL;
	cg_stmt(cg, f->decl->body);
	if (!cg_terminated(cg))
		LLVMBuildBr(cg->b, done);
	fn->loop = loop;
	fn->inline_depth--;
	fn->inl = inl.outer;
}

/*
 * A script function call: the arguments are evaluated once, then the
 * definitions of the name and arity are tried in order; `next` in one
 * passes the call to the next, and past the last it is stap's error.
 */
static struct cg_val inline_call(struct cg *cg, struct expr *e,
				 struct elab_function *f)
{
	struct cg_fn *fn = cg->fn;
	struct elab_function *chain[16];
	struct cg_val args[16];
	struct cg_var *ret = NULL;
	LLVMBasicBlockRef done, next_bb;
	int n = e->args.n < 16 ? e->args.n : 16, nchain = 0;

	/* a definition without `next` is the last one a call can reach */
	for (struct function_decl *d = f->decl; d && nchain < 16;
	     d = uses_next(d) ? d->fallback : NULL) {
		struct elab_function *c = d == f->decl ? f :
					  elab_function_of(cg, d);

		if (!c || !d->body)
			break;
		if (recursive(cg, e, c))
			return cg_default(cg, e->type);
		chain[nchain++] = c;
	}
	if (fn->inline_depth >= MAX_INLINE_DEPTH) {
		cg_error(cg, e->loc, "calls nest deeper than %d functions",
			 MAX_INLINE_DEPTH);
		return cg_default(cg, e->type);
	}
	for (int i = 0; i < n; i++)
		args[i] = cg_expr(cg, e->args.v[i]);
	for (int k = 0; k < nchain; k++)
		bind_params(cg, chain[k], args, n);
	if (f->decl->type == TYPE_LONG || f->decl->type == TYPE_STRING)
		ret = cg_new_var(cg, f->decl->type);
	done = cg_block(cg, "ret");
	for (int k = 0; k < nchain; k++) {
		bool last = k + 1 == nchain;

		next_bb = last && !uses_next(chain[k]->decl) ? NULL :
			  cg_block(cg, last ? "exhausted" : "overload");
		inline_body(cg, chain[k], ret, done, next_bb);
		if (!next_bb)
			break;
		LLVMPositionBuilderAtEnd(cg->b, next_bb);
		/* `next` in the last definition: stap's run-time error */
		if (last)
			cg_raise(cg, BO_ERR_USER_ERROR, e->loc,
				 arena_printf(cg->a, "identifier '%s'",
					      e->name),
				 cg_literal(cg, "all functions exhausted"));
	}
	if (!cg_terminated(cg))
		LLVMBuildBr(cg->b, done);	/* the dead block after it */
	LLVMPositionBuilderAtEnd(cg->b, done);
	if (ret)
		return cg_load_var(cg, ret);
	return lng(cg_i64(cg, 0));
}

/* -------------------------------------------------- runtime calls */

static struct cg_val exit_call(struct cg *cg)
{
	if (kernel_tier(cg)) {
		LLVMValueRef args[2] = {
			cg_rec_area(cg), cg_i32(cg, (uint32_t)cg->fn->probe_index)
		};

		cg_note_record(cg, 16);
		LLVMBuildStore(cg->b, cg_i64(cg, 1),
			       cg_bss_at(cg, CG_BSS_STOPPING));
		cg_runtime(cg, "bstap_send_exit", cg->void_t, args, 2);
	} else {
		cg_helper(cg, BO_RH_EXIT, cg->i64, NULL, 0);
	}
	return lng(cg_i64(cg, 0));
}

/* warn(msg): a record in both tiers; the runner prints "WARNING: msg". */
static struct cg_val warn_call(struct cg *cg, struct expr *e)
{
	struct cg_val v = cg_expr(cg, e->args.v[0]);
	LLVMValueRef args[3] = {
		cg_rec_area(cg), cg_i32(cg, (uint32_t)cg->fn->probe_index), v.v
	};

	cg_note_record(cg, 16 + 8 + cg->msl);
	cg_runtime(cg, "bstap_send_warn", cg->void_t, args, 3);
	return lng(cg_i64(cg, 0));
}

/* Context functions that read the current task through CO-RE. */
static bool task_call(struct cg *cg, const char *rt, struct src_loc loc,
		      struct cg_val *out)
{
	static const char *const ppid[] = { "real_parent", "tgid" };
	static const char *const euid[] = { "cred", "euid", "val" };
	static const char *const egid[] = { "cred", "egid", "val" };
	static const char *const pexec[] = { "real_parent", "comm" };

	if (strcmp(rt, "bstap_ppid") && strcmp(rt, "bstap_euid") &&
	    strcmp(rt, "bstap_egid") && strcmp(rt, "bstap_pexecname"))
		return false;
	if (!kernel_tier(cg)) {
		/* the runner's own task, as pid() there */
		LLVMValueRef a[3];

		a[0] = cg_i64(cg, !strcmp(rt, "bstap_ppid") ? BO_TASK_PPID :
				  !strcmp(rt, "bstap_euid") ? BO_TASK_EUID :
				  !strcmp(rt, "bstap_egid") ? BO_TASK_EGID :
							      BO_TASK_PEXECNAME);
		a[1] = LLVMConstNull(cg->ptr);
		a[2] = cg_i64(cg, 0);
		if (!strcmp(rt, "bstap_pexecname")) {
			a[1] = cg_new_slot(cg);
			a[2] = cg_i64(cg, cg->msl);
			cg_helper(cg, BO_RH_TASK, cg->i64, a, 3);
			*out = str(a[1]);
		} else {
			*out = lng(cg_helper(cg, BO_RH_TASK, cg->i64, a, 3));
		}
		return true;
	}
	if (!strcmp(rt, "bstap_ppid"))
		*out = cg_task_field(cg, ppid, 2, loc);
	else if (!strcmp(rt, "bstap_euid"))
		*out = cg_task_field(cg, euid, 3, loc);
	else if (!strcmp(rt, "bstap_egid"))
		*out = cg_task_field(cg, egid, 3, loc);
	else if (!strcmp(rt, "bstap_pexecname"))
		*out = cg_task_field(cg, pexec, 2, loc);
	else
		return false;
	return true;
}

/*
 * pn(): the probe's script-level name, wildcards expanded: the name of the
 * user-side alias it went through, else the point itself.
 */
static const char *probe_name(struct cg *cg)
{
	struct elab_probe *p = cg->fn->probe;

	if (p && p->aliases.n && p->aliases.v[0]->alias_names.n)
		return probe_point_text(cg->a,
					p->aliases.v[0]->alias_names.v[0]);
	return cg->fn->point->text;
}

/*
 * tz_gmtoff() and tz_name(): the time zone where the script is
 * translated, now (stap's runner passes its own when it loads a module).
 */
static bool time_zone_call(struct cg *cg, const char *rt, struct cg_val *out)
{
	time_t now = time(NULL);
	struct tm tm;

	if (strcmp(rt, "bstap_tz_gmtoff") && strcmp(rt, "bstap_tz_name"))
		return false;
	tzset();
	if (!localtime_r(&now, &tm))
		memset(&tm, 0, sizeof(tm));
	if (!strcmp(rt, "bstap_tz_gmtoff"))
		*out = lng(cg_i64(cg, (uint64_t)(-(int64_t)tm.tm_gmtoff)));
	else
		*out = str(cg_literal(cg, tm.tm_zone ? tm.tm_zone : "UTC"));
	return true;
}

/*
 * A fallible long (@runtime("bstap_try_NAME")): the function takes a
 * string slot for its error message and the address of the result; a
 * negative return raises the message as a catchable error.
 */
static struct cg_val try_long_call(struct cg *cg, struct expr *e,
				   const char *rt)
{
	LLVMValueRef args[8], rc;
	int n = 0;

	args[n++] = cg_new_slot(cg);
	args[n++] = cg_alloca(cg, cg->i64, "try_out");
	LLVMBuildStore(cg->b, cg_i64(cg, 0), args[1]);
	for (int i = 0; i < e->args.n && n < 8; i++)
		args[n++] = cg_expr(cg, e->args.v[i]).v;
	if (!strmap_get(&cg->rt_uses, rt))
		strmap_put(cg->a, &cg->rt_uses, rt, &e->loc);
	rc = cg_runtime(cg, rt, cg->i64, args, n);
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), ""),
		    BO_ERR_READ_FAULT, e->loc,
		    arena_printf(cg->a, "identifier '%s'", e->name), args[0]);
	return lng(LLVMBuildLoad2(cg->b, cg->i64, args[1], ""));
}

static struct cg_val runtime_call(struct cg *cg, struct expr *e,
				  const char *rt)
{
	LLVMValueRef args[8];
	struct cg_val v;
	int n = 0;
	bool sret = e->type == TYPE_STRING;

	if (!strcmp(rt, "bstap_pp"))
		return str(cg_literal(cg, cg->fn->point->text));
	if (!strncmp(rt, "bstap_stk_", 10))
		return cg_stack_call(cg, e, rt);
	if (!strcmp(rt, "bstap_pn"))
		return str(cg_literal(cg, probe_name(cg)));
	if (time_zone_call(cg, rt, &v))
		return v;
	if (!strncmp(rt, "bstap_try_", 10) && e->type == TYPE_LONG &&
	    e->args.n <= 4)
		return try_long_call(cg, e, rt);
	if (!strcmp(rt, "bstap_exit"))
		return exit_call(cg);
	if (!strcmp(rt, "bstap_abort")) {
		/* exit(), then out of the handler as `next` (no catch) */
		exit_call(cg);
		LLVMBuildBr(cg->b, cg->fn->exit_bb);
		LLVMPositionBuilderAtEnd(cg->b, cg_block(cg, "aborted"));
		return lng(cg_i64(cg, 0));
	}
	if (!strcmp(rt, "bstap_warn"))
		return warn_call(cg, e);
	if (!strcmp(rt, "bstap_error")) {
		v = cg_expr(cg, e->args.v[0]);
		cg_raise(cg, BO_ERR_USER_ERROR, e->loc,
			 arena_printf(cg->a, "identifier '%s'", e->name), v.v);
		return lng(cg_i64(cg, 0));
	}
	if (task_call(cg, rt, e->loc, &v) || cg_regex_call(cg, rt, e, &v))
		return v;
	if (cg_uprobe_call(cg, rt, e, &v))
		return v;
	if (!strcmp(rt, "bstap_target"))
		cg->flags |= BO_F_NEEDS_TARGET;
	if (e->args.n > 6)
		return (cg_error(cg, e->loc, "too many arguments"),
			cg_default(cg, e->type));
	/* checked once the runtime is linked: it must define rt */
	if (!strmap_get(&cg->rt_uses, rt))
		strmap_put(cg->a, &cg->rt_uses, rt, &e->loc);
	if (sret)
		args[n++] = cg_new_slot(cg);
	for (int i = 0; i < e->args.n; i++)
		args[n++] = cg_expr(cg, e->args.v[i]).v;
	if (!sret) {
		LLVMTypeRef ret = e->type == TYPE_LONG ? cg->i64 : cg->void_t;
		LLVMValueRef r = cg_runtime(cg, rt, ret, args, n);

		return lng(e->type == TYPE_LONG ? r : cg_i64(cg, 0));
	}
	LLVMValueRef rc = cg_runtime(cg, rt, cg->i64, args, n);
	/* a failed function leaves its message in its result; -BO_ERR_USER_ERROR
	 * is an error of the arguments, anything else negative a fault */
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntEQ, rc,
				      cg_i64(cg, (uint64_t)-BO_ERR_USER_ERROR), ""),
		    BO_ERR_USER_ERROR, e->loc,
		    arena_printf(cg->a, "identifier '%s'", e->name), args[0]);
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), ""),
		    BO_ERR_READ_FAULT, e->loc,
		    arena_printf(cg->a, "identifier '%s'", e->name), args[0]);
	return str(args[0]);
}

struct cg_val cg_call(struct cg *cg, struct expr *e)
{
	struct function_decl *d = e->func;
	struct elab_function *f;
	struct cg_val v;

	if (!d)
		return (cg_error(cg, e->loc, "unresolved function '%s'",
				 e->name), cg_default(cg, e->type));
	if (cg_multi_call(cg, e, &v))
		return v;
	if (d->runtime)
		return runtime_call(cg, e, d->runtime);
	f = elab_function_of(cg, d);
	if (!f || !d->body)
		return (cg_error(cg, e->loc, "function '%s' has no body the BPF code generator can use",
				 d->name), cg_default(cg, e->type));
	return inline_call(cg, e, f);
}

/* ---------------------------------------------------------- printing */

static bool is_sprint(enum print_kind k)
{
	return print_kind_returns_string(k);
}

static bool with_delim(enum print_kind k)
{
	return k == PRINT_PRINTD || k == PRINT_PRINTDLN ||
	       k == PRINT_SPRINTD || k == PRINT_SPRINTDLN;
}

static bool with_newline(enum print_kind k)
{
	return k == PRINT_PRINTLN || k == PRINT_PRINTDLN ||
	       k == PRINT_SPRINTLN || k == PRINT_SPRINTDLN;
}

static void append_escaped(struct cg *cg, char **buf, const char *s)
{
	for (; s && *s; s++)
		*buf = arena_printf(cg->a, "%s%s", *buf,
				    *s == '%' ? "%%" : (char[2]){ *s, 0 });
}

/* print/println/printd/printdln as a printf format over the values. */
static const char *synth_format(struct cg *cg, struct expr *e, int first,
				struct cg_val *vals, int n)
{
	char *fmt = "";
	const char *delim = with_delim(e->print) && e->args.n ?
			    e->args.v[0]->str : NULL;

	for (int i = first; i < n; i++) {
		if (i > first && delim)
			append_escaped(cg, &fmt, delim);
		fmt = arena_printf(cg->a, "%s%s", fmt,
				   vals[i].type == TYPE_STRING ? "%s" : "%d");
	}
	if (with_newline(e->print))
		fmt = arena_printf(cg->a, "%s\n", fmt);
	return fmt;
}

static bool check_args(struct cg *cg, struct expr *e, const char *text,
		       struct cg_val *vals, int first, int n, struct fmt *f)
{
	struct fmt_error err;

	if (fmt_parse(f, text, strlen(text), &err))
		return cg_error(cg, e->loc, "%s", err.msg);
	if (f->nargs != (size_t)(n - first)) {
		fmt_release(f);
		return cg_error(cg, e->loc, "%s", FMT_ERR_NARGS);
	}
	for (int i = first; i < n; i++) {
		int k = fmt_arg_kind_at(f, (size_t)(i - first));

		if (k == FMT_ARG_BYTES && is_sprint(e->print)) {
			fmt_release(f);
			return cg_error(cg, e->args.v[i]->loc,
					"%%m and %%M only work in printf, not in sprintf");
		}
		if (k == FMT_ARG_BYTES && vals[i].type == TYPE_STRING) {
			fmt_release(f);
			return cg_error(cg, e->args.v[i]->loc,
					"%%m and %%M take an address (a number)");
		}
		if (k != FMT_ARG_BYTES &&
		    (k == FMT_ARG_STRING) != (vals[i].type == TYPE_STRING)) {
			fmt_release(f);
			return cg_error(cg, e->args.v[i]->loc,
					"argument %d of %s is a %s, the format wants a %s",
					i - first + 1, print_kind_name(e->print),
					type_name(vals[i].type),
					k == FMT_ARG_STRING ? "string" : "number");
		}
	}
	return true;
}

/*
 * The byte count of each %m/%M value: its static precision, or the value
 * of its '*' precision; NULL for other arguments.
 */
static void memory_counts(struct cg *cg, const struct fmt *f,
			  struct cg_val *vals, int first, LLVMValueRef *counts)
{
	size_t ai = (size_t)first;

	for (size_t i = 0; i < f->nspecs; i++) {
		const struct fmt_spec *s = &f->specs[i];
		LLVMValueRef star = NULL;

		if (s->conv == FMT_LITERAL)
			continue;
		if (s->width == FMT_STAR)
			ai++;
		if (s->precision == FMT_STAR)
			star = vals[ai++].v;
		if (s->conv == FMT_MEMORY || s->conv == FMT_MEMORY_HEX)
			counts[ai] = star ? star :
				     cg_i64(cg, (int64_t)fmt_memory_bytes(s, 0));
		ai++;
	}
}

static void send_printf(struct cg *cg, int fmt_index, struct cg_val *vals,
			int first, int n, const struct fmt *f)
{
	LLVMValueRef rec = cg_rec_area(cg), off;
	LLVMValueRef counts[32] = { 0 };
	uint32_t size = sizeof(struct bo_record);
	LLVMValueRef args[5];

	if (f)
		memory_counts(cg, f, vals, first, counts);

	args[0] = rec;
	args[1] = cg_i32(cg, BO_REC_PRINTF);
	args[2] = cg_i32(cg, (uint32_t)fmt_index);
	off = cg_runtime(cg, "bstap_rec_begin", cg->i32, args, 3);
	for (int i = first; i < n; i++) {
		LLVMValueRef a[3] = { rec, off, vals[i].v };

		if (counts[i]) {
			LLVMValueRef m[4] = { rec, off, vals[i].v, counts[i] };

			off = cg_runtime(cg, "bstap_rec_mem", cg->i32, m, 4);
			size += (4 + cg->msl + 7) & ~7u;
		} else if (vals[i].type == TYPE_STRING) {
			off = cg_runtime(cg, "bstap_rec_str", cg->i32, a, 3);
			size += (4 + cg->msl + 7) & ~7u;
		} else {
			off = cg_runtime(cg, "bstap_rec_long", cg->i32, a, 3);
			size += 8;
		}
	}
	cg_note_record(cg, size);
	args[1] = off;
	args[2] = cg_i32(cg, (uint32_t)cg->fn->probe_index);
	args[3] = cg_i64(cg, kernel_tier(cg) ? BPF_RB_NO_WAKEUP : 0);
	cg_runtime(cg, "bstap_rec_send", cg->void_t, args, 4);
}

/*
 * A '*' width or precision as runtime/format.c takes it (stap's
 * clamp_t(int, v, 0, room)): an int, negative is 0.
 */
static LLVMValueRef star_value(struct cg *cg, LLVMValueRef v)
{
	LLVMValueRef p = LLVMBuildSExt(cg->b,
				       LLVMBuildTrunc(cg->b, v, cg->i32, ""),
				       cg->i64, "");

	return LLVMBuildSelect(cg->b,
			       LLVMBuildICmp(cg->b, LLVMIntSLT, p,
					     cg_i64(cg, 0), ""),
			       cg_i64(cg, 0), p, "");
}

/* sprintf: each piece appended to one slot by runtime/bpf. */
static struct cg_val build_string(struct cg *cg, const struct fmt *f,
				  struct cg_val *vals, int first)
{
	LLVMValueRef dst = cg_new_slot(cg);
	LLVMBasicBlockRef done = NULL;
	size_t ai = (size_t)first;

	LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
	for (size_t i = 0; i < f->nspecs; i++) {
		const struct fmt_spec *s = &f->specs[i];
		LLVMValueRef width, prec, flags, a[6];
		static const char conv[] = {
			[FMT_SIGNED] = 'd', [FMT_UNSIGNED] = 'u',
			[FMT_OCTAL] = 'o', [FMT_HEX] = 'x',
			[FMT_HEX_UPPER] = 'X', [FMT_POINTER] = 'p',
			[FMT_CHAR] = 'c',
		};

		if (s->conv == FMT_LITERAL) {
			char *lit = arena_strndup(cg->a, s->text, s->len);

			a[0] = dst;
			a[1] = cg_literal(cg, lit);
			cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
			continue;
		}
		flags = cg_i64(cg, s->flags);
		width = cg_i64(cg, s->width);
		prec = cg_i64(cg, s->precision);
		if (s->width == FMT_STAR)
			width = star_value(cg, vals[ai++].v);
		if (s->precision == FMT_STAR)
			prec = star_value(cg, vals[ai++].v);
		a[0] = dst;
		a[1] = vals[ai++].v;
		if (s->conv == FMT_STRING) {
			a[2] = flags;
			a[3] = width;
			a[4] = prec;
			cg_runtime(cg, "bstap_append_str", cg->void_t, a, 5);
		} else if (s->conv == FMT_BINARY) {
			/* a NUL byte ends stap's string: nothing more goes in */
			LLVMValueRef ended;
			LLVMBasicBlockRef go = cg_block(cg, "sprintf_more");

			a[2] = flags;
			a[3] = width;
			a[4] = prec;
			ended = cg_runtime(cg, "bstap_append_binary", cg->i64,
					   a, 5);
			if (!done)
				done = cg_block(cg, "sprintf_done");
			LLVMBuildCondBr(cg->b,
					LLVMBuildICmp(cg->b, LLVMIntNE, ended,
						      cg_i64(cg, 0), ""),
					done, go);
			LLVMPositionBuilderAtEnd(cg->b, go);
		} else {
			a[2] = cg_i64(cg, conv[s->conv]);
			a[3] = flags;
			a[4] = width;
			a[5] = prec;
			cg_runtime(cg, "bstap_append_long", cg->void_t, a, 6);
		}
	}
	if (done) {
		LLVMBuildBr(cg->b, done);
		LLVMPositionBuilderAtEnd(cg->b, done);
	}
	return str(dst);
}

static struct cg_val print_hist(struct cg *cg, struct expr *e);

struct cg_val cg_print(struct cg *cg, struct expr *e)
{
	struct cg_val vals[32];
	int n = e->args.n, first = with_delim(e->print) ? 1 : 0;
	const char *text;
	struct fmt f;
	struct cg_val out = lng(cg_i64(cg, 0));

	if (n == 1 && e->args.v[0]->kind == EXPR_HIST) {
		out = print_hist(cg, e);
		if (e->print == PRINT_PRINTLN)
			send_printf(cg, cg_format(cg, "\n", 0, e->loc), vals,
				    0, 0, NULL);
		return out;
	}
	if (n > 32)
		return (cg_error(cg, e->loc, "more than 32 values in one %s",
				 print_kind_name(e->print)), out);
	for (int i = first; i < n; i++)
		vals[i] = cg_expr(cg, e->args.v[i]);
	if (e->print == PRINT_PRINTF || e->print == PRINT_SPRINTF)
		text = e->format ? e->format : "";
	else
		text = synth_format(cg, e, first, vals, n);
	if (!check_args(cg, e, text, vals, first, n, &f))
		return is_sprint(e->print) ? cg_default(cg, TYPE_STRING) : out;
	if (is_sprint(e->print))
		out = build_string(cg, &f, vals, first);
	else
		send_printf(cg, cg_format(cg, text, (int)f.nargs, e->loc),
			    vals, first, n, &f);
	fmt_release(&f);
	return out;
}

/* ------------------------------------------------------- statistics */

static LLVMValueRef stats_key(struct cg *cg, struct expr *op,
			      struct cg_global **gp)
{
	struct cg_val keys[BO_MAX_KEYS];
	int n = 0;

	*gp = op ? cg_global_of(cg, op->sym) : NULL;
	if (!*gp || !(*gp)->stats) {
		cg_error(cg, op ? op->loc : (struct src_loc){ 0 },
			 "not a statistics variable");
		return NULL;
	}
	if (op->kind == EXPR_INDEX) {
		n = op->args.n < BO_MAX_KEYS ? op->args.n : BO_MAX_KEYS;
		for (int i = 0; i < n; i++)
			keys[i] = cg_expr(cg, op->args.v[i]);
	}
	return cg_build_key(cg, *gp, keys, n);
}

static struct cg_val print_hist(struct cg *cg, struct expr *e)
{
	struct expr *h = e->args.v[0];
	struct cg_global *g;
	LLVMValueRef key = stats_key(cg, h->operand, &g);
	int kind = h->hist == HIST_LOG ? BO_HIST_LOG : BO_HIST_LINEAR;

	if (!key)
		return lng(cg_i64(cg, 0));
	if (is_sprint(e->print)) {
		LLVMValueRef dst = cg_new_slot(cg), a[5];

		if (kernel_tier(cg))
			return (cg_error(cg, e->loc, "sprint of a histogram only works in begin, end, error and timer probes"),
				str(dst));
		a[0] = cg_i64(cg, g->index);
		a[1] = key;
		a[2] = cg_i64(cg, kind);
		a[3] = dst;
		a[4] = cg_i64(cg, cg->msl);
		cg_helper(cg, BO_RH_SPRINT_STATS, cg->i64, a, 5);
		return str(dst);
	}
	if (kernel_tier(cg)) {
		LLVMValueRef rec = cg_rec_area(cg), a[5], off;

		a[0] = rec;
		a[1] = cg_i32(cg, BO_REC_PRINT_STATS);
		a[2] = cg_i32(cg, (uint32_t)g->index);
		a[3] = cg_i32(cg, cg_location(cg, e->loc, NULL));
		a[4] = cg_i32(cg, 0);
		off = cg_runtime(cg, "bstap_rec_begin_at", cg->i32, a, 5);
		(void)off;
		/* the key, as packed for the map, follows the header and
		 * the location (16 bytes, bo_format.h) */
		LLVMValueRef dst = LLVMBuildGEP2(cg->b, cg->i8, rec,
						 (LLVMValueRef[]){ cg_i64(cg, 16) },
						 1, "");
		LLVMValueRef cp[3] = { dst, cg_i32(cg, g->key_size), key };

		cg_helper(cg, 113 /* probe_read_kernel */, cg->i64, cp, 3);
		cg_note_record(cg, 16 + g->key_size);
		a[1] = cg_i32(cg, 16 + ((g->key_size + 7) & ~7u));
		a[2] = cg_i32(cg, (uint32_t)cg->fn->probe_index);
		a[3] = cg_i64(cg, BPF_RB_NO_WAKEUP);
		cg_runtime(cg, "bstap_rec_send", cg->void_t, a, 4);
	} else {
		LLVMValueRef a[3] = { cg_i64(cg, g->index), key,
				      cg_i64(cg, kind) };

		cg_helper(cg, BO_RH_PRINT_STATS, cg->i64, a, 3);
	}
	return lng(cg_i64(cg, 0));
}

struct cg_val cg_stat(struct cg *cg, struct expr *e)
{
	struct cg_global *g;
	LLVMValueRef key, out, rc, a[4];
	/* extractors per-CPU merged: in the runner by a helper, in kernel
	 * probes by runtime/bpf over bpf_map_lookup_percpu_elem */
	static const char *const names[] = { "@count", "@sum", "@min",
					     "@max", "@avg", "@variance" };

	key = stats_key(cg, e->operand, &g);
	if (!key)
		return lng(cg_i64(cg, 0));
	if (!cg->fn->stat_out)
		cg->fn->stat_out = cg_alloca(cg, cg->i64, "stat");
	out = cg->fn->stat_out;
	LLVMBuildStore(cg->b, cg_i64(cg, 0), out);
	if (kernel_tier(cg)) {
		LLVMValueRef k[5] = { g->map, key, cg_i64(cg, e->stat),
				      cg_i64(cg, g->stats->shift), out };

		rc = cg_runtime(cg, "bstap_stats_extract", cg->i64, k, 5);
	} else {
		a[0] = cg_i64(cg, g->index);
		a[1] = key;
		a[2] = cg_i64(cg, e->stat);
		a[3] = out;
		rc = cg_helper(cg, BO_RH_STATS_EXTRACT, cg->i64, a, 4);
	}
	if (e->stat != STAT_COUNT && e->stat != STAT_SUM)
		cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, rc,
					      cg_i64(cg, 0), ""),
			    BO_ERR_EMPTY_AGGREGATE, e->loc,
			    arena_printf(cg->a, "operator '%s'",
					 names[e->stat]), NULL);
	return lng(LLVMBuildLoad2(cg->b, cg->i64, out, ""));
}
