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
 *    records. A user token also sends a BO_REC_PID record, waking the
 *    runner, so that it reads the process's mappings while it lives.
 */

static long (*bpf_get_stack)(void *ctx, void *buf, u32 size,
			     u64 flags) = (void *)67;

#define BPF_F_USER_STACK	(1ULL << 8)

/*
 * Up to size bytes of return addresses into buf; the number of frames.
 * A failed capture (no user stack in a kernel thread is not a failure:
 * that is 0 frames) is counted as BO_ERR_STACK_FAILED.
 */
RT s64 bstap_stack_get(void *ctx, u64 *buf, s64 user, u32 size, u32 probe)
{
	long n = bpf_get_stack(ctx, buf, size, user ? BPF_F_USER_STACK : 0);

	if (n < 0) {
		if (n != -14 /* EFAULT: no user stack here */)
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
 * The runner must see a process's mappings while it lives: a small record
 * that wakes it (flags 0), sent with each user symbol token.
 */
RT void bstap_send_pid(char *rec, u32 probe)
{
	u32 off = bstap_rec_begin(rec, BO_REC_PID, 0, ~0u);

	*(u64 *)(rec + off) = bpf_get_current_pid_tgid() >> 32;
	off += 8;
	bstap_rec_send(rec, off, probe, 0);
}

/*
 * print_backtrace() / print_ubacktrace(): a BO_REC_STACK record, id the
 * BO_STACK_* flags, payload: u32 pid, u32 frames, the addresses. Woken
 * at once for user stacks, so the mappings are read in time.
 */
RT void bstap_send_stack(void *ctx, char *rec, s64 user, u32 probe,
			 u32 loc)
{
	u32 off = bstap_rec_begin(rec, BO_REC_STACK,
				  user ? BO_STACK_USER : 0, loc);
	s64 n = bstap_stack_get(ctx, (u64 *)(rec + off + 8), user,
				BO_MAXBACKTRACE * 8, probe);

	*(u32 *)(rec + off) = bpf_get_current_pid_tgid() >> 32;
	*(u32 *)(rec + off + 4) = (u32)n;
	off += 8 + (u32)(n & 31) * 8;
	bstap_rec_send(rec, off, probe, user ? 0 : BPF_RB_NO_WAKEUP);
}
