// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known user memory for the conversions tapset's live test: opens paths
 * that do not exist (so nothing is touched), one with every kind of byte
 * user_string_quoted() escapes, one longer than MAXSTRINGLEN, then one
 * bad pointer, "". Each open fails; that is expected.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	/* written here, so its pages are present when the probe reads them
	 * (a probe cannot fault a page in) */
	static char longpath[700], odd[64];

	strcpy(odd, "/nonexistent/bstap\t\"q\"\\\001\n\177");
	getppid();	/* the test counts opens from here */
	syscall(SYS_openat, AT_FDCWD, odd, O_RDONLY);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	syscall(SYS_openat, AT_FDCWD, longpath, O_RDONLY);
	syscall(SYS_openat, AT_FDCWD, (const char *)16, O_RDONLY);
	odd[0] = 0;
	syscall(SYS_openat, AT_FDCWD, odd, O_RDONLY);
	return 0;
}
