/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .bo object: the contract between the translator (which writes it) and
 * stapbpf-run (which reads it), and between BPF code and the runner.
 *
 * A .bo is an ELF BPF object that libbpf opens, plus:
 *   - a section BO_META_SECTION holding the metadata below;
 *   - kernel-tier programs in sections libbpf knows (tracepoint/..., tp_btf/,
 *     raw_tracepoint/, perf_event, uprobe/..., kprobe/..., fentry/...);
 *   - runner-tier programs (begin, end, error, timer handlers) in sections
 *     named BO_RUNNER_SECTION_PREFIX "NAME". The runner turns their autoload
 *     off, relocates them itself from the ELF relocations (libbpf does not
 *     relocate programs it does not load) and runs them in its interpreter.
 *
 * Everything is little-endian. The metadata is a header, tables of
 * fixed-size entries and a string table. Each table records its entry size,
 * so a reader accepts entries longer than it knows (fields appended in a
 * later minor version) and refuses shorter ones. Strings are offsets into the
 * string table (0 is the empty string); a reader checks every offset, count
 * and size against the section before use.
 */
#ifndef BSTAP_BO_FORMAT_H
#define BSTAP_BO_FORMAT_H

#include <stdint.h>

#define BO_META_SECTION		".bstap.meta"
#define BO_RUNNER_SECTION_PREFIX "bstap_runner/"
#define BO_MAGIC		"BSTAPBO\0"
#define BO_FORMAT_VERSION	4	/* bump on any incompatible change;
					 * 3: 8-byte record header;
					 * 4: kprobe.multi (bo_probe.multi) */

/* Map names the runner looks up in the object (BPF map names: <= 15 chars) */
#define BO_MAP_RINGBUF		"bstap_rb"	/* BPF_MAP_TYPE_RINGBUF: records */
#define BO_MAP_ERRORS		"bstap_err"	/* per-CPU array of u64 counters,
						 * index BO_ERRCOUNT_INDEX() */
#define BO_MAP_SCRATCH		"bstap_scr"	/* per-CPU array: strings, keys,
						 * records being built */
/* A global array or aggregate NAME lives in a map named "g_" + a short
 * unique name; bo_global.map_name says which. Global scalars (long and
 * string) live in the .bss datasec at bo_global.offset. */

/* ------------------------------------------------------------- metadata */

enum bo_table_kind {
	BO_TABLE_PROBES,	/* struct bo_probe */
	BO_TABLE_GLOBALS,	/* struct bo_global */
	BO_TABLE_FORMATS,	/* struct bo_format */
	BO_TABLE_STATS,		/* struct bo_stats_layout */
	BO_TABLE_LOCATIONS,	/* struct bo_location: script places for errors */
	BO_TABLE_COUNT
};

struct bo_table_ref {
	uint32_t offset;	/* from the start of the metadata section */
	uint32_t count;
	uint32_t entry_size;
	uint32_t reserved;
};

struct bo_header {
	char magic[8];			/* BO_MAGIC */
	uint32_t version;		/* BO_FORMAT_VERSION */
	uint32_t header_size;		/* sizeof(struct bo_header) */
	uint32_t total_size;		/* the whole metadata section */
	uint32_t strtab_offset;
	uint32_t strtab_size;		/* the table ends in a NUL */
	uint32_t script_name;		/* str */
	uint32_t maxstringlen;		/* -D MAXSTRINGLEN */
	uint32_t maxmapentries;		/* -D MAXMAPENTRIES */
	uint32_t maxerrors;		/* -D MAXERRORS (stap: 0 = stop at 1st) */
	uint32_t flags;			/* BO_F_* */
	uint32_t nargs;			/* positional parameters the script uses */
	/* the kernel the object was translated for (0 in older objects):
	 * "crc32:XXXXXXXX" of the raw vmlinux BTF its CO-RE accesses were
	 * built against, and that kernel's release (-r, else uname) */
	uint32_t btf_checksum;		/* str */
	uint32_t kernel_release;	/* str */
	uint32_t reserved[2];
	struct bo_table_ref tables[BO_TABLE_COUNT];
};

#define BO_F_NEEDS_TARGET	(1u << 0)	/* script calls target() */

enum bo_tier { BO_TIER_KERNEL = 0, BO_TIER_RUNNER = 1 };

enum bo_probe_kind {
	BO_PROBE_BEGIN,		/* runner tier; number = order */
	BO_PROBE_END,
	BO_PROBE_ERROR,
	BO_PROBE_TIMER,		/* runner tier; number = period ns */
	BO_PROBE_TRACEPOINT,	/* target = "sys:name" */
	BO_PROBE_RAW_TRACEPOINT,
	BO_PROBE_TP_BTF,
	BO_PROBE_PERF,		/* perf_type/config/period/freq */
	BO_PROBE_KPROBE,	/* target = function; flags BO_P_RETURN */
	BO_PROBE_FENTRY,
	BO_PROBE_UPROBE,	/* path + offset; flags BO_P_RETURN */
	BO_PROBE_USDT,		/* path + offset + semaphore */
	BO_PROBE_PROCESS_BEGIN,	/* sched tracepoints, filtered in BPF */
	BO_PROBE_PROCESS_END,
	/* one program for many kernel functions (BPF_TRACE_KPROBE_MULTI):
	 * target = the function names, separated by single spaces; the
	 * program's attach cookie is a name's index in that list; point =
	 * the first function's point, the runner puts the name of the
	 * function that fired in place of its name for pp() */
	BO_PROBE_KPROBE_MULTI,
};

#define BO_P_RETURN	(1u << 0)
#define BO_P_OPTIONAL	(1u << 1)	/* `?`: failing to attach is fine */
/* The probe's handler is a function inside the program prog_name, which
 * runs the handlers of several probes (by syscall number): the program is
 * attached once, by the first probe of the table that names it. */
#define BO_P_DISPATCHED	(1u << 2)

struct bo_probe {
	uint32_t prog_name;	/* str: the ELF function/program name */
	uint32_t kind;		/* enum bo_probe_kind */
	uint32_t tier;		/* enum bo_tier */
	uint32_t flags;		/* BO_P_* */
	uint32_t point;		/* str: canonical point, what pp() returns */
	uint32_t written;	/* str: the point as the script wrote it */
	uint32_t target;	/* str: tracepoint, function, mark name */
	uint32_t path;		/* str: uprobe/usdt binary */
	int64_t number;		/* begin/end order, timer period in ns */
	int64_t randomize;	/* timer .randomize(M), ns */
	uint64_t offset;	/* uprobe/usdt offset in the file */
	uint64_t semaphore;	/* usdt semaphore offset, 0 if none */
	uint64_t perf_type;
	uint64_t perf_config;
	uint64_t perf_period;	/* sample period, or frequency if perf_freq */
	uint32_t perf_freq;
	/* Alternatives (`a ! b`, or points a wildcard or cross-compiling left
	 * undecided): probes sharing a non-zero group attach in table order
	 * until one succeeds. */
	uint32_t group;
	uint32_t location;	/* index into BO_TABLE_LOCATIONS: the probe */
	uint32_t build_id;	/* str: uprobe/usdt: path's GNU build-id in
				 * hex when translated, "" when it had none;
				 * the runner refuses a file that differs */
	/* a per-function fallback of a BO_PROBE_KPROBE_MULTI probe: 1 +
	 * that probe's index. Not loaded when the multi probe loads. */
	uint32_t multi;
	uint32_t reserved2;
};

enum bo_value_type {
	BO_TYPE_LONG = 1,
	BO_TYPE_STRING = 2,
	BO_TYPE_STATS = 3,
};

#define BO_MAX_KEYS 9

/*
 * Packed array keys: the columns in order, a long as 8 bytes, a string as
 * a NUL-padded buffer; all string columns of one key have the same length,
 * (size - 8 * longs) / strings. A long value is 8 bytes, a string value a
 * NUL-terminated buffer of value_size bytes. A scalar aggregate is the
 * all-zero key of its map.
 *
 * Scalars the runner sets before begin probes run:
 *   BO_GLOBAL_TARGET (long): -x PID, or the pid of the -c command, else 0;
 *   "$N" (long) and "@N" (string): positional parameter N (1-based);
 *   BO_GLOBAL_REALTIME (long): CLOCK_REALTIME minus CLOCK_BOOTTIME in ns,
 *   for gettimeofday_*() (BPF has no wall clock: boot time plus this);
 *   BO_GLOBAL_RUNNER_PID (long): the runner's own pid, for probes that
 *   would otherwise trace the runner's output (a write() probe).
 */
#define BO_GLOBAL_TARGET "__target"
#define BO_GLOBAL_REALTIME "__realtime_offset"
#define BO_GLOBAL_RUNNER_PID "__runner_pid"
/*
 * BO_GLOBAL_STOPPING (long): set by exit() in a kernel probe; kernel
 * probes then do nothing, as stap's handlers once the session stops.
 */
#define BO_GLOBAL_STOPPING "__stopping"

#define BO_G_ARRAY	(1u << 0)
#define BO_G_WRAP	(1u << 1)	/* a% : LRU map, never overflows */
#define BO_G_READ	(1u << 2)	/* the script reads it: not printed at end */
#define BO_G_PERCPU	(1u << 3)	/* per-CPU map (aggregates) */

struct bo_global {
	uint32_t name;		/* str: the script's name */
	uint32_t value_type;	/* enum bo_value_type */
	uint32_t flags;		/* BO_G_* */
	uint32_t nkeys;		/* arrays: number of index columns */
	uint8_t key_types[BO_MAX_KEYS];	/* enum bo_value_type per column */
	uint8_t reserved1[3];
	uint32_t map_name;	/* str: arrays and aggregates: the BPF map */
	uint32_t offset;	/* scalars: offset in the .bss datasec */
	uint32_t size;		/* scalars: bytes; arrays: key size */
	uint32_t value_size;	/* arrays: value bytes */
	uint32_t max_entries;	/* arrays */
	uint32_t stats_layout;	/* aggregates: index into BO_TABLE_STATS */
	int64_t init_long;	/* initializer, or 0 */
	uint32_t init_string;	/* str: initializer */
	uint32_t location;	/* where it is declared */
};

/*
 * A printf-style format. Kernel-tier print calls send the format's index and
 * the binary arguments; the runner formats them (runtime/format.h).
 * print/println/printd... are lowered to synthesized formats.
 */
struct bo_format {
	uint32_t text;		/* str: stap printf syntax */
	uint32_t nargs;
	uint32_t location;
	uint32_t reserved;
};

/* An aggregate's record layout: runtime/stats.h struct stats_data. */
enum bo_hist_kind { BO_HIST_NONE = 0, BO_HIST_LOG = 1, BO_HIST_LINEAR = 2 };

struct bo_stats_layout {
	uint32_t hist_kind;	/* enum bo_hist_kind */
	uint32_t nbuckets;	/* buckets in the record */
	int64_t lo, hi, step;	/* @hist_linear */
	uint32_t record_size;	/* bytes of one per-CPU record */
	uint32_t shift;		/* @variance(s, N): stats_layout.shift */
};

/* A place in the script, for error messages ("near ... at FILE:L:C"). */
struct bo_location {
	uint32_t file;		/* str */
	uint32_t line;
	uint32_t column;
	uint32_t token;		/* str: "operator '/'", "identifier 'x'" */
};

/* ------------------------------------------------- ring-buffer records */

/*
 * Every record starts with this 8-byte header. Its length is the ring
 * buffer's own (the kernel keeps it in the 8-byte header it puts before each
 * record), a multiple of 8 that covers header and payload; payloads start
 * 8-aligned. The records that name a place in the script (ERROR,
 * PRINT_STATS) carry it as the first u32 of their payload; the others do
 * without, so that printf(pid, tid) costs 24 bytes plus the ring's 8, not
 * 32 plus 8 (version 2's header had a len and a location of its own). The
 * runner consumes records in order and stops with an error on a record it
 * cannot parse.
 */
struct bo_record {
	uint16_t kind;		/* enum bo_record_kind */
	uint16_t flags;
	uint32_t id;		/* PRINTF: format index; ERROR: error kind;
				 * PRINT_STATS: global index */
	/* payload follows */
};

enum bo_record_kind {
	/* payload: the arguments in format order; a long is 8 bytes; a
	 * string is a u32 length, then the bytes, padded to 8 */
	BO_REC_PRINTF = 1,
	/* payload: u32 location (index into BO_TABLE_LOCATIONS, or ~0),
	 * u32 probe index, then the error's detail string (u32 length +
	 * bytes) as for PRINTF strings */
	BO_REC_ERROR = 2,
	/* exit() from a kernel probe: no payload */
	BO_REC_EXIT = 3,
	/* print(@hist_log(g[k])) in a kernel probe: u32 location, u32 pad,
	 * then the key, packed as the map key; the runner reads the map and
	 * prints */
	BO_REC_PRINT_STATS = 4,
	/* warn("msg"): the message (u32 length + bytes) as for PRINTF */
	BO_REC_WARN = 5,
	/* print_backtrace()/print_ubacktrace(): id = BO_STACK_* flags;
	 * payload: u32 pid, u32 frames, u32 build-id frames, u32 pad,
	 * BO_MAXBACKTRACE u64 addresses; user stacks then BO_MAXBACKTRACE
	 * struct bo_stack_build_id (at BO_STACK_BUILD_IDS) */
	BO_REC_STACK = 6,
	/* a user symbol token was made in this process: a BO_REC_STACK
	 * payload the runner learns from (mappings, build-ids), no output */
	BO_REC_PID = 7,
};

#define BO_STACK_USER	1u	/* BO_REC_STACK: user addresses */

/* Frames a stack capture keeps (stap's MAXBACKTRACE). */
#define BO_MAXBACKTRACE	20
#define BO_STACK_BUILD_IDS	(16 + BO_MAXBACKTRACE * 8)	/* payload offset */

/* The kernel's struct bpf_stack_build_id (BPF_F_USER_BUILD_ID) */
struct bo_stack_build_id {
	int32_t status;		/* 1: build_id and offset valid, 2: ip only */
	uint8_t build_id[20];
	uint64_t offset;	/* in the file; or the ip when status is 2 */
};

/*
 * Symbol tokens. A kernel probe cannot name an address: symname(),
 * sprint_ubacktrace() and the like return a token the runner expands
 * wherever it prints a string (printf records, unread globals):
 *   BO_SYM_MARK, kind (enum bo_sym_kind), the pid in decimal, ';',
 *   addresses as 0x%016llx separated by spaces, BO_SYM_MARK.
 */
#define BO_SYM_MARK	'\x1d'

enum bo_sym_kind {
	BO_SYM_NAME = 'n',		/* symname(a): name, else the address */
	BO_SYM_DATA = 'd',		/* symdata(a): name+0xoff/0xsize [mod] */
	BO_SYM_STACK = 's',		/* sprint_backtrace(): a line each,
					 * name+0xoff [mod] */
	BO_SYM_USER_NAME = 'N',		/* the same for user addresses */
	BO_SYM_USER_DATA = 'D',
	BO_SYM_USER_STACK = 'S',
	BO_SYM_LINES = 'p',		/* print_stack(): a line each,
					 * " 0x%016llx : symdata\n" */
	BO_SYM_USER_LINES = 'P',
	BO_SYM_FUNC = 'f',		/* probefunc(): name, else "" */
	/*
	 * $var$, $var$$, $$parms$: a kernel struct or union the runner
	 * formats from its kernel's BTF. The body is not pid;addresses but
	 * '0' or '1' (deep), 's' or 'u', the type's name, ';', then the
	 * object's first bytes in hex, two digits a byte.
	 */
	BO_SYM_PRETTY = 'v',
	/*
	 * pp() and probefunc() of a BO_PROBE_KPROBE_MULTI probe: the body
	 * is the probe's index in decimal, ';', the attach cookie as for
	 * addresses; the runner gives that function's point or name.
	 */
	BO_SYM_MULTI_POINT = 'k',
	BO_SYM_MULTI_FUNC = 'm',
};

/* Script errors, with stap's wording (the runner adds "near ... at ..."). */
enum bo_error_kind {
	BO_ERR_DIVIDE_BY_ZERO = 1,	/* "division by zero" */
	BO_ERR_ARRAY_OVERFLOW,		/* "Array overflow, check MAXMAPENTRIES" */
	BO_ERR_READ_FAULT,		/* "kernel read fault at 0x..." */
	BO_ERR_USER_ERROR,		/* error("msg"): detail is msg */
	BO_ERR_EMPTY_AGGREGATE,		/* "empty aggregate" */
	BO_ERR_STRING_TRUNCATED,	/* counted, not fatal */
	BO_ERR_RECORD_LOST,		/* ring buffer full: counted */
	BO_ERR_PROBE_SKIPPED,		/* fired on a CPU where a probe was
					 * running (NMI, preemption): skipped,
					 * counted, not fatal */
	BO_ERR_STACK_FAILED,		/* bpf_get_stack() failed: counted,
					 * not fatal; the stack is empty */
	BO_ERR_KIND_COUNT
};

/* Slot in BO_MAP_ERRORS for (probe, kind): counters survive a full ring. */
#define BO_ERRCOUNT_INDEX(probe, kind) ((probe) * BO_ERR_KIND_COUNT + (kind))

/* ---------------------------------------------- runner-tier helpers */

/*
 * Runner-tier programs may call, besides the BPF helpers the runner
 * implements (map lookup/update/delete, ringbuf_output, ktime_get_ns,
 * get_smp_processor_id, get_current_pid_tgid...), these runner-only ones.
 * Their ids are far above the kernel's so they can never be confused.
 */
enum bo_runner_helper {
	BO_RH_BASE = 0x10000,
	/* long foreach_begin(u32 global, const struct bo_foreach_spec *spec)
	 * -> iterator handle (>= 0) over a snapshot of the map, sorted as asked */
	BO_RH_FOREACH_BEGIN = BO_RH_BASE + 1,
	/* long foreach_next(long handle, void *key_out, void *value_out)
	 * -> 1 and key/value filled, or 0 at the end */
	BO_RH_FOREACH_NEXT,
	/* void foreach_end(long handle) */
	BO_RH_FOREACH_END,
	/* long stats_extract(u32 global, const void *key, u32 what, long *out,
	 *		     long bucket)
	 * merges the per-CPU records; what = 0 count, 1 sum, 2 min, 3 max,
	 * 4 avg, 5 variance, BO_STATS_BUCKET the count in histogram bucket
	 * `bucket`; returns 0, or -1 for an empty aggregate, -2 for a bucket
	 * out of range */
	BO_RH_STATS_EXTRACT,
	/* void print_stats(u32 global, const void *key, u32 hist_kind) */
	BO_RH_PRINT_STATS,
	/* void exit(void): run end probes after this handler */
	BO_RH_EXIT,
	/* long sprint_stats(u32 global, const void *key, u32 hist_kind,
	 *		     char *dst, u32 size) */
	BO_RH_SPRINT_STATS,
	/* long task(u32 what, char *dst, u32 size): the runner's own task,
	 * as pid() is: what = BO_TASK_* (a long), or its parent's name in
	 * dst for BO_TASK_PEXECNAME */
	BO_RH_TASK,
	/* long symbols(char *dst, const char *src, u32 size): dst = src with
	 * its symbol tokens expanded (runner-tier symname() and the like) */
	BO_RH_SYMBOLS,
	/* long regex_last(const char *subject, const char *pattern,
	 *		   long matched): the last =~, for matched() */
	BO_RH_REGEX_LAST,
	/* long regex_group(long n, char *dst, long size): subexpression n
	 * of the last =~ (size 0: returns ngroups()), or a BO_REGEX_E_* */
	BO_RH_REGEX_GROUP,
};

/* stats_extract's `what` for @hist_log(s)[i] (0..5 are enum stat_op). */
#define BO_STATS_BUCKET 6

enum bo_regex_error {
	BO_REGEX_E_NOMATCH = -2,	/* the last =~ did not match */
	BO_REGEX_E_GROUP = -3,		/* no such subexpression */
	BO_REGEX_E_COMPLEX = -4,	/* too much backtracking */
};

enum bo_task_info {
	BO_TASK_PPID,
	BO_TASK_EUID,
	BO_TASK_EGID,
	BO_TASK_PEXECNAME,
};

struct bo_foreach_spec {
	int32_t sort_column;	/* -1 unsorted, 0 value, 1..N key column */
	int32_t direction;	/* +1 ascending, -1 descending */
	int64_t limit;		/* <= 0: no limit, unless BO_FOREACH_LIMITED */
	uint32_t sort_stat;	/* aggregates: what to sort on (as above) */
	uint32_t flags;		/* BO_FOREACH_*; 0 in older objects */
};

/* `limit N` was written: N <= 0 runs the body no time, as in stap */
#define BO_FOREACH_LIMITED	1u

#endif
