# Helpers for the subsystem tapset tests (testsuite/tapset-*.test): run a
# script of testsuite/tapset/ with `tapset_prog MODE` as its target, then
# check per alias that a line with the values the program recorded (its
# facts file) was printed. Sourced after lib/tap.sh.

TS_B=${TESTSUITE_BUILDDIR:-$TESTSUITE_SRCDIR}
TS_PROG=$(cd "$TS_B/progs" 2>/dev/null && pwd)/tapset_prog
TS_FACTS=$tap_tmp/facts
TS_OUT=$tap_tmp/out

# Why live runs cannot happen here, or nothing.
ts_why_not_live() {
	[ "$(id -u)" -eq 0 ] || { echo "needs root"; return; }
	[ -r /sys/kernel/btf/vmlinux ] || { echo "the kernel has no BTF"; return; }
	[ -x "$TS_B/../stapbpf-run/stapbpf-run" ] ||
		{ echo "stapbpf-run is not built"; return; }
	[ -x "$TS_PROG" ] || echo "testsuite/progs/tapset_prog is not built"
}

# ts_run SCRIPT MODE [ARGS...]: run (at most 120 s); false (and a failed
# test) on an error.
ts_run() {
	script=$TESTSUITE_SRCDIR/tapset/$1
	mode=$2
	shift 2
	timeout 120 "$BSTAP" -c "$TS_PROG $mode $TS_FACTS $*" "$script" \
		>"$TS_OUT" 2>"$tap_tmp/err"
	rc=$?
	if [ $rc -ne 0 ] || [ ! -s "$TS_FACTS" ]; then
		cat "$TS_OUT" >>"$tap_tmp/err"
		tap_not_ok "$(basename "$script") runs (exit $rc)" "$tap_tmp/err"
		return 1
	fi
	tap_ok "$(basename "$script") runs"
}

# A fact the program recorded.
ts_fact() {
	sed -n "s/^$1 //p" "$TS_FACTS" | head -n 1
}

# ts_expect ALIAS LINE: the alias printed exactly this line.
ts_expect() {
	if grep -qxF -- "$2" "$TS_OUT"; then
		tap_ok "$1: $2"
	else
		{ echo "expected: $2"; echo "got:"; cat "$TS_OUT"; } \
			>"$tap_tmp/diff"
		tap_not_ok "$1: $2" "$tap_tmp/diff"
	fi
}

# ts_skip_all REASON ALIAS...: one SKIP per alias.
ts_skip_all() {
	why=$1
	shift
	for a in "$@"; do
		tap_skip "$a: $why"
	done
}

# Nothing of the script stays loaded once bstap has exited.
ts_no_leak() {
	if ! command -v bpftool >/dev/null 2>&1; then
		tap_skip "leak check: bpftool is not installed"
	elif bpftool prog list 2>/dev/null |
	     grep -q ' name probe_[0-9]*_[0-9]*'; then
		tap_not_ok "nothing left loaded"
	else
		tap_ok "nothing left loaded"
	fi
}
