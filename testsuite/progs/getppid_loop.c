// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Traced activity for the runner's live tests: getppid() N times (default
 * 1000), straight through syscall() so that no libc caches the answer.
 * With a second argument, sleep that many milliseconds first.
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;

	if (argc > 2) {
		long ms = atol(argv[2]);
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

		nanosleep(&ts, NULL);
	}
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}
