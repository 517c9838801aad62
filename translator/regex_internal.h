/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The parsed form of a regular expression, shared by the parser (regex.c)
 * and the automaton builder (regex_dfa.c). Nodes live in one malloc-ed
 * pool per compile, addressed by index.
 */
#ifndef BSTAP_REGEX_INTERNAL_H
#define BSTAP_REGEX_INTERNAL_H

#include <stdint.h>

#include "regex_compile.h"

enum re_kind {
	RE_EMPTY,	/* matches the empty string */
	RE_SET,		/* one byte of a set */
	RE_CAT,		/* a then b */
	RE_ALT,		/* a or b */
	RE_REPEAT,	/* a, min..max times (max -1: unbounded) */
	RE_BOL,		/* ^ */
	RE_EOL,		/* $ */
	RE_GROUP,	/* ( a ): group number in min, from 1 by '(' order */
};

struct re_set {
	uint64_t bits[4];	/* byte b is in the set: bit b */
};

struct re_node {
	enum re_kind kind;
	int a, b;		/* operands (node indexes) */
	int min, max;		/* RE_REPEAT */
	int set;		/* RE_SET: index into the set table */
};

struct re_tree {
	struct re_node *nodes;
	int n, cap;
	struct re_set *sets;
	int nsets, setcap;
	int root;
	int ngroups;
};

static inline void re_set_add(struct re_set *s, unsigned c)
{
	s->bits[c >> 6] |= 1ull << (c & 63);
}

static inline int re_set_has(const struct re_set *s, unsigned c)
{
	return (s->bits[c >> 6] >> (c & 63)) & 1;
}

/* regex.c: the tree of @pattern; 0, or -1 with @err (nothing to free) */
int re_parse(const char *pattern, struct re_tree *t, struct regex_error *err);
void re_tree_free(struct re_tree *t);

/* regex_dfa.c: the tree's DFA; 0, or -1 with @err (offset -1: whole). */
int re_build_dfa(const struct re_tree *t, struct regex_dfa *dfa,
		 struct regex_error *err);

#endif
