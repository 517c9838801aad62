// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Probe programs: one BPF function per concrete point.
 *
 * Each concrete point of each probe becomes one BPF function: kernel-tier
 * points in the section libbpf attaches by (tracepoint/SYS/NAME, tp_btf/NAME,
 * perf_event), runner-tier points (begin, end, error, timers) in
 * BO_RUNNER_SECTION_PREFIX sections the runner interprets.
 *
 * A tracepoint whose handler reads TP_PROTO arguments ($prev) becomes a
 * tp_btf program (arguments are the u64 array BTF tracepoints get); one
 * reading only format fields ($prev_comm) stays a classic tracepoint (fields
 * at their record offsets, __data_loc strings through their locator).
 *
 *
 * Handlers on the raw syscall tracepoints are static functions instead,
 * called by number from one program per direction (codegen_dispatch.c).
 *
 * Kernel functions get fentry/fexit with a kprobe alternative (and the
 * functions of a wildcard one kprobe.multi program, codegen_multi.c), process
 * functions and marks uprobes (codegen_uprobe.c), process.begin/end the
 * sched exec/exit tracepoints filtered in BPF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast_walk.h"
#include "btf_index.h"
#include "codegen_internal.h"
#include "diag.h"

#define BPF_FUNC_map_lookup_elem	1

/* Which context variables a probe body reads: TP_PROTO args, format fields. */
struct target_uses {
	struct elab_probe *ep;
	unsigned char args;	/* bits: see point_section() */
	unsigned char fields;
};

static bool scan_expr(struct expr *e, void *ctx)
{
	struct target_uses *tu = ctx;

	if (e->kind == EXPR_TARGET && e->name) {
		const char *n = e->name[0] == '$' ? e->name + 1 : e->name;
		const struct context_var *v = strmap_get(&tu->ep->vars, n);

		if (v && v->source == CTXVAR_ARG)
			tu->args |= 1;
		if (v && v->source == CTXVAR_FIELD)
			tu->fields |= 1;
		/*
		 * $$vars and friends follow what the rest of the probe
		 * reads; alone, $$parms reads the format fields and
		 * $$parms$ (which expands structs) the TP_PROTO arguments.
		 * Marked in the high bit, decided in point_section().
		 */
		if (e->name[1] == '$')
			*(e->pretty != PRETTY_NONE ? &tu->args : &tu->fields) |= 2;
	}
	ast_walk_expr_children(e, scan_expr, tu);
	return false;
}

static bool scan_stmt(struct stmt *st, void *ctx)
{
	ast_walk_stmt_children(st, scan_expr, scan_stmt, ctx);
	return false;
}

static void scan_target_uses(struct elab_probe *ep, unsigned char *args,
			     unsigned char *fields)
{
	struct target_uses tu = { .ep = ep };

	if (ep->body)
		scan_stmt(ep->body, &tu);
	*args = tu.args;
	*fields = tu.fields;
}

/*
 * Does code reachable from a statement walk a map (foreach, delete a)?
 * depth counts the script functions entered on the way, for recursion.
 */
struct map_search {
	int depth;
};

static bool walks_map(struct stmt *st, void *ctx);

static bool expr_walks(struct expr *e, void *ctx)
{
	struct map_search *ms = ctx;

	for (struct function_decl *f = e->kind == EXPR_CALL ? e->func : NULL;
	     f && ms->depth < 16; f = f->fallback) {
		bool found = false;

		ms->depth++;
		if (f->body)
			found = walks_map(f->body, ms);
		ms->depth--;
		if (found)
			return true;
	}
	return ast_walk_expr_children(e, expr_walks, ms);
}

static bool walks_map(struct stmt *st, void *ctx)
{
	if (st->kind == STMT_FOREACH)
		return true;
	if (st->kind == STMT_DELETE && st->expr &&
	    st->expr->kind == EXPR_IDENT)
		return true;
	return ast_walk_stmt_children(st, expr_walks, walks_map, ctx);
}

static bool body_walks_map(struct stmt *body)
{
	struct map_search ms = { 0 };

	return body && walks_map(body, &ms);
}

/*
 * The symbols a foreach body reaches (it runs as a callback): named in
 * the body, or the loop's own variables, in the probe and in the functions
 * it calls. inside: the walk is in a foreach body (or its variables).
 */
struct callback_reach {
	struct cg *cg;
	struct strmap *syms;
	bool inside;
	int depth;	/* script functions entered, for recursion */
};

static bool reach_stmt(struct stmt *st, void *ctx);

static bool reach_expr(struct expr *e, void *ctx)
{
	struct callback_reach *cr = ctx;

	if (cr->inside && e->sym)
		strmap_put(cr->cg->a, cr->syms, e->sym, e->sym);
	for (struct function_decl *f = e->kind == EXPR_CALL ? e->func : NULL;
	     f && cr->depth < 16; f = f->fallback) {
		cr->depth++;
		if (f->body)
			reach_stmt(f->body, cr);
		cr->depth--;
	}
	ast_walk_expr_children(e, reach_expr, cr);
	return false;
}

static bool reach_stmt(struct stmt *st, void *ctx)
{
	struct callback_reach *cr = ctx;
	struct foreach_stmt *fe = st->foreach;
	bool outside = cr->inside;

	if (st->kind != STMT_FOREACH || !fe) {
		ast_walk_stmt_children(st, reach_expr, reach_stmt, cr);
		return false;
	}
	/* the array and limit are evaluated before the loop, not in it */
	if (fe->array)
		reach_expr(fe->array, cr);
	if (fe->limit)
		reach_expr(fe->limit, cr);
	cr->inside = true;
	if (fe->value.var)
		reach_expr(fe->value.var, cr);
	for (int i = 0; i < fe->keys.n; i++)
		if (fe->keys.v[i].var)
			reach_expr(fe->keys.v[i].var, cr);
	if (fe->body)
		reach_stmt(fe->body, cr);
	cr->inside = outside;
	return false;
}

static void callback_syms(struct cg *cg, struct strmap *syms,
			  struct stmt *body)
{
	struct callback_reach cr = { .cg = cg, .syms = syms };

	if (body)
		reach_stmt(body, &cr);
}

static const char *tp_name(const char *target)
{
	const char *colon = strchr(target, ':');

	return colon ? colon + 1 : target;
}

/*
 * The x86-64 number of the system call behind "syscalls:sys_enter_NAME",
 * from the uapi header (BTF does not carry the syscall table); -1 when it
 * cannot be known, and the classic tracepoint is used.
 */
static long syscall_number(struct cg *cg, const char *target)
{
	const char *name;
	char line[256], want[128];
	FILE *f;
	long nr = -1;

	if ((strncmp(target, "syscalls:sys_enter_", 19) &&
	     strncmp(target, "syscalls:sys_exit_", 18)) ||
	    (cg->s->arch && strcmp(cg->s->arch, "x86_64")))
		return -1;
	if (session_define(cg->s, "BSTAP_CLASSIC_SYSCALLS"))
		return -1;
	name = target + (!strncmp(target, "syscalls:sys_enter_", 19) ? 19 : 18);
	snprintf(want, sizeof(want), "#define __NR_%s ", name);
	f = fopen("/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "r");
	if (!f)
		f = fopen("/usr/include/asm/unistd_64.h", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want))) {
			nr = strtol(line + strlen(want), NULL, 10);
			break;
		}
	fclose(f);
	return nr;
}

/*
 * tp_btf/sys_enter(struct pt_regs *regs, long id), sys_exit(regs, long
 * ret): only our call. They run for every system call of the machine, so
 * this comes first, before the program touches scratch.
 */
static void syscall_filter(struct cg *cg, const struct resolved_point *rp,
			   LLVMBasicBlockRef other)
{
	LLVMValueRef id;
	LLVMBasicBlockRef go = cg_block(cg, "syscall");

	id = cg->fn->raw_syscall == 1 ? cg_syscall_ctx(cg, 1) :
					cg_syscall_reg(cg, 120 /* orig_ax */);
	LLVMBuildCondBr(cg->b,
			LLVMBuildICmp(cg->b, LLVMIntEQ, id,
				      cg_i64(cg, syscall_number(cg,
								rp->target)),
				      ""),
			go, other);
	LLVMPositionBuilderAtEnd(cg->b, go);
}

/* The section and table entry of a point; NULL section: skip it. */
static const char *point_section(struct cg *cg, struct elab_probe *ep,
				 const struct resolved_point *rp,
				 const char *name, struct bo_probe *bp,
				 bool *tp_btf, const char **target,
				 int variant)
{
	const char *prov = rp->provider ? rp->provider->name : "";
	unsigned char args = 0, fields = 0;

	*tp_btf = false;
	bp->tier = rp->tier == TIER_RUNNER ? BO_TIER_RUNNER : BO_TIER_KERNEL;
	if (!strcmp(prov, "begin/end")) {
		if (!strcmp(rp->target, "never"))
			return NULL;
		bp->kind = !strcmp(rp->target, "begin") ? BO_PROBE_BEGIN :
			   !strcmp(rp->target, "end") ? BO_PROBE_END :
							BO_PROBE_ERROR;
		return arena_printf(cg->a, "%s%s", BO_RUNNER_SECTION_PREFIX,
				    name);
	}
	if (!strcmp(prov, "timer") && rp->tier == TIER_RUNNER) {
		bp->kind = BO_PROBE_TIMER;
		return arena_printf(cg->a, "%s%s", BO_RUNNER_SECTION_PREFIX,
				    name);
	}
	if (!strcmp(prov, "timer") || !strcmp(prov, "perf")) {
		if (rp->perf_counter)
			return NULL;
		bp->kind = BO_PROBE_PERF;
		return "perf_event";
	}
	if (!strcmp(prov, "kernel.trace")) {
		scan_target_uses(ep, &args, &fields);
		if ((args | fields) & 1) {	/* a named variable decides */
			args &= 1;
			fields &= 1;
		} else if (args && fields) {	/* $$parms and $$parms$ */
			args = 0;
		}
		if (args && fields) {
			cg_error(cg, ep->loc, "probe '%s' reads both tracepoint format fields and TP_PROTO arguments; use one kind (e.g. $prev->comm instead of $prev_comm)",
				 rp->text);
			return NULL;
		}
		if (!args && syscall_number(cg, rp->target) >= 0) {
			/* the raw sys_enter/sys_exit tracepoint, filtered by
			 * number, arguments from the registers: half the
			 * cost of the classic syscall event */
			bool enter = !strncmp(rp->target,
					      "syscalls:sys_enter_", 19);

			cg->fn->raw_syscall = enter ? 1 : 2;
			bp->kind = BO_PROBE_TP_BTF;
			return enter ? "tp_btf/sys_enter" : "tp_btf/sys_exit";
		}
		if (args) {
			*tp_btf = true;
			bp->kind = BO_PROBE_TP_BTF;
			return arena_printf(cg->a, "tp_btf/%s",
					    tp_name(rp->target));
		}
		bp->kind = BO_PROBE_TRACEPOINT;
		return arena_printf(cg->a, "tracepoint/%.*s/%s",
				    (int)(tp_name(rp->target) - 1 - rp->target),
				    rp->target, tp_name(rp->target));
	}
	if (!strcmp(prov, "kernel.function") && rp->target) {
		bp->flags |= rp->is_return ? BO_P_RETURN : 0;
		if (variant == CG_VARIANT_MULTI) {
			bp->kind = BO_PROBE_KPROBE_MULTI;
			*target = cg->multi_syms;
			return rp->is_return ? "kretprobe.multi" :
					       "kprobe.multi";
		}
		if (variant == 0) {
			bp->kind = BO_PROBE_FENTRY;
			return arena_printf(cg->a, "%s/%s",
					    rp->is_return ? "fexit" : "fentry",
					    rp->target);
		}
		bp->kind = BO_PROBE_KPROBE;
		return arena_printf(cg->a, "%s/%s",
				    rp->is_return ? "kretprobe" : "kprobe",
				    rp->target);
	}
	if (!strcmp(prov, "process") && rp->address && rp->path) {
		bp->kind = rp->module ? BO_PROBE_USDT : BO_PROBE_UPROBE;
		return rp->is_return ? "uretprobe" : "uprobe";
	}
	if (!strcmp(prov, "process") && rp->target &&
	    (!strcmp(rp->target, "begin") || !strcmp(rp->target, "end"))) {
		bool begin = !strcmp(rp->target, "begin");

		bp->kind = begin ? BO_PROBE_PROCESS_BEGIN : BO_PROBE_PROCESS_END;
		*target = begin ? "sched:sched_process_exec" :
				  "sched:sched_process_exit";
		return begin ? "tracepoint/sched/sched_process_exec" :
			       "tracepoint/sched/sched_process_exit";
	}
	cg_error(cg, ep->loc, "probe point '%s' (%s) is not supported by the BPF code generator yet",
		 rp->text, prov);
	return NULL;
}

/*
 * process.begin is the exec of a new program, process.end the exit of a
 * thread group leader; process("path") and process(PID) filter in BPF, the
 * path by its base name against comm (what the kernel keeps of it).
 */
static void process_filter(struct cg *cg, const struct resolved_point *rp)
{
	struct cg_fn *fn = cg->fn;
	LLVMValueRef ok = LLVMConstInt(cg->i1, 1, false);

	if (!strcmp(rp->target, "end")) {
		LLVMValueRef pt = cg_runtime(cg, "bstap_pid", cg->i64, NULL, 0);
		LLVMValueRef tt = cg_runtime(cg, "bstap_tid", cg->i64, NULL, 0);

		ok = LLVMBuildICmp(cg->b, LLVMIntEQ, pt, tt, "");
	}
	if (rp->pid > 0)
		ok = LLVMBuildAnd(cg->b, ok,
				  LLVMBuildICmp(cg->b, LLVMIntEQ,
						cg_runtime(cg, "bstap_pid",
							   cg->i64, NULL, 0),
						cg_i64(cg, rp->pid), ""),
				  "");
	if (rp->path && *rp->path) {
		const char *base = strrchr(rp->path, '/');
		char comm[16];
		LLVMValueRef slot = cg_new_slot(cg), a[2];

		snprintf(comm, sizeof(comm), "%s", base ? base + 1 : rp->path);
		a[0] = slot;
		cg_runtime(cg, "bstap_execname", cg->i64, a, 1);
		a[1] = cg_literal(cg, comm);
		ok = LLVMBuildAnd(cg->b, ok,
				  LLVMBuildICmp(cg->b, LLVMIntEQ,
						cg_runtime(cg, "bstap_strcmp",
							   cg->i64, a, 2),
						cg_i64(cg, 0), ""),
				  "");
		fn->slot_next--;
	}
	LLVMBasicBlockRef go = cg_block(cg, "mine");
	LLVMBuildCondBr(cg->b, ok, go, fn->exit_bb);
	LLVMPositionBuilderAtEnd(cg->b, go);
}

static void fill_probe(struct cg *cg, struct elab_probe *ep,
		       const struct resolved_point *rp, int j,
		       const char *name, struct bo_probe *bp)
{
	bp->prog_name = cg_str(cg, name);
	bp->flags |= (rp->is_return ? BO_P_RETURN : 0) |
		    (rp->written && rp->written->optional ? BO_P_OPTIONAL : 0);
	bp->point = cg_str(cg, rp->text);
	bp->written = cg_str(cg, ep->written);
	if (!bp->target)
		bp->target = cg_str(cg, rp->target);
	bp->path = cg_str(cg, cg_uprobe_target_path(cg, rp->path));
	bp->number = rp->number;
	bp->randomize = rp->randomize;
	bp->offset = rp->address;
	bp->semaphore = rp->semaphore;
	bp->perf_type = rp->perf_type;
	bp->perf_config = rp->perf_config;
	bp->perf_period = (uint64_t)rp->number;
	bp->perf_freq = rp->perf_freq;
	bp->group = 0;
	bp->location = cg_location(cg, ep->loc, NULL);
	(void)j;
}

LLVMValueRef cg_scratch_lookup(struct cg *cg)
{
	LLVMValueRef ph = LLVMGetNamedGlobal(cg->mod, "bstap_scr_placeholder");
	LLVMValueRef key, args[2];

	if (!ph)
		ph = LLVMAddGlobal(cg->mod, cg->i8, "bstap_scr_placeholder");
	key = cg->fn->zero_key;
	if (!key) {
		/* stored once, in the entry block every use comes after */
		key = cg_alloca(cg, cg->i32, "zero");
		LLVMBuildStore(cg->alloca_b, cg_i32(cg, 0), key);
		cg->fn->zero_key = key;
	}
	args[0] = ph;
	args[1] = key;
	return cg_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, args, 2);
}

/* After exit() in a kernel probe, kernel probes do nothing (stap). */
static void stopping_filter(struct cg *cg)
{
	LLVMBasicBlockRef go = cg_block(cg, "running");
	LLVMValueRef v = LLVMBuildLoad2(cg->b, cg->i64,
					cg_bss_at(cg, CG_BSS_STOPPING), "");

	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntNE, v,
					     cg_i64(cg, 0), ""),
			cg->fn->exit_bb, go);
	LLVMPositionBuilderAtEnd(cg->b, go);
}

/* process(PID).function(...): the uprobe sees every process. */
static void pid_filter(struct cg *cg, long pid)
{
	LLVMBasicBlockRef go = cg_block(cg, "pid");
	LLVMValueRef p = cg_runtime(cg, "bstap_pid", cg->i64, NULL, 0);

	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, p,
					     cg_i64(cg, pid), ""),
			go, cg->fn->exit_bb);
	LLVMPositionBuilderAtEnd(cg->b, go);
}

/*
 * Kernel programs that use scratch mark it busy while they run; one that
 * finds it busy (it interrupted another on this CPU) counts itself skipped
 * and returns, rather than overwrite the other's strings and keys.
 */
static void busy_guard(struct cg *cg, struct cg_fn *fn)
{
	LLVMValueRef term = LLVMGetBasicBlockTerminator(fn->scratch_bb), busy;
	LLVMBasicBlockRef guard = cg_block(cg, "guard");
	LLVMBasicBlockRef skip = cg_block(cg, "skip");
	LLVMBasicBlockRef run = cg_block(cg, "run");
	LLVMValueRef first = LLVMGetFirstInstruction(fn->exit_bb), a[2];

	LLVMSetSuccessor(term, 1, guard);
	LLVMPositionBuilderAtEnd(cg->b, guard);
	LLVMSetCurrentDebugLocation2(cg->b, LLVMInstructionGetDebugLoc(term));
	busy = LLVMBuildLoad2(cg->b, cg->i64, fn->scratch, "busy");
	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntNE, busy,
					     cg_i64(cg, 0), ""),
			skip, run);
	LLVMPositionBuilderAtEnd(cg->b, skip);
	a[0] = cg_i32(cg, (uint32_t)fn->probe_index);
	a[1] = cg_i32(cg, BO_ERR_PROBE_SKIPPED);
	cg_runtime(cg, "bstap_count_error", cg->void_t, a, 2);
	LLVMBuildRet(cg->b, cg_i32(cg, 0));
	LLVMPositionBuilderAtEnd(cg->b, run);
	LLVMBuildStore(cg->b, cg_i64(cg, 1), fn->scratch);
	LLVMBuildBr(cg->b, fn->init_bb);
	LLVMPositionBuilderBefore(cg->b, first);
	LLVMBuildStore(cg->b, cg_i64(cg, 0), fn->scratch);
}

/* A program whose only use of scratch is the entry's check skips it. */
static bool drop_unused_scratch(struct cg *cg, struct cg_fn *fn)
{
	LLVMUseRef u = LLVMGetFirstUse(fn->scratch), next;
	LLVMValueRef check, term;

	/* addresses computed and never used do not count */
	for (; u; u = next) {
		LLVMValueRef user = LLVMGetUser(u);

		next = LLVMGetNextUse(u);
		if (LLVMIsAGetElementPtrInst(user) && !LLVMGetFirstUse(user))
			LLVMInstructionEraseFromParent(user);
	}
	u = LLVMGetFirstUse(fn->scratch);
	if (!u || LLVMGetNextUse(u))
		return false;
	check = LLVMGetUser(u);
	term = LLVMGetBasicBlockTerminator(fn->scratch_bb);
	if (!term || LLVMGetCondition(term) != check)
		return false;
	LLVMPositionBuilderBefore(cg->b, term);
	LLVMSetCurrentDebugLocation2(cg->b, LLVMInstructionGetDebugLoc(term));
	LLVMBuildBr(cg->b, fn->init_bb);
	LLVMInstructionEraseFromParent(term);
	LLVMInstructionEraseFromParent(check);
	LLVMInstructionEraseFromParent(fn->scratch);
	return true;
}

/*
 * The section and table entry of program `name` for rp, and the program's
 * own facts in fn; NULL: no program.
 */
static const char *program_section(struct cg *cg, struct elab_probe *ep,
				   const struct resolved_point *rp,
				   const char *name, int variant,
				   struct cg_fn *fn, struct bo_probe *bp)
{
	const char *section, *target = NULL;

	fn->variant = variant;
	fn->probe = ep;
	fn->point = rp;
	fn->tier = rp->tier;
	fn->probe_index = cg->probes.n;
	cg->fn = fn;
	section = point_section(cg, ep, rp, name, bp, &fn->tp_btf, &target,
				variant);
	cg->fn = NULL;
	if (section && target)
		bp->target = cg_str(cg, target);
	return section;
}

/*
 * One program for point j. With `save` set, the hidden entry program of a
 * process .return that `en` describes (codegen_entry.c); with only `en`,
 * that .return's program, which takes the saved values first.
 */
static LLVMValueRef gen_point(struct cg *cg, struct elab_probe *ep, int j,
			      int variant, uint32_t group,
			      struct cg_entry *en, bool save)
{
	const struct resolved_point *rp = save ? en->entry_point :
						 ep->points.v[j];
	struct bo_probe bp = { 0 };
	struct cg_fn fn = { 0 };
	/* the handler a kprobe.multi probe shares (codegen_multi.c) */
	bool shared = cg->multi_body;
	const char *name = shared ?
		arena_printf(cg->a, "probe_%d_%d_b%c", ep->index, j,
			     variant ? 'k' : 'f') :
		variant ?
		arena_printf(cg->a, "probe_%d_%d_k", ep->index, j) :
		save ? arena_printf(cg->a, "probe_%d_%d_e", ep->index, j) :
		arena_printf(cg->a, "probe_%d_%d", ep->index, j);
	const char *section;
	LLVMTypeRef pt[2] = { cg->ptr, cg->i64 };
	LLVMTypeRef fty = LLVMFunctionType(cg->i32, pt, shared ? 2 : 1, false);
	LLVMBasicBlockRef body, noscr;
	int dispatch, callbacks = cg->ncallbacks;

	section = program_section(cg, ep, rp, name, variant, &fn, &bp);
	if (!section)
		return NULL;
	fn.fn = LLVMAddFunction(cg->mod, name, fty);
	/* on the raw syscall tracepoints: a function the direction's
	 * dispatcher calls (codegen_dispatch.c) */
	dispatch = cg_dispatch_direction(cg, section, rp->tier);
	if (dispatch || shared) {
		unsigned k = LLVMGetEnumAttributeKindForName("noinline", 8);

		LLVMSetLinkage(fn.fn, LLVMInternalLinkage);
		LLVMAddAttributeAtIndex(fn.fn, LLVMAttributeFunctionIndex,
					LLVMCreateEnumAttribute(cg->ctx, k, 0));
		bp.flags |= dispatch ? BO_P_DISPATCHED : 0;
	} else {
		LLVMSetSection(fn.fn, section);
	}
	fn.ctx = LLVMGetParam(fn.fn, 0);
	fn.multi_index = shared ? LLVMGetParam(fn.fn, 1) : NULL;
	/* foreach bodies of kernel probes are callbacks: longs in scratch */
	fn.scratch_locals = rp->tier == TIER_KERNEL &&
			    body_walks_map(ep->body);
	if (fn.scratch_locals) {
		fn.cb_syms = arena_new(cg->a, struct strmap);
		strmap_init(fn.cb_syms, true);
		callback_syms(cg, fn.cb_syms, ep->body);
	}
	strmap_init(&fn.vars, true);
	/* a dispatched handler is static in BTF too: the verifier checks it
	 * at its call, with the caller's ctx (a global function would be
	 * checked alone, against its BTF argument types) */
	fn.scope = cg_debug_subprogram(cg, fn.fn, name, ep->loc,
				       shared ? 2 : 1, dispatch || shared);
	cg->fn = &fn;

	fn.entry = cg_block(cg, "entry");
	fn.init_bb = cg_block(cg, "init");
	body = cg_block(cg, "body");
	fn.exit_bb = cg_block(cg, "exit");
	noscr = cg_block(cg, "noscratch");
	LLVMPositionBuilderAtEnd(cg->b, fn.entry);
	cg_debug_loc(cg, ep->loc);
	if (fn.raw_syscall)
		syscall_filter(cg, rp, noscr);
	fn.scratch_bb = LLVMGetInsertBlock(cg->b);
	fn.scratch = cg_scratch_lookup(cg);
	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, fn.scratch, ""),
			noscr, fn.init_bb);
	LLVMPositionBuilderAtEnd(cg->b, noscr);
	LLVMBuildRet(cg->b, cg_i32(cg, 0));

	LLVMPositionBuilderAtEnd(cg->b, fn.init_bb);
	for (int i = 0; i < ep->locals.n; i++)
		cg_local_var(cg, ep->locals.v[i]);

	LLVMPositionBuilderAtEnd(cg->b, body);
	if (fn.tier == TIER_KERNEL)
		stopping_filter(cg);
	if (bp.kind == BO_PROBE_PROCESS_BEGIN || bp.kind == BO_PROBE_PROCESS_END)
		process_filter(cg, rp);
	if ((bp.kind == BO_PROBE_UPROBE || bp.kind == BO_PROBE_USDT) &&
	    rp->pid > 0)
		pid_filter(cg, rp->pid);
	else if (bp.kind == BO_PROBE_UPROBE || bp.kind == BO_PROBE_USDT)
		cg_uprobe_target_filter(cg);
	if (save) {
		cg_entry_save(cg, en);
		goto done;
	}
	if (en)
		cg_entry_load(cg, en);
	if (ep->condition) {
		LLVMBasicBlockRef go = cg_block(cg, "go");

		LLVMBuildCondBr(cg->b, cg_cond(cg, ep->condition), go,
				fn.exit_bb);
		LLVMPositionBuilderAtEnd(cg->b, go);
		fn.slot_next = 0;
	}
	cg_stmt(cg, ep->body);
done:
	if (!cg_terminated(cg))
		LLVMBuildBr(cg->b, fn.exit_bb);
	LLVMPositionBuilderAtEnd(cg->b, fn.init_bb);
	LLVMBuildBr(cg->b, body);
	LLVMPositionBuilderAtEnd(cg->b, fn.exit_bb);
	cg_debug_loc(cg, ep->loc);
	LLVMBuildRet(cg->b, cg_i32(cg, 0));
	if (!drop_unused_scratch(cg, &fn) && fn.tier == TIER_KERNEL)
		busy_guard(cg, &fn);
	cg->fn = NULL;
	if (shared)
		return fn.fn;

	fill_probe(cg, ep, rp, j, name, &bp);
	bp.group = group;
	if (bp.kind == BO_PROBE_UPROBE || bp.kind == BO_PROBE_USDT) {
		/* the runner attaches by file offset */
		cg_file_offset(cg, rp->path, rp->address, &bp.offset, ep->loc);
		if (rp->semaphore)
			cg_data_offset(cg, rp->path, rp->semaphore,
				       &bp.semaphore, ep->loc);
		bp.build_id = cg_uprobe_build_id(cg, rp->path);
	}
	vec_push(cg->a, &cg->probes, bp);
	if (dispatch)
		cg_dispatch_add(cg, dispatch,
				fn.raw_syscall ?
				syscall_number(cg, rp->target) :
				cg_dispatch_guard_key(ep->body, dispatch),
				fn.fn, fn.probe_index,
				cg->ncallbacks - callbacks, ep->loc);
	return fn.fn;
}

/*
 * A kernel function gets two alternatives in one group, fentry/fexit first
 * (BTF arguments, cheaper) then kprobe/kretprobe (registers), for kernels
 * that refuse one of them; the runner attaches the first that works. A
 * .return reading parameters has no kretprobe form: they are gone there.
 */
static void gen_function(struct cg *cg, struct elab_probe *ep, int j)
{
	const struct resolved_point *rp = ep->points.v[j];
	unsigned char args = 0, fields = 0;
	uint32_t group = (uint32_t)rp->alt_chain;

	scan_target_uses(ep, &args, &fields);
	if (!group)
		group = (uint32_t)++cg->ngroups;
	gen_point(cg, ep, j, 0, group, NULL, false);
	if (!rp->module && !(rp->is_return && args))
		gen_point(cg, ep, j, 1, group, NULL, false);
}

/*
 * A program of a kprobe.multi probe's family (codegen_multi.c): the
 * kprobe.multi program itself, or a function's fentry or kprobe fallback,
 * each a call of the shared handler body with the function's index in
 * the probe's list (the attach cookie, or the constant idx).
 */
static void gen_stub(struct cg *cg, struct elab_probe *ep, int j,
		     int variant, uint32_t group, LLVMValueRef body, int idx)
{
	const struct resolved_point *rp = ep->points.v[j];
	struct bo_probe bp = { 0 };
	struct cg_fn fn = { 0 };
	const char *name = variant == CG_VARIANT_MULTI ?
		arena_printf(cg->a, "probe_%d_%d_m", ep->index, j) :
		variant ? arena_printf(cg->a, "probe_%d_%d_k", ep->index, j) :
			  arena_printf(cg->a, "probe_%d_%d", ep->index, j);
	const char *section = program_section(cg, ep, rp, name, variant,
					       &fn, &bp);
	LLVMTypeRef pt[2] = { cg->ptr, cg->i64 };
	LLVMValueRef a[2];

	if (!section)
		return;
	fn.fn = LLVMAddFunction(cg->mod, name,
				LLVMFunctionType(cg->i32, pt, 1, false));
	LLVMSetSection(fn.fn, section);
	fn.ctx = LLVMGetParam(fn.fn, 0);
	fn.scope = cg_debug_subprogram(cg, fn.fn, name, ep->loc, 1, false);
	cg->fn = &fn;
	LLVMPositionBuilderAtEnd(cg->b, cg_block(cg, "entry"));
	cg_debug_loc(cg, ep->loc);
	a[0] = fn.ctx;
	a[1] = idx < 0 ? cg_multi_cookie(cg) : cg_i64(cg, idx);
	LLVMBuildRet(cg->b, LLVMBuildCall2(cg->b,
					   LLVMFunctionType(cg->i32, pt, 2,
							    false),
					   body, a, 2, ""));
	cg->fn = NULL;
	fill_probe(cg, ep, rp, j, name, &bp);
	bp.group = group;
	bp.multi = variant == CG_VARIANT_MULTI ? 0 : cg->multi_of;
	vec_push(cg->a, &cg->probes, bp);
}

/*
 * Points j..j+n-1, functions of one wildcard with a handler that does
 * the same in each (codegen_multi.c): the handler is compiled twice, once
 * for each context (fentry's arguments, kprobe's registers), as static
 * functions; the kprobe.multi program comes first, then each function's
 * fentry and kprobe programs, which the runner loads only when the
 * kprobe.multi program cannot be used. All of them are a call each.
 */
static void gen_multi(struct cg *cg, struct elab_probe *ep, int j, int n)
{
	int *index_of = arena_alloc(cg->a, n * sizeof(*index_of));
	int at = cg->probes.n;
	LLVMValueRef kbody, fbody;

	cg->multi_syms = cg_multi_symbols(cg, ep, j, n, index_of);
	cg->multi_body = true;
	kbody = gen_point(cg, ep, j, 1, 0, NULL, false);
	fbody = gen_point(cg, ep, j, 0, 0, NULL, false);
	cg->multi_body = false;
	if (kbody && fbody)
		gen_stub(cg, ep, j, CG_VARIANT_MULTI, 0, kbody, -1);
	cg->multi_syms = NULL;
	if (cg->probes.n != at + 1)
		return;
	cg->multi_of = (uint32_t)at + 1;
	for (int k = 0; k < n; k++) {
		uint32_t group = (uint32_t)++cg->ngroups;

		gen_stub(cg, ep, j + k, 0, group, fbody, index_of[k]);
		gen_stub(cg, ep, j + k, 1, group, kbody, index_of[k]);
	}
	cg->multi_of = 0;
}

/* The programs of point j and of those that share them; returns how
 * many points they cover. */
static int gen_points(struct cg *cg, struct elab_probe *ep, int j)
{
	const struct resolved_point *rp = ep->points.v[j];
	/* `a !, b` kept for another kernel: one group for the whole chain */
	uint32_t group = (uint32_t)rp->alt_chain;
	bool shared;
	int n;

	if (!rp->provider || strcmp(rp->provider->name, "kernel.function")) {
		struct cg_entry *en = cg_entry_plan(cg, ep, rp, j);

		/* the entry program first: the runner attaches in order */
		if (en)
			gen_point(cg, ep, j, 0, group, en, true);
		gen_point(cg, ep, j, 0, group, en, false);
		return 1;
	}
	n = cg_multi_run(cg, ep, j, &shared);
	if (n > 1 && shared) {
		gen_multi(cg, ep, j, n);
		return n;
	}
	for (int k = 0; k < (n > 1 ? n : 1); k++)
		gen_function(cg, ep, j + k);
	return n > 1 ? n : 1;
}

bool cg_probes(struct cg *cg)
{
	/* groups 1..N are the alternative chains elaboration numbered */
	for (int i = 0; i < cg->p->probes.n; i++)
		for (int j = 0; j < cg->p->probes.v[i]->points.n; j++)
			if (cg->p->probes.v[i]->points.v[j]->alt_chain >
			    cg->ngroups)
				cg->ngroups =
					cg->p->probes.v[i]->points.v[j]->alt_chain;
	for (int i = 0; i < cg->p->probes.n; i++) {
		struct elab_probe *ep = cg->p->probes.v[i];

		for (int j = 0; j < ep->points.n;)
			j += gen_points(cg, ep, j);
	}
	return !diag_error_count(cg->s);
}
