/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tapset library: search path, a cheap index, and lazy parsing.
 *
 * Real tapset libraries are megabytes of script; parsing all of them for a
 * ten-line script would dominate pass 2. So tapset_load() only scans each
 * file's text for the names it defines at top level (functions, globals,
 * probe alias names), and a file is parsed the first time one of its names
 * is needed. A file nobody needs is never parsed, so its syntax errors (or
 * constructs from a newer release) cost nothing.
 *
 * Files come from s->tapset_dirs in order, recursively, sorted by name. A
 * file whose path relative to its directory was already seen in an earlier
 * directory is skipped: that is how -I overrides a built-in tapset file.
 */
#ifndef BSTAP_TAPSET_H
#define BSTAP_TAPSET_H

#include <stdbool.h>

#include "ast.h"
#include "strmap.h"

struct session;

/* A probe point reduced to what alias matching compares. */
struct pp_comp {
	const char *name;	/* may hold * and ** */
	const char *arg;	/* NULL, the number as text, or the string */
	bool arg_is_string;
};

struct pp_comps {
	struct pp_comp *v;
	int n;
};

struct tapset_file {
	const char *path;
	const char *rel;		/* relative to its tapset directory */
	struct source_file *src;
	struct file_ast *ast;		/* NULL until needed */
	int order;			/* position in the search order */
};

/* An alias name found by the text scan, before its file is parsed. */
struct tapset_alias_name {
	const char *text;		/* "syscall.openat" */
	struct pp_comps comps;
	struct tapset_file *file;
	bool is_private;
};

/* A parsed alias: one name of one alias declaration. */
struct tapset_alias {
	struct probe_decl *decl;
	struct probe_point *name;
	struct pp_comps comps;
	const char *text;
	struct tapset_file *file;	/* NULL for the user's script */
	int order;			/* user aliases: declaration order */
};

struct tapset_index {
	VEC(struct tapset_file *) files;
	struct strmap functions;	/* name -> struct tapset_file_list */
	struct strmap globals;		/* name -> struct tapset_file_list */
	struct strmap aliases_by_first;	/* first component -> name list */
	VEC(struct tapset_alias_name *) alias_names;	/* all, in order */
	VEC(struct tapset_alias_name *) wild_first;	/* first comp has * */
	struct strmap parsed_functions;	/* name -> struct decl_list */
	struct strmap parsed_globals;	/* name -> struct decl_list */
	struct strmap file_of_src;	/* source_file * -> tapset_file */
	int nparsed;
	int seq;			/* declaration order across files */
	struct strmap decl_seq;		/* decl pointer -> order + 1 */
};

/*
 * Find the tapset files, read the .stpm macro files and index the .stp
 * files. Idempotent. Call it before parsing the user's script, so that
 * tapset macros are visible there.
 */
void tapset_load(struct session *s);

/*
 * The tapset function or global `name` as seen from code in `from`
 * (private ones are visible only in their own file), parsing the file that
 * defines it if needed; a function with `arity` parameters (any arity when
 * negative: functions of one name are overloads by parameter count), its
 * other definitions with that arity chained as its fallbacks. NULL when
 * no tapset defines it.
 */
struct function_decl *tapset_function(struct session *s, const char *name,
				      int arity,
				      const struct source_file *from);
/*
 * The overloads of function `name` visible from `from`, one per arity (the
 * one a call of that arity gets); stores at most max in out and returns
 * how many there are.
 */
int tapset_functions_named(struct session *s, const char *name,
			   const struct source_file *from,
			   struct function_decl **out, int max);
struct global_decl *tapset_global(struct session *s, const char *name,
				  const struct source_file *from);

/*
 * Every tapset alias name that matches `pp`, parsing the files that might
 * hold one; visible from `from`. Appends to out in search order.
 */
struct tapset_alias_vec {
	struct tapset_alias **v;
	int n;
	int cap;
};

void tapset_match_aliases(struct session *s, const struct pp_comps *pp,
			  const struct source_file *from,
			  struct tapset_alias_vec *out);

/* The tapset file a parsed declaration came from, or NULL. */
struct tapset_file *tapset_file_of(struct session *s,
				   const struct source_file *src);

/* Order of a declaration (function, global) for stable output. */
int tapset_decl_order(struct session *s, const void *decl);
void tapset_set_decl_order(struct session *s, const void *decl);

/* Probe point reduction and matching, shared with -l. */
void pp_comps_from_point(struct arena *a, const struct probe_point *pp,
			 struct pp_comps *out);
bool pp_comps_match(const struct pp_comps *pattern,
		    const struct pp_comps *name);
bool pp_has_wildcard(const struct pp_comps *c);
char *pp_comps_text(struct arena *a, const struct pp_comps *c, int from,
		    int to);

#endif
