// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The .bo metadata reader: a real object (the runner's hand-written test
 * object basic.bpf.o) reads back, and every kind of damage -- truncation,
 * foreign files, a newer format, bad offsets, random mutations -- gives one
 * message and never a crash (run under the sanitizers with
 * --enable-sanitizers).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bo_reader.h"
#include "../lib/tap.h"

#define OBJ BSTAP_BUILDDIR "/testsuite/runner/objs/basic.bpf.o"

static uint8_t *meta_bytes(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	uint8_t *out = NULL;

	elf_version(EV_CURRENT);
	if (fd < 0)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && !elf_getshdrstrndx(elf, &shstrndx)) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			Elf_Data *d;

			gelf_getshdr(scn, &sh);
			if (strcmp(elf_strptr(elf, shstrndx, sh.sh_name),
				   BO_META_SECTION))
				continue;
			d = elf_getdata(scn, NULL);
			out = malloc(d->d_size);
			memcpy(out, d->d_buf, d->d_size);
			*len = d->d_size;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return out;
}

static void test_good(void)
{
	struct bo_meta m;
	char why[256] = "";
	int rc = bo_meta_read_file(&m, OBJ, why, sizeof(why));

	tap_ok(rc == 0, "basic.bpf.o reads (%s)", why);
	if (rc) {
		for (int i = 0; i < 6; i++)
			tap_ok(0, "skipped");
		return;
	}
	tap_is_int(m.n_probes, 3, "three probes");
	tap_is_str(bo_str(&m, m.probes[0].point),
		   "kernel.trace(\"syscalls:sys_enter_getppid\")", "probe point");
	tap_is_int(m.probes[1].tier, BO_TIER_RUNNER, "begin runs in the runner");
	tap_is_str(bo_str(&m, m.formats[2].text), "end %d %s\n", "a format");
	tap_is_str(bo_str(&m, m.header.script_name), "basic.stp", "script");
	tap_is_str(bo_str(&m, 1u << 30), "", "bo_str of a bad offset is \"\"");
	bo_meta_release(&m);
}

static void expect_fail(const void *data, size_t len, const char *want,
			const char *name)
{
	struct bo_meta m;
	char why[256] = "";
	int rc = bo_meta_parse(&m, data, len, why, sizeof(why));

	tap_ok(rc == -1 && strstr(why, want), "%s: \"%s\"", name, why);
	if (rc == 0)
		bo_meta_release(&m);
}

static void test_files(void)
{
	struct bo_meta m;
	char why[256] = "";
	char self[64];

	tap_ok(bo_meta_read_file(&m, "/nonexistent.bo", why, sizeof(why)) &&
	       strstr(why, "No such file"), "missing file: %s", why);
	tap_ok(bo_meta_read_file(&m, "/etc/hostname", why, sizeof(why)) &&
	       strstr(why, "not an ELF file"), "foreign file: %s", why);
	snprintf(self, sizeof(self), "/proc/%d/exe", (int)getpid());
	tap_ok(bo_meta_read_file(&m, self, why, sizeof(why)) &&
	       strstr(why, "not an object made by bstap"),
	       "ELF without metadata: %s", why);
}

static void set32(uint8_t *b, size_t off, uint32_t v)
{
	memcpy(b + off, &v, 4);
}

static void test_damage(const uint8_t *good, size_t len)
{
	uint8_t *b = malloc(len);
	size_t ok = 0, crashed_not = 0;
	struct bo_meta m;
	char why[256], newer[128];

	memcpy(b, good, len);
	set32(b, offsetof(struct bo_header, version), BO_FORMAT_VERSION + 1);
	/* follows BO_FORMAT_VERSION when it is bumped */
	snprintf(newer, sizeof(newer), "this object was made by a bstap with "
		 "format version %d; this runner reads version %d",
		 BO_FORMAT_VERSION + 1, BO_FORMAT_VERSION);
	expect_fail(b, len, newer, "newer format");
	memcpy(b, good, len);
	b[0] = 'X';
	expect_fail(b, len, "bad magic", "bad magic");
	expect_fail(good, 10, "truncated", "10 bytes");
	memcpy(b, good, len);
	set32(b, offsetof(struct bo_header, total_size), (uint32_t)len + 1);
	expect_fail(b, len, "truncated", "total size past the section");
	memcpy(b, good, len);
	set32(b, offsetof(struct bo_header, tables[BO_TABLE_PROBES].count),
	      1000000);
	expect_fail(b, len, "probe table", "probe count too large");
	memcpy(b, good, len);
	set32(b, offsetof(struct bo_header, tables[BO_TABLE_GLOBALS].entry_size),
	      4);
	expect_fail(b, len, "global table entries are 4 bytes", "short entries");
	memcpy(b, good, len);
	set32(b, offsetof(struct bo_header, strtab_size), 0);
	expect_fail(b, len, "string table", "empty string table");
	/* a probe whose point is past the string table */
	memcpy(b, good, len);
	{
		struct bo_header h;

		memcpy(&h, good, sizeof(h));
		set32(b, h.tables[BO_TABLE_PROBES].offset +
		      offsetof(struct bo_probe, point), 0x7fffffff);
		expect_fail(b, len, "past the string table", "string offset");
		memcpy(b, good, len);
		set32(b, h.tables[BO_TABLE_PROBES].offset +
		      offsetof(struct bo_probe, kind), 99);
		expect_fail(b, len, "unknown kind 99", "probe kind");
		memcpy(b, good, len);
		set32(b, h.tables[BO_TABLE_PROBES].offset +
		      offsetof(struct bo_probe, location), 7);
		expect_fail(b, len, "location 7 does not exist", "location");
		memcpy(b, good, len);
		set32(b, h.tables[BO_TABLE_GLOBALS].offset + sizeof(struct bo_global) +
		      offsetof(struct bo_global, size), 3);
		expect_fail(b, len, "does not fit", "key size");
	}
	/* every prefix fails cleanly, only the whole succeeds */
	for (size_t n = 0; n < len; n++) {
		uint8_t *p = malloc(n ? n : 1);

		memcpy(p, good, n);
		if (bo_meta_parse(&m, p, n, why, sizeof(why)) == 0) {
			ok++;
			bo_meta_release(&m);
		}
		free(p);
	}
	tap_is_int(ok, 0, "no proper prefix of %zu bytes is accepted", len);
	/* random mutations: accepted or refused, never a crash, and when
	 * accepted every string offset resolves */
	srand(12345);
	ok = 0;
	for (int iter = 0; iter < 20000; iter++) {
		int k = 1 + rand() % 6;

		memcpy(b, good, len);
		for (int j = 0; j < k; j++) {
			size_t at = (size_t)rand() % len;

			b[at] = (rand() % 4) ? (uint8_t)rand() :
				(uint8_t)(b[at] ^ (1u << (rand() % 8)));
		}
		if (bo_meta_parse(&m, b, len, why, sizeof(why))) {
			crashed_not += why[0] != '\0';
			continue;
		}
		ok++;
		crashed_not++;
		for (uint32_t i = 0; i < m.n_probes; i++)
			(void)strlen(bo_str(&m, m.probes[i].point));
		bo_meta_release(&m);
	}
	tap_is_int(crashed_not, 20000, "20000 mutations: each accepted or "
		   "refused with a message (%zu accepted)", ok);
	free(b);
}

static void test_key_columns(void)
{
	struct bo_global g = { .nkeys = 3, .size = 8 + 16 + 16,
			       .key_types = { BO_TYPE_LONG, BO_TYPE_STRING,
					      BO_TYPE_STRING } };
	uint32_t off = 0, size = 0;

	tap_ok(!bo_key_column(&g, 2, &off, &size) && off == 24 && size == 16,
	       "key columns: long, string, string -> third at 24, 16 bytes");
	g.size = 4;
	tap_ok(bo_key_column(&g, 0, &off, &size) == -1,
	       "a key too small for its columns is refused");
}

int main(void)
{
	size_t len = 0;
	uint8_t *good = meta_bytes(OBJ, &len);

	tap_plan(26);
	test_good();
	test_files();
	tap_ok(good != NULL, "metadata section of %s", OBJ);
	if (good)
		test_damage(good, len);
	test_key_columns();
	free(good);
	return tap_done();
}
