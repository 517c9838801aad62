// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel enumerators as script constants: `$map->map_type ==
 * BPF_MAP_TYPE_HASH`.
 *
 * A bare name is a script variable first, as in stap: a global, a function
 * parameter, or a local that reachable code assigns somewhere in its probe
 * or function. Only a name that would otherwise be a never-assigned local
 * (stap reads those as 0 and warns) is looked up among the enumerators of
 * the target's BTF. Then every use of it in that probe or function becomes
 * an EXPR_NUMBER with the BTF's value, `name` the enumerator and `str` its
 * enum's name; the code generator turns that into a CO-RE enum-value
 * relocation in kernel probes, so the value is the host kernel's.
 *
 * This runs after mark_reachable() (which decides `written`) and before
 * type inference, which then sees a long.
 */
#include <string.h>

#include <bpf/btf.h>

#include "btf_index.h"
#include "arena.h"
#include "diag.h"
#include "elab_internal.h"
#include "session.h"

struct enum_pass {
	struct elab_ctx *cx;
	struct btf_index *ix;
	bool tried_btf;
	/* the locals of the probe or function being rewritten that name
	 * enumerators, and what each became */
	struct symbol **syms;
	struct btf_enumerator *what;
	int n;
};

static void walk_stmt(struct enum_pass *p, struct stmt *st);

static void rewrite(struct enum_pass *p, struct expr *e)
{
	const struct rawbtf *btf = p->ix->btf;

	for (int i = 0; i < p->n; i++) {
		const struct btf_type *t;
		const char *ename;

		if (e->sym != p->syms[i])
			continue;
		t = rawbtf_type(btf, p->what[i].enum_id);
		ename = rawbtf_str(btf, t->name_off);
		e->kind = EXPR_NUMBER;
		e->num = p->what[i].value;
		e->str = p->what[i].named ? ename : NULL;
		e->sym = NULL;
		return;
	}
}

static void walk_expr(struct enum_pass *p, struct expr *e)
{
	if (!e || !elab_enter(p->cx, e->loc))
		return;
	if (e->kind == EXPR_IDENT)
		rewrite(p, e);
	walk_expr(p, e->left);
	walk_expr(p, e->right);
	walk_expr(p, e->cond);
	walk_expr(p, e->operand);
	walk_expr(p, e->base);
	for (int i = 0; i < e->args.n; i++)
		walk_expr(p, e->args.v[i]);
	for (int i = 0; i < e->chain.n; i++)
		walk_expr(p, e->chain.v[i].index);
	elab_leave(p->cx);
}

static void walk_stmt(struct enum_pass *p, struct stmt *st)
{
	if (!st || !elab_enter(p->cx, st->loc))
		return;
	for (int i = 0; i < st->stmts.n; i++)
		walk_stmt(p, st->stmts.v[i]);
	walk_expr(p, st->expr);
	walk_stmt(p, st->then_stmt);
	walk_stmt(p, st->else_stmt);
	walk_stmt(p, st->init);
	walk_expr(p, st->incr);
	walk_stmt(p, st->body);
	walk_stmt(p, st->catch_body);
	if (st->foreach) {
		walk_expr(p, st->foreach->array);
		walk_expr(p, st->foreach->limit);
		walk_stmt(p, st->foreach->body);
	}
	elab_leave(p->cx);
}

static void ambiguous(struct enum_pass *p, const struct symbol *sym,
		      const struct btf_enumerator *found, int hits)
{
	const struct rawbtf *btf = p->ix->btf;
	const char *names[2];

	for (int i = 0; i < 2; i++) {
		const struct btf_type *t = rawbtf_type(btf,
							   found[i].enum_id);
		const char *n = rawbtf_str(btf, t->name_off);

		names[i] = n && *n ? arena_printf(p->cx->a, "enum %s", n) :
				     "an anonymous enum";
	}
	diag_hint(diag_error(p->cx->s, sym->loc,
			     "'%s' names %d kernel enumerators with different values (%s: %lld, %s: %lld%s)",
			     sym->name, hits, names[0],
			     (long long)found[0].value, names[1],
			     (long long)found[1].value, hits > 2 ? ", ..." : ""),
		  "write the number, or assign '%s' first if it is meant as a variable",
		  sym->name);
}

/* Rewrites the enumerator locals of one probe or function body. */
static void pass_body(struct enum_pass *p, struct symbol_vec *locals,
		      struct stmt *body)
{
	int kept = 0;

	p->n = 0;
	p->syms = arena_alloc(p->cx->a, (locals->n + 1) * sizeof(*p->syms));
	p->what = arena_alloc(p->cx->a, (locals->n + 1) * sizeof(*p->what));
	for (int i = 0; i < locals->n; i++) {
		struct symbol *sym = locals->v[i];
		struct btf_enumerator found[2];
		int hits;

		if (sym->written || sym->is_array) {
			locals->v[kept++] = sym;
			continue;
		}
		if (!p->tried_btf) {
			p->tried_btf = true;
			p->ix = btf_vmlinux(p->cx->s);
		}
		hits = p->ix ? btf_find_enumerator(p->ix->btf, sym->name,
						   found) : 0;
		if (hits > 1)
			ambiguous(p, sym, found, hits);
		if (hits != 1) {
			locals->v[kept++] = sym;
			continue;
		}
		p->syms[p->n] = sym;
		p->what[p->n++] = found[0];
	}
	locals->n = kept;
	if (p->n)
		walk_stmt(p, body);
}

void resolve_enumerators(struct elab_ctx *cx)
{
	struct enum_pass p = { .cx = cx };

	for (int i = 0; i < cx->prog->probes.n; i++) {
		struct elab_probe *ep = cx->prog->probes.v[i];

		pass_body(&p, &ep->locals, ep->body);
	}
	for (int i = 0; i < cx->all_funcs.n; i++) {
		struct elab_function *ef = cx->all_funcs.v[i];

		if (ef->reachable && ef->decl)
			pass_body(&p, &ef->locals, ef->decl->body);
	}
}
