#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the syscall tapset's fallback: tapsets/syscalls_generated.stp.

For every x86_64 system call of the running kernel that tapsets/syscalls.stp
does not decode by hand, write syscall.NAME and syscall.NAME.return aliases
on the raw_syscalls tracepoints (filtered by number, arguments from the
registers through BTF), and nd_syscall.* and tp_syscall.* for every call
(hand-written ones included) in tapsets/syscalls_nd.stp. Also writes
runtime/bpf/syscall_tables.h: the names of errnos and system calls by
number, for errno_str() and syscall_name() (runtime/bpf/syscall_decode.c).

Sources of truth:
  names, argument names and C types: tracefs events/syscalls/sys_enter_*/format
      (mount tracefs first: mount -t tracefs nodev /sys/kernel/tracing);
      calls without an event fall back to BTF __do_sys_NAME prototypes
      (bpftool btf dump file /sys/kernel/btf/vmlinux format raw);
  numbers: <asm/unistd_64.h>, plus NEWER_CALLS below for calls newer than
      the installed headers (x86_64 numbers are ABI: they never change).

Regenerate (as root, tracefs mounted):
  python3 scripts/gen-syscalls.py [--tracefs DIR] [--unistd FILE] [--out DIR]
and commit the three files.
"""
import argparse
import os
import re
import subprocess
import sys

# x86_64 numbers of calls newer than some installed <asm/unistd_64.h>.
NEWER_CALLS = {
    "uretprobe": 335, "uprobe": 336,
    "pidfd_send_signal": 424, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "open_tree": 428, "move_mount": 429,
    "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "pidfd_open": 434, "clone3": 435, "close_range": 436, "openat2": 437,
    "pidfd_getfd": 438, "faccessat2": 439, "process_madvise": 440,
    "epoll_pwait2": 441, "mount_setattr": 442, "quotactl_fd": 443,
    "landlock_create_ruleset": 444, "landlock_add_rule": 445,
    "landlock_restrict_self": 446, "memfd_secret": 447,
    "process_mrelease": 448, "futex_waitv": 449,
    "set_mempolicy_home_node": 450, "cachestat": 451, "fchmodat2": 452,
    "map_shadow_stack": 453, "futex_wake": 454, "futex_wait": 455,
    "futex_requeue": 456, "statmount": 457, "listmount": 458,
    "lsm_get_self_attr": 459, "lsm_set_self_attr": 460,
    "lsm_list_modules": 461, "mseal": 462, "setxattrat": 463,
    "getxattrat": 464, "listxattrat": 465, "removexattrat": 466,
    "open_tree_attr": 467, "file_getattr": 468, "file_setattr": 469,
}

# Calls with neither a tracefs event nor a BTF prototype on x86_64 (from
# their SYSCALL_DEFINE in the kernel sources).
NO_EVENT_ARGS = {
    "delete_module": [("name_user", "const char *"), ("flags", "unsigned int")],
    "init_module": [("umod", "void *"), ("len", "unsigned long"),
                    ("uargs", "const char *")],
    "finit_module": [("fd", "int"), ("uargs", "const char *"),
                     ("flags", "int")],
    "kexec_load": [("entry", "unsigned long"),
                   ("nr_segments", "unsigned long"),
                   ("segments", "struct kexec_segment *"),
                   ("flags", "unsigned long")],
    "kexec_file_load": [("kernel_fd", "int"), ("initrd_fd", "int"),
                        ("cmdline_len", "unsigned long"),
                        ("cmdline_ptr", "const char *"),
                        ("flags", "unsigned long")],
    "get_thread_area": [("u_info", "struct user_desc *")],
    "set_thread_area": [("u_info", "struct user_desc *")],
    "map_shadow_stack": [("addr", "unsigned long"), ("size", "unsigned long"),
                         ("flags", "unsigned int")],
    "uselib": [("library", "const char *")],
}

# Kernel entry names whose system call has another name (stap's).
RENAMED = {
    "newstat": "stat", "newfstat": "fstat", "newlstat": "lstat",
    "newuname": "uname", "sendfile64": "sendfile", "umount": "umount2",
    "newfstatat": "newfstatat",
}

REGS = ["di", "si", "dx", "r10", "r8", "r9"]

# 32-bit C types: sign- or zero-extended from the register's low half.
S32 = {"int", "pid_t", "clockid_t", "timer_t", "key_serial_t", "mqd_t",
       "rwf_t", "key_t", "__s32", "const int", "const clockid_t",
       "const enum landlock_rule_type"}
U32 = {"unsigned int", "unsigned", "u32", "uid_t", "gid_t", "qid_t",
       "const __u32", "umode_t"}

# stap's names for pointer arguments (NAME_uaddr unless listed).
STRING_ARGS = {"filename", "pathname", "path", "name", "oldname", "newname",
               "specialfile", "library", "dev_name", "dir_name", "type",
               "old", "new", "oldpath", "newpath", "uname", "_name",
               "_type", "_description", "_callout_info", "put_old",
               "new_root", "target", "linkpath", "u_name", "from_pathname",
               "to_pathname", "filename_uaddr", "special", "key",
               "pathname_uaddr", "fsname", "value_str"}


def read_unistd(path):
    nrs = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"#define __NR_(\w+)\s+(\d+)", line)
            if m:
                nrs[m.group(1)] = int(m.group(2))
    for k, v in NEWER_CALLS.items():
        nrs.setdefault(k, v)
    return nrs


def read_tracefs(d):
    calls = {}
    sysdir = os.path.join(d, "events", "syscalls")
    if not os.path.isdir(sysdir):
        return None
    for ev in sorted(os.listdir(sysdir)):
        if not ev.startswith("sys_enter_"):
            continue
        args = []
        with open(os.path.join(sysdir, ev, "format")) as f:
            for line in f:
                m = re.match(r"\s*field:(.*?)\s*(\w+);\s*offset:(\d+);", line)
                if not m or int(m.group(3)) < 16:
                    continue
                args.append((m.group(2), m.group(1).strip()))
        calls[ev[len("sys_enter_"):]] = args
    return calls


def read_btf():
    """__do_sys_NAME prototypes: (name, [(arg, ctype)])."""
    try:
        raw = subprocess.run(["bpftool", "btf", "dump", "file",
                              "/sys/kernel/btf/vmlinux", "format", "raw"],
                             capture_output=True, text=True,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    protos, funcs = {}, {}
    cur = None
    for line in raw.splitlines():
        m = re.match(r"\[(\d+)\] FUNC_PROTO .* vlen=(\d+)", line)
        if m:
            cur = protos.setdefault(int(m.group(1)), [])
            continue
        m = re.match(r"\s+'(\w*)' type_id=(\d+)", line)
        if m and cur is not None:
            cur.append((m.group(1), "long"))
            continue
        cur = None
        m = re.match(r"\[\d+\] FUNC '__do_sys_(\w+)' type_id=(\d+)", line)
        if m:
            funcs[m.group(1)] = int(m.group(2))
    return {k: protos.get(v, []) for k, v in funcs.items()}


def arg_code(name, ctype, i):
    """(variable, expression, format piece, argstr expression)."""
    reg = "$regs->%s" % REGS[i]
    if ctype.replace(" ", "") in ("constchar*", "char*") and \
       name in STRING_ARGS:
        return [("%s_uaddr" % name, reg), (name, "user_string_quoted(%s_uaddr)"
                                            % name)], "%s", name
    if "*" in ctype or ctype in ("cap_user_header_t", "cap_user_data_t",
                                 "const cap_user_data_t"):
        var = name if name.endswith("_uaddr") else name + "_uaddr"
        return [(var, reg)], "%p", var
    if ctype in S32:
        return [(name, "__int32(%s)" % reg)], "%d", name
    if ctype in U32:
        if ctype == "umode_t":
            return [(name, "%s & 0xffff" % reg)], "%#o", name
        if "flags" in name:
            return [(name, "%s & 0xffffffff" % reg)], "0x%x", name
        return [(name, "%s & 0xffffffff" % reg)], "%u", name
    if ctype in ("unsigned long", "size_t", "const size_t", "__u64",
                 "aio_context_t"):
        if "flags" in name:
            return [(name, reg)], "0x%x", name
        return [(name, reg)], "%u", name
    return [(name, reg)], "%d", name


def alias_doc(name, nr, args, generated):
    out = ["/**",
           " * probe syscall.%s - System call %s (number %d)%s" %
           (name, name, nr, ", generated" if generated else ""),
           " * @name: \"%s\"" % name]
    for a, ctype in args:
        out.append(" * @%s: %s" % (a, ctype))
    out.append(" * @argstr: the arguments, formatted")
    out.append(" */")
    return out


def gen_call(name, nr, args):
    body, fmts, vals, doc = [], [], [], []
    for i, (a, ctype) in enumerate(args[:6]):
        vs, fmt, val = arg_code(a, ctype, i)
        for v, e in vs:
            body.append("\t%s = %s" % (v, e))
            doc.append((v, "the string at %s_uaddr, quoted" % a
                        if e.startswith("user_string_quoted") else
                        "argument %d (%s)" % (i + 1, ctype)))
        fmts.append(fmt)
        vals.append(val)
    lines = alias_doc(name, nr, doc, True)
    lines += ["probe syscall.%s = kernel.trace(\"raw_syscalls:sys_enter\")"
              % name, "{", "\tif ($id != %d)" % nr, "\t\tnext",
              "\tname = \"%s\"" % name]
    lines += body
    if fmts:
        lines.append("\targstr = sprintf(\"%s\", %s)" %
                     (", ".join(fmts), ", ".join(vals)))
    else:
        lines.append("\targstr = \"\"")
    lines += ["}", ""]
    lines += ["/**",
              " * probe syscall.%s.return - Return from %s, generated" %
              (name, name),
              " * @name: \"%s\"" % name,
              " * @retval: the return value",
              " * @retstr: the return value, formatted",
              " */",
              "probe syscall.%s.return = kernel.trace(\"raw_syscalls:sys_exit\")"
              % name, "{", "\tif ($regs->orig_ax != %d)" % nr, "\t\tnext",
              "\tname = \"%s\"" % name, "\tretval = $ret",
              "\tretstr = return_str(1, retval)", "}", ""]
    return lines


def hand_written(path):
    names = set()
    with open(path) as f:
        for line in f:
            m = re.match(r"probe syscall\.(\w+)\s*=", line)
            if m:
                names.add(m.group(1))
    return names


# Kernel-internal errors a system call's exit can still show (a restart
# pending a signal), from include/linux/errno.h.
KERNEL_ERRNOS = {
    512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND",
    515: "ENOIOCTLCMD", 516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER",
    518: "EOPENSTALE", 519: "ENOPARAM", 521: "EBADHANDLE", 522: "ENOTSYNC",
    523: "EBADCOOKIE", 524: "ENOTSUPP", 525: "ETOOSMALL",
    526: "ESERVERFAULT", 527: "EBADTYPE", 528: "EJUKEBOX",
    529: "EIOCBQUEUED", 530: "ERECALLCONFLICT", 531: "ENOGRACE",
}


def read_errno(headers):
    errs = dict(KERNEL_ERRNOS)
    for h in headers:
        with open(h) as f:
            for line in f:
                m = re.match(r"#define\s+(E\w+)\s+(\d+)", line)
                if m and int(m.group(2)) not in errs:
                    errs[int(m.group(2))] = m.group(1)
    return errs


def c_table(name, width, entries):
    """A fixed-width name table indexed by number ("" where none)."""
    n = max(entries) + 1
    out = ["static const char %s[%d][%d] = {" % (name, n, width)]
    for k in sorted(entries):
        assert len(entries[k]) < width
        out.append("\t[%d] = \"%s\"," % (k, entries[k]))
    out.append("};")
    return out


def gen_tables(errs, table, path):
    lines = ["/* SPDX-License-Identifier: GPL-2.0-or-later */",
             "/*",
             " * GENERATED by scripts/gen-syscalls.py; do not edit.",
             " * errno names (<asm-generic/errno*.h>) and x86_64 system call",
             " * names by number, for runtime/bpf/syscall_decode.c.",
             " */", ""]
    lines += c_table("bstap_errno_names", 24, errs)
    lines.append("")
    lines += c_table("bstap_syscall_names", 28,
                     {nr: name for name, (nr, _) in table.items()})
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracefs", default="/sys/kernel/tracing")
    ap.add_argument("--unistd",
                    default="/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
    ap.add_argument("--errno-dir", default="/usr/include/asm-generic")
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tapsets"))
    opt = ap.parse_args()

    nrs = read_unistd(opt.unistd)
    calls = read_tracefs(opt.tracefs)
    if calls is None:
        sys.exit("gen-syscalls: no %s/events/syscalls: mount tracefs" %
                 opt.tracefs)
    btf = read_btf()
    table = {}		# stap name -> (nr, args)
    for kname, args in calls.items():
        name = RENAMED.get(kname, kname)
        if name not in nrs:
            print("gen-syscalls: %s: no x86_64 number, skipped" % kname,
                  file=sys.stderr)
            continue
        table[name] = (nrs[name], args)
    for name, nr in nrs.items():
        if name not in table:
            table[name] = (nr, btf.get(name, NO_EVENT_ARGS.get(name, [])))
    hand = hand_written(os.path.join(opt.out, "syscalls.stp"))

    out = ["// syscall tapset, generated part: every system call of the kernel",
           "// that tapsets/syscalls.stp does not decode by hand, with its",
           "// arguments as numbers, pointers and quoted path strings.",
           "// GENERATED by scripts/gen-syscalls.py (see there to regenerate);",
           "// do not edit.", ""]
    for name in sorted(table):
        if name in hand:
            continue
        nr, args = table[name]
        out += gen_call(name, nr, args)
    with open(os.path.join(opt.out, "syscalls_generated.stp"), "w") as f:
        f.write("\n".join(out))

    nd = ["// nd_syscall.* and tp_syscall.*: SystemTap's other names for",
          "// the syscall.* probes, so scripts written for them run.",
          "// GENERATED by scripts/gen-syscalls.py; do not edit.", ""]
    for pfx in ("nd_syscall", "tp_syscall"):
        for name in sorted(table):
            nd.append("probe %s.%s = syscall.%s {}" % (pfx, name, name))
            nd.append("probe %s.%s.return = syscall.%s.return {}" %
                      (pfx, name, name))
    nd.append("")
    with open(os.path.join(opt.out, "syscalls_nd.stp"), "w") as f:
        f.write("\n".join(nd))
    errs = read_errno([os.path.join(opt.errno_dir, "errno-base.h"),
                       os.path.join(opt.errno_dir, "errno.h")])
    gen_tables(errs, table, os.path.join(opt.out, "..", "runtime", "bpf",
                                         "syscall_tables.h"))
    print("gen-syscalls: %d calls, %d by hand" % (len(table), len(hand)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
