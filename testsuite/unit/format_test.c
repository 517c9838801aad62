// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * printf formatting. Expected outputs come from SystemTap's own testsuite
 * (systemtap.printf/int1, ptr-1.3, string1, char1, memory1 and print*),
 * and, for the corners no test shows, from stap 4.8's runtime/vsprintf.c
 * and the printf code its translator generates (stap -p3), whose rules are
 * cited next to each case.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "../lib/tap.h"

#define NARGS(...) (sizeof((struct fmt_arg[]){ __VA_ARGS__ }) / \
		    sizeof(struct fmt_arg))

/* Formats with printf's limit and compares bytes (NULs included). */
static void check_bytes(const char *fmt, const struct fmt_arg *args,
			size_t nargs, const char *want, size_t want_len)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt f;
	struct fmt_error err = { 0, NULL };
	long n = -2;
	int ok;

	if (fmt_parse(&f, fmt, strlen(fmt), &err) == 0) {
		n = fmt_format(&sb, &f, args, nargs, FMT_PRINT_LIMIT);
		fmt_release(&f);
	}
	ok = n == (long)want_len && (!want_len || !memcmp(sb.data, want,
							   want_len));
	if (!tap_ok(ok, "printf(\"%.*s\")", (int)strcspn(fmt, "\n"), fmt))
		printf("# got %ld bytes '%s' (%s), want %zu '%s'\n", n,
		       sb.data ? sb.data : "", err.msg ? err.msg : "-",
		       want_len, want);
	strbuf_release(&sb);
}

#define CHECK(fmt, want, ...) \
	check_bytes(fmt, (struct fmt_arg[]){ __VA_ARGS__ }, \
		    NARGS(__VA_ARGS__), want, strlen(want))
#define CHECK_N(fmt, want, len, ...) \
	check_bytes(fmt, (struct fmt_arg[]){ __VA_ARGS__ }, \
		    NARGS(__VA_ARGS__), want, len)

/* The five values of stap's systemtap.printf/int1.stp. */
#define INT1 FMT_LONG(1), FMT_LONG(10), FMT_LONG(9000000000000LL), \
	FMT_LONG(-1), FMT_LONG(-1024)

static void test_int1(void)
{
	CHECK("%d,%d,%d,%d,%d", "1,10,9000000000000,-1,-1024", INT1);
	CHECK("%2d,%2d,%2d,%2d,%2d", " 1,10,9000000000000,-1,-1024", INT1);
	CHECK("%16d,%16d,%16d,%16d,%16d",
	      "               1,              10,   9000000000000,"
	      "              -1,           -1024", INT1);
	CHECK("%016d,%016d,%016d,%016d,%016d",
	      "0000000000000001,0000000000000010,0009000000000000,"
	      "-000000000000001,-000000000001024", INT1);
	CHECK("%u,%u,%u,%u,%u", "1,10,9000000000000,18446744073709551615,"
	      "18446744073709550592", INT1);
	CHECK("%016u,%016u,%016u,%016u,%016u",
	      "0000000000000001,0000000000000010,0009000000000000,"
	      "18446744073709551615,18446744073709550592", INT1);
	CHECK("%x,%x,%x,%x,%x",
	      "1,a,82f79cd9000,ffffffffffffffff,fffffffffffffc00", INT1);
	CHECK("%2x,%2x,%2x,%2x,%2x",
	      " 1, a,82f79cd9000,ffffffffffffffff,fffffffffffffc00", INT1);
	CHECK("%016X,%016X,%016X,%016X,%016X",
	      "0000000000000001,000000000000000A,0000082F79CD9000,"
	      "FFFFFFFFFFFFFFFF,FFFFFFFFFFFFFC00", INT1);
	CHECK("%#x,%#x,%#x,%#x,%#x", "0x1,0xa,0x82f79cd9000,"
	      "0xffffffffffffffff,0xfffffffffffffc00", INT1);
	CHECK("%o,%o,%o,%o,%o", "1,12,202757163310000,"
	      "1777777777777777777777,1777777777777777776000", INT1);
	CHECK("%16o,%16o,%16o,%16o,%16o",
	      "               1,              12, 202757163310000,"
	      "1777777777777777777777,1777777777777777776000", INT1);
	CHECK("%#o,%#o,%#o,%#o,%#o", "01,012,0202757163310000,"
	      "01777777777777777777777,01777777777777777776000", INT1);
	/* 'l' is accepted and changes nothing (all values are 64-bit). */
	CHECK("%ld|%li|%lx", "-1|10|3ff", FMT_LONG(-1), FMT_LONG(10),
	      FMT_LONG(1023));
}

/* systemtap.printf/ptr-1.3: %p is %#x since stap 1.3. */
#define PTRS FMT_LONG(0), FMT_LONG(1), FMT_LONG(0x12345678), \
	FMT_LONG(0x12345678abcdef00LL)

static void test_pointer(void)
{
	CHECK("%p|%p|%p|%p", "0x0|0x1|0x12345678|0x12345678abcdef00", PTRS);
	CHECK("%20pX|%20pX", "                 0x0X|  0x12345678abcdef00X",
	      FMT_LONG(0), FMT_LONG(0x12345678abcdef00LL));
	CHECK("%-20pX|%-20pX", "0x1                 X|0x12345678abcdef00  X",
	      FMT_LONG(1), FMT_LONG(0x12345678abcdef00LL));
	CHECK("%.20pX", "0x00000000000012345678X", FMT_LONG(0x12345678));
	CHECK("%20.8pX|%-20.8pX", "          0x00000001X|0x00000001          X",
	      FMT_LONG(1), FMT_LONG(1));
	CHECK("%8p|%-8pX|%.8p", "     0x1|0x0     X|0x12345678", FMT_LONG(1),
	      FMT_LONG(0), FMT_LONG(0x12345678));
}

static void test_strings(void)
{
	/* systemtap.printf/string1 and char1. */
	CHECK("The string is <%s>\n", "The string is <Foobar!>\n",
	      FMT_STR("Foobar!"));
	CHECK("%s%s%s%s", "XYZZYFoobar!XYZZYFoobar!", FMT_STR("XYZZY"),
	      FMT_STR("Foobar!"), FMT_STR("XYZZY"), FMT_STR("Foobar!"));
	CHECK("%c%c%c%c", "stap", FMT_LONG(115), FMT_LONG(116), FMT_LONG(97),
	      FMT_LONG(112));
	/* Widths and precision (vsprintf.c: _stp_vsprint_memory). */
	CHECK("[%5s|%-5s|%.3s|%2s]", "[   ab|ab   |abc|abcdef]", FMT_STR("ab"),
	      FMT_STR("ab"), FMT_STR("abcdef"), FMT_STR("abcdef"));
	/* The generated code passes a static precision of 0 through. */
	CHECK("[%.0s]", "[]", FMT_STR("abc"));
	/* "%.s": no digits after '.', so no precision at all. */
	CHECK("[%.s]", "[abc]", FMT_STR("abc"));
	/* '*' values: clamp_t(int, v, 0, room), no left-justifying. */
	CHECK("[%*s|%.*s|%.*s]", "[  ab|ab|]", FMT_LONG(4), FMT_STR("ab"),
	      FMT_LONG(2), FMT_STR("abcd"), FMT_LONG(-1), FMT_STR("abcd"));
	CHECK("[%*s]", "[ab]", FMT_LONG(-6), FMT_STR("ab"));
	/* A '0' flag on %s makes stap store a NUL after the field. */
	CHECK_N("%05s|", "   ab\0|", 7, FMT_STR("ab"));
	/* A string stops at its first NUL, as a C string does in stap. */
	check_bytes("<%s>", (struct fmt_arg[]){ FMT_BYTES("ab\0cd", 5) }, 1,
		    "<ab>", 4);
	CHECK("<%s>", "<<NULL>>",
	      ((struct fmt_arg){ .kind = FMT_ARG_STRING, .s = NULL }));
}

static void test_char_binary(void)
{
	/* '#' escapes as a C char literal, octal otherwise. */
	CHECK("%#c|%#c|%#c|%#c|%#c|%#c", "a|\\n|\\'|\\\\|\\000|\\310",
	      FMT_LONG('a'), FMT_LONG('\n'), FMT_LONG('\''), FMT_LONG('\\'),
	      FMT_LONG(0), FMT_LONG(200));
	CHECK("[%3c|%-3c|%#5c]", "[  x|x  |   \\t]", FMT_LONG('x'),
	      FMT_LONG('x'), FMT_LONG('\t'));
	/* %c takes the low byte of the 64-bit value. */
	CHECK("%c", "A", FMT_LONG(0x1241));
	/* %b: host byte order (x86-64: little endian), 8 bytes by default. */
	CHECK_N("%b", "\x08\x07\x06\x05\x04\x03\x02\x01", 8,
		FMT_LONG(0x0102030405060708LL));
	CHECK_N("%1b%2b%4b", "ABAtsil", 7, FMT_LONG('A'), FMT_LONG(0x4142),
		FMT_LONG(0x6c697374));
	/* Width pads with NULs, precision picks the size. */
	CHECK_N("%4.1b|%-4.1b", "\0\0\0A|A\0\0\0", 9, FMT_LONG('A'),
		FMT_LONG('A'));
	/* A width that is no size falls back to 8 bytes. */
	CHECK_N("%3b", "A\0\0\0\0\0\0\0", 8, FMT_LONG('A'));
}

static void test_numbers(void)
{
	CHECK("[% d|% d|%+d|%+d|%+u]", "[ 5|-5|+5|-5|5]", FMT_LONG(5),
	      FMT_LONG(-5), FMT_LONG(5), FMT_LONG(-5), FMT_LONG(5));
	CHECK("[%-5d|%5.3d|%.0d|%.0x]", "[7    |  007|0|0]", FMT_LONG(7),
	      FMT_LONG(7), FMT_LONG(0), FMT_LONG(0));
	/* number(): with '0' the field is zero-padded, precision or not. */
	CHECK("[%05.3d]", "[00007]", FMT_LONG(7));
	CHECK("[%#o|%#x|%#X]", "[00|0x0|0X1F]", FMT_LONG(0), FMT_LONG(0),
	      FMT_LONG(31));
	CHECK("%d", "-9223372036854775808", FMT_LONG(INT64_MIN));
	check_bytes("%%|100%%", NULL, 0, "%|100%", 6);
}

static void test_memory(void)
{
	static const char name[] = "/etc/passwd";

	/* systemtap.printf/memory1, with the bytes the BPF side copied. */
#define MEM FMT_BYTES(name, sizeof(name) - 1)
	CHECK("%m", "/", MEM);
	CHECK("%.5m|%.*m", "/etc/|/etc/", MEM, FMT_LONG(5), MEM);
	CHECK("%5m|%*m", "    /|    /", MEM, FMT_LONG(5), MEM);
	CHECK("%4.5m|%15.5m", "/etc/|          /etc/", MEM, MEM);
	CHECK("%15.*m", "    /etc/passwd", FMT_LONG(11), MEM);
	CHECK("%*.*M", "  2f6574632f70", FMT_LONG(14), FMT_LONG(6), MEM);
	CHECK("%-6.2M|", "2f65  |", MEM);
#undef MEM
}

static void test_parse(void)
{
	struct fmt f;
	struct fmt_error e = { 0, NULL };

	tap_is_int(fmt_parse(&f, "abc%", 4, &e), -1, "lone '%%' at the end");
	tap_ok(e.msg && !strcmp(e.msg, "invalid or missing conversion "
				"specifier") && e.offset == 3,
	       "  ... stap's message, offset of the '%%'");
	tap_is_int(fmt_parse(&f, "%5", 2, &e), -1, "\"%%5\" is incomplete");
	tap_ok(e.msg && !strcmp(e.msg, "trailing incomplete print format "
				"conversion") && e.offset == 0,
	       "  ... stap's message");
	tap_is_int(fmt_parse(&f, "x%-+d", 5, &e), -1, "one flag only");
	tap_is_int((long)e.offset, 3, "  ... offset of the second flag");
	tap_is_int(fmt_parse(&f, "%lld", 4, &e), -1, "one 'l' only");
	tap_is_int(fmt_parse(&f, "%hd", 3, &e), -1, "no 'h'");
	tap_is_int(fmt_parse(&f, "%.x%5.l", 7, &e), -1, "\"%%5.l\" at end");
	tap_is_int(fmt_parse(&f, NULL, 3, &e), 0,
		   "NULL source is an empty format");
	fmt_release(&f);

	/* stap drops an empty trailing conversion: "abc%l" prints "abc". */
	check_bytes("abc%l", NULL, 0, "abc", 3);
	tap_is_int(fmt_parse(&f, "%*.*d%s%m", 9, &e), 0, "star format parses");
	tap_is_int((long)f.nargs, 5, "  ... takes five arguments");
	tap_is_int(fmt_arg_kind_at(&f, 1), FMT_ARG_LONG, "  ... precision");
	tap_is_int(fmt_arg_kind_at(&f, 3), FMT_ARG_STRING, "  ... %%s");
	tap_is_int(fmt_arg_kind_at(&f, 4), FMT_ARG_BYTES, "  ... %%m");
	tap_is_int(fmt_arg_kind_at(&f, 5), -1, "  ... nothing after");
	fmt_release(&f);
}

/* What the BPF side copies for %m/%M: _stp_vsprint_memory's len. */
static void test_memory_bytes(void)
{
	struct fmt f;

	fmt_parse(&f, "%m%.4M%.*m%d", 12, NULL);
	tap_is_int((long)fmt_memory_bytes(&f.specs[0], 0), 1,
		   "%%m reads 1 byte");
	tap_is_int((long)fmt_memory_bytes(&f.specs[1], 0), 4,
		   "%%.4M reads 4 bytes");
	tap_is_int((long)fmt_memory_bytes(&f.specs[2], 20), 20,
		   "%%.*m reads the '*' value");
	tap_is_int((long)fmt_memory_bytes(&f.specs[2], -3), 1,
		   "  ... 1 when it is negative");
	tap_is_int((long)fmt_memory_bytes(&f.specs[2], 100000), 8192,
		   "  ... at most STP_BUFFER_SIZE");
	tap_is_int((long)fmt_memory_bytes(&f.specs[3], 5), 0,
		   "%%d reads no memory");
	fmt_release(&f);
}

static void test_mismatch(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt f;

	fmt_parse(&f, "%d %s", 5, NULL);
	tap_is_int(fmt_format(&sb, &f, (struct fmt_arg[]){ FMT_LONG(1) }, 1,
			      FMT_PRINT_LIMIT), -1, "too few arguments");
	tap_is_int(fmt_format(&sb, &f, (struct fmt_arg[]){ FMT_STR("a"),
			      FMT_STR("b") }, 2, FMT_PRINT_LIMIT), -1,
		   "a string for %%d");
	tap_is_int((long)sb.len, 0, "  ... nothing written");
	tap_is_int(fmt_format(NULL, &f, NULL, 0, FMT_PRINT_LIMIT), -1,
		   "NULL strbuf");
	tap_is_int(fmt_format(&sb, NULL, NULL, 0, FMT_PRINT_LIMIT), -1,
		   "NULL format");
	tap_is_int(fmt_parse(NULL, "%d", 2, NULL), -1, "NULL fmt to parse");
	fmt_release(&f);
	strbuf_release(&sb);
}

static void test_limits(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt f;
	char want[300];

	/*
	 * sprintf: a MAXSTRINGLEN buffer; the width is cut to the room
	 * (256), and the last byte becomes the terminating NUL.
	 */
	fmt_parse(&f, "%300d", 5, NULL);
	fmt_sprintf(&sb, &f, (struct fmt_arg[]){ FMT_LONG(123) }, 1, 256);
	memset(want, ' ', 253);
	memcpy(want + 253, "12", 3);
	tap_is_str(sb.data, want, "sprintf cut at MAXSTRINGLEN - 1");
	strbuf_reset(&sb);
	/* printf: one record holds at most STP_BUFFER_SIZE bytes. */
	fmt_format(&sb, &f, (struct fmt_arg[]){ FMT_LONG(123) }, 1, 200);
	tap_is_int((long)sb.len, 200, "printf cut at its limit");
	fmt_release(&f);
	strbuf_reset(&sb);
	fmt_parse(&f, "%9000d", 6, NULL);
	fmt_format(&sb, &f, (struct fmt_arg[]){ FMT_LONG(1) }, 1,
		   FMT_PRINT_LIMIT);
	tap_ok(sb.len == 8192 && sb.data[8191] == '1' && sb.data[0] == ' ',
	       "huge width: 8191 spaces and the digit");
	fmt_release(&f);
	strbuf_reset(&sb);
	/* sprintf stops at a NUL, e.g. from %c of 0. */
	fmt_parse(&f, "a%cb", 4, NULL);
	fmt_sprintf(&sb, &f, (struct fmt_arg[]){ FMT_LONG(0) }, 1, 256);
	tap_is_str(sb.data, "a", "sprintf string ends at a NUL byte");
	fmt_release(&f);
	strbuf_release(&sb);
}

/*
 * Formats without width, precision, %b, %m or %M go through one pass while
 * they stay under the limit (fmt_format()); at the limit, through stap's
 * two. Both ends of that switch, and appending to what the buffer holds.
 */
/* "%s%s" of alen 'a's and blen 'b's, into an empty sb */
static long two_strings(struct strbuf *sb, const struct fmt *f, size_t alen,
			size_t blen)
{
	static char a[9000], b[9000];

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	strbuf_reset(sb);
	return fmt_format(sb, f, (struct fmt_arg[]){
		{ .kind = FMT_ARG_STRING, .s = a, .len = alen },
		{ .kind = FMT_ARG_STRING, .s = b, .len = blen } }, 2,
		FMT_PRINT_LIMIT);
}

static void test_one_pass(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt f;
	long n;

	fmt_parse(&f, "%s%s", 4, NULL);
	n = two_strings(&sb, &f, 4000, 4191);
	tap_ok(n == 8191 && sb.len == 8191 && sb.data[3999] == 'a' &&
	       sb.data[4000] == 'b' && sb.data[8190] == 'b' && !sb.data[8191],
	       "one byte under printf's limit: all of it");
	n = two_strings(&sb, &f, 4000, 4192);
	tap_ok(n == 8192 && sb.len == 8192 && sb.data[8191] == 'b',
	       "at printf's limit: all of it");
	n = two_strings(&sb, &f, 5000, 5000);
	tap_ok(n == 8192 && sb.len == 8192 && sb.data[4999] == 'a' &&
	       sb.data[8191] == 'b', "over printf's limit: cut at it");
	fmt_release(&f);
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "x=");
	fmt_parse(&f, "%d %u %x %c %s\n", 16, NULL);
	n = fmt_format(&sb, &f, (struct fmt_arg[]){ FMT_LONG(-5),
		FMT_LONG(7), FMT_LONG(255), FMT_LONG('q'), FMT_STR("s") }, 5,
		FMT_PRINT_LIMIT);
	tap_ok(n == 12 && !strcmp(sb.data, "x=-5 7 ff q s\n"),
	       "appended to what the buffer holds");
	fmt_release(&f);
	strbuf_release(&sb);
	/* numbers of every length, their digits copied in one go */
	CHECK("%d %d %d %d %d %d %d", "0 9 10 99 100 101 1000",
	      FMT_LONG(0), FMT_LONG(9), FMT_LONG(10), FMT_LONG(99),
	      FMT_LONG(100), FMT_LONG(101), FMT_LONG(1000));
	CHECK("%d %u %d", "-9223372036854775808 18446744073709551615 "
	      "1234567", FMT_LONG(INT64_MIN), FMT_LONG(-1),
	      FMT_LONG(1234567));
}

static void test_print(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt_arg v[] = { FMT_LONG(1), FMT_STR("a"), FMT_LONG(-2) };

	/* systemtap.printf/print*: print is "%d"/"%s" run together. */
	fmt_print_values(&sb, v, 3, NULL, 0, 0, FMT_PRINT_LIMIT);
	tap_is_str(sb.data, "1a-2", "print(1, \"a\", -2)");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 3, NULL, 0, 1, FMT_PRINT_LIMIT);
	tap_is_str(sb.data, "1a-2\n", "println");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 3, ", ", 2, 0, FMT_PRINT_LIMIT);
	tap_is_str(sb.data, "1, a, -2", "printd");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 2, "%", 1, 1, FMT_PRINT_LIMIT);
	tap_is_str(sb.data, "1%a\n", "printdln with a '%%' delimiter");
	strbuf_reset(&sb);
	fmt_print_long(&sb, INT64_MIN);
	tap_is_str(sb.data, "-9223372036854775808", "print of a long");
	strbuf_reset(&sb);
	/* sprint* are snprintf(buf, MAXSTRINGLEN, "%lld,%s\n", ...). */
	fmt_sprint_values(&sb, v, 2, ",", 1, 1, 256);
	tap_is_str(sb.data, "1,a\n", "sprintdln(\",\", 1, \"a\")");
	strbuf_reset(&sb);
	fmt_sprint_values(&sb, v, 3, NULL, 0, 1, 4);
	tap_is_str(sb.data, "1a-", "sprintln cut at MAXSTRINGLEN - 1");
	strbuf_release(&sb);
}

static void check_text(const char *in, long inlen, long outlen, int quoted,
		       const char *want, const char *what)
{
	struct strbuf sb = STRBUF_INIT;

	fmt_text_str(&sb, in, strlen(in), inlen, outlen, quoted, 256);
	tap_is_str(sb.data, want, "%s", what);
	strbuf_release(&sb);
}

/* stp_string.c, _stp_text_str(): string_quoted, text_str, text_strn. */
static void test_text_str(void)
{
	check_text("abc", 256, 256, 1, "\"abc\"", "string_quoted(\"abc\")");
	check_text("a\"b\\c\n", 256, 256, 1, "\"a\\\"b\\\\c\\n\"",
		   "string_quoted escapes \" \\ and newline");
	check_text("\x01\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0, 0, 0,
		   "\\001\\u00e9\\u20ac\\U0001f600",
		   "text_str: octal, \\u and \\U escapes");
	check_text("\xff\xc0\x80", 0, 0, 0, "\\377\\300\\200",
		   "text_str: bad UTF-8 byte by byte");
	check_text("abcdef", 0, 3, 0, "abc", "text_strn(s, 3, 0)");
	/* Quoted: the quotes count, and "..." replaces the cut tail. */
	check_text("abcdefghij", 0, 8, 1, "\"abc\"...", "text_strn(s, 8, 1)");
	check_text("abcdef", 0, 3, 1, "\"\"...", "text_strn(s, 3, 1)");
	/* The cut never leaves half of an escape behind. */
	check_text("a\nbcdefgh", 0, 7, 1, "\"a\"...", "cut before an escape");
	check_text("ab\ncdefgh", 0, 7, 1, "\"ab\"...", "cut after text");
}

int main(void)
{
	test_int1();
	test_pointer();
	test_strings();
	test_char_binary();
	test_numbers();
	test_memory();
	test_parse();
	test_memory_bytes();
	test_mismatch();
	test_limits();
	test_one_pass();
	test_print();
	test_text_str();
	return tap_done();
}
