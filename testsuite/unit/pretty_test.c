// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runner's formatting of value tokens ($var$, $var$$, $$parms$): a
 * small BTF made with libbpf holds a struct with the kinds a kernel struct
 * has (signed and unsigned integers, an enum, bit-fields, a char array, a
 * pointer, an anonymous union, a nested struct, an int array); its bytes
 * are written here, hex-encoded as the BPF side does, and formatted.
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

static const char *expand(const struct rawbtf *rb, const char *head,
			  const unsigned char *d, int n)
{
	static struct strbuf out;
	char *t = token(head, d, n);

	strbuf_reset(&out);
	if (!pretty_expand(rb, &out, t, strlen(t))) {
		free(t);
		return "(not a token)";
	}
	free(t);
	strbuf_addch(&out, '\0');
	return out.data;
}

int main(void)
{
	struct btf *b = make_btf();
	const void *raw;
	__u32 size;
	struct rawbtf rb;
	unsigned char d[72] = { 0 };
	struct strbuf out = { 0 };

	raw = btf__raw_data(b, &size);
	if (!raw || rawbtf_init(&rb, raw, size)) {
		tap_ok(0, "a BTF for the test");
		return tap_done();
	}
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

	tap_is_str(expand(&rb, "0souter", d, 72),
		   "{.i=-5, .flag=1, .mode=5, .c=1, .name=\"bash\", .p=0xffff888100001000, .u1=42, .u2=42, .in={...}, .arr=[-100, 0, 100, 200, 300, 400, 500, 600, ...]}",
		   "$x$: every kind of member, nested struct folded");
	tap_is_str(expand(&rb, "1souter", d, 40),
		   "{.i=-5, .flag=1, .mode=5, .c=1, .name=\"bash\", .p=0xffff888100001000, .u1=42, .u2=42, ...}",
		   "$x$$ with the bytes ending before .in: '...' there");
	tap_is_str(expand(&rb, "1souter", d, 72),
		   "{.i=-5, .flag=1, .mode=5, .c=1, .name=\"bash\", .p=0xffff888100001000, .u1=42, .u2=42, .in={.a=7, .b=-8}, .arr=[-100, 0, 100, 200, 300, 400, 500, 600, ...]}",
		   "$x$$: nested struct expanded");
	tap_is_str(expand(&rb, "0souter", d, 6),
		   "{.i=-5, .flag=1, .mode=5, ...}",
		   "few bytes: the members that fit, then '...'");
	tap_is_str(expand(&rb, "0snothere", d, 8),
		   "{struct nothere: no BTF}",
		   "a type this kernel lacks is named");
	tap_is_str(expand(NULL, "0souter", d, 8), "{struct outer: no BTF}",
		   "no kernel BTF at all");
	tap_ok(!pretty_expand(&rb, &out, "2souter;00", 10),
	       "a malformed head is no token");
	tap_ok(!pretty_expand(&rb, &out, "0xouter;00", 10),
	       "an unknown kind is no token");
	tap_is_str(expand(&rb, "0souter", d, 0), "{...}",
		   "no bytes at all: '...'");
	strbuf_release(&out);
	btf__free(b);
	rawbtf_release(&rb);
	return tap_done();
}
