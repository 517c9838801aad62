// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The object against this kernel: whether its CO-RE accesses were built
 * for another kernel's BTF (said once, on stderr, before loading: the
 * values then depend on libbpf's relocation, which a user debugging odd
 * output wants to know), and which script place a relocation that this
 * kernel cannot satisfy came from.
 *
 * The translator records the checksum of the BTF it read (bo_header
 * btf_checksum) and, for every kernel member it reads, a location whose
 * token is the member as libbpf names it ("struct task_struct.pid").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "runner.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define CORE_FAILED "failed to resolve CO-RE relocation "

/* "crc32:XXXXXXXX" of this kernel's BTF, as the translator computes it. */
static int host_checksum(char *out, size_t len)
{
	FILE *f = fopen(VMLINUX_BTF, "re");
	unsigned char buf[65536];
	unsigned long crc = crc32(0L, Z_NULL, 0);
	size_t n;

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		crc = crc32(crc, buf, (uInt)n);
	fclose(f);
	snprintf(out, len, "crc32:%08lx", crc);
	return 0;
}

void kernel_btf_report(struct runner *r)
{
	const char *built = bo_str(&r->meta, r->meta.header.btf_checksum);
	const char *release = bo_str(&r->meta, r->meta.header.kernel_release);
	char here[32];

	if (!*built)
		return;		/* the object reads no kernel structure */
	if (host_checksum(here, sizeof(here))) {
		fprintf(stderr, RUNNER_NAME ": cannot read %s: %s; kernel "
			"structure accesses cannot be relocated\n", VMLINUX_BTF,
			strerror(errno));
		return;
	}
	if (!strcmp(built, here)) {
		if (r->opt.verbose)
			fprintf(stderr, RUNNER_NAME ": translated against this "
				"kernel's BTF (%s)\n", here);
		return;
	}
	fprintf(stderr, RUNNER_NAME ": translated against another kernel's "
		"BTF (%s%s%s); relocating kernel structure accesses for this "
		"one\n", *release ? release : "", *release ? ", " : "", built);
}

/* "struct task_struct.pid" out of libbpf's "<byte_off> [30] struct
 * task_struct.pid (0:0 @ offset 172)". */
static int relo_spec(const char *line, char *out, size_t len)
{
	const char *s = strstr(line, "] "), *e;

	if (!s)
		return -1;
	s += 2;
	e = strstr(s, " (");
	if (!e)
		e = s + strcspn(s, "\n");
	if (e <= s || (size_t)(e - s) >= len)
		return -1;
	memcpy(out, s, e - s);
	out[e - s] = '\0';
	return 0;
}

bool kernel_btf_explain(struct runner *r, int probe, const char *log)
{
	const char *at = log ? strstr(log, CORE_FAILED) : NULL;
	const struct bo_probe *p = r->probes[probe].meta;
	char spec[256], *dot;
	bool found = false;

	if (!at || relo_spec(at + strlen(CORE_FAILED), spec, sizeof(spec)))
		return false;
	dot = strrchr(spec, '.');
	if (dot) {
		*dot = '\0';
		fprintf(stderr, RUNNER_NAME ": probe %s: this kernel's %s has "
			"no member '%s'\n", bo_str(&r->meta, p->point), spec,
			dot + 1);
		*dot = '.';
	} else {
		fprintf(stderr, RUNNER_NAME ": probe %s: this kernel has no "
			"%s\n", bo_str(&r->meta, p->point), spec);
	}
	for (uint32_t i = 0; i < r->meta.n_locations; i++) {
		const struct bo_location *l = &r->meta.locations[i];

		if (strcmp(bo_str(&r->meta, l->token), spec))
			continue;
		fprintf(stderr, "  read at %s:%u:%u\n",
			bo_str(&r->meta, l->file), l->line, l->column);
		found = true;
	}
	if (!found)
		fprintf(stderr, "  (%s)\n", spec);
	fprintf(stderr, "  guard the access with @defined(...) for an object "
		"that runs on kernels with and without it\n");
	fprintf(stderr, "  see bstap-error-core(7)\n");
	return true;
}
