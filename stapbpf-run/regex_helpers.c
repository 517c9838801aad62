// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * matched(n), matched_str() and ngroups() in the runner tier: the runner
 * remembers the string and the pattern of the last =~ its handlers ran
 * (BO_RH_REGEX_LAST) and extracts subexpressions on demand
 * (BO_RH_REGEX_GROUP) with translator/regex_submatch.c; the match itself
 * was already decided by the program's DFA. Kernel probes cannot call
 * these: the translator refuses matched() there.
 */
#include <stdlib.h>
#include <string.h>

#include "interp.h"
#include "regex_compile.h"
#include "runner.h"

#define MAX_GROUPS	64	/* subexpressions matched() can reach */

struct regex_last {
	char *subject, *pattern;
	int matched;		/* what =~ answered */
	int done;		/* spans computed */
	int rc;			/* regex_submatch()'s answer */
	int ngroups;
	struct regex_span m[MAX_GROUPS + 1];
};

void regex_last_free(struct runner *r)
{
	if (!r->re_last)
		return;
	free(r->re_last->subject);
	free(r->re_last->pattern);
	free(r->re_last);
	r->re_last = NULL;
}

/* long regex_last(const char *subject, const char *pattern, long matched) */
uint64_t rh_regex_last(struct interp_ctx *c, uint64_t subject,
		       uint64_t pattern, uint64_t matched, uint64_t a4,
		       uint64_t a5)
{
	struct runner *r = interp_user(c);
	const char *s, *p;
	size_t ls, lp;

	(void)a4, (void)a5;
	s = interp_str(c, subject, 1u << 20, &ls);
	p = interp_str(c, pattern, 1u << 20, &lp);
	if (!s || !p)
		return (uint64_t)-1;
	regex_last_free(r);
	r->re_last = calloc(1, sizeof(*r->re_last));
	if (!r->re_last)
		return (uint64_t)-1;
	r->re_last->subject = strndup(s, ls);
	r->re_last->pattern = strndup(p, lp);
	r->re_last->matched = matched != 0;
	if (!r->re_last->subject || !r->re_last->pattern) {
		regex_last_free(r);
		return (uint64_t)-1;
	}
	return 0;
}

/*
 * long regex_group(long n, char *dst, long size): subexpression n of the
 * last =~ into dst (size 0: returns ngroups instead); BO_REGEX_E_* < 0
 * when there is none.
 */
uint64_t rh_regex_group(struct interp_ctx *c, uint64_t n, uint64_t dst,
			uint64_t size, uint64_t a4, uint64_t a5)
{
	struct runner *r = interp_user(c);
	struct regex_last *l = r->re_last;
	struct regex_error err;
	char *out = NULL;
	int64_t g = (int64_t)n;
	size_t len;

	(void)a4, (void)a5;
	if (size) {
		out = interp_mem(c, dst, size, true);
		if (!out)
			return (uint64_t)-1;
		out[0] = 0;
	}
	if (!l || !l->matched)
		return (uint64_t)BO_REGEX_E_NOMATCH;
	if (!l->done) {
		l->rc = regex_submatch(l->pattern, l->subject, l->m,
				       MAX_GROUPS + 1, &l->ngroups, &err);
		l->done = 1;
	}
	if (l->rc != 1)
		return (uint64_t)BO_REGEX_E_COMPLEX;
	if (!size)
		return (uint64_t)l->ngroups;
	if (g < 0 || g > l->ngroups || g > MAX_GROUPS)
		return (uint64_t)BO_REGEX_E_GROUP;
	if (!out || l->m[g].start < 0)
		return 0;
	len = (size_t)(l->m[g].end - l->m[g].start);
	if (len > size - 1)
		len = size - 1;
	memcpy(out, l->subject + l->m[g].start, len);
	out[len] = 0;
	return 0;
}
