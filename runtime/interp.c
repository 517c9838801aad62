// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runner tier's eBPF interpreter; see interp.h.
 *
 * interp_prepare() does all decoding and validation once, turning each
 * instruction into a struct xinsn whose op names the exact operation
 * (sdiv vs div, movsx vs mov, which END...), so the hot loop is a computed
 * goto per instruction with no further decoding: no field needs checking
 * at run time except the addresses of memory accesses.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_insn.h"
#include "interp.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the interpreter assumes a little-endian host, as BPF objects are bpfel"
#endif

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* BPF_PSEUDO_FUNC values: an instruction index behind a tag, never an address */
#define FUNC_TAG	0xbf5fc0de00000000ULL
#define FUNC_TAG_MASK	0xffffffff00000000ULL

/* Every operation the hot loop knows; one label each. */
#define ALU_OPS(X, W)							\
	X(W##_ADD_K) X(W##_ADD_X) X(W##_SUB_K) X(W##_SUB_X)		\
	X(W##_MUL_K) X(W##_MUL_X) X(W##_DIV_K) X(W##_DIV_X)		\
	X(W##_SDIV_K) X(W##_SDIV_X) X(W##_MOD_K) X(W##_MOD_X)		\
	X(W##_SMOD_K) X(W##_SMOD_X) X(W##_OR_K) X(W##_OR_X)		\
	X(W##_AND_K) X(W##_AND_X) X(W##_XOR_K) X(W##_XOR_X)		\
	X(W##_LSH_K) X(W##_LSH_X) X(W##_RSH_K) X(W##_RSH_X)		\
	X(W##_ARSH_K) X(W##_ARSH_X) X(W##_MOV_K) X(W##_MOV_X)		\
	X(W##_MOVSX8) X(W##_MOVSX16) X(W##_NEG)
#define JMP_OPS(X, W)							\
	X(W##_JEQ_K) X(W##_JEQ_X) X(W##_JNE_K) X(W##_JNE_X)		\
	X(W##_JGT_K) X(W##_JGT_X) X(W##_JGE_K) X(W##_JGE_X)		\
	X(W##_JLT_K) X(W##_JLT_X) X(W##_JLE_K) X(W##_JLE_X)		\
	X(W##_JSGT_K) X(W##_JSGT_X) X(W##_JSGE_K) X(W##_JSGE_X)		\
	X(W##_JSLT_K) X(W##_JSLT_X) X(W##_JSLE_K) X(W##_JSLE_X)		\
	X(W##_JSET_K) X(W##_JSET_X)
#define ATOMIC_OPS(X, W)						\
	X(W##_AADD) X(W##_AADD_F) X(W##_AOR) X(W##_AOR_F)		\
	X(W##_AAND) X(W##_AAND_F) X(W##_AXOR) X(W##_AXOR_F)		\
	X(W##_XCHG) X(W##_CMPXCHG)
#define SIZED_OPS(X, W)							\
	X(LDX_##W) X(STX_##W) X(ST_##W) X(LDACQ_##W) X(STREL_##W)
#define ALL_OPS(X)							\
	ALU_OPS(X, A64) ALU_OPS(X, A32) X(A64_MOVSX32)			\
	X(ZEXT16) X(ZEXT32) X(NOP) X(BSWAP16) X(BSWAP32) X(BSWAP64)	\
	JMP_OPS(X, J64) JMP_OPS(X, J32)					\
	X(JA) X(CALL) X(CALL_REL) X(EXIT) X(LD_IMM64)			\
	SIZED_OPS(X, B) SIZED_OPS(X, H) SIZED_OPS(X, W) SIZED_OPS(X, DW)	\
	X(LDXS_B) X(LDXS_H) X(LDXS_W)					\
	ATOMIC_OPS(X, W) ATOMIC_OPS(X, DW)

enum xop {
#define X(name) OP_##name,
	ALL_OPS(X)
#undef X
	OP__COUNT
};

/* a decoded instruction */
struct xinsn {
	uint8_t op;		/* enum xop */
	uint8_t dst;
	uint8_t src;
	uint8_t pad;
	int32_t off;		/* memory offset, or absolute jump/call target */
	union {
		int64_t imm;	/* sign-extended imm, or the ld_imm64 value */
		interp_helper_fn fn;
	};
};

/* per-instruction facts found by validation */
enum {
	F_SECOND = 1,		/* second slot of ld_imm64: not an instruction */
	F_FUNC = 2,		/* starts a function */
	F_ENTRY = 4,		/* interp_run() may start here */
	F_CALLBACK = 8,		/* target of a BPF_PSEUDO_FUNC */
	F_SEEN = 16,		/* reached by the register analysis */
};

struct interp_prog {
	size_t n;
	struct xinsn *x;
	struct bpf_insn *orig;		/* for messages */
	uint8_t *flags;
	struct interp_helper *helpers;	/* copy, for disassembly */
	size_t n_helpers;
};

struct region {
	uint64_t base;
	uint64_t len;
	bool writable;
};

struct frame {
	const struct xinsn *ret;
	uint64_t saved[5];		/* the caller's r6-r10 */
};

struct interp_ctx {
	void *user;
	uint64_t budget_max;
	uint64_t budget;		/* left in the current run */
	struct region *regions;
	size_t n_regions, cap_regions, region_mark;
	bool running;
	const struct interp_prog *prog;	/* running */
	int cur_insn;			/* of the helper call in progress */
	unsigned int depth;		/* frames in use */
	struct frame frames[INTERP_MAX_FRAMES];
	struct interp_error err;
	_Alignas(16) uint8_t stack[INTERP_MAX_FRAMES * INTERP_STACK_SIZE];
};

/* ---------------------------------------------------------- messages */

static const char *const alu_names[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	"neg", "%=", "^=", "=", "s>>=", "end", NULL, NULL,
};
static const char *const jmp_names[16] = {
	"ja", "==", ">", ">=", "&", "!=", "s>", "s>=",
	"call", "exit", "<", "<=", "s<", "s<=", "jcond", NULL,
};
static const char *const size_names[4] = { "u32", "u16", "u8", "u64" };

static void disasm_alu(const struct bpf_insn *in, char *buf, size_t len)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	char r = is64 ? 'r' : 'w';
	unsigned int op = BPF_OP(in->code) >> 4;
	const char *name = alu_names[op];

	if (BPF_OP(in->code) == BPF_END) {
		const char *kind = is64 ? "bswap" :
			BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le";

		snprintf(buf, len, "r%u = %s%d r%u", in->dst_reg, kind,
			 in->imm, in->dst_reg);
	} else if (BPF_OP(in->code) == BPF_NEG) {
		snprintf(buf, len, "%c%u = -%c%u", r, in->dst_reg, r,
			 in->dst_reg);
	} else if (!name) {
		snprintf(buf, len, "(bad alu opcode 0x%02x)", in->code);
	} else if (BPF_OP(in->code) == BPF_MOV && in->off &&
		   BPF_SRC(in->code) == BPF_X) {
		snprintf(buf, len, "%c%u = (s%d)%c%u", r, in->dst_reg,
			 in->off, r, in->src_reg);
	} else {
		const char *s = in->off == 1 ? "s" : "";

		if (BPF_OP(in->code) != BPF_DIV && BPF_OP(in->code) != BPF_MOD)
			s = "";
		if (BPF_SRC(in->code) == BPF_X)
			snprintf(buf, len, "%c%u %s%s %c%u", r, in->dst_reg, s,
				 name, r, in->src_reg);
		else
			snprintf(buf, len, "%c%u %s%s %d", r, in->dst_reg, s,
				 name, in->imm);
	}
}

static void disasm_jmp(const struct bpf_insn *in,
		       const struct interp_helper *helpers, size_t n_helpers,
		       char *buf, size_t len)
{
	char r = BPF_CLASS(in->code) == BPF_JMP32 ? 'w' : 'r';
	unsigned int op = BPF_OP(in->code);
	const char *name = jmp_names[op >> 4];

	if (op == BPF_JA) {
		if (BPF_CLASS(in->code) == BPF_JMP32)
			snprintf(buf, len, "gotol pc%+d", in->imm);
		else
			snprintf(buf, len, "goto pc%+d", in->off);
	} else if (op == BPF_CALL) {
		if (in->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, len, "call pc%+d", in->imm);
		else if (in->src_reg == BPF_PSEUDO_KFUNC_CALL)
			snprintf(buf, len, "call kfunc#%d", in->imm);
		else if (in->imm >= 0 && (size_t)in->imm < n_helpers &&
			 helpers[in->imm].name)
			snprintf(buf, len, "call %s#%d",
				 helpers[in->imm].name, in->imm);
		else
			snprintf(buf, len, "call #%d", in->imm);
	} else if (op == BPF_EXIT) {
		snprintf(buf, len, "exit");
	} else if (!name || op == BPF_JCOND) {
		snprintf(buf, len, "(bad jump opcode 0x%02x)", in->code);
	} else if (BPF_SRC(in->code) == BPF_X) {
		snprintf(buf, len, "if %c%u %s %c%u goto pc%+d", r, in->dst_reg,
			 name, r, in->src_reg, in->off);
	} else {
		snprintf(buf, len, "if %c%u %s %d goto pc%+d", r, in->dst_reg,
			 name, in->imm, in->off);
	}
}

static void disasm_atomic(const struct bpf_insn *in, char *buf, size_t len)
{
	const char *sz = size_names[BPF_SIZE(in->code) >> 3];
	const char *bits = BPF_SIZE(in->code) == BPF_DW ? "64" : "";
	const char *name;

	switch (in->imm & ~BPF_FETCH) {
	case BPF_ADD: name = "add"; break;
	case BPF_OR: name = "or"; break;
	case BPF_AND: name = "and"; break;
	case BPF_XOR: name = "xor"; break;
	default: name = NULL; break;
	}
	if (in->imm == BPF_XCHG)
		snprintf(buf, len, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)",
			 in->src_reg, bits, sz, in->dst_reg, in->off,
			 in->src_reg);
	else if (in->imm == BPF_CMPXCHG)
		snprintf(buf, len,
			 "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)",
			 bits, sz, in->dst_reg, in->off, in->src_reg);
	else if (in->imm == BPF_LOAD_ACQ)
		snprintf(buf, len, "r%u = load_acquire((%s *)(r%u %+d))",
			 in->dst_reg, sz, in->src_reg, in->off);
	else if (in->imm == BPF_STORE_REL)
		snprintf(buf, len, "store_release((%s *)(r%u %+d), r%u)",
			 sz, in->dst_reg, in->off, in->src_reg);
	else if (name && (in->imm & BPF_FETCH))
		snprintf(buf, len, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)",
			 in->src_reg, bits, name, sz, in->dst_reg, in->off,
			 in->src_reg);
	else if (name)
		snprintf(buf, len, "lock *(%s *)(r%u %+d) %s r%u", sz,
			 in->dst_reg, in->off, alu_names[(in->imm >> 4) & 15],
			 in->src_reg);
	else
		snprintf(buf, len, "(bad atomic op 0x%x)", (unsigned)in->imm);
}

void interp_disasm(const struct bpf_insn *in, size_t avail,
		   const struct interp_helper *helpers, size_t n_helpers,
		   char *buf, size_t len)
{
	const char *sz = size_names[BPF_SIZE(in->code) >> 3];

	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		disasm_alu(in, buf, len);
		return;
	case BPF_JMP:
	case BPF_JMP32:
		disasm_jmp(in, helpers, n_helpers, buf, len);
		return;
	case BPF_LD:
		if (in->code != (BPF_LD | BPF_IMM | BPF_DW))
			snprintf(buf, len, "(unsupported ld opcode 0x%02x)",
				 in->code);
		else if (avail < 2)
			snprintf(buf, len, "r%u = (ld_imm64 without second half)",
				 in->dst_reg);
		else if (in->src_reg)
			snprintf(buf, len, "r%u = ld_imm64(kind %u, %d, %d)",
				 in->dst_reg, in->src_reg, in->imm, in[1].imm);
		else
			snprintf(buf, len, "r%u = 0x%" PRIx64 " ll", in->dst_reg,
				 (uint64_t)(uint32_t)in->imm |
				 (uint64_t)(uint32_t)in[1].imm << 32);
		return;
	case BPF_LDX:
		snprintf(buf, len, "r%u = *(%s%s *)(r%u %+d)", in->dst_reg,
			 BPF_MODE(in->code) == BPF_MEMSX ? "s" : "",
			 BPF_MODE(in->code) == BPF_MEMSX ? sz + 1 : sz,
			 in->src_reg, in->off);
		return;
	case BPF_ST:
		snprintf(buf, len, "*(%s *)(r%u %+d) = %d", sz, in->dst_reg,
			 in->off, in->imm);
		return;
	case BPF_STX:
		if (BPF_MODE(in->code) == BPF_ATOMIC)
			disasm_atomic(in, buf, len);
		else
			snprintf(buf, len, "*(%s *)(r%u %+d) = r%u", sz,
				 in->dst_reg, in->off, in->src_reg);
		return;
	}
}

static void set_errv(struct interp_error *e, enum interp_status st,
		     const struct bpf_insn *insns, size_t n, int idx,
		     const struct interp_helper *helpers, size_t n_helpers,
		     const char *fmt, va_list ap)
{
	size_t used = 0;

	e->status = st;
	e->insn = idx;
	e->addr = 0;
	if (idx >= 0 && (size_t)idx < n) {
		char dis[128];

		interp_disasm(&insns[idx], n - idx, helpers, n_helpers, dis,
			      sizeof(dis));
		used = snprintf(e->msg, sizeof(e->msg), "insn %d (%s): ", idx,
				dis);
		if (used >= sizeof(e->msg))
			used = sizeof(e->msg) - 1;
	}
	vsnprintf(e->msg + used, sizeof(e->msg) - used, fmt, ap);
}

static void prep_err(struct interp_error *e, const struct interp_prog *p,
		     int idx, enum interp_status st, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void prep_err(struct interp_error *e, const struct interp_prog *p,
		     int idx, enum interp_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_errv(e, st, p->orig, p->n, idx, p->helpers, p->n_helpers, fmt, ap);
	va_end(ap);
}

/* a run-time error of the running program; the first one wins */
static void run_err(struct interp_ctx *ctx, int idx, enum interp_status st,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void run_err(struct interp_ctx *ctx, int idx, enum interp_status st,
		    const char *fmt, ...)
{
	const struct interp_prog *p = ctx->prog;
	va_list ap;

	if (ctx->err.status != INTERP_OK)
		return;
	va_start(ap, fmt);
	set_errv(&ctx->err, st, p->orig, p->n, idx, p->helpers, p->n_helpers,
		 fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------ decoding */

static const uint8_t alu_xop[16][2] = {	/* [BPF_OP >> 4][is X] */
	[BPF_ADD >> 4] = { OP_A64_ADD_K, OP_A64_ADD_X },
	[BPF_SUB >> 4] = { OP_A64_SUB_K, OP_A64_SUB_X },
	[BPF_MUL >> 4] = { OP_A64_MUL_K, OP_A64_MUL_X },
	[BPF_DIV >> 4] = { OP_A64_DIV_K, OP_A64_DIV_X },
	[BPF_OR >> 4] = { OP_A64_OR_K, OP_A64_OR_X },
	[BPF_AND >> 4] = { OP_A64_AND_K, OP_A64_AND_X },
	[BPF_LSH >> 4] = { OP_A64_LSH_K, OP_A64_LSH_X },
	[BPF_RSH >> 4] = { OP_A64_RSH_K, OP_A64_RSH_X },
	[BPF_MOD >> 4] = { OP_A64_MOD_K, OP_A64_MOD_X },
	[BPF_XOR >> 4] = { OP_A64_XOR_K, OP_A64_XOR_X },
	[BPF_MOV >> 4] = { OP_A64_MOV_K, OP_A64_MOV_X },
	[BPF_ARSH >> 4] = { OP_A64_ARSH_K, OP_A64_ARSH_X },
};

/* the 32-bit op of a 64-bit one: both lists have the same order */
#define TO32(op)	((op) - OP_A64_ADD_K + OP_A32_ADD_K)

static int decode_alu(const struct interp_prog *p, size_t i,
		      struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	bool isx = BPF_SRC(in->code) == BPF_X;
	unsigned int op = BPF_OP(in->code);
	int bits = is64 ? 64 : 32;

	if (in->dst_reg > 9 || in->src_reg > 10)
		goto bad_reg;
	if (op == BPF_END) {
		if (in->src_reg || in->off ||
		    (in->imm != 16 && in->imm != 32 && in->imm != 64) ||
		    (is64 && isx))
			goto reserved;
		if (is64 || isx)	/* bswap, or to big endian */
			x->op = in->imm == 16 ? OP_BSWAP16 :
				in->imm == 32 ? OP_BSWAP32 : OP_BSWAP64;
		else
			x->op = in->imm == 16 ? OP_ZEXT16 :
				in->imm == 32 ? OP_ZEXT32 : OP_NOP;
		return 0;
	}
	if (op == BPF_NEG) {
		if (isx || in->src_reg || in->off || in->imm)
			goto reserved;
		x->op = is64 ? OP_A64_NEG : OP_A32_NEG;
		return 0;
	}
	if (op > BPF_END)
		goto unknown;
	if (isx ? in->imm != 0 : in->src_reg != 0)
		goto reserved;
	x->op = alu_xop[op >> 4][isx];
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1) {
		x->op = op == BPF_DIV ? (isx ? OP_A64_SDIV_X : OP_A64_SDIV_K)
				      : (isx ? OP_A64_SMOD_X : OP_A64_SMOD_K);
	} else if (op == BPF_MOV && isx && in->off) {
		if (in->off == 8)
			x->op = OP_A64_MOVSX8;
		else if (in->off == 16)
			x->op = OP_A64_MOVSX16;
		else if (in->off == 32 && is64)
			x->op = OP_A64_MOVSX32;
		else
			goto reserved;
	} else if (in->off) {
		goto reserved;
	}
	if (!is64 && x->op != OP_A64_MOVSX32)
		x->op = TO32(x->op);
	if (!isx && (op == BPF_DIV || op == BPF_MOD) &&
	    (is64 ? in->imm == 0 : (uint32_t)in->imm == 0)) {
		prep_err(e, p, i, INTERP_EINVAL, "division by constant zero");
		return -1;
	}
	if (!isx && (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
	    (in->imm < 0 || in->imm >= bits)) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "shift by %d is out of range for %d bits", in->imm,
			 bits);
		return -1;
	}
	return 0;
bad_reg:
	prep_err(e, p, i, INTERP_EINVAL, "invalid register");
	return -1;
reserved:
	prep_err(e, p, i, INTERP_EINVAL, "reserved fields are not zero or invalid");
	return -1;
unknown:
	prep_err(e, p, i, INTERP_EINVAL, "unknown opcode 0x%02x", in->code);
	return -1;
}

static const uint8_t jmp_xop[16][2] = {	/* [BPF_OP >> 4][is X] */
	[BPF_JEQ >> 4] = { OP_J64_JEQ_K, OP_J64_JEQ_X },
	[BPF_JGT >> 4] = { OP_J64_JGT_K, OP_J64_JGT_X },
	[BPF_JGE >> 4] = { OP_J64_JGE_K, OP_J64_JGE_X },
	[BPF_JSET >> 4] = { OP_J64_JSET_K, OP_J64_JSET_X },
	[BPF_JNE >> 4] = { OP_J64_JNE_K, OP_J64_JNE_X },
	[BPF_JSGT >> 4] = { OP_J64_JSGT_K, OP_J64_JSGT_X },
	[BPF_JSGE >> 4] = { OP_J64_JSGE_K, OP_J64_JSGE_X },
	[BPF_JLT >> 4] = { OP_J64_JLT_K, OP_J64_JLT_X },
	[BPF_JLE >> 4] = { OP_J64_JLE_K, OP_J64_JLE_X },
	[BPF_JSLT >> 4] = { OP_J64_JSLT_K, OP_J64_JSLT_X },
	[BPF_JSLE >> 4] = { OP_J64_JSLE_K, OP_J64_JSLE_X },
};

static int set_target(const struct interp_prog *p, size_t i, int64_t rel,
		      struct interp_error *e)
{
	int64_t t = (int64_t)i + 1 + rel;

	if (t < 0 || t >= (int64_t)p->n) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "jumps to %" PRId64 ", outside the program (0..%zu)",
			 t, p->n - 1);
		return -1;
	}
	p->x[i].off = (int32_t)t;
	return 0;
}

static int decode_call(const struct interp_prog *p, size_t i,
		       const struct interp_opts *o, struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];

	if (BPF_CLASS(in->code) != BPF_JMP || BPF_SRC(in->code) != BPF_K ||
	    in->dst_reg || in->off)
		goto reserved;
	if (in->src_reg == BPF_PSEUDO_CALL) {
		x->op = OP_CALL_REL;
		if (set_target(p, i, in->imm, e))
			return -1;
		p->flags[x->off] |= F_FUNC;
		return 0;
	}
	if (in->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "kfunc calls cannot run in the runner");
		return -1;
	}
	if (in->src_reg)
		goto reserved;
	if (in->imm < 0 || (size_t)in->imm >= o->n_helpers ||
	    !o->helpers[in->imm].fn) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "helper %d does not exist in the runner", in->imm);
		return -1;
	}
	x->op = OP_CALL;
	x->fn = o->helpers[in->imm].fn;
	return 0;
reserved:
	prep_err(e, p, i, INTERP_EINVAL, "reserved fields are not zero or invalid");
	return -1;
}

static int decode_jmp(const struct interp_prog *p, size_t i,
		      const struct interp_opts *o, struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];
	bool is32 = BPF_CLASS(in->code) == BPF_JMP32;
	bool isx = BPF_SRC(in->code) == BPF_X;
	unsigned int op = BPF_OP(in->code);

	switch (op) {
	case BPF_JA:
		if (isx || in->dst_reg || in->src_reg ||
		    (is32 ? in->off != 0 : in->imm != 0))
			goto reserved;
		x->op = OP_JA;
		return set_target(p, i, is32 ? in->imm : in->off, e);
	case BPF_CALL:
		return decode_call(p, i, o, e);
	case BPF_EXIT:
		if (is32 || isx || in->dst_reg || in->src_reg || in->off ||
		    in->imm)
			goto reserved;
		x->op = OP_EXIT;
		return 0;
	case BPF_JCOND:
	case 0xf0:
		prep_err(e, p, i, INTERP_EINVAL, "unknown opcode 0x%02x",
			 in->code);
		return -1;
	}
	if (in->dst_reg > 10 || in->src_reg > 10) {
		prep_err(e, p, i, INTERP_EINVAL, "invalid register");
		return -1;
	}
	if (isx ? in->imm != 0 : in->src_reg != 0)
		goto reserved;
	x->op = jmp_xop[op >> 4][isx];
	if (is32)
		x->op += OP_J32_JEQ_K - OP_J64_JEQ_K;
	return set_target(p, i, in->off, e);
reserved:
	prep_err(e, p, i, INTERP_EINVAL, "reserved fields are not zero or invalid");
	return -1;
}

static int decode_ld(const struct interp_prog *p, size_t i,
		     const struct interp_opts *o, struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];
	uint64_t v;
	int rc;

	if (in->code != (BPF_LD | BPF_IMM | BPF_DW)) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "legacy packet loads are not supported");
		return -1;
	}
	if (i + 1 >= p->n) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "ld_imm64 is missing its second half");
		return -1;
	}
	if (in->dst_reg > 9 || in->off || in[1].code || in[1].dst_reg ||
	    in[1].src_reg || in[1].off) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "reserved fields of ld_imm64 are not zero");
		return -1;
	}
	x->op = OP_LD_IMM64;
	p->flags[i + 1] |= F_SECOND;
	if (!in->src_reg) {
		x->imm = (int64_t)((uint64_t)(uint32_t)in->imm |
				   (uint64_t)(uint32_t)in[1].imm << 32);
		return 0;
	}
	if (in->src_reg == BPF_PSEUDO_FUNC) {
		if (in[1].imm || set_target(p, i, in->imm, e)) {
			if (in[1].imm)
				prep_err(e, p, i, INTERP_EINVAL,
					 "reserved fields of ld_imm64 are not zero");
			return -1;
		}
		p->flags[x->off] |= F_FUNC | F_CALLBACK;
		x->imm = (int64_t)(FUNC_TAG | (uint32_t)x->off);
		x->off = 0;
		return 0;
	}
	if (!o->resolve) {
		prep_err(e, p, i, INTERP_EINVAL,
			 "ld_imm64 of kind %u and nothing to resolve it",
			 in->src_reg);
		return -1;
	}
	rc = o->resolve(o->user, in->src_reg, in->imm, in[1].imm, &v);
	if (rc) {
		prep_err(e, p, i, INTERP_EINVAL, "cannot resolve ld_imm64: %s",
			 strerror(rc < 0 ? -rc : rc));
		return -1;
	}
	x->imm = (int64_t)v;
	return 0;
}

static const uint8_t ldx_xop[4] = { OP_LDX_W, OP_LDX_H, OP_LDX_B, OP_LDX_DW };
static const uint8_t ldxs_xop[4] = { OP_LDXS_W, OP_LDXS_H, OP_LDXS_B, 0 };
static const uint8_t stx_xop[4] = { OP_STX_W, OP_STX_H, OP_STX_B, OP_STX_DW };
static const uint8_t st_xop[4] = { OP_ST_W, OP_ST_H, OP_ST_B, OP_ST_DW };
static const uint8_t ldacq_xop[4] = {
	OP_LDACQ_W, OP_LDACQ_H, OP_LDACQ_B, OP_LDACQ_DW
};
static const uint8_t strel_xop[4] = {
	OP_STREL_W, OP_STREL_H, OP_STREL_B, OP_STREL_DW
};

static int decode_atomic(const struct interp_prog *p, size_t i,
			 struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];
	unsigned int sz = BPF_SIZE(in->code) >> 3;
	int base;

	if (in->imm == BPF_LOAD_ACQ || in->imm == BPF_STORE_REL) {
		if ((in->imm == BPF_LOAD_ACQ ? in->dst_reg > 9
					     : in->dst_reg > 10) ||
		    in->src_reg > 10)
			goto bad_reg;
		x->op = in->imm == BPF_LOAD_ACQ ? ldacq_xop[sz] : strel_xop[sz];
		return 0;
	}
	if (BPF_SIZE(in->code) != BPF_W && BPF_SIZE(in->code) != BPF_DW)
		goto reserved;
	if (in->dst_reg > 10 || in->src_reg > 9)
		goto bad_reg;
	base = BPF_SIZE(in->code) == BPF_W ? OP_W_AADD : OP_DW_AADD;
	switch (in->imm) {
	case BPF_ADD: x->op = base; break;
	case BPF_ADD | BPF_FETCH: x->op = base + 1; break;
	case BPF_OR: x->op = base + 2; break;
	case BPF_OR | BPF_FETCH: x->op = base + 3; break;
	case BPF_AND: x->op = base + 4; break;
	case BPF_AND | BPF_FETCH: x->op = base + 5; break;
	case BPF_XOR: x->op = base + 6; break;
	case BPF_XOR | BPF_FETCH: x->op = base + 7; break;
	case BPF_XCHG: x->op = base + 8; break;
	case BPF_CMPXCHG: x->op = base + 9; break;
	default:
		goto reserved;
	}
	return 0;
bad_reg:
	prep_err(e, p, i, INTERP_EINVAL, "invalid register");
	return -1;
reserved:
	prep_err(e, p, i, INTERP_EINVAL, "unknown atomic operation 0x%x",
		 (unsigned int)in->imm);
	return -1;
}

static int decode_mem(const struct interp_prog *p, size_t i,
		      struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];
	unsigned int sz = BPF_SIZE(in->code) >> 3;
	unsigned int mode = BPF_MODE(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		if (in->imm || (mode != BPF_MEM && mode != BPF_MEMSX) ||
		    (mode == BPF_MEMSX && BPF_SIZE(in->code) == BPF_DW))
			goto reserved;
		if (in->dst_reg > 9 || in->src_reg > 10)
			goto bad_reg;
		x->op = mode == BPF_MEM ? ldx_xop[sz] : ldxs_xop[sz];
		return 0;
	case BPF_ST:
		if (mode != BPF_MEM || in->src_reg)
			goto reserved;
		if (in->dst_reg > 10)
			goto bad_reg;
		x->op = st_xop[sz];
		return 0;
	default:	/* BPF_STX */
		if (mode == BPF_ATOMIC)
			return decode_atomic(p, i, e);
		if (mode != BPF_MEM || in->imm)
			goto reserved;
		if (in->dst_reg > 10 || in->src_reg > 10)
			goto bad_reg;
		x->op = stx_xop[sz];
		return 0;
	}
bad_reg:
	prep_err(e, p, i, INTERP_EINVAL, "invalid register");
	return -1;
reserved:
	prep_err(e, p, i, INTERP_EINVAL,
		 "unknown opcode 0x%02x or reserved fields not zero", in->code);
	return -1;
}

static int decode(const struct interp_prog *p, size_t i,
		  const struct interp_opts *o, struct interp_error *e)
{
	const struct bpf_insn *in = &p->orig[i];
	struct xinsn *x = &p->x[i];

	x->dst = in->dst_reg;
	x->src = in->src_reg;
	x->off = in->off;
	x->imm = in->imm;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return decode_alu(p, i, e);
	case BPF_JMP:
	case BPF_JMP32:
		return decode_jmp(p, i, o, e);
	case BPF_LD:
		return decode_ld(p, i, o, e);
	default:
		return decode_mem(p, i, e);
	}
}

/* ---------------------------------------------------------- validation */

/* the function (start index) each instruction belongs to */
static uint32_t *function_of(const struct interp_prog *p)
{
	uint32_t *fn = malloc(p->n * sizeof(*fn));
	uint32_t cur = 0;

	if (!fn)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		if (p->flags[i] & F_FUNC)
			cur = (uint32_t)i;
		fn[i] = cur;
	}
	return fn;
}

static bool ends_flow(const struct interp_prog *p, size_t i)
{
	return !(p->flags[i] & F_SECOND) &&
	       (p->x[i].op == OP_JA || p->x[i].op == OP_EXIT);
}

static bool is_jump(uint8_t op)
{
	return op == OP_JA || (op >= OP_J64_JEQ_K && op <= OP_J32_JSET_X);
}

/* jump targets: inside their function, never the second half of ld_imm64 */
static int check_flow(const struct interp_prog *p, struct interp_error *e)
{
	uint32_t *fn = function_of(p);
	int rc = -1;

	if (!fn) {
		prep_err(e, p, -1, INTERP_ENOMEM, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct xinsn *x = &p->x[i];

		if (p->flags[i] & F_SECOND)
			continue;
		if ((p->flags[i] & F_FUNC) && i && !ends_flow(p, i - 1)) {
			prep_err(e, p, i - 1, INTERP_EINVAL,
				 "control falls through into the function at insn %zu",
				 i);
			goto out;
		}
		if (!is_jump(x->op))
			continue;
		if (p->flags[x->off] & F_SECOND) {
			prep_err(e, p, i, INTERP_EINVAL,
				 "jumps into the middle of ld_imm64 at insn %d",
				 x->off - 1);
			goto out;
		}
		if (fn[x->off] != fn[i]) {
			prep_err(e, p, i, INTERP_EINVAL,
				 "jumps to insn %d, out of its function (insn %u)",
				 x->off, fn[i]);
			goto out;
		}
	}
	if (!ends_flow(p, p->n - 1)) {
		prep_err(e, p, p->n - 1, INTERP_EINVAL,
			 "the last instruction is not exit or goto");
		goto out;
	}
	for (size_t i = 0; i < p->n; i++) {
		if ((p->flags[i] & (F_FUNC | F_SECOND)) == (F_FUNC | F_SECOND)) {
			prep_err(e, p, i - 1, INTERP_EINVAL,
				 "a call targets the middle of ld_imm64");
			goto out;
		}
	}
	rc = 0;
out:
	free(fn);
	return rc;
}

#define R(n)		(1U << (n))
#define ARGS_MASK	(R(1) | R(2) | R(3) | R(4) | R(5))
#define CALL_CLOBBER	(R(0) | ARGS_MASK)

/* registers an instruction reads, and the ones it writes */
static void reg_use(const struct xinsn *x, const struct bpf_insn *in,
		    unsigned int *use, unsigned int *def)
{
	unsigned int op = x->op;

	*use = 0;
	*def = 0;
	switch (BPF_CLASS(in->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		*def = R(x->dst);
		if (op == OP_A64_MOV_K || op == OP_A32_MOV_K)
			break;
		if (BPF_OP(in->code) == BPF_MOV)
			*use = R(x->src);
		else if (BPF_SRC(in->code) == BPF_X &&
			 BPF_OP(in->code) != BPF_END)
			*use = R(x->dst) | R(x->src);
		else
			*use = R(x->dst);
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == OP_CALL || op == OP_CALL_REL)
			*def = CALL_CLOBBER;
		else if (op == OP_EXIT)
			*use = R(0);
		else if (op != OP_JA)
			*use = R(x->dst) |
			       (BPF_SRC(in->code) == BPF_X ? R(x->src) : 0);
		break;
	case BPF_LD:
		*def = R(x->dst);
		break;
	case BPF_LDX:
		*use = R(x->src);
		*def = R(x->dst);
		break;
	case BPF_ST:
		*use = R(x->dst);
		break;
	default:
		if (BPF_MODE(in->code) != BPF_ATOMIC) {
			*use = R(x->dst) | R(x->src);
		} else if (in->imm == BPF_LOAD_ACQ) {
			*use = R(x->src);
			*def = R(x->dst);
		} else if (in->imm == BPF_CMPXCHG) {
			*use = R(x->dst) | R(x->src) | R(0);
			*def = R(0);
		} else {
			*use = R(x->dst) | R(x->src);
			if (in->imm & BPF_FETCH)
				*def = R(x->src);
		}
	}
}

static int first_reg(unsigned int mask)
{
	return __builtin_ctz(mask);
}

/*
 * Must-be-set registers, forward over the flow graph from every function
 * start: a register read on some path before any write is refused, as the
 * kernel's verifier refuses it ("R3 !read_ok"). As there, a function only
 * reached by calls may return nothing (a void function leaves r0 unset);
 * an entry or a callback must set r0.
 */
static int check_regs(const struct interp_prog *p, struct interp_error *e)
{
	uint16_t *in_mask = malloc(p->n * sizeof(*in_mask));
	uint32_t *work = malloc(p->n * sizeof(*work));
	uint8_t *queued = calloc(p->n, 1);
	uint32_t *fn = function_of(p);
	size_t nw = 0;
	int rc = -1;

	if (!in_mask || !work || !queued || !fn) {
		prep_err(e, p, -1, INTERP_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->n; i++) {
		in_mask[i] = 0xffff;
		if (p->flags[i] & F_FUNC) {
			in_mask[i] = ARGS_MASK | R(10);
			work[nw++] = (uint32_t)i;
			queued[i] = 1;
		}
	}
	while (nw) {
		uint32_t i = work[--nw];
		const struct xinsn *x = &p->x[i];
		unsigned int use, def, out, succ[2], ns = 0;

		queued[i] = 0;
		p->flags[i] |= F_SEEN;
		reg_use(x, &p->orig[i], &use, &def);
		if (x->op == OP_EXIT &&
		    !(p->flags[fn[i]] & (F_ENTRY | F_CALLBACK)))
			use = 0;
		if (use & ~in_mask[i]) {
			prep_err(e, p, i, INTERP_EINVAL,
				 "reads r%d, which is not set on every path here",
				 first_reg(use & ~in_mask[i]));
			goto out;
		}
		out = (in_mask[i] | def) &
		      (x->op == OP_CALL || x->op == OP_CALL_REL ?
		       ~ARGS_MASK : ~0U);
		if (x->op == OP_LD_IMM64)
			succ[ns++] = i + 2;
		else if (x->op == OP_JA)
			succ[ns++] = x->off;
		else if (x->op != OP_EXIT)
			succ[ns++] = i + 1;
		if (is_jump(x->op) && x->op != OP_JA)
			succ[ns++] = x->off;
		for (unsigned int k = 0; k < ns; k++) {
			uint32_t s = succ[k];
			uint16_t m;

			/* flow checks made sure s is inside the program */
			m = (p->flags[s] & F_FUNC) ? in_mask[s]
						   : in_mask[s] & out;
			if (m == in_mask[s] && (p->flags[s] & F_SEEN))
				continue;
			in_mask[s] = m;
			if (!queued[s]) {
				queued[s] = 1;
				work[nw++] = s;
			}
		}
	}
	rc = 0;
out:
	free(in_mask);
	free(work);
	free(queued);
	free(fn);
	return rc;
}

void interp_prog_free(struct interp_prog *p)
{
	if (!p)
		return;
	free(p->x);
	free(p->orig);
	free(p->flags);
	free(p->helpers);
	free(p);
}

size_t interp_prog_len(const struct interp_prog *p)
{
	return p->n;
}

static struct interp_prog *prog_alloc(const struct bpf_insn *insns, size_t n,
				      const struct interp_opts *o)
{
	struct interp_prog *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->n = n;
	p->x = calloc(n, sizeof(*p->x));
	p->orig = malloc(n * sizeof(*p->orig));
	p->flags = calloc(n, 1);
	if (o->n_helpers)
		p->helpers = malloc(o->n_helpers * sizeof(*p->helpers));
	if (!p->x || !p->orig || !p->flags ||
	    (o->n_helpers && !p->helpers)) {
		interp_prog_free(p);
		return NULL;
	}
	memcpy(p->orig, insns, n * sizeof(*insns));
	if (o->n_helpers) {
		memcpy(p->helpers, o->helpers, o->n_helpers * sizeof(*p->helpers));
		p->n_helpers = o->n_helpers;
	}
	return p;
}

static int mark_entries(struct interp_prog *p, const struct interp_opts *o,
			struct interp_error *e)
{
	p->flags[0] |= F_FUNC | F_ENTRY;
	for (size_t k = 0; k < o->n_entries; k++) {
		uint32_t t = o->entries[k];

		if (t >= p->n) {
			prep_err(e, p, -1, INTERP_EINVAL,
				 "entry %u is outside the program (0..%zu)", t,
				 p->n - 1);
			return -1;
		}
		p->flags[t] |= F_FUNC | F_ENTRY;
	}
	return 0;
}

struct interp_prog *interp_prepare(const struct bpf_insn *insns, size_t n,
				   const struct interp_opts *opts,
				   struct interp_error *err)
{
	static const struct interp_opts none;
	const struct interp_opts *o = opts ? opts : &none;
	struct interp_error dummy;
	struct interp_error *e = err ? err : &dummy;
	struct interp_prog *p;

	memset(e, 0, sizeof(*e));
	e->insn = -1;
	if (!insns || !n || n > INTERP_MAX_INSNS) {
		e->status = INTERP_EINVAL;
		snprintf(e->msg, sizeof(e->msg),
			 "a program has 1 to %u instructions, not %zu",
			 INTERP_MAX_INSNS, insns ? n : 0);
		return NULL;
	}
	p = prog_alloc(insns, n, o);
	if (!p) {
		e->status = INTERP_ENOMEM;
		snprintf(e->msg, sizeof(e->msg), "out of memory");
		return NULL;
	}
	if (mark_entries(p, o, e))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (p->flags[i] & F_SECOND)
			continue;
		if (decode(p, i, o, e))
			goto fail;
		if (p->x[i].op == OP_LD_IMM64 && (p->flags[i + 1] & F_ENTRY)) {
			prep_err(e, p, i, INTERP_EINVAL,
				 "an entry is the middle of ld_imm64");
			goto fail;
		}
	}
	if (check_flow(p, e) || check_regs(p, e))
		goto fail;
	return p;
fail:
	interp_prog_free(p);
	return NULL;
}

/* ------------------------------------------------------------- contexts */

struct interp_ctx *interp_ctx_new(void *user)
{
	struct interp_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->user = user;
	ctx->budget_max = INTERP_DEFAULT_BUDGET;
	return ctx;
}

void interp_ctx_free(struct interp_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->regions);
	free(ctx);
}

void *interp_user(struct interp_ctx *ctx)
{
	return ctx->user;
}

void interp_set_budget(struct interp_ctx *ctx, uint64_t insns)
{
	ctx->budget_max = insns ? insns : INTERP_DEFAULT_BUDGET;
}

uint64_t interp_insns_executed(const struct interp_ctx *ctx)
{
	return ctx->budget_max - ctx->budget;
}

int interp_register_region(struct interp_ctx *ctx, const void *base,
			   size_t len, bool writable)
{
	uint64_t b = (uint64_t)(uintptr_t)base;

	if (!len || b + len < b)
		return -EINVAL;
	for (size_t i = 0; i < ctx->n_regions; i++) {
		const struct region *r = &ctx->regions[i];

		if (b < r->base + r->len && r->base < b + len)
			return -EINVAL;
	}
	if (ctx->n_regions == ctx->cap_regions) {
		size_t cap = ctx->cap_regions ? 2 * ctx->cap_regions : 8;
		struct region *nr = realloc(ctx->regions, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		ctx->regions = nr;
		ctx->cap_regions = cap;
	}
	ctx->regions[ctx->n_regions++] = (struct region){ b, len, writable };
	return 0;
}

int interp_unregister_region(struct interp_ctx *ctx, const void *base)
{
	uint64_t b = (uint64_t)(uintptr_t)base;

	if (ctx->running)
		return -EBUSY;
	for (size_t i = 0; i < ctx->n_regions; i++) {
		if (ctx->regions[i].base != b)
			continue;
		memmove(&ctx->regions[i], &ctx->regions[i + 1],
			(ctx->n_regions - i - 1) * sizeof(*ctx->regions));
		ctx->n_regions--;
		return 0;
	}
	return -ENOENT;
}

/* ---------------------------------------------------------- memory */

static uint64_t stack_top(const struct interp_ctx *ctx)
{
	return (uint64_t)(uintptr_t)(ctx->stack + sizeof(ctx->stack));
}

/* the lowest stack address of frame depth (1 = the outermost) */
static uint64_t stack_low(const struct interp_ctx *ctx, unsigned int depth)
{
	return stack_top(ctx) - (uint64_t)depth * INTERP_STACK_SIZE;
}

/* newest first: what a helper just handed out is what is used next */
static const struct region *find_region(const struct interp_ctx *ctx,
					uint64_t a, uint64_t size)
{
	for (size_t i = ctx->n_regions; i-- > 0;) {
		const struct region *r = &ctx->regions[i];

		if (a - r->base < r->len && r->len - (a - r->base) >= size)
			return r;
	}
	return NULL;
}

/* slow path of an access outside the frames in use */
static bool region_ok(const struct interp_ctx *ctx, uint64_t a, uint64_t size,
		      bool write)
{
	const struct region *r = find_region(ctx, a, size);

	return r && (!write || r->writable);
}

/*
 * The slow path of the run loop, which remembers the region found: regions
 * are only added while a program runs, so it stays valid to the end.
 */
static bool region_hit(const struct interp_ctx *ctx, uint64_t a, uint64_t size,
		       bool write, struct region *hit)
{
	const struct region *r = find_region(ctx, a, size);

	if (!r || (write && !r->writable))
		return false;
	*hit = *r;
	return true;
}

static void fault(struct interp_ctx *ctx, int idx, uint64_t a, uint64_t size,
		  bool write)
{
	const char *what = write ? "write" : "read";
	uint64_t lo = stack_low(ctx, ctx->depth), top = stack_top(ctx);
	const struct region *r = find_region(ctx, a, size);

	if (ctx->err.status != INTERP_OK)
		return;
	if (r)
		run_err(ctx, idx, INTERP_EFAULT,
			"%s of %" PRIu64 " bytes at 0x%" PRIx64
			" in read-only memory", what, size, a);
	else if (a < 4096)
		run_err(ctx, idx, INTERP_EFAULT,
			"%s of %" PRIu64 " bytes at 0x%" PRIx64
			": NULL pointer", what, size, a);
	else if (a + INTERP_STACK_SIZE >= lo &&
		 a < top + INTERP_STACK_SIZE)
		run_err(ctx, idx, INTERP_EFAULT,
			"%s of %" PRIu64 " bytes at r10%+" PRId64
			" (0x%" PRIx64 "): outside the stack frame",
			what, size, (int64_t)(a - lo - INTERP_STACK_SIZE), a);
	else
		run_err(ctx, idx, INTERP_EFAULT,
			"%s of %" PRIu64 " bytes at 0x%" PRIx64
			": not memory the program may access", what, size, a);
	ctx->err.addr = a;
}

void *interp_mem(struct interp_ctx *ctx, uint64_t addr, size_t len,
		 bool write)
{
	uint64_t lo = stack_low(ctx, ctx->depth);

	if (!ctx->running)
		return NULL;
	if (len == 0)
		len = 1;
	if ((len <= stack_top(ctx) - lo &&
	     addr - lo <= stack_top(ctx) - lo - len) ||
	    region_ok(ctx, addr, len, write))
		return (void *)(uintptr_t)addr;
	fault(ctx, ctx->cur_insn, addr, len, write);
	return NULL;
}

bool interp_readable(struct interp_ctx *ctx, uint64_t addr, size_t len)
{
	uint64_t lo = stack_low(ctx, ctx->depth);

	if (!ctx->running)
		return false;
	if (len == 0)
		len = 1;
	return (len <= stack_top(ctx) - lo &&
		addr - lo <= stack_top(ctx) - lo - len) ||
	       region_ok(ctx, addr, len, false);
}

/*
 * The string at addr: up to its NUL, or (when a truncated copy is fine) up
 * to max bytes; it must lie inside one region. quiet: an address outside
 * every region gives NULL without stopping the program.
 */
static const char *string_at(struct interp_ctx *ctx, uint64_t addr, size_t max,
			     size_t *len, bool truncate, bool quiet)
{
	uint64_t lo = stack_low(ctx, ctx->depth), end;
	const struct region *r;
	const char *s = (const char *)(uintptr_t)addr;
	const char *nul;

	if (!ctx->running)
		return NULL;
	if (addr - lo < stack_top(ctx) - lo) {
		end = stack_top(ctx);
	} else if ((r = find_region(ctx, addr, 1))) {
		end = r->base + r->len;
	} else {
		if (!quiet)
			fault(ctx, ctx->cur_insn, addr, 1, false);
		return NULL;
	}
	if (end - addr > max + 1)
		end = addr + max + 1;
	nul = memchr(s, 0, end - addr);
	if (!nul && truncate && end - addr == max + 1) {
		if (len)
			*len = max;
		return s;
	}
	if (!nul) {
		run_err(ctx, ctx->cur_insn, INTERP_EFAULT,
			"string at 0x%" PRIx64 " is not NUL-terminated within %zu bytes",
			addr, (size_t)(end - addr));
		ctx->err.addr = addr;
		return NULL;
	}
	if (len)
		*len = nul - s;
	return s;
}

const char *interp_str(struct interp_ctx *ctx, uint64_t addr, size_t max,
		       size_t *len)
{
	return string_at(ctx, addr, max, len, false, false);
}

const char *interp_str_prefix(struct interp_ctx *ctx, uint64_t addr,
			      size_t max, size_t *len)
{
	return string_at(ctx, addr, max, len, true, false);
}

const char *interp_str_prefix_quiet(struct interp_ctx *ctx, uint64_t addr,
				    size_t max, size_t *len)
{
	return string_at(ctx, addr, max, len, true, true);
}

void interp_abort(struct interp_ctx *ctx, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	if (!ctx->running)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	run_err(ctx, ctx->cur_insn, INTERP_EABORT, "%s", buf);
}

/* ------------------------------------------------------------ the loop */

static inline uint64_t ld8(uint64_t a) { return *(const uint8_t *)(uintptr_t)a; }
static inline uint64_t ld16(uint64_t a)
{
	uint16_t v;

	memcpy(&v, (const void *)(uintptr_t)a, 2);
	return v;
}
static inline uint64_t ld32(uint64_t a)
{
	uint32_t v;

	memcpy(&v, (const void *)(uintptr_t)a, 4);
	return v;
}
static inline uint64_t ld64(uint64_t a)
{
	uint64_t v;

	memcpy(&v, (const void *)(uintptr_t)a, 8);
	return v;
}
static inline void st8(uint64_t a, uint64_t v) { *(uint8_t *)(uintptr_t)a = (uint8_t)v; }
static inline void st16(uint64_t a, uint64_t v)
{
	uint16_t w = (uint16_t)v;

	memcpy((void *)(uintptr_t)a, &w, 2);
}
static inline void st32(uint64_t a, uint64_t v)
{
	uint32_t w = (uint32_t)v;

	memcpy((void *)(uintptr_t)a, &w, 4);
}
static inline void st64(uint64_t a, uint64_t v)
{
	memcpy((void *)(uintptr_t)a, &v, 8);
}

static inline uint64_t sdiv64(uint64_t a, uint64_t b)
{
	if (!b)
		return 0;
	if ((int64_t)b == -1)
		return -a;	/* INT64_MIN / -1 wraps, as in the kernel */
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t smod64(uint64_t a, uint64_t b)
{
	if (!b)
		return a;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint64_t sdiv32(uint64_t a, uint64_t b)
{
	if (!(uint32_t)b)
		return 0;
	if ((int32_t)b == -1)
		return (uint32_t)-(uint32_t)a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint64_t smod32(uint64_t a, uint64_t b)
{
	if (!(uint32_t)b)
		return (uint32_t)a;
	if ((int32_t)b == -1)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

static int exec(struct interp_ctx *ctx, const struct interp_prog *prog,
		uint32_t entry, const uint64_t *args, uint64_t *r0)
{
	static const void *const labels[OP__COUNT] = {
#define X(name) [OP_##name] = &&L_##name,
		ALL_OPS(X)
#undef X
	};
	const struct xinsn *const base = prog->x;
	const struct xinsn *pc = base + entry;
	const struct xinsn *seg = pc;	/* start of the straight run in progress */
	const unsigned int base_depth = ctx->depth;
	uint64_t budget = ctx->budget;
	uint64_t reg[11] = { 0 };
	uint64_t lo, span, a = 0, size = 0;
	struct region hit = { 0, 0, false };
	bool write = false;
	int idx;

	if (ctx->depth >= INTERP_MAX_FRAMES) {
		run_err(ctx, ctx->cur_insn, INTERP_EDEPTH,
			"more than %d nested calls", INTERP_MAX_FRAMES);
		return -1;
	}
	ctx->depth++;
	lo = stack_low(ctx, ctx->depth);
	span = (uint64_t)ctx->depth * INTERP_STACK_SIZE;
	memset((void *)(uintptr_t)lo, 0, INTERP_STACK_SIZE);
	memcpy(&reg[1], args, 5 * sizeof(*args));
	reg[10] = lo + INTERP_STACK_SIZE;

#define DST	reg[pc->dst]
#define SRC	reg[pc->src]
#define IMM	((uint64_t)pc->imm)
/*
 * The budget is charged per straight run of instructions, when control
 * leaves it (a taken jump, a call, an exit), not per instruction: the
 * count stays exact and the hot path has no counter. Every loop passes a
 * taken jump or a call, so a runaway one still stops, at most one straight
 * run past the budget.
 */
#define CHARGE() do {							\
		uint64_t n_ = (uint64_t)(pc - seg) + 1;			\
									\
		if (unlikely(n_ > budget))				\
			goto out_budget;				\
		budget -= n_;						\
	} while (0)
#define DISPATCH() goto *labels[pc->op]
#define NEXT()	do { pc++; DISPATCH(); } while (0)
#define JUMP_TO(target) do {						\
		CHARGE();						\
		pc = seg = (target);					\
		DISPATCH();						\
	} while (0)
#define JUMP_IF(cond) do {						\
		if (cond)						\
			JUMP_TO(base + pc->off);			\
		NEXT();							\
	} while (0)
/* the stack, then the region last hit (global data, a buffer), then all */
#define CHECK(addr, sz, w) do {						\
		a = (addr);						\
		if (unlikely(a - lo > span - (sz)) &&			\
		    !(a - hit.base < hit.len &&				\
		      hit.len - (a - hit.base) >= (sz) &&		\
		      (hit.writable || !(w))) &&			\
		    !region_hit(ctx, a, sz, w, &hit)) {			\
			size = (sz);					\
			write = (w);					\
			goto out_fault;					\
		}							\
	} while (0)

	DISPATCH();

	/* ALU: both widths; 32-bit results are zero-extended */
#define ALU(OPN, EXPR64, EXPR32)					\
	L_A64_##OPN##_K: { uint64_t s = IMM; DST = EXPR64; NEXT(); }	\
	L_A64_##OPN##_X: { uint64_t s = SRC; DST = EXPR64; NEXT(); }	\
	L_A32_##OPN##_K: { uint64_t s = IMM; DST = EXPR32; NEXT(); }	\
	L_A32_##OPN##_X: { uint64_t s = SRC; DST = EXPR32; NEXT(); }
	ALU(ADD, DST + s, (uint32_t)(DST + s))
	ALU(SUB, DST - s, (uint32_t)(DST - s))
	ALU(MUL, DST * s, (uint32_t)((uint32_t)DST * (uint32_t)s))
	ALU(DIV, s ? DST / s : 0,
	    (uint32_t)s ? (uint32_t)DST / (uint32_t)s : 0)
	ALU(MOD, s ? DST % s : DST,
	    (uint32_t)s ? (uint32_t)DST % (uint32_t)s : (uint32_t)DST)
	ALU(SDIV, sdiv64(DST, s), sdiv32(DST, s))
	ALU(SMOD, smod64(DST, s), smod32(DST, s))
	ALU(OR, DST | s, (uint32_t)(DST | s))
	ALU(AND, DST & s, (uint32_t)(DST & s))
	ALU(XOR, DST ^ s, (uint32_t)(DST ^ s))
	ALU(LSH, DST << (s & 63), (uint32_t)((uint32_t)DST << (s & 31)))
	ALU(RSH, DST >> (s & 63), (uint32_t)DST >> (s & 31))
	ALU(ARSH, (uint64_t)((int64_t)DST >> (s & 63)),
	    (uint32_t)((int32_t)DST >> (s & 31)))
	ALU(MOV, s, (uint32_t)s)
#undef ALU
L_A64_MOVSX8:	DST = (uint64_t)(int64_t)(int8_t)SRC; NEXT();
L_A64_MOVSX16:	DST = (uint64_t)(int64_t)(int16_t)SRC; NEXT();
L_A64_MOVSX32:	DST = (uint64_t)(int64_t)(int32_t)SRC; NEXT();
L_A32_MOVSX8:	DST = (uint32_t)(int32_t)(int8_t)SRC; NEXT();
L_A32_MOVSX16:	DST = (uint32_t)(int32_t)(int16_t)SRC; NEXT();
L_A64_NEG:	DST = -DST; NEXT();
L_A32_NEG:	DST = (uint32_t)-(uint32_t)DST; NEXT();
L_ZEXT16:	DST = (uint16_t)DST; NEXT();
L_ZEXT32:	DST = (uint32_t)DST; NEXT();
L_NOP:		NEXT();
L_BSWAP16:	DST = __builtin_bswap16((uint16_t)DST); NEXT();
L_BSWAP32:	DST = __builtin_bswap32((uint32_t)DST); NEXT();
L_BSWAP64:	DST = __builtin_bswap64(DST); NEXT();

	/* conditional jumps */
#define JMP(OPN, CMP64, CMP32)						\
	L_J64_##OPN##_K: { uint64_t d = DST, s = IMM; JUMP_IF(CMP64); }	\
	L_J64_##OPN##_X: { uint64_t d = DST, s = SRC; JUMP_IF(CMP64); }	\
	L_J32_##OPN##_K: { uint64_t d = DST, s = IMM; JUMP_IF(CMP32); }	\
	L_J32_##OPN##_X: { uint64_t d = DST, s = SRC; JUMP_IF(CMP32); }
	JMP(JEQ, d == s, (uint32_t)d == (uint32_t)s)
	JMP(JNE, d != s, (uint32_t)d != (uint32_t)s)
	JMP(JGT, d > s, (uint32_t)d > (uint32_t)s)
	JMP(JGE, d >= s, (uint32_t)d >= (uint32_t)s)
	JMP(JLT, d < s, (uint32_t)d < (uint32_t)s)
	JMP(JLE, d <= s, (uint32_t)d <= (uint32_t)s)
	JMP(JSGT, (int64_t)d > (int64_t)s, (int32_t)d > (int32_t)s)
	JMP(JSGE, (int64_t)d >= (int64_t)s, (int32_t)d >= (int32_t)s)
	JMP(JSLT, (int64_t)d < (int64_t)s, (int32_t)d < (int32_t)s)
	JMP(JSLE, (int64_t)d <= (int64_t)s, (int32_t)d <= (int32_t)s)
	JMP(JSET, d & s, (uint32_t)(d & s))
#undef JMP
L_JA:
	JUMP_TO(base + pc->off);

L_CALL:
	CHARGE();
	seg = pc + 1;
	ctx->budget = budget;
	ctx->cur_insn = (int)(pc - base);
	reg[0] = pc->fn(ctx, reg[1], reg[2], reg[3], reg[4], reg[5]);
	budget = ctx->budget;
	if (unlikely(ctx->err.status != INTERP_OK))
		goto out_err;
	NEXT();

L_CALL_REL: {
	struct frame *f;

	CHARGE();
	if (unlikely(ctx->depth >= INTERP_MAX_FRAMES)) {
		run_err(ctx, (int)(pc - base), INTERP_EDEPTH,
			"more than %d nested calls", INTERP_MAX_FRAMES);
		goto out_err;
	}
	f = &ctx->frames[ctx->depth];
	f->ret = pc + 1;
	memcpy(f->saved, &reg[6], sizeof(f->saved));
	ctx->depth++;
	lo -= INTERP_STACK_SIZE;
	span += INTERP_STACK_SIZE;
	memset((void *)(uintptr_t)lo, 0, INTERP_STACK_SIZE);
	reg[10] = lo + INTERP_STACK_SIZE;
	pc = seg = base + pc->off;
	DISPATCH();
}
L_EXIT:
	CHARGE();
	if (ctx->depth == base_depth + 1)
		goto out_ok;
	ctx->depth--;
	lo += INTERP_STACK_SIZE;
	span -= INTERP_STACK_SIZE;
	pc = seg = ctx->frames[ctx->depth].ret;
	memcpy(&reg[6], ctx->frames[ctx->depth].saved, 5 * sizeof(*reg));
	DISPATCH();

L_LD_IMM64:
	DST = IMM;
	pc += 2;
	DISPATCH();

	/* memory */
#define MEM(W, BYTES, LD, ST)						\
	L_LDX_##W:   CHECK(SRC + pc->off, BYTES, false); DST = LD(a); NEXT(); \
	L_STX_##W:   CHECK(DST + pc->off, BYTES, true); ST(a, SRC); NEXT(); \
	L_ST_##W:    CHECK(DST + pc->off, BYTES, true); ST(a, IMM); NEXT(); \
	L_LDACQ_##W: CHECK(SRC + pc->off, BYTES, false);		\
		if (unlikely(a & (BYTES - 1)))				\
			goto out_misaligned;				\
		DST = __atomic_load_n((uint##BYTES##x_t *)(uintptr_t)a,	\
				      __ATOMIC_ACQUIRE); NEXT();	\
	L_STREL_##W: CHECK(DST + pc->off, BYTES, true);		\
		if (unlikely(a & (BYTES - 1)))				\
			goto out_misaligned;				\
		__atomic_store_n((uint##BYTES##x_t *)(uintptr_t)a,	\
				 (uint##BYTES##x_t)SRC, __ATOMIC_RELEASE); \
		NEXT();
	typedef uint8_t uint1x_t;
	typedef uint16_t uint2x_t;
	typedef uint32_t uint4x_t;
	typedef uint64_t uint8x_t;
	MEM(B, 1, ld8, st8)
	MEM(H, 2, ld16, st16)
	MEM(W, 4, ld32, st32)
	MEM(DW, 8, ld64, st64)
#undef MEM
#define LDXS(W, BYTES, LD, T)						\
	L_LDXS_##W: CHECK(SRC + pc->off, BYTES, false);			\
		DST = (uint64_t)(int64_t)(T)LD(a); NEXT();
	LDXS(B, 1, ld8, int8_t)
	LDXS(H, 2, ld16, int16_t)
	LDXS(W, 4, ld32, int32_t)
#undef LDXS

	/*
	 * Atomics are real ones: global data is shared with kernel programs
	 * through the mmap. They need natural alignment, as in the kernel.
	 */
#define ATOMIC_CHECK(T)							\
	CHECK(DST + pc->off, sizeof(T), true);				\
	if (unlikely(a & (sizeof(T) - 1)))				\
		goto out_misaligned;
/* one read-modify-write; FETCH is "SRC =" to get the old value, or empty */
#define RMW(T, FN, FETCH) do {						\
		ATOMIC_CHECK(T)						\
		FETCH FN((T *)(uintptr_t)a, (T)SRC, __ATOMIC_SEQ_CST);	\
		NEXT();							\
	} while (0)
#define ATOMIC(W, T)							\
	L_##W##_AADD:	RMW(T, __atomic_fetch_add, );			\
	L_##W##_AADD_F:	RMW(T, __atomic_fetch_add, SRC =);		\
	L_##W##_AOR:	RMW(T, __atomic_fetch_or, );			\
	L_##W##_AOR_F:	RMW(T, __atomic_fetch_or, SRC =);		\
	L_##W##_AAND:	RMW(T, __atomic_fetch_and, );			\
	L_##W##_AAND_F:	RMW(T, __atomic_fetch_and, SRC =);		\
	L_##W##_AXOR:	RMW(T, __atomic_fetch_xor, );			\
	L_##W##_AXOR_F:	RMW(T, __atomic_fetch_xor, SRC =);		\
	L_##W##_XCHG:	RMW(T, __atomic_exchange_n, SRC =);		\
	L_##W##_CMPXCHG: {						\
		T expected;						\
									\
		ATOMIC_CHECK(T)						\
		expected = (T)reg[0];					\
		__atomic_compare_exchange_n((T *)(uintptr_t)a, &expected, \
					    (T)SRC, false, __ATOMIC_SEQ_CST, \
					    __ATOMIC_SEQ_CST);		\
		reg[0] = expected;					\
		NEXT();							\
	}
	ATOMIC(W, uint32_t)
	ATOMIC(DW, uint64_t)
#undef ATOMIC
#undef RMW
#undef ATOMIC_CHECK

out_ok:
	ctx->depth = base_depth;
	ctx->budget = budget;
	*r0 = reg[0];
	return 0;
out_budget:
	budget = 0;
	run_err(ctx, (int)(pc - base), INTERP_EBUDGET,
		"instruction budget of %" PRIu64 " exhausted",
		ctx->budget_max);
	goto out_err;
out_misaligned:
	run_err(ctx, (int)(pc - base), INTERP_EFAULT,
		"misaligned atomic access at 0x%" PRIx64, a);
	ctx->err.addr = a;
	goto out_err;
out_fault:
	idx = (int)(pc - base);
	fault(ctx, idx, a, size, write);
out_err:
	/* what ran of the straight run, for interp_insns_executed() */
	if ((uint64_t)(pc - seg) < budget)
		budget -= (uint64_t)(pc - seg);
	else
		budget = 0;
	ctx->depth = base_depth;
	ctx->budget = budget;
	return -1;
#undef DST
#undef SRC
#undef IMM
#undef DISPATCH
#undef NEXT
#undef JUMP_IF
#undef JUMP_TO
#undef CHARGE
#undef CHECK
}

int interp_call_func(struct interp_ctx *ctx, uint64_t func,
		     const uint64_t *args, unsigned int nargs, uint64_t *r0)
{
	const struct interp_prog *p = ctx->prog;
	uint64_t a[5] = { 0 };
	uint64_t idx = func & ~FUNC_TAG_MASK;
	int caller = ctx->cur_insn, rc;

	if (!ctx->running || ctx->err.status != INTERP_OK)
		return -1;
	if ((func & FUNC_TAG_MASK) != FUNC_TAG || idx >= p->n ||
	    !(p->flags[idx] & F_CALLBACK)) {
		run_err(ctx, ctx->cur_insn, INTERP_EABORT,
			"0x%" PRIx64 " is not a callback function", func);
		return -1;
	}
	memcpy(a, args, (nargs < 5 ? nargs : 5) * sizeof(*a));
	rc = exec(ctx, p, (uint32_t)idx, a, r0);
	ctx->cur_insn = caller;	/* the callback's helper calls moved it */
	return rc;
}

/* not a memset: timer probes run often and the message is long */
static void set_ok(struct interp_error *e)
{
	e->status = INTERP_OK;
	e->insn = -1;
	e->addr = 0;
	e->msg[0] = '\0';
}

int interp_run_args(struct interp_ctx *ctx, const struct interp_prog *prog,
		    uint32_t entry, const uint64_t *args, unsigned int nargs,
		    uint64_t *r0, struct interp_error *err)
{
	uint64_t a[5] = { 0 }, out = 0;
	int rc;

	if (ctx->running) {
		if (err) {
			memset(err, 0, sizeof(*err));
			err->status = INTERP_EUSAGE;
			err->insn = -1;
			snprintf(err->msg, sizeof(err->msg),
				 "interp_run() while a program runs");
		}
		return -1;
	}
	set_ok(&ctx->err);
	if (entry >= prog->n ||
	    !(prog->flags[entry] & F_ENTRY) || nargs > 5) {
		ctx->err.status = INTERP_EUSAGE;
		snprintf(ctx->err.msg, sizeof(ctx->err.msg),
			 nargs > 5 ? "more than 5 arguments" :
			 "instruction %u is not an entry of the program",
			 entry);
		if (err)
			*err = ctx->err;
		return -1;
	}
	memcpy(a, args, nargs * sizeof(*a));
	ctx->running = true;
	ctx->prog = prog;
	ctx->depth = 0;
	ctx->cur_insn = -1;
	ctx->budget = ctx->budget_max;
	ctx->region_mark = ctx->n_regions;
	rc = exec(ctx, prog, entry, a, &out);
	ctx->n_regions = ctx->region_mark;	/* forget helpers' regions */
	ctx->running = false;
	ctx->prog = NULL;
	if (r0)
		*r0 = rc ? 0 : out;
	if (err && rc)
		*err = ctx->err;
	else if (err)
		set_ok(err);
	return rc ? -1 : 0;
}

int interp_run(struct interp_ctx *ctx, const struct interp_prog *prog,
	       uint32_t entry, uint64_t arg, uint64_t *r0,
	       struct interp_error *err)
{
	return interp_run_args(ctx, prog, entry, &arg, 1, r0, err);
}
