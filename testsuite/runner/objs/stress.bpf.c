// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One printf record per event, as fast as getppid_loop calls:
 *
 *	probe kernel.trace("syscalls:sys_enter_getppid") {
 *		if (execname() == "getppid_loop") printf("%d %d\n", pid(), tid())
 *	}
 *
 * Every record is delivered or counted as lost.
 */
#include "meta.h"

/* 4 MB: 10 ms of records at 10 million events per second */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} bstap_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, BO_ERR_KIND_COUNT);
} bstap_err SEC(".maps");

struct bss {
	long target;
} G;

struct rec_pid {
	struct bo_record h;
	long pid, tid;
};

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_stress(void *ctx)
{
	__u64 id;
	struct rec_pid r = { REC(BO_REC_PRINTF, 0, struct rec_pid) };

	if (!is_loop())
		return 0;
	id = bpf_get_current_pid_tgid();
	r.pid = id >> 32;
	r.tid = (__u32)id;
	if (bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), BPF_RB_NO_WAKEUP)) {
		__u32 i = BO_ERRCOUNT_INDEX(0, BO_ERR_RECORD_LOST);
		__u64 *c = bpf_map_lookup_elem(&bstap_err, &i);

		if (c)
			(*c)++;
	}
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char tp[16], tp_point[48], tp_target[32], f0[8], target[12];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[1];
	struct bo_global globals[1];
	struct bo_format formats[1];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, 1),
		       TABLE(BO_TABLE_GLOBALS, globals, 1),
		       TABLE(BO_TABLE_FORMATS, formats, 1),
	       }),
	.probes = {
		{ .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
		  .point = S(tp_point), .written = S(tp_point),
		  .target = S(tp_target), .location = ~0u },
	},
	.globals = { TARGET_GLOBAL },
	.formats = { { .text = S(f0), .nargs = 2, .location = ~0u } },
	.str = {
		"", "stress.stp", "tp_stress",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"syscalls:sys_enter_getppid", "%d %d\n", BO_GLOBAL_TARGET,
	},
};
