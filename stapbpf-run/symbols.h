/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Naming addresses for stacks and symbol functions, on the host where the
 * runner runs.
 *
 *	ksyms.c		kernel symbols from /proc/kallsyms
 *	usyms.c		user symbols: a process's mappings, the ELF symbol
 *			tables of the mapped files (by build-id)
 *	symbolize.c	stap's text for them: BO_REC_STACK records, symbol
 *			tokens in strings (bo_format.h), C++ demangling
 *
 * Everything is loaded on first use: a script that names no address
 * reads no symbol table.
 */
#ifndef STAPBPF_RUN_SYMBOLS_H
#define STAPBPF_RUN_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "strbuf.h"

/* What a lookup found; name or module may be NULL (unknown). */
struct sym_info {
	const char *name;
	uint64_t offset;	/* from the symbol's start */
	uint64_t size;		/* of the symbol, 0 if unknown */
	const char *module;	/* "kernel", a module, or a file's path */
	uint64_t module_offset;	/* from the module's start */
};

/* ksyms.c */
struct ksyms;
struct ksyms *ksyms_load(const char *path);	/* NULL: cannot read */
void ksyms_free(struct ksyms *k);
bool ksyms_lookup(const struct ksyms *k, uint64_t addr, struct sym_info *out);
size_t ksyms_count(const struct ksyms *k);

/* usyms.c */
struct usyms;
struct usyms *usyms_new(void);
void usyms_free(struct usyms *u);
/* Reads pid's mappings and their symbol tables unless already known;
 * -1 when the process is gone. */
int usyms_note_pid(struct usyms *u, pid_t pid);
bool usyms_lookup(struct usyms *u, pid_t pid, uint64_t addr,
		  struct sym_info *out);
/* The pid seen last (usyms_note_pid), for runner-tier lookups. */
pid_t usyms_last_pid(const struct usyms *u);
/* A frame of pid that BPF named by build-id and file offset. */
void usyms_learn(struct usyms *u, pid_t pid, uint64_t ip,
		 const unsigned char *build_id, uint64_t offset);
/* A file that may be the one of a build-id (probed binaries...). */
void usyms_add_candidate(struct usyms *u, const char *path);

/* symbolize.c */
struct runner;
struct symbolizer;
void symbolizer_free(struct symbolizer *s);
/* BO_REC_STACK (printed) and BO_REC_PID (learned from) records */
int symbolize_stack_record(struct runner *r, uint32_t kind, uint32_t flags,
			   const uint8_t *p, const uint8_t *end);
/*
 * s (len bytes) with its symbol tokens expanded into out, at most
 * maxlen bytes (0: no limit). Returns false (out untouched) when s has
 * no token.
 */
bool symbolize_expand(struct runner *r, struct strbuf *out, const char *s,
		      size_t len, size_t maxlen);
/* the end-of-run note: frames that could not be named, and why */
void symbolize_report(struct runner *r);

#endif
