/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Regular expressions for `=~` and `!~`: POSIX extended syntax, compiled at
 * translate time to a DFA that the BPF code walks byte by byte.
 *
 *	regex.c		the syntax: pattern text -> tree (regex_internal.h)
 *	regex_dfa.c	tree -> Thompson NFA -> DFA over byte classes
 *	regex_submatch.c	subexpressions of a match (runner tier)
 *
 * The DFA answers one question: does some substring of a NUL-terminated
 * string match (an unanchored search, `^` and `$` anchor at the ends)? It
 * reads the string's bytes and then its NUL, which stands for the end of
 * the input. Two states are special: REGEX_FAIL (nothing can match any
 * more) and REGEX_MATCH (a match was seen); both end the walk.
 */
#ifndef BSTAP_REGEX_COMPILE_H
#define BSTAP_REGEX_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGEX_FAIL	0
#define REGEX_MATCH	1

/* Limits: a pattern past them is refused with a message, never slow. */
#define REGEX_MAX_STATES	2048	/* DFA states */
#define REGEX_MAX_NFA		20000	/* NFA nodes ({m,n} copies its operand) */
#define REGEX_MAX_REPEAT	255	/* RE_DUP_MAX */
#define REGEX_MAX_WORK		50000000	/* closure steps: ~0.3 s */

struct regex_error {
	int offset;		/* byte of the pattern where it went wrong */
	char msg[200];
};

struct regex_dfa {
	uint8_t cls[256];	/* byte -> equivalence class; NUL has its own */
	int nclasses;
	int nstates;		/* rows, REGEX_FAIL and REGEX_MATCH included */
	int start;
	uint16_t *next;		/* [state * nclasses + class] -> state */
	int ngroups;		/* parenthesized subexpressions */
};

/* Compiles @pattern; 0, or -1 with @err filled (and nothing to free). */
int regex_compile(const char *pattern, struct regex_dfa *dfa,
		  struct regex_error *err);
void regex_dfa_free(struct regex_dfa *dfa);

/* Walks the DFA over @s (at most @max bytes) as the BPF matcher does. */
bool regex_dfa_match(const struct regex_dfa *dfa, const char *s,
		     size_t max);

/*
 * The table the BPF matcher reads (runtime/bpf/regex_match.c): 256 class
 * bytes, then nstates * nclasses little-endian u16 states.
 */
size_t regex_table_size(const struct regex_dfa *dfa);
void regex_table_write(const struct regex_dfa *dfa, uint8_t *out);

/*
 * Subexpressions (regex_submatch.c, used by the runner for matched()): the
 * leftmost-longest match of @pattern in the NUL-terminated @s, POSIX rules.
 * m[0] is the whole match, m[g] group g; start = end = -1 for a group
 * that took no part. Returns 1, 0 for no match, or -1 with @err (a bad
 * pattern, or more than REGEX_SUBMATCH_STEPS steps of backtracking).
 */
#define REGEX_SUBMATCH_STEPS	2000000

struct regex_span {
	int start, end;
};

int regex_submatch(const char *pattern, const char *s,
		   struct regex_span *m, int nm, int *ngroups,
		   struct regex_error *err);

#endif
