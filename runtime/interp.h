/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A safe eBPF interpreter for the runner tier (begin, end, error and timer
 * handlers): the same bytecode the kernel runs, executed in the runner.
 *
 * Programs are what LLVM emits for -mcpu=v3 and v4: the whole ISA except
 * the legacy packet loads (LD_ABS/LD_IND), kfunc calls and may_goto.
 * Bad bytecode never crashes the runner. interp_prepare() validates a
 * program once (opcodes, reserved fields, jump and call targets, LD_IMM64
 * pairs, registers read before they are written, control falling off a
 * function) and decodes it; interp_run() checks every memory access
 * against the regions it knows and stops with an error that names the
 * instruction.
 *
 * Memory is the host's: a BPF pointer is a host address. A program may
 * touch only
 *   - the stack frames of the calls in progress (512 bytes each, at most
 *     INTERP_MAX_FRAMES frames, as in the kernel);
 *   - regions registered with interp_register_region(): the ctx buffer,
 *     mmap-ed global data, and buffers a helper hands out. A region
 *     registered while a program runs (by a helper) is forgotten when the
 *     outermost interp_run() returns. The memory must stay valid while it
 *     is registered.
 * Each frame starts zeroed, so a program reading stack it never wrote sees
 * zeroes, the same on every run.
 *
 * A prepared program is never changed and can be shared by threads; a
 * context (registers' home, stack, regions, last error) is one thread's.
 * Error indexes count instruction slots from the start of the array given
 * to interp_prepare() (ld_imm64 takes two), as in the kernel's verifier
 * log and in .BTF.ext line info.
 *
 *	struct interp_opts o = { .helpers = tbl, .n_helpers = N,
 *				 .resolve = resolve_map, .user = run };
 *	struct interp_error e;
 *	struct interp_prog *p = interp_prepare(insns, n, &o, &e);
 *	struct interp_ctx *c = interp_ctx_new(run);
 *	interp_register_region(c, bss, bss_len, true);
 *	if (interp_run(c, p, 0, 0, &r0, &e))
 *		fprintf(stderr, "%s\n", e.msg);
 */
#ifndef BSTAP_INTERP_H
#define BSTAP_INTERP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bpf_insn;
struct interp_ctx;
struct interp_prog;

#define INTERP_STACK_SIZE	512	/* per frame, as MAX_BPF_STACK */
#define INTERP_MAX_FRAMES	8	/* as the kernel's MAX_CALL_FRAMES */
#define INTERP_DEFAULT_BUDGET	1000000000ULL
#define INTERP_MAX_INSNS	(1U << 20)

/*
 * A helper, called for `call ID`. It may read and write program memory only
 * through interp_mem()/interp_str(), and stop the program with
 * interp_abort(). Registers r1-r5 of the caller are passed as they are.
 */
typedef uint64_t (*interp_helper_fn)(struct interp_ctx *ctx, uint64_t r1,
				     uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5);

struct interp_helper {
	interp_helper_fn fn;	/* NULL: no helper with this id */
	const char *name;	/* for disassembly and errors; may be NULL */
};

/*
 * Resolves `ld_imm64 dst, <src_reg kind>` (BPF_PSEUDO_MAP_FD, _MAP_VALUE,
 * _MAP_IDX, _MAP_IDX_VALUE, _BTF_ID) to the 64-bit value the program will
 * see, e.g. a map handle or the host address of mmap-ed global data plus
 * next_imm. Returns 0, or a negative errno that fails interp_prepare().
 * BPF_PSEUDO_FUNC is handled by the interpreter itself.
 */
typedef int (*interp_resolve_fn)(void *user, unsigned int src_reg,
				 int32_t imm, int32_t next_imm, uint64_t *val);

struct interp_opts {
	/* helper table indexed by helper id */
	const struct interp_helper *helpers;
	size_t n_helpers;
	interp_resolve_fn resolve;	/* NULL: pseudo ld_imm64 is an error */
	void *user;			/* passed to resolve */
	/*
	 * Instructions interp_run() may start at; NULL means just 0. Each
	 * starts a function: r1-r5 and r10 are set there.
	 */
	const uint32_t *entries;
	size_t n_entries;
};

enum interp_status {
	INTERP_OK = 0,
	INTERP_EINVAL,		/* validation: the program is malformed */
	INTERP_EFAULT,		/* memory access outside the known regions */
	INTERP_EBUDGET,		/* instruction budget exhausted */
	INTERP_EDEPTH,		/* too many nested calls */
	INTERP_EABORT,		/* a helper stopped the program */
	INTERP_ENOMEM,		/* the interpreter itself ran out of memory */
	INTERP_EUSAGE,		/* API misuse: bad entry, reentrance... */
};

struct interp_error {
	enum interp_status status;
	int insn;		/* instruction index, -1 when none */
	uint64_t addr;		/* faulting address for INTERP_EFAULT */
	char msg[320];		/* one line: "insn 12 (r1 = *(u64 *)(r2 +8)): ..." */
};

/* ------------------------------------------------------------ programs */

/*
 * Validates and decodes insns (copied; the caller keeps its array).
 * Returns NULL with *err filled when the program is refused.
 */
struct interp_prog *interp_prepare(const struct bpf_insn *insns, size_t n,
				   const struct interp_opts *opts,
				   struct interp_error *err);
void interp_prog_free(struct interp_prog *prog);
size_t interp_prog_len(const struct interp_prog *prog);

/*
 * One instruction in the kernel verifier's notation ("r1 += r2",
 * "if w1 s> 0x5 goto +3", "r0 = *(u32 *)(r10 -8)"). insn[1] is read only
 * for ld_imm64, when avail > 1. helpers may be NULL.
 */
void interp_disasm(const struct bpf_insn *insn, size_t avail,
		   const struct interp_helper *helpers, size_t n_helpers,
		   char *buf, size_t len);

/* ------------------------------------------------------------- running */

/* user is returned by interp_user(), for helpers */
struct interp_ctx *interp_ctx_new(void *user);
void interp_ctx_free(struct interp_ctx *ctx);
void *interp_user(struct interp_ctx *ctx);

/* instructions one interp_run() may execute (0: the default, 10^9) */
void interp_set_budget(struct interp_ctx *ctx, uint64_t insns);
/* instructions executed by the last interp_run(), helpers' nested calls included */
uint64_t interp_insns_executed(const struct interp_ctx *ctx);

/*
 * Lets programs access [base, base + len). Regions must not overlap.
 * Returns 0, -EINVAL for an empty or overlapping region, -ENOMEM.
 * Regions are kept in a list searched newest first on every access outside
 * the stack: a helper that hands out many buffers in one run (map lookups
 * in a foreach) should carve them from a few registered arenas.
 */
int interp_register_region(struct interp_ctx *ctx, const void *base,
			   size_t len, bool writable);
/* -ENOENT when base starts no region, -EBUSY while a program runs */
int interp_unregister_region(struct interp_ctx *ctx, const void *base);

/*
 * Runs prog from entry (0 or one of opts->entries) with r1 = arg; stores
 * r0 at exit. Returns 0, or -1 with *err filled (err may be NULL).
 */
int interp_run(struct interp_ctx *ctx, const struct interp_prog *prog,
	       uint32_t entry, uint64_t arg, uint64_t *r0,
	       struct interp_error *err);
/* the same with r1..r(nargs) set from args (nargs <= 5) */
int interp_run_args(struct interp_ctx *ctx, const struct interp_prog *prog,
		    uint32_t entry, const uint64_t *args, unsigned int nargs,
		    uint64_t *r0, struct interp_error *err);

/* ------------------------------------------------------- for helpers */

/*
 * The host pointer for len bytes at addr, when they lie in one region the
 * program may access (writable when write). Otherwise NULL, and the
 * program stops with INTERP_EFAULT once the helper returns.
 */
void *interp_mem(struct interp_ctx *ctx, uint64_t addr, size_t len,
		 bool write);
/*
 * A NUL-terminated string at addr, of at most max bytes before the NUL
 * and inside one region; *len gets its length. NULL and a fault otherwise.
 */
const char *interp_str(struct interp_ctx *ctx, uint64_t addr, size_t max,
		       size_t *len);
/*
 * As interp_str, but a string longer than max is fine: *len is then max
 * (the kernel's probe_read_str copies a truncated prefix). The max bytes
 * must still lie inside one region.
 */
const char *interp_str_prefix(struct interp_ctx *ctx, uint64_t addr,
			      size_t max, size_t *len);
/*
 * For the probe_read helpers, which report a bad address as -EFAULT and go
 * on: whether len bytes at addr may be read, and interp_str_prefix()
 * returning NULL for an address outside every region, neither stopping
 * the program.
 */
bool interp_readable(struct interp_ctx *ctx, uint64_t addr, size_t len);
const char *interp_str_prefix_quiet(struct interp_ctx *ctx, uint64_t addr,
				    size_t max, size_t *len);
/* stops the program after the helper returns, with this message */
void interp_abort(struct interp_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Calls a BPF function the program passed as a callback (the value of
 * `ld_imm64 rX, <BPF_PSEUDO_FUNC>`), as bpf_loop() does, in a new frame.
 * Returns 0 with *r0 set, or -1 when the program must stop (the error is
 * already recorded; the helper should return at once).
 */
int interp_call_func(struct interp_ctx *ctx, uint64_t func,
		     const uint64_t *args, unsigned int nargs, uint64_t *r0);

#endif
