// SPDX-License-Identifier: GPL-2.0-or-later
#include "btf_index.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <zlib.h>

#include "arena.h"
#include "providers/provider_impl.h"
#include "rawbtf.h"
#include "session.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define MODULE_BTF_DIR "/sys/kernel/btf"
#define MAX_MODULES 4096

struct btf_cache {
	bool tried;		/* vmlinux load was attempted */
	struct btf_index *vmlinux;
	char error[256];
	char checksum[32];	/* "crc32:XXXXXXXX" of the raw BTF */
	int attach_cache[2];	/* btf_attach_cache() */
	bool modules_listed;
	char **module_names;	/* sorted */
	int nmodules;
	struct btf_index **modules;	/* parallel to module_names, lazily */
	bool *module_tried;
};

/* Growable name vector in malloc memory: indexes outlive arena resets. */
struct name_buf {
	struct btf_name *v;
	int n, cap;
};

static void buf_push(struct name_buf *b, const char *name, uint32_t id)
{
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 256;
		struct btf_name *v = realloc(b->v, cap * sizeof(*v));

		if (!v)
			return;	/* out of memory: the index is just shorter */
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n].name = name;
	b->v[b->n].id = id;
	b->n++;
}

static int name_cmp(const void *a, const void *b)
{
	const struct btf_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Sort and keep the first (lowest id) of equal names. */
static struct btf_name_vec buf_finish(struct name_buf *b)
{
	struct btf_name_vec v = { b->v, 0 };

	if (!b->n)
		return v;
	qsort(b->v, b->n, sizeof(*b->v), name_cmp);
	for (int i = 0; i < b->n; i++)
		if (!v.n || strcmp(v.v[v.n - 1].name, b->v[i].name))
			v.v[v.n++] = b->v[i];
	return v;
}

static bool strip(const char *name, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(name, prefix, n) || !name[n])
		return false;
	*rest = name + n;
	return true;
}

static const char *syscall_prefix(struct session *s)
{
	struct utsname u;
	const char *arch = s->arch;

	if (!arch && uname(&u) == 0)
		arch = u.machine;
	if (!arch)
		return "__x64_sys_";
	if (!strcmp(arch, "x86_64"))
		return "__x64_sys_";
	if (!strcmp(arch, "aarch64") || !strcmp(arch, "arm64"))
		return "__arm64_sys_";
	if (!strcmp(arch, "s390x"))
		return "__s390x_sys_";
	if (!strncmp(arch, "riscv", 5))
		return "__riscv_sys_";
	return "sys_";
}

static struct btf_index *index_btf(struct session *s, struct rawbtf *btf,
				   const char *module)
{
	struct btf_index *ix = calloc(1, sizeof(*ix));
	struct name_buf funcs = { 0 }, tps = { 0 }, tpf = { 0 }, tps_s = { 0 };
	struct name_buf sys = { 0 }, dosys = { 0 };
	const char *sysp = syscall_prefix(s);
	uint32_t n = btf->n;

	if (!ix)
		return NULL;
	ix->btf = btf;
	ix->module = module;
	for (uint32_t id = btf->first; id < n; id++) {
		const struct btf_type *t = rawbtf_type(btf, id);
		const char *name, *rest;

		if (!t || !t->name_off)
			continue;
		name = rawbtf_str(btf, t->name_off);
		if (!*name)
			continue;
		switch (btf_kind(t)) {
		case BTF_KIND_FUNC:
			buf_push(&funcs, name, id);
			if (strip(name, "__bpf_trace_", &rest))
				buf_push(&tpf, rest, id);
			else if (strip(name, sysp, &rest))
				buf_push(&sys, rest, id);
			else if (strip(name, "__do_sys_", &rest))
				buf_push(&dosys, rest, id);
			break;
		case BTF_KIND_TYPEDEF:
			if (strip(name, "btf_trace_", &rest))
				buf_push(&tps, rest, id);
			break;
		case BTF_KIND_STRUCT:
			if (strip(name, "trace_event_raw_", &rest))
				buf_push(&tps_s, rest, id);
			break;
		default:
			break;
		}
	}
	ix->funcs_.v = funcs.v;	/* sorted by btf_funcs() when asked */
	ix->funcs_.n = funcs.n;
	ix->tracepoints = buf_finish(&tps);
	ix->tp_funcs = buf_finish(&tpf);
	ix->tp_structs = buf_finish(&tps_s);
	ix->syscalls = buf_finish(&sys);
	ix->do_syscalls = buf_finish(&dosys);
	return ix;
}

const struct btf_name_vec *btf_funcs(struct btf_index *ix)
{
	if (!ix->funcs_sorted_) {
		struct name_buf b = { ix->funcs_.v, ix->funcs_.n, ix->funcs_.n };

		ix->funcs_ = buf_finish(&b);
		ix->funcs_sorted_ = true;
	}
	return &ix->funcs_;
}

static void index_free(struct btf_index *ix, bool free_btf)
{
	if (!ix)
		return;
	free(ix->funcs_.v);
	free(ix->tracepoints.v);
	free(ix->tp_funcs.v);
	free(ix->tp_structs.v);
	free(ix->syscalls.v);
	free(ix->do_syscalls.v);
	if (free_btf) {
		rawbtf_release(ix->btf);
		free(ix->btf);
	}
	free(ix);
}

static void cache_release(void *v)
{
	struct btf_cache *c = v;

	for (int i = 0; i < c->nmodules; i++) {
		index_free(c->modules[i], true);
		free(c->module_names[i]);
	}
	free(c->modules);
	free(c->module_names);
	free(c->module_tried);
	index_free(c->vmlinux, true);
	free(c);
}

static struct btf_cache *cache(struct session *s)
{
	struct btf_cache *c = provider_cache_get(s, SLOT_BTF);

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		provider_cache_set(s, SLOT_BTF, c, cache_release);
	}
	return c;
}

/*
 * A BTF file libbpf can read but rawbtf cannot (an ELF vmlinux with a .BTF
 * section, for --btf): libbpf extracts the raw BTF, which rawbtf keeps.
 */
static int parse_with_libbpf(struct rawbtf *b, const char *path)
{
	libbpf_print_fn_t old_print = libbpf_set_print(NULL);
	struct btf *btf = btf__parse(path, NULL);
	const void *raw;
	uint32_t size = 0;
	void *copy = NULL;

	/* libbpf's own complaint about a file that is neither would only
	 * confuse */
	libbpf_set_print(old_print);
	if (!btf)
		return -1;
	raw = btf__raw_data(btf, &size);
	if (raw && size)
		copy = malloc(size);
	if (copy)
		memcpy(copy, raw, size);
	btf__free(btf);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	return rawbtf_adopt(b, copy, size, NULL);
}

/*
 * The kernel's BTF is mapped, not parsed (runtime/rawbtf.c): libbpf's
 * btf__parse copied its 5.5 MB and validated every type, most of a
 * one-liner's pass 2.
 */
struct btf_index *btf_vmlinux(struct session *s)
{
	struct btf_cache *c = cache(s);
	const char *path;
	struct rawbtf *btf;

	if (!c)
		return NULL;
	if (c->tried)
		return c->vmlinux;
	c->tried = true;
	path = s->btf_file ? s->btf_file : VMLINUX_BTF;
	btf = calloc(1, sizeof(*btf));
	if (!btf || (rawbtf_open(btf, path, NULL) &&
		     (errno != EPROTO || parse_with_libbpf(btf, path)))) {
		char why[128];

		libbpf_strerror(btf ? errno : ENOMEM, why, sizeof(why));
		snprintf(c->error, sizeof(c->error), "cannot read %s: %s%s",
			 path, why,
			 s->btf_file ? " (--btf wants a raw BTF file or an ELF file with a .BTF section)" : "");
		free(btf);
		return NULL;
	}
	c->vmlinux = index_btf(s, btf, NULL);
	if (!c->vmlinux) {
		rawbtf_release(btf);
		free(btf);
	}
	return c->vmlinux;
}

/*
 * The object records which BTF it was translated against, so that the
 * runner can say when it relocates for another kernel. The kernel shows
 * its .BTF section unchanged in /sys/kernel/btf/vmlinux, so a checksum of
 * the raw bytes names a kernel build wherever it is read from.
 */
const char *btf_checksum(struct session *s)
{
	struct btf_cache *c = cache(s);
	struct btf_index *ix;

	/* nothing read the BTF: the object depends on no kernel layout */
	if (!c || !c->tried || !(ix = c->vmlinux))
		return "";
	if (!c->checksum[0])
		snprintf(c->checksum, sizeof(c->checksum), "crc32:%08lx",
			 crc32(crc32(0L, Z_NULL, 0), ix->btf->raw,
			       (uInt)ix->btf->raw_len));
	return c->checksum;
}

int *btf_attach_cache(struct session *s)
{
	struct btf_cache *c = cache(s);

	return c ? c->attach_cache : NULL;
}

bool btf_target_is_running(struct session *s)
{
	struct utsname u;

	if (s->btf_file)
		return false;
	return !s->kernel_release ||
	       (uname(&u) == 0 && !strcmp(u.release, s->kernel_release));
}

const char *btf_error(struct session *s)
{
	struct btf_cache *c = cache(s);

	return c && c->error[0] ? c->error : "no kernel BTF";
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_modules(struct session *s, struct btf_cache *c)
{
	DIR *d;
	struct dirent *e;

	c->modules_listed = true;
	if (s->btf_file)
		return;	/* this host's modules are not the target's */
	d = opendir(MODULE_BTF_DIR);
	if (!d)
		return;
	while ((e = readdir(d)) && c->nmodules < MAX_MODULES) {
		char **names;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		names = realloc(c->module_names,
				(c->nmodules + 1) * sizeof(*names));
		if (!names)
			break;
		c->module_names = names;
		names[c->nmodules] = strdup(e->d_name);
		if (names[c->nmodules])
			c->nmodules++;
	}
	closedir(d);
	if (c->nmodules)
		qsort(c->module_names, c->nmodules, sizeof(char *), str_cmp);
	c->modules = calloc(c->nmodules + 1, sizeof(*c->modules));
	c->module_tried = calloc(c->nmodules + 1, sizeof(*c->module_tried));
	if (!c->modules || !c->module_tried)
		c->nmodules = 0;
}

int btf_module_names(struct session *s, const char ***names)
{
	struct btf_cache *c = cache(s);

	if (!c) {
		*names = NULL;
		return 0;
	}
	if (!c->modules_listed)
		list_modules(s, c);
	*names = (const char **)c->module_names;
	return c->nmodules;
}

struct btf_index *btf_module(struct session *s, const char *module)
{
	struct btf_index *base = btf_vmlinux(s);
	struct btf_cache *c = cache(s);
	const char **names;
	char path[512];
	int n, i;

	if (!base || !c)
		return NULL;
	n = btf_module_names(s, &names);
	for (i = 0; i < n && strcmp(names[i], module); i++)
		;
	if (i == n)
		return NULL;
	if (!c->module_tried[i]) {
		struct rawbtf *btf = calloc(1, sizeof(*btf));

		c->module_tried[i] = true;
		snprintf(path, sizeof(path), "%s/%s", MODULE_BTF_DIR, module);
		if (btf && !rawbtf_open(btf, path, base->btf))
			c->modules[i] = index_btf(s, btf, c->module_names[i]);
		if (btf && !c->modules[i]) {
			rawbtf_release(btf);
			free(btf);
		}
	}
	return c->modules[i];
}

const struct btf_name *btf_find(const struct btf_name_vec *v,
				const char *name)
{
	int lo = 0, hi = v->n - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(v->v[mid].name, name);

		if (!c)
			return &v->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* ------------------------------------------------------------ type text */

#define MAX_TYPE_DEPTH 16

static const char *type_name_of(const struct rawbtf *btf,
				const struct btf_type *t)
{
	const char *n = rawbtf_str(btf, t->name_off);

	return n ? n : "";
}

static char *text_of(struct arena *a, const struct rawbtf *btf, uint32_t id,
		     int depth);

static char *proto_text(struct arena *a, const struct rawbtf *btf,
			const struct btf_type *t, int depth)
{
	const struct btf_param *p = btf_params(t);
	char *args = arena_strdup(a, "");

	for (int i = 0; i < btf_vlen(t); i++)
		args = arena_printf(a, "%s%s%s", args, i ? ", " : "",
				    p[i].type ? text_of(a, btf, p[i].type,
							depth + 1) : "...");
	return arena_printf(a, "%s (*)(%s)", text_of(a, btf, t->type,
						     depth + 1), args);
}

static char *text_of(struct arena *a, const struct rawbtf *btf, uint32_t id,
		     int depth)
{
	const struct btf_type *t;
	const char *name;

	if (!id)
		return arena_strdup(a, "void");
	t = rawbtf_type(btf, id);
	if (!t || depth > MAX_TYPE_DEPTH)
		return arena_strdup(a, "?");
	name = type_name_of(btf, t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPEDEF:
		return arena_strdup(a, name);
	case BTF_KIND_STRUCT:
		return arena_printf(a, "struct %s", *name ? name : "{...}");
	case BTF_KIND_UNION:
		return arena_printf(a, "union %s", *name ? name : "{...}");
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return arena_printf(a, "enum %s", *name ? name : "{...}");
	case BTF_KIND_FWD:
		return arena_printf(a, "%s %s", btf_kflag(t) ? "union" :
					       "struct", name);
	case BTF_KIND_PTR: {
		const struct btf_type *to = rawbtf_type(btf, t->type);

		if (to && btf_is_func_proto(to))
			return proto_text(a, btf, to, depth);
		return arena_printf(a, "%s*", text_of(a, btf, t->type,
						      depth + 1));
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *arr = btf_array(t);

		return arena_printf(a, "%s[%u]", text_of(a, btf, arr->type,
							 depth + 1),
				    arr->nelems);
	}
	case BTF_KIND_CONST:
		return arena_printf(a, "const %s", text_of(a, btf, t->type,
							   depth + 1));
	case BTF_KIND_VOLATILE:
		return arena_printf(a, "volatile %s",
				    text_of(a, btf, t->type, depth + 1));
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return text_of(a, btf, t->type, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		return proto_text(a, btf, t, depth);
	default:
		return arena_strdup(a, "?");
	}
}

char *btf_type_text(struct arena *a, const struct rawbtf *btf, uint32_t id)
{
	return text_of(a, btf, id, 0);
}

/* Skip typedefs and qualifiers. */
static const struct btf_type *resolved(const struct rawbtf *btf, uint32_t id)
{
	for (int depth = 0; id && depth < MAX_TYPE_DEPTH; depth++) {
		const struct btf_type *t = rawbtf_type(btf, id);

		if (!t)
			return NULL;
		if (!btf_is_mod(t) && !btf_is_typedef(t) &&
		    btf_kind(t) != BTF_KIND_TYPE_TAG)
			return t;
		id = t->type;
	}
	return NULL;
}

static bool is_char(const struct rawbtf *btf, const struct btf_type *t)
{
	return t && btf_is_int(t) && t->size == 1 &&
	       (strstr(type_name_of(btf, t), "char") != NULL);
}

enum type_kind btf_script_type(const struct rawbtf *btf, uint32_t id)
{
	const struct btf_type *t = resolved(btf, id);

	if (!t)
		return TYPE_UNKNOWN;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_PTR:
		return TYPE_LONG;
	case BTF_KIND_ARRAY:
		return is_char(btf, resolved(btf, btf_array(t)->type)) ?
		       TYPE_STRING : TYPE_UNKNOWN;
	default:
		return TYPE_UNKNOWN;
	}
}

int btf_type_bytes(const struct rawbtf *btf, uint32_t id)
{
	long n = id ? rawbtf_size(btf, id) : 0;

	return n > 0 && n < (1L << 30) ? (int)n : 0;
}

const struct btf_type *btf_proto_of(const struct rawbtf *btf, uint32_t id)
{
	const struct btf_type *t = rawbtf_type(btf, id);

	for (int depth = 0; t && depth < MAX_TYPE_DEPTH; depth++) {
		if (btf_is_func_proto(t))
			return t;
		if (!btf_is_func(t) && !btf_is_typedef(t) && !btf_is_ptr(t) &&
		    !btf_is_mod(t))
			return NULL;
		t = rawbtf_type(btf, t->type);
	}
	return NULL;
}

/* ---------------------------------------------------------- enumerators */

static void note_enumerator(struct btf_enumerator *found, int *n,
			    uint32_t id, bool named, int64_t value)
{
	for (int i = 0; i < *n && i < 2; i++)
		if (found[i].value == value) {
			/* the same value twice: prefer an enum with a name,
			 * which a CO-RE relocation can find on the host */
			if (!found[i].named && named) {
				found[i].enum_id = id;
				found[i].named = true;
			}
			return;
		}
	if (*n < 2) {
		found[*n].enum_id = id;
		found[*n].value = value;
		found[*n].named = named;
	}
	(*n)++;
}

int btf_find_enumerator(const struct rawbtf *btf, const char *name,
			struct btf_enumerator found[2])
{
	uint32_t n = btf->n;
	int hits = 0;

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = rawbtf_type(btf, id);
		const char *ename;
		bool named;

		if (!btf_is_enum(t) && !btf_is_enum64(t))
			continue;
		ename = rawbtf_str(btf, t->name_off);
		named = ename && *ename;
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *en;
			int64_t v;

			if (btf_is_enum(t)) {
				const struct btf_enum *e = btf_enum(t) + i;

				en = rawbtf_str(btf, e->name_off);
				v = btf_kflag(t) ? (int64_t)(int32_t)e->val :
						   (int64_t)(uint32_t)e->val;
			} else {
				const struct btf_enum64 *e = btf_enum64(t) + i;

				en = rawbtf_str(btf, e->name_off);
				v = (int64_t)btf_enum64_value(e);
			}
			if (!en || strcmp(en, name))
				continue;
			note_enumerator(found, &hits, id, named, v);
			break;
		}
	}
	return hits;
}
