// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The preprocessor: macros, positional parameters and conditionals, on
 * tokens, in the two layers stap has.
 *
 * Layer 1 (pp_next1) reads tokens from a stack of frames (the file's lexer,
 * macro bodies, macro arguments, positional arguments), records @define
 * definitions, expands @macro invocations and substitutes $N @N $# @#.
 * Layer 2 (pp_next) decides %( cond %? then %: else %) on what layer 1
 * gives, so conditions may use macros and conditionals may come out of a
 * macro. Tokens in an untaken branch are skipped without expansion.
 */
#define _GNU_SOURCE
#include "preprocess.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "diag.h"
#include "kconfig.h"
#include "session.h"
#include "strmap.h"

/* Deeper than any sane macro nesting; a recursive macro hits it quickly. */
#define PP_MACRO_DEPTH_MAX 64
/* Exponential macros (@a expands to @b @b, @b to @c @c ...) stop here. */
#define PP_EXPANSION_MAX 100000
/* Conditions are a few tokens; a runaway one is a missing %?. */
#define PP_COND_TOKENS_MAX 256

struct tok_array {
	struct token *v;
	int n;
};

/* The parameter bindings of one macro invocation. */
struct pp_scope {
	const struct macro *macro;
	struct tok_array *args;		/* one per macro->params */
	struct pp_scope *parent;	/* where the arguments were written */
	bool library;			/* the macro came from a .stpm file */
};

struct pp_frame {
	struct lexer *lx;		/* the file itself, or NULL */
	struct tok_array toks;		/* otherwise these tokens */
	int pos;
	struct pp_scope *scope;		/* for @param lookups of its tokens */
	int depth;			/* stamped on its tokens (0: keep) */
	bool positional;		/* the text of a $N argument */
	const char *macro;		/* a macro body: its name, */
	struct src_loc call;		/* and where it was called */
};

enum pp_state { PP_KEEP_THEN, PP_SKIP_THEN, PP_KEEP_ELSE, PP_SKIP_ELSE };

struct pp_cond {
	struct token tok;		/* the %( */
	enum pp_state state;
};

struct pp {
	struct session *s;
	const struct source_file *src;
	bool macro_file;
	bool stopped;
	bool depth_reported;
	long expanded;

	VEC(struct pp_frame) frames;
	bool has_pending;
	struct token pending;		/* one token pushed back */
	struct pp_scope *pending_scope;

	VEC(struct pp_cond) conds;
	struct strmap local_macros;	/* name -> struct macro * */
	struct strmap bodies;		/* struct macro * -> struct tok_array * */
	struct kconfig *kconfig;	/* loaded on the first CONFIG_ test */
};

/* The built-in @operators a macro may shadow (with a warning, as stap). */
static const char *const pp_atwords[] = {
	"cast", "defined", "entry", "var", "avg", "count", "sum", "min", "max",
	"variance", "hist_linear", "hist_log", "choose_defined", "runtime",
};

static struct arena *pp_arena(struct pp *pp)
{
	return &pp->s->arena;
}

struct pp *pp_new(struct session *s, const struct source_file *src,
		  bool macro_file)
{
	struct pp *pp = calloc(1, sizeof(*pp));
	struct pp_frame f = { 0 };

	if (!pp)
		abort();
	pp->s = s;
	pp->src = src;
	pp->macro_file = macro_file;
	strmap_init(&pp->local_macros, false);
	strmap_init(&pp->bodies, true);
	f.lx = lexer_new(s, src, src->text, src->len, 1, 1, 0, false);
	vec_push(pp_arena(pp), &pp->frames, f);
	return pp;
}

void pp_free(struct pp *pp)
{
	if (!pp)
		return;
	for (int i = 0; i < pp->frames.n; i++)
		lexer_free(pp->frames.v[i].lx);
	free(pp);
}

void pp_stop(struct pp *pp)
{
	pp->stopped = true;
}

/* ------------------------------------------------------------ frames */

static void pp_push_tokens(struct pp *pp, struct tok_array toks,
			   struct pp_scope *scope, int depth, bool positional)
{
	struct pp_frame f = {
		.toks = toks,
		.scope = scope,
		.depth = depth,
		.positional = positional,
	};

	pp->expanded += toks.n;
	if (pp->expanded > PP_EXPANSION_MAX) {
		struct token *t = toks.n ? &toks.v[0] : NULL;
		struct src_loc loc = t ? t->loc : (struct src_loc){ .file = pp->src };

		diag_hint(diag_error(pp->s, loc,
				     "macro expansion produced more than %d tokens",
				     PP_EXPANSION_MAX),
			  "a macro that uses another one several times grows exponentially; simplify the macros");
		pp_stop(pp);
		return;
	}
	vec_push(pp_arena(pp), &pp->frames, f);
}

/* Read from the top frame only; TOK_EOF when it is used up. */
static void pp_read_top(struct pp *pp, struct token *t,
			struct pp_scope **scope, bool *positional)
{
	struct pp_frame *f;

	if (pp->has_pending) {
		*t = pp->pending;
		*scope = pp->pending_scope;
		*positional = false;
		pp->has_pending = false;
		return;
	}
	f = &pp->frames.v[pp->frames.n - 1];
	*scope = f->scope;
	*positional = f->positional;
	if (f->lx) {
		lexer_next(f->lx, t);
		return;
	}
	if (f->pos >= f->toks.n) {
		memset(t, 0, sizeof(*t));
		t->type = TOK_EOF;
		t->text = "";
		if (f->toks.n)
			t->loc = f->toks.v[f->toks.n - 1].loc;
		return;
	}
	*t = f->toks.v[f->pos++];
	if (f->depth)
		t->depth = f->depth;
	if (f->macro) {
		t->macro = f->macro;
		t->call = f->call;
	}
}

static void pp_push_back(struct pp *pp, const struct token *t,
			 struct pp_scope *scope)
{
	pp->pending = *t;
	pp->pending_scope = scope;
	pp->has_pending = true;
}

/* Next raw token from whatever frame is current, leaving used-up ones. */
static void pp_raw(struct pp *pp, struct token *t, struct pp_scope **scope,
		   bool *positional)
{
	for (;;) {
		pp_read_top(pp, t, scope, positional);
		if (t->type != TOK_EOF || pp->frames.n == 1)
			return;
		pp->frames.n--;
	}
}

/* --------------------------------------------------------- @define */

static void pp_report_token_errors(struct pp *pp, struct tok_array *a)
{
	int out = 0;

	for (int i = 0; i < a->n; i++) {
		struct token *t = &a->v[i];

		if (t->error) {
			struct diag *d = t->error_is_warning ?
				diag_warning(pp->s, t->loc, "%s", t->error) :
				diag_error(pp->s, t->loc, "%s", t->error);

			if (t->hint)
				diag_hint(d, "%s", t->hint);
			t->error = NULL;
		}
		if (t->type != TOK_ERROR)
			a->v[out++] = *t;
	}
	a->n = out;
}

static const struct macro *pp_find_library(struct pp *pp, const char *name)
{
	for (int i = 0; i < pp->s->macros.n; i++)
		if (!strcmp(pp->s->macros.v[i]->name, name))
			return pp->s->macros.v[i];
	return NULL;
}

/* Read `NAME [(a, b)]` after @define; false (reported) when malformed. */
static bool pp_define_signature(struct pp *pp, struct macro *m,
				struct token *t)
{
	struct pp_scope *scope;
	bool positional;

	pp_read_top(pp, t, &scope, &positional);
	if (t->type != TOK_IDENT) {
		diag_hint(diag_error(pp->s, t->loc,
				     "expected a macro name after '@define', found %s",
				     tok_describe(t->type)),
			  "write @define NAME %%( body %%) or @define NAME(a, b) %%( body %%)");
		return false;
	}
	m->name = t->text;
	m->loc = t->loc;
	pp_read_top(pp, t, &scope, &positional);
	if (t->type != '(')
		return true;
	for (;;) {
		pp_read_top(pp, t, &scope, &positional);
		if (t->type != TOK_IDENT) {
			diag_hint(diag_error(pp->s, t->loc,
					     "expected a parameter name in the definition of macro '@%s', found %s",
					     m->name, tok_describe(t->type)),
				  "parameters are plain names, used as @name in the body");
			return false;
		}
		for (int i = 0; i < m->params.n; i++) {
			if (!strcmp(m->params.v[i], t->text)) {
				diag_error(pp->s, t->loc,
					   "macro '@%s' has two parameters named '%s'",
					   m->name, t->text);
				return false;
			}
		}
		vec_push(pp_arena(pp), &m->params, t->text);
		pp_read_top(pp, t, &scope, &positional);
		if (t->type == ')')
			break;
		if (t->type != ',') {
			diag_error(pp->s, t->loc,
				   "expected ',' or ')' in the parameters of macro '@%s', found %s",
				   m->name, tok_describe(t->type));
			return false;
		}
	}
	pp_read_top(pp, t, &scope, &positional);
	return true;
}

static void pp_register_macro(struct pp *pp, struct macro *m)
{
	const struct macro *old;

	if (!strcmp(m->name, "define")) {
		diag_error(pp->s, m->loc, "'@define' cannot be redefined");
		return;
	}
	for (size_t i = 0; i < sizeof(pp_atwords) / sizeof(pp_atwords[0]); i++)
		if (!strcmp(m->name, pp_atwords[i]))
			diag_warning(pp->s, m->loc,
				     "macro '@%s' hides the built-in operator '@%s'",
				     m->name, m->name);
	if (pp->macro_file) {
		old = pp_find_library(pp, m->name);
		if (old) {
			diag_note(diag_error(pp->s, m->loc,
					     "duplicate definition of library macro '@%s'",
					     m->name),
				  old->loc, "'@%s' was first defined here",
				  m->name);
			return;
		}
		m->from_tapset = true;
		vec_push(pp_arena(pp), &pp->s->macros, m);
		return;
	}
	old = strmap_get(&pp->local_macros, m->name);
	if (old) {
		diag_hint(diag_note(diag_error(pp->s, m->loc,
					       "macro '@%s' is defined twice in this file",
					       m->name),
				    old->loc, "'@%s' was first defined here",
				    m->name),
			  "rename one of them");
		return;
	}
	strmap_put(pp_arena(pp), &pp->local_macros, m->name, m);
}

/* @define NAME [(params)] %( body %): the @define token is consumed. */
static void pp_define(struct pp *pp, const struct token *def,
		      bool in_expansion)
{
	struct macro *m = arena_new(pp_arena(pp), struct macro);
	struct tok_array *body = arena_new(pp_arena(pp), struct tok_array);
	VEC(struct token) toks = { 0 };
	struct token t, open;
	struct pp_scope *scope;
	bool positional;
	int nest = 0;

	if (in_expansion) {
		diag_error(pp->s, def->loc,
			   "'@define' is not allowed inside a macro body or argument");
		return;
	}
	m->file = pp->src;
	if (!pp_define_signature(pp, m, &t)) {
		if (t.type != TOK_EOF)
			pp_push_back(pp, &t, NULL);
		return;
	}
	if (t.type != TOK_PP_IF) {
		diag_hint(diag_error(pp->s, t.loc,
				     "expected '%%(' to start the body of macro '@%s', found %s",
				     m->name, tok_describe(t.type)),
			  "write @define %s %%( body %%)", m->name);
		if (t.type != TOK_EOF)
			pp_push_back(pp, &t, NULL);
		return;
	}
	open = t;
	for (;;) {
		pp_read_top(pp, &t, &scope, &positional);
		if (t.type == TOK_EOF) {
			diag_hint(diag_error(pp->s, def->loc,
					     "unterminated definition of macro '@%s': no '%%)' closes its body",
					     m->name),
				  "end the body with '%%)'");
			return;
		}
		if (t.type == TOK_PP_IF)
			nest++;
		else if (t.type == TOK_PP_END && nest-- == 0)
			break;
		vec_push(pp_arena(pp), &toks, t);
	}
	m->body_loc = open.loc;
	m->body_loc.col += 2;
	m->body_loc.len = 0;
	m->body = arena_strndup(pp_arena(pp), pp->src->text + open.end,
				t.off - open.end);
	body->v = toks.v;
	body->n = toks.n;
	pp_report_token_errors(pp, body);
	pp_register_macro(pp, m);
	strmap_put(pp_arena(pp), &pp->bodies, m, body);
}

/* ------------------------------------------------------ invocations */

static struct tok_array *pp_body(struct pp *pp, const struct macro *m)
{
	struct tok_array *body = strmap_get(&pp->bodies, m);
	struct lexer *lx;
	VEC(struct token) toks = { 0 };
	struct token t;

	if (body)
		return body;
	/* A library macro: lex its text here, quietly (its file was
	 * checked when it was read). */
	lx = lexer_new(pp->s, m->body_loc.file, m->body, strlen(m->body),
		       m->body_loc.line, m->body_loc.col, 0, true);
	for (;;) {
		lexer_next(lx, &t);
		if (t.type == TOK_EOF)
			break;
		t.error = NULL;
		if (t.type != TOK_ERROR)
			vec_push(pp_arena(pp), &toks, t);
	}
	lexer_free(lx);
	body = arena_new(pp_arena(pp), struct tok_array);
	body->v = toks.v;
	body->n = toks.n;
	strmap_put(pp_arena(pp), &pp->bodies, m, body);
	return body;
}

/* Collect `(a, b)` of an invocation from the current frame. */
static bool pp_collect_args(struct pp *pp, const struct token *at,
			    const struct macro *m, struct tok_array *args)
{
	struct token t;
	struct pp_scope *scope;
	bool positional;
	int nargs = m->params.n, i = 0, nest = 0;
	VEC(struct token) cur = { 0 };

	pp_read_top(pp, &t, &scope, &positional);
	if (t.type != '(') {
		diag_hint(diag_error(pp->s, t.type == TOK_EOF ? at->loc : t.loc,
				     "expected '(' after '@%s': the macro takes %d parameter%s",
				     m->name, nargs, nargs == 1 ? "" : "s"),
			  "call it as @%s(...)", m->name);
		if (t.type != TOK_EOF) {
			/* Put it back under the 0 that stands in for the call. */
			struct tok_array a = { .v = arena_new(pp_arena(pp), struct token),
					       .n = 1 };

			a.v[0] = t;
			pp_push_tokens(pp, a, scope, 0, false);
		}
		return false;
	}
	for (;;) {
		pp_read_top(pp, &t, &scope, &positional);
		if (t.type == TOK_EOF) {
			diag_hint(diag_error(pp->s, at->loc,
					     "unterminated call of macro '@%s': no ')' closes its arguments",
					     m->name),
				  "close the argument list with ')'");
			return false;
		}
		if (t.type == '(' || t.type == '[') {
			nest++;
		} else if (nest && (t.type == ')' || t.type == ']')) {
			nest--;
		} else if (!nest && (t.type == ',' || t.type == ')')) {
			if (i < nargs) {
				args[i].v = cur.v;
				args[i].n = cur.n;
			}
			i++;
			cur.v = NULL;
			cur.n = cur.cap = 0;
			if (t.type == ')')
				break;
			continue;
		}
		vec_push(pp_arena(pp), &cur, t);
	}
	if (i != nargs) {
		diag_error(pp->s, t.loc,
			   "macro '@%s' takes %d argument%s, but %d %s given",
			   m->name, nargs, nargs == 1 ? "" : "s", i,
			   i == 1 ? "was" : "were");
		return false;
	}
	return true;
}

static bool pp_too_deep(struct pp *pp, const struct token *at)
{
	if (at->depth < PP_MACRO_DEPTH_MAX)
		return false;
	if (!pp->depth_reported)
		diag_hint(diag_error(pp->s, at->loc,
				     "macro '@%s' expands more than %d levels deep",
				     at->text, PP_MACRO_DEPTH_MAX),
			  "a macro that uses itself never ends; check for recursion");
	pp->depth_reported = true;
	return true;
}

/* Stand a 0 in for what could not be expanded, so one error stays one. */
static void pp_placeholder(struct pp *pp, const struct token *at)
{
	struct tok_array a = { .v = arena_new(pp_arena(pp), struct token),
			       .n = 1 };

	a.v[0] = *at;
	a.v[0].type = TOK_NUMBER;
	a.v[0].text = "0";
	a.v[0].num = 0;
	pp_push_tokens(pp, a, NULL, 0, false);
}

/* @NAME: a parameter, a macro of this file or of a library. */
static bool pp_expand_at(struct pp *pp, const struct token *at,
			 struct pp_scope *scope)
{
	const struct macro *m = NULL;
	struct pp_scope *inv;

	if (scope) {
		for (int i = 0; i < scope->macro->params.n; i++) {
			if (strcmp(scope->macro->params.v[i], at->text))
				continue;
			if (pp_too_deep(pp, at)) {
				pp_placeholder(pp, at);
				return true;
			}
			pp_push_tokens(pp, scope->args[i], scope->parent,
				       at->depth + 1, false);
			return true;
		}
	}
	if (!(scope && scope->library))
		m = strmap_get(&pp->local_macros, at->text);
	if (!m)
		m = pp_find_library(pp, at->text);
	if (!m)
		return false;
	if (pp_too_deep(pp, at)) {
		pp_placeholder(pp, at);
		return true;
	}
	inv = arena_new(pp_arena(pp), struct pp_scope);
	inv->macro = m;
	inv->parent = scope;
	inv->library = m->from_tapset;
	inv->args = arena_alloc(pp_arena(pp),
				sizeof(struct tok_array) * (size_t)(m->params.n + 1));
	if (m->params.n && !pp_collect_args(pp, at, m, inv->args)) {
		pp_placeholder(pp, at);
		return true;
	}
	pp_push_tokens(pp, *pp_body(pp, m), inv, at->depth + 1, false);
	if (!pp->stopped) {
		struct pp_frame *f = &pp->frames.v[pp->frames.n - 1];

		/* a call written in another macro's body points at that
		 * macro's call: the user wrote that one */
		f->macro = at->macro ? at->macro : m->name;
		f->call = at->macro ? at->call : at->loc;
	}
	return true;
}

/* ------------------------------------------------------ positionals */

static void pp_positional(struct pp *pp, const struct token *t,
			  bool nested)
{
	int nargs = pp->s->args.n;
	struct token out = *t;
	struct tok_array a = { 0 };
	VEC(struct token) toks = { 0 };
	struct lexer *lx;
	const char *arg;

	out.text = "";
	out.num = 0;
	if (nested) {
		diag_error(pp->s, t->loc,
			   "a command line argument cannot use another one (%s%lld inside an argument)",
			   t->text, (long long)t->num);
		return;
	}
	if (t->num < 1 || t->num > nargs) {
		struct diag *d;

		if (nargs)
			d = diag_error(pp->s, t->loc,
				       "command line argument index %lld out of range [1-%d]",
				       (long long)t->num, nargs);
		else
			d = diag_error(pp->s, t->loc,
				       "command line argument index %lld out of range: no arguments were given",
				       (long long)t->num);
		diag_hint(d, "pass arguments after the script: bstap script.stp ARG1 ARG2 ...");
		/* Stand in a 0 or "" so one mistake gives one error. */
		out.type = t->text[0] == '@' ? TOK_STRING : TOK_NUMBER;
		a.v = arena_new(pp_arena(pp), struct token);
		a.v[0] = out;
		a.n = 1;
		pp_push_tokens(pp, a, NULL, 0, true);
		return;
	}
	arg = pp->s->args.v[t->num - 1];
	if (t->text[0] == '@') {
		out.type = TOK_STRING;
		out.text = arg;
		a.v = arena_new(pp_arena(pp), struct token);
		a.v[0] = out;
		a.n = 1;
		pp_push_tokens(pp, a, NULL, 0, true);
		return;
	}
	/* $N is pasted in as source text, as stap does. */
	lx = lexer_new(pp->s, t->loc.file, arg, strlen(arg), t->loc.line,
		       t->loc.col, t->off, true);
	for (;;) {
		struct token at;

		lexer_next(lx, &at);
		if (at.type == TOK_EOF)
			break;
		at.loc = t->loc;
		at.off = t->off;
		at.end = t->end;
		at.depth = t->depth;
		if (at.error)
			at.error = arena_printf(pp_arena(pp),
						"in command line argument %s%lld ('%s'): %s",
						t->text, (long long)t->num,
						arg, at.error);
		vec_push(pp_arena(pp), &toks, at);
	}
	lexer_free(lx);
	a.v = toks.v;
	a.n = toks.n;
	pp_push_tokens(pp, a, NULL, 0, true);
}

static void pp_param_count(struct pp *pp, struct token *t)
{
	int nargs = pp->s->args.n;

	if (t->num) {
		t->type = TOK_STRING;
		t->text = arena_printf(pp_arena(pp), "%d", nargs);
	} else {
		t->type = TOK_NUMBER;
		t->text = "";
	}
	t->num = nargs;
}

/* Layer 1. skipping: inside an untaken branch, expand nothing. */
static void pp_next1(struct pp *pp, struct token *t, bool skipping)
{
	struct pp_scope *scope;
	bool positional;

	for (;;) {
		if (pp->stopped) {
			memset(t, 0, sizeof(*t));
			t->type = TOK_EOF;
			t->text = "";
			return;
		}
		pp_raw(pp, t, &scope, &positional);
		if (skipping)
			return;
		switch (t->type) {
		case TOK_AT:
			if (!strcmp(t->text, "define")) {
				pp_define(pp, t, pp->frames.n > 1 ||
						 scope || positional);
				continue;
			}
			if (pp_expand_at(pp, t, scope))
				continue;
			return;
		case TOK_POSITIONAL:
			pp_positional(pp, t, positional);
			continue;
		case TOK_PARAM_COUNT:
			pp_param_count(pp, t);
			return;
		default:
			return;
		}
	}
}

/* ---------------------------------------------------- conditionals */

struct pp_cond_parse {
	struct pp *pp;
	struct token *v;
	int n, pos;
	bool failed;
};

static const struct token *cp_peek(struct pp_cond_parse *cp)
{
	return &cp->v[cp->pos < cp->n ? cp->pos : cp->n];
}

static void cp_fail(struct pp_cond_parse *cp, const struct token *t,
		    const char *msg, const char *hint)
{
	struct diag *d;

	if (cp->failed)
		return;
	cp->failed = true;
	d = diag_error(cp->pp->s, t->loc, "%s", msg);
	if (hint)
		diag_hint(d, "%s", hint);
}

static int cmp_sign(long long c)
{
	return c < 0 ? -1 : c > 0;
}

static bool cp_compare(int op, int sign)
{
	switch (op) {
	case '<': return sign < 0;
	case '>': return sign > 0;
	case TOK_LE: return sign <= 0;
	case TOK_GE: return sign >= 0;
	case TOK_EQ: return sign == 0;
	default: return sign != 0;	/* TOK_NE */
	}
}

static bool cp_is_cmp(int type)
{
	return type == '<' || type == '>' || type == TOK_LE || type == TOK_GE ||
	       type == TOK_EQ || type == TOK_NE;
}

/* == and != against a glob, as stap does for arch, runtime, CONFIG_. */
static bool cp_glob(struct pp_cond_parse *cp, const struct token *op,
		    const char *pattern, const char *value)
{
	bool match = fnmatch(pattern, value, FNM_NOESCAPE) == 0;

	if (op->type != TOK_EQ && op->type != TOK_NE) {
		cp_fail(cp, op, "only '==' and '!=' can test this condition",
			"the right side is a pattern (it may use * ? [...])");
		return false;
	}
	return op->type == TOK_EQ ? match : !match;
}

static bool cp_version(struct pp_cond_parse *cp, const struct token *op,
		       const char *pattern, const char *value)
{
	if (strpbrk(pattern, "*?[")) {
		if (op->type != TOK_EQ && op->type != TOK_NE) {
			cp_fail(cp, op,
				"a version with wildcards can only be tested with '==' or '!='",
				"compare with a plain version such as \"5.10\" for ordering");
			return false;
		}
		return cp_glob(cp, op, pattern, value);
	}
	return cp_compare(op->type, cmp_sign(strverscmp(value, pattern)));
}

static bool cp_number_value(const char *s, long long *v)
{
	char *end;

	*v = strtoll(s, &end, 0);
	return *end == '\0';
}

static const char *cp_kconfig(struct pp_cond_parse *cp, const char *name)
{
	if (!cp->pp->kconfig)
		cp->pp->kconfig = kconfig_load(cp->pp->s);
	return kconfig_value(cp->pp->kconfig, name);
}

static bool cp_config(struct pp_cond_parse *cp, const struct token *l,
		      const struct token *op, const struct token *r)
{
	const char *lv = cp_kconfig(cp, l->text);
	long long a, b;

	if (r->type == TOK_STRING)
		return cp_glob(cp, op, r->text, lv);
	if (r->type == TOK_NUMBER) {
		if (!cp_number_value(lv, &a)) {
			cp_fail(cp, l, "this kernel option is not a number",
				"compare it with a string, such as == \"y\"");
			return false;
		}
		return cp_compare(op->type, cmp_sign(a < r->num ? -1 : a > r->num));
	}
	if (r->type == TOK_IDENT && !strncmp(r->text, "CONFIG_", 7)) {
		const char *rv = cp_kconfig(cp, r->text);

		if (cp_number_value(lv, &a) && cp_number_value(rv, &b))
			return cp_compare(op->type, cmp_sign(a < b ? -1 : a > b));
		return cp_compare(op->type, cmp_sign(strcmp(lv, rv)));
	}
	cp_fail(cp, r, "expected a string, a number or a CONFIG_ option after the comparison",
		NULL);
	return false;
}

static const char *cp_kernel(struct pp_cond_parse *cp, bool base)
{
	struct session *s = cp->pp->s;
	const char *release = s->kernel_release;
	struct utsname u;

	if (!release) {
		release = uname(&u) == 0 ?
			  arena_strdup(pp_arena(cp->pp), u.release) : "0.0.0";
	}
	return base ? kernel_base_release(s, release) : release;
}

static bool cp_want_string(struct pp_cond_parse *cp, const struct token *l,
			   const struct token *r)
{
	if (r->type == TOK_STRING)
		return true;
	cp_fail(cp, r, arena_printf(pp_arena(cp->pp),
				    "expected a string after '%s' and the comparison, found %s",
				    l->text, tok_describe(r->type)),
		"write the value in double quotes");
	return false;
}

/* l op r, following stap's eval_pp_conditional. */
static bool cp_test(struct pp_cond_parse *cp, const struct token *l,
		    const struct token *op, const struct token *r)
{
	struct session *s = cp->pp->s;

	if (l->type == TOK_IDENT) {
		const char *name = l->text;

		if (!strcmp(name, "kernel_v") || !strcmp(name, "kernel_vr"))
			return cp_want_string(cp, l, r) &&
			       cp_version(cp, op, r->text,
					  cp_kernel(cp, name[8] != 'r'));
		if (!strcmp(name, "systemtap_v"))
			return cp_want_string(cp, l, r) &&
			       cp_version(cp, op, r->text, "4.8");
		if (!strcmp(name, "arch"))
			return cp_want_string(cp, l, r) &&
			       cp_glob(cp, op, r->text,
				       s->arch ? s->arch : "x86_64");
		if (!strcmp(name, "runtime"))
			return cp_want_string(cp, l, r) &&
			       cp_glob(cp, op, r->text, "bpf");
		if (!strcmp(name, "systemtap_privilege")) {
			if (!cp_want_string(cp, l, r))
				return false;
			if (op->type != TOK_EQ && op->type != TOK_NE) {
				cp_fail(cp, op, "only '==' and '!=' can test systemtap_privilege", NULL);
				return false;
			}
			/* bstap loads BPF: it always runs with full privilege. */
			return (strcmp(r->text, "stapdev") == 0) ==
			       (op->type == TOK_EQ);
		}
		if (!strcmp(name, "guru_mode")) {
			if (r->type != TOK_NUMBER || (r->num != 0 && r->num != 1)) {
				cp_fail(cp, r, "guru_mode is compared with 0 or 1", NULL);
				return false;
			}
			if (op->type != TOK_EQ && op->type != TOK_NE) {
				cp_fail(cp, op, "only '==' and '!=' can test guru_mode", NULL);
				return false;
			}
			return cp_compare(op->type, cmp_sign((long long)s->guru - r->num));
		}
		if (!strncmp(name, "CONFIG_", 7))
			return cp_config(cp, l, op, r);
	}
	if (l->type == TOK_STRING && r->type == TOK_STRING)
		return cp_compare(op->type, cmp_sign(strcmp(l->text, r->text)));
	if (l->type == TOK_NUMBER && r->type == TOK_NUMBER)
		return cp_compare(op->type,
				  cmp_sign(l->num < r->num ? -1 : l->num > r->num));
	if (l->type == TOK_STRING || l->type == TOK_NUMBER) {
		cp_fail(cp, r, l->type == TOK_STRING ?
			"a string can only be compared with a string" :
			"a number can only be compared with a number", NULL);
		return false;
	}
	cp_fail(cp, l, l->type == TOK_IDENT ?
		arena_printf(pp_arena(cp->pp),
			     "unknown preprocessor condition '%s'", l->text) :
		arena_printf(pp_arena(cp->pp),
			     "unexpected %s at the start of a condition",
			     tok_describe(l->type)),
		"a condition compares kernel_v, kernel_vr, arch, runtime, systemtap_v, systemtap_privilege, guru_mode, a CONFIG_ option, $# or two literals, e.g. %( kernel_v >= \"5.8\" %? ... %)");
	return false;
}

static bool cp_or(struct pp_cond_parse *cp, int nest);

static bool cp_atom(struct pp_cond_parse *cp, int nest)
{
	const struct token *l = cp_peek(cp), *op, *r;
	bool v;

	if (l->type == '(' && nest < 32) {
		cp->pos++;
		v = cp_or(cp, nest + 1);
		if (cp_peek(cp)->type != ')')
			cp_fail(cp, cp_peek(cp), "expected ')' in the condition",
				NULL);
		else
			cp->pos++;
		return v;
	}
	if (l->type == TOK_PP_THEN || l->type == TOK_EOF) {
		cp_fail(cp, l, "expected a condition after '%('",
			"write %( kernel_v >= \"5.8\" %? ... %: ... %)");
		return false;
	}
	cp->pos++;
	op = cp_peek(cp);
	if (!cp_is_cmp(op->type)) {
		cp_fail(cp, op, arena_printf(pp_arena(cp->pp),
					     "expected a comparison operator after %s in the condition, found %s",
					     tok_describe(l->type),
					     tok_describe(op->type)),
			"conditions are comparisons, e.g. arch == \"x86_64\"");
		return false;
	}
	cp->pos++;
	r = cp_peek(cp);
	if (r->type == TOK_PP_THEN || r->type == TOK_EOF) {
		cp_fail(cp, r, "expected a value after the comparison operator",
			NULL);
		return false;
	}
	cp->pos++;
	return cp_test(cp, l, op, r);
}

/* && binds tighter than ||, as in stap; both evaluate every operand. */
static bool cp_and(struct pp_cond_parse *cp, int nest)
{
	bool v = cp_atom(cp, nest);

	while (!cp->failed && cp_peek(cp)->type == TOK_ANDAND) {
		cp->pos++;
		v = cp_atom(cp, nest) && v;
	}
	return v;
}

static bool cp_or(struct pp_cond_parse *cp, int nest)
{
	bool v = cp_and(cp, nest);

	while (!cp->failed && cp_peek(cp)->type == TOK_OROR) {
		cp->pos++;
		v = cp_and(cp, nest) || v;
	}
	return v;
}

static void pp_deliver_error(struct pp *pp, struct token *t);

/*
 * After %(: read the condition up to %? and decide. The token that ended
 * the condition, when it is not %?, is pushed back.
 */
static bool pp_condition(struct pp *pp, const struct token *open)
{
	VEC(struct token) toks = { 0 };
	struct pp_cond_parse cp = { .pp = pp };
	struct token t;
	bool v;

	for (;;) {
		pp_next1(pp, &t, false);
		pp_deliver_error(pp, &t);
		if (t.type == TOK_PP_THEN || t.type == TOK_EOF ||
		    t.type == TOK_PP_IF || t.type == TOK_PP_ELSE ||
		    t.type == TOK_PP_END || toks.n >= PP_COND_TOKENS_MAX)
			break;
		if (t.type != TOK_ERROR)
			vec_push(pp_arena(pp), &toks, t);
	}
	/* A sentinel so the parser of conditions can always peek. */
	vec_push(pp_arena(pp), &toks, t);
	cp.v = toks.v;
	cp.n = toks.n - 1;
	v = cp_or(&cp, 0);
	if (!cp.failed && cp.pos < cp.n)
		cp_fail(&cp, &cp.v[cp.pos],
			arena_printf(pp_arena(pp),
				     "unexpected %s in the condition: expected '&&', '||' or '%%?'",
				     tok_describe(cp.v[cp.pos].type)),
			NULL);
	if (t.type != TOK_PP_THEN) {
		if (!cp.failed)
			diag_hint(diag_error(pp->s, t.type == TOK_EOF ? open->loc : t.loc,
					     "expected '%%?' after the condition of this '%%('"),
				  "write %%( CONDITION %%? TOKENS %%: TOKENS %%)");
		cp.failed = true;
		if (t.type != TOK_EOF)
			pp_push_back(pp, &t, NULL);
	}
	return cp.failed ? false : v;
}

/* Skip an untaken branch: up to its %: or %) (returned in t). */
static void pp_skip(struct pp *pp, struct token *t)
{
	int nest = 0;

	for (;;) {
		pp_next1(pp, t, true);
		if (t->type == TOK_EOF)
			return;
		if (t->type == TOK_PP_IF)
			nest++;
		else if (nest && t->type == TOK_PP_END)
			nest--;
		else if (!nest && (t->type == TOK_PP_ELSE ||
				   t->type == TOK_PP_END))
			return;
	}
}

static void pp_deliver_error(struct pp *pp, struct token *t)
{
	struct diag *d;

	if (!t->error)
		return;
	d = t->error_is_warning ? diag_warning(pp->s, t->loc, "%s", t->error) :
				  diag_error(pp->s, t->loc, "%s", t->error);
	if (t->hint)
		diag_hint(d, "%s", t->hint);
	t->error = NULL;
}

static void pp_stray(struct pp *pp, const struct token *t, const char *what)
{
	diag_hint(diag_error(pp->s, t->loc, "'%s' without a matching '%%('",
			     what),
		  "a conditional is %%( CONDITION %%? TOKENS %%: TOKENS %%)");
}

void pp_next(struct pp *pp, struct token *t)
{
	for (;;) {
		struct pp_cond *top = pp->conds.n ?
			&pp->conds.v[pp->conds.n - 1] : NULL;

		if (top && (top->state == PP_SKIP_THEN ||
			    top->state == PP_SKIP_ELSE))
			pp_skip(pp, t);
		else
			pp_next1(pp, t, false);
		switch (t->type) {
		case TOK_EOF:
			/* after pp_stop, an open conditional is no news */
			if (top && !pp->stopped) {
				diag_hint(diag_error(pp->s, top->tok.loc,
						     "unterminated conditional: this '%%(' has no '%%)'"),
					  "end the conditional with '%%)'");
				pp->conds.n = 0;
			}
			return;
		case TOK_PP_THEN:
			pp_stray(pp, t, "%?");
			continue;
		case TOK_PP_ELSE:
			if (!top) {
				pp_stray(pp, t, "%:");
			} else if (top->state == PP_KEEP_ELSE ||
				   top->state == PP_SKIP_ELSE) {
				diag_note(diag_error(pp->s, t->loc,
						     "a second '%%:' in one conditional"),
					  top->tok.loc, "the conditional starts here");
			} else {
				top->state = top->state == PP_KEEP_THEN ?
					     PP_SKIP_ELSE : PP_KEEP_ELSE;
			}
			continue;
		case TOK_PP_END:
			if (!top)
				pp_stray(pp, t, "%)");
			else
				pp->conds.n--;
			continue;
		case TOK_PP_IF: {
			struct pp_cond c = { .tok = *t };

			c.state = pp_condition(pp, t) ? PP_KEEP_THEN :
							PP_SKIP_THEN;
			vec_push(pp_arena(pp), &pp->conds, c);
			continue;
		}
		default:
			break;
		}
		pp_deliver_error(pp, t);
		if (t->type == TOK_ERROR)
			continue;
		return;
	}
}
