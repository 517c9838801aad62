// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Histogram buckets and drawing. The expected drawings are SystemTap's own
 * expected outputs (testsuite/systemtap.maps: elision.exp for -1..3 elision,
 * linear.exp as of stap 3.x/4.x, log.exp, hist_in_string.exp), byte for byte; bucket numbers
 * follow runtime/stat-common.c (_stp_val_to_bucket, __stp_stat_add).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "stats.h"
#include "../lib/tap.h"

static const char ELIDE2_444_999[] =
	"value |-------------------------------------------------- count\n"
	"  300 |                                                   0\n"
	"  350 |                                                   0\n"
	"  400 |@                                                  1\n"
	"  450 |                                                   0\n"
	"  500 |                                                   0\n"
	"      ~\n"
	"  850 |                                                   0\n"
	"  900 |                                                   0\n"
	"  950 |@                                                  1\n"
	" 1000 |                                                   0\n"
	" 1050 |                                                   0\n"
	"\n";

static const char ELIDE0_NEG_LOG[] =
	" value |-------------------------------------------------- count\n"
	"       ~\n"
	" -4096 |@                                                  1\n"
	"       ~\n"
	"    -2 |@                                                  1\n"
	"\n";

static const char ELIDE1_1500[] =
	"value |-------------------------------------------------- count\n"
	"      ~\n"
	" 1450 |                                                   0\n"
	" 1500 |@                                                  1\n"
	"\n";

static const char ELIDE_NONE_LOG0[] =
	"value |-------------------------------------------------- count\n"
	"    0 |@                                                  1\n"
	"    1 |                                                   0\n"
	"    2 |                                                   0\n"
	"\n";

static const char ELIDE2_NEG_LOG[] =
	" value |-------------------------------------------------- count\n"
	"-16384 |                                                   0\n"
	" -8192 |                                                   0\n"
	" -4096 |@                                                  1\n"
	" -2048 |                                                   0\n"
	" -1024 |                                                   0\n"
	"       ~\n"
	"    -8 |                                                   0\n"
	"    -4 |                                                   0\n"
	"    -2 |@                                                  1\n"
	"    -1 |                                                   0\n"
	"     0 |                                                   0\n"
	"\n";

static const char ELIDE2_MINUS10[] =
	"value |-------------------------------------------------- count\n"
	"  -30 |                                                   0\n"
	"  -20 |                                                   0\n"
	"  -10 |@                                                  1\n"
	"    0 |                                                   0\n"
	"   10 |                                                   0\n"
	"\n";

static const char ELIDE_NONE_444_999[] =
	"value |-------------------------------------------------- count\n"
	"  300 |                                                   0\n"
	"  350 |                                                   0\n"
	"  400 |@                                                  1\n"
	"  450 |                                                   0\n"
	"  500 |                                                   0\n"
	"  550 |                                                   0\n"
	"  600 |                                                   0\n"
	"  650 |                                                   0\n"
	"  700 |                                                   0\n"
	"  750 |                                                   0\n"
	"  800 |                                                   0\n"
	"  850 |                                                   0\n"
	"  900 |                                                   0\n"
	"  950 |@                                                  1\n"
	" 1000 |                                                   0\n"
	" 1050 |                                                   0\n"
	"\n";

static const char ELIDE3_444_999[] =
	"value |-------------------------------------------------- count\n"
	"  300 |                                                   0\n"
	"  350 |                                                   0\n"
	"  400 |@                                                  1\n"
	"  450 |                                                   0\n"
	"  500 |                                                   0\n"
	"  550 |                                                   0\n"
	"      ~\n"
	"  800 |                                                   0\n"
	"  850 |                                                   0\n"
	"  900 |                                                   0\n"
	"  950 |@                                                  1\n"
	" 1000 |                                                   0\n"
	" 1050 |                                                   0\n"
	"\n";

static const char LINEAR[] =
	"value |-------------------------------------------------- count\n"
	"    0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@       177\n"
	"   50 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@         170\n"
	"  100 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                      117\n"
	"  150 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                     122\n"
	"  200 |@@@@@@@@@@@@@@@@@@@@@@@                             94\n"
	"  250 |@@@@@@@@@@@@@@@@@@@@@@@                             94\n"
	"  300 |@@@@@@@@@@@@@@@@@@@                                 79\n"
	"  350 |@@@@@@@@@@@@@@@@@@@                                 79\n"
	"  400 |@@@@@@@@@@@@@@@@                                    65\n"
	"  450 |@@@@@@@@@@@@@@@@                                    67\n"
	"  500 |@@@@@@@@@@@@@                                       55\n"
	"  550 |@@@@@@@@@@@@@                                       54\n"
	"  600 |@@@@@@@@@@@@                                        51\n"
	"  650 |@@@@@@@@@@@                                         45\n"
	"  700 |@@@@@@@@@@                                          41\n"
	"  750 |@@@@@@@@@@                                          40\n"
	"  800 |@@@@@@@@                                            34\n"
	"  850 |@@@@@@@@                                            33\n"
	"  900 |@@@@@@@                                             31\n"
	"  950 |@@@@@@                                              27\n"
	" 1000 |@@@@@                                               23\n"
	" 1050 |@@@@@@                                              24\n"
	" 1100 |@@@@                                                19\n"
	" 1150 |@@@@                                                18\n"
	" 1200 |@@@                                                 12\n"
	" 1250 |@@                                                   9\n"
	" 1300 |@                                                    7\n"
	" 1350 |@                                                    7\n"
	" 1400 |                                                     3\n"
	" 1450 |                                                     3\n"
	" 1500 |                                                     0\n"
	"\n";

static const char LOG_HEAD[] =
	"               value |-------------------------------------------------- count\n"
	"-9223372036854775808 |@                                                   1\n"
	"-4611686018427387904 |@                                                   1\n";

static const char LOG_MID[] =
	"                  -1 |@                                                   1\n"
	"                   0 |@@@@@@@@@@@@@@@@@@@@                               20\n"
	"                   1 |@                                                   1\n";

static const char LOG_TAIL[] =
	" 4611686018427387904 |@                                                   1\n"
	"\n";

/* Draws the histogram of @vals with stap's defaults but for @elision. */
static void check_draw(const struct hist_layout *h, const int64_t *vals,
		       int n, int elision, const char *want, const char *what)
{
	int64_t counts[HIST_MAX_BUCKETS] = { 0 };
	struct hist_print_opts o = { HIST_WIDTH_DEFAULT, elision };
	struct strbuf sb = STRBUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		counts[hist_bucket(h, vals[i])]++;
	hist_print(&sb, h, counts, &o);
	tap_is_str(sb.data, want, "%s", what);
	strbuf_release(&sb);
}

static void test_log_buckets(void)
{
	tap_is_int(hist_log_bucket(0), 64, "log bucket of 0");
	tap_is_int(hist_log_bucket(1), 65, "log bucket of 1");
	tap_is_int(hist_log_bucket(3), 66, "log bucket of 3 (2..3)");
	tap_is_int(hist_log_bucket(4), 67, "log bucket of 4");
	tap_is_int(hist_log_bucket(-1), 63, "log bucket of -1");
	tap_is_int(hist_log_bucket(-3), 62, "log bucket of -3 (-2..-3)");
	tap_is_int(hist_log_bucket(INT64_MIN), 0, "log bucket of INT64_MIN");
	tap_is_int(hist_log_bucket(INT64_MAX), 127, "log bucket of INT64_MAX");
	tap_is_int(hist_log_bucket_value(0), INT64_MIN, "bucket 0 is -2^63");
	tap_is_int(hist_log_bucket_value(62), -2, "bucket 62 is -2");
	tap_is_int(hist_log_bucket_value(64), 0, "bucket 64 is 0");
	tap_is_int(hist_log_bucket_value(127), 1LL << 62, "bucket 127 is 2^62");
	tap_is_int(hist_log_bucket_value(500), 0, "out-of-range bucket is 0");
}

static void test_linear_buckets(void)
{
	struct hist_layout h;
	const char *err = NULL;

	tap_is_int(hist_linear_layout(&h, 0, 1500, 50, &err), 0,
		   "@hist_linear(v, 0, 1500, 50)");
	tap_is_int(h.buckets, 33, "  ... 31 buckets plus under/overflow");
	tap_is_int(hist_linear_bucket(&h, -1), 0, "  ... -1 is underflow");
	tap_is_int(hist_linear_bucket(&h, 49), 1, "  ... 49 in [0, 50)");
	tap_is_int(hist_linear_bucket(&h, 1500), 31, "  ... 1500 has a row");
	tap_is_int(hist_linear_bucket(&h, 1550), 32, "  ... 1550 overflows");
	tap_is_int(hist_linear_bucket(&h, INT64_MIN), 0, "  ... INT64_MIN");
	tap_is_int(hist_linear_layout(&h, 0, 100, 0, &err), -1,
		   "interval 0 is refused");
	tap_is_int(hist_linear_layout(&h, 0, 1000, 1, &err), -1,
		   "1003 buckets are refused");
	tap_ok(err && strstr(err, "between 1 and 126"), "  ... stap's message");
	tap_is_int(hist_linear_layout(&h, 10, 0, 1, &err), -1,
		   "stop below start is refused");
}

static void test_elision(void)
{
	struct hist_layout lin, lin2, lg;
	const int64_t a[] = { 444, 999 }, b[] = { 1500 }, c[] = { -10 };
	const int64_t z[] = { 0 }, neg[] = { -2, -4096 };

	hist_linear_layout(&lin, 0, 1500, 50, NULL);
	hist_linear_layout(&lin2, -100, 100, 10, NULL);
	hist_log_layout(&lg);
	check_draw(&lin, a, 2, 2, ELIDE2_444_999, "elision 2 (default)");
	check_draw(&lin, a, 2, -1, ELIDE_NONE_444_999, "elision -1: none");
	check_draw(&lin, a, 2, 3, ELIDE3_444_999, "elision 3");
	check_draw(&lin, b, 1, 1, ELIDE1_1500, "elision 1, top bucket");
	check_draw(&lin2, c, 1, 2, ELIDE2_MINUS10, "negative linear range");
	check_draw(&lg, z, 1, -1, ELIDE_NONE_LOG0, "log of 0 stays >= 0");
	check_draw(&lg, neg, 2, 0, ELIDE0_NEG_LOG, "log, elision 0");
	check_draw(&lg, neg, 2, 2, ELIDE2_NEG_LOG, "log, negative values");
}

/* systemtap.maps/linear.stp: keys 0..99 times 1..15 (12 twice). */
static int linear_values(int64_t *v)
{
	static const int mult[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12,
				    13, 14, 15 };
	int key, m, n = 0;

	for (key = 0; key < 100; key++)
		for (m = 0; m < 16; m++)
			v[n++] = (int64_t)key * mult[m];
	return n;
}

static void test_linear_print(void)
{
	static int64_t v[1600];
	struct hist_layout h;
	int n = linear_values(v);

	hist_linear_layout(&h, 0, 1500, 50, NULL);
	check_draw(&h, v, n, 2, LINEAR, "linear.exp: scaled bars");
}

static void test_log_print(void)
{
	int64_t counts[HIST_LOG_BUCKETS] = { 0 }, val = 1;
	struct strbuf sb = STRBUF_INIT;
	struct hist_layout h;
	int i, lines = 0;

	/* systemtap.maps/log.stp: every power of two, both signs, 20 zeros */
	hist_log_layout(&h);
	for (i = 0; i < 63; i++, val = (int64_t)((uint64_t)val << 1))
		counts[hist_log_bucket(val)]++;
	/* The last one is -(-2^63), which wraps to -2^63 as in stap. */
	for (i = 0, val = 1; i < 64; i++, val = (int64_t)((uint64_t)val << 1))
		counts[hist_log_bucket((int64_t)(0 - (uint64_t)val))]++;
	counts[hist_log_bucket(0)] += 20;
	hist_print(&sb, &h, counts, NULL);
	tap_ok(sb.len > strlen(LOG_HEAD) &&
	       !strncmp(sb.data, LOG_HEAD, strlen(LOG_HEAD)),
	       "log.exp: 20-column values from -2^63");
	tap_ok(sb.data && strstr(sb.data, LOG_MID), "log.exp: around zero");
	tap_ok(sb.len > strlen(LOG_TAIL) &&
	       !strcmp(sb.data + sb.len - strlen(LOG_TAIL), LOG_TAIL),
	       "log.exp: ends at 2^62 and a blank line");
	for (i = 0; sb.data && sb.data[i]; i++)
		lines += sb.data[i] == '\n';
	tap_is_int(lines, 130, "log.exp: header, 128 rows, blank line");
	strbuf_release(&sb);
}

static void test_sprint(void)
{
	int64_t counts[3] = { 0, 128, 0 };
	struct strbuf sb = STRBUF_INIT, full = STRBUF_INIT;
	struct hist_layout h, lin;
	static int64_t v[1600];
	int64_t lc[HIST_MAX_BUCKETS] = { 0 };
	int i, n = linear_values(v);

	/* systemtap.maps/hist_in_string: 128 zeros, @hist_linear(l,0,0,1) */
	hist_linear_layout(&h, 0, 0, 1, NULL);
	hist_sprint(&sb, &h, counts, NULL, 256);
	tap_is_str(sb.data, "value |-----------------------------------------"
		   "--------- count\n    0 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
		   "@@@@@@@@         128\n\n", "hist_in_string.exp");
	strbuf_reset(&sb);
	/* A long drawing is cut to MAXSTRINGLEN - 1 bytes. */
	hist_linear_layout(&lin, 0, 1500, 50, NULL);
	for (i = 0; i < n; i++)
		lc[hist_bucket(&lin, v[i])]++;
	hist_sprint(&sb, &lin, lc, NULL, 256);
	hist_print(&full, &lin, lc, NULL);
	tap_ok(sb.len == 255 && !strncmp(sb.data, full.data, 255),
	       "sprint of a long histogram: its first 255 bytes");
	strbuf_release(&sb);
	strbuf_release(&full);
}

/* -D HIST_WIDTH=10: ten dashes, bars scaled to ten columns. */
static void test_width(void)
{
	int64_t counts[HIST_LOG_BUCKETS] = { 0 };
	struct hist_print_opts o = { 10, 2 };
	struct strbuf sb = STRBUF_INIT;
	struct hist_layout h;

	hist_log_layout(&h);
	counts[hist_log_bucket(1)] = 20;
	counts[hist_log_bucket(2)] = 5;
	hist_print(&sb, &h, counts, &o);
	tap_is_str(sb.data,
		   "value |---------- count\n"
		   "    0 |            0\n"
		   "    1 |@@@@@@@@@@ 20\n"
		   "    2 |@@          5\n"
		   "    4 |            0\n"
		   "    8 |            0\n"
		   "\n", "HIST_WIDTH=10");
	strbuf_release(&sb);
}

static void test_robust(void)
{
	int64_t counts[HIST_LOG_BUCKETS] = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct hist_layout h;
	struct hist_print_opts wide = { 100000, 2 };

	hist_log_layout(&h);
	tap_is_int(hist_print(&sb, &h, counts, NULL), -1,
		   "an empty histogram is not drawn");
	tap_is_int((long)sb.len, 0, "  ... and writes nothing");
	tap_is_int(hist_print(&sb, NULL, counts, NULL), -1, "NULL layout");
	counts[70] = -5;
	counts[65] = 3;
	tap_is_int(hist_print(&sb, &h, counts, &wide), 0,
		   "negative counts and a huge width do not crash");
	strbuf_release(&sb);
}

int main(void)
{
	test_log_buckets();
	test_linear_buckets();
	test_elision();
	test_linear_print();
	test_log_print();
	test_sprint();
	test_width();
	test_robust();
	return tap_done();
}
