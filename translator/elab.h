/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pass 2: elaboration.
 *
 * Takes the parsed script, pulls in what it uses from the tapsets, resolves
 * probe points through aliases and providers, binds every name to a symbol,
 * infers every type, and keeps only what is reachable. The result is an
 * elab_program that pass 3 lowers; -p2 prints it.
 */
#ifndef BSTAP_ELAB_H
#define BSTAP_ELAB_H

#include <stdio.h>

#include "ast.h"
#include "provider.h"
#include "strmap.h"

struct session;

enum symbol_kind { SYM_GLOBAL, SYM_LOCAL, SYM_PARAM };

struct symbol {
	enum symbol_kind kind;
	const char *name;
	struct src_loc loc;		/* declaration, or first use of a local */
	enum type_kind type;		/* value type (TYPE_STATS for aggregates) */
	struct src_loc type_loc;	/* where the type was decided, for
					 * conflict messages */
	bool is_array;
	VEC(enum type_kind) key_types;	/* arrays: one per index */
	VEC(struct src_loc) key_locs;	/* where each key type was decided */
	struct global_decl *global;	/* SYM_GLOBAL */
	int param_index;		/* SYM_PARAM */
	bool read;			/* globals: reachable code reads it */
	bool written;			/* reachable code writes it */
	struct src_loc array_loc;	/* where arrayness / key count was
					 * decided */
	bool shape_known;		/* is_array and key count decided */
	int order;			/* declaration order, for output */
};

struct symbol_vec {
	struct symbol **v;
	int n;
	int cap;
};

struct elab_function {
	struct function_decl *decl;
	struct symbol_vec params;
	struct symbol_vec locals;
	struct src_loc type_loc;	/* where the return type was decided */
	struct strmap scope;		/* name -> symbol: params and locals */
	bool resolved;			/* its body was bound to symbols */
	bool reachable;			/* called from a reachable probe */
	int order;			/* declaration order, for output */
};

/* One probe handler: a body and the concrete points that run it. */
struct elab_probe {
	struct src_loc loc;		/* the user's probe */
	struct probe_decl *decl;	/* the user's probe declaration */
	const char *written;		/* the point as the user wrote it (pp()) */
	struct resolved_point_vec points;
	struct stmt *body;		/* prologues + body + epilogues: a copy
					 * owned by this probe */
	struct symbol_vec locals;
	int index;			/* probe_N in generated names */

	/* the user's point each of `points` came from (same index) */
	VEC(struct probe_point *) written_points;
	/* aliases the points went through, the user's side first */
	VEC(struct probe_decl *) aliases;
	/* if (...) conditions of the user's point and of the alias points,
	 * joined with &&; NULL when unconditional. Reads globals only. */
	struct expr *condition;
	struct strmap scope;		/* name -> local symbol */
	/* name without the $ -> struct context_var: the variables every
	 * point that lists any has; filled when a $var is used */
	struct strmap vars;
	bool vars_known;		/* vars was filled */
	bool vars_listed;		/* some point's provider lists vars */
	bool vars_incomplete;		/* some point could not list them all */
};

struct elab_program {
	VEC(struct symbol *) globals;		/* reachable, in declaration order */
	VEC(struct elab_function *) functions;	/* reachable */
	VEC(struct elab_probe *) probes;
};

/*
 * Elaborate the session's parsed user files. Returns NULL when errors were
 * reported (they are in the session's diagnostics).
 */
struct elab_program *elaborate(struct session *s);

/* -p2 output, documented in doc/internals.md. */
void print_elab_program(FILE *out, const struct elab_program *p);

/* -l / -L: list probe points matching a pattern (aliases and providers). */
/* --dump-functions: every tapset function's signature, sorted */
int list_functions(struct session *s, FILE *out);
int list_probe_points(struct session *s, const char *pattern, bool with_vars,
		      FILE *out);

#endif
