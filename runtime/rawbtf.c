// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw BTF, read in place. libbpf's btf__parse copies the kernel's BTF
 * (5.5 MB here) into its own buffer twice over while parsing, which was
 * most of the runner's peak memory; mapped read-only from sysfs, the
 * kernel's pages are shared and cost the runner only a type index
 * (4 bytes per type).
 */
#include <errno.h>
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
	uint32_t i = 1;

	b->offs = malloc(sizeof(*b->offs) * max);
	if (!b->offs)
		return -1;
	while (off < b->types_len) {
		const struct btf_type *t;
		long extra;

		if (b->types_len - off < sizeof(*t) || i >= max)
			return -1;
		t = (const struct btf_type *)(b->types + off);
		extra = type_extra(t);
		if (extra < 0 || b->types_len - off - sizeof(*t) < (size_t)extra)
			return -1;
		b->offs[i++] = (uint32_t)off;
		off += sizeof(*t) + (size_t)extra;
	}
	b->n = b->first + i - 1;
	return 0;
}

/*
 * The target's pointer size is that of its "long" (a 32-bit kernel's BTF
 * read on a 64-bit host); it is among the first types of any vmlinux.
 */
static uint8_t find_ptr_size(const struct rawbtf *b)
{
	for (uint32_t id = 1; id < b->n && id < 4096; id++) {
		const struct btf_type *t = rawbtf_type(b, id);
		const char *name;

		if (BTF_INFO_KIND(t->info) != BTF_KIND_INT)
			continue;
		name = rawbtf_str(b, t->name_off);
		if ((!strcmp(name, "long int") ||
		     !strcmp(name, "long unsigned int")) &&
		    (t->size == 4 || t->size == 8))
			return (uint8_t)t->size;
	}
	return 8;
}

int rawbtf_init_split(struct rawbtf *b, const void *data, size_t len,
		      const struct rawbtf *base)
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
	b->raw = data;
	b->raw_len = len;
	b->base = base;
	b->first = base ? base->n : 1;
	if (b->strs[b->strs_len - 1] != '\0' || build_index(b))
		return -1;
	b->ptr_size = base ? base->ptr_size : find_ptr_size(b);
	return 0;
}

int rawbtf_init(struct rawbtf *b, const void *data, size_t len)
{
	return rawbtf_init_split(b, data, len, NULL);
}

int rawbtf_adopt(struct rawbtf *b, void *buf, size_t len,
		 const struct rawbtf *base)
{
	if (rawbtf_init_split(b, buf, len, base)) {
		rawbtf_release(b);
		free(buf);
		errno = EPROTO;
		return -1;
	}
	b->owned = buf;
	return 0;
}

/* The whole file into memory; NULL with errno set. */
static void *read_all(int fd, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *buf = malloc(cap);

	while (buf) {
		ssize_t got;

		if (n == cap) {
			uint8_t *more = realloc(buf, cap * 2);

			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		if (!got) {
			*len = n;
			return buf;
		}
		n += (size_t)got;
	}
	free(buf);
	return NULL;
}

/* 0: mapped; 1: the file cannot be mapped; -1: not BTF (errno EPROTO). */
static int map_file(struct rawbtf *b, int fd, const struct rawbtf *base)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) || st.st_size <= 0)
		return 1;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return 1;
	if (rawbtf_init_split(b, p, (size_t)st.st_size, base)) {
		rawbtf_release(b);
		munmap(p, (size_t)st.st_size);
		errno = EPROTO;
		return -1;
	}
	b->map = p;
	b->map_len = (size_t)st.st_size;
	return 0;
}

int rawbtf_open(struct rawbtf *b, const char *path, const struct rawbtf *base)
{
	size_t len = 0;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	memset(b, 0, sizeof(*b));
	if (fd < 0)
		return -1;
	err = map_file(b, fd, base);
	if (err <= 0) {
		close(fd);
		return err;
	}
	p = read_all(fd, &len);
	err = errno;
	close(fd);
	if (!p) {
		errno = err;
		return -1;
	}
	return rawbtf_adopt(b, p, len, base);
}

/* The runner maps the kernel's BTF or does without: no 5 MB copy. */
int rawbtf_open_vmlinux(struct rawbtf *b)
{
	int fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC), err;

	memset(b, 0, sizeof(*b));
	if (fd < 0)
		return -1;
	err = map_file(b, fd, NULL);
	close(fd);
	return err ? -1 : 0;
}

void rawbtf_release(struct rawbtf *b)
{
	free(b->offs);
	if (b->map)
		munmap(b->map, b->map_len);
	free(b->owned);
	memset(b, 0, sizeof(*b));
}

const struct btf_type *rawbtf_type(const struct rawbtf *b, uint32_t id)
{
	if (b->base && id < b->first)
		return rawbtf_type(b->base, id);
	if (!id || id >= b->n)
		return NULL;
	return (const struct btf_type *)(b->types + b->offs[id - b->first + 1]);
}

const char *rawbtf_str(const struct rawbtf *b, uint32_t off)
{
	if (b->base) {
		if (off < b->base->strs_len)
			return rawbtf_str(b->base, off);
		off -= (uint32_t)b->base->strs_len;
	}
	return off < b->strs_len ? b->strs + off : "";
}

long rawbtf_size(const struct rawbtf *b, uint32_t id)
{
	uint64_t nelems = 1;

	for (int depth = 0; depth < 32; depth++) {
		const struct btf_type *t = rawbtf_type(b, id);
		uint64_t size;

		if (!t)
			return -1;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			size = t->size;
			break;
		case BTF_KIND_PTR:
			size = b->ptr_size;
			break;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
		case BTF_KIND_DECL_TAG:
			id = t->type;
			continue;
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = (const void *)(t + 1);

			if (a->nelems && nelems > UINT32_MAX / a->nelems)
				return -1;
			nelems *= a->nelems;
			id = a->type;
			continue;
		}
		default:
			return -1;
		}
		size *= nelems;
		return size > (uint64_t)INT32_MAX ? -1 : (long)size;
	}
	return -1;
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
