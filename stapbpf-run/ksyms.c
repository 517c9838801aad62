// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel symbols from /proc/kallsyms, read once, on the first kernel
 * address to name.
 *
 * The table is most of the runner's memory when it is loaded (about 120k
 * symbols here), so it is kept compact: every kernel text address lies
 * in the top 2 GB (kernel image, modules, BPF programs), so an address is
 * a u32 offset from KBASE; names are one blob of NUL-terminated strings;
 * modules are a small table indexed by a u16. Symbols below KBASE (per-CPU
 * offsets, absolute values) are not addresses anything runs at and are
 * skipped. kallsyms gives no sizes: a symbol ends where the next begins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbols.h"

#define KBASE 0xffffffff80000000ULL

struct ksym {
	uint32_t off;		/* address - KBASE */
	uint32_t name;		/* in names */
	uint16_t module;	/* in modules; 0 = "kernel" */
};

struct ksyms {
	struct ksym *v;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	char **modules;
	size_t n_modules;
};

static int add_name(struct ksyms *k, const char *s, size_t len,
		    uint32_t *at)
{
	if (k->names_len + len + 1 > k->names_cap) {
		size_t cap = k->names_cap ? k->names_cap * 2 : 1 << 20;
		char *n;

		while (cap < k->names_len + len + 1)
			cap *= 2;
		n = realloc(k->names, cap);
		if (!n)
			return -1;
		k->names = n;
		k->names_cap = cap;
	}
	memcpy(k->names + k->names_len, s, len);
	k->names[k->names_len + len] = '\0';
	*at = (uint32_t)k->names_len;
	k->names_len += len + 1;
	return 0;
}

/* Modules come in runs in kallsyms: the last one is usually the one. */
static int module_index(struct ksyms *k, const char *m, size_t len)
{
	char **v;

	for (size_t i = k->n_modules; i-- > 1;)
		if (strlen(k->modules[i]) == len &&
		    !memcmp(k->modules[i], m, len))
			return (int)i;
	if (k->n_modules >= 65535)
		return 0;
	v = realloc(k->modules, (k->n_modules + 1) * sizeof(*v));
	if (!v)
		return -1;
	k->modules = v;
	v[k->n_modules] = strndup(m, len);
	if (!v[k->n_modules])
		return -1;
	return (int)k->n_modules++;
}

static int add_line(struct ksyms *k, char *line)
{
	char *end, *name, *mod;
	unsigned long long addr = strtoull(line, &end, 16);
	size_t nlen;
	struct ksym s;
	int m = 0;

	if (end == line || addr < KBASE)
		return 0;
	name = strchr(end + 1, ' ');	/* past the type letter */
	if (!name)
		return 0;
	name++;
	nlen = strcspn(name, " \t\n");
	mod = name + nlen;
	while (*mod == ' ' || *mod == '\t')
		mod++;
	if (*mod == '[') {
		size_t mlen = strcspn(mod + 1, "]\n");

		m = module_index(k, mod + 1, mlen);
		if (m < 0)
			return -1;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 1 << 14;
		struct ksym *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -1;
		k->v = v;
		k->cap = cap;
	}
	s.off = (uint32_t)(addr - KBASE);
	s.module = (uint16_t)m;
	if (add_name(k, name, nlen, &s.name))
		return -1;
	k->v[k->n++] = s;
	return 0;
}

static int by_address(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	/* names are in kallsyms order: aliases keep it */
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

struct ksyms *ksyms_load(const char *path)
{
	struct ksyms *k = calloc(1, sizeof(*k));
	FILE *f = fopen(path ? path : "/proc/kallsyms", "re");
	char line[512];

	if (!k || !f)
		goto fail;
	k->modules = malloc(sizeof(char *));
	if (!k->modules || !(k->modules[0] = strdup("kernel")))
		goto fail;
	k->n_modules = 1;
	while (fgets(line, sizeof(line), f))
		if (add_line(k, line))
			goto fail;
	fclose(f);
	qsort(k->v, k->n, sizeof(*k->v), by_address);
	/* all zeros: kallsyms hidden from this user (kptr_restrict) */
	if (!k->n) {
		ksyms_free(k);
		return NULL;
	}
	return k;
fail:
	if (f)
		fclose(f);
	ksyms_free(k);
	return NULL;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n_modules; i++)
		free(k->modules[i]);
	free(k->modules);
	free(k->v);
	free(k->names);
	free(k);
}

size_t ksyms_count(const struct ksyms *k)
{
	return k ? k->n : 0;
}

/*
 * The last symbol at or below addr; its size runs to the next higher
 * address of the same module. Past a module's last symbol nothing is
 * known: the address may be in memory kallsyms does not describe.
 */
bool ksyms_lookup(const struct ksyms *k, uint64_t addr, struct sym_info *out)
{
	size_t lo = 0, hi, i, j;
	uint32_t off;

	memset(out, 0, sizeof(*out));
	if (!k || !k->n || addr < KBASE || addr - KBASE > UINT32_MAX)
		return false;
	off = (uint32_t)(addr - KBASE);
	hi = k->n;
	while (lo < hi) {	/* first symbol above off */
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].off <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	i = lo - 1;
	/* of aliases at one address, the first in kallsyms order wins */
	while (i > 0 && k->v[i - 1].off == k->v[i].off)
		i--;
	for (j = i + 1; j < k->n && k->v[j].off == k->v[i].off; j++)
		;
	if (j >= k->n || k->v[j].module != k->v[i].module)
		return false;
	out->name = k->names + k->v[i].name;
	out->offset = off - k->v[i].off;
	out->size = k->v[j].off - k->v[i].off;
	out->module = k->modules[k->v[i].module];
	return true;
}
