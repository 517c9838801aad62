/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pretty.c: value tokens ($var$, $$parms$) formatted from kernel BTF. */
#ifndef STAPBPF_RUN_PRETTY_H
#define STAPBPF_RUN_PRETTY_H

#include <stdbool.h>
#include <stddef.h>

#include "rawbtf.h"
#include "strbuf.h"

/* The kernel's BTF and the types looked up in it so far, by name. */
struct pretty_printer;

/* btf may be NULL (no kernel BTF: types are named instead); NULL: no memory */
struct pretty_printer *pretty_new(const struct rawbtf *btf);
void pretty_free(struct pretty_printer *pp);

/*
 * body (len bytes, after the token's 'v'): how many of them are the
 * token's, up to its closing mark. Its strings are length-prefixed and
 * may hold the mark byte, so the end is found by walking it.
 */
size_t pretty_token_len(const char *body, size_t len);

/*
 * body (len bytes, between the token's 'v' and its closing mark):
 * "<deep><s|u>NAME;HEX" and string entries (pretty.c). Appends the value
 * to out, stap's way; false when body is no value token. pp may be NULL.
 */
bool pretty_expand(struct pretty_printer *pp, struct strbuf *out,
		   const char *body, size_t len);

#endif
