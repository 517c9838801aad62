// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Arguments of the syscall tapset that point at structures in user
 * memory, formatted as stap's argstr shows them (tapsets/aux_syscalls.stp):
 * socket addresses and execve's argument list. Included by
 * bstap_runtime.c after string_funcs.c (quoting, loop_state()).
 */

#define SA_UNIX		1
#define SA_INET		2
#define SA_INET6	10
#define SA_NETLINK	16
#define SUN_PATH_MAX	108

static RT u32 be16(const u8 *p)
{
	return (u32)p[0] << 8 | p[1];
}

/*
 * Quotes user bytes after what dst holds (quote_bytes() writes from the
 * start of the buffer it is given, so it gets dst + the length, and a
 * limit that keeps the whole within MAXSTRINGLEN).
 */
static RT void append_quoted_user(char *dst, struct quote_ctx *q)
{
	u32 pos = bstap_strlen(dst);

	if (pos > msl() - 8)
		return;
	quote_bytes(dst + (pos & bstap_cfg_str_mask), q, msl() - 1 - pos, 1,
		    0);
}

/* AF_UNIX: the path quoted; an abstract name (first byte NUL) as the
 * buffer it is, its NULs escaped */
static RT void append_sun_path(char *dst, s64 uaddr, s64 len)
{
	struct quote_ctx q = { .uaddr = (u64)uaddr + 2, .stop_nul = 1 };
	u8 first = 0;

	if (len > 2 + SUN_PATH_MAX)
		len = 2 + SUN_PATH_MAX;
	q.n = len > 2 ? (u32)(len - 2) : 0;
	if (q.n && bpf_probe_read_user(&first, 1, (const void *)q.uaddr) == 0 &&
	    !first)
		q.stop_nul = 0;
	append_quoted_user(dst, &q);
}

/* four hex digits, as the kernel's %pI6 prints a group */
static RT void append_hex16(char *dst, u32 v)
{
	bstap_append_long(dst, v & 0xffff, 'x', F_ZEROPAD, 4, -1);
}

/*
 * _struct_sockaddr_u(uaddr, len): {AF_INET, 127.0.0.1, 8080},
 * {AF_INET6, [0000:...:0001], 8080} (full groups, as %pI6),
 * {AF_UNIX, "/path"}, {AF_NETLINK, pid=N, groups=%08x}, else
 * {unknown sockaddr with sa=FAMILY, ss=LEN}. NULL for address 0, the
 * address in hex when it cannot be read or len is too short for its
 * family.
 */
RT s64 bstap_sockaddr_str(char *dst, s64 uaddr, s64 len)
{
	u8 sa[24];
	u32 fam;

	dst[0] = 0;
	if (!uaddr) {
		bstap_append(dst, "NULL");
		return 0;
	}
	if (len < 2 || bpf_probe_read_user(sa, 2, (const void *)uaddr) < 0)
		goto bad;
	fam = sa[0] | (u32)sa[1] << 8;
	if (fam == SA_UNIX) {
		bstap_append(dst, "{AF_UNIX, ");
		append_sun_path(dst, uaddr, len);
		bstap_append(dst, "}");
		return 0;
	}
	if (fam == SA_INET && len >= 16) {
		if (bpf_probe_read_user(sa, 8, (const void *)uaddr) < 0)
			goto bad;
		bstap_append(dst, "{AF_INET, ");
		for (int i = 4; i < 8; i++) {
			bstap_append_long(dst, sa[i], 'd', 0, -1, -1);
			bstap_append(dst, i < 7 ? "." : ", ");
		}
		bstap_append_long(dst, be16(sa + 2), 'd', 0, -1, -1);
		bstap_append(dst, "}");
		return 0;
	}
	if (fam == SA_INET6 && len >= 24) {
		if (bpf_probe_read_user(sa, 24, (const void *)uaddr) < 0)
			goto bad;
		bstap_append(dst, "{AF_INET6, [");
		for (int i = 8; i < 24; i += 2) {
			append_hex16(dst, be16(sa + i));
			if (i < 22)
				bstap_append(dst, ":");
		}
		bstap_append(dst, "], ");
		bstap_append_long(dst, be16(sa + 2), 'd', 0, -1, -1);
		bstap_append(dst, "}");
		return 0;
	}
	if (fam == SA_NETLINK && len >= 12) {
		u32 w[3] = { 0 };

		if (bpf_probe_read_user(w, 12, (const void *)uaddr) < 0)
			goto bad;
		bstap_append(dst, "{AF_NETLINK, pid=");
		bstap_append_long(dst, w[1], 'd', 0, -1, -1);
		bstap_append(dst, ", groups=");
		bstap_append_long(dst, w[2], 'x', F_ZEROPAD, 8, -1);
		bstap_append(dst, "}");
		return 0;
	}
	bstap_append(dst, "{unknown sockaddr with sa=");
	bstap_append_long(dst, fam, 'd', 0, -1, -1);
	bstap_append(dst, ", ss=");
	bstap_append_long(dst, len, 'd', 0, -1, -1);
	bstap_append(dst, "}");
	return 0;
bad:
	dst[0] = 0;
	append_addr_short(dst, uaddr);
	return 0;
}

/*
 * __get_argv(argv, first): ["ls", "-l"], each argument quoted and
 * escaped as user_string_quoted(), from argv[first ? 1 : 0] to the NULL
 * pointer. One bpf_loop() step per output piece: the next pointer (and
 * `, "`), or one byte of the current argument; the state is in the
 * scratch sink, so the verifier checks the callback once. A list that
 * does not fit ends with ...] where it was cut.
 */
struct argv_ctx {
	u64 argv;
	char *dst;
	u64 *st;	/* [0] length, [1] next index, [2] current string
			 * (0: between), [3] its byte index, [4] 1: cut */
	u32 room;	/* the list ends before this (room for ...]) */
};

static __attribute__((noinline)) long bstap_cb_argv(u32 step, void *ctx)
{
	struct argv_ctx *a = ctx;
	u32 pos = (u32)*(volatile u64 *)&a->st[0];
	u64 k = *(volatile u64 *)&a->st[1];
	u64 cur = *(volatile u64 *)&a->st[2];
	u64 j = *(volatile u64 *)&a->st[3];
	u64 p = 0;
	u8 c = 0;

	if (!cur) {
		if (bpf_probe_read_user(&p, 8, (const void *)(a->argv + 8 * k))
		    < 0 || !p)
			return 1;
		if (pos + 3 > a->room)
			goto cut;
		if (k) {
			pos = put(a->dst, pos, ',');
			pos = put(a->dst, pos, ' ');
		}
		pos = put(a->dst, pos, '"');
		*(volatile u64 *)&a->st[2] = p;
		*(volatile u64 *)&a->st[3] = 0;
		*(volatile u64 *)&a->st[0] = pos;
		return 0;
	}
	if (bpf_probe_read_user(&c, 1, (const void *)(cur + j)) < 0)
		c = 0;
	if (!c) {
		if (pos + 1 > a->room)
			goto cut;
		pos = put(a->dst, pos, '"');
		*(volatile u64 *)&a->st[1] = k + 1;
		*(volatile u64 *)&a->st[2] = 0;
		*(volatile u64 *)&a->st[0] = pos;
		return 0;
	}
	if (pos + escaped_len(c) > a->room)
		goto cut;
	pos = put_escaped(a->dst, pos, c);
	*(volatile u64 *)&a->st[3] = j + 1;
	*(volatile u64 *)&a->st[0] = pos;
	return 0;
cut:
	*(volatile u64 *)&a->st[4] = 1;
	return 1;
}

RT s64 bstap_get_argv(char *dst, s64 argv, s64 first)
{
	struct argv_ctx a = { .argv = (u64)argv, .dst = dst,
			      .st = loop_state(), .room = msl() - 1 - 4 };
	u32 pos;

	dst[0] = 0;
	if (!a.st)
		return 0;
	if (!argv) {
		bstap_append(dst, "[]");
		return 0;
	}
	if (first)
		a.argv += 8;
	dst[0] = '[';
	a.st[0] = 1;
	a.st[1] = 0;
	a.st[2] = 0;
	a.st[3] = 0;
	a.st[4] = 0;
	bpf_loop_fn(msl(), bstap_cb_argv, &a, 0);
	pos = (u32)*(volatile u64 *)&a.st[0];
	if (*(volatile u64 *)&a.st[4] || *(volatile u64 *)&a.st[2]) {
		pos = put(dst, pos, '.');
		pos = put(dst, pos, '.');
		pos = put(dst, pos, '.');
	}
	pos = put(dst, pos, ']');
	dst[pos & bstap_cfg_str_mask] = 0;
	return 0;
}

/*
 * __count_envp(envp): [/\* N vars *\/] (strace's and stap's form), the
 * pointers counted up to the NULL one, at most 4096.
 */
struct envp_ctx {
	u64 envp;
};

static __attribute__((noinline)) long bstap_cb_envp(u32 i, void *ctx)
{
	struct envp_ctx *e = ctx;
	u64 p = 0;

	if (bpf_probe_read_user(&p, 8, (const void *)(e->envp + 8 * (u64)i))
	    < 0 || !p)
		return 1;
	return 0;
}

RT s64 bstap_count_envp(char *dst, s64 envp)
{
	struct envp_ctx e = { (u64)envp };
	long n = envp ? bpf_loop_fn(4096, bstap_cb_envp, &e, 0) : 1;

	/* steps run: the one that found NULL (or a fault) counts too */
	n = n > 0 ? n - 1 : 0;
	dst[0] = 0;
	bstap_append(dst, "[/* ");
	bstap_append_long(dst, n, 'd', 0, -1, -1);
	bstap_append(dst, n == 1 ? " var */]" : " vars */]");
	return 0;
}
