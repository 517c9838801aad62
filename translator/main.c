// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bstap: command line, then the passes in order. Options follow stap(1).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "btf_index.h"
#include "codegen.h"
#include "diag.h"
#include "elab.h"
#include "parse.h"
#include "session.h"
#include "tapset.h"

struct options {
	const char *script_text;	/* -e */
	const char *script_path;
	const char *list_pattern;	/* -l / -L */
	bool list_vars;
	bool dump_functions;	/* --dump-functions */
	bool timing;
	bool keep_tmp;		/* -k */
};

static void usage(FILE *out)
{
	fputs("Usage: bstap [OPTIONS] SCRIPT.stp [ARGS...]\n"
	      "       bstap [OPTIONS] -e 'SCRIPT' [ARGS...]\n"
	      "       bstap [OPTIONS] -l PROBE | -L PROBE\n"
	      "\n"
	      "Translate a SystemTap-language script to a BPF object and run it.\n"
	      "\n"
	      "  -e SCRIPT      run SCRIPT given on the command line\n"
	      "  -p NUM         stop after pass NUM: 1 parse, 2 elaborate,\n"
	      "                 3 generate, 4 emit the object, 5 run (default)\n"
	      "  -l PROBE       list probe points matching PROBE\n"
	      "  -L PROBE       list them with their context variables\n"
	      "  -I DIR         look for tapsets in DIR too (before the built-in ones)\n"
	      "  -D NAME[=VAL]  define NAME for the runtime (MAXSTRINGLEN, MAXMAPENTRIES...)\n"
	      "  -G VAR=VAL     set global VAR to VAL when the script starts\n"
	      "  -m NAME        name of the object written by -p4 (NAME.bo)\n"
	      "  -k             keep the temporary directory of pass 5 and say where\n"
	      "  -o FILE        write the script's output to FILE\n"
	      "  -c CMD         run CMD, trace it, stop when it exits\n"
	      "  -x PID         set target() to PID\n"
	      "  --sysroot DIR  read programs, libraries and debuginfo under DIR\n"
	      "  -r RELEASE     translate for kernel RELEASE (kernel_v, kernel_vr)\n"
	      "  --btf FILE     translate against another kernel's BTF (a raw BTF\n"
	      "                 file or an ELF vmlinux with .BTF)\n"
	      "  --kernel-config FILE  that kernel's .config, for CONFIG_* conditions\n"
	      "  -g             guru mode: allow @runtime declarations in scripts\n"
	      "  -w             suppress warnings\n"
	      "  -v             more messages (repeat for more); pass times\n"
	      "  -t             print pass times\n"
	      "  --dump-functions  list every tapset function with its signature\n"
	      "  -V, --version  print the version\n"
	      "  -h, --help     this text\n"
	      "\n"
	      "Tapset search path: -I dirs, then $BSTAP_TAPSETS (colon separated),\n"
	      "then the built-in tapset directory.\n", out);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Built and not installed, bstap must find the tree's tapsets; installed,
 * the ones under the prefix. The executable's own path tells which.
 */
static const char *builtin_tapset_dir(struct session *s)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		if (!strcmp(exe, BSTAP_BUILDDIR "/translator/bstap"))
			return arena_strdup(&s->arena, BSTAP_SRCDIR "/tapsets");
	}
	return BSTAP_TAPSET_DIR;
}

static void add_tapset_dirs(struct session *s, const char *env)
{
	char *copy, *save = NULL;

	if (env && *env) {
		copy = arena_strdup(&s->arena, env);
		for (char *dir = strtok_r(copy, ":", &save); dir;
		     dir = strtok_r(NULL, ":", &save))
			vec_push(&s->arena, &s->tapset_dirs, (const char *)dir);
	}
	vec_push(&s->arena, &s->tapset_dirs, builtin_tapset_dir(s));
}

static void add_define(struct session *s, const char *arg)
{
	struct define d;
	const char *eq = strchr(arg, '=');

	d.name = eq ? arena_strndup(&s->arena, arg, (size_t)(eq - arg))
		    : arena_strdup(&s->arena, arg);
	d.value = eq ? arena_strdup(&s->arena, eq + 1) : "";
	vec_push(&s->arena, &s->defines, d);
}

static int parse_long_arg(const char *opt, const char *arg, long min, long max,
			  long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		fprintf(stderr, "bstap: invalid %s argument '%s': expected a number from %ld to %ld\n",
			opt, arg, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

enum { OPT_VERSION = 256, OPT_BTF, OPT_KERNEL_CONFIG, OPT_SYSROOT,
       OPT_DUMP_FUNCTIONS };

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "btf", required_argument, NULL, OPT_BTF },
	{ "kernel-config", required_argument, NULL, OPT_KERNEL_CONFIG },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ "dump-functions", no_argument, NULL, OPT_DUMP_FUNCTIONS },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 on a bad command line, 1 when done (help), 0 to go on. */
static int parse_options(struct session *s, struct options *o, int argc,
			 char **argv)
{
	int c;
	long n;

	/* '+': options end at the script name, the rest are its arguments */
	while ((c = getopt_long(argc, argv, "+hVe:p:l:L:I:D:G:m:o:c:x:r:gwvtk",
				long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
		case OPT_VERSION:
			printf("bstap %s (SystemTap language, BPF backend)\n",
			       PACKAGE_VERSION);
			return 1;
		case 'e':
			o->script_text = optarg;
			break;
		case OPT_SYSROOT: {
			/* "DIR/" and "DIR" alike: paths are appended as is */
			char *dir = arena_strdup(&s->arena, optarg);
			size_t len = strlen(dir);

			while (len > 1 && dir[len - 1] == '/')
				dir[--len] = '\0';
			s->sysroot = strcmp(dir, "/") ? dir : NULL;
			break;
		}
		case 'p':
			if (parse_long_arg("-p", optarg, 1, 5, &n))
				return -1;
			s->last_pass = (int)n;
			break;
		case OPT_DUMP_FUNCTIONS:
			o->dump_functions = true;
			break;
		case 'l':
		case 'L':
			o->list_pattern = optarg;
			o->list_vars = c == 'L';
			s->listing = true;
			break;
		case 'I':
			vec_push(&s->arena, &s->tapset_dirs,
				 (const char *)optarg);
			break;
		case 'D':
			add_define(s, optarg);
			break;
		case 'G':
			if (!strchr(optarg, '=')) {
				fprintf(stderr, "bstap: -G needs VAR=VALUE, got '%s'\n",
					optarg);
				return -1;
			}
			vec_push(&s->arena, &s->globals_set,
				 (const char *)optarg);
			break;
		case 'm':
			s->module_name = optarg;
			break;
		case 'o':
			s->output_file = optarg;
			break;
		case 'c':
			s->target_cmd = optarg;
			break;
		case 'x':
			if (parse_long_arg("-x", optarg, 1, INT_MAX, &n))
				return -1;
			s->target_pid = n;
			break;
		case 'r':
			s->kernel_release = optarg;
			break;
		case OPT_BTF:
			s->btf_file = optarg;
			break;
		case OPT_KERNEL_CONFIG:
			s->kernel_config = optarg;
			break;
		case 'g':
			s->guru = true;
			break;
		case 'w':
			s->warnings_off = true;
			break;
		case 'v':
			s->verbose++;
			break;
		case 't':
			o->timing = true;
			break;
		case 'k':
			o->keep_tmp = true;
			break;
		default:
			fputs("Try 'bstap --help' for more information.\n",
			      stderr);
			return -1;
		}
	}
	if (!o->script_text && !o->list_pattern && !o->dump_functions) {
		if (optind >= argc) {
			fputs("bstap: no script given: use 'bstap FILE.stp', 'bstap -e SCRIPT' or 'bstap -l PROBE'\n",
			      stderr);
			return -1;
		}
		o->script_path = argv[optind++];
	}
	for (; optind < argc; optind++)
		vec_push(&s->arena, &s->args, (const char *)argv[optind]);
	return 0;
}

static const struct source_file *load_script(struct session *s,
					     const struct options *o)
{
	struct src_loc none = { 0 };

	if (o->script_text) {
		s->script_name = "<input>";
		return session_add_source(s, "<input>", o->script_text,
					  strlen(o->script_text), false);
	}
	s->script_name = o->script_path;
	return session_read_file(s, o->script_path, false, none);
}

static void report_time(const struct options *o, const struct session *s,
			const char *pass, double start)
{
	if (o->timing || s->verbose)
		fprintf(stderr, "%s: %.2f ms\n", pass, now_ms() - start);
}

static int run_passes(struct session *s, const struct options *o)
{
	const struct source_file *src;
	struct file_ast *ast;
	double t;

	/* a --btf that cannot be read would otherwise show up as missing
	 * context variables much later */
	if (s->btf_file && !btf_vmlinux(s)) {
		diag_hint(diag_error(s, (struct src_loc){ 0 }, "%s",
				     btf_error(s)),
			  "bpftool btf dump file FILE checks a BTF file");
		return 1;
	}
	if (o->dump_functions)
		return list_functions(s, stdout);
	if (o->list_pattern)
		return list_probe_points(s, o->list_pattern, o->list_vars,
					 stdout) ? 1 : 0;

	src = load_script(s, o);
	if (!src)
		return 1;

	t = now_ms();
	tapset_load(s);		/* tapset .stpm macros are visible in the script */
	ast = parse_file(s, src);
	report_time(o, s, "pass 1 (parse)", t);
	if (diag_error_count(s))
		return 1;
	vec_push(&s->arena, &s->user_files, ast);
	if (s->last_pass == 1) {
		print_file_ast(stdout, ast);
		return 0;
	}

	t = now_ms();
	s->program = elaborate(s);
	report_time(o, s, "pass 2 (elaborate)", t);
	if (!s->program || diag_error_count(s))
		return 1;
	if (s->last_pass == 2) {
		print_elab_program(stdout, s->program);
		return 0;
	}

	return codegen_run(s, &(struct codegen_opts){
				      .timing = o->timing,
				      .keep_tmp = o->keep_tmp });
}

int main(int argc, char **argv)
{
	struct session s;
	struct options o = { 0 };
	int rc;

	session_init(&s);
	rc = parse_options(&s, &o, argc, argv);
	if (rc) {
		session_release(&s);
		return rc < 0 ? 1 : 0;
	}
	add_tapset_dirs(&s, getenv("BSTAP_TAPSETS"));
	rc = run_passes(&s, &o);
	diag_flush(&s, stderr);
	if (s.nerrors) {
		if (s.verbose)
			fprintf(stderr, "bstap: %d error%s\n", s.nerrors,
				s.nerrors == 1 ? "" : "s");
		rc = 1;
	}
	if (fflush(stdout) == EOF)
		rc = 1;
	session_release(&s);
	return rc;
}
