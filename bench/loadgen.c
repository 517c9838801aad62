/* Load generator for the runtime benchmarks: getppid() in a tight loop.
 *
 *   loadgen [-n CALLS] [-r ROUNDS] [-p PAUSE_MS] [-T MAX_S] [-a] [-o FILE]
 *   loadgen -t SECONDS
 *   loadgen -R RATE [-d SECONDS] [-o FILE]
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
 * Third form (paced): getppid() at RATE calls per second for SECONDS
 * (default 2). Time goes in slots of 1 ms; at the start of each slot the calls
 * due by its end are made in one burst, then the loop busy-waits on
 * CLOCK_MONOTONIC for the next slot (sleeping would oversleep by more than a
 * slot). A generator that falls behind catches up in the next slots and never
 * skips calls; one that cannot keep up at all reports the rate it achieved.
 * Writes "pid PID" then "paced RATE CALLS ELAPSED_NS ACHIEVED_RATE" to FILE.
 * This is how the benchmarks find the highest rate a tracer delivers
 * without loss (a saturating loop only shows what it loses at full speed).
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

#define SLOT_NS 1000000LL

/* getppid() at rate calls/s for run_ns, in bursts of one 1 ms slot each;
 * returns calls made, *ns the time they took */
static long long paced(double rate, long long run_ns, long long *ns)
{
	long long t0 = now_ns(), n = 0, slots = run_ns / SLOT_NS, k, t;

	for (k = 0; k < slots && !stop; k++) {
		/* calls due by the end of slot k, from the start: rounding
		 * errors do not add up over the slots */
		long long due = (long long)(rate * (double)(k + 1) * SLOT_NS / 1e9);

		while (n < due) {
			syscall(SYS_getppid);
			n++;
		}
		do
			t = now_ns();
		while (t - t0 < (k + 1) * SLOT_NS && !stop);
	}
	*ns = now_ns() - t0;
	return n;
}

int main(int argc, char **argv)
{
	long long calls = 2000000, max_ns = 60LL * 1000000000LL, run_ns = 0;
	long long paced_ns = 2000000000LL;
	double rate = 0;
	int rounds = 1, pause_ms = 20, other = 0, c, r;
	const char *out = NULL;
	FILE *f = stdout;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt(argc, argv, "n:r:p:T:o:t:aR:d:")) != -1) {
		switch (c) {
		case 'n': calls = atoll(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'p': pause_ms = atoi(optarg); break;
		case 'T': max_ns = (long long)(atof(optarg) * 1e9); break;
		case 'o': out = optarg; break;
		case 't': run_ns = (long long)(atof(optarg) * 1e9); break;
		case 'a': other = 1; break;
		case 'R': rate = atof(optarg); break;
		case 'd': paced_ns = (long long)(atof(optarg) * 1e9); break;
		default:
			fprintf(stderr, "usage: loadgen [-n CALLS] [-r ROUNDS] [-p PAUSE_MS] [-T MAX_S] [-a] [-o FILE] | -t SECONDS | -R RATE [-d SECONDS] [-o FILE]\n");
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

	if (rate < 0 || paced_ns < SLOT_NS) {
		fprintf(stderr, "loadgen: RATE must be positive and SECONDS at least 0.001\n");
		return 2;
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
	if (rate > 0) {
		long long n, ns;

		fflush(f);
		n = paced(rate, paced_ns, &ns);
		fprintf(f, "paced %.0f %lld %lld %.0f\n", rate, n, ns, ns > 0 ? n * 1e9 / ns : 0.0);
		if (f != stdout)
			fclose(f);
		return 0;
	}
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
