// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * $var$, $var$$ and $$parms$ of kernel structs, formatted from BTF.
 *
 * A kernel probe cannot afford a read and a conversion per member of a
 * task_struct, and its BTF is the host's anyway: the probe sends the
 * object's first bytes in a value token (BO_SYM_PRETTY, bo_format.h) and
 * this file prints them as stap does, {.pid=1, .comm="x", ...}, walking the
 * running kernel's BTF, whose layout the bytes have:
 *
 *   - integers and enums in decimal, bit-fields by their bits, pointers
 *     in hex (the runner cannot follow them);
 *   - char arrays as quoted strings, other arrays as [a, b, ...] (at most
 *     eight elements);
 *   - members of anonymous structs and unions in line, as C names them;
 *   - nested structs as {...}, expanded one level more for $$;
 *   - where the bytes end (the token holds what fits in a string), "...".
 *
 * The caller bounds the result to MAXSTRINGLEN, as for any string.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "pretty.h"

#define MAX_ELEMS	8
#define MAX_DEPTH	2	/* nested levels shown with $$ */
#define MAX_BYTES	4096

struct pretty {
	const struct rawbtf *btf;
	struct strbuf *out;
	const uint8_t *data;
	size_t len;
	bool deep;
	bool cut;		/* "..." printed: the bytes ran out */
};

static uint64_t bytes_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Size in bytes of a type, 0 when it has none or is too deep. */
static uint64_t type_size(const struct rawbtf *btf, uint32_t id, int depth)
{
	const struct btf_type *t = rawbtf_skip(btf, &id);

	if (!t || depth > 16)
		return 0;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_FLOAT:
		return t->size;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_ARRAY:
		return (uint64_t)btf_array(t)->nelems *
		       type_size(btf, btf_array(t)->type, depth + 1);
	default:
		return 0;
	}
}

static bool is_signed(const struct btf_type *t)
{
	if (btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	return (btf_is_enum(t) || btf_is_enum64(t)) && btf_kflag(t);
}

static void number(struct pretty *p, const struct btf_type *t, uint64_t v,
		   int bits)
{
	if (bits < 64 && is_signed(t) && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	if (is_signed(t))
		strbuf_addf(p->out, "%lld", (long long)v);
	else
		strbuf_addf(p->out, "%llu", (unsigned long long)v);
}

static void chars(struct pretty *p, const uint8_t *s, size_t n)
{
	strbuf_addch(p->out, '"');
	for (size_t i = 0; i < n && s[i]; i++)
		strbuf_addch(p->out, (char)s[i]);
	strbuf_addch(p->out, '"');
}

static void value(struct pretty *p, uint32_t id, uint64_t off, int depth);

/* Whether a value of type id at off must have its bytes to be shown. */
static bool needs_bytes(struct pretty *p, uint32_t id, int depth)
{
	const struct btf_type *t = rawbtf_skip(p->btf, &id);

	if (t && btf_is_composite(t))
		return depth == 0 || (p->deep && depth < MAX_DEPTH);
	return true;
}

/* The members of struct or union t at off, in line (for anonymous ones). */
static void members(struct pretty *p, const struct btf_type *t, uint64_t off,
		    int depth, bool *first)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t) && !p->cut; i++) {
		const char *name = rawbtf_str(p->btf, m[i].name_off);
		uint64_t bit = off * 8 + btf_member_bit_offset(t, i);
		uint32_t width = btf_member_bitfield_size(t, i);
		uint32_t mid = m[i].type;
		const struct btf_type *mt = rawbtf_skip(p->btf, &mid);
		uint64_t size = width ? (bit % 8 + width + 7) / 8 :
					type_size(p->btf, mid, 0);

		if (!mt)
			continue;
		if (!*name && btf_is_composite(mt)) {
			members(p, mt, bit / 8, depth, first);
			continue;
		}
		if (!*name)
			continue;
		if ((width || needs_bytes(p, mid, depth + 1)) &&
		    bit / 8 + size > p->len) {
			strbuf_addstr(p->out, *first ? "..." : ", ...");
			p->cut = true;
			return;
		}
		strbuf_addf(p->out, "%s.%s=", *first ? "" : ", ", name);
		*first = false;
		if (width) {
			uint64_t v = bytes_le(p->data + bit / 8, size);

			v = (v >> (bit % 8)) &
			    (width >= 64 ? ~0ULL : (1ULL << width) - 1);
			number(p, mt, v, (int)width);
		} else {
			value(p, m[i].type, bit / 8, depth + 1);
		}
	}
}

static void array(struct pretty *p, const struct btf_type *t, uint64_t off,
		  int depth)
{
	const struct btf_array *a = btf_array(t);
	uint32_t eid = a->type;
	const struct btf_type *et = rawbtf_skip(p->btf, &eid);
	uint64_t esize = type_size(p->btf, eid, 0);

	if (et && btf_is_int(et) && et->size == 1) {
		uint64_t n = a->nelems;

		if (off + n > p->len)
			n = off < p->len ? p->len - off : 0;
		chars(p, p->data + off, n);
		return;
	}
	strbuf_addch(p->out, '[');
	for (uint32_t i = 0; i < a->nelems && i < MAX_ELEMS; i++) {
		if (off + (i + 1) * esize > p->len || !esize) {
			strbuf_addstr(p->out, i ? ", ..." : "...");
			strbuf_addch(p->out, ']');
			return;
		}
		if (i)
			strbuf_addstr(p->out, ", ");
		value(p, a->type, off + i * esize, depth + 1);
	}
	strbuf_addstr(p->out, a->nelems > MAX_ELEMS ? ", ...]" : "]");
}

static void value(struct pretty *p, uint32_t id, uint64_t off, int depth)
{
	const struct btf_type *t = rawbtf_skip(p->btf, &id);
	uint64_t size = type_size(p->btf, id, 0);
	bool first = true;

	if (!t) {
		strbuf_addch(p->out, '?');
		return;
	}
	if (btf_is_composite(t)) {
		if (depth > 0 && !(p->deep && depth < MAX_DEPTH)) {
			strbuf_addstr(p->out, "{...}");
			return;
		}
		strbuf_addch(p->out, '{');
		members(p, t, off, depth, &first);
		strbuf_addch(p->out, '}');
		return;
	}
	if (btf_is_array(t)) {
		array(p, t, off, depth);
		return;
	}
	if (!size || size > 8 || off + size > p->len) {
		strbuf_addch(p->out, '?');
		return;
	}
	if (btf_is_ptr(t))
		strbuf_addf(p->out, "0x%llx",
			    (unsigned long long)bytes_le(p->data + off, 8));
	else if (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t))
		number(p, t, bytes_le(p->data + off, size), (int)size * 8);
	else
		strbuf_addch(p->out, '?');
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool pretty_expand(const struct rawbtf *btf, struct strbuf *out,
		   const char *body, size_t len)
{
	const char *semi = memchr(body, ';', len);
	char name[128];
	uint8_t data[MAX_BYTES];
	struct pretty p = { btf, out, data, 0, false, false };
	uint32_t id;
	size_t n;

	if (len < 3 || !semi || (body[0] != '0' && body[0] != '1') ||
	    (body[1] != 's' && body[1] != 'u'))
		return false;
	n = (size_t)(semi - body) - 2;
	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, body + 2, n);
	name[n] = '\0';
	p.deep = body[0] == '1';
	for (const char *h = semi + 1; h + 1 < body + len && p.len < MAX_BYTES;
	     h += 2) {
		int hi = hex_digit(h[0]), lo = hex_digit(h[1]);

		if (hi < 0 || lo < 0)
			break;
		data[p.len++] = (uint8_t)(hi << 4 | lo);
	}
	id = btf ? rawbtf_find(btf, name,
			       body[1] == 'u' ? BTF_KIND_UNION :
						BTF_KIND_STRUCT) : 0;
	if (!id) {
		/* no BTF here: say what it was rather than nothing */
		strbuf_addf(out, "{%s %s: no BTF}",
			    body[1] == 'u' ? "union" : "struct", name);
		return true;
	}
	value(&p, id, 0, 0);
	return true;
}
