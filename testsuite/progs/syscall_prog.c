// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Traced activity for the syscall tapset's live tests: system calls with
 * known arguments, straight through syscall(), between two getppid()
 * marks (the dynamic loader's own opens and reads come before the first).
 * The buffer is mapped at a fixed address so that argstr is the same on
 * every run, and descriptors from 3 up are closed first.
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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
	char *buf;
	long fd;

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
	memcpy(buf, "hello", 5);
	syscall(SYS_write, fd, buf, 5);
	syscall(SYS_close, fd);
	syscall(SYS_openat, AT_FDCWD, none, O_RDONLY);
	syscall(SYS_openat, AT_FDCWD, none,
		O_WRONLY | O_CREAT | O_TRUNC, 0640);
	syscall(SYS_openat, AT_FDCWD, odd, O_RDONLY);
	syscall(SYS_close, -1);
	fd = syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	syscall(SYS_close, fd);
	syscall(SYS_kill, 2147483647, SIGCONT);
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
