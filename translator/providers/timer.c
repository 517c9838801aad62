// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer.s/sec/ms/msec/us/usec/ns/nsec/jiffies(N)[.randomize(M)],
 * timer.hz(N), timer.profile and timer.profile.tick.
 *
 * Interval timers run in the runner tier; resolved_point.number is the
 * period in ns and .randomize the +/- range in ns, as stap's hrtimers
 * (100us to one day; jiffies from 1 to 1000000). timer.hz(N) is the period
 * 1e9/N rounded up and cannot be randomized.
 *
 * Jiffies are converted with the target kernel's CONFIG_HZ (kconfig.h);
 * when its configuration cannot be found, 250 (the default of most
 * distribution kernels) is assumed, and -v says so.
 *
 * timer.profile(.tick) fires on every CPU at each tick: a kernel-tier
 * perf event (software cpu-clock) with a period of one jiffy.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kconfig.h"
#include "provider_impl.h"
#include "session.h"

#define NSEC_PER_SEC 1000000000LL
#define MIN_INTERVAL_NS 100000LL			/* 100us, as stap */
#define MAX_INTERVAL_NS (86400LL * NSEC_PER_SEC)	/* one day */
#define MAX_JIFFIES 1000000LL
#define DEFAULT_HZ 250

#define PERF_TYPE_SOFTWARE 1
#define PERF_COUNT_SW_CPU_CLOCK 0

static const char *const timer_spellings[] = {
	"timer.s(N)", "timer.s(N).randomize(M)",
	"timer.sec(N)", "timer.sec(N).randomize(M)",
	"timer.ms(N)", "timer.ms(N).randomize(M)",
	"timer.msec(N)", "timer.msec(N).randomize(M)",
	"timer.us(N)", "timer.us(N).randomize(M)",
	"timer.usec(N)", "timer.usec(N).randomize(M)",
	"timer.ns(N)", "timer.ns(N).randomize(M)",
	"timer.nsec(N)", "timer.nsec(N).randomize(M)",
	"timer.jiffies(N)", "timer.jiffies(N).randomize(M)",
	"timer.hz(N)",
	"timer.profile", "timer.profile.tick",
	NULL,
};

static const struct {
	const char *unit;
	int64_t scale;		/* ns per unit */
} units[] = {
	{ "s", NSEC_PER_SEC }, { "sec", NSEC_PER_SEC },
	{ "ms", 1000000 }, { "msec", 1000000 },
	{ "us", 1000 }, { "usec", 1000 },
	{ "ns", 1 }, { "nsec", 1 },
};

static bool timer_claims(const struct probe_point *pp)
{
	return provider_claims_first(&timer_provider, pp);
}

/* CONFIG_HZ of the target kernel, 0 when its configuration does not say. */
static long read_config_hz(struct session *s)
{
	struct kconfig *kc = kconfig_load(s);
	long hz = strtol(kconfig_value(kc, "CONFIG_HZ"), NULL, 10);

	return hz > 0 && hz <= 100000 ? hz : 0;
}

static long config_hz(struct session *s, struct src_loc loc)
{
	long *cached = provider_cache_get(s, SLOT_KCONFIG);

	if (!cached) {
		cached = malloc(sizeof(*cached));
		if (!cached)
			return DEFAULT_HZ;
		*cached = read_config_hz(s);
		provider_cache_set(s, SLOT_KCONFIG, cached, free);
		if (!*cached && s->verbose)
			diag_hint(diag_warning(s, loc,
					       "kernel CONFIG_HZ is unknown; assuming %d",
					       DEFAULT_HZ),
				  "jiffies-based timers may run at another rate");
	}
	return *cached ? *cached : DEFAULT_HZ;
}

static bool check_randomize(struct session *s, const struct pp_match *m,
			    const char *unit, int64_t period)
{
	const struct probe_component *c = m_comp(m, "randomize");

	if (!c)
		return true;
	if (c->arg->num >= 0 && c->arg->num <= period)
		return true;
	diag_hint(diag_error(s, c->loc,
			     "randomize(%" PRId64 ") must be from 0 to the interval",
			     c->arg->num),
		  "use timer.%s(%" PRId64 ").randomize(M) with M from 0 to %" PRId64,
		  unit, period, period);
	return false;
}

/* Interval timers in a unit of time: the period in ns, or -1. */
static int64_t interval_ns(struct session *s, const struct pp_match *m,
			   const char *unit, int64_t scale, int64_t *rand)
{
	const struct probe_component *c = m->comps[1];
	int64_t n = c->arg->num;
	int64_t lo = (MIN_INTERVAL_NS + scale - 1) / scale;
	int64_t hi = MAX_INTERVAL_NS / scale;

	if (n < lo || n > hi) {
		diag_hint(diag_error(s, c->loc,
				     "timer.%s(%" PRId64 ") is out of range",
				     unit, n),
			  "intervals go from 100us to one day: use timer.%s(N) with N from %" PRId64 " to %" PRId64,
			  unit, lo, hi);
		return -1;
	}
	if (!check_randomize(s, m, unit, n))
		return -1;
	*rand = m_num(m, "randomize") * scale;
	return n * scale;
}

static int64_t jiffies_ns(struct session *s, const struct pp_match *m,
			  int64_t *rand)
{
	const struct probe_component *c = m->comps[1];
	int64_t n = c->arg->num;
	int64_t ns_per_jiffy = NSEC_PER_SEC / config_hz(s, c->loc);

	if (n < 1 || n > MAX_JIFFIES) {
		diag_hint(diag_error(s, c->loc,
				     "timer.jiffies(%" PRId64 ") is out of range",
				     n),
			  "use timer.jiffies(N) with N from 1 to %lld",
			  MAX_JIFFIES);
		return -1;
	}
	if (!check_randomize(s, m, "jiffies", n))
		return -1;
	*rand = m_num(m, "randomize") * ns_per_jiffy;
	return n * ns_per_jiffy;
}

static int64_t hz_ns(struct session *s, const struct pp_match *m)
{
	const struct probe_component *c = m->comps[1];
	int64_t n = c->arg->num;
	int64_t hi = NSEC_PER_SEC / MIN_INTERVAL_NS;

	if (n < 1 || n > hi) {
		diag_hint(diag_error(s, c->loc,
				     "timer.hz(%" PRId64 ") is out of range", n),
			  "use timer.hz(N) with N from 1 to %" PRId64
			  " (at most one event per 100us)", hi);
		return -1;
	}
	return (NSEC_PER_SEC + n - 1) / n;
}

static struct resolved_point *resolve_one(struct session *s,
					  const struct probe_point *pp,
					  const struct pp_match *m)
{
	const char *unit = m->names[1];
	struct resolved_point *rp;
	int64_t period = -1, rand = 0;

	rp = rp_new(s, &timer_provider, pp, m_text(s, m, NULL), TIER_RUNNER);
	rp->target = unit;
	if (!strcmp(unit, "profile")) {
		rp->tier = TIER_KERNEL;
		rp->perf_type = PERF_TYPE_SOFTWARE;
		rp->perf_config = PERF_COUNT_SW_CPU_CLOCK;
		rp->number = NSEC_PER_SEC / config_hz(s, m->comps[1]->loc);
		return rp;
	}
	if (!strcmp(unit, "jiffies"))
		period = jiffies_ns(s, m, &rand);
	else if (!strcmp(unit, "hz"))
		period = hz_ns(s, m);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit))
			period = interval_ns(s, m, unit, units[i].scale, &rand);
	if (period < 0)
		return NULL;
	rp->number = period;
	rp->randomize = rand;
	return rp;
}

static int timer_expand(struct session *s, const struct probe_point *pp,
			bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];
	int n = pp_match(s, &timer_provider, pp, m), from = out->n;
	bool failed = false;

	(void)listing;
	if (!n)
		return -1;
	for (int i = 0; i < n; i++) {
		struct resolved_point *rp = resolve_one(s, pp, &m[i]);

		if (rp)
			rp_push(s, out, rp);
		else
			failed = true;
	}
	if (failed)
		return -1;
	rp_sort(out, from);
	return out->n - from;
}

static void timer_variables(struct session *s, const struct resolved_point *rp,
			    void (*emit)(void *ctx, const struct context_var *v),
			    void *ctx)
{
	/* Timers carry no event data; timer.profile has the registers. */
	(void)s, (void)rp, (void)emit, (void)ctx;
}

PROVIDER_WRAPPERS(timer)

const struct provider timer_provider = {
	.name = "timer",
	.spellings = timer_spellings,
	.claims = timer_claims,
	.resolve = timer_resolve,
	.list = timer_list,
	.variables = timer_variables,
	.expand = timer_expand,
};
