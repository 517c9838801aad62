// SPDX-License-Identifier: GPL-2.0
/* printf_tp.bpf.c on the raw tracepoint sys_enter, filtered by number: what
 * bstap compiles syscalls:sys_enter_* to. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} rb SEC(".maps");

__u64 dropped;

struct rec {
	__u32 pid, tid;
};

SEC("raw_tracepoint/sys_enter")
int printf_raw(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id;
	struct rec r;

	if (ctx->args[1] != NR_GETPPID)
		return 0;
	id = bpf_get_current_pid_tgid();
	r.pid = id >> 32;
	r.tid = (__u32)id;
	if (bpf_ringbuf_output(&rb, &r, sizeof(r), BPF_RB_NO_WAKEUP) < 0)
		__sync_fetch_and_add(&dropped, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
