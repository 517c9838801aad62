// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Relocation of runner-tier programs, following what libbpf 1.x does for
 * the programs it loads (bpf_object__relocate_data/_calls): the same
 * symbol arithmetic, so that clang output and the translator's output
 * behave alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf_insn.h"
#include "relocate.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64	1
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32	10
#endif

struct reloc_obj {
	int fd;
	Elf *elf;
	size_t shstrndx;
	Elf_Data *symtab;
	size_t n_syms;
	size_t symstr;		/* section index of the symbol names */
	size_t text_shndx;	/* 0 when there is no .text */
	size_t maps_shndx;
};

struct job {
	struct reloc_obj *o;
	const struct reloc_ops *ops;
	struct bpf_insn *insns;
	size_t n;
	size_t text_base;	/* where .text starts in insns, or 0 */
	char *why;
	size_t whylen;
};

static int fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *sec_name(struct reloc_obj *o, Elf_Scn *scn)
{
	GElf_Shdr sh;

	if (!gelf_getshdr(scn, &sh))
		return NULL;
	return elf_strptr(o->elf, o->shstrndx, sh.sh_name);
}

static Elf_Scn *find_section(struct reloc_obj *o, const char *name)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(o->elf, scn))) {
		const char *n = sec_name(o, scn);

		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* The SHT_REL section that applies to section @shndx, if any. */
static Elf_Scn *find_rel(struct reloc_obj *o, size_t shndx)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_REL &&
		    sh.sh_info == shndx)
			return scn;
	}
	return NULL;
}

static int index_object(struct reloc_obj *o, char *why, size_t whylen)
{
	Elf_Scn *scn = NULL;

	if (elf_kind(o->elf) != ELF_K_ELF ||
	    elf_getshdrstrndx(o->elf, &o->shstrndx))
		return fail(why, whylen, "not an ELF file");
	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;
		const char *name = sec_name(o, scn);

		if (!gelf_getshdr(scn, &sh))
			return fail(why, whylen, "bad ELF section header");
		if (sh.sh_type == SHT_SYMTAB) {
			o->symtab = elf_getdata(scn, NULL);
			o->symstr = sh.sh_link;
			if (o->symtab && sh.sh_entsize == sizeof(Elf64_Sym))
				o->n_syms = o->symtab->d_size / sizeof(Elf64_Sym);
		} else if (name && !strcmp(name, ".text")) {
			o->text_shndx = elf_ndxscn(scn);
		} else if (name && !strcmp(name, ".maps")) {
			o->maps_shndx = elf_ndxscn(scn);
		}
	}
	if (!o->symtab || !o->n_syms)
		return fail(why, whylen, "the object has no symbol table");
	return 0;
}

struct reloc_obj *reloc_open(const char *path, char *why, size_t whylen)
{
	struct reloc_obj *o = calloc(1, sizeof(*o));

	if (!o) {
		fail(why, whylen, "out of memory");
		return NULL;
	}
	elf_version(EV_CURRENT);
	o->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0) {
		fail(why, whylen, "%s: %s", path, strerror(errno));
		free(o);
		return NULL;
	}
	o->elf = elf_begin(o->fd, ELF_C_READ, NULL);
	if (!o->elf || index_object(o, why, whylen)) {
		if (!o->elf)
			fail(why, whylen, "not an ELF file");
		reloc_close(o);
		return NULL;
	}
	return o;
}

void reloc_close(struct reloc_obj *o)
{
	if (!o)
		return;
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	free(o);
}

/* The instructions of a section, checked to be whole instructions. */
static Elf_Data *section_insns(Elf_Scn *scn, size_t *n)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	GElf_Shdr sh;

	if (!d || !d->d_buf || !gelf_getshdr(scn, &sh) ||
	    sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) ||
	    d->d_size % sizeof(struct bpf_insn) || d->d_size == 0)
		return NULL;
	*n = d->d_size / sizeof(struct bpf_insn);
	return d;
}

/* Instruction index (in job->insns) of the target of a reference from a
 * section based at @base to symbol @s with byte offset @byte_off. */
static int code_target(struct job *j, const GElf_Sym *s, size_t shndx,
		       size_t base, int64_t insn_off, size_t *target)
{
	int64_t t;
	size_t tbase, tlen;

	if (s->st_shndx == j->o->text_shndx && j->text_base) {
		tbase = j->text_base;
		tlen = j->n - j->text_base;
	} else if (s->st_shndx == shndx) {
		tbase = base;
		tlen = (base == 0 && j->text_base) ? j->text_base :
			j->n - base;
	} else {
		return -1;
	}
	if (s->st_value % sizeof(struct bpf_insn))
		return -1;
	t = (int64_t)(s->st_value / sizeof(struct bpf_insn)) + insn_off;
	if (t < 0 || (uint64_t)t >= tlen)
		return -1;
	*target = tbase + (size_t)t;
	return 0;
}

static int reloc_ldimm64(struct job *j, size_t i, const GElf_Sym *s,
			 const char *sym, size_t shndx, size_t base)
{
	struct bpf_insn *in = &j->insns[i];
	Elf_Scn *scn;
	const char *sec;
	int32_t idx;
	size_t target;

	if (in->code != (BPF_LD | BPF_IMM | BPF_DW) || i + 1 >= j->n)
		return fail(j->why, j->whylen, "insn %zu: data relocation "
			    "on an instruction that is not ld_imm64", i);
	if (s->st_shndx == j->o->maps_shndx && j->o->maps_shndx) {
		if (!sym || !*sym || j->ops->map(j->ops->user, sym, &idx))
			return fail(j->why, j->whylen, "insn %zu: unknown "
				    "map '%s'", i, sym ? sym : "");
		in->src_reg = BPF_PSEUDO_MAP_IDX;
		in->imm = idx;
		in[1].imm = 0;
		return 0;
	}
	if (s->st_shndx == j->o->text_shndx && j->o->text_shndx) {
		if (code_target(j, s, shndx, base,
				in->imm / (int32_t)sizeof(struct bpf_insn),
				&target))
			return fail(j->why, j->whylen, "insn %zu: bad function "
				    "reference", i);
		in->src_reg = BPF_PSEUDO_FUNC;
		in->imm = (int32_t)((int64_t)target - (int64_t)(i + 1));
		in[1].imm = 0;
		return 0;
	}
	scn = elf_getscn(j->o->elf, s->st_shndx);
	sec = scn ? sec_name(j->o, scn) : NULL;
	if (!sec || j->ops->data(j->ops->user, sec, &idx))
		return fail(j->why, j->whylen, "insn %zu: reference to '%s' "
			    "in section %s, which the runner does not have",
			    i, sym ? sym : "", sec ? sec : "?");
	in[1].imm = (int32_t)(in->imm + (int64_t)s->st_value);
	in->src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
	in->imm = idx;
	return 0;
}

static int reloc_call(struct job *j, size_t i, const GElf_Sym *s,
		      size_t shndx, size_t base)
{
	struct bpf_insn *in = &j->insns[i];
	size_t target;

	if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != BPF_PSEUDO_CALL)
		return fail(j->why, j->whylen, "insn %zu: call relocation on "
			    "an instruction that is not a BPF call", i);
	if (code_target(j, s, shndx, base, (int64_t)in->imm + 1, &target))
		return fail(j->why, j->whylen, "insn %zu: call outside the "
			    "program", i);
	in->imm = (int32_t)((int64_t)target - (int64_t)(i + 1));
	return 0;
}

/* Apply the relocations of section @shndx, copied to insns[base...]. */
static int apply_relocs(struct job *j, size_t shndx, size_t base, size_t len)
{
	Elf_Scn *rel = find_rel(j->o, shndx);
	Elf_Data *d;
	GElf_Shdr sh;

	if (!rel)
		return 0;
	d = elf_getdata(rel, NULL);
	if (!d || !gelf_getshdr(rel, &sh) || sh.sh_entsize != sizeof(Elf64_Rel))
		return fail(j->why, j->whylen, "bad relocation section");
	for (size_t k = 0; k < d->d_size / sizeof(Elf64_Rel); k++) {
		GElf_Rel r;
		GElf_Sym s;
		size_t symi, i;
		const char *name;
		int rc;

		if (!gelf_getrel(d, (int)k, &r))
			return fail(j->why, j->whylen, "bad relocation");
		symi = GELF_R_SYM(r.r_info);
		if (symi >= j->o->n_syms || !gelf_getsym(j->o->symtab,
							 (int)symi, &s))
			return fail(j->why, j->whylen, "relocation %zu names "
				    "a symbol that does not exist", k);
		if (r.r_offset % sizeof(struct bpf_insn) ||
		    r.r_offset / sizeof(struct bpf_insn) >= len)
			return fail(j->why, j->whylen, "relocation %zu is "
				    "outside its section", k);
		i = base + r.r_offset / sizeof(struct bpf_insn);
		name = elf_strptr(j->o->elf, j->o->symstr, s.st_name);
		switch (GELF_R_TYPE(r.r_info)) {
		case R_BPF_64_64:
			rc = reloc_ldimm64(j, i, &s, name, shndx, base);
			break;
		case R_BPF_64_32:
			rc = reloc_call(j, i, &s, shndx, base);
			break;
		default:
			rc = fail(j->why, j->whylen, "relocation %zu has "
				  "unsupported type %u", k,
				  (unsigned int)GELF_R_TYPE(r.r_info));
		}
		if (rc)
			return rc;
	}
	return 0;
}

/* Does section @shndx refer to .text (calls or function pointers)? */
static bool needs_text(struct reloc_obj *o, size_t shndx)
{
	Elf_Scn *rel = find_rel(o, shndx);
	Elf_Data *d = rel ? elf_getdata(rel, NULL) : NULL;

	if (!d || !o->text_shndx)
		return false;
	for (size_t k = 0; k < d->d_size / sizeof(Elf64_Rel); k++) {
		GElf_Rel r;
		GElf_Sym s;
		size_t symi;

		if (!gelf_getrel(d, (int)k, &r))
			return false;
		symi = GELF_R_SYM(r.r_info);
		if (symi < o->n_syms && gelf_getsym(o->symtab, (int)symi, &s) &&
		    s.st_shndx == o->text_shndx)
			return true;
	}
	return false;
}

int reloc_program(struct reloc_obj *o, const char *section,
		  const struct reloc_ops *ops, struct reloc_prog *out,
		  char *why, size_t whylen)
{
	struct job j = { .o = o, .ops = ops, .why = why, .whylen = whylen };
	Elf_Scn *scn = find_section(o, section), *text = NULL;
	Elf_Data *pd, *td = NULL;
	size_t np, nt = 0, shndx;

	memset(out, 0, sizeof(*out));
	if (!scn)
		return fail(why, whylen, "no section %s", section);
	pd = section_insns(scn, &np);
	if (!pd)
		return fail(why, whylen, "section %s holds no BPF code",
			    section);
	shndx = elf_ndxscn(scn);
	if (needs_text(o, shndx)) {
		text = elf_getscn(o->elf, o->text_shndx);
		td = text ? section_insns(text, &nt) : NULL;
		if (!td)
			return fail(why, whylen, "section .text holds no BPF "
				    "code");
	}
	j.n = np + nt;
	j.insns = malloc(j.n * sizeof(struct bpf_insn));
	if (!j.insns)
		return fail(why, whylen, "out of memory");
	memcpy(j.insns, pd->d_buf, np * sizeof(struct bpf_insn));
	if (td) {
		memcpy(j.insns + np, td->d_buf, nt * sizeof(struct bpf_insn));
		j.text_base = np;
	}
	if (apply_relocs(&j, shndx, 0, np) ||
	    (td && apply_relocs(&j, o->text_shndx, np, nt))) {
		free(j.insns);
		return -1;
	}
	out->insns = j.insns;
	out->n = j.n;
	out->main_len = np;
	return 0;
}
