// SPDX-License-Identifier: GPL-2.0-or-later
#include "elf_index.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "dwarf_loc.h"
#include "providers/provider_impl.h"
#include "session.h"

#define ELF_INDEX_API

#define MAX_FILES 256
#define MAX_TYPE_DEPTH 12

#ifndef NT_STAPSDT
#define NT_STAPSDT 3
#endif

struct elf_priv {
	int fd;
	Elf *elf;
	Dwfl *dwfl;
	Dwarf *dwarf;		/* owned by dwfl */
	Dwfl_Module *mod;	/* the file in dwfl, for its CFI */
};

struct elf_cache {
	struct arena arena;	/* every string and table of every file */
	bool dwarf_tried[MAX_FILES];
	bool inlines_tried[MAX_FILES];
	struct elf_file *files[MAX_FILES];
	int n;
};

/* --------------------------------------------------------------- cache */

static void file_close(struct elf_file *ef)
{
	struct elf_priv *p = ef->priv;

	if (!p)
		return;
	if (p->dwfl)
		dwfl_end(p->dwfl);
	if (p->elf)
		elf_end(p->elf);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
	ef->priv = NULL;
}

static void cache_release(void *v)
{
	struct elf_cache *c = v;

	for (int i = 0; i < c->n; i++)
		file_close(c->files[i]);
	arena_release(&c->arena);
	free(c);
}

static struct elf_cache *cache(struct session *s)
{
	struct elf_cache *c = provider_cache_get(s, SLOT_ELF);

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		arena_init(&c->arena);
		provider_cache_set(s, SLOT_ELF, c, cache_release);
	}
	return c;
}

/* ------------------------------------------------------------- symbols */

struct sym_buf {
	struct elf_symbol *v;
	int n, cap;
};

static void sym_push(struct sym_buf *b, struct arena *a, const char *name,
		     uint64_t addr)
{
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 64;
		struct elf_symbol *v = arena_alloc(a, cap * sizeof(*v));

		if (b->n)
			memcpy(v, b->v, b->n * sizeof(*v));
		b->v = v;
		b->cap = cap;
	}
	b->v[b->n].name = arena_strdup(a, name);
	b->v[b->n].addr = addr;
	b->n++;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct elf_symbol *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int sym_unique(struct elf_symbol *v, int n)
{
	int kept = 0;

	if (n > 1)
		qsort(v, n, sizeof(*v), sym_cmp);
	for (int i = 0; i < n; i++)
		if (!kept || strcmp(v[kept - 1].name, v[i].name))
			v[kept++] = v[i];
	return kept;
}

static Elf_Scn *find_section(Elf *elf, const char *name, GElf_Shdr *out)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			if (out)
				*out = sh;
			return scn;
		}
	}
	return NULL;
}

/* Defined functions of one symbol table section. */
static void read_symtab(struct arena *a, Elf *elf, Elf_Scn *scn,
			struct sym_buf *b)
{
	GElf_Shdr sh;
	Elf_Data *d;

	if (!gelf_getshdr(scn, &sh) || !sh.sh_entsize ||
	    !(d = elf_getdata(scn, NULL)))
		return;
	for (size_t i = 0; i < d->d_size / sh.sh_entsize; i++) {
		GElf_Sym sym;
		const char *name;
		int type;

		if (!gelf_getsym(d, (int)i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value)
			continue;
		name = elf_strptr(elf, sh.sh_link, sym.st_name);
		if (name && *name)
			sym_push(b, a, name, sym.st_value);
	}
}

static void read_symbols(struct arena *a, Elf *elf, struct elf_file *ef)
{
	struct sym_buf b = { 0 };
	Elf_Scn *scn = NULL;
	bool have_symtab = false;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			read_symtab(a, elf, scn, &b);
			have_symtab = true;
		}
	}
	/* a stripped file still has its dynamic symbols */
	scn = NULL;
	while (!have_symtab && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM)
			read_symtab(a, elf, scn, &b);
	}
	ef->syms = b.v;
	ef->nsyms = sym_unique(b.v, b.n);
	ef->stripped = !have_symtab;
}

/* ----------------------------------------------------------- SDT notes */

static uint64_t read_addr(const unsigned char *p, bool is64, bool swap)
{
	uint64_t v = 0;
	int n = is64 ? 8 : 4;

	for (int i = 0; i < n; i++) {
		int k = swap ? i : n - 1 - i;

		v = v << 8 | p[k];
	}
	return v;
}

static int count_args(const char *args)
{
	int n = 0;

	for (const char *p = args; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n++;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

static void read_notes(struct arena *a, Elf *elf, struct elf_file *ef)
{
	GElf_Ehdr eh;
	GElf_Shdr base_sh;
	bool is64, little, have_base;
	Elf_Scn *scn = NULL;
	int cap = 0;

	if (!gelf_getehdr(elf, &eh))
		return;
	is64 = eh.e_ident[EI_CLASS] == ELFCLASS64;
	little = eh.e_ident[EI_DATA] == ELFDATA2LSB;
	have_base = find_section(elf, ".stapsdt.base", &base_sh) != NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *d;
		size_t off = 0, name_off, desc_off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(d = elf_getdata(scn, NULL)) || !d->d_buf)
			continue;
		while ((off = gelf_getnote(d, off, &nh, &name_off,
					   &desc_off)) > 0) {
			const unsigned char *desc = (unsigned char *)d->d_buf +
						    desc_off;
			size_t asz = is64 ? 8 : 4, len = nh.n_descsz;
			const char *strs, *prov, *name, *args, *end;
			struct sdt_note *sn;
			uint64_t base;

			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((char *)d->d_buf + name_off, "stapsdt", 8) ||
			    len < 3 * asz + 2 || desc_off + len > d->d_size)
				continue;
			strs = (const char *)desc + 3 * asz;
			end = (const char *)desc + len;
			prov = strs;
			name = memchr(prov, '\0', end - prov);
			if (!name || ++name >= end)
				continue;
			args = memchr(name, '\0', end - name);
			args = args && args + 1 < end ? args + 1 : NULL;
			if (args && !memchr(args, '\0', end - args))
				args = NULL;
			if (ef->nnotes == cap) {
				struct sdt_note *v;

				cap = cap ? cap * 2 : 16;
				v = arena_alloc(a, cap * sizeof(*v));
				if (ef->nnotes)
					memcpy(v, ef->notes,
					       ef->nnotes * sizeof(*v));
				ef->notes = v;
			}
			sn = &ef->notes[ef->nnotes++];
			sn->pc = read_addr(desc, is64, !little);
			base = read_addr(desc + asz, is64, !little);
			sn->semaphore = read_addr(desc + 2 * asz, is64, !little);
			/* prelink may have moved the file: the note records
			 * where .stapsdt.base was when it was written */
			if (have_base && base)
				sn->pc += base_sh.sh_addr - base;
			sn->provider = arena_strdup(a, prov);
			sn->name = arena_strdup(a, name);
			sn->args = arena_strdup(a, args ? args : "");
			sn->nargs = count_args(sn->args);
		}
	}
}

/* ------------------------------------------------------------------ PLT */

/* x86_64 only: slot i of .rela.plt is at .plt.sec + 16i or .plt + 16(i+1). */
static void read_plt(struct arena *a, Elf *elf, struct elf_file *ef)
{
	GElf_Ehdr eh;
	GElf_Shdr rela_sh, plt_sh, sym_sh;
	Elf_Scn *rela, *symscn;
	Elf_Data *d, *symd;
	uint64_t first;
	struct sym_buf b = { 0 };

	if (!gelf_getehdr(elf, &eh) || eh.e_machine != EM_X86_64)
		return;
	rela = find_section(elf, ".rela.plt", &rela_sh);
	if (!rela || !rela_sh.sh_entsize || !(d = elf_getdata(rela, NULL)))
		return;
	if (find_section(elf, ".plt.sec", &plt_sh))
		first = plt_sh.sh_addr;
	else if (find_section(elf, ".plt", &plt_sh))
		first = plt_sh.sh_addr + 16;
	else
		return;
	symscn = elf_getscn(elf, rela_sh.sh_link);
	if (!symscn || !gelf_getshdr(symscn, &sym_sh) ||
	    !(symd = elf_getdata(symscn, NULL)))
		return;
	for (size_t i = 0; i < d->d_size / rela_sh.sh_entsize; i++) {
		GElf_Rela r;
		GElf_Sym sym;
		const char *name;

		if (!gelf_getrela(d, (int)i, &r))
			break;
		if (GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT ||
		    !gelf_getsym(symd, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		name = elf_strptr(elf, sym_sh.sh_link, sym.st_name);
		if (name && *name)
			sym_push(&b, a, name, first + 16 * i);
	}
	ef->plt = b.v;
	ef->nplt = sym_unique(b.v, b.n);
}

/* --------------------------------------------------------- DT_NEEDED */

static void read_dynamic(struct arena *a, Elf *elf, struct elf_file *ef)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC ||
		    !sh.sh_entsize || !(d = elf_getdata(scn, NULL)))
			continue;
		size_t n = d->d_size / sh.sh_entsize;

		ef->needed = arena_alloc(a, (n + 1) * sizeof(char *));
		ef->runpath = arena_alloc(a, (n + 1) * sizeof(char *));
		for (size_t i = 0; i < n; i++) {
			GElf_Dyn dyn;
			const char *v;

			if (!gelf_getdyn(d, (int)i, &dyn) ||
			    dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH &&
			    dyn.d_tag != DT_RPATH)
				continue;
			v = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (!v)
				continue;
			if (dyn.d_tag == DT_NEEDED)
				ef->needed[ef->nneeded++] = arena_strdup(a, v);
			else
				ef->runpath[ef->nrunpath++] = arena_strdup(a, v);
		}
		return;
	}
}

/* --------------------------------------------------------------- DWARF */

/*
 * Where separate debuginfo is looked for: libdwfl's default
 * (":.debug:/usr/lib/debug": next to the file, its .debug directory, then
 * by build-id and debuglink under /usr/lib/debug), or the same under
 * --sysroot.
 */
static char *debuginfo_path;

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

struct func_buf {
	struct arena *a;
	struct dwarf_function *v;
	int n, cap;
	const char *cu_dir;
};

/*
 * Append a function: `where` has the code (the function or an inline
 * instance of it), `die` the name, declaration and parameters.
 */
static int push_func(struct func_buf *b, Dwarf_Die *die, Dwarf_Die *where)
{
	struct dwarf_function *f;
	const char *name = dwarf_diename(die), *file;
	Dwarf_Addr low = 0, high = 0, entry = 0;
	int line = 0;

	if (!name)
		return DWARF_CB_OK;
	if (dwarf_entrypc(where, &entry) != 0 &&
	    dwarf_lowpc(where, &entry) != 0)
		return DWARF_CB_OK;	/* a declaration */
	dwarf_lowpc(where, &low);
	dwarf_highpc(where, &high);
	file = dwarf_decl_file(die);
	dwarf_decl_line(die, &line);
	if (b->n == b->cap) {
		int cap = b->cap ? b->cap * 2 : 64;
		struct dwarf_function *v = arena_alloc(b->a, cap * sizeof(*v));

		if (b->n)
			memcpy(v, b->v, b->n * sizeof(*v));
		b->v = v;
		b->cap = cap;
	}
	f = &b->v[b->n++];
	f->name = arena_strdup(b->a, name);
	f->file = arena_strdup(b->a, file ? file : "");
	f->line = line;
	f->entry = entry;
	f->low = low;
	f->high = high;
	f->die_offset = dwarf_dieoffset(die);
	return DWARF_CB_OK;
}

static int add_func(Dwarf_Die *die, void *arg)
{
	/* an inline-only function has no code of its own */
	if (dwarf_func_inline(die))
		return DWARF_CB_OK;
	return push_func(arg, die, die);
}

struct inline_ctx {
	struct func_buf *b;
	Dwarf_Die abstract;
};

static int add_instance(Dwarf_Die *instance, void *arg)
{
	struct inline_ctx *ic = arg;

	if (dwarf_tag(instance) != DW_TAG_inlined_subroutine)
		return DWARF_CB_OK;
	return push_func(ic->b, &ic->abstract, instance);
}

static int add_inlines(Dwarf_Die *die, void *arg)
{
	struct inline_ctx ic = { .b = arg, .abstract = *die };

	if (dwarf_func_inline(die))
		dwarf_func_inline_instances(die, add_instance, &ic);
	return DWARF_CB_OK;
}

static int func_cmp(const void *a, const void *b)
{
	const struct dwarf_function *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static void read_dwarf(struct arena *a, struct elf_priv *p,
		       struct elf_file *ef, const char *path)
{
	struct func_buf b = { .a = a };
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf_Off off = 0, next;
	size_t hsize;

	p->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!p->dwfl)
		return;
	mod = dwfl_report_offline(p->dwfl, "", path, -1);
	dwfl_report_end(p->dwfl, NULL, NULL);
	if (!mod || !(p->dwarf = dwfl_module_getdwarf(mod, &bias)))
		return;
	p->mod = mod;
	ef->has_dwarf = true;
	while (dwarf_nextcu(p->dwarf, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(p->dwarf, off + hsize, &cu))
			dwarf_getfuncs(&cu, add_func, &b, 0);
		off = next;
	}
	if (b.n > 1)
		qsort(b.v, b.n, sizeof(*b.v), func_cmp);
	ef->funcs = b.v;
	ef->nfuncs = b.n;
}

ELF_INDEX_API const struct dwarf_function *elf_dwarf_function(const struct elf_file *ef,
						const char *name)
{
	int lo = 0, hi = ef->nfuncs - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(ef->funcs[mid].name, name);

		if (!c) {
			while (mid > 0 && !strcmp(ef->funcs[mid - 1].name, name))
				mid--;
			return &ef->funcs[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

static char *type_text(struct arena *a, Dwarf_Die *die, int depth);

static char *type_of(struct arena *a, Dwarf_Die *die, int depth)
{
	Dwarf_Attribute attr;
	Dwarf_Die type;

	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &type))
		return arena_strdup(a, "void");
	return type_text(a, &type, depth + 1);
}

static char *type_text(struct arena *a, Dwarf_Die *die, int depth)
{
	const char *name = dwarf_diename(die);
	Dwarf_Die child;
	Dwarf_Word count;
	Dwarf_Attribute attr;

	if (depth > MAX_TYPE_DEPTH)
		return arena_strdup(a, "?");
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		return arena_strdup(a, name ? name : "?");
	case DW_TAG_structure_type:
		return arena_printf(a, "struct %s", name ? name : "{...}");
	case DW_TAG_union_type:
		return arena_printf(a, "union %s", name ? name : "{...}");
	case DW_TAG_enumeration_type:
		return arena_printf(a, "enum %s", name ? name : "{...}");
	case DW_TAG_class_type:
		return arena_printf(a, "class %s", name ? name : "{...}");
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return arena_printf(a, "%s*", type_of(a, die, depth));
	case DW_TAG_const_type:
		return arena_printf(a, "const %s", type_of(a, die, depth));
	case DW_TAG_volatile_type:
		return arena_printf(a, "volatile %s", type_of(a, die, depth));
	case DW_TAG_restrict_type:
		return type_of(a, die, depth);
	case DW_TAG_subroutine_type:
		return arena_printf(a, "%s (*)()", type_of(a, die, depth));
	case DW_TAG_array_type:
		if (dwarf_child(die, &child) == 0 &&
		    dwarf_tag(&child) == DW_TAG_subrange_type) {
			if (dwarf_attr(&child, DW_AT_count, &attr) &&
			    dwarf_formudata(&attr, &count) == 0)
				return arena_printf(a, "%s[%llu]",
						    type_of(a, die, depth),
						    (unsigned long long)count);
			if (dwarf_attr(&child, DW_AT_upper_bound, &attr) &&
			    dwarf_formudata(&attr, &count) == 0)
				return arena_printf(a, "%s[%llu]",
						    type_of(a, die, depth),
						    (unsigned long long)count + 1);
		}
		return arena_printf(a, "%s[]", type_of(a, die, depth));
	default:
		return arena_strdup(a, name ? name : "?");
	}
}

/* Through typedefs and qualifiers to the type that decides. */
static bool peel(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Die cur = *die;

	for (int depth = 0; depth < MAX_TYPE_DEPTH; depth++) {
		Dwarf_Attribute attr;
		int tag = dwarf_tag(&cur);

		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type) {
			*out = cur;
			return true;
		}
		if (!dwarf_attr_integrate(&cur, DW_AT_type, &attr) ||
		    !dwarf_formref_die(&attr, &cur))
			return false;
	}
	return false;
}

static enum type_kind script_type_of(Dwarf_Die *typed)
{
	Dwarf_Attribute attr;
	Dwarf_Die type, base, elem;

	if (!dwarf_attr_integrate(typed, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &type) || !peel(&type, &base))
		return TYPE_UNKNOWN;
	switch (dwarf_tag(&base)) {
	case DW_TAG_base_type:
	case DW_TAG_enumeration_type:
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		return TYPE_LONG;
	case DW_TAG_array_type:
		if (dwarf_attr_integrate(&base, DW_AT_type, &attr) &&
		    dwarf_formref_die(&attr, &type) && peel(&type, &elem) &&
		    dwarf_tag(&elem) == DW_TAG_base_type &&
		    dwarf_bytesize(&elem) == 1)
			return TYPE_STRING;
		return TYPE_UNKNOWN;
	default:
		return TYPE_UNKNOWN;
	}
}

static int size_of(Dwarf_Die *typed)
{
	Dwarf_Attribute attr;
	Dwarf_Die type;
	Dwarf_Word size;

	if (!dwarf_attr_integrate(typed, DW_AT_type, &attr) ||
	    !dwarf_formref_die(&attr, &type) ||
	    dwarf_aggregate_size(&type, &size) != 0)
		return 0;
	return size < (1u << 30) ? (int)size : 0;
}

ELF_INDEX_API int elf_dwarf_params(struct session *s, const struct elf_file *ef,
		     const struct dwarf_function *f, struct dwarf_var *vars,
		     int max, struct dwarf_var *ret)
{
	struct elf_priv *p = ef->priv;
	Dwarf_Die die, child;
	int n = 0;

	if (!p || !p->dwarf || !dwarf_offdie(p->dwarf, f->die_offset, &die))
		return 0;
	if (ret) {
		ret->name = "return";
		ret->type = type_of(&s->arena, &die, 0);
		ret->script_type = script_type_of(&die);
		ret->size = size_of(&die);
	}
	if (dwarf_child(&die, &child) != 0)
		return 0;
	do {
		const char *name;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		name = dwarf_diename(&child);
		if (!name || n >= max)
			continue;
		vars[n].name = arena_strdup(&s->arena, name);
		vars[n].type = type_of(&s->arena, &child, 0);
		vars[n].script_type = script_type_of(&child);
		vars[n].size = size_of(&child);
		n++;
	} while (dwarf_siblingof(&child, &child) == 0);
	return n;
}

ELF_INDEX_API void elf_dwarf_lines(const struct elf_file *ef,
		     void (*fn)(void *ctx, const char *file, int line,
				uint64_t addr),
		     void *ctx)
{
	struct elf_priv *p = ef->priv;
	Dwarf_Off off = 0, next;
	size_t hsize;

	if (!p || !p->dwarf)
		return;
	while (dwarf_nextcu(p->dwarf, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Lines *lines;
		size_t n;

		if (dwarf_offdie(p->dwarf, off + hsize, &cu) &&
		    dwarf_getsrclines(&cu, &lines, &n) == 0) {
			for (size_t i = 0; i < n; i++) {
				Dwarf_Line *l = dwarf_onesrcline(lines, i);
				Dwarf_Addr addr;
				bool stmt = false;
				int line;
				const char *file;

				if (!l || dwarf_lineaddr(l, &addr) ||
				    dwarf_lineno(l, &line) ||
				    dwarf_linebeginstatement(l, &stmt) ||
				    !stmt)
					continue;
				file = dwarf_linesrc(l, NULL, NULL);
				if (file)
					fn(ctx, file, line, addr);
			}
		}
		off = next;
	}
}

/* ---------------------------------------------------------------- open */

static struct elf_file *open_file(struct arena *a, const char *path,
				  const char **why)
{
	struct elf_priv *p = calloc(1, sizeof(*p));
	struct elf_file *ef;
	struct stat st;

	if (!p) {
		*why = "out of memory";
		return NULL;
	}
	/* O_NONBLOCK: a FIFO named as a program must not hang us */
	p->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (p->fd < 0 || fstat(p->fd, &st) || !S_ISREG(st.st_mode)) {
		*why = p->fd < 0 ? "cannot be opened" : "is not a regular file";
		goto fail;
	}
	p->elf = elf_begin(p->fd, ELF_C_READ_MMAP, NULL);
	if (!p->elf || elf_kind(p->elf) != ELF_K_ELF) {
		*why = "is not an ELF file";
		goto fail;
	}
	ef = arena_new(a, struct elf_file);
	ef->path = arena_strdup(a, path);
	ef->priv = p;
	read_symbols(a, p->elf, ef);
	read_notes(a, p->elf, ef);
	read_plt(a, p->elf, ef);
	read_dynamic(a, p->elf, ef);
	return ef;
fail:
	if (p->elf)
		elf_end(p->elf);
	if (p->fd >= 0)
		close(p->fd);
	free(p);
	return NULL;
}

ELF_INDEX_API void elf_dwarf_inlines(struct session *s, struct elf_file *ef)
{
	struct elf_cache *c = cache(s);
	struct elf_priv *p = ef->priv;
	struct func_buf b;
	Dwarf_Off off = 0, next;
	size_t hsize;
	int i;

	if (!c || !elf_load_dwarf(s, ef) || !p || !p->dwarf)
		return;
	for (i = 0; i < c->n && c->files[i] != ef; i++)
		;
	if (i == c->n || c->inlines_tried[i])
		return;
	c->inlines_tried[i] = true;
	memset(&b, 0, sizeof(b));
	b.a = &c->arena;
	while (dwarf_nextcu(p->dwarf, off, &next, &hsize, NULL, NULL,
			    NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(p->dwarf, off + hsize, &cu))
			dwarf_getfuncs(&cu, add_inlines, &b, 0);
		off = next;
	}
	if (b.n > 1)
		qsort(b.v, b.n, sizeof(*b.v), func_cmp);
	ef->inlines = b.v;
	ef->ninlines = b.n;
}

/*
 * DWARF is read on first need: finding debuginfo for every library a
 * program loads (build-id, debuglink lookups) costs more than the rest.
 */
ELF_INDEX_API bool elf_load_dwarf(struct session *s, struct elf_file *ef)
{
	struct elf_cache *c = cache(s);

	if (!c || !ef->priv)
		return false;
	for (int i = 0; i < c->n; i++)
		if (c->files[i] == ef && !c->dwarf_tried[i]) {
			c->dwarf_tried[i] = true;
			debuginfo_path = s->sysroot ?
				arena_printf(&c->arena, ":.debug:%s/usr/lib/debug",
					     s->sysroot) : NULL;
			read_dwarf(&c->arena, ef->priv, ef, ef->path);
		}
	return ef->has_dwarf;
}

ELF_INDEX_API struct elf_file *elf_file_get(struct session *s, const char *path,
			      const char **why)
{
	struct elf_cache *c = cache(s);
	struct elf_file *ef;

	*why = "out of memory";
	if (!c)
		return NULL;
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->files[i]->path, path))
			return c->files[i];
	if (c->n == MAX_FILES) {
		*why = "is one file too many for this session";
		return NULL;
	}
	elf_version(EV_CURRENT);
	ef = open_file(&c->arena, path, why);
	if (ef)
		c->files[c->n++] = ef;
	return ef;
}

ELF_INDEX_API struct Dwarf *elf_dwarf_handle(const struct elf_file *ef)
{
	const struct elf_priv *p = ef->priv;

	return p ? p->dwarf : NULL;
}

ELF_INDEX_API struct Dwfl_Module *elf_dwarf_module(const struct elf_file *ef)
{
	const struct elf_priv *p = ef->priv;

	return p && p->dwarf ? p->mod : NULL;
}

ELF_INDEX_API const char *elf_dwarf_type_text(struct session *s,
					      Dwarf_Die *type)
{
	return type ? type_text(&s->arena, type, 0) : "void";
}

ELF_INDEX_API void elf_dwarf_var_info(struct session *s, Dwarf_Die *var,
				      struct dwarf_var *out)
{
	const char *name = dwarf_diename(var);

	out->name = arena_strdup(&s->arena, name ? name : "?");
	out->type = type_of(&s->arena, var, 0);
	out->script_type = script_type_of(var);
	out->size = size_of(var);
}

ELF_INDEX_API const char *elf_target_path(struct session *s, const char *path)
{
	size_t n = s->sysroot ? strlen(s->sysroot) : 0;

	if (path && n && !strncmp(path, s->sysroot, n) && path[n] == '/')
		return path + n;
	return path;
}
