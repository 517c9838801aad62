// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Runner-tier plumbing: a BPF-to-BPF call into .text, bpf_loop with a
 * callback, for_each_map_elem, map update/delete and values changed in
 * place (plain and per-CPU) written back, ringbuf reserve/submit, strings
 * from .rodata, target() and positional parameters.
 *
 *	global arr, pc%
 *	function twice(x) { return 2 * x }
 *	probe begin {
 *		printf("target=%d arg1=%d arg2=%s\n", target(), $1, @2)
 *		arr[1] = twice(21); arr[2] = 7; arr[2]++; arr[3] = 1; delete arr[3]
 *		...; exit()
 *	}
 *	probe end { printf("arr[2]=%d pc=%d\n", arr[2], pc) }
 */
#include "meta.h"

STD_MAPS(2);

enum { GL_TARGET, GL_ARG1, GL_ARG2, GL_ARR, N_GLOBALS };
enum { F_ARGS, F_LOOP, F_EACH, F_RESERVED, F_END, N_FORMATS };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, long);
	__type(value, long);
	__uint(max_entries, 16);
} g_arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, long);
	__uint(max_entries, 1);
} g_pc SEC(".maps");

struct bss {
	long target, arg1;
	char arg2[16];
} G;

__attribute__((noinline)) long twice(long x)
{
	return 2 * x;
}

static long add_index(__u32 i, void *ctx)
{
	*(long *)ctx += i;
	return 0;
}

static long count_elem(void *map, long *key, long *value, void *ctx)
{
	*(long *)ctx += 1;
	return 0;
}

struct rec_args {
	struct bo_record h;
	long target, arg1;
	__u32 len;
	char s[20];
};

struct rec_end {
	struct bo_record h;
	long a, b;
};

SEC("bstap_runner/begin_0")
int begin_0(void *ctx)
{
	struct rec_args a = { REC(BO_REC_PRINTF, F_ARGS, struct rec_args),
			      G.target, G.arg1, 16 };
	struct rec_long r = { REC(BO_REC_PRINTF, F_LOOP, struct rec_long) };
	long k, v, sum = 0, n = 0, *p;
	struct rec_none *res;
	__u32 zero = 0;

	__builtin_memcpy(a.s, G.arg2, 16);
	bpf_ringbuf_output(&bstap_rb, &a, sizeof(a), 0);

	k = 1, v = twice(21);
	bpf_map_update_elem(&g_arr, &k, &v, BPF_ANY);
	k = 2, v = 7;
	bpf_map_update_elem(&g_arr, &k, &v, BPF_ANY);
	p = bpf_map_lookup_elem(&g_arr, &k);
	if (p)
		(*p)++;
	k = 3, v = 1;
	bpf_map_update_elem(&g_arr, &k, &v, BPF_ANY);
	bpf_map_delete_elem(&g_arr, &k);
	p = bpf_map_lookup_elem(&g_pc, &zero);
	if (p)
		*p += 5;

	bpf_loop(5, add_index, &sum, 0);
	r.v = sum;
	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	bpf_for_each_map_elem(&g_arr, count_elem, &n, 0);
	r.h.id = F_EACH;
	r.v = n;
	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);

	res = bpf_ringbuf_reserve(&bstap_rb, sizeof(*res), 0);
	if (res) {
		res->h = (struct bo_record)REC(BO_REC_PRINTF, F_RESERVED,
					       struct rec_none);
		bpf_ringbuf_submit(res, 0);
	}
	rh_exit();
	return 0;
}

SEC("bstap_runner/end_0")
int end_0(void *ctx)
{
	struct rec_end r = { REC(BO_REC_PRINTF, F_END, struct rec_end) };
	long k = 2, *p = bpf_map_lookup_elem(&g_arr, &k);
	__u32 zero = 0;

	r.a = p ? *p : -1;
	p = bpf_map_lookup_elem(&g_pc, &zero);
	r.b = p ? *p : -1;
	bpf_ringbuf_output(&bstap_rb, &r, sizeof(r), 0);
	return 0;
}

struct strs {
	char s0[1];
	char script[16];
	char begin[8], end[8], begin_point[8], end_point[8];
	char target[12], arg1[4], arg2[4], arr[4], g_arr[8];
	char f_args[40], f_loop[12], f_each[12], f_res[12], f_end[24];
};

struct meta {
	struct bo_header h;
	struct bo_probe probes[2];
	struct bo_global globals[N_GLOBALS];
	struct bo_format formats[N_FORMATS];
	struct strs str;
};

META = {
	HEADER(.script_name = S(script), .nargs = 2,
	       .tables = {
		       TABLE(BO_TABLE_PROBES, probes, 2),
		       TABLE(BO_TABLE_GLOBALS, globals, N_GLOBALS),
		       TABLE(BO_TABLE_FORMATS, formats, N_FORMATS),
	       }),
	.probes = {
		{ .prog_name = S(begin), .kind = BO_PROBE_BEGIN,
		  .tier = BO_TIER_RUNNER, .point = S(begin_point),
		  .location = ~0u },
		{ .prog_name = S(end), .kind = BO_PROBE_END,
		  .tier = BO_TIER_RUNNER, .point = S(end_point),
		  .location = ~0u },
	},
	.globals = {
		[GL_TARGET] = { .name = S(target), .value_type = BO_TYPE_LONG,
			.flags = BO_G_READ, .offset = offsetof(struct bss, target),
			.size = 8, .location = ~0u },
		[GL_ARG1] = { .name = S(arg1), .value_type = BO_TYPE_LONG,
			.flags = BO_G_READ, .offset = offsetof(struct bss, arg1),
			.size = 8, .location = ~0u },
		[GL_ARG2] = { .name = S(arg2), .value_type = BO_TYPE_STRING,
			.flags = BO_G_READ, .offset = offsetof(struct bss, arg2),
			.size = 16, .location = ~0u },
		[GL_ARR] = { .name = S(arr), .value_type = BO_TYPE_LONG,
			.flags = BO_G_ARRAY, .nkeys = 1,
			.key_types = { BO_TYPE_LONG }, .map_name = S(g_arr),
			.size = 8, .value_size = 8, .max_entries = 16,
			.location = ~0u },
	},
	.formats = {
		[F_ARGS] = { .text = S(f_args), .nargs = 3, .location = ~0u },
		[F_LOOP] = { .text = S(f_loop), .nargs = 1, .location = ~0u },
		[F_EACH] = { .text = S(f_each), .nargs = 1, .location = ~0u },
		[F_RESERVED] = { .text = S(f_res), .location = ~0u },
		[F_END] = { .text = S(f_end), .nargs = 2, .location = ~0u },
	},
	.str = {
		"", "calls.stp", "begin_0", "end_0", "begin", "end",
		BO_GLOBAL_TARGET, "$1", "@2", "arr", "g_arr",
		"target=%d arg1=%d arg2=%s\n", "loop=%d\n", "each=%d\n",
		"reserved\n", "arr[2]=%d pc=%d\n",
	},
};
