// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kernel.trace("SYSTEM:NAME") and kernel.trace("NAME"), with wildcards in
 * both parts.
 *
 * Where tracepoints come from: tracefs (events/SYSTEM/NAME/format) when it
 * is mounted and readable; the translator never mounts it. Otherwise
 * vmlinux BTF: every btf_trace_NAME typedef is a tracepoint, but BTF does
 * not say its system, and the per-syscall events (syscalls:sys_enter_X)
 * are made up from the syscall entry functions (__x64_sys_X). Without
 * tracefs a literal system is taken on trust, a glob over systems only
 * matches the syscalls, and -v says so.
 *
 * Variables: the TP_PROTO arguments ($prev, $next: what stap offers, read
 * through a raw/BTF tracepoint) then the format fields not already named
 * ($prev_comm: a classic tracepoint). Argument names come from the
 * __bpf_trace_CLASS function in BTF; the fields from tracefs, else from
 * struct trace_event_raw_CLASS. BTF does not map an event to its class
 * (DEFINE_EVENT): the class is the event's own name when BTF has one, else
 * the class with the same prototype whose record has the tracefs fields,
 * else (no tracefs) the one with the most similar name, and the point's
 * variables are then marked incomplete. (On a 6.18 kernel, BTF alone gave
 * the variables tracefs gives for 90% of the events, 8% incomplete, 2%
 * wrong.)
 *
 * resolved_point: target "SYSTEM:NAME" (or "NAME" when the system is not
 * known), tier kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "btf_index.h"
#include "diag.h"
#include "provider_impl.h"
#include "session.h"

static const char *const events_dirs[] = {
	"/sys/kernel/tracing/events",
	"/sys/kernel/debug/tracing/events",
};

static const char *const kernel_trace_spellings[] = {
	"kernel.trace(\"NAME\")",
	NULL,
};

struct tracepoint {
	const char *system;	/* NULL: not known (BTF only) */
	const char *name;
	const char *text;	/* "system:name" or "name" */
	bool syscall;		/* made up from a syscall entry function */
};

struct tp_cache {
	const char *events_dir;	/* NULL: no tracefs, BTF only */
	struct tracepoint *v;
	int n;
	const char **names;	/* the texts, for did-you-mean */
	struct arena arena;	/* names live here, beyond the session's
				 * arena resets */
};

static bool kernel_trace_claims(const struct probe_point *pp)
{
	return pp->components.n >= 2 &&
	       glob_match(pp->components.v[0].name, "kernel") &&
	       !strcmp(pp->components.v[1].name, "trace");
}

static void tp_cache_release(void *v)
{
	struct tp_cache *c = v;

	arena_release(&c->arena);
	free(c->v);
	free(c->names);
	free(c);
}

static void tp_add(struct tp_cache *c, int *cap, const char *system,
		   const char *name, bool syscall)
{
	struct tracepoint *tp;

	if (c->n == *cap) {
		int ncap = *cap ? *cap * 2 : 1024;
		struct tracepoint *v = realloc(c->v, ncap * sizeof(*v));

		if (!v)
			return;
		c->v = v;
		*cap = ncap;
	}
	tp = &c->v[c->n++];
	tp->system = system ? arena_strdup(&c->arena, system) : NULL;
	tp->name = arena_strdup(&c->arena, name);
	tp->text = system ? arena_printf(&c->arena, "%s:%s", system, name)
			  : tp->name;
	tp->syscall = syscall;
}

static bool is_dir(const char *dir, const struct dirent *e)
{
	char path[4096];
	struct stat st;
	int n;

	if (e->d_type == DT_DIR)
		return true;
	if (e->d_type != DT_UNKNOWN)
		return false;
	n = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

static void scan_system(struct tp_cache *c, int *cap, const char *events,
			const char *system)
{
	char dir[4096];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", events, system);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && is_dir(dir, e))
			tp_add(c, cap, system, e->d_name, false);
	closedir(d);
}

/* Tracepoints from tracefs; false when it is not there to read. */
static bool scan_tracefs(struct tp_cache *c, int *cap)
{
	for (size_t i = 0; i < sizeof(events_dirs) / sizeof(*events_dirs);
	     i++) {
		struct dirent *e;
		DIR *d = opendir(events_dirs[i]);

		if (!d)
			continue;
		while ((e = readdir(d))) {
			/* ftrace's own events cannot be attached to */
			if (e->d_name[0] == '.' ||
			    !strcmp(e->d_name, "ftrace") ||
			    !is_dir(events_dirs[i], e))
				continue;
			scan_system(c, cap, events_dirs[i], e->d_name);
		}
		closedir(d);
		if (c->n) {
			c->events_dir = events_dirs[i];
			return true;
		}
	}
	return false;
}

static void scan_btf(struct session *s, struct tp_cache *c, int *cap)
{
	struct btf_index *ix = btf_vmlinux(s);
	char name[512];

	if (!ix)
		return;
	for (int i = 0; i < ix->tracepoints.n; i++)
		tp_add(c, cap, NULL, ix->tracepoints.v[i].name, false);
	for (int i = 0; i < ix->syscalls.n; i++) {
		snprintf(name, sizeof(name), "sys_enter_%s",
			 ix->syscalls.v[i].name);
		tp_add(c, cap, "syscalls", name, true);
		snprintf(name, sizeof(name), "sys_exit_%s",
			 ix->syscalls.v[i].name);
		tp_add(c, cap, "syscalls", name, true);
	}
}

static int tp_cmp(const void *a, const void *b)
{
	const struct tracepoint *x = a, *y = b;

	return strcmp(x->text, y->text);
}

static struct tp_cache *tracepoints(struct session *s)
{
	struct tp_cache *c = provider_cache_get(s, SLOT_TRACEPOINTS);
	int cap = 0;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	arena_init(&c->arena);
	if (!scan_tracefs(c, &cap))
		scan_btf(s, c, &cap);
	qsort(c->v, c->n, sizeof(*c->v), tp_cmp);
	c->names = calloc(c->n + 1, sizeof(*c->names));
	for (int i = 0; c->names && i < c->n; i++)
		c->names[i] = c->v[i].text;
	provider_cache_set(s, SLOT_TRACEPOINTS, c, tp_cache_release);
	return c;
}

/* ------------------------------------------------------------- matching */

struct tp_pattern {
	const char *system;	/* NULL: any */
	const char *name;
};

static struct tp_pattern split_pattern(struct session *s, const char *arg)
{
	struct tp_pattern p = { NULL, arg };
	const char *colon = strchr(arg, ':');

	if (colon) {
		p.system = arena_strndup(&s->arena, arg, colon - arg);
		p.name = colon + 1;
		if (!strcmp(p.system, "*"))
			p.system = NULL;
	}
	return p;
}

static void no_tracepoints(struct session *s, const struct probe_component *c)
{
	diag_hint(diag_error(s, c->loc,
			     "cannot list kernel tracepoints: no tracefs and %s",
			     btf_error(s)),
		  "mount tracefs (mount -t tracefs nodev /sys/kernel/tracing) or run on a kernel with BTF");
}

static struct resolved_point *tp_point(struct session *s,
				       const struct probe_point *pp,
				       const struct pp_match *m,
				       const struct tracepoint *tp,
				       const char *system)
{
	const char *target = system ? arena_printf(&s->arena, "%s:%s", system,
						   tp->name)
				    : tp->text;
	const char *subst[PP_MAX_COMPONENTS] = { 0 };
	struct resolved_point *rp;

	subst[1] = target;
	rp = rp_new(s, &kernel_trace_provider, pp, m_text(s, m, subst),
		    TIER_KERNEL);
	rp->target = target;
	rp->data = (void *)tp;
	return rp;
}

static void unknown_tracepoint(struct session *s, struct tp_cache *c,
			       const struct probe_component *comp,
			       const char *arg)
{
	const char *close = diag_closest(arg, c->names, c->n);
	const char *colon = strchr(arg, ':');
	struct diag *d = diag_error(s, comp->loc, "no kernel tracepoint '%s'",
				    arg);

	if (!close) {
		/* compare the names alone: the system may be unknown */
		const char **names = arena_alloc(&s->arena,
						 (c->n + 1) * sizeof(*names));

		for (int i = 0; i < c->n; i++)
			names[i] = c->v[i].name;
		close = diag_closest(colon ? colon + 1 : arg, names, c->n);
		if (close && colon)
			close = arena_printf(&s->arena, "%.*s:%s",
					     (int)(colon - arg), arg, close);
	}
	if (close)
		diag_hint(d, "did you mean '%s'?", close);
	else
		diag_hint(d, "bstap -l 'kernel.trace(\"*\")' lists them");
}

/*
 * Without tracefs: systems are unknown except for made-up syscalls. A
 * literal system with a literal name is trusted; a system glob cannot be
 * checked against the others.
 */
static int match_btf_only(struct session *s, const struct probe_point *pp,
			  const struct pp_match *m, struct tp_cache *c,
			  struct tp_pattern p, struct resolved_point_vec *out)
{
	bool literal = p.system && !glob_has(p.system) && !glob_has(p.name);
	int found = 0, unchecked = 0;

	for (int i = 0; i < c->n; i++) {
		const struct tracepoint *tp = &c->v[i];

		if (!glob_match(p.name, tp->name))
			continue;
		if (!p.system || (tp->system && glob_match(p.system,
							   tp->system))) {
			rp_push(s, out, tp_point(s, pp, m, tp, NULL));
			found++;
		} else if (!tp->system && literal) {
			rp_push(s, out, tp_point(s, pp, m, tp, p.system));
			found++;
			if (s->verbose)
				diag_hint(diag_warning(s, m->comps[1]->loc,
						       "tracefs is not mounted: system '%s' of '%s' is not checked",
						       p.system, tp->name),
					  "mount tracefs to check it");
		} else if (!tp->system) {
			unchecked++;
		}
	}
	if (!found && unchecked) {
		diag_hint(diag_error(s, m->comps[1]->loc,
				     "without tracefs the system of a tracepoint is unknown, so '%s:%s' cannot be matched",
				     p.system, p.name),
			  "mount tracefs (mount -t tracefs nodev /sys/kernel/tracing), or match names only: kernel.trace(\"%s\")",
			  strcmp(p.name, "*") ? p.name :
			  arena_printf(&s->arena, "%s_*", p.system));
		return -1;
	}
	return found;
}

static int expand_one(struct session *s, const struct probe_point *pp,
		      const struct pp_match *m, bool listing,
		      struct resolved_point_vec *out)
{
	const struct probe_component *comp = m->comps[1];
	const char *arg;
	struct tp_cache *c;
	struct tp_pattern p;
	int found = 0;

	if (!arg_nonempty(s, comp, m_what(s, m, "trace")))
		return -1;
	arg = comp->arg->str;
	c = tracepoints(s);
	if (!c || !c->n) {
		no_tracepoints(s, comp);
		return -1;
	}
	p = split_pattern(s, arg);
	if (!c->events_dir) {
		found = match_btf_only(s, pp, m, c, p, out);
		if (found < 0)
			return -1;
	} else {
		for (int i = 0; i < c->n; i++) {
			const struct tracepoint *tp = &c->v[i];

			if (glob_match(p.name, tp->name) &&
			    (!p.system || glob_match(p.system, tp->system))) {
				rp_push(s, out, tp_point(s, pp, m, tp, NULL));
				found++;
			}
		}
	}
	if (!found && !listing && !glob_has(arg) && !pp_is_optional(pp)) {
		unknown_tracepoint(s, c, comp, arg);
		return -1;
	}
	return found;
}

static int kernel_trace_expand(struct session *s, const struct probe_point *pp,
			       bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];
	int n = pp_match(s, &kernel_trace_provider, pp, m), from = out->n;

	if (!n)
		return -1;
	for (int i = 0; i < n; i++)
		if (expand_one(s, pp, &m[i], listing, out) < 0)
			return -1;
	rp_sort(out, from);
	return out->n - from;
}

/* ------------------------------------------------------------ variables */

struct var_sink {
	void (*emit)(void *ctx, const struct context_var *v);
	void *ctx;
	const char *names[256];
	int n;
};

static bool sink_has(const struct var_sink *vs, const char *name)
{
	for (int i = 0; i < vs->n; i++)
		if (!strcmp(vs->names[i], name))
			return true;
	return false;
}

static void sink_put(struct var_sink *vs, const struct context_var *v)
{
	if (sink_has(vs, v->name))
		return;
	if (vs->n < (int)(sizeof(vs->names) / sizeof(*vs->names)))
		vs->names[vs->n++] = v->name;
	vs->emit(vs->ctx, v);
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;

	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

/*
 * How much a class name looks like the event's: a class usually is the
 * event's name, a prefix of it with _template or _class appended
 * (sched_wakeup_template: sched_wakeup_new), or a part of it
 * (migration_pte: remove_migration_pte).
 */
static size_t name_score(const char *event, const char *cls)
{
	size_t len = strlen(cls), best = common_prefix(event, cls);
	static const char *const suffixes[] = { "_template", "_class" };

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		size_t sl = strlen(suffixes[i]);

		if (len > sl && !strcmp(cls + len - sl, suffixes[i]))
			len -= sl;
	}
	for (const char *p = event; *p; p++)
		if (!strncmp(p, cls, len) && len > best)
			best = len;
	return best;
}

static bool same_params(const struct btf_type *a, const struct btf_type *b)
{
	if (btf_vlen(a) != btf_vlen(b))
		return false;
	for (int i = 1; i < btf_vlen(a); i++)
		if (btf_params(a)[i].type != btf_params(b)[i].type)
			return false;
	return true;
}

/* Do the members of trace_event_raw_CLASS name exactly these fields? */
static bool fields_fit(struct btf_index *ix, const char *cls,
		       const char *const *fields, int nfields)
{
	const struct btf_name *st = btf_find(&ix->tp_structs, cls);
	const struct btf_type *t;
	const struct btf_member *mb;
	int k = 0;

	if (!st || !(t = rawbtf_type(ix->btf, st->id)))
		return false;
	mb = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = rawbtf_str(ix->btf, mb[i].name_off);

		if (!name || !*name || !strcmp(name, "ent") ||
		    !strcmp(name, "__data"))
			continue;
		if (!strncmp(name, "__data_loc_", 11))
			name += 11;
		if (k >= nfields || strcmp(name, fields[k]))
			return false;
		k++;
	}
	return k == nfields;
}

/*
 * The event's class: see the comment at the top. With tracefs, the format
 * fields pick the class whose record has them; else the most similar name
 * wins, and a tie means unknown (NULL) rather than a guess.
 */
static const char *class_of(struct btf_index *ix, const char *event,
			    const char *const *fields, int nfields,
			    bool *guessed)
{
	const struct btf_name *tp = btf_find(&ix->tracepoints, event);
	const struct btf_type *proto;
	const char *best = NULL, *by_fields = NULL;
	size_t best_score = 0;
	bool tie = false;
	int fitting = 0;

	*guessed = false;
	if (btf_find(&ix->tp_funcs, event) || btf_find(&ix->tp_structs, event))
		return event;
	if (!tp || !(proto = btf_proto_of(ix->btf, tp->id)))
		return NULL;
	for (int i = 0; i < ix->tp_funcs.n; i++) {
		const struct btf_name *f = &ix->tp_funcs.v[i];
		const struct btf_type *fp = btf_proto_of(ix->btf, f->id);
		size_t score;

		if (!fp || !same_params(proto, fp))
			continue;
		if (fields && fields_fit(ix, f->name, fields, nfields)) {
			by_fields = f->name;
			fitting++;
		}
		score = name_score(event, f->name);
		if (score > best_score) {
			best_score = score;
			best = f->name;
			tie = false;
		} else if (score == best_score) {
			tie = true;
		}
	}
	if (fitting == 1)
		return by_fields;
	*guessed = !tie && best;
	return tie ? NULL : best;
}

/* TP_PROTO arguments, named after the class function's parameters. */
static bool emit_args(struct session *s, struct btf_index *ix,
		      const char *event, const char *cls, struct var_sink *vs)
{
	const struct btf_name *tp = btf_find(&ix->tracepoints, event);
	const struct btf_name *fn = cls ? btf_find(&ix->tp_funcs, cls) : NULL;
	const struct btf_type *proto, *named = NULL;
	bool complete = true;

	if (!tp || !(proto = btf_proto_of(ix->btf, tp->id)))
		return true;
	if (fn)
		named = btf_proto_of(ix->btf, fn->id);
	if (named && btf_vlen(named) != btf_vlen(proto))
		named = NULL;
	/* parameter 0 is the probe's private data, not an argument */
	for (int i = 1; i < btf_vlen(proto); i++) {
		const struct btf_param *p = &btf_params(proto)[i];
		const char *name = named ? rawbtf_str(ix->btf,
				btf_params(named)[i].name_off) : NULL;
		struct context_var v = {
			.type = btf_type_text(&s->arena, ix->btf, p->type),
			.script_type = btf_script_type(ix->btf, p->type),
			.source = CTXVAR_ARG,
			.index = i - 1,
			.size = btf_type_bytes(ix->btf, p->type),
		};

		if (!name || !*name) {
			name = arena_printf(&s->arena, "arg%d", i);
			complete = false;
		}
		v.name = name;
		sink_put(vs, &v);
	}
	return complete;
}

/* Fields of struct trace_event_raw_CLASS, as tracefs would list them. */
static bool emit_btf_fields(struct session *s, struct btf_index *ix,
			    const char *cls, struct var_sink *vs)
{
	const struct btf_name *st = cls ? btf_find(&ix->tp_structs, cls) : NULL;
	const struct btf_type *t;
	const struct btf_member *mb;

	if (!st || !(t = rawbtf_type(ix->btf, st->id)))
		return false;
	mb = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = rawbtf_str(ix->btf, mb[i].name_off);
		struct context_var v = {
			.source = CTXVAR_FIELD,
			.index = btf_member_bit_offset(t, i) / 8,
			.size = btf_type_bytes(ix->btf, mb[i].type),
		};

		/* ent is the common header, __data the dynamic area */
		if (!name || !*name || !strcmp(name, "ent") ||
		    !strcmp(name, "__data"))
			continue;
		if (!strncmp(name, "__data_loc_", 11)) {
			/* BTF keeps only the u32 locator; tracefs says these
			 * are strings almost always (__string) */
			v.name = name + 11;
			v.type = "char[]";
			v.script_type = TYPE_STRING;
			v.data_loc = true;
		} else {
			v.name = name;
			v.type = btf_type_text(&s->arena, ix->btf, mb[i].type);
			v.script_type = btf_script_type(ix->btf, mb[i].type);
		}
		sink_put(vs, &v);
	}
	return true;
}

/* One "field:TYPE NAME;" line of a format file into v. */
static bool parse_field(struct session *s, const char *line,
			struct context_var *v)
{
	const char *f = strstr(line, "field:"), *end, *name, *br;
	const char *off = strstr(line, "offset:"), *size = strstr(line, "size:");
	char *decl, *type;
	size_t len;

	if (!f || !(end = strchr(f, ';')))
		return false;
	f += 6;
	decl = arena_strndup(&s->arena, f, end - f);
	len = strlen(decl);
	while (len && decl[len - 1] == ' ')
		decl[--len] = '\0';
	br = strchr(decl, '[');
	/* the name is the last word, before any [N] */
	name = strrchr(decl, ' ');
	if (!name)
		return false;
	if (br && br > name) {
		/* "char prev_comm[16]" */
		v->name = arena_strndup(&s->arena, name + 1, br - name - 1);
		type = arena_printf(&s->arena, "%.*s%s", (int)(name - decl),
				    decl, br);
	} else {
		/* "__data_loc char[] filename", "const char * filename" */
		v->name = arena_strdup(&s->arena, name + 1);
		type = arena_strndup(&s->arena, decl, name - decl);
		len = strlen(type);
		while (len && type[len - 1] == ' ')
			type[--len] = '\0';
	}
	v->data_loc = !strncmp(type, "__data_loc ", 11);
	if (v->data_loc)
		type += 11;
	/* stap style: "const char*", not "const char *" */
	len = strlen(type);
	if (len > 2 && type[len - 1] == '*' && type[len - 2] == ' ')
		type = arena_printf(&s->arena, "%.*s*", (int)len - 2, type);
	v->type = type;
	v->script_type = strstr(type, "char[") ? TYPE_STRING :
			 strchr(type, '*') ? TYPE_LONG :
			 (!strncmp(type, "struct ", 7) ||
			  !strncmp(type, "union ", 6)) ? TYPE_UNKNOWN :
			 TYPE_LONG;
	v->source = CTXVAR_FIELD;
	v->index = off ? atoi(off + 7) : 0;
	v->size = size ? atoi(size + 5) : 0;
	return true;
}

/* Fields from tracefs into *out; -1 when the format cannot be read. */
static int read_tracefs_fields(struct session *s, const char *events_dir,
			       const struct tracepoint *tp,
			       struct context_var **out)
{
	char path[4096], line[1024];
	struct context_var *v = NULL;
	int n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s/format", events_dir,
		 tp->system, tp->name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct context_var cv = { 0 };

		if (!parse_field(s, line, &cv) ||
		    !strncmp(cv.name, "common_", 7))
			continue;
		if (n == cap) {
			struct context_var *nv;

			cap = cap ? cap * 2 : 16;
			nv = arena_alloc(&s->arena, cap * sizeof(*nv));
			if (n)
				memcpy(nv, v, n * sizeof(*nv));
			v = nv;
		}
		v[n++] = cv;
	}
	fclose(f);
	*out = v;
	return n;
}

/* Made-up syscall events without tracefs: what their format would say. */
static bool emit_syscall_fields(struct session *s, struct btf_index *ix,
				const struct tracepoint *tp,
				struct var_sink *vs)
{
	bool enter = !strncmp(tp->name, "sys_enter_", 10);
	const char *call = tp->name + (enter ? 10 : 9);
	const struct btf_name *fn = btf_find(&ix->do_syscalls, call);
	const struct btf_type *proto;
	struct context_var nr = {
		.name = "__syscall_nr", .type = "int",
		.script_type = TYPE_LONG, .source = CTXVAR_FIELD,
		.index = 8, .size = 4,
	};
	struct context_var ret = {
		.name = "ret", .type = "long", .script_type = TYPE_LONG,
		.source = CTXVAR_FIELD, .index = 16, .size = 8,
	};

	sink_put(vs, &nr);
	if (!enter) {
		sink_put(vs, &ret);
		return true;
	}
	if (!fn || !(proto = btf_proto_of(ix->btf, fn->id)))
		return false;
	for (int i = 0; i < btf_vlen(proto); i++) {
		const struct btf_param *p = &btf_params(proto)[i];
		struct context_var v = {
			.name = rawbtf_str(ix->btf, p->name_off),
			.type = btf_type_text(&s->arena, ix->btf, p->type),
			.script_type = btf_script_type(ix->btf, p->type),
			.source = CTXVAR_FIELD,
			.index = 16 + 8 * i,
			.size = 8,
		};

		if (!v.name || !*v.name)
			return false;
		sink_put(vs, &v);
	}
	return true;
}

/*
 * Whether variables() knows every name of rp; set on the point by the
 * elaborator's first look, here recomputed (cheap) by the same code.
 */
static bool tp_variables(struct session *s, const struct resolved_point *rp,
			 struct var_sink *vs)
{
	const struct tracepoint *tp = rp->data;
	struct tp_cache *c = tracepoints(s);
	struct btf_index *ix = btf_vmlinux(s);
	struct context_var *fields = NULL;
	const char **names = NULL;
	const char *cls = NULL;
	bool complete = true;
	int nfields = -1;

	if (!tp || !c)
		return false;
	if (c->events_dir && tp->system)
		nfields = read_tracefs_fields(s, c->events_dir, tp, &fields);
	if (nfields >= 0) {
		names = arena_alloc(&s->arena, (nfields + 1) * sizeof(*names));
		for (int i = 0; i < nfields; i++)
			names[i] = fields[i].name;
	}
	if (ix && !tp->syscall) {
		bool guessed;

		cls = class_of(ix, tp->name, names, nfields, &guessed);
		/* a guessed class may name the wrong variables */
		complete = emit_args(s, ix, tp->name, cls, vs) && !guessed;
	}
	if (nfields >= 0) {
		for (int i = 0; i < nfields; i++)
			sink_put(vs, &fields[i]);
		return complete;
	}
	if (!ix)
		return false;
	if (tp->syscall)
		return emit_syscall_fields(s, ix, tp, vs) && complete;
	return emit_btf_fields(s, ix, cls, vs) && complete;
}

static void kernel_trace_variables(struct session *s,
				   const struct resolved_point *rp,
				   void (*emit)(void *ctx,
						const struct context_var *v),
				   void *ctx)
{
	struct var_sink vs = { .emit = emit, .ctx = ctx };

	tp_variables(s, rp, &vs);
}

static void ignore_var(void *ctx, const struct context_var *v)
{
	(void)ctx, (void)v;
}

/* resolve() marks points whose variables cannot all be named. */
static int kernel_trace_resolve(struct session *s, struct probe_point *pp,
				struct resolved_point_vec *out)
{
	int from = out->n;
	int n = kernel_trace_expand(s, pp, false, out);

	for (int i = from; n > 0 && i < out->n; i++) {
		struct var_sink vs = { .emit = ignore_var };

		out->v[i]->vars_incomplete = !tp_variables(s, out->v[i], &vs);
	}
	return n;
}

static void kernel_trace_list(struct session *s,
			      const struct probe_point *pattern,
			      void (*emit)(void *ctx, const char *point),
			      void *ctx)
{
	provider_list_via(&kernel_trace_provider, s, pattern, emit, ctx);
}

const struct provider kernel_trace_provider = {
	.name = "kernel.trace",
	.spellings = kernel_trace_spellings,
	.claims = kernel_trace_claims,
	.resolve = kernel_trace_resolve,
	.list = kernel_trace_list,
	.variables = kernel_trace_variables,
	.expand = kernel_trace_expand,
};
