/* Load generator for the runtime benchmarks: getppid() in a tight loop.
 *
 *   loadgen [-n CALLS] [-r ROUNDS] [-p PAUSE_MS] [-T MAX_S] [-a] [-o FILE]
 *   loadgen -t SECONDS
 *
 * First form: ROUNDS rounds of CALLS syscall(SYS_getppid) each. Writes
 * "pid PID" then one line "CALLS ELAPSED_NS" per round to FILE (default:
 * standard output). A round stops early after MAX_S seconds (default 60), so
 * a very slow tracer cannot make it run for ever; the line then says how many
 * calls were made. Rounds are PAUSE_MS apart (default 20). With -a, each round
 * is followed by one of CALLS getpid() calls, written "CALLS ELAPSED_NS getpid":
 * the cost a tracer puts on a system call it does not trace.
 * Second form: call getppid() until SECONDS have passed or SIGTERM/SIGINT
 * (background load for the start-up benchmark).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static long long now_ns(void);

/* CALLS calls of syscall nr, stopping early after max_ns; returns calls made */
static long long loop(long nr, long long calls, long long max_ns, long long *ns)
{
	long long t0 = now_ns(), n = 0;

	while (n < calls) {
		long long chunk = calls - n < 4096 ? calls - n : 4096;

		for (long long i = 0; i < chunk; i++)
			syscall(nr);
		n += chunk;
		if (stop || now_ns() - t0 > max_ns)
			break;
	}
	*ns = now_ns() - t0;
	return n;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long calls = 2000000, max_ns = 60LL * 1000000000LL, run_ns = 0;
	int rounds = 1, pause_ms = 20, other = 0, c, r;
	const char *out = NULL;
	FILE *f = stdout;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt(argc, argv, "n:r:p:T:o:t:a")) != -1) {
		switch (c) {
		case 'n': calls = atoll(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'p': pause_ms = atoi(optarg); break;
		case 'T': max_ns = (long long)(atof(optarg) * 1e9); break;
		case 'o': out = optarg; break;
		case 't': run_ns = (long long)(atof(optarg) * 1e9); break;
		case 'a': other = 1; break;
		default:
			fprintf(stderr, "usage: loadgen [-n CALLS] [-r ROUNDS] [-p PAUSE_MS] [-T MAX_S] [-a] [-o FILE] | -t SECONDS\n");
			return 2;
		}
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	if (run_ns > 0) {
		long long end = now_ns() + run_ns;

		while (!stop) {
			for (int i = 0; i < 4096; i++)
				syscall(SYS_getppid);
			if (now_ns() > end)
				break;
		}
		return 0;
	}

	if (calls < 1 || rounds < 1) {
		fprintf(stderr, "loadgen: CALLS and ROUNDS must be positive\n");
		return 2;
	}
	if (out && !(f = fopen(out, "w"))) {
		perror(out);
		return 1;
	}
	fprintf(f, "pid %d\n", (int)getpid());
	for (r = 0; r < rounds && !stop; r++) {
		long long n, ns;

		if (r > 0 && pause_ms > 0)
			usleep(pause_ms * 1000);
		n = loop(SYS_getppid, calls, max_ns, &ns);
		fprintf(f, "%lld %lld\n", n, ns);
		if (other && !stop) {
			n = loop(SYS_getpid, calls, max_ns, &ns);
			fprintf(f, "%lld %lld getpid\n", n, ns);
		}
		fflush(f);
	}
	if (f != stdout)
		fclose(f);
	return 0;
}
