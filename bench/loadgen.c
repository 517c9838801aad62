/* Load generator for the runtime benchmarks: getppid() in a tight loop.
 *
 *   loadgen [-n CALLS] [-r ROUNDS] [-p PAUSE_MS] [-T MAX_S] [-o FILE]
 *   loadgen -t SECONDS
 *
 * First form: ROUNDS rounds of CALLS syscall(SYS_getppid) each. Writes
 * "pid PID" then one line "CALLS ELAPSED_NS" per round to FILE (default:
 * standard output). A round stops early after MAX_S seconds (default 60), so
 * a very slow tracer cannot make it run for ever; the line then says how many
 * calls were made. Rounds are PAUSE_MS apart (default 20).
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

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long calls = 2000000, max_ns = 60LL * 1000000000LL, run_ns = 0;
	int rounds = 1, pause_ms = 20, c, r;
	const char *out = NULL;
	FILE *f = stdout;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt(argc, argv, "n:r:p:T:o:t:")) != -1) {
		switch (c) {
		case 'n': calls = atoll(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'p': pause_ms = atoi(optarg); break;
		case 'T': max_ns = (long long)(atof(optarg) * 1e9); break;
		case 'o': out = optarg; break;
		case 't': run_ns = (long long)(atof(optarg) * 1e9); break;
		default:
			fprintf(stderr, "usage: loadgen [-n CALLS] [-r ROUNDS] [-p PAUSE_MS] [-T MAX_S] [-o FILE] | -t SECONDS\n");
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
		long long t0, t1, n = 0;

		if (r > 0 && pause_ms > 0)
			usleep(pause_ms * 1000);
		t0 = now_ns();
		while (n < calls) {
			long long chunk = calls - n < 4096 ? calls - n : 4096;

			for (long long i = 0; i < chunk; i++)
				syscall(SYS_getppid);
			n += chunk;
			if (stop || now_ns() - t0 > max_ns)
				break;
		}
		t1 = now_ns();
		fprintf(f, "%lld %lld\n", n, t1 - t0);
		fflush(f);
	}
	if (f != stdout)
		fclose(f);
	return 0;
}
