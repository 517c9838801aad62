// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Errors and ways out, chosen with -G mode=N:
 *   0: the 5th getppid divides by zero: ERROR, error probe, exit 1
 *   1: the 3rd getppid calls exit(): end probe, exit 0
 *   2: begin calls error("custom failure"): nothing attaches, error probe
 *   3: every getppid prints "." into a one-page ring buffer: records are
 *      lost and counted, delivered + lost = sent
 *   4: the 5th getppid counts a division by zero whose record is lost
 */
#include "meta.h"

enum { P_TP, P_BEGIN, P_END, P_ERROR, N_PROBES };
enum { F_N, F_DOT, F_BEGIN, F_END, F_ERROR, N_FORMATS };
enum { L_PROBE, L_DIV, L_ERRFN, N_LOCS };

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} bstap_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, N_PROBES * BO_ERR_KIND_COUNT);
} bstap_err SEC(".maps");

struct bss {
	long total, mode, target;
} G;

static void count_error(__u32 probe, __u32 kind)
{
	__u32 i = BO_ERRCOUNT_INDEX(probe, kind);
	__u64 *c = bpf_map_lookup_elem(&bstap_err, &i);

	if (c)
		(*c)++;
}

struct rec_error {
	struct bo_record h;
	__u32 location, probe;
	__u32 len;
	char detail[20];
};

static void emit(void *r, __u64 size, __u32 probe)
{
	if (bpf_ringbuf_output(&bstap_rb, r, size, BPF_RB_NO_WAKEUP))
		count_error(probe, BO_ERR_RECORD_LOST);
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_errors(void *ctx)
{
	long n;

	if (!is_loop())
		return 0;
	n = __sync_fetch_and_add(&G.total, 1) + 1;
	if (G.mode == 3) {
		struct rec_none r = { REC(BO_REC_PRINTF, F_DOT, struct rec_none) };

		emit(&r, sizeof(r), P_TP);
		return 0;
	}
	if (n > 5)
		return 0;
	struct rec_long r = { REC(BO_REC_PRINTF, F_N, struct rec_long), n };

	emit(&r, sizeof(r), P_TP);
	if (G.mode == 0 && n == 5) {
		struct rec_error e = { .h = { .kind = BO_REC_ERROR,
			.id = BO_ERR_DIVIDE_BY_ZERO }, .location = L_DIV,
			.probe = P_TP };

		count_error(P_TP, BO_ERR_DIVIDE_BY_ZERO);
		emit(&e, sizeof(e), P_TP);
	}
	if (G.mode == 4 && n == 5)
		count_error(P_TP, BO_ERR_DIVIDE_BY_ZERO);
	if (G.mode == 1 && n == 3) {
		struct rec_none x = { REC(BO_REC_EXIT, 0, struct rec_none) };

		emit(&x, sizeof(x), P_TP);
	}
	return 0;
}

SEC("bstap_runner/begin_0")
int begin_0(void *ctx)
{
	struct rec_none r = { REC(BO_REC_PRINTF, F_BEGIN, struct rec_none) };

	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	if (G.mode == 2) {
		struct rec_error e = { .h = { .kind = BO_REC_ERROR,
			.id = BO_ERR_USER_ERROR }, .location = L_ERRFN,
			.probe = P_BEGIN,
			.len = 14, .detail = "custom failure" };

		bpf_ringbuf_output(&bstap_rb, &e, sizeof(e), 0);
	}
	return 0;
}

SEC("bstap_runner/end_0")
int end_0(void *ctx)
{
	struct rec_none r = { REC(BO_REC_PRINTF, F_END, struct rec_none) };

	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

SEC("bstap_runner/error_0")
int error_0(void *ctx)
{
	struct rec_none r = { REC(BO_REC_PRINTF, F_ERROR, struct rec_none) };

	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char tp[16], begin[8], end[8], error[8];
	char tp_point[48], tp_target[32], begin_point[8], end_point[8];
	char error_point[8];
	char total[8], mode[8], target[12];
	char f_n[8], f_dot[4], f_begin[8], f_end[8], f_error[24];
	char file[16], tok_probe[16], tok_div[16], tok_err[24];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[N_PROBES];
	struct bo_global globals[3];
	struct bo_format formats[N_FORMATS];
	struct bo_location locs[N_LOCS];
	struct strs str;
};

#define RUNNER_PROBE(p, k, pt)						\
	{ .prog_name = S(p), .kind = (k), .tier = BO_TIER_RUNNER,	\
	  .point = S(pt), .written = S(pt), .location = L_PROBE }

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, N_PROBES),
		       TABLE(BO_TABLE_GLOBALS, globals, 3),
		       TABLE(BO_TABLE_FORMATS, formats, N_FORMATS),
		       TABLE(BO_TABLE_LOCATIONS, locs, N_LOCS),
	       }),
	.probes = {
		[P_TP] = { .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
			.point = S(tp_point), .written = S(tp_point),
			.target = S(tp_target), .location = L_PROBE },
		[P_BEGIN] = RUNNER_PROBE(begin, BO_PROBE_BEGIN, begin_point),
		[P_END] = RUNNER_PROBE(end, BO_PROBE_END, end_point),
		[P_ERROR] = RUNNER_PROBE(error, BO_PROBE_ERROR, error_point),
	},
	.globals = {
		{ .name = S(total), .value_type = BO_TYPE_LONG,
		  .offset = offsetof(struct bss, total), .size = 8 },
		{ .name = S(mode), .value_type = BO_TYPE_LONG,
		  .flags = BO_G_READ, .offset = offsetof(struct bss, mode),
		  .size = 8 },
		TARGET_GLOBAL,
	},
	.formats = {
		[F_N] = { .text = S(f_n), .nargs = 1 },
		[F_DOT] = { .text = S(f_dot) },
		[F_BEGIN] = { .text = S(f_begin) },
		[F_END] = { .text = S(f_end) },
		[F_ERROR] = { .text = S(f_error) },
	},
	.locs = {
		[L_PROBE] = { S(file), 2, 1, S(tok_probe) },
		[L_DIV] = { S(file), 3, 14, S(tok_div) },
		[L_ERRFN] = { S(file), 5, 3, S(tok_err) },
	},
	.str = {
		"", "errors.stp", "tp_errors", "begin_0", "end_0", "error_0",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"syscalls:sys_enter_getppid", "begin", "end", "error",
		"total", "mode", BO_GLOBAL_TARGET,
		"n=%d\n", ".", "begin\n", "end\n", "error probe ran\n",
		"errors.stp", "keyword 'probe'", "operator '/'",
		"identifier 'error'",
	},
};
