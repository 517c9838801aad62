/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pretty.c: value tokens ($var$, $$parms$) formatted from kernel BTF. */
#ifndef STAPBPF_RUN_PRETTY_H
#define STAPBPF_RUN_PRETTY_H

#include <stdbool.h>
#include <stddef.h>

#include "rawbtf.h"
#include "strbuf.h"

/*
 * body (len bytes, between the token's 'v' and its closing mark):
 * "<deep><s|u>NAME;HEX". Appends the value to out, stap's way; false
 * when body is no value token. btf may be NULL (no kernel BTF): the type
 * is named instead.
 */
bool pretty_expand(const struct rawbtf *btf, struct strbuf *out,
		   const char *body, size_t len);

#endif
