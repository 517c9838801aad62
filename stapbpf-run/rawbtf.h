/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read-only access to raw BTF in place (rawbtf.c): the object's .BTF, or
 * the running kernel's, mapped from /sys/kernel/btf/vmlinux without a copy.
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
	uint32_t *offs;		/* offs[id]: where type id starts in types */
	uint32_t n;		/* type ids are 1 .. n - 1 */
	void *map;		/* the kernel's, when mapped */
	size_t map_len;
};

/* 0, or -1 when the data is not BTF this reader understands. */
int rawbtf_init(struct rawbtf *b, const void *data, size_t len);
int rawbtf_open_vmlinux(struct rawbtf *b);
void rawbtf_release(struct rawbtf *b);

/* NULL for id 0 (void) and ids out of range. */
const struct btf_type *rawbtf_type(const struct rawbtf *b, uint32_t id);
/* "" for offsets out of range. */
const char *rawbtf_str(const struct rawbtf *b, uint32_t off);
/* The first type of this kind and name, or 0. */
uint32_t rawbtf_find(const struct rawbtf *b, const char *name, int kind);
/* Skips modifiers, typedefs and type tags; *id follows. */
const struct btf_type *rawbtf_skip(const struct rawbtf *b, uint32_t *id);

#endif
