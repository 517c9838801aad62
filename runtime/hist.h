/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * @hist_log and @hist_linear: which bucket a value falls in, and the ASCII
 * bar chart print() draws, byte for byte as SystemTap 4.8 draws it
 * (runtime/stat-common.c): a "value |---...--- count" header, rows scaled
 * to 50 '@' at most, up to two empty rows around the data, runs of empty
 * rows elided to a '~' line, and a blank line at the end.
 */
#ifndef BSTAP_HIST_H
#define BSTAP_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

/* @hist_log: bucket 64 holds 0, 65 + k holds [2^k, 2^(k+1)), 63 - k holds
 * (-2^(k+1), -2^k]; 128 buckets in all. */
#define HIST_LOG_BUCKETS	128
#define HIST_LOG_BUCKET0	64

/* @hist_linear: at most this many buckets, underflow and overflow included
 * (stap's STP_MAX_BUCKETS). */
#define HIST_MAX_BUCKETS	128

/* Defaults of stap's -D HIST_WIDTH and -D HIST_ELISION. */
#define HIST_WIDTH_DEFAULT	50
#define HIST_ELISION_DEFAULT	2

enum hist_type { HIST_NONE, HIST_LOG, HIST_LINEAR };

struct hist_layout {
	enum hist_type type;
	int64_t start, stop, interval;	/* HIST_LINEAR only */
	int buckets;			/* 0 for HIST_NONE */
};

/* How to draw (-D HIST_WIDTH, -D HIST_ELISION); NULL means stap's defaults. */
struct hist_print_opts {
	int width;		/* columns of the bar; <= 0: 50, cut to 1000 */
	int elision;		/* empty rows kept around data; < 0: keep all */
};

#define HIST_PRINT_OPTS_DEFAULT { HIST_WIDTH_DEFAULT, HIST_ELISION_DEFAULT }

void hist_log_layout(struct hist_layout *h);

/*
 * @hist_linear(v, start, stop, interval): buckets are underflow, then one per
 * interval from start up to and including the one holding stop, then
 * overflow. Returns 0, or -1 with stap's message in *err when interval is not
 * positive or the bucket count is outside 3..HIST_MAX_BUCKETS.
 */
int hist_linear_layout(struct hist_layout *h, int64_t start, int64_t stop,
		       int64_t interval, const char **err);

int hist_log_bucket(int64_t v);
int hist_linear_bucket(const struct hist_layout *h, int64_t v);
/* Bucket of @v in either kind of histogram; -1 for HIST_NONE. */
int hist_bucket(const struct hist_layout *h, int64_t v);

/* The value a @hist_log row is labelled with. */
int64_t hist_log_bucket_value(int bucket);

/*
 * Draw the histogram of @counts (h->buckets entries) as print() does.
 * Returns 0, or -1 and draws nothing when every count is zero: stap never
 * draws an empty aggregate, it raises "empty aggregate" (STATS_EMPTY_ERROR).
 */
int hist_print(struct strbuf *sb, const struct hist_layout *h,
	       const int64_t *counts, const struct hist_print_opts *opts);

/*
 * sprint(@hist_...): the same drawing cut as stap cuts it into a string of
 * @maxstringlen bytes (each piece formatted into the room left, the string
 * ending at most at maxstringlen - 1 bytes). Returns the bytes added or -1.
 */
long hist_sprint(struct strbuf *sb, const struct hist_layout *h,
		 const int64_t *counts, const struct hist_print_opts *opts,
		 size_t maxstringlen);

#endif
