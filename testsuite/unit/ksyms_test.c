// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The runner's kernel symbol table (stapbpf-run/ksyms.c) on a made-up
 * kallsyms: "__pfx_NAME" lines merged into NAME's entry still name the
 * padding, a lone or odd-sized prefix stays a symbol of its own, aliases,
 * modules listed out of address order, and addresses past a module's last
 * symbol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "symbols.h"
#include "../lib/tap.h"

static const char kallsyms[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000ff0 T __pfx_first\n"
	"ffffffff81001000 T first\n"
	"ffffffff81001030 t __pfx_second\n"
	"ffffffff81001040 t second\n"
	"ffffffff81001040 t second_alias\n"
	"ffffffff81001100 T __pfx_lonely\n"	/* no function follows */
	"ffffffff81001120 T third\n"
	"ffffffff81001200 T __pfx_odd\n"	/* 32 bytes, not 16 */
	"ffffffff81001220 T odd\n"
	"ffffffff81001300 T last\n"
	"ffffffff81002000 T _etext\n"
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffffc0002000 t __pfx_mod_b_fn\t[mod_b]\n"
	"ffffffffc0002010 t mod_b_fn\t[mod_b]\n"
	"ffffffffc0002100 t mod_b_end\t[mod_b]\n"
	"ffffffffc0001000 t mod_a_fn\t[mod_a]\n"
	"ffffffffc0001080 t mod_a_end\t[mod_a]\n";

static void is_sym(const struct ksyms *k, uint64_t addr, const char *name,
		   uint64_t offset, uint64_t size, const char *module)
{
	struct sym_info si;
	bool found = ksyms_lookup(k, addr, &si);

	if (!name) {
		tap_ok(!found, "0x%llx names nothing", (unsigned long long)addr);
		return;
	}
	tap_ok(found && si.name && !strcmp(si.name, name) &&
	       si.offset == offset && si.size == size &&
	       !strcmp(si.module, module),
	       "0x%llx is %s+0x%llx/0x%llx [%s]", (unsigned long long)addr,
	       name, (unsigned long long)offset, (unsigned long long)size,
	       module);
	if (found)
		printf("# got %s+0x%llx/0x%llx [%s]\n", si.name ? si.name : "?",
		       (unsigned long long)si.offset,
		       (unsigned long long)si.size,
		       si.module ? si.module : "?");
}

int main(void)
{
	char path[] = "/tmp/ksyms_test.XXXXXX";
	int fd = mkstemp(path);
	struct ksyms *k;

	if (fd < 0 || write(fd, kallsyms, sizeof(kallsyms) - 1) !=
		      (ssize_t)(sizeof(kallsyms) - 1)) {
		perror("ksyms_test");
		return 1;
	}
	close(fd);
	k = ksyms_load(path);
	unlink(path);
	tap_ok(k != NULL, "the table loads");
	if (!k)
		return tap_done();
	/* 18 lines at or above the kernel base, 3 prefixes merged */
	tap_is_int((long long)ksyms_count(k), 18 - 3,
		   "merged prefixes take no entry of their own");

	is_sym(k, 0xffffffff81000000ULL, "_stext", 0, 0xff0, "kernel");
	is_sym(k, 0xffffffff81000fefULL, "_stext", 0xfef, 0xff0, "kernel");
	is_sym(k, 0xffffffff81000ff0ULL, "__pfx_first", 0, 0x10, "kernel");
	is_sym(k, 0xffffffff81000fffULL, "__pfx_first", 0xf, 0x10, "kernel");
	is_sym(k, 0xffffffff81001000ULL, "first", 0, 0x30, "kernel");
	is_sym(k, 0xffffffff81001035ULL, "__pfx_second", 5, 0x10, "kernel");
	/* aliases: the first in kallsyms order */
	is_sym(k, 0xffffffff81001041ULL, "second", 1, 0xc0, "kernel");
	/* a prefix with no function after it is a plain symbol */
	is_sym(k, 0xffffffff81001104ULL, "__pfx_lonely", 4, 0x20, "kernel");
	is_sym(k, 0xffffffff81001121ULL, "third", 1, 0xe0, "kernel");
	/* another padding size than the first pair's stays apart */
	is_sym(k, 0xffffffff81001210ULL, "__pfx_odd", 0x10, 0x20, "kernel");
	is_sym(k, 0xffffffff81001220ULL, "odd", 0, 0xe0, "kernel");
	is_sym(k, 0xffffffff81001fffULL, "last", 0xcff, 0xd00, "kernel");
	/* modules, listed out of address order */
	is_sym(k, 0xffffffffc0001004ULL, "mod_a_fn", 4, 0x80, "mod_a");
	is_sym(k, 0xffffffffc0002008ULL, "__pfx_mod_b_fn", 8, 0x10, "mod_b");
	is_sym(k, 0xffffffffc0002010ULL, "mod_b_fn", 0, 0xf0, "mod_b");
	/* past a module's last symbol, below the first: unknown */
	is_sym(k, 0xffffffffc0001090ULL, NULL, 0, 0, NULL);
	is_sym(k, 0xffffffffc0002200ULL, NULL, 0, 0, NULL);
	is_sym(k, 0xffffffff80000000ULL, NULL, 0, 0, NULL);
	is_sym(k, 0x1000, NULL, 0, 0, NULL);
	ksyms_free(k);

	tap_ok(ksyms_load("/nonexistent/kallsyms") == NULL,
	       "an unreadable file gives no table");
	return tap_done();
}
