/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing .bo metadata by hand in the test objects: each object declares
 *   struct strs  { char s0[1]; char name[N]; ... };   the string table
 *   struct meta  { struct bo_header h; ...tables...; struct strs str; };
 * and initializes it with these macros. S(field) is a string's offset.
 */
#ifndef BSTAP_TEST_META_H
#define BSTAP_TEST_META_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stddef.h>

#include "bo_format.h"

#define S(f)	offsetof(struct strs, f)
#define TABLE(kind, field, n)						\
	[kind] = { offsetof(struct meta, field), (n),			\
		   sizeof(((struct meta *)0)->field[0]), 0 }
#define HEADER(...)							\
	.h = {								\
		.magic = BO_MAGIC,					\
		.version = BO_FORMAT_VERSION,				\
		.header_size = sizeof(struct bo_header),		\
		.total_size = sizeof(struct meta),			\
		.strtab_offset = offsetof(struct meta, str),		\
		.strtab_size = sizeof(struct strs),			\
		.maxstringlen = 256,					\
		.maxmapentries = 2048,					\
		__VA_ARGS__						\
	}
#define META const struct meta bstap_meta				\
	__attribute__((section(BO_META_SECTION), used))

/* The maps every object has. */
#define STD_MAPS(nprobes)						\
struct {								\
	__uint(type, BPF_MAP_TYPE_RINGBUF);				\
	__uint(max_entries, 256 * 1024);				\
} bstap_rb SEC(".maps");						\
struct {								\
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);			\
	__type(key, __u32);						\
	__type(value, __u64);						\
	__uint(max_entries, (nprobes) * BO_ERR_KIND_COUNT);		\
} bstap_err SEC(".maps")

struct rec_long {
	struct bo_record h;
	long v;
};

struct rec_none {
	struct bo_record h;
};

#define REC(k, i, type)	/* type: the record (its length is the ring's) */ \
	{ .kind = (k), .id = (i) }

/* Runner-only helpers, by id, as the code generator calls them. */
static long (*rh_foreach_begin)(__u32 g, const struct bo_foreach_spec *s) =
	(void *)BO_RH_FOREACH_BEGIN;
static long (*rh_foreach_next)(long h, void *key, void *value) =
	(void *)BO_RH_FOREACH_NEXT;
static void (*rh_foreach_end)(long h) = (void *)BO_RH_FOREACH_END;
static long (*rh_stats_extract)(__u32 g, const void *key, __u32 what,
				long *out) = (void *)BO_RH_STATS_EXTRACT;
static void (*rh_print_stats)(__u32 g, const void *key, __u32 kind) =
	(void *)BO_RH_PRINT_STATS;
static void (*rh_exit)(void) = (void *)BO_RH_EXIT;

char LICENSE[] SEC("license") = "GPL";

/*
 * Is the current task the test's traced program? The target() process when
 * there is one (-c, -x: tests running at the same time do not disturb each
 * other), else any getppid_loop.
 */
static __attribute__((always_inline, unused)) int is_traced(long target)
{
	static const char want[16] = "getppid_loop";
	char comm[16];

	if (target)
		return (long)(bpf_get_current_pid_tgid() >> 32) == target;
	bpf_get_current_comm(comm, sizeof(comm));
#pragma unroll
	for (int i = 0; i < 13; i++)
		if (comm[i] != want[i])
			return 0;
	return 1;
}

#define is_loop() is_traced(G.target)

/* The target() global; the object's struct bss has a long target. */
#define TARGET_GLOBAL							\
	{ .name = S(target), .value_type = BO_TYPE_LONG,		\
	  .flags = BO_G_READ, .offset = offsetof(struct bss, target),	\
	  .size = 8, .location = ~0u }

#endif
