// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Histogram buckets and drawing. The layout rules are SystemTap 4.8's
 * (runtime/stat-common.c); the comments give the reasons stap had.
 */
#include "hist.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define HIST_WIDTH_MAX 1000

void hist_log_layout(struct hist_layout *h)
{
	memset(h, 0, sizeof(*h));
	h->type = HIST_LOG;
	h->buckets = HIST_LOG_BUCKETS;
}

int hist_linear_layout(struct hist_layout *h, int64_t start, int64_t stop,
		       int64_t interval, const char **err)
{
	int64_t n;

	memset(h, 0, sizeof(*h));
	if (interval == 0) {
		if (err)
			*err = "histogram: interval cannot be zero.";
		return -1;
	}
	/* Underflow and overflow buckets come on top of the range. */
	n = (int64_t)((uint64_t)stop - (uint64_t)start);
	n = (interval == -1 ? -n : n / interval) + 3;
	if (n > HIST_MAX_BUCKETS || n < 3) {
		if (err)
			*err = "histogram: Number of buckets must be between 1 and 126";
		return -1;
	}
	h->type = HIST_LINEAR;
	h->start = start;
	h->stop = stop;
	h->interval = interval;
	h->buckets = (int)n;
	return 0;
}

static int bit_length(uint64_t u)
{
	return u ? 64 - __builtin_clzll(u) : 0;
}

int hist_log_bucket(int64_t v)
{
	uint64_t mag;

	if (v == 0)
		return HIST_LOG_BUCKET0;
	/* -INT64_MIN wraps to itself, whose magnitude is right as unsigned. */
	mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
	if (v < 0)
		return HIST_LOG_BUCKET0 - bit_length(mag);
	return HIST_LOG_BUCKET0 + bit_length(mag);
}

int hist_linear_bucket(const struct hist_layout *h, int64_t v)
{
	int64_t off;
	uint64_t b;

	if (!h || h->type != HIST_LINEAR || h->interval <= 0)
		return 0;
	/* stap subtracts with wrap-around, so far values can land low. */
	off = (int64_t)((uint64_t)v - (uint64_t)h->start);
	if (off < 0)
		return 0;
	b = (uint64_t)off / (uint64_t)h->interval + 1;
	if (b >= (uint64_t)(h->buckets - 1))
		return h->buckets - 1;
	return (int)b;
}

int hist_bucket(const struct hist_layout *h, int64_t v)
{
	if (!h)
		return -1;
	if (h->type == HIST_LOG)
		return hist_log_bucket(v);
	if (h->type == HIST_LINEAR)
		return hist_linear_bucket(h, v);
	return -1;
}

int64_t hist_log_bucket_value(int bucket)
{
	if (bucket < 0 || bucket >= HIST_LOG_BUCKETS)
		return 0;
	if (bucket == HIST_LOG_BUCKET0)
		return 0;
	if (bucket < HIST_LOG_BUCKET0)
		return INT64_MIN >> bucket;
	return (int64_t)1 << (bucket - HIST_LOG_BUCKET0 - 1);
}

/* Characters of v in decimal, sign included. */
static int needed_space(int64_t v)
{
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n = v < 0;

	if (v == 0)
		return 1;
	for (; u; u /= 10)
		n++;
	return n;
}

/*
 * stap draws with one snprintf per piece into the room left. Printing is
 * unbounded; sprint() is bounded, and there a width is cut to the room
 * left and the string ends at size - 1 bytes, which changes the last
 * piece: so draw piece by piece the same way.
 */
struct sink {
	struct strbuf *sb;
	int bounded;
	long size;
	long pos;
};

/* One piece: text right-aligned in width, then tail. */
static void piece(struct sink *s, int width, const char *text,
		  const char *tail)
{
	long tlen = (long)strlen(text), len, j;
	long pad;

	if (s->bounded) {
		long room = s->size - s->pos;

		if (room < 0)
			return;
		if (width > room)
			width = (int)room;
	}
	pad = width > tlen ? width - tlen : 0;
	len = pad + tlen + (long)strlen(tail);
	for (j = 0; j < len; j++) {
		char c = j < pad ? ' ' : j < pad + tlen ? text[j - pad]
			: tail[j - pad - tlen];

		if (!s->bounded || s->pos + j < s->size - 1)
			strbuf_addch(s->sb, c);
	}
	s->pos += len;
}

struct range {
	int low, high;
	int under, over;	/* linear: the under/overflow row is shown */
	int64_t valmax;
};

/* Rows to show: the data, two empty rows either side where they exist. */
static int find_range(const struct hist_layout *h, const int64_t *counts,
		      struct range *r)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->low = -1;
	for (i = 0; i < h->buckets; i++) {
		if (counts[i] > 0 && r->low == -1)
			r->low = i;
		if (counts[i] > 0)
			r->high = i;
		if (counts[i] > r->valmax)
			r->valmax = counts[i];
	}
	if (r->low == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		/* A log histogram only reaches below 0 for negative data. */
		if (r->low > 0 &&
		    (h->type != HIST_LOG || r->low != HIST_LOG_BUCKET0))
			r->low--;
		if (r->high < h->buckets - 1)
			r->high++;
	}
	if (h->type == HIST_LINEAR) {
		/* Empty under/overflow rows are not worth a line. */
		if (r->low == 0 && counts[0] == 0)
			r->low++;
		if (r->high == h->buckets - 1 && counts[r->high] == 0)
			r->high--;
		r->under = r->low == 0;
		r->over = r->high == h->buckets - 1;
	}
	return 0;
}

static int value_space(const struct hist_layout *h, const struct range *r)
{
	int a, b;

	if (h->type == HIST_LINEAR) {
		/* stap sizes the column from one interval past the last row. */
		a = needed_space(h->start) + r->under;
		b = needed_space((int64_t)((uint64_t)h->start +
			(uint64_t)h->interval * (uint64_t)r->high)) + r->over;
	} else {
		a = needed_space(hist_log_bucket_value(r->high));
		b = needed_space(hist_log_bucket_value(r->low));
	}
	if (a < b)
		a = b;
	return a < 5 ? 5 : a;	/* strlen("value") */
}

static int64_t row_value(const struct hist_layout *h, int i,
			 const char **prefix)
{
	*prefix = "";
	if (h->type != HIST_LINEAR)
		return hist_log_bucket_value(i);
	if (i == 0) {
		*prefix = "<";
		return h->start;
	}
	if (i == h->buckets - 1) {
		*prefix = ">";
		i--;
	}
	/* Wraps for ranges near the ends of int64, as stap's does. */
	return (int64_t)((uint64_t)h->start +
			 (uint64_t)(i - 1) * (uint64_t)h->interval);
}

/* A row is elided when it and its neighbours within 'elision' are empty. */
static int elided(const struct hist_layout *h, const int64_t *counts,
		  const struct range *r, int i, int elision)
{
	int lo = r->low, hi = r->high, k;
	int me = elision < h->buckets ? elision : h->buckets;

	if (elision < 0)
		return 0;
	if (i - me > lo)
		lo = i - me;
	if (i + me < hi)
		hi = i + me;
	for (k = lo; k <= hi; k++)
		if (counts[k] != 0)
			return 0;
	return 1;
}

static void draw_row(struct sink *s, const struct hist_layout *h,
		     const int64_t *counts, int i, int val_space,
		     int64_t scale, int width, int cnt_space)
{
	const char *prefix;
	int64_t val = row_value(h, i, &prefix);
	char num[32];
	int64_t bar = counts[i] > 0 ? counts[i] / scale : 0, j;

	if (bar > width)
		bar = width;
	snprintf(num, sizeof(num), "%lld |", (long long)val);
	piece(s, val_space - needed_space(val), prefix, num);
	for (j = 0; j < bar; j++)
		piece(s, 0, "@", "");
	snprintf(num, sizeof(num), "%lld", (long long)counts[i]);
	piece(s, (int)(width - bar + 1 + cnt_space), num, "\n");
}

static int draw(struct sink *s, const struct hist_layout *h,
		const int64_t *counts, const struct hist_print_opts *opts)
{
	int width = opts && opts->width > 0 ? opts->width : HIST_WIDTH_DEFAULT;
	int elision = opts ? opts->elision : HIST_ELISION_DEFAULT;
	int i, j, val_space, cnt_space, eliding = 0;
	struct range r;
	int64_t scale;

	if (!h || !counts || h->buckets <= 0 || h->type == HIST_NONE ||
	    find_range(h, counts, &r) < 0)
		return -1;
	if (width > HIST_WIDTH_MAX)
		width = HIST_WIDTH_MAX;
	scale = r.valmax <= width ? 1
		: r.valmax / width + (r.valmax % width != 0);
	cnt_space = needed_space(r.valmax);
	val_space = value_space(h, &r);

	piece(s, val_space, "value", " |");
	for (j = 0; j < width; j++)
		piece(s, 0, "-", "");
	piece(s, 0, " count\n", "");
	for (i = r.low; i <= r.high; i++) {
		if (elided(h, counts, &r, i, elision)) {
			eliding = 1;
			continue;
		}
		if (eliding) {
			/* Mark the rows left out on the value axis. */
			piece(s, val_space, "", " ~\n");
			eliding = 0;
		}
		draw_row(s, h, counts, i, val_space, scale, width, cnt_space);
	}
	piece(s, 0, "\n", "");
	return 0;
}

int hist_print(struct strbuf *sb, const struct hist_layout *h,
	       const int64_t *counts, const struct hist_print_opts *opts)
{
	struct sink s = { .sb = sb };

	if (!sb)
		return -1;
	return draw(&s, h, counts, opts);
}

long hist_sprint(struct strbuf *sb, const struct hist_layout *h,
		 const int64_t *counts, const struct hist_print_opts *opts,
		 size_t maxstringlen)
{
	struct sink s = { .sb = sb, .bounded = 1 };
	size_t base;

	if (!sb)
		return -1;
	base = sb->len;
	s.size = maxstringlen > LONG_MAX ? LONG_MAX : (long)maxstringlen;
	if (draw(&s, h, counts, opts) < 0)
		return -1;
	return (long)(sb->len - base);
}
