/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growable byte buffer for building output: formatted values, histograms,
 * whole records. Output is built in memory and written once, so a record is
 * never half printed.
 */
#ifndef BSTAP_STRBUF_H
#define BSTAP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *data;	/* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addchars(struct strbuf *sb, char c, size_t n);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);

#endif
