/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the process() provider needs from a user-space ELF file: its
 * function symbols, SDT (USDT) notes, PLT slots, DT_NEEDED libraries and,
 * when there is debuginfo (in the file or found by build-id/debuglink),
 * DWARF functions with their parameters and line tables.
 *
 * Files are opened once per session and kept (the cache holds the fds).
 * Everything is checked as it is read: a truncated or hostile file gives
 * fewer entries or an error, never a crash.
 */
#ifndef BSTAP_ELF_INDEX_H
#define BSTAP_ELF_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct arena;
struct session;

struct elf_symbol {
	const char *name;
	uint64_t addr;		/* ELF virtual address */
};

/* One .note.stapsdt entry. */
struct sdt_note {
	const char *provider;
	const char *name;
	const char *args;	/* "-4@%edi 8@-8(%rbp)", "" when none */
	uint64_t pc;		/* ELF virtual address of the site */
	uint64_t semaphore;	/* 0: none */
	int nargs;
};

/* The sites of one USDT mark (a mark may be compiled in many places). */
struct sdt_sites {
	const struct sdt_note **v;
	int n;
};

/* A function as DWARF describes it. */
struct dwarf_function {
	const char *name;
	const char *file;	/* declaring source file, as DWARF names it */
	int line;		/* declaration line */
	uint64_t entry;		/* entry pc; 0 for inline-only functions */
	uint64_t low, high;	/* [low, high) of its main range */
	uint64_t die_offset;	/* for parameters */
};

struct elf_file {
	const char *path;	/* as opened */
	struct elf_symbol *syms;	/* FUNC and IFUNC, sorted, unique */
	int nsyms;
	struct sdt_note *notes;		/* in file order */
	int nnotes;
	struct elf_symbol *plt;		/* PLT slots by called name */
	int nplt;
	const char **needed;		/* DT_NEEDED */
	int nneeded;
	const char **runpath;		/* DT_RUNPATH/DT_RPATH directories */
	int nrunpath;
	bool stripped;			/* no .symtab: only dynamic symbols */
	bool has_dwarf;
	struct dwarf_function *funcs;	/* sorted by name */
	int nfuncs;
	/* inline instances, sorted by name then entry: entry/low/high of
	 * the instance, the rest from the inlined function's DIE; only
	 * after elf_dwarf_inlines() */
	struct dwarf_function *inlines;
	int ninlines;
	void *priv;			/* libelf/libdw handles */
};

/*
 * Open and index path; NULL with *why set (a static message) when it is
 * not a readable ELF file. Cached per session.
 */
struct elf_file *elf_file_get(struct session *s, const char *path,
			      const char **why);

/*
 * Read the file's DWARF if not done yet (has_dwarf, funcs and nfuncs are
 * only set after this); whether there is any.
 */
bool elf_load_dwarf(struct session *s, struct elf_file *ef);

/* Collect the inline instances of every function (slow: on demand). */
void elf_dwarf_inlines(struct session *s, struct elf_file *ef);

/* The DWARF function, or NULL. */
const struct dwarf_function *elf_dwarf_function(const struct elf_file *ef,
						const char *name);

/* A parameter or return value from DWARF. */
struct dwarf_var {
	const char *name;
	const char *type;	/* C text, stap style */
	enum type_kind script_type;
	int size;
};

/*
 * The formal parameters of a DWARF function, and its return type (type
 * "void" when none). Returns the count of parameters written to vars.
 */
int elf_dwarf_params(struct session *s, const struct elf_file *ef,
		     const struct dwarf_function *f, struct dwarf_var *vars,
		     int max, struct dwarf_var *ret);

/* Lines with code: calls fn for each (file, line, address) record. */
void elf_dwarf_lines(const struct elf_file *ef,
		     void (*fn)(void *ctx, const char *file, int line,
				uint64_t addr),
		     void *ctx);

/*
 * The libdw handles behind a file whose DWARF is loaded (NULL before
 * elf_load_dwarf() or without debuginfo), for dwarf_loc.c. The Dwarf may
 * be a separate debuginfo file; its addresses are the file's.
 */
struct Dwarf;
struct Dwfl_Module;
/* A file's path as the target system knows it: without --sysroot DIR. */
const char *elf_target_path(struct session *s, const char *path);

/* elf_dwarf_type_text() and elf_dwarf_var_info(): see dwarf_loc.h */
struct Dwarf *elf_dwarf_handle(const struct elf_file *ef);
struct Dwfl_Module *elf_dwarf_module(const struct elf_file *ef);

#endif
