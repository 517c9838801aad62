// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel configuration lookup for CONFIG_* conditions. The file is read
 * once per preprocessor that needs it and kept as a sorted table.
 */
#include "kconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "diag.h"
#include "session.h"

struct kconfig_entry {
	char *name;
	char *value;
};

struct kconfig {
	struct kconfig_entry *v;
	size_t n, cap;
	bool found;
};

/* "CONFIG_FOO=value" lines; "# CONFIG_FOO is not set" stays unset. */
static void kconfig_add_line(struct kconfig *kc, char *line)
{
	char *eq;
	size_t len = strlen(line);

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	if (strncmp(line, "CONFIG_", 7) != 0)
		return;
	eq = strchr(line, '=');
	if (!eq)
		return;
	*eq = '\0';
	if (kc->n == kc->cap) {
		size_t cap = kc->cap ? kc->cap * 2 : 1024;
		struct kconfig_entry *v = realloc(kc->v, cap * sizeof(*v));

		if (!v)
			return;
		kc->v = v;
		kc->cap = cap;
	}
	kc->v[kc->n].name = strdup(line);
	kc->v[kc->n].value = strdup(eq + 1);
	if (!kc->v[kc->n].name || !kc->v[kc->n].value) {
		free(kc->v[kc->n].name);
		free(kc->v[kc->n].value);
		return;
	}
	kc->n++;
}

static bool kconfig_read_gz(struct kconfig *kc, const char *path)
{
	gzFile gz = gzopen(path, "rb");
	char line[4096];

	if (!gz)
		return false;
	while (gzgets(gz, line, sizeof(line)))
		kconfig_add_line(kc, line);
	gzclose(gz);
	return true;
}

static bool kconfig_read_plain(struct kconfig *kc, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[4096];

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		kconfig_add_line(kc, line);
	fclose(f);
	return true;
}

static int kconfig_cmp(const void *a, const void *b)
{
	const struct kconfig_entry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * --kernel-config FILE: another kernel's .config (or a config.gz copied
 * from its /proc). It was asked for by name, so not finding it is an error
 * rather than an empty configuration.
 */
static void read_given(struct session *s, struct kconfig *kc)
{
	const char *path = s->kernel_config;
	size_t n = strlen(path);
	int err;

	errno = 0;
	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		kc->found = kconfig_read_gz(kc, path);
	else
		kc->found = kconfig_read_plain(kc, path);
	err = errno;
	if (!kc->found)
		diag_hint(diag_error(s, (struct src_loc){ 0 },
				     "cannot read --kernel-config %s: %s", path,
				     strerror(err ? err : ENOENT)),
			  "give the target kernel's .config (or its /proc/config.gz)");
}

static struct kconfig *kconfig_read(struct session *s)
{
	struct kconfig *kc = calloc(1, sizeof(*kc));
	struct utsname u;
	const char *release = s->kernel_release;
	bool running;
	char path[512];

	if (!kc)
		return NULL;
	if (s->kernel_config) {
		read_given(s, kc);
		goto sort;
	}
	running = uname(&u) == 0 &&
		  (!release || !strcmp(release, u.release));
	if (!release)
		release = running ? u.release : "";
	/* /proc/config.gz describes the running kernel only. */
	if (running && kconfig_read_gz(kc, "/proc/config.gz")) {
		kc->found = true;
	} else {
		snprintf(path, sizeof(path), "/boot/config-%s", release);
		kc->found = kconfig_read_plain(kc, path);
		if (!kc->found) {
			snprintf(path, sizeof(path),
				 "/lib/modules/%s/build/.config", release);
			kc->found = kconfig_read_plain(kc, path);
		}
	}
sort:
	if (kc->n)
		qsort(kc->v, kc->n, sizeof(kc->v[0]), kconfig_cmp);
	return kc;
}

/* Read once per session: tapsets with CONFIG_ conditions are many. */
struct kconfig *kconfig_load(struct session *s)
{
	if (!s->kconfig)
		s->kconfig = kconfig_read(s);
	return s->kconfig;
}

void kconfig_free(struct kconfig *kc)
{
	if (!kc)
		return;
	for (size_t i = 0; i < kc->n; i++) {
		free(kc->v[i].name);
		free(kc->v[i].value);
	}
	free(kc->v);
	free(kc);
}

const char *kconfig_value(const struct kconfig *kc, const char *name)
{
	struct kconfig_entry key = { .name = (char *)name };
	const struct kconfig_entry *e;

	if (!kc || !kc->n)
		return "";
	e = bsearch(&key, kc->v, kc->n, sizeof(kc->v[0]), kconfig_cmp);
	return e ? e->value : "";
}

bool kconfig_found(const struct kconfig *kc)
{
	return kc && kc->found;
}

const char *kernel_base_release(struct session *s, const char *release)
{
	size_t n = strcspn(release, "-");

	return arena_strndup(&s->arena, release, n);
}
