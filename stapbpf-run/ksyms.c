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
 *
 * Half of a recent kernel's symbols are "__pfx_NAME", the padding before
 * function NAME (CONFIG_FUNCTION_PADDING_BYTES), listed right before it.
 * Such a pair is one entry: NAME flagged as having a prefix of k->pad
 * bytes, its name stored as "__pfx_NAME" and pointed at past "__pfx_".
 * Lookups still name addresses in the padding "__pfx_NAME"; the table
 * takes about 45% of the memory it took with two entries. It is sorted in
 * place (kallsyms is nearly sorted already): glibc's qsort would allocate
 * a copy of it.
 *
 * Both arrays grow inside address space reserved up front (reserve()):
 * realloc may copy a growing block and leave the old pages resident,
 * which cost about 1 MB of peak memory; untouched reserved pages cost
 * nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "symbols.h"

#define KBASE 0xffffffff80000000ULL

#define PFX "__pfx_"
#define PFX_LEN 6
#define MAX_PAD 256
/* reserved, not allocated: far more than any kernel's kallsyms needs */
#define NAMES_MAX (256u << 20)
#define SYMS_MAX (8u << 20)

struct ksym {
	uint32_t off;		/* address - KBASE */
	uint32_t name;		/* in names */
	uint16_t module;	/* in modules; 0 = "kernel" */
	uint8_t has_pfx;	/* "__pfx_" + name covers [off - pad, off) */
};

/* A "__pfx_" line held back to see whether its function follows. */
struct pending {
	bool held;
	unsigned long long addr;
	int module;
	char name[256];		/* without the prefix */
};

struct ksyms {
	struct ksym *v;
	size_t n;
	char *names;
	size_t names_len;
	char **modules;
	size_t n_modules;
	uint32_t pad;		/* bytes of every merged prefix; 0: none */
	struct pending pending;
};

/* Address space for n bytes, paged in as it is written; NULL: none. */
static void *reserve(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int add_name(struct ksyms *k, const char *s, size_t len,
		    uint32_t *at)
{
	if (k->names_len + len + 1 > NAMES_MAX)
		return -1;
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

static int add_sym(struct ksyms *k, unsigned long long addr, int module,
		   const char *name, size_t nlen, bool has_pfx)
{
	struct ksym s = { 0 };

	if (k->n == SYMS_MAX)
		return -1;
	s.off = (uint32_t)(addr - KBASE);
	s.module = (uint16_t)module;
	s.has_pfx = has_pfx;
	if (has_pfx) {
		if (add_name(k, PFX, PFX_LEN, &s.name))
			return -1;
		k->names_len--;	/* NAME follows "__pfx_" in one string */
	}
	if (add_name(k, name, nlen, &s.name))
		return -1;
	k->v[k->n++] = s;
	return 0;
}

/* A held "__pfx_" line that no function followed: a symbol of its own. */
static int flush_pending(struct ksyms *k)
{
	struct pending *p = &k->pending;
	char full[PFX_LEN + sizeof(p->name)];

	if (!p->held)
		return 0;
	p->held = false;
	snprintf(full, sizeof(full), PFX "%s", p->name);
	return add_sym(k, p->addr, p->module, full, strlen(full), false);
}

/*
 * Whether NAME at addr is the function of the held prefix; the padding
 * size is learned from the first pair, pairs of another size stay apart.
 */
static bool ends_pending(struct ksyms *k, unsigned long long addr, int m,
			 const char *name, size_t nlen)
{
	struct pending *p = &k->pending;

	if (!p->held || p->module != m || addr <= p->addr ||
	    addr - p->addr > MAX_PAD || strlen(p->name) != nlen ||
	    memcmp(p->name, name, nlen))
		return false;
	if (!k->pad)
		k->pad = (uint32_t)(addr - p->addr);
	return addr - p->addr == k->pad;
}

static int add_line(struct ksyms *k, char *line)
{
	char *end, *name, *mod;
	unsigned long long addr = strtoull(line, &end, 16);
	size_t nlen;
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
	if (ends_pending(k, addr, m, name, nlen)) {
		k->pending.held = false;
		return add_sym(k, addr, m, name, nlen, true);
	}
	if (flush_pending(k))
		return -1;
	if (nlen > PFX_LEN && nlen - PFX_LEN < sizeof(k->pending.name) &&
	    !memcmp(name, PFX, PFX_LEN)) {
		k->pending.held = true;
		k->pending.addr = addr;
		k->pending.module = m;
		memcpy(k->pending.name, name + PFX_LEN, nlen - PFX_LEN);
		k->pending.name[nlen - PFX_LEN] = '\0';
		return 0;
	}
	return add_sym(k, addr, m, name, nlen, false);
}

static bool before(const struct ksym *x, const struct ksym *y)
{
	/* names are in kallsyms order: aliases keep it */
	if (x->off != y->off)
		return x->off < y->off;
	return x->name < y->name;
}

static void sift_down(struct ksym *v, size_t root, size_t n)
{
	for (size_t child; (child = 2 * root + 1) < n; root = child) {
		struct ksym t;

		if (child + 1 < n && before(&v[child], &v[child + 1]))
			child++;
		if (!before(&v[root], &v[child]))
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
	}
}

/* Heapsort: in place, where qsort would copy the table. */
static void sort_by_address(struct ksym *v, size_t n)
{
	size_t i;

	for (i = 1; i < n && !before(&v[i], &v[i - 1]); i++)
		;
	if (i >= n)
		return;		/* already in order */
	for (i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (i = n; i-- > 1;) {
		struct ksym t = v[0];

		v[0] = v[i];
		v[i] = t;
		sift_down(v, 0, i);
	}
}

struct ksyms *ksyms_load(const char *path)
{
	struct ksyms *k = calloc(1, sizeof(*k));
	FILE *f = fopen(path ? path : "/proc/kallsyms", "re");
	char line[512];

	if (!k || !f)
		goto fail;
	k->v = reserve(SYMS_MAX * sizeof(*k->v));
	k->names = reserve(NAMES_MAX);
	if (!k->v || !k->names)
		goto fail;
	k->modules = malloc(sizeof(char *));
	if (!k->modules || !(k->modules[0] = strdup("kernel")))
		goto fail;
	k->n_modules = 1;
	while (fgets(line, sizeof(line), f))
		if (add_line(k, line))
			goto fail;
	fclose(f);
	f = NULL;
	if (flush_pending(k))
		goto fail;
	sort_by_address(k->v, k->n);
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
	if (k->v)
		munmap(k->v, SYMS_MAX * sizeof(*k->v));
	if (k->names)
		munmap(k->names, NAMES_MAX);
	free(k);
}

size_t ksyms_count(const struct ksyms *k)
{
	return k ? k->n : 0;
}

/* The end of v[j]'s symbol, or of its prefix when it has one. */
static uint32_t start_of(const struct ksyms *k, size_t j)
{
	return k->v[j].has_pfx ? k->v[j].off - k->pad : k->v[j].off;
}

/*
 * The last symbol at or below addr; its size runs to the next higher
 * address of the same module (or to that symbol's prefix). Past a
 * module's last symbol nothing is known: the address may be in memory
 * kallsyms does not describe.
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
	/* in a prefix (no other symbol starts in it) */
	if (lo < k->n && off >= start_of(k, lo) &&
	    (!lo || k->v[lo - 1].off <= start_of(k, lo))) {
		out->name = k->names + k->v[lo].name - PFX_LEN;
		out->offset = off - start_of(k, lo);
		out->size = k->pad;
		out->module = k->modules[k->v[lo].module];
		return true;
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
	out->size = (start_of(k, j) >= k->v[i].off ? start_of(k, j) :
		     k->v[j].off) - k->v[i].off;
	out->module = k->modules[k->v[i].module];
	return true;
}
