// SPDX-License-Identifier: GPL-2.0
/* Hand-written reference: the same count on the raw tracepoint sys_enter,
 * filtered by syscall number (args[1]); the kernel's syscalls:sys_enter_*
 * events are built on this tracepoint. NR_GETPPID comes from the build. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2048);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("raw_tracepoint/sys_enter")
int count_raw(struct bpf_raw_tracepoint_args *ctx)
{
	__u32 pid;
	__u64 one = 1, *v;

	if (ctx->args[1] != NR_GETPPID)
		return 0;
	pid = bpf_get_current_pid_tgid() >> 32;
	v = bpf_map_lookup_elem(&counts, &pid);
	if (v) {
		__sync_fetch_and_add(v, 1);
		return 0;
	}
	if (bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST) < 0) {
		v = bpf_map_lookup_elem(&counts, &pid);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
