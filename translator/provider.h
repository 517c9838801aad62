/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Probe providers: one per kind of probe point (begin/end, timer, perf,
 * kernel.trace, kernel.function, process...).
 *
 * The elaborator hands every alias-free probe point to the provider that
 * claims it; the provider checks its components and arguments, expands its
 * wildcards against what the system offers, and returns concrete points.
 * The same providers answer -l (list) and -L (list with variables).
 */
#ifndef BSTAP_PROVIDER_H
#define BSTAP_PROVIDER_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct session;

/* Where a probe's handler runs (see DESIGN.md, "Two execution tiers"). */
enum probe_tier {
	TIER_KERNEL,	/* a BPF program attached to a kernel event */
	TIER_RUNNER,	/* begin/end/error/timer: run by the runner */
};

/* Where a context variable's value comes from, for code generation. */
enum context_var_source {
	CTXVAR_ARG,	/* function parameter or TP_PROTO argument;
			 * index: 0-based position */
	CTXVAR_FIELD,	/* classic tracepoint format field;
			 * index: byte offset in the record */
	CTXVAR_RETURN,	/* $return of a .return probe */
	CTXVAR_SDT_ARG,	/* USDT $argN; index: N (1-based) */
	CTXVAR_LOCAL,	/* a DWARF local variable of a process() point */
};

/* A context variable a probe point offers ($name) and its type. */
struct context_var {
	const char *name;	/* without the $ */
	const char *type;	/* C-like type text, stap style: "long",
				 * "char[16]", "struct task_struct*" */
	enum type_kind script_type;	/* how the script sees it;
					 * TYPE_UNKNOWN: not readable as is
					 * (a struct by value) */
	enum context_var_source source;
	int index;		/* see context_var_source */
	int size;		/* bytes, 0 when unknown */
	bool data_loc;		/* FIELD: a __data_loc (dynamic) array */
};

/* A concrete probe point, after wildcards and aliases are resolved. */
struct resolved_point {
	const struct provider *provider;
	const char *text;	/* canonical: kernel.trace("sched:sched_switch") */
	struct probe_point *written;	/* the point it came from */
	enum probe_tier tier;

	/* what the provider found; each provider documents its use */
	const char *target;	/* tracepoint "sched:sched_switch", function
				 * name, file path, mark name */
	const char *path;	/* process(): the executable or library */
	const char *module;	/* kernel module of a function, NULL: vmlinux;
				 * mark: the SDT provider */
	int64_t number;		/* begin(N)/end(N) order, timer period in ns,
				 * perf sample period (or frequency),
				 * statement line, kretprobe maxactive */
	int64_t randomize;	/* timer: +/- this many ns on each period */
	bool is_return;		/* .return */

	/* perf */
	uint32_t perf_type;	/* PERF_TYPE_* */
	uint64_t perf_config;
	bool perf_freq;		/* number is a frequency in Hz */
	const char *perf_counter;	/* .counter("NAME"): read with
					 * @perf("NAME"), no handler */

	/* process() */
	long pid;		/* process(PID), 0 otherwise */
	uint64_t address;	/* ELF virtual address to probe: function
				 * entry, statement or USDT site; 0 when the
				 * point is not an address (begin/end) */
	uint64_t semaphore;	/* USDT semaphore address, 0 when none */

	/*
	 * Translating for another kernel, `a !, b`: every alternative is
	 * kept, and the points of one chain share this non-zero number; the
	 * runner attaches the first that works (a bo_probe group).
	 */
	int alt_chain;

	/*
	 * variables() could not learn every name this point offers (no
	 * tracefs and no argument names in BTF, no debuginfo...): an unknown
	 * $var is then worth a warning, not an error.
	 */
	bool vars_incomplete;
	/*
	 * provider-private, except process(): the struct elf_file of a
	 * function, statement or PLT point, the struct sdt_sites (every
	 * site) of a mark; see elf_index.h
	 */
	void *data;
};

struct resolved_point_vec {
	struct resolved_point **v;
	int n;
	int cap;
};

struct provider {
	const char *name;	/* "kernel.trace", for messages and docs */
	/* The probe point spellings it serves, for "did you mean" and docs,
	 * e.g. { "timer.ms(N)", "timer.s(N)", ..., NULL } */
	const char *const *spellings;

	/* Does this provider own the point (by its leading components)? */
	bool (*claims)(const struct probe_point *pp);

	/*
	 * Check and expand pp, appending concrete points to out. Returns how
	 * many were appended: 0 means nothing on this system matched (the
	 * caller reports it unless the point is optional), -1 means an error
	 * was already reported.
	 */
	int (*resolve)(struct session *s, struct probe_point *pp,
		       struct resolved_point_vec *out);

	/* -l: report every concrete point that matches the pattern. */
	void (*list)(struct session *s, const struct probe_point *pattern,
		     void (*emit)(void *ctx, const char *point), void *ctx);

	/* -L and $var checking: the context variables of a point. */
	void (*variables)(struct session *s, const struct resolved_point *rp,
			  void (*emit)(void *ctx, const struct context_var *v),
			  void *ctx);

	/*
	 * What resolve and list share: expand pp into out, sorted by text.
	 * With listing set, a name that matches nothing is not an error
	 * (a -l pattern simply lists nothing); malformed points still are.
	 */
	int (*expand)(struct session *s, const struct probe_point *pp,
		      bool listing, struct resolved_point_vec *out);
};

/* All providers, NULL-terminated, in the order they are asked. */
extern const struct provider *const providers[];

/* The provider that claims pp, or NULL. */
const struct provider *provider_for(const struct probe_point *pp);

/*
 * A point no provider claims (and no alias matched): report it with a
 * "did you mean" over every provider's spellings.
 */
void provider_report_unclaimed(struct session *s,
			       const struct probe_point *pp);

/*
 * -l / -L for a pattern a provider claims: calls emit once per matching
 * point, in sorted order, with the canonical text and, when with_vars,
 * " $name:type" for each context variable (stap's format). Returns the
 * number of lines, -1 when an error was reported.
 */
int provider_list_points(struct session *s, const struct probe_point *pattern,
			 bool with_vars,
			 void (*emit)(void *ctx, const char *line), void *ctx);

/* Release what providers cached for the session (BTF, ELF files). */
void provider_session_release(struct session *s);

#endif
