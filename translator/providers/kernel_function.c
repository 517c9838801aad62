// SPDX-License-Identifier: GPL-2.0-or-later
/* kernel_function: placeholder while the real provider is written. */
#include "provider_impl.h"

static const char *const kernel_function_spellings[] = { "kernel.function(\"F\")", "kernel.function(\"F\").call", "kernel.function(\"F\").return", NULL };

static bool kernel_function_claims(const struct probe_point *pp)
{
	return provider_claims_first(&kernel_function_provider, pp);
}

static int kernel_function_expand(struct session *s, const struct probe_point *pp,
		       bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];

	(void)listing, (void)out;
	return pp_match(s, &kernel_function_provider, pp, m) ? 0 : -1;
}

static void kernel_function_variables(struct session *s, const struct resolved_point *rp,
			   void (*emit)(void *ctx, const struct context_var *v),
			   void *ctx)
{
	(void)s, (void)rp, (void)emit, (void)ctx;
}

PROVIDER_WRAPPERS(kernel_function)

const struct provider kernel_function_provider = {
	.name = "kernel_function",
	.spellings = kernel_function_spellings,
	.claims = kernel_function_claims,
	.resolve = kernel_function_resolve,
	.list = kernel_function_list,
	.variables = kernel_function_variables,
	.expand = kernel_function_expand,
};
