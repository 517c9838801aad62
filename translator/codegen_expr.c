// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Expressions. A long is an i64; a string is a pointer to a NUL-terminated
 * buffer of MAXSTRINGLEN bytes in scratch or in the literal blob, never on
 * the 512-byte stack. Every string result gets a fresh scratch slot, so a
 * value stays valid until the end of its statement.
 *
 * Script errors (division by zero, array overflow, read faults, error())
 * go to the innermost try's catch block, or are counted, reported with a
 * ring-buffer record and end the handler.
 */
#include <string.h>

#include "codegen_internal.h"
#include "diag.h"

#define BPF_FUNC_map_lookup_elem	1
#define BPF_FUNC_map_update_elem	2
#define BPF_FUNC_map_delete_elem	3
#define BPF_ANY				0
#define BPF_NOEXIST			1
#define E2BIG				7
#define EEXIST				17

static struct cg_val lng(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_LONG, v };
}

static struct cg_val str(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_STRING, v };
}

struct cg_val cg_default(struct cg *cg, enum type_kind t)
{
	if (t == TYPE_STRING)
		return str(cg_literal(cg, ""));
	return lng(cg_i64(cg, 0));
}

struct cg_val cg_copy_string(struct cg *cg, LLVMValueRef src)
{
	LLVMValueRef slot = cg_new_slot(cg);
	LLVMValueRef args[2] = { slot, src };

	cg_runtime(cg, "bstap_strcpy", cg->i64, args, 2);
	return str(slot);
}

/* ---------------------------------------------------------- errors */

static const char *error_text(int kind)
{
	switch (kind) {
	case BO_ERR_DIVIDE_BY_ZERO:
		return "division by zero";
	case BO_ERR_ARRAY_OVERFLOW:
		return "Array overflow, check MAXMAPENTRIES";
	case BO_ERR_READ_FAULT:
		return "read fault";
	case BO_ERR_EMPTY_AGGREGATE:
		return "empty aggregate";
	default:
		return "error";
	}
}

/* Code after an abort is dead, but the builder needs a block. */
static void dead_block(struct cg *cg)
{
	LLVMPositionBuilderAtEnd(cg->b, cg_block(cg, "dead"));
}

void cg_raise(struct cg *cg, int kind, struct src_loc loc, const char *token,
	      LLVMValueRef detail)
{
	struct cg_fn *fn = cg->fn;
	uint32_t where = cg_location(cg, loc, token);

	struct cg_try *t = fn->try ? fn->try : fn->outer_try;

	if (t) {
		if (t->msg) {
			const char *text = error_text(kind);
			LLVMValueRef src = detail ? detail :
					   cg_literal(cg, text);
			LLVMValueRef args[2] = { cg_var_ptr(cg, t->msg), src };

			cg_runtime(cg, "bstap_strcpy", cg->i64, args, 2);
		}
		/* a try outside a foreach callback: its caller goes there */
		LLVMBuildBr(cg->b, fn->try ? t->catch_bb : fn->catch_out_bb);
	} else {
		/* a scratch lookup of its own: the hot path may not need one */
		LLVMValueRef scr = cg_scratch_lookup(cg), off, args[5];
		LLVMBasicBlockRef send = cg_block(cg, "report");

		LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, scr, ""),
				fn->exit_bb, send);
		LLVMPositionBuilderAtEnd(cg->b, send);
		/* the first uncaught error ends the run: stop kernel probes */
		if (fn->tier == TIER_KERNEL && cg->maxerrors == 0)
			LLVMBuildStore(cg->b, cg_i64(cg, 1),
				       cg_bss_at(cg, CG_BSS_STOPPING));
		off = LLVMBuildZExt(cg->b, LLVMBuildLoad2(cg->b, cg->i32,
							  cg->cfg_rec_off, ""),
				    cg->i64, "");
		args[0] = LLVMBuildGEP2(cg->b, cg->i8, scr, &off, 1, "rec");
		args[1] = cg_i32(cg, (uint32_t)fn->probe_index);
		args[2] = cg_i32(cg, (uint32_t)kind);
		args[3] = cg_i32(cg, where);
		args[4] = detail ? detail : LLVMConstNull(cg->ptr);
		cg_note_record(cg, 16 + 8 + 8 + cg->msl);
		cg_runtime(cg, "bstap_raise", cg->void_t, args, 5);
		LLVMBuildBr(cg->b, fn->exit_bb);
	}
	dead_block(cg);
}

void cg_raise_if(struct cg *cg, LLVMValueRef bad, int kind,
		 struct src_loc loc, const char *token, LLVMValueRef detail)
{
	LLVMBasicBlockRef err = cg_block(cg, "err"), ok = cg_block(cg, "ok");

	LLVMBuildCondBr(cg->b, bad, err, ok);
	LLVMPositionBuilderAtEnd(cg->b, err);
	cg_raise(cg, kind, loc, token, detail);
	LLVMBuildBr(cg->b, ok);
	LLVMPositionBuilderAtEnd(cg->b, ok);
}

/* ------------------------------------------------------- variables */

static struct cg_var *new_var(struct cg *cg, enum type_kind t, bool scratch)
{
	struct cg_var *v = arena_new(cg->a, struct cg_var);

	v->type = t == TYPE_STRING ? TYPE_STRING : TYPE_LONG;
	if (v->type == TYPE_STRING || scratch) {
		v->ptr = NULL;
		v->off = cg_new_slot_off(cg);
		if (v->type == TYPE_STRING)
			LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false),
				       cg_var_ptr(cg, v));
		else
			LLVMBuildStore(cg->b, cg_i64(cg, 0), cg_var_ptr(cg, v));
		return v;
	}
	v->ptr = cg_alloca(cg, cg->i64, "var");
	LLVMBuildStore(cg->b, cg_i64(cg, 0), v->ptr);
	return v;
}

struct cg_var *cg_new_var(struct cg *cg, enum type_kind t)
{
	return new_var(cg, t, cg->fn->scratch_locals);
}

/*
 * In a program whose foreach bodies are callbacks, a long stays on the
 * stack when no callback reaches it: a loop counter in scratch is opaque
 * to the verifier, which then calls the loop infinite.
 */
struct cg_var *cg_new_sym_var(struct cg *cg, struct symbol *sym)
{
	struct cg_fn *fn = cg->fn;
	bool scratch = fn->scratch_locals;

	if (scratch && sym && !fn->caller && fn->cb_syms &&
	    !strmap_get(fn->cb_syms, sym))
		scratch = false;
	return new_var(cg, sym ? sym->type : TYPE_LONG, scratch);
}

/* Scratch variables are reached from the current function's scratch. */
LLVMValueRef cg_var_ptr(struct cg *cg, struct cg_var *v)
{
	return v->ptr ? v->ptr : cg_scratch_at(cg, v->off);
}

void cg_store_var(struct cg *cg, struct cg_var *v, struct cg_val val)
{
	LLVMValueRef p = cg_var_ptr(cg, v);

	if (v->type == TYPE_STRING) {
		LLVMValueRef args[2] = { p, val.v };

		cg_runtime(cg, "bstap_strcpy", cg->i64, args, 2);
		return;
	}
	LLVMBuildStore(cg->b, val.v, p);
}

struct cg_val cg_load_var(struct cg *cg, struct cg_var *v)
{
	LLVMValueRef p = cg_var_ptr(cg, v);

	if (v->type == TYPE_STRING)
		return str(p);
	return lng(LLVMBuildLoad2(cg->b, cg->i64, p, ""));
}

/* A local or parameter; created on first sight (initialized at entry). */
struct cg_var *cg_local_var(struct cg *cg, struct symbol *sym)
{
	struct cg_fn *fn = cg->fn;
	struct cg_var *v = strmap_get(&fn->vars, sym);
	LLVMBasicBlockRef here;

	if (v)
		return v;
	here = LLVMGetInsertBlock(cg->b);
	LLVMPositionBuilderAtEnd(cg->b, fn->init_bb);
	v = cg_new_sym_var(cg, sym);
	LLVMPositionBuilderAtEnd(cg->b, here);
	strmap_put(cg->a, &fn->vars, sym, v);
	return v;
}

/* ---------------------------------------------------------- scalars */

static struct cg_val load_global(struct cg *cg, struct cg_global *g)
{
	LLVMValueRef p = cg_bss_at(cg, g->offset);

	if (g->sym->type == TYPE_STRING)
		return cg_copy_string(cg, p);
	return lng(LLVMBuildLoad2(cg->b, cg->i64, p, ""));
}

static void store_global(struct cg *cg, struct cg_global *g, struct cg_val v)
{
	LLVMValueRef p = cg_bss_at(cg, g->offset);

	if (g->sym->type == TYPE_STRING) {
		LLVMValueRef args[2] = { p, v.v };

		cg_runtime(cg, "bstap_strcpy", cg->i64, args, 2);
		return;
	}
	LLVMBuildStore(cg->b, v.v, p);
}

/* ----------------------------------------------------------- arrays */

static LLVMValueRef map_lookup(struct cg *cg, struct cg_global *g,
			       LLVMValueRef key)
{
	LLVMValueRef args[2] = { g->map, key };

	return cg_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, args, 2);
}

static LLVMValueRef map_update(struct cg *cg, struct cg_global *g,
			       LLVMValueRef key, LLVMValueRef val, int flags)
{
	LLVMValueRef args[4] = { g->map, key, val, cg_i64(cg, flags) };

	return cg_helper(cg, BPF_FUNC_map_update_elem, cg->i64, args, 4);
}

static int eval_keys(struct cg *cg, struct expr *e, struct cg_val *keys)
{
	int n = e->args.n < BO_MAX_KEYS ? e->args.n : BO_MAX_KEYS;

	for (int i = 0; i < n; i++) {
		if (!e->args.v[i]) {
			cg_error(cg, e->loc, "a '*' key only works in foreach");
			keys[i] = lng(cg_i64(cg, 0));
			continue;
		}
		keys[i] = cg_expr(cg, e->args.v[i]);
	}
	return n;
}

static LLVMValueRef element_key(struct cg *cg, struct expr *e,
				struct cg_global **gp)
{
	struct cg_val keys[BO_MAX_KEYS];
	struct cg_global *g = cg_global_of(cg, e->sym);
	int n;

	*gp = g;
	if (!g || !g->map) {
		cg_error(cg, e->loc, "'%s' is not a global array",
			 e->name ? e->name : "?");
		return NULL;
	}
	n = eval_keys(cg, e, keys);
	return cg_build_key(cg, g, keys, n);
}

static struct cg_val read_element(struct cg *cg, struct expr *e)
{
	struct cg_global *g;
	LLVMValueRef key = element_key(cg, e, &g), p, isnull;
	LLVMBasicBlockRef found, done, from;
	struct cg_val out;

	if (!key)
		return cg_default(cg, e->type);
	if (g->sym->type == TYPE_STATS) {
		cg_error(cg, e->loc, "read statistics '%s' with @count, @sum, @min, @max, @avg or a histogram",
			 g->sym->name);
		return cg_default(cg, TYPE_LONG);
	}
	if (g->sym->type == TYPE_STRING) {
		out = str(cg_new_slot(cg));
		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), out.v);
	}
	p = map_lookup(cg, g, key);
	isnull = LLVMBuildIsNull(cg->b, p, "");
	found = cg_block(cg, "found");
	done = cg_block(cg, "done");
	from = LLVMGetInsertBlock(cg->b);
	LLVMBuildCondBr(cg->b, isnull, done, found);
	LLVMPositionBuilderAtEnd(cg->b, found);
	if (g->sym->type == TYPE_STRING) {
		LLVMValueRef args[2] = { out.v, p };

		cg_runtime(cg, "bstap_strcpy", cg->i64, args, 2);
		LLVMBuildBr(cg->b, done);
		LLVMPositionBuilderAtEnd(cg->b, done);
		return out;
	}
	LLVMValueRef v = LLVMBuildLoad2(cg->b, cg->i64, p, "");
	LLVMBasicBlockRef vb = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
	LLVMValueRef phi = LLVMBuildPhi(cg->b, cg->i64, "");
	LLVMValueRef vals[2] = { cg_i64(cg, 0), v };
	LLVMBasicBlockRef bbs[2] = { from, vb };
	LLVMAddIncoming(phi, vals, bbs, 2);
	return lng(phi);
}

static void check_update(struct cg *cg, struct cg_global *g, LLVMValueRef rc,
			 struct src_loc loc, const char *name)
{
	LLVMValueRef bad;

	if (g->sym->global && g->sym->global->wrap)
		return;
	bad = LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), "");
	cg_raise_if(cg, bad, BO_ERR_ARRAY_OVERFLOW, loc,
		    arena_printf(cg->a, "identifier '%s'", name), NULL);
}

static void write_element(struct cg *cg, struct expr *e, struct cg_val v)
{
	struct cg_global *g;
	LLVMValueRef key = element_key(cg, e, &g), val, rc;

	if (!key)
		return;
	if (g->sym->type == TYPE_STRING) {
		/* a slot or a literal: both have value_size bytes behind */
		val = v.v;
	} else {
		val = cg_value_tmp(cg);
		LLVMBuildStore(cg->b, v.v, val);
	}
	rc = map_update(cg, g, key, val, BPF_ANY);
	check_update(cg, g, rc, e->loc, g->sym->name);
}

/*
 * a[k] += d, a[k]++: an atomic add in place when the element exists, an
 * insert otherwise. Returns the old value.
 */
static LLVMValueRef add_element(struct cg *cg, struct expr *e,
				LLVMValueRef delta)
{
	struct cg_global *g;
	LLVMValueRef key = element_key(cg, e, &g), p, old, tmp, rc;
	LLVMBasicBlockRef have, insert, done, hb;

	if (!key)
		return cg_i64(cg, 0);
	p = map_lookup(cg, g, key);
	have = cg_block(cg, "have");
	insert = cg_block(cg, "insert");
	done = cg_block(cg, "added");
	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, p, ""), insert, have);

	LLVMPositionBuilderAtEnd(cg->b, have);
	old = LLVMBuildAtomicRMW(cg->b, LLVMAtomicRMWBinOpAdd, p, delta,
				 LLVMAtomicOrderingMonotonic, false);
	hb = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);

	LLVMPositionBuilderAtEnd(cg->b, insert);
	tmp = cg_value_tmp(cg);
	LLVMBuildStore(cg->b, delta, tmp);
	rc = map_update(cg, g, key, tmp, BPF_ANY);
	check_update(cg, g, rc, e->loc, g->sym->name);
	LLVMBasicBlockRef ib = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);

	LLVMPositionBuilderAtEnd(cg->b, done);
	LLVMValueRef phi = LLVMBuildPhi(cg->b, cg->i64, "old");
	LLVMValueRef vals[2] = { old, cg_i64(cg, 0) };
	LLVMBasicBlockRef bbs[2] = { hb, ib };
	LLVMAddIncoming(phi, vals, bbs, 2);
	return phi;
}

static struct cg_val in_array(struct cg *cg, struct expr *e)
{
	struct cg_global *g;
	LLVMValueRef key = element_key(cg, e, &g), p;

	if (!key)
		return lng(cg_i64(cg, 0));
	p = map_lookup(cg, g, key);
	return lng(LLVMBuildZExt(cg->b, LLVMBuildIsNotNull(cg->b, p, ""),
				 cg->i64, ""));
}

void cg_delete(struct cg *cg, struct expr *e)
{
	struct cg_global *g;

	if (e->kind == EXPR_INDEX) {
		LLVMValueRef key;

		for (int i = 0; i < e->args.n; i++)
			if (!e->args.v[i]) {
				g = cg_global_of(cg, e->sym);
				if (g && g->map)
					cg_delete_all(cg, g, e->loc, e);
				return;
			}
		key = element_key(cg, e, &g);
		LLVMValueRef args[2];

		if (!key)
			return;
		args[0] = g->map;
		args[1] = key;
		cg_helper(cg, BPF_FUNC_map_delete_elem, cg->i64, args, 2);
		return;
	}
	if (e->kind == EXPR_IDENT && e->sym) {
		g = cg_global_of(cg, e->sym);
		if (g && !g->map) {
			store_global(cg, g, cg_default(cg, g->sym->type));
			return;
		}
		if (!g) {
			cg_store_var(cg, cg_local_var(cg, e->sym),
				     cg_default(cg, e->sym->type));
			return;
		}
		if (g->sym->is_array) {
			cg_delete_all(cg, g, e->loc, NULL);
			return;
		}
	}
	cg_error(cg, e->loc, "deleting a statistics variable is not supported yet");
}

/* ------------------------------------------------------ statistics */

static void stats_add(struct cg *cg, struct cg_global *g, LLVMValueRef rec,
		      LLVMValueRef v)
{
	struct cg_stats *st = g->stats;
	LLVMValueRef args[7] = {
		rec, v, cg_i64(cg, st->hist_kind), cg_i64(cg, st->lo),
		cg_i64(cg, st->step), cg_i64(cg, st->nbuckets),
		cg_i64(cg, st->shift),
	};

	cg_runtime(cg, "bstap_stats_add", cg->void_t, args, 7);
}

/* s <<< v, s[k] <<< v: insert a zero record first when missing. */
static struct cg_val aggregate(struct cg *cg, struct expr *e)
{
	struct expr *target = e->left;
	struct cg_val v = cg_expr(cg, e->right);
	struct cg_global *g;
	LLVMValueRef key, p, rc;
	LLVMBasicBlockRef add, miss, done;

	if (target->kind == EXPR_INDEX) {
		key = element_key(cg, target, &g);
	} else {
		g = cg_global_of(cg, target->sym);
		key = g && g->map ? cg_build_key(cg, g, NULL, 0) : NULL;
	}
	if (!key || !g->stats)
		return v;
	p = map_lookup(cg, g, key);
	add = cg_block(cg, "agg");
	miss = cg_block(cg, "agg_new");
	done = cg_block(cg, "agg_done");
	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, p, ""), miss, add);

	LLVMPositionBuilderAtEnd(cg->b, miss);
	rc = map_update(cg, g, key, cg_scratch_at(cg, cg->zero_area),
			BPF_NOEXIST);
	if (!(g->sym->global && g->sym->global->wrap)) {
		LLVMValueRef bad = LLVMBuildAnd(
			cg->b,
			LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), ""),
			LLVMBuildICmp(cg->b, LLVMIntNE, rc, cg_i64(cg, -EEXIST),
				      ""), "");

		cg_raise_if(cg, bad, BO_ERR_ARRAY_OVERFLOW, e->loc,
			    arena_printf(cg->a, "identifier '%s'",
					 g->sym->name), NULL);
	}
	LLVMValueRef p2 = map_lookup(cg, g, key);
	LLVMBasicBlockRef add2 = cg_block(cg, "agg2");
	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, p2, ""), done, add2);
	LLVMPositionBuilderAtEnd(cg->b, add2);
	stats_add(cg, g, p2, v.v);
	LLVMBuildBr(cg->b, done);

	LLVMPositionBuilderAtEnd(cg->b, add);
	stats_add(cg, g, p, v.v);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
	return v;
}

/* ------------------------------------------------------- arithmetic */

static LLVMValueRef divmod(struct cg *cg, enum op op, LLVMValueRef l,
			   LLVMValueRef r, struct src_loc loc)
{
	bool div = op == OP_DIV || op == OP_DIV_ASSIGN;
	LLVMValueRef zero = LLVMBuildICmp(cg->b, LLVMIntEQ, r, cg_i64(cg, 0),
					  "");
	LLVMValueRef m1, safe, q;

	cg_raise_if(cg, zero, BO_ERR_DIVIDE_BY_ZERO, loc,
		    div ? "operator '/'" : "operator '%'", NULL);
	/* x / -1 is -x with wrap-around; LLVM's sdiv would be undefined */
	m1 = LLVMBuildICmp(cg->b, LLVMIntEQ, r, cg_i64(cg, -1), "");
	safe = LLVMBuildSelect(cg->b, m1, cg_i64(cg, 1), r, "");
	if (cg->cpu_v4) {
		q = div ? LLVMBuildSDiv(cg->b, l, safe, "") :
			  LLVMBuildSRem(cg->b, l, safe, "");
	} else {
		LLVMValueRef args[2] = { l, safe };

		q = cg_runtime(cg, div ? "bstap_sdiv" : "bstap_smod", cg->i64,
			       args, 2);
	}
	return LLVMBuildSelect(cg->b, m1,
			       div ? LLVMBuildSub(cg->b, cg_i64(cg, 0), l, "") :
				     cg_i64(cg, 0),
			       q, "");
}

static enum op base_op(enum op op)
{
	switch (op) {
	case OP_ADD_ASSIGN: return OP_ADD;
	case OP_SUB_ASSIGN: return OP_SUB;
	case OP_MUL_ASSIGN: return OP_MUL;
	case OP_DIV_ASSIGN: return OP_DIV;
	case OP_MOD_ASSIGN: return OP_MOD;
	case OP_SHL_ASSIGN: return OP_SHL;
	case OP_SHR_ASSIGN: return OP_SHR;
	case OP_USHR_ASSIGN: return OP_USHR;
	case OP_AND_ASSIGN: return OP_BITAND;
	case OP_OR_ASSIGN: return OP_BITOR;
	case OP_XOR_ASSIGN: return OP_BITXOR;
	case OP_CONCAT_ASSIGN: return OP_CONCAT;
	default: return op;
	}
}

/* Shift counts wrap at 64 as on x86-64, where stap's C runs. */
static LLVMValueRef arith(struct cg *cg, enum op op, LLVMValueRef l,
			  LLVMValueRef r, struct src_loc loc)
{
	LLVMValueRef sh;

	switch (base_op(op)) {
	case OP_ADD:
		return LLVMBuildAdd(cg->b, l, r, "");
	case OP_SUB:
		return LLVMBuildSub(cg->b, l, r, "");
	case OP_MUL:
		return LLVMBuildMul(cg->b, l, r, "");
	case OP_DIV:
	case OP_MOD:
		return divmod(cg, base_op(op), l, r, loc);
	case OP_SHL:
	case OP_SHR:
	case OP_USHR:
		sh = LLVMBuildAnd(cg->b, r, cg_i64(cg, 63), "");
		if (base_op(op) == OP_SHL)
			return LLVMBuildShl(cg->b, l, sh, "");
		if (base_op(op) == OP_SHR)
			return LLVMBuildAShr(cg->b, l, sh, "");
		return LLVMBuildLShr(cg->b, l, sh, "");
	case OP_BITAND:
		return LLVMBuildAnd(cg->b, l, r, "");
	case OP_BITOR:
		return LLVMBuildOr(cg->b, l, r, "");
	case OP_BITXOR:
		return LLVMBuildXor(cg->b, l, r, "");
	default:
		cg_error(cg, loc, "operator '%s' is not supported here",
			 op_text(op));
		return cg_i64(cg, 0);
	}
}

/* a . b, counting a cut at MAXSTRINGLEN (DESIGN: truncation is visible) */
static void strcat_counted(struct cg *cg, LLVMValueRef dst, LLVMValueRef a,
			   LLVMValueRef b)
{
	LLVMValueRef args[3] = { dst, a, b }, cut;
	LLVMBasicBlockRef count = cg_block(cg, "cut");
	LLVMBasicBlockRef done = cg_block(cg, "catted");

	cut = cg_runtime(cg, "bstap_strcat", cg->i64, args, 3);
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntNE, cut,
					     cg_i64(cg, 0), ""),
			count, done);
	LLVMPositionBuilderAtEnd(cg->b, count);
	args[0] = cg_i32(cg, (uint32_t)cg->fn->probe_index);
	args[1] = cg_i32(cg, BO_ERR_STRING_TRUNCATED);
	cg_runtime(cg, "bstap_count_error", cg->void_t, args, 2);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
}

static struct cg_val concat(struct cg *cg, LLVMValueRef l, LLVMValueRef r)
{
	LLVMValueRef slot = cg_new_slot(cg);

	strcat_counted(cg, slot, l, r);
	return str(slot);
}

static struct cg_val binary(struct cg *cg, struct expr *e)
{
	struct cg_val l = cg_expr(cg, e->left);
	struct cg_val r = cg_expr(cg, e->right);

	if (e->op == OP_CONCAT)
		return concat(cg, l.v, r.v);
	return lng(arith(cg, e->op, l.v, r.v, e->loc));
}

static LLVMIntPredicate predicate(enum op op)
{
	switch (op) {
	case OP_LT: return LLVMIntSLT;
	case OP_LE: return LLVMIntSLE;
	case OP_GT: return LLVMIntSGT;
	case OP_GE: return LLVMIntSGE;
	case OP_EQ: return LLVMIntEQ;
	default: return LLVMIntNE;
	}
}

static struct cg_val compare(struct cg *cg, struct expr *e)
{
	struct cg_val l = cg_expr(cg, e->left);
	struct cg_val r = cg_expr(cg, e->right);
	LLVMValueRef c;

	if (l.type == TYPE_STRING) {
		LLVMValueRef args[2] = { l.v, r.v };

		l = lng(cg_runtime(cg, "bstap_strcmp", cg->i64, args, 2));
		r = lng(cg_i64(cg, 0));
	}
	c = LLVMBuildICmp(cg->b, predicate(e->op), l.v, r.v, "");
	return lng(LLVMBuildZExt(cg->b, c, cg->i64, ""));
}

LLVMValueRef cg_cond(struct cg *cg, struct expr *e)
{
	struct cg_val v = cg_expr(cg, e);

	if (v.type == TYPE_STRING) {
		LLVMValueRef c = LLVMBuildLoad2(cg->b, cg->i8, v.v, "");

		return LLVMBuildICmp(cg->b, LLVMIntNE, c,
				     LLVMConstInt(cg->i8, 0, false), "");
	}
	return LLVMBuildICmp(cg->b, LLVMIntNE, v.v, cg_i64(cg, 0), "");
}

static struct cg_val logical(struct cg *cg, struct expr *e)
{
	bool is_and = e->op == OP_AND;
	LLVMValueRef l = cg_cond(cg, e->left), r;
	LLVMBasicBlockRef lb = LLVMGetInsertBlock(cg->b);
	LLVMBasicBlockRef rhs = cg_block(cg, is_and ? "and" : "or");
	LLVMBasicBlockRef done = cg_block(cg, "logic");
	LLVMBasicBlockRef rb;
	LLVMValueRef phi, vals[2];
	LLVMBasicBlockRef bbs[2];

	if (is_and)
		LLVMBuildCondBr(cg->b, l, rhs, done);
	else
		LLVMBuildCondBr(cg->b, l, done, rhs);
	LLVMPositionBuilderAtEnd(cg->b, rhs);
	r = cg_cond(cg, e->right);
	rb = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
	phi = LLVMBuildPhi(cg->b, cg->i1, "");
	vals[0] = LLVMConstInt(cg->i1, is_and ? 0 : 1, false);
	vals[1] = r;
	bbs[0] = lb;
	bbs[1] = rb;
	LLVMAddIncoming(phi, vals, bbs, 2);
	return lng(LLVMBuildZExt(cg->b, phi, cg->i64, ""));
}

static struct cg_val ternary(struct cg *cg, struct expr *e)
{
	LLVMValueRef c = cg_cond(cg, e->cond);
	LLVMBasicBlockRef tb = cg_block(cg, "then"), fb = cg_block(cg, "else");
	LLVMBasicBlockRef done = cg_block(cg, "tern");
	struct cg_val l, r;
	LLVMBasicBlockRef bbs[2];
	LLVMValueRef vals[2], phi;

	LLVMBuildCondBr(cg->b, c, tb, fb);
	LLVMPositionBuilderAtEnd(cg->b, tb);
	l = cg_expr(cg, e->left);
	bbs[0] = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, fb);
	r = cg_expr(cg, e->right);
	bbs[1] = LLVMGetInsertBlock(cg->b);
	LLVMBuildBr(cg->b, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
	phi = LLVMBuildPhi(cg->b, LLVMTypeOf(l.v), "");
	vals[0] = l.v;
	vals[1] = r.v;
	if (LLVMTypeOf(l.v) != LLVMTypeOf(r.v)) {
		cg_error(cg, e->loc, "the branches of ?: have different types");
		return l;
	}
	LLVMAddIncoming(phi, vals, bbs, 2);
	return (struct cg_val){ l.type, phi };
}

static struct cg_val unary(struct cg *cg, struct expr *e)
{
	struct cg_val v = cg_expr(cg, e->operand);

	switch (e->op) {
	case OP_NEG:
		return lng(LLVMBuildSub(cg->b, cg_i64(cg, 0), v.v, ""));
	case OP_NOT:
		return lng(LLVMBuildZExt(
			cg->b,
			LLVMBuildICmp(cg->b, LLVMIntEQ, v.v, cg_i64(cg, 0), ""),
			cg->i64, ""));
	case OP_BITNOT:
		return lng(LLVMBuildXor(cg->b, v.v, cg_i64(cg, -1), ""));
	default:
		return v;
	}
}

/* --------------------------------------------------- assignments */

/* Where an lvalue lives. */
struct lvalue {
	struct expr *e;
	struct cg_var *var;		/* local */
	struct cg_global *g;		/* global scalar */
	bool element;			/* array element: e is the INDEX */
};

static bool lvalue_of(struct cg *cg, struct expr *e, struct lvalue *lv)
{
	memset(lv, 0, sizeof(*lv));
	lv->e = e;
	if (e->kind == EXPR_INDEX) {
		lv->element = true;
		return true;
	}
	if (e->kind == EXPR_IDENT && e->sym) {
		if (e->sym->kind == SYM_GLOBAL) {
			lv->g = cg_global_of(cg, e->sym);
			if (lv->g && !lv->g->map)
				return true;
		} else {
			lv->var = cg_local_var(cg, e->sym);
			return true;
		}
	}
	return cg_error(cg, e->loc, "cannot assign to this expression");
}

static struct cg_val lv_load(struct cg *cg, struct lvalue *lv)
{
	if (lv->element)
		return read_element(cg, lv->e);
	if (lv->g)
		return load_global(cg, lv->g);
	return cg_load_var(cg, lv->var);
}

static void lv_store(struct cg *cg, struct lvalue *lv, struct cg_val v)
{
	if (lv->element)
		write_element(cg, lv->e, v);
	else if (lv->g)
		store_global(cg, lv->g, v);
	else
		cg_store_var(cg, lv->var, v);
}

/* x .= x: the value is the variable itself (same slot offset). */
static bool is_var(struct cg *cg, struct cg_var *v, LLVMValueRef p)
{
	LLVMValueRef off;

	if (v->ptr)
		return v->ptr == p;
	if (!LLVMIsAGetElementPtrInst(p) ||
	    LLVMGetOperand(p, 0) != cg->fn->scratch)
		return false;
	off = LLVMGetOperand(p, 1);
	return LLVMIsAConstantInt(off) &&
	       LLVMConstIntGetZExtValue(off) == v->off;
}

static bool additive(enum op op)
{
	return op == OP_ADD_ASSIGN || op == OP_SUB_ASSIGN;
}

static struct cg_val assign(struct cg *cg, struct expr *e)
{
	struct lvalue lv;
	struct cg_val r, old;

	if (e->op == OP_AGGREGATE)
		return aggregate(cg, e);
	r = cg_expr(cg, e->right);
	if (!lvalue_of(cg, e->left, &lv))
		return r;
	if (e->op == OP_ASSIGN) {
		lv_store(cg, &lv, r);
		return r;
	}
	if (lv.element && additive(e->op) && e->left->type == TYPE_LONG) {
		LLVMValueRef d = e->op == OP_ADD_ASSIGN ?
			r.v : LLVMBuildSub(cg->b, cg_i64(cg, 0), r.v, "");
		LLVMValueRef o = add_element(cg, e->left, d);

		return lng(LLVMBuildAdd(cg->b, o, d, ""));
	}
	if (e->op == OP_CONCAT_ASSIGN && !lv.element && lv.var &&
	    !is_var(cg, lv.var, r.v)) {
		LLVMValueRef p = cg_var_ptr(cg, lv.var);

		strcat_counted(cg, p, p, r.v);
		return str(p);
	}
	old = lv_load(cg, &lv);
	if (e->op == OP_CONCAT_ASSIGN)
		r = concat(cg, old.v, r.v);
	else
		r = lng(arith(cg, e->op, old.v, r.v, e->loc));
	lv_store(cg, &lv, r);
	return r;
}

static struct cg_val incdec(struct cg *cg, struct expr *e)
{
	bool inc = e->op == OP_PREINC || e->op == OP_POSTINC;
	bool post = e->op == OP_POSTINC || e->op == OP_POSTDEC;
	LLVMValueRef d = cg_i64(cg, inc ? 1 : -1), old, now;
	struct lvalue lv;

	if (!lvalue_of(cg, e->operand, &lv))
		return lng(cg_i64(cg, 0));
	if (lv.element) {
		old = add_element(cg, e->operand, d);
	} else {
		old = lv_load(cg, &lv).v;
		lv_store(cg, &lv, lng(LLVMBuildAdd(cg->b, old, d, "")));
	}
	now = LLVMBuildAdd(cg->b, old, d, "");
	return lng(post ? old : now);
}

/* ------------------------------------------------------------ idents */

static struct cg_val ident(struct cg *cg, struct expr *e)
{
	struct cg_global *g;

	if (!e->sym)
		return cg_default(cg, e->type);
	if (e->sym->kind != SYM_GLOBAL)
		return cg_load_var(cg, cg_local_var(cg, e->sym));
	g = cg_global_of(cg, e->sym);
	if (!g)
		return cg_default(cg, e->type);
	if (g->map) {
		cg_error(cg, e->loc, "'%s' is an array or an aggregate: index it or use an extractor",
			 e->name);
		return cg_default(cg, e->type);
	}
	return load_global(cg, g);
}

static struct cg_val unsupported(struct cg *cg, struct expr *e,
				 const char *what)
{
	cg_error(cg, e->loc, "%s is not supported by the BPF code generator yet",
		 what);
	return cg_default(cg, e->type);
}

struct cg_val cg_expr(struct cg *cg, struct expr *e)
{
	if (!e)
		return lng(cg_i64(cg, 0));
	cg_debug_loc(cg, e->loc);
	switch (e->kind) {
	case EXPR_NUMBER:
		if (e->str && e->name)	/* a kernel enumerator: enum_const.c */
			return lng(cg_enum_value(cg, e));
		return lng(cg_i64(cg, e->num));
	case EXPR_STRING:
		return str(cg_literal(cg, e->str ? e->str : ""));
	case EXPR_IDENT:
		return ident(cg, e);
	case EXPR_INDEX:
		if (e->base && e->base->kind == EXPR_HIST)
			return cg_hist_bucket(cg, e);
		return read_element(cg, e);
	case EXPR_IN:
		return in_array(cg, e);
	case EXPR_CALL:
		return cg_call(cg, e);
	case EXPR_PRINT:
		return cg_print(cg, e);
	case EXPR_UNARY:
		return unary(cg, e);
	case EXPR_BINARY:
		return binary(cg, e);
	case EXPR_COMPARE:
		return compare(cg, e);
	case EXPR_LOGICAL:
		return logical(cg, e);
	case EXPR_TERNARY:
		return ternary(cg, e);
	case EXPR_ASSIGN:
		return assign(cg, e);
	case EXPR_INCDEC:
		return incdec(cg, e);
	case EXPR_STAT:
		return cg_stat(cg, e);
	case EXPR_TARGET:
		return cg_target(cg, e);
	case EXPR_REGEX:
		return cg_regex(cg, e);
	case EXPR_HIST:
		return unsupported(cg, e, "a histogram outside print()");
	case EXPR_CAST:
		return cg_cast(cg, e);
	case EXPR_DEFINED:	/* on kernel members: CO-RE, see resolve.c */
		return cg_core_defined(cg, e);
	case EXPR_VAR:
		return unsupported(cg, e, "@var");
	case EXPR_ENTRY: {
		struct cg_val r;

		if (cg_entry_value(cg, e, &r))
			return r;
		/* fexit still sees the arguments: @entry is the value now */
		if (cg->fn->point->provider && cg->fn->variant == 0 &&
		    !strcmp(cg->fn->point->provider->name, "kernel.function"))
			return cg_expr(cg, e->operand);
		return unsupported(cg, e, "@entry outside kernel.function(...).return and process(...).function(...).return");
	}
	default:
		return unsupported(cg, e, "this expression");
	}
}
