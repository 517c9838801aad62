// SPDX-License-Identifier: GPL-2.0-or-later
/* Diagnostics: the printed form, carets under tabs, notes, did-you-mean. */
#include <stdlib.h>

#include "diag.h"
#include "session.h"
#include "../lib/tap.h"

static char *flush_to_string(struct session *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	diag_flush(s, f);
	fclose(f);
	return buf;
}

int main(void)
{
	struct session s;
	const struct source_file *src;
	struct src_loc loc, first;
	char *out;
	static const char *const names[] = {
		"pid", "tid", "execname", "ppid", "gettimeofday_ns",
	};

	tap_plan(9);
	session_init(&s);
	src = session_add_source(&s, "t.stp",
				 "probe begin {\n\tprint(pidd())\n}\n", 30,
				 false);
	loc = (struct src_loc){ src, 2, 8, 4 };
	diag_hint(diag_error(&s, loc, "unknown function '%s'", "pidd"),
		  "did you mean '%s'?", "pid");
	tap_is_int(diag_error_count(&s), 1, "an error is counted");
	out = flush_to_string(&s);
	tap_is_str(out,
		   "t.stp:2:8: error: unknown function 'pidd'\n"
		   "    2 | \tprint(pidd())\n"
		   "      | \t      ^~~~\n"
		   "  hint: did you mean 'pid'?\n",
		   "error with source line, caret under a tab, and hint");
	free(out);

	first = (struct src_loc){ src, 1, 7, 5 };
	diag_note(diag_error(&s, loc, "type conflict"), first,
		  "type decided here");
	out = flush_to_string(&s);
	tap_is_str(out,
		   "t.stp:2:8: error: type conflict\n"
		   "    2 | \tprint(pidd())\n"
		   "      | \t      ^~~~\n"
		   "t.stp:1:7: note: type decided here\n"
		   "    1 | probe begin {\n"
		   "      |       ^~~~~\n",
		   "note points at a second place");
	free(out);

	diag_error(&s, (struct src_loc){ 0 }, "no script given");
	out = flush_to_string(&s);
	tap_is_str(out, "bstap: error: no script given\n",
		   "a diagnostic without a place names the program");
	free(out);

	s.warnings_off = true;
	diag_warning(&s, loc, "unused");
	out = flush_to_string(&s);
	tap_is_str(out, "", "-w silences warnings");
	free(out);

	tap_is_str(diag_closest("pidd", names, 5), "pid", "did you mean: pid");
	tap_is_str(diag_closest("exename", names, 5), "execname",
		   "did you mean: execname");
	tap_ok(diag_closest("xyzzy", names, 5) == NULL,
	       "nothing close: no suggestion");
	tap_is_str(diag_closest("gettimeofday_ms", names, 5),
		   "gettimeofday_ns", "one letter off in a long name");
	session_release(&s);
	return tap_done();
}
