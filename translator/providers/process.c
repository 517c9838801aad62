// SPDX-License-Identifier: GPL-2.0-or-later
/* process: placeholder while the real provider is written. */
#include "provider_impl.h"

static const char *const process_spellings[] = { "process(\"PATH\").function(\"F\")", NULL };

static bool process_claims(const struct probe_point *pp)
{
	return provider_claims_first(&process_provider, pp);
}

static int process_expand(struct session *s, const struct probe_point *pp,
		       bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];

	(void)listing, (void)out;
	return pp_match(s, &process_provider, pp, m) ? 0 : -1;
}

static void process_variables(struct session *s, const struct resolved_point *rp,
			   void (*emit)(void *ctx, const struct context_var *v),
			   void *ctx)
{
	(void)s, (void)rp, (void)emit, (void)ctx;
}

PROVIDER_WRAPPERS(process)

const struct provider process_provider = {
	.name = "process",
	.spellings = process_spellings,
	.claims = process_claims,
	.resolve = process_resolve,
	.list = process_list,
	.variables = process_variables,
	.expand = process_expand,
};
