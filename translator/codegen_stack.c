// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stacks and symbols: backtrace(), print_ubacktrace(), symname() and the
 * rest of tapsets/stacks.stp, whose @runtime names start "bstap_stk_".
 *
 * Kernel probes capture addresses with bpf_get_stack() (runtime/bpf/
 * stacks.c); the runner names them. Functions returning hex strings are
 * built in BPF; functions returning symbol text return a symbol token
 * (bo_format.h) that the runner expands when it prints the string; the
 * print_ functions send a BO_REC_STACK record. In the runner tier there is
 * no probe context: the stacks are empty, and tokens are expanded at once
 * by a runner helper, so symname() there is a real string.
 */
#include <string.h>

#include "codegen_internal.h"

#define BPF_RB_NO_WAKEUP	1

static struct cg_val lng(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_LONG, v };
}

static struct cg_val str(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_STRING, v };
}

/* Kernel probes have a context and a stack; runner-tier ones have not. */
static bool in_kernel(struct cg *cg)
{
	return cg->fn->tier == TIER_KERNEL;
}

static LLVMValueRef empty_slot(struct cg *cg)
{
	LLVMValueRef s = cg_new_slot(cg);

	LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), s);
	return s;
}

/* Does the probe interrupt the kernel at an address (regs, not a hook)? */
static bool has_kernel_pc(struct cg *cg)
{
	const char *p = cg->fn->point->provider->name;

	return !strcmp(p, "perf") || !strcmp(p, "timer") ||
	       !strcmp(p, "kernel.function");
}

struct stack {
	LLVMValueRef ips;	/* u64[] in a string slot */
	LLVMValueRef n;		/* i64 frames */
};

/*
 * The current stack into a string slot (MAXBACKTRACE frames, fewer when
 * MAXSTRINGLEN is small); none in the runner tier.
 */
static struct stack capture(struct cg *cg, bool user, struct src_loc loc)
{
	struct stack s = { cg_new_slot(cg), cg_i64(cg, 0) };
	uint32_t size = cg->slot_size & ~7u;
	LLVMValueRef a[5];

	if (size > BO_MAXBACKTRACE * 8)
		size = BO_MAXBACKTRACE * 8;
	if (!in_kernel(cg) || !size)
		return s;
	if (cg->fn->caller) {
		cg_error(cg, loc, "stacks cannot be taken inside a foreach loop of a kernel probe: take it before the loop");
		return s;
	}
	a[0] = cg->fn->ctx;
	a[1] = s.ips;
	a[2] = cg_i64(cg, user);
	a[3] = cg_i32(cg, size);
	a[4] = cg_i32(cg, (uint32_t)cg->fn->probe_index);
	s.n = cg_runtime(cg, "bstap_stack_get", cg->i64, a, 5);
	return s;
}

/* Frames [skip, skip + max) as hex (max < 0: all) appended to dst. */
static void append_hex(struct cg *cg, LLVMValueRef dst, struct stack s,
		       int64_t skip, LLVMValueRef max)
{
	LLVMValueRef a[5] = { dst, s.ips, s.n, cg_i64(cg, skip), max };

	cg_runtime(cg, "bstap_stack_hex", cg->void_t, a, 5);
}

static void send_stack(struct cg *cg, int kind, bool user);

/*
 * backtrace() and the like. A user one also sends the stack as a
 * BO_REC_PID note: the string is often named much later (print_ustack()
 * in an end probe), when only what the runner learned then is left.
 */
static LLVMValueRef hex_string(struct cg *cg, bool user, LLVMValueRef max,
			       struct src_loc loc)
{
	LLVMValueRef dst = empty_slot(cg);
	struct stack s = capture(cg, user, loc);

	append_hex(cg, dst, s, 0, max);
	if (user && in_kernel(cg) && !cg->fn->caller)
		send_stack(cg, BO_REC_PID, true);
	return dst;
}

static LLVMValueRef current_pid(struct cg *cg)
{
	if (!in_kernel(cg))
		return cg_i64(cg, 0);	/* the runner picks: target() ... */
	return cg_runtime(cg, "bstap_pid", cg->i64, NULL, 0);
}

static void sym_open(struct cg *cg, LLVMValueRef dst, int kind)
{
	LLVMValueRef a[3] = { dst, cg_i64(cg, kind), current_pid(cg) };

	cg_runtime(cg, "bstap_sym_open", cg->void_t, a, 3);
}

/* Size of a stack record (bo_format.h) */
static uint32_t stack_record_size(bool user)
{
	return sizeof(struct bo_record) + BO_STACK_BUILD_IDS +
	       (user ? BO_MAXBACKTRACE * sizeof(struct bo_stack_build_id) : 0);
}

static void send_stack(struct cg *cg, int kind, bool user)
{
	LLVMValueRef a[5];

	a[0] = cg->fn->ctx;
	a[1] = cg_rec_area(cg);
	a[2] = cg_i64(cg, kind);
	a[3] = cg_i64(cg, user);
	a[4] = cg_i32(cg, (uint32_t)cg->fn->probe_index);
	cg_note_record(cg, stack_record_size(user));
	cg_runtime(cg, "bstap_send_stack", cg->void_t, a, 5);
}

/*
 * Closes the token in dst. Kernel tier: a user token sends the user stack
 * (BO_REC_PID), from which the runner learns the process's mappings and
 * build-ids while it lives; runner tier: expanded at once, but for
 * print_stack()'s lines, which only go to output.
 */
static struct cg_val sym_close(struct cg *cg, LLVMValueRef dst, int kind,
			       struct src_loc loc)
{
	LLVMValueRef out, a[3];

	cg_runtime(cg, "bstap_sym_close", cg->void_t, &dst, 1);
	if (in_kernel(cg)) {
		if (kind >= 'A' && kind <= 'Z' && !cg->fn->caller)
			send_stack(cg, BO_REC_PID, true);
		return str(dst);
	}
	/* print_stack(): the record's string is expanded whole on output */
	if (kind == BO_SYM_LINES || kind == BO_SYM_USER_LINES)
		return str(dst);
	out = empty_slot(cg);
	a[0] = out;
	a[1] = dst;
	a[2] = cg_i64(cg, cg->msl);
	cg_helper(cg, BO_RH_SYMBOLS, cg->i64, a, 3);
	return str(out);
}

/*
 * A token over one value: an address (sym_addr, "bstap_sym_addr") or a
 * string of hex addresses as backtrace() returns ("bstap_append").
 */
static struct cg_val sym_of(struct cg *cg, int kind, const char *append,
			    LLVMValueRef v, struct src_loc loc)
{
	LLVMValueRef dst = cg_new_slot(cg);

	sym_open(cg, dst, kind);
	cg_runtime(cg, append, cg->void_t, (LLVMValueRef[]){ dst, v }, 2);
	return sym_close(cg, dst, kind, loc);
}

/* A token over the current stack. */
static struct cg_val sym_of_stack(struct cg *cg, int kind, bool user,
				  struct src_loc loc)
{
	LLVMValueRef dst = cg_new_slot(cg);
	struct stack s = capture(cg, user, loc);

	sym_open(cg, dst, kind);
	append_hex(cg, dst, s, 0, cg_i64(cg, -1));
	return sym_close(cg, dst, kind, loc);
}

/* print(s) through a one-string printf record. */
static void print_string(struct cg *cg, struct cg_val s, struct src_loc loc)
{
	LLVMValueRef rec = cg_rec_area(cg), a[5], off;

	a[0] = rec;
	a[1] = cg_i32(cg, BO_REC_PRINTF);
	a[2] = cg_i32(cg, (uint32_t)cg_format(cg, "%s", 1, loc));
	off = cg_runtime(cg, "bstap_rec_begin", cg->i32, a, 3);
	a[1] = off;
	a[2] = s.v;
	off = cg_runtime(cg, "bstap_rec_str", cg->i32, a, 3);
	cg_note_record(cg, sizeof(struct bo_record) + ((4 + cg->msl + 7) & ~7u));
	a[1] = off;
	a[2] = cg_i32(cg, (uint32_t)cg->fn->probe_index);
	a[3] = cg_i64(cg, in_kernel(cg) ? BPF_RB_NO_WAKEUP : 0);
	cg_runtime(cg, "bstap_rec_send", cg->void_t, a, 4);
}

static void print_stack_record(struct cg *cg, bool user, struct src_loc loc)
{
	if (!in_kernel(cg))
		return;		/* no stack in begin/end/timer probes */
	if (cg->fn->caller) {
		cg_error(cg, loc, "stacks cannot be taken inside a foreach loop of a kernel probe: take it before the loop");
		return;
	}
	send_stack(cg, BO_REC_STACK, user);
}

/* The function named in pp(): function("NAME@file:line") -> NAME. */
static const char *pp_function(struct cg *cg)
{
	const char *pp = cg->fn->point->text, *s, *e;

	s = strstr(pp, "function(\"");
	if (s) {
		s += 10;
	} else if ((s = strstr(pp, "inline(\""))) {
		s += 8;
	} else {
		return "";
	}
	for (e = s; *e && *e != '@' && *e != '"'; e++)
		;
	return arena_strndup(cg->a, s, (size_t)(e - s));
}

/* The kernel address the probe interrupted: addr(). */
static LLVMValueRef kernel_pc(struct cg *cg, struct src_loc loc)
{
	struct stack s;

	if (!in_kernel(cg) || !has_kernel_pc(cg))
		return cg_i64(cg, 0);
	s = capture(cg, false, loc);
	return cg_runtime(cg, "bstap_stack_top", cg->i64,
			  (LLVMValueRef[]){ s.ips, s.n }, 2);
}

static LLVMValueRef user_pc(struct cg *cg, struct src_loc loc)
{
	struct stack s = capture(cg, true, loc);

	if (!in_kernel(cg))
		return cg_i64(cg, 0);
	return cg_runtime(cg, "bstap_stack_top", cg->i64,
			  (LLVMValueRef[]){ s.ips, s.n }, 2);
}

/* stack(n) / ustack(n): the address n levels down, 0 past the end. */
static LLVMValueRef frame_at(struct cg *cg, bool user, LLVMValueRef n,
			     struct src_loc loc)
{
	struct stack s = capture(cg, user, loc);
	LLVMValueRef a[5] = { s.ips, s.n, n };

	if (!in_kernel(cg))
		return cg_i64(cg, 0);
	return cg_runtime(cg, "bstap_stack_at", cg->i64, a, 3);
}

/* callers(n): the top frame and n more; -1 all (stap's "n levels"). */
static LLVMValueRef callers_max(struct cg *cg, LLVMValueRef n)
{
	LLVMValueRef neg = LLVMBuildICmp(cg->b, LLVMIntSLT, n,
					 cg_i64(cg, 0), "");

	return LLVMBuildSelect(cg->b, neg, cg_i64(cg, -1),
			       LLVMBuildAdd(cg->b, n, cg_i64(cg, 1), ""), "");
}

struct cg_val cg_stack_call(struct cg *cg, struct expr *e, const char *rt)
{
	const char *f = rt + strlen("bstap_stk_");
	struct cg_val arg = { 0 };
	struct src_loc loc = e->loc;

	if (e->args.n > 0)
		arg = cg_expr(cg, e->args.v[0]);
	if (!strcmp(f, "backtrace"))
		return str(hex_string(cg, false, cg_i64(cg, -1), loc));
	if (!strcmp(f, "ubacktrace"))
		return str(hex_string(cg, true, cg_i64(cg, -1), loc));
	if (!strcmp(f, "callers"))
		return str(hex_string(cg, false, callers_max(cg, arg.v), loc));
	if (!strcmp(f, "ucallers"))
		return str(hex_string(cg, true, callers_max(cg, arg.v), loc));
	if (!strcmp(f, "print_backtrace") || !strcmp(f, "print_ubacktrace")) {
		print_stack_record(cg, f[6] == 'u', loc);
		return lng(cg_i64(cg, 0));
	}
	if (!strcmp(f, "sprint_backtrace"))
		return sym_of_stack(cg, BO_SYM_STACK, false, loc);
	if (!strcmp(f, "sprint_ubacktrace"))
		return sym_of_stack(cg, BO_SYM_USER_STACK, true, loc);
	if (!strcmp(f, "sprint_stack"))
		return sym_of(cg, BO_SYM_STACK, "bstap_append", arg.v, loc);
	if (!strcmp(f, "sprint_ustack"))
		return sym_of(cg, BO_SYM_USER_STACK, "bstap_append", arg.v, loc);
	if (!strcmp(f, "print_stack") || !strcmp(f, "print_ustack")) {
		int kind = f[6] == 'u' ? BO_SYM_USER_LINES : BO_SYM_LINES;

		print_string(cg, sym_of(cg, kind, "bstap_append", arg.v,
					loc), loc);
		return lng(cg_i64(cg, 0));
	}
	if (!strcmp(f, "symname"))
		return sym_of(cg, BO_SYM_NAME, "bstap_sym_addr", arg.v, loc);
	if (!strcmp(f, "symdata"))
		return sym_of(cg, BO_SYM_DATA, "bstap_sym_addr", arg.v, loc);
	if (!strcmp(f, "usymname"))
		return sym_of(cg, BO_SYM_USER_NAME, "bstap_sym_addr", arg.v, loc);
	if (!strcmp(f, "usymdata"))
		return sym_of(cg, BO_SYM_USER_DATA, "bstap_sym_addr", arg.v, loc);
	if (!strcmp(f, "ppfunc"))
		return str(cg_literal(cg, pp_function(cg)));
	if (!strcmp(f, "probefunc")) {
		const char *name = pp_function(cg);

		if (*name || !in_kernel(cg) || !has_kernel_pc(cg))
			return str(cg_literal(cg, name));
		return sym_of(cg, BO_SYM_FUNC, "bstap_sym_addr",
			      kernel_pc(cg, loc), loc);
	}
	if (!strcmp(f, "addr"))
		return lng(kernel_pc(cg, loc));
	if (!strcmp(f, "uaddr"))
		return lng(user_pc(cg, loc));
	if (!strcmp(f, "stack"))
		return lng(frame_at(cg, false, arg.v, loc));
	if (!strcmp(f, "ustack"))
		return lng(frame_at(cg, true, arg.v, loc));
	cg_error(cg, loc, "unknown stack function '%s'", rt);
	return cg_default(cg, e->type);
}
