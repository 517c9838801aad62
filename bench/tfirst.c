/* Start-up timer for the runtime benchmarks.
 *
 *   tfirst TIMEOUT_S CMD [ARGS...]
 *
 * Runs CMD with its standard output on a pipe (standard error to /dev/null)
 * and prints "FIRST_MS EXIT_MS STATUS MAXRSS_KB": milliseconds from just before the
 * fork until the first complete output line arrived, and until CMD exited
 * and closed its output, then CMD's peak RSS in KiB (the largest of CMD and
 * the children it waited for, from wait4). FIRST_MS is "-" when no line came. After TIMEOUT_S
 * seconds CMD's process group gets SIGINT, then SIGKILL two seconds later;
 * STATUS is then "timeout".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	int fds[2], st = 0, timed_out = 0, reading = 1, killed = 0;
	double t0, first = -1, end, deadline;
	char buf[4096];
	struct rusage ru = { 0 };
	pid_t pid;

	if (argc < 3) {
		fprintf(stderr, "usage: tfirst TIMEOUT_S CMD [ARGS...]\n");
		return 2;
	}
	if (pipe(fds) < 0) {
		perror("pipe");
		return 1;
	}
	t0 = now_ms();
	deadline = t0 + atof(argv[1]) * 1e3;
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		setpgid(0, 0);
		dup2(fds[1], 1);
		if (null >= 0)
			dup2(null, 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	setpgid(pid, pid);
	close(fds[1]);
	while (reading) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		double now = now_ms();
		int n;

		if (now > deadline) {
			if (!timed_out) {
				timed_out = 1;
				kill(-pid, SIGINT);
				deadline = now + 2000;
			} else if (!killed) {
				killed = 1;
				kill(-pid, SIGKILL);
				deadline = now + 2000;
			} else {
				break;
			}
		}
		n = poll(&p, 1, 50);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		n = read(fds[0], buf, sizeof(buf));
		if (n <= 0) {
			reading = 0;
			break;
		}
		if (first < 0 && memchr(buf, '\n', n))
			first = now_ms();
	}
	close(fds[0]);
	if (wait4(pid, &st, 0, &ru) < 0)
		st = -1;
	end = now_ms();
	if (first < 0)
		printf("- ");
	else
		printf("%.1f ", first - t0);
	printf("%.1f ", end - t0);
	if (timed_out)
		printf("timeout");
	else if (st == -1)
		printf("nowait");
	else if (WIFEXITED(st))
		printf("%d", WEXITSTATUS(st));
	else
		printf("signal%d", WTERMSIG(st));
	printf(" %ld\n", ru.ru_maxrss);
	return 0;
}
