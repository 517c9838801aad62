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
 *   - integers and enums in decimal, bit-fields by their bits (one that
 *     straddles an 8-byte word too: the runner has all its bytes);
 *   - pointers in hex (the runner cannot follow them), except char
 *     pointers whose string the probe sent along (see below);
 *   - char arrays as quoted strings, escaped as string_quoted() does,
 *     other arrays as [a, b, ...] (at most eight elements);
 *   - members of anonymous structs and unions in line, as C names them;
 *   - nested structs as {...}, expanded one level more for $$;
 *   - where the bytes end (the token holds what fits in a string), "...".
 *
 * The strings behind char * members: the probe knows from the BTF it was
 * translated against which members of the type are char pointers and
 * reads their strings (bpf_probe_read_kernel_str, bounded). Each follows
 * the bytes as ";OOOSLLL" and LLL bytes: OOO the member's byte offset in
 * the object on the running kernel (a CO-RE relocation, so it names the
 * same member in the host's layout the bytes have), S '=' (the whole
 * string), '+' (cut: it goes on) or '!' (it could not be read: the
 * address is printed, as stap's kernel_string_quoted() does), LLL its
 * length, all in hex. Length-prefixed, a string may hold any byte, the
 * mark included. A char pointer without an entry prints in hex.
 *
 * The caller bounds the result to MAXSTRINGLEN, as for any string.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "format.h"
#include "pretty.h"

#define MAX_ELEMS	8
#define MAX_DEPTH	2	/* nested levels shown with $$ */
#define MAX_BYTES	4096
#define MAX_STRINGS	64	/* string entries one token may carry */
#define STR_ENTRY	8	/* ";OOOSLLL" */
#define MAX_CACHED	4096	/* type names remembered */

/* One char * member's string (or why it has none), from the token. */
struct pstring {
	uint32_t off;		/* the member's byte offset in the object */
	char state;		/* '=' whole, '+' cut, '!' unreadable */
	const char *s;
	size_t len;
};

/* A type name looked up in the kernel's BTF once (id 0: it has none). */
struct cached_type {
	char *name;		/* NULL: a free slot */
	int kind;
	uint32_t id;
};

struct pretty_printer {
	const struct rawbtf *btf;
	struct cached_type *types;
	size_t n_types, cap_types;	/* cap: a power of two, or 0 */
};

struct pretty {
	const struct rawbtf *btf;
	struct strbuf *out;
	const uint8_t *data;
	size_t len;
	bool deep;
	bool cut;		/* "..." printed: the bytes ran out */
	const struct pstring *strs;
	size_t n_strs;
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

/* n bytes (up to a NUL) quoted and escaped, as string_quoted() shows them */
static void chars(struct pretty *p, const uint8_t *s, size_t n)
{
	if (!n || !s[0]) {
		strbuf_addstr(p->out, "\"\"");
		return;
	}
	/* room for every byte as a 4-character escape: nothing is cut here */
	fmt_text_str(p->out, (const char *)s, n, (long)n, 0, 1, 4 * n + 8);
}

static bool is_char(const struct btf_type *t)
{
	return t && btf_is_int(t) && t->size == 1 &&
	       !(btf_int_encoding(t) & BTF_INT_BOOL);
}

static const struct pstring *string_at(const struct pretty *p, uint64_t off)
{
	for (size_t i = 0; i < p->n_strs; i++)
		if (p->strs[i].off == off)
			return &p->strs[i];
	return NULL;
}

/*
 * A pointer at off: its string when it is a char pointer the probe read,
 * else the address in hex (stap prints a string it cannot read so too).
 */
static void pointer(struct pretty *p, const struct btf_type *t, uint64_t off)
{
	uint32_t to = t->type;
	const struct pstring *str = is_char(rawbtf_skip(p->btf, &to)) ?
				    string_at(p, off) : NULL;

	if (!str || str->state == '!') {
		strbuf_addf(p->out, "0x%llx",
			    (unsigned long long)bytes_le(p->data + off, 8));
		return;
	}
	chars(p, (const uint8_t *)str->s, str->len);
	if (str->state == '+')
		strbuf_addstr(p->out, "...");
}

/*
 * A bit-field's bits: width at bit (from the object's start). One that
 * straddles an 8-byte word spans nine bytes; any width up to 64 works.
 */
static uint64_t bitfield(const uint8_t *data, uint64_t bit, uint32_t width)
{
	uint32_t shift = (uint32_t)(bit % 8);
	size_t n = (shift + width + 7) / 8;
	uint64_t v = bytes_le(data + bit / 8, n) >> shift;

	if (n > 8 && shift)
		v |= (uint64_t)data[bit / 8 + 8] << (64 - shift);
	return v & (width >= 64 ? ~0ULL : (1ULL << width) - 1);
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
		if (width > 64) {
			strbuf_addch(p->out, '?');
		} else if (width) {
			number(p, mt, bitfield(p->data, bit, width),
			       (int)width);
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
		pointer(p, t, off);
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

/* Three hex digits at s (n bytes left); -1 when they are not there. */
static long hex3(const char *s, size_t n)
{
	long v = 0;

	if (n < 3)
		return -1;
	for (int i = 0; i < 3; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * One string entry at s (n bytes left, s[0] == ';'): filled in, and the
 * bytes it takes; 0 when s holds none. A string cut by the end of the
 * token (the token was cut) keeps what arrived and counts as cut.
 */
static size_t string_entry(const char *s, size_t n, struct pstring *e)
{
	long off, len;

	if (n < STR_ENTRY || s[0] != ';' ||
	    (s[4] != '=' && s[4] != '+' && s[4] != '!'))
		return 0;
	off = hex3(s + 1, n - 1);
	len = hex3(s + 5, n - 5);
	if (off < 0 || len < 0)
		return 0;
	e->off = (uint32_t)off;
	e->state = s[4];
	e->s = s + STR_ENTRY;
	e->len = (size_t)len;
	if (e->len > n - STR_ENTRY) {
		e->len = n - STR_ENTRY;
		if (e->state == '=')
			e->state = '+';
	}
	return STR_ENTRY + e->len;
}

/* Where the hex bytes after the head end (body, len bytes). */
static size_t hex_end(const char *body, size_t len)
{
	const char *semi = memchr(body, ';', len);
	size_t i;

	if (!semi)
		return len;
	i = (size_t)(semi - body) + 1;
	while (i + 1 < len && hex_digit(body[i]) >= 0 &&
	       hex_digit(body[i + 1]) >= 0)
		i += 2;
	return i;
}

size_t pretty_token_len(const char *body, size_t len)
{
	size_t i = hex_end(body, len), used;
	struct pstring e;

	while (i < len && body[i] == ';' &&
	       (used = string_entry(body + i, len - i, &e)) > 0)
		i += used;
	return i;
}

struct pretty_printer *pretty_new(const struct rawbtf *btf)
{
	struct pretty_printer *pp = calloc(1, sizeof(*pp));

	if (pp)
		pp->btf = btf;
	return pp;
}

void pretty_free(struct pretty_printer *pp)
{
	if (!pp)
		return;
	for (size_t i = 0; i < pp->cap_types; i++)
		free(pp->types[i].name);
	free(pp->types);
	free(pp);
}

static size_t name_hash(const char *name, int kind)
{
	size_t h = 5381 + (size_t)kind;

	while (*name)
		h = h * 33 + (unsigned char)*name++;
	return h;
}

static struct cached_type *cache_slot(struct cached_type *types, size_t cap,
				      const char *name, int kind)
{
	size_t i = name_hash(name, kind) & (cap - 1);

	while (types[i].name &&
	       (types[i].kind != kind || strcmp(types[i].name, name)))
		i = (i + 1) & (cap - 1);
	return &types[i];
}

static bool cache_grow(struct pretty_printer *pp)
{
	size_t cap = pp->cap_types ? pp->cap_types * 2 : 64;
	struct cached_type *types = calloc(cap, sizeof(*types));

	if (!types)
		return false;
	for (size_t i = 0; i < pp->cap_types; i++)
		if (pp->types[i].name)
			*cache_slot(types, cap, pp->types[i].name,
				    pp->types[i].kind) = pp->types[i];
	free(pp->types);
	pp->types = types;
	pp->cap_types = cap;
	return true;
}

/*
 * The type's id in the kernel's BTF, found by a scan of all its types
 * the first time a name comes (some 100,000 on a distribution kernel:
 * most of a millisecond) and from the cache after that.
 */
static uint32_t find_type(struct pretty_printer *pp, const char *name,
			  int kind)
{
	struct cached_type *c;
	uint32_t id;

	if (pp->cap_types) {
		c = cache_slot(pp->types, pp->cap_types, name, kind);
		if (c->name)
			return c->id;
	}
	id = rawbtf_find(pp->btf, name, kind);
	if (pp->n_types >= MAX_CACHED)
		return id;	/* a bound for odd streams of names */
	if ((pp->n_types + 1) * 2 > pp->cap_types && !cache_grow(pp))
		return id;
	c = cache_slot(pp->types, pp->cap_types, name, kind);
	c->name = strdup(name);
	if (!c->name)
		return id;
	c->kind = kind;
	c->id = id;
	pp->n_types++;
	return id;
}

bool pretty_expand(struct pretty_printer *pp, struct strbuf *out,
		   const char *body, size_t len)
{
	const char *semi = memchr(body, ';', len);
	char name[128];
	uint8_t data[MAX_BYTES];
	struct pstring strs[MAX_STRINGS];
	struct pretty p = { pp ? pp->btf : NULL, out, data, 0, false, false,
			    strs, 0 };
	size_t n, i, used;
	int kind;
	uint32_t id;

	if (len < 3 || !semi || (body[0] != '0' && body[0] != '1') ||
	    (body[1] != 's' && body[1] != 'u'))
		return false;
	n = (size_t)(semi - body) - 2;
	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, body + 2, n);
	name[n] = '\0';
	kind = body[1] == 'u' ? BTF_KIND_UNION : BTF_KIND_STRUCT;
	p.deep = body[0] == '1';
	for (i = (size_t)(semi - body) + 1;
	     i + 1 < len && p.len < MAX_BYTES; i += 2) {
		int hi = hex_digit(body[i]), lo = hex_digit(body[i + 1]);

		if (hi < 0 || lo < 0)
			break;
		data[p.len++] = (uint8_t)(hi << 4 | lo);
	}
	while (i < len && body[i] == ';' && p.n_strs < MAX_STRINGS &&
	       (used = string_entry(body + i, len - i,
				    &strs[p.n_strs])) > 0) {
		i += used;
		p.n_strs++;
	}
	id = p.btf ? find_type(pp, name, kind) : 0;
	if (!id) {
		/* no BTF here: say what it was rather than nothing */
		strbuf_addf(out, "{%s %s: no BTF}",
			    kind == BTF_KIND_UNION ? "union" : "struct", name);
		return true;
	}
	value(&p, id, 0, 0);
	return true;
}
