// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Subexpressions of a match, for matched(n), matched_str() and ngroups():
 * the runner computes them from the string and the pattern of the last
 * successful =~ (a DFA knows only whether a string matches).
 *
 * The tree becomes a small backtracking program (set, split, jump, save,
 * ^, $, and a loop check that stops `(a*)*` from looping on no progress).
 * From the leftmost start where anything matches, every parse is explored
 * and the best kept, by POSIX's rules: the longest whole match, then each
 * subexpression from the left as long as possible (one that did not take
 * part counts as shorter than an empty one). A repeated group reports its
 * last iteration. Exploring every parse can take exponential time on
 * pathological patterns, so the work is bounded (REGEX_SUBMATCH_STEPS);
 * past it the answer is refused, never guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex_internal.h"

enum op { I_SET, I_SPLIT, I_JMP, I_SAVE, I_BOL, I_EOL, I_ENTER, I_AGAIN,
	  I_FINAL };

struct insn {
	enum op op;
	int x, y;	/* SET: set; SPLIT: x, y; JMP: x; SAVE: slot;
			 * ENTER: loop; AGAIN: loop, x = the loop's start */
};

struct prog {
	struct insn *v;
	int n, cap;
	int nloops;
	int failed;
};

struct run {
	const struct prog *p;
	const struct re_tree *t;
	const unsigned char *s;
	int len;
	int nslots;
	long steps;
	int found;
	int best_end;
	int *best;		/* nslots */
};

/* Appends an instruction; on failure marks the program failed and returns
 * the last one (the caller's write is then harmless: the program is not
 * run). The program starts with room, so there always is a last one. */
static int emit(struct prog *p, enum op op, int x, int y)
{
	if (p->n == p->cap) {
		int cap = p->cap * 2;
		struct insn *v = p->n >= REGEX_MAX_NFA * 4 ? NULL :
				 realloc(p->v, (size_t)cap * sizeof(*v));

		if (!v) {
			p->failed = 1;
			return p->n - 1;
		}
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n] = (struct insn){ op, x, y };
	return p->n++;
}

static void gen(struct prog *p, const struct re_tree *t, int i)
{
	const struct re_node *r = &t->nodes[i];
	int split, jmp, loop;

	if (p->failed)
		return;
	switch (r->kind) {
	case RE_EMPTY:
		break;
	case RE_SET:
		emit(p, I_SET, r->set, 0);
		break;
	case RE_CAT:
		gen(p, t, r->a);
		gen(p, t, r->b);
		break;
	case RE_ALT:
		split = emit(p, I_SPLIT, 0, 0);
		p->v[split].x = p->n;
		gen(p, t, r->a);
		jmp = emit(p, I_JMP, 0, 0);
		p->v[split].y = p->n;
		gen(p, t, r->b);
		p->v[jmp].x = p->n;
		break;
	case RE_GROUP:
		emit(p, I_SAVE, 2 * r->min, 0);
		gen(p, t, r->a);
		emit(p, I_SAVE, 2 * r->min + 1, 0);
		break;
	case RE_BOL:
		emit(p, I_BOL, 0, 0);
		break;
	case RE_EOL:
		emit(p, I_EOL, 0, 0);
		break;
	case RE_REPEAT:
		for (int k = 0; k < r->min; k++)
			gen(p, t, r->a);
		if (r->max < 0) {
			loop = p->nloops++;
			split = emit(p, I_SPLIT, 0, 0);
			p->v[split].x = p->n;
			emit(p, I_ENTER, loop, 0);
			gen(p, t, r->a);
			emit(p, I_AGAIN, loop, split);
			p->v[split].y = p->n;
			break;
		}
		{
			int splits[REGEX_MAX_REPEAT + 1], ns = 0;

			for (int k = r->min; k < r->max; k++) {
				splits[ns] = emit(p, I_SPLIT, 0, 0);
				p->v[splits[ns]].x = p->n;
				ns++;
				gen(p, t, r->a);
			}
			for (int k = 0; k < ns; k++)
				p->v[splits[k]].y = p->n;
		}
		break;
	}
}

static int span_len(const int *caps, int g)
{
	return caps[2 * g] < 0 || caps[2 * g + 1] < 0 ? -1 :
	       caps[2 * g + 1] - caps[2 * g];
}

/* Is the parse that ends at @end with @caps better than the best so far? */
static int better(const struct run *r, int end, const int *caps)
{
	if (!r->found || end > r->best_end)
		return 1;
	if (end < r->best_end)
		return 0;
	for (int g = 1; 2 * g < r->nslots; g++) {
		int a = span_len(caps, g), b = span_len(r->best, g);

		if (a != b)
			return a > b;
	}
	return 0;
}

/*
 * Follows every path from @pc at @pos; @caps and @loops are this path's
 * (copied at each split). Returns -1 when out of steps.
 */
static int walk(struct run *r, int pc, int pos, int *caps, int *loops)
{
	for (;;) {
		const struct insn *in = &r->p->v[pc];

		if (++r->steps > REGEX_SUBMATCH_STEPS)
			return -1;
		switch (in->op) {
		case I_SET:
			if (pos >= r->len ||
			    !re_set_has(&r->t->sets[in->x], r->s[pos]))
				return 0;
			pos++;
			pc++;
			break;
		case I_SPLIT: {
			size_t nc = (size_t)r->nslots * sizeof(int);
			size_t nl = (size_t)r->p->nloops * sizeof(int);
			int *c2 = malloc(nc + nl + sizeof(int));
			int rc;

			if (!c2)
				return -1;
			memcpy(c2, caps, nc);
			memcpy(c2 + r->nslots, loops, nl);
			rc = walk(r, in->x, pos, c2, c2 + r->nslots);
			free(c2);
			if (rc < 0)
				return -1;
			pc = in->y;
			break;
		}
		case I_JMP:
			pc = in->x;
			break;
		case I_SAVE:
			caps[in->x] = pos;
			pc++;
			break;
		case I_BOL:
			if (pos != 0)
				return 0;
			pc++;
			break;
		case I_EOL:
			if (pos != r->len)
				return 0;
			pc++;
			break;
		case I_ENTER:
			loops[in->x] = pos;
			pc++;
			break;
		case I_AGAIN:
			/* another round only after progress: (a*)* ends */
			pc = pos > loops[in->x] ? in->y : pc + 1;
			break;
		case I_FINAL:
			if (better(r, pos, caps)) {
				r->found = 1;
				r->best_end = pos;
				memcpy(r->best, caps,
				       (size_t)r->nslots * sizeof(int));
			}
			return 0;
		}
	}
}

int regex_submatch(const char *pattern, const char *s,
		   struct regex_span *m, int nm, int *ngroups,
		   struct regex_error *err)
{
	struct re_tree t;
	struct prog p = { 0 };
	struct run r = { 0 };
	int *caps = NULL, rc = 0;

	if (re_parse(pattern, &t, err))
		return -1;
	*ngroups = t.ngroups;
	p.cap = 64;
	p.v = malloc((size_t)p.cap * sizeof(*p.v));
	if (p.v)
		gen(&p, &t, t.root);
	if (p.v)
		emit(&p, I_FINAL, 0, 0);
	r.p = &p;
	r.t = &t;
	r.s = (const unsigned char *)s;
	r.len = (int)strlen(s);
	r.nslots = 2 * (t.ngroups + 1);
	r.best = malloc((size_t)r.nslots * sizeof(int));
	caps = malloc((size_t)(r.nslots + p.nloops + 1) * sizeof(int));
	if (!p.v || p.failed || !r.best || !caps) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		err->offset = -1;
		rc = -1;
		goto out;
	}
	for (int start = 0; start <= r.len && !r.found; start++) {
		for (int i = 0; i < r.nslots; i++)
			caps[i] = -1;
		if (walk(&r, 0, start, caps, caps + r.nslots) < 0) {
			snprintf(err->msg, sizeof(err->msg),
				 "finding the subexpressions takes more than %d steps",
				 REGEX_SUBMATCH_STEPS);
			err->offset = -1;
			rc = -1;
			goto out;
		}
		if (r.found) {
			r.best[0] = start;
			r.best[1] = r.best_end;
		}
	}
	rc = r.found;
	for (int g = 0; g < nm; g++) {
		int ok = rc == 1 && g <= t.ngroups && span_len(r.best, g) >= 0;

		m[g].start = ok ? r.best[2 * g] : -1;
		m[g].end = ok ? r.best[2 * g + 1] : -1;
	}
out:
	free(caps);
	free(r.best);
	free(p.v);
	re_tree_free(&t);
	return rc;
}
