/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read-only access to raw BTF in place (rawbtf.c): the object's .BTF, or
 * the running kernel's, mapped from /sys/kernel/btf/vmlinux without a copy.
 * Shared by the runner and the translator (btf_index.c), which both only
 * look types up: a type index of 4 bytes per type is all it builds.
 * Split BTF (a module's, on top of vmlinux) continues its base's type ids
 * and string offsets.
 */
#ifndef STAPBPF_RUN_RAWBTF_H
#define STAPBPF_RUN_RAWBTF_H

#include <stddef.h>
#include <stdint.h>

#include <linux/btf.h>

struct rawbtf {
	const uint8_t *types;
	size_t types_len;
	const char *strs;
	size_t strs_len;
	uint32_t *offs;		/* offs[id - first + 1]: where type id starts */
	uint32_t n;		/* type ids are 1 .. n - 1 */
	uint32_t first;		/* this BTF's first id: 1, or base->n */
	const struct rawbtf *base;	/* split BTF: what it continues */
	uint8_t ptr_size;	/* of the target: size of "long" */
	const void *raw;	/* the whole blob (header included) */
	size_t raw_len;
	void *map;		/* the kernel's, when mapped */
	size_t map_len;
	void *owned;		/* a malloc'd blob, freed on release */
};

/* 0, or -1 when the data is not BTF this reader understands. */
int rawbtf_init(struct rawbtf *b, const void *data, size_t len);
int rawbtf_open_vmlinux(struct rawbtf *b);
/*
 * Split BTF on top of base (NULL: none); data must outlive b. 0 or -1.
 */
int rawbtf_init_split(struct rawbtf *b, const void *data, size_t len,
		      const struct rawbtf *base);
/*
 * The raw BTF file at path, mapped when the file allows it (the kernel's
 * vmlinux BTF does since Linux 6.16), else read. 0; -1 with errno set
 * (EPROTO: the file is not raw BTF).
 */
int rawbtf_open(struct rawbtf *b, const char *path, const struct rawbtf *base);
/* Takes the malloc'd blob buf (freed on failure too). 0 or -1. */
int rawbtf_adopt(struct rawbtf *b, void *buf, size_t len,
		 const struct rawbtf *base);
void rawbtf_release(struct rawbtf *b);

/* NULL for id 0 (void) and ids out of range. */
const struct btf_type *rawbtf_type(const struct rawbtf *b, uint32_t id);
/* "" for offsets out of range. */
const char *rawbtf_str(const struct rawbtf *b, uint32_t off);
/* The first type of this kind and name, or 0. */
uint32_t rawbtf_find(const struct rawbtf *b, const char *name, int kind);
/* Bytes of a value of type id (what libbpf's btf__resolve_size says); -1. */
long rawbtf_size(const struct rawbtf *b, uint32_t id);
/* Skips modifiers, typedefs and type tags; *id follows. */
const struct btf_type *rawbtf_skip(const struct rawbtf *b, uint32_t *id);

#endif
