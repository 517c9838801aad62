/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Relocating runner-tier programs straight from the ELF object.
 *
 * libbpf relocates only the programs it loads, and runner-tier programs
 * (BO_RUNNER_SECTION_PREFIX sections) are never loaded into the kernel, so
 * the runner applies their relocations itself, as libbpf would:
 *   - `ld_imm64` of a symbol in .maps becomes BPF_PSEUDO_MAP_IDX with the
 *     index the map callback gives;
 *   - `ld_imm64` of data (.bss, .data, .rodata...) becomes
 *     BPF_PSEUDO_MAP_IDX_VALUE: imm from the data callback, next imm the
 *     offset in the section;
 *   - calls into .text (and `ld_imm64` of a .text function, for callbacks)
 *     append the whole .text after the program, relocated the same way,
 *     and point into it.
 * The interpreter's resolve callback (runtime/interp.h) then turns the
 * pseudo loads into host values.
 */
#ifndef BSTAP_RELOCATE_H
#define BSTAP_RELOCATE_H

#include <stddef.h>
#include <stdint.h>

struct bpf_insn;
struct reloc_obj;

struct reloc_ops {
	/* a map, by its symbol name; *idx is put in the ld_imm64 */
	int (*map)(void *user, const char *name, int32_t *idx);
	/* a data section, by its name (".bss", ".rodata.str1.1", ...) */
	int (*data)(void *user, const char *section, int32_t *idx);
	void *user;
};

struct reloc_prog {
	struct bpf_insn *insns;		/* malloc-ed; the caller frees */
	size_t n;			/* instruction slots */
	size_t main_len;		/* the program itself; .text follows */
};

/* Opens an ELF BPF object for relocation; NULL with @why filled. */
struct reloc_obj *reloc_open(const char *path, char *why, size_t whylen);
void reloc_close(struct reloc_obj *o);

/*
 * The relocated program of section @section (the whole section is one
 * program, starting at its first instruction). Returns 0, or -1 with one
 * line in @why.
 */
int reloc_program(struct reloc_obj *o, const char *section,
		  const struct reloc_ops *ops, struct reloc_prog *out,
		  char *why, size_t whylen);

#endif
