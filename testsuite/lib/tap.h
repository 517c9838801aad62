/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small TAP producer for C unit tests (automake's tap-driver.sh reads it).
 *
 *	int main(void)
 *	{
 *		tap_plan(2);
 *		tap_ok(1 + 1 == 2, "addition");
 *		tap_is_str(got, "want", "formatting");
 *		return tap_done();
 *	}
 */
#ifndef BSTAP_TAP_H
#define BSTAP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed, tap_planned;

static inline void tap_plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

static inline int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = tap_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

#define tap_is_int(got, want, ...) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!tap_ok(g_ == w_, __VA_ARGS__))				\
		printf("# got %lld, want %lld\n", g_, w_);		\
} while (0)

#define tap_is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!tap_ok(g_ && w_ && !strcmp(g_, w_), __VA_ARGS__))		\
		printf("# got '%s'\n# want '%s'\n", g_ ? g_ : "(null)",	\
		       w_ ? w_ : "(null)");				\
} while (0)

static inline void tap_skip(const char *why)
{
	tap_count++;
	printf("ok %d # SKIP %s\n", tap_count, why);
}

static inline int tap_done(void)
{
	if (!tap_planned)
		printf("1..%d\n", tap_count);
	else if (tap_planned != tap_count)
		printf("# planned %d tests, ran %d\n", tap_planned, tap_count);
	return tap_failed || (tap_planned && tap_planned != tap_count);
}

#endif
