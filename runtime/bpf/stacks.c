// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stacks and symbols, the BPF side (#included by bstap_runtime.c).
 *
 * BPF captures return addresses with bpf_get_stack(); only the runner, on
 * the host where it runs, turns them into names (/proc/kallsyms, the ELF
 * symbol tables of a process's mappings). So:
 *  - backtrace(), ubacktrace(), callers(n), ucallers(n) are built here:
 *    hex addresses ("0x%016llx") separated by spaces, as stap's;
 *  - print_backtrace() and print_ubacktrace() send a BO_REC_STACK record
 *    (the addresses and the pid) that the runner prints symbolized;
 *  - symname(), sprint_ubacktrace() and the others that return symbol
 *    text return a symbol token (BO_SYM_MARK ... BO_SYM_MARK) that the
 *    runner expands wherever it prints a string, as it formats printf
 *    records. A user token also sends the user stack in a BO_REC_PID
 *    record, so that the runner can name its addresses (bstap_send_stack).
 */

static long (*bpf_get_stack)(void *ctx, void *buf, u32 size,
			     u64 flags) = (void *)67;

#define BPF_F_USER_STACK	(1ULL << 8)
#define BPF_F_USER_BUILD_ID	(1ULL << 11)

/*
 * Up to size bytes of return addresses into buf; the number of frames.
 * A failed capture is counted as BO_ERR_STACK_FAILED and reported in the
 * summary, the stack then being empty; but a user stack fails with
 * EFAULT in every kernel thread, which has none: that is an empty stack,
 * as stap's ubacktrace() is "" there.
 */
RT s64 bstap_stack_get(void *ctx, u64 *buf, s64 user, u32 size, u32 probe)
{
	long n = bpf_get_stack(ctx, buf, size, user ? BPF_F_USER_STACK : 0);

	if (n < 0) {
		if (!user || n != -14 /* EFAULT */)
			bstap_count_error(probe, BO_ERR_STACK_FAILED);
		return 0;
	}
	return n / 8;
}

/* "0x" and 16 hex digits of v at dst + pos; the new position. */
static RT u32 put_hex(char *dst, u32 pos, u64 v)
{
	pos = put(dst, pos, '0');
	pos = put(dst, pos, 'x');
	for (int i = 15; i >= 0; i--) {
		u32 d = (u32)(v >> (4 * i)) & 15;

		pos = put(dst, pos, d < 10 ? '0' + d : 'a' + d - 10);
	}
	return pos;
}

/*
 * dst = frames [skip, skip + max) of ips (n of them; max < 0: all), as
 * hex separated by spaces. Appends to what dst holds.
 */
RT void bstap_stack_hex(char *dst, const u64 *ips, s64 n, s64 skip, s64 max)
{
	u32 pos = bstap_strlen(dst), first = 1;

	for (int i = 0; i < BO_MAXBACKTRACE; i++) {
		if (i >= n || (max >= 0 && i >= skip + max))
			break;
		if (i < skip)
			continue;
		if (!first)
			pos = put(dst, pos, ' ');
		first = 0;
		pos = put_hex(dst, pos, ips[i]);
	}
	dst[pos & bstap_cfg_str_mask] = 0;
}

/* The probe's own address: the first frame, or 0. */
RT s64 bstap_stack_top(const u64 *ips, s64 n)
{
	return n > 0 ? (s64)ips[0] : 0;
}

/* stack(n): the frame n levels down, 0 past the end. */
RT s64 bstap_stack_at(const u64 *ips, s64 n, s64 i)
{
	if (i < 0 || i >= n || i >= BO_MAXBACKTRACE)
		return 0;
	return (s64)ips[i & 31];
}

/*
 * Starts a symbol token in dst: BO_SYM_MARK, the kind, the pid, ';'; the
 * caller appends the addresses (bstap_stack_hex, bstap_sym_addr) and
 * closes it (bstap_sym_close).
 */
RT void bstap_sym_open(char *dst, s64 kind, s64 pid)
{
	char digits[12];
	u32 pos = 0, n = 0;
	u64 u = pid < 0 ? 0 : (u64)pid;

	for (int i = 0; i < 11; i++) {
		digits[i] = '0' + (char)(u % 10);
		n++;
		u /= 10;
		if (!u)
			break;
	}
	pos = put(dst, pos, BO_SYM_MARK);
	pos = put(dst, pos, (char)kind);
	for (int i = 10; i >= 0; i--)
		if ((u32)i < n)
			pos = put(dst, pos, digits[i]);
	pos = put(dst, pos, ';');
	dst[pos & bstap_cfg_str_mask] = 0;
}

/* One address after bstap_sym_open(), then the closing mark. */
RT void bstap_sym_addr(char *dst, s64 addr)
{
	u32 pos = bstap_strlen(dst);

	pos = put_hex(dst, pos, (u64)addr);
	dst[pos & bstap_cfg_str_mask] = 0;
}

RT void bstap_sym_close(char *dst)
{
	u32 pos = bstap_strlen(dst);

	pos = put(dst, pos, BO_SYM_MARK);
	dst[pos & bstap_cfg_str_mask] = 0;
}

/*
 * A stack record (layout: bo_format.h, BO_REC_STACK): print_backtrace()
 * and print_ubacktrace() send one of kind BO_REC_STACK; a user symbol
 * token sends one of kind BO_REC_PID, which the runner does not print but
 * learns from. User stacks carry each frame's build-id and file offset
 * too (BPF_F_USER_BUILD_ID), so the runner can name them after the
 * process is gone.
 */
RT void bstap_send_stack(void *ctx, char *rec, s64 kind, s64 user,
			 u32 probe)
{
	u32 off = bstap_rec_begin(rec, (u32)kind, user ? BO_STACK_USER : 0);
	char *p = rec + off;
	s64 n = bstap_stack_get(ctx, (u64 *)(p + 16), user,
				BO_MAXBACKTRACE * 8, probe);
	long nb = 0;

	*(u32 *)p = bpf_get_current_pid_tgid() >> 32;
	*(u32 *)(p + 4) = (u32)n;
	if (user) {
		nb = bpf_get_stack(ctx, p + BO_STACK_BUILD_IDS,
				   BO_MAXBACKTRACE * 32,
				   BPF_F_USER_STACK | BPF_F_USER_BUILD_ID);
		nb = nb > 0 ? nb / 32 : 0;
	}
	*(u32 *)(p + 8) = (u32)nb;
	*(u32 *)(p + 12) = 0;
	off += user ? BO_STACK_BUILD_IDS + BO_MAXBACKTRACE * 32 :
		      BO_STACK_BUILD_IDS;
	/* a printed user stack wakes the runner: it reads the mappings
	 * while the process lives; BO_REC_PID notes, which may come with
	 * every event, rely on the build-ids instead */
	bstap_rec_send(rec, off, probe,
		       user && kind == BO_REC_STACK ? 0 : BPF_RB_NO_WAKEUP);
}

/*
 * A value token (BO_SYM_PRETTY) for $var$ and $$parms$: the mark, 'v', head
 * ("1sNAME": deep, struct or union, the type's name), ';', the first n
 * bytes at the kernel address addr in hex, the mark. The runner formats it
 * from its kernel's BTF, the layout the bytes have. Returns -1 when the
 * first word cannot be read (the caller raises a read fault); a later
 * fault ends the bytes early, and the runner shows "..." where they stop.
 */
RT s64 bstap_pretty_token(char *dst, const char *head, s64 addr, s64 n)
{
	u32 pos;
	u64 word;

	dst[0] = 0;
	pos = put(dst, 0, BO_SYM_MARK);
	pos = put(dst, pos, BO_SYM_PRETTY);
	dst[pos & bstap_cfg_str_mask] = 0;
	bstap_append(dst, head);
	pos = put(dst, bstap_strlen(dst), ';');
	for (int i = 0; i < 64; i++) {
		if ((s64)i * 8 >= n)
			break;
		if (bpf_probe_read_kernel(&word, 8,
					  (const void *)(addr + i * 8)) < 0) {
			if (!i)
				return -1;
			break;
		}
		for (int j = 0; j < 8; j++) {
			u32 hi = (u32)(word >> (8 * j + 4)) & 15;
			u32 lo = (u32)(word >> (8 * j)) & 15;

			pos = put(dst, pos, hi < 10 ? '0' + hi : 'a' + hi - 10);
			pos = put(dst, pos, lo < 10 ? '0' + lo : 'a' + lo - 10);
		}
	}
	pos = put(dst, pos, BO_SYM_MARK);
	dst[pos & bstap_cfg_str_mask] = 0;
	return 0;
}

/* Three hex digits of v (< 4096) at dst + pos; the new position. */
static RT u32 put_hex3(char *dst, u32 pos, u32 v)
{
	for (int i = 2; i >= 0; i--) {
		u32 d = (v >> (4 * i)) & 15;

		pos = put(dst, pos, d < 10 ? '0' + d : 'a' + d - 10);
	}
	return pos;
}

#define PRETTY_STR_ENTRY	8	/* ";OOOSLLL" (stapbpf-run/pretty.c) */

/*
 * The string of a char * member, after a value token's bytes: ";OOOSLLL"
 * (the member's offset off in the object at addr, '=' whole, '+' cut, or
 * '!' unreadable or NULL, the length, in hex) and the string, then the
 * closing mark again. The string takes what is left of MAXSTRINGLEN but
 * reserve bytes, which later members' entries get. A member beyond the
 * token's n bytes (the host's layout may differ from the translating
 * kernel's) gets no entry: the runner stops before it. Neither does any
 * when no room is left: the runner then prints the address.
 */
RT void bstap_pretty_str(char *dst, s64 addr, s64 off, s64 n, s64 reserve)
{
	u32 pos = bstap_strlen(dst), len = 0, at;
	s64 room;
	u64 p = 0;
	long got;
	char state = '!';
	u8 next = 0;

	if (off < 0 || off + 8 > n || off > 0xfff || !pos ||
	    dst[(pos - 1) & bstap_cfg_str_mask] != BO_SYM_MARK)
		return;
	pos--;
	/* the entry, at least a byte and its NUL, the mark, the NUL */
	room = (s64)msl() - pos - PRETTY_STR_ENTRY - 2 - reserve;
	if (room < 2)
		return;
	if (room > msl())
		room = msl();
	/* opaque to the optimizer, which would drop the mask (pos is
	 * bounded by the test above) where the verifier needs it */
	at = pos + PRETTY_STR_ENTRY;
	asm volatile("" : "+r"(at));
	if (bpf_probe_read_kernel(&p, 8, (const void *)(addr + off)) == 0 &&
	    p) {
		got = bpf_probe_read_kernel_str(dst + (at & bstap_cfg_str_mask),
						(u32)room, (const void *)p);
		if (got > 0) {
			len = (u32)got - 1;
			state = '=';
			/* filled the room: cut, unless its NUL came next */
			if (got == room &&
			    (bpf_probe_read_kernel(&next, 1,
						   (const void *)(p + len)) ||
			     next))
				state = '+';
		}
	}
	pos = put(dst, pos, ';');
	pos = put_hex3(dst, pos, (u32)off);
	pos = put(dst, pos, state);
	pos = put_hex3(dst, pos, len);
	pos = put(dst, pos + len, BO_SYM_MARK);
	dst[pos & bstap_cfg_str_mask] = 0;
}

/* A char * member or parameter: "the string", or its address in hex. */
RT void bstap_append_kstr_quoted(char *dst, char *tmp, s64 addr)
{
	if (!addr || bpf_probe_read_kernel_str(tmp, msl(), (const void *)addr) < 0) {
		bstap_append(dst, "0x");
		bstap_append_long(dst, addr, 'x', 0, -1, -1);
		return;
	}
	bstap_append(dst, "\"");
	bstap_append(dst, tmp);
	bstap_append(dst, "\"");
}
