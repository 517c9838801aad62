#!/bin/sh
# Front-end benchmarks, printed as a table. Not a test: nothing here fails because the
# machine is slow. Run from the top of a built tree:  bench/frontend.sh
# (bench/run runs it, then bench/runtime.sh)
#
# front end: parse (-p1) and parse+elaborate (-p2) of a generated 2,000-line
# script that uses tapset aliases. Columns: whole command wall time (median of
# RUNS runs, process start included), bstap's own pass times (-t), and, when
# SystemTap is installed, `stap -p1` on the same script for comparison
# (stap -p2 needs kernel debuginfo, which this project's users do not have).
set -u
cd "$(dirname "$0")/.."
bstap=${BSTAP:-./translator/bstap}
runs=${RUNS:-21}
lines=${LINES_OF_SCRIPT:-2000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

[ -x "$bstap" ] || { echo "bench/frontend.sh: build first (make)" >&2; exit 1; }
bench/gen-script.sh "$lines" >"$tmp/big.stp"

now_ns() { date +%s%N; }

# median wall time in ms of a command, run $runs times
median_ms() {
	i=0
	: >"$tmp/times"
	while [ $i -lt "$runs" ]; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t1=$(now_ns)
		echo $(( (t1 - t0) / 1000 )) >>"$tmp/times"
		i=$((i + 1))
	done
	sort -n "$tmp/times" | awk '{ a[NR] = $1 } END { printf "%.1f", a[int((NR + 1) / 2)] / 1000 }'
}

# median of bstap's own time for one pass, from -t output
pass_ms() {	# pass-number pass-label
	i=0
	: >"$tmp/passes"
	while [ $i -lt "$runs" ]; do
		"$bstap" -t -p"$1" "$tmp/big.stp" 2>&1 >/dev/null |
			sed -n "s/^pass $2[^:]*: \([0-9.]*\) ms/\1/p" >>"$tmp/passes"
		i=$((i + 1))
	done
	sort -n "$tmp/passes" | awk '{ a[NR] = $1 } END { if (NR) printf "%.1f", a[int((NR + 1) / 2)]; else printf "-" }'
}

peak_rss_mb() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 |
			awk '{ printf "%.1f", $1 / 1024 }'
	else
		printf -- "-"
	fi
}

"$bstap" -p2 "$tmp/big.stp" >/dev/null 2>"$tmp/err" || {
	echo "bench/frontend.sh: bstap -p2 failed on the generated script:" >&2
	head -n 20 "$tmp/err" >&2
	exit 1
}

stap_p1="n/a"
if command -v stap >/dev/null 2>&1; then
	stap_p1=$(median_ms stap -p1 "$tmp/big.stp")
fi

printf 'front end, %s-line script using tapset aliases, median of %s runs\n\n' \
	"$(wc -l <"$tmp/big.stp")" "$runs"
printf '| %-32s | %10s | %12s | %10s |\n' "measure" "bstap ms" "in-process ms" "stap 4.8 ms"
printf '|%s|%s|%s|%s|\n' "----------------------------------" "------------" "--------------" "------------"
printf '| %-32s | %10s | %13s | %10s |\n' "parse (-p1)" \
	"$(median_ms "$bstap" -p1 "$tmp/big.stp")" "$(pass_ms 1 1)" "$stap_p1"
printf '| %-32s | %10s | %13s | %10s |\n' "parse + elaborate (-p2)" \
	"$(median_ms "$bstap" -p2 "$tmp/big.stp")" "$(pass_ms 2 2)" "n/a"
printf '\npeak RSS of bstap -p2: %s MB\n' "$(peak_rss_mb "$bstap" -p2 "$tmp/big.stp")"
