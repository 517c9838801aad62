// SPDX-License-Identifier: GPL-2.0
/* Hand-written reference for printf per event: one (pid, tid) record per
 * getppid() call on the classic tracepoint into a 1 MiB ring buffer (the
 * size bstap uses) without waking the reader (BPF_RB_NO_WAKEUP); the loader
 * drains it every 10 ms and formats "pid tid\n". Records the ring buffer
 * refused are counted in `dropped`. */
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

SEC("tracepoint/syscalls/sys_enter_getppid")
int printf_tp(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct rec r = { .pid = id >> 32, .tid = (__u32)id };

	if (bpf_ringbuf_output(&rb, &r, sizeof(r), BPF_RB_NO_WAKEUP) < 0)
		__sync_fetch_and_add(&dropped, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
