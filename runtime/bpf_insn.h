/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building eBPF instructions by hand, for the runner (small glue programs)
 * and for tests. The names follow the kernel's include/linux/filter.h so
 * code reads the same as in the kernel; each is only defined when nobody
 * defined it before, since the kernel's definitions are equivalent.
 *
 * Also supplies the opcode constants of CPU v4 (and newer atomics) that
 * older <linux/bpf.h> (Debian 12 ships 6.1) does not have yet.
 */
#ifndef BSTAP_BPF_INSN_H
#define BSTAP_BPF_INSN_H

#include <linux/bpf.h>

/* CPU v4, Linux 6.6 */
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80	/* ldx with sign extension */
#endif
#ifndef BPF_JCOND
#define BPF_JCOND	0xe0	/* may_goto; not supported by the interpreter */
#endif
/* Linux 6.15: load-acquire and store-release, in the atomic imm field */
#ifndef BPF_LOAD_ACQ
#define BPF_LOAD_ACQ	0x100
#endif
#ifndef BPF_STORE_REL
#define BPF_STORE_REL	0x110
#endif

/* ALU and ALU64; the _OFF forms set off for sdiv/smod (1) and movsx (8/16/32) */
#ifndef BPF_ALU64_REG
#define BPF_ALU64_REG_OFF(OP, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_ALU64 | BPF_OP(OP) | BPF_X,	\
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#define BPF_ALU64_REG(OP, DST, SRC) BPF_ALU64_REG_OFF(OP, DST, SRC, 0)
#define BPF_ALU32_REG_OFF(OP, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_ALU | BPF_OP(OP) | BPF_X,	\
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#define BPF_ALU32_REG(OP, DST, SRC) BPF_ALU32_REG_OFF(OP, DST, SRC, 0)
#define BPF_ALU64_IMM_OFF(OP, DST, IMM, OFF)				\
	((struct bpf_insn) { .code = BPF_ALU64 | BPF_OP(OP) | BPF_K,	\
		.dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM })
#define BPF_ALU64_IMM(OP, DST, IMM) BPF_ALU64_IMM_OFF(OP, DST, IMM, 0)
#define BPF_ALU32_IMM_OFF(OP, DST, IMM, OFF)				\
	((struct bpf_insn) { .code = BPF_ALU | BPF_OP(OP) | BPF_K,	\
		.dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM })
#define BPF_ALU32_IMM(OP, DST, IMM) BPF_ALU32_IMM_OFF(OP, DST, IMM, 0)
#endif

#ifndef BPF_MOV64_REG
#define BPF_MOV64_REG(DST, SRC)	BPF_ALU64_REG(BPF_MOV, DST, SRC)
#define BPF_MOV32_REG(DST, SRC)	BPF_ALU32_REG(BPF_MOV, DST, SRC)
#define BPF_MOV64_IMM(DST, IMM)	BPF_ALU64_IMM(BPF_MOV, DST, IMM)
#define BPF_MOV32_IMM(DST, IMM)	BPF_ALU32_IMM(BPF_MOV, DST, IMM)
#endif
#ifndef BPF_MOVSX64_REG
#define BPF_MOVSX64_REG(DST, SRC, BITS) \
	BPF_ALU64_REG_OFF(BPF_MOV, DST, SRC, BITS)
#define BPF_MOVSX32_REG(DST, SRC, BITS) \
	BPF_ALU32_REG_OFF(BPF_MOV, DST, SRC, BITS)
#endif

/* byte swaps: BPF_ENDIAN(BPF_TO_BE, r, 32), BPF_BSWAP(r, 64) (v4) */
#ifndef BPF_ENDIAN
#define BPF_ENDIAN(TYPE, DST, LEN)					\
	((struct bpf_insn) { .code = BPF_ALU | BPF_END | BPF_SRC(TYPE),	\
		.dst_reg = DST, .src_reg = 0, .off = 0, .imm = LEN })
#endif
#ifndef BPF_BSWAP
#define BPF_BSWAP(DST, LEN)						\
	((struct bpf_insn) { .code = BPF_ALU64 | BPF_END | BPF_TO_LE,	\
		.dst_reg = DST, .src_reg = 0, .off = 0, .imm = LEN })
#endif

/* two slots; SRC is 0 or a BPF_PSEUDO_* kind */
#ifndef BPF_LD_IMM64_RAW
#define BPF_LD_IMM64_RAW(DST, SRC, IMM)					\
	((struct bpf_insn) { .code = BPF_LD | BPF_DW | BPF_IMM,		\
		.dst_reg = DST, .src_reg = SRC, .off = 0,		\
		.imm = (__u32)(IMM) }),					\
	((struct bpf_insn) { .code = 0, .dst_reg = 0, .src_reg = 0,	\
		.off = 0, .imm = (__u32)((__u64)(IMM) >> 32) })
#define BPF_LD_IMM64(DST, IMM)	BPF_LD_IMM64_RAW(DST, 0, IMM)
#endif
#ifndef BPF_LD_MAP_VALUE
#define BPF_LD_MAP_VALUE(DST, MAP, OFF)					\
	((struct bpf_insn) { .code = BPF_LD | BPF_DW | BPF_IMM,		\
		.dst_reg = DST, .src_reg = BPF_PSEUDO_MAP_VALUE,	\
		.off = 0, .imm = MAP }),				\
	((struct bpf_insn) { .code = 0, .dst_reg = 0, .src_reg = 0,	\
		.off = 0, .imm = OFF })
#endif

/* memory */
#ifndef BPF_LDX_MEM
#define BPF_LDX_MEM(SIZE, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_LDX | BPF_SIZE(SIZE) | BPF_MEM,	\
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#endif
#ifndef BPF_LDX_MEMSX
#define BPF_LDX_MEMSX(SIZE, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_LDX | BPF_SIZE(SIZE) | BPF_MEMSX, \
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#endif
#ifndef BPF_STX_MEM
#define BPF_STX_MEM(SIZE, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_STX | BPF_SIZE(SIZE) | BPF_MEM,	\
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#endif
#ifndef BPF_ST_MEM
#define BPF_ST_MEM(SIZE, DST, OFF, IMM)					\
	((struct bpf_insn) { .code = BPF_ST | BPF_SIZE(SIZE) | BPF_MEM,	\
		.dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM })
#endif
/* OP is the atomic imm: BPF_ADD, BPF_ADD | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG... */
#ifndef BPF_ATOMIC_OP
#define BPF_ATOMIC_OP(SIZE, OP, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_STX | BPF_SIZE(SIZE) | BPF_ATOMIC, \
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = OP })
#endif

/* jumps; OFF is relative to the next instruction */
#ifndef BPF_JMP_REG
#define BPF_JMP_REG(OP, DST, SRC, OFF)					\
	((struct bpf_insn) { .code = BPF_JMP | BPF_OP(OP) | BPF_X,	\
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#define BPF_JMP_IMM(OP, DST, IMM, OFF)					\
	((struct bpf_insn) { .code = BPF_JMP | BPF_OP(OP) | BPF_K,	\
		.dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM })
#define BPF_JMP32_REG(OP, DST, SRC, OFF)				\
	((struct bpf_insn) { .code = BPF_JMP32 | BPF_OP(OP) | BPF_X,	\
		.dst_reg = DST, .src_reg = SRC, .off = OFF, .imm = 0 })
#define BPF_JMP32_IMM(OP, DST, IMM, OFF)				\
	((struct bpf_insn) { .code = BPF_JMP32 | BPF_OP(OP) | BPF_K,	\
		.dst_reg = DST, .src_reg = 0, .off = OFF, .imm = IMM })
#endif
#ifndef BPF_JMP_A
#define BPF_JMP_A(OFF)							\
	((struct bpf_insn) { .code = BPF_JMP | BPF_JA,			\
		.dst_reg = 0, .src_reg = 0, .off = OFF, .imm = 0 })
#endif
/* v4 "gotol": 32-bit offset in imm */
#ifndef BPF_JMP32_A
#define BPF_JMP32_A(IMM)						\
	((struct bpf_insn) { .code = BPF_JMP32 | BPF_JA,		\
		.dst_reg = 0, .src_reg = 0, .off = 0, .imm = IMM })
#endif

/* calls: a helper by id, or a BPF function IMM instructions after the next */
#ifndef BPF_EMIT_CALL
#define BPF_EMIT_CALL(ID)						\
	((struct bpf_insn) { .code = BPF_JMP | BPF_CALL,		\
		.dst_reg = 0, .src_reg = 0, .off = 0, .imm = ID })
#endif
#ifndef BPF_CALL_REL
#define BPF_CALL_REL(IMM)						\
	((struct bpf_insn) { .code = BPF_JMP | BPF_CALL,		\
		.dst_reg = 0, .src_reg = BPF_PSEUDO_CALL, .off = 0,	\
		.imm = IMM })
#endif
#ifndef BPF_EXIT_INSN
#define BPF_EXIT_INSN()							\
	((struct bpf_insn) { .code = BPF_JMP | BPF_EXIT,		\
		.dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0 })
#endif

#endif
