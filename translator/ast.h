/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The abstract syntax tree of the SystemTap language.
 *
 * Pass 1 builds it, pass 2 annotates it in place (symbols, types) and builds
 * the elaborated program on top of it. Every node carries the place it came
 * from, so any pass can point a diagnostic at the script.
 *
 * All nodes live in the session arena; lists are VECs (see vec.h).
 */
#ifndef BSTAP_AST_H
#define BSTAP_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "vec.h"

/* A file the session read: a script, a tapset, a -e string or a macro file. */
struct source_file {
	const char *name;	/* as shown in diagnostics: path or <input> */
	const char *text;	/* whole contents, NUL-terminated */
	size_t len;
	bool is_tapset;		/* came from the tapset search path */
	bool is_macro_file;	/* a .stpm file: only @define allowed */
};

struct src_loc {
	const struct source_file *file;	/* NULL: command line / internal */
	int line;			/* 1-based */
	int col;			/* 1-based, in bytes */
	int len;			/* bytes the token spans, for ~~~ underlines */
};

/* ---------------------------------------------------------------- types */

enum type_kind {
	TYPE_UNKNOWN = 0,
	TYPE_LONG,
	TYPE_STRING,
	TYPE_STATS,	/* an aggregate fed with <<< */
	TYPE_VOID,	/* a function that returns nothing */
};

const char *type_name(enum type_kind t);

/* --------------------------------------------------------- expressions */

enum expr_kind {
	EXPR_NUMBER,		/* num */
	EXPR_STRING,		/* str */
	EXPR_IDENT,		/* name: a local, global or parameter */
	EXPR_INDEX,		/* base[indices]: array element; base may
				 * be an EXPR_HIST: @hist_log(x)[bucket] */
	EXPR_CALL,		/* name(args): script or tapset function */
	EXPR_PRINT,		/* print family; see print_kind */
	EXPR_UNARY,		/* op operand: - + ! ~ */
	EXPR_BINARY,		/* left op right: arithmetic, bits, shifts, . */
	EXPR_COMPARE,		/* left op right: < <= > >= == != */
	EXPR_LOGICAL,		/* left op right: && || */
	EXPR_TERNARY,		/* cond ? left : right */
	EXPR_ASSIGN,		/* left op right: = += ... .= <<< */
	EXPR_INCDEC,		/* ++x x++ --x x-- */
	EXPR_REGEX,		/* left =~ right, left !~ right; right is a literal */
	EXPR_IN,		/* [indices] in base */
	EXPR_STAT,		/* @count(operand) ... ; see stat_op;
				 * @variance(x, N): N is args.v[0] */
	EXPR_HIST,		/* @hist_log(operand), @hist_linear(operand, args) */
	EXPR_TARGET,		/* $name, $$vars ... with component chain;
				 * name keeps its '$'s: "$var", "$$parms" */
	EXPR_CAST,		/* @cast(operand, "type"[, "module"]) chain;
				 * str NULL: stap's autocast, a value with
				 * a chain or '&': f(x)->a, &x, (p)[1] */
	EXPR_VAR,		/* @var("name[@file]"[, "module"]) chain */
	EXPR_DEFINED,		/* @defined(operand) */
	EXPR_CHOOSE_DEFINED,	/* @choose_defined(left, right) */
	EXPR_ENTRY,		/* @entry(operand) */
	EXPR_PARAM_COUNT,	/* $# (as a number) or @#; the parser
				 * substitutes them as stap does, so pass 1
				 * never makes one */
};

/*
 * Operators. One enum for all of them keeps printing and precedence tables
 * in one place; each expression kind uses its own subset.
 */
enum op {
	OP_NONE = 0,
	/* unary */
	OP_NEG, OP_PLUS, OP_NOT, OP_BITNOT,
	/* binary arithmetic and bits */
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_SHL, OP_SHR, OP_USHR,	/* << >> >>> */
	OP_BITAND, OP_BITOR, OP_BITXOR,
	OP_CONCAT,			/* . */
	/* comparison */
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
	/* logical */
	OP_AND, OP_OR,
	/* assignment */
	OP_ASSIGN, OP_ADD_ASSIGN, OP_SUB_ASSIGN, OP_MUL_ASSIGN,
	OP_DIV_ASSIGN, OP_MOD_ASSIGN, OP_SHL_ASSIGN, OP_SHR_ASSIGN,
	OP_USHR_ASSIGN, OP_AND_ASSIGN, OP_OR_ASSIGN, OP_XOR_ASSIGN,
	OP_CONCAT_ASSIGN,		/* .= */
	OP_AGGREGATE,			/* <<< */
	/* increment / decrement */
	OP_PREINC, OP_PREDEC, OP_POSTINC, OP_POSTDEC,
	/* regex */
	OP_MATCH, OP_NOMATCH,		/* =~ !~ */
};

const char *op_text(enum op op);	/* "+", "<<<", "=~", "++" ... */

enum stat_op {
	STAT_COUNT, STAT_SUM, STAT_MIN, STAT_MAX, STAT_AVG, STAT_VARIANCE,
};

enum hist_kind { HIST_LOG, HIST_LINEAR };

enum print_kind {
	PRINT_PRINT, PRINT_PRINTLN, PRINT_PRINTF, PRINT_PRINTD, PRINT_PRINTDLN,
	PRINT_SPRINT, PRINT_SPRINTLN, PRINT_SPRINTF, PRINT_SPRINTD,
	PRINT_SPRINTDLN,
};

const char *print_kind_name(enum print_kind k);	/* "printf" ... */
bool print_kind_returns_string(enum print_kind k);

/* One step of a target-variable chain: ->name, .name or [index]. */
enum component_kind { COMP_MEMBER, COMP_INDEX };

struct component {
	enum component_kind kind;
	struct src_loc loc;
	const char *name;	/* COMP_MEMBER */
	struct expr *index;	/* COMP_INDEX */
};

/* How a $var, @cast or @var is to be pretty printed: $var$ or $var$$. */
enum pretty_print { PRETTY_NONE = 0, PRETTY_SHALLOW, PRETTY_DEEP };

struct symbol;

struct expr {
	enum expr_kind kind;
	struct src_loc loc;
	enum type_kind type;	/* set by pass 2 */

	enum op op;		/* UNARY BINARY COMPARE LOGICAL ASSIGN INCDEC REGEX */
	int64_t num;		/* NUMBER; PARAM_COUNT: 0 for $#, 1 for @# */
	const char *str;	/* STRING; REGEX pattern; CAST/VAR type or name */
	const char *name;	/* IDENT CALL TARGET; INDEX/IN: array name */
	const char *module;	/* CAST, VAR: optional module / path string */

	struct expr *left;	/* binary operand, ASSIGN target, TERNARY true */
	struct expr *right;	/* binary operand, ASSIGN value, TERNARY false */
	struct expr *cond;	/* TERNARY */
	struct expr *operand;	/* UNARY INCDEC STAT HIST CAST DEFINED ENTRY */

	/*
	 * INDEX and IN: the array expression (an EXPR_IDENT) is `base`, the
	 * keys `args`; a NULL key is a `*` wildcard (slices: a[*, k]).
	 * CALL and PRINT: the arguments. HIST: the @hist_linear
	 * low, high and step after the operand.
	 */
	struct expr *base;
	VEC(struct expr *) args;

	enum stat_op stat;	/* STAT */
	enum hist_kind hist;	/* HIST */
	enum print_kind print;	/* PRINT */
	const char *format;	/* PRINT: printf/sprintf literal format */

	/* TARGET, CAST, VAR: ->a[i]->b chain and $/$$ suffix */
	VEC(struct component) chain;
	enum pretty_print pretty;
	bool addr_of;		/* &$var->member */

	/* pass 2 */
	struct symbol *sym;		/* IDENT INDEX IN: what the name is */
	struct function_decl *func;	/* CALL: resolved function */
};

/* ----------------------------------------------------------- statements */

enum stmt_kind {
	STMT_BLOCK,
	STMT_EXPR,
	STMT_NULL,		/* ; */
	STMT_IF,
	STMT_WHILE,
	STMT_FOR,
	STMT_FOREACH,
	STMT_BREAK,
	STMT_CONTINUE,
	STMT_NEXT,
	STMT_RETURN,
	STMT_DELETE,
	STMT_TRY,
	STMT_EMBEDDED_C,	/* %{ %} inside a function body; rejected */
};

/* A key or value of foreach with its sort mark. */
struct foreach_var {
	struct expr *var;	/* EXPR_IDENT */
	int sort;		/* 0, +1 ascending, -1 descending */
};

struct foreach_stmt {
	struct foreach_var value;	/* v = [k] in a: value.var may be NULL */
	VEC(struct foreach_var) keys;
	bool bracketed;		/* keys were written as [k, ...] */
	struct expr *array;	/* EXPR_IDENT, or EXPR_INDEX for a slice */
	int array_sort;		/* foreach (k in a+): sort by value */
	/*
	 * foreach (k in s @count-): sort on an aggregate of a statistics
	 * array; has_sort_stat says array_sort applies to sort_stat.
	 */
	bool has_sort_stat;
	enum stat_op sort_stat;
	struct expr *limit;
	struct stmt *body;
};

struct stmt {
	enum stmt_kind kind;
	struct src_loc loc;

	VEC(struct stmt *) stmts;	/* BLOCK */
	struct expr *expr;		/* EXPR, RETURN (may be NULL), DELETE,
					 * IF/WHILE/FOR condition (FOR: may be NULL) */
	struct stmt *then_stmt;		/* IF */
	struct stmt *else_stmt;		/* IF, may be NULL */
	struct stmt *init;		/* FOR, may be NULL (an EXPR stmt) */
	struct expr *incr;		/* FOR, may be NULL */
	struct stmt *body;		/* WHILE FOR TRY */
	struct foreach_stmt *foreach;	/* FOREACH */
	struct expr *catch_var;		/* TRY: catch (msg), may be NULL */
	struct stmt *catch_body;	/* TRY */
	const char *code;		/* EMBEDDED_C text */
};

/* --------------------------------------------------------- declarations */

/* One component of a probe point: name or name(arg). */
struct probe_component {
	struct src_loc loc;
	const char *name;	/* may contain * and ** wildcards */
	struct expr *arg;	/* NULL, EXPR_NUMBER or EXPR_STRING */
};

struct probe_point {
	struct src_loc loc;
	VEC(struct probe_component) components;
	bool optional;		/* ? */
	bool sufficient;	/* ! */
	struct expr *condition;	/* if (expr), may be NULL */
};

struct probe_decl {
	struct src_loc loc;
	VEC(struct probe_point *) points;
	struct stmt *body;		/* always a BLOCK */
	bool is_private;
	/* aliases: probe NAME[, NAME] = points { prologue }   (=)
	 *          probe NAME[, NAME] += points { epilogue }  (+=) */
	bool is_alias;
	bool is_epilogue;		/* += */
	VEC(struct probe_point *) alias_names;
};

struct param_decl {
	struct src_loc loc;
	const char *name;
	enum type_kind type;	/* declared (:long / :string) or UNKNOWN */
	bool type_declared;
};

struct function_decl {
	struct src_loc loc;
	const char *name;
	enum type_kind type;	/* return type, declared or inferred */
	bool type_declared;
	bool is_private;
	VEC(struct param_decl) params;
	struct stmt *body;	/* BLOCK; NULL for runtime or embedded C */
	const char *runtime;	/* @runtime("sym"): implemented in runtime/bpf */
	const char *embedded_c;	/* %{ %} body: parsed, then rejected */
	const struct source_file *file;
	int uses;		/* pass 2: referenced from reachable code */
	/* the script's next function of this name (another arity) */
	struct function_decl *overload;
	/*
	 * The next definition with this name and arity: where `next` in
	 * this one passes the call (stap's run-time overloading).
	 */
	struct function_decl *fallback;
	bool fallbacks_linked;	/* tapsets: the chain is built */
};

struct global_decl {
	struct src_loc loc;
	const char *name;
	bool is_private;
	bool is_array;		/* written with a size: g[100] (also g[]) */
	int64_t size;		/* 0: MAXMAPENTRIES */
	bool wrap;		/* g% : wrapping array */
	struct expr *init;	/* NUMBER or STRING literal, may be NULL */
	const struct source_file *file;
};

/* One parsed file. Files keep declaration order for printing. */
enum decl_kind { DECL_PROBE, DECL_FUNCTION, DECL_GLOBAL, DECL_EMBEDDED_C };

struct decl {
	enum decl_kind kind;
	struct src_loc loc;
	struct probe_decl *probe;
	struct function_decl *function;
	struct global_decl *global;
	const char *code;	/* DECL_EMBEDDED_C: top-level %{ %} */
};

struct file_ast {
	const struct source_file *source;
	VEC(struct decl) decls;
};

/* ------------------------------------------------------- AST helpers */

struct arena;

struct expr *expr_new(struct arena *a, enum expr_kind kind, struct src_loc loc);
struct stmt *stmt_new(struct arena *a, enum stmt_kind kind, struct src_loc loc);

/* Deep copies, used by alias expansion so each expansion owns its nodes. */
struct expr *expr_clone(struct arena *a, const struct expr *e);
struct stmt *stmt_clone(struct arena *a, const struct stmt *s);

/* "kernel.function(\"f\").return?" as written, for messages and -l. */
char *probe_point_text(struct arena *a, const struct probe_point *pp);

#endif
