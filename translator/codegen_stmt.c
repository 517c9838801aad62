// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statements. String temporaries live until the end of their statement:
 * each expression statement gives its scratch slots back.
 *
 * foreach in the runner tier asks the runner for a sorted snapshot of the
 * map (BO_RH_FOREACH_*), which gives sort marks, limit and aggregates; in
 * kernel probes it is refused at translate time for now.
 */
#include <string.h>

#include "codegen_internal.h"
#include "diag.h"

static void stmts(struct cg *cg, struct stmt *st)
{
	for (int i = 0; i < st->stmts.n; i++) {
		/* after break, next or return the rest is dead */
		if (cg_terminated(cg))
			return;
		cg_stmt(cg, st->stmts.v[i]);
	}
}

static void expr_stmt(struct cg *cg, struct stmt *st)
{
	int mark = cg->fn->slot_next;

	cg_expr(cg, st->expr);
	cg->fn->slot_next = mark;
}

static void branch_to(struct cg *cg, LLVMBasicBlockRef bb)
{
	if (!cg_terminated(cg))
		LLVMBuildBr(cg->b, bb);
}

static void if_stmt(struct cg *cg, struct stmt *st)
{
	int mark = cg->fn->slot_next;
	LLVMValueRef c = cg_cond(cg, st->expr);
	LLVMBasicBlockRef tb = cg_block(cg, "if"), done = cg_block(cg, "fi");
	LLVMBasicBlockRef eb = st->else_stmt ? cg_block(cg, "else") : done;

	cg->fn->slot_next = mark;
	LLVMBuildCondBr(cg->b, c, tb, eb);
	LLVMPositionBuilderAtEnd(cg->b, tb);
	cg_stmt(cg, st->then_stmt);
	branch_to(cg, done);
	if (st->else_stmt) {
		LLVMPositionBuilderAtEnd(cg->b, eb);
		cg_stmt(cg, st->else_stmt);
		branch_to(cg, done);
	}
	LLVMPositionBuilderAtEnd(cg->b, done);
}

void cg_loop_body(struct cg *cg, struct stmt *body, LLVMBasicBlockRef brk,
		  LLVMBasicBlockRef cont)
{
	struct cg_loop loop = { brk, cont, cg->fn->loop, cg->fn->try_depth };

	cg->fn->loop = &loop;
	cg_stmt(cg, body);
	cg->fn->loop = loop.outer;
}

/* while and for: cond, body, incr; continue goes to incr. */
/*
 * In a kernel probe, a loop's iterations are counted and MAXACTION of them
 * is stap's error "MAXACTION exceeded": the verifier then sees a bound on
 * every while and for loop, even one over kernel data it cannot follow
 * (walking a list of tasks). stap counts statements per probe hit; one
 * loop's iterations are what a verifier can bound without exploring every
 * combination of nested loops.
 */
static struct cg_var *loop_counter(struct cg *cg)
{
	struct cg_var *n;

	if (cg->fn->tier != TIER_KERNEL)
		return NULL;	/* the runner's interpreter has its budget */
	n = cg_new_var(cg, TYPE_LONG);
	cg_store_var(cg, n, (struct cg_val){ TYPE_LONG, cg_i64(cg, 0) });
	return n;
}

static void count_iteration(struct cg *cg, struct cg_var *n,
			    struct src_loc loc)
{
	LLVMValueRef v;

	if (!n)
		return;
	v = LLVMBuildAdd(cg->b, cg_load_var(cg, n).v, cg_i64(cg, 1), "");
	cg_store_var(cg, n, (struct cg_val){ TYPE_LONG, v });
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntUGT, v,
				      cg_i64(cg, cg->maxaction), ""),
		    BO_ERR_USER_ERROR, loc, "keyword",
		    cg_literal(cg, "MAXACTION exceeded"));
}

static void loop_stmt(struct cg *cg, struct stmt *st)
{
	LLVMBasicBlockRef cond = cg_block(cg, "loop");
	LLVMBasicBlockRef body = cg_block(cg, "body");
	LLVMBasicBlockRef incr = cg_block(cg, "incr");
	LLVMBasicBlockRef done = cg_block(cg, "end");
	struct cg_var *n;
	int mark;

	if (st->init)
		cg_stmt(cg, st->init);
	n = loop_counter(cg);
	LLVMBuildBr(cg->b, cond);
	LLVMPositionBuilderAtEnd(cg->b, cond);
	count_iteration(cg, n, st->loc);
	mark = cg->fn->slot_next;
	if (st->expr) {
		cg_debug_loc(cg, st->expr->loc);
		LLVMBuildCondBr(cg->b, cg_cond(cg, st->expr), body, done);
	} else {
		LLVMBuildBr(cg->b, body);
	}
	cg->fn->slot_next = mark;
	LLVMPositionBuilderAtEnd(cg->b, body);
	cg_loop_body(cg, st->body, done, incr);
	branch_to(cg, incr);
	LLVMPositionBuilderAtEnd(cg->b, incr);
	if (st->incr) {
		cg_debug_loc(cg, st->incr->loc);
		cg_expr(cg, st->incr);
		cg->fn->slot_next = mark;
	}
	LLVMBuildBr(cg->b, cond);
	LLVMPositionBuilderAtEnd(cg->b, done);
}

static void jump(struct cg *cg, struct stmt *st, bool is_break)
{
	struct cg_loop *l = cg->fn->loop;

	if (!l) {
		cg_error(cg, st->loc, "'%s' outside a loop",
			 is_break ? "break" : "continue");
		return;
	}
	LLVMBuildBr(cg->b, is_break ? l->brk : l->cont);
}

/* Ends a foreach callback, telling its caller why. */
static void stop_callback(struct cg *cg, int why)
{
	LLVMBuildStore(cg->b, cg_i64(cg, why), cg_var_ptr(cg, cg->fn->flag));
	LLVMBuildRet(cg->b, cg_i64(cg, 1));
}

void cg_return_value(struct cg *cg, struct stmt *st)
{
	struct cg_inline *inl = cg->fn->inl;

	if (!inl) {
		/* `return` in a probe ends the handler, as `next` */
		LLVMBuildBr(cg->b, cg->fn->exit_bb);
		return;
	}
	if (st->expr) {
		int mark = cg->fn->slot_next;
		struct cg_val v = cg_expr(cg, st->expr);

		if (inl->ret)
			cg_store_var(cg, inl->ret, v);
		cg->fn->slot_next = mark;
	}
	if (cg->fn->caller && inl == cg->fn->inl_outside) {
		/* return from inside a foreach callback: the caller returns */
		stop_callback(cg, CG_STOP_RETURN);
		return;
	}
	LLVMBuildBr(cg->b, inl->ret_bb);
}

/*
 * `next` leaves the probe handler; in a script function it passes the
 * call to the function's next definition (inline_call()).
 */
static void next_stmt(struct cg *cg)
{
	struct cg_inline *inl = cg->fn->inl;

	if (!inl || !inl->next_bb)
		LLVMBuildBr(cg->b, cg->fn->exit_bb);
	else if (cg->fn->caller && inl == cg->fn->inl_outside)
		stop_callback(cg, CG_STOP_NEXT);	/* in a foreach body */
	else
		LLVMBuildBr(cg->b, inl->next_bb);
}

static void try_stmt(struct cg *cg, struct stmt *st)
{
	struct cg_fn *fn = cg->fn;
	struct cg_try t = { 0 };
	LLVMBasicBlockRef done = cg_block(cg, "tried");

	t.catch_bb = cg_block(cg, "catch");
	t.outer = fn->try;
	if (st->catch_var && st->catch_var->sym)
		t.msg = cg_local_var(cg, st->catch_var->sym);
	fn->try = &t;
	fn->try_depth++;
	cg_stmt(cg, st->body);
	fn->try_depth--;
	fn->try = t.outer;
	branch_to(cg, done);
	LLVMPositionBuilderAtEnd(cg->b, t.catch_bb);
	if (st->catch_body)
		cg_stmt(cg, st->catch_body);
	branch_to(cg, done);
	LLVMPositionBuilderAtEnd(cg->b, done);
}

/* ------------------------------------------------------------ foreach */

static LLVMValueRef alloca_bytes(struct cg *cg, uint32_t n, const char *name)
{
	return cg_alloca(cg, LLVMArrayType(cg->i8, n), name);
}

static LLVMValueRef at(struct cg *cg, LLVMValueRef base, uint32_t off)
{
	LLVMValueRef idx = cg_i64(cg, off);

	return LLVMBuildGEP2(cg->b, cg->i8, base, &idx, 1, "");
}

static void store32(struct cg *cg, LLVMValueRef base, uint32_t off,
		    int32_t v)
{
	LLVMBuildStore(cg->b, LLVMConstInt(cg->i32, (uint64_t)(int64_t)v, true),
		       at(cg, base, off));
}

static LLVMValueRef foreach_spec(struct cg *cg, struct foreach_stmt *fe)
{
	/* the limit first: the one spec per program is filled, then read */
	LLVMValueRef limit = fe->limit ? cg_expr(cg, fe->limit).v :
					 cg_i64(cg, 0);
	LLVMValueRef spec = cg->fn->foreach_spec;
	int col = -1, dir = 1;

	if (!spec) {
		spec = alloca_bytes(cg, sizeof(struct bo_foreach_spec), "spec");
		cg->fn->foreach_spec = spec;
	}

	if (fe->array_sort) {
		col = 0;
		dir = fe->array_sort;
	}
	for (int i = 0; i < fe->keys.n; i++)
		if (fe->keys.v[i].sort) {
			col = i + 1;
			dir = fe->keys.v[i].sort;
		}
	store32(cg, spec, 0, col);
	store32(cg, spec, 4, dir);
	LLVMBuildStore(cg->b, limit, at(cg, spec, 8));
	store32(cg, spec, 16, fe->has_sort_stat ? (int32_t)fe->sort_stat : 0);
	store32(cg, spec, 20, fe->limit ? BO_FOREACH_LIMITED : 0);
	return spec;
}

static struct cg_val column(struct cg *cg, struct cg_global *g, int i)
{
	LLVMValueRef p = cg_scratch_at(cg, cg->key_area + g->key_off[i]);
	LLVMValueRef v;

	if (g->sym->key_types.v[i] == TYPE_STRING)
		return (struct cg_val){ TYPE_STRING, p };
	v = LLVMBuildLoad2(cg->b, cg->i64, p, "");
	LLVMSetAlignment(v, g->key_off[i] % 8 ? 1 : 8);
	return (struct cg_val){ TYPE_LONG, v };
}

static void bind(struct cg *cg, struct expr *var, struct cg_val v)
{
	if (var && var->sym)
		cg_store_var(cg, cg_local_var(cg, var->sym), v);
}

/* foreach ([a, *] in x[...]): a slice keeps the rows matching its keys. */
static void slice_filter(struct cg *cg, struct foreach_stmt *fe,
			 struct cg_global *g, struct cg_val *fixed,
			 LLVMBasicBlockRef next)
{
	struct expr *sl = fe->array;

	for (int i = 0; sl->kind == EXPR_INDEX && i < sl->args.n; i++) {
		struct cg_val c;
		LLVMValueRef ne;

		if (!sl->args.v[i])
			continue;
		c = column(cg, g, i);
		if (c.type == TYPE_STRING) {
			LLVMValueRef a[2] = { c.v, fixed[i].v };

			ne = LLVMBuildICmp(cg->b, LLVMIntNE,
					   cg_runtime(cg, "bstap_strcmp",
						      cg->i64, a, 2),
					   cg_i64(cg, 0), "");
		} else {
			ne = LLVMBuildICmp(cg->b, LLVMIntNE, c.v, fixed[i].v,
					   "");
		}
		LLVMBasicBlockRef ok = cg_block(cg, "slice");
		LLVMBuildCondBr(cg->b, ne, next, ok);
		LLVMPositionBuilderAtEnd(cg->b, ok);
	}
}

static void kernel_foreach(struct cg *cg, struct stmt *st,
			   struct cg_global *g);

static void foreach_stmt(struct cg *cg, struct stmt *st)
{
	struct foreach_stmt *fe = st->foreach;
	struct expr *arr = fe->array;
	struct cg_global *g = cg_global_of(cg, arr ? arr->sym : NULL);
	struct cg_val fixed[BO_MAX_KEYS];
	LLVMValueRef spec, h, a[3], more;
	LLVMBasicBlockRef next, body, done;

	if (arr && arr->kind == EXPR_HIST) {
		cg_hist_foreach(cg, st);
		return;
	}
	if (!g || !g->map) {
		cg_error(cg, st->loc, "foreach needs a global array");
		return;
	}
	if (cg->fn->tier == TIER_KERNEL) {
		if (g->stats && fe->value.var)
			cg_error(cg, st->loc, "foreach cannot bind the value of statistics '%s'",
				 g->sym->name);
		else if (!g->sym->is_array)
			cg_error(cg, st->loc, "foreach needs an array");
		else
			kernel_foreach(cg, st, g);
		return;
	}
	if (g->stats && fe->value.var) {
		cg_error(cg, st->loc, "foreach cannot bind the value of statistics '%s'; use @count(%s[...]) and friends",
			 g->sym->name, g->sym->name);
		return;
	}
	for (int i = 0; arr->kind == EXPR_INDEX && i < arr->args.n &&
			i < BO_MAX_KEYS; i++)
		if (arr->args.v[i])
			fixed[i] = cg_expr(cg, arr->args.v[i]);
	spec = foreach_spec(cg, fe);
	a[0] = cg_i64(cg, g->index);
	a[1] = spec;
	h = cg_helper(cg, BO_RH_FOREACH_BEGIN, cg->i64, a, 2);
	next = cg_block(cg, "foreach");
	body = cg_block(cg, "each");
	done = cg_block(cg, "foreach_end");
	LLVMBuildBr(cg->b, next);
	LLVMPositionBuilderAtEnd(cg->b, next);
	a[0] = h;
	a[1] = cg_scratch_at(cg, cg->key_area);
	a[2] = cg_scratch_at(cg, cg->value_area);
	more = cg_helper(cg, BO_RH_FOREACH_NEXT, cg->i64, a, 3);
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, more,
					     cg_i64(cg, 0), ""),
			done, body);
	LLVMPositionBuilderAtEnd(cg->b, body);
	slice_filter(cg, fe, g, fixed, next);
	for (int i = 0; i < fe->keys.n && i < g->sym->key_types.n; i++)
		bind(cg, fe->keys.v[i].var, column(cg, g, i));
	if (fe->value.var) {
		LLVMValueRef vp = cg_scratch_at(cg, cg->value_area);

		bind(cg, fe->value.var,
		     g->sym->type == TYPE_STRING ?
			     (struct cg_val){ TYPE_STRING, vp } :
			     (struct cg_val){ TYPE_LONG,
					      LLVMBuildLoad2(cg->b, cg->i64,
							     vp, "") });
	}
	cg_loop_body(cg, fe->body, done, next);
	branch_to(cg, next);
	LLVMPositionBuilderAtEnd(cg->b, done);
	cg_helper(cg, BO_RH_FOREACH_END, cg->i64, &h, 1);
}

/* --------------------------------------- foreach in kernel probes */

/*
 * A kernel probe cannot sort, so it walks the map in hash order with
 * bpf_for_each_map_elem(): the loop body becomes a callback (a static
 * BPF function) that reaches the probe's variables through scratch, and
 * tells the probe through a flag why it stopped early (next, an error,
 * a try to go to, a return from an inlined function).
 */
static struct cg_var *scratch_var(struct cg *cg, enum type_kind t)
{
	struct cg_var *v = arena_new(cg->a, struct cg_var);

	v->type = t;
	v->ptr = NULL;
	v->off = cg_new_slot_off(cg);
	if (t == TYPE_STRING)
		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false),
			       cg_var_ptr(cg, v));
	else
		LLVMBuildStore(cg->b, cg_i64(cg, 0), cg_var_ptr(cg, v));
	return v;
}

static LLVMValueRef callback_fn(struct cg *cg, const char *what,
				struct src_loc loc, LLVMMetadataRef *scope)
{
	static const char *const pnames[4] = { "map", "key", "value", "ctx" };
	LLVMTypeRef params[4] = { cg->ptr, cg->ptr, cg->ptr, cg->ptr };
	LLVMTypeRef fty = LLVMFunctionType(cg->i64, params, 4, false);
	size_t len;
	const char *name = arena_printf(cg->a, "%s_%s%d",
					LLVMGetValueName2(cg->fn->fn, &len),
					what, cg->ncallbacks++);
	LLVMValueRef f = LLVMAddFunction(cg->mod, name, fty);

	LLVMSetLinkage(f, LLVMInternalLinkage);
	*scope = cg_debug_subprogram(cg, f, name, loc, 4, true);
	for (int i = 0; i < 4; i++)
		LLVMSetValueName2(LLVMGetParam(f, (unsigned)i), pnames[i],
				  strlen(pnames[i]));
	return f;
}

static LLVMBasicBlockRef ret_block(struct cg *cg, const char *name,
				   struct cg_var *flag, int why, int rc)
{
	LLVMBasicBlockRef bb = cg_block(cg, name);

	LLVMPositionBuilderAtEnd(cg->b, bb);
	if (flag)
		LLVMBuildStore(cg->b, cg_i64(cg, why), cg_var_ptr(cg, flag));
	LLVMBuildRet(cg->b, cg_i64(cg, rc));
	return bb;
}

/* After the walk: do what the callback could not. */
static void after_callback(struct cg *cg, struct cg_var *flag)
{
	struct cg_fn *fn = cg->fn;
	LLVMValueRef f = LLVMBuildLoad2(cg->b, cg->i64, cg_var_ptr(cg, flag),
					"");
	LLVMBasicBlockRef done = cg_block(cg, "walked");
	LLVMValueRef sw = LLVMBuildSwitch(cg->b, f, done, 3);
	LLVMBasicBlockRef bb;

	LLVMAddCase(sw, cg_i64(cg, CG_STOP_EXIT), fn->exit_bb);
	if (fn->inl) {
		bb = cg_block(cg, "walk_ret");
		LLVMAddCase(sw, cg_i64(cg, CG_STOP_RETURN), bb);
		LLVMPositionBuilderAtEnd(cg->b, bb);
		if (fn->caller && fn->inl == fn->inl_outside)
			stop_callback(cg, CG_STOP_RETURN);
		else
			LLVMBuildBr(cg->b, fn->inl->ret_bb);
	}
	if (fn->inl && fn->inl->next_bb) {
		bb = cg_block(cg, "walk_next");
		LLVMAddCase(sw, cg_i64(cg, CG_STOP_NEXT), bb);
		LLVMPositionBuilderAtEnd(cg->b, bb);
		next_stmt(cg);
	}
	if (fn->try || fn->outer_try)
		LLVMAddCase(sw, cg_i64(cg, CG_STOP_CATCH),
			    fn->try ? fn->try->catch_bb : fn->catch_out_bb);
	LLVMPositionBuilderAtEnd(cg->b, done);
}

static void callback_prologue(struct cg *cg, struct cg_fn *cb,
			      LLVMBasicBlockRef stop)
{
	LLVMBasicBlockRef go = cg_block(cg, "go");

	cb->entry = cg_block(cg, "entry");
	LLVMMoveBasicBlockBefore(cb->entry, LLVMGetFirstBasicBlock(cb->fn));
	LLVMPositionBuilderAtEnd(cg->b, cb->entry);
	cb->scratch = cg_scratch_lookup(cg);
	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, cb->scratch, ""), stop,
			go);
	LLVMPositionBuilderAtEnd(cg->b, go);
}

static void walk_keys(struct cg *cg, struct foreach_stmt *fe,
		      struct cg_global *g, struct cg_var **fixed,
		      LLVMBasicBlockRef cont)
{
	LLVMValueRef key = LLVMGetParam(cg->fn->fn, 1);

	for (int i = 0; i < g->sym->key_types.n; i++) {
		LLVMValueRef idx = cg_i64(cg, g->key_off[i]);
		LLVMValueRef p = LLVMBuildGEP2(cg->b, cg->i8, key, &idx, 1, "");
		struct cg_val c = { g->sym->key_types.v[i], p };

		if (c.type != TYPE_STRING) {
			c.v = LLVMBuildLoad2(cg->b, cg->i64, p, "");
			LLVMSetAlignment(c.v, g->key_off[i] % 8 ? 1 : 8);
		}
		if (fixed[i]) {
			struct cg_val want = cg_load_var(cg, fixed[i]);
			LLVMValueRef ne;
			LLVMBasicBlockRef ok = cg_block(cg, "slice");

			if (c.type == TYPE_STRING) {
				LLVMValueRef a[2] = { c.v, want.v };

				ne = LLVMBuildICmp(cg->b, LLVMIntNE,
						   cg_runtime(cg, "bstap_strcmp",
							      cg->i64, a, 2),
						   cg_i64(cg, 0), "");
			} else {
				ne = LLVMBuildICmp(cg->b, LLVMIntNE, c.v,
						   want.v, "");
			}
			LLVMBuildCondBr(cg->b, ne, cont, ok);
			LLVMPositionBuilderAtEnd(cg->b, ok);
		}
		if (fe && i < fe->keys.n)
			bind(cg, fe->keys.v[i].var, c);
	}
}

static void callback_body(struct cg *cg, struct foreach_stmt *fe,
			  struct cg_global *g, struct cg_var **fixed,
			  struct cg_var *lim, struct cg_var *cnt)
{
	struct cg_fn *cb = cg->fn;
	LLVMBasicBlockRef brk = ret_block(cg, "break", NULL, 0, 1);
	LLVMBasicBlockRef cont = ret_block(cg, "continue", NULL, 0, 0);
	LLVMValueRef c, l, over, vp = LLVMGetParam(cb->fn, 2);

	LLVMBasicBlockRef go;

	callback_prologue(cg, cb, brk);
	go = LLVMGetInsertBlock(cg->b);
	/* these store the flag through scratch: after the prologue */
	cb->exit_bb = ret_block(cg, "next", cb->flag, CG_STOP_EXIT, 1);
	cb->catch_out_bb = ret_block(cg, "throw", cb->flag, CG_STOP_CATCH, 1);
	LLVMPositionBuilderAtEnd(cg->b, go);
	if (lim) {
		c = cg_load_var(cg, cnt).v;
		l = cg_load_var(cg, lim).v;
		/* stap: if (count++ >= limit) break; limit <= 0 runs none */
		over = LLVMBuildICmp(cg->b, LLVMIntSGE, c, l, "");
		LLVMBasicBlockRef under = cg_block(cg, "under");
		LLVMBuildCondBr(cg->b, over, brk, under);
		LLVMPositionBuilderAtEnd(cg->b, under);
		cg_store_var(cg, cnt, (struct cg_val){
			TYPE_LONG, LLVMBuildAdd(cg->b, c, cg_i64(cg, 1), "") });
	}
	walk_keys(cg, fe, g, fixed, cont);
	if (fe->value.var)
		bind(cg, fe->value.var,
		     g->sym->type == TYPE_STRING ?
			     (struct cg_val){ TYPE_STRING, vp } :
			     (struct cg_val){ TYPE_LONG,
					      LLVMBuildLoad2(cg->b, cg->i64,
							     vp, "") });
	cg_loop_body(cg, fe->body, brk, cont);
	branch_to(cg, cont);
}

static void call_for_each(struct cg *cg, struct cg_global *g, LLVMValueRef f)
{
	LLVMValueRef a[4] = { g->map, f, LLVMConstNull(cg->ptr),
			      cg_i64(cg, 0) };

	cg_helper(cg, 164 /* for_each_map_elem */, cg->i64, a, 4);
}

static void kernel_foreach(struct cg *cg, struct stmt *st,
			   struct cg_global *g)
{
	struct foreach_stmt *fe = st->foreach;
	struct cg_fn *caller = cg->fn, cb = { 0 };
	struct cg_var *fixed[BO_MAX_KEYS] = { 0 }, *lim = NULL, *cnt = NULL;
	struct expr *arr = fe->array;
	LLVMBasicBlockRef here;
	LLVMMetadataRef loc;

	if (fe->array_sort || fe->has_sort_stat)
		goto sorted;
	for (int i = 0; i < fe->keys.n; i++)
		if (fe->keys.v[i].sort)
			goto sorted;
	for (int i = 0; arr->kind == EXPR_INDEX && i < arr->args.n &&
			i < BO_MAX_KEYS; i++)
		if (arr->args.v[i]) {
			struct cg_val v = cg_expr(cg, arr->args.v[i]);

			fixed[i] = scratch_var(cg, v.type);
			cg_store_var(cg, fixed[i], v);
		}
	if (fe->limit) {
		lim = scratch_var(cg, TYPE_LONG);
		cg_store_var(cg, lim, cg_expr(cg, fe->limit));
		cnt = scratch_var(cg, TYPE_LONG);
	}
	cb.flag = scratch_var(cg, TYPE_LONG);
	here = LLVMGetInsertBlock(cg->b);
	loc = LLVMGetCurrentDebugLocation2(cg->b);

	cb.fn = callback_fn(cg, "each", st->loc, &cb.scope);
	cb.probe = caller->probe;
	cb.point = caller->point;
	cb.tier = caller->tier;
	cb.probe_index = caller->probe_index;
	cb.vars = caller->vars;
	cb.slot_next = caller->slot_next;
	cb.scratch_locals = true;
	cb.caller = caller;
	cb.outer_try = caller->try ? caller->try : caller->outer_try;
	cb.inl = caller->inl;
	cb.inl_outside = caller->inl;
	cb.inline_depth = caller->inline_depth;
	cg->fn = &cb;
	cg_debug_loc(cg, st->loc);
	callback_body(cg, fe, g, fixed, lim, cnt);
	cg->fn = caller;

	LLVMPositionBuilderAtEnd(cg->b, here);
	LLVMSetCurrentDebugLocation2(cg->b, loc);
	call_for_each(cg, g, cb.fn);
	after_callback(cg, cb.flag);
	return;
sorted:
	cg_error(cg, st->loc, "a sorted foreach cannot run in kernel probe '%s': sort in an end or timer probe",
		 caller->point->text);
}

/*
 * delete a, delete a[k, *]: every element (of the slice), from a callback
 * walking the map.
 */
void cg_delete_all(struct cg *cg, struct cg_global *g, struct src_loc at,
		   struct expr *slice)
{
	struct cg_fn *caller = cg->fn, cb = { 0 };
	struct cg_var *fixed[BO_MAX_KEYS] = { 0 };
	LLVMBasicBlockRef here, keep;
	LLVMMetadataRef loc;
	LLVMValueRef a[2];

	for (int i = 0; slice && i < slice->args.n && i < BO_MAX_KEYS; i++)
		if (slice->args.v[i]) {
			struct cg_val v = cg_expr(cg, slice->args.v[i]);

			fixed[i] = scratch_var(cg, v.type);
			cg_store_var(cg, fixed[i], v);
		}
	here = LLVMGetInsertBlock(cg->b);
	loc = LLVMGetCurrentDebugLocation2(cg->b);
	cb.fn = callback_fn(cg, "clear", at, &cb.scope);
	cb.probe = caller->probe;
	cb.point = caller->point;
	cb.tier = caller->tier;
	cb.slot_next = caller->slot_next;
	cg->fn = &cb;
	cg_debug_loc(cg, at);
	keep = ret_block(cg, "keep", NULL, 0, 0);
	if (slice) {
		callback_prologue(cg, &cb, keep);
		walk_keys(cg, NULL, g, fixed, keep);
	} else {
		cb.entry = cg_block(cg, "entry");
		LLVMMoveBasicBlockBefore(cb.entry, keep);
		LLVMPositionBuilderAtEnd(cg->b, cb.entry);
	}
	a[0] = g->map;
	a[1] = LLVMGetParam(cb.fn, 1);
	cg_helper(cg, 3 /* map_delete_elem */, cg->i64, a, 2);
	LLVMBuildRet(cg->b, cg_i64(cg, 0));
	cg->fn = caller;
	LLVMPositionBuilderAtEnd(cg->b, here);
	LLVMSetCurrentDebugLocation2(cg->b, loc);
	call_for_each(cg, g, cb.fn);
}

void cg_stmt(struct cg *cg, struct stmt *st)
{
	if (!st)
		return;
	cg_debug_loc(cg, st->loc);
	switch (st->kind) {
	case STMT_BLOCK:
		stmts(cg, st);
		break;
	case STMT_EXPR:
		expr_stmt(cg, st);
		break;
	case STMT_NULL:
		break;
	case STMT_IF:
		if_stmt(cg, st);
		break;
	case STMT_WHILE:
	case STMT_FOR:
		loop_stmt(cg, st);
		break;
	case STMT_FOREACH:
		foreach_stmt(cg, st);
		break;
	case STMT_BREAK:
	case STMT_CONTINUE:
		jump(cg, st, st->kind == STMT_BREAK);
		break;
	case STMT_NEXT:
		next_stmt(cg);
		break;
	case STMT_RETURN:
		cg_return_value(cg, st);
		break;
	case STMT_DELETE:
		cg_delete(cg, st->expr);
		break;
	case STMT_TRY:
		try_stmt(cg, st);
		break;
	case STMT_EMBEDDED_C:
		cg_error(cg, st->loc, "embedded C cannot run in BPF");
		break;
	}
}
