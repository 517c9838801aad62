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

static void loop_body(struct cg *cg, struct stmt *body,
		      LLVMBasicBlockRef brk, LLVMBasicBlockRef cont)
{
	struct cg_loop loop = { brk, cont, cg->fn->loop, cg->fn->try_depth };

	cg->fn->loop = &loop;
	cg_stmt(cg, body);
	cg->fn->loop = loop.outer;
}

/* while and for: cond, body, incr; continue goes to incr. */
static void loop_stmt(struct cg *cg, struct stmt *st)
{
	LLVMBasicBlockRef cond = cg_block(cg, "loop");
	LLVMBasicBlockRef body = cg_block(cg, "body");
	LLVMBasicBlockRef incr = cg_block(cg, "incr");
	LLVMBasicBlockRef done = cg_block(cg, "end");
	int mark;

	if (st->init)
		cg_stmt(cg, st->init);
	LLVMBuildBr(cg->b, cond);
	LLVMPositionBuilderAtEnd(cg->b, cond);
	mark = cg->fn->slot_next;
	if (st->expr) {
		cg_debug_loc(cg, st->expr->loc);
		LLVMBuildCondBr(cg->b, cg_cond(cg, st->expr), body, done);
	} else {
		LLVMBuildBr(cg->b, body);
	}
	cg->fn->slot_next = mark;
	LLVMPositionBuilderAtEnd(cg->b, body);
	loop_body(cg, st->body, done, incr);
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
	LLVMValueRef first = LLVMGetFirstInstruction(cg->fn->entry);

	LLVMPositionBuilderBefore(cg->alloca_b, first);
	return LLVMBuildAlloca(cg->alloca_b, LLVMArrayType(cg->i8, n), name);
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
	LLVMValueRef spec = alloca_bytes(cg, sizeof(struct bo_foreach_spec),
					 "spec");
	int col = -1, dir = 1;

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
	LLVMBuildStore(cg->b, fe->limit ? cg_expr(cg, fe->limit).v :
					  cg_i64(cg, 0),
		       at(cg, spec, 8));
	store32(cg, spec, 16, fe->has_sort_stat ? (int32_t)fe->sort_stat : 0);
	store32(cg, spec, 20, 0);
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

static void foreach_stmt(struct cg *cg, struct stmt *st)
{
	struct foreach_stmt *fe = st->foreach;
	struct expr *arr = fe->array;
	struct cg_global *g = cg_global_of(cg, arr ? arr->sym : NULL);
	struct cg_val fixed[BO_MAX_KEYS];
	LLVMValueRef spec, h, a[3], more;
	LLVMBasicBlockRef next, body, done;

	if (!g || !g->map) {
		cg_error(cg, st->loc, "foreach needs a global array");
		return;
	}
	if (cg->fn->tier == TIER_KERNEL) {
		cg_error(cg, st->loc, "foreach over '%s' in kernel probe '%s' is not supported yet: iterate in an end or timer probe",
			 g->sym->name, cg->fn->point->text);
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
	loop_body(cg, fe->body, done, next);
	branch_to(cg, next);
	LLVMPositionBuilderAtEnd(cg->b, done);
	cg_helper(cg, BO_RH_FOREACH_END, cg->i64, &h, 1);
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
		LLVMBuildBr(cg->b, cg->fn->exit_bb);
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
