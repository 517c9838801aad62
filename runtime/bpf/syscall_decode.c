// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Flag decoders of the syscall tapset (tapsets/aux_syscalls.stp): a value
 * to "NAME|NAME|0x..." under SystemTap's names. Included by
 * bstap_runtime.c (its helpers, msl(), always_inline).
 *
 * Written here rather than in the script language: a chain of
 * `if (f & X) s = s . "|X"` makes the verifier follow every combination of
 * flags (each concatenation leaves a different length behind); here each
 * name is appended through bstap_strcat, whose lengths are bounded
 * unknowns, so the paths of one test meet again and are pruned.
 */

#include "syscall_tables.h"

/*
 * errno_str() and syscall_name(): a table lookup. A chain of ifs in the
 * script language, one per name, gave the verifier one path per name
 * through the rest of the program.
 */
#define NELEM(t) (sizeof(t) / sizeof((t)[0]))

RT s64 bstap_errno_str(char *dst, s64 e)
{
	if (e < 0)
		e = -e;
	dst[0] = 0;
	/* an unknown error is "", as in stap */
	if (e < NELEM(bstap_errno_names) && bstap_errno_names[e][0])
		bstap_strcat(dst, dst, bstap_errno_names[e]);
	return 0;
}

RT s64 bstap_syscall_name(char *dst, s64 nr)
{
	dst[0] = 0;
	if (nr >= 0 && nr < NELEM(bstap_syscall_names) &&
	    bstap_syscall_names[nr][0]) {
		bstap_strcat(dst, dst, bstap_syscall_names[nr]);
	} else {
		bstap_strcat(dst, dst, "sys_");
		bstap_append_long(dst, nr, 'd', 0, -1, -1);
	}
	return 0;
}

/*
 * _signal_name(): signals 0-32 by name, SIGRTMIN+N above, the number
 * otherwise (a table, for the same reason as errno_str).
 */
static const char bstap_signal_names[33][10] = {
	"0",
	"SIGHUP",
	"SIGINT",
	"SIGQUIT",
	"SIGILL",
	"SIGTRAP",
	"SIGABRT",
	"SIGBUS",
	"SIGFPE",
	"SIGKILL",
	"SIGUSR1",
	"SIGSEGV",
	"SIGUSR2",
	"SIGPIPE",
	"SIGALRM",
	"SIGTERM",
	"SIGSTKFLT",
	"SIGCHLD",
	"SIGCONT",
	"SIGSTOP",
	"SIGTSTP",
	"SIGTTIN",
	"SIGTTOU",
	"SIGURG",
	"SIGXCPU",
	"SIGXFSZ",
	"SIGVTALRM",
	"SIGPROF",
	"SIGWINCH",
	"SIGIO",
	"SIGPWR",
	"SIGSYS",
	"SIGRTMIN"
};

RT s64 bstap_signal_name(char *dst, s64 sig)
{
	dst[0] = 0;
	if (sig >= 0 && sig < NELEM(bstap_signal_names)) {
		bstap_strcat(dst, dst, bstap_signal_names[sig]);
	} else if (sig > 32 && sig <= 64) {
		bstap_strcat(dst, dst, "SIGRTMIN+");
		bstap_append_long(dst, sig - 32, 'd', 0, -1, -1);
	} else {
		bstap_append_long(dst, sig, 'd', 0, -1, -1);
	}
	return 0;
}

struct bstap_flag {
	u64 mask;		/* bits tested, all set */
	u64 unless;		/* bits that must be clear */
	char name[24];
};

static const struct bstap_flag bstap_open_flags[] = {
	{ 00000100, 0, "O_CREAT" }, { 00000200, 0, "O_EXCL" },
	{ 00000400, 0, "O_NOCTTY" }, { 00001000, 0, "O_TRUNC" },
	{ 00002000, 0, "O_APPEND" }, { 00004000, 0, "O_NONBLOCK" },
	{ 04010000, 0, "O_SYNC" }, { 00010000, 04000000, "O_DSYNC" },
	{ 00020000, 0, "FASYNC" }, { 00040000, 0, "O_DIRECT" },
	{ 00100000, 0, "O_LARGEFILE" }, { 020200000, 0, "O_TMPFILE" },
	{ 00200000, 020000000, "O_DIRECTORY" }, { 00400000, 0, "O_NOFOLLOW" },
	{ 01000000, 0, "O_NOATIME" }, { 02000000, 0, "O_CLOEXEC" },
	{ 010000000, 0, "O_PATH" },
};

static const struct bstap_flag bstap_at_flags[] = {
	{ 0x100, 0, "AT_SYMLINK_NOFOLLOW" }, { 0x200, 0, "AT_REMOVEDIR" },
	{ 0x400, 0, "AT_SYMLINK_FOLLOW" }, { 0x800, 0, "AT_NO_AUTOMOUNT" },
	{ 0x1000, 0, "AT_EMPTY_PATH" }, { 0x2000, 0, "AT_STATX_FORCE_SYNC" },
	{ 0x4000, 0, "AT_STATX_DONT_SYNC" },
};

static const struct bstap_flag bstap_prot_flags[] = {
	{ 1, 0, "PROT_READ" }, { 2, 0, "PROT_WRITE" }, { 4, 0, "PROT_EXEC" },
	{ 8, 0, "PROT_SEM" }, { 0x1000000, 0, "PROT_GROWSDOWN" },
	{ 0x2000000, 0, "PROT_GROWSUP" },
};

static const struct bstap_flag bstap_mmap_flag_tab[] = {
	{ 0x10, 0, "MAP_FIXED" },
	{ 0x20, 0, "MAP_ANONYMOUS" }, { 0x40, 0, "MAP_32BIT" },
	{ 0x100, 0, "MAP_GROWSDOWN" }, { 0x800, 0, "MAP_DENYWRITE" },
	{ 0x1000, 0, "MAP_EXECUTABLE" }, { 0x2000, 0, "MAP_LOCKED" },
	{ 0x4000, 0, "MAP_NORESERVE" }, { 0x8000, 0, "MAP_POPULATE" },
	{ 0x10000, 0, "MAP_NONBLOCK" }, { 0x20000, 0, "MAP_STACK" },
	{ 0x40000, 0, "MAP_HUGETLB" }, { 0x80000, 0, "MAP_SYNC" },
	{ 0x100000, 0, "MAP_FIXED_NOREPLACE" },
};

static const struct bstap_flag bstap_msg_flags[] = {
	{ 1, 0, "MSG_OOB" }, { 2, 0, "MSG_PEEK" }, { 4, 0, "MSG_DONTROUTE" },
	{ 8, 0, "MSG_CTRUNC" }, { 0x10, 0, "MSG_PROBE" }, { 0x20, 0, "MSG_TRUNC" },
	{ 0x40, 0, "MSG_DONTWAIT" }, { 0x80, 0, "MSG_EOR" },
	{ 0x100, 0, "MSG_WAITALL" }, { 0x200, 0, "MSG_FIN" }, { 0x400, 0, "MSG_SYN" },
	{ 0x800, 0, "MSG_CONFIRM" }, { 0x1000, 0, "MSG_RST" },
	{ 0x2000, 0, "MSG_ERRQUEUE" }, { 0x4000, 0, "MSG_NOSIGNAL" },
	{ 0x8000, 0, "MSG_MORE" }, { 0x10000, 0, "MSG_WAITFORONE" },
	{ 0x4000000, 0, "MSG_FASTOPEN" }, { 0x40000000, 0, "MSG_CMSG_CLOEXEC" },
};

static const struct bstap_flag bstap_wait_flags[] = {
	{ 1, 0, "WNOHANG" }, { 2, 0, "WUNTRACED" }, { 4, 0, "WEXITED" },
	{ 8, 0, "WCONTINUED" }, { 0x1000000, 0, "WNOWAIT" },
	{ 0x20000000, 0, "__WNOTHREAD" }, { 0x40000000, 0, "__WALL" },
	{ 0x80000000, 0, "__WCLONE" },
};

static const struct bstap_flag bstap_clone_flags[] = {
	{ 0x100, 0, "CLONE_VM" }, { 0x200, 0, "CLONE_FS" },
	{ 0x400, 0, "CLONE_FILES" }, { 0x800, 0, "CLONE_SIGHAND" },
	{ 0x1000, 0, "CLONE_PIDFD" }, { 0x2000, 0, "CLONE_PTRACE" },
	{ 0x4000, 0, "CLONE_VFORK" }, { 0x8000, 0, "CLONE_PARENT" },
	{ 0x10000, 0, "CLONE_THREAD" }, { 0x20000, 0, "CLONE_NEWNS" },
	{ 0x40000, 0, "CLONE_SYSVSEM" }, { 0x80000, 0, "CLONE_SETTLS" },
	{ 0x100000, 0, "CLONE_PARENT_SETTID" },
	{ 0x200000, 0, "CLONE_CHILD_CLEARTID" }, { 0x400000, 0, "CLONE_DETACHED" },
	{ 0x800000, 0, "CLONE_UNTRACED" }, { 0x1000000, 0, "CLONE_CHILD_SETTID" },
	{ 0x2000000, 0, "CLONE_NEWCGROUP" }, { 0x4000000, 0, "CLONE_NEWUTS" },
	{ 0x8000000, 0, "CLONE_NEWIPC" }, { 0x10000000, 0, "CLONE_NEWUSER" },
	{ 0x20000000, 0, "CLONE_NEWPID" }, { 0x40000000, 0, "CLONE_NEWNET" },
	{ 0x80000000, 0, "CLONE_IO" },
};

static const struct bstap_flag bstap_fd_flags[] = {	/* pipe2, dup3 */
	{ 02000000, 0, "O_CLOEXEC" }, { 00004000, 0, "O_NONBLOCK" },
	{ 00040000, 0, "O_DIRECT" },
};

static const struct bstap_flag bstap_sock_flags[] = {
	{ 00004000, 0, "SOCK_NONBLOCK" }, { 02000000, 0, "SOCK_CLOEXEC" },
};

static RT void flag_sep(char *dst)
{
	if (dst[0])
		bstap_strcat(dst, dst, "|");
}

/*
 * Appends the names of t's entries set in f; returns the bits no entry
 * names. f is never changed on one side of a test only: the verifier
 * would then see two states at every join and follow 2^n paths.
 */
static RT u64 flag_names(char *dst, u64 f, const struct bstap_flag *t,
			 int n)
{
	u64 known = 0;

	for (int i = 0; i < n; i++) {
		known |= t[i].mask;
		if ((f & t[i].mask) == t[i].mask && !(f & t[i].unless)) {
			flag_sep(dst);
			bstap_strcat(dst, dst, t[i].name);
		}
	}
	return f & ~known;
}

static RT void flag_rest(char *dst, u64 f, const char *zero)
{
	if (f) {
		flag_sep(dst);
		bstap_strcat(dst, dst, "0x");
		bstap_append_long(dst, (s64)f, 'x', 0, -1, -1);
	}
	if (!dst[0])
		bstap_strcat(dst, dst, zero);
}

#define FLAG_FN(fn, table, zero)					\
RT s64 fn(char *dst, s64 f)						\
{									\
	dst[0] = 0;							\
	flag_rest(dst, flag_names(dst, (u64)f & 0xffffffffULL, table,	\
				  sizeof(table) / sizeof(table[0])),	\
		  zero);						\
	return 0;							\
}

FLAG_FN(bstap_at_flag_str, bstap_at_flags, "0")
FLAG_FN(bstap_mprotect_prot_str, bstap_prot_flags, "PROT_NONE")
FLAG_FN(bstap_msg_flags_str, bstap_msg_flags, "0")
FLAG_FN(bstap_wait4_opt_str, bstap_wait_flags, "0")
FLAG_FN(bstap_fd_flag_str, bstap_fd_flags, "0")
FLAG_FN(bstap_sock_flags_str, bstap_sock_flags, "0")
FLAG_FN(bstap_clone_flag_str, bstap_clone_flags, "0")

/* O_RDONLY, O_WRONLY or O_RDWR first, then the flags: O_RDONLY|O_CLOEXEC */
RT s64 bstap_sys_open_flag_str(char *dst, s64 f)
{
	static const char acc[4][12] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					 "O_ACCMODE" };

	dst[0] = 0;
	bstap_strcat(dst, dst, acc[f & 3]);
	flag_rest(dst, flag_names(dst, (u64)f & 0xfffffffcULL,
				  bstap_open_flags,
				  sizeof(bstap_open_flags) /
				  sizeof(bstap_open_flags[0])), "");
	return 0;
}

/* The mapping type first, then the flags: MAP_PRIVATE|MAP_ANONYMOUS */
RT s64 bstap_mmap_flags(char *dst, s64 f)
{
	static const char type[4][20] = { "", "MAP_SHARED", "MAP_PRIVATE",
					  "MAP_SHARED_VALIDATE" };

	dst[0] = 0;
	bstap_strcat(dst, dst, type[f & 3]);
	flag_rest(dst, flag_names(dst, (u64)f & 0xfffffffcULL,
				  bstap_mmap_flag_tab,
				  sizeof(bstap_mmap_flag_tab) /
				  sizeof(bstap_mmap_flag_tab[0])), "0");
	return 0;
}
