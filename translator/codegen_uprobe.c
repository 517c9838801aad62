// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * process("path").function("f")[.return], .statement, .plt and .mark("m"):
 * uprobes, uretprobes and USDT sites, on x86-64.
 *
 * The program's context is the probed thread's struct pt_regs. A function
 * is probed at its entry, where the System V ABI still has the integer
 * arguments in rdi, rsi, rdx, rcx, r8, r9, so $param N (DWARF's position)
 * and $argN read those; $return is rax at the return. A USDT argument is
 * what its .note.stapsdt operand says: a register, memory at a register
 * plus an offset, or a constant.
 *
 * The runner attaches by path and file offset, so the ELF virtual address
 * the provider found becomes an offset through the program headers.
 */
#include <ctype.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_id.h"
#include "codegen_internal.h"
#include "diag.h"
#include "elf_index.h"

/* struct pt_regs (x86-64 uapi): byte offsets by register name. */
static const struct {
	const char *name[4];	/* 64, 32, 16, 8-bit names */
	int off;
} regs[] = {
	{ { "rax", "eax", "ax", "al" }, 80 },
	{ { "rbx", "ebx", "bx", "bl" }, 40 },
	{ { "rcx", "ecx", "cx", "cl" }, 88 },
	{ { "rdx", "edx", "dx", "dl" }, 96 },
	{ { "rsi", "esi", "si", "sil" }, 104 },
	{ { "rdi", "edi", "di", "dil" }, 112 },
	{ { "rbp", "ebp", "bp", "bpl" }, 32 },
	{ { "rsp", "esp", "sp", "spl" }, 152 },
	{ { "r8", "r8d", "r8w", "r8b" }, 72 },
	{ { "r9", "r9d", "r9w", "r9b" }, 64 },
	{ { "r10", "r10d", "r10w", "r10b" }, 56 },
	{ { "r11", "r11d", "r11w", "r11b" }, 48 },
	{ { "r12", "r12d", "r12w", "r12b" }, 24 },
	{ { "r13", "r13d", "r13w", "r13b" }, 16 },
	{ { "r14", "r14d", "r14w", "r14b" }, 8 },
	{ { "r15", "r15d", "r15w", "r15b" }, 0 },
	{ { "rip", "eip", "ip", "" }, 128 },
};

static const int arg_regs[6] = { 112, 104, 96, 88, 72, 64 };
#define REG_AX 80
#define REG_IP 128

static int reg_offset(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		for (int w = 0; w < 4; w++)
			if (strlen(regs[i].name[w]) == len &&
			    !strncmp(regs[i].name[w], name, len))
				return regs[i].off;
	return -1;
}

LLVMValueRef cg_uprobe_reg(struct cg *cg, int off)
{
	LLVMValueRef idx = cg_i64(cg, off);
	LLVMValueRef v = LLVMBuildLoad2(cg->b, cg->i64,
					LLVMBuildGEP2(cg->b, cg->i8,
						      cg->fn->ctx, &idx, 1,
						      ""), "");

	LLVMSetAlignment(v, 8);
	return v;
}

/* A value of `bytes` bytes in a 64-bit register, sign- or zero-extended. */
LLVMValueRef cg_uprobe_narrow(struct cg *cg, LLVMValueRef v, int bytes,
			      bool is_signed)
{
	int shift = 64 - 8 * bytes;

	if (bytes <= 0 || bytes >= 8)
		return v;
	v = LLVMBuildShl(cg->b, v, cg_i64(cg, shift), "");
	return is_signed ? LLVMBuildAShr(cg->b, v, cg_i64(cg, shift), "") :
			   LLVMBuildLShr(cg->b, v, cg_i64(cg, shift), "");
}

static bool signed_text(const char *type)
{
	return !strchr(type, '*') && strncmp(type, "unsigned", 8) &&
	       strncmp(type, "u", 1) && strncmp(type, "bool", 4) &&
	       strncmp(type, "_Bool", 5) && strncmp(type, "size_t", 6);
}

/* The i-th (0-based) integer argument register at a function's entry. */
LLVMValueRef cg_uprobe_arg_reg(struct cg *cg, int i)
{
	return cg_uprobe_reg(cg, arg_regs[i]);
}

/*
 * Where the probed file is mapped, less its link-time addresses: at a
 * uprobe the instruction pointer is the probed address, relocated.
 */
LLVMValueRef cg_uprobe_load_bias(struct cg *cg)
{
	return LLVMBuildSub(cg->b, cg_uprobe_reg(cg, REG_IP),
			    cg_i64(cg, (int64_t)cg->fn->point->address), "");
}

/* ----------------------------------------------------------- USDT */

static const char *sdt_arg_spec(const struct resolved_point *rp, int n)
{
	const struct sdt_sites *sites = rp->data;
	const char *p;

	if (!sites || !sites->n || !sites->v[0]->args)
		return NULL;
	p = sites->v[0]->args;
	for (int i = 1; i < n && p; i++) {
		p = strchr(p, ' ');
		while (p && *p == ' ')
			p++;
	}
	return p && *p ? p : NULL;
}

/* "-4@%edi", "8@-8(%rbp)", "4@$5": size (negative: signed) @ operand. */
static bool sdt_arg(struct cg *cg, const char *spec, struct src_loc loc,
		    LLVMValueRef *out)
{
	char *end;
	long size = strtol(spec, &end, 10);
	const char *op = *end == '@' ? end + 1 : spec;
	bool is_signed = size < 0;
	int bytes = (int)(size < 0 ? -size : size), off;
	long disp;
	size_t n;

	if (*end != '@')
		bytes = 8;
	if (*op == '$') {
		*out = cg_i64(cg, strtoll(op + 1, NULL, 0));
		return true;
	}
	if (*op == '%') {
		n = strcspn(op + 1, " ");
		off = reg_offset(op + 1, n);
		if (off < 0)
			return cg_error(cg, loc, "USDT operand '%s' uses an unknown register",
					spec);
		*out = cg_uprobe_narrow(cg, cg_uprobe_reg(cg, off), bytes, is_signed);
		return true;
	}
	disp = strtol(op, &end, 10);
	if (*end != '(' || end[1] != '%')
		return cg_error(cg, loc, "USDT operand '%s' is not supported by the BPF code generator yet",
				spec);
	n = strcspn(end + 2, ")");
	off = reg_offset(end + 2, n);
	if (off < 0 || end[2 + n] != ')')
		return cg_error(cg, loc, "USDT operand '%s' is not supported by the BPF code generator yet",
				spec);
	{
		LLVMValueRef addr = LLVMBuildAdd(cg->b, cg_uprobe_reg(cg, off),
						 cg_i64(cg, disp), "");
		LLVMValueRef tmp = cg_alloca(cg, cg->i64, "usdt");
		LLVMValueRef args[3] = {
			tmp, cg_i32(cg, (uint32_t)(bytes ? bytes : 8)),
			LLVMBuildIntToPtr(cg->b, addr, cg->ptr, "")
		};

		LLVMBuildStore(cg->b, cg_i64(cg, 0), tmp);
		cg_helper(cg, 112 /* probe_read_user */, cg->i64, args, 3);
		*out = cg_uprobe_narrow(cg, LLVMBuildLoad2(cg->b, cg->i64, tmp, ""),
			      bytes, is_signed);
	}
	return true;
}

/* ------------------------------------------------------ variables */

bool cg_uprobe_var(struct cg *cg, const struct context_var *v,
		   struct expr *e, struct cg_val *out)
{
	const struct resolved_point *rp = cg->fn->point;
	LLVMValueRef x = NULL;

	out->type = TYPE_LONG;
	switch (v->source) {
	case CTXVAR_ARG:
		/* registers hold the arguments only at the function's entry */
		if (rp->is_return)
			return cg_error(cg, e->loc, "'%s' is gone at the return: its register was reused (read it in the entry probe)",
					e->name);
		if (rp->text && strstr(rp->text, ".statement("))
			return cg_error(cg, e->loc, "'%s' cannot be read at a statement yet: only at a function's entry",
					e->name);
		if (v->index < 0 || v->index >= 6)
			return cg_error(cg, e->loc, "'%s' is not passed in a register (only the first 6 arguments are)",
					e->name);
		x = cg_uprobe_reg(cg, arg_regs[v->index]);
		break;
	case CTXVAR_RETURN:
		x = cg_uprobe_reg(cg, REG_AX);
		break;
	case CTXVAR_SDT_ARG: {
		const char *spec = sdt_arg_spec(rp, v->index);

		if (!spec)
			return cg_error(cg, e->loc, "mark '%s' has no argument %d",
					rp->target, v->index);
		if (!sdt_arg(cg, spec, e->loc, &x))
			return false;
		out->v = x;
		return true;
	}
	default:
		return cg_error(cg, e->loc, "'%s' cannot be read here", e->name);
	}
	out->v = cg_uprobe_narrow(cg, x, v->size, signed_text(v->type));
	return true;
}

/* -------------------------------------------------------- offsets */

/*
 * The file offset of an ELF virtual address, through its PT_LOAD segment;
 * code must be in an executable one. *found tells whether one held it.
 */
static bool elf_offset(struct cg *cg, const char *path, uint64_t addr,
		       bool code, uint64_t *off, bool *found,
		       struct src_loc loc)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	size_t n = 0;

	*found = false;
	if (fd < 0)
		return cg_error(cg, loc, "cannot open %s", path);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && !elf_getphdrnum(elf, &n)) {
		for (size_t i = 0; i < n && !*found; i++) {
			GElf_Phdr ph;

			if (!gelf_getphdr(elf, (int)i, &ph) ||
			    ph.p_type != PT_LOAD ||
			    (code && !(ph.p_flags & PF_X)) ||
			    addr < ph.p_vaddr || addr >= ph.p_vaddr + ph.p_memsz)
				continue;
			*off = addr - ph.p_vaddr + ph.p_offset;
			*found = true;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return true;
}

bool cg_file_offset(struct cg *cg, const char *path, uint64_t addr,
		    uint64_t *off, struct src_loc loc)
{
	bool found;

	if (!elf_offset(cg, path, addr, true, off, &found, loc))
		return false;
	if (!found)
		return cg_error(cg, loc, "address 0x%llx is in no loadable segment of %s",
				(unsigned long long)addr, path);
	return true;
}

const char *cg_uprobe_target_path(struct cg *cg, const char *path)
{
	return elf_target_path(cg->s, path);
}

uint32_t cg_uprobe_build_id(struct cg *cg, const char *path)
{
	char hex[BUILD_ID_HEX_MAX];

	if (build_id_of_file(path, hex) <= 0)
		return cg_str(cg, "");
	return cg_str(cg, hex);
}

/* Semaphores live in data: any PT_LOAD segment. */
bool cg_data_offset(struct cg *cg, const char *path, uint64_t addr,
		    uint64_t *off, struct src_loc loc)
{
	bool found;

	if (!elf_offset(cg, path, addr, false, off, &found, loc))
		return false;
	if (!found)
		return cg_error(cg, loc, "semaphore 0x%llx is in no loadable segment of %s",
				(unsigned long long)addr, path);
	return true;
}

/* ------------------------------------------ register and user reads */

/* Is the program's context the probed thread's registers? */
static bool regs_context(struct cg *cg)
{
	const struct resolved_point *rp = cg->fn->point;

	if (cg->fn->tier != TIER_KERNEL || !cg->fn->ctx || !rp ||
	    !rp->provider)
		return false;
	if (!strcmp(rp->provider->name, "process"))
		return rp->address && rp->path;
	return !strcmp(rp->provider->name, "kernel.function") &&
	       cg->fn->variant;
}

static bool const_arg(struct expr *e, int i, int64_t *v)
{
	if (i >= e->args.n || e->args.v[i]->kind != EXPR_NUMBER)
		return false;
	*v = e->args.v[i]->num;
	return true;
}

/*
 * _uarg(N, BYTES, SIGNED): the N-th integer argument at a function's
 * entry (x86-64 System V: six registers, then the stack above the return
 * address), BYTES wide, sign- or zero-extended.
 */
static struct cg_val uarg(struct cg *cg, struct expr *e)
{
	int64_t n, bytes = 8, sign = 1;
	LLVMValueRef v;

	if (!const_arg(e, 1, &bytes) || !const_arg(e, 2, &sign))
		return (cg_error(cg, e->loc, "%s: size and signedness must be constants",
				 e->name), cg_default(cg, TYPE_LONG));
	if (const_arg(e, 0, &n)) {
		if (n < 1)
			return (cg_error(cg, e->loc, "%s(%lld): arguments count from 1",
					 e->name, (long long)n),
				cg_default(cg, TYPE_LONG));
		if (n <= 6)
			v = cg_uprobe_arg_reg(cg, (int)n - 1);
		else
			v = cg_user_read(cg, LLVMBuildAdd(cg->b,
				cg_uprobe_reg(cg, 152),
				cg_i64(cg, 8 * (n - 6)), ""), 8, false, true,
				e->loc, e->name);
	} else {
		LLVMValueRef idx = cg_expr(cg, e->args.v[0]).v;

		/* a computed N: one of the six registers, else 0 */
		v = cg_i64(cg, 0);
		for (int i = 6; i >= 1; i--)
			v = LLVMBuildSelect(cg->b,
					    LLVMBuildICmp(cg->b, LLVMIntEQ, idx,
							  cg_i64(cg, i), ""),
					    cg_uprobe_arg_reg(cg, i - 1), v, "");
	}
	return (struct cg_val){ TYPE_LONG,
				cg_uprobe_narrow(cg, v, (int)bytes, sign) };
}

/* _user_read(ADDR, BYTES, SIGNED, RAISE): user_long() and friends. */
static struct cg_val user_read_call(struct cg *cg, struct expr *e)
{
	int64_t bytes, sign, raise;
	LLVMValueRef addr;

	if (!const_arg(e, 1, &bytes) || !const_arg(e, 2, &sign) ||
	    !const_arg(e, 3, &raise) || bytes < 1 || bytes > 8)
		return (cg_error(cg, e->loc, "%s: size, signedness and error mode must be constants",
				 e->name), cg_default(cg, TYPE_LONG));
	addr = cg_expr(cg, e->args.v[0]).v;
	return (struct cg_val){ TYPE_LONG,
		cg_user_read(cg, addr, (int)bytes, sign, raise, e->loc,
			     NULL) };
}

bool cg_uprobe_call(struct cg *cg, const char *rt, struct expr *e,
		    struct cg_val *out)
{
	bool regs = !strcmp(rt, "bstap_uarg") || !strcmp(rt, "bstap_uret");

	if (!regs && strcmp(rt, "bstap_user_read"))
		return false;
	if (regs && !regs_context(cg)) {
		cg_error(cg, e->loc, "%s read the probed thread's registers: only in process(...).function, .statement and .plt probes",
			 !strcmp(rt, "bstap_uarg") ?
			 "int_arg() and the other _arg() functions" :
			 "returnval() and the register functions");
		*out = cg_default(cg, TYPE_LONG);
		return true;
	}
	if (!strcmp(rt, "bstap_uret")) {
		if (!cg->fn->point->is_return)
			cg_error(cg, e->loc, "'%s' is the value a function returns: only in a .return probe",
				 e->name);
		*out = (struct cg_val){ TYPE_LONG, cg_uprobe_reg(cg, REG_AX) };
		return true;
	}
	*out = !strcmp(rt, "bstap_uarg") ? uarg(cg, e) : user_read_call(cg, e);
	return true;
}

/*
 * With -c or -x (target() set by the runner), user probes count only in
 * that process and its descendants: the -c command may be a shell that
 * runs the program as a child. Up to this many generations are checked.
 */
#define TARGET_GENERATIONS 4

void cg_uprobe_target_filter(struct cg *cg)
{
	static const char *const chain[] = {
		"real_parent", "real_parent", "real_parent", "real_parent",
	};
	LLVMBasicBlockRef check = cg_block(cg, "target"), go = cg_block(cg, "mine");
	LLVMValueRef target = cg_runtime(cg, "bstap_target", cg->i64, NULL, 0);
	LLVMValueRef ok;
	struct src_loc none = { 0 };

	LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntEQ, target,
					     cg_i64(cg, 0), ""), go, check);
	LLVMPositionBuilderAtEnd(cg->b, check);
	ok = LLVMBuildICmp(cg->b, LLVMIntEQ, target,
			   cg_runtime(cg, "bstap_pid", cg->i64, NULL, 0), "");
	for (int n = 1; n <= TARGET_GENERATIONS; n++) {
		const char *fields[TARGET_GENERATIONS + 1];
		LLVMValueRef tgid;

		memcpy(fields, chain, n * sizeof(*fields));
		fields[n] = "tgid";
		tgid = cg_task_field(cg, fields, n + 1, none).v;
		ok = LLVMBuildOr(cg->b, ok,
				 LLVMBuildICmp(cg->b, LLVMIntEQ, target, tgid, ""),
				 "");
	}
	LLVMBuildCondBr(cg->b, ok, go, cg->fn->exit_bb);
	LLVMPositionBuilderAtEnd(cg->b, go);
}
