/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stapbpf-run: the state of one run and what each part of the runner
 * offers the others. One struct runner holds everything; there is no other
 * mutable global state.
 *
 *	main.c		options, the order of the phases, exit status
 *	object.c	open + validate the .bo, load, maps, global data
 *	kernel_btf.c	translated for another kernel? failed CO-RE relocations
 *	attach.c	kernel-tier probes, by kind, with alternative groups
 *	multi.c		kprobe.multi probes: host support, fallbacks, pp()
 *	output.c	ring-buffer records, formatting, --json, -o
 *	tier.c		runner-tier programs in the interpreter, helpers
 *	mapcache.c	host copies of map values handed to programs
 *	aggr.c		sorted foreach snapshots, statistics
 *	loop.c		signals, timers, -c, -T: the event loop
 *	summary.c	unread globals, the end-of-run summary
 *	ksyms.c, usyms.c, symbolize.c	naming addresses (symbols.h)
 */
#ifndef STAPBPF_RUN_RUNNER_H
#define STAPBPF_RUN_RUNNER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "bo_reader.h"
#include "format.h"
#include "stats.h"
#include "strbuf.h"

struct bpf_object;
struct bpf_program;
struct bpf_map;
struct bpf_link;
struct ring;
struct interp_ctx;
struct interp_prog;
struct reloc_obj;
struct lean;

#define RUNNER_NAME "stapbpf-run"

struct gopt {			/* -G name=value */
	const char *name;
	const char *value;
};

struct options {
	const char *object;
	char **args;		/* positional parameters */
	int nargs;
	const char *out_path;	/* -o */
	pid_t target;		/* -x */
	const char *command;	/* -c */
	double timeout;		/* -T, seconds; 0: none */
	struct gopt *gopts;
	int n_gopts;
	int verbose;
	bool no_warnings;	/* -w */
	bool json;
};

/* One map of the object, as the runner-tier helpers see it. */
struct rmap {
	struct bpf_map *map;
	const char *name;
	int fd;
	uint32_t type;
	uint32_t key_size;
	uint32_t value_size;	/* per CPU for per-CPU maps */
	uint32_t max_entries;
	bool percpu;
	int global;		/* index in the globals table, or -1 */
};

/* A global data section (.bss, .data, .rodata...), mmap-ed from its map. */
struct rdata {
	const char *section;
	struct bpf_map *map;
	void *mem;
	void *copy;		/* mem is this malloc-ed copy, not a mapping */
	size_t size;
	bool writable;
};

struct rprobe {
	const struct bo_probe *meta;
	struct bpf_program *prog;	/* kernel tier */
	struct interp_prog *iprog;	/* runner tier */
	struct bpf_link **links;
	int n_links;
	int *perf_fds;
	int n_perf_fds;
	bool disabled;			/* not loaded: an alternative */
	bool standby;			/* a kprobe.multi probe's fallback,
					 * not loaded: the multi one is */
	bool attached;
	bool fatal;			/* its failure to attach ends the run */
	char why[256];			/* why it did not attach */
	int timer_fd;
	uint64_t errors[BO_ERR_KIND_COUNT];	/* seen in records, by kind */
	/* BO_PROBE_KPROBE_MULTI: its functions, in the object's order */
	char *multi_buf;
	const char **multi_names;
	uint32_t n_multi;
};

/* A global's derived facts. */
struct rglobal {
	int map;			/* index in r->maps, or -1 */
	struct stats_layout slayout;	/* aggregates */
	size_t stride;			/* per-CPU record stride */
};

struct mapcache;
struct aggr_iter;
struct tier_state;
struct symbolizer;

struct runner {
	struct options opt;
	struct bo_meta meta;
	struct fmt *fmts;
	struct bpf_object *obj;
	struct reloc_obj *relo;
	struct lean *lean;		/* btf_lean.c, or NULL */
	void *image;			/* the object libbpf opens, or NULL:
					 * the file */
	size_t image_len;
	char *log_buf;
	size_t log_size;
	struct strbuf libbpf_msgs;	/* libbpf's warnings while loading */

	struct rmap *maps;
	int n_maps;
	struct rdata *data;
	int n_data;
	struct rprobe *probes;
	struct rglobal *globals;
	int ncpus;			/* possible CPUs */

	int rb_map;			/* index of BO_MAP_RINGBUF or -1 */
	int err_map;			/* index of BO_MAP_ERRORS or -1 */
	struct ring *rb;		/* NULL: no kernel program loaded */

	struct interp_ctx *ictx;
	struct mapcache *cache;
	struct tier_state *tstate;
	struct regex_last *re_last;	/* regex_helpers.c */
	struct aggr_iter **iters;
	int n_iters;
	int cur_probe;			/* runner-tier probe running, -1 */

	FILE *out;
	struct strbuf line;		/* scratch for one record */
	struct symbolizer *sym;		/* symbols.h; NULL until needed */

	struct timespec t0;		/* start, for -v */

	/* the run */
	bool exiting;			/* exit(), signal, -c exit, -T */
	bool failed;			/* exit status 1 */
	uint64_t script_errors;		/* fatal errors seen */
	uint64_t *overflows;		/* array overflows by location */
	uint64_t bad_records;
	int signal_fd;
	pid_t child;
	int child_go_fd;		/* write end of the -c handshake */
	int child_failed_fd;		/* the command could not be run */
	int child_status;
	bool child_done;
	int n_attach_failed;
};

/* object.c */
int object_open(struct runner *r);
int object_load(struct runner *r);
int object_init_globals(struct runner *r);
void object_close(struct runner *r);
int runner_map_index(struct runner *r, const char *name);
struct rdata *runner_data_by_section(struct runner *r, const char *section);
int mount_tracefs_if_needed(struct runner *r);

/* btf_lean.c */
void lean_prepare(struct runner *r);
void lean_release(struct runner *r);

/* kernel_btf.c: the object's BTF against this kernel's */
void kernel_btf_report(struct runner *r);
bool kernel_btf_explain(struct runner *r, int probe, const char *log);

/* multi.c: kprobe.multi probes and their per-function fallbacks */
int multi_prepare(struct runner *r);	/* before loading */
bool multi_may_drop(struct runner *r, int i);
void multi_dropped(struct runner *r, int i);	/* fallbacks take over */
/* the functions to attach (those this kernel has) and their cookies */
int multi_targets(struct runner *r, struct rprobe *rp, const char ***syms,
		  unsigned long long **cookies, size_t *n);
const char *multi_label(struct runner *r, const struct bo_probe *p);
bool multi_expand(struct runner *r, struct strbuf *out, char kind,
		  const char *body);
void multi_release(struct runner *r);

/* attach.c */
int attach_all(struct runner *r);
void detach_all(struct runner *r);

/* output.c */
int output_open(struct runner *r);
void output_close(struct runner *r);
int output_ring_open(struct runner *r);
int output_drain(struct runner *r);
int output_record(struct runner *r, const void *data, size_t len);
void output_text(struct runner *r, const char *s, size_t len);
void output_flush(struct runner *r);
void runner_error(struct runner *r, const char *msg, uint32_t location,
		  int probe);
/* the same for an error of a known kind (enum bo_error_kind, 0: other) */
void runner_error_kind(struct runner *r, uint32_t kind, const char *msg,
		       uint32_t location, int probe);
void runner_warn(struct runner *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void json_string(struct strbuf *sb, const char *s, size_t len);

/* tier.c */
/* regex_helpers.c: BO_RH_REGEX_LAST and BO_RH_REGEX_GROUP */
struct interp_ctx;
uint64_t rh_regex_last(struct interp_ctx *c, uint64_t subject,
		       uint64_t pattern, uint64_t matched, uint64_t a4,
		       uint64_t a5);
uint64_t rh_regex_group(struct interp_ctx *c, uint64_t n, uint64_t dst,
			uint64_t size, uint64_t a4, uint64_t a5);
void regex_last_free(struct runner *r);

int tier_prepare(struct runner *r);
void tier_release(struct runner *r);
int tier_run_probe(struct runner *r, int probe);
void tier_run_kind(struct runner *r, uint32_t kind);

/* mapcache.c */
struct mapcache *mapcache_new(void);
void mapcache_free(struct mapcache *c);
void *mapcache_alloc(struct runner *r, size_t len);
void *mapcache_lookup(struct runner *r, int map, const void *key);
int mapcache_update(struct runner *r, int map, const void *key,
		    const void *value, uint64_t flags);
int mapcache_delete(struct runner *r, int map, const void *key);
void mapcache_flush(struct runner *r);
void mapcache_end_run(struct runner *r);
size_t map_percpu_stride(const struct rmap *m);

/* aggr.c */
int aggr_read(struct runner *r, int global, const void *key,
	      struct stats_data *out);
struct stats_data *aggr_alloc(struct runner *r, int global);
long aggr_foreach_begin(struct runner *r, int global,
			const struct bo_foreach_spec *spec);
int aggr_foreach_next(struct runner *r, long h, void **key, void **value);
void aggr_foreach_end(struct runner *r, long h);
/* the global of a live iterator (after aggr_foreach_next returned 1) */
int aggr_iter_global(struct runner *r, long h);
void aggr_release_all(struct runner *r);
int aggr_print(struct runner *r, int global, const void *key,
	       struct strbuf *sb, size_t maxlen);
int64_t aggr_stat(const struct stats_data *d, const struct stats_layout *l,
		  uint32_t what, int *empty);

/* loop.c */
int loop_setup_signals(struct runner *r);
int child_spawn(struct runner *r);
void child_release(struct runner *r);
void child_reap(struct runner *r);
int loop_run(struct runner *r);

/* summary.c */
void summary_print_globals(struct runner *r);
void summary_print(struct runner *r);
/* BO_MAP_ERRORS summed over CPUs, one counter per (probe, kind) slot */
uint64_t *errors_read(struct runner *r, size_t *n);
void errors_totals(struct runner *r, uint64_t *lost, uint64_t *fatal);

#endif
