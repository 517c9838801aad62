// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DWARF variables at a probe address; see dwarf_loc.h.
 *
 * Scopes come from dwarf_getscopes() (innermost lexical block first, up
 * through inline instances to the subprogram); a location list is cut down
 * to the expression that covers the address by dwarf_getlocation_addr().
 * The frame base of gcc's code is DW_OP_call_frame_cfa, so the CFA rule at
 * the address is taken from the call frame information as an expression
 * too (at a function's first instruction it is rsp + 8 on x86-64).
 */
#include "dwarf_loc.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "elf_index.h"
#include "provider.h"
#include "session.h"

#define MAX_DEPTH 16
#define MAX_SCOPE_VARS 256

/* ------------------------------------------------------------ scopes */

struct scopes {
	Dwarf_Die *v;
	int n;
	int func;	/* index of the innermost subprogram or inline */
	int outer;	/* index of the DW_TAG_subprogram (frame base) */
};

static bool scopes_at(struct elf_file *ef, uint64_t pc, struct scopes *sc)
{
	Dwarf *dw = elf_dwarf_handle(ef);
	Dwarf_Die cu;

	memset(sc, 0, sizeof(*sc));
	sc->func = sc->outer = -1;
	if (!dw || !dwarf_addrdie(dw, pc, &cu))
		return false;
	sc->n = dwarf_getscopes(&cu, pc, &sc->v);
	if (sc->n <= 0)
		return false;
	for (int i = 0; i < sc->n; i++) {
		int tag = dwarf_tag(&sc->v[i]);

		if (sc->func < 0 && (tag == DW_TAG_subprogram ||
				     tag == DW_TAG_inlined_subroutine))
			sc->func = i;
		if (tag == DW_TAG_subprogram) {
			sc->outer = i;
			break;
		}
	}
	if (sc->outer < 0) {
		free(sc->v);
		sc->v = NULL;
		return false;
	}
	return true;
}

static bool is_var(Dwarf_Die *d)
{
	int tag = dwarf_tag(d);

	return tag == DW_TAG_variable || tag == DW_TAG_formal_parameter;
}

/* The position of a parameter among its function's parameters. */
static int param_index(Dwarf_Die *func, Dwarf_Die *param)
{
	Dwarf_Die c;
	int i = 0;

	if (dwarf_child(func, &c) != 0)
		return -1;
	do {
		if (dwarf_tag(&c) != DW_TAG_formal_parameter)
			continue;
		if (dwarf_dieoffset(&c) == dwarf_dieoffset(param))
			return i;
		i++;
	} while (dwarf_siblingof(&c, &c) == 0);
	return -1;
}

/* Copies ops into the arena: CFI expressions live in a frame we free. */
static Dwarf_Op *copy_ops(struct session *s, const Dwarf_Op *ops, size_t n)
{
	Dwarf_Op *v;

	if (!n)
		return NULL;
	v = arena_alloc(&s->arena, n * sizeof(*v));
	memcpy(v, ops, n * sizeof(*v));
	return v;
}

static void cfa_at(struct session *s, struct elf_file *ef, uint64_t pc,
		   struct dwarf_loc *out)
{
	Dwfl_Module *mod = elf_dwarf_module(ef);
	Dwarf_CFI *cfis[2];
	Dwarf_Addr bias = 0;	/* CFI addresses are the file's, as pc */

	if (!mod)
		return;
	cfis[0] = dwfl_module_eh_cfi(mod, &bias);
	cfis[1] = dwfl_module_dwarf_cfi(mod, &bias);
	for (int i = 0; i < 2 && !out->ncfa; i++) {
		Dwarf_Frame *frame = NULL;
		Dwarf_Op *ops;
		size_t n;

		if (!cfis[i] || dwarf_cfi_addrframe(cfis[i], pc,
						    &frame) != 0)
			continue;
		if (dwarf_frame_cfa(frame, &ops, &n) == 0 && n) {
			out->cfa = copy_ops(s, ops, n);
			out->ncfa = n;
		}
		free(frame);
	}
}

static void locate(struct session *s, struct elf_file *ef, uint64_t pc,
		   struct scopes *sc, Dwarf_Die *var, struct dwarf_loc *out)
{
	Dwarf_Attribute attr;
	Dwarf_Addr low = 0;
	Dwarf_Sword sval;
	Dwarf_Word uval;

	memset(out, 0, sizeof(*out));
	out->var = *var;
	if (dwarf_attr_integrate(var, DW_AT_type, &attr) &&
	    dwarf_formref_die(&attr, &out->type))
		out->has_type = true;
	out->is_param = dwarf_tag(var) == DW_TAG_formal_parameter;
	out->param_index = out->is_param ?
			   param_index(&sc->v[sc->func], var) : -1;
	out->at_entry = dwarf_entrypc(&sc->v[sc->func], &low) == 0 &&
			low == pc;
	if (dwarf_attr_integrate(var, DW_AT_location, &attr)) {
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_getlocation_addr(&attr, pc, &ops, &n, 1) == 1) {
			out->expr = ops;
			out->nexpr = n;
		}
	} else if (dwarf_attr_integrate(var, DW_AT_const_value, &attr)) {
		if (dwarf_formsdata(&attr, &sval) == 0) {
			out->is_const = true;
			out->const_value = sval;
		} else if (dwarf_formudata(&attr, &uval) == 0) {
			out->is_const = true;
			out->const_value = (int64_t)uval;
		}
	}
	if (dwarf_attr(&sc->v[sc->outer], DW_AT_frame_base, &attr)) {
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_getlocation_addr(&attr, pc, &ops, &n, 1) == 1) {
			out->fb = ops;
			out->nfb = n;
		}
	}
	cfa_at(s, ef, pc, out);
}

/*
 * A variable defined (not declared extern) at the top of cu; with
 * `external`, only a global with a location or value (another CU's
 * statics are not visible from here).
 */
static bool cu_var(Dwarf_Die *cu, const char *name, bool external,
		   Dwarf_Die *out)
{
	Dwarf_Die c;
	const char *n;

	if (dwarf_child(cu, &c) != 0)
		return false;
	do {
		if (dwarf_tag(&c) != DW_TAG_variable ||
		    !(n = dwarf_diename(&c)) || strcmp(n, name) ||
		    dwarf_hasattr(&c, DW_AT_declaration))
			continue;
		/* elsewhere only what has a place; here also one gcc
		 * optimized out, so the message says that */
		if (external &&
		    ((!dwarf_hasattr_integrate(&c, DW_AT_location) &&
		      !dwarf_hasattr_integrate(&c, DW_AT_const_value)) ||
		     !dwarf_hasattr_integrate(&c, DW_AT_external)))
			continue;
		*out = c;
		return true;
	} while (dwarf_siblingof(&c, &c) == 0);
	return false;
}

/* `name` as C would see it from the CU of pc: its own globals and
 * statics first, then the external variables of every other CU. */
static bool global_var(struct elf_file *ef, uint64_t pc, const char *name,
		       Dwarf_Die *out)
{
	Dwarf *dw = elf_dwarf_handle(ef);
	Dwarf_Off off = 0, next;
	size_t hsize;
	Dwarf_Die cu;

	if (!dw || !dwarf_addrdie(dw, pc, &cu))
		return false;
	if (cu_var(&cu, name, false, out))
		return true;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die d;

		if (dwarf_offdie(dw, off + hsize, &d) &&
		    dwarf_dieoffset(&d) != dwarf_dieoffset(&cu) &&
		    cu_var(&d, name, true, out))
			return true;
		off = next;
	}
	return false;
}

bool dwarf_loc_find(struct session *s, struct elf_file *ef, uint64_t pc,
		    const char *name, struct dwarf_loc *out)
{
	struct scopes sc;
	bool found = false;

	if (!elf_load_dwarf(s, ef) || !scopes_at(ef, pc, &sc))
		return false;
	for (int i = 0; i <= sc.outer && !found; i++) {
		Dwarf_Die c;
		const char *n;

		if (dwarf_child(&sc.v[i], &c) != 0)
			continue;
		do {
			if (!is_var(&c) || !(n = dwarf_diename(&c)) ||
			    strcmp(n, name))
				continue;
			locate(s, ef, pc, &sc, &c, out);
			found = true;
			break;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	if (!found) {
		/* a global or file static: DW_OP_addr, moved by the load
		 * bias where the file is mapped (codegen_dwarf.c) */
		Dwarf_Die g;

		found = global_var(ef, pc, name, &g);
		if (found)
			locate(s, ef, pc, &sc, &g, out);
	}
	free(sc.v);
	return found;
}

int dwarf_scope_vars(struct session *s, struct elf_file *ef, uint64_t pc,
		     void (*fn)(void *ctx, Dwarf_Die *var, bool is_param,
				int index),
		     void *ctx)
{
	const char *seen[MAX_SCOPE_VARS];
	Dwarf_Die found[MAX_SCOPE_VARS];
	int level[MAX_SCOPE_VARS];
	int nseen = 0, emitted = 0;
	struct scopes sc;

	if (!elf_load_dwarf(s, ef) || !scopes_at(ef, pc, &sc))
		return 0;
	/* innermost first decides which declaration a name means */
	for (int i = 0; i <= sc.outer; i++) {
		Dwarf_Die c;

		if (dwarf_child(&sc.v[i], &c) != 0)
			continue;
		do {
			const char *n = dwarf_diename(&c);
			bool dup = false;

			if (!is_var(&c) || !n || nseen == MAX_SCOPE_VARS)
				continue;
			for (int k = 0; k < nseen && !dup; k++)
				dup = !strcmp(seen[k], n);
			if (dup)
				continue;
			seen[nseen] = n;
			level[nseen] = i;
			found[nseen++] = c;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	/* shown outermost scope first, each in declaration order */
	for (int i = sc.outer; i >= 0; i--) {
		for (int k = 0; k < nseen; k++) {
			bool param;

			if (level[k] != i)
				continue;
			param = dwarf_tag(&found[k]) == DW_TAG_formal_parameter;
			fn(ctx, &found[k], param,
			   param ? param_index(&sc.v[sc.func], &found[k]) : -1);
			emitted++;
		}
	}
	free(sc.v);
	return emitted;
}

const char *dwarf_op_name(unsigned int op)
{
	static char buf[32];

	switch (op) {
	case DW_OP_piece: return "DW_OP_piece";
	case DW_OP_bit_piece: return "DW_OP_bit_piece";
	case DW_OP_entry_value: return "DW_OP_entry_value";
	case DW_OP_GNU_entry_value: return "DW_OP_GNU_entry_value";
	case DW_OP_implicit_pointer: return "DW_OP_implicit_pointer";
	case DW_OP_GNU_implicit_pointer: return "DW_OP_GNU_implicit_pointer";
	case DW_OP_implicit_value: return "DW_OP_implicit_value";
	case DW_OP_GNU_parameter_ref: return "DW_OP_GNU_parameter_ref";
	case DW_OP_regx: return "DW_OP_regx";
	case DW_OP_bregx: return "DW_OP_bregx";
	case DW_OP_fbreg: return "DW_OP_fbreg";
	case DW_OP_call_frame_cfa: return "DW_OP_call_frame_cfa";
	case DW_OP_form_tls_address: return "DW_OP_form_tls_address";
	case DW_OP_GNU_push_tls_address: return "DW_OP_GNU_push_tls_address";
	case DW_OP_deref_size: return "DW_OP_deref_size";
	case DW_OP_convert: return "DW_OP_convert";
	case DW_OP_GNU_convert: return "DW_OP_GNU_convert";
	case DW_OP_regval_type: return "DW_OP_regval_type";
	case DW_OP_GNU_regval_type: return "DW_OP_GNU_regval_type";
	case DW_OP_addr: return "DW_OP_addr";
	case DW_OP_stack_value: return "DW_OP_stack_value";
	default: break;
	}
	if (op >= DW_OP_reg0 && op <= DW_OP_reg31)
		snprintf(buf, sizeof(buf), "DW_OP_reg%u", op - DW_OP_reg0);
	else if (op >= DW_OP_breg0 && op <= DW_OP_breg31)
		snprintf(buf, sizeof(buf), "DW_OP_breg%u", op - DW_OP_breg0);
	else
		snprintf(buf, sizeof(buf), "DW_OP 0x%x", op);
	return buf;
}

/* ------------------------------------------------------------- types */

static bool type_ref(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) &&
	       dwarf_formref_die(&attr, out);
}

/* Through typedefs and qualifiers; false: void. */
static bool peel(Dwarf_Die *type, Dwarf_Die *out)
{
	Dwarf_Die cur = *type;

	for (int depth = 0; depth < MAX_DEPTH; depth++) {
		int tag = dwarf_tag(&cur);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type &&
		    tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type) {
			*out = cur;
			return true;
		}
		if (!type_ref(&cur, &cur))
			return false;
	}
	return false;
}

static int64_t array_count(Dwarf_Die *array)
{
	Dwarf_Die sub;
	Dwarf_Attribute attr;
	Dwarf_Word w;

	if (dwarf_child(array, &sub) != 0 ||
	    dwarf_tag(&sub) != DW_TAG_subrange_type)
		return -1;
	if (dwarf_attr(&sub, DW_AT_count, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		return (int64_t)w;
	if (dwarf_attr(&sub, DW_AT_upper_bound, &attr) &&
	    dwarf_formudata(&attr, &w) == 0)
		return (int64_t)w + 1;
	return -1;
}

static int die_size(Dwarf_Die *type)
{
	Dwarf_Word size;

	if (dwarf_aggregate_size(type, &size) != 0 || size >= (1u << 30))
		return 0;
	return (int)size;
}

void dwarf_shape_of(Dwarf_Die *type, struct dwarf_shape *out)
{
	Dwarf_Die t, elem;
	Dwarf_Attribute attr;
	Dwarf_Word enc = 0;

	memset(out, 0, sizeof(*out));
	out->count = -1;
	if (!type || !peel(type, &t)) {
		out->cls = DWC_VOID;
		return;
	}
	out->size = die_size(&t);
	switch (dwarf_tag(&t)) {
	case DW_TAG_base_type:
		if (dwarf_attr(&t, DW_AT_encoding, &attr))
			dwarf_formudata(&attr, &enc);
		out->cls = enc == DW_ATE_float || enc == DW_ATE_complex_float ?
			   DWC_FLOAT : DWC_INT;
		out->is_signed = enc == DW_ATE_signed ||
				 enc == DW_ATE_signed_char;
		break;
	case DW_TAG_enumeration_type:
		out->cls = DWC_INT;
		out->is_signed = true;
		if (type_ref(&t, &elem)) {
			struct dwarf_shape under;

			dwarf_shape_of(&elem, &under);
			out->is_signed = under.is_signed;
		}
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		out->cls = DWC_PTR;
		out->size = 8;
		out->has_target = type_ref(&t, &out->target);
		break;
	case DW_TAG_array_type:
		out->cls = DWC_ARRAY;
		out->count = array_count(&t);
		out->has_target = type_ref(&t, &out->target);
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		out->cls = DWC_STRUCT;
		break;
	default:
		out->cls = DWC_OTHER;
		break;
	}
	if (out->has_target && peel(&out->target, &elem) &&
	    dwarf_tag(&elem) == DW_TAG_base_type && die_size(&elem) == 1)
		out->char_elem = true;
}

/*
 * Where a bit field starts, in bits from its struct's start: DWARF 4's
 * DW_AT_data_bit_offset, or DWARF 2's storage unit (byte offset and size)
 * with DW_AT_bit_offset counted from its most significant bit, which on a
 * little-endian machine is bytes * 8 - offset - size from the least.
 */
static int64_t bit_start(Dwarf_Die *m, Dwarf_Word loc, Dwarf_Word size)
{
	Dwarf_Attribute attr;
	Dwarf_Word v = 0, unit = 0;

	if (dwarf_attr_integrate(m, DW_AT_data_bit_offset, &attr) &&
	    dwarf_formudata(&attr, &v) == 0)
		return (int64_t)v;
	if (dwarf_attr_integrate(m, DW_AT_bit_offset, &attr))
		dwarf_formudata(&attr, &v);
	if (dwarf_attr_integrate(m, DW_AT_byte_size, &attr))
		dwarf_formudata(&attr, &unit);
	if (!unit) {
		Dwarf_Die t, pt;

		unit = type_ref(m, &t) && peel(&t, &pt) ? (Dwarf_Word)die_size(&pt) : 4;
	}
	return (int64_t)(loc * 8 + unit * 8 - v - size);
}

/*
 * A member by name, through anonymous structs and unions; its type and
 * byte offset. A bit field (2) also gets its first bit past that byte
 * and its width in bits.
 */
static int find_member(Dwarf_Die *st, const char *name, Dwarf_Die *type,
		       int64_t *off, int *bit, int *bits, int depth)
{
	Dwarf_Die m;

	if (depth > MAX_DEPTH || dwarf_child(st, &m) != 0)
		return 0;
	do {
		const char *mn = dwarf_diename(&m);
		Dwarf_Attribute attr;
		Dwarf_Word loc = 0;
		Dwarf_Die mt, inner;
		int r;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		if (dwarf_attr_integrate(&m, DW_AT_data_member_location,
					 &attr))
			dwarf_formudata(&attr, &loc);
		if (mn && strcmp(mn, name))
			continue;
		if (!type_ref(&m, &mt))
			continue;
		if (!mn) {
			/* an anonymous struct or union: its members are ours */
			if (!peel(&mt, &inner))
				continue;
			r = find_member(&inner, name, type, off, bit, bits,
					depth + 1);
			if (r > 0)
				*off += (int64_t)loc;
			if (r)
				return r;
			continue;
		}
		if (dwarf_attr_integrate(&m, DW_AT_bit_size, &attr)) {
			Dwarf_Word size = 0;
			int64_t start;

			dwarf_formudata(&attr, &size);
			start = bit_start(&m, loc, size);
			*type = mt;
			*off = start / 8;
			*bit = (int)(start % 8);
			*bits = (int)size;
			return 2;
		}
		*type = mt;
		*off = (int64_t)loc;
		return 1;
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

static const char *member_hint(struct session *s, Dwarf_Die *st,
			       const char *name)
{
	const char *names[64];
	int n = 0;
	Dwarf_Die m;

	if (dwarf_child(st, &m) == 0) {
		do {
			const char *mn = dwarf_diename(&m);

			if (dwarf_tag(&m) == DW_TAG_member && mn && n < 64)
				names[n++] = mn;
		} while (dwarf_siblingof(&m, &m) == 0);
	}
	(void)s;
	return diag_closest(name, names, n);
}

static bool plan_member(struct session *s, struct dwarf_plan *p,
			const struct component *k, bool quiet)
{
	struct dwarf_step *st = &p->steps[p->n];
	Dwarf_Die t = p->type, mt;
	struct dwarf_shape sh;
	int64_t off = 0;
	int r, bit = 0, bits = 0;

	if (p->bits) {
		if (!quiet)
			diag_error(s, k->loc,
				   "cannot read member '%s': the value before it is a bit field",
				   k->name);
		return false;
	}
	/* -> and . both work, through one pointer, as in stap */
	dwarf_shape_of(p->has_type ? &p->type : NULL, &sh);
	if (sh.cls == DWC_PTR && sh.has_target) {
		st->deref = true;
		t = sh.target;
		dwarf_shape_of(&t, &sh);
	}
	if (sh.cls != DWC_STRUCT || !peel(&t, &t)) {
		if (!quiet)
			diag_error(s, k->loc,
				   "cannot read member '%s': %s is not a struct or union",
				   k->name,
				   elf_dwarf_type_text(s, p->has_type ? &p->type : NULL));
		return false;
	}
	r = find_member(&t, k->name, &mt, &off, &bit, &bits, 0);
	if (r <= 0) {
		if (!quiet) {
			struct diag *d;

			d = diag_error(s, k->loc, "%s has no member '%s'",
				       elf_dwarf_type_text(s, &t), k->name);
			if (member_hint(s, &t, k->name))
				diag_hint(d, "did you mean '%s'?",
					  member_hint(s, &t, k->name));
		}
		return false;
	}
	st->offset = off;
	st->comp = k;
	p->type = mt;
	p->has_type = true;
	p->bit = bit;
	p->bits = bits;
	return true;
}

static bool plan_index(struct session *s, struct dwarf_plan *p,
		       const struct component *k, bool quiet)
{
	struct dwarf_step *st = &p->steps[p->n];
	struct dwarf_shape sh, elem;

	dwarf_shape_of(p->has_type ? &p->type : NULL, &sh);
	if (p->bits || (sh.cls != DWC_PTR && sh.cls != DWC_ARRAY) ||
	    !sh.has_target) {
		if (!quiet)
			diag_error(s, k->loc, "cannot index %s",
				   elf_dwarf_type_text(s, p->has_type ? &p->type : NULL));
		return false;
	}
	dwarf_shape_of(&sh.target, &elem);
	if (elem.size <= 0) {
		if (!quiet)
			diag_error(s, k->loc, "cannot index %s: its elements have no size",
				   elf_dwarf_type_text(s, &p->type));
		return false;
	}
	st->deref = sh.cls == DWC_PTR;
	st->elem_size = elem.size;
	st->comp = k;
	p->type = sh.target;
	return true;
}

static enum type_kind kind_of(const struct dwarf_shape *sh)
{
	switch (sh->cls) {
	case DWC_INT:
	case DWC_PTR:
		return sh->size > 0 && sh->size <= 8 ? TYPE_LONG : TYPE_UNKNOWN;
	case DWC_ARRAY:
		return sh->char_elem ? TYPE_STRING : TYPE_UNKNOWN;
	default:
		return TYPE_UNKNOWN;
	}
}

bool dwarf_plan_chain(struct session *s, Dwarf_Die *type,
		      const struct component *chain, int n, bool quiet,
		      struct dwarf_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->steps = arena_alloc(&s->arena, (n + 1) * sizeof(*out->steps));
	memset(out->steps, 0, (n + 1) * sizeof(*out->steps));
	if (type) {
		out->type = *type;
		out->has_type = true;
	}
	for (int i = 0; i < n; i++) {
		bool ok = chain[i].kind == COMP_MEMBER ?
			  plan_member(s, out, &chain[i], quiet) :
			  plan_index(s, out, &chain[i], quiet);

		if (!ok)
			return false;
		out->n++;
	}
	dwarf_shape_of(out->has_type ? &out->type : NULL, &out->shape);
	out->kind = kind_of(&out->shape);
	return true;
}

struct elf_file *dwarf_point_file(const struct resolved_point *rp)
{
	/* marks carry their SDT sites instead (and a provider in module) */
	if (!rp || !rp->provider || strcmp(rp->provider->name, "process") ||
	    rp->module || !rp->address || !rp->path)
		return NULL;
	return rp->data;
}

int dwarf_chain_type(struct session *s, const struct resolved_point *rp,
		     const struct expr *e, bool quiet, bool whole_ok,
		     enum type_kind *out)
{
	struct elf_file *ef = dwarf_point_file(rp);
	const char *name = e->name && e->name[0] == '$' ? e->name + 1 : e->name;
	struct dwarf_loc loc;
	struct dwarf_plan plan;

	if (!ef || !name ||
	    !dwarf_loc_find(s, ef, rp->address, name, &loc))
		return -1;
	if (!dwarf_plan_chain(s, loc.has_type ? &loc.type : NULL,
			      e->chain.v, e->chain.n, quiet, &plan))
		return 0;
	*out = plan.kind;
	if (*out != TYPE_UNKNOWN || whole_ok)
		return 1;
	if (!quiet)
		diag_hint(diag_error(s, e->loc,
				     "'%s' is %s and cannot be read as a value",
				     e->name,
				     elf_dwarf_type_text(s, plan.has_type ? &plan.type : NULL)),
			  "read one of its members, print it with a $ suffix, or take its address with &");
	return 0;
}

/* ------------------------------------------------------- named types */

struct type_query {
	const char *name;
	int tag;	/* 0: any named struct, union, typedef, base type */
	Dwarf_Die *out;
	bool found;
};

static bool type_matches(Dwarf_Die *d, const struct type_query *q)
{
	int tag = dwarf_tag(d);
	const char *n;

	if (q->tag ? tag != q->tag :
		     tag != DW_TAG_structure_type && tag != DW_TAG_union_type &&
		     tag != DW_TAG_typedef && tag != DW_TAG_base_type &&
		     tag != DW_TAG_enumeration_type)
		return false;
	if (dwarf_hasattr(d, DW_AT_declaration))
		return false;
	n = dwarf_diename(d);
	return n && !strcmp(n, q->name);
}

bool dwarf_find_type(struct session *s, struct elf_file *ef,
		     const char *name, Dwarf_Die *out)
{
	struct type_query q = { name, 0, out, false };
	Dwarf *dw;
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!elf_load_dwarf(s, ef) || !(dw = elf_dwarf_handle(ef)))
		return false;
	if (!strncmp(name, "struct ", 7)) {
		q.tag = DW_TAG_structure_type;
		q.name = name + 7;
	} else if (!strncmp(name, "union ", 6)) {
		q.tag = DW_TAG_union_type;
		q.name = name + 6;
	} else if (!strncmp(name, "enum ", 5)) {
		q.tag = DW_TAG_enumeration_type;
		q.name = name + 5;
	}
	while (!q.found && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL,
					NULL) == 0) {
		Dwarf_Die cu, c;

		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &c) == 0) {
			do {
				if (type_matches(&c, &q)) {
					*out = c;
					q.found = true;
					break;
				}
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		off = next;
	}
	return q.found;
}

int dwarf_cast_type(struct session *s, struct expr *e, bool quiet, bool whole)
{
	const char *why;
	struct elf_file *ef = elf_file_get(s, e->module, &why);
	Dwarf_Die type;
	struct dwarf_plan plan;

	if (!ef) {
		if (!quiet)
			diag_hint(diag_error(s, e->loc, "@cast: '%s' %s",
					     e->module, why),
				  e->module[0] == '<' ?
				  "bstap compiles no headers: name the program or library whose DWARF has the type, or \"kernel<...>\" for a kernel type" :
				  "the third argument names the program or library whose DWARF has the type");
		return 0;
	}
	if (!dwarf_find_type(s, ef, e->str, &type)) {
		if (!quiet)
			diag_hint(diag_error(s, e->loc, "@cast: no type '%s' in the DWARF of '%s'",
					     e->str, e->module),
				  ef->has_dwarf ? "name a struct, union or typedef it defines: @cast(p, \"struct point\", \"PATH\")" :
				  "it has no debuginfo: build it with -g or install its debuginfo");
		return 0;
	}
	if (!dwarf_plan_chain(s, &type, e->chain.v, e->chain.n, quiet, &plan))
		return 0;
	if (plan.kind == TYPE_UNKNOWN && !whole) {
		if (!quiet)
			diag_hint(diag_error(s, e->loc, "this @cast is %s and cannot be read as a value",
					     elf_dwarf_type_text(s, plan.has_type ? &plan.type : NULL)),
				  "read one of its members, print it with a $ suffix, or take its address with &");
		return 0;
	}
	if (!quiet)
		e->type = whole ? (e->pretty != PRETTY_NONE ? TYPE_STRING :
							      TYPE_LONG) :
				  plan.kind;
	return 1;
}
