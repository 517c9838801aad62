// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runner's formatting of value tokens ($var$, $var$$, $$parms$): a
 * small BTF made with libbpf holds a struct with the kinds a kernel struct
 * has (signed and unsigned integers, an enum, bit-fields, a char array, a
 * pointer, an anonymous union, a nested struct, an int array), one with
 * char pointers whose strings the token carries, and a packed one whose
 * bit-field straddles an 8-byte word; their bytes are written here,
 * hex-encoded as the BPF side does, and formatted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "pretty.h"
#include "../lib/tap.h"

/*
 * struct inner { int a; int b; };
 * struct outer {			offset
 *	int i;				0
 *	unsigned char flag:1, mode:3;	4 (bits 32, 33..35)
 *	enum colour c;			8
 *	char name[8];			12
 *	struct inner *p;		24
 *	union { long u1; int u2; };	32
 *	struct inner in;		40
 *	short arr[10];			48
 * };					size 68 -> 72
 */
static struct btf *make_btf(void)
{
	struct btf *b = btf__new_empty();
	int i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	int u8 = btf__add_int(b, "unsigned char", 1, 0);
	int ch = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	int i64 = btf__add_int(b, "long", 8, BTF_INT_SIGNED);
	int i16 = btf__add_int(b, "short", 2, BTF_INT_SIGNED);
	int colour = btf__add_enum(b, "colour", 4);
	int inner, pinner, chars, anon, shorts;

	btf__add_enum_value(b, "RED", 0);
	btf__add_enum_value(b, "GREEN", 1);
	inner = btf__add_struct(b, "inner", 8);
	btf__add_field(b, "a", i32, 0, 0);
	btf__add_field(b, "b", i32, 32, 0);
	pinner = btf__add_ptr(b, inner);
	chars = btf__add_array(b, i32, ch, 8);
	anon = btf__add_union(b, NULL, 8);
	btf__add_field(b, "u1", i64, 0, 0);
	btf__add_field(b, "u2", i32, 0, 0);
	shorts = btf__add_array(b, i32, i16, 10);
	btf__add_struct(b, "outer", 72);
	btf__add_field(b, "i", i32, 0, 0);
	btf__add_field(b, "flag", u8, 32, 1);
	btf__add_field(b, "mode", u8, 33, 3);
	btf__add_field(b, "c", colour, 64, 0);
	btf__add_field(b, "name", chars, 96, 0);
	btf__add_field(b, "p", pinner, 192, 0);
	btf__add_field(b, NULL, anon, 256, 0);
	btf__add_field(b, "in", inner, 320, 0);
	btf__add_field(b, "arr", shorts, 384, 0);
	return b;
}

/*
 * struct qs { int len; char *name; };
 * struct strs {			offset
 *	const char *a;			0
 *	unsigned char *b;		8
 *	_Bool *c;			16
 *	char *d;			24
 *	struct qs q;			32 (q.name at 40)
 *	char *e;			48
 * };
 * struct straddle {		packed
 *	unsigned long long lo:60;	bits 0..59
 *	unsigned long long mid:8;	bits 60..67: across the word
 *	unsigned long long hi:4;	bits 68..71
 * };
 */
static void add_string_types(struct btf *b)
{
	int ch = btf__find_by_name(b, "char");
	int u8 = btf__find_by_name(b, "unsigned char");
	int i32 = btf__find_by_name(b, "int");
	int boolean = btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	int u64 = btf__add_int(b, "unsigned long long", 8, 0);
	int pch = btf__add_ptr(b, btf__add_const(b, ch));
	int pu8 = btf__add_ptr(b, u8), pbool = btf__add_ptr(b, boolean);
	int pc = btf__add_ptr(b, ch);
	int qs = btf__add_struct(b, "qs", 16);

	btf__add_field(b, "len", i32, 0, 0);
	btf__add_field(b, "name", pc, 64, 0);
	btf__add_struct(b, "strs", 56);
	btf__add_field(b, "a", pch, 0, 0);
	btf__add_field(b, "b", pu8, 64, 0);
	btf__add_field(b, "c", pbool, 128, 0);
	btf__add_field(b, "d", pc, 192, 0);
	btf__add_field(b, "q", qs, 256, 0);
	btf__add_field(b, "e", pc, 384, 0);
	btf__add_struct(b, "straddle", 9);
	btf__add_field(b, "lo", u64, 0, 60);
	btf__add_field(b, "mid", u64, 60, 8);
	btf__add_field(b, "hi", u64, 68, 4);
}

static void put(unsigned char *d, int off, long long v, int n)
{
	for (int i = 0; i < n; i++)
		d[off + i] = (unsigned char)(v >> (8 * i));
}

/* "<deep>sNAME;" and the first n bytes of d in hex */
static char *token(const char *head, const unsigned char *d, int n)
{
	char *s = malloc(strlen(head) + 2 * n + 2), *p;

	p = s + sprintf(s, "%s;", head);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%02x", d[i]);
	return s;
}

/* the token's body with string entries (tail, tail_len bytes) after it */
static const char *expand_with(struct pretty_printer *pp, const char *head,
			       const unsigned char *d, int n,
			       const char *tail, size_t tail_len)
{
	static struct strbuf out;
	char *t = token(head, d, n);
	size_t len = strlen(t);

	t = realloc(t, len + tail_len + 1);
	memcpy(t + len, tail, tail_len);
	len += tail_len;
	strbuf_reset(&out);
	if (!pretty_expand(pp, &out, t, len)) {
		free(t);
		return "(not a token)";
	}
	free(t);
	strbuf_addch(&out, '\0');
	return out.data;
}

static const char *expand(struct pretty_printer *pp, const char *head,
			  const unsigned char *d, int n)
{
	return expand_with(pp, head, d, n, "", 0);
}

/* char pointers, their strings, escaping, nesting, the token's length */
static void test_strings(struct pretty_printer *pp)
{
	unsigned char d[56] = { 0 };
	/* a, b (cut), c (a _Bool *: stays hex), d (unreadable), q.name */
	static const char tail[] =
		";000=005ab\"\n\x1d"
		";008+003xyz"
		";010=001t"
		";018!000"
		";028=004qqqq";
	char body[200];
	size_t len;

	put(d, 0, 0xffff888100000010LL, 8);
	put(d, 8, 0xffff888100000020LL, 8);
	put(d, 16, 0xffff888100000030LL, 8);
	put(d, 24, 0xffff888100000040LL, 8);
	put(d, 32, 4, 4);
	put(d, 40, 0xffff888100000050LL, 8);
	put(d, 48, 0, 8);
	tap_is_str(expand_with(pp, "0sstrs", d, 56, tail, sizeof(tail) - 1),
		   "{.a=\"ab\\\"\\n\\035\", .b=\"xyz\"..., .c=0xffff888100000030, .d=0xffff888100000040, .q={...}, .e=0x0}",
		   "char pointers: strings escaped, a cut one, a _Bool * and an unreadable one in hex");
	tap_is_str(expand_with(pp, "1sstrs", d, 56, tail, sizeof(tail) - 1),
		   "{.a=\"ab\\\"\\n\\035\", .b=\"xyz\"..., .c=0xffff888100000030, .d=0xffff888100000040, .q={.len=4, .name=\"qqqq\"}, .e=0x0}",
		   "$$: a nested struct's char pointer by its offset in the object");
	tap_is_str(expand(pp, "0sstrs", d, 56),
		   "{.a=0xffff888100000010, .b=0xffff888100000020, .c=0xffff888100000030, .d=0xffff888100000040, .q={...}, .e=0x0}",
		   "no strings in the token: addresses");
	tap_is_str(expand_with(pp, "0sstrs", d, 56, ";000=009abc", 11),
		   "{.a=\"abc\"..., .b=0xffff888100000020, .c=0xffff888100000030, .d=0xffff888100000040, .q={...}, .e=0x0}",
		   "a string cut with the token: what came, marked cut");

	/* the mark inside a string does not end the token */
	len = (size_t)snprintf(body, sizeof(body), "0sstrs;00%s\x1d" "after",
			       tail);
	tap_ok(pretty_token_len(body, len) == len - 6,
	       "token length: past a mark inside a string, to the closing one");
	tap_ok(pretty_token_len("0sstrs;00;0", 11) == 9,
	       "token length: a broken entry ends it");
	tap_ok(pretty_token_len("0sstrs;0011", 11) == 11,
	       "token length: no closing mark, all of it");
}

/* a packed struct's bit-field across a word: its bits from both words */
static void test_straddle(struct pretty_printer *pp)
{
	unsigned char d[9] = { 0 };
	unsigned long long lo = 0x123456789abcdefULL;	/* 60 bits */
	unsigned mid = 0xa5, hi = 0x9;

	put(d, 0, (long long)(lo | (unsigned long long)(mid & 15) << 60), 8);
	d[8] = (unsigned char)(mid >> 4 | hi << 4);
	tap_is_str(expand(pp, "0sstraddle", d, 9),
		   "{.lo=81985529216486895, .mid=165, .hi=9}",
		   "a bit-field across an 8-byte word");
	tap_is_str(expand(pp, "0sstraddle", d, 8), "{.lo=81985529216486895, ...}",
		   "... and without its last byte: '...'");
}

int main(void)
{
	struct btf *b = make_btf();
	const void *raw;
	__u32 size;
	struct rawbtf rb;
	unsigned char d[72] = { 0 };
	struct strbuf out = { 0 };
	struct pretty_printer *pp, *none;

	add_string_types(b);
	raw = btf__raw_data(b, &size);
	if (!raw || rawbtf_init(&rb, raw, size)) {
		tap_ok(0, "a BTF for the test");
		return tap_done();
	}
	pp = pretty_new(&rb);
	none = pretty_new(NULL);
	put(d, 0, -5, 4);
	d[4] = 1 | 5 << 1;		/* flag 1, mode 5 */
	put(d, 8, 1, 4);
	memcpy(d + 12, "bash", 5);
	put(d, 24, 0xffff888100001000LL, 8);
	put(d, 32, 42, 8);
	put(d, 40, 7, 4);
	put(d, 44, -8, 4);
	for (int i = 0; i < 10; i++)
		put(d, 48 + 2 * i, i * 100 - 100, 2);

	tap_is_str(expand(pp, "0souter", d, 72),
		   "{.i=-5, .flag=1, .mode=5, .c=1, .name=\"bash\", .p=0xffff888100001000, .u1=42, .u2=42, .in={...}, .arr=[-100, 0, 100, 200, 300, 400, 500, 600, ...]}",
		   "$x$: every kind of member, nested struct folded");
	tap_is_str(expand(pp, "1souter", d, 40),
		   "{.i=-5, .flag=1, .mode=5, .c=1, .name=\"bash\", .p=0xffff888100001000, .u1=42, .u2=42, ...}",
		   "$x$$ with the bytes ending before .in: '...' there");
	tap_is_str(expand(pp, "1souter", d, 72),
		   "{.i=-5, .flag=1, .mode=5, .c=1, .name=\"bash\", .p=0xffff888100001000, .u1=42, .u2=42, .in={.a=7, .b=-8}, .arr=[-100, 0, 100, 200, 300, 400, 500, 600, ...]}",
		   "$x$$: nested struct expanded");
	tap_is_str(expand(pp, "0souter", d, 6),
		   "{.i=-5, .flag=1, .mode=5, ...}",
		   "few bytes: the members that fit, then '...'");
	tap_is_str(expand(pp, "0snothere", d, 8),
		   "{struct nothere: no BTF}",
		   "a type this kernel lacks is named");
	tap_is_str(expand(none, "0souter", d, 8), "{struct outer: no BTF}",
		   "no kernel BTF at all");
	tap_ok(!pretty_expand(pp, &out, "2souter;00", 10),
	       "a malformed head is no token");
	tap_ok(!pretty_expand(pp, &out, "0xouter;00", 10),
	       "an unknown kind is no token");
	tap_is_str(expand(pp, "0souter", d, 0), "{...}",
		   "no bytes at all: '...'");
	tap_is_str(expand(pp, "0snothere", d, 8),
		   "{struct nothere: no BTF}",
		   "a missing type, looked up again (cached): the same");
	tap_is_str(expand(pp, "0souter", d, 6),
		   "{.i=-5, .flag=1, .mode=5, ...}",
		   "a type looked up again (cached): the same");
	tap_is_str(expand(pp, "0uouter", d, 8), "{union outer: no BTF}",
		   "the cache tells kinds apart");
	test_strings(pp);
	test_straddle(pp);
	pretty_free(pp);
	pretty_free(none);
	strbuf_release(&out);
	btf__free(b);
	rawbtf_release(&rb);
	return tap_done();
}
