// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User-space probes: process("PATH"|PID) followed by .function("F")
 * [.call|.return], .statement("F@FILE:LINE"), .plt[("NAME")],
 * .mark("NAME"), .provider("P").mark("NAME"), .begin, .end,
 * .thread.begin, .thread.end, optionally through .library("LIB"); and
 * process.begin/.end/.thread.* for every process.
 *
 * PATH: with a '/' it is used as written (and may hold wildcards), else it
 * is looked up in $PATH as stap does. The canonical text keeps a written
 * path as is (pp() then matches the script) and shows the $PATH result.
 * LIB: a path, or a name (glob) matched against the libraries the program
 * needs (DT_NEEDED, transitively), found in its RUNPATH and the standard
 * directories as ld.so would; a literal name that no library needs is
 * still looked for there (dlopen).
 *
 * Functions come from the ELF symbol table; DWARF (in the file or found by
 * build-id/debuglink) adds source files, parameters and line tables, which
 * "F@FILE", ":LINE", .statement and .inline (one point per inline
 * instance, all with the same text) need. Marks come from .note.stapsdt.
 *
 * resolved_point: path the ELF file to probe (the library for .library),
 * address its ELF virtual address (function entry, statement, PLT slot,
 * first site of a mark), semaphore the mark's semaphore, target the
 * function/mark name (marks: module the SDT provider, data a struct
 * sdt_sites with every site), number the statement line, pid for
 * process(PID), is_return. begin/end: target "begin", "end",
 * "thread.begin" or "thread.end", path NULL for every process.
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "diag.h"
#include "dwarf_loc.h"
#include "elf_index.h"
#include "provider_impl.h"
#include "session.h"

#define MAX_LIBS 128
#define MAX_DWARF_PARAMS 32
#define REGISTER_ARGS 6		/* x86_64 SysV integer argument registers */

#define P "process(\"PATH\"|PID)"
#define L P ".library(\"LIB\")"
#define TARGETS(base)							\
	base ".function(\"F\")", base ".function(\"F\").call",		\
	base ".function(\"F\").return", base ".function(\"F\").inline",	\
	base ".statement(\"S\")", base ".plt", base ".plt(\"NAME\")",	\
	base ".mark(\"NAME\")", base ".provider(\"P\").mark(\"NAME\")"
#define LIFE(base)							\
	base ".begin", base ".end", base ".thread.begin",		\
	base ".thread.end"

static const char *const process_spellings[] = {
	TARGETS(P), TARGETS(L), LIFE(P), LIFE("process"),
	TARGETS("process"), TARGETS("process.library(\"LIB\")"),
	NULL,
};

static bool process_claims(const struct probe_point *pp)
{
	return provider_claims_first(&process_provider, pp);
}

/* ------------------------------------------------------------ programs */

/* One program or library to probe, and how the point names it. */
struct target {
	const char *path;	/* the file */
	const char *shown;	/* in the canonical text */
	const char *lib;	/* shown library path, NULL for the program */
	long pid;
	struct elf_file *ef;
};

/* --sysroot: where a path of the target system is on this one. */
static const char *under_root(struct session *s, const char *path)
{
	if (!s->sysroot || path[0] != '/')
		return path;
	return arena_printf(&s->arena, "%s%s", s->sysroot, path);
}

static bool file_error(struct session *s, const struct probe_component *c,
		       const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		diag_hint(diag_error(s, c->loc, "no such file '%s'", path),
			  errno == ENOENT ? "check the path; a relative path starts from the current directory" :
			  "check that the file can be read");
		return true;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_hint(diag_error(s, c->loc, "'%s' is a directory", path),
			  "name the program inside it");
		return true;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_hint(diag_error(s, c->loc, "'%s' is not a regular file",
				     path),
			  "name an executable or a shared library");
		return true;
	}
	return false;
}

/* Look a bare name up in $PATH; NULL when it is not there. */
static const char *search_path(struct session *s, const char *name)
{
	const char *env = getenv("PATH");
	const char *p = env && *env ? env : "/usr/local/bin:/usr/bin:/bin";

	while (*p) {
		size_t len = strcspn(p, ":");
		const char *cand = under_root(s, arena_printf(&s->arena,
							      "%.*s/%s",
							      (int)len, p,
							      name));
		struct stat st;

		if (len && stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return cand;
		p += len;
		if (*p == ':')
			p++;
	}
	return NULL;
}

static struct elf_file *open_elf(struct session *s,
				 const struct probe_component *c,
				 const char *path)
{
	const char *why;
	struct elf_file *ef;

	if (file_error(s, c, path))
		return NULL;
	ef = elf_file_get(s, path, &why);
	if (!ef)
		diag_hint(diag_error(s, c->loc, "'%s' %s", path, why),
			  "process() needs an executable or shared library in ELF format");
	return ef;
}

static int push_target(struct session *s, struct target **v, int n,
		       struct target t)
{
	struct target *nv = arena_alloc(&s->arena, (n + 1) * sizeof(*nv));

	if (n)
		memcpy(nv, *v, n * sizeof(*nv));
	nv[n] = t;
	*v = nv;
	return n + 1;
}

const char *process_find_program(struct session *s,
				 const struct probe_component *c,
				 const char *arg)
{
	const char *path = strchr(arg, '/') ? under_root(s, arg) :
					      search_path(s, arg);

	if (!path) {
		diag_hint(diag_error(s, c->loc, "no program '%s' in $PATH", arg),
			  "give its path: \"./%s\" or \"/usr/bin/%s\"", arg, arg);
		return NULL;
	}
	return open_elf(s, c, path) ? path : NULL;
}

/* process(PID): the executable of a running process. */
static int pid_target(struct session *s, const struct probe_component *c,
		      struct target **out)
{
	long pid = c->arg->num;
	char link[64], exe[PATH_MAX];
	ssize_t n;
	struct target t = { 0 };

	if (pid <= 0 || pid > INT_MAX) {
		diag_hint(diag_error(s, c->loc, "process(%ld): not a process id",
				     pid),
			  "write process(PID) with the id of a running process, or process(\"PATH\")");
		return -1;
	}
	snprintf(link, sizeof(link), "/proc/%ld/exe", pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n <= 0) {
		diag_hint(diag_error(s, c->loc, "no process %ld, or its executable cannot be read",
				     pid),
			  "check the id (ps), and run as root to see other users' processes");
		return -1;
	}
	exe[n] = '\0';
	t.path = arena_strdup(&s->arena, exe);
	t.pid = pid;
	if (!(t.ef = open_elf(s, c, t.path)))
		return -1;
	return push_target(s, out, 0, t);
}

/*
 * process.function(...) without a path: the program of -c COMMAND (its
 * first word) or of -x PID, as stap does.
 */
static int command_target(struct session *s, const struct probe_component *c,
			  struct target **out)
{
	struct target t = { 0 };
	const char *why;
	char *cmd;

	if (s->target_pid > 0) {
		struct probe_component pc = *c;
		struct expr pid = { .kind = EXPR_NUMBER, .num = s->target_pid };

		pc.arg = &pid;
		if (pid_target(s, &pc, out) < 0)
			return -1;
		(*out)[0].shown = (*out)[0].path;
		return 1;
	}
	if (!s->target_cmd) {
		diag_hint(diag_error(s, c->loc,
				     "'process' without a program needs -c COMMAND or -x PID"),
			  "name the program: process(\"/bin/ls\").function(\"main\")");
		return -1;
	}
	cmd = arena_strdup(&s->arena, s->target_cmd + strspn(s->target_cmd,
							     " \t"));
	cmd[strcspn(cmd, " \t")] = '\0';
	if (!*cmd || !(t.path = process_find_program(s, c, cmd)))
		return -1;
	t.shown = elf_target_path(s, t.path);
	t.ef = elf_file_get(s, t.path, &why);
	if (!t.ef)
		return -1;
	return push_target(s, out, 0, t);
}

/* process("PATH"): a file, a $PATH name, or a glob of files. */
static int path_targets(struct session *s, const struct probe_component *c,
			struct target **out)
{
	const char *arg = c->arg->str;
	struct target t = { 0 };
	glob_t g;
	int n = 0;

	if (!arg_nonempty(s, c, "process"))
		return -1;
	if (!strchr(arg, '/')) {
		t.path = search_path(s, arg);
		if (!t.path) {
			diag_hint(diag_error(s, c->loc, "no program '%s' in $PATH",
					     arg),
				  "give its path: process(\"./%s\") or process(\"/usr/bin/%s\")",
				  arg, arg);
			return -1;
		}
		t.shown = elf_target_path(s, t.path);
		if (!(t.ef = open_elf(s, c, t.path)))
			return -1;
		return push_target(s, out, 0, t);
	}
	if (!glob_has(arg)) {
		t.path = under_root(s, arg);
		t.shown = arg;
		if (!(t.ef = open_elf(s, c, t.path)))
			return -1;
		return push_target(s, out, 0, t);
	}
	if (glob(under_root(s, arg), 0, NULL, &g) != 0)
		return 0;	/* a glob that matches nothing */
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *why;
		struct target gt = { 0 };

		gt.path = arena_strdup(&s->arena, g.gl_pathv[i]);
		gt.shown = elf_target_path(s, gt.path);
		/* a glob quietly skips what is not ELF */
		gt.ef = elf_file_get(s, gt.path, &why);
		if (gt.ef)
			n = push_target(s, out, n, gt);
	}
	globfree(&g);
	return n;
}

/* ----------------------------------------------------------- libraries */

static const char *multiarch(struct session *s)
{
	struct utsname u;
	const char *arch = s->arch;

	if (!arch && uname(&u) == 0)
		arch = arena_strdup(&s->arena, u.machine);
	if (arch && !strcmp(arch, "aarch64"))
		return "aarch64-linux-gnu";
	if (arch && !strncmp(arch, "riscv64", 7))
		return "riscv64-linux-gnu";
	return "x86_64-linux-gnu";
}

static const char *dir_of(struct session *s, const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? arena_strndup(&s->arena, path, slash - path) : ".";
}

/* Where ld.so would find a needed library of `from`. */
static const char *find_library(struct session *s, const struct elf_file *from,
				const char *name)
{
	const char *ma = multiarch(s);
	const char *std[] = {
		under_root(s, arena_printf(&s->arena, "/lib/%s", ma)),
		under_root(s, arena_printf(&s->arena, "/usr/lib/%s", ma)),
		under_root(s, "/lib64"), under_root(s, "/usr/lib64"),
		under_root(s, "/lib"), under_root(s, "/usr/lib"),
		under_root(s, "/usr/local/lib"),
	};
	struct stat st;

	if (strchr(name, '/')) {
		name = under_root(s, name);
		return stat(name, &st) == 0 ? name : NULL;
	}
	for (int i = 0; from && i < from->nrunpath; i++) {
		const char *rp = from->runpath[i];

		while (*rp) {
			size_t len = strcspn(rp, ":");
			char *dir = arena_strndup(&s->arena, rp, len);
			char *cand;

			if (!strncmp(dir, "$ORIGIN", 7))
				dir = arena_printf(&s->arena, "%s%s",
						   dir_of(s, from->path),
						   dir + 7);
			else
				dir = (char *)under_root(s, dir);
			cand = arena_printf(&s->arena, "%s/%s", dir, name);
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
				return cand;
			rp += len;
			if (*rp == ':')
				rp++;
		}
	}
	for (size_t i = 0; i < sizeof(std) / sizeof(*std); i++) {
		char *cand = arena_printf(&s->arena, "%s/%s", std[i], name);

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
			return cand;
	}
	return NULL;
}

struct needed {
	const char *name[MAX_LIBS];
	const char *path[MAX_LIBS];
	int n;
};

/* Every library prog needs, transitively, breadth first. */
static void needed_libraries(struct session *s, struct elf_file *prog,
			     struct needed *nd)
{
	struct elf_file *queue[MAX_LIBS + 1];
	int head = 0, tail = 0;

	nd->n = 0;
	queue[tail++] = prog;
	while (head < tail) {
		struct elf_file *ef = queue[head++];

		for (int i = 0; i < ef->nneeded && nd->n < MAX_LIBS; i++) {
			const char *name = ef->needed[i], *path, *why;
			bool seen = false;

			for (int k = 0; k < nd->n && !seen; k++)
				seen = !strcmp(nd->name[k], name);
			if (seen || !(path = find_library(s, ef, name)))
				continue;
			nd->name[nd->n] = name;
			nd->path[nd->n++] = path;
			struct elf_file *lib = elf_file_get(s, path, &why);

			if (lib && tail <= MAX_LIBS)
				queue[tail++] = lib;
		}
	}
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void unknown_library(struct session *s, const struct probe_component *c,
			    const struct target *prog, const struct needed *nd)
{
	const char *pattern = c->arg->str;
	const char *close = diag_closest(pattern, nd->name, nd->n);
	char *list = arena_strdup(&s->arena, "");
	struct diag *d = diag_error(s, c->loc,
				    "no library '%s' for '%s'", pattern,
				    prog->path);

	for (int i = 0; i < nd->n && i < 8; i++)
		list = arena_printf(&s->arena, "%s%s%s", list, i ? ", " : "",
				    nd->name[i]);
	if (close)
		diag_hint(d, "did you mean '%s'?", close);
	else if (nd->n)
		diag_hint(d, "it loads: %s%s", list, nd->n > 8 ? ", ..." : "");
	else
		diag_hint(d, "it needs no shared library; give a library's path");
}

/* The libraries of each program that .library("LIB") names. */
static int library_targets(struct session *s, const struct pp_match *m,
			   bool quiet, struct target *progs, int nprogs,
			   struct target **out)
{
	const struct probe_component *c = m_comp(m, "library");
	const char *pattern = c->arg->str;
	int n = 0;

	if (!arg_nonempty(s, c, "library"))
		return -1;
	for (int p = 0; p < nprogs; p++) {
		struct needed nd;
		int before = n;

		if (strchr(pattern, '/')) {
			struct target t = progs[p];

			t.path = under_root(s, pattern);
			t.lib = pattern;
			if (!(t.ef = open_elf(s, c, t.path)))
				return -1;
			n = push_target(s, out, n, t);
			continue;
		}
		needed_libraries(s, progs[p].ef, &nd);
		for (int i = 0; i < nd.n; i++) {
			struct target t = progs[p];
			const char *why;

			if (!glob_match(pattern, nd.name[i]) &&
			    !glob_match(pattern, base_name(nd.path[i])))
				continue;
			t.path = nd.path[i];
			t.lib = elf_target_path(s, t.path);
			t.ef = elf_file_get(s, t.path, &why);
			if (t.ef)
				n = push_target(s, out, n, t);
		}
		if (n == before && !glob_has(pattern)) {
			/* dlopen()ed libraries are not in DT_NEEDED */
			struct target t = progs[p];

			const char *why;

			t.path = find_library(s, progs[p].ef, pattern);
			t.lib = t.path ? elf_target_path(s, t.path) : NULL;
			if (t.path && (t.ef = elf_file_get(s, t.path, &why))) {
				n = push_target(s, out, n, t);
				continue;
			}
			if (!quiet) {
				unknown_library(s, c, &progs[p], &nd);
				return -1;
			}
		}
	}
	return n;
}

/* ------------------------------------------------------------- points */

static struct resolved_point *point(struct session *s,
				    const struct probe_point *pp,
				    const struct pp_match *m,
				    const struct target *t,
				    const char *what, const char *arg)
{
	const char *subst[PP_MAX_COMPONENTS] = { 0 };
	int pi = m_index(m, "process"), li = m_index(m, "library");
	int wi = what ? m_index(m, what) : -1;
	struct resolved_point *rp;

	if (pi >= 0 && t && t->shown)
		subst[pi] = t->shown;
	if (li >= 0 && t)
		subst[li] = t->lib;
	if (wi >= 0 && arg)
		subst[wi] = arg;
	rp = rp_new(s, &process_provider, pp, m_text(s, m, subst),
		    TIER_KERNEL);
	if (t) {
		rp->path = t->path;
		rp->pid = t->pid;
		rp->data = t->ef;
	}
	return rp;
}

/* "F@FILE:LINE" */
struct spec {
	const char *func, *file;
	int line_lo, line_hi;	/* 0: no line */
};

static bool parse_spec(struct session *s, const struct probe_component *c,
		       struct spec *sp)
{
	const char *arg = c->arg->str, *at = strchr(arg, '@'), *colon;
	char *end;

	memset(sp, 0, sizeof(*sp));
	sp->func = at ? arena_strndup(&s->arena, arg, at - arg) : arg;
	if (!at)
		return true;
	colon = strrchr(at + 1, ':');
	sp->file = colon ? arena_strndup(&s->arena, at + 1, colon - at - 1)
			 : at + 1;
	if (!*sp->func)
		sp->func = "*";
	if (!colon)
		return true;
	errno = 0;
	sp->line_lo = sp->line_hi = (int)strtol(colon + 1, &end, 10);
	if (*end == '-')
		sp->line_hi = (int)strtol(end + 1, &end, 10);
	if (errno || *end || sp->line_lo <= 0 || sp->line_hi < sp->line_lo ||
	    !*sp->file) {
		diag_hint(diag_error(s, c->loc, "cannot read '%s' as FUNCTION@FILE:LINE",
				     arg),
			  "write it as \"main@main.c:10\", \"*@main.c:10\" or \"*@main.c:10-20\"");
		return false;
	}
	return true;
}

static bool file_fits(const char *pattern, const char *file)
{
	const char *base = base_name(file);

	return glob_match(pattern, file) || glob_match(pattern, base) ||
	       (strchr(pattern, '/') && strlen(file) > strlen(pattern) &&
		glob_match(pattern, file + strlen(file) - strlen(pattern)));
}

static bool need_dwarf(struct session *s, const struct probe_component *c,
		       const struct target *t, const char *what)
{
	if (elf_load_dwarf(s, t->ef))
		return true;
	diag_hint(diag_error(s, c->loc, "%s needs debuginfo, and '%s' has none",
			     what, t->path),
		  "build it with -g, or install its debug symbols (the -dbgsym package)");
	return false;
}

/* ef->syms is sorted by name. */
static bool has_symbol(const struct elf_file *ef, const char *name)
{
	int lo = 0, hi = ef->nsyms - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(ef->syms[mid].name, name);

		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/* Names to match .function against: symbols, plus DWARF-only ones. */
struct fn_entry {
	const char *name;
	uint64_t addr;
	const struct dwarf_function *df;
};

static int function_list(struct session *s, const struct elf_file *ef,
			 struct fn_entry **out)
{
	struct fn_entry *v = arena_alloc(&s->arena, (ef->nsyms + ef->nfuncs + 1) *
						    sizeof(*v));
	int n = 0;

	for (int i = 0; i < ef->nsyms; i++) {
		v[n].name = ef->syms[i].name;
		v[n].addr = ef->syms[i].addr;
		v[n++].df = elf_dwarf_function(ef, ef->syms[i].name);
	}
	for (int i = 0; i < ef->nfuncs; i++) {
		const struct dwarf_function *f = &ef->funcs[i];

		if (!f->entry || (i && !strcmp(ef->funcs[i - 1].name, f->name)))
			continue;
		if (!has_symbol(ef, f->name)) {
			v[n].name = f->name;
			v[n].addr = f->entry;
			v[n++].df = f;
		}
	}
	*out = v;
	return n;
}

static void no_such(struct session *s, const struct probe_component *c,
		    const char *kind, const char *name, const char *path,
		    const char **names, int n, const char *list_hint)
{
	const char *close = diag_closest(name, names, n);
	struct diag *d = diag_error(s, c->loc, "no %s '%s' in '%s'", kind,
				    name, path);

	if (close)
		diag_hint(d, "did you mean '%s'?", close);
	else
		diag_hint(d, "%s", list_hint);
}

/* Is name a function of ef that only exists inlined? */
static bool only_inlined(struct session *s, struct elf_file *ef,
			 const char *name)
{
	if (!elf_load_dwarf(s, ef))
		return false;
	elf_dwarf_inlines(s, ef);
	for (int i = 0; i < ef->ninlines; i++)
		if (!strcmp(ef->inlines[i].name, name))
			return true;
	return false;
}

/*
 * .function("F").inline: one point per inline instance; they share the
 * text (pp() is the same) and differ in address.
 */
static int inline_instances(struct session *s, const struct probe_point *pp,
			    const struct pp_match *m, const struct target *t,
			    const struct spec *sp, bool quiet,
			    struct resolved_point_vec *out)
{
	const struct probe_component *c = m_comp(m, "function");
	const struct elf_file *ef = t->ef;
	const char **names;
	int found = 0;

	if (!need_dwarf(s, c, t, ".inline"))
		return -1;
	elf_dwarf_inlines(s, t->ef);
	names = arena_alloc(&s->arena, (ef->ninlines + 1) * sizeof(*names));
	for (int i = 0; i < ef->ninlines; i++) {
		const struct dwarf_function *f = &ef->inlines[i];
		struct resolved_point *rp;

		names[i] = f->name;
		if (!glob_match(sp->func, f->name) ||
		    (sp->file && !file_fits(sp->file, f->file)) ||
		    (sp->line_lo && (f->line < sp->line_lo ||
				     f->line > sp->line_hi)))
			continue;
		rp = point(s, pp, m, t, "function", f->name);
		rp->target = f->name;
		rp->address = f->entry;
		rp_push(s, out, rp);
		found++;
	}
	if (!found && !quiet && !glob_has(c->arg->str)) {
		no_such(s, c, "inline instance of", c->arg->str, t->path, names,
			ef->ninlines, "the compiler inlined no such function here; drop .inline");
		return -1;
	}
	return found;
}

static int functions(struct session *s, const struct probe_point *pp,
		     const struct pp_match *m, const struct target *t,
		     bool quiet, struct resolved_point_vec *out)
{
	const struct probe_component *c = m_comp(m, "function");
	struct fn_entry *fns;
	const char **names;
	struct spec sp;
	int n, found = 0;

	if (!arg_nonempty(s, c, "function") || !parse_spec(s, c, &sp))
		return -1;
	if (m_has(m, "inline"))
		return inline_instances(s, pp, m, t, &sp, quiet, out);
	if (sp.file && !need_dwarf(s, c, t, "a source file in .function"))
		return -1;
	/*
	 * The symbol table names the functions. DWARF is slow to load for a
	 * big library: only when a file or line must be checked, or when the
	 * file is stripped and separate debuginfo may name more (main).
	 */
	if (sp.line_lo && !need_dwarf(s, c, t, "a line number in .function"))
		return -1;
	if (t->ef->stripped && (glob_has(sp.func) ||
				!has_symbol(t->ef, sp.func)))
		elf_load_dwarf(s, t->ef);
	n = function_list(s, t->ef, &fns);
	names = arena_alloc(&s->arena, (n + 1) * sizeof(*names));
	for (int i = 0; i < n; i++) {
		const struct dwarf_function *df = fns[i].df;
		struct resolved_point *rp;

		names[i] = fns[i].name;
		if (!glob_match(sp.func, fns[i].name))
			continue;
		if (sp.file && (!df || !file_fits(sp.file, df->file)))
			continue;
		if (sp.line_lo && (!df || df->line < sp.line_lo ||
				   df->line > sp.line_hi))
			continue;
		rp = point(s, pp, m, t, "function", fns[i].name);
		rp->target = fns[i].name;
		rp->address = fns[i].addr;
		rp->is_return = m_has(m, "return");
		rp_push(s, out, rp);
		found++;
	}
	if (!found && !quiet && !glob_has(c->arg->str) &&
	    only_inlined(s, t->ef, sp.func)) {
		diag_hint(diag_error(s, c->loc,
				     "'%s' has no out-of-line copy in '%s': the compiler inlined it",
				     sp.func, t->path),
			  "probe its inline instances: .function(\"%s\").inline",
			  sp.func);
		return -1;
	}
	if (!found && !quiet && !glob_has(c->arg->str)) {
		no_such(s, c, "function", c->arg->str, t->path, names, n,
			arena_printf(&s->arena,
				     "bstap -l 'process(\"%s\").function(\"*\")' lists them",
				     t->path));
		return -1;
	}
	return found;
}

static int plts(struct session *s, const struct probe_point *pp,
		const struct pp_match *m, const struct target *t, bool quiet,
		struct resolved_point_vec *out)
{
	const struct probe_component *c = m_comp(m, "plt");
	const char *pattern = m_str(m, "plt");
	const char **names;
	int found = 0;

	if (pattern && !arg_nonempty(s, c, "plt"))
		return -1;
	names = arena_alloc(&s->arena, (t->ef->nplt + 1) * sizeof(*names));
	for (int i = 0; i < t->ef->nplt; i++) {
		const struct elf_symbol *e = &t->ef->plt[i];
		struct resolved_point *rp;

		names[i] = e->name;
		if (pattern && !glob_match(pattern, e->name))
			continue;
		rp = point(s, pp, m, t, "plt", e->name);
		rp->target = e->name;
		rp->address = e->addr;
		rp_push(s, out, rp);
		found++;
	}
	if (!found && !quiet && pattern && !glob_has(pattern)) {
		no_such(s, c, "PLT entry", pattern, t->path, names,
			t->ef->nplt, "only x86_64 PLTs are read; .plt without a name lists them");
		return -1;
	}
	return found;
}

/* The canonical text of a mark point. */
static const char *mark_text(struct session *s, const struct pp_match *m,
			     const struct target *t,
			     const struct sdt_note *sn)
{
	const char *subst[PP_MAX_COMPONENTS] = { 0 };
	int pi = m_index(m, "process"), li = m_index(m, "library");
	int vi = m_index(m, "provider");

	if (pi >= 0 && t->shown)
		subst[pi] = t->shown;
	if (li >= 0)
		subst[li] = t->lib;
	if (vi >= 0)
		subst[vi] = sn->provider;
	subst[m_index(m, "mark")] = sn->name;
	return m_text(s, m, subst);
}

static void add_site(struct session *s, struct sdt_sites *sites,
		     const struct sdt_note *sn)
{
	const struct sdt_note **v = arena_alloc(&s->arena,
						(sites->n + 1) * sizeof(*v));

	if (sites->n)
		memcpy(v, sites->v, sites->n * sizeof(*v));
	v[sites->n++] = sn;
	sites->v = v;
}

/* The point of a mark among out[from..], or a new one. */
static struct resolved_point *mark_point(struct session *s,
					 const struct probe_point *pp,
					 const struct pp_match *m,
					 const struct target *t,
					 const struct sdt_note *sn,
					 struct resolved_point_vec *out,
					 int from)
{
	const char *text = mark_text(s, m, t, sn);
	struct resolved_point *rp;

	for (int k = from; k < out->n; k++)
		if (!strcmp(out->v[k]->text, text))
			return out->v[k];
	rp = point(s, pp, m, t, NULL, NULL);
	rp->text = text;
	rp->data = arena_new(&s->arena, struct sdt_sites);
	rp->target = sn->name;
	rp->module = sn->provider;
	rp->address = sn->pc;
	rp->semaphore = sn->semaphore;
	rp_push(s, out, rp);
	return rp;
}

/* .mark: one point per provider:name, with all its sites. */
static int marks(struct session *s, const struct probe_point *pp,
		 const struct pp_match *m, const struct target *t, bool quiet,
		 struct resolved_point_vec *out)
{
	const struct probe_component *c = m_comp(m, "mark");
	const char *prov = m_str(m, "provider"), *name = c->arg->str;
	const struct elf_file *ef = t->ef;
	const char **names = arena_alloc(&s->arena,
					 (ef->nnotes + 1) * sizeof(*names));
	int from = out->n;

	if (!arg_nonempty(s, c, "mark") ||
	    (prov && !arg_nonempty(s, m_comp(m, "provider"), "provider")))
		return -1;
	for (int i = 0; i < ef->nnotes; i++) {
		const struct sdt_note *sn = &ef->notes[i];

		names[i] = sn->name;
		if (!glob_match(name, sn->name) ||
		    (prov && !glob_match(prov, sn->provider)))
			continue;
		add_site(s, mark_point(s, pp, m, t, sn, out, from)->data, sn);
	}
	if (out->n == from && !quiet && !glob_has(name) &&
	    !(prov && glob_has(prov))) {
		no_such(s, c, "mark", name, t->path, names, ef->nnotes,
			ef->nnotes ? "bstap -l 'process(\"PATH\").mark(\"*\")' lists them" :
			"it has no SDT marks (.note.stapsdt); see <sys/sdt.h>");
		return -1;
	}
	return out->n - from;
}

/* Lines of code that .statement matches. */
struct line_query {
	struct session *s;
	const struct spec *sp;
	const struct elf_file *ef;
	struct { const struct dwarf_function *f; int line; uint64_t addr; } hit[256];
	int nhit;
	int below, above;	/* nearest lines with code, for hints */
};

static const struct dwarf_function *function_at(const struct elf_file *ef,
						uint64_t addr)
{
	for (int i = 0; i < ef->nfuncs; i++)
		if (ef->funcs[i].low <= addr && addr < ef->funcs[i].high)
			return &ef->funcs[i];
	return NULL;
}

static void on_line(void *ctx, const char *file, int line, uint64_t addr)
{
	struct line_query *q = ctx;
	const struct dwarf_function *f;

	if (!file_fits(q->sp->file, file))
		return;
	if (line < q->sp->line_lo) {
		if (line > q->below)
			q->below = line;
		return;
	}
	if (line > q->sp->line_hi) {
		if (!q->above || line < q->above)
			q->above = line;
		return;
	}
	f = function_at(q->ef, addr);
	if (!f || !glob_match(q->sp->func, f->name))
		return;
	for (int i = 0; i < q->nhit; i++)
		if (q->hit[i].f == f && q->hit[i].line == line) {
			if (addr < q->hit[i].addr)
				q->hit[i].addr = addr;
			return;
		}
	if (q->nhit < (int)(sizeof(q->hit) / sizeof(q->hit[0]))) {
		q->hit[q->nhit].f = f;
		q->hit[q->nhit].line = line;
		q->hit[q->nhit++].addr = addr;
	}
}

static int statements(struct session *s, const struct probe_point *pp,
		      const struct pp_match *m, const struct target *t,
		      bool quiet, struct resolved_point_vec *out)
{
	const struct probe_component *c = m_comp(m, "statement");
	struct line_query *q;
	struct spec sp;

	if (!arg_nonempty(s, c, "statement") || !parse_spec(s, c, &sp))
		return -1;
	if (!sp.file || !sp.line_lo) {
		diag_hint(diag_error(s, c->loc, "'%s' names no source line",
				     c->arg->str),
			  "write it as \"%s@FILE.c:LINE\"", sp.func);
		return -1;
	}
	if (!need_dwarf(s, c, t, ".statement"))
		return -1;
	q = arena_new(&s->arena, struct line_query);
	q->s = s;
	q->sp = &sp;
	q->ef = t->ef;
	elf_dwarf_lines(t->ef, on_line, q);
	for (int i = 0; i < q->nhit; i++) {
		const char *text = arena_printf(&s->arena, "%s@%s:%d",
						q->hit[i].f->name, sp.file,
						q->hit[i].line);
		struct resolved_point *rp = point(s, pp, m, t, "statement",
						  text);

		rp->target = q->hit[i].f->name;
		rp->address = q->hit[i].addr;
		rp->number = q->hit[i].line;
		rp_push(s, out, rp);
	}
	if (!q->nhit && !quiet) {
		struct diag *d = diag_error(s, c->loc, "no code at '%s' in '%s'",
					    c->arg->str, t->path);

		if (q->below || q->above)
			diag_hint(d, "lines with code nearby: %s%s%s",
				  q->below ? arena_printf(&s->arena, "%d", q->below) : "",
				  q->below && q->above ? ", " : "",
				  q->above ? arena_printf(&s->arena, "%d", q->above) : "");
		else
			diag_hint(d, "check the file name: no line of it has code in this program");
		return -1;
	}
	return q->nhit;
}

static const char *const life_events[] = {
	"begin", "end", "thread.begin", "thread.end",
};

static int life(struct session *s, const struct probe_point *pp,
		const struct pp_match *m, const struct target *t,
		struct resolved_point_vec *out)
{
	struct resolved_point *rp = point(s, pp, m, t, NULL, NULL);
	const char *last = m->names[m->n - 1];

	rp->target = last;
	if (m->n >= 2 && !strcmp(m->names[m->n - 2], "thread"))
		rp->target = strcmp(last, "begin") ? life_events[3] :
						     life_events[2];
	rp->data = NULL;
	rp_push(s, out, rp);
	return 1;
}

static int expand_target(struct session *s, const struct probe_point *pp,
			 const struct pp_match *m, const struct target *t,
			 bool quiet, struct resolved_point_vec *out)
{
	if (m_has(m, "function"))
		return functions(s, pp, m, t, quiet, out);
	if (m_has(m, "plt"))
		return plts(s, pp, m, t, quiet, out);
	if (m_has(m, "mark"))
		return marks(s, pp, m, t, quiet, out);
	if (m_has(m, "statement"))
		return statements(s, pp, m, t, quiet, out);
	return life(s, pp, m, t, out);
}

static int expand_one(struct session *s, const struct probe_point *pp,
		      const struct pp_match *m, bool listing,
		      struct resolved_point_vec *out)
{
	const struct probe_component *pc = m->comps[0];
	bool quiet = listing || pp_is_optional(pp) || m->wild;
	struct target *progs = NULL, *targets;
	int nprogs, ntargets, found = 0;

	if (!pc->arg && !m_has(m, "function") && !m_has(m, "statement") &&
	    !m_has(m, "plt") && !m_has(m, "mark"))
		return life(s, pp, m, NULL, out);	/* every process */
	if (!pc->arg)
		nprogs = command_target(s, pc, &progs);
	else if (pc->arg->kind == EXPR_NUMBER)
		nprogs = pid_target(s, pc, &progs);
	else
		nprogs = path_targets(s, pc, &progs);
	if (nprogs <= 0)
		return nprogs;
	targets = progs;
	ntargets = nprogs;
	if (m_has(m, "library")) {
		targets = NULL;
		ntargets = library_targets(s, m, quiet, progs, nprogs,
					   &targets);
		if (ntargets < 0)
			return -1;
	}
	for (int i = 0; i < ntargets; i++) {
		int r = expand_target(s, pp, m, &targets[i], quiet, out);

		if (r < 0)
			return -1;
		found += r;
	}
	return found;
}

static int process_expand(struct session *s, const struct probe_point *pp,
			  bool listing, struct resolved_point_vec *out)
{
	struct pp_match m[PP_MAX_MATCHES];
	int n = pp_match(s, &process_provider, pp, m), from = out->n;

	if (!n)
		return -1;
	for (int i = 0; i < n; i++) {
		if (expand_one(s, pp, &m[i], listing, out) < 0)
			return -1;
	}
	rp_sort(out, from);
	return out->n - from;
}

/* ------------------------------------------------------------ variables */

struct scope_emit {
	struct session *s;
	void (*emit)(void *ctx, const struct context_var *v);
	void *ctx;
};

static void scope_var(void *ctx, Dwarf_Die *var, bool is_param, int index)
{
	struct scope_emit *se = ctx;
	struct dwarf_var dv;

	elf_dwarf_var_info(se->s, var, &dv);
	var_emit(se->emit, se->ctx, dv.name, dv.type, dv.script_type,
		 is_param ? CTXVAR_ARG : CTXVAR_LOCAL, index, dv.size);
}

static void function_vars(struct session *s, const struct resolved_point *rp,
			  void (*emit)(void *ctx, const struct context_var *v),
			  void *ctx)
{
	struct elf_file *ef = rp->data;
	const struct dwarf_function *df = ef && elf_load_dwarf(s, ef) ?
					  elf_dwarf_function(ef, rp->target) :
					  NULL;

	/* an inline-only function: its instances carry its DIE */
	for (int i = 0; !df && ef && i < ef->ninlines; i++)
		if (!strcmp(ef->inlines[i].name, rp->target))
			df = &ef->inlines[i];
	struct dwarf_var vars[MAX_DWARF_PARAMS], ret = { 0 };
	int n;

	if (!df) {
		/* no debuginfo: the argument registers, as stap's
		 * register-based access would read them */
		for (int i = 0; i < REGISTER_ARGS; i++)
			var_emit(emit, ctx,
				 arena_printf(&s->arena, "arg%d", i + 1),
				 "long", TYPE_LONG, CTXVAR_ARG, i, 8);
		if (rp->is_return)
			var_emit(emit, ctx, "return", "long", TYPE_LONG,
				 CTXVAR_RETURN, 0, 8);
		return;
	}
	if (!rp->is_return) {
		struct scope_emit se = { s, emit, ctx };

		/* parameters and locals in scope where the probe is */
		if (dwarf_scope_vars(s, ef, rp->address, scope_var, &se) > 0)
			return;
	}
	n = elf_dwarf_params(s, ef, df, vars, MAX_DWARF_PARAMS, &ret);
	for (int i = 0; i < n; i++)
		var_emit(emit, ctx, vars[i].name, vars[i].type,
			 vars[i].script_type, CTXVAR_ARG, i, vars[i].size);
	if (rp->is_return && strcmp(ret.type, "void"))
		var_emit(emit, ctx, "return", ret.type, ret.script_type,
			 CTXVAR_RETURN, 0, ret.size);
}

static void process_variables(struct session *s,
			      const struct resolved_point *rp,
			      void (*emit)(void *ctx,
					   const struct context_var *v),
			      void *ctx)
{
	/* only marks have an SDT provider; functions, statements and PLT
	 * slots an address */
	if (rp->module) {
		const struct sdt_sites *sites = rp->data;
		int nargs = sites && sites->n ? sites->v[0]->nargs : 0;

		for (int i = 0; i < nargs; i++)
			var_emit(emit, ctx,
				 arena_printf(&s->arena, "arg%d", i + 1),
				 "long", TYPE_LONG, CTXVAR_SDT_ARG, i + 1, 8);
		return;
	}
	if (rp->address)
		function_vars(s, rp, emit, ctx);
}

PROVIDER_WRAPPERS(process)

const struct provider process_provider = {
	.name = "process",
	.spellings = process_spellings,
	.claims = process_claims,
	.resolve = process_resolve,
	.list = process_list,
	.variables = process_variables,
	.expand = process_expand,
};
