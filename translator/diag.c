// SPDX-License-Identifier: GPL-2.0-or-later
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

struct diag_note {
	struct src_loc loc;
	const char *msg;
};

struct diag {
	enum diag_level level;
	struct src_loc loc;
	const char *msg;
	const char *hint;
	VEC(struct diag_note) notes;
	struct session *session;
};

static struct diag *diag_add(struct session *s, enum diag_level level,
			     struct src_loc loc, const char *fmt, va_list ap)
{
	struct diag *d = arena_new(&s->arena, struct diag);

	d->level = level;
	d->loc = loc;
	d->msg = arena_vprintf(&s->arena, fmt, ap);
	d->session = s;
	vec_push(&s->arena, &s->diags, d);
	if (level == DIAG_ERROR)
		s->nerrors++;
	else if (level == DIAG_WARNING)
		s->nwarnings++;
	return d;
}

struct diag *diag_error(struct session *s, struct src_loc loc,
			const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_add(s, DIAG_ERROR, loc, fmt, ap);
	va_end(ap);
	return d;
}

struct diag *diag_warning(struct session *s, struct src_loc loc,
			  const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_add(s, DIAG_WARNING, loc, fmt, ap);
	va_end(ap);
	return d;
}

struct diag *diag_hint(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return d;
	va_start(ap, fmt);
	d->hint = arena_vprintf(&d->session->arena, fmt, ap);
	va_end(ap);
	return d;
}

struct diag *diag_note(struct diag *d, struct src_loc loc, const char *fmt, ...)
{
	struct diag_note note;
	va_list ap;

	if (!d)
		return d;
	va_start(ap, fmt);
	note.loc = loc;
	note.msg = arena_vprintf(&d->session->arena, fmt, ap);
	va_end(ap);
	vec_push(&d->session->arena, &d->notes, note);
	return d;
}

int diag_error_count(const struct session *s)
{
	return s->nerrors;
}

/* The text of line `line` of src (without its newline), or NULL. */
static const char *source_line(const struct source_file *src, int line,
			       size_t *len)
{
	const char *p = src->text, *end = src->text + src->len;
	int n = 1;

	if (!p || line < 1)
		return NULL;
	while (n < line) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return NULL;
		p++;
		n++;
	}
	*len = strcspn(p, "\n");
	if (p + *len > end)
		*len = (size_t)(end - p);
	return p;
}

/*
 * Quote the line and put a caret under the column. Tabs in the line are
 * repeated in the caret line so the caret lands under the right character
 * whatever the terminal's tab width.
 */
static void print_excerpt(FILE *out, struct src_loc loc)
{
	const char *text;
	size_t len, i;
	int width;

	if (!loc.file || loc.line < 1)
		return;
	text = source_line(loc.file, loc.line, &len);
	if (!text)
		return;
	width = fprintf(out, "%5d", loc.line);
	fputs(" | ", out);
	for (i = 0; i < len; i++)
		fputc(text[i] ? text[i] : ' ', out);
	fputc('\n', out);
	fprintf(out, "%*s | ", width, "");
	for (i = 0; (int)i < loc.col - 1 && i < len; i++)
		fputc(text[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	for (int k = 1; k < loc.len && i + (size_t)k < len; k++)
		fputc('~', out);
	fputc('\n', out);
}

static void print_where(FILE *out, struct src_loc loc)
{
	if (loc.file && loc.line > 0)
		fprintf(out, "%s:%d:%d: ", loc.file->name, loc.line, loc.col);
	else if (loc.file)
		fprintf(out, "%s: ", loc.file->name);
	else
		fputs("bstap: ", out);
}

static const char *const level_names[] = {
	[DIAG_ERROR] = "error",
	[DIAG_WARNING] = "warning",
	[DIAG_NOTE] = "note",
};

static void print_diag(FILE *out, const struct diag *d)
{
	print_where(out, d->loc);
	fprintf(out, "%s: %s\n", level_names[d->level], d->msg);
	print_excerpt(out, d->loc);
	for (int i = 0; i < d->notes.n; i++) {
		print_where(out, d->notes.v[i].loc);
		fprintf(out, "note: %s\n", d->notes.v[i].msg);
		print_excerpt(out, d->notes.v[i].loc);
	}
	if (d->hint)
		fprintf(out, "  hint: %s\n", d->hint);
}

void diag_flush(struct session *s, FILE *out)
{
	for (int i = 0; i < s->diags.n; i++) {
		const struct diag *d = s->diags.v[i];

		if (d->level == DIAG_WARNING && s->warnings_off)
			continue;
		print_diag(out, d);
	}
	s->diags.n = 0;
	fflush(out);
}

/* Levenshtein distance, bounded: names are short. */
static int edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int *row, best;

	if (la > 64 || lb > 64)
		return 1000;
	row = malloc((lb + 1) * sizeof(*row));
	if (!row)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag_prev = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int v = diag_prev + cost;

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag_prev = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *diag_closest(const char *name, const char *const *candidates,
			 int n)
{
	const char *best = NULL;
	int best_distance = 1000;
	/* A third of the name may be wrong, at least one and at most 3 edits. */
	int limit = (int)strlen(name) / 3;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (int i = 0; i < n; i++) {
		int d;

		if (!candidates[i] || !strcmp(candidates[i], name))
			continue;
		d = edit_distance(name, candidates[i]);
		if (d < best_distance ||
		    (d == best_distance && best && strcmp(candidates[i], best) < 0)) {
			best_distance = d;
			best = candidates[i];
		}
	}
	return best_distance <= limit ? best : NULL;
}
