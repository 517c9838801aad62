// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Makes "another kernel's" BTF for the CO-RE tests: a copy of this
 * kernel's vmlinux BTF in which the named structs keep their members but
 * not their layout, so that an object translated against it reads the
 * right values here only if every access was relocated.
 *
 *	btf_shuffle [-i IN] OUT [-r STRUCT.MEMBER=NEW] [-e ENUM.NAME=VALUE]
 *		    [-f FUNC=NEW] [-b STRUCT.MEMBER=BIT]... STRUCT...
 *
 * Each STRUCT gets PAD bytes in front of its first member (every member's
 * offset grows by PAD, the size too) and its member list reversed. -r
 * renames a member, which gives the copy a field this kernel lacks (and
 * takes one away). -e gives an enumerator another value, so that a
 * relocated enumerator constant is told from the translating one. -f
 * renames a function (a kernel function this kernel lacks). -b moves a
 * bit-field to another bit offset (one across an 8-byte word, which no
 * kernel struct has, for the refusal's test). IN defaults to
 * /sys/kernel/btf/vmlinux; OUT is raw BTF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#define PAD 64

static int die(const char *what, const char *arg)
{
	fprintf(stderr, "btf_shuffle: %s%s%s\n", what, arg ? ": " : "",
		arg ? arg : "");
	exit(1);
}

static struct btf_type *find_struct(struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (id <= 0)
		die("no such struct", name);
	/* btf__add_btf made the copy's types writable */
	return (struct btf_type *)btf__type_by_id(btf, id);
}

static void pad_and_reverse(struct btf *btf, const char *name)
{
	struct btf_type *t = find_struct(btf, name);
	struct btf_member *m = btf_members(t);
	int n = btf_vlen(t);

	for (int i = 0; i < n; i++)
		m[i].offset += PAD * 8;	/* with kflag: bit offset in low bits */
	for (int i = 0; i < n / 2; i++) {
		struct btf_member tmp = m[i];

		m[i] = m[n - 1 - i];
		m[n - 1 - i] = tmp;
	}
	t->size += PAD;
}

/* "task_struct.comm=bstap_only_here" */
static void rename_member(struct btf *btf, char *spec)
{
	char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');
	struct btf_type *t;
	struct btf_member *m;
	int name_off;

	if (!dot || !eq || eq < dot)
		die("-r wants STRUCT.MEMBER=NEW", spec);
	*dot = *eq = '\0';
	name_off = btf__add_str(btf, eq + 1);
	if (name_off < 0)
		die("cannot add a string", eq + 1);
	t = find_struct(btf, spec);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);

		if (mn && !strcmp(mn, dot + 1)) {
			m[i].name_off = name_off;
			return;
		}
	}
	die("no such member", dot + 1);
}

/* "vfs_readv=bstap_gone": a function this kernel lacks, for
 * kprobe-multi.test (the kernel's own keeps its place and type) */
static void rename_function(struct btf *btf, char *spec)
{
	char *eq = strchr(spec, '=');
	struct btf_type *t;
	int id, name_off;

	if (!eq)
		die("-f wants FUNC=NEW", spec);
	*eq = '\0';
	id = btf__find_by_name_kind(btf, spec, BTF_KIND_FUNC);
	if (id <= 0)
		die("no such function", spec);
	name_off = btf__add_str(btf, eq + 1);
	if (name_off < 0)
		die("cannot add a string", eq + 1);
	t = (struct btf_type *)btf__type_by_id(btf, id);
	t->name_off = name_off;
}

/* "task_struct.init_private_fork_class=9534" (a kflag struct) */
static void move_bitfield(struct btf *btf, char *spec)
{
	char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');
	struct btf_type *t;
	struct btf_member *m;

	if (!dot || !eq || eq < dot)
		die("-b wants STRUCT.MEMBER=BIT", spec);
	*dot = *eq = '\0';
	t = find_struct(btf, spec);
	if (!btf_kflag(t))
		die("not a struct with bit-fields", spec);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);

		if (mn && !strcmp(mn, dot + 1)) {
			m[i].offset = (m[i].offset & 0xff000000u) |
				      ((__u32)strtoul(eq + 1, NULL, 0) &
				       0xffffffu);
			return;
		}
	}
	die("no such member", dot + 1);
}

/* "bpf_map_type.BPF_MAP_TYPE_HASH=77" */
static void renumber_enumerator(struct btf *btf, char *spec)
{
	char *dot = strchr(spec, '.'), *eq = strchr(spec, '=');
	struct btf_type *t;
	struct btf_enum *e;
	int id;

	if (!dot || !eq || eq < dot)
		die("-e wants ENUM.NAME=VALUE", spec);
	*dot = *eq = '\0';
	id = btf__find_by_name_kind(btf, spec, BTF_KIND_ENUM);
	if (id <= 0)
		die("no such enum", spec);
	t = (struct btf_type *)btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, e[i].name_off), dot + 1)) {
			e[i].val = (__u32)strtol(eq + 1, NULL, 0);
			return;
		}
	die("no such enumerator", dot + 1);
}

int main(int argc, char **argv)
{
	const char *in = "/sys/kernel/btf/vmlinux", *out;
	struct btf *src, *dst;
	const void *raw;
	__u32 size;
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "+i:")) != -1) {
		if (c != 'i')
			die("usage: btf_shuffle [-i IN] OUT [-r S.M=NEW] [-e E.N=V] [-f F=NEW] [-b S.M=BIT]... STRUCT...",
			    NULL);
		in = optarg;
	}
	if (optind >= argc)
		die("no output file", NULL);
	out = argv[optind++];
	src = btf__parse(in, NULL);
	if (!src)
		die("cannot read", in);
	dst = btf__new_empty();
	if (!dst || btf__add_btf(dst, src) < 0)
		die("cannot copy the BTF", in);
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "-r") && i + 1 < argc)
			rename_member(dst, argv[++i]);
		else if (!strcmp(argv[i], "-e") && i + 1 < argc)
			renumber_enumerator(dst, argv[++i]);
		else if (!strcmp(argv[i], "-f") && i + 1 < argc)
			rename_function(dst, argv[++i]);
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			move_bitfield(dst, argv[++i]);
		else
			pad_and_reverse(dst, argv[i]);
	}
	raw = btf__raw_data(dst, &size);
	f = fopen(out, "w");
	if (!raw || !f || fwrite(raw, 1, size, f) != size || fclose(f))
		die("cannot write", out);
	btf__free(dst);
	btf__free(src);
	return 0;
}
