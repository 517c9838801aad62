// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * begin, end, error (optionally ordered by a signed number) and never.
 *
 * These run in the runner tier. resolved_point.number is the order: lower
 * runs first, 0 when not written. `never` matches and never fires, which
 * lets a script type-check handlers it does not want to run.
 */
#include <stdbool.h>

#include "provider_impl.h"

static const char *const begin_end_spellings[] = {
	"begin", "begin(N)", "end", "end(N)", "error", "error(N)", "never",
	NULL,
};

static bool begin_end_claims(const struct probe_point *pp)
{
	return provider_claims_first(&begin_end_provider, pp);
}

static int begin_end_expand(struct session *s, const struct probe_point *pp,
			    bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];
	int n = pp_match(s, &begin_end_provider, pp, m), from = out->n;

	(void)listing;
	if (!n)
		return -1;
	for (int i = 0; i < n; i++) {
		struct resolved_point *rp;

		rp = rp_new(s, &begin_end_provider, pp, m_text(s, &m[i], NULL),
			    TIER_RUNNER);
		rp->target = m[i].names[0];
		rp->number = m_num(&m[i], m[i].names[0]);
		rp_push(s, out, rp);
	}
	rp_sort(out, from);
	return out->n - from;
}

static void begin_end_variables(struct session *s,
				const struct resolved_point *rp,
				void (*emit)(void *ctx,
					     const struct context_var *v),
				void *ctx)
{
	/* No context: these run outside any kernel event. */
	(void)s, (void)rp, (void)emit, (void)ctx;
}

PROVIDER_WRAPPERS(begin_end)

const struct provider begin_end_provider = {
	.name = "begin/end",
	.spellings = begin_end_spellings,
	.claims = begin_end_claims,
	.resolve = begin_end_resolve,
	.list = begin_end_list,
	.variables = begin_end_variables,
	.expand = begin_end_expand,
};
