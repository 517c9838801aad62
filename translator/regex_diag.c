// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Regular expressions as the script's: compiling the pattern of an `=~`
 * literal and reporting what is wrong at the byte of the literal where it
 * went wrong (the pattern's offset is mapped back through the string's
 * escapes; a pattern joined from several literals points at the first).
 */
#include <string.h>

#include "diag.h"
#include "regex_compile.h"
#include "regex_diag.h"

/* Length of the escape at s ("\n", "\101", "\x41"...). */
static int escape_len(const char *s)
{
	int n = 2;

	if (s[1] == 'x') {
		while (n < 4 && strchr("0123456789abcdefABCDEF", s[n]) && s[n])
			n++;
	} else if (s[1] >= '0' && s[1] <= '7') {
		while (n < 4 && s[n] >= '0' && s[n] <= '7')
			n++;
	}
	return n;
}

/* The place of pattern byte @offset inside the literal at @lit. */
static struct src_loc place_of(struct src_loc lit, int offset)
{
	const char *text, *p;
	int line = 1;

	if (!lit.file || offset < 0)
		return lit;
	text = lit.file->text;
	for (p = text; *p && line < lit.line; p++)
		if (*p == '\n')
			line++;
	p += lit.col - 1;
	if (*p != '"')
		return lit;
	for (const char *q = p + 1; *q && *q != '"' && *q != '\n'; offset--) {
		if (offset == 0) {
			struct src_loc at = lit;

			at.col = lit.col + (int)(q - p);
			at.len = *q == '\\' ? escape_len(q) : 1;
			return at;
		}
		q += *q == '\\' ? escape_len(q) : 1;
	}
	return lit;
}

bool regex_compile_at(struct session *s, const char *pattern,
		      struct src_loc lit, struct regex_dfa *dfa)
{
	struct regex_error err;
	struct diag *d;

	if (!regex_compile(pattern, dfa, &err))
		return true;
	d = diag_error(s, place_of(lit, err.offset), err.offset < 0 ?
		       "cannot compile this regular expression: %s" :
		       "invalid regular expression: %s", err.msg);
	if (strstr(err.msg, "nothing before it") ||
	    strstr(err.msg, "without a matching"))
		diag_hint(d, "to match '%c' itself, escape it: \"\\\\%c\" in the script",
			  pattern[err.offset], pattern[err.offset]);
	return false;
}
