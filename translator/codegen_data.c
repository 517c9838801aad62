// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data model (DESIGN.md): maps, global data, scratch memory, literals,
 * and the metadata tables that describe them to the runner.
 *
 * Scratch is one per-CPU array value, looked up once at the start of every
 * program:
 *
 *	[busy][key area][value area][zero area][sink][slots...][records]
 *
 * The busy word guards against a second program on the same CPU (an NMI,
 * a preempting task) overwriting the first one's strings: it is skipped
 * and counted instead. The key area packs array keys (a string column is MAXSTRINGLEN bytes,
 * zero padded, so equal strings hash equally), the zero area stays zero
 * (fresh aggregates, key padding), the sink takes strlen's throwaway
 * copies, each string temporary or string local
 * gets a slot, and records are built in the record area. Only the record
 * area's offset depends on how many slots the program needs, so it is a
 * constant (bstap_cfg_rec_off) filled in at the end and folded by the
 * optimizer.
 */
#include <stdio.h>
#include <string.h>

#include "codegen_internal.h"
#include "diag.h"

enum {
	MAP_HASH = 1, MAP_ARRAY = 2, MAP_PERCPU_HASH = 5, MAP_PERCPU_ARRAY = 6,
	MAP_LRU_HASH = 9, MAP_LRU_PERCPU_HASH = 10, MAP_RINGBUF = 27,
};

static LLVMValueRef map_global(struct cg *cg, const char *name, int type,
			       uint32_t max_entries, uint32_t key_size,
			       uint32_t value_size)
{
	LLVMTypeRef fields[4] = { cg->ptr, cg->ptr, cg->ptr, cg->ptr };
	LLVMTypeRef sty = LLVMStructTypeInContext(cg->ctx, fields,
						  key_size ? 4 : 2, false);
	LLVMValueRef g = LLVMAddGlobal(cg->mod, sty, name);
	LLVMMetadataRef key = NULL, value = NULL;

	LLVMSetInitializer(g, LLVMConstNull(sty));
	LLVMSetSection(g, ".maps");
	LLVMSetAlignment(g, 8);
	if (key_size) {
		key = key_size == 4 ? cg->di_uint : cg_debug_bytes(cg, key_size);
		value = value_size == 8 ? cg->di_long :
					  cg_debug_bytes(cg, value_size);
	}
	cg_debug_global(cg, g, name,
			cg_debug_map_type(cg, type, max_entries, key, value));
	return g;
}

LLVMValueRef cg_new_map(struct cg *cg, const char *name, int type,
			uint32_t max_entries, uint32_t key_size,
			uint32_t value_size)
{
	return map_global(cg, name, type, max_entries, key_size, value_size);
}

static LLVMValueRef config(struct cg *cg, const char *name, uint32_t v)
{
	LLVMValueRef g = LLVMAddGlobal(cg->mod, cg->i32, name);

	LLVMSetInitializer(g, cg_i32(cg, v));
	LLVMSetGlobalConstant(g, true);
	return g;
}

void cg_data_init(struct cg *cg)
{
	cg->cfg_msl = config(cg, "bstap_cfg_msl", cg->msl);
	cg->cfg_str_mask = config(cg, "bstap_cfg_str_mask", cg->str_mask);
	cg->cfg_rec_mask = config(cg, "bstap_cfg_rec_mask", 0);
	cg->cfg_rec_off = config(cg, "bstap_cfg_rec_off", 0);
	cg->cfg_sink_off = config(cg, "bstap_cfg_sink_off", 0);
	strmap_init(&cg->loc_of, false);
	vec_push(cg->a, &cg->strtab_bytes, '\0');
	cg->lits = LLVMAddGlobal(cg->mod, cg->i8, "bstap_lits_placeholder");
	LLVMSetLinkage(cg->lits, LLVMExternalLinkage);
}

/* ------------------------------------------------------ aggregates */

struct stats_use {
	struct cg *cg;
	bool ok;
};

static struct symbol *stats_sym(const struct expr *op)
{
	if (!op)
		return NULL;
	if (op->kind == EXPR_IDENT || op->kind == EXPR_INDEX)
		return op->sym;
	return NULL;
}

static struct cg_stats *stats_of(struct cg *cg, struct symbol *sym)
{
	struct cg_global *g = cg_global_of(cg, sym);

	return g ? g->stats : NULL;
}

static bool hist_arg(struct cg *cg, const struct expr *e, int i, int64_t *out)
{
	const struct expr *a = i < e->args.n ? e->args.v[i] : NULL;

	if (!a || a->kind != EXPR_NUMBER)
		return cg_error(cg, a ? a->loc : e->loc,
				"@hist_linear needs literal numbers for its low, high and step");
	*out = a->num;
	return true;
}

static void note_hist(struct cg *cg, struct expr *e)
{
	struct cg_stats *st = stats_of(cg, stats_sym(e->operand));
	const char *err = NULL;
	int nb;
	int kind = e->hist == HIST_LOG ? BO_HIST_LOG : BO_HIST_LINEAR;
	int64_t lo = 0, hi = 0, step = 0;

	if (!st)
		return;
	if (kind == BO_HIST_LINEAR) {
		if (!hist_arg(cg, e, 0, &lo) || !hist_arg(cg, e, 1, &hi) ||
		    !hist_arg(cg, e, 2, &step))
			return;
	}
	nb = cg_hist_buckets(kind == BO_HIST_LINEAR, lo, hi, step, &err);
	if (nb < 0) {
		cg_error(cg, e->loc, "%s", err ? err : "bad @hist_linear");
		return;
	}
	if (st->hist_kind && (st->hist_kind != kind || st->lo != lo ||
			      st->hi != hi || st->step != step)) {
		diag_note(diag_error(cg->s, e->loc,
				     "an aggregate can keep one kind of histogram"),
			  st->hist_loc, "the other one is used here");
		return;
	}
	st->hist_kind = kind;
	st->lo = lo;
	st->hi = hi;
	st->step = step;
	st->nbuckets = nb;
	st->hist_loc = e->loc;
}

static void note_stat(struct cg *cg, struct expr *e)
{
	struct cg_stats *st = stats_of(cg, stats_sym(e->operand));

	if (st && e->stat == STAT_VARIANCE && e->args.n && e->args.v[0]) {
		if (e->args.v[0]->kind != EXPR_NUMBER ||
		    e->args.v[0]->num < 0 || e->args.v[0]->num > 62) {
			cg_error(cg, e->loc,
				 "@variance's bit shift must be a literal number from 0 to 62");
			return;
		}
		st->shift = (int)e->args.v[0]->num;
	}
}

static void walk_stmt(struct cg *cg, struct stmt *st);

static void walk_expr(struct cg *cg, struct expr *e)
{
	if (!e)
		return;
	if (e->kind == EXPR_HIST)
		note_hist(cg, e);
	if (e->kind == EXPR_STAT)
		note_stat(cg, e);
	walk_expr(cg, e->left);
	walk_expr(cg, e->right);
	walk_expr(cg, e->cond);
	walk_expr(cg, e->operand);
	walk_expr(cg, e->base);
	for (int i = 0; i < e->args.n; i++)
		walk_expr(cg, e->args.v[i]);
	for (int i = 0; i < e->chain.n; i++)
		walk_expr(cg, e->chain.v[i].index);
}

static void walk_stmt(struct cg *cg, struct stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->stmts.n; i++)
		walk_stmt(cg, st->stmts.v[i]);
	walk_expr(cg, st->expr);
	walk_stmt(cg, st->then_stmt);
	walk_stmt(cg, st->else_stmt);
	walk_stmt(cg, st->init);
	walk_expr(cg, st->incr);
	walk_stmt(cg, st->body);
	walk_stmt(cg, st->catch_body);
	if (st->foreach) {
		walk_expr(cg, st->foreach->array);
		walk_expr(cg, st->foreach->limit);
		walk_stmt(cg, st->foreach->body);
	}
}

static void stats_layouts(struct cg *cg)
{
	for (int i = 0; i < cg->p->probes.n; i++)
		walk_stmt(cg, cg->p->probes.v[i]->body);
	for (int i = 0; i < cg->p->functions.n; i++)
		walk_stmt(cg, cg->p->functions.v[i]->decl->body);
	for (int i = 0; i < cg->stats.n; i++) {
		struct cg_stats *st = cg->stats.v[i];

		st->record_size = 7 * 8 + (uint32_t)st->nbuckets * 8;
		st->index = i;
	}
}

/* --------------------------------------------------------- globals */

struct cg_global *cg_global_of(struct cg *cg, const struct symbol *sym)
{
	return sym ? strmap_get(&cg->global_of, sym) : NULL;
}

static uint32_t type_bytes(struct cg *cg, enum type_kind t)
{
	return t == TYPE_STRING ? cg->msl : 8;
}

static void layout_keys(struct cg *cg, struct cg_global *g)
{
	struct symbol *sym = g->sym;
	uint32_t off = 0;

	for (int i = 0; i < sym->key_types.n && i < BO_MAX_KEYS; i++) {
		g->key_off[i] = off;
		off += type_bytes(cg, sym->key_types.v[i]);
	}
	/* exactly the columns: the runner derives string widths from it */
	g->key_size = sym->key_types.n ? off : 4;
}

static const char *map_name(struct cg *cg, int index, const char *name)
{
	char buf[16];
	int j = 0;

	snprintf(buf, sizeof(buf), "g_%d_", index);
	j = (int)strlen(buf);
	for (; *name && j < 15; name++)
		buf[j++] = (*name == '.' ? '_' : *name);
	buf[j] = 0;
	return arena_strdup(cg->a, buf);
}

static void layout_map(struct cg *cg, struct cg_global *g)
{
	struct symbol *sym = g->sym;
	bool stats = sym->type == TYPE_STATS;
	bool wrap = sym->global && sym->global->wrap;
	int type;

	layout_keys(cg, g);
	if (stats) {
		g->stats = arena_new(cg->a, struct cg_stats);
		memset(g->stats, 0, sizeof(*g->stats));
		vec_push(cg->a, &cg->stats, g->stats);
	}
	g->max_entries = sym->global && sym->global->size > 0 ?
				 (uint32_t)sym->global->size :
				 cg->maxmapentries;
	if (!sym->is_array) {
		g->max_entries = 1;
		type = MAP_PERCPU_ARRAY;
	} else if (stats) {
		type = wrap ? MAP_LRU_PERCPU_HASH : MAP_PERCPU_HASH;
	} else {
		type = wrap ? MAP_LRU_HASH : MAP_HASH;
	}
	g->map_name = map_name(cg, g->index, sym->name);
	g->value_size = sym->type == TYPE_STRING ? cg->slot_size : 8;
	g->map_type = type;
}

static void create_map(struct cg *cg, struct cg_global *g)
{
	if (g->stats)
		g->value_size = g->stats->record_size;
	g->map = map_global(cg, g->map_name, g->map_type, g->max_entries,
			    g->key_size, g->value_size);
}

static void max_into(uint32_t *dst, uint32_t v)
{
	if (v > *dst)
		*dst = v;
}

static void layout_scratch(struct cg *cg)
{
	uint32_t keys = 8, values = cg->slot_size, zero = cg->slot_size;

	for (int i = 0; i < cg->globals.n; i++) {
		struct cg_global *g = cg->globals.v[i];

		if (!g->map)
			continue;
		max_into(&keys, g->key_size);
		max_into(&values, g->value_size);
		max_into(&zero, g->value_size);
		max_into(&zero, g->key_size);
	}
	/* the first word says a program of this CPU is running */
	cg->key_area = 8;
	cg->key_area_size = (keys + 7) & ~7u;
	cg->value_area = cg->key_area + cg->key_area_size;
	cg->value_area_size = (values + 7) & ~7u;
	cg->zero_area = cg->value_area + cg->value_area_size;
	cg->zero_area_size = (zero + 7) & ~7u;
	cg->sink_area = cg->zero_area + cg->zero_area_size;
	cg->slot_area = cg->sink_area + cg->slot_size;
	LLVMSetInitializer(cg->cfg_sink_off, cg_i32(cg, cg->sink_area));
}

static void bss_global(struct cg *cg)
{
	LLVMTypeRef t = LLVMArrayType(cg->i8, cg->bss_size);

	cg->bss = LLVMAddGlobal(cg->mod, t, "bstap_bss");
	LLVMSetInitializer(cg->bss, LLVMConstNull(t));
	LLVMSetSection(cg->bss, ".bss");
	LLVMSetAlignment(cg->bss, 8);
	cg_debug_global(cg, cg->bss, "bstap_bss",
			cg_debug_bytes(cg, cg->bss_size));
}

/* Scalars the runner writes (bo_format.h), in the hidden .bss slots. */
static void hidden_global(struct cg *cg, const char *name, uint32_t offset)
{
	struct symbol *sym = arena_new(cg->a, struct symbol);
	struct cg_global *g = arena_new(cg->a, struct cg_global);

	memset(sym, 0, sizeof(*sym));
	memset(g, 0, sizeof(*g));
	sym->kind = SYM_GLOBAL;
	sym->name = name;
	sym->type = TYPE_LONG;
	sym->read = true;
	g->sym = sym;
	g->index = cg->globals.n;
	g->offset = offset;
	g->value_size = 8;
	vec_push(cg->a, &cg->globals, g);
}

bool cg_data_layout(struct cg *cg)
{
	uint32_t bss = CG_BSS_HIDDEN;
	uint32_t nprobes = 0;

	for (int i = 0; i < cg->p->globals.n; i++) {
		struct symbol *sym = cg->p->globals.v[i];
		struct cg_global *g = arena_new(cg->a, struct cg_global);

		memset(g, 0, sizeof(*g));
		g->sym = sym;
		g->index = i;
		if (sym->is_array && sym->key_types.n > BO_MAX_KEYS)
			cg_error(cg, sym->loc, "array '%s' has more than %d index columns",
				 sym->name, BO_MAX_KEYS);
		if (sym->is_array || sym->type == TYPE_STATS) {
			layout_map(cg, g);
		} else {
			g->offset = bss;
			g->value_size = sym->type == TYPE_STRING ?
						cg->slot_size : 8;
			bss += g->value_size;
		}
		vec_push(cg->a, &cg->globals, g);
		strmap_put(cg->a, &cg->global_of, sym, g);
	}
	hidden_global(cg, BO_GLOBAL_TARGET, 0);
	hidden_global(cg, BO_GLOBAL_REALTIME, 8);
	hidden_global(cg, BO_GLOBAL_STOPPING, CG_BSS_STOPPING);
	stats_layouts(cg);
	for (int i = 0; i < cg->globals.n; i++)
		if (cg->globals.v[i]->map_name)
			create_map(cg, cg->globals.v[i]);
	cg->bss_size = bss;
	bss_global(cg);
	for (int i = 0; i < cg->p->probes.n; i++)
		nprobes += (uint32_t)cg->p->probes.v[i]->points.n;
	nprobes += (uint32_t)cg_entry_extra_probes(cg);
	cg->map_rb = map_global(cg, BO_MAP_RINGBUF, MAP_RINGBUF,
				cg->ringbuf_size, 0, 0);
	cg->map_err = map_global(cg, BO_MAP_ERRORS, MAP_PERCPU_ARRAY,
				 (nprobes ? nprobes : 1) * BO_ERR_KIND_COUNT,
				 4, 8);
	layout_scratch(cg);
	return !diag_error_count(cg->s);
}

/* ------------------------------------------------------- literals */

LLVMValueRef cg_literal(struct cg *cg, const char *text)
{
	uintptr_t off = (uintptr_t)strmap_get(&cg->lit_of, text);
	LLVMValueRef idx;

	if (!off) {
		size_t n = strlen(text);

		if (n > cg->msl - 1)
			n = cg->msl - 1;
		off = (uintptr_t)cg->lit_bytes.n + 1;
		for (size_t i = 0; i < n; i++)
			vec_push(cg->a, &cg->lit_bytes, text[i]);
		vec_push(cg->a, &cg->lit_bytes, '\0');
		strmap_put(cg->a, &cg->lit_of, text, (void *)off);
	}
	idx = cg_i64(cg, (int64_t)off - 1);
	return LLVMBuildGEP2(cg->b, cg->i8, cg->lits, &idx, 1, "lit");
}

/* A constant byte array in .rodata, described in BTF. */
LLVMValueRef cg_rodata(struct cg *cg, const char *name, const void *bytes,
		       uint32_t n)
{
	LLVMValueRef init, g;

	init = LLVMConstStringInContext(cg->ctx, bytes, n, true);
	g = LLVMAddGlobal(cg->mod, LLVMTypeOf(init), name);
	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, true);
	LLVMSetSection(g, ".rodata");
	LLVMSetAlignment(g, 8);
	cg_debug_global(cg, g, name, cg_debug_bytes(cg, n));
	return g;
}

/* The blob ends with room for a masked read past any literal's end. */
static void literals_finish(struct cg *cg)
{
	uint32_t n = (uint32_t)cg->lit_bytes.n + cg->str_mask + 1;
	char *bytes = arena_alloc(cg->a, n);
	LLVMValueRef g;

	memset(bytes, 0, n);
	if (cg->lit_bytes.n)
		memcpy(bytes, cg->lit_bytes.v, (size_t)cg->lit_bytes.n);
	g = cg_rodata(cg, "bstap_str", bytes, n);
	LLVMReplaceAllUsesWith(cg->lits, g);
	LLVMDeleteGlobal(cg->lits);
	cg->lits = g;
}

/* -------------------------------------------------------- scratch */

LLVMValueRef cg_scratch_at(struct cg *cg, uint32_t off)
{
	LLVMValueRef idx = cg_i64(cg, off);

	return LLVMBuildGEP2(cg->b, cg->i8, cg->fn->scratch, &idx, 1, "");
}

LLVMValueRef cg_rec_area(struct cg *cg)
{
	LLVMValueRef off = LLVMBuildLoad2(cg->b, cg->i32, cg->cfg_rec_off, "");

	off = LLVMBuildZExt(cg->b, off, cg->i64, "");
	return LLVMBuildGEP2(cg->b, cg->i8, cg->fn->scratch, &off, 1, "rec");
}

LLVMValueRef cg_bss_at(struct cg *cg, uint32_t off)
{
	LLVMValueRef idx = cg_i64(cg, off);

	return LLVMBuildGEP2(cg->b, cg->i8, cg->bss, &idx, 1, "");
}

uint32_t cg_new_slot_off(struct cg *cg)
{
	int i = cg->fn->slot_next++;

	if (cg->fn->slot_next > cg->max_slots)
		cg->max_slots = cg->fn->slot_next;
	return cg->slot_area + (uint32_t)i * cg->slot_size;
}

LLVMValueRef cg_new_slot(struct cg *cg)
{
	return cg_scratch_at(cg, cg_new_slot_off(cg));
}

void cg_note_record(struct cg *cg, uint32_t max_bytes)
{
	max_into(&cg->max_record, max_bytes);
}

static uint32_t pow2_above(uint32_t v)
{
	uint32_t p = 64;

	while (p <= v)
		p <<= 1;
	return p;
}

void cg_data_finish(struct cg *cg)
{
	/* above every record: offsets masked with rec_cap - 1 stay exact */
	uint32_t rec_cap = pow2_above(cg->max_record > cg->msl + 8 ?
				      cg->max_record + 8 : cg->msl + 16);
	uint32_t rec_off = cg->slot_area + (uint32_t)cg->max_slots *
					   cg->slot_size;
	uint32_t size = rec_off + rec_cap + ((cg->msl + 8 + 7) & ~7u);
	struct src_loc none = { 0 };

	/* the last slot may be read masked past its end: the record area
	 * behind it is at least str_mask + 1 long */
	LLVMSetInitializer(cg->cfg_rec_off, cg_i32(cg, rec_off));
	LLVMSetInitializer(cg->cfg_rec_mask, cg_i32(cg, rec_cap - 1));
	if (size > CG_SCRATCH_MAX)
		diag_hint(diag_error(cg->s, none,
				     "the script needs %u bytes of per-CPU scratch memory for its strings and records; at most %u fit",
				     size, CG_SCRATCH_MAX),
			  "use fewer string temporaries, or a smaller -D MAXSTRINGLEN (now %u)",
			  cg->msl);
	cg->map_scr = map_global(cg, BO_MAP_SCRATCH, MAP_PERCPU_ARRAY, 1, 4,
				 size);
	/* programs looked the scratch map up through a placeholder */
	LLVMValueRef ph = LLVMGetNamedGlobal(cg->mod, "bstap_scr_placeholder");
	if (ph) {
		LLVMReplaceAllUsesWith(ph, cg->map_scr);
		LLVMDeleteGlobal(ph);
	}
	literals_finish(cg);
}

/* ------------------------------------------------------------ keys */

/*
 * Keys of longs only go on the stack: the common counting probe then needs
 * no scratch at all, and its program skips the scratch lookup. A key is
 * built from values already computed and read by the next helper, as the
 * scratch key area is: one per size serves the whole program.
 */
static LLVMValueRef stack_key(struct cg *cg, struct cg_global *g,
			      struct cg_val *keys, int n)
{
	uint32_t words = (g->key_size + 7) / 8;
	LLVMValueRef key;

	if (words < 1 || words > 8)
		words = words < 1 ? 1 : 8;
	key = cg->fn->stack_keys[words - 1];
	if (!key) {
		key = cg_alloca(cg, LLVMArrayType(cg->i64, words), "key");
		cg->fn->stack_keys[words - 1] = key;
	}
	for (int i = 0; i < n; i++) {
		LLVMValueRef idx = cg_i64(cg, g->key_off[i]);

		LLVMBuildStore(cg->b, keys[i].v,
			       LLVMBuildGEP2(cg->b, cg->i8, key, &idx, 1, ""));
	}
	return key;
}

LLVMValueRef cg_build_key(struct cg *cg, struct cg_global *g,
			  struct cg_val *keys, int n)
{
	LLVMValueRef key = cg_scratch_at(cg, cg->key_area);
	bool strings = false;

	if (!g->sym->is_array) {
		LLVMBuildStore(cg->b, cg_i64(cg, 0), key);
		return key;
	}
	for (int i = 0; i < n; i++)
		strings |= keys[i].type == TYPE_STRING;
	if (!strings && g->key_size <= 64)
		return stack_key(cg, g, keys, n);
	if (strings) {
		LLVMValueRef args[3] = {
			key, cg_i32(cg, g->key_size),
			cg_scratch_at(cg, cg->zero_area)
		};
		cg_helper(cg, 113 /* probe_read_kernel */, cg->i64, args, 3);
	} else if (g->key_size > 8 * (uint32_t)n) {
		LLVMBuildStore(cg->b, cg_i64(cg, 0),
			       cg_scratch_at(cg, cg->key_area +
						 g->key_size - 8));
	}
	for (int i = 0; i < n; i++) {
		LLVMValueRef at = cg_scratch_at(cg, cg->key_area +
						    g->key_off[i]);

		if (keys[i].type == TYPE_STRING) {
			LLVMValueRef args[2] = { at, keys[i].v };

			cg_runtime(cg, "bstap_strcpy", cg->i64, args, 2);
		} else {
			LLVMValueRef st = LLVMBuildStore(cg->b, keys[i].v, at);

			LLVMSetAlignment(st, g->key_off[i] % 8 ? 1 : 8);
		}
	}
	return key;
}

/* ------------------------------------------------------- metadata */

uint32_t cg_str(struct cg *cg, const char *s)
{
	uintptr_t off;

	if (!s || !*s)
		return 0;
	off = (uintptr_t)strmap_get(&cg->strtab, s);
	if (off)
		return (uint32_t)(off - 1);
	off = (uintptr_t)cg->strtab_bytes.n;
	for (const char *p = s; *p; p++)
		vec_push(cg->a, &cg->strtab_bytes, *p);
	vec_push(cg->a, &cg->strtab_bytes, '\0');
	strmap_put(cg->a, &cg->strtab, arena_strdup(cg->a, s),
		   (void *)(off + 1));
	return (uint32_t)off;
}

uint32_t cg_location(struct cg *cg, struct src_loc loc, const char *token)
{
	struct bo_location l;
	const char *key = arena_printf(cg->a, "loc:%p:%d:%d:%s",
				       (const void *)loc.file, loc.line,
				       loc.col, token ? token : "");
	uintptr_t idx = (uintptr_t)strmap_get(&cg->loc_of, key);

	if (idx)
		return (uint32_t)(idx - 1);
	l.file = cg_str(cg, loc.file ? loc.file->name : "<input>");
	l.line = (uint32_t)(loc.line > 0 ? loc.line : 0);
	l.column = (uint32_t)(loc.col > 0 ? loc.col : 0);
	l.token = cg_str(cg, token);
	vec_push(cg->a, &cg->locations, l);
	strmap_put(cg->a, &cg->loc_of, key,
		   (void *)(uintptr_t)cg->locations.n);
	return (uint32_t)cg->locations.n - 1;
}

int cg_format(struct cg *cg, const char *text, int nargs, struct src_loc loc)
{
	struct bo_format f;

	for (int i = 0; i < cg->formats.n; i++)
		if (cg->formats.v[i].nargs == (uint32_t)nargs &&
		    !strcmp((const char *)cg->strtab_bytes.v +
				    cg->formats.v[i].text, text))
			return i;
	f.text = cg_str(cg, text);
	f.nargs = (uint32_t)nargs;
	f.location = cg_location(cg, loc, NULL);
	f.reserved = 0;
	vec_push(cg->a, &cg->formats, f);
	return cg->formats.n - 1;
}
