// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF-side runtime: what generated code calls for strings, records,
 * errors, statistics and the context tapset functions.
 *
 * Compiled at build time to LLVM bitcode (clang -target bpf -O2
 * -emit-llvm), embedded into bstap, linked into every generated module and
 * inlined there. Every function is always_inline: nothing here survives as a
 * BPF-to-BPF call, so nothing needs debug info of its own.
 *
 * The translator defines the symbols declared extern below (the maps, the
 * .bss datasec and the configuration constants); after linking they are
 * constants or the module's own maps, and the optimizer folds the sizes,
 * which keeps every bounded loop and every helper size visible to the
 * verifier.
 *
 * Conventions for @runtime("bstap_NAME") functions (see codegen_expr.c):
 * longs are s64; a string argument is a pointer to a NUL-terminated buffer;
 * a function returning a string takes the destination (MAXSTRINGLEN bytes)
 * first and returns 0, or a negative error kind (-BO_ERR_*) for the
 * generated code to raise.
 *
 * Helpers used here are exactly those the runner's interpreter must offer
 * for runner-tier programs too: map lookup/update/delete, ringbuf_output,
 * probe_read_kernel(_str), ktime_get_ns, ktime_get_boot_ns, jiffies64,
 * get_smp_processor_id, get_current_pid_tgid, get_current_uid_gid,
 * get_current_comm.
 */
#include "../bo_format.h"

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;
typedef int s32;

#define RT __attribute__((always_inline))

/* Helpers, by id (include/uapi/linux/bpf.h); no kernel headers needed. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static u64 (*bpf_get_current_pid_tgid)(void) = (void *)14;
static u64 (*bpf_get_current_task)(void) = (void *)35;
static u64 (*bpf_get_current_uid_gid)(void) = (void *)15;
static long (*bpf_get_current_comm)(void *buf, u32 size) = (void *)16;
static u64 (*bpf_jiffies64)(void) = (void *)118;
static long (*bpf_probe_read_user_str)(void *dst, u32 size,
				       const void *src) = (void *)114;
static long (*bpf_probe_read_kernel)(void *dst, u32 size,
				     const void *src) = (void *)113;
static long (*bpf_probe_read_kernel_str)(void *dst, u32 size,
					 const void *src) = (void *)115;
static long (*bpf_ringbuf_output)(void *rb, void *data, u64 size,
				  u64 flags) = (void *)130;
static u64 (*bpf_ktime_get_boot_ns)(void) = (void *)125;

#define BPF_RB_NO_WAKEUP 1

/* Defined by the generated module. */
extern char bstap_rb[];
extern char bstap_err[];
extern char bstap_bss[];
extern char bstap_scr[];
extern const u32 bstap_cfg_msl;		/* MAXSTRINGLEN */
extern const u32 bstap_cfg_rec_mask;	/* record offsets: cap - 1 (2^n - 1) */
/* index mask for string bytes: 2^n - 1 >= MAXSTRINGLEN - 1; every string
 * lives in scratch or in the literal blob, both followed by that much room */
extern const u32 bstap_cfg_str_mask;
extern const u32 bstap_cfg_sink_off;	/* MAXSTRINGLEN bytes nobody reads */

/* Hidden .bss slots the runner writes: BO_GLOBAL_TARGET, _REALTIME. */
#define BSS_TARGET		0
#define BSS_REALTIME_OFFSET	8

static RT u32 msl(void)
{
	return bstap_cfg_msl;
}

/* ------------------------------------------------------------- strings */

/*
 * A string's length, from the helper that copies it into a sink. A byte
 * loop would do, but the verifier then follows every possible length
 * separately through the rest of the program; the helper's result is one
 * bounded unknown.
 */
RT s64 bstap_strlen(const char *s)
{
	u32 zero = 0;
	char *base = bpf_map_lookup_elem(bstap_scr, &zero);
	long n;

	if (!base)
		return 0;
	n = bpf_probe_read_kernel_str(base + bstap_cfg_sink_off, msl(), s);
	return n > 0 ? n - 1 : 0;
}

/* Copies src into dst (MAXSTRINGLEN bytes); returns the length. */
RT s64 bstap_strcpy(char *dst, const char *src)
{
	long n;
	u64 d = (u64)dst;

	/*
	 * Compared as opaque integers: told dst == src, LLVM uses src for
	 * dst on that path (a literal in .rodata, say), and the verifier,
	 * which cannot rule that path out for pointers into different
	 * maps, then refuses a write it thinks goes to .rodata.
	 */
	asm volatile("" : "+r"(d));
	if (d == (u64)src)
		return bstap_strlen(src);
	n = bpf_probe_read_kernel_str(dst, msl(), src);
	if (n <= 0) {
		dst[0] = 0;
		return 0;
	}
	return n - 1;
}


/*
 * dst = a . b; dst may be a (.=), never b. Returns 1 when the result was
 * cut at MAXSTRINGLEN (the caller counts BO_ERR_STRING_TRUNCATED). b is
 * copied by its length, so no copy ever relies on a helper cutting a
 * string short (the runner's interpreter refuses that).
 */
RT s64 bstap_strcat(char *dst, const char *a, const char *b)
{
	s64 m = bstap_strcpy(dst, a), lb = bstap_strlen(b), n;

	if (m < 0)
		m = 0;
	if (m > msl() - 1)
		m = msl() - 1;
	n = lb < msl() - 1 - m ? lb : msl() - 1 - m;
	if (n < 0)
		n = 0;
	if (n > msl() - 1)
		n = msl() - 1;
	/* the verifier sees dst + [0, msl) + [0, msl): scratch has a tail */
	if (n > 0 && bpf_probe_read_kernel(dst + m, (u32)n, b) < 0)
		n = 0;
	dst[(m + n) & bstap_cfg_str_mask] = 0;
	return lb > n;
}

RT s64 bstap_strcmp(const char *a, const char *b)
{
	u32 i;

	for (i = 0; i < msl(); i++) {
		u8 x = a[i], y = b[i];

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

RT s64 bstap_stringat(const char *s, s64 pos)
{
	if (pos < 0 || pos >= bstap_strlen(s))
		return 0;
	return (u8)s[pos & bstap_cfg_str_mask];
}

/* substr(str, start, length), as stap: out of range gives "". */
RT s64 bstap_substr(char *dst, const char *s, s64 start, s64 len)
{
	s64 n = bstap_strlen(s);
	u32 l;

	dst[0] = 0;
	if (start < 0 || len <= 0 || start >= n)
		return 0;
	if (len > n - start)
		len = n - start;
	if (len > msl() - 1)
		len = msl() - 1;
	l = (u32)len & bstap_cfg_str_mask;
	if (l < 1)
		return 0;
	bpf_probe_read_kernel(dst, l, s + start);
	dst[l & bstap_cfg_str_mask] = 0;
	return 0;
}

struct find_ctx {
	const char *s1, *s2;
	s64 n1, n2;
};

static long (*bpf_loop_fn)(u32 n, void *fn, void *ctx, u64 flags) =
	(void *)181;

/*
 * Does s2 occur at s1 + i?  One bpf_loop() step of isinstr(): 1 stops the
 * loop, found or past the last position. It writes nothing, so the
 * verifier's walk over the callback converges at once.
 */
static __attribute__((noinline)) long bstap_cb_find(u32 i, void *ctx)
{
	struct find_ctx *f = ctx;

	if ((s64)i + f->n2 > f->n1)
		return 1;
	for (u32 j = 0; j < msl() - 1; j++) {
		if (j >= f->n2)
			return 1;
		if (f->s1[(i + j) & bstap_cfg_str_mask] !=
		    f->s2[j & bstap_cfg_str_mask])
			return 0;
	}
	return 0;
}

/*
 * isinstr(s1, s2): bpf_loop() tries the positions and returns how many
 * steps ran; a match at i stops after i + 1 <= n1 - n2 + 1 steps, running
 * past the last position takes one more.
 */
RT s64 bstap_isinstr(const char *s1, const char *s2)
{
	struct find_ctx f = { s1, s2, bstap_strlen(s1), bstap_strlen(s2) };
	long steps;

	if (f.n2 == 0)
		return 1;
	if (f.n2 > f.n1)
		return 0;
	steps = bpf_loop_fn(msl(), bstap_cb_find, &f, 0);
	return steps >= 1 && steps <= f.n1 - f.n2 + 1;
}

static RT s64 digit_of(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* strtol(str, base) as C's strtol: blanks, sign, 0x / 0 prefixes. */
RT s64 bstap_strtol(const char *s, s64 base)
{
	u64 v = 0;
	u32 i = 0;
	int neg = 0;

	while (i < msl() - 1 && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	if (i < msl() - 1 && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if ((base == 0 || base == 16) && i + 1 < msl() - 1 && s[i] == '0' &&
	    (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		base = 16;
	} else if (base == 0 && i < msl() - 1 && s[i] == '0') {
		base = 8;
	} else if (base == 0) {
		base = 10;
	}
	if (base < 2 || base > 36)
		return 0;
	for (; i < msl() - 1; i++) {
		s64 d = digit_of(s[i]);

		if (d >= base)
			break;
		v = v * (u64)base + (u64)d;
	}
	return neg ? -(s64)v : (s64)v;
}

/* A char array of a tracepoint record (not always NUL-terminated). */
RT void bstap_read_chars(char *dst, const void *src, u32 size)
{
	if (size > msl() - 1)
		size = msl() - 1;
	if (size < 1) {
		dst[0] = 0;
		return;
	}
	if (bpf_probe_read_kernel(dst, size, src) < 0)
		size = 0;
	dst[size & bstap_cfg_str_mask] = 0;
}

/* -------------------------------------------------------- context */

/* task_current() (tapsets/task.stp): the task_struct the task_*() read */
RT s64 bstap_task_current(void)
{
	return (s64)bpf_get_current_task();
}

RT s64 bstap_pid(void)
{
	return bpf_get_current_pid_tgid() >> 32;
}

RT s64 bstap_tid(void)
{
	return (u32)bpf_get_current_pid_tgid();
}

RT s64 bstap_uid(void)
{
	return (u32)bpf_get_current_uid_gid();
}

RT s64 bstap_gid(void)
{
	return bpf_get_current_uid_gid() >> 32;
}

RT s64 bstap_cpu(void)
{
	return bpf_get_smp_processor_id();
}

RT s64 bstap_execname(char *dst)
{
	dst[0] = 0;
	if (msl() >= 16)
		bpf_get_current_comm(dst, 16);
	return 0;
}

RT s64 bstap_local_clock_ns(void)
{
	return bpf_ktime_get_ns();
}

RT s64 bstap_local_clock_us(void)
{
	return bpf_ktime_get_ns() / 1000;
}

RT s64 bstap_cpu_clock_ns(void)
{
	return bpf_ktime_get_ns();
}

RT s64 bstap_jiffies(void)
{
	return bpf_jiffies64();
}

RT s64 bstap_gettimeofday_ns(void)
{
	return bpf_ktime_get_boot_ns() +
	       *(volatile s64 *)(bstap_bss + BSS_REALTIME_OFFSET);
}

RT s64 bstap_target(void)
{
	return *(volatile s64 *)(bstap_bss + BSS_TARGET);
}

/* ------------------------------------------------------- arithmetic */

/* CPU v3 has no signed division; the caller excludes 0 and -1. */
RT s64 bstap_sdiv(s64 a, s64 b)
{
	u64 ua = a < 0 ? -(u64)a : (u64)a;
	u64 ub = b < 0 ? -(u64)b : (u64)b;
	u64 q = ua / ub;

	return (a < 0) != (b < 0) ? -(s64)q : (s64)q;
}

RT s64 bstap_smod(s64 a, s64 b)
{
	u64 ua = a < 0 ? -(u64)a : (u64)a;
	u64 ub = b < 0 ? -(u64)b : (u64)b;
	u64 r = ua % ub;

	return a < 0 ? -(s64)r : (s64)r;
}

/* ----------------------------------------------------------- records */

/*
 * Records are built at the start of the scratch value. Offsets are masked
 * with bstap_cfg_rec_mask (a power of two minus one, above any record's
 * size) so the verifier can bound every store; the area is that plus
 * MAXSTRINGLEN and 8 bytes long.
 */
RT u32 bstap_rec_begin(char *rec, u32 kind, u32 id)
{
	struct bo_record *h = (struct bo_record *)rec;

	h->kind = kind;
	h->flags = 0;
	h->id = id;
	return sizeof(*h);
}

/* A record naming a script place: the header, the u32 location index and
 * a u32 the caller may fill (ERROR: the probe; PRINT_STATS: 0). */
RT u32 bstap_rec_begin_at(char *rec, u32 kind, u32 id, u32 loc, u32 word)
{
	u32 off = bstap_rec_begin(rec, kind, id);

	*(u32 *)(rec + off) = loc;
	*(u32 *)(rec + off + 4) = word;
	return off + 8;
}

RT u32 bstap_rec_long(char *rec, u32 off, s64 v)
{
	off &= bstap_cfg_rec_mask;
	*(s64 *)(rec + off) = v;
	return off + 8;
}

/* A string: u32 length, the bytes, padding to the next 8-byte boundary. */
RT u32 bstap_rec_str(char *rec, u32 off, const char *s)
{
	long n;

	off &= bstap_cfg_rec_mask;
	n = bpf_probe_read_kernel_str(rec + off + 4, msl(), s);
	if (n < 1)
		n = 1;
	*(u32 *)(rec + off) = n - 1;
	return off + ((4 + (u32)(n - 1) + 7) & ~7u);
}

RT void bstap_count_error(u32 probe, u32 kind)
{
	u32 idx = BO_ERRCOUNT_INDEX(probe, kind);
	u64 *c = bpf_map_lookup_elem(bstap_err, &idx);

	if (c)
		__sync_fetch_and_add(c, 1);
}

/* Sends the record; a full ring is counted, never silent. */
RT void bstap_rec_send(char *rec, u32 off, u32 probe, u64 flags)
{
	u32 len = (off + 7) & ~7u;

	/* no record reaches the mask: a no-op the verifier can follow; the
	 * ring keeps the length, the header has none (bo_format.h) */
	len &= bstap_cfg_rec_mask;
	if (len < sizeof(struct bo_record))
		return;
	if (bpf_ringbuf_output(bstap_rb, rec, len, flags) < 0)
		bstap_count_error(probe, BO_ERR_RECORD_LOST);
}

/* A script error: counted, then reported with its detail (may be NULL). */
RT void bstap_raise(char *rec, u32 probe, u32 kind, u32 loc,
		    const char *detail)
{
	u32 off;

	bstap_count_error(probe, kind);
	off = bstap_rec_begin_at(rec, BO_REC_ERROR, kind, loc, probe);
	if (detail) {
		off = bstap_rec_str(rec, off, detail);
	} else {
		*(u32 *)(rec + off) = 0;
		off += 8;
	}
	bstap_rec_send(rec, off, probe, 0);
}

RT void bstap_send_warn(char *rec, u32 probe, const char *msg)
{
	u32 off = bstap_rec_begin(rec, BO_REC_WARN, 0);

	off = bstap_rec_str(rec, off, msg);
	bstap_rec_send(rec, off, probe, 0);
}

RT void bstap_send_exit(char *rec, u32 probe)
{
	u32 off = bstap_rec_begin(rec, BO_REC_EXIT, 0);

	bstap_rec_send(rec, off, probe, 0);
}

/* ------------------------------------------------------- statistics */

static RT s64 stats_div(s64 x, s64 y)
{
	if (y == 0)
		return 0;
	if (y == -1)
		return (s64)(0 - (u64)x);
	return bstap_sdiv(x, y);
}

static RT int bit_length(u64 v)
{
	int n = 0;

	if (v >> 32) {
		n += 32;
		v >>= 32;
	}
	if (v >> 16) {
		n += 16;
		v >>= 16;
	}
	if (v >> 8) {
		n += 8;
		v >>= 8;
	}
	if (v >> 4) {
		n += 4;
		v >>= 4;
	}
	if (v >> 2) {
		n += 2;
		v >>= 2;
	}
	if (v >> 1) {
		n += 1;
		v >>= 1;
	}
	return n + (int)v;
}

static RT s64 hist_bucket(s64 v, s64 kind, s64 lo, s64 step, s64 nb)
{
	if (kind == BO_HIST_LOG) {
		u64 mag = v < 0 ? -(u64)v : (u64)v;

		if (v == 0)
			return 64;
		return v < 0 ? 64 - bit_length(mag) : 64 + bit_length(mag);
	}
	if (kind == BO_HIST_LINEAR) {
		s64 off = (s64)((u64)v - (u64)lo);
		u64 b;

		if (off < 0 || step <= 0)
			return 0;
		b = (u64)off / (u64)step + 1;
		return b >= (u64)(nb - 1) ? nb - 1 : (s64)b;
	}
	return -1;
}

/*
 * runtime/stats.c stats_add(), step for step, on struct stats_data:
 * count, sum, min, max, avg_s, m2, variance_s, hist[].
 */
RT void bstap_stats_add(s64 *sd, s64 v, s64 kind, s64 lo, s64 step, s64 nb,
			s64 shift)
{
	s64 vs = (s64)((u64)v << (shift & 63));
	s32 delta;
	s64 b;

	if (sd[0] == 0) {
		sd[0] = 1;
		sd[1] = sd[2] = sd[3] = v;
		sd[4] = vs;
		sd[5] = 0;
	} else {
		sd[0]++;
		sd[1] = (s64)((u64)sd[1] + (u64)v);
		if (v > sd[3])
			sd[3] = v;
		if (v < sd[2])
			sd[2] = v;
		delta = (s32)(u32)((u64)vs - (u64)sd[4]);
		sd[4] = (s64)((u64)sd[4] + (u64)stats_div(delta, sd[0]));
		sd[5] = (s64)((u64)sd[5] +
			      (u64)delta * ((u64)vs - (u64)sd[4]));
		sd[6] = stats_div(sd[5], sd[0] - 1);
	}
	b = hist_bucket(v, kind, lo, step, nb);
	if (b >= 0 && b < nb && b < 128)
		sd[7 + (b & 127)]++;
}

/* ------------------------------------------------------- sprintf */

/*
 * sprintf() and sprint() build their string piece by piece: the generated
 * code appends each literal and each conversion to the destination. The
 * conversions follow runtime/format.c for what they cover: flags - + space
 * 0 #, width, precision; d i u x X o p c s.
 */
static RT u32 put(char *dst, u32 pos, char c)
{
	u32 at = pos;

	/*
	 * volatile: no loop of these may become a memset (no such call).
	 * The empty asm hides the test above from the optimizer, which would
	 * otherwise drop the mask and add pos to dst before the test, where
	 * the verifier sees an unbounded offset (a padded %5s in a kernel
	 * probe's sprintf).
	 */
	if (pos < msl() - 1) {
		asm volatile("" : "+r"(at));
		*(volatile char *)&dst[at & bstap_cfg_str_mask] = c;
		pos++;
	}
	return pos;
}

static RT u32 pad(char *dst, u32 pos, char c, s64 n)
{
	for (int i = 0; i < 4096; i++) {
		if (i >= n || pos >= msl() - 1)
			break;
		pos = put(dst, pos, c);
	}
	return pos;
}

RT void bstap_append(char *dst, const char *s)
{
	bstap_strcat(dst, dst, s);
}

#define F_ZEROPAD	0x01
#define F_PLUS		0x04
#define F_SPACE		0x08
#define F_LEFT		0x10
#define F_SPECIAL	0x20

static RT s64 binary_size(s64 n)
{
	return n == 1 || n == 2 || n == 4 || n == 8 ? n : -1;
}

/*
 * sprintf's %b: the value's low bytes, host order, NUL-padded to the
 * width, as runtime/format.c writes them. stap's string ends at the first
 * NUL byte: returns 1 when one was written (the caller appends no more).
 */
RT s64 bstap_append_binary(char *dst, s64 v, s64 flags, s64 width, s64 prec)
{
	u32 pos = bstap_strlen(dst);
	s64 n = binary_size(prec);
	s64 ended = 1;

	if (width < 0) {
		if (n < 0)
			n = 8;
		width = n;
	} else if (n < 0) {
		n = binary_size(width);
		if (n < 0)
			n = 8;
	}
	if ((flags & F_LEFT) || width <= n) {
		ended = width > n;
		for (int i = 0; i < 8; i++) {
			char c = (char)((u64)v >> (8 * i));

			if (i >= n)
				break;
			if (!c) {
				ended = 1;
				break;
			}
			pos = put(dst, pos, c);
		}
	}
	dst[pos & bstap_cfg_str_mask] = 0;
	return ended;
}

/*
 * A value the verifier must not follow value by value: copied through a
 * helper, it is an unknown to it. After a loop that may stop at any of n
 * steps, this makes the n ways out one state, so what follows is walked
 * once instead of n times.
 */
static RT u32 opaque_u32(u32 v)
{
	u32 out = 0;

	bpf_probe_read_kernel(&out, sizeof(out), &v);
	return out;
}

/*
 * Appends the last n of the 24 bytes at digits to dst at pos, cut at
 * MAXSTRINGLEN; one helper copy, no loop (a put() loop over the digits
 * cost the verifier some 35,000 instructions per %d).
 */
static RT u32 append_digits(char *dst, u32 pos, const char *digits, u32 n)
{
	u32 from;

	if (pos > msl() - 1)
		return pos;
	if (n > msl() - 1 - pos)
		n = msl() - 1 - pos;
	n &= 31;
	if (n > 23)
		n = 23;
	from = 24 - n;
	/* an offset added, not a length taken away: the verifier refuses
	 * to subtract from a stack pointer */
	asm volatile("" : "+r"(from));
	/* the verifier sees dst + [0, msl) + [0, 23]: scratch has a tail */
	if (n > 0 && bpf_probe_read_kernel(dst + pos, n, digits + from) == 0)
		pos += n;
	return pos;
}

RT void bstap_append_long(char *dst, s64 v, s64 conv, s64 flags, s64 width,
			  s64 prec)
{
	/* right-aligned: the last n bytes are the digits */
	char digits[24];
	u32 pos = bstap_strlen(dst), n = 0, base = 10;
	u64 u = (u64)v;
	char sign = 0;
	s64 len, zeros;
	int prefix = 0;

	if (conv == 'c') {
		s64 w = width > 1 ? width - 1 : 0;

		if (!(flags & F_LEFT))
			pos = pad(dst, pos, ' ', w);
		pos = put(dst, pos, (char)v);
		if (flags & F_LEFT)
			pos = pad(dst, pos, ' ', w);
		dst[pos & bstap_cfg_str_mask] = 0;
		return;
	}
	if (conv == 'p') {
		conv = 'x';
		flags |= F_SPECIAL;
	}
	if (conv == 'x' || conv == 'X')
		base = 16;
	else if (conv == 'o')
		base = 8;
	if (conv == 'd' || conv == 'i') {
		if (v < 0) {
			sign = '-';
			u = -(u64)v;
		} else if (flags & F_PLUS) {
			sign = '+';
		} else if (flags & F_SPACE) {
			sign = ' ';
		}
	}
	for (int i = 0; i < 23; i++) {
		/* arithmetic, not a table: the verifier cannot bound u % base */
		u32 d = (u32)(u % base) & 15;

		digits[23 - i] = d < 10 ? '0' + d :
				 (conv == 'X' ? 'A' : 'a') + d - 10;
		n++;
		u /= base;
		if (!u)
			break;
	}
	n = opaque_u32(n);
	if (n > 23)
		n = 23;
	if (flags & F_SPECIAL)
		prefix = base == 16 ? 2 : base == 8 ? 1 : 0;
	if (prec == 0 && v == 0 && base == 10)
		n = 0;
	zeros = prec > (s64)n ? prec - n : 0;
	if (base == 8 && prefix && zeros)
		prefix = 0;
	len = (sign ? 1 : 0) + prefix + zeros + n;
	if ((flags & F_ZEROPAD) && !(flags & F_LEFT) && prec < 0 &&
	    width > len) {
		zeros += width - len;
		len = width;
	}
	if (!(flags & F_LEFT))
		pos = pad(dst, pos, ' ', width - len);
	if (sign)
		pos = put(dst, pos, sign);
	if (prefix) {
		pos = put(dst, pos, '0');
		if (base == 16)
			pos = put(dst, pos, conv == 'X' ? 'X' : 'x');
	}
	pos = pad(dst, pos, '0', zeros);
	pos = append_digits(dst, pos, digits, n);
	if (flags & F_LEFT)
		pos = pad(dst, pos, ' ', width - len);
	dst[pos & bstap_cfg_str_mask] = 0;
}

RT void bstap_append_str(char *dst, const char *s, s64 flags, s64 width,
			 s64 prec)
{
	s64 n = bstap_strlen(s);
	u32 pos;

	if (prec >= 0 && prec < n)
		n = prec;
	pos = bstap_strlen(dst);
	if (!(flags & F_LEFT))
		pos = pad(dst, pos, ' ', width - n);
	for (u32 i = 0; i < msl() - 1; i++) {
		if (i >= n)
			break;
		pos = put(dst, pos, s[i & bstap_cfg_str_mask]);
	}
	if (flags & F_LEFT)
		pos = pad(dst, pos, ' ', width - n);
	dst[pos & bstap_cfg_str_mask] = 0;
}

/* ------------------------------------------ aggregates in kernel probes */

static void *(*bpf_map_lookup_percpu_elem)(void *map, const void *key,
					   u32 cpu) = (void *)195;
static long (*bpf_loop)(u32 n, void *fn, void *ctx, u64 flags) = (void *)181;

#define MAX_CPUS 4096

struct stats_iter {
	void *map;
	const void *key;
	s64 count, sum, min, max, avg_s, s1, s2;
};

/*
 * One CPU's record per call of bpf_loop(): the verifier checks a callback
 * once, where an unrolled loop over every possible CPU would exceed its
 * jump limits. These survive as BPF-to-BPF functions; the translator gives
 * every bstap_cb_* function its debug info (BTF func and line info).
 */
static __attribute__((noinline)) long bstap_cb_stats_sum(u32 cpu, void *ctx)
{
	struct stats_iter *it = ctx;
	s64 *sd = bpf_map_lookup_percpu_elem(it->map, it->key, cpu);

	if (!sd)
		return 1;
	if (!sd[0])
		return 0;
	if (!it->count) {
		it->min = sd[2];
		it->max = sd[3];
	}
	it->count += sd[0];
	it->sum = (s64)((u64)it->sum + (u64)sd[1]);
	if (sd[2] < it->min)
		it->min = sd[2];
	if (sd[3] > it->max)
		it->max = sd[3];
	return 0;
}

static __attribute__((noinline)) long bstap_cb_stats_var(u32 cpu, void *ctx)
{
	struct stats_iter *it = ctx;
	s64 *sd = bpf_map_lookup_percpu_elem(it->map, it->key, cpu);
	s64 d;

	if (!sd)
		return 1;
	if (!sd[0])
		return 0;
	d = (s64)((u64)sd[4] - (u64)it->avg_s);
	it->s1 = (s64)((u64)it->s1 + (u64)sd[0] * (u64)d * (u64)d);
	it->s2 = (s64)((u64)it->s2 + (u64)(sd[0] - 1) * (u64)sd[6]);
	return 0;
}

/*
 * @count(s) ... @variance(s) in a kernel probe: runtime/stats.c
 * stats_merge() over every CPU's record, then the extractor. Returns 0, or
 * -1 for an empty aggregate (what >= 2: min, max, avg, variance).
 */
RT s64 bstap_stats_extract(void *map, const void *key, s64 what, s64 shift,
			   s64 *out)
{
	struct stats_iter it = { .map = map, .key = key };

	*out = 0;
	bpf_loop(MAX_CPUS, bstap_cb_stats_sum, &it, 0);
	if (what == 0 || what == 1) {
		*out = what ? it.sum : it.count;
		return 0;
	}
	if (!it.count)
		return -1;
	if (what == 2 || what == 3) {
		*out = what == 2 ? it.min : it.max;
		return 0;
	}
	if (what == 4) {
		*out = stats_div(it.sum, it.count);
		return 0;
	}
	it.avg_s = stats_div((s64)((u64)it.sum << (shift & 63)), it.count);
	bpf_loop(MAX_CPUS, bstap_cb_stats_var, &it, 0);
	*out = stats_div((s64)((u64)it.s1 + (u64)it.s2), it.count - 1) >>
	       ((2 * shift) & 63);
	return 0;
}

/*
 * @hist_log(s)[i] in a kernel probe: the count of every CPU's bucket i.
 * A callback cannot know the map's value size, so the verifier could not
 * bound an index into the record: the bucket is copied out with
 * bpf_probe_read_kernel() at an offset already checked against the
 * histogram (and masked, so the copy stays inside any record).
 */
struct bucket_iter {
	void *map;
	const void *key;
	s64 off;		/* of the bucket in the record, or -1 */
	s64 count, n;
};

static __attribute__((noinline)) long bstap_cb_stats_bucket(u32 cpu,
							     void *ctx)
{
	struct bucket_iter *it = ctx;
	s64 *sd = bpf_map_lookup_percpu_elem(it->map, it->key, cpu);
	s64 n = 0;

	if (!sd)
		return 1;
	it->count += sd[0];
	if (it->off >= 0 &&
	    !bpf_probe_read_kernel(&n, 8, (char *)sd + (it->off & 0x7f8)))
		it->n += n;
	return 0;
}

/* 0 and the count in *out; -1 for an empty aggregate (stap checks that
 * first), -2 for a bucket out of range (runtime/stats.c stats_bucket()). */
RT s64 bstap_stats_bucket(void *map, const void *key, s64 i, s64 nbuckets,
			  s64 *out)
{
	struct bucket_iter it = { .map = map, .key = key, .off = -1 };
	int in = i >= 0 && i < nbuckets;

	if (in)
		it.off = 7 * 8 + i * 8;	/* after count ... variance_s */
	bpf_loop(MAX_CPUS, bstap_cb_stats_bucket, &it, 0);
	*out = 0;
	if (!it.count)
		return -1;
	if (!in)
		return -2;
	*out = it.n;
	return 0;
}

/*
 * %m / %M: n bytes read at addr go into the record as a string field
 * (u32 length, bytes, padding). At most MAXSTRINGLEN bytes; kernel memory
 * first, then user memory; unreadable bytes are zeros.
 */
static long (*bpf_probe_read_user)(void *dst, u32 size,
				   const void *src) = (void *)112;

RT u32 bstap_rec_mem(char *rec, u32 off, s64 addr, s64 n)
{
	u32 len;

	off &= bstap_cfg_rec_mask;
	if (n < 1)
		n = 1;
	if (n > msl())
		n = msl();
	len = (u32)n & (bstap_cfg_str_mask | msl());
	if (len > msl())
		len = msl();
	if (len < 1)
		len = 1;
	if (bpf_probe_read_kernel(rec + off + 4, len, (const void *)addr) < 0 &&
	    bpf_probe_read_user(rec + off + 4, len, (const void *)addr) < 0)
		for (u32 i = 0; i < 4096 && i < len; i++)
			rec[(off + 4 + i) & (bstap_cfg_rec_mask * 2 + 1)] = 0;
	*(u32 *)(rec + off) = len;
	return off + ((4 + len + 7) & ~7u);
}
#include "syscall_decode.c"
#include "kernel_decode.c"
#include "stacks.c"
#include "regex_match.c"
#include "string_funcs.c"
#include "syscall_args.c"
