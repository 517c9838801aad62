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

/* A context variable a probe point offers ($name) and its type. */
struct context_var {
	const char *name;	/* without the $ */
	const char *type;	/* C-like type text: "long", "char[16]",
				 * "struct task_struct *" */
	enum type_kind script_type;	/* how the script sees it */
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
	int64_t number;		/* begin(N)/end(N) order, timer period in ns,
				 * perf sample period, statement line */
	bool is_return;		/* .return */
	void *data;		/* provider-private */
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
};

/* All providers, NULL-terminated, in the order they are asked. */
extern const struct provider *const providers[];

/* The provider that claims pp, or NULL. */
const struct provider *provider_for(const struct probe_point *pp);

#endif
