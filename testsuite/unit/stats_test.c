// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Statistics aggregates. Expected values come from SystemTap's testsuite
 * (systemtap.maps/linear: count, sum, min, max, avg) and from
 * stap 4.8's integer arithmetic (runtime/stat-common.c __stp_stat_add,
 * runtime/stat.c _stp_stat_get), worked by hand in the comments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "../lib/tap.h"

#define MAX_CPUS 4

/* Per-CPU records as a per-CPU map lookup returns them. */
struct percpu {
	struct stats_layout l;
	size_t stride;
	char *cpus;
	struct stats_data *agg;
};

static void pc_init(struct percpu *p, int shift, enum hist_type type)
{
	memset(p, 0, sizeof(*p));
	p->l.shift = shift;
	if (type == HIST_LOG)
		hist_log_layout(&p->l.hist);
	else if (type == HIST_LINEAR)
		hist_linear_layout(&p->l.hist, 0, 1500, 50, NULL);
	p->stride = (stats_data_size(&p->l) + 7) & ~(size_t)7;
	p->cpus = calloc(MAX_CPUS, p->stride);
	p->agg = calloc(1, stats_data_size(&p->l));
}

static void pc_add(struct percpu *p, int cpu, int64_t v)
{
	stats_add((struct stats_data *)(p->cpus + cpu * p->stride), &p->l, v);
}

static const struct stats_data *pc_merge(struct percpu *p)
{
	stats_merge(p->agg, &p->l, p->cpus, MAX_CPUS, p->stride);
	return p->agg;
}

static void pc_free(struct percpu *p)
{
	free(p->cpus);
	free(p->agg);
}

static int64_t get(int (*fn)(const struct stats_data *, int64_t *),
		   const struct stats_data *agg)
{
	int64_t v = -12345;

	return fn(agg, &v) < 0 ? -12345 : v;
}

static int64_t variance(const struct percpu *p)
{
	int64_t v = -12345;

	return stats_variance(p->agg, &p->l, &v) < 0 ? -12345 : v;
}

/* systemtap.maps/linear.stp on one CPU; linear.exp has the results. */
static void test_linear_stp(void)
{
	static const int mult[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12,
				    13, 14, 15 };
	const struct stats_data *agg;
	struct percpu p;
	int key, m;

	pc_init(&p, 0, HIST_LINEAR);
	for (key = 0; key < 100; key++)
		for (m = 0; m < 16; m++)
			pc_add(&p, 0, (int64_t)key * mult[m]);
	agg = pc_merge(&p);
	tap_is_int(stats_count(agg), 1600, "linear.exp: count=1600");
	tap_is_int(stats_sum(agg), 653400, "linear.exp: sum=653400");
	tap_is_int(get(stats_min, agg), 0, "linear.exp: min=0");
	tap_is_int(get(stats_max, agg), 1485, "linear.exp: max=1485");
	tap_is_int(get(stats_avg, agg), 408, "linear.exp: avg=408");
	/*
	 * linear.exp (stap 3.x) says variance=166568; stap 4.8's own
	 * stat-common.c and stat.c, built and run on this data, give 450768
	 * (the integer running mean stays near 0 as delta / count truncates,
	 * so m2 = 454436400, the CPU variance 284200, and the merge adds
	 * 1600 * 408^2 for the mean's drift: (266342400 + 1599 * 284200)
	 * / 1599). bstap follows 4.8's arithmetic.
	 */
	tap_is_int(variance(&p), 450768, "linear.stp: stap 4.8's variance");
	tap_is_int(agg->hist[1], 177, "linear.exp: 177 in the 0 row");
	tap_is_int(agg->hist[30], 3, "linear.exp: 3 in the 1450 row");
	pc_free(&p);
}

static void test_small(void)
{
	const struct stats_data *agg;
	struct percpu p;

	/*
	 * 1, 2, 3, 4 on one CPU. Welford in integers: the mean stays 1
	 * (1/2, 2/3, 3/4 truncate to 0), m2 = 1 + 4 + 9 = 14, the CPU's
	 * variance 14/3 = 4. Merging: mean 10/4 = 2, S1 = 4 * (1-2)^2 = 4,
	 * S2 = 3 * 4 = 12, variance (4 + 12) / 3 = 5 (not 1.67: stap's).
	 */
	pc_init(&p, 0, HIST_NONE);
	pc_add(&p, 0, 1);
	pc_add(&p, 0, 2);
	pc_add(&p, 0, 3);
	pc_add(&p, 0, 4);
	agg = pc_merge(&p);
	tap_is_int(variance(&p), 5, "variance of 1..4 is stap's 5");
	tap_is_int(get(stats_avg, agg), 2, "avg of 1..4 is 10/4 = 2");
	pc_free(&p);

	/*
	 * With @variance(s, 4) the values are 16, 32, 48, 64: the mean runs
	 * 16, 24, 32, 40, m2 = 128 + 384 + 768 = 1280, CPU variance 426;
	 * merged S1 = 0, S2 = 3 * 426, so 1278 / 3 = 426, >> 8 = 1.
	 */
	pc_init(&p, 4, HIST_NONE);
	pc_add(&p, 0, 1);
	pc_add(&p, 0, 2);
	pc_add(&p, 0, 3);
	pc_add(&p, 0, 4);
	pc_merge(&p);
	tap_is_int(variance(&p), 1, "@variance(s, 4) of 1..4 is 1");
	pc_free(&p);

	/* One value: (count - 1) is 0 and stap's division by 0 gives 0. */
	pc_init(&p, 0, HIST_NONE);
	pc_add(&p, 2, -7);
	agg = pc_merge(&p);
	tap_is_int(variance(&p), 0, "variance of one value is 0");
	tap_is_int(get(stats_min, agg), -7, "min of one value");
	tap_is_int(get(stats_avg, agg), -7, "avg of one value");
	pc_free(&p);
}

static void test_merge(void)
{
	const struct stats_data *agg;
	struct percpu p;

	/*
	 * 10 on CPU 0, 20 on CPU 3: each CPU has variance 0; the merged mean
	 * is 15 and S1 = 25 + 25, so the variance is 50 / 1 = 50.
	 */
	pc_init(&p, 0, HIST_LOG);
	pc_add(&p, 0, 10);
	pc_add(&p, 3, 20);
	agg = pc_merge(&p);
	tap_is_int(stats_count(agg), 2, "merge: counts add up");
	tap_is_int(variance(&p), 50, "merge: variance across CPUs");
	tap_is_int(get(stats_min, agg), 10, "merge: min over CPUs");
	tap_is_int(get(stats_max, agg), 20, "merge: max over CPUs");
	tap_is_int(agg->hist[hist_log_bucket(10)], 1, "merge: 10 in [8, 16)");
	tap_is_int(agg->hist[hist_log_bucket(20)], 1, "merge: 20 in [16, 32)");
	pc_free(&p);

	/* Negative values and a min/max split over CPUs. */
	pc_init(&p, 0, HIST_NONE);
	pc_add(&p, 1, -5);
	pc_add(&p, 1, 100);
	pc_add(&p, 2, -50);
	pc_add(&p, 2, 7);
	agg = pc_merge(&p);
	tap_is_int(get(stats_min, agg), -50, "merge: negative min");
	tap_is_int(get(stats_max, agg), 100, "merge: max on another CPU");
	tap_is_int(get(stats_avg, agg), 13, "merge: avg 52/4 truncates");
	tap_is_int(stats_sum(agg), 52, "merge: sum");
	pc_free(&p);

	/*
	 * stap keeps each Welford delta in an int: 0 then 2^32 gives a delta
	 * of 0, so the CPU mean stays 0; the merged mean is 2^31 and
	 * S1 = 2 * (2^31)^2 = 2^63, which wraps to INT64_MIN.
	 */
	pc_init(&p, 0, HIST_NONE);
	pc_add(&p, 0, 0);
	pc_add(&p, 0, 1LL << 32);
	pc_merge(&p);
	tap_is_int(variance(&p), INT64_MIN, "stap's 32-bit delta wraps");
	pc_free(&p);
}

static void test_empty(void)
{
	const struct stats_data *agg;
	struct percpu p;
	int64_t v = 0;

	pc_init(&p, 0, HIST_LOG);
	agg = pc_merge(&p);
	tap_is_int(stats_count(agg), 0, "empty: @count is 0");
	tap_is_int(stats_sum(agg), 0, "empty: @sum is 0");
	tap_is_int(stats_min(agg, &v), -1, "empty: @min is an error");
	tap_is_int(stats_max(agg, &v), -1, "empty: @max is an error");
	tap_is_int(stats_avg(agg, &v), -1, "empty: @avg is an error");
	tap_is_int(stats_variance(agg, &p.l, &v), -1,
		   "empty: @variance is an error");
	tap_is_int(stats_bucket(agg, &p.l, 3, &v), -1,
		   "empty: a bucket is an error too");
	tap_is_str(STATS_EMPTY_ERROR, "empty aggregate", "stap's message");
	tap_is_int(stats_min(NULL, &v), -1, "NULL aggregate");
	tap_is_int(stats_count(NULL), 0, "NULL aggregate count");
	pc_add(&p, 1, 3);
	agg = pc_merge(&p);
	tap_is_int(stats_bucket(agg, &p.l, 66, &v), 0, "bucket 66 ...");
	tap_is_int(v, 1, "  ... holds 3");
	tap_is_int(stats_bucket(agg, &p.l, 128, &v), -2,
		   "bucket 128 is out of range");
	tap_is_str(STATS_INDEX_ERROR, "histogram index out of range",
		   "  ... stap's message");
	tap_is_int((long)stats_data_size(&p.l), 56 + 128 * 8,
		   "record size: 7 fields and 128 buckets");
	stats_merge(p.agg, &p.l, p.cpus, MAX_CPUS, 8);
	tap_is_int(stats_count(p.agg), 0, "a stride too small merges nothing");
	pc_free(&p);
}

int main(void)
{
	test_linear_stp();
	test_small();
	test_merge();
	test_empty();
	return tap_done();
}
