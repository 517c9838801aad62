// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Traced activity for the syscall tapset's live tests: system calls with
 * known arguments, straight through syscall(), between two getppid()
 * marks (the dynamic loader's own opens and reads come before the first).
 * The buffer is mapped at a fixed address so that argstr is the same on
 * every run, and descriptors from 3 up are closed first.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BUF_ADDR 0x10000000UL

int main(void)
{
	/* on the stack: a path in a page not yet touched cannot be read */
	char null[] = "/dev/null", none[] = "/nonexistent/bstap";
	char odd[] = "/nonexistent/tab\tquote\"back\\\001\377";
	char prog[] = "prog", opt[] = "-l", tab[] = "a\tb";
	char *argv[] = { prog, opt, tab, NULL }, *envp[] = { opt, tab, NULL };
	struct sockaddr_in in4 = { .sin_family = AF_INET,
				   .sin_port = htons(8080),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in to4 = in4;
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6,
				    .sin6_port = htons(8080),
				    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_un un = { .sun_family = AF_UNIX,
				  .sun_path = "/nonexistent/sock" };
	char *buf;
	long fd, s;

	/* whatever the caller left open: the first open gets 3 */
	for (int i = 3; i < 1024; i++)
		close(i);
	syscall(SYS_getppid);
	buf = (char *)syscall(SYS_mmap, BUF_ADDR, 4096,
			      PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			      -1, 0);
	if (buf != (char *)BUF_ADDR)
		return 1;
	fd = syscall(SYS_openat, AT_FDCWD, null, O_RDWR | O_CLOEXEC);
	syscall(SYS_read, fd, buf, 16);
	memcpy(buf, "hello\n", 6);
	syscall(SYS_write, fd, buf, 6);
	/* a NUL and a byte above 127; then a buffer longer than fits */
	memcpy(buf + 2048, "a\0b\377", 4);
	syscall(SYS_pwrite64, fd, buf + 2048, 4, 0);
	memset(buf + 1024, 'x', 300);
	syscall(SYS_pwrite64, fd, buf + 1024, 300, 8);
	syscall(SYS_close, fd);
	syscall(SYS_openat, AT_FDCWD, none, O_RDONLY);
	syscall(SYS_openat, AT_FDCWD, none,
		O_WRONLY | O_CREAT | O_TRUNC, 0640);
	syscall(SYS_openat, AT_FDCWD, odd, O_RDONLY);
	syscall(SYS_close, -1);
	fd = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	syscall(SYS_close, fd);
	syscall(SYS_kill, 2147483647, SIGCONT);
	/* fails (no such file), so this process goes on */
	syscall(SYS_execve, none, argv, envp);
	/* UDP connects and sends need no listener */
	s = syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	syscall(SYS_connect, s, &in4, sizeof(in4));
	to4.sin_port = htons(9);
	syscall(SYS_sendto, s, "ping", 4, 0, &to4, sizeof(to4));
	syscall(SYS_close, s);
	s = syscall(SYS_socket, AF_INET6, SOCK_DGRAM, 0);
	syscall(SYS_connect, s, &in6, sizeof(in6));
	syscall(SYS_close, s);
	s = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
	syscall(SYS_bind, s, &un, sizeof(un.sun_family) + 18);
	syscall(SYS_close, s);
	syscall(SYS_pipe2, buf, O_CLOEXEC);
	syscall(SYS_dup3, ((int *)buf)[0], 40, O_CLOEXEC);
	syscall(SYS_ioctl, 40, TCGETS, buf + 64);
	syscall(SYS_newfstatat, AT_FDCWD, null, buf + 512, AT_SYMLINK_NOFOLLOW);
	syscall(SYS_wait4, -1, NULL, WNOHANG, NULL);
	syscall(SYS_futex, buf + 256, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	((long *)buf)[40] = 0;
	((long *)buf)[41] = 1000;
	syscall(SYS_nanosleep, buf + 320, NULL);
	syscall(SYS_mprotect, buf, 4096, PROT_READ);
	syscall(SYS_munmap, buf, 4096);
	syscall(SYS_getppid);
	return 0;
}
