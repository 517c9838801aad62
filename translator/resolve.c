// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pass 2: bind names to symbols, calls to functions, $vars to the context
 * variables of the probe's points; then find what is reachable.
 *
 * Name lookup follows SystemTap: a name is a parameter or local of the
 * enclosing function or probe, else a global (the script's, then the
 * tapsets'), else assigning to it makes a new local. Arrays and statistics
 * must be globals. Tapset functions and globals are pulled in lazily, the
 * first time a reachable name needs them; function bodies are resolved from
 * a worklist rather than recursively, so a long call chain cannot exhaust
 * the stack.
 *
 * @defined and @choose_defined are decided here, and constant conditions
 * folded, because tapsets rely on `@defined($x) ? $x : 0` not reporting an
 * unknown $x in the branch that is dropped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "ast_walk.h"
#include "btf_index.h"
#include "diag.h"
#include "dwarf_loc.h"
#include "elab_internal.h"
#include "session.h"

struct scope {
	struct elab_ctx *cx;
	struct strmap *names;
	struct symbol_vec *locals;
	struct elab_probe *probe;	/* NULL in a function */
	struct elab_function *func;	/* NULL in a probe */
	int loops;
	bool cond_only;			/* a probe condition: globals only */
};

static void resolve_expr(struct scope *sc, struct expr *e);
static void resolve_stmt(struct scope *sc, struct stmt *st);

bool elab_enter(struct elab_ctx *cx, struct src_loc loc)
{
	if (cx->depth >= ELAB_MAX_DEPTH) {
		if (!cx->depth_reported)
			diag_hint(diag_error(cx->s, loc,
					     "expression or statement nested too deeply"),
				  "split it into smaller pieces");
		cx->depth_reported = true;
		return false;
	}
	cx->depth++;
	return true;
}

void elab_leave(struct elab_ctx *cx)
{
	cx->depth--;
}

/* ------------------------------------------------------------- globals */

static struct symbol *global_symbol(struct elab_ctx *cx, struct global_decl *gd)
{
	struct symbol *sym = strmap_get(&cx->global_syms, gd);

	if (sym)
		return sym;
	sym = arena_new(cx->a, struct symbol);
	sym->kind = SYM_GLOBAL;
	sym->name = gd->name;
	sym->loc = gd->loc;
	sym->global = gd;
	sym->order = tapset_decl_order(cx->s, gd);
	if (gd->is_array) {
		sym->is_array = true;
		sym->shape_known = true;
		sym->array_loc = gd->loc;
	}
	if (gd->init) {
		sym->type = gd->init->kind == EXPR_STRING ? TYPE_STRING :
							   TYPE_LONG;
		sym->type_loc = gd->init->loc;
		gd->init->type = sym->type;
		sym->shape_known = true;
		sym->array_loc = gd->loc;
	}
	strmap_put(cx->a, &cx->global_syms, gd, sym);
	vec_push(cx->a, &cx->all_globals, sym);
	return sym;
}

/* Own file's (private) globals, then the script's, then the tapsets'. */
static struct symbol *find_global(struct elab_ctx *cx, const char *name,
				  const struct source_file *from)
{
	struct global_decl *gd = NULL;

	if (from && from->is_tapset) {
		gd = tapset_global(cx->s, name, from);
		if (gd && gd->file != from)
			gd = NULL;
	}
	if (!gd) {
		gd = strmap_get(&cx->user_globals, name);
		if (gd && gd->is_private && gd->file != from)
			gd = NULL;
	}
	if (!gd)
		gd = tapset_global(cx->s, name, from);
	return gd ? global_symbol(cx, gd) : NULL;
}

static void global_names(struct elab_ctx *cx, struct name_vec *out)
{
	struct strmap *m = &cx->user_globals;

	for (int i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			vec_push(cx->a, out, m->slots[i].key);
}

/* ---------------------------------------------------------- functions */

/* The script's own function name/arity visible from `from`, or NULL. */
static struct function_decl *user_function(struct elab_ctx *cx,
					   const char *name, int arity,
					   const struct source_file *from)
{
	for (struct function_decl *fd = strmap_get(&cx->user_functions, name);
	     fd; fd = fd->overload)
		if ((arity < 0 || fd->params.n == arity) &&
		    (!fd->is_private || fd->file == from))
			return fd;
	return NULL;
}

struct function_decl *lookup_function(struct elab_ctx *cx, const char *name,
				      int arity,
				      const struct source_file *from)
{
	struct function_decl *fd, *lib = NULL;

	/* tapset code sees its own file's functions first */
	if (from && from->is_tapset) {
		lib = tapset_function(cx->s, name, arity, from);
		if (lib && lib->file == from)
			return lib;
	}
	fd = user_function(cx, name, arity, from);
	if (fd)
		return fd;
	return lib ? lib : tapset_function(cx->s, name, arity, from);
}

static int add_overload(struct elab_ctx *cx, const char *name, int arity,
			const struct source_file *from,
			struct function_decl **out, int n, int max)
{
	for (int i = 0; i < n && i < max; i++)
		if (out[i]->params.n == arity)
			return n;
	if (n < max)
		out[n] = lookup_function(cx, name, arity, from);
	return n + 1;
}

int function_overloads(struct elab_ctx *cx, const char *name,
		       const struct source_file *from,
		       struct function_decl **out, int max)
{
	struct function_decl *lib[16];
	int nlib = tapset_functions_named(cx->s, name, from, lib, 16), n = 0;

	for (struct function_decl *fd = strmap_get(&cx->user_functions, name);
	     fd; fd = fd->overload)
		if (!fd->is_private || fd->file == from)
			n = add_overload(cx, name, fd->params.n, from, out, n,
					 max);
	for (int i = 0; i < nlib && i < 16; i++)
		n = add_overload(cx, name, lib[i]->params.n, from, out, n, max);
	return n;
}

void function_names(struct elab_ctx *cx, struct name_vec *out)
{
	struct strmap *maps[2] = { &cx->user_functions,
				   &cx->s->tapsets->functions };

	for (int k = 0; k < 2; k++)
		for (int i = 0; i < maps[k]->cap; i++)
			if (maps[k]->slots[i].key)
				vec_push(cx->a, out, maps[k]->slots[i].key);
}

static struct symbol *new_symbol(struct elab_ctx *cx, enum symbol_kind kind,
				 const char *name, struct src_loc loc)
{
	struct symbol *sym = arena_new(cx->a, struct symbol);

	sym->kind = kind;
	sym->name = name;
	sym->loc = loc;
	return sym;
}

struct elab_function *elab_function_of(struct elab_ctx *cx,
				       struct function_decl *fd)
{
	struct elab_function *ef = strmap_get(&cx->efuncs, fd);

	if (ef)
		return ef;
	ef = arena_new(cx->a, struct elab_function);
	ef->decl = fd;
	ef->order = tapset_decl_order(cx->s, fd);
	if (fd->type_declared)
		ef->type_loc = fd->loc;
	strmap_init(&ef->scope, false);
	for (int i = 0; i < fd->params.n; i++) {
		struct param_decl *p = &fd->params.v[i];
		struct symbol *sym = new_symbol(cx, SYM_PARAM, p->name, p->loc);
		struct symbol *old = p->name ? strmap_get(&ef->scope, p->name) :
					       NULL;

		sym->param_index = i;
		sym->shape_known = true;
		if (p->type_declared && p->type != TYPE_UNKNOWN) {
			sym->type = p->type;
			sym->type_loc = p->loc;
		}
		if (old)
			diag_note(diag_error(cx->s, p->loc,
					     "parameter '%s' of function '%s' is declared twice",
					     p->name, fd->name),
				  old->loc, "first declared here");
		else if (p->name)
			strmap_put(cx->a, &ef->scope, p->name, sym);
		vec_push(cx->a, &ef->params, sym);
	}
	strmap_put(cx->a, &cx->efuncs, fd, ef);
	vec_push(cx->a, &cx->all_funcs, ef);
	return ef;
}

static void resolve_function_body(struct elab_ctx *cx,
				  struct elab_function *ef)
{
	struct scope sc = {
		.cx = cx, .names = &ef->scope, .locals = &ef->locals,
		.func = ef,
	};

	if (ef->resolved)
		return;
	ef->resolved = true;
	if (ef->decl->body)
		resolve_stmt(&sc, ef->decl->body);
}

/* Functions found while resolving, resolved afterwards (no recursion). */
static void drain_functions(struct elab_ctx *cx)
{
	for (int i = 0; i < cx->all_funcs.n; i++)
		resolve_function_body(cx, cx->all_funcs.v[i]);
}

static void unknown_function(struct scope *sc, struct expr *e)
{
	struct elab_ctx *cx = sc->cx;
	struct name_vec names = { 0 };
	const char *best;
	struct diag *d;

	d = diag_error(cx->s, e->loc, "unknown function '%s'", e->name);
	function_names(cx, &names);
	best = diag_closest(e->name, names.v, names.n);
	if (best)
		diag_hint(d, "did you mean '%s'?", best);
	else
		diag_hint(d, "define it with 'function %s(...) { ... }', or add the tapset directory that has it with -I",
			  e->name);
}

/*
 * No function of the call's name takes its number of arguments: unknown,
 * or the wrong count for every definition there is (each is shown).
 */
static void wrong_arity(struct scope *sc, struct expr *e)
{
	struct elab_ctx *cx = sc->cx;
	struct function_decl *all[8];
	int n = function_overloads(cx, e->name, e->loc.file, all, 8);
	struct diag *d;

	if (!n) {
		unknown_function(sc, e);
		return;
	}
	if (n == 1)
		d = diag_error(cx->s, e->loc,
			       "function '%s' takes %d argument%s, but %d %s given",
			       e->name, all[0]->params.n,
			       all[0]->params.n == 1 ? "" : "s", e->args.n,
			       e->args.n == 1 ? "was" : "were");
	else
		d = diag_error(cx->s, e->loc,
			       "no function '%s' takes %d argument%s",
			       e->name, e->args.n, e->args.n == 1 ? "" : "s");
	for (int i = 0; i < n && i < 8; i++)
		if (n == 1)
			diag_note(d, all[i]->loc, "'%s' is declared here",
				  e->name);
		else
			diag_note(d, all[i]->loc,
				  "'%s' with %d parameter%s is declared here",
				  e->name, all[i]->params.n,
				  all[i]->params.n == 1 ? "" : "s");
}

static void resolve_call(struct scope *sc, struct expr *e)
{
	struct elab_ctx *cx = sc->cx;
	struct function_decl *fd;

	for (int i = 0; i < e->args.n; i++)
		resolve_expr(sc, e->args.v[i]);
	if (!e->name)
		return;
	fd = lookup_function(cx, e->name, e->args.n, e->loc.file);
	if (!fd) {
		wrong_arity(sc, e);
		return;
	}
	e->func = fd;
	for (; fd; fd = fd->fallback)
		elab_function_of(cx, fd);
}

/* -------------------------------------------------------------- names */

static struct symbol *new_local(struct scope *sc, const char *name,
				struct src_loc loc)
{
	struct symbol *sym = new_symbol(sc->cx, SYM_LOCAL, name, loc);

	sym->shape_known = true;
	strmap_put(sc->cx->a, sc->names, name, sym);
	vec_push(sc->cx->a, sc->locals, sym);
	return sym;
}

static struct symbol *find_name(struct scope *sc, const char *name,
				struct src_loc loc)
{
	struct symbol *sym = strmap_get(sc->names, name);

	if (sym)
		return sym;
	return find_global(sc->cx, name, loc.file);
}

/* A scalar name: a local, parameter or global; else a new local. */
static void resolve_ident(struct scope *sc, struct expr *e)
{
	struct symbol *sym;

	if (!e->name)
		return;
	sym = find_name(sc, e->name, e->loc);
	if (!sym && sc->cond_only) {
		diag_hint(diag_error(sc->cx->s, e->loc,
				     "probe condition uses '%s', which is not a global",
				     e->name),
			  "a condition can only read global variables");
		return;
	}
	if (!sym)
		sym = new_local(sc, e->name, e->loc);
	e->sym = sym;
}

/* The array of an index, `in`, foreach or slice: it must be a global. */
static void resolve_array(struct scope *sc, struct expr *base)
{
	struct elab_ctx *cx = sc->cx;
	struct symbol *sym;
	struct name_vec names = { 0 };
	const char *best;
	struct diag *d;

	if (!base || base->kind != EXPR_IDENT || !base->name) {
		if (base)
			resolve_expr(sc, base);
		return;
	}
	sym = find_name(sc, base->name, base->loc);
	if (sym && sym->kind == SYM_GLOBAL) {
		base->sym = sym;
		return;
	}
	if (sym) {
		d = diag_error(cx->s, base->loc,
			       "'%s' is a %s, not an array", base->name,
			       sym->kind == SYM_PARAM ? "function parameter" :
							"local variable");
		diag_hint(d, "arrays must be global: declare 'global %s' at the top level under another name",
			  base->name);
		diag_note(d, sym->loc, "'%s' first appears here", base->name);
		return;
	}
	d = diag_error(cx->s, base->loc, "array '%s' is not declared",
		       base->name);
	global_names(cx, &names);
	best = diag_closest(base->name, names.v, names.n);
	if (best)
		diag_hint(d, "did you mean '%s'?", best);
	else
		diag_hint(d, "arrays must be global: add 'global %s' at the top level",
			  base->name);
}

/* ------------------------------------------------------ $context vars */

struct var_count {
	const struct context_var *var;
	int points;
};

struct vars_emit {
	struct elab_ctx *cx;
	struct strmap *seen;		/* this point's names */
	struct strmap *all;		/* name -> var_count */
	int n;
};

static void emit_var(void *ctx, const struct context_var *v)
{
	struct vars_emit *ve = ctx;
	struct var_count *vc;
	struct context_var *copy;

	if (!v || !v->name || strmap_get(ve->seen, v->name))
		return;
	copy = arena_new(ve->cx->a, struct context_var);
	*copy = *v;
	copy->name = arena_strdup(ve->cx->a, v->name);
	copy->type = v->type ? arena_strdup(ve->cx->a, v->type) : "long";
	strmap_put(ve->cx->a, ve->seen, copy->name, copy);
	ve->n++;
	vc = strmap_get(ve->all, copy->name);
	if (!vc) {
		vc = arena_new(ve->cx->a, struct var_count);
		vc->var = copy;
		strmap_put(ve->cx->a, ve->all, copy->name, vc);
	}
	vc->points++;
}

struct var_list {
	struct elab_ctx *cx;
	VEC(struct context_var) vars;
};

/* Providers may build names in buffers of their own: keep copies. */
static void collect_var(void *ctx, const struct context_var *v)
{
	struct var_list *l = ctx;
	struct context_var copy;

	if (!v || !v->name)
		return;
	copy = *v;
	copy.name = arena_strdup(l->cx->a, v->name);
	copy.type = v->type ? arena_strdup(l->cx->a, v->type) : NULL;
	vec_push(l->cx->a, &l->vars, copy);
}

/*
 * A point's variables, asked of its provider once per canonical point:
 * every probe on an alias shares its points, and the provider may read
 * files to answer.
 */
static void point_vars(struct elab_ctx *cx, const struct resolved_point *rp,
		       struct vars_emit *ve)
{
	const char *key = rp->text ? arena_printf(cx->a, "%s\n%s",
						  rp->provider->name ?
						  rp->provider->name : "",
						  rp->text) : NULL;
	struct var_list *l = key ? strmap_get(&cx->var_lists, key) : NULL;

	if (!l) {
		l = arena_new(cx->a, struct var_list);
		l->cx = cx;
		rp->provider->variables(cx->s, rp, collect_var, l);
		if (key)
			strmap_put(cx->a, &cx->var_lists, key, l);
	}
	for (int i = 0; i < l->vars.n; i++)
		emit_var(ve, &l->vars.v[i]);
}

/*
 * A $var must exist at every point of the probe whose provider lists
 * variables; ep->vars keeps those (name -> context_var).
 */
void probe_vars(struct elab_ctx *cx, struct elab_probe *ep)
{
	struct strmap all;
	int listing = 0;

	if (ep->vars_known)
		return;
	ep->vars_known = true;
	strmap_init(&all, false);
	for (int i = 0; i < ep->points.n; i++) {
		const struct resolved_point *rp = ep->points.v[i];
		struct strmap seen;
		struct vars_emit ve = { cx, &seen, &all, 0 };

		if (rp->vars_incomplete)
			ep->vars_incomplete = true;
		if (!rp->provider || !rp->provider->variables)
			continue;
		strmap_init(&seen, false);
		point_vars(cx, rp, &ve);
		if (ve.n)
			listing++;
	}
	ep->vars_listed = listing > 0;
	for (int i = 0; i < all.cap; i++) {
		struct var_count *vc = all.slots[i].value;

		if (all.slots[i].key && vc->points == listing)
			strmap_put(cx->a, &ep->vars, vc->var->name,
				   (void *)vc->var);
	}
}

/* The parser keeps the $ in the name: "$prev", "$$vars". */
static bool is_dollar_dollar(const char *name)
{
	return name && name[0] == '$' && name[1] == '$';
}

static const char *var_name(const struct expr *e)
{
	return e->name[0] == '$' ? e->name + 1 : e->name;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* begin, end, timer...: they run outside any event, with no context. */
static bool runner_only(const struct elab_probe *ep)
{
	for (int i = 0; i < ep->points.n; i++)
		if (ep->points.v[i]->tier != TIER_RUNNER)
			return false;
	return ep->points.n > 0;
}

static void unknown_target(struct scope *sc, struct expr *e)
{
	struct elab_ctx *cx = sc->cx;
	struct elab_probe *ep = sc->probe;
	struct name_vec names = { 0 };
	const char *best;
	struct diag *d;
	char *list = "";

	if (runner_only(ep)) {
		diag_hint(diag_error(cx->s, e->loc,
				     "probe point '%s' has no target variables, so no '%s'",
				     ep->points.v[0]->text ? ep->points.v[0]->text :
							     ep->written,
				     e->name),
			  "begin, end, error and timer probes run outside any kernel event");
		return;
	}
	for (int i = 0; i < ep->vars.cap; i++)
		if (ep->vars.slots[i].key)
			vec_push(cx->a, &names, ep->vars.slots[i].key);
	if (names.n)
		qsort(names.v, (size_t)names.n, sizeof(*names.v), cmp_str);
	d = diag_error(cx->s, e->loc,
		       "probe point '%s' has no target variable '%s'",
		       ep->points.v[0]->text ? ep->points.v[0]->text : ep->written,
		       e->name);
	best = diag_closest(var_name(e), names.v, names.n);
	if (best) {
		diag_hint(d, "did you mean '$%s'?", best);
		return;
	}
	for (int i = 0; i < names.n && i < 6; i++)
		list = arena_printf(cx->a, "%s%s$%s", list, i ? ", " : "",
				    names.v[i]);
	if (names.n > 6)
		list = arena_printf(cx->a, "%s, ...", list);
	diag_hint(d, "available here: %s ('bstap -L' lists them with types)",
		  list);
}


/* Once per place: a prologue is copied into every probe using its alias. */
static void maybe_missing_warning(struct scope *sc, const struct expr *e)
{
	struct elab_ctx *cx = sc->cx;
	const struct resolved_point *rp = sc->probe->points.v[0];
	const char *key = arena_printf(cx->a, "%p:%d:%d", (void *)e->loc.file,
				       e->loc.line, e->loc.col);

	if (strmap_get(&cx->warned, key))
		return;
	strmap_put(cx->a, &cx->warned, key, (void *)1);
	diag_warning(cx->s, e->loc,
		     "'%s' may not exist at '%s': its variables could not all be listed",
		     e->name, rp->text ? rp->text : sc->probe->written);
}

/* 1: $name exists (or the provider cannot tell), 0: it does not. */
/*
 * A global or file static of a process() point's program ($counter):
 * not among the point's variables, found in its DWARF. -1: none; 0: an
 * error in its chain; 1: *out is its type.
 */
static int dwarf_global(struct scope *sc, const struct expr *e, bool quiet,
			bool whole_ok, enum type_kind *out)
{
	enum type_kind k;

	if (!sc->probe->points.n)
		return -1;
	return dwarf_chain_type(sc->cx->s, sc->probe->points.v[0], e, quiet,
				whole_ok, out ? out : &k);
}

static int target_available(struct scope *sc, const struct expr *e)
{
	if (!sc->probe)
		return 0;
	if (is_dollar_dollar(e->name))
		return 1;
	if (runner_only(sc->probe))
		return 0;
	probe_vars(sc->cx, sc->probe);
	if (!sc->probe->vars_listed || sc->probe->vars_incomplete)
		return 1;
	return strmap_get(&sc->probe->vars, var_name(e)) != NULL ||
	       dwarf_global(sc, e, true, false, NULL) >= 0;
}


/* ---------------------------------------------------- $var->member chains */

/*
 * $prev->comm: follow the chain through the kernel's BTF, so a member that
 * does not exist is reported here and the result gets its real type (a
 * char array reads as a string, a pointer or integer as a long). Only for
 * points whose variables come from the kernel's BTF; elsewhere (process
 * probes, DWARF types) a chain is accepted as a long.
 */
struct btf_cursor {
	uint32_t id;	/* a BTF type */
	int ptrs;	/* pointer levels on top of id (from the type text) */
};

static const struct btf_type *btf_strip(const struct rawbtf *btf, uint32_t *id)
{
	for (int depth = 0; *id && depth < 32; depth++) {
		const struct btf_type *t = rawbtf_type(btf, *id);

		if (!t)
			return NULL;
		if (!btf_is_mod(t) && !btf_is_typedef(t) &&
		    btf_kind(t) != BTF_KIND_TYPE_TAG)
			return t;
		*id = t->type;
	}
	return NULL;
}

/* "struct task_struct*", "const char *", "pid_t": the base type id. */
static bool cursor_lookup(const struct rawbtf *btf, const char *text,
			  struct btf_cursor *c)
{
	char name[256];
	size_t n;
	int kind = -1;
	long id;

	c->ptrs = 0;
	while (!strncmp(text, "const ", 6) || !strncmp(text, "volatile ", 9))
		text += text[0] == 'c' ? 6 : 9;
	if (strchr(text, '['))
		return false;
	if (!strncmp(text, "struct ", 7)) {
		kind = BTF_KIND_STRUCT;
		text += 7;
	} else if (!strncmp(text, "union ", 6)) {
		kind = BTF_KIND_UNION;
		text += 6;
	}
	n = strcspn(text, " *");
	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, text, n);
	name[n] = 0;
	for (const char *p = text + n; *p; p++)
		c->ptrs += *p == '*';
	if (kind >= 0) {
		id = rawbtf_find(btf, name, kind);
	} else {
		static const int kinds[] = {
			BTF_KIND_TYPEDEF, BTF_KIND_INT, BTF_KIND_STRUCT,
			BTF_KIND_UNION,
		};

		id = -1;
		for (size_t i = 0; id <= 0 && i < sizeof(kinds) / sizeof(*kinds); i++)
			id = rawbtf_find(btf, name, kinds[i]);
	}
	if (id <= 0)
		return false;
	c->id = (uint32_t)id;
	return true;
}

static char btf_no_type;

static bool cursor_from_text(struct elab_ctx *cx, const struct rawbtf *btf,
			     const char *text, struct btf_cursor *c)
{
	struct btf_cursor *hit = strmap_get(&cx->btf_types, text);

	if (!hit) {
		hit = arena_new(cx->a, struct btf_cursor);
		if (!cursor_lookup(btf, text, hit))
			hit = (struct btf_cursor *)&btf_no_type;
		strmap_put(cx->a, &cx->btf_types, text, hit);
	}
	if (hit == (struct btf_cursor *)&btf_no_type)
		return false;
	*c = *hit;
	return true;
}

static bool find_member(const struct rawbtf *btf, const struct btf_type *t,
			const char *name, uint32_t *out, int depth)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = rawbtf_str(btf, m[i].name_off);
		uint32_t id = m[i].type;
		const struct btf_type *mt;

		if (mn && *mn) {
			if (!strcmp(mn, name)) {
				*out = m[i].type;
				return true;
			}
			continue;
		}
		/* an anonymous struct or union: its members are ours */
		mt = btf_strip(btf, &id);
		if (mt && btf_is_composite(mt) && depth < 8 &&
		    find_member(btf, mt, name, out, depth + 1))
			return true;
	}
	return false;
}

static void member_names(struct elab_ctx *cx, const struct rawbtf *btf,
			 const struct btf_type *t, struct name_vec *out,
			 int depth)
{
	const struct btf_member *m = btf_members(t);

	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = rawbtf_str(btf, m[i].name_off);
		uint32_t id = m[i].type;
		const struct btf_type *mt;

		if (mn && *mn) {
			vec_push(cx->a, out, mn);
			continue;
		}
		mt = btf_strip(btf, &id);
		if (mt && btf_is_composite(mt) && depth < 8)
			member_names(cx, btf, mt, out, depth + 1);
	}
}

/* One step down: deref a pointer level; false when there is none. */
static bool cursor_deref(const struct rawbtf *btf, struct btf_cursor *c)
{
	const struct btf_type *t;

	if (c->ptrs > 0) {
		c->ptrs--;
		return true;
	}
	t = btf_strip(btf, &c->id);
	if (t && btf_is_ptr(t)) {
		c->id = t->type;
		return true;
	}
	if (t && btf_is_array(t)) {
		c->id = btf_array(t)->type;
		return true;
	}
	return false;
}

static bool chain_member(struct scope *sc, const struct rawbtf *btf,
			 struct btf_cursor *c, const struct component *k,
			 bool quiet)
{
	struct elab_ctx *cx = sc->cx;
	const struct btf_type *t;
	uint32_t id = c->id, orig = c->id;
	struct name_vec names = { 0 };
	const char *best, *tname;
	struct diag *d;

	/* -> and . both work, through one pointer, as in stap */
	if (c->ptrs > 0)
		c->ptrs--;
	else if ((t = btf_strip(btf, &id)) && btf_is_ptr(t))
		c->id = t->type;
	if (c->ptrs > 0 || !(t = btf_strip(btf, &c->id)) ||
	    !btf_is_composite(t)) {
		if (!quiet)
			diag_error(cx->s, k->loc,
				   "cannot read member '%s': %s is not a struct or union",
				   k->name, btf_type_text(cx->a, btf, orig));
		return false;
	}
	if (find_member(btf, t, k->name, &c->id, 0))
		return true;
	if (quiet)
		return false;
	tname = btf_type_text(cx->a, btf, c->id);
	d = diag_error(cx->s, k->loc, "%s has no member '%s'", tname, k->name);
	member_names(cx, btf, t, &names, 0);
	best = diag_closest(k->name, names.v, names.n);
	if (best)
		diag_hint(d, "did you mean '%s'?", best);
	return false;
}

/* "$prev->se" for messages; indexes show as [...]. */
static const char *chain_text(struct elab_ctx *cx, const struct expr *e)
{
	const char *s = e->kind == EXPR_CAST ?
			arena_printf(cx->a, "@cast(..., \"%s\")", e->str) :
			e->name ? e->name : "?";

	for (int i = 0; i < e->chain.n; i++)
		s = e->chain.v[i].kind == COMP_MEMBER ?
			    arena_printf(cx->a, "%s->%s", s, e->chain.v[i].name) :
			    arena_printf(cx->a, "%s[...]", s);
	return s;
}

static bool from_kernel_btf(const struct elab_probe *ep)
{
	const struct provider *p = ep->points.n ? ep->points.v[0]->provider :
						   NULL;

	return p && p->name && !strncmp(p->name, "kernel.", 7);
}

/*
 * The type at the end of e's chain. -1: it cannot be followed here (no
 * BTF, not a kernel point); 0: an error (reported unless quiet).
 */
/* Walk e's chain from c; see chain_type for the result. */
static int walk_chain(struct scope *sc, const struct rawbtf *btf,
		      struct btf_cursor c, const struct expr *e, bool quiet,
		      bool whole_ok, enum type_kind *out)
{
	for (int i = 0; i < e->chain.n; i++) {
		const struct component *k = &e->chain.v[i];

		if (k->kind == COMP_MEMBER) {
			if (!chain_member(sc, btf, &c, k, quiet))
				return 0;
		} else if (!cursor_deref(btf, &c)) {
			if (!quiet)
				diag_error(sc->cx->s, k->loc, "cannot index %s",
					   btf_type_text(sc->cx->a, btf, c.id));
			return 0;
		}
	}
	*out = c.ptrs ? TYPE_LONG : btf_script_type(btf, c.id);
	if (*out != TYPE_UNKNOWN || whole_ok)
		return 1;
	if (!quiet)
		diag_hint(diag_error(sc->cx->s, e->loc,
				     "'%s' is %s and cannot be read as a value",
				     chain_text(sc->cx, e),
				     btf_type_text(sc->cx->a, btf, c.id)),
			  "read one of its members, print it with a $ suffix, or take its address with &");
	return 0;
}

/*
 * The type at the end of e's chain. -1: it cannot be followed here (no
 * BTF, not a kernel point); 0: an error (reported unless quiet).
 */
static int chain_type(struct scope *sc, const struct expr *e,
		      const struct context_var *v, bool quiet,
		      bool whole_ok, enum type_kind *out)
{
	struct btf_index *ix;
	struct btf_cursor c;
	int r;

	/* process() points: the types of the program's DWARF */
	if (v && sc->probe->points.n &&
	    (r = dwarf_chain_type(sc->cx->s, sc->probe->points.v[0], e, quiet,
				  whole_ok, out)) >= 0)
		return r;
	if (!v || !v->type || !from_kernel_btf(sc->probe))
		return -1;
	ix = btf_vmlinux(sc->cx->s);
	if (!ix || !cursor_from_text(sc->cx, ix->btf, v->type, &c))
		return -1;
	return walk_chain(sc, ix->btf, c, e, quiet, whole_ok, out);
}

/*
 * @cast(p, "task_struct")->pid: p points to a kernel type; its chain is
 * checked and typed like a $var's. Other modules (process types from
 * DWARF, headers) are left to later passes and read as longs.
 */
static int cast_type(struct scope *sc, struct expr *e, bool quiet)
{
	struct btf_index *ix;
	struct btf_cursor c;
	enum type_kind k = TYPE_LONG;
	bool whole = e->addr_of || e->pretty != PRETTY_NONE;
	int r;

	if (e->kind != EXPR_CAST || !e->str)
		return -1;
	if (!cast_module_is_kernel(e->module))
		return dwarf_cast_type(sc->cx->s, e, quiet, whole);
	ix = btf_vmlinux(sc->cx->s);
	if (!ix)
		return -1;
	if (!cursor_from_text(sc->cx, ix->btf, e->str, &c)) {
		if (!quiet)
			diag_hint(diag_error(sc->cx->s, e->loc,
					     "the kernel has no type '%s'",
					     e->str),
				  "name a struct, union or typedef of the kernel: @cast(p, \"task_struct\")");
		return 0;
	}
	c.ptrs++;	/* the operand points to one */
	r = walk_chain(sc, ix->btf, c, e, quiet, whole, &k);
	if (r > 0 && !quiet)
		e->type = whole ? (e->pretty != PRETTY_NONE ? TYPE_STRING :
							      TYPE_LONG) : k;
	return r;
}

static void resolve_cast(struct scope *sc, struct expr *e)
{
	cast_type(sc, e, false);
}

static void resolve_target(struct scope *sc, struct expr *e)
{
	const struct context_var *v;

	for (int i = 0; i < e->chain.n; i++)
		if (e->chain.v[i].kind == COMP_INDEX && e->chain.v[i].index)
			resolve_expr(sc, e->chain.v[i].index);
	if (!e->name)
		return;
	if (!sc->probe) {
		diag_hint(diag_error(sc->cx->s, e->loc,
				     "target variable '%s' can only be used in a probe",
				     e->name),
			  "pass its value to the function as an argument");
		return;
	}
	if (sc->cond_only) {
		diag_hint(diag_error(sc->cx->s, e->loc,
				     "probe condition uses target variable '%s'",
				     e->name),
			  "a condition can only read global variables; test '%s' in the probe body instead",
			  e->name);
		return;
	}
	if (is_dollar_dollar(e->name)) {
		/* code generation formats them from the variable list */
		probe_vars(sc->cx, sc->probe);
		e->type = TYPE_STRING;
		return;
	}
	if (!target_available(sc, e)) {
		unknown_target(sc, e);
		return;
	}
	v = strmap_get(&sc->probe->vars, var_name(e));
	e->type = e->pretty != PRETTY_NONE ? TYPE_STRING : TYPE_LONG;
	if (!v) {
		enum type_kind k;
		bool whole = e->addr_of || e->pretty != PRETTY_NONE;
		int r = dwarf_global(sc, e, false, whole, &k);

		if (r > 0 && !whole)
			e->type = k;
		if (r < 0 && sc->probe->vars_listed)
			maybe_missing_warning(sc, e);
		return;
	}
	if (e->chain.n) {
		enum type_kind k = TYPE_LONG;
		bool whole = e->addr_of || e->pretty != PRETTY_NONE;

		/* &$p->se is an address, $p->se$ a text: any member will do */
		if (chain_type(sc, e, v, false, whole, &k) > 0 && !whole)
			e->type = k;
		return;
	}
	if (e->addr_of || e->pretty != PRETTY_NONE)
		return;
	if (v->script_type == TYPE_UNKNOWN)
		diag_hint(diag_error(sc->cx->s, e->loc,
				     "target variable '%s' (%s) cannot be read as a value",
				     e->name, v->type),
			  "read one of its members (%s->NAME) or print it with %s$",
			  e->name, e->name);
	else
		e->type = v->script_type;
}

/* ------------------------------------------------------------ folding */

/* @defined($p->__state): the variable and every member on the way. */
static int target_chain_available(struct scope *sc, struct expr *x)
{
	const struct context_var *v;
	enum type_kind k;

	if (!target_available(sc, x))
		return 0;
	if (!x->chain.n || !sc->probe || is_dollar_dollar(x->name))
		return 1;
	v = strmap_get(&sc->probe->vars, var_name(x));
	return chain_type(sc, x, v, true, true, &k) != 0;
}

/* @defined(x): decided now, so the dead branch is never checked. */
static int defined_value(struct scope *sc, struct expr *x)
{
	if (!x)
		return 0;
	switch (x->kind) {
	case EXPR_TARGET:
		return target_chain_available(sc, x);
	case EXPR_CAST:
		return cast_type(sc, x, true) != 0;
	case EXPR_ENTRY:
		return defined_value(sc, x->operand);
	default:
		return 1;
	}
}

static void become(struct expr *e, const struct expr *with)
{
	if (with)
		*e = *with;
}

static bool has_member(const struct expr *x)
{
	for (int i = 0; i < x->chain.n; i++)
		if (x->chain.v[i].kind == COMP_MEMBER)
			return true;
	return false;
}

/*
 * The kernel type x's chain starts from, when x reads kernel members that
 * the target's BTF has: "struct task_struct*" for $next->pid, "task_struct"
 * (a @cast's type) for @cast(p, "task_struct")->pid. Whether a member
 * exists is then left to the kernel that runs the object (a CO-RE
 * field-exists relocation), since the object may run on another kernel
 * than the BTF it was translated against. NULL: decide now.
 */
static const char *kernel_chain_base(struct scope *sc, struct expr *x)
{
	const struct context_var *v;
	enum type_kind k;

	if (!x || !has_member(x) || x->pretty != PRETTY_NONE)
		return NULL;
	if (x->kind == EXPR_CAST)
		return x->str && cast_type(sc, x, true) > 0 ? x->str : NULL;
	if (x->kind != EXPR_TARGET || !sc->probe || !x->name ||
	    is_dollar_dollar(x->name) || !target_available(sc, x))
		return NULL;
	v = strmap_get(&sc->probe->vars, var_name(x));
	if (!v || chain_type(sc, x, v, true, true, &k) <= 0)
		return NULL;
	return v->type;
}

/*
 * @defined(x) on kernel members stays until run time: e->str is the base
 * type (codegen_core.c); e->num 1 marks a @cast base. The operand is not
 * evaluated, only its chain's member names are used.
 */
static bool keep_defined(struct scope *sc, struct expr *e, struct expr *x)
{
	const char *base = kernel_chain_base(sc, x);

	if (!base)
		return false;
	e->kind = EXPR_DEFINED;
	e->operand = x;
	e->str = base;
	e->num = x->kind == EXPR_CAST;
	e->type = TYPE_LONG;
	return true;
}

static void fold_defined(struct scope *sc, struct expr *e)
{
	int v = defined_value(sc, e->operand);

	if (v && keep_defined(sc, e, e->operand))
		return;
	e->kind = EXPR_NUMBER;
	e->num = v;
	e->operand = NULL;
	e->type = TYPE_LONG;
}

/*
 * @choose_defined(a, b) on kernel members of a: `@defined(a) ? a : b`,
 * decided by the kernel that runs the object, when b exists here too.
 */
static void choose_defined(struct scope *sc, struct expr *e)
{
	struct expr *cond;

	if (!defined_value(sc, e->left)) {
		become(e, e->right);
		resolve_expr(sc, e);
		return;
	}
	cond = arena_new(sc->cx->a, struct expr);
	cond->loc = e->loc;
	/* b must be readable too for the host to choose; else it is a */
	if (!defined_value(sc, e->right) || !keep_defined(sc, cond, e->left)) {
		become(e, e->left);
		resolve_expr(sc, e);
		return;
	}
	e->kind = EXPR_TERNARY;
	e->cond = cond;
	resolve_expr(sc, e->left);
	if (e->right)
		resolve_expr(sc, e->right);
}

/* ---------------------------------------------------------- expressions */

/* s in `s <<< v` and `@count(s)`: statistics live in globals only. */
static void resolve_stats_ident(struct scope *sc, struct expr *e)
{
	struct symbol *sym;

	if (!e->name)
		return;
	sym = find_name(sc, e->name, e->loc);
	if (sym && sym->kind == SYM_GLOBAL) {
		e->sym = sym;
		return;
	}
	diag_hint(diag_error(sc->cx->s, e->loc,
			     "statistics variable '%s' must be a global",
			     e->name),
		  "add 'global %s' at the top level", e->name);
}

static void resolve_args(struct scope *sc, struct expr *e)
{
	for (int i = 0; i < e->args.n; i++)
		if (e->args.v[i])
			resolve_expr(sc, e->args.v[i]);
}

static void resolve_index(struct scope *sc, struct expr *e)
{
	if (e->base)
		resolve_array(sc, e->base);
	resolve_args(sc, e);
	if (e->base && e->base->sym)
		e->sym = e->base->sym;
}

static void resolve_expr_inner(struct scope *sc, struct expr *e)
{
	switch (e->kind) {
	case EXPR_NUMBER:
	case EXPR_STRING:
	case EXPR_PARAM_COUNT:
		break;
	case EXPR_IDENT:
		resolve_ident(sc, e);
		break;
	case EXPR_INDEX:
	case EXPR_IN:
		resolve_index(sc, e);
		break;
	case EXPR_CALL:
		resolve_call(sc, e);
		break;
	case EXPR_PRINT:
		resolve_args(sc, e);
		break;
	case EXPR_TERNARY:
		if (e->cond)
			resolve_expr(sc, e->cond);
		if (e->cond && e->cond->kind == EXPR_NUMBER) {
			become(e, e->cond->num ? e->left : e->right);
			resolve_expr(sc, e);
			break;
		}
		if (e->left)
			resolve_expr(sc, e->left);
		if (e->right)
			resolve_expr(sc, e->right);
		break;
	case EXPR_ASSIGN:
		if (e->op == OP_AGGREGATE && e->left &&
		    e->left->kind == EXPR_IDENT)
			resolve_stats_ident(sc, e->left);
		else if (e->left)
			resolve_expr(sc, e->left);
		if (e->right)
			resolve_expr(sc, e->right);
		break;
	case EXPR_DEFINED:
		fold_defined(sc, e);
		break;
	case EXPR_CHOOSE_DEFINED:
		choose_defined(sc, e);
		break;
	case EXPR_TARGET:
		resolve_target(sc, e);
		break;
	case EXPR_CAST:
	case EXPR_VAR:
		if (e->operand)
			resolve_expr(sc, e->operand);
		for (int i = 0; i < e->chain.n; i++)
			if (e->chain.v[i].index)
				resolve_expr(sc, e->chain.v[i].index);
		resolve_cast(sc, e);
		break;
	case EXPR_STAT:
	case EXPR_HIST:
		if (e->operand && e->operand->kind == EXPR_IDENT)
			resolve_stats_ident(sc, e->operand);
		else if (e->operand)
			resolve_expr(sc, e->operand);
		resolve_args(sc, e);
		break;
	default:
		if (e->left)
			resolve_expr(sc, e->left);
		if (e->right)
			resolve_expr(sc, e->right);
		if (e->operand)
			resolve_expr(sc, e->operand);
		break;
	}
}

static void resolve_expr(struct scope *sc, struct expr *e)
{
	if (!e || !elab_enter(sc->cx, e->loc))
		return;
	resolve_expr_inner(sc, e);
	elab_leave(sc->cx);
}

/* ----------------------------------------------------------- statements */

static void resolve_foreach(struct scope *sc, struct foreach_stmt *fe)
{
	if (fe->array && fe->array->kind == EXPR_INDEX)
		resolve_index(sc, fe->array);
	else if (fe->array)
		resolve_array(sc, fe->array);
	if (fe->value.var)
		resolve_expr(sc, fe->value.var);
	for (int i = 0; i < fe->keys.n; i++)
		if (fe->keys.v[i].var)
			resolve_expr(sc, fe->keys.v[i].var);
	if (fe->limit)
		resolve_expr(sc, fe->limit);
	sc->loops++;
	if (fe->body)
		resolve_stmt(sc, fe->body);
	sc->loops--;
}

static void fold_if(struct stmt *st)
{
	struct stmt *chosen = st->expr->num ? st->then_stmt : st->else_stmt;

	if (chosen) {
		*st = *chosen;
	} else {
		st->kind = STMT_NULL;
		st->expr = NULL;
		st->then_stmt = st->else_stmt = NULL;
	}
}

static void jump_error(struct scope *sc, struct stmt *st, const char *what)
{
	diag_hint(diag_error(sc->cx->s, st->loc, "'%s' outside a loop", what),
		  "'%s' only works inside while, for and foreach", what);
}

static void resolve_stmt_inner(struct scope *sc, struct stmt *st)
{
	switch (st->kind) {
	case STMT_BLOCK:
		for (int i = 0; i < st->stmts.n; i++)
			if (st->stmts.v[i])
				resolve_stmt(sc, st->stmts.v[i]);
		break;
	case STMT_EXPR:
	case STMT_DELETE:
		if (st->expr)
			resolve_expr(sc, st->expr);
		break;
	case STMT_IF:
		if (st->expr)
			resolve_expr(sc, st->expr);
		if (st->expr && st->expr->kind == EXPR_NUMBER) {
			fold_if(st);
			resolve_stmt(sc, st);
			break;
		}
		if (st->then_stmt)
			resolve_stmt(sc, st->then_stmt);
		if (st->else_stmt)
			resolve_stmt(sc, st->else_stmt);
		break;
	case STMT_WHILE:
	case STMT_FOR:
		if (st->init)
			resolve_stmt(sc, st->init);
		if (st->expr)
			resolve_expr(sc, st->expr);
		if (st->incr)
			resolve_expr(sc, st->incr);
		sc->loops++;
		if (st->body)
			resolve_stmt(sc, st->body);
		sc->loops--;
		break;
	case STMT_FOREACH:
		if (st->foreach)
			resolve_foreach(sc, st->foreach);
		break;
	case STMT_BREAK:
		if (!sc->loops)
			jump_error(sc, st, "break");
		break;
	case STMT_CONTINUE:
		if (!sc->loops)
			jump_error(sc, st, "continue");
		break;
	case STMT_RETURN:
		if (!sc->func) {
			diag_hint(diag_error(sc->cx->s, st->loc,
					     "'return' in a probe"),
				  "use 'next' to leave a probe handler early");
			break;
		}
		if (st->expr)
			resolve_expr(sc, st->expr);
		break;
	case STMT_TRY:
		if (st->body)
			resolve_stmt(sc, st->body);
		if (st->catch_var)
			resolve_expr(sc, st->catch_var);
		if (st->catch_body)
			resolve_stmt(sc, st->catch_body);
		break;
	case STMT_NULL:
	case STMT_NEXT:
	case STMT_EMBEDDED_C:
		break;
	}
}

static void resolve_stmt(struct scope *sc, struct stmt *st)
{
	if (!st || !elab_enter(sc->cx, st->loc))
		return;
	resolve_stmt_inner(sc, st);
	elab_leave(sc->cx);
}

void resolve_probe(struct elab_ctx *cx, struct elab_probe *ep)
{
	struct scope sc = {
		.cx = cx, .names = &ep->scope, .locals = &ep->locals,
		.probe = ep,
	};

	if (ep->condition) {
		struct strmap none;
		struct scope cs = sc;

		strmap_init(&none, false);
		cs.names = &none;
		cs.cond_only = true;
		resolve_expr(&cs, ep->condition);
	}
	if (ep->body)
		resolve_stmt(&sc, ep->body);
	drain_functions(cx);
}

/* fd is in the user map, as an overload or a fallback of one. */
static bool is_registered(struct strmap *m, const struct function_decl *fd)
{
	for (struct function_decl *o = strmap_get(m, fd->name); o;
	     o = o->overload)
		for (const struct function_decl *f = o; f; f = f->fallback)
			if (f == fd)
				return true;
	return false;
}

/* Every user function, used or not: stap reports their name errors too. */
void resolve_user_functions(struct elab_ctx *cx)
{
	struct strmap *m = &cx->user_functions;

	for (int f = 0; f < cx->s->user_files.n; f++) {
		struct file_ast *fa = cx->s->user_files.v[f];

		for (int i = 0; i < fa->decls.n; i++) {
			struct decl *d = &fa->decls.v[i];

			if (d->kind == DECL_FUNCTION && d->function &&
			    d->function->name &&
			    is_registered(m, d->function))
				elab_function_of(cx, d->function);
		}
	}
	drain_functions(cx);
}

/* -------------------------------------------------------- reachability */

/*
 * Only what the probes reach goes into the program. The walk also records
 * which globals are read and written (a global written and never read is
 * printed at the end, as stap does), and rejects embedded C where it would
 * have to run.
 */
struct reach {
	struct elab_ctx *cx;
	VEC(struct elab_function *) work;
};

static void walk_expr(struct reach *r, struct expr *e);
static void walk_stmt(struct reach *r, struct stmt *st);

/* The children no case below treats specially: walked as plain values. */
static bool walk_child_expr(struct expr *e, void *r)
{
	walk_expr(r, e);
	return false;
}

static bool walk_child_stmt(struct stmt *st, void *r)
{
	walk_stmt(r, st);
	return false;
}

static void use_global(struct reach *r, struct symbol *sym, bool read,
		       bool write)
{
	(void)r;
	if (sym && sym->kind == SYM_LOCAL && write)
		sym->written = true;
	if (!sym || sym->kind != SYM_GLOBAL)
		return;
	if (read)
		sym->read = true;
	if (write)
		sym->written = true;
}

static void reach_function(struct reach *r, struct function_decl *fd)
{
	struct elab_function *ef = elab_function_of(r->cx, fd);

	if (ef->reachable)
		return;
	ef->reachable = true;
	fd->uses++;
	if (fd->embedded_c && !fd->runtime)
		embedded_c_error(r->cx, fd->loc);
	vec_push(r->cx->a, &r->work, ef);
}

static void walk_args(struct reach *r, struct expr *e)
{
	for (int i = 0; i < e->args.n; i++)
		if (e->args.v[i])
			walk_expr(r, e->args.v[i]);
}

/* The target of =, <<<, ++ or delete: written, not read. */
static void walk_lvalue(struct reach *r, struct expr *e, bool also_read)
{
	if (!e)
		return;
	if (e->kind == EXPR_IDENT) {
		use_global(r, e->sym, also_read, true);
	} else if (e->kind == EXPR_INDEX) {
		use_global(r, e->sym, also_read, true);
		walk_args(r, e);
	} else {
		walk_expr(r, e);
	}
}

static void walk_expr(struct reach *r, struct expr *e)
{
	if (!e || !elab_enter(r->cx, e->loc))
		return;
	switch (e->kind) {
	case EXPR_IDENT:
		use_global(r, e->sym, true, false);
		break;
	case EXPR_INDEX:
	case EXPR_IN:
		use_global(r, e->sym, true, false);
		if (e->base && e->base->kind == EXPR_HIST)
			walk_expr(r, e->base);	/* @hist_log(s)[i] reads s */
		walk_args(r, e);
		break;
	case EXPR_CALL:
		for (struct function_decl *f = e->func; f; f = f->fallback)
			reach_function(r, f);
		walk_args(r, e);
		break;
	case EXPR_ASSIGN:
		/* nested, its value is used: `if (++n > 2)`, `y = (x = 5)` */
		walk_lvalue(r, e->left, true);
		walk_expr(r, e->right);
		break;
	case EXPR_INCDEC:
		walk_lvalue(r, e->operand, true);
		break;
	default:
		ast_walk_expr_children(e, walk_child_expr, r);
		break;
	}
	elab_leave(r->cx);
}

static void walk_foreach(struct reach *r, struct foreach_stmt *fe)
{
	if (fe->array && fe->array->kind == EXPR_HIST) {
		walk_expr(r, fe->array);	/* the buckets of a histogram */
	} else if (fe->array) {
		use_global(r, fe->array->sym, true, false);
		if (fe->array->kind == EXPR_INDEX)
			walk_args(r, fe->array);
	}
	walk_lvalue(r, fe->value.var, false);
	for (int i = 0; i < fe->keys.n; i++)
		walk_lvalue(r, fe->keys.v[i].var, false);
	walk_expr(r, fe->limit);
	walk_stmt(r, fe->body);
}

/*
 * An assignment or ++ whose value nothing uses (an expression statement, a
 * for loop's increment) writes its target without reading it: a global only
 * ever counted with `n++` is unread and printed at the end, as stap does.
 */
static void walk_discarded(struct reach *r, struct expr *e)
{
	if (!e || (e->kind != EXPR_ASSIGN && e->kind != EXPR_INCDEC)) {
		walk_expr(r, e);
		return;
	}
	if (!elab_enter(r->cx, e->loc))
		return;
	if (e->kind == EXPR_ASSIGN) {
		walk_lvalue(r, e->left, false);
		walk_expr(r, e->right);
	} else {
		walk_lvalue(r, e->operand, false);
	}
	elab_leave(r->cx);
}

static void walk_stmt(struct reach *r, struct stmt *st)
{
	if (!st || !elab_enter(r->cx, st->loc))
		return;
	switch (st->kind) {
	case STMT_EXPR:
		walk_discarded(r, st->expr);
		break;
	case STMT_WHILE:
	case STMT_FOR:
		walk_stmt(r, st->init);
		walk_expr(r, st->expr);
		walk_discarded(r, st->incr);
		walk_stmt(r, st->body);
		break;
	case STMT_DELETE:
		walk_lvalue(r, st->expr, false);
		break;
	case STMT_FOREACH:
		if (st->foreach)
			walk_foreach(r, st->foreach);
		break;
	case STMT_TRY:
		walk_stmt(r, st->body);
		walk_lvalue(r, st->catch_var, false);
		walk_stmt(r, st->catch_body);
		break;
	case STMT_EMBEDDED_C:
		embedded_c_error(r->cx, st->loc);
		break;
	default:
		ast_walk_stmt_children(st, walk_child_expr, walk_child_stmt, r);
		break;
	}
	elab_leave(r->cx);
}

/* stap's warning, with its "similar" names as a did-you-mean. */
static void warn_never_assigned(struct elab_ctx *cx, struct symbol_vec *v)
{
	for (int i = 0; i < v->n; i++) {
		struct symbol *sym = v->v[i];
		struct name_vec names = { 0 };
		const char *best;
		struct diag *d;

		/* unknown types got an error already */
		if (sym->written || sym->type == TYPE_UNKNOWN ||
		    !sym->loc.file || sym->loc.file->is_tapset)
			continue;
		for (int j = 0; j < v->n; j++)
			if (v->v[j] != sym && v->v[j]->written)
				vec_push(cx->a, &names, v->v[j]->name);
		for (int j = 0; j < cx->all_globals.n; j++)
			vec_push(cx->a, &names, cx->all_globals.v[j]->name);
		d = diag_warning(cx->s, sym->loc,
				 "local variable '%s' is never assigned",
				 sym->name);
		best = diag_closest(sym->name, names.v, names.n);
		if (best)
			diag_hint(d, "did you mean '%s'?", best);
	}
}

void warn_unassigned_locals(struct elab_ctx *cx)
{
	for (int i = 0; i < cx->prog->probes.n; i++)
		warn_never_assigned(cx, &cx->prog->probes.v[i]->locals);
	for (int i = 0; i < cx->all_funcs.n; i++)
		if (cx->all_funcs.v[i]->reachable)
			warn_never_assigned(cx, &cx->all_funcs.v[i]->locals);
}

void mark_reachable(struct elab_ctx *cx)
{
	struct reach r = { .cx = cx };

	for (int i = 0; i < cx->prog->probes.n; i++) {
		struct elab_probe *ep = cx->prog->probes.v[i];

		walk_expr(&r, ep->condition);
		walk_stmt(&r, ep->body);
	}
	for (int i = 0; i < r.work.n; i++)
		walk_stmt(&r, r.work.v[i]->decl->body);
}

/* ------------------------------------------------------------- elision */

/*
 * Like stap, drop stores to locals that nothing reads: an alias prologue
 * sets every variable its probes offer, and most handlers read a few, so
 * the rest would cost each event for nothing (sprintf, memory reads). An
 * assignment whose value is needed for a side effect keeps the value as a
 * statement. Calls to script functions count as side effects unless
 * their bodies only compute (pure_body); calls to @runtime functions that
 * return a value do not (they only compute).
 */
struct uses {
	struct elab_ctx *cx;
	struct strmap reads;	/* symbol -> count of reads */
	struct strmap refs;	/* symbol -> referenced at all */
};

static void count_expr(struct uses *u, struct expr *e, bool lvalue);
static void count_stmt(struct uses *u, struct stmt *st);

static void bump(struct uses *u, struct strmap *m, struct symbol *sym)
{
	if (!sym || sym->kind != SYM_LOCAL)
		return;
	strmap_put(u->cx->a, m, sym,
		   (void *)((uintptr_t)strmap_get(m, sym) + 1));
}

/* Everything but an assignment's or ++'s target counts as read. */
static bool count_child_expr(struct expr *e, void *u)
{
	count_expr(u, e, false);
	return false;
}

static bool count_child_stmt(struct stmt *st, void *u)
{
	count_stmt(u, st);
	return false;
}

static void count_expr(struct uses *u, struct expr *e, bool lvalue)
{
	if (!e || !elab_enter(u->cx, e->loc))
		return;
	switch (e->kind) {
	case EXPR_IDENT:
		bump(u, &u->refs, e->sym);
		if (!lvalue)
			bump(u, &u->reads, e->sym);
		break;
	case EXPR_ASSIGN:
		count_expr(u, e->left, true);
		count_expr(u, e->right, false);
		break;
	case EXPR_INCDEC:
		count_expr(u, e->operand, true);
		break;
	default:
		ast_walk_expr_children(e, count_child_expr, u);
		break;
	}
	elab_leave(u->cx);
}

/*
 * A foreach assigns its value and key variables, and a catch its message
 * variable; they count as read all the same, so that they are kept.
 */
static void count_stmt(struct uses *u, struct stmt *st)
{
	if (!st || !elab_enter(u->cx, st->loc))
		return;
	if (st->kind == STMT_DELETE)
		count_expr(u, st->expr, true);
	else
		ast_walk_stmt_children(st, count_child_expr, count_child_stmt,
				       u);
	elab_leave(u->cx);
}

/* Inside a try block a raised error is caught: there, a call that can
 * fail but changes nothing else still counts as pure. */
static int pure_try_depth;

static bool pure(struct elab_ctx *cx, struct expr *e);

static bool impure_child(struct expr *e, void *cx)
{
	return !pure(cx, e);
}

/* The walk stops at the first child that is not pure. */
static bool children_pure(struct elab_ctx *cx, struct expr *e)
{
	return !ast_walk_expr_children(e, impure_child, cx);
}

/* An assignment to the function's own locals or parameters. */
static bool local_store(struct elab_ctx *cx, struct expr *e)
{
	struct expr *t = e->kind == EXPR_ASSIGN ? e->left : e->operand;

	if (e->op == OP_AGGREGATE || !t || t->kind != EXPR_IDENT ||
	    !t->sym || t->sym->kind == SYM_GLOBAL)
		return false;
	return e->kind == EXPR_INCDEC || pure(cx, e->right);
}

/*
 * Does running a script function's body change nothing but its own
 * variables (no globals, output, errors of its own, next, loops)? Such a
 * call whose value nobody uses goes, as stap elides side-effect-free
 * calls: an alias prologue's user_string_quoted(), _dfd_str().
 */
static bool pure_body(struct elab_ctx *cx, struct stmt *st)
{
	bool ok = true;

	if (!st)
		return true;
	if (!elab_enter(cx, st->loc))
		return false;
	switch (st->kind) {
	case STMT_BLOCK:
		for (int i = 0; ok && i < st->stmts.n; i++)
			ok = pure_body(cx, st->stmts.v[i]);
		break;
	case STMT_NULL:
		break;
	case STMT_EXPR:
		ok = pure(cx, st->expr) ||
		     ((st->expr->kind == EXPR_ASSIGN ||
		       st->expr->kind == EXPR_INCDEC) &&
		      local_store(cx, st->expr));
		break;
	case STMT_RETURN:
		ok = pure(cx, st->expr);
		break;
	case STMT_IF:
		ok = pure(cx, st->expr) && pure_body(cx, st->then_stmt) &&
		     pure_body(cx, st->else_stmt);
		break;
	case STMT_TRY:
		pure_try_depth++;
		ok = pure_body(cx, st->body);
		pure_try_depth--;
		ok = ok && pure_body(cx, st->catch_body);
		break;
	default:
		ok = false;
		break;
	}
	elab_leave(cx);
	return ok;
}

/*
 * Can this @runtime call raise a script error? Fallible longs are the
 * bstap_try_ ones and _user_read() in its raising form; among strings,
 * the memory readers (user_string, kernel_string...) and ctime().
 */
static bool runtime_may_raise(const struct expr *e)
{
	const char *rt = e->func->runtime;

	if (!strncmp(rt, "bstap_try_", 10) || strstr(rt, "string") ||
	    !strcmp(rt, "bstap_ctime"))
		return true;
	if (!strcmp(rt, "bstap_user_read"))
		return !(e->args.n == 4 && e->args.v[3]->kind == EXPR_NUMBER &&
			 e->args.v[3]->num == 0);
	return false;
}

/* A script function and its fallbacks (a `next` in one is not pure). */
static bool bodies_pure(struct elab_ctx *cx, struct function_decl *fd)
{
	for (; fd; fd = fd->fallback)
		if (!fd->body || !pure_body(cx, fd->body))
			return false;
	return true;
}

static bool pure(struct elab_ctx *cx, struct expr *e)
{
	bool ok;

	if (!e)
		return true;
	if (!elab_enter(cx, e->loc))
		return false;
	switch (e->kind) {
	case EXPR_ASSIGN:
	case EXPR_INCDEC:
		ok = false;
		break;
	case EXPR_CALL:
		ok = e->func && e->func->type != TYPE_VOID &&
		     ((e->func->runtime &&
		       (pure_try_depth || !runtime_may_raise(e))) ||
		      bodies_pure(cx, e->func)) &&
		     children_pure(cx, e);
		break;
	case EXPR_PRINT:
		ok = print_kind_returns_string(e->print) && children_pure(cx, e);
		break;
	case EXPR_BINARY:
		/* x / 0 raises an error, which must not vanish with the store */
		if ((e->op == OP_DIV || e->op == OP_MOD) &&
		    !(e->right && e->right->kind == EXPR_NUMBER &&
		      e->right->num != 0)) {
			ok = false;
			break;
		}
		/* fall through */
	default:
		ok = children_pure(cx, e);
		break;
	}
	elab_leave(cx);
	return ok;
}

static bool unread_local(struct uses *u, struct expr *target)
{
	return target && target->kind == EXPR_IDENT && target->sym &&
	       target->sym->kind == SYM_LOCAL &&
	       !strmap_get(&u->reads, target->sym);
}

/* One statement: true when it changed. */
static bool elide_expr_stmt(struct uses *u, struct stmt *st)
{
	struct expr *e = st->expr;
	struct expr *keep = NULL;

	if (!e)
		return false;
	if (e->kind == EXPR_ASSIGN && e->op != OP_AGGREGATE &&
	    unread_local(u, e->left))
		keep = e->right;
	else if (e->kind == EXPR_INCDEC && unread_local(u, e->operand))
		keep = NULL;
	else if (e->kind == EXPR_CALL && e->func && !e->func->runtime &&
		 pure(u->cx, e))
		keep = NULL;	/* what an earlier round kept of a store */
	else
		return false;
	if (keep && !pure(u->cx, keep)) {
		st->expr = keep;
	} else {
		st->kind = STMT_NULL;
		st->expr = NULL;
	}
	return true;
}

static bool empty_stmt(const struct stmt *st)
{
	return !st || st->kind == STMT_NULL ||
	       (st->kind == STMT_BLOCK && st->stmts.n == 0);
}

static bool elide_stmt(struct uses *u, struct stmt *st, int depth)
{
	bool changed = false;

	if (!st || depth > ELAB_MAX_DEPTH)
		return false;
	switch (st->kind) {
	case STMT_EXPR:
		return elide_expr_stmt(u, st);
	case STMT_BLOCK: {
		int n = 0;

		for (int i = 0; i < st->stmts.n; i++) {
			struct stmt *c = st->stmts.v[i];

			changed |= elide_stmt(u, c, depth + 1);
			if (c && c->kind != STMT_NULL)
				st->stmts.v[n++] = c;
		}
		st->stmts.n = n;
		return changed;
	}
	case STMT_FOREACH:
		return st->foreach &&
		       elide_stmt(u, st->foreach->body, depth + 1);
	default:
		changed |= elide_stmt(u, st->then_stmt, depth + 1);
		changed |= elide_stmt(u, st->else_stmt, depth + 1);
		changed |= elide_stmt(u, st->body, depth + 1);
		changed |= elide_stmt(u, st->catch_body, depth + 1);
		/* `if (flags & 64) ;` once its branch's stores are gone */
		if (st->kind == STMT_IF && empty_stmt(st->then_stmt) &&
		    empty_stmt(st->else_stmt) && pure(u->cx, st->expr)) {
			st->kind = STMT_NULL;
			st->expr = NULL;
			changed = true;
		}
		return changed;
	}
}

static void keep_referenced(struct uses *u, struct symbol_vec *locals)
{
	int n = 0;

	for (int i = 0; i < locals->n; i++)
		if (strmap_get(&u->refs, locals->v[i]))
			locals->v[n++] = locals->v[i];
	locals->n = n;
}

static void elide_body(struct elab_ctx *cx, struct stmt *body,
		       struct symbol_vec *locals)
{
	struct uses u = { .cx = cx };

	/* each round may free more: argstr = sprintf(..., fd) frees fd */
	for (int round = 0; round < 16; round++) {
		strmap_init(&u.reads, true);
		strmap_init(&u.refs, true);
		count_stmt(&u, body);
		if (!elide_stmt(&u, body, 0))
			break;
	}
	strmap_init(&u.reads, true);
	strmap_init(&u.refs, true);
	count_stmt(&u, body);
	keep_referenced(&u, locals);
}

/* Reachability again, from the bodies as elision left them. */
static void forget_reachability(struct elab_ctx *cx)
{
	for (int i = 0; i < cx->all_funcs.n; i++) {
		cx->all_funcs.v[i]->reachable = false;
		cx->all_funcs.v[i]->decl->uses = 0;
	}
	for (int i = 0; i < cx->all_globals.n; i++)
		cx->all_globals.v[i]->read = cx->all_globals.v[i]->written = false;
}

void elide_unused(struct elab_ctx *cx)
{
	for (int i = 0; i < cx->prog->probes.n; i++) {
		struct elab_probe *ep = cx->prog->probes.v[i];

		elide_body(cx, ep->body, &ep->locals);
	}
	for (int i = 0; i < cx->all_funcs.n; i++) {
		struct elab_function *ef = cx->all_funcs.v[i];

		if (ef->reachable && ef->decl->body)
			elide_body(cx, ef->decl->body, &ef->locals);
	}
	forget_reachability(cx);
	mark_reachable(cx);
}
