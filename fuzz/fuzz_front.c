// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: any bytes as a script, through parse and elaborate.
 *
 * The input runs as the user script of a fresh session with two positional
 * parameters, against the source tree's tapsets, with diagnostics printed to
 * /dev/null (printing is part of what must not crash).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "elab.h"
#include "parse.h"
#include "session.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session s;
	const struct source_file *src;
	struct file_ast *ast;

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	session_init(&s);
	vec_push(&s.arena, &s.tapset_dirs, (const char *)BSTAP_SRCDIR "/tapsets");
	vec_push(&s.arena, &s.args, (const char *)"1");
	vec_push(&s.arena, &s.args, (const char *)"foo");
	src = session_add_source(&s, "<fuzz>", (const char *)data, size, false);
	ast = parse_file(&s, src);
	if (!diag_error_count(&s)) {
		vec_push(&s.arena, &s.user_files, ast);
		print_file_ast(devnull, ast);
		s.program = elaborate(&s);
		if (s.program && !diag_error_count(&s))
			print_elab_program(devnull, s.program);
	}
	diag_flush(&s, devnull);
	session_release(&s);
	return 0;
}
