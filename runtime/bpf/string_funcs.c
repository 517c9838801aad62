// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The function tapsets' runtime part (tapsets/string.stp, conversions.stp,
 * time.stp, context.stp): what cannot be written in the script language
 * without a loop per byte, which the verifier would follow path by path.
 * Included by bstap_runtime.c (its helpers, msl(), always_inline).
 *
 * A string function that fails writes stap's message into its destination
 * and returns -1 (a read fault) or -BO_ERR_USER_ERROR (a bad argument, such
 * as a time out of range); the generated code raises the error with that
 * message as its text, so try/catch sees it as stap's would.
 */

/*
 * An address as a plain number: the verifier may know it as a pointer
 * (&$p->comm), which it lets no one divide; a copy through a helper is a
 * number to it.
 */
static RT s64 as_number(s64 addr)
{
	s64 a = addr, v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &a);
	return v;
}

/* "0x" and 16 hex digits, as the kernel's %p prints an address */
static RT void append_addr(char *dst, s64 addr)
{
	bstap_append(dst, "0x");
	bstap_append_long(dst, as_number(addr), 'x', F_ZEROPAD, 16, -1);
}

/* "0x" and the hex digits, as stap's %p prints an address */
static RT void append_addr_short(char *dst, s64 addr)
{
	bstap_append(dst, "0x");
	bstap_append_long(dst, as_number(addr), 'x', 0, -1, -1);
}

/* dst = what addr; returns -1 for the generated code to raise */
static RT s64 fault(char *dst, const char *what, s64 addr)
{
	dst[0] = 0;
	bstap_append(dst, what);
	append_addr(dst, addr);
	bstap_append(dst, " [man error::fault]");
	return -1;
}

/* -------------------------------------------------------- searching */

/* strpos(s1, s2): where s2 first occurs in s1, from 0; -1 if nowhere. */
RT s64 bstap_strpos(const char *s1, const char *s2)
{
	struct find_ctx f = { s1, s2, bstap_strlen(s1), bstap_strlen(s2) };
	long steps;

	if (f.n2 == 0)
		return 0;
	if (f.n2 > f.n1)
		return -1;
	steps = bpf_loop_fn(msl(), bstap_cb_find, &f, 0);
	if (steps >= 1 && steps <= f.n1 - f.n2 + 1)
		return steps - 1;
	return -1;
}

/*
 * Loop state the verifier must not follow value by value. A loop whose
 * position advances by 1, 2 or 4 (escapes) or by a match's length gives
 * the verifier one path per reachable position, which exceeds its limit;
 * a value stored into the scratch map and loaded back is an unknown to
 * it, so every path meets the others at the loop's head. The sink area
 * (strlen's throwaway bytes) holds them: none of these loops calls strlen.
 */
static RT u64 *loop_state(void)
{
	u32 zero = 0;
	char *base = bpf_map_lookup_elem(bstap_scr, &zero);

	return base ? (u64 *)(base + bstap_cfg_sink_off) : 0;
}

static RT u32 forget(u64 *slot, u32 v)
{
	*(volatile u64 *)slot = v;
	return (u32)*(volatile u64 *)slot;
}

struct find_from_ctx {
	const char *s1, *s2;
	s64 from, n1, n2;
};

/* Does s2 occur at s1 + from + i? As bstap_cb_find, from an offset. */
static __attribute__((noinline)) long bstap_cb_find_from(u32 i, void *ctx)
{
	struct find_from_ctx *f = ctx;
	s64 at = f->from + i;

	if (at + f->n2 > f->n1)
		return 1;
	for (u32 j = 0; j < msl() - 1; j++) {
		if (j >= f->n2)
			return 1;
		if (f->s1[(at + j) & bstap_cfg_str_mask] !=
		    f->s2[j & bstap_cfg_str_mask])
			return 0;
	}
	return 0;
}

/* Appends n bytes of src at dst + out; returns the new length. */
static RT u32 append_bytes(char *dst, u32 out, const char *src, s64 n)
{
	if (out > msl() - 1)
		return msl() - 1;
	if (n > msl() - 1 - out)
		n = msl() - 1 - out;
	if (n > 0 && n < msl() &&
	    bpf_probe_read_kernel(dst + out, (u32)n, src) == 0)
		out += n;
	return out;
}

struct replace_ctx {
	const char *s, *from, *to;
	char *dst;
	s64 n, nf, nt;
	u64 *st;		/* [0] where the search goes on, [1] length */
};

/*
 * One round of str_replace(): find the next occurrence from st[0], copy
 * what comes before it and the replacement. The state lives in the
 * scratch map, so the context stays unchanged and the verifier's walk
 * over this callback converges at once.
 */
static __attribute__((noinline)) long bstap_cb_replace(u32 round, void *ctx)
{
	struct replace_ctx *r = ctx;
	u32 at = (u32)*(volatile u64 *)&r->st[0];
	u32 out = (u32)*(volatile u64 *)&r->st[1];
	struct find_from_ctx f = { r->s, r->from, at, r->n, r->nf };
	s64 pos = -1;
	long steps;

	if (at >= r->n || at > msl() - 1)
		return 1;
	if (at + r->nf <= r->n) {
		steps = bpf_loop_fn(msl(), bstap_cb_find_from, &f, 0);
		if (steps >= 1 && steps <= r->n - r->nf - at + 1)
			pos = steps - 1;
	}
	/* the part before the match, or the rest */
	out = append_bytes(r->dst, out, r->s + at, pos < 0 ? r->n - at : pos);
	if (pos >= 0)
		out = append_bytes(r->dst, out, r->to, r->nt);
	*(volatile u64 *)&r->st[0] = at + pos + r->nf;
	*(volatile u64 *)&r->st[1] = out;
	return pos < 0;
}

/*
 * str_replace(s, from, to): every occurrence of from replaced, left to
 * right, without overlaps; the result is cut at MAXSTRINGLEN.
 */
RT s64 bstap_str_replace(char *dst, const char *s, const char *from,
			 const char *to)
{
	struct replace_ctx r = { s, from, to, dst, bstap_strlen(s),
				 bstap_strlen(from), bstap_strlen(to),
				 loop_state() };
	u32 out;

	dst[0] = 0;
	if (r.nf == 0 || !r.st) {
		bstap_strcpy(dst, s);
		return 0;
	}
	r.st[0] = 0;
	r.st[1] = 0;
	bpf_loop_fn(msl(), bstap_cb_replace, &r, 0);
	out = (u32)*(volatile u64 *)&r.st[1];
	dst[out & bstap_cfg_str_mask] = 0;
	return 0;
}

/* 256 bits: which bytes are in a set */
struct byte_set {
	u64 w[4];
};

static RT void set_of(struct byte_set *set, const char *bytes)
{
	set->w[0] = set->w[1] = set->w[2] = set->w[3] = 0;
	for (u32 j = 0; j < msl() - 1; j++) {
		u8 c = bytes[j & bstap_cfg_str_mask];

		if (!c)
			break;
		set->w[(c >> 6) & 3] |= 1ULL << (c & 63);
	}
}

static RT int in_set(const struct byte_set *set, u8 c)
{
	return (set->w[(c >> 6) & 3] >> (c & 63)) & 1;
}

/* Where the first token of s starts (n when there is none), and its
 * length: two loops, each with a single way out. */
static RT u32 token_start(const char *s, s64 n, const struct byte_set *set)
{
	u32 i;

	for (i = 0; i < msl() - 1; i++)
		if (i >= n || !in_set(set, s[i & bstap_cfg_str_mask]))
			break;
	return i;
}

static RT u32 token_len(const char *s, s64 n, u32 start,
			const struct byte_set *set)
{
	u32 j;

	for (j = 0; j < msl() - 1; j++)
		if (start + j >= n ||
		    in_set(set, s[(start + j) & bstap_cfg_str_mask]))
			break;
	return j;
}

/*
 * The first token of rest (empty tokens skipped): where it starts and how
 * long it is, each laundered for the verifier. 0 without scratch.
 */
static RT int first_token(const char *rest, s64 n, const char *delim,
			  u32 *start, u32 *len)
{
	struct byte_set set;
	u64 *st = loop_state();

	if (!st)
		return 0;
	set_of(&set, delim);
	*start = forget(st, token_start(rest, n, &set));
	*len = forget(st, token_len(rest, n, *start, &set));
	return 1;
}

/*
 * tokenize()'s two halves (the state, the rest of the string, is a
 * private global of tapsets/string.stp): the first token of rest, and
 * what follows it and its delimiter.
 */
RT s64 bstap_tokenize_token(char *dst, const char *rest, const char *delim)
{
	s64 n = bstap_strlen(rest);
	u32 start = 0, len = 0;

	dst[0] = 0;
	if (first_token(rest, n, delim, &start, &len) && start < msl() &&
	    append_bytes(dst, 0, rest + start, len) == len)
		dst[len & bstap_cfg_str_mask] = 0;
	return 0;
}

RT s64 bstap_tokenize_rest(char *dst, const char *rest, const char *delim)
{
	s64 n = bstap_strlen(rest);
	u32 start = 0, len = 0, next;

	dst[0] = 0;
	if (!first_token(rest, n, delim, &start, &len))
		return 0;
	next = start + len + 1;
	if (next < n && next < msl())
		bstap_strcpy(dst, rest + next);
	return 0;
}

/* ---------------------------------------------------------- escaping */

/* The escape of c after its backslash, or 0 when c is printed as is or
 * as \ooo. */
static RT char escape_of(u8 c)
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

/* How many bytes put_escaped() writes for c. */
static RT u32 escaped_len(u8 c)
{
	return escape_of(c) ? 2 : (c >= 32 && c < 127) ? 1 : 4;
}

/* c at dst + pos, escaped as stap's _stp_text_str does; the new length. */
static RT u32 put_escaped(char *dst, u32 pos, u8 c)
{
	char e = escape_of(c);

	if (e) {
		pos = put(dst, pos, '\\');
		return put(dst, pos, e);
	}
	if (c >= 32 && c < 127)
		return put(dst, pos, c);
	pos = put(dst, pos, '\\');
	pos = put(dst, pos, '0' + ((c >> 6) & 3));
	pos = put(dst, pos, '0' + ((c >> 3) & 7));
	return put(dst, pos, '0' + (c & 7));
}

/*
 * Escaping runs in a bpf_loop() callback, one byte per step: the verifier
 * checks the callback once per call site whatever MAXSTRINGLEN is (an
 * inlined loop of MAXSTRINGLEN steps cost it some 20,000 instructions per
 * quoted argument, too many for the syscall tapset's argstr handlers).
 * The state lives in the scratch map's sink (loop_state()), so the
 * context never changes and the verifier's walk converges at once.
 */
struct quote_ctx {
	const char *s;		/* the bytes in a string slot, or 0: */
	u64 uaddr;		/* read one by one from user memory there */
	char *dst;
	u64 *st;		/* [0] length out, [1] where a cut text ends,
				 * [2] QUOTE_CUT or QUOTE_FAULT */
	u32 n;			/* bytes to escape */
	u32 room;		/* the escaped text ends before this */
	u32 limit;		/* the whole result's length at most */
	u32 stop_nul;		/* user bytes: a NUL ends them (a string) */
};

#define QUOTE_CUT	1
#define QUOTE_FAULT	2

static __attribute__((noinline)) long bstap_cb_quote(u32 i, void *ctx)
{
	struct quote_ctx *q = ctx;
	u32 pos = (u32)*(volatile u64 *)&q->st[0];
	u8 c = 0;

	if (i >= q->n)
		return 1;
	if (q->s) {
		c = q->s[i & bstap_cfg_str_mask];
	} else if (bpf_probe_read_user(&c, 1,
				       (const void *)(q->uaddr + i)) < 0) {
		*(volatile u64 *)&q->st[2] = QUOTE_FAULT;
		return 1;
	}
	if (!c && q->stop_nul)
		return 1;
	if (pos + escaped_len(c) > q->room) {
		*(volatile u64 *)&q->st[2] = QUOTE_CUT;
		return 1;
	}
	pos = put_escaped(q->dst, pos, c);
	*(volatile u64 *)&q->st[0] = pos;
	if (pos + 4 <= q->limit)
		*(volatile u64 *)&q->st[1] = pos;
	return 0;
}

/*
 * As stap's _stp_text_str: n bytes, printable ASCII as is, C escapes for
 * \a \b \f \n \r \t \v " and \, \ooo for other bytes (NUL too), the
 * result at most limit bytes. Quoted, the text is in double quotes, and a
 * cut one (more bytes than fit, or more) ends with "... after them.
 * Returns QUOTE_FAULT when a user byte could not be read.
 */
static RT s64 quote_bytes(char *dst, struct quote_ctx *q, s64 limit,
			  s64 quoted, int more)
{
	u32 pos = 0;
	u64 *st = loop_state();

	dst[0] = 0;
	if (!st)
		return 0;
	if (limit <= 0 || limit > msl() - 1)
		limit = msl() - 1;
	if (quoted && limit < 5)
		limit = 5;
	q->dst = dst;
	q->st = st;
	q->limit = (u32)limit;
	q->room = (u32)limit;
	if (quoted) {
		q->room = (u32)limit - 1;
		pos = put(dst, pos, '"');
	}
	st[0] = pos;
	st[1] = pos;
	st[2] = 0;
	bpf_loop_fn(msl(), bstap_cb_quote, q, 0);
	if (st[2] == QUOTE_FAULT)
		return QUOTE_FAULT;
	pos = (u32)*(volatile u64 *)&st[0];
	if (st[2] == QUOTE_CUT)
		more = 1;
	if (quoted) {
		if (more)
			pos = (u32)*(volatile u64 *)&st[1];
		pos = put(dst, pos, '"');
		if (more) {
			pos = put(dst, pos, '.');
			pos = put(dst, pos, '.');
			pos = put(dst, pos, '.');
		}
	}
	dst[pos & bstap_cfg_str_mask] = 0;
	return 0;
}

/*
 * text_strn(s, len, quoted): at most len bytes of s (0: all) escaped, as
 * quote_bytes(); a string cut by len gets "... when quoted.
 */
RT s64 bstap_text_strn(char *dst, const char *s, s64 len, s64 quoted)
{
	s64 n = bstap_strlen(s);
	struct quote_ctx q = { .s = s };
	int more = 0;

	if (len > 0 && len < n) {
		n = len;
		more = 1;
	}
	q.n = (u32)n;
	quote_bytes(dst, &q, 0, quoted, more);
	return 0;
}

/*
 * user_buffer_quoted(addr, inlen, outlen): inlen bytes of user memory
 * (NULs are bytes like the others), escaped and quoted, the result at
 * most outlen bytes (0: MAXSTRINGLEN - 1) and "... after the quote when
 * cut. The bytes are read one by one, as stap reads them, so a buffer
 * longer than what fits costs no more than what fits. When a byte cannot
 * be read: the address in hex, unquoted (stap's user_buffer_quoted).
 */
RT s64 bstap_user_buffer_quoted(char *dst, s64 addr, s64 inlen, s64 outlen)
{
	struct quote_ctx q = { .uaddr = (u64)addr };
	int more = 0;

	if (inlen < 0)
		inlen = 0;
	if (inlen > msl()) {
		inlen = msl();
		more = 1;
	}
	q.n = (u32)inlen;
	if (quote_bytes(dst, &q, outlen, 1, more) == QUOTE_FAULT) {
		dst[0] = 0;
		append_addr_short(dst, addr);
	}
	return 0;
}

/* ------------------------------------------------------ conversions */

RT s64 bstap_kernel_string(char *dst, s64 addr)
{
	if (bpf_probe_read_kernel_str(dst, msl(), (const void *)addr) < 0)
		return fault(dst, "kernel string copy fault at ", addr);
	return 0;
}

/* at most n bytes (and MAXSTRINGLEN - 1) */
static RT u32 size_for(s64 n)
{
	u32 size;

	if (n < 0)
		n = 0;
	size = n + 1 > msl() ? msl() : (u32)n + 1;
	return size < 1 ? 1 : size;
}

RT s64 bstap_kernel_string_n(char *dst, s64 addr, s64 n)
{
	if (bpf_probe_read_kernel_str(dst, size_for(n), (const void *)addr) < 0)
		return fault(dst, "kernel string copy fault at ", addr);
	return 0;
}

/* stap's "user string copy fault -14 at 00000000deadbeef [man
 * error::fault]" (its %p, no 0x) */
static RT s64 user_fault(char *dst, long rc, s64 addr)
{
	dst[0] = 0;
	bstap_append(dst, "user string copy fault ");
	bstap_append_long(dst, rc, 'd', 0, -1, -1);
	bstap_append(dst, " at ");
	bstap_append_long(dst, as_number(addr), 'x', F_ZEROPAD, 16, -1);
	bstap_append(dst, " [man error::fault]");
	return -1;
}

RT s64 bstap_user_string(char *dst, s64 addr)
{
	long rc = bpf_probe_read_user_str(dst, msl(), (const void *)addr);

	return rc < 0 ? user_fault(dst, rc, addr) : 0;
}

RT s64 bstap_user_string_n(char *dst, s64 addr, s64 n)
{
	long rc = bpf_probe_read_user_str(dst, size_for(n),
					  (const void *)addr);

	return rc < 0 ? user_fault(dst, rc, addr) : 0;
}

/*
 * kernel_long() and its kin: fallible longs. msg is a string slot for the
 * message, out the value; a negative return raises the error.
 */
static RT s64 kread_num(char *msg, s64 *out, s64 addr, u32 size,
			const char *what)
{
	s64 v = 0;

	if (bpf_probe_read_kernel(&v, size & 15, (const void *)addr) < 0) {
		*out = 0;
		return fault(msg, what, addr);
	}
	*out = v;
	return 0;
}

RT s64 bstap_try_kernel_long(char *msg, s64 *out, s64 addr)
{
	return kread_num(msg, out, addr, 8, "kernel long copy fault at ");
}

RT s64 bstap_try_kernel_pointer(char *msg, s64 *out, s64 addr)
{
	return kread_num(msg, out, addr, 8, "kernel pointer copy fault at ");
}

RT s64 bstap_try_kernel_int(char *msg, s64 *out, s64 addr)
{
	s64 rc = kread_num(msg, out, addr, 4, "kernel int copy fault at ");

	*out = (s32)*out;
	return rc;
}

RT s64 bstap_try_kernel_short(char *msg, s64 *out, s64 addr)
{
	s64 rc = kread_num(msg, out, addr, 2, "kernel short copy fault at ");

	*out = (short)*out;
	return rc;
}

RT s64 bstap_try_kernel_char(char *msg, s64 *out, s64 addr)
{
	s64 rc = kread_num(msg, out, addr, 1, "kernel char copy fault at ");

	*out = (signed char)*out;
	return rc;
}

/*
 * A process's command line: the user memory from arg_start to arg_end,
 * its NULs (between arguments) as spaces, cut at MAXSTRINGLEN.
 */
RT s64 bstap_cmdline_str(char *dst, s64 start, s64 end)
{
	s64 n = end - start;
	int last_nul;
	u32 i;

	dst[0] = 0;
	if (n <= 0)
		return 0;
	if (n > msl() - 1)
		n = msl() - 1;
	if (n < 1 || bpf_probe_read_user(dst, (u32)n, (const void *)start) < 0)
		return 0;
	last_nul = !dst[(n - 1) & bstap_cfg_str_mask];
	for (i = 0; i < msl() - 1; i++) {
		if (i >= n)
			break;
		if (!dst[i & bstap_cfg_str_mask])
			dst[i & bstap_cfg_str_mask] = ' ';
	}
	/* the last argument's own NUL is no separator */
	if (n == end - start && last_nul)
		n--;
	dst[n & bstap_cfg_str_mask] = 0;
	return 0;
}

/* ------------------------------------------------------------- time */

/* Indexed under a mask (the verifier needs the bound on the very
 * register added to the table's address), hence the padding. */
static const char bstap_wday[8][4] = {
	"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed", "???"
};
static const char bstap_month[16][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "???", "???", "???", "???"
};

static RT void put2(char *dst, u64 v, char lead)
{
	char s[3] = { v >= 10 ? '0' + (char)(v / 10 % 10) : lead,
		      '0' + (char)(v % 10), 0 };

	bstap_append(dst, s);
}

/* 400 Gregorian years in seconds: a whole number of weeks too */
#define ERA_SECS (146097ULL * 86400)

/*
 * ctime(secs): "Thu Jan  1 00:00:00 1970" (24 characters, UTC), for the
 * range of a 32-bit time_t as stap; anything else is an error.
 * Civil-from-days arithmetic on days since 1970-01-01, shifted by one era
 * so that everything is unsigned (BPF has no signed division).
 */
RT s64 bstap_ctime(char *dst, s64 secs)
{
	u64 t, days, rem, z, era, doe, yoe, doy, mp, d, m, y, wd;

	dst[0] = 0;
	if (secs < -2147483648LL || secs > 2147483647LL) {
		bstap_append(dst, "time value ");
		bstap_append_long(dst, secs, 'd', 0, -1, -1);
		bstap_append(dst, " out of range for ctime()");
		return -BO_ERR_USER_ERROR;
	}
	t = (u64)(secs + (s64)ERA_SECS);
	days = t / 86400;		/* days since 1570-01-01, plus 146097 */
	rem = t % 86400;
	wd = days % 7;			/* 0: a Thursday, as 1970-01-01 */
	z = days - 146097 + 719468 + 146097;	/* days since 0000-03-01 + era */
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400 - 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	/* the optimizer knows wd < 7 and m <= 12 and would drop the masks;
	 * the verifier cannot bound a remainder */
	asm volatile("" : "+r"(wd), "+r"(m));
	bstap_append(dst, bstap_wday[wd & 7]);
	bstap_append(dst, " ");
	bstap_append(dst, bstap_month[(m - 1) & 15]);
	bstap_append(dst, " ");
	put2(dst, d, ' ');
	bstap_append(dst, " ");
	put2(dst, rem / 3600, '0');
	bstap_append(dst, ":");
	put2(dst, rem / 60 % 60, '0');
	bstap_append(dst, ":");
	put2(dst, rem % 60, '0');
	bstap_append(dst, " ");
	bstap_append_long(dst, (s64)y, 'd', 0, -1, -1);
	return 0;
}

/* "0x" and the hex digits of an address, which may be a pointer to the
 * verifier (sprintf("0x%x") would divide it) */
RT s64 bstap_addr_hex(char *dst, s64 addr)
{
	dst[0] = 0;
	append_addr_short(dst, addr);
	return 0;
}
