/* Loader for the hand-written reference programs of the runtime benchmarks.
 *
 *   loader [-o OUT] [-T MAX_S] [-b RB_BYTES] OBJ.bpf.o CMD [ARGS...]
 *   loader -m OBJ:MAP
 *
 * Opens and loads OBJ, attaches every program (libbpf picks the attach type
 * from the section name), then runs CMD, like `stapbpf-run -c`. While CMD
 * runs, a ring buffer map named "rb" (if any) is drained every 10 ms, and
 * continuously while records keep coming; each (pid, tid) record is written
 * as "pid tid\n" to OUT (default /dev/null). When CMD has exited (or after
 * MAX_S seconds, default 300, when it is sent SIGTERM) the ring buffer is
 * drained once more and one line goes to standard error:
 *   records N dropped D        for a ring-buffer program
 *   counts PID=N ...           for a program with a map named "counts"
 * -b sets the ring buffer's size (a power of 2, multiple of the page size).
 * Everything is detached and closed before exit; the kernel frees the rest
 * if the loader is killed.
 * The second form opens OBJ without loading it and prints the max_entries of
 * its map MAP (used to give the reference the ring-buffer size of bstap's
 * object).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct rec {
	unsigned int pid, tid;
};

static FILE *out;
static unsigned long long records;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct rec *r = data;

	(void)ctx;
	if (size >= sizeof(*r))
		fprintf(out, "%u %u\n", r->pid, r->tid);
	records++;
	return 0;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int print_max_entries(char *arg)
{
	char *colon = strrchr(arg, ':');
	struct bpf_object *obj;
	struct bpf_map *map;

	if (!colon)
		return 2;
	*colon = 0;
	obj = bpf_object__open_file(arg, NULL);
	if (!obj)
		return 1;
	map = bpf_object__find_map_by_name(obj, colon + 1);
	if (map)
		printf("%u\n", bpf_map__max_entries(map));
	bpf_object__close(obj);
	return map ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *outname = "/dev/null";
	double max_s = 300, deadline;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *links[16];
	struct ring_buffer *rb = NULL;
	struct bpf_map *map, *rbmap, *counts, *bss = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	int nlinks = 0, c, st = 0, rc = 0, i;
	long rb_bytes = 0;
	pid_t child;

	libbpf_set_print(quiet);
	while ((c = getopt(argc, argv, "+o:T:b:m:")) != -1) {
		switch (c) {
		case 'o': outname = optarg; break;
		case 'T': max_s = atof(optarg); break;
		case 'b': rb_bytes = atol(optarg); break;
		case 'm': return print_max_entries(optarg);
		default:
			fprintf(stderr, "usage: loader [-o OUT] [-T MAX_S] [-b RB_BYTES] OBJ.bpf.o CMD [ARGS...] | -m OBJ:MAP\n");
			return 2;
		}
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: loader [-o OUT] [-T MAX_S] OBJ.bpf.o CMD [ARGS...]\n");
		return 2;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	obj = bpf_object__open_file(argv[optind], NULL);
	if (!obj) {
		fprintf(stderr, "loader: cannot open %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (rb_bytes > 0 && (map = bpf_object__find_map_by_name(obj, "rb")) &&
	    bpf_map__set_max_entries(map, rb_bytes))
		fprintf(stderr, "loader: cannot size the ring buffer to %ld bytes\n", rb_bytes);
	if (bpf_object__load(obj)) {
		fprintf(stderr, "loader: cannot load %s: %s\n", argv[optind], strerror(errno));
		bpf_object__close(obj);
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		struct bpf_link *l = bpf_program__attach(prog);

		if (!l || nlinks == 16) {
			fprintf(stderr, "loader: cannot attach %s\n", bpf_program__name(prog));
			bpf_link__destroy(l);
			rc = 1;
			goto out;
		}
		links[nlinks++] = l;
	}
	bpf_object__for_each_map(map, obj) {
		const char *n = bpf_map__name(map);
		size_t len = strlen(n);

		if (len > 4 && !strcmp(n + len - 4, ".bss"))
			bss = map;
	}
	rbmap = bpf_object__find_map_by_name(obj, "rb");
	counts = bpf_object__find_map_by_name(obj, "counts");
	if (rbmap) {
		out = fopen(outname, "w");
		if (!out) {
			perror(outname);
			rc = 1;
			goto out;
		}
		setvbuf(out, NULL, _IOFBF, 1 << 16);
		rb = ring_buffer__new(bpf_map__fd(rbmap), on_record, NULL, NULL);
		if (!rb) {
			fprintf(stderr, "loader: ring_buffer__new failed\n");
			rc = 1;
			goto out;
		}
	}

	child = fork();
	if (child < 0) {
		perror("fork");
		rc = 1;
		goto out;
	}
	if (child == 0) {
		execvp(argv[optind + 1], argv + optind + 1);
		perror(argv[optind + 1]);
		_exit(127);
	}
	deadline = now_s() + max_s;
	for (;;) {
		pid_t w = waitpid(child, &st, WNOHANG);

		if (w == child || (w < 0 && errno == ECHILD))
			break;
		if (stop || now_s() > deadline) {
			kill(child, SIGTERM);
			waitpid(child, &st, 0);
			break;
		}
		if (rb && ring_buffer__consume(rb) > 0)
			continue;
		usleep(10000);
	}
	/* detach first, so that the last drain ends */
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	nlinks = 0;
	if (rb) {
		unsigned long long dropped = 0;

		for (i = 0; i < 1000 && ring_buffer__consume(rb) > 0; i++)
			;
		if (bss) {
			char val[4096] = { 0 };
			int zero = 0;

			if (bpf_map__value_size(bss) <= sizeof(val) &&
			    !bpf_map_lookup_elem(bpf_map__fd(bss), &zero, val))
				memcpy(&dropped, val, sizeof(dropped));
		}
		fflush(out);
		fprintf(stderr, "records %llu dropped %llu\n", records, dropped);
	}
	if (counts) {
		unsigned int key, next, *prev = NULL;
		unsigned long long v;

		fprintf(stderr, "counts");
		while (!bpf_map_get_next_key(bpf_map__fd(counts), prev, &next)) {
			key = next;
			prev = &key;
			if (!bpf_map_lookup_elem(bpf_map__fd(counts), &key, &v))
				fprintf(stderr, " %u=%llu", key, v);
		}
		fprintf(stderr, "\n");
	}
out:
	for (i = 0; i < nlinks; i++)
		bpf_link__destroy(links[i]);
	ring_buffer__free(rb);
	if (out)
		fclose(out);
	bpf_object__close(obj);
	return rc;
}
