// SPDX-License-Identifier: GPL-2.0-or-later
/* kernel_trace: placeholder while the real provider is written. */
#include "provider_impl.h"

static const char *const kernel_trace_spellings[] = { "kernel.trace(\"NAME\")", NULL };

static bool kernel_trace_claims(const struct probe_point *pp)
{
	return provider_claims_first(&kernel_trace_provider, pp);
}

static int kernel_trace_expand(struct session *s, const struct probe_point *pp,
		       bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];

	(void)listing, (void)out;
	return pp_match(s, &kernel_trace_provider, pp, m) ? 0 : -1;
}

static void kernel_trace_variables(struct session *s, const struct resolved_point *rp,
			   void (*emit)(void *ctx, const struct context_var *v),
			   void *ctx)
{
	(void)s, (void)rp, (void)emit, (void)ctx;
}

PROVIDER_WRAPPERS(kernel_trace)

const struct provider kernel_trace_provider = {
	.name = "kernel_trace",
	.spellings = kernel_trace_spellings,
	.claims = kernel_trace_claims,
	.resolve = kernel_trace_resolve,
	.list = kernel_trace_list,
	.variables = kernel_trace_variables,
	.expand = kernel_trace_expand,
};
