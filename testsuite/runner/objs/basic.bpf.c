// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The smallest useful .bo, written by hand: a getppid tracepoint that
 * counts and prints its first three hits, begin and end probes run by the
 * runner, scalars in .bss, an unread array printed at the end.
 *
 *	global total, calls, name = "hello"
 *	probe begin { printf("begin\n") }
 *	probe kernel.trace("syscalls:sys_enter_getppid") {
 *		if (execname() != "getppid_loop") next
 *		n = ++total; calls[1]++
 *		if (n <= 3) printf("getppid %d\n", n)
 *	}
 *	probe end { printf("end %d %s\n", total, name) }
 */
#include "meta.h"

STD_MAPS(3);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, long);
	__type(value, long);
	__uint(max_entries, 2048);
} g_calls SEC(".maps");

struct bss {
	long total;
	long target;
	char name[16];
} G;

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	long one = 1, init = 1, n, *v;

	if (!is_loop())
		return 0;
	n = __sync_fetch_and_add(&G.total, 1) + 1;
	v = bpf_map_lookup_elem(&g_calls, &one);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&g_calls, &one, &init, BPF_NOEXIST);
	if (n <= 3) {
		struct rec_long r = { REC(BO_REC_PRINTF, 0, struct rec_long), n };

		bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), BPF_RB_NO_WAKEUP);
	}
	return 0;
}

SEC("bstap_runner/begin_0")
int begin_0(void *ctx)
{
	struct rec_none r = { REC(BO_REC_PRINTF, 1, struct rec_none) };

	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

struct rec_end {
	struct bo_record h;
	long total;
	__u32 len;
	char s[20];
};

SEC("bstap_runner/end_0")
int end_0(void *ctx)
{
	struct rec_end r = { REC(BO_REC_PRINTF, 2, struct rec_end) };

	r.total = G.total;
	r.len = 16;
	__builtin_memcpy(r.s, G.name, 16);
	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char tp[16], begin[8], end[8];
	char tp_point[48], tp_target[32], begin_point[8], end_point[8];
	char total[8], calls[8], target[12], name[8], hello[8], g_calls[8];
	char f0[16], f1[8], f2[16];
	char file[16], tok[24];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[3];
	struct bo_global globals[4];
	struct bo_format formats[3];
	struct bo_location locs[1];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, 3),
		       TABLE(BO_TABLE_GLOBALS, globals, 4),
		       TABLE(BO_TABLE_FORMATS, formats, 3),
		       TABLE(BO_TABLE_LOCATIONS, locs, 1),
	       }),
	.probes = {
		{ .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
		  .point = S(tp_point), .written = S(tp_point),
		  .target = S(tp_target), .location = 0 },
		{ .prog_name = S(begin), .kind = BO_PROBE_BEGIN,
		  .tier = BO_TIER_RUNNER, .point = S(begin_point),
		  .location = 0 },
		{ .prog_name = S(end), .kind = BO_PROBE_END,
		  .tier = BO_TIER_RUNNER, .point = S(end_point),
		  .location = 0 },
	},
	.globals = {
		{ .name = S(total), .value_type = BO_TYPE_LONG,
		  .offset = offsetof(struct bss, total), .size = 8,
		  .location = 0 },
		{ .name = S(calls), .value_type = BO_TYPE_LONG,
		  .flags = BO_G_ARRAY, .nkeys = 1,
		  .key_types = { BO_TYPE_LONG }, .map_name = S(g_calls),
		  .size = 8, .value_size = 8, .max_entries = 2048,
		  .location = 0 },
		{ .name = S(target), .value_type = BO_TYPE_LONG,
		  .flags = BO_G_READ, .offset = offsetof(struct bss, target),
		  .size = 8, .location = 0 },
		{ .name = S(name), .value_type = BO_TYPE_STRING,
		  .flags = BO_G_READ, .offset = offsetof(struct bss, name),
		  .size = 16, .init_string = S(hello), .location = 0 },
	},
	.formats = {
		{ .text = S(f0), .nargs = 1, .location = 0 },
		{ .text = S(f1), .nargs = 0, .location = 0 },
		{ .text = S(f2), .nargs = 2, .location = 0 },
	},
	.locs = { { .file = S(file), .line = 1, .column = 1, .token = S(tok) } },
	.str = {
		"", "basic.stp", "tp_getppid", "begin_0", "end_0",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"syscalls:sys_enter_getppid", "begin", "end",
		"total", "calls", BO_GLOBAL_TARGET, "name", "hello", "g_calls",
		"getppid %d\n", "begin\n", "end %d %s\n",
		"basic.stp", "keyword 'probe'",
	},
};
