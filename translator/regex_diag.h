/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Compiling an `=~` pattern with errors reported at its string literal. */
#ifndef BSTAP_REGEX_DIAG_H
#define BSTAP_REGEX_DIAG_H

#include <stdbool.h>

#include "ast.h"
#include "regex_compile.h"

struct session;

/*
 * Compiles @pattern, the text of the literal at @lit. On a mistake reports
 * it (file:line:col at the offending byte of the literal) and returns
 * false; on success the caller frees @dfa with regex_dfa_free().
 */
bool regex_compile_at(struct session *s, const char *pattern,
		      struct src_loc lit, struct regex_dfa *dfa);

#endif
