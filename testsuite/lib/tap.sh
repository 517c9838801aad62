# SPDX-License-Identifier: GPL-2.0-or-later
# TAP helpers for script tests; sourced by testsuite/*.test.
#
# Golden tests: a test is a script file with its expected output beside it.
#   run_golden DIR MODE
# MODE  runs                       and compares
# p1    bstap -p1 NAME.stp         stdout with NAME.p1, then the round trip
#                                  (the output parsed again prints the same)
# p2    bstap -p2 NAME.stp         stdout with NAME.p2
# err1  bstap -p1 NAME.stp         exit 1 and stderr with NAME.err
# err2  bstap -p2 NAME.stp         exit 1 and stderr with NAME.err
# cli   bstap $(cat NAME.args)     stdout with NAME.out, stderr with NAME.err,
#                                  exit code with NAME.exit (default 0)
# A script's first lines may say `# args: A B` (positional parameters) and
# `# tapsets: DIR` (an extra -I DIR, relative to the test's directory).
# With BSTAP_REGEN=1, missing expectation files are written from the
# current output (review them before committing!).

: "${BSTAP:?BSTAP must point at the bstap binary}"
: "${TESTSUITE_SRCDIR:?}"

tap_n=0
tap_failed=0
tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/bstap-test.XXXXXX")
tap_watchdog_pid=
trap 'tap_watchdog_stop; rm -rf "$tap_tmp"' EXIT

# A test that hangs (a runner that never ends, a workload that never exits)
# must not hang the suite and with it CI: a watchdog ends the test script
# and everything it started after BSTAP_TEST_TIMEOUT seconds (default 900)
# and says so as a TAP bail-out. Live tests restart it once they hold the
# live-test lock, so waiting for the lock does not count.
tap_watchdog_stop() {
	[ -z "$tap_watchdog_pid" ] || kill "$tap_watchdog_pid" 2>/dev/null
	tap_watchdog_pid=
}

# The watchdog is a shell of its own so that its $$ tells it which of the
# test's children to spare. It holds none of the test's files open: not the
# live-test lock (fd 9), not the output pipe (the TAP driver reads until
# every writer has closed it), so a watchdog that outlives its test (a test
# that sets a trap of its own replaces tap.sh's EXIT trap) delays nothing;
# it notices within seconds that the test is gone and ends.
tap_watchdog_start() {
	tap_watchdog_stop
	sh -c '
		limit=$1 test_pid=$2
		waited=0
		while [ "$waited" -lt "$limit" ]; do
			sleep 2
			kill -0 "$test_pid" 2>/dev/null || exit 0
			waited=$((waited + 2))
		done
		echo "Bail out! the test ran over ${limit}s (BSTAP_TEST_TIMEOUT) and was stopped" \
			>"/proc/$test_pid/fd/1"
		kill_tree() {
			for c in $(ps -o pid= --ppid "$1"); do
				[ "$c" = $$ ] || kill_tree "$c"
			done
			kill -TERM "$1" 2>/dev/null
		}
		kill_tree "$test_pid"
	' tap-watchdog "${BSTAP_TEST_TIMEOUT:-900}" $$ </dev/null >/dev/null 2>&1 9>&- &
	tap_watchdog_pid=$!
}
tap_watchdog_start

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		sed -e 's/^/# /' "$2" | head -n 40
	fi
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# Compare an output file with an expectation; on mismatch show a diff.
tap_check_file() {	# name got want
	if [ ! -f "$3" ]; then
		if [ "${BSTAP_REGEN:-}" = 1 ]; then
			cp "$2" "$3"
			tap_ok "$1 (expectation written)"
			return
		fi
		echo "missing $3" >"$tap_tmp/diff"
		tap_not_ok "$1" "$tap_tmp/diff"
	elif diff -u "$3" "$2" >"$tap_tmp/diff" 2>&1; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$tap_tmp/diff"
	fi
}

# The value of a `# key: value` header line in the first 5 lines of a file.
script_header() {	# file key
	head -n 5 "$1" | sed -n "s/^# $2: //p" | head -n 1
}

golden_one() {	# dir name mode
	dir=$1 name=$2 mode=$3
	base=${name%.*}
	args=$(script_header "$dir/$name" args)
	tapsets=$(script_header "$dir/$name" tapsets)
	opts=""
	[ -n "$tapsets" ] && opts="-I $tapsets"
	out=$tap_tmp/out err=$tap_tmp/err
	case $mode in
	p1|p2)
		# shellcheck disable=SC2086
		(cd "$dir" && "$BSTAP" -"$mode" $opts "$name" $args) >"$out" 2>"$err"
		rc=$?
		if [ $rc -ne 0 ]; then
			tap_not_ok "$base: bstap -$mode exited $rc" "$err"
			return
		fi
		tap_check_file "$base: -$mode" "$out" "$dir/$base.$mode"
		if [ "$mode" = p1 ]; then
			cp "$out" "$tap_tmp/again.stp"
			# shellcheck disable=SC2086
			(cd "$dir" && "$BSTAP" -p1 $opts "$tap_tmp/again.stp" $args) \
				>"$tap_tmp/out2" 2>"$err"
			if cmp -s "$out" "$tap_tmp/out2"; then
				tap_ok "$base: round trip"
			else
				diff -u "$out" "$tap_tmp/out2" >"$tap_tmp/diff" 2>&1
				cat "$err" >>"$tap_tmp/diff"
				tap_not_ok "$base: round trip" "$tap_tmp/diff"
			fi
		fi
		;;
	err1|err2)
		pass=${mode#err}
		# shellcheck disable=SC2086
		(cd "$dir" && "$BSTAP" -p"$pass" $opts "$name" $args) >"$out" 2>"$err"
		rc=$?
		if [ $rc -ne 1 ]; then
			cat "$err" "$out" >"$tap_tmp/diff"
			tap_not_ok "$base: expected exit 1, got $rc" "$tap_tmp/diff"
			return
		fi
		tap_check_file "$base: diagnostic" "$err" "$dir/$base.err"
		;;
	cli)
		want_rc=0
		[ -f "$dir/$base.exit" ] && want_rc=$(cat "$dir/$base.exit")
		(cd "$dir" && eval "set -- $(cat "$name")" && "$BSTAP" "$@") \
			>"$out" 2>"$err" </dev/null
		rc=$?
		if [ "$rc" != "$want_rc" ]; then
			cat "$err" >"$tap_tmp/diff"
			tap_not_ok "$base: expected exit $want_rc, got $rc" "$tap_tmp/diff"
			return
		fi
		[ -f "$dir/$base.out" ] || [ -s "$out" ] && \
			tap_check_file "$base: stdout" "$out" "$dir/$base.out"
		[ -f "$dir/$base.err" ] || [ -s "$err" ] && \
			tap_check_file "$base: stderr" "$err" "$dir/$base.err"
		[ -f "$dir/$base.out" ] || [ -f "$dir/$base.err" ] || \
			[ -s "$out" ] || [ -s "$err" ] || tap_ok "$base: exit $rc"
		;;
	esac
}

# cli tests name the test programs as ../progs/NAME: run them from a scratch
# copy of their directory beside the build tree's progs/, so that they also
# work in out-of-tree builds (make distcheck).
cli_workdir() {	# subdir
	work=$tap_tmp/run/$1
	mkdir -p "$work"
	ln -s "${TESTSUITE_BUILDDIR:-$TESTSUITE_SRCDIR}/progs" "$tap_tmp/run/progs"
	for f in "$TESTSUITE_SRCDIR/$1"/*; do
		ln -s "$f" "$work/"
	done
	echo "$work"
}

run_golden() {	# subdir mode
	dir=$TESTSUITE_SRCDIR/$1
	ext=stp
	if [ "$2" = cli ]; then
		ext=args
		dir=$(cli_workdir "$1")
	fi
	found=0
	for f in "$dir"/*."$ext"; do
		[ -f "$f" ] || continue
		found=1
		golden_one "$dir" "$(basename "$f")" "$2"
	done
	[ $found = 1 ] || tap_skip "no tests in $1 yet"
	tap_done
}

# Live BPF tests compare `bpftool prog list` before and after a run to prove
# nothing stays loaded; two such test scripts running at once (make -j2
# check) would see each other's programs. A live test script calls this
# first: it holds an exclusive lock until the script exits.
bpf_live_lock() {
	if command -v flock >/dev/null 2>&1; then
		exec 9>"${TMPDIR:-/tmp}/bstap-live-tests.lock"
		tap_watchdog_stop
		flock 9
		tap_watchdog_start
	fi
}
