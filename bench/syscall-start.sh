#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Start-up of a probe on every system call, from the top of a built tree (root):
#   bstap      probe syscall.* { n++ }                   (the syscall tapset:
#              one dispatcher program per direction, and without it)
#   bstap      probe syscall.* { printf(name, argstr) }  (380 formatters)
#   bstap      probe syscall_any { n++ }                 (one program)
#   bpftrace   tracepoint:syscalls:sys_enter_* { @n++ }
# Each row: seconds from the command's start to the end of a run that
# stops as soon as everything is attached (-c true / -c true). Not a test.
set -u
B=${BSTAP:-./translator/bstap}
R=${RUNNER:-./stapbpf-run/stapbpf-run}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
row() {		# label command...
	label=$1
	shift
	t0=$(now)
	if timeout 300 "$@" >"$T/out" 2>"$T/err"; then
		printf '| %s | %.2f |\n' "$label" "$(echo "$(now) - $t0" | bc)"
	else
		printf '| %s | fails: %s |\n' "$label" "$(tail -n 1 "$T/err")"
	fi
}

echo "| probe on every system call | seconds to attached and done |"
echo "| --- | --- |"
row "bstap -p2 'probe syscall.* { n++ }' (elaborate)" \
	"$B" -p2 -e 'global n; probe syscall.* { n++ }'
row "bstap -p4 'probe syscall.* { n++ }' (translate)" \
	sh -c "cd $T && $PWD/$B -p4 -m sc -e 'global n; probe syscall.* { n++ }'"
row "stapbpf-run sc.bo -c true (load, attach)" "$R" -c true "$T/sc.bo"
row "bstap 'probe syscall.* { n++ }' -c true (all passes)" \
	"$B" -c true -e 'global n; probe syscall.* { n++ }'
row "bstap -D BSTAP_NO_DISPATCH (a program per alias) -c true" \
	"$B" -D BSTAP_NO_DISPATCH -c true -e 'global n; probe syscall.* { n++ }'
ARGSTR='probe syscall.* { printf("%s %s\n", name, argstr) }'
row "bstap -p4 'probe syscall.* { printf(name, argstr) }' (translate)" \
	sh -c "cd $T && $PWD/$B -p4 -m sa -e '$ARGSTR'"
row "stapbpf-run sa.bo -c true (load, attach)" "$R" -c true "$T/sa.bo"
row "bstap 'probe syscall_any { n++ }' -c true" \
	"$B" -c true -e 'global n; probe syscall_any { n++ }'
if command -v bpftrace >/dev/null 2>&1; then
	row "bpftrace $(bpftrace --version | sed 's/.* v*//') 'tracepoint:syscalls:sys_enter_* { @n++ }' -c /bin/true" \
		bpftrace -e 'tracepoint:syscalls:sys_enter_* { @n++ }' \
		-c /bin/true
else
	echo "| bpftrace | n/a (bpftrace not installed) |"
fi
