/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stap's printf family, formatted in user space.
 *
 * A format string is parsed once (by the translator to check the script, by
 * the runner when it loads the object) into a list of specs; each record is
 * then formatted from its typed arguments. Parsing follows stap 4.8's pass-1
 * rules, formatting follows the code stap 4.8 generates for printf (the
 * default, non-legacy print path) on top of its runtime/vsprintf.c:
 *
 *  - one flag at most per conversion ("%-+d" is an error, as in stap);
 *  - an 'l' length modifier is accepted and ignored; "%lld", "%hd" are errors;
 *  - a lone '%' at the end is an error, a trailing "%l" or "%." is dropped;
 *  - "%p" is "%#x" on the 64-bit value: 0x1f, not 0x000000000000001f;
 *  - "%#o" of 0 is "00", "%#x" of 0 is "0x0", "%.0d" of 0 is "0";
 *  - "%c" writes the low byte; "%#c" escapes it like a C char literal;
 *  - "%b" writes the value in host byte order, width/precision 1, 2, 4, 8;
 *  - "%m"/"%M" write/hex-dump precision bytes (1 without a precision);
 *  - "%0s", "%0m", "%0M" append a NUL byte after the field (stap does);
 *  - a "*" width below zero counts as 0, a "*" precision below zero as 0;
 *  - "%.s" leaves the precision unspecified, "%.0s" prints nothing;
 *  - "%s" stops at a NUL byte and prints at most 8192 bytes;
 *  - one printf record is at most FMT_PRINT_LIMIT bytes, cut the way stap's
 *    two-pass sizing cuts it (widths shrink to the room left).
 *
 * The output may therefore contain NUL bytes (%b, %c, %0s): use the strbuf's
 * len, not strlen. fmt_sprintf() applies stap's string rules instead.
 */
#ifndef BSTAP_FORMAT_H
#define BSTAP_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "strbuf.h"

/* Largest output of one printf (stap's STP_BUFFER_SIZE); longer is cut. */
#define FMT_PRINT_LIMIT 8192
/* Default MAXSTRINGLEN for sprintf() and friends. */
#define FMT_MAXSTRINGLEN 256

enum fmt_conv {
	FMT_LITERAL,		/* text between conversions, "%%" already '%' */
	FMT_SIGNED,		/* %d %i */
	FMT_UNSIGNED,		/* %u */
	FMT_OCTAL,		/* %o */
	FMT_HEX,		/* %x */
	FMT_HEX_UPPER,		/* %X */
	FMT_POINTER,		/* %p */
	FMT_STRING,		/* %s */
	FMT_CHAR,		/* %c */
	FMT_BINARY,		/* %b */
	FMT_MEMORY,		/* %m */
	FMT_MEMORY_HEX,		/* %M */
};

/* Flags; a spec carries at most one of the first five (stap's parser). */
#define FMT_F_ZEROPAD	0x01
#define FMT_F_PLUS	0x04
#define FMT_F_SPACE	0x08
#define FMT_F_LEFT	0x10
#define FMT_F_SPECIAL	0x20	/* '#' */

/* Width and precision kinds. */
#define FMT_UNSPEC	(-1)	/* not given */
#define FMT_STAR	(-2)	/* '*': taken from the next argument */

/* Static widths and precisions above this are cut to it when parsed. */
#define FMT_MAX_WIDTH	1000000

struct fmt_spec {
	enum fmt_conv conv;
	unsigned int flags;
	int width;		/* >= 0, FMT_UNSPEC or FMT_STAR */
	int precision;		/* >= 0, FMT_UNSPEC or FMT_STAR */
	size_t offset;		/* of the '%' (or the literal) in the source */
	const char *text;	/* FMT_LITERAL only: its bytes (in fmt->text) */
	size_t len;
};

struct fmt {
	struct fmt_spec *specs;
	size_t nspecs;
	size_t nargs;		/* arguments a call takes, '*' ones included */
	char *text;		/* literal bytes of all FMT_LITERAL specs */
};

struct fmt_error {
	size_t offset;		/* byte offset in the format of the problem */
	const char *msg;	/* stap's wording; static storage */
};

/* Kinds of argument values a formatted call receives. */
enum fmt_arg_kind {
	FMT_ARG_LONG,		/* int64_t: numbers, %c, %b, '*' */
	FMT_ARG_STRING,		/* bytes + length: %s; stops at a NUL byte */
	FMT_ARG_BYTES,		/* bytes + length: the memory of %m and %M */
};

struct fmt_arg {
	enum fmt_arg_kind kind;
	int64_t l;
	const char *s;		/* NULL prints as "<NULL>" for %s */
	size_t len;
};

#define FMT_LONG(v)	((struct fmt_arg){ .kind = FMT_ARG_LONG, .l = (v) })
#define FMT_STR(p)	((struct fmt_arg){ .kind = FMT_ARG_STRING, .s = (p), \
				.len = (p) ? strlen(p) : 0 })
#define FMT_BYTES(p, n)	((struct fmt_arg){ .kind = FMT_ARG_BYTES, .s = (p), \
				.len = (n) })

/*
 * Parse @len bytes of @src. Returns 0, or -1 with @err filled (if not NULL)
 * and @f left empty. Messages are stap's: "invalid or missing conversion
 * specifier", "trailing incomplete print format conversion".
 */
int fmt_parse(struct fmt *f, const char *src, size_t len,
	      struct fmt_error *err);
void fmt_release(struct fmt *f);

/* stap's pass-2 message when a call's argument count does not match. */
#define FMT_ERR_NARGS "Wrong number of args to formatted print operator"

/*
 * What argument @i (0-based) of a call must be at run time; -1 past the
 * end. In the script, %m and %M take a long (an address): FMT_ARG_BYTES
 * says the record carries the bytes read from there instead.
 */
int fmt_arg_kind_at(const struct fmt *f, size_t i);

/*
 * Bytes a %m/%M spec reads from its address, given the value of its '*'
 * precision (ignored for a static one): the precision, at most
 * FMT_PRINT_LIMIT, or 1 without one. What the BPF side must copy.
 */
size_t fmt_memory_bytes(const struct fmt_spec *s, int64_t star_precision);

/*
 * Append the formatted output to @sb as stap's printf does, cut at @limit
 * bytes (FMT_PRINT_LIMIT for printf). Returns the bytes appended, or -1 when
 * @args do not match the format (count or kind); nothing is appended then.
 */
long fmt_format(struct strbuf *sb, const struct fmt *f,
		const struct fmt_arg *args, size_t nargs, size_t limit);

/*
 * sprintf(): as fmt_format with a MAXSTRINGLEN buffer, then cut at the first
 * NUL byte, as a stap string is. At most @maxstringlen - 1 bytes.
 */
long fmt_sprintf(struct strbuf *sb, const struct fmt *f,
		 const struct fmt_arg *args, size_t nargs, size_t maxstringlen);

/*
 * print/println/printd/printdln and their s- forms: each value as "%d" or
 * "%s", @delim (may be NULL) between them, '\n' after if @newline. Cut at
 * @limit bytes like printf. Returns bytes appended.
 */
long fmt_print_values(struct strbuf *sb, const struct fmt_arg *args,
		      size_t nargs, const char *delim, size_t delim_len,
		      int newline, size_t limit);

/* sprint/sprintln/sprintd/sprintdln: the same into a stap string, cut as
 * fmt_sprintf cuts. */
long fmt_sprint_values(struct strbuf *sb, const struct fmt_arg *args,
		       size_t nargs, const char *delim, size_t delim_len,
		       int newline, size_t maxstringlen);

/* One long as print() shows it: decimal, '-' when negative. */
void fmt_print_long(struct strbuf *sb, int64_t v);

/*
 * stap's _stp_text_str(), behind text_str(), text_strn() and
 * string_quoted(): printable ASCII as is, C escapes for \a \b \f \n \r \t
 * \v \" \\, valid UTF-8 as \uXXXX or \UXXXXXXXX, other bytes as \ooo. At
 * most @outlen output characters (<= 0 or too big: MAXSTRINGLEN - 1) from
 * at most @inlen input bytes (likewise); @quoted adds double quotes and,
 * when the input was cut, "..." after them. @s holds @len bytes of a stap
 * string: it ends at a NUL byte or at len.
 *
 *	string_quoted(s):	 fmt_text_str(sb, s, len, msl, msl, 1, msl)
 *	text_str(s):		 fmt_text_str(sb, s, len, 0, 0, 0, msl)
 *	text_strn(s, n, q):	 fmt_text_str(sb, s, len, 0, n, q, msl)
 *				 (n clamped to 0..msl first, as stap does)
 */
void fmt_text_str(struct strbuf *sb, const char *s, size_t len, long inlen,
		  long outlen, int quoted, size_t maxstringlen);

#endif
