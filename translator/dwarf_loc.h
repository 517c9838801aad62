/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DWARF variables of user-space programs at a probe address: which $names
 * are in scope (parameters and locals of the function and its lexical
 * blocks, inline instances included), where each one lives there (its
 * location expression, picked from a location list by the address, the
 * function's frame base and the CFA rule from the call frame information),
 * and the types a $var->member[i] chain walks through.
 *
 * Everything here is decided at translate time; codegen_uprobe.c turns a
 * location expression and a chain plan into BPF that reads pt_regs and
 * user memory.
 */
#ifndef BSTAP_DWARF_LOC_H
#define BSTAP_DWARF_LOC_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct elf_file;
struct session;
struct resolved_point;

/* Where a variable lives at one address. */
struct dwarf_loc {
	Dwarf_Die var;
	bool has_type;		/* false: void */
	Dwarf_Die type;
	bool is_param;
	int param_index;	/* 0-based position among the parameters */
	bool at_entry;		/* pc is its function's first instruction */
	/* DW_AT_const_value: the value, no location */
	bool is_const;
	int64_t const_value;
	/* the location expression at pc; nexpr 0: optimized out there */
	Dwarf_Op *expr;
	size_t nexpr;
	/* the function's DW_AT_frame_base at pc (for DW_OP_fbreg) */
	Dwarf_Op *fb;
	size_t nfb;
	/* the CFA rule at pc from .eh_frame/.debug_frame (for
	 * DW_OP_call_frame_cfa); ncfa 0 when there is none */
	Dwarf_Op *cfa;
	size_t ncfa;
};

/*
 * The variable `name` (no $) visible at pc in ef, innermost scope first.
 * false when there is none (or no DWARF).
 */
bool dwarf_loc_find(struct session *s, struct elf_file *ef, uint64_t pc,
		    const char *name, struct dwarf_loc *out);

/*
 * Every parameter and local visible at pc, outermost function first, each
 * name once (an inner declaration hides an outer one). Returns the count.
 */
int dwarf_scope_vars(struct session *s, struct elf_file *ef, uint64_t pc,
		     void (*fn)(void *ctx, Dwarf_Die *var, bool is_param,
				int index),
		     void *ctx);

/* The name of a DWARF location operation, for messages: "DW_OP_piece". */
const char *dwarf_op_name(unsigned int op);

/* ------------------------------------------------------------- types */

enum dwarf_class {
	DWC_VOID,
	DWC_INT,	/* base types (not float), enums, bool */
	DWC_FLOAT,
	DWC_PTR,	/* pointers and references */
	DWC_ARRAY,
	DWC_STRUCT,	/* structs, unions, classes */
	DWC_OTHER,	/* functions... */
};

/* A type with typedefs and qualifiers peeled off. */
struct dwarf_shape {
	enum dwarf_class cls;
	int size;		/* bytes, 0 when unknown */
	bool is_signed;
	bool has_target;	/* PTR: pointee, ARRAY: element */
	Dwarf_Die target;
	int64_t count;		/* ARRAY: elements, -1 when unknown */
	bool char_elem;		/* ARRAY/PTR: the elements are 1-byte ints */
};

/* type NULL: void. */
void dwarf_shape_of(Dwarf_Die *type, struct dwarf_shape *out);

/* In elf_index.c: the C text of a type DIE, stap style ("struct
 * point*"; NULL: "void"), and name, type text, script type and size of a
 * variable or parameter DIE. */
struct dwarf_var;
const char *elf_dwarf_type_text(struct session *s, Dwarf_Die *type);
void elf_dwarf_var_info(struct session *s, Dwarf_Die *var,
			struct dwarf_var *out);

/* One step of a $var->a[i].b chain, decided at translate time. */
struct dwarf_step {
	bool deref;		/* the current value is a pointer: follow it */
	int64_t offset;		/* then add this many bytes */
	int64_t elem_size;	/* index: bytes per element (0: a member) */
	const struct component *comp;
};

/* What a chain comes to. */
struct dwarf_plan {
	struct dwarf_step *steps;
	int n;
	bool has_type;
	Dwarf_Die type;		/* the type at the end */
	struct dwarf_shape shape;
	enum type_kind kind;	/* how the script sees the result;
				 * TYPE_UNKNOWN: a struct or array */
	int bits;		/* a bit field at the end: its width, and */
	int bit;		/* its first bit in the byte steps reach */
};

/*
 * Walk chain[0..n) from a value of `type` (NULL: void). Errors (no such
 * member, not a struct, a member of a bit field) are reported at the component unless
 * quiet; false then.
 */
bool dwarf_plan_chain(struct session *s, Dwarf_Die *type,
		      const struct component *chain, int n, bool quiet,
		      struct dwarf_plan *out);

/* The ELF file of a process() function, statement or PLT point, whose
 * DWARF its $vars come from; NULL for marks and other points. */
struct elf_file *dwarf_point_file(const struct resolved_point *rp);

/*
 * For the resolver: the script type of $name followed by e's chain at a
 * process() point. -1: not a DWARF point (the caller decides), 0: an error
 * (reported unless quiet), 1: *out set.
 */
int dwarf_chain_type(struct session *s, const struct resolved_point *rp,
		     const struct expr *e, bool quiet, bool whole_ok,
		     enum type_kind *out);

/*
 * A type by name ("struct point", "point", a typedef) in ef's DWARF, for
 * @cast(p, "type", "PATH").
 */
bool dwarf_find_type(struct session *s, struct elf_file *ef,
		     const char *name, Dwarf_Die *out);

/*
 * For the resolver: @cast(p, "type", "PATH") through PATH's DWARF; sets
 * e->type unless quiet. 0: an error (reported unless quiet), 1: fine.
 */
int dwarf_cast_type(struct session *s, struct expr *e, bool quiet,
		    bool whole);

#endif
