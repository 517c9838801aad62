// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A required kprobe after a tracepoint that attaches: on a kernel without
 * kprobes the run fails before it starts, with a message, and the
 * tracepoint is detached again.
 *
 *	probe kernel.trace("syscalls:sys_enter_getppid") { }
 *	probe kernel.function("__x64_sys_getppid") { }
 */
#include "meta.h"

STD_MAPS(2);

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_kprobe_obj(void *ctx)
{
	return 0;
}

SEC("kprobe/__x64_sys_getppid")
int kp_required(void *ctx)
{
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char tp[16], kp[16];
	char tp_point[48], kp_point[40], tp_target[32], kp_target[24];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[2];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script),
	       .tables = { TABLE(BO_TABLE_PROBES, probes, 2) }),
	.probes = {
		{ .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
		  .point = S(tp_point), .written = S(tp_point),
		  .target = S(tp_target), .location = ~0u },
		{ .prog_name = S(kp), .kind = BO_PROBE_KPROBE,
		  .point = S(kp_point), .written = S(kp_point),
		  .target = S(kp_target), .location = ~0u },
	},
	.str = {
		"", "kprobe.stp", "tp_kprobe_obj", "kp_required",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"kernel.function(\"__x64_sys_getppid\")",
		"syscalls:sys_enter_getppid", "__x64_sys_getppid",
	},
};
