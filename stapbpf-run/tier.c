// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runner tier: begin, end, error and timer handlers run in the BPF
 * interpreter (runtime/interp.h) with helpers that reach the real maps
 * through the bpf() syscall, plus the runner-only BO_RH_* helpers.
 *
 * Runner-only helper ids (BO_RH_BASE + k) are renumbered to RH_SLOT + k
 * before a program is prepared, so the helper table stays a few hundred
 * entries instead of 65 thousand (it is copied into every program).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_insn.h"
#include "interp.h"
#include "relocate.h"
#include "runner.h"
#include "symbols.h"

#define RH_SLOT		400	/* above every kernel helper id */
#define RH_COUNT	16
#define N_HELPERS	(RH_SLOT + RH_COUNT)
#define MAP_HANDLE	0xbf5a000000000000ULL
#define MAP_HANDLE_MASK	0xffff000000000000ULL

struct reservation {
	uint64_t addr;
	size_t size;
};

/* Reservations of the run in progress (ringbuf_reserve/submit). */
struct tier_state {
	struct reservation *res;
	size_t n_res, cap_res;
};

static struct runner *R(struct interp_ctx *c)
{
	return interp_user(c);
}

static int handle_map(struct interp_ctx *c, uint64_t h)
{
	struct runner *r = R(c);
	uint64_t idx = h & ~MAP_HANDLE_MASK;

	if ((h & MAP_HANDLE_MASK) != MAP_HANDLE || idx >= (uint64_t)r->n_maps) {
		interp_abort(c, "0x%llx is not a map", (unsigned long long)h);
		return -1;
	}
	return (int)idx;
}

static const void *key_of(struct interp_ctx *c, int map, uint64_t addr)
{
	return interp_mem(c, addr, R(c)->maps[map].key_size, false);
}

static uint64_t h_lookup(struct interp_ctx *c, uint64_t m, uint64_t k,
			 uint64_t a3, uint64_t a4, uint64_t a5)
{
	int map = handle_map(c, m);
	const void *key = map < 0 ? NULL : key_of(c, map, k);

	(void)a3, (void)a4, (void)a5;
	if (!key)
		return 0;
	return (uint64_t)(uintptr_t)mapcache_lookup(R(c), map, key);
}

static uint64_t h_percpu_lookup(struct interp_ctx *c, uint64_t m, uint64_t k,
				uint64_t cpu, uint64_t a4, uint64_t a5)
{
	struct runner *r = R(c);
	int map = handle_map(c, m);
	const void *key = map < 0 ? NULL : key_of(c, map, k);
	uint8_t *v;

	(void)a4, (void)a5;
	if (!key || !r->maps[map].percpu || cpu >= (uint64_t)r->ncpus)
		return 0;
	v = mapcache_lookup(r, map, key);
	return v ? (uint64_t)(uintptr_t)(v + cpu *
		map_percpu_stride(&r->maps[map])) : 0;
}

static uint64_t h_update(struct interp_ctx *c, uint64_t m, uint64_t k,
			 uint64_t v, uint64_t flags, uint64_t a5)
{
	struct runner *r = R(c);
	int map = handle_map(c, m);
	const void *key = map < 0 ? NULL : key_of(c, map, k);
	const void *val;

	(void)a5;
	if (!key)
		return (uint64_t)-EFAULT;
	val = interp_mem(c, v, r->maps[map].value_size, false);
	if (!val)
		return (uint64_t)-EFAULT;
	return (uint64_t)(int64_t)mapcache_update(r, map, key, val, flags);
}

static uint64_t h_delete(struct interp_ctx *c, uint64_t m, uint64_t k,
			 uint64_t a3, uint64_t a4, uint64_t a5)
{
	int map = handle_map(c, m);
	const void *key = map < 0 ? NULL : key_of(c, map, k);

	(void)a3, (void)a4, (void)a5;
	if (!key)
		return (uint64_t)-EFAULT;
	return (uint64_t)(int64_t)mapcache_delete(R(c), map, key);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t h_ktime(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return clock_ns(CLOCK_MONOTONIC);
}

static uint64_t h_boot_ns(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			  uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return clock_ns(CLOCK_BOOTTIME);
}

static uint64_t h_coarse_ns(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			    uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

/*
 * jiffies64 for runner-tier programs: the kernel shows it only in
 * /proc/timer_list ("jiffies: N", root only); 0 when it cannot be read.
 */
static uint64_t h_jiffies(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			  uint64_t a3, uint64_t a4, uint64_t a5)
{
	unsigned long long v = 0;
	char line[256];
	FILE *f = fopen("/proc/timer_list", "re");

	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "jiffies: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

static uint64_t h_random(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			 uint64_t a3, uint64_t a4, uint64_t a5)
{
	uint32_t v = 0;

	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint32_t)rand();
	return v;
}

/* The runner tier runs on "CPU 0": per-CPU values it sees are CPU 0's. */
static uint64_t h_cpu(struct interp_ctx *c, uint64_t a1, uint64_t a2,
		      uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return 0;
}

static uint64_t h_pid_tgid(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			   uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return (uint64_t)getpid() << 32 | (uint32_t)syscall(SYS_gettid);
}

static uint64_t h_uid_gid(struct interp_ctx *c, uint64_t a1, uint64_t a2,
			  uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)c, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	return (uint64_t)getgid() << 32 | (uint32_t)getuid();
}

static uint64_t h_comm(struct interp_ctx *c, uint64_t buf, uint64_t size,
		       uint64_t a3, uint64_t a4, uint64_t a5)
{
	char *dst = interp_mem(c, buf, size, true);

	(void)a3, (void)a4, (void)a5;
	if (!dst || !size)
		return (uint64_t)-EFAULT;
	memset(dst, 0, size);
	strncpy(dst, RUNNER_NAME, size - 1);
	return 0;
}

/* probe_read*: the runner has no kernel or user memory to read but the
 * program's own; reads elsewhere fail as a faulting read would. */
static uint64_t read_common(struct interp_ctx *c, uint64_t dst, uint64_t size,
			    uint64_t src, bool str)
{
	char *d = interp_mem(c, dst, size, true);
	const char *s;
	size_t len;

	if (!d)
		return (uint64_t)-EFAULT;
	if (!size)
		return 0;
	memset(d, 0, size);
	if (str) {
		s = interp_str_prefix_quiet(c, src, size - 1, &len);
		if (!s)
			return (uint64_t)-EFAULT;
		memcpy(d, s, len);
		return len + 1;
	}
	if (!interp_readable(c, src, size))
		return (uint64_t)-EFAULT;
	s = (const char *)(uintptr_t)src;
	memcpy(d, s, size);
	return 0;
}

static uint64_t h_read(struct interp_ctx *c, uint64_t dst, uint64_t size,
		       uint64_t src, uint64_t a4, uint64_t a5)
{
	(void)a4, (void)a5;
	return read_common(c, dst, size, src, false);
}

static uint64_t h_read_str(struct interp_ctx *c, uint64_t dst, uint64_t size,
			   uint64_t src, uint64_t a4, uint64_t a5)
{
	(void)a4, (void)a5;
	return read_common(c, dst, size, src, true);
}

static uint64_t h_strncmp(struct interp_ctx *c, uint64_t s1, uint64_t sz,
			  uint64_t s2, uint64_t a4, uint64_t a5)
{
	const char *a = interp_mem(c, s1, sz, false);
	size_t l2;
	const char *b = interp_str(c, s2, 1u << 20, &l2);

	(void)a4, (void)a5;
	if (!a || !b)
		return 0;
	return (uint64_t)(int64_t)strncmp(a, b, sz);
}

/* Kernel records first, so output stays in the order it happened. */
static void before_output(struct runner *r)
{
	output_drain(r);
	mapcache_flush(r);
}

static uint64_t h_rb_output(struct interp_ctx *c, uint64_t m, uint64_t data,
			    uint64_t size, uint64_t flags, uint64_t a5)
{
	struct runner *r = R(c);
	const void *p;

	(void)m, (void)flags, (void)a5;
	p = interp_mem(c, data, size, false);
	if (!p)
		return (uint64_t)-EFAULT;
	before_output(r);
	output_record(r, p, size);
	return 0;
}

static struct tier_state *state(struct runner *r);

static uint64_t h_rb_reserve(struct interp_ctx *c, uint64_t m, uint64_t size,
			     uint64_t flags, uint64_t a4, uint64_t a5)
{
	struct runner *r = R(c);
	struct tier_state *s = state(r);
	void *p;

	(void)m, (void)flags, (void)a4, (void)a5;
	if (size == 0 || size > (1u << 24))
		return 0;
	if (s->n_res == s->cap_res) {
		size_t cap = s->cap_res ? 2 * s->cap_res : 8;
		struct reservation *n = realloc(s->res, cap * sizeof(*n));

		if (!n)
			return 0;
		s->res = n;
		s->cap_res = cap;
	}
	p = mapcache_alloc(r, size);
	if (!p)
		return 0;
	s->res[s->n_res++] = (struct reservation){ (uintptr_t)p, size };
	return (uint64_t)(uintptr_t)p;
}

static uint64_t rb_finish(struct interp_ctx *c, uint64_t addr, bool submit)
{
	struct runner *r = R(c);
	struct tier_state *s = state(r);

	for (size_t i = 0; i < s->n_res; i++) {
		struct reservation rv = s->res[i];

		if (rv.addr != addr)
			continue;
		s->res[i] = s->res[--s->n_res];
		if (submit) {
			before_output(r);
			output_record(r, (const void *)(uintptr_t)rv.addr,
				      rv.size);
		}
		return 0;
	}
	interp_abort(c, "ring-buffer record 0x%llx was not reserved",
		     (unsigned long long)addr);
	return 0;
}

static uint64_t h_rb_submit(struct interp_ctx *c, uint64_t p, uint64_t f,
			    uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)f, (void)a3, (void)a4, (void)a5;
	return rb_finish(c, p, true);
}

static uint64_t h_rb_discard(struct interp_ctx *c, uint64_t p, uint64_t f,
			     uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)f, (void)a3, (void)a4, (void)a5;
	return rb_finish(c, p, false);
}

static uint64_t h_loop(struct interp_ctx *c, uint64_t nr, uint64_t fn,
		       uint64_t ctx, uint64_t flags, uint64_t a5)
{
	uint64_t i, r0 = 0;

	(void)a5;
	if (flags || nr > (1u << 23))
		return (uint64_t)-EINVAL;
	for (i = 0; i < nr; i++) {
		uint64_t args[2] = { i, ctx };

		if (interp_call_func(c, fn, args, 2, &r0))
			return 0;
		if (r0 == 1)
			return i + 1;
	}
	return i;
}

/* bpf_for_each_map_elem over the keys present when it starts. */
static uint64_t h_for_each(struct interp_ctx *c, uint64_t m, uint64_t fn,
			   uint64_t ctx, uint64_t flags, uint64_t a5)
{
	struct runner *r = R(c);
	int map = handle_map(c, m);
	uint64_t n = 0, r0 = 0;
	uint8_t *prev = NULL, *key;

	(void)a5;
	if (map < 0 || flags)
		return (uint64_t)-EINVAL;
	mapcache_flush(r);
	for (;;) {
		void *val;

		key = mapcache_alloc(r, r->maps[map].key_size);
		if (!key || bpf_map_get_next_key(r->maps[map].fd, prev, key))
			break;
		prev = key;
		val = mapcache_lookup(r, map, key);
		if (!val)
			continue;
		uint64_t args[4] = { m, (uintptr_t)key, (uintptr_t)val, ctx };

		n++;
		if (interp_call_func(c, fn, args, 4, &r0) || r0 == 1)
			break;
	}
	return n;
}

static int check_global(struct interp_ctx *c, uint64_t g, bool stats)
{
	struct runner *r = R(c);

	if (g >= r->meta.n_globals || r->globals[g].map < 0 ||
	    (stats && r->meta.globals[g].value_type != BO_TYPE_STATS)) {
		interp_abort(c, "global %llu is not %s", (unsigned long long)g,
			     stats ? "an aggregate" : "an array");
		return -1;
	}
	return 0;
}

/* The key argument of a stats helper: NULL for a scalar aggregate. */
static int stats_key(struct interp_ctx *c, uint64_t g, uint64_t addr,
		     const void **key)
{
	struct runner *r = R(c);
	const struct bo_global *gl = &r->meta.globals[g];

	*key = NULL;
	if (!(gl->flags & BO_G_ARRAY))
		return 0;
	*key = interp_mem(c, addr, r->maps[r->globals[g].map].key_size, false);
	return *key ? 0 : -1;
}

static uint64_t h_foreach_begin(struct interp_ctx *c, uint64_t g,
				uint64_t spec, uint64_t a3, uint64_t a4,
				uint64_t a5)
{
	const void *p;
	struct bo_foreach_spec s;	/* program memory may be unaligned */
	long h;

	(void)a3, (void)a4, (void)a5;
	if (check_global(c, g, false))
		return 0;
	p = interp_mem(c, spec, sizeof(s), false);
	if (!p)
		return 0;
	memcpy(&s, p, sizeof(s));
	h = aggr_foreach_begin(R(c), (int)g, &s);
	if (h < 0)
		interp_abort(c, "foreach over global %llu: %s",
			     (unsigned long long)g, strerror((int)-h));
	return (uint64_t)h;
}

static uint64_t h_foreach_next(struct interp_ctx *c, uint64_t h,
			       uint64_t key_out, uint64_t val_out,
			       uint64_t a4, uint64_t a5)
{
	struct runner *r = R(c);
	void *key, *val, *dst;
	int rc = aggr_foreach_next(r, (long)h, &key, &val);
	const struct bo_global *gl;
	struct rmap *m;

	(void)a4, (void)a5;
	if (rc <= 0) {
		if (rc < 0)
			interp_abort(c, "bad foreach handle %lld",
				     (long long)h);
		return 0;
	}
	gl = &r->meta.globals[aggr_iter_global(r, (long)h)];
	m = &r->maps[r->globals[aggr_iter_global(r, (long)h)].map];
	dst = interp_mem(c, key_out, m->key_size, true);
	if (!dst)
		return 0;
	memcpy(dst, key, m->key_size);
	if (val_out && val && gl->value_type != BO_TYPE_STATS) {
		dst = interp_mem(c, val_out, m->value_size, true);
		if (!dst)
			return 0;
		memcpy(dst, val, m->value_size);
	}
	return 1;
}

static uint64_t h_foreach_end(struct interp_ctx *c, uint64_t h, uint64_t a2,
			      uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	aggr_foreach_end(R(c), (long)h);
	return 0;
}

static uint64_t h_stats_extract(struct interp_ctx *c, uint64_t g,
				uint64_t k, uint64_t what, uint64_t out,
				uint64_t bucket)
{
	struct runner *r = R(c);
	const void *key;
	struct stats_data *d;
	void *dst;
	int64_t v = 0;
	int empty = 1, rc = -1;

	if (check_global(c, g, true) || stats_key(c, g, k, &key))
		return (uint64_t)-1;
	dst = interp_mem(c, out, 8, true);
	d = aggr_alloc(r, (int)g);
	if (!dst || !d) {
		free(d);
		return (uint64_t)-1;
	}
	mapcache_flush(r);
	if (what == BO_STATS_BUCKET) {
		/* a missing element is an empty aggregate, as in stap */
		if (!aggr_read(r, (int)g, key, d))
			rc = stats_bucket(d, &r->globals[g].slayout,
					  (int64_t)bucket, &v);
		empty = rc != 0;
	} else if (!aggr_read(r, (int)g, key, d)) {
		v = aggr_stat(d, &r->globals[g].slayout, (uint32_t)what,
			      &empty);
	}
	free(d);
	if (empty)
		v = 0;
	memcpy(dst, &v, sizeof(v));
	if (what == BO_STATS_BUCKET)
		return (uint64_t)(int64_t)rc;
	return empty ? (uint64_t)-1 : 0;
}

static void probe_error(struct runner *r, const char *msg)
{
	int p = r->cur_probe;
	uint32_t loc = p >= 0 ? r->meta.probes[p].location : BO_NO_LOCATION;

	runner_error(r, msg, loc, p);
}

static uint64_t h_print_stats(struct interp_ctx *c, uint64_t g, uint64_t k,
			      uint64_t kind, uint64_t a4, uint64_t a5)
{
	struct runner *r = R(c);
	const void *key;
	struct strbuf sb = STRBUF_INIT;

	(void)kind, (void)a4, (void)a5;
	if (check_global(c, g, true) || stats_key(c, g, k, &key))
		return 0;
	before_output(r);
	if (aggr_print(r, (int)g, key, &sb, 0))
		probe_error(r, STATS_EMPTY_ERROR);
	else
		output_text(r, sb.data, sb.len);
	strbuf_release(&sb);
	return 0;
}

static uint64_t h_sprint_stats(struct interp_ctx *c, uint64_t g, uint64_t k,
			       uint64_t kind, uint64_t dst, uint64_t size)
{
	struct runner *r = R(c);
	const void *key;
	struct strbuf sb = STRBUF_INIT;
	char *d;
	uint64_t rc = (uint64_t)-1;

	(void)kind;
	if (check_global(c, g, true) || stats_key(c, g, k, &key) || !size)
		return rc;
	d = interp_mem(c, dst, size, true);
	if (!d)
		return rc;
	if (!aggr_print(r, (int)g, key, &sb, size)) {
		size_t n = sb.len < size - 1 ? sb.len : size - 1;

		memcpy(d, sb.data, n);
		d[n] = '\0';
		rc = n;
	}
	strbuf_release(&sb);
	return rc;
}

static uint64_t h_exit(struct interp_ctx *c, uint64_t a1, uint64_t a2,
		       uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
	R(c)->exiting = true;
	return 0;
}

/* ppid(), euid(), egid(), pexecname() of the runner, as pid() is */
static uint64_t h_task(struct interp_ctx *c, uint64_t what, uint64_t buf,
		       uint64_t size, uint64_t a4, uint64_t a5)
{
	char path[64], *dst;
	FILE *f;

	(void)a4, (void)a5;
	switch (what) {
	case BO_TASK_PPID:
		return (uint64_t)getppid();
	case BO_TASK_EUID:
		return (uint64_t)geteuid();
	case BO_TASK_EGID:
		return (uint64_t)getegid();
	case BO_TASK_PEXECNAME:
		break;
	default:
		return 0;
	}
	dst = interp_mem(c, buf, size, true);
	if (!dst || !size)
		return (uint64_t)-EFAULT;
	memset(dst, 0, size);
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)getppid());
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(dst, (int)(size < 16 ? size : 16), f))
		dst[strcspn(dst, "\n")] = '\0';
	fclose(f);
	return 0;
}

/* symname() and the like in the runner tier: the token, named at once */
static uint64_t h_symbols(struct interp_ctx *c, uint64_t dst, uint64_t src,
			  uint64_t size, uint64_t a4, uint64_t a5)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len, n;
	const char *s = interp_str(c, src, size, &len);
	char *d = size ? interp_mem(c, dst, size, true) : NULL;

	(void)a4, (void)a5;
	if (!s || !d)
		return (uint64_t)-EFAULT;
	before_output(R(c));	/* the pids of pending records first */
	if (symbolize_expand(R(c), &sb, s, len, size - 1)) {
		s = sb.data;
		len = sb.len;
	}
	n = len < size - 1 ? len : size - 1;
	memmove(d, s, n);
	d[n] = '\0';
	strbuf_release(&sb);
	return n;
}

#define RH(id) (RH_SLOT + (id) - BO_RH_BASE)

static const struct interp_helper helpers[N_HELPERS] = {
	[BPF_FUNC_map_lookup_elem] = { h_lookup, "map_lookup_elem" },
	[BPF_FUNC_map_update_elem] = { h_update, "map_update_elem" },
	[BPF_FUNC_map_delete_elem] = { h_delete, "map_delete_elem" },
	[BPF_FUNC_probe_read] = { h_read, "probe_read" },
	[BPF_FUNC_ktime_get_ns] = { h_ktime, "ktime_get_ns" },
	[BPF_FUNC_get_prandom_u32] = { h_random, "get_prandom_u32" },
	[BPF_FUNC_get_smp_processor_id] = { h_cpu, "get_smp_processor_id" },
	[BPF_FUNC_get_current_pid_tgid] = { h_pid_tgid, "get_current_pid_tgid" },
	[BPF_FUNC_get_current_uid_gid] = { h_uid_gid, "get_current_uid_gid" },
	[BPF_FUNC_get_current_comm] = { h_comm, "get_current_comm" },
	[BPF_FUNC_probe_read_str] = { h_read_str, "probe_read_str" },
	[BPF_FUNC_probe_read_user] = { h_read, "probe_read_user" },
	[BPF_FUNC_probe_read_kernel] = { h_read, "probe_read_kernel" },
	[BPF_FUNC_probe_read_user_str] = { h_read_str, "probe_read_user_str" },
	[BPF_FUNC_probe_read_kernel_str] = { h_read_str, "probe_read_kernel_str" },
	[BPF_FUNC_ktime_get_boot_ns] = { h_boot_ns, "ktime_get_boot_ns" },
	[BPF_FUNC_ringbuf_output] = { h_rb_output, "ringbuf_output" },
	[BPF_FUNC_ringbuf_reserve] = { h_rb_reserve, "ringbuf_reserve" },
	[BPF_FUNC_ringbuf_submit] = { h_rb_submit, "ringbuf_submit" },
	[BPF_FUNC_ringbuf_discard] = { h_rb_discard, "ringbuf_discard" },
	[BPF_FUNC_ktime_get_coarse_ns] = { h_coarse_ns, "ktime_get_coarse_ns" },
	[BPF_FUNC_jiffies64] = { h_jiffies, "jiffies64" },
	[BPF_FUNC_for_each_map_elem] = { h_for_each, "for_each_map_elem" },
	[BPF_FUNC_loop] = { h_loop, "loop" },
	[BPF_FUNC_strncmp] = { h_strncmp, "strncmp" },
	[BPF_FUNC_map_lookup_percpu_elem] = { h_percpu_lookup,
					      "map_lookup_percpu_elem" },
	[RH(BO_RH_FOREACH_BEGIN)] = { h_foreach_begin, "foreach_begin" },
	[RH(BO_RH_FOREACH_NEXT)] = { h_foreach_next, "foreach_next" },
	[RH(BO_RH_FOREACH_END)] = { h_foreach_end, "foreach_end" },
	[RH(BO_RH_STATS_EXTRACT)] = { h_stats_extract, "stats_extract" },
	[RH(BO_RH_PRINT_STATS)] = { h_print_stats, "print_stats" },
	[RH(BO_RH_EXIT)] = { h_exit, "exit" },
	[RH(BO_RH_SPRINT_STATS)] = { h_sprint_stats, "sprint_stats" },
	[RH(BO_RH_TASK)] = { h_task, "task" },
	[RH(BO_RH_SYMBOLS)] = { h_symbols, "symbols" },
	[RH(BO_RH_REGEX_LAST)] = { rh_regex_last, "regex_last" },
	[RH(BO_RH_REGEX_GROUP)] = { rh_regex_group, "regex_group" },
};

_Static_assert(BO_RH_REGEX_GROUP - BO_RH_BASE < RH_COUNT,
	       "RH_COUNT too small");

static int reloc_map(void *user, const char *name, int32_t *idx)
{
	int i = runner_map_index(user, name);

	if (i < 0)
		return -ENOENT;
	*idx = i;
	return 0;
}

static int reloc_data(void *user, const char *section, int32_t *idx)
{
	struct runner *r = user;
	struct rdata *d = runner_data_by_section(r, section);

	if (!d)
		return -ENOENT;
	*idx = (int32_t)(d - r->data);
	return 0;
}

static int resolve(void *user, unsigned int kind, int32_t imm,
		   int32_t next_imm, uint64_t *val)
{
	struct runner *r = user;

	if (kind == BPF_PSEUDO_MAP_IDX && imm >= 0 && imm < r->n_maps) {
		*val = MAP_HANDLE | (uint32_t)imm;
		return 0;
	}
	if (kind == BPF_PSEUDO_MAP_IDX_VALUE && imm >= 0 && imm < r->n_data) {
		if (next_imm < 0 || (size_t)next_imm > r->data[imm].size)
			return -ERANGE;
		*val = (uint64_t)(uintptr_t)r->data[imm].mem + next_imm;
		return 0;
	}
	return -EINVAL;
}

/* Runner-only helper ids to their compact slots; anything already in the
 * slot range was never a valid helper and stays invalid. */
static int renumber_helpers(struct bpf_insn *insns, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct bpf_insn *in = &insns[i];

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != 0)
			continue;
		if (in->imm >= RH_SLOT && in->imm < N_HELPERS)
			return -1;
		if (in->imm > BO_RH_BASE && in->imm < BO_RH_BASE + RH_COUNT)
			in->imm = RH(in->imm);
	}
	return 0;
}

static int prepare_one(struct runner *r, struct rprobe *rp)
{
	const char *sec = bpf_program__section_name(rp->prog);
	const struct reloc_ops ops = { reloc_map, reloc_data, r };
	struct interp_opts io = {
		.helpers = helpers, .n_helpers = N_HELPERS,
		.resolve = resolve, .user = r,
	};
	struct reloc_prog rp_code;
	struct interp_error e;
	char why[256];

	if (reloc_program(r->relo, sec, &ops, &rp_code, why, sizeof(why))) {
		fprintf(stderr, RUNNER_NAME ": probe %s: %s\n",
			bo_str(&r->meta, rp->meta->point), why);
		return -1;
	}
	if (renumber_helpers(rp_code.insns, rp_code.n)) {
		fprintf(stderr, RUNNER_NAME ": probe %s: calls an unknown "
			"helper\n", bo_str(&r->meta, rp->meta->point));
		free(rp_code.insns);
		return -1;
	}
	rp->iprog = interp_prepare(rp_code.insns, rp_code.n, &io, &e);
	free(rp_code.insns);
	if (!rp->iprog) {
		fprintf(stderr, RUNNER_NAME ": probe %s: the runner cannot run "
			"its program: %s\n", bo_str(&r->meta, rp->meta->point),
			e.msg);
		return -1;
	}
	return 0;
}

static struct tier_state *state(struct runner *r)
{
	if (!r->tstate)
		r->tstate = calloc(1, sizeof(*r->tstate));
	return r->tstate;
}

int tier_prepare(struct runner *r)
{
	r->cur_probe = -1;
	r->ictx = interp_ctx_new(r);
	r->cache = mapcache_new();
	if (!r->ictx || !r->cache || !state(r))
		return -1;
	for (int i = 0; i < r->n_data; i++)
		if (interp_register_region(r->ictx, r->data[i].mem,
					   r->data[i].size, r->data[i].writable))
			return -1;
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		struct rprobe *rp = &r->probes[i];

		if (rp->meta->tier == BO_TIER_RUNNER && prepare_one(r, rp))
			return -1;
	}
	return 0;
}

void tier_release(struct runner *r)
{
	struct tier_state *s = r->tstate;

	for (uint32_t i = 0; r->probes && i < r->meta.n_probes; i++) {
		interp_prog_free(r->probes[i].iprog);
		r->probes[i].iprog = NULL;
	}
	aggr_release_all(r);
	mapcache_free(r->cache);
	r->cache = NULL;
	if (r->ictx)
		interp_ctx_free(r->ictx);
	r->ictx = NULL;
	if (s)
		free(s->res);
	free(s);
	r->tstate = NULL;
	regex_last_free(r);
}

int tier_run_probe(struct runner *r, int probe)
{
	struct rprobe *rp = &r->probes[probe];
	struct interp_error e;
	uint64_t r0 = 0;
	int rc;

	r->cur_probe = probe;
	rc = interp_run(r->ictx, rp->iprog, 0, 0, &r0, &e);
	mapcache_end_run(r);
	state(r)->n_res = 0;
	aggr_release_all(r);
	r->cur_probe = -1;
	if (rc) {
		char msg[400];

		snprintf(msg, sizeof(msg), "runner: %s", e.msg);
		runner_error(r, msg, rp->meta->location, probe);
	}
	output_flush(r);
	return rc;
}

struct order {
	int64_t number;
	uint32_t idx;
};

static int cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * All begin (or end, or error) probes in the order of their number, then
 * of the script. A begin probe's exit() lets the others run, as in stap.
 */
void tier_run_kind(struct runner *r, uint32_t kind)
{
	struct order *o = calloc(r->meta.n_probes + 1, sizeof(*o));
	size_t n = 0;

	if (!o)
		return;
	for (uint32_t i = 0; i < r->meta.n_probes; i++)
		if (r->meta.probes[i].kind == kind)
			o[n++] = (struct order){ r->meta.probes[i].number, i };
	qsort(o, n, sizeof(*o), cmp_order);
	for (size_t i = 0; i < n; i++) {
		if (kind == BO_PROBE_BEGIN && r->script_errors >
		    r->meta.header.maxerrors)
			break;
		tier_run_probe(r, (int)o[i].idx);
	}
	free(o);
}
