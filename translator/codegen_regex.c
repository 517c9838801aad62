// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `s =~ "re"` and `s !~ "re"`: each distinct pattern is compiled to a DFA
 * (regex_dfa.c) whose table goes into one .rodata array, bstap_re; the
 * generated code calls bstap_regex_match (runtime/bpf/regex_match.c) with
 * the table's offset, its row width and its start state. Both tiers run
 * the same code: the runner's interpreter reads .rodata and runs bpf_loop.
 * A pattern that matches every string (its start state is already the
 * match, as for "" or "x*") needs no walk at all.
 */
#include <string.h>

#include "codegen_internal.h"
#include "regex_diag.h"

/* The table area: at most this much, for all the program's patterns. */
#define CG_RE_MAX	(1u << 20)

struct cg_regex {
	uint32_t off;		/* in bstap_re */
	int ncls, start;
};

static struct cg_regex *table_of(struct cg *cg, struct expr *e)
{
	struct cg_regex *re;
	struct regex_dfa dfa;
	struct src_loc at = e->right ? e->right->loc : e->loc;
	size_t size;

	if (!cg->re_init) {
		strmap_init(&cg->re_of, false);
		cg->re_init = true;
	}
	re = strmap_get(&cg->re_of, e->str);
	if (re)
		return re;
	if (!regex_compile_at(cg->s, e->str, at, &dfa))
		return NULL;
	re = arena_alloc(cg->a, sizeof(*re));
	re->ncls = dfa.nclasses;
	re->start = dfa.start;
	re->off = cg->re_size;
	size = regex_table_size(&dfa);
	if (dfa.start > REGEX_MATCH && cg->re_size + size > CG_RE_MAX) {
		cg_error(cg, at, "the regular expressions of this script need more than %u bytes of DFA tables",
			 CG_RE_MAX);
		regex_dfa_free(&dfa);
		return NULL;
	}
	if (dfa.start > REGEX_MATCH) {
		uint8_t *bytes = arena_alloc(cg->a, cg->re_size + size);

		if (cg->re_size)
			memcpy(bytes, cg->re_bytes, cg->re_size);
		regex_table_write(&dfa, bytes + cg->re_size);
		cg->re_bytes = bytes;
		cg->re_size += (uint32_t)size;
	}
	regex_dfa_free(&dfa);
	strmap_put(cg->a, &cg->re_of, e->str, re);
	return re;
}

struct cg_val cg_regex(struct cg *cg, struct expr *e)
{
	struct cg_val s = cg_expr(cg, e->left);
	struct cg_regex *re = table_of(cg, e);
	LLVMValueRef m;

	if (!re)
		return (struct cg_val){ TYPE_LONG, cg_i64(cg, 0) };
	cg_debug_loc(cg, e->loc);
	if (re->start <= REGEX_MATCH) {
		m = cg_i64(cg, re->start == REGEX_MATCH);
	} else {
		LLVMValueRef args[4] = {
			s.v, cg_i64(cg, re->off), cg_i64(cg, re->ncls),
			cg_i64(cg, re->start),
		};

		m = cg_runtime(cg, "bstap_regex_match", cg->i64, args, 4);
	}
	if (cg->fn->tier != TIER_KERNEL) {
		/* the runner remembers it for matched() */
		LLVMValueRef args[3] = { s.v, cg_literal(cg, e->str), m };

		cg_helper(cg, BO_RH_REGEX_LAST, cg->i64, args, 3);
	}
	if (e->op == OP_NOMATCH)
		m = LLVMBuildXor(cg->b, m, cg_i64(cg, 1), "");
	return (struct cg_val){ TYPE_LONG, m };
}

/*
 * matched(n), matched_str() and ngroups() (tapsets/regex.stp): the runner extracts the
 * subexpressions of the last =~; a kernel probe has no such helper and
 * extracting them in BPF would need a tagged DFA per pattern, so there
 * they are refused by name.
 */
bool cg_regex_call(struct cg *cg, const char *rt, struct expr *e,
		   struct cg_val *out)
{
	bool ngroups = !strcmp(rt, "bstap_regex_ngroups");
	bool whole = !strcmp(rt, "bstap_regex_matched_str");
	LLVMValueRef args[3], rc, bad, msg;

	if (!ngroups && !whole && strcmp(rt, "bstap_regex_matched"))
		return false;
	*out = cg_default(cg, e->type);
	if (cg->fn->tier == TIER_KERNEL) {
		cg_error(cg, e->loc, "%s() reads the subexpressions of the last =~, which only the runner tier extracts: call it in a begin, end, error or timer probe",
			 e->name);
		return true;
	}
	if (ngroups) {
		args[0] = cg_i64(cg, 0);
		args[1] = LLVMConstNull(cg->ptr);
		args[2] = cg_i64(cg, 0);
	} else {
		args[0] = whole ? cg_i64(cg, 0) : cg_expr(cg, e->args.v[0]).v;
		args[1] = cg_new_slot(cg);
		args[2] = cg_i64(cg, cg->msl);
	}
	rc = cg_helper(cg, BO_RH_REGEX_GROUP, cg->i64, args, 3);
	msg = LLVMBuildSelect(cg->b,
		LLVMBuildICmp(cg->b, LLVMIntEQ, rc,
			      cg_i64(cg, BO_REGEX_E_NOMATCH), ""),
		cg_literal(cg, "the last =~ did not match"),
		LLVMBuildSelect(cg->b,
			LLVMBuildICmp(cg->b, LLVMIntEQ, rc,
				      cg_i64(cg, BO_REGEX_E_GROUP), ""),
			cg_literal(cg, "the last =~ has no such subexpression"),
			cg_literal(cg, "the subexpressions of the last =~ take too long to find"),
			""), "");
	bad = LLVMBuildICmp(cg->b, LLVMIntSLT, rc, cg_i64(cg, -1), "");
	cg_raise_if(cg, bad, BO_ERR_USER_ERROR, e->loc,
		    arena_printf(cg->a, "identifier '%s'", e->name), msg);
	*out = ngroups ? (struct cg_val){ TYPE_LONG, rc } :
			 (struct cg_val){ TYPE_STRING, args[1] };
	return true;
}

/*
 * bstap_re, padded to a power of two so one mask bounds every read, and
 * bstap_cfg_re_mask, which the runtime references even when no pattern
 * is used (the linker then needs a definition to make internal).
 */
void cg_regex_finish(struct cg *cg)
{
	uint32_t n = 512, mask;
	LLVMValueRef cfg;
	uint8_t *bytes;

	while (n < cg->re_size)
		n *= 2;
	mask = cg->re_size ? n - 1 : 0;
	cfg = LLVMAddGlobal(cg->mod, cg->i32, "bstap_cfg_re_mask");
	LLVMSetInitializer(cfg, cg_i32(cg, mask));
	LLVMSetGlobalConstant(cfg, true);
	if (!cg->re_size)
		return;
	bytes = arena_alloc(cg->a, n);
	memset(bytes, 0, n);
	memcpy(bytes, cg->re_bytes, cg->re_size);
	cg_rodata(cg, "bstap_re", bytes, n);
}
