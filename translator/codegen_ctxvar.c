// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Context variables: $name reads what the probe point offers.
 *
 * A classic tracepoint reads its format fields at their record offsets
 * (__data_loc strings through their locator, char arrays as strings); a
 * tp_btf program, fentry or fexit reads TP_PROTO or function arguments from
 * the u64 array of its context; uprobes and kprobes read registers
 * (codegen_uprobe.c). Member chains go through CO-RE (codegen_core.c).
 */
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "btf_index.h"
#include "codegen_internal.h"
#include "diag.h"

static struct cg_val lng(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_LONG, v };
}

static bool unsigned_text(const char *type)
{
	static const char *const u[] = { "unsigned", "u8", "u16", "u32", "u64",
					 "__u", "bool", "_Bool", "size_t",
					 "umode_t", "gfp_t", "dev_t", NULL };

	if (strchr(type, '*'))
		return true;
	while (!strncmp(type, "const ", 6))
		type += 6;
	for (int i = 0; u[i]; i++)
		if (!strncmp(type, u[i], strlen(u[i])))
			return true;
	return false;
}

static LLVMValueRef ctx_at(struct cg *cg, LLVMValueRef off)
{
	return LLVMBuildGEP2(cg->b, cg->i8, cg->fn->ctx, &off, 1, "");
}

static LLVMValueRef sized_load(struct cg *cg, LLVMValueRef p, int size,
			       bool is_signed)
{
	LLVMTypeRef t = size == 1 ? cg->i8 : size == 2 ? cg->i16 :
			size == 4 ? cg->i32 : cg->i64;
	LLVMValueRef v = LLVMBuildLoad2(cg->b, t, p, "");

	LLVMSetAlignment(v, (unsigned)size);
	if (t == cg->i64)
		return v;
	return is_signed ? LLVMBuildSExt(cg->b, v, cg->i64, "") :
			   LLVMBuildZExt(cg->b, v, cg->i64, "");
}

/*
 * Syscall records hold every argument in 8 bytes; an `int dfd` of -100
 * must read as -100, so values narrower in BTF than in the record are cut
 * to their type's size and sign.
 */
static LLVMValueRef narrow(struct cg *cg, const char *type, LLVMValueRef v,
			   int size)
{
	int bytes, shift;
	bool is_signed;

	if (!cg_btf_int(cg, type, &bytes, &is_signed) || bytes >= size)
		return v;
	shift = 64 - 8 * bytes;
	v = LLVMBuildShl(cg->b, v, cg_i64(cg, shift), "");
	if (is_signed)
		return LLVMBuildAShr(cg->b, v, cg_i64(cg, shift), "");
	return LLVMBuildLShr(cg->b, v, cg_i64(cg, shift), "");
}

static struct cg_val field_var(struct cg *cg, const struct context_var *v,
			       struct expr *e)
{
	LLVMValueRef p = ctx_at(cg, cg_i64(cg, v->index));
	int size = v->size;

	if (v->data_loc) {
		LLVMValueRef loc = sized_load(cg, p, 4, false), dst, args[3];

		loc = LLVMBuildAnd(cg->b, loc, cg_i64(cg, 0xffff), "");
		dst = cg_new_slot(cg);
		args[0] = dst;
		args[1] = cg_i32(cg, cg->msl);
		args[2] = ctx_at(cg, loc);
		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
		cg_helper(cg, 115 /* probe_read_kernel_str */, cg->i64, args,
			  3);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (v->script_type == TYPE_STRING && strchr(v->type, '[')) {
		LLVMValueRef dst = cg_new_slot(cg);
		LLVMValueRef args[3] = { dst, p, cg_i32(cg, (uint32_t)size) };

		cg_runtime(cg, "bstap_read_chars", cg->void_t, args, 3);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return (cg_error(cg, e->loc, "field '%s' (%s) cannot be read as a number",
				 e->name, v->type), lng(cg_i64(cg, 0)));
	return lng(narrow(cg, v->type, sized_load(cg, p, size,
						   !unsigned_text(v->type)),
			  size));
}

static struct cg_val arg_var(struct cg *cg, const struct context_var *v,
			     struct expr *e)
{
	LLVMValueRef p = ctx_at(cg, cg_i64(cg, 8 * v->index));
	LLVMValueRef x = LLVMBuildLoad2(cg->b, cg->i64, p, "");
	int size = v->size > 0 && v->size < 8 ? v->size : 8;
	int shift = 64 - 8 * size;

	if (shift && !unsigned_text(v->type))
		x = LLVMBuildAShr(cg->b,
				  LLVMBuildShl(cg->b, x, cg_i64(cg, shift), ""),
				  cg_i64(cg, shift), "");
	else if (shift)
		x = LLVMBuildAnd(cg->b, x,
				 cg_i64(cg, (int64_t)((1ULL << (8 * size)) - 1)),
				 "");
	(void)e;
	return lng(x);
}

/* ----------------------------------------- raw syscall tracepoints */

/* Argument i of the tp_btf context (regs, then id or ret). */
LLVMValueRef cg_syscall_ctx(struct cg *cg, int i)
{
	return LLVMBuildLoad2(cg->b, cg->i64, ctx_at(cg, cg_i64(cg, 8 * i)),
			      "");
}

/* A register of the syscall's struct pt_regs (x86-64 uapi offsets). */
LLVMValueRef cg_syscall_reg(struct cg *cg, int off)
{
	LLVMValueRef regs = LLVMBuildIntToPtr(cg->b, cg_syscall_ctx(cg, 0),
					      cg->ptr, "regs");
	LLVMValueRef tmp = cg_alloca(cg, cg->i64, "reg");
	LLVMValueRef idx = cg_i64(cg, off);
	LLVMValueRef a[3] = {
		tmp, cg_i32(cg, 8),
		LLVMBuildGEP2(cg->b, cg->i8, regs, &idx, 1, "")
	};

	LLVMBuildStore(cg->b, cg_i64(cg, 0), tmp);
	cg_helper(cg, 113 /* probe_read_kernel */, cg->i64, a, 3);
	return LLVMBuildLoad2(cg->b, cg->i64, tmp, "");
}

/*
 * A syscalls:sys_enter_NAME/sys_exit_NAME format field on the raw event:
 * __syscall_nr, the arguments (record offsets 16 + 8 * i) in rdi, rsi,
 * rdx, r10, r8, r9, and ret.
 */
static struct cg_val syscall_field(struct cg *cg, const struct context_var *v,
				   struct expr *e)
{
	static const int args[6] = { 112, 104, 96, 56, 72, 64 };
	bool enter = cg->fn->raw_syscall == 1;
	int i = (v->index - 16) / 8;
	LLVMValueRef x;

	if (!strcmp(v->name, "__syscall_nr"))
		x = enter ? cg_syscall_ctx(cg, 1) : cg_syscall_reg(cg, 120);
	else if (!enter && !strcmp(v->name, "ret"))
		x = cg_syscall_ctx(cg, 1);
	else if (enter && v->index >= 16 && i < 6 && v->index % 8 == 0)
		x = cg_syscall_reg(cg, args[i]);
	else
		return (cg_error(cg, e->loc, "'%s' cannot be read here",
				 e->name), cg_default(cg, e->type));
	return lng(narrow(cg, v->type, x, 8));
}

static struct cg_val chain_var(struct cg *cg, const struct context_var *v,
			       struct expr *e, LLVMValueRef base)
{
	return cg_core_chain(cg, v->type, base, e->chain.v, e->chain.n,
			     e->loc, e->addr_of);
}

/* Parameters of the traced kernel function, from its BTF prototype. */
static int kfunc_nargs(struct cg *cg, const char *func)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	const struct btf_name *f = ix ? btf_find(btf_funcs(ix), func) : NULL;
	const struct btf_type *proto = f ? btf_proto_of(ix->btf, f->id) : NULL;

	return proto ? btf_vlen(proto) : -1;
}

/*
 * fentry/fexit: the arguments are the u64 array of the context, the
 * return value follows them; kprobes: the registers, as for uprobes.
 */
static bool kfunc_var(struct cg *cg, const struct context_var *v,
		      struct expr *e, struct cg_val *out)
{
	struct context_var at = *v;
	int n;

	if (cg->fn->variant)
		return cg_uprobe_var(cg, v, e, out);
	if (v->source == CTXVAR_RETURN) {
		n = kfunc_nargs(cg, cg->fn->point->target);
		if (n < 0)
			return cg_error(cg, e->loc, "no BTF prototype for '%s'",
					cg->fn->point->target);
		at.index = n;
	} else if (v->source != CTXVAR_ARG) {
		return cg_error(cg, e->loc, "'%s' cannot be read here", e->name);
	}
	*out = arg_var(cg, &at, e);
	return true;
}

/* A struct or union pointer, or a char pointer: what $$parms$ expands. */
static bool expands(const char *type)
{
	const char *star = strchr(type, '*');

	while (!strncmp(type, "const ", 6))
		type += 6;
	if (!star || strchr(star + 1, '*'))
		return false;
	return !strncmp(type, "struct ", 7) || !strncmp(type, "union ", 6) ||
	       !strncmp(type, "char", 4);
}

/*
 * $x$ and $x$$ of a kernel value: strings quoted, plain numbers as
 * numbers, pointers and structs through BTF (codegen_core.c).
 */
static struct cg_val pretty_var(struct cg *cg, const struct context_var *v,
				struct expr *e, struct cg_val base, bool hex)
{
	LLVMValueRef dst;
	const char *type = v->type ? v->type : "long";

	if (base.type != TYPE_STRING &&
	    (e->chain.n || strchr(type, '*') || !strncmp(type, "struct ", 7) ||
	     !strncmp(type, "union ", 6)))
		return cg_core_pretty(cg, type, base.v, e->chain.v, e->chain.n,
				      e->loc, e->pretty == PRETTY_DEEP, hex);
	dst = cg_new_slot(cg);
	LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
	if (base.type == TYPE_STRING) {
		LLVMValueRef a[2] = { dst, base.v };

		cg_append_lit(cg, dst, "\"");
		cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
		cg_append_lit(cg, dst, "\"");
	} else {
		cg_append_long(cg, dst, base.v, hex);
	}
	return (struct cg_val){ TYPE_STRING, dst };
}

static const struct context_var *var_of(struct cg *cg, struct expr *e)
{
	const char *name = e->name[0] == '$' ? e->name + 1 : e->name;

	return strmap_get(&cg->fn->probe->vars, name);
}

/* ------------------------------------------------ $$vars, $$parms */

struct var_list {
	struct cg *cg;
	VEC(struct context_var) v;
};

static void collect_var(void *ctx, const struct context_var *v)
{
	struct var_list *l = ctx;

	if (v && v->name)
		vec_push(l->cg->a, &l->v, *v);
}

static bool readable_here(struct cg *cg, const struct context_var *v,
			  bool parms)
{
	const struct resolved_point *rp = cg->fn->point;

	if (v->script_type != TYPE_LONG && v->script_type != TYPE_STRING)
		return false;
	if (v->source == CTXVAR_RETURN)
		return !parms;
	if (!strcmp(rp->provider->name, "kernel.trace"))
		return cg->fn->tp_btf && !cg->fn->raw_syscall ?
			       v->source == CTXVAR_ARG :
			       v->source == CTXVAR_FIELD;
	return true;
}

static void append(struct cg *cg, LLVMValueRef dst, const char *lit)
{
	LLVMValueRef a[2] = { dst, cg_literal(cg, lit) };

	cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
}

/*
 * "$$vars", "$$parms", "$$return", "$$locals": name=value pairs as stap
 * prints them, numbers in hex ("0x1f"), strings quoted.
 */
static struct cg_val dollar_vars(struct cg *cg, struct expr *e)
{
	const struct resolved_point *rp = cg->fn->point;
	struct var_list l = { cg, { 0 } };
	bool parms = !strcmp(e->name, "$$parms");
	bool ret = !strcmp(e->name, "$$return");
	bool locals = !strcmp(e->name, "$$locals");
	LLVMValueRef dst = cg_new_slot(cg);
	int n = 0;

	LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
	if (!rp->provider->variables)
		return (struct cg_val){ TYPE_STRING, dst };
	rp->provider->variables(cg->s, rp, collect_var, &l);
	for (int i = 0; i < l.v.n; i++) {
		struct context_var *v = &l.v.v[i];
		struct expr ve = *e;
		struct cg_val val;

		/* $$locals: DWARF locals only; $$parms: no locals */
		if ((locals || parms) &&
		    locals != (v->source == CTXVAR_LOCAL))
			continue;
		if (ret != (v->source == CTXVAR_RETURN) ||
		    !readable_here(cg, v, parms) ||
		    !strncmp(v->name, "__", 2))
			continue;
		ve.name = arena_printf(cg->a, "$%s", v->name);
		ve.chain.n = 0;
		/* $$parms$: structs and strings behind pointers expanded */
		ve.pretty = e->pretty != PRETTY_NONE && v->type &&
				    expands(v->type) ? e->pretty : PRETTY_NONE;
		val = cg_target(cg, &ve);
		append(cg, dst, arena_printf(cg->a, "%s%s=", n++ ? " " : "",
					     v->name));
		if (val.type == TYPE_STRING && ve.pretty != PRETTY_NONE) {
			LLVMValueRef a[2] = { dst, val.v };

			cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
		} else if (val.type == TYPE_STRING) {
			LLVMValueRef a[2] = { dst, val.v };

			append(cg, dst, "\"");
			cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
			append(cg, dst, "\"");
		} else {
			LLVMValueRef a[6] = { dst,
					      v->type && strchr(v->type, '*') ?
						      cg_scalar(cg, val.v) :
						      val.v,
					      cg_i64(cg, 'x'),
					      cg_i64(cg, 0x20), cg_i64(cg, -1),
					      cg_i64(cg, -1) };

			cg_runtime(cg, "bstap_append_long", cg->void_t, a, 6);
		}
	}
	return (struct cg_val){ TYPE_STRING, dst };
}

struct cg_val cg_target(struct cg *cg, struct expr *e)
{
	const struct context_var *v;
	struct cg_val base;

	if (cg_entry_value(cg, e, &base))
		return base;
	if (e->name[1] == '$' && !e->chain.n && cg->fn->tier == TIER_KERNEL)
		return dollar_vars(cg, e);
	if (cg->fn->tier == TIER_KERNEL && cg->fn->ctx && e->name[1] != '$') {
		/* process() points with DWARF: location expressions */
		int r = cg_dwarf_var(cg, e, &base);

		if (r)
			return base;
	}
	v = var_of(cg, e);
	if (e->pretty && (!cg->fn->point->provider || cg->fn->point->path))
		return (cg_error(cg, e->loc, "pretty printing a structure ('%s$') is not supported by the BPF code generator yet; print its members",
				 e->name), cg_default(cg, e->type));
	if (!v || e->name[1] == '$' || (e->addr_of && !e->chain.n))
		return (cg_error(cg, e->loc, "'%s' is not supported by the BPF code generator here",
				 e->name), cg_default(cg, e->type));
	if (cg->fn->tier != TIER_KERNEL || !cg->fn->ctx)
		return (cg_error(cg, e->loc, "'%s' has no value here",
				 e->name), cg_default(cg, e->type));
	if (cg->fn->point->provider &&
	    !strcmp(cg->fn->point->provider->name, "kernel.function")) {
		if (!kfunc_var(cg, v, e, &base))
			return cg_default(cg, e->type);
		if (e->pretty)
			return pretty_var(cg, v, e, base, false);
		if (!e->chain.n)
			return base;
		return chain_var(cg, v, e, base.v);
	}
	if (cg->fn->point->address && cg->fn->point->path) {
		if (!cg_uprobe_var(cg, v, e, &base))
			return cg_default(cg, e->type);
		if (e->chain.n)
			return (cg_error(cg, e->loc, "member chains of user-space values are not supported by the BPF code generator yet"),
				cg_default(cg, e->type));
		return base;
	}
	if (v->source == CTXVAR_FIELD && cg->fn->raw_syscall)
		base = syscall_field(cg, v, e);
	else if (v->source == CTXVAR_FIELD && !cg->fn->tp_btf)
		base = field_var(cg, v, e);
	else if (v->source == CTXVAR_ARG && cg->fn->tp_btf)
		base = arg_var(cg, v, e);
	else
		return (cg_error(cg, e->loc, "'%s' cannot be read in this probe: a tracepoint handler reads either format fields or TP_PROTO arguments, not both",
				 e->name), cg_default(cg, e->type));
	if (e->pretty)
		return pretty_var(cg, v, e, base, false);
	if (!e->chain.n)
		return base;
	if (base.type == TYPE_STRING)
		return (cg_error(cg, e->loc, "'%s' is a string", e->name),
			base);
	return chain_var(cg, v, e, base.v);
}
