// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runner-tier helpers: sorted foreach with limit, statistics merged from
 * per-CPU records, a printed @hist_log, a timer and exit().
 *
 *	global total, mode, ticks, counts, lat
 *	probe kernel.trace("syscalls:sys_enter_getppid") {
 *		if (execname() != "getppid_loop") next
 *		n = ++total; counts["loop", n % 10 % 4]++; lat <<< n
 *	}
 *	probe timer.ms(30) {
 *		ticks++
 *		if (mode) { printf("tick %d\n", ticks); if (ticks == 3) exit() }
 *	}
 *	probe end {
 *		foreach ([s, k] in counts- limit 3) printf("%s %d: %d\n", s, k, counts[s, k])
 *		foreach ([s, k-] in counts) printf("%s %d: %d\n", s, k, counts[s, k])
 *		printf("count=%d sum=%d min=%d max=%d avg=%d\n", @count(lat), ...)
 *		if (@count(lat)) print(@hist_log(lat))
 *		if (mode) printf("ticks=%d\n", ticks)
 *	}
 */
#include "meta.h"

STD_MAPS(3);

enum { GL_TOTAL, GL_MODE, GL_TICKS, GL_COUNTS, GL_LAT, GL_TARGET, N_GLOBALS };
enum { F_ELEM, F_STATS, F_TICK, F_TICKS, N_FORMATS };

struct ckey {
	char s[16];
	long k;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ckey);
	__type(value, long);
	__uint(max_entries, 2048);
} g_counts SEC(".maps");

struct sd {
	long count, sum, min, max, avg_s, m2, variance_s;
	long hist[128];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct sd);
	__uint(max_entries, 1);
} g_lat SEC(".maps");

struct bss {
	long total, mode, ticks, target;
} G;

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_count(void *ctx)
{
	struct ckey k = { .s = "loop" };
	long one = 1, n, l = 0, *v;
	__u32 zero = 0;
	struct sd *s;

	if (!is_loop())
		return 0;
	n = __sync_fetch_and_add(&G.total, 1) + 1;
	k.k = (unsigned long)n % 10 % 4;
	v = bpf_map_lookup_elem(&g_counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&g_counts, &k, &one, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&g_lat, &zero);
	if (!s)
		return 0;
	if (s->count == 0 || n < s->min)
		s->min = n;
	if (s->count == 0 || n > s->max)
		s->max = n;
	s->count++;
	s->sum += n;
	for (long x = n; x > 1 && l < 62; x >>= 1)
		l++;
	s->hist[(65 + l) & 127]++;
	return 0;
}

struct rec_tick {
	struct bo_record h;
	long v;
};

SEC("bstap_runner/timer_0")
int timer_0(void *ctx)
{
	long t = ++G.ticks;

	if (G.mode) {
		struct rec_tick r = { REC(BO_REC_PRINTF, F_TICK, struct rec_tick), t };

		bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
		if (t == 3)
			rh_exit();
	}
	return 0;
}

struct rec_elem {
	struct bo_record h;
	__u32 len;
	char s[20];
	long k, v;
};

struct rec_stats {
	struct bo_record h;
	long v[5];
};

static void print_sorted(int column, int direction, long limit)
{
	struct bo_foreach_spec spec = { .sort_column = column,
					.direction = direction,
					.limit = limit };
	struct rec_elem r = { REC(BO_REC_PRINTF, F_ELEM, struct rec_elem) };
	struct ckey k;
	long v, h = rh_foreach_begin(GL_COUNTS, &spec);

	while (rh_foreach_next(h, &k, &v)) {
		r.len = 16;
		__builtin_memcpy(r.s, k.s, 16);
		r.k = k.k;
		r.v = v;
		bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	}
	rh_foreach_end(h);
}

SEC("bstap_runner/end_0")
int end_0(void *ctx)
{
	struct rec_stats st = { REC(BO_REC_PRINTF, F_STATS, struct rec_stats) };

	print_sorted(0, -1, 3);
	print_sorted(2, -1, 0);
	for (int i = 0; i < 5; i++)
		rh_stats_extract(GL_LAT, 0, i, &st.v[i]);
	bpf_ringbuf_output(&bstap_rb, &st, sizeof(st), 0);
	if (st.v[0])
		rh_print_stats(GL_LAT, 0, BO_HIST_LOG);
	if (G.mode) {
		struct rec_tick r = { REC(BO_REC_PRINTF, F_TICKS, struct rec_tick),
				      G.ticks };

		bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	}
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char tp[16], timer[8], end[8];
	char tp_point[48], tp_target[32], timer_point[16], end_point[8];
	char total[8], mode[8], ticks[8], counts[8], lat[8];
	char g_counts[16], g_lat[8], target[12];
	char f_elem[16], f_stats[48], f_tick[16], f_ticks[16];
	char file[24], tok[24];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[3];
	struct bo_global globals[N_GLOBALS];
	struct bo_format formats[N_FORMATS];
	struct bo_stats_layout stats[1];
	struct bo_location locs[1];
	struct strs str;
};

#define SCALAR(n, f)							\
	{ .name = S(n), .value_type = BO_TYPE_LONG, .flags = BO_G_READ,	\
	  .offset = offsetof(struct bss, f), .size = 8 }

META = {
	HEADER(.script_name = S(script),
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, 3),
		       TABLE(BO_TABLE_GLOBALS, globals, N_GLOBALS),
		       TABLE(BO_TABLE_FORMATS, formats, N_FORMATS),
		       TABLE(BO_TABLE_STATS, stats, 1),
		       TABLE(BO_TABLE_LOCATIONS, locs, 1),
	       }),
	.probes = {
		{ .prog_name = S(tp), .kind = BO_PROBE_TRACEPOINT,
		  .point = S(tp_point), .written = S(tp_point),
		  .target = S(tp_target) },
		{ .prog_name = S(timer), .kind = BO_PROBE_TIMER,
		  .tier = BO_TIER_RUNNER, .point = S(timer_point),
		  .number = 30000000 },
		{ .prog_name = S(end), .kind = BO_PROBE_END,
		  .tier = BO_TIER_RUNNER, .point = S(end_point) },
	},
	.globals = {
		[GL_TOTAL] = SCALAR(total, total),
		[GL_MODE] = SCALAR(mode, mode),
		[GL_TICKS] = SCALAR(ticks, ticks),
		[GL_COUNTS] = { .name = S(counts), .value_type = BO_TYPE_LONG,
			.flags = BO_G_ARRAY | BO_G_READ, .nkeys = 2,
			.key_types = { BO_TYPE_STRING, BO_TYPE_LONG },
			.map_name = S(g_counts), .size = sizeof(struct ckey),
			.value_size = 8, .max_entries = 2048 },
		[GL_TARGET] = TARGET_GLOBAL,
		[GL_LAT] = { .name = S(lat), .value_type = BO_TYPE_STATS,
			.flags = BO_G_READ | BO_G_PERCPU,
			.map_name = S(g_lat), .stats_layout = 0 },
	},
	.formats = {
		[F_ELEM] = { .text = S(f_elem), .nargs = 3 },
		[F_STATS] = { .text = S(f_stats), .nargs = 5 },
		[F_TICK] = { .text = S(f_tick), .nargs = 1 },
		[F_TICKS] = { .text = S(f_ticks), .nargs = 1 },
	},
	.stats = { { .hist_kind = BO_HIST_LOG, .nbuckets = 128,
		     .record_size = sizeof(struct sd) } },
	.locs = { { .file = S(file), .line = 1, .column = 1, .token = S(tok) } },
	.str = {
		"", "runner_tier.stp", "tp_count", "timer_0", "end_0",
		"kernel.trace(\"syscalls:sys_enter_getppid\")",
		"syscalls:sys_enter_getppid", "timer.ms(30)", "end",
		"total", "mode", "ticks", "counts", "lat",
		"g_counts", "g_lat", BO_GLOBAL_TARGET,
		"%s %d: %d\n", "count=%d sum=%d min=%d max=%d avg=%d\n",
		"tick %d\n", "ticks=%d\n",
		"runner_tier.stp", "keyword 'probe'",
	},
};
