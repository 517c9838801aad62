/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arena allocation for one translator session.
 *
 * Every AST node, string and table of a session comes from its arena and is
 * released at once when the session ends, so passes never free nodes one by
 * one and an error path never leaks.
 */
#ifndef BSTAP_ARENA_H
#define BSTAP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t used;		/* bytes handed out, for -v statistics */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);

/* Zeroed memory, aligned for any type. Aborts only when malloc fails. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#define arena_new(a, type) ((type *)arena_alloc((a), sizeof(type)))

#endif
