// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Probe programs and context variables.
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
 * Member chains ($prev->mm->mmap_base) are CO-RE: each member access is a
 * llvm.preserve.struct.access.index on a one-member DI struct named like the
 * kernel's, at the member's offset in the translating kernel's BTF; libbpf
 * matches the member by name in the running kernel's BTF and patches the
 * offset. Members inside anonymous structs and unions are described at
 * their absolute offset: libbpf finds them by name through the anonymous
 * levels. Each step reads through bpf_probe_read_kernel, which works on
 * any pointer whatever the program type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "btf_index.h"
#include "codegen_internal.h"
#include "diag.h"

#define BPF_FUNC_map_lookup_elem	1
#define BPF_FUNC_get_current_task	35
#define BPF_FUNC_probe_read_kernel	113

static struct cg_val lng(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_LONG, v };
}

/* ------------------------------------------------------ CO-RE chains */

struct core_state {
	const struct btf *btf;
	uint32_t id;		/* type of the object at addr (or of value) */
	LLVMValueRef addr;	/* its address, NULL when value holds it */
	LLVMValueRef value;	/* i64: a pointer or scalar already read */
};

static const struct btf_type *strip(const struct btf *btf, uint32_t *id)
{
	for (int i = 0; i < 32 && *id; i++) {
		const struct btf_type *t = btf__type_by_id(btf, *id);

		if (!t)
			return NULL;
		if (!btf_is_mod(t) && !btf_is_typedef(t) &&
		    btf_kind(t) != BTF_KIND_TYPE_TAG)
			return t;
		*id = t->type;
	}
	return *id ? NULL : btf__type_by_id(btf, 0);
}

/* A member by name, through anonymous members; offset in bits. */
static bool find_member(const struct btf *btf, const struct btf_type *t,
			const char *name, uint32_t *type, uint32_t *bits,
			uint32_t *bitfield, int depth)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		uint32_t id = m[i].type, off = btf_member_bit_offset(t, i);
		const struct btf_type *mt;

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			*type = m[i].type;
			*bits = off;
			*bitfield = btf_member_bitfield_size(t, i);
			return true;
		}
		mt = strip(btf, &id);
		if (mt && btf_is_composite(mt) && depth < 8 &&
		    find_member(btf, mt, name, type, bits, bitfield,
				depth + 1)) {
			*bits += off;
			return true;
		}
	}
	return false;
}

#define DW_ATE_signed	0x05
#define DW_ATE_unsigned	0x08

static bool is_signed_int(const struct btf_type *t)
{
	return btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_SIGNED);
}

/* The member's type for libbpf's compatibility check: same BTF kind. */
static LLVMMetadataRef local_type(struct cg *cg, const struct btf *btf,
				  uint32_t id)
{
	const struct btf_type *t = strip(btf, &id);
	const char *name;
	uint64_t bits;

	if (!t)
		return cg->di_long;
	name = btf__name_by_offset(btf, t->name_off);
	name = name ? name : "";
	bits = (uint64_t)btf_type_bytes(btf, id) * 8;
	if (btf_is_ptr(t))
		return cg->di_ptr;
	if (btf_is_int(t))
		return LLVMDIBuilderCreateBasicType(
			cg->di, name, strlen(name), bits,
			is_signed_int(t) ? DW_ATE_signed : DW_ATE_unsigned,
			LLVMDIFlagZero);
	if (btf_is_enum(t) || btf_is_enum64(t))
		return LLVMDIBuilderCreateEnumerationType(
			cg->di, cg->di_cu, name, strlen(name), cg->di_file, 0,
			bits, 32, NULL, 0, cg->di_int);
	if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(
			cg->di, 0, a->nelems);

		return LLVMDIBuilderCreateArrayType(cg->di, bits, 8,
						    local_type(cg, btf, a->type),
						    &sub, 1);
	}
	if (btf_is_union(t))
		return LLVMDIBuilderCreateUnionType(
			cg->di, cg->di_cu, name, strlen(name), cg->di_file, 0,
			bits, 8, LLVMDIFlagZero, NULL, 0, 0, "", 0);
	return LLVMDIBuilderCreateStructType(cg->di, cg->di_cu, name,
					     strlen(name), cg->di_file, 0,
					     bits, 8, LLVMDIFlagZero, NULL,
					     NULL, 0, 0, NULL, "", 0);
}

/* &base->member, relocatable. */
static LLVMValueRef core_member(struct cg *cg, const struct btf *btf,
				const struct btf_type *st, LLVMValueRef base,
				const char *member, uint32_t mtype,
				uint32_t bits)
{
	const char *sname = btf__name_by_offset(btf, st->name_off);
	uint64_t size_bits = (uint64_t)st->size * 8;
	LLVMMetadataRef mdi, sdi;
	LLVMTypeRef fields[1] = { LLVMArrayType(cg->i8, st->size) };
	LLVMTypeRef sty = LLVMStructTypeInContext(cg->ctx, fields, 1, false);
	LLVMTypeRef types[2] = { cg->ptr, cg->ptr };
	unsigned iid = LLVMLookupIntrinsicID(
		"llvm.preserve.struct.access.index", 33);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, iid, types, 2);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cg->ctx, iid, types, 2);
	LLVMValueRef args[3] = { base, cg_i32(cg, 0), cg_i32(cg, 0) };
	LLVMValueRef call;
	unsigned kind = LLVMGetEnumAttributeKindForName("elementtype", 11);
	uint64_t msize = (uint64_t)btf_type_bytes(btf, mtype) * 8;

	sname = sname ? sname : "";
	if (!*sname) {
		/* kuid_t and friends: no name to relocate by, a fixed offset */
		LLVMValueRef off = cg_i64(cg, bits / 8);

		return LLVMBuildGEP2(cg->b, cg->i8, base, &off, 1, "");
	}
	mdi = LLVMDIBuilderCreateMemberType(cg->di, cg->di_cu, member,
					    strlen(member), cg->di_file, 0,
					    msize, 8, bits, LLVMDIFlagZero,
					    local_type(cg, btf, mtype));
	if (btf_is_union(st))
		sdi = LLVMDIBuilderCreateUnionType(
			cg->di, cg->di_cu, sname, strlen(sname), cg->di_file,
			0, size_bits, 8, LLVMDIFlagZero, &mdi, 1, 0, "", 0);
	else
		sdi = LLVMDIBuilderCreateStructType(
			cg->di, cg->di_cu, sname, strlen(sname), cg->di_file,
			0, size_bits, 8, LLVMDIFlagZero, NULL, &mdi, 1, 0,
			NULL, "", 0);
	call = LLVMBuildCall2(cg->b, fty, fn, args, 3, "core");
	LLVMAddCallSiteAttribute(call, 1,
				 LLVMCreateTypeAttribute(cg->ctx, kind, sty));
	LLVMSetMetadata(call,
			LLVMGetMDKindIDInContext(cg->ctx,
						 "llvm.preserve.access.index",
						 26),
			LLVMMetadataAsValue(cg->ctx, sdi));
	/* break the chain: each access is relocated on its own */
	return LLVMBuildIntToPtr(cg->b,
				 LLVMBuildPtrToInt(cg->b, call, cg->i64, ""),
				 cg->ptr, "");
}

static LLVMValueRef stack_slot(struct cg *cg)
{
	return cg_alloca(cg, cg->i64, "kread");
}

/* Reads size (1..8) bytes at a kernel address as a long. */
static LLVMValueRef kread(struct cg *cg, LLVMValueRef addr, int size,
			  bool is_signed, struct src_loc loc)
{
	LLVMValueRef tmp = stack_slot(cg), args[3], rc, v;
	int shift = 64 - 8 * size;

	LLVMBuildStore(cg->b, cg_i64(cg, 0), tmp);
	args[0] = tmp;
	args[1] = cg_i32(cg, (uint32_t)size);
	args[2] = addr;
	rc = cg_helper(cg, BPF_FUNC_probe_read_kernel, cg->i64, args, 3);
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), ""),
		    BO_ERR_READ_FAULT, loc, NULL, NULL);
	v = LLVMBuildLoad2(cg->b, cg->i64, tmp, "");
	if (is_signed && shift > 0)
		v = LLVMBuildAShr(cg->b,
				  LLVMBuildShl(cg->b, v, cg_i64(cg, shift), ""),
				  cg_i64(cg, shift), "");
	return v;
}

/* Makes st->value hold the object at st->addr (a pointer or scalar). */
static bool core_load(struct cg *cg, struct core_state *st,
		      struct src_loc loc)
{
	uint32_t id = st->id;
	const struct btf_type *t = strip(st->btf, &id);
	int size = btf_type_bytes(st->btf, st->id);

	if (!st->addr)
		return true;
	if (!t || size < 1 || size > 8 ||
	    !(btf_is_ptr(t) || btf_is_int(t) || btf_is_enum(t) ||
	      btf_is_enum64(t)))
		return cg_error(cg, loc, "this value cannot be read as a number");
	st->value = kread(cg, st->addr, size, is_signed_int(t), loc);
	st->addr = NULL;
	return true;
}

/*
 * [i] on an array member or through a pointer: the element's address at
 * i times its size (the element layout is not relocated, only members).
 */
static bool core_index(struct cg *cg, struct core_state *st,
		       const struct component *c, struct src_loc loc)
{
	uint32_t id = st->id;
	const struct btf_type *t = strip(st->btf, &id);
	uint32_t elem;
	int size;
	LLVMValueRef i, off;

	if (t && btf_is_ptr(t)) {
		if (!core_load(cg, st, loc))
			return false;
		st->addr = LLVMBuildIntToPtr(cg->b, st->value, cg->ptr, "");
		st->value = NULL;
		elem = t->type;
	} else if (t && btf_is_array(t) && st->addr) {
		elem = btf_array(t)->type;
	} else {
		return cg_error(cg, loc, "this value cannot be indexed");
	}
	size = btf_type_bytes(st->btf, elem);
	if (size <= 0)
		return cg_error(cg, loc, "the elements here have no size");
	i = cg_expr(cg, c->index).v;
	off = LLVMBuildMul(cg->b, i, cg_i64(cg, size), "");
	st->addr = LLVMBuildGEP2(cg->b, cg->i8, st->addr, &off, 1, "");
	st->id = elem;
	return true;
}

static bool core_step(struct cg *cg, struct core_state *st,
		      const struct component *c, const char *name,
		      struct src_loc loc)
{
	uint32_t id = st->id, mtype, bits, bitfield;
	const struct btf_type *t = strip(st->btf, &id);

	if (c && c->kind == COMP_INDEX)
		return core_index(cg, st, c, loc);
	if (t && btf_is_ptr(t)) {
		/* -> through a pointer: read it, then look at the pointee */
		if (!core_load(cg, st, loc))
			return false;
		st->addr = LLVMBuildIntToPtr(cg->b, st->value, cg->ptr, "");
		st->value = NULL;
		st->id = t->type;
		id = st->id;
		t = strip(st->btf, &id);
	}
	if (!t || !btf_is_composite(t) || !st->addr)
		return cg_error(cg, loc, "cannot read member '%s' here", name);
	if (!find_member(st->btf, t, name, &mtype, &bits, &bitfield, 0))
		return cg_error(cg, loc, "no member '%s'", name);
	if (bitfield)
		return cg_error(cg, loc, "bit-field member '%s' is not supported by the BPF code generator yet",
				name);
	st->addr = core_member(cg, st->btf, t, st->addr, name, mtype, bits);
	st->id = mtype;
	return true;
}

/* The final value: a number, or a string for char arrays. */
static struct cg_val core_finish(struct cg *cg, struct core_state *st,
				 struct src_loc loc)
{
	uint32_t id = st->id;
	const struct btf_type *t = strip(st->btf, &id);

	if (t && btf_is_array(t) && st->addr) {
		LLVMValueRef dst = cg_new_slot(cg);
		LLVMValueRef args[3] = {
			dst, st->addr,
			cg_i32(cg, (uint32_t)btf_type_bytes(st->btf, id))
		};

		cg_runtime(cg, "bstap_read_chars", cg->void_t, args, 3);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (!core_load(cg, st, loc))
		return lng(cg_i64(cg, 0));
	return lng(st->value);
}

/* "struct task_struct*" and friends: the type's BTF id. */
static uint32_t type_from_text(const struct btf *btf, const char *text)
{
	char name[128];
	int kind = BTF_KIND_TYPEDEF;
	size_t n;
	long id;
	bool ptr = strchr(text, '*') != NULL;

	while (!strncmp(text, "const ", 6))
		text += 6;
	if (!strncmp(text, "struct ", 7)) {
		kind = BTF_KIND_STRUCT;
		text += 7;
	} else if (!strncmp(text, "union ", 6)) {
		kind = BTF_KIND_UNION;
		text += 6;
	}
	n = strcspn(text, " *[");
	if (!n || n >= sizeof(name))
		return 0;
	memcpy(name, text, n);
	name[n] = 0;
	id = btf__find_by_name_kind(btf, name, kind);
	if (id <= 0 && kind == BTF_KIND_TYPEDEF)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_INT);
	if (id <= 0)
		return 0;
	if (!ptr)
		return (uint32_t)id;
	/* a pointer type to it: any will do for the walk */
	for (uint32_t i = 1; i < btf__type_cnt(btf); i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_ptr(t) && t->type == (uint32_t)id)
			return i;
	}
	return 0;
}

/* current->NAME->...: for ppid(), euid(), pexecname(). */
struct cg_val cg_task_field(struct cg *cg, const char *const *chain, int n,
			    struct src_loc loc)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	struct core_state st = { 0 };

	if (!ix)
		return (cg_error(cg, loc, "this function needs the kernel's BTF: %s",
				 btf_error(cg->s)), lng(cg_i64(cg, 0)));
	st.btf = ix->btf;
	st.id = type_from_text(ix->btf, "struct task_struct*");
	st.value = cg_helper(cg, BPF_FUNC_get_current_task, cg->i64, NULL, 0);
	for (int i = 0; i < n; i++)
		if (!core_step(cg, &st, NULL, chain[i], loc))
			return lng(cg_i64(cg, 0));
	return core_finish(cg, &st, loc);
}

/*
 * @cast(p, "type"[, "module"])->a->b: p points to a kernel type named in
 * the script; the chain is read like a $var's, through CO-RE.
 */
struct cg_val cg_cast(struct cg *cg, struct expr *e)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	struct core_state st = { 0 };
	const char *type;
	char *text;

	if (!e->str)
		return (cg_error(cg, e->loc, "this kind of @cast is not supported by the BPF code generator yet"),
			cg_default(cg, e->type));
	if (e->module && strcmp(e->module, "kernel"))
		return (cg_error(cg, e->loc, "@cast to a type of '%s' is not supported by the BPF code generator yet (only \"kernel\")",
				 e->module), cg_default(cg, e->type));
	if (cg->fn->tier != TIER_KERNEL)
		return (cg_error(cg, e->loc, "@cast reads kernel memory and only works in kernel probes"),
			cg_default(cg, e->type));
	if (!ix)
		return (cg_error(cg, e->loc, "@cast needs the kernel's BTF: %s",
				 btf_error(cg->s)), cg_default(cg, e->type));
	type = e->str;
	text = strchr(type, ' ') ? arena_printf(cg->a, "%s*", type) :
				   arena_printf(cg->a, "struct %s*", type);
	st.btf = ix->btf;
	st.id = type_from_text(ix->btf, text);
	if (!st.id)
		return (cg_error(cg, e->loc, "no kernel type '%s'", type),
			cg_default(cg, e->type));
	st.value = cg_expr(cg, e->operand).v;
	for (int i = 0; i < e->chain.n; i++)
		if (!core_step(cg, &st, &e->chain.v[i],
			       e->chain.v[i].name ? e->chain.v[i].name : "",
			       e->chain.v[i].loc))
			return cg_default(cg, e->type);
	return core_finish(cg, &st, e->loc);
}

/* ----------------------------------------------------- context vars */

static bool unsigned_text(const char *type)
{
	static const char *const u[] = { "unsigned", "u8", "u16", "u32", "u64",
					 "__u", "bool", "_Bool", "size_t",
					 "umode_t", "gfp_t", "dev_t", NULL };

	if (strchr(type, '*'))
		return true;
	while (!strncmp(type, "const ", 6))
		type += 6;
	for (int i = 0; u[i]; i++)
		if (!strncmp(type, u[i], strlen(u[i])))
			return true;
	return false;
}

static LLVMValueRef ctx_at(struct cg *cg, LLVMValueRef off)
{
	return LLVMBuildGEP2(cg->b, cg->i8, cg->fn->ctx, &off, 1, "");
}

static LLVMValueRef sized_load(struct cg *cg, LLVMValueRef p, int size,
			       bool is_signed)
{
	LLVMTypeRef t = size == 1 ? cg->i8 : size == 2 ? cg->i16 :
			size == 4 ? cg->i32 : cg->i64;
	LLVMValueRef v = LLVMBuildLoad2(cg->b, t, p, "");

	LLVMSetAlignment(v, (unsigned)size);
	if (t == cg->i64)
		return v;
	return is_signed ? LLVMBuildSExt(cg->b, v, cg->i64, "") :
			   LLVMBuildZExt(cg->b, v, cg->i64, "");
}

/*
 * Syscall records hold every argument in 8 bytes; an `int dfd` of -100
 * must read as -100, so values narrower in BTF than in the record are cut
 * to their type's size and sign.
 */
static LLVMValueRef narrow(struct cg *cg, const char *type, LLVMValueRef v,
			   int size)
{
	struct btf_index *ix = strchr(type, '*') || strchr(type, '[') ?
			       NULL : btf_vmlinux(cg->s);
	uint32_t id = ix ? type_from_text(ix->btf, type) : 0;
	const struct btf_type *t = id ? strip(ix->btf, &id) : NULL;
	int bytes = t ? btf_type_bytes(ix->btf, id) : 0, shift;

	if (!t || bytes <= 0 || bytes >= size || !(btf_is_int(t) ||
						   btf_is_enum(t)))
		return v;
	shift = 64 - 8 * bytes;
	v = LLVMBuildShl(cg->b, v, cg_i64(cg, shift), "");
	if (is_signed_int(t))
		return LLVMBuildAShr(cg->b, v, cg_i64(cg, shift), "");
	return LLVMBuildLShr(cg->b, v, cg_i64(cg, shift), "");
}

static struct cg_val field_var(struct cg *cg, const struct context_var *v,
			       struct expr *e)
{
	LLVMValueRef p = ctx_at(cg, cg_i64(cg, v->index));
	int size = v->size;

	if (v->data_loc) {
		LLVMValueRef loc = sized_load(cg, p, 4, false), dst, args[3];

		loc = LLVMBuildAnd(cg->b, loc, cg_i64(cg, 0xffff), "");
		dst = cg_new_slot(cg);
		args[0] = dst;
		args[1] = cg_i32(cg, cg->msl);
		args[2] = ctx_at(cg, loc);
		LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
		cg_helper(cg, 115 /* probe_read_kernel_str */, cg->i64, args,
			  3);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (v->script_type == TYPE_STRING && strchr(v->type, '[')) {
		LLVMValueRef dst = cg_new_slot(cg);
		LLVMValueRef args[3] = { dst, p, cg_i32(cg, (uint32_t)size) };

		cg_runtime(cg, "bstap_read_chars", cg->void_t, args, 3);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return (cg_error(cg, e->loc, "field '%s' (%s) cannot be read as a number",
				 e->name, v->type), lng(cg_i64(cg, 0)));
	return lng(narrow(cg, v->type, sized_load(cg, p, size,
						   !unsigned_text(v->type)),
			  size));
}

static struct cg_val arg_var(struct cg *cg, const struct context_var *v,
			     struct expr *e)
{
	LLVMValueRef p = ctx_at(cg, cg_i64(cg, 8 * v->index));
	LLVMValueRef x = LLVMBuildLoad2(cg->b, cg->i64, p, "");
	int size = v->size > 0 && v->size < 8 ? v->size : 8;
	int shift = 64 - 8 * size;

	if (shift && !unsigned_text(v->type))
		x = LLVMBuildAShr(cg->b,
				  LLVMBuildShl(cg->b, x, cg_i64(cg, shift), ""),
				  cg_i64(cg, shift), "");
	else if (shift)
		x = LLVMBuildAnd(cg->b, x,
				 cg_i64(cg, (int64_t)((1ULL << (8 * size)) - 1)),
				 "");
	(void)e;
	return lng(x);
}

static struct cg_val chain_var(struct cg *cg, const struct context_var *v,
			       struct expr *e, LLVMValueRef base)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	struct core_state st = { 0 };

	if (!ix)
		return (cg_error(cg, e->loc, "'%s' needs the kernel's BTF: %s",
				 e->name, btf_error(cg->s)),
			lng(cg_i64(cg, 0)));
	st.btf = ix->btf;
	st.id = type_from_text(ix->btf, v->type);
	st.value = base;
	if (!st.id)
		return (cg_error(cg, e->loc, "no BTF type for '%s' (%s)",
				 e->name, v->type), lng(cg_i64(cg, 0)));
	for (int i = 0; i < e->chain.n; i++)
		if (!core_step(cg, &st, &e->chain.v[i],
			       e->chain.v[i].name ? e->chain.v[i].name : "",
			       e->chain.v[i].loc))
			return lng(cg_i64(cg, 0));
	return core_finish(cg, &st, e->loc);
}

/* Parameters of the traced kernel function, from its BTF prototype. */
static int kfunc_nargs(struct cg *cg, const char *func)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	const struct btf_name *f = ix ? btf_find(btf_funcs(ix), func) : NULL;
	const struct btf_type *proto = f ? btf_proto_of(ix->btf, f->id) : NULL;

	return proto ? btf_vlen(proto) : -1;
}

/*
 * fentry/fexit: the arguments are the u64 array of the context, the
 * return value follows them; kprobes: the registers, as for uprobes.
 */
static bool kfunc_var(struct cg *cg, const struct context_var *v,
		      struct expr *e, struct cg_val *out)
{
	struct context_var at = *v;
	int n;

	if (cg->fn->variant)
		return cg_uprobe_var(cg, v, e, out);
	if (v->source == CTXVAR_RETURN) {
		n = kfunc_nargs(cg, cg->fn->point->target);
		if (n < 0)
			return cg_error(cg, e->loc, "no BTF prototype for '%s'",
					cg->fn->point->target);
		at.index = n;
	} else if (v->source != CTXVAR_ARG) {
		return cg_error(cg, e->loc, "'%s' cannot be read here", e->name);
	}
	*out = arg_var(cg, &at, e);
	return true;
}

static const struct context_var *var_of(struct cg *cg, struct expr *e)
{
	const char *name = e->name[0] == '$' ? e->name + 1 : e->name;

	return strmap_get(&cg->fn->probe->vars, name);
}

/* ------------------------------------------------ $$vars, $$parms */

struct var_list {
	struct cg *cg;
	VEC(struct context_var) v;
};

static void collect_var(void *ctx, const struct context_var *v)
{
	struct var_list *l = ctx;

	if (v && v->name)
		vec_push(l->cg->a, &l->v, *v);
}

static bool readable_here(struct cg *cg, const struct context_var *v,
			  bool parms)
{
	const struct resolved_point *rp = cg->fn->point;

	if (v->script_type != TYPE_LONG && v->script_type != TYPE_STRING)
		return false;
	if (v->source == CTXVAR_RETURN)
		return !parms;
	if (!strcmp(rp->provider->name, "kernel.trace"))
		return cg->fn->tp_btf ? v->source == CTXVAR_ARG :
					v->source == CTXVAR_FIELD;
	return true;
}

static void append(struct cg *cg, LLVMValueRef dst, const char *lit)
{
	LLVMValueRef a[2] = { dst, cg_literal(cg, lit) };

	cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
}

/*
 * "$$vars", "$$parms", "$$return", "$$locals": name=value pairs as stap
 * prints them, numbers in hex ("0x1f"), strings quoted.
 */
static struct cg_val dollar_vars(struct cg *cg, struct expr *e)
{
	const struct resolved_point *rp = cg->fn->point;
	struct var_list l = { cg, { 0 } };
	bool parms = !strcmp(e->name, "$$parms");
	bool ret = !strcmp(e->name, "$$return");
	LLVMValueRef dst = cg_new_slot(cg);
	int n = 0;

	LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
	if (!strcmp(e->name, "$$locals") || !rp->provider->variables)
		return (struct cg_val){ TYPE_STRING, dst };
	rp->provider->variables(cg->s, rp, collect_var, &l);
	for (int i = 0; i < l.v.n; i++) {
		struct context_var *v = &l.v.v[i];
		struct expr ve = *e;
		struct cg_val val;

		if (ret != (v->source == CTXVAR_RETURN) ||
		    !readable_here(cg, v, parms) ||
		    !strncmp(v->name, "__", 2))
			continue;
		ve.name = arena_printf(cg->a, "$%s", v->name);
		ve.chain.n = 0;
		ve.pretty = PRETTY_NONE;
		val = cg_target(cg, &ve);
		append(cg, dst, arena_printf(cg->a, "%s%s=", n++ ? " " : "",
					     v->name));
		if (val.type == TYPE_STRING) {
			LLVMValueRef a[2] = { dst, val.v };

			append(cg, dst, "\"");
			cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
			append(cg, dst, "\"");
		} else {
			LLVMValueRef a[6] = { dst, val.v, cg_i64(cg, 'x'),
					      cg_i64(cg, 0x20), cg_i64(cg, -1),
					      cg_i64(cg, -1) };

			cg_runtime(cg, "bstap_append_long", cg->void_t, a, 6);
		}
	}
	return (struct cg_val){ TYPE_STRING, dst };
}

struct cg_val cg_target(struct cg *cg, struct expr *e)
{
	const struct context_var *v;
	struct cg_val base;

	if (e->name[1] == '$' && !e->chain.n && e->pretty == PRETTY_NONE &&
	    cg->fn->tier == TIER_KERNEL)
		return dollar_vars(cg, e);
	v = var_of(cg, e);
	if (!v || e->name[1] == '$' || e->pretty || e->addr_of)
		return (cg_error(cg, e->loc, "'%s' is not supported by the BPF code generator here",
				 e->name), cg_default(cg, e->type));
	if (cg->fn->tier != TIER_KERNEL || !cg->fn->ctx)
		return (cg_error(cg, e->loc, "'%s' has no value here",
				 e->name), cg_default(cg, e->type));
	if (cg->fn->point->provider &&
	    !strcmp(cg->fn->point->provider->name, "kernel.function")) {
		if (!kfunc_var(cg, v, e, &base))
			return cg_default(cg, e->type);
		if (!e->chain.n)
			return base;
		return chain_var(cg, v, e, base.v);
	}
	if (cg->fn->point->address && cg->fn->point->path) {
		if (!cg_uprobe_var(cg, v, e, &base))
			return cg_default(cg, e->type);
		if (e->chain.n)
			return (cg_error(cg, e->loc, "member chains of user-space values are not supported by the BPF code generator yet"),
				cg_default(cg, e->type));
		return base;
	}
	if (v->source == CTXVAR_FIELD && !cg->fn->tp_btf)
		base = field_var(cg, v, e);
	else if (v->source == CTXVAR_ARG && cg->fn->tp_btf)
		base = arg_var(cg, v, e);
	else
		return (cg_error(cg, e->loc, "'%s' cannot be read in this probe: a tracepoint handler reads either format fields or TP_PROTO arguments, not both",
				 e->name), cg_default(cg, e->type));
	if (!e->chain.n)
		return base;
	if (base.type == TYPE_STRING)
		return (cg_error(cg, e->loc, "'%s' is a string", e->name),
			base);
	return chain_var(cg, v, e, base.v);
}

/* ----------------------------------------------------------- probes */

static void scan_uses(struct cg *cg, struct elab_probe *ep, struct expr *e,
		      bool *args, bool *fields);

static void scan_stmt(struct cg *cg, struct elab_probe *ep, struct stmt *st,
		      bool *args, bool *fields)
{
	if (!st)
		return;
	for (int i = 0; i < st->stmts.n; i++)
		scan_stmt(cg, ep, st->stmts.v[i], args, fields);
	scan_uses(cg, ep, st->expr, args, fields);
	scan_stmt(cg, ep, st->then_stmt, args, fields);
	scan_stmt(cg, ep, st->else_stmt, args, fields);
	scan_stmt(cg, ep, st->init, args, fields);
	scan_uses(cg, ep, st->incr, args, fields);
	scan_stmt(cg, ep, st->body, args, fields);
	scan_stmt(cg, ep, st->catch_body, args, fields);
	if (st->foreach) {
		scan_uses(cg, ep, st->foreach->array, args, fields);
		scan_uses(cg, ep, st->foreach->limit, args, fields);
		scan_stmt(cg, ep, st->foreach->body, args, fields);
	}
}

static void scan_uses(struct cg *cg, struct elab_probe *ep, struct expr *e,
		      bool *args, bool *fields)
{
	if (!e)
		return;
	if (e->kind == EXPR_TARGET && e->name) {
		const char *n = e->name[0] == '$' ? e->name + 1 : e->name;
		const struct context_var *v = strmap_get(&ep->vars, n);

		if (v && v->source == CTXVAR_ARG)
			*args = true;
		if (v && v->source == CTXVAR_FIELD)
			*fields = true;
		/* $$vars and friends read the format fields */
		if (e->name[1] == '$')
			*fields = true;
	}
	scan_uses(cg, ep, e->left, args, fields);
	scan_uses(cg, ep, e->right, args, fields);
	scan_uses(cg, ep, e->cond, args, fields);
	scan_uses(cg, ep, e->operand, args, fields);
	scan_uses(cg, ep, e->base, args, fields);
	for (int i = 0; i < e->args.n; i++)
		scan_uses(cg, ep, e->args.v[i], args, fields);
	for (int i = 0; i < e->chain.n; i++)
		scan_uses(cg, ep, e->chain.v[i].index, args, fields);
}

/* Does code reachable from st walk a map (foreach, delete a)? */
static bool walks_map(struct cg *cg, struct stmt *st, int depth);

static bool expr_walks(struct cg *cg, struct expr *e, int depth)
{
	if (!e || depth > 16)
		return false;
	if (e->kind == EXPR_CALL && e->func && e->func->body &&
	    walks_map(cg, e->func->body, depth + 1))
		return true;
	if (expr_walks(cg, e->left, depth) || expr_walks(cg, e->right, depth) ||
	    expr_walks(cg, e->cond, depth) ||
	    expr_walks(cg, e->operand, depth))
		return true;
	for (int i = 0; i < e->args.n; i++)
		if (expr_walks(cg, e->args.v[i], depth))
			return true;
	return false;
}

static bool walks_map(struct cg *cg, struct stmt *st, int depth)
{
	if (!st || depth > 16)
		return false;
	if (st->kind == STMT_FOREACH)
		return true;
	if (st->kind == STMT_DELETE && st->expr &&
	    st->expr->kind == EXPR_IDENT)
		return true;
	for (int i = 0; i < st->stmts.n; i++)
		if (walks_map(cg, st->stmts.v[i], depth))
			return true;
	return expr_walks(cg, st->expr, depth) ||
	       expr_walks(cg, st->incr, depth) ||
	       walks_map(cg, st->then_stmt, depth) ||
	       walks_map(cg, st->else_stmt, depth) ||
	       walks_map(cg, st->init, depth) ||
	       walks_map(cg, st->body, depth) ||
	       walks_map(cg, st->catch_body, depth);
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

	if (strncmp(target, "syscalls:sys_enter_", 19) ||
	    (cg->s->arch && strcmp(cg->s->arch, "x86_64")))
		return -1;
	if (session_define(cg->s, "BSTAP_CLASSIC_SYSCALLS"))
		return -1;
	name = target + 19;
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

/* tp_btf/sys_enter(struct pt_regs *regs, long id): only our call. */
static void syscall_filter(struct cg *cg, const struct resolved_point *rp)
{
	LLVMValueRef idx = cg_i64(cg, 8), id;
	LLVMBasicBlockRef go = cg_block(cg, "syscall");

	id = LLVMBuildLoad2(cg->b, cg->i64,
			    LLVMBuildGEP2(cg->b, cg->i8, cg->fn->ctx, &idx, 1,
					  ""), "");
	LLVMBuildCondBr(cg->b,
			LLVMBuildICmp(cg->b, LLVMIntEQ, id,
				      cg_i64(cg, syscall_number(cg,
								rp->target)),
				      ""),
			go, cg->fn->exit_bb);
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
	bool args = false, fields = false;

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
		scan_stmt(cg, ep, ep->body, &args, &fields);
		if (args && fields) {
			cg_error(cg, ep->loc, "probe '%s' reads both tracepoint format fields and TP_PROTO arguments; use one kind (e.g. $prev->comm instead of $prev_comm)",
				 rp->text);
			return NULL;
		}
		if (!args && !fields && syscall_number(cg, rp->target) >= 0) {
			/* the raw sys_enter tracepoint, filtered by number:
			 * half the cost of the classic syscall event */
			*tp_btf = true;
			bp->kind = BO_PROBE_TP_BTF;
			return "tp_btf/sys_enter";
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
	bp->path = cg_str(cg, rp->path);
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
	key = cg_alloca(cg, cg->i32, "zero");
	LLVMBuildStore(cg->b, cg_i32(cg, 0), key);
	args[0] = ph;
	args[1] = key;
	return cg_helper(cg, BPF_FUNC_map_lookup_elem, cg->ptr, args, 2);
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

/* A program whose only use of scratch is the entry's check skips it. */
static void drop_unused_scratch(struct cg *cg, struct cg_fn *fn)
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
		return;
	check = LLVMGetUser(u);
	term = LLVMGetBasicBlockTerminator(fn->entry);
	if (!term || LLVMGetCondition(term) != check)
		return;
	LLVMPositionBuilderBefore(cg->b, term);
	LLVMSetCurrentDebugLocation2(cg->b, LLVMInstructionGetDebugLoc(term));
	LLVMBuildBr(cg->b, fn->init_bb);
	LLVMInstructionEraseFromParent(term);
	LLVMInstructionEraseFromParent(check);
	LLVMInstructionEraseFromParent(fn->scratch);
}

static void gen_point(struct cg *cg, struct elab_probe *ep, int j,
		      int variant, uint32_t group)
{
	const struct resolved_point *rp = ep->points.v[j];
	struct bo_probe bp = { 0 };
	struct cg_fn fn = { 0 };
	const char *name = variant ?
		arena_printf(cg->a, "probe_%d_%d_k", ep->index, j) :
		arena_printf(cg->a, "probe_%d_%d", ep->index, j);
	const char *section, *target = NULL;
	LLVMTypeRef pt = cg->ptr;
	LLVMTypeRef fty = LLVMFunctionType(cg->i32, &pt, 1, false);
	LLVMBasicBlockRef body;

	fn.variant = variant;
	section = point_section(cg, ep, rp, name, &bp, &fn.tp_btf, &target,
				variant);
	if (!section)
		return;
	if (target)
		bp.target = cg_str(cg, target);
	fn.fn = LLVMAddFunction(cg->mod, name, fty);
	LLVMSetSection(fn.fn, section);
	fn.ctx = LLVMGetParam(fn.fn, 0);
	fn.probe = ep;
	fn.point = rp;
	fn.tier = rp->tier;
	fn.probe_index = cg->probes.n;
	/* foreach bodies of kernel probes are callbacks: longs in scratch */
	fn.scratch_locals = rp->tier == TIER_KERNEL &&
			    walks_map(cg, ep->body, 0);
	strmap_init(&fn.vars, true);
	fn.scope = cg_debug_subprogram(cg, fn.fn, name, ep->loc, 1, false);
	cg->fn = &fn;

	fn.entry = cg_block(cg, "entry");
	fn.init_bb = cg_block(cg, "init");
	body = cg_block(cg, "body");
	fn.exit_bb = cg_block(cg, "exit");
	LLVMPositionBuilderAtEnd(cg->b, fn.entry);
	cg_debug_loc(cg, ep->loc);
	fn.scratch = cg_scratch_lookup(cg);
	LLVMBuildCondBr(cg->b, LLVMBuildIsNull(cg->b, fn.scratch, ""),
			fn.exit_bb, fn.init_bb);

	LLVMPositionBuilderAtEnd(cg->b, fn.init_bb);
	for (int i = 0; i < ep->locals.n; i++)
		cg_local_var(cg, ep->locals.v[i]);

	LLVMPositionBuilderAtEnd(cg->b, body);
	if (bp.kind == BO_PROBE_PROCESS_BEGIN || bp.kind == BO_PROBE_PROCESS_END)
		process_filter(cg, rp);
	if ((bp.kind == BO_PROBE_UPROBE || bp.kind == BO_PROBE_USDT) &&
	    rp->pid > 0)
		pid_filter(cg, rp->pid);
	if (!strcmp(section, "tp_btf/sys_enter"))
		syscall_filter(cg, rp);
	if (ep->condition) {
		LLVMBasicBlockRef go = cg_block(cg, "go");

		LLVMBuildCondBr(cg->b, cg_cond(cg, ep->condition), go,
				fn.exit_bb);
		LLVMPositionBuilderAtEnd(cg->b, go);
		fn.slot_next = 0;
	}
	cg_stmt(cg, ep->body);
	if (!cg_terminated(cg))
		LLVMBuildBr(cg->b, fn.exit_bb);
	LLVMPositionBuilderAtEnd(cg->b, fn.init_bb);
	LLVMBuildBr(cg->b, body);
	LLVMPositionBuilderAtEnd(cg->b, fn.exit_bb);
	cg_debug_loc(cg, ep->loc);
	LLVMBuildRet(cg->b, cg_i32(cg, 0));
	drop_unused_scratch(cg, &fn);
	cg->fn = NULL;

	fill_probe(cg, ep, rp, j, name, &bp);
	bp.group = group;
	if (bp.kind == BO_PROBE_UPROBE || bp.kind == BO_PROBE_USDT) {
		/* the runner attaches by file offset */
		cg_file_offset(cg, rp->path, rp->address, &bp.offset, ep->loc);
		if (rp->semaphore)
			cg_data_offset(cg, rp->path, rp->semaphore,
				       &bp.semaphore, ep->loc);
	}
	vec_push(cg->a, &cg->probes, bp);
}

/*
 * A kernel function gets two alternatives in one group, fentry/fexit first
 * (BTF arguments, cheaper) then kprobe/kretprobe (registers), for kernels
 * that refuse one of them; the runner attaches the first that works. A
 * .return reading parameters has no kretprobe form: they are gone there.
 */
static void gen_points(struct cg *cg, struct elab_probe *ep, int j)
{
	const struct resolved_point *rp = ep->points.v[j];
	bool args = false, fields = false;

	if (!rp->provider || strcmp(rp->provider->name, "kernel.function")) {
		gen_point(cg, ep, j, 0, 0);
		return;
	}
	scan_stmt(cg, ep, ep->body, &args, &fields);
	cg->ngroups++;
	gen_point(cg, ep, j, 0, (uint32_t)cg->ngroups);
	if (!rp->module && !(rp->is_return && args))
		gen_point(cg, ep, j, 1, (uint32_t)cg->ngroups);
}

bool cg_probes(struct cg *cg)
{
	for (int i = 0; i < cg->p->probes.n; i++) {
		struct elab_probe *ep = cg->p->probes.v[i];

		for (int j = 0; j < ep->points.n; j++)
			gen_points(cg, ep, j);
	}
	return !diag_error_count(cg->s);
}
