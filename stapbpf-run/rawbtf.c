// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw BTF, read in place. libbpf's btf__parse copies the kernel's BTF
 * (5.5 MB here) into its own buffer twice over while parsing, which was
 * most of the runner's peak memory; mapped read-only from sysfs, the
 * kernel's pages are shared and cost the runner only a type index
 * (4 bytes per type).
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rawbtf.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* Bytes that follow struct btf_type for this type; -1: unknown kind. */
static long type_extra(const struct btf_type *t)
{
	uint32_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	default:
		return -1;
	}
}

/*
 * One walk over the types. Every type takes at least 12 bytes, which
 * bounds the count; the index pages past the real count are never touched
 * (nor resident).
 */
static int build_index(struct rawbtf *b)
{
	size_t off = 0, max = b->types_len / sizeof(struct btf_type) + 2;
	uint32_t id = 1;

	b->offs = malloc(sizeof(*b->offs) * max);
	if (!b->offs)
		return -1;
	while (off < b->types_len) {
		const struct btf_type *t;
		long extra;

		if (b->types_len - off < sizeof(*t) || id >= max)
			return -1;
		t = (const struct btf_type *)(b->types + off);
		extra = type_extra(t);
		if (extra < 0 || b->types_len - off - sizeof(*t) < (size_t)extra)
			return -1;
		b->offs[id++] = (uint32_t)off;
		off += sizeof(*t) + (size_t)extra;
	}
	b->n = id;
	return 0;
}

int rawbtf_init(struct rawbtf *b, const void *data, size_t len)
{
	const struct btf_header *h = data;
	const uint8_t *p = data;

	memset(b, 0, sizeof(*b));
	if (len < sizeof(*h) || h->magic != BTF_MAGIC || h->version != 1 ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > len ||
	    (uint64_t)h->type_off + h->type_len > len - h->hdr_len ||
	    (uint64_t)h->str_off + h->str_len > len - h->hdr_len ||
	    (h->type_off & 3) || !h->str_len)
		return -1;
	b->types = p + h->hdr_len + h->type_off;
	b->types_len = h->type_len;
	b->strs = (const char *)p + h->hdr_len + h->str_off;
	b->strs_len = h->str_len;
	if (b->strs[b->strs_len - 1] != '\0')
		return -1;
	return build_index(b);
}

int rawbtf_open_vmlinux(struct rawbtf *b)
{
	struct stat st;
	void *p;
	int fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);

	memset(b, 0, sizeof(*b));
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	if (rawbtf_init(b, p, (size_t)st.st_size)) {
		rawbtf_release(b);
		munmap(p, (size_t)st.st_size);
		return -1;
	}
	b->map = p;
	b->map_len = (size_t)st.st_size;
	return 0;
}

void rawbtf_release(struct rawbtf *b)
{
	free(b->offs);
	if (b->map)
		munmap(b->map, b->map_len);
	memset(b, 0, sizeof(*b));
}

const struct btf_type *rawbtf_type(const struct rawbtf *b, uint32_t id)
{
	if (!id || id >= b->n)
		return NULL;
	return (const struct btf_type *)(b->types + b->offs[id]);
}

const char *rawbtf_str(const struct rawbtf *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : "";
}

uint32_t rawbtf_find(const struct rawbtf *b, const char *name, int kind)
{
	for (uint32_t id = 1; id < b->n; id++) {
		const struct btf_type *t = rawbtf_type(b, id);

		if ((int)BTF_INFO_KIND(t->info) == kind &&
		    !strcmp(rawbtf_str(b, t->name_off), name))
			return id;
	}
	return 0;
}

const struct btf_type *rawbtf_skip(const struct rawbtf *b, uint32_t *id)
{
	for (int depth = 0; depth < 32; depth++) {
		const struct btf_type *t = rawbtf_type(b, *id);

		if (!t)
			return NULL;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			*id = t->type;
			break;
		default:
			return t;
		}
	}
	return NULL;
}
