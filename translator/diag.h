/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics, collected per session.
 *
 * Passes report problems here and carry on where they can, so one run shows
 * every error the parser could recover from. Each diagnostic is printed as
 *
 *	file.stp:3:15: error: unknown function 'pidd'
 *	    3 | probe begin { print(pidd()) }
 *	      |                     ^~~~
 *	  hint: did you mean 'pid'?
 *
 * with optional notes ("previous definition here") that point at a second
 * place the same way.
 */
#ifndef BSTAP_DIAG_H
#define BSTAP_DIAG_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"

struct session;

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/*
 * Report an error at loc. Returns the diagnostic so hints and notes can be
 * attached: diag_hint(diag_error(s, loc, "..."), "did you mean '%s'?", n);
 */
struct diag *diag_error(struct session *s, struct src_loc loc,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct diag *diag_warning(struct session *s, struct src_loc loc,
			  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What the user should do about it; one hint per diagnostic. */
struct diag *diag_hint(struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A second place that explains the first ("first declared here"). */
struct diag *diag_note(struct diag *d, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Errors reported so far; passes stop between stages when non-zero. */
int diag_error_count(const struct session *s);

/* Print everything collected, in report order, then forget it. */
void diag_flush(struct session *s, FILE *out);

/*
 * The closest of `candidates` to `name` by edit distance, or NULL when none
 * is close enough to be a plausible typo. For "did you mean" hints.
 */
const char *diag_closest(const char *name, const char *const *candidates,
			 int n);

#endif
