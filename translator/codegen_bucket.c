// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Histogram buckets one by one: @hist_log(s)[i] and foreach over the
 * buckets of @hist_log(s) / @hist_linear(s, lo, hi, step).
 *
 * Bucket numbers are stap's (runtime/stat-common.c) and print()'s rows
 * (runtime/hist.h): @hist_log bucket 64 holds 0, 65 + k holds
 * [2^k, 2^(k+1)), 63 - k the negative values, 128 buckets; @hist_linear
 * bucket 0 is the underflow, 1..n the ranges from lo, the last the
 * overflow. Reading a bucket checks, as stap's translator does, first
 * that the aggregate is not empty ("empty aggregate"), then the number
 * ("histogram index out of range"). foreach visits every bucket, empty
 * ones too, in bucket order (b- reverses it), `limit` counting visits;
 * stap loads the aggregate once and never checks it there, so a foreach
 * over an empty one sees zeros.
 *
 * Kernel probes merge the CPUs with bstap_stats_bucket() (runtime/bpf);
 * the runner tier asks stats_extract for BO_STATS_BUCKET.
 */
#include "codegen_internal.h"

/*
 * The key of statistics `op` (s or s[k...]), evaluated once: its values
 * go to *vals (strings copied, so the loop body cannot change them) and
 * the map key is built from them at each use, since the body reuses the
 * key area. Returns the number of keys, or -1 after an error.
 */
static int stats_key_values(struct cg *cg, struct expr *op,
			    struct cg_global **gp, struct cg_val *vals)
{
	int n = 0;

	*gp = op ? cg_global_of(cg, op->sym) : NULL;
	if (!*gp || !(*gp)->stats || !(*gp)->stats->nbuckets) {
		cg_error(cg, op ? op->loc : (struct src_loc){ 0 },
			 "not a statistics variable with a histogram");
		return -1;
	}
	if (op->kind != EXPR_INDEX)
		return 0;
	n = op->args.n < BO_MAX_KEYS ? op->args.n : BO_MAX_KEYS;
	for (int i = 0; i < n; i++) {
		vals[i] = cg_expr(cg, op->args.v[i]);
		if (vals[i].type == TYPE_STRING)
			vals[i] = cg_copy_string(cg, vals[i].v);
	}
	return n;
}

static const char *hist_name(const struct expr *h)
{
	return h->hist == HIST_LOG ? "operator '@hist_log'" :
				     "operator '@hist_linear'";
}

/*
 * The count in bucket `idx`. With `checked`, an empty aggregate and a
 * bucket out of range are script errors; without (foreach), both read 0.
 */
static LLVMValueRef bucket_count(struct cg *cg, struct expr *h,
				 struct cg_global *g, struct cg_val *vals,
				 int n, LLVMValueRef idx, bool checked)
{
	LLVMValueRef key = cg_build_key(cg, g, vals, n), out, rc;

	if (!cg->fn->stat_out)
		cg->fn->stat_out = cg_alloca(cg, cg->i64, "stat");
	out = cg->fn->stat_out;
	LLVMBuildStore(cg->b, cg_i64(cg, 0), out);
	if (cg->fn->tier == TIER_KERNEL) {
		LLVMValueRef a[5] = { g->map, key, idx,
				      cg_i64(cg, g->stats->nbuckets), out };

		rc = cg_runtime(cg, "bstap_stats_bucket", cg->i64, a, 5);
	} else {
		LLVMValueRef a[5] = { cg_i64(cg, g->index), key,
				      cg_i64(cg, BO_STATS_BUCKET), out, idx };

		rc = cg_helper(cg, BO_RH_STATS_EXTRACT, cg->i64, a, 5);
	}
	if (checked) {
		cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntEQ, rc,
					      cg_i64(cg, -1), ""),
			    BO_ERR_EMPTY_AGGREGATE, h->loc, hist_name(h),
			    NULL);
		cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntEQ, rc,
					      cg_i64(cg, -2), ""),
			    BO_ERR_USER_ERROR, h->loc, hist_name(h),
			    cg_literal(cg, "histogram index out of range"));
	}
	return LLVMBuildLoad2(cg->b, cg->i64, out, "");
}

/* @hist_log(s)[i]: the bucket number first, then the aggregate (stap). */
struct cg_val cg_hist_bucket(struct cg *cg, struct expr *e)
{
	struct expr *h = e->base;
	struct cg_val vals[BO_MAX_KEYS];
	struct cg_global *g;
	LLVMValueRef idx;
	int n;

	if (e->args.n != 1)
		return (cg_error(cg, e->loc, "a histogram bucket takes one number"),
			cg_default(cg, TYPE_LONG));
	idx = cg_expr(cg, e->args.v[0]).v;
	n = stats_key_values(cg, h->operand, &g, vals);
	if (n < 0)
		return cg_default(cg, TYPE_LONG);
	return (struct cg_val){ TYPE_LONG,
				bucket_count(cg, h, g, vals, n, idx, true) };
}

static void store_long(struct cg *cg, struct expr *var, LLVMValueRef v)
{
	if (var && var->sym)
		cg_store_var(cg, cg_local_var(cg, var->sym),
			     (struct cg_val){ TYPE_LONG, v });
}

/*
 * foreach ([v =] b[+-] in @hist_*(s) [limit n]): a counted loop in the
 * program itself, in both tiers; the verifier sees its bound, the number
 * of buckets. The string slots holding the key stay taken until its end.
 */
void cg_hist_foreach(struct cg *cg, struct stmt *st)
{
	struct foreach_stmt *fe = st->foreach;
	struct expr *h = fe->array;
	struct cg_val vals[BO_MAX_KEYS];
	struct cg_global *g;
	LLVMValueRef lim = NULL, i, done_n = NULL, b, more;
	LLVMBasicBlockRef cond, body, next, done;
	int dir = fe->keys.n ? fe->keys.v[0].sort : 0, n, nb, mark;

	mark = cg->fn->slot_next;
	n = stats_key_values(cg, h->operand, &g, vals);
	if (n < 0 || fe->keys.n != 1)
		return;
	nb = g->stats->nbuckets;
	if (fe->limit) {
		lim = cg_expr(cg, fe->limit).v;
		done_n = cg_alloca(cg, cg->i64, "visited");
		LLVMBuildStore(cg->b, cg_i64(cg, 0), done_n);
	}
	i = cg_alloca(cg, cg->i64, "bucket");
	LLVMBuildStore(cg->b, cg_i64(cg, dir < 0 ? nb - 1 : 0), i);
	cond = cg_block(cg, "buckets");
	body = cg_block(cg, "bucket");
	next = cg_block(cg, "bucket_next");
	done = cg_block(cg, "buckets_end");
	LLVMBuildBr(cg->b, cond);

	LLVMPositionBuilderAtEnd(cg->b, cond);
	b = LLVMBuildLoad2(cg->b, cg->i64, i, "b");
	more = dir < 0 ? LLVMBuildICmp(cg->b, LLVMIntSGE, b, cg_i64(cg, 0), "") :
			 LLVMBuildICmp(cg->b, LLVMIntSLT, b, cg_i64(cg, nb), "");
	LLVMBuildCondBr(cg->b, more, body, done);

	LLVMPositionBuilderAtEnd(cg->b, body);
	if (lim) {
		/* stap: if (visited++ >= limit) break; */
		LLVMValueRef seen = LLVMBuildLoad2(cg->b, cg->i64, done_n, "");
		LLVMBasicBlockRef go = cg_block(cg, "bucket_go");

		LLVMBuildStore(cg->b, LLVMBuildAdd(cg->b, seen, cg_i64(cg, 1),
						   ""), done_n);
		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSGE, seen,
						     lim, ""), done, go);
		LLVMPositionBuilderAtEnd(cg->b, go);
	}
	store_long(cg, fe->keys.v[0].var, b);
	if (fe->value.var)
		store_long(cg, fe->value.var,
			   bucket_count(cg, h, g, vals, n, b, false));
	cg_loop_body(cg, fe->body, done, next);
	if (!cg_terminated(cg))
		LLVMBuildBr(cg->b, next);

	LLVMPositionBuilderAtEnd(cg->b, next);
	b = LLVMBuildLoad2(cg->b, cg->i64, i, "");
	LLVMBuildStore(cg->b, LLVMBuildAdd(cg->b, b, cg_i64(cg, dir < 0 ? -1 : 1),
					   ""), i);
	LLVMBuildBr(cg->b, cond);
	LLVMPositionBuilderAtEnd(cg->b, done);
	cg->fn->slot_next = mark;
}
