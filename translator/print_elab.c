// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -p2: print the elaborated program.
 *
 * The form is stable (tests compare it byte for byte) and close in spirit
 * to `stap -p2`. Three sections, each present even when empty:
 *
 *	# globals
 *	NAME:TYPE                     a scalar
 *	NAME:TYPE [KEY, KEY...]       an array, one type per key
 *	                              a global written and never read (the
 *	                              runner prints it at exit) ends with the
 *	                              C comment "unread"; a private one (of a
 *	                              tapset) with "private to FILE.stp"
 *	# functions
 *	NAME:TYPE (PARAM:TYPE, ...)   ("private to FILE.stp" as for globals)
 *	                              then "  # locals" and one "  NAME:TYPE"
 *	                              line per local, then the body as -p1
 *	                              prints it;
 *	NAME:TYPE (...) @runtime("S") for a function of the runtime
 *	# probes
 *	POINT                         one line per resolved point, followed
 *	                              by the C comment "<- WRITTEN", the point
 *	                              as the user wrote it
 *	  # via ALIAS, ALIAS          the aliases expanded, the user's first
 *	  # condition EXPR            the if (...) conditions, joined with &&
 *	  # locals                    then one "  NAME:TYPE" line per local
 *	{ BODY }                      the inner aliases' prologues, the user's
 *	                              body, the epilogues, as nested blocks
 *	                              in the order they run
 *
 * For example:
 *
 *	# globals
 *	n:long [string] (C comment: unread)
 *	# functions
 *	# probes
 *	kernel.trace("sched:sched_switch") (C comment: <- scheduler.cpu_off)
 *	  # via scheduler.cpu_off
 *	  # locals
 *	  task_prev:long
 *	{ ... }
 *
 * Globals, functions and probes come in declaration order (the script's
 * first, then tapset ones in the order their files were loaded); locals
 * in order of first appearance. TYPE is long, string, stats, void or
 * unknown. Only what the probes reach is printed; @defined and constant
 * conditions are already folded.
 */
#include <stdio.h>
#include <string.h>

#include "elab_internal.h"
#include "parse.h"

static void print_symbol(FILE *out, const struct symbol *sym)
{
	fprintf(out, "%s:%s", sym->name, type_name(sym->type));
	if (!sym->is_array)
		return;
	fputs(" [", out);
	for (int i = 0; i < sym->key_types.n; i++)
		fprintf(out, "%s%s", i ? ", " : "",
			type_name(sym->key_types.v[i]));
	fputc(']', out);
}

/* Private symbols of different files may share a name: say whose. */
static void print_private(FILE *out, bool is_private,
			  const struct source_file *file)
{
	const char *name, *slash;

	if (!is_private || !file || !file->name)
		return;
	name = file->name;
	slash = strrchr(name, '/');
	fprintf(out, " /* private to %s */", slash ? slash + 1 : name);
}

static void print_globals(FILE *out, const struct elab_program *p)
{
	fputs("# globals\n", out);
	for (int i = 0; i < p->globals.n; i++) {
		const struct symbol *g = p->globals.v[i];

		print_symbol(out, g);
		if (g->global)
			print_private(out, g->global->is_private,
				      g->global->file);
		if (g->written && !g->read)
			fputs(" /* unread */", out);
		fputc('\n', out);
	}
}

static void print_function(FILE *out, const struct elab_function *ef)
{
	const struct function_decl *fd = ef->decl;

	fprintf(out, "%s:%s (", fd->name, type_name(fd->type));
	for (int i = 0; i < ef->params.n; i++) {
		fputs(i ? ", " : "", out);
		print_symbol(out, ef->params.v[i]);
	}
	fputc(')', out);
	print_private(out, fd->is_private, fd->file);
	if (fd->runtime) {
		fprintf(out, " @runtime(\"%s\")\n", fd->runtime);
		return;
	}
	fputc('\n', out);
	if (ef->locals.n) {
		fputs("  # locals\n", out);
		for (int i = 0; i < ef->locals.n; i++) {
			fputs("  ", out);
			print_symbol(out, ef->locals.v[i]);
			fputc('\n', out);
		}
	}
	if (fd->body)
		print_stmt(out, fd->body, 0);
	fputc('\n', out);
}

static void print_probe(FILE *out, const struct elab_probe *ep)
{
	for (int i = 0; i < ep->points.n; i++) {
		const struct resolved_point *rp = ep->points.v[i];
		const struct probe_point *w = i < ep->written_points.n ?
						      ep->written_points.v[i] :
						      NULL;

		fputs(rp->text ? rp->text : "?", out);
		fputs(" /* <- ", out);
		if (w)
			print_probe_point(out, w);
		else
			fputs(ep->written ? ep->written : "?", out);
		fputs(" */\n", out);
	}
	if (ep->aliases.n) {
		fputs("  # via ", out);
		for (int i = 0; i < ep->aliases.n; i++) {
			const struct probe_decl *ad = ep->aliases.v[i];

			fputs(i ? ", " : "", out);
			if (ad->alias_names.n)
				print_probe_point(out, ad->alias_names.v[0]);
		}
		fputc('\n', out);
	}
	if (ep->condition) {
		fputs("  # condition ", out);
		print_expr(out, ep->condition);
		fputc('\n', out);
	}
	if (ep->locals.n) {
		fputs("  # locals\n", out);
		for (int i = 0; i < ep->locals.n; i++) {
			fputs("  ", out);
			print_symbol(out, ep->locals.v[i]);
			fputc('\n', out);
		}
	}
	if (ep->body)
		print_stmt(out, ep->body, 0);
	fputc('\n', out);
}

void print_elab_program(FILE *out, const struct elab_program *p)
{
	if (!p)
		return;
	print_globals(out, p);
	fputs("# functions\n", out);
	for (int i = 0; i < p->functions.n; i++)
		print_function(out, p->functions.v[i]);
	fputs("# probes\n", out);
	for (int i = 0; i < p->probes.n; i++)
		print_probe(out, p->probes.v[i]);
}
