// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Traced activity for the tapset live tests (testsuite/tapset-*.test):
 * each mode causes the events of one family with values known in
 * advance, and writes what the test should expect (pids, ports, inode
 * numbers, sizes) as "key value" lines to the facts file.
 *
 *   tapset_prog proc FACTS            fork, exec, exit, wait, migration,
 *                                     signals between child processes
 *   tapset_prog vfs FACTS FILE        open, read, write, readv, writev
 *   tapset_prog net FACTS PORT        TCP and UDP over loopback
 *   tapset_prog block FACTS FILE      O_DIRECT writes and reads on FILE, a
 *                                     buffered write and fdatasync on FILE.2
 *   tapset_prog bdev FACTS DEVICE     one O_DIRECT write and read on a
 *                                     block device (the test's scratch zram)
 *   tapset_prog mem FACTS FILE        page faults, mmap, munmap, brk, kmalloc
 *   tapset_prog oom FACTS             touches memory until killed (the
 *                                     test runs it in a small memory cgroup)
 *   tapset_prog irq FACTS FILE PORT   disk writes (an interrupt), sync
 *                                     (writeback work), UDP over loopback
 *                                     (the NET_RX softirq)
 *
 * Children are given names (prctl) so scripts can tell them apart.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static FILE *facts;

static void fact(const char *key, long value)
{
	fprintf(facts, "%s %ld\n", key, value);
	fflush(facts);
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
}

/* ------------------------------------------------------------ proc */

/*
 * Waits (5 s at most) until pid has exec'd (its name is tapset_prog again
 * and its command line says exec-child) and sleeps ('S'): on a loaded
 * machine, or under ASan, the exec can take longer than any fixed pause.
 */
static void wait_blocked(pid_t pid)
{
	char path[64], buf[256];

	for (int i = 0; i < 1000; i++) {
		FILE *f;
		size_t n = 0;
		char *close;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		f = fopen(path, "r");
		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
		}
		buf[n] = 0;
		if (n && !strcmp(buf + strlen(buf) + 1, "exec-child")) {
			snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
			f = fopen(path, "r");
			n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
			if (f)
				fclose(f);
			buf[n] = 0;
			close = strrchr(buf, ')');
			if (close && close[1] == ' ' && close[2] == 'S')
				return;
		}
		sleep_ms(5);
	}
}

/* After exec: block on the pipe (an interruptible sleep), then exit 7. */
static int exec_child(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		return 3;
	return 7;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static void spin_ms(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 +
	       (b.tv_nsec - a.tv_nsec) / 1000000 < ms);
}

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
	(void)sig;
	got++;
}

/* Takes three signals in handlers, then blocks SIGUSR2 and exits. */
static void signal_child(int ready)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set;

	prctl(PR_SET_NAME, "tsp_sigchild");
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	while (got < 3)
		pause();
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	_exit(0);
}

static int proc_mode(const char *self)
{
	int p[2], ready[2];
	pid_t a, b, c;
	char fdarg[16], r;

	/* exec, interruptible sleep, wakeup, exit status 7, wait */
	if (pipe(p))
		die("pipe");
	a = fork();
	if (a == 0) {
		snprintf(fdarg, sizeof(fdarg), "%d", p[0]);
		execl(self, "tapset_prog", "exec-child", fdarg, (char *)NULL);
		_exit(4);
	}
	fact("exec_pid", a);
	wait_blocked(a);
	if (write(p[1], "x", 1) != 1)
		die("write");
	reap(a);
	/* the task is freed after an RCU grace period (process_free) */
	sleep_ms(50);

	/* migration from CPU 0 to CPU 1 */
	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		b = fork();
		if (b == 0) {
			prctl(PR_SET_NAME, "tsp_mover");
			pin(0);
			spin_ms(20);
			pin(1);
			spin_ms(20);
			_exit(sched_getcpu() == 1 ? 0 : 5);
		}
		fact("mig_pid", b);
		reap(b);
	}

	/* signals from this process to a child with handlers */
	if (pipe(ready))
		die("pipe");
	c = fork();
	if (c == 0)
		signal_child(ready[1]);
	fact("sig_pid", c);
	if (read(ready[0], &r, 1) != 1)
		die("read");
	kill(c, SIGUSR1);
	sleep_ms(30);
	syscall(SYS_tgkill, c, c, SIGUSR2);
	sleep_ms(30);
	syscall(SYS_tkill, c, SIGUSR1);
	reap(c);
	return 0;
}

/* ------------------------------------------------------------- vfs */

static void file_facts(const char *prefix, int fd)
{
	struct stat st;
	char key[64];

	if (fstat(fd, &st))
		die("fstat");
	snprintf(key, sizeof(key), "%s_ino", prefix);
	fact(key, (long)st.st_ino);
	/* the kernel's dev_t: major << 20 | minor */
	snprintf(key, sizeof(key), "%s_dev", prefix);
	fact(key, (long)(major(st.st_dev) << 20 | minor(st.st_dev)));
}

static int vfs_mode(const char *path)
{
	char buf[4096], a[100], b[200];
	struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd;

	memset(buf, 'v', sizeof(buf));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	fact("fd", fd);
	file_facts("file", fd);
	if (write(fd, buf, 1000) != 1000)		/* pos 0 */
		die("write");
	if (pwrite(fd, buf, 24, 1000) != 24)		/* no pos change */
		die("pwrite");
	if (writev(fd, iov, 2) != 300)			/* pos 1000 */
		die("writev");
	lseek(fd, 100, SEEK_SET);
	if (read(fd, buf, 512) != 512)			/* pos 100 */
		die("read");
	lseek(fd, 1200, SEEK_SET);
	if (readv(fd, iov, 2) != 100)			/* pos 1200, 100 left */
		die("readv");
	close(fd);
	return 0;
}

/* ------------------------------------------------------------- net */

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons(port);
	return sa;
}

/* A socket of this type and protocol bound to 127.0.0.1:port. */
static int bound(int type, int protocol, int port)
{
	struct sockaddr_in sa = loopback(port);
	int fd = socket(AF_INET, type, protocol), one = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&sa, sizeof(sa)))
		die("bind");
	return fd;
}

/* Waits up to ms for fd to become writable (a non-blocking connect). */
static int wait_writable(int fd, long ms)
{
	fd_set w;
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	FD_ZERO(&w);
	FD_SET(fd, &w);
	return select(fd + 1, NULL, &w, NULL, &tv) == 1;
}

/*
 * A SYN retransmission: a listener with backlog 0 takes one connection
 * into its accept queue and drops the next SYN while that one waits;
 * the client retransmits its SYN after the initial RTO (1 s) and gets
 * in once the first connection is accepted. Ports: listener port,
 * first client one the kernel picks, retransmitting client port + 2.
 */
static void tcp_retransmit(int port)
{
	struct sockaddr_in sa = loopback(port), local;
	int srv, a, b, acc, err = 0;
	socklen_t len = sizeof(local);

	srv = bound(SOCK_STREAM, 0, port);
	if (listen(srv, 0))
		die("listen");
	/* a port the kernel picks, given back before TCP_CLOSE is reported */
	a = socket(AF_INET, SOCK_STREAM, 0);
	if (a < 0 || connect(a, (void *)&sa, sizeof(sa)))
		die("connect");
	if (getsockname(a, (void *)&local, &len))
		die("getsockname");
	fact("ephemeral_port", ntohs(local.sin_port));
	len = sizeof(err);
	sleep_ms(20);
	b = bound(SOCK_STREAM | SOCK_NONBLOCK, 0, port + 2);
	if (connect(b, (void *)&sa, sizeof(sa)) == 0 || errno != EINPROGRESS)
		die("connect nonblocking");
	sleep_ms(200);
	acc = accept(srv, NULL, NULL);
	if (acc < 0)
		die("accept");
	close(acc);
	if (!wait_writable(b, 5000) ||
	    getsockopt(b, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		fact("retransmit_connect_failed", err);
	close(a);
	close(b);
	close(srv);
}

/*
 * TCP over ::1 from port+1 to port, 99 bytes; when IPv6 is not
 * available the fact ipv6_missing says so.
 */
static void tcp6(int port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	int srv, cli, acc, one = 1;
	char buf[99];

	memset(buf, '6', sizeof(buf));
	sa.sin6_addr = in6addr_loopback;
	srv = socket(AF_INET6, SOCK_STREAM, 0);
	cli = socket(AF_INET6, SOCK_STREAM, 0);
	if (srv < 0 || cli < 0) {
		fact("ipv6_missing", errno);
		return;
	}
	setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(cli, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin6_port = htons(port + 1);
	if (bind(cli, (void *)&sa, sizeof(sa))) {
		fact("ipv6_missing", errno);
		return;
	}
	sa.sin6_port = htons(port);
	if (bind(srv, (void *)&sa, sizeof(sa)) || listen(srv, 1))
		die("bind ::1");
	if (connect(cli, (void *)&sa, sizeof(sa)))
		die("connect ::1");
	acc = accept(srv, NULL, NULL);
	if (acc < 0)
		die("accept ::1");
	if (send(cli, buf, sizeof(buf), 0) != sizeof(buf) ||
	    recv(acc, buf, sizeof(buf), MSG_WAITALL) != sizeof(buf))
		die("send/recv ::1");
	close(cli);
	close(acc);
	close(srv);
}

/*
 * All on 127.0.0.1, ports from PORT (the test picks it):
 * TCP: a client on port+1 connects to a listener on port, sets
 * TCP_NODELAY, sends 777 bytes, receives 555 back, shuts its side down
 * (so it closes first) and closes. The listener was made with protocol
 * IPPROTO_TCP, the client with 0.
 * UDP, connected: port+3 to port+2, 333 bytes; then connect(AF_UNSPEC)
 * dissolves the association (udp.disconnect) and the same socket sends
 * 222 bytes with sendto() to port+2, read back with recvfrom().
 * A SYN retransmission on port+4..port+6 (tcp_retransmit()).
 * TCP over ::1 on port+7 and port+8 (tcp6()).
 */
static int net_mode(int port)
{
	struct sockaddr_in sa, from;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t fromlen = sizeof(from);
	char buf[2048];
	int srv, cli, acc, one = 1, u1, u2;

	memset(buf, 'n', sizeof(buf));
	srv = bound(SOCK_STREAM, IPPROTO_TCP, port);
	fact("tcp_listen_fd", srv);
	if (listen(srv, 1))
		die("listen");
	cli = bound(SOCK_STREAM, 0, port + 1);
	fact("tcp_client_fd", cli);
	sa = loopback(port);
	if (connect(cli, (void *)&sa, sizeof(sa)))
		die("connect");
	acc = accept(srv, NULL, NULL);
	if (acc < 0)
		die("accept");
	fact("tcp_accept_fd", acc);
	if (setsockopt(cli, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("setsockopt");
	if (send(cli, buf, 777, 0) != 777)
		die("send");
	if (recv(acc, buf, 777, MSG_WAITALL) != 777)
		die("recv");
	if (send(acc, buf, 555, 0) != 555)
		die("send back");
	if (recv(cli, buf, 555, MSG_WAITALL) != 555)
		die("recv back");
	shutdown(cli, SHUT_WR);
	if (recv(acc, buf, sizeof(buf), 0) != 0)	/* the FIN */
		die("recv FIN");
	close(acc);
	close(cli);
	close(srv);

	u2 = bound(SOCK_DGRAM, 0, port + 2);
	fact("udp_server_fd", u2);
	u1 = bound(SOCK_DGRAM, IPPROTO_UDP, port + 3);
	fact("udp_client_fd", u1);
	sa = loopback(port + 2);
	if (connect(u1, (void *)&sa, sizeof(sa)))
		die("udp connect");
	if (send(u1, buf, 333, 0) != 333)
		die("udp send");
	if (recv(u2, buf, sizeof(buf), 0) != 333)
		die("udp recv");
	if (connect(u1, &unspec, sizeof(unspec)))
		die("udp disconnect");
	if (sendto(u1, buf, 222, 0, (void *)&sa, sizeof(sa)) != 222)
		die("udp sendto");
	if (recvfrom(u2, buf, sizeof(buf), 0, (void *)&from, &fromlen) != 222)
		die("udp recvfrom");
	close(u1);
	close(u2);

	tcp_retransmit(port + 4);
	tcp6(port + 7);
	sleep_ms(50);	/* the closing handshake's last states */
	return 0;
}

/* ----------------------------------------------------------- block */

/* The disk sector (512 bytes) that holds byte 0 of fd's file, or -1. */
static long first_sector(int fd)
{
	struct {
		struct fiemap map;
		struct fiemap_extent extent;
	} fm;

	memset(&fm, 0, sizeof(fm));
	fm.map.fm_length = 4096;
	fm.map.fm_flags = FIEMAP_FLAG_SYNC;
	fm.map.fm_extent_count = 1;
	if (ioctl(fd, FS_IOC_FIEMAP, &fm.map) || fm.map.fm_mapped_extents < 1)
		return -1;
	return (long)(fm.extent.fe_physical / 512);
}

/*
 * A 64 KiB O_DIRECT write and a 16 KiB O_DIRECT read at offset 0 of
 * path (its blocks allocated first, so both go straight to the disk),
 * then 4 KiB written through the page cache to path.2 and flushed with
 * fdatasync: a write the block layer can tie to that file's inode.
 */
static int block_mode(const char *path)
{
	char path2[4096];
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, 65536))
		die("posix_memalign");
	memset(buf, 'b', 65536);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0600);
	if (fd < 0)
		die("open O_DIRECT");
	file_facts("file", fd);
	/* allocate the blocks first: then the O_DIRECT writes go straight down */
	if (fallocate(fd, 0, 0, 65536))
		die("fallocate");
	fsync(fd);
	fact("file_sector", first_sector(fd));
	fact("write_size", 65536);
	fact("read_size", 16384);
	sleep_ms(20);	/* the journal's writes before ours */
	if (pwrite(fd, buf, 65536, 0) != 65536)
		die("pwrite O_DIRECT");
	if (pread(fd, buf, 16384, 0) != 16384)
		die("pread O_DIRECT");
	close(fd);

	snprintf(path2, sizeof(path2), "%s.2", path);
	fd = open(path2, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	file_facts("buffered", fd);
	if (write(fd, buf, 4096) != 4096)
		die("write");
	if (fdatasync(fd))
		die("fdatasync");
	fact("buffered_sector", first_sector(fd));
	close(fd);
	return 0;
}

/* 4 KiB written with O_DIRECT at byte 8192 of a block device, read back. */
static int bdev_mode(const char *dev)
{
	void *buf;
	int fd;

	if (posix_memalign(&buf, 4096, 4096))
		die("posix_memalign");
	memset(buf, 'z', 4096);
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0)
		die(dev);
	if (pwrite(fd, buf, 4096, 8192) != 4096)
		die("pwrite O_DIRECT");
	if (pread(fd, buf, 4096, 8192) != 4096)
		die("pread O_DIRECT");
	close(fd);
	return 0;
}

/* ------------------------------------------------------------- mem */

static int mem_mode(const char *path)
{
	char *p, *q;
	int fd;

	p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap");
	fact("map_addr", (long)p);
	p[3 * 4096 + 5] = 1;			/* a write fault */
	fact("fault_addr", (long)(p + 3 * 4096 + 5));
	/* a read maps the zero page; the write after it is a write to a
	 * present, write-protected page (do_wp_page) */
	fact("read_value", ((volatile char *)p)[5 * 4096 + 7]);
	fact("rfault_addr", (long)(p + 5 * 4096 + 7));
	p[5 * 4096 + 9] = 2;
	fact("wp_addr", (long)(p + 5 * 4096 + 9));
	if (munmap(p, 8 * 4096))
		die("munmap");
	/* a second mapping, at a hint, partly unmapped */
	q = mmap(p, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q == MAP_FAILED)
		die("mmap 2");
	fact("map2_addr", (long)q);
	if (munmap(q + 4096, 4096))
		die("munmap 2");
	fact("brk_addr", (long)sbrk(0));
	if (sbrk(65536) == (void *)-1)
		die("sbrk");
	if (sbrk(-4096) == (void *)-1)
		die("sbrk shrink");

	/* setxattr copies the value with kmalloc(size) */
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	{
		char v[1234];

		memset(v, 'x', sizeof(v));
		if (fsetxattr(fd, "user.bstap", v, sizeof(v), 0))
			fact("xattr_failed", errno);
	}
	close(fd);
	return 0;
}

/* ------------------------------------------------------------- oom */

/* 512 MiB, 1 MiB at a time, each byte written: far above the cgroup's
 * limit, so the OOM killer chooses this process. Exit 3 if it did not. */
static int oom_mode(void)
{
	for (int i = 0; i < 512; i++) {
		char *p = malloc(1 << 20);

		if (!p)
			return 3;
		memset(p, 'o', 1 << 20);
	}
	return 3;
}

/* ------------------------------------------------------------- irq */

static int irq_mode(const char *path, int port)
{
	struct sockaddr_in sa;
	char buf[65536];
	int fd, u1, u2;

	memset(buf, 'i', sizeof(buf));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open");
	/* dirty pages, then sync(): the flusher's work is queued from here */
	if (write(fd, buf, 4096) != 4096)
		die("write");
	sync();
	/* more, and fsync: the disk's completion interrupts */
	if (pwrite(fd, buf, sizeof(buf), 4096) != (ssize_t)sizeof(buf))
		die("pwrite");
	if (fsync(fd))
		die("fsync");
	close(fd);

	/* a UDP datagram over loopback raises NET_RX */
	u2 = bound(SOCK_DGRAM, 0, port);
	u1 = bound(SOCK_DGRAM, 0, port + 1);
	sa = loopback(port);
	if (connect(u1, (void *)&sa, sizeof(sa)))
		die("udp connect");
	if (send(u1, buf, 222, 0) != 222)
		die("udp send");
	if (recv(u2, buf, sizeof(buf), 0) != 222)
		die("udp recv");
	close(u1);
	close(u2);
	sleep_ms(50);	/* timer softirqs, the flusher's work running */
	return 0;
}

int main(int argc, char **argv)
{
	char self[4096];
	ssize_t n;

	if (argc == 3 && !strcmp(argv[1], "exec-child"))
		return exec_child(atoi(argv[2]));
	if (argc < 3) {
		fprintf(stderr, "usage: tapset_prog MODE FACTS [FILE] [PORT]\n");
		return 2;
	}
	facts = fopen(argv[2], "w");
	if (!facts)
		die(argv[2]);
	fact("pid", getpid());
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		die("readlink");
	self[n] = 0;
	if (!strcmp(argv[1], "proc"))
		return proc_mode(self);
	if (!strcmp(argv[1], "vfs") && argc == 4)
		return vfs_mode(argv[3]);
	if (!strcmp(argv[1], "net") && argc == 4)
		return net_mode(atoi(argv[3]));
	if (!strcmp(argv[1], "block") && argc == 4)
		return block_mode(argv[3]);
	if (!strcmp(argv[1], "bdev") && argc == 4)
		return bdev_mode(argv[3]);
	if (!strcmp(argv[1], "mem") && argc == 4)
		return mem_mode(argv[3]);
	if (!strcmp(argv[1], "oom"))
		return oom_mode();
	if (!strcmp(argv[1], "irq") && argc == 5)
		return irq_mode(argv[3], atoi(argv[4]));
	fprintf(stderr, "tapset_prog: unknown mode %s\n", argv[1]);
	return 2;
}
