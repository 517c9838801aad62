/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the code generator's files share: the module being built, the data
 * model (maps, .bss, scratch, literals), the function being generated and
 * the metadata tables collected on the way for bo_writer.c.
 *
 *	codegen.c		driver: target, runtime linking, passes, emit
 *	codegen_debug.c		debug info: files, subprograms, locations
 *	codegen_data.c		maps, globals, scratch layout, literals
 *	codegen_expr.c		expressions
 *	codegen_call.c		runtime functions, printing, inlined functions
 *	codegen_stmt.c		statements
 *	codegen_probe.c		probe programs: sections, filters, metadata
 *	codegen_dispatch.c	one program per syscall direction, by number
 *	codegen_ctxvar.c	context variables ($name, $$vars)
 *	codegen_core.c		kernel memory through CO-RE, @cast
 *	codegen_uprobe.c	uprobes and USDT: registers, file offsets
 *	codegen_entry.c		@entry() and $vars in process .return probes
 *	codegen_hist.c		histogram layouts (runtime/hist.c)
 *	codegen_bucket.c	histogram buckets: h[i], foreach over them
 *	codegen_stack.c		stacks and symbols (tapsets/stacks.stp)
 *	codegen_multi.c		one kprobe.multi program for a wildcard
 *	codegen_regex.c		=~ and !~: DFA tables, the matcher call
 *	bo_writer.c		the .bstap.meta section
 *
 * Choices, where stap or the design left them open:
 *  - script functions are inlined at every call (their strings and errors
 *    are the caller's; the verifier sees one program): no recursion;
 *  - a kernel probe's foreach walks the map unsorted through
 *    bpf_for_each_map_elem, its body a callback; the probe's longs then
 *    live in scratch, where the callback reaches them;
 *  - extractors in kernel probes merge the CPUs with bpf_loop and
 *    bpf_map_lookup_percpu_elem; in the runner tier a helper does it;
 *  - syscalls:sys_enter_/sys_exit_ tracepoints run on the raw sys_enter/
 *    sys_exit tracepoints (tp_btf), filtered by number, arguments from the
 *    registers (x86-64; -D BSTAP_CLASSIC_SYSCALLS keeps the classic ones);
 *  - kernel.function gets fentry/fexit and a kprobe alternative in one
 *    group; print(@hist) in a kernel probe sends the key, and the runner
 *    draws the map as it is when it reads the record.
 */
#ifndef BSTAP_CODEGEN_INTERNAL_H
#define BSTAP_CODEGEN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/TargetMachine.h>

#include "ast.h"
#include "elab.h"
#include "provider.h"
#include "session.h"
#include "strmap.h"
#include "vec.h"
#include "bo_format.h"

/* Hidden .bss slots in front of the script's globals (bo_format.h). */
#define CG_BSS_HIDDEN	24
#define CG_BSS_STOPPING	16	/* BO_GLOBAL_STOPPING */

/* Largest per-CPU array value the kernel accepts (PCPU_MIN_UNIT_SIZE). */
#define CG_SCRATCH_MAX	32768

/* Default sizes, as stap's (-D overrides). */
#define CG_MAXSTRINGLEN		256
#define CG_MAXMAPENTRIES	2048
#define CG_MAXERRORS		0
#define CG_MAXACTION		1000	/* stap's default */
#define CG_RINGBUF_SIZE		(4u << 20)	/* -D BUFFER_SIZE; 1M printf
						 * records a second fit */

struct cg_stats {		/* an aggregate's record layout */
	int hist_kind;		/* enum bo_hist_kind */
	int64_t lo, hi, step;
	int nbuckets;
	int shift;		/* @variance(s, N) */
	uint32_t record_size;
	int index;		/* in BO_TABLE_STATS */
	struct src_loc hist_loc;
};

struct cg_global {
	struct symbol *sym;
	int index;		/* in BO_TABLE_GLOBALS */
	LLVMValueRef map;	/* arrays and aggregates */
	int map_type;		/* BPF_MAP_TYPE_* */
	const char *map_name;
	uint32_t offset;	/* scalars: in bstap_bss */
	uint32_t key_size;
	uint32_t key_off[BO_MAX_KEYS];
	uint32_t value_size;
	uint32_t max_entries;
	struct cg_stats *stats;	/* aggregates */
};

/* A value: a long (i64) or a string (pointer to a NUL-terminated buffer). */
struct cg_val {
	enum type_kind type;
	LLVMValueRef v;
};

/*
 * A local or parameter: an alloca, or a scratch slot (strings always; longs
 * too in programs whose foreach bodies become callbacks, which must reach
 * the probe's variables).
 */
struct cg_var {
	enum type_kind type;
	LLVMValueRef ptr;	/* alloca i64, or NULL */
	uint32_t off;		/* scratch offset when ptr is NULL */
};

struct cg_loop {
	LLVMBasicBlockRef brk, cont;
	struct cg_loop *outer;
	int try_depth;		/* try blocks open outside the loop */
};

struct cg_try {
	LLVMBasicBlockRef catch_bb;
	struct cg_var *msg;	/* the catch variable, or NULL */
	struct cg_try *outer;
};

struct cg_inline {		/* an inlined script function being generated */
	struct elab_function *f;
	LLVMBasicBlockRef ret_bb;
	LLVMBasicBlockRef next_bb;	/* `next`: the following definition */
	struct cg_var *ret;	/* where `return x` stores; NULL: void */
	struct cg_inline *outer;
	struct cg_loop *loop_outside;	/* loops do not cross calls */
	struct cg_try *try_outside;
	int try_depth;
};

/* The program being generated: one per concrete probe point. */
struct cg_fn {
	LLVMValueRef fn;
	LLVMValueRef ctx;		/* first argument */
	LLVMValueRef scratch;		/* per-CPU scratch value */
	LLVMBasicBlockRef scratch_bb;	/* where it is looked up */
	LLVMBasicBlockRef entry;	/* allocas go here */
	LLVMBasicBlockRef init_bb;	/* locals get their initial values */
	LLVMBasicBlockRef exit_bb;	/* return 0 */
	LLVMMetadataRef scope;		/* its DISubprogram */
	struct elab_probe *probe;
	const struct resolved_point *point;
	int probe_index;		/* BO_TABLE_PROBES: error counters */
	enum probe_tier tier;
	bool tp_btf;			/* args from a BTF tracepoint ctx */
	int variant;			/* kernel.function: 0 fentry, 1 kprobe,
					 * CG_VARIANT_MULTI kprobe.multi */
	int raw_syscall;		/* 1 sys_enter, 2 sys_exit tp_btf */
	/* the handler body kprobe.multi and per-function programs share
	 * (codegen_multi.c): the function's index in the probe's list */
	LLVMValueRef multi_index;
	struct strmap vars;		/* struct symbol * -> struct cg_var */
	int slot_next;			/* string slots in use */
	struct cg_loop *loop;
	struct cg_try *try;
	int try_depth;
	struct cg_inline *inl;
	int inline_depth;
	bool scratch_locals;		/* longs in scratch too (callbacks) */
	/*
	 * The symbols foreach bodies (callbacks) reach: with scratch_locals,
	 * only these are in scratch in the program itself, the others stay
	 * on the stack where the verifier can follow a loop counter.
	 */
	struct strmap *cb_syms;
	/*
	 * Temporaries every use writes just before the helper reads them:
	 * one each per program, not one per use (each takes stack, and an
	 * end probe with twenty extractors would pass 512 bytes).
	 */
	LLVMValueRef zero_key;		/* i32 0, the scratch map's key */
	LLVMValueRef stat_out;		/* i64 an extractor's result */
	LLVMValueRef foreach_spec;	/* a runner-tier foreach's order */
	LLVMValueRef stack_keys[8];	/* long keys of 1..8 words */
	LLVMValueRef value_tmp;		/* i64 a map update's value */

	/* a foreach body in a bpf_for_each_map_elem callback */
	struct cg_fn *caller;		/* NULL: the program itself */
	struct cg_var *flag;		/* why the callback stopped: CG_STOP_* */
	struct cg_try *outer_try;	/* the caller's try at the foreach */
	struct cg_inline *inl_outside;	/* the caller's inline frame */
	LLVMBasicBlockRef catch_out_bb;	/* flag = CG_STOP_CATCH; stop */

	/* a process .return: expr -> cg_var of its value at the entry */
	struct strmap *entry_vals;
};

enum { CG_STOP_NONE, CG_STOP_EXIT, CG_STOP_RETURN, CG_STOP_CATCH, CG_STOP_NEXT };

struct cg {
	struct session *s;
	struct arena *a;
	struct elab_program *p;

	/* configuration */
	uint32_t msl;			/* MAXSTRINGLEN */
	uint32_t str_mask;		/* 2^n - 1 >= msl - 1 */
	uint32_t slot_size;		/* msl rounded to 8 */
	uint32_t maxmapentries;
	uint32_t maxerrors;
	uint32_t maxaction;	/* iterations of one kernel-tier loop */
	uint32_t ringbuf_size;
	bool cpu_v4;			/* signed division in the ISA */

	/* LLVM */
	LLVMContextRef ctx;
	LLVMModuleRef mod;
	LLVMBuilderRef b;
	LLVMBuilderRef alloca_b;
	LLVMTargetMachineRef tm;
	LLVMTypeRef i1, i8, i16, i32, i64, ptr, void_t;
	bool failed;			/* an LLVM-level error was reported */
	struct strmap stack_reported;	/* functions whose stack overflowed */

	/* debug info */
	LLVMDIBuilderRef di;
	LLVMMetadataRef di_cu;
	LLVMMetadataRef di_file;	/* the script */
	struct strmap di_files;		/* source_file * -> DIFile */
	LLVMMetadataRef di_long, di_int, di_uint, di_char, di_ptr;

	/* data */
	VEC(struct cg_global *) globals;
	struct strmap global_of;	/* struct symbol * -> cg_global */
	LLVMValueRef map_rb, map_err, map_scr;
	LLVMValueRef bss;		/* placeholder until the end */
	uint32_t bss_size;
	LLVMValueRef lits;		/* literal blob placeholder */
	VEC(char) lit_bytes;
	struct strmap lit_of;		/* text -> offset + 1 */
	struct strmap loc_of;		/* place key -> index + 1 */
	struct strmap rt_uses;		/* @runtime name -> struct src_loc * */
	uint32_t key_area, key_area_size;	/* scratch offsets */
	uint32_t zero_area, zero_area_size;
	uint32_t value_area, value_area_size;
	uint32_t sink_area;		/* strlen's throwaway copies */
	uint32_t slot_area;
	int max_slots;
	uint32_t max_record;		/* largest record built */
	LLVMValueRef cfg_msl, cfg_rec_mask, cfg_str_mask, cfg_rec_off;
	LLVMValueRef cfg_sink_off;
	VEC(struct cg_stats *) stats;

	/* metadata tables */
	VEC(struct bo_probe) probes;
	VEC(struct bo_format) formats;
	VEC(struct bo_location) locations;
	uint32_t core_exists_seq;	/* codegen_core.c: field-exists slots */
	VEC(const char *) strtab_strings;	/* bo_writer's view */
	struct strmap strtab;		/* text -> offset + 1 */
	VEC(char) strtab_bytes;
	uint32_t nargs;
	uint32_t flags;

	/* regular expressions (codegen_regex.c) */
	uint8_t *re_bytes;		/* the DFA tables of bstap_re */
	uint32_t re_size;
	struct strmap re_of;		/* pattern -> struct cg_regex */
	bool re_init;

	/* handlers on the raw syscall tracepoints (codegen_dispatch.c) */
	struct cg_dispatch *dispatch;

	/* the function being generated */
	struct cg_fn *fn;
	int ncallbacks;
	int ngroups;

	/* codegen_multi.c: the kprobe.multi probe being generated (its
	 * function list) and the one its fallbacks back up (index + 1);
	 * multi_body: generating the handler they share */
	const char *multi_syms;
	uint32_t multi_of;
	bool multi_body;
};

#define CG_VARIANT_MULTI 2

/* ------------------------------------------------------- codegen.c */
LLVMValueRef cg_helper(struct cg *cg, int id, LLVMTypeRef ret,
		       LLVMValueRef *args, int n);
LLVMValueRef cg_runtime(struct cg *cg, const char *name, LLVMTypeRef ret,
			LLVMValueRef *args, int n);
LLVMValueRef cg_i64(struct cg *cg, int64_t v);
LLVMValueRef cg_i32(struct cg *cg, uint32_t v);
bool cg_error(struct cg *cg, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
LLVMBasicBlockRef cg_block(struct cg *cg, const char *name);
LLVMValueRef cg_alloca(struct cg *cg, LLVMTypeRef t, const char *name);
/* the program's i64 for a value a helper reads right away */
LLVMValueRef cg_value_tmp(struct cg *cg);
/* Is the builder's block already terminated (after break, return...)? */
bool cg_terminated(struct cg *cg);

/* ------------------------------------------------- codegen_debug.c */
void cg_debug_init(struct cg *cg, const char *script_path);
LLVMMetadataRef cg_debug_file(struct cg *cg, const struct source_file *f);
LLVMMetadataRef cg_debug_subprogram(struct cg *cg, LLVMValueRef fn,
				    const char *name, struct src_loc loc,
				    int nparams, bool local);
void cg_debug_loc(struct cg *cg, struct src_loc loc);
LLVMMetadataRef cg_debug_map_type(struct cg *cg, int map_type,
				  uint32_t max_entries,
				  LLVMMetadataRef key, LLVMMetadataRef value);
LLVMMetadataRef cg_debug_bytes(struct cg *cg, uint32_t size);
void cg_debug_global(struct cg *cg, LLVMValueRef g, const char *name,
		     LLVMMetadataRef type);

/* -------------------------------------------------- codegen_data.c */
void cg_data_init(struct cg *cg);
bool cg_data_layout(struct cg *cg);	/* globals, maps; before code */
void cg_data_finish(struct cg *cg);	/* scratch size, literals, bss */
struct cg_global *cg_global_of(struct cg *cg, const struct symbol *sym);
LLVMValueRef cg_scratch_at(struct cg *cg, uint32_t off);
LLVMValueRef cg_rec_area(struct cg *cg);
LLVMValueRef cg_bss_at(struct cg *cg, uint32_t off);
LLVMValueRef cg_literal(struct cg *cg, const char *text);
LLVMValueRef cg_rodata(struct cg *cg, const char *name, const void *bytes,
		       uint32_t n);
/* a map of the program's own (not a script global) */
LLVMValueRef cg_new_map(struct cg *cg, const char *name, int type,
			uint32_t max_entries, uint32_t key_size,
			uint32_t value_size);
LLVMValueRef cg_new_slot(struct cg *cg);	/* a fresh string temp */
uint32_t cg_new_slot_off(struct cg *cg);
void cg_note_record(struct cg *cg, uint32_t max_bytes);
/* Packs keys (already evaluated) into the key area; returns its pointer. */
LLVMValueRef cg_build_key(struct cg *cg, struct cg_global *g,
			  struct cg_val *keys, int n);
uint32_t cg_location(struct cg *cg, struct src_loc loc, const char *token);
uint32_t cg_str(struct cg *cg, const char *s);	/* metadata strtab */
int cg_format(struct cg *cg, const char *text, int nargs, struct src_loc loc);

/* -------------------------------------------------- codegen_expr.c */
struct cg_val cg_expr(struct cg *cg, struct expr *e);
LLVMValueRef cg_cond(struct cg *cg, struct expr *e);	/* i1 */
struct cg_val cg_default(struct cg *cg, enum type_kind t);
/* Stores a value into a variable's storage (string: copy). */
void cg_store_var(struct cg *cg, struct cg_var *v, struct cg_val val);
struct cg_val cg_load_var(struct cg *cg, struct cg_var *v);
LLVMValueRef cg_var_ptr(struct cg *cg, struct cg_var *v);
struct cg_var *cg_new_var(struct cg *cg, enum type_kind t);
/* a variable for a named local or parameter (sym may be NULL: a temporary) */
struct cg_var *cg_new_sym_var(struct cg *cg, struct symbol *sym);
/* Raise a script error at loc: caught by try, else reported + abort. */
void cg_raise(struct cg *cg, int kind, struct src_loc loc, const char *token,
	      LLVMValueRef detail);
void cg_raise_if(struct cg *cg, LLVMValueRef bad, int kind,
		 struct src_loc loc, const char *token, LLVMValueRef detail);
struct cg_val cg_copy_string(struct cg *cg, LLVMValueRef src);
/* a loop's body: break goes to brk, continue to cont (codegen_stmt.c) */
void cg_loop_body(struct cg *cg, struct stmt *body, LLVMBasicBlockRef brk,
		  LLVMBasicBlockRef cont);
struct cg_var *cg_local_var(struct cg *cg, struct symbol *sym);
void cg_delete(struct cg *cg, struct expr *e);

/* -------------------------------------------------- codegen_call.c */
struct cg_val cg_call(struct cg *cg, struct expr *e);
struct cg_val cg_print(struct cg *cg, struct expr *e);
struct cg_val cg_stat(struct cg *cg, struct expr *e);
bool cg_check_function(struct cg *cg, struct elab_function *f);

/* -------------------------------------------------- codegen_stmt.c */
void cg_stmt(struct cg *cg, struct stmt *st);
void cg_return_value(struct cg *cg, struct stmt *st);
void cg_delete_all(struct cg *cg, struct cg_global *g, struct src_loc at,
		   struct expr *slice);

/* ------------------------------------------------- codegen_probe.c */
bool cg_probes(struct cg *cg);
LLVMValueRef cg_scratch_lookup(struct cg *cg);

/* ---------------------------------------------- codegen_dispatch.c */
/* 1 (sys_enter), 2 (sys_exit): a handler the dispatcher calls; 0: not */
int cg_dispatch_direction(struct cg *cg, const char *section,
			  enum probe_tier tier);
/* the N of a leading `if ($id != N) next` guard, or -1 */
long cg_dispatch_guard_key(const struct stmt *body, int dir);
void cg_dispatch_add(struct cg *cg, int dir, long key, LLVMValueRef body,
		     int probe_index, int callbacks, struct src_loc loc);
/* after every probe, with the runtime linked, before the metadata */
void cg_dispatch_finish(struct cg *cg);

/* ------------------------------------------------ codegen_ctxvar.c */
struct cg_val cg_target(struct cg *cg, struct expr *e);
LLVMValueRef cg_syscall_ctx(struct cg *cg, int i);
LLVMValueRef cg_syscall_reg(struct cg *cg, int off);

/* -------------------------------------------------- codegen_core.c */
struct cg_val cg_cast(struct cg *cg, struct expr *e);
struct cg_val cg_core_defined(struct cg *cg, struct expr *e);
/* A kernel enumerator (EXPR_NUMBER with name and enum name in str): the
 * host's value through a CO-RE relocation in kernel probes. */
LLVMValueRef cg_enum_value(struct cg *cg, struct expr *e);
struct cg_val cg_task_field(struct cg *cg, const char *const *chain,
			    int n, struct src_loc loc);
struct cg_val cg_core_chain(struct cg *cg, const char *type,
			    LLVMValueRef base, const struct component *chain,
			    int n, struct src_loc loc, bool addr_of);
bool cg_btf_int(struct cg *cg, const char *type, int *bytes,
		bool *is_signed);
/*
 * $x$ / $x$$ of a kernel value of C type `type` after a member chain: a
 * string; structs become a value token the runner formats from BTF.
 * hex: numbers in hex, as $$parms$ shows them.
 */
/* codegen_dwarf.c: appending to a string slot, for pretty printing */
void cg_append_lit(struct cg *cg, LLVMValueRef dst, const char *s);
void cg_append_long(struct cg *cg, LLVMValueRef dst, LLVMValueRef v,
		    bool hex);
/* v as a scalar the verifier lets code compute with (a typed pointer
 * from a tp_btf or fentry context is not one). */
LLVMValueRef cg_scalar(struct cg *cg, LLVMValueRef v);
struct cg_val cg_core_pretty(struct cg *cg, const char *type,
			     LLVMValueRef base, const struct component *chain,
			     int n, struct src_loc loc, bool deep, bool hex);

/* ------------------------------------------------ codegen_uprobe.c */
bool cg_uprobe_var(struct cg *cg, const struct context_var *v,
		   struct expr *e, struct cg_val *out);
bool cg_file_offset(struct cg *cg, const char *path, uint64_t addr,
		    uint64_t *off, struct src_loc loc);
bool cg_data_offset(struct cg *cg, const char *path, uint64_t addr,
		    uint64_t *off, struct src_loc loc);
LLVMValueRef cg_uprobe_reg(struct cg *cg, int pt_regs_off);
LLVMValueRef cg_uprobe_arg_reg(struct cg *cg, int i);
LLVMValueRef cg_uprobe_narrow(struct cg *cg, LLVMValueRef v, int bytes,
			      bool is_signed);
LLVMValueRef cg_uprobe_load_bias(struct cg *cg);
/* a path as the target system knows it (--sysroot stripped) */
const char *cg_uprobe_target_path(struct cg *cg, const char *path);
/* with -c/-x: return unless the target process or a descendant hit it */
void cg_uprobe_target_filter(struct cg *cg);
/* str: path's build-id in hex for the runner to check, "" when none */
uint32_t cg_uprobe_build_id(struct cg *cg, const char *path);
/* int_arg(), returnval(), user_long()...: true when rt was one of them */
bool cg_uprobe_call(struct cg *cg, const char *rt, struct expr *e,
		    struct cg_val *out);

/* ------------------------------------------------- codegen_entry.c */
/* What a process .return probe needs from its function's entry. */
struct cg_entry {
	struct elab_probe *probe;
	VEC(struct expr *) exprs;	/* @entry(x) nodes and $vars */
	VEC(uint32_t) offsets;		/* of each in the saved value */
	uint32_t size;
	const struct resolved_point *entry_point;	/* the same, not .return */
	LLVMValueRef map, zero;
};
/* NULL: rp is no process .return, or it needs nothing from the entry */
struct cg_entry *cg_entry_plan(struct cg *cg, struct elab_probe *ep,
			       const struct resolved_point *rp, int j);
void cg_entry_save(struct cg *cg, struct cg_entry *en);	/* entry body */
void cg_entry_load(struct cg *cg, struct cg_entry *en);	/* before body */
/* e's value saved at the entry: true and *out set */
bool cg_entry_value(struct cg *cg, struct expr *e, struct cg_val *out);
/* error counter blocks the entry programs may need */
int cg_entry_extra_probes(struct cg *cg);

/* ------------------------------------------------- codegen_dwarf.c */
/* $var of a process() point from DWARF: 0 not one, 1 done, -1 error */
int cg_dwarf_var(struct cg *cg, struct expr *e, struct cg_val *out);
struct cg_val cg_dwarf_cast(struct cg *cg, struct expr *e);
LLVMValueRef cg_user_read(struct cg *cg, LLVMValueRef addr, int bytes,
			  bool is_signed, bool raise, struct src_loc loc,
			  const char *what);

/* ------------------------------------------------- codegen_multi.c */
/* How many points from j on are functions of one wildcard (0: none), and
 * whether their handler can be one kprobe.multi program for all */
int cg_multi_run(struct cg *cg, struct elab_probe *ep, int j, bool *shared);
/* their function names, sorted, separated by spaces */
const char *cg_multi_symbols(struct cg *cg, struct elab_probe *ep, int j,
			     int n, int *index_of);
/* the attach cookie (the function's index) in a kprobe.multi program */
LLVMValueRef cg_multi_cookie(struct cg *cg);
/* pp() and friends in a kprobe.multi program */
bool cg_multi_call(struct cg *cg, struct expr *e, struct cg_val *out);

/* ------------------------------------------------- codegen_stack.c */
/* backtrace(), symname()...: the @runtime("bstap_stk_*") functions */
struct cg_val cg_stack_call(struct cg *cg, struct expr *e, const char *rt);

/* -------------------------------------------------- codegen_hist.c */
int cg_hist_buckets(int linear, int64_t lo, int64_t hi, int64_t step,
		    const char **err);

/* ------------------------------------------------ codegen_bucket.c */
struct cg_val cg_hist_bucket(struct cg *cg, struct expr *e); /* h[i] */
void cg_hist_foreach(struct cg *cg, struct stmt *st);	/* in @hist_*() */

/* ------------------------------------------------- codegen_regex.c */
struct cg_val cg_regex(struct cg *cg, struct expr *e);
void cg_regex_finish(struct cg *cg);	/* bstap_re; before linking */
/* matched(n), ngroups(): true when @rt is one of them (*out set) */
bool cg_regex_call(struct cg *cg, const char *rt, struct expr *e,
		   struct cg_val *out);

/* ----------------------------------------------------- bo_writer.c */
/* The metadata section's bytes (malloc'ed), or NULL. */
void *bo_write_meta(struct cg *cg, size_t *len);

#endif
