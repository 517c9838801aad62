// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space probes on testsuite/progs/sdt_prog: a uprobe and a uretprobe
 * on compute() and the USDT mark bstap_test:computed. The binary's path and
 * the offsets are only known at test time: runner.test writes them into a
 * copy of this object (PATH is a placeholder string, offsets are 0).
 *
 *	probe process(PATH).function("compute") { entry++ }
 *	probe process(PATH).function("compute").return { ret++ }
 *	probe process(PATH).mark("computed") { mark++ }
 *	probe end { printf("entry=%d return=%d mark=%d\n", entry, ret, mark) }
 */
#include "meta.h"

enum { P_ENTRY, P_RETURN, P_MARK, P_END, N_PROBES };

STD_MAPS(N_PROBES);

struct bss {
	long entry, ret, mark, target;
} G;

SEC("uprobe")
int up_entry(void *ctx)
{
	if (is_loop())
		__sync_fetch_and_add(&G.entry, 1);
	return 0;
}

SEC("uretprobe")
int up_return(void *ctx)
{
	if (is_loop())
		__sync_fetch_and_add(&G.ret, 1);
	return 0;
}

SEC("uprobe")
int up_mark(void *ctx)
{
	if (is_loop())
		__sync_fetch_and_add(&G.mark, 1);
	return 0;
}

struct rec_end {
	struct bo_record h;
	long entry, ret, mark;
};

SEC("bstap_runner/end_0")
int end_0(void *ctx)
{
	struct rec_end r = { REC(BO_REC_PRINTF, 0, struct rec_end),
			     G.entry, G.ret, G.mark };

	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

struct strs {
	char s0[1];
	char path[256];		/* first: runner.test overwrites it */
	char script[16];
	char entry[12], ret[12], mark[12], end[8];
	char entry_point[40], ret_point[40], mark_point[40], end_point[8];
	char compute[8], computed[12];
	char f0[40], target[12];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[N_PROBES];
	struct bo_global globals[1];
	struct bo_format formats[1];
	struct strs str;
};

#define UPROBE(p, k, f, pt, t)						\
	{ .prog_name = S(p), .kind = (k), .flags = (f), .point = S(pt),	\
	  .written = S(pt), .target = S(t), .path = S(path),		\
	  .location = ~0u }

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, N_PROBES),
		       TABLE(BO_TABLE_GLOBALS, globals, 1),
		       TABLE(BO_TABLE_FORMATS, formats, 1),
	       }),
	.probes = {
		[P_ENTRY] = UPROBE(entry, BO_PROBE_UPROBE, 0, entry_point,
				   compute),
		[P_RETURN] = UPROBE(ret, BO_PROBE_UPROBE, BO_P_RETURN,
				    ret_point, compute),
		[P_MARK] = UPROBE(mark, BO_PROBE_USDT, 0, mark_point, computed),
		[P_END] = { .prog_name = S(end), .kind = BO_PROBE_END,
			.tier = BO_TIER_RUNNER, .point = S(end_point),
			.location = ~0u },
	},
	.globals = { TARGET_GLOBAL },
	.formats = { { .text = S(f0), .nargs = 3, .location = ~0u } },
	.str = {
		"", "PATH", "uprobe.stp", "up_entry", "up_return", "up_mark",
		"end_0",
		"process(PATH).function(\"compute\")",
		"process(PATH).function(\"compute\").return",
		"process(PATH).mark(\"computed\")", "end",
		"compute", "computed",
		"entry=%d return=%d mark=%d\n", BO_GLOBAL_TARGET,
	},
};
