/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Statistics aggregates (s <<< v) and their extractors, with SystemTap
 * 4.8's arithmetic (runtime/stat-common.c, runtime/stat.c):
 *
 *  - each CPU keeps count, sum, min, max, and for @variance a running mean
 *    and sum of squared deltas scaled by 2^shift (Welford's method, in
 *    integers: every division truncates toward zero, and stap keeps the
 *    delta of each step in a 32-bit int, so it wraps for deltas past
 *    +-2^31; bstap does the same to print the same numbers);
 *  - merging the CPUs (stats_merge) sums count, sum and buckets, takes
 *    min/max, and combines the variances with the total variance formula;
 *  - @avg is sum / count, @variance is the merged variance >> 2 * shift,
 *    0 for a single value;
 *  - @count and @sum of an empty aggregate are 0; @min, @max, @avg,
 *    @variance and printing a histogram of it are the runtime error
 *    STATS_EMPTY_ERROR.
 *
 * The BPF side keeps the per-CPU record in exactly this layout (all 64-bit,
 * no padding) and updates it with the same steps as stats_add().
 */
#ifndef BSTAP_STATS_H
#define BSTAP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"

/* stap's message; it reports it as "ERROR: empty aggregate near ...". */
#define STATS_EMPTY_ERROR "empty aggregate"

/* @variance(s, N): stap accepts bit shifts 0..62. */
#define STATS_MAX_SHIFT 62

struct stats_layout {
	struct hist_layout hist;	/* HIST_NONE: no buckets */
	int shift;			/* @variance(s, shift); default 0 */
};

/* One CPU's data, or the merged aggregate. */
struct stats_data {
	int64_t count;
	int64_t sum;
	int64_t min;
	int64_t max;
	int64_t avg_s;		/* mean << shift */
	int64_t m2;		/* Welford's sum of squared deltas, scaled */
	int64_t variance_s;	/* variance << 2 * shift */
	int64_t hist[];		/* layout->hist.buckets counters */
};

/* Bytes of a stats_data with its buckets. */
size_t stats_data_size(const struct stats_layout *l);

void stats_reset(struct stats_data *sd, const struct stats_layout *l);
void stats_add(struct stats_data *sd, const struct stats_layout *l,
	       int64_t v);

/*
 * Merge @ncpu per-CPU records laid out @stride bytes apart (a per-CPU map
 * lookup gives them so: 8-byte aligned, stride a multiple of 8 and at least
 * stats_data_size) into @agg. A bad stride leaves @agg empty.
 */
void stats_merge(struct stats_data *agg, const struct stats_layout *l,
		 const void *percpu, size_t ncpu, size_t stride);

/* Extractors of a merged aggregate. The checked ones return 0, or -1 when
 * the aggregate is empty (the runner raises STATS_EMPTY_ERROR). */
int64_t stats_count(const struct stats_data *agg);
int64_t stats_sum(const struct stats_data *agg);
int stats_min(const struct stats_data *agg, int64_t *out);
int stats_max(const struct stats_data *agg, int64_t *out);
int stats_avg(const struct stats_data *agg, int64_t *out);
int stats_variance(const struct stats_data *agg,
		   const struct stats_layout *l, int64_t *out);

/*
 * @hist_log(s)[i] / @hist_linear(s, ...)[i]: the count of bucket i. Returns
 * 0; -1 for an empty aggregate (STATS_EMPTY_ERROR, checked first, as stap
 * does); -2 when i is out of range (STATS_INDEX_ERROR).
 */
#define STATS_INDEX_ERROR "histogram index out of range"
int stats_bucket(const struct stats_data *agg, const struct stats_layout *l,
		 int64_t i, int64_t *out);

#endif
