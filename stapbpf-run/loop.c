// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event loop: one poll() over a signalfd, one timerfd per timer probe
 * and one for -T. Kernel probes write with BPF_RB_NO_WAKEUP, so the ring
 * buffer is drained on a 10 ms tick rather than woken per record; the few
 * records that must be read at once (a user stack, whose process may be
 * about to exit) wake the ring buffer's epoll fd, which is polled too.
 *
 * The -c command is forked before anything is loaded (it inherits no BPF
 * file descriptor) and waits on a pipe until every probe is attached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wordexp.h>

#include "runner.h"

#define DRAIN_MS 10
#define START_DRAIN_MS 1	/* the first START_NS after attaching */
#define START_NS 100000000LL
#define BUSY_RECORDS 64		/* a drain this big: do not sleep */
#define WATCH_NS 100000000LL	/* how often the error counters are read */

/* What the error counters said at the previous look. */
struct watch {
	int64_t next;
	uint64_t lost;
	bool unreported;
};

int loop_setup_signals(struct runner *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -1;
	signal(SIGPIPE, SIG_IGN);
	r->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return r->signal_fd < 0 ? -1 : 0;
}

/*
 * As stap does: the words of CMD, expanded like a shell would (quotes,
 * variables, globs, but no command substitution), run directly, so that
 * target() is the command's own pid. Anything wordexp() refuses (pipes,
 * lists, redirections) goes to /bin/sh -c. The child takes the command's
 * name at once: probes that see it before the exec (sched_switch while it
 * waits or loads) see the name it will have.
 */
static void __attribute__((noreturn)) exec_command(const char *cmd, int go,
						   int failed)
{
	wordexp_t w;
	bool words = !wordexp(cmd, &w, WRDE_NOCMD) && w.we_wordc > 0;
	const char *name = words ? w.we_wordv[0] : "sh";
	const char *slash = strrchr(name, '/');
	char c;

	prctl(PR_SET_NAME, slash ? slash + 1 : name, 0, 0, 0);
	/* starts only when the runner says every probe is attached */
	if (read(go, &c, 1) != 1)
		_exit(127);
	if (words)
		execvp(w.we_wordv[0], w.we_wordv);
	else
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, RUNNER_NAME ": cannot run '%s': %s\n",
		words ? w.we_wordv[0] : "/bin/sh", strerror(errno));
	/* tell the runner: the run fails, unlike a command that fails */
	if (write(failed, "x", 1) != 1)
		_exit(127);
	_exit(127);
}

int child_spawn(struct runner *r)
{
	int go[2], failed[2];

	if (!r->opt.command)
		return 0;
	if (pipe2(go, O_CLOEXEC))
		return -1;
	if (pipe2(failed, O_CLOEXEC | O_NONBLOCK)) {
		close(go[0]);
		close(go[1]);
		return -1;
	}
	r->child = fork();
	if (r->child < 0) {
		close(go[0]);
		close(go[1]);
		close(failed[0]);
		close(failed[1]);
		return -1;
	}
	if (r->child == 0) {
		close(go[1]);
		close(failed[0]);
		exec_command(r->opt.command, go[0], failed[1]);
	}
	close(go[0]);
	close(failed[1]);
	r->child_go_fd = go[1];
	r->child_failed_fd = failed[0];
	return 0;
}

/* Did the command fail to start? Its exec failure was written down. */
static void child_check_exec(struct runner *r)
{
	char c;

	if (r->child_failed_fd < 0)
		return;
	if (read(r->child_failed_fd, &c, 1) == 1)
		r->failed = true;
	close(r->child_failed_fd);
	r->child_failed_fd = -1;
}

void child_release(struct runner *r)
{
	if (r->child_go_fd > 0) {
		if (write(r->child_go_fd, "g", 1) != 1)
			runner_warn(r, "cannot start the -c command");
		close(r->child_go_fd);
		r->child_go_fd = -1;
	}
}

/* The command outlives the script (exit(), -T, a signal): stop it. */
void child_reap(struct runner *r)
{
	if (r->child_go_fd > 0) {	/* never started */
		close(r->child_go_fd);
		r->child_go_fd = -1;
	}
	if (r->child <= 0 || r->child_done) {
		child_check_exec(r);
		return;
	}
	kill(r->child, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(r->child, &r->child_status, WNOHANG) == r->child) {
			r->child_done = true;
			child_check_exec(r);
			return;
		}
		usleep(10000);
	}
	kill(r->child, SIGKILL);
	waitpid(r->child, &r->child_status, 0);
	r->child_done = true;
	child_check_exec(r);
}

static void handle_signals(struct runner *r)
{
	struct signalfd_siginfo si;

	while (read(r->signal_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGCHLD) {
			r->exiting = true;
			continue;
		}
		if (r->child > 0 && !r->child_done &&
		    waitpid(r->child, &r->child_status, WNOHANG) == r->child) {
			r->child_done = true;
			r->exiting = true;
		}
	}
}

static int64_t jitter(int64_t range)
{
	uint64_t v = 0;

	if (range <= 0)
		return 0;
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != sizeof(v))
		v = (uint64_t)rand();
	return (int64_t)(v % (2 * (uint64_t)range + 1)) - range;
}

/* Arm for the next period; randomized timers are re-armed each time. */
static int arm(int fd, int64_t period, int64_t randomize)
{
	int64_t ns = period + jitter(randomize);
	struct itimerspec it = { 0 };

	if (ns < 1000)
		ns = 1000;
	it.it_value.tv_sec = ns / 1000000000;
	it.it_value.tv_nsec = ns % 1000000000;
	if (!randomize)
		it.it_interval = it.it_value;
	return timerfd_settime(fd, 0, &it, NULL);
}

static int open_timers(struct runner *r, struct pollfd *pfd, int *map, int n)
{
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		const struct bo_probe *p = &r->meta.probes[i];
		int fd;

		if (p->kind != BO_PROBE_TIMER)
			continue;
		fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (fd < 0 || arm(fd, p->number, p->randomize)) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		r->probes[i].timer_fd = fd;
		pfd[n] = (struct pollfd){ .fd = fd, .events = POLLIN };
		map[n++] = (int)i;
	}
	return n;
}

static int open_deadline(struct runner *r)
{
	struct itimerspec it = { 0 };
	int64_t ns = (int64_t)(r->opt.timeout * 1e9);
	int fd;

	if (r->opt.timeout <= 0)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -1;
	it.it_value.tv_sec = ns / 1000000000;
	it.it_value.tv_nsec = ns % 1000000000;
	if (!it.it_value.tv_sec && !it.it_value.tv_nsec)
		it.it_value.tv_nsec = 1;
	timerfd_settime(fd, 0, &it, NULL);
	return fd;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Errors are counted in BO_MAP_ERRORS before their record is sent; when
 * the ring buffer was full the record is lost but the count is not. More
 * fatal errors counted than seen, twice in a row (a record may be on its
 * way at the first look), is an error of its own. With -v, lost records
 * are reported as they happen.
 */
static void watch_counters(struct runner *r, struct watch *w)
{
	uint64_t lost, fatal;
	int64_t t = now_ns();

	if (t < w->next || r->err_map < 0)
		return;
	w->next = t + WATCH_NS;
	errors_totals(r, &lost, &fatal);
	if (r->opt.verbose && lost > w->lost)
		fprintf(stderr, RUNNER_NAME ": %llu output records lost so "
			"far (ring buffer full)\n", (unsigned long long)lost);
	w->lost = lost;
	if (fatal <= r->script_errors) {
		w->unreported = false;
	} else if (!w->unreported) {
		w->unreported = true;
	} else {
		runner_error(r, "script error whose record was lost (ring "
			     "buffer full)", BO_NO_LOCATION, -1);
		w->unreported = false;
	}
}

static void fire_timer(struct runner *r, int probe)
{
	struct rprobe *rp = &r->probes[probe];
	uint64_t expirations;

	if (read(rp->timer_fd, &expirations, sizeof(expirations)) <= 0)
		return;
	/* a late timer runs once, as a stap timer that missed ticks does */
	output_drain(r);
	tier_run_probe(r, probe);
	if (rp->meta->randomize)
		arm(rp->timer_fd, rp->meta->number, rp->meta->randomize);
}

static void close_timers(struct runner *r)
{
	for (uint32_t i = 0; i < r->meta.n_probes; i++) {
		if (r->probes[i].timer_fd >= 0)
			close(r->probes[i].timer_fd);
		r->probes[i].timer_fd = -1;
	}
}

/*
 * How long to sleep when the ring buffer was empty: 1 ms right after the
 * probes are attached, so that the first events (and a quick exit()) show
 * without the 10 ms tick's delay, then 10 ms.
 */
static int idle_ms(int64_t t_start)
{
	return now_ns() - t_start < START_NS ? START_DRAIN_MS : DRAIN_MS;
}

int loop_run(struct runner *r)
{
	int n = 0, deadline = open_deadline(r);
	struct watch w = { 0 };
	int got = BUSY_RECORDS;	/* a -c command starts now: look at once */
	int64_t t_start = now_ns();
	struct pollfd *pfd = calloc(r->meta.n_probes + 3, sizeof(*pfd));
	int *map = calloc(r->meta.n_probes + 3, sizeof(int));

	if (!pfd || !map)
		goto out;
	pfd[n] = (struct pollfd){ .fd = r->signal_fd, .events = POLLIN };
	map[n++] = -1;
	if (deadline >= 0) {
		pfd[n] = (struct pollfd){ .fd = deadline, .events = POLLIN };
		map[n++] = -2;
	}
	if (r->rb) {	/* ready when records wait; read by the drain below */
		pfd[n] = (struct pollfd){ .fd = r->maps[r->rb_map].fd,
					  .events = POLLIN };
		map[n++] = -3;
	}
	n = open_timers(r, pfd, map, n);
	if (n < 0) {
		fprintf(stderr, RUNNER_NAME ": cannot create timers: %s\n",
			strerror(errno));
		r->failed = true;
		goto out;
	}
	/* a -c command may already be gone */
	handle_signals(r);
	while (!r->exiting) {
		/* while records keep coming, read again at once: the
		 * producers do not wake us (BPF_RB_NO_WAKEUP) */
		int k = poll(pfd, n, got >= BUSY_RECORDS ? 0 :
			     got ? 1 : idle_ms(t_start));

		got = output_drain(r);
		for (int i = 0; k > 0 && i < n && !r->exiting; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (map[i] == -1)
				handle_signals(r);
			else if (map[i] == -2)
				r->exiting = true;
			else if (map[i] == -3)
				continue;
			else
				fire_timer(r, map[i]);
		}
		watch_counters(r, &w);
		output_flush(r);
	}
out:
	close_timers(r);
	if (deadline >= 0)
		close(deadline);
	free(pfd);
	free(map);
	return 0;
}
