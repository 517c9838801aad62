// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The syntax of regular expressions: POSIX extended (ERE), as regcomp(3)
 * with REG_EXTENDED reads it in the C locale, into a tree for regex_dfa.c.
 *
 *	regex   := branch ( '|' branch )*
 *	branch  := piece*			(may be empty: matches "")
 *	piece   := atom ( '*' | '+' | '?' | '{m}' | '{m,}' | '{m,n}' | '{,n}' )*
 *	atom    := '(' regex ')' | '.' | '^' | '$' | '[' bracket ']'
 *		 | '\' char | char
 *
 * Like glibc, `\w \W \s \S` are word and space classes and any other
 * escaped character stands for itself. Back-references and word
 * boundaries (`\1`, `\b`, `\<`...) cannot be matched by a DFA and are
 * refused by name. Mistakes glibc reports (unbalanced parentheses, a
 * quantifier with nothing before it, a bad interval or bracket) are
 * refused with what is wrong and where.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regex_internal.h"

struct re_parser {
	const char *pat;
	int pos;
	int depth;		/* open parentheses */
	struct re_tree *t;
	struct regex_error *err;
	int failed;
};

static int fail(struct re_parser *p, int at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct re_parser *p, int at, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return -1;
	p->failed = 1;
	p->err->offset = at;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int new_node(struct re_parser *p, enum re_kind kind, int a, int b)
{
	struct re_tree *t = p->t;

	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 32;
		struct re_node *n = realloc(t->nodes, cap * sizeof(*n));

		if (!n)
			return fail(p, p->pos, "out of memory");
		t->nodes = n;
		t->cap = cap;
	}
	t->nodes[t->n] = (struct re_node){ .kind = kind, .a = a, .b = b };
	return t->n++;
}

/* A RE_SET node for @s (copied). */
static int set_node(struct re_parser *p, const struct re_set *s)
{
	struct re_tree *t = p->t;
	int n;

	if (t->nsets == t->setcap) {
		int cap = t->setcap ? t->setcap * 2 : 16;
		struct re_set *v = realloc(t->sets, cap * sizeof(*v));

		if (!v)
			return fail(p, p->pos, "out of memory");
		t->sets = v;
		t->setcap = cap;
	}
	t->sets[t->nsets] = *s;
	n = new_node(p, RE_SET, -1, -1);
	if (n >= 0)
		t->nodes[n].set = t->nsets++;
	return n;
}

static int byte_node(struct re_parser *p, unsigned char c)
{
	struct re_set s = { { 0 } };

	re_set_add(&s, c);
	return set_node(p, &s);
}

/* ------------------------------------------------- character classes */

static int in_class(const char *name, int c)
{
	static const char punct[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

	if (!strcmp(name, "alpha"))
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (!strcmp(name, "digit"))
		return c >= '0' && c <= '9';
	if (!strcmp(name, "alnum"))
		return in_class("alpha", c) || in_class("digit", c);
	if (!strcmp(name, "upper"))
		return c >= 'A' && c <= 'Z';
	if (!strcmp(name, "lower"))
		return c >= 'a' && c <= 'z';
	if (!strcmp(name, "space"))
		return c == ' ' || (c >= '\t' && c <= '\r');
	if (!strcmp(name, "blank"))
		return c == ' ' || c == '\t';
	if (!strcmp(name, "punct"))
		return c && strchr(punct, c) != NULL;
	if (!strcmp(name, "print"))
		return c >= 0x20 && c < 0x7f;
	if (!strcmp(name, "graph"))
		return c > 0x20 && c < 0x7f;
	if (!strcmp(name, "cntrl"))
		return c < 0x20 || c == 0x7f;
	if (!strcmp(name, "xdigit"))
		return in_class("digit", c) || (c >= 'a' && c <= 'f') ||
		       (c >= 'A' && c <= 'F');
	return -1;
}

static void add_class(struct re_set *s, const char *name, int negate)
{
	for (int c = 1; c < 256; c++)
		if (in_class(name, c) != negate)
			re_set_add(s, (unsigned)c);
}

/* `\w \W \s \S` (GNU): a set node, or 0 when @c is none of them. */
static int escape_class(struct re_parser *p, char c)
{
	struct re_set s = { { 0 } };

	switch (c) {
	case 'w':
	case 'W':
		for (int b = 1; b < 256; b++)
			if ((in_class("alnum", b) || b == '_') == (c == 'w'))
				re_set_add(&s, (unsigned)b);
		break;
	case 's':
		add_class(&s, "space", 0);
		break;
	case 'S':
		add_class(&s, "space", 1);
		break;
	default:
		return 0;
	}
	return set_node(p, &s) >= 0 ? 1 : -1;
}

/* ---------------------------------------------------------- brackets */

/*
 * One endpoint or single element inside [...]: a byte, or [.c.] / [=c=]
 * (in the C locale, both one byte). Returns the byte or -1.
 */
static int bracket_char(struct re_parser *p)
{
	const char *s = p->pat + p->pos;

	if (s[0] == '[' && (s[1] == '.' || s[1] == '=')) {
		char kind = s[1];
		int at = p->pos;

		if (!s[2] || s[3] != kind || s[4] != ']')
			return fail(p, at, "'[%c' must hold one character and end with '%c]'",
				    kind, kind);
		p->pos += 5;
		return (unsigned char)s[2];
	}
	p->pos++;
	return (unsigned char)s[0];
}

static int bracket_class(struct re_parser *p, struct re_set *set)
{
	const char *s = p->pat + p->pos + 2;	/* after "[:" */
	const char *end = strstr(s, ":]");
	char name[16];
	int at = p->pos;

	if (!end)
		return fail(p, at, "'[:' starts a character class but no ':]' ends it");
	if ((size_t)(end - s) >= sizeof(name) ||
	    (memcpy(name, s, (size_t)(end - s)), name[end - s] = 0,
	     in_class(name, 'a') < 0))
		return fail(p, at, "unknown character class '[:%.*s:]' (known: alpha digit alnum upper lower space blank punct print graph cntrl xdigit)",
			    (int)(end - s), s);
	add_class(set, name, 0);
	p->pos = (int)(end - p->pat) + 2;
	return 0;
}

static int bracket(struct re_parser *p)
{
	int open = p->pos;
	struct re_set set = { { 0 } };
	int negate = 0, first = 1;

	p->pos++;
	if (p->pat[p->pos] == '^') {
		negate = 1;
		p->pos++;
	}
	for (;;) {
		const char *s = p->pat + p->pos;
		int lo, hi, at = p->pos;

		if (!*s)
			return fail(p, open, "'[' without a matching ']'");
		if (*s == ']' && !first)
			break;
		first = 0;
		if (s[0] == '[' && s[1] == ':') {
			if (bracket_class(p, &set))
				return -1;
			continue;
		}
		lo = bracket_char(p);
		if (lo < 0)
			return -1;
		s = p->pat + p->pos;
		if (s[0] == '-' && s[1] && s[1] != ']') {
			p->pos++;
			if (s[1] == '[' && s[2] == ':')
				return fail(p, p->pos, "a character class cannot end a range");
			hi = bracket_char(p);
			if (hi < 0)
				return -1;
			if (hi < lo)
				return fail(p, at, "the range '%.*s' is backwards",
					    p->pos - at, p->pat + at);
		} else {
			hi = lo;
		}
		for (int c = lo; c <= hi; c++)
			if (c)
				re_set_add(&set, (unsigned)c);
	}
	p->pos++;
	if (negate) {
		for (int w = 0; w < 4; w++)
			set.bits[w] = ~set.bits[w];
		set.bits[0] &= ~1ull;	/* NUL ends the string */
	}
	return set_node(p, &set);
}

/* ------------------------------------------------------------- atoms */

static int parse_alt(struct re_parser *p);

static int escape(struct re_parser *p)
{
	char c = p->pat[p->pos + 1];
	int at = p->pos, r;

	if (!c)
		return fail(p, at, "'\\' at the end of the pattern escapes nothing");
	p->pos += 2;
	if (c >= '1' && c <= '9')
		return fail(p, at, "back-references ('\\%c') are not supported: a DFA cannot match them",
			    c);
	if (strchr("bB<>`'", c))
		return fail(p, at, "the GNU assertion '\\%c' is not supported", c);
	r = escape_class(p, c);
	if (r < 0)
		return -1;
	if (r)
		return p->t->n - 1;
	return byte_node(p, (unsigned char)c);
}

static int atom(struct re_parser *p)
{
	char c = p->pat[p->pos];
	int at = p->pos, n;
	struct re_set any = { { ~1ull, ~0ull, ~0ull, ~0ull } };

	switch (c) {
	case '(': {
		int group = ++p->t->ngroups;	/* numbered by their '(' */

		p->pos++;
		p->depth++;
		n = parse_alt(p);
		if (n < 0)
			return -1;
		if (p->pat[p->pos] != ')')
			return fail(p, at, "'(' without a matching ')'");
		p->pos++;
		p->depth--;
		n = new_node(p, RE_GROUP, n, -1);
		if (n >= 0)
			p->t->nodes[n].min = group;
		return n;
	}
	case '.':
		p->pos++;
		return set_node(p, &any);
	case '^':
		p->pos++;
		return new_node(p, RE_BOL, -1, -1);
	case '$':
		p->pos++;
		return new_node(p, RE_EOL, -1, -1);
	case '[':
		return bracket(p);
	case '\\':
		return escape(p);
	case '*':
	case '+':
	case '?':
	case '{':
		return fail(p, at, "'%c' has nothing before it to repeat", c);
	case ')':
		return fail(p, at, "')' without a matching '('");
	default:
		p->pos++;
		return byte_node(p, (unsigned char)c);
	}
}

static int number(struct re_parser *p)
{
	long v = 0;
	int start = p->pos;

	while (p->pat[p->pos] >= '0' && p->pat[p->pos] <= '9') {
		v = v * 10 + (p->pat[p->pos++] - '0');
		if (v > 100000)
			v = 100000;
	}
	return p->pos == start ? -1 : (int)v;
}

/* {m} {m,} {m,n} {,n}: fills min and max (-1: unbounded). */
static int interval(struct re_parser *p, int *min, int *max)
{
	int at = p->pos;

	p->pos++;
	*min = number(p);
	if (p->pat[p->pos] == ',') {
		p->pos++;
		*max = number(p);	/* none: unbounded */
		if (*min < 0 && *max >= 0)
			*min = 0;	/* {,n} */
	} else {
		*max = *min;
	}
	if (*min < 0 || p->pat[p->pos] != '}')
		return fail(p, at, "'{' must start a repetition count: {m}, {m,}, {m,n} or {,n}");
	p->pos++;
	if (*min > REGEX_MAX_REPEAT || *max > REGEX_MAX_REPEAT)
		return fail(p, at, "repetition count above %d", REGEX_MAX_REPEAT);
	if (*max >= 0 && *max < *min)
		return fail(p, at, "repetition '%.*s': the maximum is below the minimum",
			    p->pos - at, p->pat + at);
	return 0;
}

static int piece(struct re_parser *p)
{
	int n = atom(p);

	while (n >= 0) {
		char c = p->pat[p->pos];
		int min, max;

		if (c == '*') {
			min = 0, max = -1;
			p->pos++;
		} else if (c == '+') {
			min = 1, max = -1;
			p->pos++;
		} else if (c == '?') {
			min = 0, max = 1;
			p->pos++;
		} else if (c == '{') {
			if (interval(p, &min, &max))
				return -1;
		} else {
			break;
		}
		if (p->t->nodes[n].kind == RE_BOL ||
		    p->t->nodes[n].kind == RE_EOL)
			return fail(p, p->pos - 1, "an anchor ('^' or '$') cannot be repeated");
		n = new_node(p, RE_REPEAT, n, -1);
		if (n >= 0) {
			p->t->nodes[n].min = min;
			p->t->nodes[n].max = max;
		}
	}
	return n;
}

static int branch(struct re_parser *p)
{
	int n = -2;

	for (;;) {
		char c = p->pat[p->pos];
		int m;

		if (!c || c == '|' || (c == ')' && p->depth))
			break;
		m = piece(p);
		if (m < 0)
			return -1;
		n = n == -2 ? m : new_node(p, RE_CAT, n, m);
		if (n < 0)
			return -1;
	}
	return n == -2 ? new_node(p, RE_EMPTY, -1, -1) : n;
}

static int parse_alt(struct re_parser *p)
{
	int n = branch(p);

	while (n >= 0 && p->pat[p->pos] == '|') {
		int m;

		p->pos++;
		m = branch(p);
		if (m < 0)
			return -1;
		n = new_node(p, RE_ALT, n, m);
	}
	return n;
}

void re_tree_free(struct re_tree *t)
{
	free(t->nodes);
	free(t->sets);
	memset(t, 0, sizeof(*t));
}

int re_parse(const char *pattern, struct re_tree *t, struct regex_error *err)
{
	struct re_parser p = { .pat = pattern, .t = t, .err = err };

	memset(t, 0, sizeof(*t));
	t->root = parse_alt(&p);
	if (t->root >= 0 && pattern[p.pos])	/* a ')' at depth 0 */
		fail(&p, p.pos, "')' without a matching '('");
	if (p.failed) {
		re_tree_free(t);
		return -1;
	}
	return 0;
}

int regex_compile(const char *pattern, struct regex_dfa *dfa,
		  struct regex_error *err)
{
	struct re_tree t;
	int r;

	memset(dfa, 0, sizeof(*dfa));
	if (re_parse(pattern, &t, err))
		return -1;
	r = re_build_dfa(&t, dfa, err);
	dfa->ngroups = t.ngroups;
	re_tree_free(&t);
	return r;
}
