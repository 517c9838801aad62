#!/bin/sh
# The whole test suite, as the README and CI run it:
#   1. install missing Debian packages (quiet, idempotent),
#   2. build and `make check` in this tree,
#   3. build a copy with AddressSanitizer + UBSan and `make check` it too,
# then print the totals of both as the last line: `N passed, M failed`.
# Set BSTAP_NO_SANITIZERS=1 to skip step 3.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

sh scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

build() {	# dir configure-args...
	dir=$1
	shift
	(
		cd "$dir" || exit 1
		[ -x configure ] || ./autogen.sh || exit 1
		[ -f Makefile ] || ./configure -q "$@" || exit 1
		make -s -j"$jobs" >/dev/null || make -j1
	)
}

# Adds a tree's test-suite.log totals to passed/failed/skipped.
count() {	# dir
	log=$1/test-suite.log
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		return
	fi
	get() { sed -n "s/^# $1: *//p" "$log" | head -n 1; }
	passed=$((passed + $(get PASS) + $(get XFAIL)))
	failed=$((failed + $(get FAIL) + $(get XPASS) + $(get ERROR)))
	skipped=$((skipped + $(get SKIP)))
}

passed=0 failed=0 skipped=0 status=0

echo "== build and test"
if build "$top"; then
	make -s -j"$jobs" check >/dev/null 2>&1 || status=1
	[ $status -eq 0 ] || grep -E '^(FAIL|ERROR|XPASS)' "$top/test-suite.log" "$top"/testsuite/*.log 2>/dev/null | head -n 40
	count "$top"
else
	echo "build failed"
	status=1 failed=$((failed + 1))
fi

if [ "${BSTAP_NO_SANITIZERS:-}" != 1 ]; then
	echo "== build and test with AddressSanitizer and UBSan"
	asan=$top/build-sanitizers
	rm -rf "$asan"
	mkdir -p "$asan"
	git ls-files -z | xargs -0 tar cf - | tar xf - -C "$asan"
	if build "$asan" --enable-sanitizers; then
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			make -C "$asan" -s -j"$jobs" check >/dev/null 2>&1 || status=1
		[ $status -eq 0 ] || grep -h -E '^(FAIL|ERROR|XPASS)' "$asan/test-suite.log" 2>/dev/null | head -n 40
		count "$asan"
	else
		echo "sanitizer build failed"
		status=1 failed=$((failed + 1))
	fi
fi

[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
