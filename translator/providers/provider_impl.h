/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What provider implementations share: matching a probe point against a
 * provider's spellings, argument checks, canonical text, a per-session
 * cache. Not for the rest of the translator (see provider.h).
 *
 * A provider's spellings are its grammar. Each is a dotted list of
 * components, each `name`, `name(N)` (a number), `name("S")` (a string) or
 * `name("S"|N)` (either); the placeholder's letters are documentation.
 * pp_match() matches a written point against them, expanding `*` in
 * component names and `**` across components, and reports what is wrong
 * when nothing matches: an unknown or missing component (with "did you
 * mean" over every provider), an argument of the wrong kind.
 */
#ifndef BSTAP_PROVIDER_IMPL_H
#define BSTAP_PROVIDER_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "provider.h"

struct session;

#define PP_MAX_COMPONENTS 8
#define PP_MAX_MATCHES 64

/* A written point matched against one spelling. */
struct pp_match {
	int spelling;		/* index in the provider's spellings */
	bool wild;		/* a * or ** in a component name chose it */
	int n;
	/* the spelling's component names, and what was written for each */
	const char *names[PP_MAX_COMPONENTS];
	const struct probe_component *comps[PP_MAX_COMPONENTS];
};

/*
 * Match pp against p's spellings. Fills matches (at most PP_MAX_MATCHES),
 * returns how many; 0 after reporting why nothing matched, with a
 * diagnostic at the offending component.
 */
int pp_match(struct session *s, const struct provider *p,
	     const struct probe_point *pp, struct pp_match *matches);

/* Does pp's first component name one of p's spellings? */
bool provider_claims_first(const struct provider *p,
			   const struct probe_point *pp);

/* The written component named `name` in a match, or NULL. */
const struct probe_component *m_comp(const struct pp_match *m,
				     const char *name);
bool m_has(const struct pp_match *m, const char *name);
/* The number argument of `name` (the spelling guarantees its kind). */
int64_t m_num(const struct pp_match *m, const char *name);
/* The string argument of `name`, or NULL when it is a number or absent. */
const char *m_str(const struct pp_match *m, const char *name);

/*
 * Canonical text of a match: the spelling's names with the written
 * arguments, except that subst[i], when set, replaces the string argument
 * of component i (already unquoted; it is quoted here).
 */
char *m_text(struct session *s, const struct pp_match *m,
	     const char *const *subst);
/* "kernel.function": the spelling's names up to component `name`. */
char *m_what(struct session *s, const struct pp_match *m, const char *name);
/* The index of component `name` in the match, -1 when absent. */
int m_index(const struct pp_match *m, const char *name);

/* "text" with \ and " escaped, quotes included. */
char *pp_quote(struct session *s, const char *text);

/* Does the string hold a *, ? or [ wildcard? */
bool glob_has(const char *s);
/* fnmatch(3) without special meaning for '/' or leading dots. */
bool glob_match(const char *pattern, const char *text);

/*
 * Argument checks; each reports at c and returns false when the check
 * fails. `what` names the component for the message ("timer.ms").
 */
bool arg_nonempty(struct session *s, const struct probe_component *c,
		  const char *what);
bool arg_range(struct session *s, const struct probe_component *c,
	       const char *what, int64_t lo, int64_t hi);

/* A new resolved point, tier and text set, the rest zero. */
struct resolved_point *rp_new(struct session *s, const struct provider *p,
			      const struct probe_point *pp, const char *text,
			      enum probe_tier tier);
void rp_push(struct session *s, struct resolved_point_vec *out,
	     struct resolved_point *rp);
/* Sort out->v[from..] by text and address, and drop duplicates. */
void rp_sort(struct resolved_point_vec *out, int from);

/* Is the point marked ? or ! (then "nothing matched" is not an error)? */
bool pp_is_optional(const struct probe_point *pp);

/* Emit a context variable through a provider's callback. */
void var_emit(void (*emit)(void *ctx, const struct context_var *v), void *ctx,
	      const char *name, const char *type, enum type_kind script_type,
	      enum context_var_source source, int index, int size);

/*
 * Per-session caches (BTF, tracepoints, ELF files). Each provider owns a
 * slot; release is called when the session ends.
 */
enum provider_slot {
	SLOT_BTF,
	SLOT_TRACEPOINTS,
	SLOT_ELF,
	SLOT_KCONFIG,
	SLOT_COUNT
};

void *provider_cache_get(struct session *s, enum provider_slot slot);
void provider_cache_set(struct session *s, enum provider_slot slot, void *v,
			void (*release)(void *v));

/* Wire a provider's expand() to its resolve() and list(). */
int provider_resolve_via(const struct provider *p, struct session *s,
			 struct probe_point *pp,
			 struct resolved_point_vec *out);
void provider_list_via(const struct provider *p, struct session *s,
		       const struct probe_point *pattern,
		       void (*emit)(void *ctx, const char *point), void *ctx);

#define PROVIDER_WRAPPERS(prov)						\
static int prov##_resolve(struct session *s, struct probe_point *pp,	\
			  struct resolved_point_vec *out)		\
{									\
	return provider_resolve_via(&prov##_provider, s, pp, out);	\
}									\
static void prov##_list(struct session *s,				\
			const struct probe_point *pattern,		\
			void (*emit)(void *ctx, const char *point),	\
			void *ctx)					\
{									\
	provider_list_via(&prov##_provider, s, pattern, emit, ctx);	\
}

/*
 * A program named as stap names them: a path with a '/' as is, else looked
 * up in $PATH; it must be an ELF file. NULL after reporting at c.
 */
const char *process_find_program(struct session *s,
				 const struct probe_component *c,
				 const char *arg);

extern const struct provider begin_end_provider;
extern const struct provider timer_provider;
extern const struct provider perf_provider;
extern const struct provider kernel_trace_provider;
extern const struct provider kernel_function_provider;
extern const struct provider process_provider;

#endif
