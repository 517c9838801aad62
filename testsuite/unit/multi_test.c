// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pp() and probefunc() of a kprobe.multi probe (stapbpf-run/multi.c): the
 * runner turns a token's probe index and function index into the point
 * the function's own program would have printed, or its name; tokens it
 * cannot read are left alone. The kernel side cannot fire here (no
 * kprobe.multi on the test machine), so this is where the naming is
 * checked.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "../lib/tap.h"

/* multi.c warns through output.c, which the test does not link */
void runner_warn(struct runner *r, const char *fmt, ...)
{
	(void)r;
	(void)fmt;
}

/* the string table: "", three points, two function lists */
static char strtab[] =
	"\0kernel.function(\"vfs_read\").return"
	"\0vfs_read vfs_readv vfs_write"
	"\0kernel.function(\"vfs_*\").return"
	"\0kprobe.function(\"tcp_close\")"
	"\0tcp_close tcp_connect";

static uint32_t off(const char *s)
{
	for (uint32_t i = 1; i < sizeof(strtab); i++)
		if (!strcmp(strtab + i, s) && !strtab[i - 1])
			return i;
	return 0;
}

static const char *expand(struct runner *r, char kind, const char *body)
{
	static struct strbuf sb = STRBUF_INIT;

	strbuf_reset(&sb);
	if (!multi_expand(r, &sb, kind, body))
		return "(not expanded)";
	return sb.data;
}

int main(void)
{
	struct bo_probe probes[3] = { 0 };
	struct rprobe rp[3] = { 0 };
	struct runner r = { 0 };

	probes[0].kind = BO_PROBE_KPROBE_MULTI;
	probes[0].point = off("kernel.function(\"vfs_read\").return");
	probes[0].written = off("kernel.function(\"vfs_*\").return");
	probes[0].target = off("vfs_read vfs_readv vfs_write");
	probes[1].kind = BO_PROBE_KPROBE;
	probes[1].point = off("kernel.function(\"vfs_read\").return");
	probes[1].multi = 1;
	probes[2].kind = BO_PROBE_KPROBE_MULTI;
	probes[2].point = off("kprobe.function(\"tcp_close\")");
	probes[2].target = off("tcp_close tcp_connect");
	r.meta.probes = probes;
	r.meta.n_probes = 3;
	r.meta.strtab = strtab;
	r.meta.strtab_size = sizeof(strtab);
	for (int i = 0; i < 3; i++)
		rp[i].meta = &probes[i];
	r.probes = rp;

	tap_is_str(expand(&r, BO_SYM_MULTI_POINT, "0;0x0000000000000000"),
		   "kernel.function(\"vfs_read\").return",
		   "pp() of the first function is the point as written");
	tap_is_str(expand(&r, BO_SYM_MULTI_POINT, "0;0x0000000000000002"),
		   "kernel.function(\"vfs_write\").return",
		   "pp() of another function: its name, the suffix kept");
	tap_is_str(expand(&r, BO_SYM_MULTI_FUNC, "0;0x0000000000000001"),
		   "vfs_readv", "probefunc(): the function's name");
	tap_is_str(expand(&r, BO_SYM_MULTI_POINT, "2;0x0000000000000001"),
		   "kprobe.function(\"tcp_connect\")",
		   "pp() of a kprobe.function spelling");
	tap_is_str(expand(&r, BO_SYM_MULTI_POINT, "0;0x0000000000000003"),
		   "(not expanded)", "an index past the list is no token");
	tap_is_str(expand(&r, BO_SYM_MULTI_POINT, "1;0x0000000000000000"),
		   "(not expanded)", "a probe that is no kprobe.multi: no token");
	tap_is_str(expand(&r, BO_SYM_MULTI_POINT, "3;0x0000000000000000"),
		   "(not expanded)", "a probe index past the table: no token");
	tap_is_str(expand(&r, BO_SYM_MULTI_FUNC, "x;0x0"),
		   "(not expanded)", "a body without a probe index: no token");
	tap_is_str(multi_label(&r, &probes[0]),
		   "kernel.function(\"vfs_*\").return",
		   "messages name the multi probe by its written point");
	tap_is_str(multi_label(&r, &probes[1]),
		   "kernel.function(\"vfs_read\").return",
		   "... and the others by their point");
	multi_release(&r);
	return tap_done();
}
