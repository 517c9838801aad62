// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One program per syscall direction: the handlers of every probe on the
 * raw sys_enter / sys_exit tracepoints (the syscall.* aliases, syscalls:
 * sys_enter_NAME points, syscall_any, plain raw_syscalls probes) become
 * static functions, and a dispatcher program attached once per direction
 * calls them by the syscall's number.
 *
 * Why: `probe syscall.*` expands to some 380 probes. As separate programs
 * each is loaded, verified, JIT-compiled and attached on its own, and every
 * one of them runs on every system call of the machine only to compare the
 * number and return. One dispatcher per direction is loaded once, attached
 * once, and on an event runs a binary search over the numbers (the BPF
 * backend lowers the switch to compares; there are no jump tables) and the
 * one handler that matches.
 *
 * The dispatch key of a handler is the number it is filtered on: the
 * syscall number of a syscalls:sys_enter_NAME point, or the guard an alias
 * prologue starts with, `if ($id != N) next` (enter) or
 * `if ($regs->orig_ax != N) next` (exit). The guard stays in the handler
 * (two instructions), so a key read wrongly could only cost time, never
 * run a handler for another call. A handler without a key runs on every
 * event. Handlers of one event run in the order of the probe table (the
 * script's), as stap runs them: inside a dispatcher keyed handlers in a
 * row share one switch and a key that comes twice runs its handlers in
 * order; across programs, the kernel calls the programs of one raw
 * tracepoint in the order they were attached (tracepoint probes of equal
 * priority are appended), the runner attaches in probe-table order, and
 * group_direction() never lets a handler pass a program of its own that
 * could run on the same event.
 *
 * Each handler keeps its own probe table entry (pp(), error counters,
 * error places); the entries name the dispatcher as their program and
 * carry BO_P_DISPATCHED, so the runner attaches it once. A program may
 * have at most 256 functions (BPF_MAX_SUBPROGS), and one handler is one
 * function plus its callbacks, and the verifier walks at most a million
 * instructions per program: handlers go into dispatchers of at most
 * CG_DISPATCH_CHUNK functions (-D BSTAP_DISPATCH_CHUNK=N) and
 * CG_DISPATCH_SIZE estimated size (-D BSTAP_DISPATCH_SIZE=N), each
 * attached to the tracepoint. -D BSTAP_NO_DISPATCH gives every handler
 * its own program again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codegen_internal.h"
#include "diag.h"

/* functions per dispatcher: the limit is 256, callbacks of the runtime
 * (string copies, loops) take a few */
#define CG_DISPATCH_CHUNK	240
/* estimated size (size_of) per dispatcher: the verifier's work grows
 * faster than the handlers' sum, this keeps it well under its million
 * (measured, doc/internals.md) */
#define CG_DISPATCH_SIZE	3000
/* a handler bigger than this (formatting argstr: 600 to 7,600) stays a
 * program of its own (standalone()) */
#define CG_DISPATCH_ALONE	400

struct dispatch_entry {
	long key;		/* syscall number, or -1: every event */
	LLVMValueRef body;	/* the handler: i32 (ptr ctx) */
	int probe_index;	/* its BO_TABLE_PROBES entry */
	int functions;		/* it and its callbacks */
	long size;		/* size_of() */
	struct src_loc loc;
};

struct cg_dispatch {
	VEC(struct dispatch_entry) dir[2];	/* sys_enter, sys_exit */
};

static const char *const dir_section[2] = {
	"tp_btf/sys_enter", "tp_btf/sys_exit"
};
static const char *const dir_name[2] = { "enter", "exit" };

int cg_dispatch_direction(struct cg *cg, const char *section,
			  enum probe_tier tier)
{
	if (tier != TIER_KERNEL || !section ||
	    session_define(cg->s, "BSTAP_NO_DISPATCH"))
		return 0;
	for (int d = 0; d < 2; d++)
		if (!strcmp(section, dir_section[d]))
			return d + 1;
	return 0;
}

/* `$id` (enter) or `$regs->orig_ax` (exit): the syscall's number */
static bool is_number_var(const struct expr *e, int dir)
{
	if (!e || e->kind != EXPR_TARGET || !e->name || e->addr_of)
		return false;
	if (dir == 1)
		return !strcmp(e->name, "$id") && e->chain.n == 0;
	return !strcmp(e->name, "$regs") && e->chain.n == 1 &&
	       e->chain.v[0].kind == COMP_MEMBER &&
	       !strcmp(e->chain.v[0].name, "orig_ax");
}

static bool is_next(const struct stmt *st)
{
	while (st && st->kind == STMT_BLOCK && st->stmts.n == 1)
		st = st->stmts.v[0];
	return st && st->kind == STMT_NEXT;
}

long cg_dispatch_guard_key(const struct stmt *body, int dir)
{
	const struct stmt *st = body;
	const struct expr *c;

	/* the first statement that runs: prologues nest as blocks */
	while (st && st->kind == STMT_BLOCK && st->stmts.n > 0)
		st = st->stmts.v[0];
	if (!st || st->kind != STMT_IF || st->else_stmt ||
	    !is_next(st->then_stmt))
		return -1;
	c = st->expr;
	if (!c || c->kind != EXPR_COMPARE || c->op != OP_NE)
		return -1;
	if (is_number_var(c->left, dir) && c->right &&
	    c->right->kind == EXPR_NUMBER && c->right->num >= 0)
		return (long)c->right->num;
	if (is_number_var(c->right, dir) && c->left &&
	    c->left->kind == EXPR_NUMBER && c->left->num >= 0)
		return (long)c->left->num;
	return -1;
}

/*
 * The verifier refuses a function that returns a stack pointer in r0, and
 * the dispatcher ignores what handlers return, so LLVM drops their return
 * values (`ret undef`: r0 is whatever was there last). Each return sets r0
 * in a way the optimizer cannot remove.
 */
static void return_scalar(struct cg *cg, LLVMValueRef body)
{
	static char code[] = "r0 = 0", clobbers[] = "~{r0}";
	LLVMTypeRef fty = LLVMFunctionType(cg->void_t, NULL, 0, false);
	LLVMValueRef r0 = LLVMGetInlineAsm(fty, code, strlen(code), clobbers,
					   strlen(clobbers), true, false,
					   LLVMInlineAsmDialectATT, false);

	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(body); bb;
	     bb = LLVMGetNextBasicBlock(bb)) {
		LLVMValueRef term = LLVMGetBasicBlockTerminator(bb);

		if (!term || LLVMGetInstructionOpcode(term) != LLVMRet)
			continue;
		LLVMPositionBuilderBefore(cg->b, term);
		LLVMSetCurrentDebugLocation2(cg->b,
					     LLVMInstructionGetDebugLoc(term));
		LLVMBuildCall2(cg->b, fty, r0, NULL, 0, "");
	}
}

/*
 * What a handler costs the verifier, roughly: its LLVM instructions and
 * those of every function it calls or passes as a callback (the runtime's
 * formatting, copies, loops), counted as if inlined. Memoized in m.
 */
static long size_of(struct cg *cg, struct strmap *m, LLVMValueRef f)
{
	long n = 0;
	void *memo = strmap_get(m, f);

	if (memo)
		return (long)(intptr_t)memo - 1;
	strmap_put(cg->a, m, f, (void *)(intptr_t)1);	/* recursion: 0 */
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb;
	     bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef i = LLVMGetFirstInstruction(bb); i;
		     i = LLVMGetNextInstruction(i)) {
			n++;
			for (int k = 0; k < LLVMGetNumOperands(i); k++) {
				LLVMValueRef op = LLVMGetOperand(i, (unsigned)k);

				if (op && LLVMIsAFunction(op) &&
				    !LLVMIsDeclaration(op))
					n += size_of(cg, m, op);
			}
		}
	strmap_put(cg->a, m, f, (void *)(intptr_t)(n + 1));
	return n;
}

void cg_dispatch_add(struct cg *cg, int dir, long key, LLVMValueRef body,
		     int probe_index, int callbacks, struct src_loc loc)
{
	struct dispatch_entry e = {
		.key = key, .body = body, .probe_index = probe_index,
		.functions = 1 + callbacks, .loc = loc,
	};

	return_scalar(cg, body);

	if (!cg->dispatch)
		cg->dispatch = arena_new(cg->a, struct cg_dispatch);
	vec_push(cg->a, &cg->dispatch->dir[dir - 1], e);
}

/* The syscall's number, from the tracepoint's arguments (regs, id/ret). */
static LLVMValueRef number_of(struct cg *cg, LLVMValueRef ctx, int d)
{
	LLVMValueRef idx, p;

	if (d == 0) {
		idx = cg_i64(cg, 8);
		p = LLVMBuildGEP2(cg->b, cg->i8, ctx, &idx, 1, "");
		return LLVMBuildLoad2(cg->b, cg->i64, p, "id");
	}
	/* regs->orig_ax: a BTF pointer, loaded directly (the verifier
	 * checks the field against struct pt_regs) */
	p = LLVMBuildLoad2(cg->b, cg->ptr, ctx, "regs");
	idx = cg_i64(cg, 120);
	p = LLVMBuildGEP2(cg->b, cg->i8, p, &idx, 1, "");
	return LLVMBuildLoad2(cg->b, cg->i64, p, "orig_ax");
}

static void call_body(struct cg *cg, LLVMValueRef ctx,
		      const struct dispatch_entry *e)
{
	LLVMTypeRef pt = cg->ptr;
	LLVMTypeRef fty = LLVMFunctionType(cg->i32, &pt, 1, false);

	cg_debug_loc(cg, e->loc);
	LLVMBuildCall2(cg->b, fty, e->body, &ctx, 1, "");
}

/*
 * Keyed entries [from, to) in one switch; the first entry of each key
 * makes its case, later ones with the same key join it, in order.
 */
static void build_switch(struct cg *cg, LLVMValueRef ctx, LLVMValueRef nr,
			 const struct dispatch_entry *v, int from, int to)
{
	LLVMBasicBlockRef after = cg_block(cg, "after");
	LLVMValueRef sw = LLVMBuildSwitch(cg->b, nr, after,
					  (unsigned)(to - from));

	for (int i = from; i < to; i++) {
		bool seen = false;

		for (int k = from; k < i && !seen; k++)
			seen = v[k].key == v[i].key;
		if (seen)
			continue;
		LLVMBasicBlockRef bb = cg_block(cg, "nr");

		LLVMAddCase(sw, cg_i64(cg, v[i].key), bb);
		LLVMPositionBuilderAtEnd(cg->b, bb);
		for (int k = i; k < to; k++)
			if (v[k].key == v[i].key)
				call_body(cg, ctx, &v[k]);
		LLVMBuildBr(cg->b, after);
	}
	LLVMPositionBuilderAtEnd(cg->b, after);
}

static void build_dispatcher(struct cg *cg, int d, int chunk,
			     const struct dispatch_entry *v, int n)
{
	const char *name = arena_printf(cg->a, "dsp_%s_%d", dir_name[d],
					chunk);
	LLVMTypeRef pt = cg->ptr;
	LLVMTypeRef fty = LLVMFunctionType(cg->i32, &pt, 1, false);
	struct cg_fn fn = { 0 };
	LLVMValueRef nr;
	int from = 0;

	fn.fn = LLVMAddFunction(cg->mod, name, fty);
	LLVMSetSection(fn.fn, dir_section[d]);
	fn.ctx = LLVMGetParam(fn.fn, 0);
	fn.tier = TIER_KERNEL;
	fn.scope = cg_debug_subprogram(cg, fn.fn, name, v[0].loc, 1, false);
	cg->fn = &fn;
	LLVMPositionBuilderAtEnd(cg->b, cg_block(cg, "entry"));
	cg_debug_loc(cg, v[0].loc);
	nr = number_of(cg, fn.ctx, d);
	for (int i = 0; i <= n; i++) {
		if (i < n && v[i].key >= 0)
			continue;
		if (from < i)
			build_switch(cg, fn.ctx, nr, v, from, i);
		if (i < n)
			call_body(cg, fn.ctx, &v[i]);
		from = i + 1;
	}
	cg_debug_loc(cg, v[0].loc);
	LLVMBuildRet(cg->b, cg_i32(cg, 0));
	cg->fn = NULL;
	for (int i = 0; i < n; i++)
		cg->probes.v[v[i].probe_index].prog_name = cg_str(cg, name);
}

/*
 * A big handler (formatting argstr) is its own program, as without
 * dispatch: measured, the verifier walks far more of it inside a
 * dispatcher than alone, past its million, and dispatching it saves
 * nothing (its cost is the verifier's).
 */
static void standalone(struct cg *cg, int d, const struct dispatch_entry *e)
{
	struct bo_probe *bp = &cg->probes.v[e->probe_index];
	size_t len;

	LLVMSetLinkage(e->body, LLVMExternalLinkage);
	LLVMSetSection(e->body, dir_section[d]);
	bp->flags &= ~BO_P_DISPATCHED;
	bp->prog_name = cg_str(cg, LLVMGetValueName2(e->body, &len));
}

/*
 * May small handler e join the dispatcher that is open, which attaches
 * before the standalone handlers bigs[0..nbig) placed since it opened?
 * Only if none of them can run on e's events: the kernel calls the
 * programs of one raw tracepoint in the order they were attached, and
 * stap runs the handlers of one event in script order.
 */
static bool may_pass(const struct dispatch_entry *e,
		     const struct dispatch_entry *const *bigs, int nbig)
{
	for (int i = 0; i < nbig; i++)
		if (e->key < 0 || bigs[i]->key < 0 || bigs[i]->key == e->key)
			return false;
	return true;
}

/*
 * Handlers in probe-table order (the script's) become programs that the
 * runner attaches in that order too, at the first probe of each: a big
 * one alone (standalone()), small ones in dispatchers. A small handler
 * joins the dispatcher that is open unless a limit is reached or a big
 * handler placed since then could run on the same event before it; then
 * a new dispatcher opens. So handlers of one event run in script order.
 */
static void group_direction(struct cg *cg, struct strmap *sizes, int d,
			    int limit, long size_limit)
{
	struct dispatch_entry *v = cg->dispatch->dir[d].v;
	int n = cg->dispatch->dir[d].n, chunk = 0, nopen = 0, nbig = 0, used = 0;
	struct dispatch_entry *open = arena_alloc(cg->a, (n + 1) * sizeof(*open));
	const struct dispatch_entry **bigs =
		arena_alloc(cg->a, (n + 1) * sizeof(*bigs));
	long size = 0;

	for (int i = 0; i < n; i++)
		v[i].size = size_of(cg, sizes, v[i].body);
	for (int i = 0; i <= n; i++) {
		if (i < n && v[i].size > CG_DISPATCH_ALONE) {
			standalone(cg, d, &v[i]);
			if (cg->s->verbose > 1)
				fprintf(stderr, "dispatch: %s key %ld size %ld is a program of its own\n",
					LLVMGetValueName(v[i].body), v[i].key,
					v[i].size);
			if (nopen)
				bigs[nbig++] = &v[i];
			continue;
		}
		if (i < n && nopen && used + v[i].functions <= limit &&
		    size + v[i].size <= size_limit &&
		    may_pass(&v[i], bigs, nbig)) {
			open[nopen++] = v[i];
			used += v[i].functions;
			size += v[i].size;
			continue;
		}
		if (nopen) {
			if (cg->s->verbose > 1)
				fprintf(stderr, "dispatch: dsp_%s_%d runs %d handlers, size %ld\n",
					dir_name[d], chunk, nopen, size);
			for (int j = 0; cg->s->verbose > 2 && j < nopen; j++)
				fprintf(stderr, "dispatch:   %s key %ld size %ld\n",
					LLVMGetValueName(open[j].body),
					open[j].key, open[j].size);
			build_dispatcher(cg, d, chunk++, open, nopen);
		}
		if (i == n)
			break;
		open[0] = v[i];
		nopen = 1;
		nbig = 0;
		used = v[i].functions;
		size = v[i].size;
	}
}

void cg_dispatch_finish(struct cg *cg)
{
	const char *def;
	int limit = CG_DISPATCH_CHUNK;
	long size_limit = CG_DISPATCH_SIZE;
	struct strmap sizes;

	if (!cg->dispatch)
		return;
	def = session_define(cg->s, "BSTAP_DISPATCH_CHUNK");
	if (def && atoi(def) > 0 && atoi(def) < limit)
		limit = atoi(def);
	def = session_define(cg->s, "BSTAP_DISPATCH_SIZE");
	if (def && atol(def) > 0)
		size_limit = atol(def);
	strmap_init(&sizes, true);
	for (int d = 0; d < 2; d++)
		group_direction(cg, &sizes, d, limit, size_limit);
}
