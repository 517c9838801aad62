// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics aggregates with SystemTap 4.8's integer arithmetic. All sums
 * and products wrap as they do in stap's kernel build (unsigned here, to
 * keep C defined); see stats.h for the rules.
 */
#include "stats.h"

#include <string.h>

static int buckets_of(const struct stats_layout *l)
{
	if (!l || l->hist.type == HIST_NONE || l->hist.buckets < 0)
		return 0;
	return l->hist.buckets;
}

static int shift_of(const struct stats_layout *l)
{
	if (!l || l->shift < 0)
		return 0;
	return l->shift > STATS_MAX_SHIFT ? STATS_MAX_SHIFT : l->shift;
}

static int64_t wadd(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t wsub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static int64_t wmul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static int64_t wshl(int64_t a, int s)
{
	return (int64_t)((uint64_t)a << s);
}

/* stap's _stp_div64 without an error slot: x / 0 is 0. */
static int64_t div64(int64_t x, int64_t y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return wsub(0, x);
	return x / y;
}

size_t stats_data_size(const struct stats_layout *l)
{
	return sizeof(struct stats_data) +
	       (size_t)buckets_of(l) * sizeof(int64_t);
}

void stats_reset(struct stats_data *sd, const struct stats_layout *l)
{
	if (sd)
		memset(sd, 0, stats_data_size(l));
}

void stats_add(struct stats_data *sd, const struct stats_layout *l,
	       int64_t v)
{
	int shift = shift_of(l), b;
	int64_t vs = wshl(v, shift);
	int32_t delta;

	if (!sd)
		return;
	if (sd->count == 0) {
		sd->count = 1;
		sd->sum = sd->min = sd->max = v;
		sd->avg_s = vs;
		sd->m2 = 0;
	} else {
		sd->count++;
		sd->sum = wadd(sd->sum, v);
		if (v > sd->max)
			sd->max = v;
		if (v < sd->min)
			sd->min = v;
		/* Welford's step; stap holds the delta in an int. */
		delta = (int32_t)(uint32_t)(uint64_t)wsub(vs, sd->avg_s);
		sd->avg_s = wadd(sd->avg_s, div64(delta, sd->count));
		sd->m2 = wadd(sd->m2, wmul(delta, wsub(vs, sd->avg_s)));
		sd->variance_s = div64(sd->m2, sd->count - 1);
	}
	b = buckets_of(l) ? hist_bucket(&l->hist, v) : -1;
	if (b >= 0 && b < buckets_of(l))
		sd->hist[b]++;
}

static const struct stats_data *cpu_at(const void *percpu, size_t i,
				       size_t stride)
{
	return (const struct stats_data *)((const char *)percpu + i * stride);
}

void stats_merge(struct stats_data *agg, const struct stats_layout *l,
		 const void *percpu, size_t ncpu, size_t stride)
{
	int nb = buckets_of(l), shift = shift_of(l), j;
	int64_t s1 = 0, s2 = 0;
	size_t i;

	if (!agg)
		return;
	stats_reset(agg, l);
	/* Records must stay 8-byte aligned, as per-CPU map values are. */
	if (!percpu || stride < stats_data_size(l) || stride % 8)
		return;
	for (i = 0; i < ncpu; i++) {
		const struct stats_data *sd = cpu_at(percpu, i, stride);

		if (!sd->count)
			continue;
		if (agg->count == 0) {
			agg->min = sd->min;
			agg->max = sd->max;
		}
		agg->count = wadd(agg->count, sd->count);
		agg->sum = wadd(agg->sum, sd->sum);
		if (sd->max > agg->max)
			agg->max = sd->max;
		if (sd->min < agg->min)
			agg->min = sd->min;
		for (j = 0; j < nb; j++)
			agg->hist[j] = wadd(agg->hist[j], sd->hist[j]);
	}
	agg->avg_s = div64(wshl(agg->sum, shift), agg->count);
	/* Total variance: spread of the CPU means plus the CPU variances. */
	for (i = 0; i < ncpu; i++) {
		const struct stats_data *sd = cpu_at(percpu, i, stride);
		int64_t d;

		if (!sd->count)
			continue;
		d = wsub(sd->avg_s, agg->avg_s);
		s1 = wadd(s1, wmul(wmul(sd->count, d), d));
		s2 = wadd(s2, wmul(sd->count - 1, sd->variance_s));
	}
	agg->variance_s = div64(wadd(s1, s2), agg->count - 1);
}

int64_t stats_count(const struct stats_data *agg)
{
	return agg ? agg->count : 0;
}

int64_t stats_sum(const struct stats_data *agg)
{
	return agg ? agg->sum : 0;
}

static int empty(const struct stats_data *agg, int64_t *out)
{
	if (out)
		*out = 0;
	return !agg || agg->count == 0;
}

int stats_min(const struct stats_data *agg, int64_t *out)
{
	if (empty(agg, out) || !out)
		return -1;
	*out = agg->min;
	return 0;
}

int stats_max(const struct stats_data *agg, int64_t *out)
{
	if (empty(agg, out) || !out)
		return -1;
	*out = agg->max;
	return 0;
}

int stats_avg(const struct stats_data *agg, int64_t *out)
{
	if (empty(agg, out) || !out)
		return -1;
	*out = div64(agg->sum, agg->count);
	return 0;
}

int stats_variance(const struct stats_data *agg,
		   const struct stats_layout *l, int64_t *out)
{
	if (empty(agg, out) || !out)
		return -1;
	/* stap shifts by 2 * shift on x86-64, where the count wraps at 64. */
	*out = agg->variance_s >> ((2 * shift_of(l)) & 63);
	return 0;
}

int stats_bucket(const struct stats_data *agg, const struct stats_layout *l,
		 int64_t i, int64_t *out)
{
	if (empty(agg, out))
		return -1;
	if (!out || i < 0 || i >= buckets_of(l))
		return -2;
	*out = agg->hist[i];
	return 0;
}
