// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From the regex tree to the DFA the BPF code walks.
 *
 * 1. Byte classes: the 256 byte values are split into the classes no set
 *    of the pattern tells apart; NUL, the end of the string, is always a
 *    class of its own. The DFA's rows have one column per class, which
 *    keeps `[a-z]+@[a-z]+` at a handful of columns instead of 256.
 * 2. A Thompson NFA, built back to front (each node knows its successor
 *    when it is made); {m,n} copies its operand.
 * 3. Subset construction. A DFA state is the set of NFA nodes that wait
 *    for a byte (sets), for the end ($) or are the final node. Searching
 *    is unanchored: every step adds the NFA's start again, so a match may
 *    begin anywhere. `^` is followed only in the first state (position 0)
 *    and `$` only on the NUL column. A state holding the final node is
 *    REGEX_MATCH and an empty one REGEX_FAIL: both end the walk, so the
 *    matcher never reads past the first match or past a hopeless prefix.
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "regex_internal.h"

enum nfa_op { N_SET, N_SPLIT, N_BOL, N_EOL, N_FINAL };

struct nfa_node {
	enum nfa_op op;
	int set;		/* N_SET */
	int out, out2;		/* successors (out2: N_SPLIT) */
};

struct dstate {
	int off, len;		/* kernel nodes in builder.pool */
	int at_start;		/* position 0: ^ holds */
};

struct builder {
	const struct re_tree *t;
	struct regex_error *err;
	struct nfa_node *nfa;
	int nn, ncap;
	int start;		/* NFA start node */

	/* closure work */
	unsigned *mark;
	unsigned gen;
	long work;		/* closure steps, against REGEX_MAX_WORK */
	int *stack;
	int *kernel;		/* the closure's kernel, being built */
	int nk;

	/* DFA */
	struct dstate *st;
	int nst;
	int *pool;
	int npool, poolcap;
	int *hash;		/* state index + 1, open addressing */
	int hcap;
	uint16_t *next;
	int ncls;
	uint8_t rep[256];	/* a byte of each class */
};

static int fail(struct builder *b, const char *msg)
{
	b->err->offset = -1;
	snprintf(b->err->msg, sizeof(b->err->msg), "%s", msg);
	return -1;
}

/* ------------------------------------------------------ byte classes */

static void byte_classes(const struct re_tree *t, struct regex_dfa *dfa,
			 uint8_t *rep)
{
	int n = 2;

	for (int c = 0; c < 256; c++)
		dfa->cls[c] = c ? 1 : 0;
	for (int i = 0; i < t->nsets; i++) {
		int map[256][2];
		int m = 0;

		memset(map, -1, sizeof(map));
		for (int c = 0; c < 256; c++) {
			int in = c && re_set_has(&t->sets[i], (unsigned)c);
			int *slot = &map[dfa->cls[c]][in];

			if (*slot < 0)
				*slot = m++;
			dfa->cls[c] = (uint8_t)*slot;
		}
		n = m;
	}
	/* renumber so NUL is class 0 and classes appear in byte order */
	{
		int map[256];
		int m = 0;

		memset(map, -1, sizeof(map));
		for (int c = 0; c < 256; c++) {
			if (map[dfa->cls[c]] < 0) {
				rep[m] = (uint8_t)c;
				map[dfa->cls[c]] = m++;
			}
			dfa->cls[c] = (uint8_t)map[dfa->cls[c]];
		}
		n = m;
	}
	dfa->nclasses = n;
}

/* --------------------------------------------------------------- NFA */

static int nfa_node(struct builder *b, enum nfa_op op, int out, int out2)
{
	if (b->nn >= REGEX_MAX_NFA)
		return fail(b, "its repetitions need more than 20000 automaton nodes");
	if (b->nn == b->ncap) {
		int cap = b->ncap ? b->ncap * 2 : 64;
		struct nfa_node *v = realloc(b->nfa, cap * sizeof(*v));

		if (!v)
			return fail(b, "out of memory");
		b->nfa = v;
		b->ncap = cap;
	}
	b->nfa[b->nn] = (struct nfa_node){ .op = op, .out = out, .out2 = out2,
					   .set = -1 };
	return b->nn++;
}

/* The NFA of tree node @i followed by NFA node @next; its start or -1. */
static int compile(struct builder *b, int i, int next)
{
	const struct re_node *r = &b->t->nodes[i];
	int n, tail;

	switch (r->kind) {
	case RE_EMPTY:
		return next;
	case RE_SET:
		n = nfa_node(b, N_SET, next, -1);
		if (n >= 0)
			b->nfa[n].set = r->set;
		return n;
	case RE_CAT:
		n = compile(b, r->b, next);
		return n < 0 ? -1 : compile(b, r->a, n);
	case RE_ALT: {
		int x = compile(b, r->a, next), y;

		if (x < 0)
			return -1;
		y = compile(b, r->b, next);
		return y < 0 ? -1 : nfa_node(b, N_SPLIT, x, y);
	}
	case RE_GROUP:
		return compile(b, r->a, next);
	case RE_BOL:
		return nfa_node(b, N_BOL, next, -1);
	case RE_EOL:
		return nfa_node(b, N_EOL, next, -1);
	case RE_REPEAT:
		tail = next;
		if (r->max < 0) {		/* a*: loop back */
			int loop = nfa_node(b, N_SPLIT, -1, next), body;

			if (loop < 0)
				return -1;
			body = compile(b, r->a, loop);
			if (body < 0)
				return -1;
			b->nfa[loop].out = body;
			tail = loop;
		} else {			/* a?: up to max - min times */
			for (int k = r->min; k < r->max; k++) {
				int body = compile(b, r->a, tail);

				if (body < 0)
					return -1;
				tail = nfa_node(b, N_SPLIT, body, next);
				if (tail < 0)
					return -1;
			}
		}
		for (int k = 0; k < r->min; k++) {
			tail = compile(b, r->a, tail);
			if (tail < 0)
				return -1;
		}
		return tail;
	}
	return -1;
}

/* ----------------------------------------------------------- closure */

static int cmp_int(const void *x, const void *y)
{
	return *(const int *)x - *(const int *)y;
}

/*
 * Adds the closure of @from to b->kernel: the set, final and waiting-$
 * nodes reachable through splits, through ^ when @at_start and through $
 * when @at_end.
 */
static void closure_add(struct builder *b, int from, int at_start,
			int at_end)
{
	int sp = 0;

	b->stack[sp++] = from;
	while (sp) {
		int i = b->stack[--sp];
		struct nfa_node *n;

		if (i < 0 || b->mark[i] == b->gen)
			continue;
		b->mark[i] = b->gen;
		b->work++;
		n = &b->nfa[i];
		switch (n->op) {
		case N_SPLIT:
			b->stack[sp++] = n->out2;
			b->stack[sp++] = n->out;
			break;
		case N_BOL:
			if (at_start)
				b->stack[sp++] = n->out;
			break;
		case N_EOL:
			if (at_end)
				b->stack[sp++] = n->out;
			else
				b->kernel[b->nk++] = i;
			break;
		case N_SET:
		case N_FINAL:
			b->kernel[b->nk++] = i;
			break;
		}
	}
}

static void closure_begin(struct builder *b)
{
	b->gen++;
	b->nk = 0;
}

static int kernel_has_final(struct builder *b)
{
	for (int k = 0; k < b->nk; k++)
		if (b->nfa[b->kernel[k]].op == N_FINAL)
			return 1;
	return 0;
}

/* ------------------------------------------------------------ states */

static unsigned kernel_hash(const int *k, int n, int at_start)
{
	unsigned h = 2166136261u ^ (unsigned)at_start;

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned)k[i]) * 16777619u;
	return h;
}

/*
 * The state for the kernel just built: REGEX_MATCH, REGEX_FAIL, an
 * existing state or a new one; -1 past the limit.
 */
static int state_of(struct builder *b, int at_start)
{
	unsigned h;
	int s;

	if (kernel_has_final(b))
		return REGEX_MATCH;
	if (!b->nk)
		return REGEX_FAIL;
	qsort(b->kernel, (size_t)b->nk, sizeof(int), cmp_int);
	h = kernel_hash(b->kernel, b->nk, at_start) & (unsigned)(b->hcap - 1);
	for (; b->hash[h]; h = (h + 1) & (unsigned)(b->hcap - 1)) {
		struct dstate *d = &b->st[b->hash[h] - 1];

		if (d->len == b->nk && d->at_start == at_start &&
		    !memcmp(b->pool + d->off, b->kernel,
			    (size_t)b->nk * sizeof(int)))
			return b->hash[h] - 1;
	}
	if (b->nst >= REGEX_MAX_STATES)
		return fail(b, "it needs more than 2048 DFA states (a wide set followed by a long fixed-length tail multiplies them)");
	if (b->npool + b->nk > b->poolcap) {
		int cap = (b->npool + b->nk) * 2;
		int *v = realloc(b->pool, (size_t)cap * sizeof(int));

		if (!v)
			return fail(b, "out of memory");
		b->pool = v;
		b->poolcap = cap;
	}
	memcpy(b->pool + b->npool, b->kernel, (size_t)b->nk * sizeof(int));
	s = b->nst++;
	b->st[s] = (struct dstate){ b->npool, b->nk, at_start };
	b->npool += b->nk;
	b->hash[h] = s + 1;
	return s;
}

/* Fills state @s's row; its kernel is copied out first (the pool moves). */
static int fill_row(struct builder *b, int s, int *tmp)
{
	struct dstate d = b->st[s];
	uint16_t *row = b->next + (size_t)s * (size_t)b->ncls;
	int to;

	memcpy(tmp, b->pool + d.off, (size_t)d.len * sizeof(int));
	/* the end of the string: $ holds, and ^ too at position 0 */
	closure_begin(b);
	for (int k = 0; k < d.len; k++)
		if (b->nfa[tmp[k]].op == N_EOL)
			closure_add(b, b->nfa[tmp[k]].out, d.at_start, 1);
	row[0] = kernel_has_final(b) ? REGEX_MATCH : REGEX_FAIL;
	for (int c = 1; c < b->ncls; c++) {
		unsigned byte = b->rep[c];

		closure_begin(b);
		for (int k = 0; k < d.len; k++) {
			struct nfa_node *n = &b->nfa[tmp[k]];

			if (n->op == N_SET &&
			    re_set_has(&b->t->sets[n->set], byte))
				closure_add(b, n->out, 0, 0);
		}
		closure_add(b, b->start, 0, 0);		/* unanchored */
		if (b->work > REGEX_MAX_WORK)
			return fail(b, "it takes too long to compile (more than 50 million automaton steps): shorten its repetitions");
		to = state_of(b, 0);
		if (to < 0)
			return -1;
		row[c] = (uint16_t)to;
	}
	return 0;
}

static void builder_free(struct builder *b)
{
	free(b->nfa);
	free(b->mark);
	free(b->stack);
	free(b->kernel);
	free(b->st);
	free(b->pool);
	free(b->hash);
}

int re_build_dfa(const struct re_tree *t, struct regex_dfa *dfa,
		 struct regex_error *err)
{
	struct builder b = { .t = t, .err = err };
	int final, *tmp = NULL, r = -1;

	byte_classes(t, dfa, b.rep);
	b.ncls = dfa->nclasses;
	final = nfa_node(&b, N_FINAL, -1, -1);
	if (final < 0 || (b.start = compile(&b, t->root, final)) < 0)
		goto out;
	b.mark = calloc((size_t)b.nn, sizeof(*b.mark));
	/* a node is pushed once per incoming edge at most: 2 per node */
	b.stack = malloc((size_t)b.nn * 2 * sizeof(int) + sizeof(int));
	b.kernel = malloc((size_t)b.nn * sizeof(int));
	tmp = malloc((size_t)b.nn * sizeof(int));
	b.st = calloc(REGEX_MAX_STATES, sizeof(*b.st));
	b.hcap = REGEX_MAX_STATES * 2;
	b.hash = calloc((size_t)b.hcap, sizeof(int));
	b.next = calloc((size_t)REGEX_MAX_STATES * (size_t)b.ncls,
			sizeof(uint16_t));
	if (!b.mark || !b.stack || !b.kernel || !tmp || !b.st || !b.hash ||
	    !b.next) {
		fail(&b, "out of memory");
		goto out;
	}
	/* rows 0 and 1: REGEX_FAIL and REGEX_MATCH stay where they are */
	b.nst = 2;
	for (int c = 0; c < b.ncls; c++)
		b.next[b.ncls + c] = REGEX_MATCH;
	closure_begin(&b);
	closure_add(&b, b.start, 1, 0);
	dfa->start = state_of(&b, 1);
	if (dfa->start < 0)
		goto out;
	for (int s = 2; s < b.nst; s++)
		if (fill_row(&b, s, tmp))
			goto out;
	dfa->nstates = b.nst;
	dfa->next = realloc(b.next, (size_t)b.nst * (size_t)b.ncls *
				    sizeof(uint16_t));
	if (!dfa->next)
		dfa->next = b.next;
	b.next = NULL;
	r = 0;
out:
	free(b.next);
	free(tmp);
	builder_free(&b);
	return r;
}

/* ---------------------------------------------------------- using it */

void regex_dfa_free(struct regex_dfa *dfa)
{
	free(dfa->next);
	dfa->next = NULL;
}

bool regex_dfa_match(const struct regex_dfa *dfa, const char *s,
		     size_t max)
{
	int st = dfa->start;

	for (size_t i = 0; i < max && st > REGEX_MATCH; i++)
		st = dfa->next[(size_t)st * (size_t)dfa->nclasses +
			       dfa->cls[(unsigned char)s[i]]];
	return st == REGEX_MATCH;
}

size_t regex_table_size(const struct regex_dfa *dfa)
{
	return 256 + (size_t)dfa->nstates * (size_t)dfa->nclasses * 2;
}

void regex_table_write(const struct regex_dfa *dfa, uint8_t *out)
{
	size_t n = (size_t)dfa->nstates * (size_t)dfa->nclasses;

	memcpy(out, dfa->cls, 256);
	for (size_t i = 0; i < n; i++) {
		out[256 + 2 * i] = (uint8_t)(dfa->next[i] & 0xff);
		out[256 + 2 * i + 1] = (uint8_t)(dfa->next[i] >> 8);
	}
}
