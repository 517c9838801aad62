// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A tp_btf program with a CO-RE relocation, for the runner's own handling
 * of both (btf_lean.c) and libbpf's (STAPBPF_LIBBPF_BTF=1). The local
 * task_struct below puts tgid at offset 12, where the kernel's is not:
 * only a relocated offset reads the right value.
 *
 *	global good, bad
 *	probe kernel.trace("raw_syscalls:sys_enter") {	# getppid only
 *		if (task_current()->tgid == pid()) good++ else bad++
 *	}
 */
#include "meta.h"

#define NR_GETPPID_X86_64 110

STD_MAPS(1);

struct task_struct {
	int pad[3];
	int tgid;
} __attribute__((preserve_access_index));

struct bss {
	long good;
	long bad;
	long target;
} G;

SEC("tp_btf/sys_enter")
int core_getppid(unsigned long long *ctx)
{
	struct task_struct *t;
	int tgid = -1;

	if (ctx[1] != NR_GETPPID_X86_64 || !is_loop())
		return 0;
	t = (void *)bpf_get_current_task();
	bpf_probe_read_kernel(&tgid, sizeof(tgid), &t->tgid);
	if (tgid == (long)(bpf_get_current_pid_tgid() >> 32))
		__sync_fetch_and_add(&G.good, 1);
	else
		__sync_fetch_and_add(&G.bad, 1);
	return 0;
}

struct strs {
	char s0[1];
	char script[12];
	char prog[16];
	char point[40];
	char good[8], bad[8], target[12];
	char file[12], tok[24];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[1];
	struct bo_global globals[3];
	struct bo_location locs[1];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, 1),
		       TABLE(BO_TABLE_GLOBALS, globals, 3),
		       TABLE(BO_TABLE_LOCATIONS, locs, 1),
	       }),
	.probes = {
		{ .prog_name = S(prog), .kind = BO_PROBE_TP_BTF,
		  .point = S(point), .written = S(point), .location = 0 },
	},
	.globals = {
		{ .name = S(good), .value_type = BO_TYPE_LONG,
		  .offset = offsetof(struct bss, good), .size = 8,
		  .location = 0 },
		{ .name = S(bad), .value_type = BO_TYPE_LONG,
		  .offset = offsetof(struct bss, bad), .size = 8,
		  .location = 0 },
		TARGET_GLOBAL,
	},
	.locs = { { .file = S(file), .line = 1, .column = 1, .token = S(tok) } },
	.str = {
		"", "core.stp", "core_getppid",
		"kernel.trace(\"raw_syscalls:sys_enter\")",
		"good", "bad", BO_GLOBAL_TARGET,
		"core.stp", "keyword 'probe'",
	},
};
