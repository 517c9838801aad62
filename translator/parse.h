/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pass 1: preprocess and parse SystemTap-language source into an AST, and
 * print an AST back as canonical source (-p1).
 */
#ifndef BSTAP_PARSE_H
#define BSTAP_PARSE_H

#include <stdio.h>

#include "ast.h"

struct session;

/*
 * Parse one file. Preprocessor conditionals, @define macros and positional
 * parameters ($1, @1, $#, @#) are handled on the way. Errors go to the
 * session; the parser recovers at the next declaration or statement, so the
 * returned AST may be partial when diag_error_count() is non-zero. Never
 * returns NULL.
 */
struct file_ast *parse_file(struct session *s, const struct source_file *src);

/* Read the @define macros of a .stpm file into the session. */
void parse_macro_file(struct session *s, const struct source_file *src);

/*
 * Parse a single probe point from text, for -l/-L patterns and the runner.
 * NULL (and a diagnostic) when it is not a probe point.
 */
struct probe_point *parse_probe_point(struct session *s,
				      const struct source_file *src);

/* -p1: the file as canonical source; parsing the output prints it again. */
void print_file_ast(FILE *out, const struct file_ast *f);
void print_decl(FILE *out, const struct decl *d);
void print_probe_point(FILE *out, const struct probe_point *pp);
void print_stmt(FILE *out, const struct stmt *st, int indent);
void print_expr(FILE *out, const struct expr *e);

#endif
