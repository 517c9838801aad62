// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runner tier's eBPF interpreter: every ALU, jump, memory and atomic
 * operation with its edge cases, helpers, BPF-to-BPF calls, callbacks,
 * memory faults, the budget and validation; then real clang output for
 * CPU v3 and v4 (testsuite/unit/interp_progs.c) compared with the same C
 * compiled natively; and a speed figure as a TAP comment.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bpf_insn.h"
#include "interp.h"
#include "../lib/tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BAD		0xdeadbeefdeadbeefULL
#define INSNS(...)	((const struct bpf_insn[]){ __VA_ARGS__ })
#define NINSNS(...)	(sizeof(INSNS(__VA_ARGS__)) / sizeof(struct bpf_insn))
/* runs a literal program with r1 = arg; r0 or BAD */
#define RUN(arg, err, ...) \
	run_insns(INSNS(__VA_ARGS__), NINSNS(__VA_ARGS__), arg, err)
#define PREP(err, ...) \
	prep_insns(INSNS(__VA_ARGS__), NINSNS(__VA_ARGS__), err)

static struct interp_ctx *ctx;
static struct interp_helper helpers[200];
static long global_data[4];		/* "mmap-ed" global data */
static const long ro_data[2] = { 11, 22 };
static long helper_buf[2];		/* handed out by a helper */

static int resolve(void *user, unsigned int kind, int32_t imm,
		   int32_t next_imm, uint64_t *val)
{
	if (kind == BPF_PSEUDO_MAP_VALUE && imm == 1 && next_imm >= 0 &&
	    next_imm < (int)sizeof(global_data)) {
		*val = (uint64_t)(uintptr_t)global_data + next_imm;
		return 0;
	}
	if (kind == BPF_PSEUDO_MAP_VALUE && imm == 2) {
		*val = (uint64_t)(uintptr_t)ro_data + next_imm;
		return 0;
	}
	if (kind == BPF_PSEUDO_MAP_FD) {
		*val = 0x1000 + imm;
		return 0;
	}
	return -ENOENT;
}

static const struct interp_opts opts = {
	.helpers = helpers,
	.n_helpers = ARRAY_SIZE(helpers),
	.resolve = resolve,
};

static struct interp_prog *prep_insns(const struct bpf_insn *p, size_t n,
				      struct interp_error *err)
{
	return interp_prepare(p, n, &opts, err);
}

static uint64_t run_insns(const struct bpf_insn *p, size_t n, uint64_t arg,
			  struct interp_error *err)
{
	struct interp_error e0, *e = err ? err : &e0;
	struct interp_prog *prog = interp_prepare(p, n, &opts, e);
	uint64_t r0 = BAD;

	if (!prog) {
		if (!err)
			printf("# prepare: %s\n", e->msg);
		return BAD;
	}
	if (interp_run(ctx, prog, 0, arg, &r0, e)) {
		if (!err)
			printf("# run: %s\n", e->msg);
		r0 = BAD;
	}
	interp_prog_free(prog);
	return r0;
}

/* ------------------------------------------------------------ helpers */

static uint64_t h_sum(struct interp_ctx *c, uint64_t a, uint64_t b,
		      uint64_t d, uint64_t e, uint64_t f)
{
	return a + 2 * b + 3 * d + 4 * e + 5 * f;
}

static uint64_t h_strlen(struct interp_ctx *c, uint64_t s, uint64_t b,
			 uint64_t d, uint64_t e, uint64_t f)
{
	size_t len;

	return interp_str(c, s, 64, &len) ? len : (uint64_t)-1;
}

/* probe_read_str-style: a prefix of at most 4 bytes, NUL or not */
static uint64_t h_strprefix(struct interp_ctx *c, uint64_t s, uint64_t b,
			    uint64_t d, uint64_t e, uint64_t f)
{
	size_t len;

	return interp_str_prefix(c, s, 4, &len) ? len : (uint64_t)-1;
}

static uint64_t h_abort(struct interp_ctx *c, uint64_t a, uint64_t b,
			uint64_t d, uint64_t e, uint64_t f)
{
	interp_abort(c, "error(\"%d\") from the script", (int)a);
	return 0;
}

/* like a map lookup: a host buffer, reachable for this run only */
static uint64_t h_lookup(struct interp_ctx *c, uint64_t a, uint64_t b,
			 uint64_t d, uint64_t e, uint64_t f)
{
	interp_register_region(c, helper_buf, sizeof(helper_buf), true);
	return (uint64_t)(uintptr_t)helper_buf;
}

/* reads 8 bytes through a pointer the program passes */
static uint64_t h_read(struct interp_ctx *c, uint64_t p, uint64_t b,
		       uint64_t d, uint64_t e, uint64_t f)
{
	const void *q = interp_mem(c, p, 8, false);
	uint64_t v = 0;

	if (q)
		memcpy(&v, q, 8);	/* programs may pass unaligned pointers */
	return v;
}

/* bpf_loop(nr, fn, ctx, flags) */
static uint64_t h_loop(struct interp_ctx *c, uint64_t nr, uint64_t fn,
		       uint64_t arg, uint64_t flags, uint64_t f)
{
	uint64_t i;

	for (i = 0; i < (uint32_t)nr; i++) {
		uint64_t args[2] = { i, arg }, r0;

		if (interp_call_func(c, fn, args, 2, &r0))
			return 0;
		if (r0)
			return i + 1;
	}
	return i;
}

static void setup_helpers(void)
{
	helpers[1] = (struct interp_helper){ h_sum, "sum" };
	helpers[2] = (struct interp_helper){ h_strlen, "strlen" };
	helpers[3] = (struct interp_helper){ h_abort, "abort" };
	helpers[4] = (struct interp_helper){ h_lookup, "lookup" };
	helpers[5] = (struct interp_helper){ h_read, "read" };
	helpers[6] = (struct interp_helper){ h_strprefix, "strprefix" };
	helpers[181] = (struct interp_helper){ h_loop, "bpf_loop" };
}

/* --------------------------------------------------------------- ALU */

/* r0 = a; r1 = b; r0 OP= r1 (or imm b); exit */
static uint64_t alu(int cls, int op, int src, uint64_t a, uint64_t b, int off)
{
	struct bpf_insn p[] = {
		BPF_LD_IMM64(BPF_REG_0, a),
		BPF_LD_IMM64(BPF_REG_1, b),
		{ .code = cls | op | src, .dst_reg = 0,
		  .src_reg = src == BPF_X ? 1 : 0, .off = off,
		  .imm = src == BPF_X ? 0 : (int32_t)b },
		BPF_EXIT_INSN(),
	};

	if (op == BPF_END) {	/* the source bit means big endian here */
		p[4].src_reg = 0;
		p[4].imm = (int32_t)b;
	}
	return run_insns(p, ARRAY_SIZE(p), 0, NULL);
}

#define A64X(op, a, b)	alu(BPF_ALU64, op, BPF_X, a, b, 0)
#define A64K(op, a, b)	alu(BPF_ALU64, op, BPF_K, a, b, 0)
#define A32X(op, a, b)	alu(BPF_ALU, op, BPF_X, a, b, 0)
#define A32K(op, a, b)	alu(BPF_ALU, op, BPF_K, a, b, 0)
#define S64X(op, a, b)	alu(BPF_ALU64, op, BPF_X, a, b, 1)
#define S64K(op, a, b)	alu(BPF_ALU64, op, BPF_K, a, b, 1)
#define S32X(op, a, b)	alu(BPF_ALU, op, BPF_X, a, b, 1)
#define S32K(op, a, b)	alu(BPF_ALU, op, BPF_K, a, b, 1)

struct alu_case {
	const char *what;
	uint64_t got, want;
};

static void test_alu(void)
{
	const uint64_t M = UINT64_MAX, MIN = (uint64_t)INT64_MIN;
	const uint64_t X = 0x1122334455667788ULL;
	struct alu_case c[] = {
		{ "add64 wraps", A64X(BPF_ADD, M, 1), 0 },
		{ "add64 imm is sign-extended", A64K(BPF_ADD, 10, -1), 9 },
		{ "add32 wraps and zero-extends", A32X(BPF_ADD, 0x12345678ffffffffULL, 2), 1 },
		{ "sub32 0-1 is not sign-extended", A32K(BPF_SUB, 0, 1), 0xffffffffULL },
		{ "sub64", A64X(BPF_SUB, 5, 7), (uint64_t)-2 },
		{ "mul64 wraps", A64X(BPF_MUL, 1ULL << 32, 1ULL << 32), 0 },
		{ "mul32 wraps", A32X(BPF_MUL, 0x10000, 0x10000), 0 },
		{ "mul32 imm -1", A32K(BPF_MUL, 3, -1), 0xfffffffdULL },
		{ "div64 is unsigned", A64X(BPF_DIV, M, 2), M >> 1 },
		{ "div64 by zero gives 0", A64X(BPF_DIV, 77, 0), 0 },
		{ "mod64 by zero keeps dst", A64X(BPF_MOD, 77, 0), 77 },
		{ "div32 by zero gives 0", A32X(BPF_DIV, 77, 0), 0 },
		{ "mod32 by zero zero-extends dst", A32X(BPF_MOD, 0xab00000005ULL, 0), 5 },
		{ "div32 uses 32 bits", A32X(BPF_DIV, 0x100000008ULL, 0x100000002ULL), 4 },
		{ "mod64 imm", A64K(BPF_MOD, 100, 7), 2 },
		{ "div64 imm -1 is huge unsigned", A64K(BPF_DIV, 5, -1), 0 },
		{ "sdiv64 truncates", S64X(BPF_DIV, (uint64_t)-7, 2), (uint64_t)-3 },
		{ "sdiv64 INT64_MIN / -1", S64X(BPF_DIV, MIN, M), MIN },
		{ "sdiv64 by zero gives 0", S64X(BPF_DIV, (uint64_t)-7, 0), 0 },
		{ "sdiv64 imm -2", S64K(BPF_DIV, (uint64_t)-7, -2), 3 },
		{ "smod64 sign of dividend", S64X(BPF_MOD, (uint64_t)-7, 2), (uint64_t)-1 },
		{ "smod64 7 % -3", S64X(BPF_MOD, 7, (uint64_t)-3), 1 },
		{ "smod64 INT64_MIN % -1", S64X(BPF_MOD, MIN, M), 0 },
		{ "smod64 by zero keeps dst", S64X(BPF_MOD, (uint64_t)-7, 0), (uint64_t)-7 },
		{ "sdiv32 INT32_MIN / -1", S32X(BPF_DIV, 0x80000000ULL, M), 0x80000000ULL },
		{ "sdiv32 -7 / 2 zero-extends", S32K(BPF_DIV, 0xfffffff9ULL, 2), 0xfffffffdULL },
		{ "smod32 -7 % 2", S32X(BPF_MOD, 0xfffffff9ULL, 2), 0xffffffffULL },
		{ "smod32 by zero zero-extends", S32X(BPF_MOD, 0xff000000fffffff9ULL, 0), 0xfffffff9ULL },
		{ "or64", A64X(BPF_OR, 0xf0, 0x0f00000000ULL), 0x0f000000f0ULL },
		{ "and64 imm sign-extends", A64K(BPF_AND, M, -16), M - 15 },
		{ "and32", A32K(BPF_AND, M, 0xff), 0xff },
		{ "xor64", A64X(BPF_XOR, X, X), 0 },
		{ "xor32 zero-extends", A32X(BPF_XOR, M, 1), 0xfffffffeULL },
		{ "lsh64 by 63", A64K(BPF_LSH, 1, 63), MIN },
		{ "lsh64 by reg 64 is masked to 0", A64X(BPF_LSH, 3, 64), 3 },
		{ "lsh32 by 31", A32K(BPF_LSH, 1, 31), 0x80000000ULL },
		{ "lsh32 by reg 33 is masked to 1", A32X(BPF_LSH, 0x80000001ULL, 33), 2 },
		{ "rsh64 by 63", A64K(BPF_RSH, MIN, 63), 1 },
		{ "rsh32 ignores the high half", A32K(BPF_RSH, 0xff80000000ULL, 31), 1 },
		{ "arsh64 by 63", A64K(BPF_ARSH, MIN, 63), M },
		{ "arsh64 by reg 65 is masked to 1", A64X(BPF_ARSH, (uint64_t)-8, 65), (uint64_t)-4 },
		{ "arsh32 sign bit 31, zero-extended", A32K(BPF_ARSH, 0x80000000ULL, 31), 0xffffffffULL },
		{ "mov64 imm sign-extends", A64K(BPF_MOV, 0, -1), M },
		{ "mov32 imm zero-extends", A32K(BPF_MOV, 0, -1), 0xffffffffULL },
		{ "mov32 reg zero-extends", A32X(BPF_MOV, 0, M), 0xffffffffULL },
		{ "movsx64 s8", alu(BPF_ALU64, BPF_MOV, BPF_X, 0, 0x180, 8), (uint64_t)-128 },
		{ "movsx64 s16", alu(BPF_ALU64, BPF_MOV, BPF_X, 0, 0x18000, 16), (uint64_t)-32768 },
		{ "movsx64 s32", alu(BPF_ALU64, BPF_MOV, BPF_X, 0, 0x80000000ULL, 32), (uint64_t)INT32_MIN },
		{ "movsx32 s8 zero-extends", alu(BPF_ALU, BPF_MOV, BPF_X, 0, 0xff, 8), 0xffffffffULL },
		{ "movsx32 s16", alu(BPF_ALU, BPF_MOV, BPF_X, 0, 0x7fff, 16), 0x7fff },
		{ "neg64", alu(BPF_ALU64, BPF_NEG, BPF_K, 5, 0, 0), (uint64_t)-5 },
		{ "neg64 INT64_MIN", alu(BPF_ALU64, BPF_NEG, BPF_K, MIN, 0, 0), MIN },
		{ "neg32", alu(BPF_ALU, BPF_NEG, BPF_K, 5, 0, 0), 0xfffffffbULL },
		{ "le16", alu(BPF_ALU, BPF_END, BPF_TO_LE, X, 16, 0), 0x7788 },
		{ "le32", alu(BPF_ALU, BPF_END, BPF_TO_LE, X, 32, 0), 0x55667788 },
		{ "le64", alu(BPF_ALU, BPF_END, BPF_TO_LE, X, 64, 0), X },
		{ "be16", alu(BPF_ALU, BPF_END, BPF_TO_BE, X, 16, 0), 0x8877 },
		{ "be32", alu(BPF_ALU, BPF_END, BPF_TO_BE, X, 32, 0), 0x88776655 },
		{ "be64", alu(BPF_ALU, BPF_END, BPF_TO_BE, X, 64, 0), 0x8877665544332211ULL },
		{ "bswap16", alu(BPF_ALU64, BPF_END, BPF_TO_LE, X, 16, 0), 0x8877 },
		{ "bswap32", alu(BPF_ALU64, BPF_END, BPF_TO_LE, X, 32, 0), 0x88776655 },
		{ "bswap64", alu(BPF_ALU64, BPF_END, BPF_TO_LE, X, 64, 0), 0x8877665544332211ULL },
	};
	size_t bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		if (c[i].got == c[i].want)
			continue;
		bad++;
		printf("# %s: got 0x%" PRIx64 ", want 0x%" PRIx64 "\n",
		       c[i].what, c[i].got, c[i].want);
	}
	/* one assertion per group keeps the plan readable */
	tap_ok(bad == 0, "%zu ALU cases (add..bswap, 32 and 64 bit, K and X)",
	       ARRAY_SIZE(c));
	tap_is_int(A64X(BPF_ADD, 1, 2), 3, "add64 reg");
	tap_is_int(S64X(BPF_DIV, (uint64_t)INT64_MIN, UINT64_MAX), INT64_MIN,
		   "sdiv INT64_MIN / -1 does not trap");
	tap_is_int(S64X(BPF_MOD, (uint64_t)INT64_MIN, UINT64_MAX), 0,
		   "smod INT64_MIN %% -1 is 0");
	tap_is_int(A32X(BPF_ADD, 0xffffffffffffffffULL, 1), 0,
		   "alu32 result is zero-extended");
	tap_is_int(A64X(BPF_LSH, 1, 64 + 5), 32, "shift amount is masked");
}

/* ------------------------------------------------------------- jumps */

/* r0 = 1; if a OP b goto +1; r0 = 0; exit -> 1 when taken */
static int jmp(int cls, int op, int src, uint64_t a, uint64_t b)
{
	struct bpf_insn p[] = {
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_LD_IMM64(BPF_REG_1, a),
		BPF_LD_IMM64(BPF_REG_2, b),
		{ .code = cls | op | src, .dst_reg = 1,
		  .src_reg = src == BPF_X ? 2 : 0, .off = 1,
		  .imm = src == BPF_X ? 0 : (int32_t)b },
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	};

	return (int)run_insns(p, ARRAY_SIZE(p), 0, NULL);
}

static void test_jumps(void)
{
	const uint64_t M = UINT64_MAX, H = 0x100000000ULL;
	struct {
		const char *what;
		int got, want;
	} c[] = {
		{ "jeq", jmp(BPF_JMP, BPF_JEQ, BPF_X, 5, 5), 1 },
		{ "jeq not", jmp(BPF_JMP, BPF_JEQ, BPF_X, 5, 6), 0 },
		{ "jeq imm -1 sign-extends", jmp(BPF_JMP, BPF_JEQ, BPF_K, M, -1), 1 },
		{ "jne", jmp(BPF_JMP, BPF_JNE, BPF_X, 5, 6), 1 },
		{ "jgt unsigned", jmp(BPF_JMP, BPF_JGT, BPF_X, M, 1), 1 },
		{ "jge equal", jmp(BPF_JMP, BPF_JGE, BPF_K, 7, 7), 1 },
		{ "jlt unsigned", jmp(BPF_JMP, BPF_JLT, BPF_X, M, 1), 0 },
		{ "jle", jmp(BPF_JMP, BPF_JLE, BPF_X, 1, M), 1 },
		{ "jsgt signed", jmp(BPF_JMP, BPF_JSGT, BPF_X, M, 1), 0 },
		{ "jsge", jmp(BPF_JMP, BPF_JSGE, BPF_K, 0, -1), 1 },
		{ "jslt signed", jmp(BPF_JMP, BPF_JSLT, BPF_X, M, 1), 1 },
		{ "jsle", jmp(BPF_JMP, BPF_JSLE, BPF_K, M, -1), 1 },
		{ "jset", jmp(BPF_JMP, BPF_JSET, BPF_X, 6, 2), 1 },
		{ "jset not", jmp(BPF_JMP, BPF_JSET, BPF_K, 6, 1), 0 },
		{ "jset 64-bit bits", jmp(BPF_JMP, BPF_JSET, BPF_X, H, H), 1 },
		{ "jeq32 ignores high half", jmp(BPF_JMP32, BPF_JEQ, BPF_X, H, 0), 1 },
		{ "jeq64 sees high half", jmp(BPF_JMP, BPF_JEQ, BPF_X, H, 0), 0 },
		{ "jne32", jmp(BPF_JMP32, BPF_JNE, BPF_K, H + 1, 1), 0 },
		{ "jgt32 unsigned", jmp(BPF_JMP32, BPF_JGT, BPF_X, 0xffffffffULL, 1), 1 },
		{ "jge32", jmp(BPF_JMP32, BPF_JGE, BPF_K, H, 1), 0 },
		{ "jlt32", jmp(BPF_JMP32, BPF_JLT, BPF_X, H, 1), 1 },
		{ "jle32", jmp(BPF_JMP32, BPF_JLE, BPF_K, 0xffffffffULL, -1), 1 },
		{ "jsgt32 signed", jmp(BPF_JMP32, BPF_JSGT, BPF_X, 0xffffffffULL, 1), 0 },
		{ "jsge32", jmp(BPF_JMP32, BPF_JSGE, BPF_K, 0x7fffffffULL, -1), 1 },
		{ "jslt32 signed", jmp(BPF_JMP32, BPF_JSLT, BPF_K, 0x80000000ULL, 0), 1 },
		{ "jslt32 vs jslt64", jmp(BPF_JMP, BPF_JSLT, BPF_K, 0x80000000ULL, 0), 0 },
		{ "jsle32", jmp(BPF_JMP32, BPF_JSLE, BPF_X, 0xfffffffeULL, 0xffffffffULL), 1 },
		{ "jset32 ignores high half", jmp(BPF_JMP32, BPF_JSET, BPF_X, H, H), 0 },
	};
	size_t bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		if (c[i].got == c[i].want)
			continue;
		bad++;
		printf("# %s: got %d, want %d\n", c[i].what, c[i].got,
		       c[i].want);
	}
	tap_ok(bad == 0, "%zu conditional jump cases (signed/unsigned, 32/64, K/X)",
	       ARRAY_SIZE(c));
	tap_is_int(jmp(BPF_JMP, BPF_JSGT, BPF_X, UINT64_MAX, 0), 0,
		   "jsgt: -1 s> 0 is false");
	tap_is_int(jmp(BPF_JMP, BPF_JGT, BPF_X, UINT64_MAX, 0), 1,
		   "jgt: 0xff..ff > 0 is true");

	/* goto back and forth, and v4 gotol */
	tap_is_int(RUN(0, NULL,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_A(2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 100),	/* 2: skipped first */
		BPF_EXIT_INSN(),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),	/* 4 */
		BPF_JMP32_A(-4),			/* gotol 2 */
	), 101, "goto and gotol, forward and backward");

	/* a counted loop with jmp32 */
	tap_is_int(RUN(0, NULL,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_ALU32_IMM(BPF_ADD, BPF_REG_1, 1),
		BPF_JMP32_IMM(BPF_JLT, BPF_REG_1, 101, -3),
		BPF_EXIT_INSN(),
	), 5050, "loop sums 0..100");
}

/* ------------------------------------------------------------- memory */

static void test_memory(void)
{
	struct interp_error e;
	uint64_t ctxbuf[2] = { 0x1122334455667788ULL, 0 };

	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, -1),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_EXIT_INSN(),
	), -1, "st dw sign-extends imm");
	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, -1),
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_10, -4),
		BPF_EXIT_INSN(),
	), 0xffffffffLL, "ldx w zero-extends");
	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0x8081ff80),
		BPF_LDX_MEMSX(BPF_B, BPF_REG_0, BPF_REG_10, -4),
		BPF_LDX_MEMSX(BPF_H, BPF_REG_1, BPF_REG_10, -4),
		BPF_LDX_MEMSX(BPF_W, BPF_REG_2, BPF_REG_10, -4),
		BPF_LDX_MEM(BPF_B, BPF_REG_3, BPF_REG_10, -1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		BPF_EXIT_INSN(),
	), -128 + -128 + (int32_t)0x8081ff80 + 0x80,
		"ldsx b/h/w sign-extend, ldx b zero-extends");
	tap_is_int(RUN(0, NULL,
		BPF_MOV64_IMM(BPF_REG_1, 0x1234),
		BPF_STX_MEM(BPF_H, BPF_REG_10, BPF_REG_1, -511),
		BPF_STX_MEM(BPF_B, BPF_REG_10, BPF_REG_1, -1),
		BPF_LDX_MEM(BPF_H, BPF_REG_0, BPF_REG_10, -511),
		BPF_LDX_MEM(BPF_B, BPF_REG_1, BPF_REG_10, -1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
	), 0x1234 + 0x34, "unaligned stores at both ends of the frame");

	/* the ctx buffer and global data */
	interp_register_region(ctx, ctxbuf, sizeof(ctxbuf), true);
	tap_is_int(RUN((uint64_t)(uintptr_t)ctxbuf, NULL,
		BPF_LDX_MEM(BPF_W, BPF_REG_0, BPF_REG_1, 4),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 8),
		BPF_EXIT_INSN(),
	), 0x11223344, "reads the ctx buffer in r1");
	tap_is_int(ctxbuf[1], 0x11223344, "writes the ctx buffer");
	interp_unregister_region(ctx, ctxbuf);

	global_data[1] = 40;
	tap_is_int(RUN(0, NULL,
		BPF_LD_MAP_VALUE(BPF_REG_1, 1, 8),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 8),
		BPF_EXIT_INSN(),
	) == 42 && global_data[2] == 42, 1,
		"ld_imm64 map value resolved to global data");
	tap_is_int(RUN(0, NULL,
		BPF_LD_IMM64_RAW(BPF_REG_0, BPF_PSEUDO_MAP_FD, 7),
		BPF_EXIT_INSN(),
	), 0x1007, "ld_imm64 map fd through the resolver");
	tap_is_int(RUN(0, NULL,
		BPF_LD_IMM64(BPF_REG_0, 0x123456789abcdef0ULL),
		BPF_EXIT_INSN(),
	), 0x123456789abcdef0LL, "plain ld_imm64");

	/* faults */
	RUN(0, &e,
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && e.insn == 1 && e.addr == 0 &&
	       strstr(e.msg, "insn 1 (r0 = *(u64 *)(r1 +0))") &&
	       strstr(e.msg, "NULL"), "NULL dereference: %s", e.msg);
	RUN(0, &e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && e.insn == 1 &&
	       strstr(e.msg, "stack"), "store at r10+0: %s", e.msg);
	RUN(0, &e,
		BPF_LDX_MEM(BPF_B, BPF_REG_0, BPF_REG_10, -513),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && e.insn == 0,
	       "load at r10-513, below the frame: %s", e.msg);
	RUN(0, &e,
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -4),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT, "8-byte load straddling the frame end");
	RUN((uint64_t)(uintptr_t)&e, &e,
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && strstr(e.msg, "may access"),
	       "unregistered host pointer: %s", e.msg);
	interp_register_region(ctx, ro_data, sizeof(ro_data), false);
	RUN(0, &e,
		BPF_LD_MAP_VALUE(BPF_REG_1, 2, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && e.insn == 3 &&
	       strstr(e.msg, "read-only"), "store to read-only data: %s", e.msg);
	RUN(0, &e,
		BPF_LD_MAP_VALUE(BPF_REG_1, 2, 12),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT, "load straddling a region's end");
	interp_unregister_region(ctx, ro_data);
	tap_is_int(interp_register_region(ctx, global_data + 1, 8, true),
		   -EINVAL, "overlapping regions are refused");
}

/* ----------------------------------------------------------- atomics */

static void test_atomics(void)
{
	struct interp_error e;

	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 10),
		BPF_MOV64_IMM(BPF_REG_1, 5),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_10, BPF_REG_1, -8),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD | BPF_FETCH, BPF_REG_10, BPF_REG_1, -8),
		/* r1 = 15 (old), mem = 20 */
		BPF_MOV64_IMM(BPF_REG_2, 0x3),
		BPF_ATOMIC_OP(BPF_DW, BPF_OR | BPF_FETCH, BPF_REG_10, BPF_REG_2, -8),
		/* r2 = 20, mem = 23 */
		BPF_MOV64_IMM(BPF_REG_3, 0x6),
		BPF_ATOMIC_OP(BPF_DW, BPF_AND | BPF_FETCH, BPF_REG_10, BPF_REG_3, -8),
		/* r3 = 23, mem = 6 */
		BPF_MOV64_IMM(BPF_REG_4, 0xf),
		BPF_ATOMIC_OP(BPF_DW, BPF_XOR, BPF_REG_10, BPF_REG_4, -8),
		/* mem = 9 */
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 1000000),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 10000),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_2, 100),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		BPF_EXIT_INSN(),
	), 9000000 + 150000 + 2000 + 23, "atomic add/or/and/xor, with and without fetch");
	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
		BPF_MOV64_IMM(BPF_REG_1, 9),
		BPF_ATOMIC_OP(BPF_DW, BPF_XCHG, BPF_REG_10, BPF_REG_1, -8),
		/* r1 = 7, mem = 9 */
		BPF_MOV64_IMM(BPF_REG_0, 9),
		BPF_MOV64_IMM(BPF_REG_2, 11),
		BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_2, -8),
		/* r0 = 9, mem = 11 */
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_0),
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_CMPXCHG, BPF_REG_10, BPF_REG_1, -8),
		/* fails: r0 = 11, mem = 11 */
		BPF_LDX_MEM(BPF_DW, BPF_REG_4, BPF_REG_10, -8),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 1000000),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_1, 10000),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_3, 100),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_4),
		BPF_EXIT_INSN(),
	), 11000000 + 70000 + 900 + 11, "xchg, cmpxchg success and failure");
	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, -1),
		BPF_LD_IMM64(BPF_REG_1, 0xffffffff00000001ULL),
		BPF_ATOMIC_OP(BPF_W, BPF_ADD | BPF_FETCH, BPF_REG_10, BPF_REG_1, -8),
		/* r1 = 0xffffffff zero-extended; low word 0, high word kept */
		BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		BPF_LD_IMM64(BPF_REG_0, 0x5555555500000000ULL),
		BPF_ATOMIC_OP(BPF_W, BPF_CMPXCHG, BPF_REG_10, BPF_REG_1, -8),
		/* compares the low word only: 0 == 0, stores 0xffffffff */
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_XOR, BPF_REG_2, BPF_REG_3),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		BPF_EXIT_INSN(),
	), 0xffffffffLL + 0xffffffffLL, "32-bit atomics zero-extend and touch 4 bytes");
	tap_is_int(RUN(0, NULL,
		BPF_LD_IMM64(BPF_REG_1, 0xffff1234),
		BPF_ATOMIC_OP(BPF_H, BPF_STORE_REL, BPF_REG_10, BPF_REG_1, -2),
		BPF_ATOMIC_OP(BPF_H, BPF_LOAD_ACQ, BPF_REG_0, BPF_REG_10, -2),
		BPF_ATOMIC_OP(BPF_DW, BPF_STORE_REL, BPF_REG_10, BPF_REG_1, -16),
		BPF_ATOMIC_OP(BPF_DW, BPF_LOAD_ACQ, BPF_REG_2, BPF_REG_10, -16),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		BPF_EXIT_INSN(),
	), 0x1234 + 0xffff1234LL, "store-release and load-acquire");
	RUN(0, &e,
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_10, BPF_REG_1, -12),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && strstr(e.msg, "misaligned"),
	       "misaligned atomic is refused: %s", e.msg);
	global_data[0] = 100;
	tap_is_int(RUN(0, NULL,
		BPF_LD_MAP_VALUE(BPF_REG_1, 1, 0),
		BPF_MOV64_IMM(BPF_REG_2, 5),
		BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_1, BPF_REG_2, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	) == 0 && global_data[0] == 105, 1, "atomic add on global data");
}

/* ------------------------------------------------------------- calls */

static void test_calls(void)
{
	struct interp_error e;

	tap_is_int(RUN(0, NULL,
		BPF_MOV64_IMM(BPF_REG_1, 1),
		BPF_MOV64_IMM(BPF_REG_2, 10),
		BPF_MOV64_IMM(BPF_REG_3, 100),
		BPF_MOV64_IMM(BPF_REG_4, 1000),
		BPF_MOV64_IMM(BPF_REG_5, 10000),
		BPF_MOV64_IMM(BPF_REG_6, 7),
		BPF_EMIT_CALL(1),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN(),
	), 1 + 20 + 300 + 4000 + 50000 + 7, "helper gets r1-r5, r6 survives");
	tap_is_int(RUN(0, NULL,
		BPF_MOV64_IMM(BPF_REG_1, 0x6968),	/* "hi" */
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_EMIT_CALL(2),
		BPF_EXIT_INSN(),
	), 2, "helper reads a string on the stack");
	tap_is_int(RUN(0, NULL,
		BPF_LD_IMM64(BPF_REG_1, 0x6868686868686868),	/* no NUL */
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -16),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
		BPF_EMIT_CALL(6),
		BPF_EXIT_INSN(),
	), 4, "a string longer than the bound gives its prefix");
	RUN(0, &e,
		BPF_LD_IMM64(BPF_REG_1, 0x6868686868686868),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -2),
		BPF_EMIT_CALL(6),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT,
	       "a prefix running off the stack faults: %s", e.msg);
	RUN(0, &e,
		BPF_MOV64_IMM(BPF_REG_1, 42),
		BPF_EMIT_CALL(3),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EABORT && e.insn == 1 &&
	       strstr(e.msg, "call abort#3") && strstr(e.msg, "error(\"42\")"),
	       "helper stops the program: %s", e.msg);
	RUN(0, &e,
		BPF_MOV64_IMM(BPF_REG_1, 8),
		BPF_EMIT_CALL(5),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && e.insn == 1,
	       "helper given a bad pointer: %s", e.msg);

	/* a pointer from a helper works during the run, not after it */
	helper_buf[0] = 0;
	tap_is_int(RUN(0, NULL,
		BPF_EMIT_CALL(4),
		BPF_ST_MEM(BPF_DW, BPF_REG_0, 8, 99),
		BPF_LD_MAP_VALUE(BPF_REG_1, 1, 24),
		BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 8),
		BPF_EXIT_INSN(),
	), 99, "pointer returned by a helper is usable");
	RUN(0, &e,
		BPF_LD_MAP_VALUE(BPF_REG_1, 1, 24),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_1, 0),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 8),
		BPF_EXIT_INSN(),
	);
	tap_ok(e.status == INTERP_EFAULT && e.insn == 3,
	       "and forgotten after the run: %s", e.msg);

	/* BPF-to-BPF: r6-r9 kept for the caller, the caller's stack reachable */
	tap_is_int(RUN(0, NULL,
		BPF_MOV64_IMM(BPF_REG_6, 1000),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 5),
		BPF_MOV64_REG(BPF_REG_1, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -8),
		BPF_CALL_REL(4),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
		/* 9: f(p) { *p = 50; r6 = 1; own stack; return 2 * 7 } */
		BPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 50),
		BPF_MOV64_IMM(BPF_REG_6, 1),
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 7),
		BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -8),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 2),
		BPF_EXIT_INSN(),
	), 14 + 1000 + 50, "bpf-to-bpf call: own frame, r6 restored, caller's stack");

	/* rec(n) = n ? 1 + rec(n - 1) : 0 */
#define REC(n) RUN(n, &e,						\
		BPF_CALL_REL(1),					\
		BPF_EXIT_INSN(),					\
		BPF_MOV64_IMM(BPF_REG_0, 0),				\
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 4),			\
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -1),			\
		BPF_CALL_REL(-4),					\
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),			\
		BPF_EXIT_INSN(),					\
		BPF_EXIT_INSN())
	tap_is_int(REC(6), 6, "recursion 8 frames deep");
	tap_ok(REC(7) == BAD && e.status == INTERP_EDEPTH && e.insn == 5,
	       "9 frames: %s", e.msg);

	/* bpf_loop(): a callback through ld_imm64 BPF_PSEUDO_FUNC */
	tap_is_int(RUN(0, NULL,
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
		BPF_MOV64_IMM(BPF_REG_1, 10),
		BPF_LD_IMM64_RAW(BPF_REG_2, BPF_PSEUDO_FUNC, 9),
		BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -8),
		BPF_MOV64_IMM(BPF_REG_4, 0),
		BPF_EMIT_CALL(181),
		BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
		BPF_ALU64_IMM(BPF_MUL, BPF_REG_0, 1000),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN(),
		/* 12: cb(i, ctx) { *ctx += i; return 0 } */
		BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_2, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_3, BPF_REG_1),
		BPF_STX_MEM(BPF_DW, BPF_REG_2, BPF_REG_3, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN(),
	), 10045, "bpf_loop callback sees the caller's stack");
}

/* ----------------------------------------------- budget and validation */

static void test_budget(void)
{
	struct interp_error e;

	interp_set_budget(ctx, 1000);
	RUN(0, &e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		BPF_JMP_A(-2),
	);
	tap_ok(e.status == INTERP_EBUDGET && strstr(e.msg, "budget") &&
	       interp_insns_executed(ctx) == 1000,
	       "runaway loop stops after the budget: %s", e.msg);
	interp_set_budget(ctx, 0);
}

static int prep_fails(const char *needle, struct interp_prog *p,
		      struct interp_error *e)
{
	int ok = !p && e->status == INTERP_EINVAL && strstr(e->msg, needle);

	if (!ok)
		printf("# got: %s\n", p ? "(accepted)" : e->msg);
	interp_prog_free(p);
	return ok;
}

static void test_validation(void)
{
	struct interp_error e;
	struct interp_prog *p;

	p = interp_prepare(INSNS(BPF_EXIT_INSN()), 0, &opts, &e);
	tap_ok(!p && e.status == INTERP_EINVAL, "empty program refused");
	tap_ok(prep_fails("unknown opcode", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		((struct bpf_insn){ .code = BPF_ALU64 | 0xe0 }),
		BPF_EXIT_INSN()), &e), "unknown ALU opcode: %s", e.msg);
	tap_ok(prep_fails("insn 1", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		((struct bpf_insn){ .code = 0xfe }),
		BPF_EXIT_INSN()), &e), "bad opcode names its insn: %s", e.msg);
	tap_ok(prep_fails("outside the program", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 5),
		BPF_EXIT_INSN()), &e), "jump out of the program: %s", e.msg);
	tap_ok(prep_fails("second half", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		((struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM })), &e),
	       "truncated ld_imm64: %s", e.msg);
	tap_ok(prep_fails("middle of ld_imm64", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 1),
		BPF_LD_IMM64(BPF_REG_0, 1),
		BPF_EXIT_INSN()), &e), "jump into ld_imm64: %s", e.msg);
	tap_ok(prep_fails("last instruction", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0)), &e),
	       "falling off the end: %s", e.msg);
	tap_ok(prep_fails("reserved", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		((struct bpf_insn){ .code = BPF_ALU64 | BPF_ADD | BPF_K,
				    .src_reg = 3, .imm = 1 }),
		BPF_EXIT_INSN()), &e), "reserved src_reg of a K op: %s", e.msg);
	tap_ok(prep_fails("reserved", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ALU64_REG_OFF(BPF_MOV, BPF_REG_0, BPF_REG_0, 24),
		BPF_EXIT_INSN()), &e), "movsx of 24 bits: %s", e.msg);
	tap_ok(prep_fails("invalid register", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_10, 0),
		BPF_EXIT_INSN()), &e), "writing r10: %s", e.msg);
	tap_ok(prep_fails("constant zero", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_ALU64_IMM(BPF_DIV, BPF_REG_0, 0),
		BPF_EXIT_INSN()), &e), "division by constant zero: %s", e.msg);
	tap_ok(prep_fails("out of range", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 1),
		BPF_ALU32_IMM(BPF_LSH, BPF_REG_0, 32),
		BPF_EXIT_INSN()), &e), "shift by constant 32 of a w reg: %s", e.msg);
	tap_ok(prep_fails("reads r6", PREP(&e,
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_6),
		BPF_EXIT_INSN()), &e), "uninitialized register: %s", e.msg);
	tap_ok(prep_fails("reads r0", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_1, 0),
		BPF_JMP_IMM(BPF_JEQ, BPF_REG_1, 0, 1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN()), &e), "r0 unset on one path to exit: %s", e.msg);
	tap_ok(prep_fails("reads r1", PREP(&e,
		BPF_EMIT_CALL(1),
		BPF_MOV64_REG(BPF_REG_0, BPF_REG_1),
		BPF_EXIT_INSN()), &e), "r1 read after a call clobbered it: %s",
	       e.msg);
	tap_ok(prep_fails("helper 77", PREP(&e,
		BPF_EMIT_CALL(77),
		BPF_EXIT_INSN()), &e), "unknown helper: %s", e.msg);
	tap_ok(prep_fails("kfunc", PREP(&e,
		((struct bpf_insn){ .code = BPF_JMP | BPF_CALL,
				    .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = 1 }),
		BPF_EXIT_INSN()), &e), "kfunc call: %s", e.msg);
	tap_ok(prep_fails("falls through", PREP(&e,
		BPF_CALL_REL(1),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_EXIT_INSN()), &e), "falling into a function: %s", e.msg);
	tap_ok(prep_fails("out of its function", PREP(&e,
		BPF_CALL_REL(1),
		BPF_EXIT_INSN(),
		BPF_JMP_A(-2)), &e), "jump out of a function: %s", e.msg);
	tap_ok(prep_fails("resolve", PREP(&e,
		BPF_LD_MAP_VALUE(BPF_REG_0, 9, 0),
		BPF_EXIT_INSN()), &e), "unresolvable ld_imm64: %s", e.msg);
	tap_ok(prep_fails("packet", PREP(&e,
		((struct bpf_insn){ .code = BPF_LD | BPF_ABS | BPF_W }),
		BPF_EXIT_INSN()), &e), "legacy LD_ABS: %s", e.msg);
	tap_ok(prep_fails("unknown atomic", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_ATOMIC_OP(BPF_DW, BPF_SUB, BPF_REG_10, BPF_REG_0, -8),
		BPF_EXIT_INSN()), &e), "atomic sub does not exist: %s", e.msg);
	tap_ok(prep_fails("reserved", PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT, .imm = 1 })),
		&e), "exit with imm set: %s", e.msg);

	/* and usage errors at run time */
	p = PREP(&e, BPF_MOV64_IMM(BPF_REG_0, 3), BPF_EXIT_INSN());
	tap_ok(p && interp_run(ctx, p, 1, 0, NULL, &e) &&
	       e.status == INTERP_EUSAGE, "running from a non-entry: %s", e.msg);
	interp_prog_free(p);
}

/*
 * Random programs of valid-looking instructions with random registers,
 * offsets and immediates: whatever validation lets through must run to an
 * exit or a clean error. Registers are set first so that some get through.
 */
static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 8) % n;
}

/* a base register for memory: ctx (r1), stack (r6, r10), or any */
static uint8_t rnd_base(unsigned int *seed)
{
	static const uint8_t bases[] = { 1, 6, 10, 10, 6, 1, 10 };

	return rnd(seed, 8) ? bases[rnd(seed, sizeof(bases))] : rnd(seed, 11);
}

/* mostly inside what base points to (see test_random), now and then not */
static int16_t rnd_off(unsigned int *seed, uint8_t base)
{
	int k = (int)rnd(seed, 8);

	if (!rnd(seed, 8))
		return (int16_t)((int)rnd(seed, 600) - 560);
	if (base == 1)
		return (int16_t)(8 * k);		/* ctx: 64 bytes */
	if (base == 6)
		return (int16_t)(8 * k - 8 * (int)rnd(seed, 56));	/* r10 - 64 */
	return (int16_t)(-8 - 8 * (int)rnd(seed, 63));
}

static struct bpf_insn random_insn(unsigned int *seed)
{
	static const uint8_t alu_ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
		BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
	};
	static const uint8_t jmp_ops[] = {
		BPF_JA, BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT,
		BPF_JSGE, BPF_JLT, BPF_JLE, BPF_JSLT, BPF_JSLE, BPF_CALL,
	};
	static const int32_t atomics[] = {
		BPF_ADD, BPF_ADD | BPF_FETCH, BPF_OR, BPF_AND | BPF_FETCH,
		BPF_XOR, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
		BPF_LOAD_ACQ, BPF_STORE_REL,
	};
	static const int32_t ids[] = { 1, 2, 5, 181, 3 };
	static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	struct bpf_insn in = { 0 };
	unsigned int kind = rnd(seed, 10);

	if (kind < 4) {				/* ALU */
		uint8_t op = alu_ops[rnd(seed, sizeof(alu_ops))];
		bool x = rnd(seed, 2) && op != BPF_NEG;
		bool is64 = rnd(seed, 2);

		in.code = (is64 ? BPF_ALU64 : BPF_ALU) | op | (x ? BPF_X : 0);
		in.dst_reg = rnd(seed, 10);
		if (x)
			in.src_reg = rnd(seed, 11);
		else if (op != BPF_NEG)
			in.imm = (int32_t)rnd(seed, 200) - 100;
		if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
			in.imm = x ? 0 : (int32_t)rnd(seed, is64 ? 64 : 32);
		if ((op == BPF_DIV || op == BPF_MOD) && !x && !in.imm)
			in.imm = 3;
		if (op == BPF_DIV || op == BPF_MOD)
			in.off = rnd(seed, 2);
		if (op == BPF_MOV && x)
			in.off = (int16_t)(rnd(seed, is64 ? 4 : 3) * 8);
		if (op == BPF_END) {
			in.code &= is64 ? ~BPF_X : 0xff;
			in.src_reg = 0;
			in.imm = 16 << rnd(seed, 3);
		}
	} else if (kind < 6) {			/* jumps and calls */
		uint8_t op = jmp_ops[rnd(seed, sizeof(jmp_ops))];
		bool x = rnd(seed, 2);

		in.code = (rnd(seed, 2) ? BPF_JMP : BPF_JMP32) | op;
		if (op == BPF_CALL) {
			in.code = BPF_JMP | BPF_CALL;
			in.src_reg = rnd(seed, 3) ? 0 : BPF_PSEUDO_CALL;
			in.imm = in.src_reg ? (int32_t)rnd(seed, 7) - 3
					    : ids[rnd(seed, sizeof(ids) / 4)];
		} else if (op == BPF_JA) {
			in.off = (int16_t)rnd(seed, 7) - 3;
			if (BPF_CLASS(in.code) == BPF_JMP32) {
				in.imm = in.off;
				in.off = 0;
			}
		} else {
			in.code |= x ? BPF_X : 0;
			in.dst_reg = rnd(seed, 11);
			in.src_reg = x ? rnd(seed, 11) : 0;
			in.imm = x ? 0 : (int32_t)rnd(seed, 20) - 10;
			in.off = (int16_t)rnd(seed, 7) - 3;
		}
	} else if (kind < 8) {			/* loads */
		uint8_t sz = sizes[rnd(seed, 4)];

		in.code = BPF_LDX | sz |
			  (sz != BPF_DW && rnd(seed, 3) == 0 ? BPF_MEMSX : BPF_MEM);
		in.dst_reg = rnd(seed, 10);
		in.src_reg = rnd_base(seed);
		in.off = rnd_off(seed, in.src_reg);
	} else if (kind < 9) {			/* stores */
		in.code = (rnd(seed, 2) ? BPF_ST : BPF_STX) |
			  sizes[rnd(seed, 4)] | BPF_MEM;
		in.dst_reg = rnd_base(seed);
		if (BPF_CLASS(in.code) == BPF_STX)
			in.src_reg = rnd(seed, 11);
		else
			in.imm = (int32_t)rnd(seed, 1000);
		in.off = rnd_off(seed, in.dst_reg);
	} else {				/* atomics */
		in.code = BPF_STX | BPF_ATOMIC | (rnd(seed, 2) ? BPF_DW : BPF_W);
		in.dst_reg = rnd_base(seed);
		in.src_reg = rnd(seed, 10);
		in.imm = atomics[rnd(seed, sizeof(atomics) / 4)];
		if (in.imm == BPF_LOAD_ACQ) {	/* dst = *(src + off) */
			in.code = BPF_STX | BPF_ATOMIC | sizes[rnd(seed, 4)];
			in.src_reg = in.dst_reg;
			in.dst_reg = rnd(seed, 10);
		}
		in.off = rnd_off(seed, in.dst_reg);
	}
	if (rnd(seed, 40) == 0)			/* and now and then, damage */
		((uint8_t *)&in)[rnd(seed, 8)] ^= (uint8_t)(1u << rnd(seed, 8));
	return in;
}

static void test_random(void)
{
	uint64_t ctxbuf[8] = { 0 };
	unsigned int seed = 77;
	size_t accepted = 0, clean = 0, n_err[INTERP_EUSAGE + 1] = { 0 };

	interp_register_region(ctx, ctxbuf, sizeof(ctxbuf), true);
	interp_set_budget(ctx, 10000);
	for (int round = 0; round < 20000; round++) {
		struct bpf_insn p[48];
		struct interp_prog *prog;
		struct interp_error e;
		size_t n = 0;
		uint64_t r0;
		int body;

		for (int k = 0; k < 10; k++)
			if (k != 1)
				p[n++] = BPF_MOV64_IMM(k, (int32_t)(seed >> (k + 3)) % 100);
		p[n++] = BPF_MOV64_REG(BPF_REG_6, BPF_REG_10);
		p[n++] = BPF_ALU64_IMM(BPF_ADD, BPF_REG_6, -64);
		body = 10 + round % 20;
		for (int k = 0; k < body; k++)
			p[n++] = random_insn(&seed);
		p[n++] = BPF_EXIT_INSN();
		prog = interp_prepare(p, n, &opts, &e);
		if (!prog) {
			if (getenv("INTERP_DEBUG") && round < 40)
				printf("# %s\n", e.msg);
			continue;
		}
		accepted++;
		if (interp_run(ctx, prog, 0, (uint64_t)(uintptr_t)ctxbuf, &r0,
			       &e) == 0)
			clean++;
		else if (e.status <= INTERP_EUSAGE)
			n_err[e.status]++;
		interp_prog_free(prog);
	}
	interp_set_budget(ctx, 0);
	interp_unregister_region(ctx, ctxbuf);
	tap_ok(accepted > 100, "20000 random programs: %zu accepted, %zu exit, "
	       "%zu faults, %zu over budget, %zu too deep, %zu aborted",
	       accepted, clean, n_err[INTERP_EFAULT], n_err[INTERP_EBUDGET],
	       n_err[INTERP_EDEPTH], n_err[INTERP_EABORT]);
}

/* ---------------------------------------------------------- real clang */

long ip_checksum(const unsigned char *buf, long len);
unsigned int ip_hash32(const unsigned char *p, unsigned int len,
		       unsigned int seed);
long ip_fib(long n);
long ip_sort(long *a, long n);
long ip_divs(long a, long b);
long ip_divs32(int a, int b);
unsigned long ip_divu(unsigned long a, unsigned long b, unsigned int c,
		      unsigned int d);
long ip_shifts(long a, unsigned long b, int c, unsigned int s);
unsigned long ip_bswap(unsigned long x);
long ip_sext(const signed char *b, const short *h, const int *w, long n);
long ip_struct(long seed);
long ip_switch(long x);
long ip_globals(long x);
long ip_atomics(long *p, int *q, long v);
long ip_loop(long n);
extern long counter, data_val;

struct section_copy {
	size_t shndx;
	void *buf;
	size_t len;
	bool writable;
};

struct bpf_obj {
	struct bpf_insn *insns;
	size_t n;
	struct {
		char name[32];
		uint32_t insn;
	} funcs[64];
	size_t n_funcs;
	uint32_t entries[64];
	struct section_copy data[8];
	size_t n_data;
	struct interp_prog *prog;
	char why[1024];
};

static int obj_resolve(void *user, unsigned int kind, int32_t imm,
		       int32_t next_imm, uint64_t *val)
{
	struct bpf_obj *o = user;

	if (kind != BPF_PSEUDO_MAP_VALUE)
		return -EINVAL;
	for (size_t i = 0; i < o->n_data; i++) {
		if (o->data[i].shndx != (size_t)imm)
			continue;
		if (next_imm < 0 || (size_t)next_imm >= o->data[i].len)
			return -ERANGE;
		*val = (uint64_t)(uintptr_t)o->data[i].buf + next_imm;
		return 0;
	}
	return -ENOENT;
}

/* what libbpf does for .text: ld_imm64 of data or functions, calls */
static int obj_relocate(struct bpf_obj *o, Elf *elf, Elf_Scn *rel,
			Elf_Data *syms, size_t text_shndx)
{
	Elf_Data *d = elf_getdata(rel, NULL);
	GElf_Shdr sh;

	gelf_getshdr(rel, &sh);
	for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
		GElf_Rel r;
		GElf_Sym s;
		size_t i;
		struct bpf_insn *in;

		gelf_getrel(d, (int)k, &r);
		gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &s);
		i = r.r_offset / 8;
		if (i >= o->n)
			return -1;
		in = &o->insns[i];
		if (GELF_R_TYPE(r.r_info) == R_BPF_64_32) {
			int64_t t = (int64_t)(s.st_value / 8) + in->imm + 1;

			in->imm = (int32_t)(t - (int64_t)(i + 1));
		} else if (GELF_R_TYPE(r.r_info) == R_BPF_64_64 && i + 1 < o->n) {
			uint64_t off = s.st_value + (uint32_t)in->imm;

			if (s.st_shndx == text_shndx) {
				in->src_reg = BPF_PSEUDO_FUNC;
				in->imm = (int32_t)(off / 8 - (i + 1));
			} else {
				in->src_reg = BPF_PSEUDO_MAP_VALUE;
				in->imm = s.st_shndx;
				in[1].imm = (int32_t)off;
			}
		} else {
			return -1;
		}
	}
	return 0;
}

static void obj_add_data(struct bpf_obj *o, Elf_Scn *scn, size_t shndx,
			 const GElf_Shdr *sh)
{
	struct section_copy *c;
	Elf_Data *d;

	if (o->n_data == ARRAY_SIZE(o->data))
		return;
	c = &o->data[o->n_data++];
	c->shndx = shndx;
	c->len = sh->sh_size ? sh->sh_size : 1;
	c->buf = calloc(1, (c->len + 15) & ~(size_t)15);
	c->writable = sh->sh_flags & SHF_WRITE;
	d = elf_getdata(scn, NULL);
	if (sh->sh_type == SHT_PROGBITS && d && d->d_buf)
		memcpy(c->buf, d->d_buf, d->d_size);
}

static int obj_load(struct bpf_obj *o, const char *path)
{
	Elf_Scn *scn = NULL, *rel = NULL;
	Elf_Data *syms = NULL;
	size_t text = 0, strndx, symstr = 0;
	struct interp_opts io = opts;
	struct interp_error e;
	int fd = open(path, O_RDONLY);
	Elf *elf;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	elf_version(EV_CURRENT);
	if (fd < 0) {
		snprintf(o->why, sizeof(o->why), "%s: %s", path, strerror(errno));
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getshdrstrndx(elf, &strndx))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		gelf_getshdr(scn, &sh);
		name = elf_strptr(elf, strndx, sh.sh_name);
		if (sh.sh_type == SHT_SYMTAB) {
			syms = elf_getdata(scn, NULL);
			symstr = sh.sh_link;
		} else if (name && !strcmp(name, ".text")) {
			Elf_Data *d = elf_getdata(scn, NULL);

			text = elf_ndxscn(scn);
			o->n = d->d_size / 8;
			o->insns = malloc(d->d_size);
			memcpy(o->insns, d->d_buf, d->d_size);
		} else if (sh.sh_type == SHT_REL && name &&
			   !strcmp(name, ".rel.text")) {
			rel = scn;
		} else if ((sh.sh_flags & SHF_ALLOC) &&
			   !(sh.sh_flags & SHF_EXECINSTR) &&
			   (sh.sh_type == SHT_PROGBITS || sh.sh_type == SHT_NOBITS)) {
			obj_add_data(o, scn, elf_ndxscn(scn), &sh);
		}
	}
	if (!text || !syms || (rel && obj_relocate(o, elf, rel, syms, text))) {
		snprintf(o->why, sizeof(o->why), "%s: no .text or bad relocations",
			 path);
		goto out;
	}
	for (size_t k = 0; k < syms->d_size / sizeof(Elf64_Sym); k++) {
		GElf_Sym s;

		gelf_getsym(syms, (int)k, &s);
		if (GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    GELF_ST_BIND(s.st_info) != STB_GLOBAL ||
		    s.st_shndx != text || o->n_funcs == ARRAY_SIZE(o->funcs))
			continue;
		snprintf(o->funcs[o->n_funcs].name, sizeof(o->funcs[0].name),
			 "%s", elf_strptr(elf, symstr, s.st_name));
		o->funcs[o->n_funcs].insn = (uint32_t)(s.st_value / 8);
		o->entries[o->n_funcs] = o->funcs[o->n_funcs].insn;
		o->n_funcs++;
	}
	io.resolve = obj_resolve;
	io.user = o;
	io.entries = o->entries;
	io.n_entries = o->n_funcs;
	o->prog = interp_prepare(o->insns, o->n, &io, &e);
	if (!o->prog) {
		snprintf(o->why, sizeof(o->why), "%s: %s", path, e.msg);
		goto out;
	}
	for (size_t i = 0; i < o->n_data; i++)
		interp_register_region(ctx, o->data[i].buf, o->data[i].len,
				       o->data[i].writable);
	rc = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}

static void obj_free(struct bpf_obj *o)
{
	for (size_t i = 0; i < o->n_data; i++) {
		interp_unregister_region(ctx, o->data[i].buf);
		free(o->data[i].buf);
	}
	interp_prog_free(o->prog);
	free(o->insns);
}

static int obj_func(const struct bpf_obj *o, const char *name)
{
	for (size_t i = 0; i < o->n_funcs; i++)
		if (!strcmp(o->funcs[i].name, name))
			return (int)o->funcs[i].insn;
	return -1;
}

/* calls a function of the object; BAD on error, with the message printed */
static uint64_t ocall(const struct bpf_obj *o, const char *name, uint64_t a,
		      uint64_t b, uint64_t c, uint64_t d,
		      struct interp_error *err)
{
	uint64_t args[4] = { a, b, c, d }, r0 = BAD;
	struct interp_error e0, *e = err ? err : &e0;
	int entry = obj_func(o, name);

	if (entry < 0) {
		printf("# %s: not in the object\n", name);
		return BAD;
	}
	if (interp_run_args(ctx, o->prog, (uint32_t)entry, args, 4, &r0, e)) {
		if (!err)
			printf("# %s: %s\n", name, e->msg);
		return BAD;
	}
	return r0;
}

#define P(x)	((uint64_t)(uintptr_t)(x))

static void rand_fill(void *p, size_t n, unsigned int seed)
{
	unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (unsigned char)(seed >> 16);
	}
}

/*
 * Bad bytecode must never crash the runner: flip bits of real programs,
 * and run whatever validation accepts, with a small budget. Under ASan
 * (scripts/run-tests.sh) this also proves no access escapes the checks.
 */
static void test_mutations(struct bpf_obj *o, unsigned char *buf)
{
	struct bpf_insn *m = malloc(o->n * sizeof(*m));
	struct interp_opts io = opts;
	size_t accepted = 0, runs = 0, stopped = 0;
	unsigned int seed = 2026;

	io.resolve = obj_resolve;
	io.user = o;
	io.entries = o->entries;
	io.n_entries = o->n_funcs;
	interp_set_budget(ctx, 5000);
	for (int round = 0; round < 3000; round++) {
		struct interp_prog *p;
		struct interp_error e;

		memcpy(m, o->insns, o->n * sizeof(*m));
		for (int k = 0; k <= round % 3; k++) {
			seed = seed * 1103515245u + 12345u;
			((unsigned char *)m)[(seed >> 4) % (o->n * 8)] ^=
				(unsigned char)(1u << ((seed >> 1) & 7));
		}
		p = interp_prepare(m, o->n, &io, &e);
		if (!p)
			continue;
		accepted++;
		for (int k = 0; k < 3; k++) {
			uint64_t args[5] = { P(buf), 64, P(buf + 128), 8, 0 };
			uint64_t r0;

			seed = seed * 1103515245u + 12345u;
			runs++;
			stopped += interp_run_args(ctx, p,
						   o->entries[(seed >> 8) % o->n_funcs],
						   args, 5, &r0, &e) != 0;
		}
		interp_prog_free(p);
	}
	interp_set_budget(ctx, 0);
	free(m);
	tap_ok(accepted > 0, "3000 mutated programs: %zu accepted, %zu runs, "
	       "%zu stopped with an error, no crash", accepted, runs, stopped);
}

static void test_object(int cpu, unsigned char *buf, size_t len)
{
	char path[512];
	struct bpf_obj o;
	struct interp_error e;
	long arr[64], arr_n[64];
	static const long div_cases[][2] = {
		{ 7, 3 }, { -7, 3 }, { 7, -3 }, { -7, -3 }, { INT64_MIN, 7 },
		{ INT64_MIN + 1, -1 }, { 1000000007, -13 }, { 0, 5 },
	};
	static const int div32_cases[][2] = {
		{ 7, 3 }, { -7, 3 }, { 7, -3 }, { INT32_MIN, 7 },
		{ INT32_MIN + 1, -1 }, { -1000007, 13 },
	};
	int ok;

	snprintf(path, sizeof(path), "%s/testsuite/unit/interp_progs.v%d.bpf.o",
		 BSTAP_BUILDDIR, cpu);
	if (obj_load(&o, path)) {
		printf("# %s\n", o.why);
		for (int i = 0; i < 16; i++)
			tap_ok(0, "v%d: load the object", cpu);
		return;
	}
	counter = 0;
	data_val = 42;
	interp_register_region(ctx, buf, len, false);
	tap_ok(o.n_funcs >= 13, "v%d: %zu insns, %zu functions loaded", cpu,
	       o.n, o.n_funcs);

	tap_is_int(ocall(&o, "ip_checksum", P(buf), len, 0, 0, NULL),
		   ip_checksum(buf, (long)len), "v%d: FNV-1a checksum loop", cpu);
	tap_is_int(ocall(&o, "ip_hash32", P(buf), 1000, 0x9747b28c, 0, NULL),
		   ip_hash32(buf, 1000, 0x9747b28c), "v%d: 32-bit murmur-style hash", cpu);
	tap_is_int(ocall(&o, "ip_fib", 7, 0, 0, 0, NULL), ip_fib(7),
		   "v%d: recursive fib(7)", cpu);
	ocall(&o, "ip_fib", 12, 0, 0, 0, &e);
	tap_ok(e.status == INTERP_EDEPTH, "v%d: fib(12) is too deep: %s", cpu,
	       e.msg);

	rand_fill(arr, sizeof(arr), 7);
	memcpy(arr_n, arr, sizeof(arr));
	interp_register_region(ctx, arr, sizeof(arr), true);
	ok = (long)ocall(&o, "ip_sort", P(arr), 64, 0, 0, NULL) ==
	     ip_sort(arr_n, 64) && !memcmp(arr, arr_n, sizeof(arr));
	interp_unregister_region(ctx, arr);
	tap_ok(ok, "v%d: insertion sort of 64 longs", cpu);

	if (cpu >= 4) {
		ok = 1;
		for (size_t i = 0; i < ARRAY_SIZE(div_cases); i++) {
			long a = div_cases[i][0], b = div_cases[i][1];
			long got = (long)ocall(&o, "ip_divs", (uint64_t)a,
					       (uint64_t)b, 0, 0, NULL);

			if (got != ip_divs(a, b)) {
				printf("# %ld / %ld: got %ld want %ld\n", a, b,
				       got, ip_divs(a, b));
				ok = 0;
			}
		}
		tap_ok(ok, "v%d: signed 64-bit / and %%", cpu);
		ok = 1;
		for (size_t i = 0; i < ARRAY_SIZE(div32_cases); i++) {
			int a = div32_cases[i][0], b = div32_cases[i][1];
			long got = (long)ocall(&o, "ip_divs32",
					       (uint64_t)(uint32_t)a,
					       (uint64_t)(uint32_t)b, 0, 0, NULL);

			if (got != ip_divs32(a, b)) {
				printf("# %d / %d: got %ld want %ld\n", a, b,
				       got, ip_divs32(a, b));
				ok = 0;
			}
		}
		tap_ok(ok, "v%d: signed 32-bit / and %%", cpu);
	} else {
		tap_skip("CPU v3 has no signed division");
		tap_skip("CPU v3 has no signed division");
	}

	ok = 1;
	for (unsigned int i = 0; i < 40; i++) {
		uint64_t a, b, c, d;

		rand_fill(&a, 8, i);
		rand_fill(&b, 8, i + 100);
		rand_fill(&c, 8, i + 200);
		rand_fill(&d, 8, i + 300);
		b >>= i;
		b |= 1;
		c >>= 1;
		d = (d >> (i % 32)) | 1;
		ok &= ocall(&o, "ip_divu", a, b, (uint32_t)c, (uint32_t)d, NULL) ==
		      ip_divu(a, b, (uint32_t)c, (uint32_t)d);
		ok &= ocall(&o, "ip_shifts", a, b, (uint32_t)c, i, NULL) ==
		      (uint64_t)ip_shifts((long)a, b, (int)(uint32_t)c, i);
		ok &= ocall(&o, "ip_bswap", a, 0, 0, 0, NULL) == ip_bswap(a);
	}
	tap_ok(ok, "v%d: unsigned div/mod, shifts, byte swaps on random input",
	       cpu);

	tap_is_int(ocall(&o, "ip_sext", P(buf), P(buf + 256), P(buf + 1024), 100,
			 NULL),
		   ip_sext((const signed char *)buf, (const short *)(buf + 256),
			   (const int *)(buf + 1024), 100),
		   "v%d: sign-extending loads", cpu);
	tap_is_int(ocall(&o, "ip_struct", 12345, 0, 0, 0, NULL),
		   ip_struct(12345), "v%d: structs on the stack filled by a callee",
		   cpu);
	tap_is_int(ocall(&o, "ip_switch", 1000, 0, 0, 0, NULL), ip_switch(1000),
		   "v%d: switch in a loop", cpu);
	ok = 1;
	for (long x = 0; x < 6; x++)
		ok &= (long)ocall(&o, "ip_globals", (uint64_t)x * 77, 0, 0, 0,
				  NULL) == ip_globals(x * 77);
	tap_ok(ok, "v%d: .rodata, .data and .bss through ld_imm64", cpu);
	{
		long p1 = 1000, p2 = 1000;
		int q1 = 3, q2 = 3;

		interp_register_region(ctx, &p1, sizeof(p1), true);
		interp_register_region(ctx, &q1, sizeof(q1), true);
		tap_ok((long)ocall(&o, "ip_atomics", P(&p1), P(&q1), 21, 0,
				   NULL) == ip_atomics(&p2, &q2, 21) &&
		       p1 == p2 && q1 == q2, "v%d: atomics as clang emits them",
		       cpu);
		interp_unregister_region(ctx, &p1);
		interp_unregister_region(ctx, &q1);
	}
	tap_ok(ocall(&o, "ip_loop", 5, 0, 0, 0, NULL) == (uint64_t)ip_loop(5) &&
	       ocall(&o, "ip_loop", 100, 0, 0, 0, NULL) == (uint64_t)ip_loop(100),
	       "v%d: bpf_loop with a static callback", cpu);

	/* the speed of the interpreter on compiled code */
	{
		struct timespec t0, t1;
		double s;
		uint64_t insns;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		ocall(&o, "ip_checksum", P(buf), len, 0, 0, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		insns = interp_insns_executed(ctx);
		s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
		printf("# v%d checksum of %zu bytes: %" PRIu64
		       " insns in %.3f s = %.0f M insns/s\n", cpu, len, insns,
		       s, insns / s / 1e6);
	}
	test_mutations(&o, buf);
	interp_unregister_region(ctx, buf);
	obj_free(&o);
}

static void bench_loop(void)
{
	struct interp_prog *p;
	struct interp_error e;
	struct timespec t0, t1;
	uint64_t r0 = 0;
	double s;
	const int n = 20000000;

	p = PREP(&e,
		BPF_MOV64_IMM(BPF_REG_0, 0),
		BPF_MOV64_IMM(BPF_REG_2, 0),
		BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
		BPF_JMP_IMM(BPF_JLT, BPF_REG_2, n, -3),
		BPF_EXIT_INSN());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	interp_run(ctx, p, 0, 0, &r0, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# ALU loop: %" PRIu64 " insns in %.3f s = %.0f M insns/s\n",
	       interp_insns_executed(ctx), s,
	       interp_insns_executed(ctx) / s / 1e6);
	tap_is_int(r0, (long long)n * (n - 1) / 2, "benchmark loop result");
	interp_prog_free(p);

	/* what a timer probe pays per run besides its instructions */
	p = PREP(&e, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 1000000; i++)
		interp_run(ctx, p, 0, 0, &r0, &e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# interp_run of a 2-insn program: %.0f ns per run\n", s * 1e3);
	interp_prog_free(p);
}

int main(void)
{
	size_t len = 1 << 20;
	unsigned char *buf = malloc(len);

	setvbuf(stdout, NULL, _IOLBF, 0);
	ctx = interp_ctx_new(NULL);
	setup_helpers();
	interp_register_region(ctx, global_data, sizeof(global_data), true);
	rand_fill(buf, len, 1);

	test_alu();
	test_jumps();
	test_memory();
	test_atomics();
	test_calls();
	test_budget();
	test_validation();
	test_random();
	test_object(3, buf, len);
	test_object(4, buf, len);
	bench_loop();

	interp_ctx_free(ctx);
	free(buf);
	return tap_done();
}
