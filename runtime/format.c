// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stap's printf family. The rules (and the reasons for the odd ones) are in
 * format.h; this file mirrors the behaviour of stap 4.8's runtime/vsprintf.c
 * and of the per-format code its translator generates, not its code.
 */
#include "format.h"

#include <stdlib.h>
#include <string.h>

/* Internal flags, never set by the parser's single flag. */
#define FMT_F_SIGN	0x02
#define FMT_F_LARGE	0x40

static const char err_conv[] = "invalid or missing conversion specifier";
static const char err_trailing[] = "trailing incomplete print format conversion";

/* ------------------------------------------------------------------ parse */

struct parser {
	struct fmt *f;
	size_t cap;		/* allocated specs */
	size_t text_len;	/* bytes used in f->text */
	size_t lit_start;	/* where the pending literal starts in f->text */
	size_t lit_offset;	/* where it starts in the source */
};

static struct fmt_spec *push_spec(struct parser *p)
{
	struct fmt *f = p->f;

	if (f->nspecs == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct fmt_spec *s = realloc(f->specs, cap * sizeof(*s));

		if (!s)
			abort();
		f->specs = s;
		p->cap = cap;
	}
	memset(&f->specs[f->nspecs], 0, sizeof(f->specs[0]));
	return &f->specs[f->nspecs++];
}

static void flush_literal(struct parser *p)
{
	struct fmt_spec *s;

	if (p->text_len == p->lit_start)
		return;
	s = push_spec(p);
	s->conv = FMT_LITERAL;
	s->width = s->precision = FMT_UNSPEC;
	s->offset = p->lit_offset;
	/* Pointed at once parsing is done: f->text does not move after. */
	s->len = p->text_len - p->lit_start;
	s->text = NULL;
	p->lit_start = p->text_len;
}

static void add_literal(struct parser *p, size_t offset, char c)
{
	if (p->text_len == p->lit_start)
		p->lit_offset = offset;
	p->f->text[p->text_len++] = c;
}

/* Digits of a width or precision, saturated: stap's int would overflow. */
static int parse_number(const char *src, size_t len, size_t *i)
{
	long n = 0;

	while (*i < len && src[*i] >= '0' && src[*i] <= '9') {
		n = n * 10 + (src[*i] - '0');
		if (n > FMT_MAX_WIDTH)
			n = FMT_MAX_WIDTH;
		(*i)++;
	}
	return (int)n;
}

static int conv_of(char c, struct fmt_spec *s)
{
	switch (c) {
	case 'd':
	case 'i':
		s->conv = FMT_SIGNED;
		break;
	case 'u':
		s->conv = FMT_UNSIGNED;
		break;
	case 'o':
		s->conv = FMT_OCTAL;
		break;
	case 'x':
		s->conv = FMT_HEX;
		break;
	case 'X':
		s->conv = FMT_HEX_UPPER;
		break;
	case 'p':
		s->conv = FMT_POINTER;
		break;
	case 's':
		s->conv = FMT_STRING;
		break;
	case 'c':
		s->conv = FMT_CHAR;
		break;
	case 'b':
		s->conv = FMT_BINARY;
		break;
	case 'm':
		s->conv = FMT_MEMORY;
		break;
	case 'M':
		s->conv = FMT_MEMORY_HEX;
		break;
	default:
		return -1;
	}
	return 0;
}

static unsigned int flag_of(char c)
{
	switch (c) {
	case '0': return FMT_F_ZEROPAD;
	case '+': return FMT_F_PLUS;
	case '-': return FMT_F_LEFT;
	case ' ': return FMT_F_SPACE;
	case '#': return FMT_F_SPECIAL;
	}
	return 0;
}

/*
 * One conversion after its '%'. Returns 1 when a spec was added, 0 when the
 * format ended in a conversion with nothing in it ("%l", "%."), which stap
 * drops without a word, and -1 on an error.
 */
static int parse_conversion(struct parser *p, const char *src, size_t len,
			    size_t pct, size_t *ip, struct fmt_error *err)
{
	struct fmt_spec s = { .width = FMT_UNSPEC, .precision = FMT_UNSPEC };
	size_t i = pct + 1;
	int started = 0;

	s.offset = pct;
	if (i == len) {
		err->offset = pct;
		err->msg = err_conv;
		return -1;
	}
	s.flags = flag_of(src[i]);
	if (s.flags) {
		started = 1;
		i++;
	}
	if (i < len && src[i] == '*') {
		s.width = FMT_STAR;
		started = 1;
		i++;
	} else if (i < len && src[i] >= '0' && src[i] <= '9') {
		s.width = parse_number(src, len, &i);
		started = 1;
	}
	if (i < len && src[i] == '.') {
		i++;
		if (i < len && src[i] == '*') {
			s.precision = FMT_STAR;
			started = 1;
			i++;
		} else if (i < len && src[i] >= '0' && src[i] <= '9') {
			s.precision = parse_number(src, len, &i);
			started = 1;
		}
	}
	if (i < len && src[i] == 'l')
		i++;
	if (i == len) {
		if (!started)
			return 0;
		err->offset = pct;
		err->msg = err_trailing;
		return -1;
	}
	if (conv_of(src[i], &s) < 0) {
		err->offset = i;
		err->msg = err_conv;
		return -1;
	}
	*ip = i + 1;
	*push_spec(p) = s;
	return 1;
}

int fmt_parse(struct fmt *f, const char *src, size_t len,
	      struct fmt_error *err)
{
	struct parser p = { .f = f };
	struct fmt_error dummy;
	size_t i = 0, k, t;
	int r;

	if (!err)
		err = &dummy;
	if (!f) {
		err->offset = 0;
		err->msg = err_conv;
		return -1;
	}
	memset(f, 0, sizeof(*f));
	if (!src)
		len = 0;
	f->text = malloc(len + 1);
	if (!f->text)
		abort();
	while (i < len) {
		if (src[i] != '%') {
			add_literal(&p, i, src[i]);
			i++;
			continue;
		}
		if (i + 1 < len && src[i + 1] == '%') {
			add_literal(&p, i, '%');
			i += 2;
			continue;
		}
		flush_literal(&p);
		r = parse_conversion(&p, src, len, i, &i, err);
		if (r < 0) {
			fmt_release(f);
			return -1;
		}
		if (r == 0)
			break;
	}
	flush_literal(&p);
	f->text[p.text_len] = '\0';
	for (k = 0, t = 0; k < f->nspecs; k++) {
		struct fmt_spec *s = &f->specs[k];

		if (s->conv == FMT_LITERAL) {
			s->text = f->text + t;
			t += s->len;
			continue;
		}
		f->nargs += 1 + (s->width == FMT_STAR) +
			    (s->precision == FMT_STAR);
	}
	return 0;
}

void fmt_release(struct fmt *f)
{
	if (!f)
		return;
	free(f->specs);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

static int value_kind(enum fmt_conv c)
{
	switch (c) {
	case FMT_STRING:
		return FMT_ARG_STRING;
	case FMT_MEMORY:
	case FMT_MEMORY_HEX:
		return FMT_ARG_BYTES;
	default:
		return FMT_ARG_LONG;
	}
}

int fmt_arg_kind_at(const struct fmt *f, size_t i)
{
	size_t k, n = 0;

	for (k = 0; f && k < f->nspecs; k++) {
		const struct fmt_spec *s = &f->specs[k];

		if (s->conv == FMT_LITERAL)
			continue;
		if (s->width == FMT_STAR && n++ == i)
			return FMT_ARG_LONG;
		if (s->precision == FMT_STAR && n++ == i)
			return FMT_ARG_LONG;
		if (n++ == i)
			return value_kind(s->conv);
	}
	return -1;
}

size_t fmt_memory_bytes(const struct fmt_spec *s, int64_t star_precision)
{
	int64_t p;

	if (!s || (s->conv != FMT_MEMORY && s->conv != FMT_MEMORY_HEX))
		return 0;
	/* stap hands a '*' value to an int before using it. */
	p = s->precision == FMT_STAR ? (int32_t)(uint64_t)star_precision
				     : s->precision;
	if (p <= 0)
		return 1;
	return p > FMT_PRINT_LIMIT ? FMT_PRINT_LIMIT : (size_t)p;
}

/* ----------------------------------------------------------------- output */

/*
 * stap formats into a buffer of known size: 'pos' is its write pointer,
 * which may run past the end (then nothing more is stored), and widths are
 * cut to the room left. The buffer is room reserved at the end of the
 * strbuf. printf first measures its output (no buffer, widths cut to a
 * fixed 'clamp' instead) to size that buffer.
 */
struct out {
	struct strbuf *sb;
	char *buf;		/* NULL while measuring */
	size_t base;		/* sb->len before */
	size_t cap;
	size_t pos;
	long clamp;		/* measuring: cut widths to this, else -1 */
};

static void out_measure(struct out *o, long clamp)
{
	memset(o, 0, sizeof(*o));
	o->cap = SIZE_MAX;
	o->clamp = clamp;
}

static void out_open(struct out *o, struct strbuf *sb, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->sb = sb;
	o->base = sb->len;
	strbuf_addchars(sb, '\0', cap);
	o->buf = sb->data + o->base;
	o->cap = cap;
	o->clamp = -1;
}

/* Keeps what was written; returns its length. */
static size_t out_close(struct out *o)
{
	size_t n = o->pos < o->cap ? o->pos : o->cap;

	o->sb->len = o->base + n;
	o->sb->data[o->sb->len] = '\0';
	return n;
}

static void put(struct out *o, char c)
{
	if (o->buf && o->pos < o->cap)
		o->buf[o->pos] = c;
	o->pos++;
}

static int fits(const struct out *o)
{
	return o->pos < o->cap;
}

/* stap's clamp_t(int, v, 0, end - str + 1), or (.., 0, STP_BUFFER_SIZE). */
static int clamp_room(const struct out *o, int v)
{
	long room = o->pos < o->cap ? (long)(o->cap - o->pos) : 0;

	if (o->clamp >= 0)
		room = o->clamp;
	if (v < 0)
		return 0;
	return v > room ? (int)room : v;
}

/* tmp[0..n) backwards (digits are made least significant first), in one
 * go when they fit: put() per byte reloads o->pos each time, as the byte
 * stored might be it (a third of the runner's time printing numbers) */
static void put_reversed(struct out *o, const char *tmp, int n)
{
	if (!o->buf) {
		o->pos += (size_t)n;
	} else if (o->pos < o->cap && (size_t)n <= o->cap - o->pos) {
		char *d = o->buf + o->pos;

		o->pos += (size_t)n;
		while (n-- > 0)
			*d++ = tmp[n];
	} else {
		while (n-- > 0)
			put(o, tmp[n]);
	}
}

static void put_number(struct out *o, uint64_t num, int base, int size,
		       int precision, unsigned int type)
{
	const char *digits = (type & FMT_F_LARGE) ? "0123456789ABCDEF"
						  : "0123456789abcdef";
	char tmp[66], sign = 0, pad;
	int i = 0;

	if (type & FMT_F_LEFT)
		type &= ~FMT_F_ZEROPAD;
	pad = (type & FMT_F_ZEROPAD) ? '0' : ' ';
	if (type & FMT_F_SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = -num;
			size--;
		} else if (type & FMT_F_PLUS) {
			sign = '+';
			size--;
		} else if (type & FMT_F_SPACE) {
			sign = ' ';
			size--;
		}
	}
	if (type & FMT_F_SPECIAL)
		size -= base == 16 ? 2 : base == 8 ? 1 : 0;
	/* a constant divisor: a multiply, not two divisions per digit (this
	 * loop was a quarter of the runner's time printing numbers) */
	if (num == 0)
		tmp[i++] = '0';
	else if (base == 10)
		for (; num != 0; num /= 10)
			tmp[i++] = (char)('0' + num % 10);
	else if (base == 16)
		for (; num != 0; num >>= 4)
			tmp[i++] = digits[num & 15];
	else if (base == 8)
		for (; num != 0; num >>= 3)
			tmp[i++] = digits[num & 7];
	else
		for (; num != 0; num /= (unsigned int)base)
			tmp[i++] = digits[num % (unsigned int)base];
	if (i > precision)
		precision = i;
	size -= precision;
	if (!(type & (FMT_F_ZEROPAD | FMT_F_LEFT)))
		while (size-- > 0)
			put(o, ' ');
	if (sign)
		put(o, sign);
	if ((type & FMT_F_SPECIAL) && (base == 8 || base == 16)) {
		put(o, '0');
		if (base == 16)
			put(o, (type & FMT_F_LARGE) ? 'X' : 'x');
	}
	if (!(type & FMT_F_LEFT))
		while (size-- > 0)
			put(o, pad);
	while (i < precision--)
		put(o, '0');
	put_reversed(o, tmp, i);
	while (size-- > 0)
		put(o, ' ');
}

/* The escape letter of a C char literal, or 0 to use octal. */
static char char_escape(unsigned char c)
{
	switch (c) {
	case '\a': return 'a';
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	case '\v': return 'v';
	case '\'': return '\'';
	case '\\': return '\\';
	}
	return 0;
}

static int char_size(unsigned char c, unsigned int flags)
{
	if (!(flags & FMT_F_SPECIAL))
		return 1;
	if (c >= 0x20 && c <= 0x7e && c != '\'' && c != '\\')
		return 1;
	return char_escape(c) ? 2 : 4;
}

static void put_char(struct out *o, unsigned char c, int width,
		     unsigned int flags)
{
	int size = char_size(c, flags);
	char e = char_escape(c);

	if (!(flags & FMT_F_LEFT))
		while (width-- > size)
			put(o, ' ');
	if (size == 1) {
		put(o, (char)c);
	} else {
		put(o, '\\');
		if (e) {
			put(o, e);
		} else {
			put(o, (char)('0' + ((c >> 6) & 3)));
			put(o, (char)('0' + ((c >> 3) & 7)));
			put(o, (char)('0' + (c & 7)));
		}
	}
	while (width-- > size)
		put(o, ' ');
}

/* Length %s prints: up to a NUL, the precision, and stap's 8192 cap. */
static int string_len(const char *s, size_t avail, int precision)
{
	size_t max = precision < 0 ? FMT_PRINT_LIMIT
				   : (size_t)precision < FMT_PRINT_LIMIT
				   ? (size_t)precision : FMT_PRINT_LIMIT;
	const char *nul;

	if (avail > max)
		avail = max;
	nul = avail ? memchr(s, '\0', avail) : NULL;
	return nul ? (int)(nul - s) : (int)avail;
}

/*
 * %s, %m and %M. Bytes a %m/%M wants beyond what the record carries print
 * as zero bytes: the BPF side copies exactly the precision, so that only
 * happens with a damaged record.
 */
static void put_memory(struct out *o, const char *p, size_t avail, int width,
		       int precision, char format, unsigned int flags)
{
	static const char hex[] = "0123456789abcdef";
	int i, len;

	if (format == 's') {
		if (!p) {
			p = "<NULL>";
			avail = 6;
		}
		len = string_len(p, avail, precision);
	} else {
		len = precision > 0 ? precision : 1;
	}
	if (!(flags & FMT_F_LEFT)) {
		int actlen = format == 'M' ? len * 2 : len;

		while (actlen < width-- && fits(o))
			put(o, ' ');
	}
	if (format == 'M') {
		for (i = 0; i < len && o->pos + 1 < o->cap; i++) {
			unsigned char c = (size_t)i < avail ? p[i] : 0;

			put(o, hex[c >> 4]);
			put(o, hex[c & 15]);
		}
		len *= 2;
	} else {
		for (i = 0; i < len && fits(o); i++)
			put(o, (size_t)i < avail ? p[i] : '\0');
	}
	while (len < width-- && fits(o))
		put(o, ' ');
	if ((flags & FMT_F_ZEROPAD) && fits(o))
		put(o, '\0');
}

static int binary_precision(int p)
{
	return p == 1 || p == 2 || p == 4 || p == 8 ? p : -1;
}

/* %b: the value's low bytes in host order, NUL-padded to the width. */
static void put_binary(struct out *o, int64_t num, int width, int precision,
		       unsigned int flags)
{
	unsigned char bytes[8];
	int8_t v8 = (int8_t)num;
	int16_t v16 = (int16_t)num;
	int32_t v32 = (int32_t)num;
	int i;

	precision = binary_precision(precision);
	if (width == -1) {
		if (precision == -1)
			precision = 8;
		width = precision;
	} else if (precision == -1) {
		precision = binary_precision(width);
		if (precision == -1)
			precision = 8;
	}
	if (!(flags & FMT_F_LEFT))
		while (precision < width-- && fits(o))
			put(o, '\0');
	switch (precision) {
	case 1: memcpy(bytes, &v8, 1); break;
	case 2: memcpy(bytes, &v16, 2); break;
	case 4: memcpy(bytes, &v32, 4); break;
	default: memcpy(bytes, &num, 8); break;
	}
	if (o->pos + precision <= o->cap)
		for (i = 0; i < precision; i++)
			put(o, (char)bytes[i]);
	while (precision >= 0 && width >= 0 && precision < width-- && fits(o))
		put(o, '\0');
}

static void put_literal(struct out *o, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i] && fits(o); i++)
		put(o, s[i]);
}

static int kind_ok(enum fmt_conv c, const struct fmt_arg *a)
{
	int want = value_kind(c);

	if (want == FMT_ARG_LONG)
		return a->kind == FMT_ARG_LONG;
	return a->kind == FMT_ARG_STRING || a->kind == FMT_ARG_BYTES;
}

static int args_ok(const struct fmt *f, const struct fmt_arg *args,
		   size_t nargs)
{
	size_t k, n = 0;

	if (nargs != f->nargs || (nargs && !args))
		return 0;
	for (k = 0; k < f->nspecs; k++) {
		const struct fmt_spec *s = &f->specs[k];

		if (s->conv == FMT_LITERAL)
			continue;
		if (s->width == FMT_STAR && args[n++].kind != FMT_ARG_LONG)
			return 0;
		if (s->precision == FMT_STAR &&
		    args[n++].kind != FMT_ARG_LONG)
			return 0;
		if (!kind_ok(s->conv, &args[n++]))
			return 0;
	}
	return 1;
}

/* A '*' argument: stap hands the 64-bit value to an int, then clamps. */
static int star_value(const struct fmt_arg *a)
{
	return (int)(int32_t)(uint64_t)a->l;
}

static void format_one(struct out *o, const struct fmt_spec *s,
		       const struct fmt_arg *args, size_t *n)
{
	unsigned int flags = s->flags;
	int width = s->width, precision = s->precision, base = 10;
	const struct fmt_arg *a;

	if (width == FMT_STAR)
		width = clamp_room(o, star_value(&args[(*n)++]));
	else if (width >= 0)
		width = clamp_room(o, width);
	if (precision == FMT_STAR)
		precision = clamp_room(o, star_value(&args[(*n)++]));
	else if (precision >= 0)
		precision = clamp_room(o, precision);
	a = &args[(*n)++];

	switch (s->conv) {
	case FMT_STRING:
		put_memory(o, a->s, a->len, width, precision, 's', flags);
		return;
	case FMT_MEMORY:
	case FMT_MEMORY_HEX:
		put_memory(o, a->s, a->s ? a->len : 0, width, precision,
			   s->conv == FMT_MEMORY ? 'm' : 'M', flags);
		return;
	case FMT_CHAR:
		put_char(o, (unsigned char)a->l, width, flags);
		return;
	case FMT_BINARY:
		put_binary(o, a->l, width, precision, flags);
		return;
	case FMT_SIGNED:
		flags |= FMT_F_SIGN;
		break;
	case FMT_OCTAL:
		base = 8;
		break;
	case FMT_HEX_UPPER:
		flags |= FMT_F_LARGE;
		base = 16;
		break;
	case FMT_HEX:
		base = 16;
		break;
	case FMT_POINTER:
		flags |= FMT_F_SPECIAL;
		base = 16;
		break;
	default:
		break;
	}
	put_number(o, (uint64_t)a->l, base, width, precision, flags);
}

/* Formats into @o; returns stap's final write position (may exceed cap). */
static long format_into(struct out *o, const struct fmt *f,
			const struct fmt_arg *args, size_t nargs)
{
	size_t k, n = 0;

	if (!f || !args_ok(f, args, nargs))
		return -1;
	for (k = 0; k < f->nspecs; k++) {
		const struct fmt_spec *s = &f->specs[k];

		if (s->conv == FMT_LITERAL)
			put_literal(o, s->text, s->len);
		else
			format_one(o, s, args, &n);
	}
	return 0;
}

/*
 * printf sizes its buffer from a first pass whose widths are cut to the
 * limit rather than to the room left; where the two passes disagree (a %b
 * precision cut to the room, say) stap's second pass overruns or leaves a
 * gap, and so does this. Bytes stap's buffer would hold without the second
 * pass writing them (stale memory there) are not emitted.
 */
/*
 * Nothing in @f depends on the room left in the buffer: no width or
 * precision (clamped to the room), no %b, %m or %M (cut against the end).
 * For such a format the second pass writes exactly what the first
 * measured, so while the output stays under the limit one pass does.
 */
static int room_free(const struct fmt *f)
{
	for (size_t k = 0; k < f->nspecs; k++) {
		const struct fmt_spec *s = &f->specs[k];

		if (s->conv == FMT_LITERAL)
			continue;
		if (s->width != FMT_UNSPEC || s->precision != FMT_UNSPEC ||
		    s->conv == FMT_BINARY || s->conv == FMT_MEMORY ||
		    s->conv == FMT_MEMORY_HEX)
			return 0;
	}
	return 1;
}

long fmt_format(struct strbuf *sb, const struct fmt *f,
		const struct fmt_arg *args, size_t nargs, size_t limit)
{
	struct out o;

	if (!sb)
		return -1;
	/* the common case, printf("%d %d\n", pid(), tid()) in every event,
	 * in one pass: the runner's time per record went mostly here */
	if (f && limit <= FMT_PRINT_LIMIT && room_free(f)) {
		char buf[FMT_PRINT_LIMIT];

		memset(&o, 0, sizeof(o));
		o.buf = buf;
		o.cap = limit;
		o.clamp = -1;
		if (format_into(&o, f, args, nargs) < 0)
			return -1;
		if (o.pos < limit) {
			strbuf_add(sb, buf, o.pos);
			return (long)o.pos;
		}
		/* at the limit: stap's two passes cut it */
	}
	out_measure(&o, limit > FMT_MAX_WIDTH ? FMT_MAX_WIDTH : (long)limit);
	if (format_into(&o, f, args, nargs) < 0)
		return -1;
	out_open(&o, sb, o.pos < limit ? o.pos : limit);
	format_into(&o, f, args, nargs);
	return (long)out_close(&o);
}

/* stap's sprintf ends the string in the buffer's last byte when full;
 * as a C string it also ends at the first NUL. */
static long close_string(struct out *o)
{
	struct strbuf *sb = o->sb;
	size_t n = out_close(o);
	const char *nul;

	if (o->cap && o->pos >= o->cap)
		n = o->cap - 1;
	nul = n ? memchr(sb->data + o->base, '\0', n) : NULL;
	if (nul)
		n = (size_t)(nul - (sb->data + o->base));
	sb->len = o->base + n;
	sb->data[sb->len] = '\0';
	return (long)n;
}

long fmt_sprintf(struct strbuf *sb, const struct fmt *f,
		 const struct fmt_arg *args, size_t nargs, size_t maxstringlen)
{
	struct out o;

	if (!sb || !f || !args_ok(f, args, nargs))
		return -1;
	out_open(&o, sb, maxstringlen);
	format_into(&o, f, args, nargs);
	return close_string(&o);
}

static void print_values(struct out *o, const struct fmt_arg *args,
			 size_t nargs, const char *delim, size_t delim_len,
			 int newline)
{
	size_t i;

	for (i = 0; args && i < nargs; i++) {
		const struct fmt_arg *a = &args[i];

		if (i && delim)
			put_literal(o, delim, delim_len);
		if (a->kind == FMT_ARG_LONG)
			put_number(o, (uint64_t)a->l, 10, -1, -1, FMT_F_SIGN);
		else
			put_memory(o, a->s, a->len, -1, -1, 's', 0);
	}
	if (newline)
		put_literal(o, "\n", 1);
}

long fmt_print_values(struct strbuf *sb, const struct fmt_arg *args,
		      size_t nargs, const char *delim, size_t delim_len,
		      int newline, size_t limit)
{
	struct out o;

	if (!sb)
		return -1;
	out_measure(&o, (long)FMT_PRINT_LIMIT);
	print_values(&o, args, nargs, delim, delim_len, newline);
	out_open(&o, sb, o.pos < limit ? o.pos : limit);
	print_values(&o, args, nargs, delim, delim_len, newline);
	return (long)out_close(&o);
}

long fmt_sprint_values(struct strbuf *sb, const struct fmt_arg *args,
		       size_t nargs, const char *delim, size_t delim_len,
		       int newline, size_t maxstringlen)
{
	struct out o;

	if (!sb)
		return -1;
	out_open(&o, sb, maxstringlen);
	print_values(&o, args, nargs, delim, delim_len, newline);
	return close_string(&o);
}

void fmt_print_long(struct strbuf *sb, int64_t v)
{
	if (sb)
		strbuf_addf(sb, "%lld", (long long)v);
}

/* ------------------------------------------------------------- text_str */

/* A byte of a stap string: NUL past its end, as in stap's buffer. */
static unsigned char byte_at(const char *s, size_t len, size_t i)
{
	return i < len ? (unsigned char)s[i] : 0;
}

/*
 * One character of UTF-8, as stap decodes it: anything but a shortest-form
 * 2-4 byte sequence of a valid code point comes back as one raw byte.
 */
static int decode_utf8(const char *s, size_t len, size_t i, long size,
		       int *cp)
{
	unsigned char b = byte_at(s, len, i);
	int n, k, c;

	if ((b & 0xE0) == 0xC0 && size >= 2)
		n = 2, c = b & 0x1F;
	else if ((b & 0xF0) == 0xE0 && size >= 3)
		n = 3, c = b & 0x0F;
	else if ((b & 0xF8) == 0xF0 && size >= 4)
		n = 4, c = b & 0x07;
	else
		goto raw;
	for (k = 1; k < n; k++) {
		unsigned char b2 = byte_at(s, len, i + k);

		if ((b2 & 0xC0) != 0x80)
			goto raw;
		c = (c << 6) | (b2 & 0x3F);
	}
	if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF || c < 0x80 ||
	    (n == 3 && c < 0x800) || (n == 4 && c < 0x10000))
		goto raw;
	*cp = c;
	return n;
raw:
	*cp = b;
	return 1;
}

static char short_escape(int c)
{
	switch (c) {
	case '\a': return 'a';
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	case '\v': return 'v';
	case '"': return '"';
	case '\\': return '\\';
	}
	return 0;
}

/* Characters one input character takes; writes them at @o if it fits. */
static int text_char(char *o, int c, int multibyte)
{
	static const char hex[] = "0123456789abcdef";
	int num, k;

	if (multibyte) {
		num = c <= 0xFFFF ? 6 : 10;
		if (!o)
			return num;
		*o++ = '\\';
		*o++ = c <= 0xFFFF ? 'u' : 'U';
		for (k = num - 3; k >= 0; k--)
			*o++ = hex[(c >> (k * 4)) & 15];
		return num;
	}
	if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
		if (o)
			*o = (char)c;
		return 1;
	}
	num = short_escape(c) ? 2 : 4;
	if (!o)
		return num;
	*o++ = '\\';
	if (num == 2) {
		*o = short_escape(c);
	} else {
		*o++ = (char)('0' + ((c >> 6) & 3));
		*o++ = (char)('0' + ((c >> 3) & 7));
		*o = (char)('0' + (c & 7));
	}
	return num;
}

void fmt_text_str(struct strbuf *sb, const char *s, size_t len, long inlen,
		  long outlen, int quoted, size_t maxstringlen)
{
	long msl = maxstringlen < 2 ? 2 : maxstringlen > FMT_MAX_WIDTH
		   ? FMT_MAX_WIDTH : (long)maxstringlen;
	long out = 0, esc = -1, esc_len = 0, num;
	size_t in = 0;
	char *buf;
	int c = 0, n;

	if (!sb)
		return;
	if (!s)
		len = 0;
	if (inlen <= 0 || inlen > msl - 1)
		inlen = msl - 1;
	if (outlen <= 0 || outlen > msl - 1)
		outlen = msl - 1;
	buf = malloc((size_t)msl + 16);
	if (!buf)
		abort();
	if (quoted) {
		outlen = (outlen > 5 ? outlen : 5) - 2;
		buf[out++] = '"';
	}
	while (inlen > 0) {
		n = decode_utf8(s, len, in, inlen, &c);
		if (c == 0 || outlen <= 0)
			break;
		in += n;
		inlen -= n;
		num = text_char(NULL, c, n > 1);
		/* Remember the first escape a later cut could split. */
		if (esc < 0 && num > 1 && outlen - 3 < num) {
			esc = out;
			esc_len = num;
		}
		if (outlen < num)
			break;
		out += text_char(buf + out, c, n > 1);
		outlen -= num;
	}
	if (quoted && c && inlen > 0) {
		/* Room for "..." comes out of what was written, never
		 * leaving half an escape. */
		long cut = out - 3 + outlen;

		out = esc >= 0 && esc < cut && cut < esc + esc_len ? esc : cut;
		if (out < 1)
			out = 1;
		memcpy(buf + out, "\"...", 4);
		out += 4;
	} else if (quoted) {
		buf[out++] = '"';
	}
	strbuf_add(sb, buf, (size_t)out);
	free(buf);
}
