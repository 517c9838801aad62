// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Alternatives and optional probes on a kernel without kprobes and fentry:
 *
 *	probe kernel.function("__x64_sys_getppid") !,
 *	      kernel.trace("syscalls:sys_enter_getppid") { hits++ }
 *	probe kernel.function("__x64_sys_getppid").call? { hits += 1000 }
 *	probe perf.sw.cpu_clock.sample(100000) { samples++ }
 *	probe end { printf("hits=%d samples>0=%d\n", hits, samples > 0) }
 *
 * With -G required=1 the kprobe alone is required (kprobe.bpf.o): the run
 * must fail before it starts and leave nothing behind.
 */
#include "meta.h"

enum { P_KPROBE, P_TP, P_FENTRY, P_PERF, P_END, N_PROBES };

STD_MAPS(N_PROBES);

struct bss {
	long hits, samples, target;
} G;

SEC("kprobe/__x64_sys_getppid")
int kp_getppid(void *ctx)
{
	if (is_loop())
		__sync_fetch_and_add(&G.hits, 1);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	if (is_loop())
		__sync_fetch_and_add(&G.hits, 1);
	return 0;
}

SEC("fentry/__x64_sys_getppid")
int fe_getppid(void *ctx)
{
	if (is_loop())
		__sync_fetch_and_add(&G.hits, 1000);
	return 0;
}

SEC("perf_event")
int perf_clock(void *ctx)
{
	__sync_fetch_and_add(&G.samples, 1);
	return 0;
}

struct rec_end {
	struct bo_record h;
	long hits, samples;
};

SEC("bstap_runner/end_0")
int end_0(void *ctx)
{
	struct rec_end r = { REC(BO_REC_PRINTF, 0, struct rec_end), G.hits,
			     G.samples > 0 };

	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char kp[16], tp[16], fe[16], perf[16], end[8];
	char kp_point[40], tp_point[48], fe_point[48], perf_point[40];
	char end_point[8];
	char kp_target[24], tp_target[32];
	char f0[32], target[12];
	char file[16], tok[16];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[N_PROBES];
	struct bo_global globals[1];
	struct bo_format formats[1];
	struct bo_location locs[1];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, N_PROBES),
		       TABLE(BO_TABLE_GLOBALS, globals, 1),
		       TABLE(BO_TABLE_FORMATS, formats, 1),
		       TABLE(BO_TABLE_LOCATIONS, locs, 1),
	       }),
	.probes = {
		[P_KPROBE] = { .prog_name = S(kp), .kind = BO_PROBE_KPROBE,
			.point = S(kp_point), .written = S(kp_point),
			.target = S(kp_target), .group = 1 },
		[P_TP] = { .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
			.point = S(tp_point), .written = S(tp_point),
			.target = S(tp_target), .group = 1 },
		[P_FENTRY] = { .prog_name = S(fe), .kind = BO_PROBE_FENTRY,
			.flags = BO_P_OPTIONAL, .point = S(fe_point),
			.written = S(fe_point), .target = S(kp_target) },
		[P_PERF] = { .prog_name = S(perf), .kind = BO_PROBE_PERF,
			.point = S(perf_point), .written = S(perf_point),
			.perf_type = 1 /* PERF_TYPE_SOFTWARE */,
			.perf_config = 0 /* PERF_COUNT_SW_CPU_CLOCK */,
			.perf_period = 100000 },
		[P_END] = { .prog_name = S(end), .kind = BO_PROBE_END,
			.tier = BO_TIER_RUNNER, .point = S(end_point) },
	},
	.globals = { TARGET_GLOBAL },
	.formats = { { .text = S(f0), .nargs = 2 } },
	.locs = { { S(file), 1, 1, S(tok) } },
	.str = {
		"", "alt.stp", "kp_getppid", "tp_getppid", "fe_getppid",
		"perf_clock", "end_0",
		"kernel.function(\"__x64_sys_getppid\")",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"kernel.function(\"__x64_sys_getppid\").call",
		"perf.sw.cpu_clock.sample(100000)", "end",
		"__x64_sys_getppid", "syscalls:sys_enter_getppid",
		"hits=%d samples>0=%d\n", BO_GLOBAL_TARGET, "alt.stp",
		"keyword 'probe'",
	},
};
