/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SystemTap-language grammar.
 *
 * Precedence and associativity follow stap's recursive-descent parser
 * (parse.cxx), lowest first: assignment (right), ternary, ||, &&, |, ^, &,
 * `in`, comparisons and =~ !~, shifts, `.`, + -, * / %, unary, ++ --,
 * then values with ->member and [index] chains. The levels are written out
 * as rules rather than %left declarations so each is plainly stap's.
 *
 * Semicolons between statements are optional, as in stap. That makes the
 * grammar ambiguous where a token may both continue an expression and start
 * the next statement (`a \n -b`, `f \n (x)`, `x \n [k] in a`, `return \n x`):
 * bison's shift wins, which is stap's greedy choice. Those are the expected
 * conflicts counted by %expect.
 */
%define api.pure full
%define api.location.type {struct src_loc}
%define parse.error custom
%define parse.lac full
%locations
%param {struct parser *p}
%expect 39

%code requires {
#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct parser;

/* What a token carries into the grammar. */
struct tokval {
	const char *text;
	int64_t num;
	bool ws;		/* whitespace before it */
	struct src_loc loc;
};

/* Lists under construction. */
struct glist {
	VEC(struct global_decl *) v;
};

struct chain {
	VEC(struct component) v;
	enum pretty_print pretty;
	struct src_loc pretty_loc;
};

#define YYLLOC_DEFAULT(cur, rhs, n)					\
	do {								\
		if (n) {						\
			(cur) = YYRHSLOC(rhs, 1);			\
		} else {						\
			(cur) = YYRHSLOC(rhs, 0);			\
			(cur).len = 0;					\
		}							\
	} while (0)
}

%code provides {
struct file_ast;
}

%code {
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parse.h"
#include "preprocess.h"
#include "regex_diag.h"
#include "session.h"

/* Beyond this, a script is generated or hostile; downstream passes recurse. */
#define MAX_AST_DEPTH 1000
#define MAX_BRACKET_DEPTH 200
#define MAX_SYNTAX_ERRORS 30

#define YYMAXDEPTH 10000

struct bracket {
	int type;
	struct src_loc loc;
};

struct parser {
	struct session *s;
	const struct source_file *src;
	struct pp *pp;
	struct file_ast *file;
	struct probe_point *point;	/* parse_probe_point's result */
	int start_token;
	int nsyntax;
	bool stopped;
	bool in_function;
	VEC(struct bracket) brackets;
	VEC(struct expr *) bare_hists;	/* @hist_* used whole, to check */
	struct token last, prev;	/* the lookahead and the one before */
	struct token held;		/* a declaration keyword inside a block */
	bool has_held;
	int inject;			/* '}' still to give before it */
	bool last_injected;		/* the lookahead is one of those */
	struct src_loc embedded_reported; /* a %{ already called unsupported */
};

static int yylex(YYSTYPE *lval, struct src_loc *lloc, struct parser *p);
static void yyerror(struct src_loc *loc, struct parser *p, const char *msg);

#define A (&p->s->arena)
#define VEC_SET(dst, src) do {						\
	(dst).v = (src).v; (dst).n = (src).n; (dst).cap = (src).cap;	\
} while (0)

static struct expr *mk(struct parser *p, enum expr_kind k, struct src_loc l)
{
	return expr_new(A, k, l);
}

static struct expr *mk_bin(struct parser *p, enum expr_kind k, enum op op,
			   struct expr *l, struct expr *r, struct src_loc loc)
{
	struct expr *e = mk(p, k, loc);

	e->op = op;
	e->left = l;
	e->right = r;
	return e;
}

/*
 * str =~ "re": the pattern must be a literal, compiled (and checked) now,
 * as stap does; `right` keeps the literal for its place.
 */
static struct expr *mk_regex(struct parser *p, enum op op, struct expr *l,
			     struct expr *re, struct src_loc loc)
{
	struct expr *e = mk_bin(p, EXPR_REGEX, op, l, re, loc);
	struct regex_dfa dfa;

	e->str = "";
	if (re->kind != EXPR_STRING) {
		diag_hint(diag_error(p->s, re->loc,
				     "the regular expression after '%s' must be a string literal",
				     op_text(op)),
			  "patterns are compiled when the script is translated; write it in quotes: s =~ \"^ab+\"");
		return e;
	}
	e->str = re->str;
	if (regex_compile_at(p->s, re->str, re->loc, &dfa))
		regex_dfa_free(&dfa);
	return e;
}

static struct expr *mk_unary(struct parser *p, enum op op, struct expr *x,
			     struct src_loc loc);
static struct expr *mk_number(struct parser *p, int64_t v, struct src_loc l);
static struct expr *mk_string(struct parser *p, const char *s,
			      struct src_loc l);
static struct expr *mk_dwarf(struct parser *p, struct expr *base,
			     struct chain *c, bool addr, struct src_loc amp);
static struct expr *mk_print(struct parser *p, struct tokval name,
			     struct expr *args);
static struct expr *mk_target(struct parser *p, struct tokval t);
static void chain_member(struct parser *p, struct chain *c, struct tokval arrow,
			 struct tokval name);
static struct probe_point *pp_new_point(struct parser *p,
					struct probe_component c);
static struct tokval glue(struct parser *p, struct tokval a, struct tokval b);
static void add_probe(struct parser *p, struct probe_decl *d, bool priv,
		      struct src_loc loc);
static void add_function(struct parser *p, struct function_decl *f,
			 bool priv);
static void add_globals(struct parser *p, struct glist *g, bool priv);
static struct foreach_stmt *foreach_mark(struct parser *p,
					 struct foreach_stmt *f, int sort,
					 struct src_loc loc);
static int64_t neg(int64_t v);
static void embedded_unsupported(struct parser *p, struct src_loc loc);
}

%union {
	struct tokval tok;
	struct expr *e;
	struct stmt *st;
	struct probe_point *point;
	struct probe_decl *probe;
	struct probe_component comp;
	struct function_decl *func;
	struct param_decl param;
	struct global_decl *global;
	struct glist *glist;
	struct chain *chain;
	struct foreach_stmt *fe;
	struct foreach_var fv;
	enum type_kind type;
	enum op op;
	int i;
}

%token START_FILE START_POINT
%token <tok> IDENT "identifier" TARGET "target variable" DOLLARS "'$'"
%token <tok> NUMBER "number" STRING "string" EMBEDDED "embedded C code"
%token <tok> AT_UNKNOWN "'@' operator"
%token <tok> PROBE "'probe'" GLOBAL "'global'" PRIVATE "'private'"
%token <tok> FUNCTION "'function'" IF "'if'" ELSE "'else'" FOR "'for'"
%token <tok> FOREACH "'foreach'" IN "'in'" LIMIT "'limit'" RETURN "'return'"
%token <tok> DELETE "'delete'" WHILE "'while'" BREAK "'break'"
%token <tok> CONTINUE "'continue'" NEXT "'next'" STRING_KW "'string'"
%token <tok> LONG "'long'" TRY "'try'" CATCH "'catch'"
%token <tok> PRINTFN "print function" STATOP "statistics operator"
%token <tok> AT_HIST_LOG "'@hist_log'" AT_HIST_LINEAR "'@hist_linear'"
%token <tok> CAST "'@cast'" ATVAR "'@var'" DEFINED "'@defined'"
%token <tok> ENTRY "'@entry'" CHOOSE_DEFINED "'@choose_defined'"
%token <tok> RUNTIME "'@runtime'"
%token <tok> SHL3 "'<<<'" USHR "'>>>'" SHL "'<<'" SHR "'>>'"
%token <tok> SHL_ASSIGN "'<<='" SHR_ASSIGN "'>>='" USHR_ASSIGN "'>>>='"
%token <tok> EQ "'=='" NE "'!='" LE "'<='" GE "'>='"
%token <tok> MATCH "'=~'" NOMATCH "'!~'"
%token <tok> ADD_ASSIGN "'+='" SUB_ASSIGN "'-='" MUL_ASSIGN "'*='"
%token <tok> DIV_ASSIGN "'/='" MOD_ASSIGN "'%='" AND_ASSIGN "'&='"
%token <tok> XOR_ASSIGN "'^='" OR_ASSIGN "'|='" CONCAT_ASSIGN "'.='"
%token <tok> ANDAND "'&&'" OROR "'||'" INC "'++'" DEC "'--'" ARROW "'->'"
%token <tok> '(' ')' '[' ']' '{' '}' ',' ';' ':' '?' '!' '.' '*' '='
%token <tok> '-' '+' '/' '%' '<' '>' '~' '&' '|' '^'

%precedence THEN
%precedence ELSE

%type <e> expr assign_expr ternary_expr or_expr and_expr bitor_expr
%type <e> xor_expr bitand_expr in_expr cmp_expr cmp_list shift_expr
%type <e> concat_expr add_expr mul_expr unary_expr crement_expr dwarf_expr
%type <e> dwarf_base value string_lit literal snum hist_op indexable
%type <e> args opt_args index_list in_keys in_key opt_expr print_call
%type <e> stat_call fe_limit fe_slice
%type <op> assign_op cmp_op
%type <chain> chain
%type <tok> member comp_name first_piece cont_piece
%type <st> block stmt_list stmt simple_stmt if_stmt foreach_stmt try_stmt
%type <st> for_stmt opt_catch
%type <point> probe_point components
%type <probe> point_list alias_names probe_head
%type <comp> component
%type <i> pp_suffix fe_mark opt_wrap
%type <e> pp_cond opt_init
%type <func> func_head func_params param_list
%type <param> param
%type <type> opt_type
%type <global> gvar
%type <glist> glist
%type <fe> fe_head fe_keys fe_keylist fe_sort
%type <i> opt_size

%%

start:
	  START_FILE file_decls
	| START_POINT probe_point	{ p->point = $2; }
	;

file_decls:
	  %empty
	| file_decls decl
	| file_decls error
	;

decl:
	  PROBE probe_head block	{ $2->body = $3; add_probe(p, $2, false, @1); }
	| PRIVATE PROBE probe_head block {
		diag_hint(diag_error(p->s, @1, "a probe cannot be private"),
			  "only globals and functions can be private; drop 'private'");
		$3->body = $4;
		add_probe(p, $3, false, @2);
	}
	| func_head block		{ $1->body = $2; add_function(p, $1, false); }
	| func_head EMBEDDED		{
		$1->embedded_c = $2.text;
		add_function(p, $1, false);
	}
	| func_head RUNTIME '(' string_lit ')' ';' {
		$1->runtime = $4->str;
		if (!p->src->is_tapset && !p->s->guru)
			diag_hint(diag_error(p->s, @2,
					     "only tapsets may declare runtime functions"),
				  "@runtime binds a function to bstap's BPF runtime; write the function in the script language instead");
		add_function(p, $1, false);
	}
	| PRIVATE func_head block	{ $2->body = $3; add_function(p, $2, true); }
	| PRIVATE func_head EMBEDDED	{
		$2->embedded_c = $3.text;
		add_function(p, $2, true);
	}
	| PRIVATE func_head RUNTIME '(' string_lit ')' ';' {
		$2->runtime = $5->str;
		if (!p->src->is_tapset && !p->s->guru)
			diag_hint(diag_error(p->s, @3,
					     "only tapsets may declare runtime functions"),
				  "@runtime binds a function to bstap's BPF runtime; write the function in the script language instead");
		add_function(p, $2, true);
	}
	| GLOBAL glist opt_semi		{ add_globals(p, $2, false); }
	| PRIVATE GLOBAL glist opt_semi	{ add_globals(p, $3, true); }
	| PRIVATE glist opt_semi	{ add_globals(p, $2, true); }
	| EMBEDDED {
		struct decl d = { .kind = DECL_EMBEDDED_C, .loc = @1,
				  .code = $1.text };

		d.loc.len = 2;
		embedded_unsupported(p, d.loc);
		vec_push(A, &p->file->decls, d);
	}
	;

opt_semi: %empty | ';' ;

/* ------------------------------------------------------------ probes */

probe_head:
	  point_list		{ $$ = $1; p->in_function = false; }
	| alias_names point_list {
		$$ = $1;
		VEC_SET($$->points, $2->points);
		p->in_function = false;
	}
	;

point_list:
	  probe_point {
		$$ = arena_new(A, struct probe_decl);
		vec_push(A, &$$->points, $1);
	}
	| point_list ',' probe_point	{ $$ = $1; vec_push(A, &$$->points, $3); }
	;

alias_names:
	  probe_point '=' {
		$$ = arena_new(A, struct probe_decl);
		$$->is_alias = true;
		vec_push(A, &$$->alias_names, $1);
	}
	| probe_point ADD_ASSIGN {
		$$ = arena_new(A, struct probe_decl);
		$$->is_alias = true;
		$$->is_epilogue = true;
		vec_push(A, &$$->alias_names, $1);
	}
	| alias_names probe_point '=' { $$ = $1; vec_push(A, &$$->alias_names, $2); }
	| alias_names probe_point ADD_ASSIGN {
		$$ = $1;
		$$->is_epilogue = true;
		vec_push(A, &$$->alias_names, $2);
	}
	;

probe_point:
	  components pp_suffix pp_cond {
		$$ = $1;
		$$->optional = $2 != 0;
		$$->sufficient = $2 == 2;
		$$->condition = $3;
	}
	;

pp_suffix:
	  %empty	{ $$ = 0; }
	| '?'		{ $$ = 1; }
	| '!'		{ $$ = 2; }
	| '?' '!'	{ $$ = 2; diag_error(p->s, @2, "'?' or '!' given twice: '!' already makes the probe point optional"); }
	| '!' '?'	{ $$ = 2; diag_error(p->s, @2, "'?' or '!' given twice: '!' already makes the probe point optional"); }
	| '?' '?'	{ $$ = 1; diag_error(p->s, @2, "'?' given twice"); }
	| '!' '!'	{ $$ = 2; diag_error(p->s, @2, "'!' given twice"); }
	;

pp_cond:
	  %empty		{ $$ = NULL; }
	| IF '(' expr ')'	{ $$ = $3; }
	;

components:
	  component			{ $$ = pp_new_point(p, $1); }
	| components '.' component	{ $$ = $1; vec_push(A, &$$->components, $3); }
	;

component:
	  comp_name {
		memset(&$$, 0, sizeof($$));
		$$.loc = $1.loc;
		$$.name = $1.text;
	}
	| comp_name '(' literal ')' {
		memset(&$$, 0, sizeof($$));
		$$.loc = $1.loc;
		$$.name = $1.text;
		$$.arg = $3;
	}
	;

/* A component name is glued from adjacent words and '*': sys*_read. */
comp_name:
	  first_piece
	| comp_name cont_piece		{ $$ = glue(p, $1, $2); }
	;

first_piece: cont_piece | IF ;

cont_piece:
	  IDENT | '*' | PRINTFN | PROBE | GLOBAL | PRIVATE | FUNCTION | ELSE
	| FOR | FOREACH | IN | LIMIT | RETURN | DELETE | WHILE | BREAK
	| CONTINUE | NEXT | STRING_KW | LONG | TRY | CATCH
	;

literal:
	  string_lit
	| NUMBER		{ $$ = mk_number(p, $1.num, @1); }
	| '-' NUMBER		{ $$ = mk_number(p, neg($2.num), @1); }
	;

string_lit:
	  STRING		{ $$ = mk_string(p, $1.text, @1); }
	| string_lit STRING {
		$$ = $1;
		$$->str = arena_printf(A, "%s%s", $1->str, $2.text);
	}
	;

/* --------------------------------------------------------- functions */

func_head:
	  FUNCTION IDENT opt_type '(' func_params ')' {
		$$ = $5;
		$$->loc = @2;
		$$->name = $2.text;
		$$->type = $3;
		$$->type_declared = $3 != TYPE_UNKNOWN;
		$$->file = p->src;
		p->in_function = true;
	}
	;

func_params:
	  %empty		{ $$ = arena_new(A, struct function_decl); }
	| param_list
	;

param_list:
	  param {
		$$ = arena_new(A, struct function_decl);
		vec_push(A, &$$->params, $1);
	}
	| param_list ',' param {
		$$ = $1;
		for (int i = 0; i < $$->params.n; i++) {
			if (!strcmp($$->params.v[i].name, $3.name)) {
				diag_note(diag_error(p->s, $3.loc,
						     "two parameters are named '%s'",
						     $3.name),
					  $$->params.v[i].loc,
					  "the first '%s' is here", $3.name);
				break;
			}
		}
		vec_push(A, &$$->params, $3);
	}
	;

param:
	  IDENT opt_type {
		memset(&$$, 0, sizeof($$));
		$$.loc = @1;
		$$.name = $1.text;
		$$.type = $2;
		$$.type_declared = $2 != TYPE_UNKNOWN;
	}
	;

opt_type:
	  %empty		{ $$ = TYPE_UNKNOWN; }
	| ':' LONG		{ $$ = TYPE_LONG; }
	| ':' STRING_KW		{ $$ = TYPE_STRING; }
	;

/* ----------------------------------------------------------- globals */

glist:
	  gvar {
		$$ = arena_new(A, struct glist);
		vec_push(A, &$$->v, $1);
	}
	| glist ',' gvar	{ $$ = $1; vec_push(A, &$$->v, $3); }
	;

gvar:
	  IDENT opt_wrap opt_size opt_init {
		$$ = arena_new(A, struct global_decl);
		$$->loc = @1;
		$$->name = $1.text;
		$$->wrap = $2;
		$$->is_array = $3 >= 0 || $2;
		$$->size = $3 > 0 ? $3 : 0;
		$$->init = $4;
		$$->file = p->src;
		if ($4 && $$->is_array)
			diag_hint(diag_error(p->s, @4,
					     "only scalar globals can be initialized"),
				  "drop the size and '%%' of '%s', or its initializer",
				  $1.text);
	}
	;

opt_wrap:
	  %empty		{ $$ = 0; }
	| '%'			{ $$ = 1; }
	;

opt_size:
	  %empty		{ $$ = -1; }
	| '[' ']'		{ $$ = 0; }
	| '[' NUMBER ']' {
		if ($2.num <= 0 || $2.num > 2147483647) {
			diag_hint(diag_error(p->s, @2, "array size out of range"),
				  "give a size from 1 to 2147483647");
			$$ = 0;
		} else {
			$$ = (int)$2.num;
		}
	}
	;

opt_init:
	  %empty		{ $$ = NULL; }
	| '=' literal		{ $$ = $2; }
	;

/* -------------------------------------------------------- statements */

block:
	  '{' stmt_list '}'	{ $$ = $2; $$->loc = @1; }
	;

stmt_list:
	  %empty		{ $$ = stmt_new(A, STMT_BLOCK, @$); }
	| stmt_list stmt	{ $$ = $1; vec_push(A, &$$->stmts, $2); }
	| stmt_list error	{ $$ = $1; }
	;

stmt:
	  ';'			{ $$ = stmt_new(A, STMT_NULL, @1); }
	| block
	| if_stmt
	| for_stmt
	| foreach_stmt
	| try_stmt
	| WHILE '(' expr ')' stmt {
		$$ = stmt_new(A, STMT_WHILE, @1);
		$$->expr = $3;
		$$->body = $5;
	}
	| simple_stmt
	| simple_stmt ';'
	;

simple_stmt:
	  expr			{ $$ = stmt_new(A, STMT_EXPR, $1->loc); $$->expr = $1; }
	| RETURN {
		$$ = stmt_new(A, STMT_RETURN, @1);
		if (!p->in_function)
			diag_hint(diag_error(p->s, @1, "'return' outside a function"),
				  "use 'next' to leave a probe handler early");
	}
	| RETURN expr {
		$$ = stmt_new(A, STMT_RETURN, @1);
		$$->expr = $2;
		if (!p->in_function)
			diag_hint(diag_error(p->s, @1, "'return' outside a function"),
				  "use 'next' to leave a probe handler early");
	}
	| DELETE expr		{ $$ = stmt_new(A, STMT_DELETE, @1); $$->expr = $2; }
	| BREAK			{ $$ = stmt_new(A, STMT_BREAK, @1); }
	| CONTINUE		{ $$ = stmt_new(A, STMT_CONTINUE, @1); }
	| NEXT			{ $$ = stmt_new(A, STMT_NEXT, @1); }
	| EMBEDDED {
		$$ = stmt_new(A, STMT_EMBEDDED_C, @1);
		$$->loc.len = 2;
		$$->code = $1.text;
	}
	;

if_stmt:
	  IF '(' expr ')' stmt %prec THEN {
		$$ = stmt_new(A, STMT_IF, @1);
		$$->expr = $3;
		$$->then_stmt = $5;
	}
	| IF '(' expr ')' stmt ELSE stmt {
		$$ = stmt_new(A, STMT_IF, @1);
		$$->expr = $3;
		$$->then_stmt = $5;
		$$->else_stmt = $7;
	}
	;

for_stmt:
	  FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' stmt {
		$$ = stmt_new(A, STMT_FOR, @1);
		if ($3) {
			$$->init = stmt_new(A, STMT_EXPR, $3->loc);
			$$->init->expr = $3;
		}
		$$->expr = $5;
		$$->incr = $7;
		$$->body = $9;
	}
	;

opt_expr:
	  %empty		{ $$ = NULL; }
	| expr
	;

try_stmt:
	  TRY block CATCH opt_catch block {
		$$ = $4;
		$$->loc = @1;
		$$->body = $2;
		$$->catch_body = $5;
	}
	;

opt_catch:
	  %empty		{ $$ = stmt_new(A, STMT_TRY, @$); }
	| '(' IDENT ')' {
		$$ = stmt_new(A, STMT_TRY, @1);
		$$->catch_var = mk(p, EXPR_IDENT, @2);
		$$->catch_var->name = $2.text;
	}
	;

foreach_stmt:
	  FOREACH '(' fe_head IN indexable fe_slice fe_sort fe_limit ')' stmt {
		struct foreach_stmt *f = $3;

		$$ = stmt_new(A, STMT_FOREACH, @1);
		$$->foreach = f;
		f->array = $5;
		if ($6) {
			$6->base = $5;
			$6->name = $5->name;
			f->array = $6;
		}
		if ($7) {
			if ($7->array_sort)
				foreach_mark(p, f, $7->array_sort, @7);
			f->has_sort_stat = $7->has_sort_stat;
			f->sort_stat = $7->sort_stat;
		}
		f->limit = $8;
		f->body = $10;
	}
	;

fe_head:
	  fe_keys
	| IDENT fe_mark '=' fe_keys {
		$$ = $4;
		$$->value.var = mk(p, EXPR_IDENT, @1);
		$$->value.var->name = $1.text;
		if ($2) {
			$$->value.sort = 0;
			foreach_mark(p, $$, $2, @2);
			/* The mark went to the value: foreach_mark may have
			 * put it on the array, which means the same. */
			if ($$->array_sort) {
				$$->array_sort = 0;
				$$->value.sort = $2;
			}
		}
	}
	;

fe_keys:
	  IDENT fe_mark {
		struct foreach_var v = { .var = mk(p, EXPR_IDENT, @1) };

		v.var->name = $1.text;
		$$ = arena_new(A, struct foreach_stmt);
		vec_push(A, &$$->keys, v);
		if ($2) {
			foreach_mark(p, $$, 0, @2);
			$$->keys.v[0].sort = $2;
		}
	}
	| '[' fe_keylist ']'	{ $$ = $2; $$->bracketed = true; }
	;

fe_keylist:
	  IDENT fe_mark {
		struct foreach_var v = { .var = mk(p, EXPR_IDENT, @1) };

		v.var->name = $1.text;
		$$ = arena_new(A, struct foreach_stmt);
		vec_push(A, &$$->keys, v);
		if ($2) {
			foreach_mark(p, $$, 0, @2);
			$$->keys.v[0].sort = $2;
		}
	}
	| fe_keylist ',' IDENT fe_mark {
		struct foreach_var v = { .var = mk(p, EXPR_IDENT, @3) };

		v.var->name = $3.text;
		$$ = $1;
		if ($4) {
			foreach_mark(p, $$, 0, @4);
			v.sort = $4;
		}
		vec_push(A, &$$->keys, v);
	}
	;

fe_mark:
	  %empty		{ $$ = 0; }
	| '+'			{ $$ = 1; }
	| '-'			{ $$ = -1; }
	;

fe_slice:
	  %empty		{ $$ = NULL; }
	| '[' index_list ']'	{ $$ = $2; }
	;

fe_sort:
	  %empty		{ $$ = NULL; }
	| '+'			{ $$ = arena_new(A, struct foreach_stmt); $$->array_sort = 1; }
	| '-'			{ $$ = arena_new(A, struct foreach_stmt); $$->array_sort = -1; }
	| STATOP '+' {
		$$ = arena_new(A, struct foreach_stmt);
		$$->array_sort = 1;
		$$->has_sort_stat = true;
		$$->sort_stat = (enum stat_op)$1.num;
	}
	| STATOP '-' {
		$$ = arena_new(A, struct foreach_stmt);
		$$->array_sort = -1;
		$$->has_sort_stat = true;
		$$->sort_stat = (enum stat_op)$1.num;
	}
	;

fe_limit:
	  %empty		{ $$ = NULL; }
	| LIMIT expr		{ $$ = $2; }
	;

indexable:
	  IDENT			{ $$ = mk(p, EXPR_IDENT, @1); $$->name = $1.text; }
	| hist_op
	;

/* ------------------------------------------------------- expressions */

expr: assign_expr ;

assign_expr:
	  ternary_expr
	| ternary_expr assign_op assign_expr {
		$$ = mk_bin(p, EXPR_ASSIGN, $2, $1, $3, @2);
	}
	;

assign_op:
	  '='			{ $$ = OP_ASSIGN; }
	| SHL3			{ $$ = OP_AGGREGATE; }
	| ADD_ASSIGN		{ $$ = OP_ADD_ASSIGN; }
	| SUB_ASSIGN		{ $$ = OP_SUB_ASSIGN; }
	| MUL_ASSIGN		{ $$ = OP_MUL_ASSIGN; }
	| DIV_ASSIGN		{ $$ = OP_DIV_ASSIGN; }
	| MOD_ASSIGN		{ $$ = OP_MOD_ASSIGN; }
	| SHL_ASSIGN		{ $$ = OP_SHL_ASSIGN; }
	| SHR_ASSIGN		{ $$ = OP_SHR_ASSIGN; }
	| USHR_ASSIGN		{ $$ = OP_USHR_ASSIGN; }
	| AND_ASSIGN		{ $$ = OP_AND_ASSIGN; }
	| XOR_ASSIGN		{ $$ = OP_XOR_ASSIGN; }
	| OR_ASSIGN		{ $$ = OP_OR_ASSIGN; }
	| CONCAT_ASSIGN		{ $$ = OP_CONCAT_ASSIGN; }
	;

ternary_expr:
	  or_expr
	| or_expr '?' expr ':' ternary_expr {
		$$ = mk(p, EXPR_TERNARY, @2);
		$$->cond = $1;
		$$->left = $3;
		$$->right = $5;
	}
	;

or_expr:
	  and_expr
	| or_expr OROR and_expr	{ $$ = mk_bin(p, EXPR_LOGICAL, OP_OR, $1, $3, @2); }
	;

and_expr:
	  bitor_expr
	| and_expr ANDAND bitor_expr { $$ = mk_bin(p, EXPR_LOGICAL, OP_AND, $1, $3, @2); }
	;

bitor_expr:
	  xor_expr
	| bitor_expr '|' xor_expr { $$ = mk_bin(p, EXPR_BINARY, OP_BITOR, $1, $3, @2); }
	;

xor_expr:
	  bitand_expr
	| xor_expr '^' bitand_expr { $$ = mk_bin(p, EXPR_BINARY, OP_BITXOR, $1, $3, @2); }
	;

bitand_expr:
	  in_expr
	| bitand_expr '&' in_expr { $$ = mk_bin(p, EXPR_BINARY, OP_BITAND, $1, $3, @2); }
	;

in_expr:
	  cmp_expr
	| cmp_expr IN indexable {
		$$ = mk(p, EXPR_IN, @2);
		$$->base = $3;
		$$->name = $3->name;
		vec_push(A, &$$->args, $1);
	}
	| '[' in_keys ']' IN indexable {
		$$ = $2;
		$$->loc = @4;
		$$->base = $5;
		$$->name = $5->name;
	}
	;

in_keys:
	  in_key {
		$$ = mk(p, EXPR_IN, @1);
		vec_push(A, &$$->args, $1);
	}
	| in_keys ',' in_key	{ $$ = $1; vec_push(A, &$$->args, $3); }
	;

in_key:
	  cmp_expr
	| '*'			{ $$ = NULL; }
	;

cmp_expr:
	  cmp_list
	| shift_expr MATCH shift_expr	{ $$ = mk_regex(p, OP_MATCH, $1, $3, @2); }
	| shift_expr NOMATCH shift_expr	{ $$ = mk_regex(p, OP_NOMATCH, $1, $3, @2); }
	;

cmp_list:
	  shift_expr
	| cmp_list cmp_op shift_expr { $$ = mk_bin(p, EXPR_COMPARE, $2, $1, $3, @2); }
	;

cmp_op:
	  '<'			{ $$ = OP_LT; }
	| '>'			{ $$ = OP_GT; }
	| LE			{ $$ = OP_LE; }
	| GE			{ $$ = OP_GE; }
	| EQ			{ $$ = OP_EQ; }
	| NE			{ $$ = OP_NE; }
	;

shift_expr:
	  concat_expr
	| shift_expr SHL concat_expr	{ $$ = mk_bin(p, EXPR_BINARY, OP_SHL, $1, $3, @2); }
	| shift_expr SHR concat_expr	{ $$ = mk_bin(p, EXPR_BINARY, OP_SHR, $1, $3, @2); }
	| shift_expr USHR concat_expr	{ $$ = mk_bin(p, EXPR_BINARY, OP_USHR, $1, $3, @2); }
	;

concat_expr:
	  add_expr
	| concat_expr '.' add_expr	{ $$ = mk_bin(p, EXPR_BINARY, OP_CONCAT, $1, $3, @2); }
	;

add_expr:
	  mul_expr
	| add_expr '+' mul_expr	{ $$ = mk_bin(p, EXPR_BINARY, OP_ADD, $1, $3, @2); }
	| add_expr '-' mul_expr	{ $$ = mk_bin(p, EXPR_BINARY, OP_SUB, $1, $3, @2); }
	;

mul_expr:
	  unary_expr
	| mul_expr '*' unary_expr { $$ = mk_bin(p, EXPR_BINARY, OP_MUL, $1, $3, @2); }
	| mul_expr '/' unary_expr { $$ = mk_bin(p, EXPR_BINARY, OP_DIV, $1, $3, @2); }
	| mul_expr '%' unary_expr { $$ = mk_bin(p, EXPR_BINARY, OP_MOD, $1, $3, @2); }
	;

unary_expr:
	  crement_expr
	| '-' unary_expr	{ $$ = mk_unary(p, OP_NEG, $2, @1); }
	| '+' unary_expr	{ $$ = mk_unary(p, OP_PLUS, $2, @1); }
	| '!' unary_expr	{ $$ = mk_unary(p, OP_NOT, $2, @1); }
	| '~' unary_expr	{ $$ = mk_unary(p, OP_BITNOT, $2, @1); }
	;

crement_expr:
	  dwarf_expr
	| INC dwarf_expr {
		$$ = mk(p, EXPR_INCDEC, @1);
		$$->op = OP_PREINC;
		$$->operand = $2;
	}
	| DEC dwarf_expr {
		$$ = mk(p, EXPR_INCDEC, @1);
		$$->op = OP_PREDEC;
		$$->operand = $2;
	}
	| dwarf_expr INC {
		$$ = mk(p, EXPR_INCDEC, @2);
		$$->op = OP_POSTINC;
		$$->operand = $1;
	}
	| dwarf_expr DEC {
		$$ = mk(p, EXPR_INCDEC, @2);
		$$->op = OP_POSTDEC;
		$$->operand = $1;
	}
	;

/* $var, @cast, @var, or any value, with a ->member / [index] chain. */
dwarf_expr:
	  dwarf_base chain		{ $$ = mk_dwarf(p, $1, $2, false, @1); }
	| '&' dwarf_base chain		{ $$ = mk_dwarf(p, $2, $3, true, @1); }
	;

dwarf_base:
	  value
	| TARGET			{ $$ = mk_target(p, $1); }
	| CAST '(' expr ',' string_lit ')' {
		$$ = mk(p, EXPR_CAST, @1);
		$$->operand = $3;
		$$->str = $5->str;
		if (!*$$->str)
			diag_error(p->s, @5, "@cast needs a type name, not an empty string");
	}
	| CAST '(' expr ',' string_lit ',' string_lit ')' {
		$$ = mk(p, EXPR_CAST, @1);
		$$->operand = $3;
		$$->str = $5->str;
		$$->module = $7->str;
		if (!*$$->str)
			diag_error(p->s, @5, "@cast needs a type name, not an empty string");
	}
	| ATVAR '(' string_lit ')' {
		$$ = mk(p, EXPR_VAR, @1);
		$$->str = $3->str;
	}
	| ATVAR '(' string_lit ',' string_lit ')' {
		$$ = mk(p, EXPR_VAR, @1);
		$$->str = $3->str;
		$$->module = $5->str;
	}
	;

chain:
	  %empty			{ $$ = arena_new(A, struct chain); }
	| chain ARROW member		{ $$ = $1; chain_member(p, $$, $2, $3); }
	| chain '[' expr ']' {
		struct component c = { .kind = COMP_INDEX, .loc = @2,
				       .index = $3 };

		$$ = $1;
		if ($$->pretty)
			diag_error(p->s, @2, "'[' cannot follow a pretty-printing '$'");
		vec_push(A, &$$->v, c);
	}
	| chain DOLLARS {
		$$ = $1;
		if ($$->pretty || strlen($2.text) > 2)
			diag_error(p->s, @2, "pretty printing is '$' or '$$'");
		$$->pretty = $2.text[1] ? PRETTY_DEEP : PRETTY_SHALLOW;
		$$->pretty_loc = @2;
	}
	;

member:
	  IDENT | DOLLARS | PRINTFN | PROBE | GLOBAL | PRIVATE | FUNCTION | IF
	| ELSE | FOR | FOREACH | IN | LIMIT | RETURN | DELETE | WHILE | BREAK
	| CONTINUE | NEXT | STRING_KW | LONG | TRY | CATCH
	;

value:
	  NUMBER		{ $$ = mk_number(p, $1.num, @1); }
	| string_lit
	| '(' expr ')'		{ $$ = $2; }
	| IDENT			{ $$ = mk(p, EXPR_IDENT, @1); $$->name = $1.text; }
	| IDENT '[' index_list ']' {
		$$ = $3;
		$$->loc = @1;
		$$->base = mk(p, EXPR_IDENT, @1);
		$$->base->name = $1.text;
		$$->name = $1.text;
	}
	| hist_op '[' expr ']' {
		$$ = mk(p, EXPR_INDEX, @1);
		$$->base = $1;
		vec_push(A, &$$->args, $3);
	}
	| hist_op {
		/* Only print(@hist_log(x)) may use a histogram whole;
		 * mk_print takes it off this list. */
		$$ = $1;
		vec_push(A, &p->bare_hists, $1);
	}
	| IDENT '(' opt_args ')' {
		$$ = $3;
		$$->loc = @1;
		$$->name = $1.text;
	}
	| print_call
	| stat_call
	| DEFINED '(' expr ')'	{ $$ = mk(p, EXPR_DEFINED, @1); $$->operand = $3; }
	| ENTRY '(' expr ')'	{ $$ = mk(p, EXPR_ENTRY, @1); $$->operand = $3; }
	| CHOOSE_DEFINED '(' expr ',' expr ')' {
		$$ = mk(p, EXPR_CHOOSE_DEFINED, @1);
		$$->left = $3;
		$$->right = $5;
	}
	| AT_UNKNOWN		{ $$ = mk_number(p, 0, @1); }
	| AT_UNKNOWN '(' opt_args ')' { $$ = mk_number(p, 0, @1); }
	;

print_call:
	  PRINTFN '(' opt_args ')'	{ $$ = mk_print(p, $1, $3); }
	;

stat_call:
	  STATOP '(' expr ')' {
		$$ = mk(p, EXPR_STAT, @1);
		$$->stat = (enum stat_op)$1.num;
		$$->operand = $3;
	}
	| STATOP '(' expr ',' snum ')' {
		$$ = mk(p, EXPR_STAT, @1);
		$$->stat = (enum stat_op)$1.num;
		$$->operand = $3;
		vec_push(A, &$$->args, $5);
		if ($$->stat != STAT_VARIANCE)
			diag_hint(diag_error(p->s, @5,
					     "@%s takes one argument", $1.text),
				  "only @variance takes a second (bit shift) argument");
	}
	;

hist_op:
	  AT_HIST_LOG '(' expr ')' {
		$$ = mk(p, EXPR_HIST, @1);
		$$->hist = HIST_LOG;
		$$->operand = $3;
	}
	| AT_HIST_LINEAR '(' expr ',' snum ',' snum ',' snum ')' {
		$$ = mk(p, EXPR_HIST, @1);
		$$->hist = HIST_LINEAR;
		$$->operand = $3;
		vec_push(A, &$$->args, $5);
		vec_push(A, &$$->args, $7);
		vec_push(A, &$$->args, $9);
	}
	;

snum:
	  NUMBER		{ $$ = mk_number(p, $1.num, @1); }
	| '-' NUMBER		{ $$ = mk_number(p, neg($2.num), @1); }
	;

opt_args:
	  %empty		{ $$ = mk(p, EXPR_CALL, @$); }
	| args
	;

args:
	  expr			{ $$ = mk(p, EXPR_CALL, @1); vec_push(A, &$$->args, $1); }
	| args ',' expr		{ $$ = $1; vec_push(A, &$$->args, $3); }
	;

/* Keys of a[...]: expressions, or * in a slice. */
index_list:
	  expr			{ $$ = mk(p, EXPR_INDEX, @1); vec_push(A, &$$->args, $1); }
	| '*' {
		$$ = mk(p, EXPR_INDEX, @1);
		vec_push(A, &$$->args, (struct expr *)NULL);
	}
	| index_list ',' expr	{ $$ = $1; vec_push(A, &$$->args, $3); }
	| index_list ',' '*'	{ $$ = $1; vec_push(A, &$$->args, (struct expr *)NULL); }
	;

%%

/* Once per %{: a syntax error there is followed by a top-level one. */
static void embedded_unsupported(struct parser *p, struct src_loc loc)
{
	const struct src_loc *r = &p->embedded_reported;

	if (r->file == loc.file && r->line == loc.line && r->col == loc.col)
		return;
	p->embedded_reported = loc;
	diag_hint(diag_error(p->s, loc,
			     "embedded C is not supported: bstap compiles scripts to BPF and runs no C compiler; write it in the script language"),
		  "tapset functions can call the BPF runtime with @runtime(\"symbol\")");
}

static int64_t neg(int64_t v)
{
	return (int64_t)(0 - (uint64_t)v);
}

static struct expr *mk_number(struct parser *p, int64_t v, struct src_loc l)
{
	struct expr *e = mk(p, EXPR_NUMBER, l);

	e->num = v;
	return e;
}

static struct expr *mk_string(struct parser *p, const char *s,
			      struct src_loc l)
{
	struct expr *e = mk(p, EXPR_STRING, l);

	e->str = s;
	return e;
}

/* -N is folded into the literal, so -9223372036854775808 is one number. */
static struct expr *mk_unary(struct parser *p, enum op op, struct expr *x,
			     struct src_loc loc)
{
	struct expr *e;

	if (op == OP_NEG && x->kind == EXPR_NUMBER) {
		if (x->loc.line == loc.line && x->loc.col > loc.col)
			loc.len = x->loc.col + x->loc.len - loc.col;
		x->num = neg(x->num);
		x->loc = loc;
		return x;
	}
	e = mk(p, EXPR_UNARY, loc);
	e->op = op;
	e->operand = x;
	return e;
}

/* $name$ and $name$$ carry their pretty-print suffix in the token. */
static struct expr *mk_target(struct parser *p, struct tokval t)
{
	struct expr *e = mk(p, EXPR_TARGET, t.loc);
	size_t len = strlen(t.text), k = len;

	while (k > 0 && t.text[k - 1] == '$')
		k--;
	e->name = t.text;
	if (k > 0 && k < len) {
		e->name = arena_strndup(A, t.text, k);
		e->pretty = len - k > 1 ? PRETTY_DEEP : PRETTY_SHALLOW;
		if (len - k > 2)
			diag_error(p->s, t.loc, "pretty printing is '$' or '$$'");
	}
	return e;
}

static void chain_member(struct parser *p, struct chain *c, struct tokval arrow,
			 struct tokval name)
{
	size_t len = strlen(name.text), k = len;
	struct component comp = { .kind = COMP_MEMBER, .loc = name.loc };

	if (c->pretty) {
		diag_error(p->s, arrow.loc,
			   "'->' cannot follow a pretty-printing '$'");
		return;
	}
	while (k > 0 && name.text[k - 1] == '$')
		k--;
	if (k) {
		comp.name = arena_strndup(A, name.text, k);
		vec_push(A, &c->v, comp);
	}
	if (k < len) {
		c->pretty = len - k > 1 ? PRETTY_DEEP : PRETTY_SHALLOW;
		c->pretty_loc = name.loc;
		if (len - k > 2)
			diag_error(p->s, name.loc, "pretty printing is '$' or '$$'");
	}
}

/*
 * A value with a chain, or with '&', is an "autocast" in stap: a @cast
 * whose type comes from the value. It is an EXPR_CAST with no type name.
 */
static struct expr *mk_dwarf(struct parser *p, struct expr *base,
			     struct chain *c, bool addr, struct src_loc amp)
{
	struct expr *e = base;

	if (base->kind != EXPR_TARGET && base->kind != EXPR_CAST &&
	    base->kind != EXPR_VAR) {
		if (!c->v.n && !c->pretty && !addr)
			return base;
		e = mk(p, EXPR_CAST, base->loc);
		e->operand = base;
	} else if (base->kind == EXPR_CAST && !base->str && base->addr_of &&
		   addr) {
		diag_error(p->s, amp, "cannot take the address twice");
	}
	if (e->pretty && (c->v.n || c->pretty))
		diag_error(p->s, c->v.n ? c->v.v[0].loc : c->pretty_loc,
			   "nothing can follow a pretty-printing '$'");
	VEC_SET(e->chain, c->v);
	if (c->pretty)
		e->pretty = c->pretty;
	if (addr) {
		e->addr_of = true;
		e->loc = amp;
	}
	return e;
}

static struct expr *mk_print(struct parser *p, struct tokval name,
			     struct expr *args)
{
	struct expr *e = mk(p, EXPR_PRINT, name.loc);
	enum print_kind k = (enum print_kind)name.num;
	const char *what = print_kind_name(k);

	e->print = k;
	VEC_SET(e->args, args->args);
	if ((k == PRINT_PRINT || k == PRINT_PRINTLN || k == PRINT_SPRINT ||
	     k == PRINT_SPRINTLN) && e->args.n == 1 &&
	    e->args.v[0]->kind == EXPR_HIST) {
		for (int i = 0; i < p->bare_hists.n; i++)
			if (p->bare_hists.v[i] == e->args.v[0])
				p->bare_hists.v[i] = NULL;
	}
	switch (k) {
	case PRINT_PRINTF:
	case PRINT_SPRINTF:
		if (!e->args.n || e->args.v[0]->kind != EXPR_STRING) {
			diag_hint(diag_error(p->s, e->args.n ? e->args.v[0]->loc : name.loc,
					     "%s needs a format string literal as its first argument",
					     what),
				  "write %s(\"%%d\\n\", x)", what);
			e->format = "";
			break;
		}
		e->format = e->args.v[0]->str;
		e->args.v++;
		e->args.n--;
		e->args.cap--;
		break;
	case PRINT_PRINTD:
	case PRINT_PRINTDLN:
	case PRINT_SPRINTD:
	case PRINT_SPRINTDLN:
		if (!e->args.n || e->args.v[0]->kind != EXPR_STRING)
			diag_hint(diag_error(p->s, e->args.n ? e->args.v[0]->loc : name.loc,
					     "%s needs a delimiter string literal as its first argument",
					     what),
				  "write %s(\",\", a, b)", what);
		else if (e->args.n < 3)
			diag_hint(diag_error(p->s, name.loc,
					     "%s needs a delimiter and at least two values",
					     what),
				  "for one value use print or println");
		break;
	case PRINT_PRINT:
	case PRINT_SPRINT:
		if (!e->args.n)
			diag_hint(diag_error(p->s, name.loc,
					     "%s needs at least one argument", what),
				  "to print a newline use println()");
		break;
	default:
		break;
	}
	return e;
}

static struct probe_point *pp_new_point(struct parser *p,
					struct probe_component c)
{
	struct probe_point *pp = arena_new(A, struct probe_point);

	pp->loc = c.loc;
	vec_push(A, &pp->components, c);
	return pp;
}

static struct tokval glue(struct parser *p, struct tokval a, struct tokval b)
{
	struct tokval r = a;

	if (b.ws)
		diag_hint(diag_error(p->s, b.loc,
				     "unexpected '%s' after probe point component '%s'",
				     b.text, a.text),
			  "a component name has no spaces; separate probe points with ','");
	r.text = arena_printf(A, "%s%s", a.text, b.text);
	if (b.loc.line == a.loc.line && b.loc.col > a.loc.col)
		r.loc.len = b.loc.col + b.loc.len - a.loc.col;
	return r;
}

static bool expr_ok(const struct expr *e, int d);

static bool exprs_ok(const struct expr *const *v, int n, int d)
{
	for (int i = 0; i < n; i++)
		if (!expr_ok(v[i], d))
			return false;
	return true;
}

/* Bounded recursion: stops at MAX_AST_DEPTH whatever the tree. */
static bool expr_ok(const struct expr *e, int d)
{
	if (!e)
		return true;
	if (d > MAX_AST_DEPTH)
		return false;
	if (!expr_ok(e->left, d + 1) || !expr_ok(e->right, d + 1) ||
	    !expr_ok(e->cond, d + 1) || !expr_ok(e->operand, d + 1) ||
	    !expr_ok(e->base, d + 1) ||
	    !exprs_ok((const struct expr *const *)e->args.v, e->args.n, d + 1))
		return false;
	for (int i = 0; i < e->chain.n; i++)
		if (!expr_ok(e->chain.v[i].index, d + 1))
			return false;
	return true;
}

static bool stmt_ok(const struct stmt *s, int d)
{
	const struct foreach_stmt *f;

	if (!s)
		return true;
	if (d > MAX_AST_DEPTH)
		return false;
	for (int i = 0; i < s->stmts.n; i++)
		if (!stmt_ok(s->stmts.v[i], d + 1))
			return false;
	if (!expr_ok(s->expr, d + 1) || !stmt_ok(s->then_stmt, d + 1) ||
	    !stmt_ok(s->else_stmt, d + 1) || !stmt_ok(s->init, d + 1) ||
	    !expr_ok(s->incr, d + 1) || !stmt_ok(s->body, d + 1) ||
	    !stmt_ok(s->catch_body, d + 1))
		return false;
	f = s->foreach;
	if (f && (!expr_ok(f->array, d + 1) || !expr_ok(f->limit, d + 1) ||
		  !stmt_ok(f->body, d + 1)))
		return false;
	return true;
}

/* A histogram used whole anywhere but print(@hist_*(x)) is an error. */
static void check_hists(struct parser *p)
{
	for (int i = 0; i < p->bare_hists.n; i++) {
		const struct expr *h = p->bare_hists.v[i];

		if (h)
			diag_hint(diag_error(p->s, h->loc,
					     "a histogram can only be printed whole"),
				  "draw it with print(%s(...)), or use %s(...)[i] for the count in bucket i",
				  h->hist == HIST_LOG ? "@hist_log" : "@hist_linear",
				  h->hist == HIST_LOG ? "@hist_log" : "@hist_linear");
	}
	p->bare_hists.n = 0;
}

static bool decl_ok(struct parser *p, struct src_loc loc, const struct stmt *body,
		    const struct probe_decl *pd)
{
	bool ok = stmt_ok(body, 0);

	check_hists(p);

	for (int i = 0; ok && pd && i < pd->points.n; i++)
		ok = expr_ok(pd->points.v[i]->condition, 0);
	if (!ok)
		diag_hint(diag_error(p->s, loc,
				     "this declaration nests too deeply (more than %d levels)",
				     MAX_AST_DEPTH),
			  "split long expressions and deeply nested statements");
	return ok;
}

static void add_probe(struct parser *p, struct probe_decl *d, bool priv,
		      struct src_loc loc)
{
	struct decl decl = { .kind = DECL_PROBE, .loc = loc, .probe = d };

	d->loc = loc;
	d->is_private = priv;
	for (int i = 0; i < d->alias_names.n; i++) {
		const struct probe_point *a = d->alias_names.v[i];

		if (a->optional || a->condition)
			diag_error(p->s, a->loc,
				   "an alias name cannot be optional ('?'), sufficient ('!') or conditional ('if')");
	}
	if (decl_ok(p, loc, d->body, d))
		vec_push(A, &p->file->decls, decl);
}

static void add_function(struct parser *p, struct function_decl *f,
			 bool priv)
{
	struct decl decl = { .kind = DECL_FUNCTION, .loc = f->loc,
			     .function = f };

	f->is_private = priv;
	if (decl_ok(p, f->loc, f->body, NULL))
		vec_push(A, &p->file->decls, decl);
}

static void add_globals(struct parser *p, struct glist *g, bool priv)
{
	for (int i = 0; i < g->v.n; i++) {
		struct decl decl = { .kind = DECL_GLOBAL, .loc = g->v.v[i]->loc,
				     .global = g->v.v[i] };

		g->v.v[i]->is_private = priv;
		vec_push(A, &p->file->decls, decl);
	}
}

/* stap allows one sort mark per foreach, on a key, the value or the array. */
static struct foreach_stmt *foreach_mark(struct parser *p,
					 struct foreach_stmt *f, int sort,
					 struct src_loc loc)
{
	bool marked = f->array_sort || f->value.sort;

	for (int i = 0; i < f->keys.n; i++)
		marked |= f->keys.v[i].sort != 0;
	if (marked) {
		diag_hint(diag_error(p->s, loc,
				     "a foreach can sort on one thing only: this is a second sort mark"),
			  "keep one '+' or '-'");
		return f;
	}
	if (sort)
		f->array_sort = sort;
	return f;
}

/* ------------------------------------------------------------ lexing */

static int map_at(struct parser *p, struct token *t, YYSTYPE *lval)
{
	static const char *const stats[] = {
		[STAT_COUNT] = "count", [STAT_SUM] = "sum", [STAT_MIN] = "min",
		[STAT_MAX] = "max", [STAT_AVG] = "avg",
		[STAT_VARIANCE] = "variance",
	};

	for (int i = 0; i <= STAT_VARIANCE; i++) {
		if (!strcmp(t->text, stats[i])) {
			lval->tok.num = i;
			return STATOP;
		}
	}
	if (!strcmp(t->text, "hist_log"))
		return AT_HIST_LOG;
	if (!strcmp(t->text, "hist_linear"))
		return AT_HIST_LINEAR;
	if (!strcmp(t->text, "cast"))
		return CAST;
	if (!strcmp(t->text, "var"))
		return ATVAR;
	if (!strcmp(t->text, "defined"))
		return DEFINED;
	if (!strcmp(t->text, "entry"))
		return ENTRY;
	if (!strcmp(t->text, "choose_defined"))
		return CHOOSE_DEFINED;
	if (!strcmp(t->text, "runtime"))
		return RUNTIME;
	diag_hint(diag_error(p->s, t->loc, "unknown operator '@%s'", t->text),
		  "@-operators are @cast @var @defined @entry @choose_defined @count @sum @min @max @avg @variance @hist_log @hist_linear; a macro must be defined with @define before it is used");
	return AT_UNKNOWN;
}

static int map_token(struct parser *p, struct token *t, YYSTYPE *lval)
{
	static const int words[] = {
		PROBE, GLOBAL, PRIVATE, FUNCTION, IF, ELSE, FOR, FOREACH, IN,
		LIMIT, RETURN, DELETE, WHILE, BREAK, CONTINUE, NEXT,
		STRING_KW, LONG, TRY, CATCH,
	};
	static const int ops[] = {
		SHL3, USHR, SHL_ASSIGN, SHR_ASSIGN, USHR_ASSIGN, EQ, NE, LE, GE,
		MATCH, NOMATCH, ADD_ASSIGN, SUB_ASSIGN, MUL_ASSIGN, DIV_ASSIGN,
		MOD_ASSIGN, AND_ASSIGN, XOR_ASSIGN, OR_ASSIGN, CONCAT_ASSIGN,
		ANDAND, OROR, INC, DEC, ARROW, SHL, SHR,
	};

	if (t->type > 0 && t->type < 256)
		return t->type;
	if (t->type >= TOK_PROBE && t->type <= TOK_CATCH)
		return words[t->type - TOK_PROBE];
	if (t->type >= TOK_SHL3 && t->type <= TOK_SHR)
		return ops[t->type - TOK_SHL3];
	switch (t->type) {
	case TOK_EOF: return YYEOF;
	case TOK_IDENT: return IDENT;
	case TOK_TARGET: return TARGET;
	case TOK_DOLLARS: return DOLLARS;
	case TOK_NUMBER: return NUMBER;
	case TOK_STRING: return STRING;
	case TOK_EMBEDDED: return EMBEDDED;
	case TOK_PRINT: return PRINTFN;
	case TOK_AT: return map_at(p, t, lval);
	default: return YYUNDEF;	/* the preprocessor keeps the rest */
	}
}

static void track_brackets(struct parser *p, struct token *t)
{
	struct bracket b = { .type = t->type, .loc = t->loc };
	int want;

	switch (t->type) {
	case '(': case '[': case '{':
		if (p->brackets.n >= MAX_BRACKET_DEPTH) {
			diag_hint(diag_error(p->s, t->loc,
					     "brackets nest too deeply (more than %d levels)",
					     MAX_BRACKET_DEPTH),
				  "split the expression or the statement");
			p->stopped = true;
			pp_stop(p->pp);
			return;
		}
		vec_push(A, &p->brackets, b);
		return;
	case ')': want = '('; break;
	case ']': want = '['; break;
	case '}': want = '{'; break;
	default: return;
	}
	if (p->brackets.n && p->brackets.v[p->brackets.n - 1].type == want)
		p->brackets.n--;
}

static bool only_braces_open(struct parser *p)
{
	for (int i = 0; i < p->brackets.n; i++)
		if (p->brackets.v[i].type != '{')
			return false;
	return p->brackets.n > 0;
}

/*
 * 'probe', 'function', 'global' or 'private' inside a block can only mean a
 * '}' is missing. Say so once, and give the parser the missing braces so
 * the next declaration parses cleanly instead of failing token by token.
 * Returns true when t is an injected '}' (not a real bracket).
 */
static bool next_token(struct parser *p, struct token *t)
{
	if (p->inject) {
		*t = p->held;
		t->type = '}';
		t->text = "}";
		p->inject--;
		return true;
	}
	if (p->has_held) {
		*t = p->held;
		p->has_held = false;
		return false;
	}
	pp_next(p->pp, t);
	if ((t->type == TOK_PROBE || t->type == TOK_FUNCTION ||
	     t->type == TOK_GLOBAL || t->type == TOK_PRIVATE) &&
	    p->last.type != '.' && p->last.type != TOK_ARROW &&
	    only_braces_open(p)) {
		const struct bracket *b = &p->brackets.v[p->brackets.n - 1];

		diag_hint(diag_note(diag_error(p->s, t->loc,
					       "missing '}': the '{' at %d:%d is still open at this %s",
					       b->loc.line, b->loc.col,
					       tok_describe(t->type)),
				    b->loc, "the '{' is here"),
			  "close the block with '}' before the next declaration");
		p->held = *t;
		p->has_held = true;
		p->inject = p->brackets.n;
		p->brackets.n = 0;
		return next_token(p, t);
	}
	return false;
}

static int yylex(YYSTYPE *lval, struct src_loc *lloc, struct parser *p)
{
	struct token t;
	bool injected = false;

	if (p->start_token) {
		int st = p->start_token;

		p->start_token = 0;
		memset(lloc, 0, sizeof(*lloc));
		lloc->file = p->src;
		lloc->line = lloc->col = 1;
		return st;
	}
	if (p->stopped) {
		memset(&t, 0, sizeof(t));
		t.type = TOK_EOF;
		t.text = "";
		t.loc = p->last.loc;
	} else {
		injected = next_token(p, &t);
	}
	p->prev = p->last;
	p->last = t;
	p->last_injected = injected;
	memset(lval, 0, sizeof(*lval));
	lval->tok.text = t.text ? t.text : "";
	lval->tok.num = t.num;
	lval->tok.ws = t.ws_before;
	lval->tok.loc = t.loc;
	*lloc = t.loc;
	if (t.type == TOK_EOF)
		return YYEOF;
	if (!injected)
		track_brackets(p, &t);
	if (p->stopped)
		return YYEOF;
	return map_token(p, &t, lval);
}

/* --------------------------------------------------------- messages */

static const char *describe(struct parser *p, const struct token *t)
{
	switch (t->type) {
	case TOK_EOF:
		return "end of file";
	case TOK_IDENT:
		return arena_printf(A, "identifier '%s'", t->text);
	case TOK_TARGET:
		return arena_printf(A, "'%s'", t->text);
	case TOK_NUMBER:
		return t->text && *t->text ?
		       arena_printf(A, "number %.24s", t->text) :
		       arena_printf(A, "number %lld", (long long)t->num);
	case TOK_STRING: {
		char buf[24];
		size_t i;

		for (i = 0; i < sizeof(buf) - 1 && t->text[i]; i++)
			buf[i] = t->text[i] >= 0x20 && t->text[i] < 0x7f ?
				 t->text[i] : '?';
		buf[i] = '\0';
		return arena_printf(A, "string \"%s%s\"", buf,
				    t->text[i] ? "..." : "");
	}
	case TOK_PRINT:
		return arena_printf(A, "'%s'", t->text);
	case TOK_AT:
		return arena_printf(A, "'@%s'", t->text);
	default:
		return tok_describe(t->type);
	}
}

static bool name_in(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(name, *set))
			return true;
	return false;
}

static const char *const expr_starts[] = {
	"identifier", "target variable", "number", "string", "'('", "'-'",
	"'+'", "'!'", "'~'", "'&'", "'++'", "'--'", "print function",
	"statistics operator", "'@hist_log'", "'@hist_linear'", "'@cast'",
	"'@var'", "'@defined'", "'@entry'", "'@choose_defined'", "'@' operator",
	"embedded C code", "'['", NULL,
};
static const char *const stmt_starts[] = {
	"'if'", "'while'", "'for'", "'foreach'", "'try'", "'return'",
	"'delete'", "'break'", "'continue'", "'next'", "'{'", "';'", NULL,
};
static const char *const decl_starts[] = {
	"'probe'", "'function'", "'global'", "'private'", "embedded C code",
	NULL,
};
/* Tokens that continue an expression: summed up as "an operator". */
static const char *const continuations[] = {
	"'='", "'<<<'", "'+='", "'-='", "'*='", "'/='", "'%='", "'<<='",
	"'>>='", "'>>>='", "'&='", "'^='", "'|='", "'.='", "'?'", "'||'",
	"'&&'", "'|'", "'^'", "'&'", "'in'", "'<'", "'>'", "'<='", "'>='",
	"'=='", "'!='", "'=~'", "'!~'", "'<<'", "'>>'", "'>>>'", "'.'",
	"'+'", "'-'", "'*'", "'/'", "'%'", "'++'", "'--'", "'->'", "'['",
	"'$'", NULL,
};

static const struct bracket *open_bracket(struct parser *p)
{
	int n = p->brackets.n;

	/* The lookahead may itself be an opener, already pushed. */
	if (n && (p->last.type == '(' || p->last.type == '[' ||
		  p->last.type == '{'))
		n--;
	return n ? &p->brackets.v[n - 1] : NULL;
}

static const char *closer_of(int open)
{
	return open == '(' ? "')'" : open == '[' ? "']'" : "'}'";
}

static int yyreport_syntax_error(const yypcontext_t *ctx, struct parser *p)
{
	yysymbol_kind_t exp[YYNTOKENS];
	int n = yypcontext_expected_tokens(ctx, exp, YYNTOKENS);
	struct src_loc loc = p->last.loc;
	const char *found = describe(p, &p->last);
	const char *list[8];
	int nlist = 0;
	bool has_decl = false, has_stmt = false, has_expr = false, has_id = false;
	bool has_cont = false, too_many = false;
	const struct bracket *open = open_bracket(p);
	const char *closer = NULL;
	char *msg;
	struct diag *d;

	/* a '}' we made up was already reported as missing */
	if (p->stopped || p->last_injected)
		return 0;
	if (++p->nsyntax > MAX_SYNTAX_ERRORS) {
		diag_error(p->s, loc, "too many syntax errors; giving up on this file");
		p->stopped = true;
		pp_stop(p->pp);
		return 0;
	}
	if (p->last.type == TOK_EMBEDDED) {
		struct src_loc l = loc;

		l.len = 2;
		embedded_unsupported(p, l);
		return 0;
	}
	if (p->last.type == TOK_ELSE) {
		d = diag_error(p->s, loc, p->prev.type == ')' ?
			       "unexpected 'else': an 'if' statement needs a statement before 'else'" :
			       "unexpected 'else' without an 'if'");
		diag_hint(d, "write if (cond) statement else statement");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		const char *name = yysymbol_name(exp[i]);

		has_decl |= !strcmp(name, "'probe'");
		has_stmt |= !strcmp(name, "'while'");
		has_expr |= !strcmp(name, "number");
		has_id |= !strcmp(name, "identifier");
	}
	/* A literal (probe point argument) is not any expression. */
	has_expr &= has_id;
	if (has_decl)
		list[nlist++] = "a declaration ('probe', 'function' or 'global')";
	if (has_stmt)
		list[nlist++] = "a statement";
	else if (has_expr)
		list[nlist++] = "an expression";
	for (int i = 0; i < n; i++) {
		const char *name = yysymbol_name(exp[i]);

		if (exp[i] == YYSYMBOL_YYEOF ||
		    (has_decl && name_in(name, decl_starts)) ||
		    (has_stmt && name_in(name, stmt_starts)) ||
		    ((has_stmt || has_expr) && name_in(name, expr_starts)))
			continue;
		if (open && !strcmp(name, closer_of(open->type))) {
			closer = name;
			continue;
		}
		/* after a string, another one would only be joined to it */
		if (name_in(name, continuations) ||
		    (!strcmp(name, "string") && p->prev.type == TOK_STRING)) {
			has_cont = true;
			continue;
		}
		if (nlist < 6)
			list[nlist++] = name;
		else
			too_many = true;
	}
	if (!nlist && !closer && has_cont)
		list[nlist++] = "an operator";
	if (too_many || (!nlist && !closer)) {
		msg = arena_printf(A, "unexpected %s", found);
	} else {
		msg = arena_strdup(A, "expected ");
		for (int i = 0; i < nlist; i++)
			msg = arena_printf(A, "%s%s%s", msg,
					   i == 0 ? "" :
					   (i == nlist - 1 && !closer) ? " or " : ", ",
					   list[i]);
		if (closer)
			msg = arena_printf(A, "%s%s%s to close the '%c' at %d:%d",
					   msg, nlist ? " or " : "", closer,
					   open->type, open->loc.line,
					   open->loc.col);
		msg = arena_printf(A, "%s, found %s", msg, found);
	}
	d = diag_error(p->s, loc, "%s", msg);
	if (p->last.macro)
		diag_note(d, p->last.call, "in the expansion of macro '@%s' here",
			  p->last.macro);
	else if (p->prev.macro)
		diag_note(d, p->prev.call, "after the expansion of macro '@%s' here",
			  p->prev.macro);
	if (p->prev.type == TOK_IF || p->prev.type == TOK_WHILE ||
	    p->prev.type == TOK_FOR || p->prev.type == TOK_FOREACH)
		diag_hint(d, "write %s (...): the parentheses are required",
			  p->prev.text);
	else if (has_decl && !has_stmt)
		diag_hint(d, "a script is a list of probe, function and global declarations");
	else if (closer && open)
		diag_note(d, open->loc, "the '%c' is here", open->type);
	return 0;
}

static void yyerror(struct src_loc *loc, struct parser *p, const char *msg)
{
	(void)msg;
	if (p->stopped)
		return;
	diag_hint(diag_error(p->s, *loc, "the script nests too deeply to parse"),
		  "split long expressions and deeply nested statements");
	p->stopped = true;
	pp_stop(p->pp);
}

/* -------------------------------------------------------------- API */

static struct parser *parser_new(struct session *s,
				 const struct source_file *src, int start)
{
	struct parser *p = arena_new(&s->arena, struct parser);

	p->s = s;
	p->src = src;
	p->start_token = start;
	p->file = arena_new(&s->arena, struct file_ast);
	p->file->source = src;
	p->pp = pp_new(s, src, false);
	return p;
}

struct file_ast *parse_file(struct session *s, const struct source_file *src)
{
	struct parser *p = parser_new(s, src, START_FILE);

	yyparse(p);
	pp_free(p->pp);
	return p->file;
}

struct probe_point *parse_probe_point(struct session *s,
				      const struct source_file *src)
{
	struct parser *p = parser_new(s, src, START_POINT);
	int errors = diag_error_count(s);

	yyparse(p);
	pp_free(p->pp);
	if (diag_error_count(s) != errors)
		return NULL;
	return p->point;
}

void parse_macro_file(struct session *s, const struct source_file *src)
{
	struct pp *pp = pp_new(s, src, true);
	struct token t;

	for (;;) {
		pp_next(pp, &t);
		if (t.type == TOK_EOF)
			break;
		diag_hint(diag_error(s, t.loc,
				     "unexpected %s in a macro file",
				     tok_describe(t.type)),
			  "a .stpm file holds only @define macro definitions");
		pp_stop(pp);
	}
	pp_free(pp);
}
