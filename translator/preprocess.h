/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tokens, the lexer, and the preprocessor that sits between them and the
 * parser.
 *
 * The lexer (lexer.l) turns text into tokens. The preprocessor pulls tokens
 * from it and hands the parser a stream in which @define macros are
 * expanded, %( %? %: %) conditionals are decided and positional parameters
 * ($1 @1) are substituted, the way stap does it: on tokens, not on text.
 */
#ifndef BSTAP_PREPROCESS_H
#define BSTAP_PREPROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ast.h"

struct session;

/*
 * Token kinds. Single-character operators are their own character, as
 * bison expects; everything else starts at 256.
 */
enum tok {
	TOK_EOF = 0,
	TOK_IDENT = 256,	/* text */
	TOK_TARGET,		/* $name, $$vars, $var$ ... : text */
	TOK_DOLLARS,		/* "$" or "$$" alone: pretty-print suffix */
	TOK_NUMBER,		/* num (64-bit, two's complement) */
	TOK_STRING,		/* text: escapes already decoded */
	TOK_EMBEDDED,		/* %{ code %}: text */
	TOK_AT,			/* @word: text without the '@' */
	TOK_POSITIONAL,		/* $N (num = N, text = "$") or @N ("@") */
	TOK_PARAM_COUNT,	/* $# (num 0) or @# (num 1) */
	/* keywords */
	TOK_PROBE, TOK_GLOBAL, TOK_PRIVATE, TOK_FUNCTION, TOK_IF, TOK_ELSE,
	TOK_FOR, TOK_FOREACH, TOK_IN, TOK_LIMIT, TOK_RETURN, TOK_DELETE,
	TOK_WHILE, TOK_BREAK, TOK_CONTINUE, TOK_NEXT, TOK_STRING_KW,
	TOK_LONG, TOK_TRY, TOK_CATCH,
	/* print family: num = enum print_kind */
	TOK_PRINT,
	/* multi-character operators */
	TOK_SHL3,		/* <<< */
	TOK_USHR,		/* >>> */
	TOK_SHL_ASSIGN, TOK_SHR_ASSIGN, TOK_USHR_ASSIGN,
	TOK_EQ, TOK_NE, TOK_LE, TOK_GE, TOK_MATCH, TOK_NOMATCH,
	TOK_ADD_ASSIGN, TOK_SUB_ASSIGN, TOK_MUL_ASSIGN, TOK_DIV_ASSIGN,
	TOK_MOD_ASSIGN, TOK_AND_ASSIGN, TOK_XOR_ASSIGN, TOK_OR_ASSIGN,
	TOK_CONCAT_ASSIGN,
	TOK_ANDAND, TOK_OROR, TOK_INC, TOK_DEC, TOK_ARROW, TOK_SHL, TOK_SHR,
	/* preprocessor */
	TOK_PP_IF,		/* %( */
	TOK_PP_THEN,		/* %? */
	TOK_PP_ELSE,		/* %: */
	TOK_PP_END,		/* %) */
	TOK_ERROR,		/* a character or literal the lexer rejected */
	TOK_LAST
};

struct token {
	int type;		/* enum tok or a character */
	struct src_loc loc;
	const char *text;
	int64_t num;
	bool ws_before;		/* whitespace or a comment precedes it */
	int depth;		/* macro expansion depth it came from */
	size_t off, end;	/* byte range in loc.file->text */
	/*
	 * A bad literal or character: reported when the token reaches the
	 * parser, not when it is lexed, so code in an untaken %( %) branch
	 * (written for another kernel or stap version) costs nothing.
	 */
	const char *error;
	const char *hint;
	bool error_is_warning;
	/* from a macro body: which macro, and where it was called */
	const char *macro;
	struct src_loc call;
};

/* "'if'", "identifier", "'<<<'": how messages name a kind of token. */
const char *tok_describe(int type);

/* ------------------------------------------------------------ lexer */

struct lexer;

/*
 * Lex text[0..len) which starts at line:col of file (macro bodies and
 * positional arguments are lexed where they were written). Errors go to
 * the session unless quiet, which is for text whose errors were reported
 * once already.
 */
struct lexer *lexer_new(struct session *s, const struct source_file *file,
			const char *text, size_t len, int line, int col,
			size_t base_off, bool quiet);
/* The next token; TOK_EOF at the end, forever. */
void lexer_next(struct lexer *lx, struct token *t);
void lexer_free(struct lexer *lx);

/* -------------------------------------------------------- preprocessor */

struct pp;

/*
 * A preprocessor over one file. In a macro file, @define is all there is;
 * macros defined there go to s->macros, visible to every file.
 */
struct pp *pp_new(struct session *s, const struct source_file *src,
		  bool macro_file);
/* Next token for the parser; TOK_EOF at the end. */
void pp_next(struct pp *pp, struct token *t);
/* Stop early (too many errors): pp_next returns TOK_EOF from now on. */
void pp_stop(struct pp *pp);
void pp_free(struct pp *pp);

#endif
