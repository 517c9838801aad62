// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stapbpf-run: load a .bo made by bstap, attach its probes, run it, print.
 *
 * The phases, in order (each failure jumps to the teardown, which undoes
 * whatever was done, so nothing stays loaded on any path):
 *   validate the metadata; fork the -c command (it waits); load; fill the
 *   global data; prepare runner-tier programs; run begin probes; attach;
 *   start the command; event loop; detach; end (or error) probes; unread
 *   globals; summary.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "config.h"
#include "ring.h"
#include "runner.h"
#include "symbols.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " RUNNER_NAME " [OPTIONS] FILE.bo [ARGS...]\n"
"Run a BPF object made by bstap (bstap -p4 -m NAME).\n"
"\n"
"  -o FILE        write the script's output to FILE\n"
"  -x PID         target() returns PID\n"
"  -c CMD         run CMD once every probe is attached; end when it exits\n"
"  -T SECONDS     end the run after SECONDS\n"
"  -G NAME=VALUE  set the global NAME before the run starts\n"
"  -v             verbose: attach details, libbpf messages, verifier log\n"
"  -w             no warnings\n"
"      --json     one JSON object per output record, and the summary\n"
"  -h, --help     this help\n"
"  -V, --version  version and .bo format version\n"
"\n"
"ARGS are the script's positional parameters ($1, @1, ...).\n");
}

static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, RUNNER_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '" RUNNER_NAME " --help'.\n");
	return -1;
}

static int add_gopt(struct options *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct gopt *n;
	char *name;

	if (!eq || eq == arg)
		return bad_usage("-G wants NAME=VALUE, not '%s'", arg);
	n = realloc(o->gopts, (o->n_gopts + 1) * sizeof(*n));
	name = strndup(arg, eq - arg);
	if (!n || !name) {
		free(name);
		return -1;
	}
	o->gopts = n;
	o->gopts[o->n_gopts++] = (struct gopt){ name, eq + 1 };
	return 0;
}

/* Returns 0 to run, 1 when done (help, version), -1 on a usage error. */
static int parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "+o:x:c:T:G:vwhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out_path = optarg;
			break;
		case 'x':
			o->target = (pid_t)strtol(optarg, &end, 10);
			if (*end || o->target <= 0)
				return bad_usage("-x wants a process id, not "
						 "'%s'", optarg);
			break;
		case 'c':
			o->command = optarg;
			break;
		case 'T':
			o->timeout = strtod(optarg, &end);
			if (*end || !(o->timeout > 0) || o->timeout > 1e9)
				return bad_usage("-T wants a number of "
						 "seconds, not '%s'", optarg);
			break;
		case 'G':
			if (add_gopt(o, optarg))
				return -1;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'w':
			o->no_warnings = true;
			break;
		case 'J':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf(RUNNER_NAME " (bstap) %s, .bo format version "
			       "%d\n", PACKAGE_VERSION, BO_FORMAT_VERSION);
			return 1;
		default:
			return bad_usage("unknown option");
		}
	}
	if (optind >= argc)
		return bad_usage("no object file given");
	if (o->command && o->target)
		return bad_usage("-c and -x cannot be used together");
	o->object = argv[optind];
	o->args = argv + optind + 1;
	o->nargs = argc - optind - 1;
	return 0;
}

/*
 * libbpf's warnings are kept (they name the program a load failed on) and
 * shown only with -v; libbpf's print callback has no user pointer, hence
 * this one file-scope pointer to the run.
 */
static struct runner *print_run;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	va_list copy;

	if (level == LIBBPF_DEBUG && print_run->opt.verbose < 2)
		return 0;
	if (level != LIBBPF_DEBUG) {
		va_copy(copy, ap);
		strbuf_vaddf(&print_run->libbpf_msgs, fmt, copy);
		va_end(copy);
	}
	if (!print_run->opt.verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* VmRSS and VmHWM from /proc/self/status, in kB; 0 when unknown. */
static void memory_use(long *rss, long *hwm)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");

	*rss = *hwm = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			*rss = atol(line + 6);
		else if (!strncmp(line, "VmHWM:", 6))
			*hwm = atol(line + 6);
	}
	if (f)
		fclose(f);
}

/* -v: where the start-up time and the memory go */
static void phase(struct runner *r, const char *what)
{
	long rss, hwm;

	if (!r->opt.verbose)
		return;
	memory_use(&rss, &hwm);
	fprintf(stderr, RUNNER_NAME ": %s at %.1f ms (RSS %ld kB, peak %ld "
		"kB)\n", what, ms_since(&r->t0), rss, hwm);
}

/* Everything before the event loop; -1 ends the run at once. */
static int start(struct runner *r)
{
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0 || object_open(r) || output_open(r))
		return -1;
	phase(r, "opened");
	mount_tracefs_if_needed(r);
	if (child_spawn(r)) {
		fprintf(stderr, RUNNER_NAME ": cannot start '%s': %s\n",
			r->opt.command, strerror(errno));
		return -1;
	}
	if (loop_setup_signals(r) || object_load(r))
		return -1;
	phase(r, "loaded");
	if (object_init_globals(r) || tier_prepare(r))
		return -1;
	phase(r, "runner tier prepared");
	if (output_ring_open(r))
		return -1;
	phase(r, "ring buffer mapped");
	return 0;
}

static bool too_many_errors(const struct runner *r)
{
	return r->script_errors > r->meta.header.maxerrors;
}

/* The run proper: begin probes, attach, loop, detach, end probes. */
static void run(struct runner *r)
{
	bool attached = false;

	tier_run_kind(r, BO_PROBE_BEGIN);
	phase(r, "begin probes done");
	if (!r->exiting) {
		if (attach_all(r)) {
			r->failed = true;
			r->exiting = true;
		} else {
			attached = true;
			phase(r, "attached");
			child_release(r);
			loop_run(r);
		}
	}
	detach_all(r);
	phase(r, "detached");
	output_drain(r);
	/* more errors than MAXERRORS: error probes instead of end probes */
	if (too_many_errors(r)) {
		tier_run_kind(r, BO_PROBE_ERROR);
	} else if (attached || !r->n_attach_failed) {
		tier_run_kind(r, BO_PROBE_END);
		output_drain(r);
		if (!too_many_errors(r))
			summary_print_globals(r);
	}
	output_drain(r);
	output_flush(r);
}

static void teardown(struct runner *r)
{
	child_reap(r);
	detach_all(r);
	ring_free(r->rb);
	r->rb = NULL;
	tier_release(r);
	object_close(r);
	output_close(r);
	symbolizer_free(r->sym);
	if (r->signal_fd >= 0)
		close(r->signal_fd);
	for (int i = 0; i < r->opt.n_gopts; i++)
		free((char *)r->opt.gopts[i].name);
	free(r->opt.gopts);
	strbuf_release(&r->libbpf_msgs);
	free(r->overflows);
}

int main(int argc, char **argv)
{
	struct runner r = { .signal_fd = -1, .child_go_fd = -1,
			    .child_failed_fd = -1,
			    .rb_map = -1, .err_map = -1, .cur_probe = -1 };
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	rc = parse_options(&r.opt, argc, argv);

	if (rc)
		return rc < 0 ? 1 : 0;
	print_run = &r;
	libbpf_set_print(libbpf_print);
	if (start(&r))
		r.failed = true;
	else
		run(&r);
	symbolize_report(&r);
	if (r.obj)
		summary_print(&r);
	teardown(&r);
	return r.failed ? 1 : 0;
}
