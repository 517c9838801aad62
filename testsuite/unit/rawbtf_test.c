// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * runtime/rawbtf.c, the in-place BTF reader of the runner and the
 * translator, on BTF built here: type and string lookups, sizes
 * (btf__resolve_size's rules), split BTF continuing its base's ids and
 * string offsets, a file read from disk, and data that is not BTF.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rawbtf.h"
#include "../lib/tap.h"

struct blob {
	uint8_t buf[1024];
	size_t types, strs;	/* bytes of each */
	uint8_t t[512];
	char s[256];
};

static void put(struct blob *b, const void *p, size_t n)
{
	memcpy(b->t + b->types, p, n);
	b->types += n;
}

static uint32_t str(struct blob *b, uint32_t base_len, const char *s)
{
	uint32_t at = (uint32_t)b->strs;

	memcpy(b->s + b->strs, s, strlen(s) + 1);
	b->strs += strlen(s) + 1;
	return at + base_len;
}

static void type(struct blob *b, uint32_t name, int kind, int vlen,
		 uint32_t size_or_type)
{
	struct btf_type t = {
		.name_off = name,
		.info = (uint32_t)kind << 24 | (uint32_t)vlen,
		.size = size_or_type,
	};

	put(b, &t, sizeof(t));
}

static size_t finish(struct blob *b)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = 1, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (uint32_t)b->types,
		.str_off = (uint32_t)b->types, .str_len = (uint32_t)b->strs,
	};

	memcpy(b->buf, &h, sizeof(h));
	memcpy(b->buf + sizeof(h), b->t, b->types);
	memcpy(b->buf + sizeof(h) + b->types, b->s, b->strs);
	return sizeof(h) + b->types + b->strs;
}

static const struct btf_member *member0(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}

int main(void)
{
	static struct blob base, split;
	struct rawbtf rb, rs, rf;
	struct btf_array arr = { .type = 1, .index_type = 1, .nelems = 4 };
	struct btf_member m;
	uint32_t int_name, s_name;
	size_t blen, slen;
	char path[] = "/tmp/rawbtf_test.XXXXXX";
	int fd;

	/* base: 1 int "long int" (4 bytes: a 32-bit target), 2 long[4],
	 * 3 pointer to 1, 4 typedef "arr_t" of 2, 5 func proto */
	str(&base, 0, "");
	int_name = str(&base, 0, "long int");
	type(&base, int_name, BTF_KIND_INT, 0, 4);
	put(&base, &(uint32_t){ 32 }, 4);
	type(&base, 0, BTF_KIND_ARRAY, 0, 0);
	put(&base, &arr, sizeof(arr));
	type(&base, 0, BTF_KIND_PTR, 0, 1);
	type(&base, str(&base, 0, "arr_t"), BTF_KIND_TYPEDEF, 0, 2);
	type(&base, 0, BTF_KIND_FUNC_PROTO, 0, 1);
	blen = finish(&base);

	tap_ok(rawbtf_init(&rb, base.buf, blen) == 0, "base BTF reads");
	tap_is_int(rb.n, 6, "5 types: ids 1 to 5");
	tap_is_int(rb.ptr_size, 4, "pointer size is that of long int");
	tap_is_str(rawbtf_str(&rb, rawbtf_type(&rb, 4)->name_off), "arr_t",
		   "a type's name");
	tap_ok(rawbtf_type(&rb, 0) == NULL && rawbtf_type(&rb, 6) == NULL,
	       "no type for id 0 or past the last");
	tap_is_str(rawbtf_str(&rb, 100000), "", "a string out of range is empty");
	tap_is_int(rawbtf_find(&rb, "arr_t", BTF_KIND_TYPEDEF), 4,
		   "find by name and kind");
	tap_is_int(rawbtf_find(&rb, "arr_t", BTF_KIND_STRUCT), 0,
		   "another kind is not found");
	tap_is_int(rawbtf_size(&rb, 4), 16, "typedef of long[4]: 16 bytes");
	tap_is_int(rawbtf_size(&rb, 3), 4, "a pointer: the target's size");
	tap_is_int(rawbtf_size(&rb, 5), -1, "a function prototype has no size");

	/* split: 6 struct "pair" { arr_t a; } of 16 bytes */
	str(&split, (uint32_t)base.strs, "");
	s_name = str(&split, (uint32_t)base.strs, "pair");
	type(&split, s_name, BTF_KIND_STRUCT, 1, 16);
	m = (struct btf_member){ .name_off = str(&split, (uint32_t)base.strs,
						 "a"), .type = 4 };
	put(&split, &m, sizeof(m));
	slen = finish(&split);
	tap_ok(rawbtf_init_split(&rs, split.buf, slen, &rb) == 0,
	       "split BTF reads on its base");
	tap_is_int(rs.first, 6, "its ids continue the base's");
	tap_is_int(rs.n, 7, "one type of its own");
	tap_is_int(rawbtf_find(&rs, "pair", BTF_KIND_STRUCT), 6,
		   "its own type is found");
	tap_is_int(rawbtf_find(&rs, "long int", BTF_KIND_INT), 1,
		   "the base's types are found through it");
	tap_is_str(rawbtf_str(&rs, int_name), "long int",
		   "a base string offset reads the base");
	tap_is_str(rawbtf_str(&rs, member0(rawbtf_type(&rs, 6))->name_off),
		   "a", "its own string offsets follow the base's");
	tap_is_int(rawbtf_size(&rs, member0(rawbtf_type(&rs, 6))->type),
		   16, "a member's type from the base has its size");
	rawbtf_release(&rs);

	fd = mkstemp(path);
	if (fd < 0 || write(fd, base.buf, blen) != (ssize_t)blen) {
		perror("rawbtf_test");
		return 1;
	}
	close(fd);
	tap_ok(rawbtf_open(&rf, path, NULL) == 0 && rf.n == 6 &&
	       rawbtf_size(&rf, 4) == 16, "a file is opened and read");
	rawbtf_release(&rf);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0 || write(fd, "\177ELF not BTF", 12) != 12) {
		perror("rawbtf_test");
		return 1;
	}
	close(fd);
	errno = 0;
	tap_ok(rawbtf_open(&rf, path, NULL) == -1 && errno == EPROTO,
	       "a file that is not BTF: EPROTO");
	unlink(path);
	errno = 0;
	tap_ok(rawbtf_open(&rf, "/nonexistent/btf", NULL) == -1 &&
	       errno == ENOENT, "a missing file: ENOENT");
	base.buf[0] ^= 0xff;
	tap_ok(rawbtf_init(&rs, base.buf, blen) == -1, "a bad magic is refused");
	rawbtf_release(&rs);
	rawbtf_release(&rb);
	return tap_done();
}
