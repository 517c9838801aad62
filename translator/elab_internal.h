/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the pass 2 files share: the elaboration context and the entry points
 * of each stage. Not for other passes; they see elab.h only.
 *
 *	elaborate.c	driver, probe point resolution, alias expansion
 *	resolve.c	names to symbols, functions, reachability
 *	types.c		type inference and checking
 *	print_elab.c	-p2
 *	list.c		-l / -L
 */
#ifndef BSTAP_ELAB_INTERNAL_H
#define BSTAP_ELAB_INTERNAL_H

#include "elab.h"
#include "strmap.h"
#include "tapset.h"

/* Recursion guards: a fuzzer can nest anything. */
#define ELAB_MAX_DEPTH 400
#define ELAB_MAX_ALIAS_DEPTH 32
/* Aliases fanning out at every level could otherwise take forever. */
#define ELAB_MAX_EXPANSIONS 100000

struct name_vec {
	const char **v;
	int n;
	int cap;
};

struct elab_ctx {
	struct session *s;
	struct arena *a;
	struct elab_program *prog;

	struct strmap user_functions;	/* name -> function_decl */
	struct strmap user_globals;	/* name -> global_decl */
	struct tapset_alias_vec user_aliases;	/* in declaration order */
	struct strmap user_alias_first;	/* first component -> alias_list */
	struct tapset_alias_vec user_alias_wild;	/* first has a * */

	struct strmap global_syms;	/* global_decl -> symbol */
	struct strmap efuncs;		/* function_decl -> elab_function */
	struct symbol_vec all_globals;	/* every global symbol made */
	VEC(struct elab_function *) all_funcs;	/* every one resolved */

	struct strmap resolved;		/* probe_point -> struct resolve_cache:
					 * an alias's points resolve once */
	struct strmap btf_types;	/* type text -> its BTF cursor, or
					 * &btf_no_type: libbpf's lookup by
					 * name scans every type */
	struct strmap var_lists;	/* provider + point text -> its
					 * variables, asked once */
	struct strmap warned;		/* "file:line:col" of warnings given:
					 * alias copies share locations */
	int expansions;			/* probe points expanded so far */
	int alt_chains;			/* `a !, b` chains kept for the
					 * runner (another target kernel) */
	int depth;			/* current recursion depth */
	bool depth_reported;
	bool listing;			/* -L: quiet about unknown points */
};

void elab_ctx_init(struct elab_ctx *cx, struct session *s);

/* elaborate.c: expand one probe declaration into elab_probes. */
void expand_probe(struct elab_ctx *cx, struct probe_decl *pd);
/* Register the declarations of a user file (functions, globals, aliases). */
void register_user_file(struct elab_ctx *cx, struct file_ast *f);
/* Report %{ %} at loc, with what to do instead. */
void embedded_c_error(struct elab_ctx *cx, struct src_loc loc);

/* resolve.c */
void resolve_probe(struct elab_ctx *cx, struct elab_probe *ep);
void resolve_user_functions(struct elab_ctx *cx);
void mark_reachable(struct elab_ctx *cx);
/* Warn about the script's locals that are read but never assigned. */
void warn_unassigned_locals(struct elab_ctx *cx);
/* Drop stores to locals nothing reads, after type checking. */
void elide_unused(struct elab_ctx *cx);
/* The function name/arity a call from `from` gets (arity < 0: any). */
struct function_decl *lookup_function(struct elab_ctx *cx, const char *name,
				      int arity,
				      const struct source_file *from);
/*
 * Every function `name` a call from `from` could get, one per arity;
 * stores at most max and returns how many there are.
 */
int function_overloads(struct elab_ctx *cx, const char *name,
		       const struct source_file *from,
		       struct function_decl **out, int max);
struct elab_function *elab_function_of(struct elab_ctx *cx,
				       struct function_decl *fd);
/* Every function name a script could call, for "did you mean". */
void function_names(struct elab_ctx *cx, struct name_vec *out);
/* Depth guard for recursive walks; false (after one error) when too deep. */
bool elab_enter(struct elab_ctx *cx, struct src_loc loc);
void elab_leave(struct elab_ctx *cx);

/* entry_stash.c: @entry(expr) of non-parameters through an entry probe */
void stash_entries(struct session *s, struct file_ast *f);
/* enum_const.c: never-assigned locals that name kernel enumerators */
void resolve_enumerators(struct elab_ctx *cx);

/* types.c */
void infer_types(struct elab_ctx *cx);

/* the context variables of a probe's points ($name -> context_var) */
void probe_vars(struct elab_ctx *cx, struct elab_probe *ep);

#endif
