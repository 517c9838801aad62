// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * @entry(expr) and $vars in process(...).function(...).return probes.
 *
 * At a uretprobe the argument registers and the callee's frame are gone,
 * so what the handler needs from the entry is saved there: a second,
 * hidden uprobe program on the function's first instruction (its probe
 * table entry comes just before the return's, so the runner attaches it
 * first) evaluates every @entry(expr) of the handler, and every $var but
 * $return (stap's rule: a target variable in a .return probe is its value
 * at the entry, as if written @entry($var)), and keeps the values in an
 * LRU hash map. The uretprobe program takes them out before its body
 * runs and deletes the element.
 *
 * The key is (pid_tgid, stack pointer at the entry). At the entry rsp
 * points at the return address; after the return rsp is 8 bytes higher.
 * So every active call of a thread has its own element: recursion and
 * nesting need no depth counter, and a return the uretprobe never sees
 * (longjmp, a thread killed inside the call) leaves one element that the
 * next call from the same stack depth overwrites, or that LRU eviction
 * drops. A return whose element is missing (its entry fired before the
 * entry program was attached, or an evicted element) does not run the
 * handler: it is counted as skipped and reported at the end.
 *
 * Errors while evaluating at the entry (a read fault) are raised there,
 * at the place of the expression; a try block around @entry(...) in the
 * return handler cannot catch them, since they happen at another time.
 */
#include <string.h>

#include "ast_walk.h"
#include "codegen_internal.h"
#include "diag.h"

#define BPF_FUNC_map_lookup_elem	1
#define BPF_FUNC_map_update_elem	2
#define BPF_FUNC_map_delete_elem	3
#define BPF_FUNC_get_current_pid_tgid	14
#define MAP_ARRAY			2
#define MAP_LRU_HASH			9
#define REG_SP				152

/* Active calls of one probed function across all threads. */
#define ENTRY_MAX_CALLS			10240

static void collect_expr(struct cg *cg, struct cg_entry *en, struct expr *e);

static void collect_stmt(struct cg *cg, struct cg_entry *en, struct stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->stmts.n; i++)
		collect_stmt(cg, en, st->stmts.v[i]);
	collect_expr(cg, en, st->expr);
	collect_stmt(cg, en, st->then_stmt);
	collect_stmt(cg, en, st->else_stmt);
	collect_stmt(cg, en, st->init);
	collect_expr(cg, en, st->incr);
	collect_stmt(cg, en, st->body);
	collect_stmt(cg, en, st->catch_body);
	if (st->foreach) {
		collect_expr(cg, en, st->foreach->array);
		collect_expr(cg, en, st->foreach->limit);
		collect_stmt(cg, en, st->foreach->body);
	}
}

/* Is e a $var whose value the return handler wants from the entry? */
static bool entry_target(struct cg *cg, const struct elab_probe *ep,
			 const struct expr *e)
{
	const char *n = e->name + 1;
	const struct context_var *v;

	(void)cg;
	if (e->kind != EXPR_TARGET || !e->name || e->name[0] != '$')
		return false;
	if (!strcmp(n, "return") || !strcmp(n, "$return"))
		return false;
	v = strmap_get(&ep->vars, n);
	return !v || v->source != CTXVAR_RETURN;
}

struct entry_walk {
	struct cg *cg;
	struct cg_entry *en;	/* collect_expr */
	const struct expr *at;	/* check_no_locals */
};

static void check_no_locals(struct cg *cg, const struct expr *at,
			    const struct expr *e);
static void collect_expr(struct cg *cg, struct cg_entry *en, struct expr *e);

static bool no_locals_child(struct expr *e, void *ctx)
{
	struct entry_walk *w = ctx;

	check_no_locals(w->cg, w->at, e);
	return false;
}

static bool collect_child(struct expr *e, void *ctx)
{
	struct entry_walk *w = ctx;

	collect_expr(w->cg, w->en, e);
	return false;
}

/* A stashed expression is evaluated at the entry: no locals there yet. */
static void check_no_locals(struct cg *cg, const struct expr *at,
			    const struct expr *e)
{
	struct entry_walk w = { .cg = cg, .at = at };

	if (!e)
		return;
	if (e->kind == EXPR_IDENT && e->sym && e->sym->kind != SYM_GLOBAL) {
		diag_hint(diag_error(cg->s, e->loc,
				     "'%s' has no value at the function's entry, where %s is evaluated",
				     e->sym->name,
				     at->kind == EXPR_ENTRY ? "@entry(...)" :
				     "a target variable of a .return probe"),
			  "use a constant or a global here");
		return;
	}
	/* the walker does not change the tree; it takes it writable */
	ast_walk_expr_children((struct expr *)e, no_locals_child, &w);
}

static void collect_expr(struct cg *cg, struct cg_entry *en, struct expr *e)
{
	struct entry_walk w = { .cg = cg, .en = en };

	if (!e)
		return;
	if (e->kind == EXPR_ENTRY || entry_target(cg, en->probe, e)) {
		enum type_kind t = e->type == TYPE_STRING ? TYPE_STRING :
							   TYPE_LONG;

		check_no_locals(cg, e, e->kind == EXPR_ENTRY ? e->operand : e);
		vec_push(cg->a, &en->exprs, e);
		vec_push(cg->a, &en->offsets, en->size);
		en->size += t == TYPE_STRING ? cg->slot_size : 8;
		return;
	}
	ast_walk_expr_children(e, collect_child, &w);
}

static bool process_return(const struct resolved_point *rp)
{
	return rp->provider && !strcmp(rp->provider->name, "process") &&
	       rp->is_return && rp->address && rp->path && !rp->module;
}

int cg_entry_extra_probes(struct cg *cg)
{
	int n = 0;

	for (int i = 0; i < cg->p->probes.n; i++)
		for (int j = 0; j < cg->p->probes.v[i]->points.n; j++)
			n += process_return(cg->p->probes.v[i]->points.v[j]);
	return n;
}

struct cg_entry *cg_entry_plan(struct cg *cg, struct elab_probe *ep,
			       const struct resolved_point *rp, int j)
{
	struct cg_entry *en;
	struct resolved_point *at;

	if (!process_return(rp))
		return NULL;
	en = arena_new(cg->a, struct cg_entry);
	en->probe = ep;
	collect_expr(cg, en, ep->condition);
	collect_stmt(cg, en, ep->body);
	if (!en->exprs.n)
		return NULL;
	at = arena_new(cg->a, struct resolved_point);
	*at = *rp;
	at->is_return = false;
	en->entry_point = at;
	en->map = cg_new_map(cg, arena_printf(cg->a, "bstap_e%d_%d",
					      ep->index, j),
			     MAP_LRU_HASH, ENTRY_MAX_CALLS, 16, en->size);
	en->zero = cg_new_map(cg, arena_printf(cg->a, "bstap_z%d_%d",
					       ep->index, j),
			      MAP_ARRAY, 1, 4, en->size);
	return en;
}

/* {pid_tgid, rsp at the entry} in a fresh 16-byte stack slot. */
static LLVMValueRef call_key(struct cg *cg, bool at_return)
{
	LLVMValueRef key = cg_alloca(cg, LLVMArrayType(cg->i64, 2), "entkey");
	LLVMValueRef sp = cg_uprobe_reg(cg, REG_SP), one = cg_i64(cg, 1);

	if (at_return)
		sp = LLVMBuildSub(cg->b, sp, cg_i64(cg, 8), "");
	LLVMBuildStore(cg->b, cg_helper(cg, BPF_FUNC_get_current_pid_tgid,
					cg->i64, NULL, 0), key);
	LLVMBuildStore(cg->b, sp,
		       LLVMBuildGEP2(cg->b, cg->i64, key, &one, 1, ""));
	return key;
}

static LLVMValueRef field(struct cg *cg, LLVMValueRef p, uint32_t off)
{
	LLVMValueRef idx = cg_i64(cg, off);

	return LLVMBuildGEP2(cg->b, cg->i8, p, &idx, 1, "");
}

/* Continue in a new block when p is not NULL; else to `none`. */
static void unless_null(struct cg *cg, LLVMValueRef p, LLVMBasicBlockRef none)
{
	LLVMBasicBlockRef go = cg_block(cg, "entval");

	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, p, ""), none, go);
	LLVMPositionBuilderAtEnd(cg->b, go);
}

/*
 * The entry program's body: evaluate everything first (an error then
 * leaves no half-filled element), then put it in this call's element.
 */
void cg_entry_save(struct cg *cg, struct cg_entry *en)
{
	struct cg_var **vals = arena_alloc(cg->a, sizeof(*vals) *
					   (size_t)en->exprs.n);
	LLVMValueRef key, z, p, zkey, a[4];

	for (int i = 0; i < en->exprs.n; i++) {
		struct expr *e = en->exprs.v[i];
		struct cg_val v = cg_expr(cg, e->kind == EXPR_ENTRY ?
					  e->operand : e);

		if (cg_terminated(cg))
			return;
		vals[i] = cg_new_var(cg, v.type == TYPE_STRING ? TYPE_STRING :
							       TYPE_LONG);
		cg_store_var(cg, vals[i], v);
		cg->fn->slot_next = 0;
	}
	key = call_key(cg, false);
	zkey = cg_alloca(cg, cg->i32, "zkey");
	LLVMBuildStore(cg->b, cg_i32(cg, 0), zkey);
	a[0] = en->zero;
	a[1] = zkey;
	z = cg_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, a, 2);
	unless_null(cg, z, cg->fn->exit_bb);
	/* BPF_ANY: a stale element of this stack slot is replaced */
	a[0] = en->map;
	a[1] = key;
	a[2] = z;
	a[3] = cg_i64(cg, 0);
	cg_helper(cg, BPF_FUNC_map_update_elem, cg->i64, a, 4);
	a[1] = key;
	p = cg_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, a, 2);
	unless_null(cg, p, cg->fn->exit_bb);
	for (int i = 0; i < en->exprs.n; i++) {
		LLVMValueRef dst = field(cg, p, en->offsets.v[i]);

		if (vals[i]->type == TYPE_STRING) {
			LLVMValueRef s[2] = { dst, cg_var_ptr(cg, vals[i]) };

			cg_runtime(cg, "bstap_strcpy", cg->i64, s, 2);
		} else {
			LLVMBuildStore(cg->b, cg_load_var(cg, vals[i]).v, dst);
		}
	}
}

/*
 * The return program, before its body: this call's saved values into
 * variables, then the element is gone. No element: skip, counted.
 */
void cg_entry_load(struct cg *cg, struct cg_entry *en)
{
	struct cg_fn *fn = cg->fn;
	LLVMBasicBlockRef missing = cg_block(cg, "noentry");
	LLVMValueRef key = call_key(cg, true), p, a[2];
	LLVMBasicBlockRef here;

	a[0] = en->map;
	a[1] = key;
	p = cg_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, a, 2);
	unless_null(cg, p, missing);
	here = LLVMGetInsertBlock(cg->b);
	LLVMPositionBuilderAtEnd(cg->b, missing);
	a[0] = cg_i32(cg, (uint32_t)fn->probe_index);
	a[1] = cg_i32(cg, BO_ERR_PROBE_SKIPPED);
	cg_runtime(cg, "bstap_count_error", cg->void_t, a, 2);
	LLVMBuildBr(cg->b, fn->exit_bb);
	LLVMPositionBuilderAtEnd(cg->b, here);

	fn->entry_vals = arena_new(cg->a, struct strmap);
	strmap_init(fn->entry_vals, true);
	for (int i = 0; i < en->exprs.n; i++) {
		struct expr *e = en->exprs.v[i];
		struct cg_var *v = cg_new_var(cg, e->type == TYPE_STRING ?
						  TYPE_STRING : TYPE_LONG);
		LLVMValueRef src = field(cg, p, en->offsets.v[i]);

		if (v->type == TYPE_STRING) {
			LLVMValueRef s[2] = { cg_var_ptr(cg, v), src };

			cg_runtime(cg, "bstap_strcpy", cg->i64, s, 2);
		} else {
			cg_store_var(cg, v, (struct cg_val){ TYPE_LONG,
				LLVMBuildLoad2(cg->b, cg->i64, src, "") });
		}
		strmap_put(cg->a, fn->entry_vals, e, v);
	}
	a[0] = en->map;
	a[1] = key;
	cg_helper(cg, BPF_FUNC_map_delete_elem, cg->i64, a, 2);
}

bool cg_entry_value(struct cg *cg, struct expr *e, struct cg_val *out)
{
	struct cg_var *v = cg->fn && cg->fn->entry_vals ?
			   strmap_get(cg->fn->entry_vals, e) : NULL;

	if (!v)
		return false;
	*out = cg_load_var(cg, v);
	return true;
}
