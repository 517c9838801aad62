// SPDX-License-Identifier: GPL-2.0-or-later
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "diag.h"
#include "kconfig.h"
#include "provider.h"

/* Scripts bigger than this are surely a mistake (a binary given by error). */
#define MAX_SOURCE_SIZE (64u << 20)

void session_init(struct session *s)
{
	struct utsname u;

	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	s->last_pass = 5;
	s->target_pid = 0;
	if (uname(&u) == 0) {
		s->kernel_release = arena_strdup(&s->arena, u.release);
		s->arch = arena_strdup(&s->arena,
				       strcmp(u.machine, "amd64") ? u.machine
								  : "x86_64");
	} else {
		s->kernel_release = "0.0.0";
		s->arch = "x86_64";
	}
}

void session_release(struct session *s)
{
	provider_session_release(s);
	kconfig_free(s->kconfig);
	arena_release(&s->arena);
}

struct source_file *session_add_source(struct session *s, const char *name,
				       const char *text, size_t len,
				       bool is_tapset)
{
	struct source_file *f = arena_new(&s->arena, struct source_file);

	f->name = arena_strdup(&s->arena, name);
	f->text = arena_strndup(&s->arena, text, len);
	f->len = len;
	f->is_tapset = is_tapset;
	vec_push(&s->arena, &s->files, f);
	return f;
}

static char *read_all(FILE *fp, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			char *bigger;

			if (cap >= MAX_SOURCE_SIZE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			bigger = realloc(buf, cap * 2);
			if (!bigger) {
				free(buf);
				return NULL;
			}
			buf = bigger;
			cap *= 2;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

struct source_file *session_read_file(struct session *s, const char *path,
				      bool is_tapset, struct src_loc from)
{
	struct source_file *f;
	struct stat st;
	FILE *fp;
	size_t len;
	char *text;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		diag_hint(diag_error(s, from, "'%s' is a directory, not a script",
				     path),
			  "give the path of a .stp file");
		return NULL;
	}
	fp = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!fp) {
		diag_hint(diag_error(s, from, "cannot read '%s': %s", path,
				     strerror(errno)),
			  "check the path and its permissions");
		return NULL;
	}
	text = read_all(fp, &len);
	if (fp != stdin)
		fclose(fp);
	if (!text) {
		diag_error(s, from, "cannot read '%s': %s", path,
			   strerror(errno));
		return NULL;
	}
	f = session_add_source(s, strcmp(path, "-") ? path : "<stdin>", text,
			       len, is_tapset);
	free(text);
	return f;
}

const char *session_define(const struct session *s, const char *name)
{
	for (int i = s->defines.n - 1; i >= 0; i--)
		if (!strcmp(s->defines.v[i].name, name))
			return s->defines.v[i].value;
	return NULL;
}
