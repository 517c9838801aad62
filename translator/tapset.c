// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tapset search path, text index and lazy parsing; see tapset.h.
 *
 * The index scan is deliberately not a parser: it only needs to find the
 * names a file defines at brace depth 0, skipping comments, strings and
 * embedded C. It may over-report (both arms of a %( %? %: %) conditional)
 * or miss an odd spelling; both are harmless, because the parsed file is
 * the truth and lookups fall back to what was parsed.
 */
#include "tapset.h"

#include <ctype.h>
#include <stdint.h>
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "diag.h"
#include "parse.h"
#include "session.h"

/* Deep enough for any real layout, shallow enough to stop symlink loops. */
#define MAX_DIR_DEPTH 12

struct tapset_file_list {
	VEC(struct tapset_file *) files;
};

struct decl_list {
	VEC(void *) decls;
};

/* ------------------------------------------------------- directory walk */

struct found_file {
	const char *path;
	const char *rel;
};

struct found_vec {
	struct found_file *v;
	int n;
	int cap;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void walk_dir(struct session *s, const char *dir, const char *rel,
		     int depth, struct found_vec *out)
{
	VEC(char *) names = { 0 };
	struct dirent *de;
	DIR *d;

	if (depth > MAX_DIR_DEPTH)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		vec_push(&s->arena, &names, arena_strdup(&s->arena, de->d_name));
	}
	closedir(d);
	if (names.n)
		qsort(names.v, (size_t)names.n, sizeof(*names.v), cmp_names);
	for (int i = 0; i < names.n; i++) {
		const char *path = arena_printf(&s->arena, "%s/%s", dir,
						names.v[i]);
		const char *r = *rel ? arena_printf(&s->arena, "%s/%s", rel,
						    names.v[i]) : names.v[i];
		struct stat st;

		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk_dir(s, path, r, depth + 1, out);
		} else if (S_ISREG(st.st_mode) &&
			   (has_suffix(names.v[i], ".stp") ||
			    has_suffix(names.v[i], ".stpm"))) {
			struct found_file f = { path, r };

			vec_push(&s->arena, out, f);
		}
	}
}

/* ------------------------------------------------- probe point matching */

static bool has_wild(const char *s)
{
	return s && strchr(s, '*');
}

bool pp_has_wildcard(const struct pp_comps *c)
{
	for (int i = 0; i < c->n; i++)
		if (has_wild(c->v[i].name) ||
		    (c->v[i].arg_is_string && has_wild(c->v[i].arg)))
			return true;
	return false;
}

void pp_comps_from_point(struct arena *a, const struct probe_point *pp,
			 struct pp_comps *out)
{
	out->n = pp->components.n;
	out->v = arena_alloc(a, sizeof(*out->v) * (size_t)(out->n + 1));
	for (int i = 0; i < out->n; i++) {
		const struct probe_component *c = &pp->components.v[i];
		struct pp_comp *o = &out->v[i];

		o->name = c->name ? c->name : "";
		if (!c->arg)
			continue;
		if (c->arg->kind == EXPR_STRING) {
			o->arg = c->arg->str ? c->arg->str : "";
			o->arg_is_string = true;
		} else {
			o->arg = arena_printf(a, "%lld", (long long)c->arg->num);
		}
	}
}

static bool glob_either(const char *pat, const char *name)
{
	return fnmatch(pat, name, 0) == 0 || fnmatch(name, pat, 0) == 0;
}

static bool comp_match(const struct pp_comp *p, const struct pp_comp *n)
{
	if (!glob_either(p->name, n->name))
		return false;
	if (!p->arg || !n->arg)
		return !p->arg && !n->arg;
	if (p->arg_is_string != n->arg_is_string)
		return false;
	return p->arg_is_string ? glob_either(p->arg, n->arg) :
				  strcmp(p->arg, n->arg) == 0;
}

/* `**` as a whole component stands for one or more components. */
static bool match_from(const struct pp_comps *p, int i,
		       const struct pp_comps *n, int j, int budget)
{
	if (budget <= 0)
		return false;
	for (; i < p->n; i++, j++) {
		if (strcmp(p->v[i].name, "**") == 0 && !p->v[i].arg) {
			for (int k = j + 1; k <= n->n; k++)
				if (match_from(p, i + 1, n, k, budget - 1))
					return true;
			return false;
		}
		if (j < n->n && strcmp(n->v[j].name, "**") == 0 &&
		    !n->v[j].arg) {
			for (int k = i + 1; k <= p->n; k++)
				if (match_from(p, k, n, j + 1, budget - 1))
					return true;
			return false;
		}
		if (j >= n->n || !comp_match(&p->v[i], &n->v[j]))
			return false;
	}
	return j == n->n;
}

bool pp_comps_match(const struct pp_comps *pattern,
		    const struct pp_comps *name)
{
	return match_from(pattern, 0, name, 0, 64);
}

char *pp_comps_text(struct arena *a, const struct pp_comps *c, int from,
		    int to)
{
	size_t len = 1;
	char *buf, *p;

	for (int i = from; i < to; i++)
		len += strlen(c->v[i].name) + 4 +
		       (c->v[i].arg ? strlen(c->v[i].arg) : 0);
	buf = p = arena_alloc(a, len);
	for (int i = from; i < to; i++) {
		const struct pp_comp *k = &c->v[i];

		if (i > from)
			*p++ = '.';
		p = stpcpy(p, k->name);
		if (!k->arg)
			continue;
		*p++ = '(';
		if (k->arg_is_string)
			*p++ = '"';
		p = stpcpy(p, k->arg);
		if (k->arg_is_string)
			*p++ = '"';
		*p++ = ')';
	}
	*p = 0;
	return buf;
}

/* -------------------------------------------------------- the text scan */

struct scan {
	struct session *s;
	struct tapset_index *ix;
	struct tapset_file *file;
	const char *p;
	const char *end;
};

static bool is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool is_ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Skip a string literal whose opening quote is at sc->p. */
static void skip_string(struct scan *sc)
{
	sc->p++;
	while (sc->p < sc->end && *sc->p != '"') {
		if (*sc->p == '\\' && sc->p + 1 < sc->end)
			sc->p++;
		if (*sc->p == '\n')
			break;
		sc->p++;
	}
	if (sc->p < sc->end)
		sc->p++;
}

static void skip_until(struct scan *sc, const char *stop)
{
	const char *q = strstr(sc->p, stop);

	sc->p = q ? q + strlen(stop) : sc->end;
	if (sc->p > sc->end)
		sc->p = sc->end;
}

/* Skip blanks, comments and embedded C; true if something was skipped. */
static bool skip_space(struct scan *sc)
{
	const char *start = sc->p;

	while (sc->p < sc->end) {
		const char *p = sc->p;

		if (isspace((unsigned char)*p)) {
			sc->p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			skip_until(sc, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			sc->p += 2;
			skip_until(sc, "*/");
		} else if (p[0] == '%' && p[1] == '{') {
			sc->p += 2;
			skip_until(sc, "%}");
		} else {
			break;
		}
	}
	return sc->p != start;
}

static const char *scan_ident(struct scan *sc)
{
	const char *start = sc->p;

	if (sc->p >= sc->end || !is_ident_start((unsigned char)*sc->p))
		return NULL;
	while (sc->p < sc->end && is_ident_char((unsigned char)*sc->p))
		sc->p++;
	return arena_strndup(&sc->s->arena, start, (size_t)(sc->p - start));
}

static void index_name(struct scan *sc, struct strmap *map, const char *name)
{
	struct tapset_file_list *l = strmap_get(map, name);

	if (!l) {
		l = arena_new(&sc->s->arena, struct tapset_file_list);
		strmap_put(&sc->s->arena, map, name, l);
	}
	if (l->files.n && l->files.v[l->files.n - 1] == sc->file)
		return;
	vec_push(&sc->s->arena, &l->files, sc->file);
}

/*
 * Split an alias name such as `kernel.function("a.b").call` into
 * components: dots inside parentheses or strings do not count.
 */
static void split_name(struct arena *a, const char *text, struct pp_comps *out)
{
	int cap = 1;
	const char *p;

	for (p = text; *p; p++)
		cap += *p == '.';
	out->v = arena_alloc(a, sizeof(*out->v) * (size_t)cap);
	out->n = 0;
	p = text;
	while (*p && out->n < cap) {
		struct pp_comp *c = &out->v[out->n++];
		const char *start = p;

		while (*p && *p != '.' && *p != '(')
			p++;
		c->name = arena_strndup(a, start, (size_t)(p - start));
		if (*p == '(') {
			const char *arg = ++p;

			if (*p == '"') {
				arg = ++p;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1])
						p++;
					p++;
				}
				c->arg_is_string = true;
			} else {
				while (*p && *p != ')')
					p++;
			}
			c->arg = arena_strndup(a, arg, (size_t)(p - arg));
			while (*p && *p != ')')
				p++;
			if (*p == ')')
				p++;
		}
		if (*p == '.')
			p++;
		else
			break;
	}
}

static void index_alias(struct scan *sc, const char *text, bool is_private)
{
	struct tapset_alias_name *an;
	const char *first;

	if (!*text)
		return;
	an = arena_new(&sc->s->arena, struct tapset_alias_name);
	an->text = text;
	an->file = sc->file;
	an->is_private = is_private;
	split_name(&sc->s->arena, text, &an->comps);
	if (!an->comps.n)
		return;
	vec_push(&sc->s->arena, &sc->ix->alias_names, an);
	first = an->comps.v[0].name;
	if (has_wild(first) || strcmp(first, "**") == 0) {
		vec_push(&sc->s->arena, &sc->ix->wild_first, an);
	} else {
		struct tapset_file_list *l = strmap_get(&sc->ix->aliases_by_first,
							first);

		/* reuse the file-list type: a list of alias names here */
		if (!l) {
			l = arena_new(&sc->s->arena, struct tapset_file_list);
			strmap_put(&sc->s->arena, &sc->ix->aliases_by_first,
				   first, l);
		}
		vec_push(&sc->s->arena, &l->files, (struct tapset_file *)an);
	}
}

/*
 * After `probe`: the names up to `=` or `+=` make an alias; a `{` first
 * means an ordinary probe, which defines nothing.
 */
static void scan_probe(struct scan *sc, bool is_private)
{
	VEC(char) text = { 0 };
	int depth = 0;

	while (sc->p < sc->end) {
		char c = *sc->p;

		if (skip_space(sc))
			continue;
		if (c == '"') {
			const char *start = sc->p;

			skip_string(sc);
			for (const char *q = start; q < sc->p; q++)
				vec_push(&sc->s->arena, &text, *q);
			continue;
		}
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			depth--;
		} else if (depth <= 0 && c == '{') {
			return;
		} else if (depth <= 0 && c == ';') {
			return;
		} else if (depth <= 0 && c == '=' && sc->p[1] != '=') {
			sc->p++;
			break;
		} else if (depth <= 0 && c == '+' && sc->p[1] == '=') {
			sc->p += 2;
			break;
		} else if (depth <= 0 && c == '=' && sc->p[1] == '=') {
			return;
		}
		vec_push(&sc->s->arena, &text, c);
		sc->p++;
	}
	if (sc->p >= sc->end && !text.n)
		return;
	/* drop a trailing + of "+=" already consumed; split on top-level , */
	vec_push(&sc->s->arena, &text, '\0');
	depth = 0;
	for (char *q = text.v, *start = text.v;; q++) {
		if (*q == '(')
			depth++;
		else if (*q == ')')
			depth--;
		else if (*q == '"')
			for (q++; *q && *q != '"'; q++)
				if (*q == '\\' && q[1])
					q++;
		if (!*q || (*q == ',' && depth <= 0)) {
			index_alias(sc, arena_strndup(&sc->s->arena, start,
						      (size_t)(q - start)),
				    is_private);
			if (!*q)
				break;
			start = q + 1;
		}
	}
}

/* After `global`: NAME [\[N\]] [%] [= literal] [, ...] */
static void scan_globals(struct scan *sc)
{
	for (;;) {
		const char *name;

		skip_space(sc);
		name = scan_ident(sc);
		if (!name)
			return;
		index_name(sc, &sc->ix->globals, name);
		skip_space(sc);
		if (sc->p < sc->end && *sc->p == '[')
			skip_until(sc, "]");
		skip_space(sc);
		if (sc->p < sc->end && *sc->p == '%')
			sc->p++;
		skip_space(sc);
		if (sc->p < sc->end && *sc->p == '=') {
			sc->p++;
			skip_space(sc);
			if (sc->p < sc->end && *sc->p == '"')
				skip_string(sc);
			else
				while (sc->p < sc->end &&
				       (is_ident_char((unsigned char)*sc->p) ||
					*sc->p == '-'))
					sc->p++;
			skip_space(sc);
		}
		if (sc->p >= sc->end || *sc->p != ',')
			return;
		sc->p++;
	}
}

static void scan_file(struct session *s, struct tapset_file *f)
{
	struct scan sc = {
		.s = s, .ix = s->tapsets, .file = f,
		.p = f->src->text, .end = f->src->text + f->src->len,
	};
	bool is_private = false;
	int depth = 0;

	while (sc.p < sc.end) {
		const char *word;
		char c;

		if (skip_space(&sc))
			continue;
		c = *sc.p;
		if (c == '"') {
			skip_string(&sc);
			continue;
		}
		if (c == '{' || c == '}') {
			depth += c == '{' ? 1 : -1;
			if (depth < 0)
				depth = 0;
			sc.p++;
			is_private = false;
			continue;
		}
		if (!is_ident_start((unsigned char)c)) {
			/* skip a whole number or operator char; $x @x too */
			sc.p++;
			while (sc.p < sc.end &&
			       is_ident_char((unsigned char)*sc.p))
				sc.p++;
			continue;
		}
		word = scan_ident(&sc);
		if (depth > 0)
			continue;
		if (strcmp(word, "private") == 0) {
			is_private = true;
			continue;
		}
		if (strcmp(word, "function") == 0) {
			const char *name;

			skip_space(&sc);
			name = scan_ident(&sc);
			if (name)
				index_name(&sc, &sc.ix->functions, name);
		} else if (strcmp(word, "probe") == 0) {
			scan_probe(&sc, is_private);
		} else if (strcmp(word, "global") == 0) {
			scan_globals(&sc);
		}
		is_private = false;
	}
}

/* ------------------------------------------------------------- loading */

void tapset_load(struct session *s)
{
	struct found_vec found = { 0 };
	struct strmap seen;
	struct tapset_index *ix;

	if (s->tapsets)
		return;
	ix = arena_new(&s->arena, struct tapset_index);
	s->tapsets = ix;
	strmap_init(&ix->functions, false);
	strmap_init(&ix->globals, false);
	strmap_init(&ix->aliases_by_first, false);
	strmap_init(&ix->parsed_functions, false);
	strmap_init(&ix->parsed_globals, false);
	strmap_init(&ix->file_of_src, true);
	strmap_init(&ix->decl_seq, true);
	strmap_init(&seen, false);

	for (int i = 0; i < s->tapset_dirs.n; i++)
		walk_dir(s, s->tapset_dirs.v[i], "", 0, &found);

	/* macros first: every .stp file (and the script) may use them */
	for (int i = 0; i < found.n; i++) {
		struct source_file *src;
		struct src_loc none = { 0 };

		if (!has_suffix(found.v[i].path, ".stpm") ||
		    strmap_get(&seen, found.v[i].rel))
			continue;
		strmap_put(&s->arena, &seen, found.v[i].rel, (void *)1);
		src = session_read_file(s, found.v[i].path, true, none);
		if (!src)
			continue;
		src->is_macro_file = true;
		parse_macro_file(s, src);
	}
	for (int i = 0; i < found.n; i++) {
		struct tapset_file *f;
		struct src_loc none = { 0 };

		if (!has_suffix(found.v[i].path, ".stp") ||
		    strmap_get(&seen, found.v[i].rel))
			continue;
		strmap_put(&s->arena, &seen, found.v[i].rel, (void *)1);
		f = arena_new(&s->arena, struct tapset_file);
		f->path = found.v[i].path;
		f->rel = found.v[i].rel;
		f->order = ix->files.n;
		f->src = session_read_file(s, f->path, true, none);
		if (!f->src)
			continue;
		vec_push(&s->arena, &ix->files, f);
		strmap_put(&s->arena, &ix->file_of_src, f->src, f);
		scan_file(s, f);
	}
}

static void add_decl(struct session *s, struct strmap *map, const char *name,
		     void *decl)
{
	struct decl_list *l;

	if (!name)
		return;
	l = strmap_get(map, name);
	if (!l) {
		l = arena_new(&s->arena, struct decl_list);
		strmap_put(&s->arena, map, name, l);
	}
	vec_push(&s->arena, &l->decls, decl);
}

void tapset_set_decl_order(struct session *s, const void *decl)
{
	struct tapset_index *ix = s->tapsets;

	if (!strmap_get(&ix->decl_seq, decl)) {
		ix->seq++;
		strmap_put(&s->arena, &ix->decl_seq, decl,
			   (void *)(intptr_t)ix->seq);
	}
}

int tapset_decl_order(struct session *s, const void *decl)
{
	return (int)(intptr_t)strmap_get(&s->tapsets->decl_seq, decl);
}

static void parse_tapset(struct session *s, struct tapset_file *f)
{
	struct tapset_index *ix = s->tapsets;

	if (f->ast)
		return;
	f->ast = parse_file(s, f->src);
	ix->nparsed++;
	for (int i = 0; i < f->ast->decls.n; i++) {
		struct decl *d = &f->ast->decls.v[i];

		if (d->kind == DECL_FUNCTION && d->function) {
			if (!d->function->file)
				d->function->file = f->src;
			tapset_set_decl_order(s, d->function);
			add_decl(s, &ix->parsed_functions, d->function->name,
				 d->function);
		} else if (d->kind == DECL_GLOBAL && d->global) {
			if (!d->global->file)
				d->global->file = f->src;
			tapset_set_decl_order(s, d->global);
			add_decl(s, &ix->parsed_globals, d->global->name,
				 d->global);
		}
	}
}

struct tapset_file *tapset_file_of(struct session *s,
				   const struct source_file *src)
{
	if (!s->tapsets || !src)
		return NULL;
	return strmap_get(&s->tapsets->file_of_src, src);
}

static bool visible(bool is_private, const struct source_file *decl_file,
		    const struct source_file *from)
{
	return !is_private || decl_file == from;
}

/*
 * The first declaration of name in `in` (any file when NULL) visible from
 * `from`; a function's only with `arity` parameters (any when negative).
 */
static void *find_parsed(struct strmap *map, const char *name,
			 const struct source_file *in, bool want_function,
			 int arity, const struct source_file *from)
{
	struct decl_list *l = strmap_get(map, name);

	if (!l)
		return NULL;
	for (int i = 0; i < l->decls.n; i++) {
		const struct source_file *file;
		bool priv;

		if (want_function) {
			struct function_decl *fd = l->decls.v[i];

			file = fd->file;
			priv = fd->is_private;
			if (arity >= 0 && fd->params.n != arity)
				continue;
		} else {
			struct global_decl *gd = l->decls.v[i];

			file = gd->file;
			priv = gd->is_private;
		}
		if ((!in || file == in) && visible(priv, file, from))
			return l->decls.v[i];
	}
	return NULL;
}

static void *lookup(struct session *s, struct strmap *index,
		    struct strmap *parsed, const char *name,
		    const struct source_file *from, bool want_function,
		    int arity)
{
	struct tapset_file_list *l;
	void *d;

	tapset_load(s);
	l = strmap_get(index, name);
	/* a private definition in the caller's own file comes first */
	if (from && tapset_file_of(s, from)) {
		d = find_parsed(parsed, name, from, want_function, arity, from);
		if (d)
			return d;
	}
	for (int i = 0; l && i < l->files.n; i++) {
		parse_tapset(s, l->files.v[i]);
		d = find_parsed(parsed, name, l->files.v[i]->src,
				want_function, arity, from);
		if (d)
			return d;
	}
	return find_parsed(parsed, name, NULL, want_function, arity, from);
}

/*
 * Every other definition of head's name and arity in the tapsets, in file
 * order, becomes its fallback chain (run-time overloading: `next` in one
 * passes the call on). Built once, for the first caller's view of private
 * definitions.
 */
static void link_fallbacks(struct session *s, struct function_decl *head,
			   const struct source_file *from)
{
	struct tapset_file_list *l = strmap_get(&s->tapsets->functions,
						head->name);
	struct function_decl **tail = &head->fallback;
	struct decl_list *parsed;

	head->fallbacks_linked = true;
	for (int i = 0; l && i < l->files.n; i++)
		parse_tapset(s, l->files.v[i]);
	parsed = strmap_get(&s->tapsets->parsed_functions, head->name);
	for (int i = 0; parsed && i < parsed->decls.n; i++) {
		struct function_decl *fd = parsed->decls.v[i];

		if (fd == head || fd->params.n != head->params.n ||
		    fd->fallbacks_linked ||
		    !visible(fd->is_private, fd->file, from))
			continue;
		fd->fallbacks_linked = true;
		*tail = fd;
		tail = &fd->fallback;
	}
}

struct function_decl *tapset_function(struct session *s, const char *name,
				      int arity,
				      const struct source_file *from)
{
	struct function_decl *fd;

	tapset_load(s);
	fd = lookup(s, &s->tapsets->functions, &s->tapsets->parsed_functions,
		    name, from, true, arity);
	if (fd && arity >= 0 && !fd->fallbacks_linked)
		link_fallbacks(s, fd, from);
	return fd;
}

int tapset_functions_named(struct session *s, const char *name,
			   const struct source_file *from,
			   struct function_decl **out, int max)
{
	struct tapset_file_list *l;
	struct decl_list *parsed;
	int n = 0;

	tapset_load(s);
	l = strmap_get(&s->tapsets->functions, name);
	for (int i = 0; l && i < l->files.n; i++)
		parse_tapset(s, l->files.v[i]);
	parsed = strmap_get(&s->tapsets->parsed_functions, name);
	for (int i = 0; parsed && i < parsed->decls.n; i++) {
		struct function_decl *fd = parsed->decls.v[i];
		bool shadowed = false;

		if (!visible(fd->is_private, fd->file, from))
			continue;
		/* one per arity: the one a call would get */
		for (int j = 0; j < n && j < max; j++)
			shadowed |= out[j]->params.n == fd->params.n;
		if (shadowed)
			continue;
		fd = tapset_function(s, name, fd->params.n, from);
		if (n < max)
			out[n] = fd;
		n++;
	}
	return n;
}

struct global_decl *tapset_global(struct session *s, const char *name,
				  const struct source_file *from)
{
	tapset_load(s);
	return lookup(s, &s->tapsets->globals, &s->tapsets->parsed_globals,
		      name, from, false, -1);
}

static void match_in_file(struct session *s, struct tapset_file *f,
			  const struct pp_comps *pp,
			  const struct source_file *from,
			  struct tapset_alias_vec *out)
{
	parse_tapset(s, f);
	for (int i = 0; i < f->ast->decls.n; i++) {
		struct decl *d = &f->ast->decls.v[i];
		struct probe_decl *pd = d->probe;

		if (d->kind != DECL_PROBE || !pd || !pd->is_alias ||
		    !visible(pd->is_private, f->src, from))
			continue;
		for (int j = 0; j < pd->alias_names.n; j++) {
			struct tapset_alias *ta;
			struct pp_comps c;

			pp_comps_from_point(&s->arena, pd->alias_names.v[j], &c);
			if (!pp_comps_match(pp, &c))
				continue;
			ta = arena_new(&s->arena, struct tapset_alias);
			ta->decl = pd;
			ta->name = pd->alias_names.v[j];
			ta->comps = c;
			ta->text = pp_comps_text(&s->arena, &c, 0, c.n);
			ta->file = f;
			vec_push(&s->arena, out, ta);
		}
	}
}

static void mark_file(struct session *s, struct strmap *files,
		      const struct tapset_alias_name *an,
		      const struct pp_comps *pp)
{
	if (strmap_get(files, an->file))
		return;
	if (pp_comps_match(pp, &an->comps))
		strmap_put(&s->arena, files, an->file, an->file);
}

void tapset_match_aliases(struct session *s, const struct pp_comps *pp,
			  const struct source_file *from,
			  struct tapset_alias_vec *out)
{
	struct tapset_index *ix;
	struct strmap files;
	const char *first;

	tapset_load(s);
	ix = s->tapsets;
	if (!pp->n)
		return;
	strmap_init(&files, true);
	first = pp->v[0].name;
	if (has_wild(first)) {
		for (int i = 0; i < ix->alias_names.n; i++)
			mark_file(s, &files, ix->alias_names.v[i], pp);
	} else {
		struct tapset_file_list *l = strmap_get(&ix->aliases_by_first,
							first);

		for (int i = 0; l && i < l->files.n; i++)
			mark_file(s, &files,
				  (struct tapset_alias_name *)l->files.v[i],
				  pp);
		for (int i = 0; i < ix->wild_first.n; i++)
			mark_file(s, &files, ix->wild_first.v[i], pp);
	}
	if (!files.n)
		return;
	/* search order, so the output does not depend on hashing */
	for (int i = 0; i < ix->files.n; i++)
		if (strmap_get(&files, ix->files.v[i]))
			match_in_file(s, ix->files.v[i], pp, from, out);
}
