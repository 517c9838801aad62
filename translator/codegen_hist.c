// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Histogram layouts from runtime/hist.c, apart because hist.h and ast.h
 * both name HIST_LOG and HIST_LINEAR.
 */
#include <stdint.h>

#include "hist.h"

int cg_hist_buckets(int linear, int64_t lo, int64_t hi, int64_t step,
		    const char **err);

/* Buckets of @hist_log, or of @hist_linear(lo, hi, step); -1 and *err. */
int cg_hist_buckets(int linear, int64_t lo, int64_t hi, int64_t step,
		    const char **err)
{
	struct hist_layout h;

	if (!linear) {
		hist_log_layout(&h);
		return h.buckets;
	}
	if (hist_linear_layout(&h, lo, hi, step, err))
		return -1;
	return h.buckets;
}
