// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel memory through CO-RE: $var->member chains, @cast, and the current
 * task for ppid(), euid() and friends.
 *
 * Each member access is a llvm.preserve.struct.access.index on a one-member
 * DI struct named like the kernel's, at the member's offset in the
 * translating kernel's BTF; libbpf matches the member by name in the
 * running kernel's BTF and patches the offset. Members inside anonymous
 * structs and unions are described at their absolute offset: libbpf finds
 * them by name through the anonymous levels. Each step reads through
 * bpf_probe_read_kernel, which works on any pointer whatever the program
 * type.
 */
#include <string.h>

#include <bpf/btf.h>

#include "btf_index.h"
#include "codegen_internal.h"
#include "diag.h"

#define BPF_FUNC_get_current_task	35
#define BPF_FIELD_EXISTS		2	/* llvm.bpf.preserve.field.info */
#define BPF_FUNC_probe_read_kernel	113

static struct cg_val lng(LLVMValueRef v)
{
	return (struct cg_val){ TYPE_LONG, v };
}

struct core_state {
	const struct rawbtf *btf;
	uint32_t id;		/* type of the object at addr (or of value) */
	LLVMValueRef addr;	/* its address, NULL when value holds it */
	LLVMValueRef value;	/* i64: a pointer or scalar already read */
};

/* what libbpf's btf__type_by_id(btf, 0) gave: void */
static const struct btf_type void_type;

static const struct btf_type *strip(const struct rawbtf *btf, uint32_t *id)
{
	for (int i = 0; i < 32 && *id; i++) {
		const struct btf_type *t = rawbtf_type(btf, *id);

		if (!t)
			return NULL;
		if (!btf_is_mod(t) && !btf_is_typedef(t) &&
		    btf_kind(t) != BTF_KIND_TYPE_TAG)
			return t;
		*id = t->type;
	}
	return *id ? NULL : &void_type;
}

/* A member by name, through anonymous members; offset in bits. */
static bool find_member(const struct rawbtf *btf, const struct btf_type *t,
			const char *name, uint32_t *type, uint32_t *bits,
			uint32_t *bitfield, int depth)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = rawbtf_str(btf, m[i].name_off);
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
static LLVMMetadataRef local_type(struct cg *cg, const struct rawbtf *btf,
				  uint32_t id)
{
	const struct btf_type *t = strip(btf, &id);
	const char *name;
	uint64_t bits;

	if (!t)
		return cg->di_long;
	name = rawbtf_str(btf, t->name_off);
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

/* Tags a CO-RE intrinsic call with the type it relocates against. */
static LLVMValueRef access_index(struct cg *cg, LLVMValueRef call,
				 LLVMMetadataRef type)
{
	LLVMSetMetadata(call,
			LLVMGetMDKindIDInContext(cg->ctx,
						 "llvm.preserve.access.index",
						 26),
			LLVMMetadataAsValue(cg->ctx, type));
	return call;
}

/*
 * The llvm.preserve.struct.access.index call for &base->member, which the
 * BPF backend turns into a CO-RE relocation; NULL for a struct without a
 * name, which libbpf cannot look up.
 *
 * The local description of the struct holds just that member, at slot
 * `slot` behind one-byte fillers. Reads use slot 0: the backend names each
 * relocation by struct, kind, value and access path, and a read's value
 * (the offset) tells members apart. A field-exists relocation's value is
 * always 1, so each gets a slot of its own or the backend would merge them.
 */
static LLVMValueRef access_call(struct cg *cg, const struct rawbtf *btf,
				const struct btf_type *st, LLVMValueRef base,
				const char *member, uint32_t mtype,
				uint32_t bits, uint32_t bitfield, uint32_t slot)
{
	const char *sname = rawbtf_str(btf, st->name_off);
	uint64_t size_bits = (uint64_t)st->size * 8;
	LLVMMetadataRef *mdi, sdi;
	LLVMTypeRef *fields, sty;
	LLVMTypeRef types[2] = { cg->ptr, cg->ptr };
	unsigned iid = LLVMLookupIntrinsicID(
		"llvm.preserve.struct.access.index", 33);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, iid, types, 2);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cg->ctx, iid, types, 2);
	LLVMValueRef args[3] = { base, cg_i32(cg, slot), cg_i32(cg, slot) };
	LLVMValueRef call;
	unsigned kind = LLVMGetEnumAttributeKindForName("elementtype", 11);
	uint64_t msize = (uint64_t)btf_type_bytes(btf, mtype) * 8;

	sname = sname ? sname : "";
	if (!*sname)
		return NULL;
	mdi = arena_alloc(cg->a, (slot + 1) * sizeof(*mdi));
	fields = arena_alloc(cg->a, (slot + 1) * sizeof(*fields));
	for (uint32_t i = 0; i < slot; i++) {
		char *pad = arena_printf(cg->a, "__bstap_slot%u", i);

		mdi[i] = LLVMDIBuilderCreateMemberType(
			cg->di, cg->di_cu, pad, strlen(pad), cg->di_file, 0, 8,
			8, 0, LLVMDIFlagZero, cg->di_char);
		fields[i] = cg->i8;
	}
	if (bitfield) {
		/*
		 * The backend computes a bit-field's storage from the
		 * struct's alignment (here 8, from the i64 array): the
		 * field must lie within one aligned 8-byte word, which
		 * core_bitfield() checked.
		 */
		mdi[slot] = LLVMDIBuilderCreateBitFieldMemberType(
			cg->di, cg->di_cu, member, strlen(member),
			cg->di_file, 0, bitfield, bits, bits & ~7u,
			LLVMDIFlagZero, local_type(cg, btf, mtype));
		fields[slot] = LLVMArrayType(cg->i64, (st->size + 7) / 8);
	} else {
		mdi[slot] = LLVMDIBuilderCreateMemberType(
			cg->di, cg->di_cu, member, strlen(member),
			cg->di_file, 0, msize, 8, bits, LLVMDIFlagZero,
			local_type(cg, btf, mtype));
		fields[slot] = LLVMArrayType(cg->i8, st->size);
	}
	sty = LLVMStructTypeInContext(cg->ctx, fields, slot + 1, false);
	if (btf_is_union(st))
		sdi = LLVMDIBuilderCreateUnionType(
			cg->di, cg->di_cu, sname, strlen(sname), cg->di_file,
			0, size_bits, 8, LLVMDIFlagZero, mdi, slot + 1, 0, "",
			0);
	else
		sdi = LLVMDIBuilderCreateStructType(
			cg->di, cg->di_cu, sname, strlen(sname), cg->di_file,
			0, size_bits, 8, LLVMDIFlagZero, NULL, mdi, slot + 1,
			0, NULL, "", 0);
	call = LLVMBuildCall2(cg->b, fty, fn, args, 3, "core");
	LLVMAddCallSiteAttribute(call, 1,
				 LLVMCreateTypeAttribute(cg->ctx, kind, sty));
	return access_index(cg, call, sdi);
}

/* &base->member, relocatable. */
static LLVMValueRef core_member(struct cg *cg, const struct rawbtf *btf,
				const struct btf_type *st, LLVMValueRef base,
				const char *member, uint32_t mtype,
				uint32_t bits)
{
	LLVMValueRef call = access_call(cg, btf, st, base, member, mtype, bits,
					0, 0);

	if (!call) {
		/* kuid_t and friends: no name to relocate by, a fixed offset */
		LLVMValueRef off = cg_i64(cg, bits / 8);

		return LLVMBuildGEP2(cg->b, cg->i8, base, &off, 1, "");
	}
	/* break the chain: each access is relocated on its own */
	return LLVMBuildIntToPtr(cg->b,
				 LLVMBuildPtrToInt(cg->b, call, cg->i64, ""),
				 cg->ptr, "");
}

static LLVMValueRef stack_slot(struct cg *cg)
{
	return cg_alloca(cg, cg->i64, "kread");
}

/* Reads size (an i32, 1..8) bytes at a kernel address, zero-extended. */
static LLVMValueRef kread_bytes(struct cg *cg, LLVMValueRef addr,
				LLVMValueRef size, struct src_loc loc)
{
	LLVMValueRef tmp = stack_slot(cg), args[3], rc;

	LLVMBuildStore(cg->b, cg_i64(cg, 0), tmp);
	args[0] = tmp;
	args[1] = size;
	args[2] = addr;
	rc = cg_helper(cg, BPF_FUNC_probe_read_kernel, cg->i64, args, 3);
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), ""),
		    BO_ERR_READ_FAULT, loc, NULL, NULL);
	return LLVMBuildLoad2(cg->b, cg->i64, tmp, "");
}

/* Reads size (1..8) bytes at a kernel address as a long. */
static LLVMValueRef kread(struct cg *cg, LLVMValueRef addr, int size,
			  bool is_signed, struct src_loc loc)
{
	int shift = 64 - 8 * size;
	LLVMValueRef v = kread_bytes(cg, addr, cg_i32(cg, (uint32_t)size),
				     loc);

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

/*
 * A location named like libbpf names the member ("struct task_struct.pid"):
 * the runner finds there where the script reads a member that the host's
 * kernel lacks, from libbpf's message.
 */
static void note_member(struct cg *cg, const struct rawbtf *btf,
			const struct btf_type *t, const char *member,
			struct src_loc loc)
{
	const char *sname = rawbtf_str(btf, t->name_off);

	if (sname && *sname)
		cg_location(cg, loc, arena_printf(cg->a, "%s %s.%s",
						  btf_is_union(t) ? "union" :
								    "struct",
						  sname, member));
}

/* llvm.bpf.preserve.field.info(access, kind) as an i64. */
static LLVMValueRef field_info(struct cg *cg, LLVMValueRef access,
			       int kind)
{
	LLVMTypeRef types[1] = { cg->ptr };
	unsigned iid = LLVMLookupIntrinsicID("llvm.bpf.preserve.field.info",
					     28);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cg->mod, iid, types, 1);
	LLVMValueRef args[2] = { access, cg_i64(cg, kind) };

	return LLVMBuildZExt(cg->b,
			     LLVMBuildCall2(cg->b,
					    LLVMIntrinsicGetType(cg->ctx, iid,
								 types, 1),
					    fn, args, 2, "info"),
			     cg->i64, "");
}

/*
 * A bit-field member's value, read as libbpf's BPF_CORE_READ_BITFIELD_PROBED
 * does: its storage's byte offset and size, and the shifts that isolate
 * it in a u64, are four CO-RE relocations that libbpf computes for the
 * host's layout. The relocated size is an immediate, so the verifier sees
 * a constant read length. Each bit-field gets its own slot: two fields of
 * one storage unit have the same byte offset, and the backend would merge
 * their relocations into one (naming only the first member).
 */
static LLVMValueRef core_bitfield(struct cg *cg, const struct rawbtf *btf,
				  const struct btf_type *t, LLVMValueRef base,
				  const char *member, uint32_t mtype,
				  uint32_t bits, uint32_t width,
				  struct src_loc loc)
{
	enum { BYTE_OFFSET = 0, BYTE_SIZE = 1, LSHIFT = 4, RSHIFT = 5 };
	uint32_t slot = ++cg->core_exists_seq, id = mtype;
	const struct btf_type *mt = strip(btf, &id);
	LLVMValueRef info[6], addr, v;
	const char *sname = rawbtf_str(btf, t->name_off);
	static const int kinds[] = { BYTE_OFFSET, BYTE_SIZE, LSHIFT, RSHIFT };

	if (!sname || !*sname)
		return (cg_error(cg, loc, "bit-field '%s' is in a struct without a name, which CO-RE cannot relocate",
				 member), NULL);
	if (bits / 64 != (bits + width - 1) / 64) {
		/* CO-RE relocates a bit-field as one load of at most 8
		 * bytes: LLVM's BPF backend and libbpf both refuse more */
		diag_hint(diag_error(cg->s, loc, "bit-field '%s' straddles an 8-byte boundary, which CO-RE cannot read (it relocates one load of at most 8 bytes)",
				     member),
			  "pretty printing the struct ($p$) shows it: the runner takes it from the object's bytes");
		return NULL;
	}
	for (int i = 0; i < 4; i++)
		info[kinds[i]] = field_info(
			cg, access_call(cg, btf, t, base, member, mtype, bits,
					width, slot),
			kinds[i]);
	addr = LLVMBuildGEP2(cg->b, cg->i8, base, &info[BYTE_OFFSET], 1, "");
	v = kread_bytes(cg, addr,
			LLVMBuildTrunc(cg->b, info[BYTE_SIZE], cg->i32, ""),
			loc);
	v = LLVMBuildShl(cg->b, v, info[LSHIFT], "");
	if (mt && is_signed_int(mt))
		return LLVMBuildAShr(cg->b, v, info[RSHIFT], "");
	return LLVMBuildLShr(cg->b, v, info[RSHIFT], "");
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
	note_member(cg, st->btf, t, name, loc);
	if (bitfield) {
		st->value = core_bitfield(cg, st->btf, t, st->addr, name,
					  mtype, bits, bitfield, loc);
		st->addr = NULL;
		st->id = mtype;
		return st->value != NULL;
	}
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

static struct cg_val pretty_state(struct cg *cg, struct core_state *st,
				  bool deep, bool hex, struct src_loc loc);

/* "struct task_struct*" and friends: the type's BTF id. */
static uint32_t type_from_text(const struct rawbtf *btf, const char *text)
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
	id = rawbtf_find(btf, name, kind);
	if (id <= 0 && kind == BTF_KIND_TYPEDEF)
		id = rawbtf_find(btf, name, BTF_KIND_INT);
	if (id <= 0)
		return 0;
	if (!ptr)
		return (uint32_t)id;
	/* a pointer type to it: any will do for the walk */
	for (uint32_t i = 1; i < btf->n; i++) {
		const struct btf_type *t = rawbtf_type(btf, i);

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
	if (!cast_module_is_kernel(e->module))
		return cg_dwarf_cast(cg, e);	/* a program's DWARF */
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
	if (e->pretty != PRETTY_NONE)
		return pretty_state(cg, &st, e->pretty == PRETTY_DEEP, false,
				    e->loc);
	return core_finish(cg, &st, e->loc);
}

/* Reads a chain of members and indexes from base, a value of type text. */
struct cg_val cg_core_chain(struct cg *cg, const char *type,
			    LLVMValueRef base, const struct component *chain,
			    int n, struct src_loc loc, bool addr_of)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	struct core_state st = { 0 };

	if (!ix)
		return (cg_error(cg, loc, "reading kernel members needs the kernel's BTF: %s",
				 btf_error(cg->s)), lng(cg_i64(cg, 0)));
	st.btf = ix->btf;
	st.id = type_from_text(ix->btf, type);
	st.value = base;
	if (!st.id)
		return (cg_error(cg, loc, "no BTF type for '%s'", type),
			lng(cg_i64(cg, 0)));
	for (int i = 0; i < n; i++)
		if (!core_step(cg, &st, &chain[i],
			       chain[i].name ? chain[i].name : "",
			       chain[i].loc))
			return lng(cg_i64(cg, 0));
	if (addr_of) {
		/* &$p->member: where the last member is, relocated */
		if (!st.addr)
			return (cg_error(cg, loc, "this value has no address"),
				lng(cg_i64(cg, 0)));
		return lng(LLVMBuildPtrToInt(cg->b, st.addr, cg->i64, ""));
	}
	return core_finish(cg, &st, loc);
}

/* An integer (or enum) type's size and sign in BTF; false: not one. */
bool cg_btf_int(struct cg *cg, const char *type, int *bytes, bool *is_signed)
{
	struct btf_index *ix = strchr(type, '*') || strchr(type, '[') ?
			       NULL : btf_vmlinux(cg->s);
	uint32_t id = ix ? type_from_text(ix->btf, type) : 0;
	const struct btf_type *t = id ? strip(ix->btf, &id) : NULL;

	if (!t || !(btf_is_int(t) || btf_is_enum(t)))
		return false;
	*bytes = btf_type_bytes(ix->btf, id);
	*is_signed = is_signed_int(t);
	return *bytes > 0;
}

/*
 * 1 when the running kernel has member of st (a CO-RE field-exists
 * relocation, which libbpf patches to 0 or 1 on the host), as i64. The
 * access is never made: any base names the member.
 */
static LLVMValueRef field_exists(struct cg *cg, const struct rawbtf *btf,
				 const struct btf_type *st, const char *member,
				 uint32_t mtype, uint32_t bits)
{
	LLVMValueRef call = access_call(cg, btf, st, LLVMConstNull(cg->ptr),
					member, mtype, bits, 0,
					++cg->core_exists_seq);

	if (!call)
		return cg_i64(cg, 1);	/* no name: it is part of its parent */
	return field_info(cg, call, BPF_FIELD_EXISTS);
}

/*
 * @defined($p->a->b) kept until run time (resolve.c): every member on the
 * way must exist on the host. e->str is the base type, e->num 1 when it is
 * a @cast type (the operand points to one).
 */
struct cg_val cg_core_defined(struct cg *cg, struct expr *e)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	const struct expr *x = e->operand;
	LLVMValueRef all = cg_i64(cg, 1);
	const char *text = e->str;
	uint32_t id;

	if (!ix || !x || !text)
		return lng(cg_i64(cg, 0));
	if (e->num)
		text = strchr(text, ' ') ? arena_printf(cg->a, "%s*", text) :
					   arena_printf(cg->a, "struct %s*", text);
	id = type_from_text(ix->btf, text);
	for (int i = 0; id && i < x->chain.n; i++) {
		const struct component *c = &x->chain.v[i];
		const struct btf_type *t;
		uint32_t sid = id, mtype, bits, bitfield;

		t = strip(ix->btf, &sid);
		if (t && btf_is_ptr(t)) {
			id = t->type;
			sid = id;
			t = strip(ix->btf, &sid);
		}
		if (!t)
			break;
		if (c->kind == COMP_INDEX) {
			if (btf_is_array(t))
				id = btf_array(t)->type;
			continue;	/* pointer: id is the element already */
		}
		if (!btf_is_composite(t) ||
		    !find_member(ix->btf, t, c->name, &mtype, &bits,
				 &bitfield, 0))
			return lng(cg_i64(cg, 0));
		all = LLVMBuildAnd(cg->b, all,
				   field_exists(cg, ix->btf, t, c->name, mtype,
						bits), "");
		id = mtype;
	}
	return lng(all);
}

/*
 * A kernel enumerator's value through llvm.bpf.preserve.enum.value, as
 * clang emits it for __builtin_preserve_enum_value(..., BPF_ENUMVAL_VALUE):
 * the string "NAME:VALUE" gives the translating BTF's value, the
 * enumeration type (by name, holding that enumerator) lets libbpf find the
 * host's. Runner-tier code is not relocated by libbpf: there the value is
 * the target BTF's.
 */
LLVMValueRef cg_enum_value(struct cg *cg, struct expr *e)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	unsigned iid = LLVMLookupIntrinsicID("llvm.bpf.preserve.enum.value",
					     28);
	LLVMMetadataRef item, di;
	LLVMValueRef fn, args[3], call;
	const char *text;
	long id;
	int bits;

	if (cg->fn->tier != TIER_KERNEL || !ix || !iid)
		return cg_i64(cg, e->num);
	id = rawbtf_find(ix->btf, e->str, BTF_KIND_ENUM);
	if (id <= 0)
		id = rawbtf_find(ix->btf, e->str, BTF_KIND_ENUM64);
	if (id <= 0)
		return cg_i64(cg, e->num);
	bits = btf_type_bytes(ix->btf, (uint32_t)id) * 8;
	item = LLVMDIBuilderCreateEnumerator(cg->di, e->name, strlen(e->name),
					     e->num, e->num >= 0);
	di = LLVMDIBuilderCreateEnumerationType(
		cg->di, cg->di_cu, e->str, strlen(e->str), cg->di_file, 0,
		bits, bits, &item, 1, cg->di_int);
	text = arena_printf(cg->a, "%s:%lld", e->name, (long long)e->num);
	fn = LLVMGetIntrinsicDeclaration(cg->mod, iid, NULL, 0);
	args[0] = cg_i32(cg, ++cg->core_exists_seq);
	args[1] = LLVMBuildGlobalStringPtr(cg->b, text, "enumval");
	args[2] = cg_i64(cg, 1);	/* BPF_ENUMVAL_VALUE */
	call = LLVMBuildCall2(cg->b, LLVMIntrinsicGetType(cg->ctx, iid, NULL,
							  0),
			      fn, args, 3, "enumval");
	return access_index(cg, call, di);
}

/* ------------------------------------------------- pretty printing */

/*
 * v as a plain number. A pointer loaded from a tp_btf or fentry context
 * is a typed kernel pointer to the verifier, which refuses arithmetic on
 * it (printing in hex divides): a copy through bpf_probe_read_kernel
 * comes back as a scalar.
 */
LLVMValueRef cg_scalar(struct cg *cg, LLVMValueRef v)
{
	LLVMValueRef from = stack_slot(cg), to = stack_slot(cg), args[3];

	LLVMBuildStore(cg->b, v, from);
	LLVMBuildStore(cg->b, cg_i64(cg, 0), to);
	args[0] = to;
	args[1] = cg_i32(cg, 8);
	args[2] = from;
	cg_helper(cg, BPF_FUNC_probe_read_kernel, cg->i64, args, 3);
	return LLVMBuildLoad2(cg->b, cg->i64, to, "");
}

static bool is_char_type(const struct rawbtf *btf, uint32_t id)
{
	const struct btf_type *t = strip(btf, &id);

	/* char, signed and unsigned char, u8: what stap prints as text */
	return t && btf_is_int(t) && t->size == 1 &&
	       !(btf_int_encoding(t) & BTF_INT_BOOL);
}

/*
 * The char * members of a value token, whose strings the probe reads:
 * found as the runner will print the object (stapbpf-run/pretty.c): the
 * members, those of anonymous members in line, one level of nested
 * structs more for $$. Each is reached from the object in one or two
 * steps (a nested struct's member), each a member of a named struct
 * whose byte offset is a CO-RE relocation.
 */
#define PRETTY_MAX_STRINGS	32
#define PRETTY_STR_ENTRY	8	/* ";OOOSLLL" */
#define PRETTY_MIN_STRING	16	/* bytes each string is sure to get */

struct pretty_step {
	const struct btf_type *st;	/* the struct holding the member */
	const char *name;
	uint32_t mtype, bits;		/* bits: in st, through anonymous ones */
};

struct pretty_string {
	struct pretty_step step[2];
	int n_steps;
	uint32_t off;			/* in the object, translating BTF */
};

struct pretty_walk {
	const struct rawbtf *btf;
	bool deep;
	uint32_t msl;
	uint64_t shown;		/* at least this much text comes before */
	struct pretty_string v[PRETTY_MAX_STRINGS];
	int n;
};

/*
 * The members of t: named, a named struct at off in the object, or an
 * anonymous one inside it that starts at bits in named; outer is the step
 * to named when it is nested. shown counts the text the runner prints at
 * the least (", .name=0", "{...}"): a member whose text would start past
 * MAXSTRINGLEN characters is never seen, and its string not read.
 */
static void pretty_members(struct pretty_walk *w,
			   const struct btf_type *named,
			   const struct btf_type *t, uint32_t bits,
			   uint32_t off, int depth,
			   const struct pretty_step *outer)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t) && w->shown < w->msl; i++) {
		const char *name = rawbtf_str(w->btf, m[i].name_off);
		uint32_t id = m[i].type;
		uint32_t bit = bits + btf_member_bit_offset(t, i);
		const struct btf_type *mt = strip(w->btf, &id);
		struct pretty_string *ps;

		if (!mt)
			continue;
		if ((!name || !*name) && btf_is_composite(mt)) {
			pretty_members(w, named, mt, bit, off, depth, outer);
			continue;
		}
		if (!name || !*name)
			continue;
		w->shown += strlen(name) + 5;	/* ", .name=" and a digit */
		if (btf_member_bitfield_size(t, i))
			continue;
		if (btf_is_composite(mt) && w->deep && depth + 1 < 2) {
			struct pretty_step step = { named, name, m[i].type,
						    bit };

			pretty_members(w, mt, mt, 0, off + bit / 8, depth + 1,
				       &step);
			continue;
		}
		if (btf_is_composite(mt))
			w->shown += 4;		/* {...} */
		if (btf_is_ptr(mt))
			w->shown += 2;		/* 0x0 */
		if (btf_is_array(mt))
			w->shown += 1;		/* "" or [] */
		if (!btf_is_ptr(mt) || !is_char_type(w->btf, mt->type) ||
		    w->n >= PRETTY_MAX_STRINGS)
			continue;
		ps = &w->v[w->n++];
		ps->n_steps = 0;
		if (outer)
			ps->step[ps->n_steps++] = *outer;
		ps->step[ps->n_steps++] = (struct pretty_step){
			named, name, m[i].type, bit };
		ps->off = off + bit / 8;
	}
}

/* The member's byte offset in the object on the host: relocated steps. */
static LLVMValueRef pretty_string_offset(struct cg *cg,
					 const struct rawbtf *btf,
					 const struct pretty_string *ps)
{
	LLVMValueRef off = cg_i64(cg, 0);

	for (int i = 0; i < ps->n_steps; i++) {
		const struct pretty_step *s = &ps->step[i];
		/* a slot of its own: union members share an offset, and the
		 * backend would merge their relocations */
		LLVMValueRef call = access_call(cg, btf, s->st,
						LLVMConstNull(cg->ptr),
						s->name, s->mtype, s->bits, 0,
						++cg->core_exists_seq);

		off = LLVMBuildAdd(cg->b, off,
				   call ? field_info(cg, call, 0) :
					  cg_i64(cg, s->bits / 8), "");
	}
	return off;
}

/* The strings among the first n bytes. */
static int pretty_strings_in(const struct pretty_walk *w, int64_t n)
{
	int k = 0;

	for (int i = 0; i < w->n; i++)
		k += w->v[i].off + 8 <= n;
	return k;
}

/*
 * A struct or union at addr as a value token (BO_SYM_PRETTY): as many of
 * its first bytes as the string has room for in hex, which the runner
 * formats from its kernel's BTF, and the strings of its char * members
 * among them. Formatting there keeps the probe small (one read loop, not
 * a read per member) and uses the host's layout, which the bytes have;
 * but the runner cannot read kernel memory, so the probe reads the
 * strings, one bounded string read each. When there are strings, fewer
 * bytes leave each at least PRETTY_MIN_STRING bytes of the token.
 */
static void pretty_token(struct cg *cg, LLVMValueRef dst,
			 const struct rawbtf *btf, const struct btf_type *t,
			 LLVMValueRef addr, bool deep, struct src_loc loc)
{
	const char *name = rawbtf_str(btf, t->name_off);
	const int64_t per_string = PRETTY_STR_ENTRY + PRETTY_MIN_STRING;
	struct pretty_walk *w;
	char *head;
	int64_t avail, n0, n;
	int k;
	LLVMValueRef a[5], rc;

	if (!name || !*name) {
		cg_append_lit(cg, dst, "{...}");
		return;
	}
	head = arena_printf(cg->a, "%c%c%s", deep ? '1' : '0',
			    btf_is_union(t) ? 'u' : 's', name);
	/* mark, kind, head, ';', the bytes and strings, mark, NUL */
	avail = (int64_t)cg->msl - 5 - (int64_t)strlen(head);
	n0 = avail / 16 * 8;
	if (t->size < n0)
		n0 = t->size;
	n = n0;
	if (n <= 0) {
		cg_append_lit(cg, dst, "{...}");
		return;
	}
	w = arena_alloc(cg->a, sizeof(*w));
	memset(w, 0, sizeof(*w));
	w->btf = btf;
	w->deep = deep;
	w->msl = cg->msl;
	pretty_members(w, t, t, 0, 0, 0, NULL);
	/* fewer bytes for k strings, as long as those k still fit in them */
	for (k = pretty_strings_in(w, n0); k > 0; k--) {
		int64_t fit = (avail - k * per_string) / 2 / 8 * 8;

		n = fit < n0 ? fit : n0;
		if (n >= 8 && pretty_strings_in(w, n) >= k)
			break;
	}
	if (!k)
		n = n0;
	a[0] = dst;
	a[1] = cg_literal(cg, head);
	a[2] = LLVMBuildPtrToInt(cg->b, addr, cg->i64, "");
	a[3] = cg_i64(cg, n);
	rc = cg_runtime(cg, "bstap_pretty_token", cg->i64, a, 4);
	cg_raise_if(cg, LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, 0), ""),
		    BO_ERR_READ_FAULT, loc, NULL, NULL);
	k = pretty_strings_in(w, n);
	for (int i = 0; i < w->n; i++) {
		if (w->v[i].off + 8 > n)
			continue;
		k--;
		a[1] = LLVMBuildPtrToInt(cg->b, addr, cg->i64, "");
		a[2] = pretty_string_offset(cg, btf, &w->v[i]);
		a[3] = cg_i64(cg, n);
		a[4] = cg_i64(cg, k * per_string);
		cg_runtime(cg, "bstap_pretty_str", cg->void_t, a, 5);
	}
}

/*
 * The string $x$ or $x$$ makes of the value st holds: a struct or union
 * (in memory or behind a pointer) as {.member=value, ...} through a token,
 * a char pointer or array as a quoted string, other pointers in hex,
 * numbers in decimal (in hex with hex, as $$parms shows them).
 */
static struct cg_val pretty_state(struct cg *cg, struct core_state *st,
				  bool deep, bool hex, struct src_loc loc)
{
	LLVMValueRef dst = cg_new_slot(cg);
	uint32_t id = st->id;
	const struct btf_type *t = strip(st->btf, &id);

	LLVMBuildStore(cg->b, LLVMConstInt(cg->i8, 0, false), dst);
	if (t && btf_is_ptr(t)) {
		uint32_t to = t->type;
		const struct btf_type *pt = strip(st->btf, &to);

		if (!core_load(cg, st, loc))
			return (struct cg_val){ TYPE_STRING, dst };
		if (pt && btf_is_composite(pt)) {
			pretty_token(cg, dst, st->btf, pt,
				     LLVMBuildIntToPtr(cg->b, st->value,
						       cg->ptr, ""),
				     deep, loc);
		} else if (is_char_type(st->btf, t->type)) {
			LLVMValueRef a[3] = { dst, cg_new_slot(cg),
					      st->value };

			cg_runtime(cg, "bstap_append_kstr_quoted", cg->void_t,
				   a, 3);
		} else {
			cg_append_long(cg, dst, cg_scalar(cg, st->value), true);
		}
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (t && btf_is_composite(t) && st->addr) {
		pretty_token(cg, dst, st->btf, t, st->addr, deep, loc);
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (t && btf_is_array(t) && st->addr &&
	    is_char_type(st->btf, btf_array(t)->type)) {
		LLVMValueRef a[2] = { dst, core_finish(cg, st, loc).v };

		cg_append_lit(cg, dst, "\"");
		cg_runtime(cg, "bstap_append", cg->void_t, a, 2);
		cg_append_lit(cg, dst, "\"");
		return (struct cg_val){ TYPE_STRING, dst };
	}
	if (t && btf_is_array(t)) {
		cg_append_lit(cg, dst, "[...]");
		return (struct cg_val){ TYPE_STRING, dst };
	}
	cg_append_long(cg, dst, core_finish(cg, st, loc).v, hex);
	return (struct cg_val){ TYPE_STRING, dst };
}

struct cg_val cg_core_pretty(struct cg *cg, const char *type,
			     LLVMValueRef base, const struct component *chain,
			     int n, struct src_loc loc, bool deep, bool hex)
{
	struct btf_index *ix = btf_vmlinux(cg->s);
	struct core_state st = { 0 };

	if (!ix)
		return (cg_error(cg, loc, "pretty printing kernel values needs the kernel's BTF: %s",
				 btf_error(cg->s)), cg_default(cg, TYPE_STRING));
	st.btf = ix->btf;
	st.id = type_from_text(ix->btf, type);
	st.value = base;
	if (!st.id)
		return (cg_error(cg, loc, "no BTF type for '%s'", type),
			cg_default(cg, TYPE_STRING));
	for (int i = 0; i < n; i++)
		if (!core_step(cg, &st, &chain[i],
			       chain[i].name ? chain[i].name : "",
			       chain[i].loc))
			return cg_default(cg, TYPE_STRING);
	return pretty_state(cg, &st, deep, hex, loc);
}
