/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One translator run: options, every file read, the parsed and elaborated
 * program, and the diagnostics. No pass keeps state anywhere else.
 */
#ifndef BSTAP_SESSION_H
#define BSTAP_SESSION_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"

struct diag;
struct elab_program;
struct provider_caches;
struct kconfig;
struct tapset_index;

struct define {			/* -D NAME[=VALUE] */
	const char *name;
	const char *value;	/* "" when given without =VALUE */
};

struct macro {			/* @define NAME(params) %( body %) */
	const char *name;
	struct src_loc loc;
	VEC(const char *) params;
	const struct source_file *file;
	const char *body;	/* text between %( and %) */
	struct src_loc body_loc;
	bool from_tapset;	/* .stpm macros are visible to all files */
};

struct session {
	struct arena arena;

	/* options */
	int last_pass;			/* -pN; 5 = run */
	int verbose;			/* -v count */
	bool guru;			/* -g */
	bool unprivileged_tapsets;	/* reserved */
	bool warnings_off;		/* -w */
	const char *script_name;	/* file name or "<input>" for -e */
	const char *module_name;	/* -m */
	const char *output_file;	/* -o */
	const char *target_cmd;		/* -c */
	long target_pid;		/* -x */
	const char *sysroot;		/* --sysroot DIR: programs, libraries
					 * and debuginfo are read under DIR;
					 * NULL: none */
	const char *kernel_release;	/* -r, else uname */
	const char *btf_file;		/* --btf: the target kernel's BTF */
	const char *kernel_config;	/* --kernel-config: its .config */
	bool listing;			/* -l/-L: nothing will run */
	const char *arch;		/* "x86_64" */
	VEC(const char *) tapset_dirs;	/* search order: -I, env, built-in */
	VEC(struct define) defines;	/* -D */
	VEC(const char *) args;		/* positional: $1 @1 ... */
	VEC(const char *) globals_set;	/* -G var=value, raw */

	/* what was read */
	VEC(struct source_file *) files;
	VEC(struct file_ast *) user_files;	/* the script itself */
	VEC(struct macro *) macros;
	struct tapset_index *tapsets;
	struct provider_caches *provider_caches;	/* BTF, tracefs, ELF: read once */
	struct kconfig *kconfig;		/* kernel config, read once */

	/* pass 2 result */
	struct elab_program *program;

	/* diagnostics */
	VEC(struct diag *) diags;
	int nerrors;
	int nwarnings;
};

void session_init(struct session *s);
void session_release(struct session *s);

/* Keep a file's text for the session's lifetime (diagnostics quote it). */
struct source_file *session_add_source(struct session *s, const char *name,
				       const char *text, size_t len,
				       bool is_tapset);
/* Read a file; NULL (and a diagnostic) when it cannot be read. */
struct source_file *session_read_file(struct session *s, const char *path,
				      bool is_tapset, struct src_loc from);

/* -D NAME: value or NULL */
const char *session_define(const struct session *s, const char *name);

#endif
