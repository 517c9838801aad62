// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A program the verifier refuses (a map value used without checking for
 * NULL): the runner names the probe, the source line from the BTF line
 * info and the verifier's reason, and loads nothing.
 */
#include "meta.h"

STD_MAPS(1);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, long);
	__type(value, long);
	__uint(max_entries, 16);
} g_bad SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_refused(void *ctx)
{
	long k = 0, *v = bpf_map_lookup_elem(&g_bad, &k);

	return *v;
}

struct strs {
	char s0[1];
	char script[16];
	char tp[16], tp_point[48], tp_target[32];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[1];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script),
	       .tables = { TABLE(BO_TABLE_PROBES, probes, 1) }),
	.probes = {
		{ .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
		  .point = S(tp_point), .written = S(tp_point),
		  .target = S(tp_target), .location = ~0u },
	},
	.str = {
		"", "verifier.stp", "tp_refused",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"syscalls:sys_enter_getppid",
	},
};
