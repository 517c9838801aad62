// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * $param and $local of user-space programs from DWARF: the location
 * expression dwarf_loc.c picked for the probe address becomes BPF over the
 * probed thread's pt_regs and bpf_probe_read_user(), then a
 * $var->member[i] chain walks the types at translate time (constant
 * offsets), so the program only adds and reads.
 *
 * The expression is evaluated symbolically: a stack of LLVM values, one
 * per DWARF stack slot, so constants fold and registers are read once.
 * What a BPF program cannot know (another frame's registers, a value at
 * function entry when the probe is elsewhere, TLS) is a translate-time
 * error naming the variable and the operation.
 */
#include <dwarf.h>
#include <string.h>

#include "codegen_internal.h"
#include "diag.h"
#include "dwarf_loc.h"
#include "elf_index.h"

#define STACK_MAX 16

/* DWARF register numbers of the x86-64 psABI, as struct pt_regs offsets. */
static const int dwarf_reg_off[17] = {
	80,	/* 0 rax */
	96,	/* 1 rdx */
	88,	/* 2 rcx */
	40,	/* 3 rbx */
	104,	/* 4 rsi */
	112,	/* 5 rdi */
	32,	/* 6 rbp */
	152,	/* 7 rsp */
	72, 64, 56, 48, 24, 16, 8, 0,	/* 8-15 r8-r15 */
	128,	/* 16 return address: rip */
};

struct eval {
	struct cg *cg;
	const struct dwarf_loc *loc;
	const char *var;	/* "$x", for messages */
	struct src_loc where;
	LLVMValueRef stack[STACK_MAX];
	int sp;
	bool is_value;		/* the result is the value, not its address */
};

static LLVMValueRef reg(struct cg *cg, unsigned int n)
{
	return cg_uprobe_reg(cg, dwarf_reg_off[n]);
}

static bool unsupported(struct eval *ev, unsigned int op, const char *why)
{
	return cg_error(ev->cg, ev->where,
			"'%s' cannot be read here: its location uses %s, %s",
			ev->var, dwarf_op_name(op), why);
}

static bool push(struct eval *ev, LLVMValueRef v)
{
	if (ev->sp == STACK_MAX)
		return cg_error(ev->cg, ev->where,
				"'%s': its location expression is too deep",
				ev->var);
	ev->stack[ev->sp++] = v;
	return true;
}

static bool pop(struct eval *ev, unsigned int op, LLVMValueRef *v)
{
	if (!ev->sp)
		return cg_error(ev->cg, ev->where,
				"'%s': its location expression is malformed at %s",
				ev->var, dwarf_op_name(op));
	*v = ev->stack[--ev->sp];
	return true;
}

/*
 * Reads `bytes` (1-8) of user memory at addr; a fault raises a read error
 * naming what was read (catchable by try/catch).
 */
LLVMValueRef cg_user_read(struct cg *cg, LLVMValueRef addr, int bytes,
			  bool is_signed, bool raise, struct src_loc loc,
			  const char *what)
{
	LLVMValueRef tmp = cg_alloca(cg, cg->i64, "uread"), rc, v;
	LLVMValueRef args[3] = {
		tmp, cg_i32(cg, (uint32_t)bytes),
		LLVMBuildIntToPtr(cg->b, addr, cg->ptr, "")
	};

	LLVMBuildStore(cg->b, cg_i64(cg, 0), tmp);
	rc = cg_helper(cg, 112 /* probe_read_user */, cg->i64, args, 3);
	if (raise) {
		/* "user read fault at 0x10 (reading $p->next)": the message
		 * is only built on the error path */
		LLVMBasicBlockRef err = cg_block(cg, "ufault");
		LLVMBasicBlockRef ok = cg_block(cg, "uread");
		LLVMValueRef msg, a[6];

		LLVMBuildCondBr(cg->b, LLVMBuildICmp(cg->b, LLVMIntSLT, rc,
						     cg_i64(cg, 0), ""),
				err, ok);
		LLVMPositionBuilderAtEnd(cg->b, err);
		msg = cg_new_slot(cg);
		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), msg);
		cg_append_lit(cg, msg, "user read fault at ");
		a[0] = msg;
		a[1] = addr;
		a[2] = cg_i64(cg, 'x');
		a[3] = cg_i64(cg, 0x20);
		a[4] = cg_i64(cg, -1);
		a[5] = cg_i64(cg, -1);
		cg_runtime(cg, "bstap_append_long", cg->void_t, a, 6);
		if (what)
			cg_append_lit(cg, msg,
				      arena_printf(cg->a, " (reading %s)",
						   what));
		cg_raise(cg, BO_ERR_READ_FAULT, loc, what ? what : "", msg);
		if (!cg_terminated(cg))
			LLVMBuildBr(cg->b, ok);
		LLVMPositionBuilderAtEnd(cg->b, ok);
	}
	v = LLVMBuildLoad2(cg->b, cg->i64, tmp, "");
	return cg_uprobe_narrow(cg, v, bytes, is_signed);
}

static bool eval_ops(struct eval *ev, const Dwarf_Op *ops, size_t n,
		     int depth);

/* DW_OP_call_frame_cfa: the CFA rule of the CFI, or rsp + 8 at entry. */
static bool frame_cfa(struct eval *ev, unsigned int op, int depth)
{
	const struct dwarf_loc *l = ev->loc;
	bool was_value = ev->is_value;

	if (l->ncfa) {
		if (!eval_ops(ev, l->cfa, l->ncfa, depth + 1))
			return false;
		ev->is_value = was_value;
		return true;
	}
	if (l->at_entry)
		return push(ev, LLVMBuildAdd(ev->cg->b, reg(ev->cg, 7),
					     cg_i64(ev->cg, 8), ""));
	return unsupported(ev, op, "and the program has no call frame information for this address");
}

/* DW_OP_entry_value(DW_OP_regN): the register now, if this is the entry. */
static bool entry_value(struct eval *ev, const Dwarf_Op *op)
{
	const unsigned char *block = (const unsigned char *)(uintptr_t)op->number2;

	if (!ev->loc->at_entry)
		return unsupported(ev, op->atom, "the value it had at the function's entry, which is gone at this address (probe the function's entry instead)");
	if (op->number != 1 || !block || block[0] < DW_OP_reg0 ||
	    block[0] > DW_OP_reg16)
		return unsupported(ev, op->atom, "with an operand BPF cannot evaluate");
	return push(ev, reg(ev->cg, block[0] - DW_OP_reg0));
}

static bool binary(struct eval *ev, unsigned int op)
{
	LLVMBuilderRef b = ev->cg->b;
	LLVMValueRef x = NULL, y = NULL, r;

	if (!pop(ev, op, &y) || !pop(ev, op, &x))
		return false;
	switch (op) {
	case DW_OP_plus: r = LLVMBuildAdd(b, x, y, ""); break;
	case DW_OP_minus: r = LLVMBuildSub(b, x, y, ""); break;
	case DW_OP_mul: r = LLVMBuildMul(b, x, y, ""); break;
	case DW_OP_and: r = LLVMBuildAnd(b, x, y, ""); break;
	case DW_OP_or: r = LLVMBuildOr(b, x, y, ""); break;
	case DW_OP_xor: r = LLVMBuildXor(b, x, y, ""); break;
	case DW_OP_shl: r = LLVMBuildShl(b, x, y, ""); break;
	case DW_OP_shr: r = LLVMBuildLShr(b, x, y, ""); break;
	case DW_OP_shra: r = LLVMBuildAShr(b, x, y, ""); break;
	default: return unsupported(ev, op, "an operation BPF cannot evaluate");
	}
	return push(ev, r);
}

static bool eval_op(struct eval *ev, const Dwarf_Op *op, size_t i, size_t n,
		    int depth)
{
	struct cg *cg = ev->cg;
	unsigned int a = op->atom;
	LLVMValueRef x = NULL, y = NULL;

	if (a >= DW_OP_lit0 && a <= DW_OP_lit31)
		return push(ev, cg_i64(cg, a - DW_OP_lit0));
	if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
		if (a > DW_OP_reg16)
			return unsupported(ev, a, "a register BPF cannot read (floating point or vector)");
		ev->is_value = true;
		return push(ev, reg(cg, a - DW_OP_reg0));
	}
	if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
		if (a > DW_OP_breg16)
			return unsupported(ev, a, "a register BPF cannot read (floating point or vector)");
		return push(ev, LLVMBuildAdd(cg->b, reg(cg, a - DW_OP_breg0),
					     cg_i64(cg, (int64_t)op->number),
					     ""));
	}
	switch (a) {
	case DW_OP_regx:
		if (op->number > 16)
			return unsupported(ev, a, "a register BPF cannot read (floating point or vector)");
		ev->is_value = true;
		return push(ev, reg(cg, (unsigned int)op->number));
	case DW_OP_bregx:
		if (op->number > 16)
			return unsupported(ev, a, "a register BPF cannot read (floating point or vector)");
		return push(ev, LLVMBuildAdd(cg->b, reg(cg, (unsigned int)op->number),
					     cg_i64(cg, (int64_t)op->number2), ""));
	case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
	case DW_OP_const8u: case DW_OP_constu:
	case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
	case DW_OP_const8s: case DW_OP_consts:
		return push(ev, cg_i64(cg, (int64_t)op->number));
	case DW_OP_addr:
		/* a link-time address: moved by where the file is mapped */
		return push(ev, LLVMBuildAdd(cg->b, cg_uprobe_load_bias(cg),
					     cg_i64(cg, (int64_t)op->number),
					     ""));
	case DW_OP_fbreg: {
		bool was_value = ev->is_value;

		if (!ev->loc->nfb)
			return unsupported(ev, a, "and its function has no frame base here");
		if (depth > 2 || !eval_ops(ev, ev->loc->fb, ev->loc->nfb,
					   depth + 1))
			return false;
		ev->is_value = was_value;
		if (!pop(ev, a, &x))
			return false;
		return push(ev, LLVMBuildAdd(cg->b, x,
					     cg_i64(cg, (int64_t)op->number),
					     ""));
	}
	case DW_OP_call_frame_cfa:
		return frame_cfa(ev, a, depth);
	case DW_OP_plus_uconst:
		if (!pop(ev, a, &x))
			return false;
		return push(ev, LLVMBuildAdd(cg->b, x,
					     cg_i64(cg, (int64_t)op->number),
					     ""));
	case DW_OP_plus: case DW_OP_minus: case DW_OP_mul: case DW_OP_and:
	case DW_OP_or: case DW_OP_xor: case DW_OP_shl: case DW_OP_shr:
	case DW_OP_shra:
		return binary(ev, a);
	case DW_OP_neg:
		if (!pop(ev, a, &x))
			return false;
		return push(ev, LLVMBuildNeg(cg->b, x, ""));
	case DW_OP_not:
		if (!pop(ev, a, &x))
			return false;
		return push(ev, LLVMBuildNot(cg->b, x, ""));
	case DW_OP_dup:
		if (!pop(ev, a, &x))
			return false;
		return push(ev, x) && push(ev, x);
	case DW_OP_drop:
		return pop(ev, a, &x);
	case DW_OP_over:
		if (ev->sp < 2)
			return cg_error(cg, ev->where,
					"'%s': its location expression is malformed at %s",
					ev->var, dwarf_op_name(a));
		return push(ev, ev->stack[ev->sp - 2]);
	case DW_OP_swap:
		if (!pop(ev, a, &y) || !pop(ev, a, &x))
			return false;
		return push(ev, y) && push(ev, x);
	case DW_OP_deref:
	case DW_OP_deref_size: {
		int bytes = a == DW_OP_deref ? 8 : (int)op->number;

		if (bytes < 1 || bytes > 8 || !pop(ev, a, &x))
			return bytes >= 1 && bytes <= 8 ? false :
			       unsupported(ev, a, "with a size BPF cannot read");
		return push(ev, cg_user_read(cg, x, bytes, false, true,
					     ev->where, ev->var));
	}
	case DW_OP_stack_value:
		ev->is_value = true;
		return true;
	case DW_OP_implicit_value: {
		const unsigned char *data = (const unsigned char *)(uintptr_t)op->number2;
		uint64_t v = 0;

		if (op->number > 8 || !data)
			return unsupported(ev, a, "a constant wider than 8 bytes");
		for (uint64_t k = op->number; k > 0; k--)
			v = v << 8 | data[k - 1];
		ev->is_value = true;
		return push(ev, cg_i64(cg, (int64_t)v));
	}
	case DW_OP_entry_value:
	case DW_OP_GNU_entry_value:
		return entry_value(ev, op);
	case DW_OP_piece:
		/*
		 * A value in pieces: enough when the first piece holds all of
		 * it (gcc splits a struct whose tail is unused); else no.
		 */
		if (i == n - 1 || (int64_t)op->number >= 8)
			return true;
		return unsupported(ev, a, "pieces in different places, which BPF cannot put together");
	case DW_OP_nop:
		return true;
	default:
		return unsupported(ev, a, "an operation BPF cannot evaluate");
	}
}

static bool eval_ops(struct eval *ev, const Dwarf_Op *ops, size_t n,
		     int depth)
{
	for (size_t i = 0; i < n; i++) {
		if (!eval_op(ev, &ops[i], i, n, depth))
			return false;
		/* after the first piece the rest describes other bytes */
		if (ops[i].atom == DW_OP_piece)
			break;
	}
	return true;
}

/* A DWARF value: in memory at v, or v itself. */
struct dval {
	bool in_memory;
	LLVMValueRef v;
};

/* Parameters at the first instruction, where -O0 code has not yet
 * stored them into the frame its DWARF describes: the ABI registers. */
static bool entry_register(const struct dwarf_loc *l, const Dwarf_Op *ops,
			   size_t n)
{
	struct dwarf_shape sh;

	if (!l->is_param || !l->at_entry || l->param_index < 0 ||
	    l->param_index >= 6 || !n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ops[i].atom == DW_OP_fbreg ||
		    (ops[i].atom >= DW_OP_breg0 && ops[i].atom <= DW_OP_breg31))
			goto in_frame;
	return false;
in_frame:
	dwarf_shape_of(l->has_type ? (Dwarf_Die *)&l->type : NULL, &sh);
	return (sh.cls == DWC_INT || sh.cls == DWC_PTR) && sh.size <= 8;
}

static bool locate_value(struct cg *cg, const struct dwarf_loc *l,
			 const char *var, struct src_loc where,
			 struct dval *out)
{
	struct eval ev = { .cg = cg, .loc = l, .var = var, .where = where };

	if (l->is_const) {
		out->in_memory = false;
		out->v = cg_i64(cg, l->const_value);
		return true;
	}
	if (!l->nexpr)
		return cg_error(cg, where, "'%s' is optimized out at this address",
				var);
	if (entry_register(l, l->expr, l->nexpr)) {
		out->in_memory = false;
		out->v = cg_uprobe_arg_reg(cg, l->param_index);
		return true;
	}
	if (!eval_ops(&ev, l->expr, l->nexpr, 0) || !pop(&ev, DW_OP_nop,
							   &out->v))
		return false;
	out->in_memory = !ev.is_value;
	return true;
}

/* Follows a chain plan from v; false with an error reported. */
static bool walk(struct cg *cg, const struct dwarf_plan *p, const char *var,
		 struct src_loc where, struct dval *v)
{
	for (int i = 0; i < p->n; i++) {
		const struct dwarf_step *st = &p->steps[i];

		if (st->deref) {
			if (v->in_memory)
				v->v = cg_user_read(cg, v->v, 8, false, true,
						    st->comp->loc, var);
			v->in_memory = true;
		}
		if (!v->in_memory)
			return cg_error(cg, st->comp->loc,
					"'%s' is in a register here: it has no members or elements to read",
					var);
		if (st->offset)
			v->v = LLVMBuildAdd(cg->b, v->v,
					    cg_i64(cg, st->offset), "");
		if (st->elem_size) {
			LLVMValueRef idx = cg_expr(cg, st->comp->index).v;

			v->v = LLVMBuildAdd(cg->b, v->v,
					    LLVMBuildMul(cg->b, idx,
							 cg_i64(cg, st->elem_size),
							 ""), "");
		}
	}
	return true;
}

/* A char array in user memory as a string: at most its length. */
static struct cg_val char_array(struct cg *cg, LLVMValueRef addr,
				int64_t count)
{
	LLVMValueRef dst = cg_new_slot(cg);
	uint32_t n = count < 0 || count > cg->msl - 1 ? cg->msl - 1 :
						      (uint32_t)count;
	LLVMValueRef args[3] = { dst, cg_i32(cg, n ? n : 1),
				 LLVMBuildIntToPtr(cg->b, addr, cg->ptr, "") };

	/* a NUL in the array ends it; without one, all count bytes */
	cg_helper(cg, 114 /* probe_read_user_str */, cg->i64, args, 3);
	if (n) {
		LLVMValueRef end = cg_i64(cg, n);

		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false),
			       LLVMBuildGEP2(cg->b, cg->i8, dst, &end, 1, ""));
	}
	return (struct cg_val){ TYPE_STRING, dst };
}

/*
 * A bit field: the bytes that hold it (little-endian), shifted down to
 * its first bit, cut to its width and sign-extended when its type is
 * signed.
 */
static struct cg_val bit_field(struct cg *cg, const struct dwarf_plan *p,
			       const char *var, struct src_loc where,
			       struct dval v)
{
	int bytes = (p->bit + p->bits + 7) / 8, keep = 64 - p->bits;
	LLVMValueRef x;

	if (!v.in_memory || bytes > 8 || p->bits < 1)
		return (cg_error(cg, where, "'%s': a bit field %s cannot be read",
				 var, v.in_memory ? "over more than 8 bytes" :
				 "in a register"),
			cg_default(cg, TYPE_LONG));
	x = cg_user_read(cg, v.v, bytes, false, true, where, var);
	if (p->bit)
		x = LLVMBuildLShr(cg->b, x, cg_i64(cg, p->bit), "");
	if (keep > 0) {
		x = LLVMBuildShl(cg->b, x, cg_i64(cg, keep), "");
		x = p->shape.is_signed ?
		    LLVMBuildAShr(cg->b, x, cg_i64(cg, keep), "") :
		    LLVMBuildLShr(cg->b, x, cg_i64(cg, keep), "");
	}
	return (struct cg_val){ TYPE_LONG, x };
}

static struct cg_val finish(struct cg *cg, const struct dwarf_plan *p,
			    const char *var, struct src_loc where,
			    struct dval v)
{
	const struct dwarf_shape *sh = &p->shape;

	if (p->bits)
		return bit_field(cg, p, var, where, v);

	if (p->kind == TYPE_LONG) {
		if (!v.in_memory)
			return (struct cg_val){ TYPE_LONG,
				cg_uprobe_narrow(cg, v.v, sh->size,
						 sh->is_signed) };
		return (struct cg_val){ TYPE_LONG,
			cg_user_read(cg, v.v, sh->size, sh->is_signed, true,
				     where, var) };
	}
	if (p->kind == TYPE_STRING && v.in_memory)
		return char_array(cg, v.v, sh->count);
	return (cg_error(cg, where, "'%s' is %s and cannot be read as a value",
			 var, elf_dwarf_type_text(cg->s,
						  p->has_type ? (Dwarf_Die *)&p->type : NULL)),
		cg_default(cg, p->kind));
}

/* ------------------------------------------------- pretty printing */

/* Appends a literal to the string at dst (pretty printing, $$vars). */
void cg_append_lit(struct cg *cg, LLVMValueRef dst, const char *s)
{
	LLVMValueRef a[2] = { dst, cg_literal(cg, s) };

	cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
}

static void append_str(struct cg *cg, LLVMValueRef dst, LLVMValueRef s,
		       bool quote)
{
	LLVMValueRef a[2] = { dst, s };

	if (quote)
		cg_append_lit(cg, dst, "\"");
	cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
	if (quote)
		cg_append_lit(cg, dst, "\"");
}

/* Appends v in decimal, or in hex with "0x" ("%#x"). */
void cg_append_long(struct cg *cg, LLVMValueRef dst, LLVMValueRef v,
		    bool hex)
{
	LLVMValueRef a[6] = { dst, v, cg_i64(cg, hex ? 'x' : 'd'),
			      cg_i64(cg, hex ? 0x20 : 0), cg_i64(cg, -1),
			      cg_i64(cg, -1) };

	cg_runtime(cg, "bstap_append_long", cg->void_t, a, 6);
}

/*
 * One value as stap's $var$ shows it: numbers in decimal, pointers in hex,
 * char arrays and char pointers quoted, structs as {.m=v, ...} (members
 * that are structs or arrays themselves as {...} unless deep).
 */
static void pretty_value(struct cg *cg, LLVMValueRef dst, Dwarf_Die *type,
			 struct dval v, const char *var, struct src_loc where,
			 int depth, bool deep)
{
	struct dwarf_shape sh;
	struct dwarf_plan one = { 0 };

	dwarf_shape_of(type, &sh);
	one.shape = sh;
	if (type) {
		one.type = *type;
		one.has_type = true;
	}
	switch (sh.cls) {
	case DWC_INT:
		one.kind = TYPE_LONG;
		cg_append_long(cg, dst, finish(cg, &one, var, where, v).v, false);
		return;
	case DWC_PTR:
		one.kind = TYPE_LONG;
		one.shape.is_signed = false;
		if (sh.char_elem) {
			LLVMValueRef p = finish(cg, &one, var, where, v).v;
			LLVMValueRef s = cg_new_slot(cg);
			LLVMValueRef a[3] = { s, cg_i32(cg, cg->msl),
					      LLVMBuildIntToPtr(cg->b, p,
								cg->ptr, "") };

			LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false),
				       s);
			cg_helper(cg, 114 /* probe_read_user_str */, cg->i64,
				  a, 3);
			append_str(cg, dst, s, true);
			return;
		}
		if (depth == 0 && sh.has_target) {
			/* a pointer to a struct shows the struct, as stap */
			struct dwarf_shape to;

			dwarf_shape_of(&sh.target, &to);
			if (to.cls == DWC_STRUCT) {
				struct dval at = { true,
					finish(cg, &one, var, where, v).v };

				pretty_value(cg, dst, &sh.target, at, var,
					     where, 0, deep);
				return;
			}
		}
		cg_append_long(cg, dst, finish(cg, &one, var, where, v).v, true);
		return;
	case DWC_ARRAY:
		if (sh.char_elem && v.in_memory) {
			append_str(cg, dst, char_array(cg, v.v, sh.count).v,
				   true);
			return;
		}
		break;
	case DWC_STRUCT:
		if (v.in_memory && depth < 2 && (depth == 0 || deep))
			break;
		cg_append_lit(cg, dst, "{...}");
		return;
	default:
		cg_append_lit(cg, dst, "?");
		return;
	}
	if (sh.cls == DWC_ARRAY) {
		struct dwarf_shape elem;
		int64_t n = sh.count < 0 ? 0 : sh.count > 8 ? 8 : sh.count;

		dwarf_shape_of(sh.has_target ? &sh.target : NULL, &elem);
		cg_append_lit(cg, dst, "[");
		for (int64_t i = 0; i < n && v.in_memory && elem.size > 0; i++) {
			struct dval ev = { true, LLVMBuildAdd(cg->b, v.v,
				cg_i64(cg, i * elem.size), "") };

			if (i)
				cg_append_lit(cg, dst, ", ");
			pretty_value(cg, dst, &sh.target, ev, var, where,
				     depth + 1, deep);
		}
		cg_append_lit(cg, dst, sh.count > 8 ? ", ...]" : "]");
		return;
	}
	/* a struct in memory: its members, in order */
	{
		Dwarf_Die st, m;
		bool first = true;

		if (!type || dwarf_child(type, &m) != 0) {
			cg_append_lit(cg, dst, "{}");
			return;
		}
		/* the struct DIE itself (typedefs peeled) */
		for (st = *type; dwarf_tag(&st) == DW_TAG_typedef ||
		     dwarf_tag(&st) == DW_TAG_const_type ||
		     dwarf_tag(&st) == DW_TAG_volatile_type;) {
			Dwarf_Attribute at;

			if (!dwarf_attr_integrate(&st, DW_AT_type, &at) ||
			    !dwarf_formref_die(&at, &st))
				break;
		}
		cg_append_lit(cg, dst, "{");
		if (dwarf_child(&st, &m) == 0) {
			do {
				const char *mn = dwarf_diename(&m);
				Dwarf_Attribute at;
				Dwarf_Word off = 0;
				Dwarf_Die mt;
				struct dval mv;

				if (dwarf_tag(&m) != DW_TAG_member || !mn ||
				    dwarf_hasattr(&m, DW_AT_bit_size) ||
				    !dwarf_attr_integrate(&m, DW_AT_type, &at) ||
				    !dwarf_formref_die(&at, &mt))
					continue;
				if (dwarf_attr_integrate(&m, DW_AT_data_member_location,
							 &at))
					dwarf_formudata(&at, &off);
				cg_append_lit(cg, dst, arena_printf(cg->a, "%s.%s=",
								 first ? "" : ", ",
								 mn));
				first = false;
				mv.in_memory = true;
				mv.v = LLVMBuildAdd(cg->b, v.v,
						    cg_i64(cg, (int64_t)off), "");
				pretty_value(cg, dst, &mt, mv, var, where,
					     depth + 1, deep);
			} while (dwarf_siblingof(&m, &m) == 0);
		}
		cg_append_lit(cg, dst, "}");
	}
}

/* ------------------------------------------------------------ entry */

int cg_dwarf_var(struct cg *cg, struct expr *e, struct cg_val *out)
{
	const struct resolved_point *rp = cg->fn->point;
	struct elf_file *ef = dwarf_point_file(rp);
	const char *name = e->name[0] == '$' ? e->name + 1 : e->name;
	struct dwarf_loc loc;
	struct dwarf_plan plan;
	struct dval v;

	if (!ef || !dwarf_loc_find(cg->s, ef, rp->address, name, &loc))
		return 0;
	if (rp->is_return) {
		cg_error(cg, e->loc, "'%s' is gone at the return: read it with @entry(%s) or in the entry probe",
			 e->name, e->name);
		*out = cg_default(cg, e->type);
		return -1;
	}
	*out = cg_default(cg, e->type);
	if (!dwarf_plan_chain(cg->s, loc.has_type ? &loc.type : NULL,
			      e->chain.v, e->chain.n, false, &plan) ||
	    !locate_value(cg, &loc, e->name, e->loc, &v) ||
	    !walk(cg, &plan, e->name, e->loc, &v))
		return -1;
	if (e->addr_of && plan.bits)
		return cg_error(cg, e->loc, "'%s': a bit field has no address",
				e->name) ? -1 : -1;
	if (e->addr_of) {
		if (!v.in_memory)
			return cg_error(cg, e->loc, "'%s' is in a register here and has no address",
					e->name) ? -1 : -1;
		*out = (struct cg_val){ TYPE_LONG, v.v };
		return 1;
	}
	if (e->pretty != PRETTY_NONE) {
		LLVMValueRef dst = cg_new_slot(cg);

		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
		pretty_value(cg, dst, plan.has_type ? &plan.type : NULL, v,
			     e->name, e->loc, 0, e->pretty == PRETTY_DEEP);
		*out = (struct cg_val){ TYPE_STRING, dst };
		return 1;
	}
	*out = finish(cg, &plan, e->name, e->loc, v);
	return 1;
}

/* @cast(p, "type", "PATH"): p points to a type of PATH's DWARF. */
struct cg_val cg_dwarf_cast(struct cg *cg, struct expr *e)
{
	const char *why;
	struct elf_file *ef = elf_file_get(cg->s, e->module, &why);
	Dwarf_Die type;
	struct dwarf_plan plan;
	struct dval v;

	if (!ef)
		return (cg_error(cg, e->loc, "@cast: '%s' %s", e->module, why),
			cg_default(cg, e->type));
	if (!dwarf_find_type(cg->s, ef, e->str, &type))
		return (cg_error(cg, e->loc, "@cast: no type '%s' in the DWARF of '%s'",
				 e->str, e->module), cg_default(cg, e->type));
	if (!dwarf_plan_chain(cg->s, &type, e->chain.v, e->chain.n, false,
			      &plan))
		return cg_default(cg, e->type);
	v.in_memory = true;
	v.v = cg_expr(cg, e->operand).v;
	if (!walk(cg, &plan, "@cast", e->loc, &v))
		return cg_default(cg, e->type);
	if (e->addr_of)
		return (struct cg_val){ TYPE_LONG, v.v };
	if (e->pretty != PRETTY_NONE) {
		LLVMValueRef dst = cg_new_slot(cg);

		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
		pretty_value(cg, dst, plan.has_type ? &plan.type : NULL, v,
			     "@cast", e->loc, 0, e->pretty == PRETTY_DEEP);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	return finish(cg, &plan, "@cast", e->loc, v);
}
