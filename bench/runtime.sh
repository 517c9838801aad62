#!/bin/sh
# Runtime benchmarks, printed as tables: bstap against bpftrace (when it is
# installed) and hand-written libbpf programs doing the same job, all measured
# in this one run. Not a test: nothing here fails because the machine is slow.
# Needs root (it loads BPF programs). Run from the top of a built tree:
#   bench/runtime.sh            (bench/run runs it after the front end)
# See bench/README.md for what each number means. Knobs (environment):
#   RT_PASSES   passes over all tools, interleaved (default 3)
#   RT_ROUNDS   load-generator rounds per tool and pass, counting (default 6)
#   RT_CALLS    getppid() calls per round, counting (default 500000)
#   RT_PROUNDS  rounds per tool and pass, printf (default 2)
#   RT_PCALLS   getppid() calls per round, printf (default 1000000)
#   RT_STARTS   runs of each start-up measurement (default 7)
#   RT_RATES    paced rates (calls/s) of the lossless-rate ladder, table 5
#               (default "50000 100000 200000 400000 800000 1200000 1600000 2400000 3200000")
#   RT_RATE_SECONDS  seconds of each paced run (default 2)
#   RT_LADDERS  times the whole ladder runs (default 2)
#   RT_BISECT   bisection steps between the last lossless and the first lossy
#               rate of the ladder (default 2; 0: none)
#   RT_TABLES   which tables: any of "count printf startup lossless"
#               (default all four; startup is tables 3 and 4)
#   RT_TIMEOUT  seconds any one tool invocation may take (default 120)
#   RT_QUIET_WAIT  seconds to wait at the start for other users' programs on
#               sys_enter* to go (default 60)
#   BPFTRACE    bpftrace command (default: bpftrace from PATH)
#   BSTAP_OLD, STAPBPF_RUN_OLD  an older bstap / stapbpf-run (another
#               tree's) measured in tables 2-5 too, its runs alternating
#               with this tree's, so that both see the same load
#   RT_NO_LOCK  set: do not hold the live-test lock while measuring
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
bstap=${BSTAP:-$top/translator/bstap}
runner=${STAPBPF_RUN:-$top/stapbpf-run/stapbpf-run}
passes=${RT_PASSES:-3}
rounds=${RT_ROUNDS:-6}
calls=${RT_CALLS:-500000}
prounds=${RT_PROUNDS:-2}
pcalls=${RT_PCALLS:-1000000}
starts=${RT_STARTS:-7}
limit=${RT_TIMEOUT:-120}
bpftrace=${BPFTRACE:-bpftrace}
bstap_old=${BSTAP_OLD:-}
runner_old=${STAPBPF_RUN_OLD:-}
rates=${RT_RATES:-50000 100000 200000 400000 800000 1200000 1600000 2400000 3200000}
rate_s=${RT_RATE_SECONDS:-2}
bisect=${RT_BISECT:-2}
ladders=${RT_LADDERS:-2}
tables=${RT_TABLES:-count printf startup lossless}
want() { case " $tables " in *" $1 "*) return 0 ;; esac; return 1; }

if [ "$(id -u)" != 0 ]; then
	echo "runtime benchmarks: skipped (they load BPF programs: run as root)"
	exit 0
fi
# a tree being rebuilt lacks them for a moment: wait up to two minutes
i=0
while { [ ! -x "$bstap" ] || [ ! -x "$runner" ]; } && [ $i -lt 24 ]; do
	sleep 5
	i=$((i + 1))
done
[ -x "$bstap" ] && [ -x "$runner" ] || {
	echo "bench/runtime.sh: build first (make)" >&2
	exit 1
}

tmp=$(mktemp -d)
# big output files go to tmpfs when there is one
out=$tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	out=$(mktemp -d /dev/shm/bstap-bench.XXXXXX) || out=$tmp
fi
bg=
cleanup() {
	[ -n "$bg" ] && kill "$bg" 2>/dev/null
	rm -rf "$tmp"
	[ "$out" != "$tmp" ] && rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

b=${BENCH_BUILD:-$tmp/build}
if ! bench/build.sh "$b" >"$tmp/build.log" 2>&1; then
	echo "bench/runtime.sh: some helpers did not build:" >&2
	cat "$tmp/build.log" >&2
fi
[ -x "$b/loadgen" ] && [ -x "$b/tfirst" ] || {
	echo "bench/runtime.sh: the load generator does not build; no runtime benchmarks" >&2
	exit 1
}
# Measure holding the live-test lock (testsuite/lib/tap.sh's): test suites
# of this tree, or of others on the machine, then load no programs of their
# own on the syscall tracepoints while the figures are taken (their
# programs slow every system call), and nothing loaded here shows up in
# their leak checks. RT_NO_LOCK=1 to measure without it.
if [ -z "${RT_NO_LOCK:-}" ] && command -v flock >/dev/null 2>&1; then
	exec 9>"${TMPDIR:-/tmp}/bstap-live-tests.lock"
	flock 9
fi
have_loader=no
[ -x "$b/loader" ] && have_loader=yes
have_bpftrace=no
command -v "$bpftrace" >/dev/null 2>&1 && have_bpftrace=yes
NA_BT="n/a (bpftrace not installed)"
NA_HW="n/a (reference did not build)"

prog_ids() { bpftool prog list 2>/dev/null | sed -n 's/^\([0-9][0-9]*\): .*/\1/p' | sort -n; }
have_bpftool=no
command -v bpftool >/dev/null 2>&1 && have_bpftool=yes
[ $have_bpftool = yes ] && prog_ids >"$tmp/progs.before"

# ---- helpers ------------------------------------------------------------

pct() {	# P, numbers on stdin -> the P-th percentile, nearest rank (or "-")
	sort -g | awk -v p="$1" '{ a[NR] = $1 } END {
		if (!NR) { printf "-"; exit }
		i = int(NR * p / 100 + 0.999999); if (i < 1) i = 1
		printf "%.1f", a[i] }'
}

median() {	# numbers on stdin -> median (or "-")
	sort -g | awk '{ a[NR] = $1 } END {
		if (!NR) { printf "-"; exit }
		if (NR % 2) m = a[(NR + 1) / 2]; else m = (a[NR / 2] + a[NR / 2 + 1]) / 2
		printf "%.1f", m }'
}

# ns per call of every round in a loadgen result file
# (result files: "pid PID", then "CALLS NS" per round, and "CALLS NS getpid"
# for the untraced syscall's rounds; they may be concatenated)
per_call() { awk '$1 ~ /^[0-9]+$/ && $1 > 0 && NF == 2 { printf "%.3f\n", $2 / $1 }' "$@"; }
per_call_other() { awk '$1 ~ /^[0-9]+$/ && $1 > 0 && $3 == "getpid" { printf "%.3f\n", $2 / $1 }' "$@"; }
# per round: getppid ns/call - the getpid ns/call of the round right after it
per_pair() {
	awk '$1 ~ /^[0-9]+$/ && $1 > 0 && NF == 2 { p = $2 / $1; have = 1; next }
	     $1 ~ /^[0-9]+$/ && $1 > 0 && $3 == "getpid" && have { printf "%.3f\n", p - $2 / $1; have = 0 }' "$@"
}
calls_of() { awk '$1 ~ /^[0-9]+$/ && NF == 2 { n += $1 } END { print n + 0 }' "$@"; }
ns_of() { awk '$1 ~ /^[0-9]+$/ && NF == 2 { n += $2 } END { print n + 0 }' "$@"; }
pid_of() { sed -n 's/^pid //p' "$1"; }

# first meaningful line of an error output, shortened for a table cell
reason() {
	r=$(grep -v -i '^warning\|RLIMIT_MEMLOCK\|^Attaching' "$1" 2>/dev/null |
		grep -m 1 -i 'error\|fail\|cannot\|unknown\|not \|refus\|invalid' ||
		grep -v '^[[:space:]]*$' "$1" 2>/dev/null | head -n 1)
	[ -n "$r" ] || r="exit status $2, no message"
	[ "$2" = 124 ] && r="timed out after $limit s; $r"
	printf '%s' "$r" | tr -d '|\r' | tr '\t' ' ' | cut -c 1-90
}

# run a tool with a time bound; stdout+stderr to $1. When the command
# cannot be started (126/127: say, bstap is being rebuilt), wait and retry.
bounded() {	# errfile cmd...
	e=$1; shift
	try=0
	while :; do
		timeout -s INT -k 5 "$limit" "$@" >"$e" 2>&1
		st=$?
		case $st in 126|127) ;; *) return $st ;; esac
		try=$((try + 1))
		[ $try -gt 6 ] && return $st
		sleep 10
	done
}

loadgen_cmd() {	# result-file calls rounds [-a] -> loadgen command line (no shell needed)
	echo "$b/loadgen -n $2 -r $3 -T 20 ${4:-} -o $1"
}

# untraced rounds, appended to $1
baseline() {	# file calls rounds [-a]
	"$b/loadgen" -n "$2" -r "$3" -T 20 ${4:-} -o "$tmp/base.tmp" && cat "$tmp/base.tmp" >>"$1"
}

row() { printf '| %s |\n' "$(printf '%s' "$*" | sed 's/\t/ | /g')"; }

# ---- header -------------------------------------------------------------

bt_version=$([ $have_bpftrace = yes ] && "$bpftrace" --version 2>/dev/null | head -n 1)
printf '\nruntime: %s CPUs, kernel %s, load average %s, %s; bpftrace: %s\n' \
	"$(nproc)" "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
	"$(date -u '+%Y-%m-%d %H:%M UTC')" "${bt_version:-not installed}"
# other programs on the syscall tracepoints (a test suite running meanwhile)
# slow every getppid() down, traced or not: wait a while for them to go, and
# note the most seen before any tool's run
others() {
	[ $have_bpftool = yes ] || { echo 0; return; }
	{ bpftool perf list 2>/dev/null | grep -c 'sys_enter'
	  bpftool link list 2>/dev/null | grep -c 'sys_enter'; } | awk '{ n += $1 } END { print n + 0 }'
}
note_others() {	# table
	n=$(others)
	m=$(cat "$tmp/others.$1" 2>/dev/null || echo 0)
	[ "$n" -gt "$m" ] && echo "$n" >"$tmp/others.$1"
	return 0
}
print_others() {	# table
	m=$(cat "$tmp/others.$1" 2>/dev/null || echo 0)
	[ "$m" -gt 0 ] && printf 'note: up to %s BPF attachment(s) of other users on sys_enter* during this table; they slow traced and untraced calls alike and add noise\n' "$m"
	return 0
}
i=0
while [ "$(others)" -gt 0 ] && [ $i -lt "${RT_QUIET_WAIT:-60}" ]; do
	sleep 5
	i=$((i + 5))
done
n=$(others)
[ "$n" -gt 0 ] && printf 'note: %s BPF attachment(s) of other users on sys_enter* at the start\n' "$n"
printf 'load generator: syscall(SYS_getppid) in a loop; untraced rounds right before each traced run; %s passes over the tools\n' "$passes"

# ---- 1. count per pid ---------------------------------------------------
if want count; then

S_COUNT='global c; probe kernel.trace("syscalls:sys_enter_getppid") { c[pid()]++ }'
S_COUNT_ALIAS='global c; probe syscall.getppid { c[pid()]++ }'
BT_COUNT='tracepoint:syscalls:sys_enter_getppid { @[pid] = count(); }'

# tools: key|label
count_tools="hw_tp|hand-written libbpf: classic tracepoint, hash + atomic add
hw_raw|hand-written libbpf: raw tracepoint sys_enter, filtered by number
bstap|bstap: kernel.trace(\"syscalls:sys_enter_getppid\")
bstap_alias|bstap: syscall.getppid (tapset alias)
bpftrace|bpftrace: tracepoint, @[pid] = count()"

run_count() {	# key pass
	k=$1; res=$tmp/count.$k.$2.res; err=$tmp/count.$k.$2.err
	lg=$(loadgen_cmd "$res" "$calls" "$rounds" -a)
	case $k in
	hw_tp)	bounded "$err" "$b/loader" -T "$limit" "$b/count_tp.bpf.o" $lg ;;
	hw_raw)	bounded "$err" "$b/loader" -T "$limit" "$b/count_raw.bpf.o" $lg ;;
	bstap)	bounded "$err" "$bstap" -c "$lg" -e "$S_COUNT" ;;
	bstap_alias) bounded "$err" "$bstap" -c "$lg" -e "$S_COUNT_ALIAS" ;;
	bpftrace) bounded "$err" "$bpftrace" -c "$lg" -e "$BT_COUNT" ;;
	esac
	st=$?
	if [ $st -ne 0 ] || [ ! -s "$res" ]; then
		[ -e "$tmp/count.$k.fail" ] || reason "$err" $st >"$tmp/count.$k.fail"
		return
	fi
	cat "$res" >>"$tmp/count.$k.all"
	p=$(pid_of "$res")
	n=$(sed -n "s/.*c\[$p\]=\([0-9]*\).*/\1/p; s/^@\[$p\]: \([0-9]*\).*/\1/p; s/.* $p=\([0-9]*\).*/\1/p" "$err" | head -n 1)
	echo "${n:-0} $(calls_of "$res")" >>"$tmp/count.$k.counted"
}

skip_tool() {	# key -> reason to skip, if any
	case $1 in
	hw_*) [ $have_loader = yes ] || { echo "$NA_HW"; return; }
		[ -e "$b/$( [ $1 = hw_tp ] && echo count_tp || echo count_raw).bpf.o" ] || echo "$NA_HW" ;;
	bpftrace) [ $have_bpftrace = yes ] || echo "$NA_BT" ;;
	esac
}

pass=1
while [ $pass -le "$passes" ]; do
	echo "$count_tools" | while IFS='|' read -r k label; do
		[ -n "$(skip_tool "$k")" ] && continue
		[ -e "$tmp/count.$k.fail" ] && continue
		note_others count
		baseline "$tmp/count.$k.base" "$calls" "$rounds" -a
		run_count "$k" "$pass"
	done
	pass=$((pass + 1))
done

raw_ovh=; raw_p10=
if [ -e "$tmp/count.hw_raw.all" ]; then
	raw_ovh=$(echo "$(per_call "$tmp/count.hw_raw.all" | median) $(per_call "$tmp/count.hw_raw.base" | median)" | awk '{ printf "%.1f", $1 - $2 }')
	raw_p10=$(echo "$(per_call "$tmp/count.hw_raw.all" | pct 10) $(per_call "$tmp/count.hw_raw.base" | pct 10)" | awk '{ printf "%.1f", $1 - $2 }')
fi

printf '\n1. count per pid on syscalls:sys_enter_getppid (%s passes x %s rounds of %s calls; ns/call medians)\n\n' "$passes" "$rounds" "$calls"
row "tool	untraced ns/call	traced ns/call	overhead ns/event	events/s	x raw tp	overhead p10	x raw tp p10	paired overhead (traced call only)	getpid() overhead ns, p10	counted / sent"
row "---	---	---	---	---	---	---	---	---	---	---"
echo "$count_tools" | while IFS='|' read -r k label; do
	s=$(skip_tool "$k")
	if [ -n "$s" ]; then row "$label	$s	-	-	-	-	-	-	-	-	-"; continue; fi
	if [ ! -e "$tmp/count.$k.all" ]; then
		row "$label	fails: $(cat "$tmp/count.$k.fail" 2>/dev/null)	-	-	-	-	-	-	-	-	-"
		continue
	fi
	u=$(per_call "$tmp/count.$k.base" | median)
	t=$(per_call "$tmp/count.$k.all" | median)
	o=$(echo "$t $u" | awk '{ printf "%.1f", $1 - $2 }')
	eps=$(echo "$t" | awk '{ printf "%.2fM", 1000 / $1 }')
	x=$(echo "$o ${raw_ovh:-}" | awk 'NF == 2 && $2 > 0 { printf "%.2f", $1 / $2; exit } { printf "-" }')
	o10=$(echo "$(per_call "$tmp/count.$k.all" | pct 10) $(per_call "$tmp/count.$k.base" | pct 10)" | awk '{ printf "%.1f", $1 - $2 }')
	x10=$(echo "$o10 ${raw_p10:-}" | awk 'NF == 2 && $2 > 0 { printf "%.2f", $1 / $2; exit } { printf "-" }')
	cs=$(awk '{ c += $1; s += $2 } END { printf "%d / %d", c, s }' "$tmp/count.$k.counted")
	[ -e "$tmp/count.$k.fail" ] && cs="$cs (a run failed: $(cat "$tmp/count.$k.fail"))"
	g=$(echo "$(per_call_other "$tmp/count.$k.all" | median) $(per_call_other "$tmp/count.$k.base" | median) $(per_call_other "$tmp/count.$k.all" | pct 10) $(per_call_other "$tmp/count.$k.base" | pct 10)" |
		awk 'NF == 4 { printf "%.1f, %.1f", $1 - $2, $3 - $4; exit } { printf "-" }')
	op=$(echo "$(per_pair "$tmp/count.$k.all" | median) $(per_pair "$tmp/count.$k.base" | median)" | awk 'NF == 2 { printf "%.1f", $1 - $2; exit } { printf "-" }')
	row "$label	$u	$t	$o	$eps	$x	$o10	$x10	$op	$g	$cs"
	[ "$k" = bstap ] && echo "$x $x10" >"$tmp/count.verdict"
done
cat "$tmp"/count.*.base 2>/dev/null | per_call >"$tmp/base.all"
printf '\nuntraced ns/call over all baseline rounds: p10 %s, median %s, p90 %s (when this spread is as large as the overheads, the machine is busy and the ratios are noise)\n' \
	"$(pct 10 <"$tmp/base.all")" "$(median <"$tmp/base.all")" "$(pct 90 <"$tmp/base.all")"
print_others count
printf 'target (issue 3): bstap overhead at most 1.2x the hand-written raw tracepoint: '
if [ -s "$tmp/count.verdict" ]; then
	awk 'function v(x) { return (x != "-" && x <= 1.2) ? "met" : "not met" }
		{ printf "%s by the medians (%sx), %s by the 10th percentiles (%sx)\n", v($1), $1, v($2), $2 }' "$tmp/count.verdict"
else
	echo "not measured"
fi
fi

# ---- 2. printf per event ------------------------------------------------

S_PRINTF='probe kernel.trace("syscalls:sys_enter_getppid") { printf("%d %d\n", pid(), tid()) }'
BT_PRINTF='tracepoint:syscalls:sys_enter_getppid { printf("%d %d\n", pid, tid); }'

printf_tools="hw_tp|hand-written libbpf: classic tracepoint, ring buffer, NO_WAKEUP
hw_raw|hand-written libbpf: raw tracepoint sys_enter, ring buffer, NO_WAKEUP
bstap|bstap: printf(\"%d %d\\\\n\", pid(), tid())
bpftrace|bpftrace: printf(\"%d %d\\\\n\", pid, tid)"
[ -n "$bstap_old" ] && printf_tools="$printf_tools
bstap_old|old bstap ($bstap_old): printf(\"%d %d\\\\n\", pid(), tid())"

# the references' ring buffer gets the size of bstap's (read from its object)
rb_bytes=
if [ $have_loader = yes ] &&
	bounded "$tmp/pf.err" "$bstap" -p4 -m "$tmp/pf" -e "$S_PRINTF"; then
	rb_bytes=$("$b/loader" -m "$tmp/pf.bo:bstap_rb" 2>/dev/null)
fi
rb_opt=${rb_bytes:+-b $rb_bytes}

# run tool KEY on the printf one-liner around the load-generator command LG,
# its output to O, its messages to ERR; returns the tool's exit status
trace_printf() {	# key lg err o
	case $1 in
	hw_tp)	bounded "$3" "$b/loader" -T "$limit" $rb_opt -o "$4" "$b/printf_tp.bpf.o" $2 ;;
	hw_raw)	bounded "$3" "$b/loader" -T "$limit" $rb_opt -o "$4" "$b/printf_raw.bpf.o" $2 ;;
	bstap)	bounded "$3" "$bstap" -o "$4" -c "$2" -e "$S_PRINTF" ;;
	bstap_old) bounded "$3" "$bstap_old" -o "$4" -c "$2" -e "$S_PRINTF" ;;
	bpftrace) bounded "$3" "$bpftrace" -o "$4" -c "$2" -e "$BT_PRINTF" ;;
	esac
}
# delivered: output lines of the load generator's pid
delivered() { awk -v p="$1" '$1 == p { n++ } END { print n + 0 }' "$2" 2>/dev/null; }
# records the tool says it lost: the loader's dropped count, stapbpf-run's
# summary, bpftrace's "Lost N events" lines
reported_lost() {	# files...
	cat "$@" 2>/dev/null | sed -n 's/^records [0-9]* dropped \([0-9]*\).*/\1/p; s/.*lost (ring buffer full): *\([0-9]*\).*/\1/p; s/^Lost \([0-9]*\) events.*/\1/p' |
		awk '{ n += $1 } END { print n + 0 }'
}
# the printf tools that can run here (the references need the loader)
printf_skip() {	# key -> reason it cannot run, if any
	case $1 in
	hw_tp) { [ $have_loader = yes ] && [ -e "$b/printf_tp.bpf.o" ]; } || echo "$NA_HW" ;;
	hw_raw) { [ $have_loader = yes ] && [ -e "$b/printf_raw.bpf.o" ]; } || echo "$NA_HW" ;;
	bpftrace) [ $have_bpftrace = yes ] || echo "$NA_BT" ;;
	esac
}

run_printf() {	# key pass
	k=$1; res=$tmp/printf.$k.$2.res; err=$tmp/printf.$k.$2.err; o=$out/printf.$k.out
	lg=$(loadgen_cmd "$res" "$pcalls" "$prounds")
	rm -f "$o"
	trace_printf "$k" "$lg" "$err" "$o"
	st=$?
	if [ $st -ne 0 ] || [ ! -s "$res" ]; then
		[ -e "$tmp/printf.$k.fail" ] || reason "$err" $st >"$tmp/printf.$k.fail"
		rm -f "$o"
		return
	fi
	cat "$res" >>"$tmp/printf.$k.all"
	p=$(pid_of "$res")
	d=$(delivered "$p" "$o")
	l=$(reported_lost "$err" "$o")
	echo "$d $(calls_of "$res") $l $(ns_of "$res")" >>"$tmp/printf.$k.counted"
	rm -f "$o"
}

if want printf; then
pass=1
while [ $pass -le "$passes" ]; do
	echo "$printf_tools" | while IFS='|' read -r k label; do
		[ -n "$(printf_skip "$k")" ] && continue
		[ -e "$tmp/printf.$k.fail" ] && continue
		note_others printf
		baseline "$tmp/printf.$k.base" "$pcalls" "$prounds"
		run_printf "$k" "$pass"
	done
	pass=$((pass + 1))
done

printf '\n2. printf per event (pid, tid) on syscalls:sys_enter_getppid (%s passes x %s rounds of %s calls; output to a file on tmpfs; ring buffers of %s bytes)\n\n' "$passes" "$prounds" "$pcalls" "${rb_bytes:-1048576}"
row "tool	untraced ns/call	traced ns/call	overhead ns/event	events/s	delivered / sent	lost	lost reported by tool	delivered/s"
row "---	---	---	---	---	---	---	---	---"
echo "$printf_tools" | while IFS='|' read -r k label; do
	sk=$(printf_skip "$k")
	if [ -n "$sk" ]; then
		row "$label	$sk	-	-	-	-	-	-	-"; continue
	fi
	if [ ! -e "$tmp/printf.$k.all" ]; then
		row "$label	fails: $(cat "$tmp/printf.$k.fail" 2>/dev/null)	-	-	-	-	-	-	-"
		continue
	fi
	u=$(per_call "$tmp/printf.$k.base" | median)
	t=$(per_call "$tmp/printf.$k.all" | median)
	o=$(echo "$t $u" | awk '{ printf "%.1f", $1 - $2 }')
	eps=$(echo "$t" | awk '{ printf "%.2fM", 1000 / $1 }')
	cells=$(awk '{ d += $1; s += $2; l += $3; ns += $4 } END {
		printf "%d / %d\t%d (%.1f%%)\t%d\t%.2fM", d, s, s - d, s ? 100 * (s - d) / s : 0, l, ns ? d * 1000 / ns : 0 }' "$tmp/printf.$k.counted")
	[ -e "$tmp/printf.$k.fail" ] && cells="$cells (a run failed: $(cat "$tmp/printf.$k.fail"))"
	row "$label	$u	$t	$o	$eps	$cells"
	echo "$o $(printf '%s' "$cells" | cut -f 2 | sed 's/ .*//') $(printf '%s' "$cells" | cut -f 4)" >"$tmp/printf.verdict.$k"
done
printf '\n'
print_others printf
printf 'target (issue 3): per-event overhead and events/s delivered without loss at least as good as bpftrace: '
if [ -s "$tmp/printf.verdict.bstap" ] && [ -s "$tmp/printf.verdict.bpftrace" ]; then
	cat "$tmp/printf.verdict.bstap" "$tmp/printf.verdict.bpftrace" | tr -d M | awk '
		NR == 1 { o = $1; l = $2; d = $3 } NR == 2 { bo = $1; bl = $2; bd = $3 }
		END { ok = (o <= bo && d >= bd)
			printf "%s (bstap %.1f ns/event, %s lost, %.2fM delivered/s; bpftrace %.1f ns/event, %s lost, %.2fM delivered/s)\n",
				ok ? "met" : "not met", o, l, d, bo, bl, bd }'
else
	echo "not measured (bstap or bpftrace missing)"
fi
fi

# ---- 3. start-up, 4. peak RSS -------------------------------------------
if want startup; then

S_ONE='probe kernel.trace("syscalls:sys_enter_getppid") { printf("x\n"); exit() }'
BT_ONE='tracepoint:syscalls:sys_enter_getppid { printf("x\n"); exit(); }'

bounded "$tmp/one.err" "$bstap" -p4 -m "$tmp/one" -e "$S_ONE"
bounded "$tmp/count.err" "$bstap" -p4 -m "$tmp/count" -e "$S_COUNT"

# background load for the start-up runs, bounded in time
"$b/loadgen" -t $((starts * 30 + 60)) &
bg=$!

startup_once() {	# key cmd... -> appends "first exit status rss" to $tmp/start.key
	k=$1; shift
	try=0
	while :; do
		"$b/tfirst" 30 "$@" >"$tmp/start.one"
		# 126/127: cannot be started (being rebuilt?): wait, retry a few times
		if awk '$3 == "126" || $3 == "127" { f = 1 } END { exit !f }' "$tmp/start.one" && [ $try -lt 6 ]; then
			try=$((try + 1))
			sleep 10
			continue
		fi
		cat "$tmp/start.one" >>"$tmp/start.$k"
		return
	done
}
# every tool once per iteration, in turn: slow drift of the load reaches
# all of them alike
[ -n "$bstap_old" ] && bounded "$tmp/one_old.err" "$bstap_old" -p4 -m "$tmp/one_old" -e "$S_ONE"
i=0
while [ $i -lt "$starts" ]; do
	startup_once bstap "$bstap" -e "$S_ONE"
	[ -n "$bstap_old" ] && startup_once bstap_old "$bstap_old" -e "$S_ONE"
	[ -e "$tmp/one.bo" ] && startup_once runner "$runner" "$tmp/one.bo"
	[ -n "$runner_old" ] && [ -e "$tmp/one_old.bo" ] &&
		startup_once runner_old "$runner_old" "$tmp/one_old.bo"
	startup_once translate "$bstap" -p4 -m "$tmp/t" -e "$S_ONE"
	[ -n "$bstap_old" ] && startup_once translate_old "$bstap_old" -p4 -m "$tmp/t" -e "$S_ONE"
	[ $have_bpftrace = yes ] && startup_once bpftrace "$bpftrace" -q -e "$BT_ONE"
	i=$((i + 1))
done
kill "$bg" 2>/dev/null
wait "$bg" 2>/dev/null
bg=

start_cells() {	# key -> "first<TAB>exit" medians, or a failure
	f=$tmp/start.$1
	if [ ! -s "$f" ] || ! awk '$1 != "-" && $3 == "0" { ok = 1 } END { exit !ok }' "$f"; then
		printf 'fails: %s\t-' "$(awk '{ print "status " $3 }' "$f" 2>/dev/null | sort | uniq -c | head -n 1 | sed 's/^ *//')"
		return
	fi
	printf '%s\t%s' "$(awk '$1 != "-" && $3 == "0" { print $1 }' "$f" | median)" \
		"$(awk '$3 == "0" { print $2 }' "$f" | median)"
}

printf '\n3. start-up while the load generator runs (median of %s; ms from fork)\n\n' "$starts"
row "what	to first event ms	to exit ms	target"
row "---	---	---	---"
row "bstap one-liner (translate + load + attach)	$(start_cells bstap)	first event < 100 ms"
if [ -e "$tmp/one.bo" ]; then
	row "stapbpf-run on the precompiled .bo	$(start_cells runner)	first event < 20 ms"
else
	row "stapbpf-run on the precompiled .bo	fails: $(reason "$tmp/one.err" 1)	-	first event < 20 ms"
fi
tr_ms=$(awk '$3 == "0" { print $2 }' "$tmp/start.translate" | median)
row "bstap -p4, translation alone	-	$tr_ms	-"
if [ -n "$bstap_old" ]; then
	row "old bstap one-liner ($bstap_old)	$(start_cells bstap_old)	-"
	[ -n "$runner_old" ] && row "old stapbpf-run on its .bo	$(start_cells runner_old)	-"
	tr_old=$(awk '$3 == "0" { print $2 }' "$tmp/start.translate_old" | median)
	row "old bstap -p4, translation alone	-	$tr_old	-"
fi
if [ $have_bpftrace = yes ]; then
	row "bpftrace one-liner (-q)	$(start_cells bpftrace)	-"
else
	row "bpftrace one-liner	$NA_BT	-	-"
fi
printf '\none-liner: %s\n' "$S_ONE"

# peak RSS: the start-up runs above (wait4 ru_maxrss), and a counting run
rss_of() { awk '$3 == "0" { print $4 / 1024 }' "$1" 2>/dev/null | sort -g | tail -n 1 | awk '{ printf "%.1f", $1 }'; }
rss_cell() { r=$(rss_of "$1"); [ -n "$r" ] && printf '%s' "$r" || printf 'fails'; }
lg1=$(echo "$b/loadgen -n $calls -r 1 -o $tmp/rss.res")
[ -e "$tmp/count.bo" ] && "$b/tfirst" "$limit" "$runner" -c "$lg1" "$tmp/count.bo" >"$tmp/rss.runner_count"
"$b/tfirst" "$limit" "$bstap" -c "$lg1" -e "$S_COUNT" >"$tmp/rss.bstap_count"
[ $have_bpftrace = yes ] && "$b/tfirst" "$limit" "$bpftrace" -c "$lg1" -e "$BT_COUNT" >"$tmp/rss.bpftrace_count"

# kernel stacks named: /proc/kallsyms loaded (stapbpf-run/ksyms.c)
S_KSTACK='probe kernel.trace("sched:sched_switch") { if (pid() == target()) { print_backtrace(); exit() } }'
bounded "$tmp/kstack.err" "$bstap" -p4 -m "$tmp/kstack" -e "$S_KSTACK"
[ -e "$tmp/kstack.bo" ] && "$b/tfirst" "$limit" "$runner" -c "sleep 0.2" "$tmp/kstack.bo" >"$tmp/rss.runner_kstack"
# the old runner reads the old translator's objects (the format version
# may differ)
kstack_old=$tmp/kstack.bo
[ -n "$bstap_old" ] && bounded "$tmp/kstack_old.err" "$bstap_old" -p4 -m "$tmp/kstack_old" -e "$S_KSTACK" &&
	kstack_old=$tmp/kstack_old.bo
[ -n "$runner_old" ] && [ -e "$kstack_old" ] &&
	"$b/tfirst" "$limit" "$runner_old" -c "sleep 0.2" "$kstack_old" >"$tmp/rss.runner_old_kstack"

# resident set while running (not the peak): VmRSS of the process a second
# into a counting run of a couple of seconds
steady_rss() {	# cmd... -> MB
	"$@" >/dev/null 2>&1 &
	sp=$!
	sleep 1.5
	r=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$sp/status" 2>/dev/null)
	kill -INT "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	printf '%s' "${r:-fails}"
}
[ -e "$tmp/count.bo" ] && runner_steady=$(steady_rss "$runner" -T 3 "$tmp/count.bo")
[ $have_bpftrace = yes ] && bt_steady=$(steady_rss "$bpftrace" -e "$BT_COUNT")

printf '\n4. peak RSS (MB, wait4 ru_maxrss: the process and the children it waited for), and resident set mid-run\n\n'
row "process	peak, one-liner (start-up runs)	peak, counting $calls events	resident while counting (VmRSS)	target"
row "---	---	---	---	---"
row "stapbpf-run (precompiled .bo)	$(rss_cell "$tmp/start.runner")	$(rss_cell "$tmp/rss.runner_count")	${runner_steady:-fails}	< 10 MB"
if [ -e "$tmp/kstack.bo" ]; then
	row "stapbpf-run, one-liner printing a kernel stack (kallsyms loaded)	$(rss_cell "$tmp/rss.runner_kstack")	-	-	< 10 MB"
else
	row "stapbpf-run, one-liner printing a kernel stack (kallsyms loaded)	fails: $(reason "$tmp/kstack.err" 1)	-	-	< 10 MB"
fi
[ -n "$runner_old" ] && row "old stapbpf-run, the same kernel stack	$(rss_cell "$tmp/rss.runner_old_kstack")	-	-	-"
row "bstap -p4 (translator alone)	$(rss_cell "$tmp/start.translate")	-	-	-"
row "bstap (translator, then stapbpf-run)	$(rss_cell "$tmp/start.bstap")	$(rss_cell "$tmp/rss.bstap_count")	-	-"
if [ $have_bpftrace = yes ]; then
	row "bpftrace	$(rss_cell "$tmp/start.bpftrace")	$(rss_cell "$tmp/rss.bpftrace_count")	${bt_steady:-fails}	-"
else
	row "bpftrace	$NA_BT	-	-	-"
fi
fi

# ---- 5. highest rate delivered without loss -----------------------------
if want lossless; then
. bench/lossless.sh
fi

# ---- leftovers ----------------------------------------------------------

if [ $have_bpftool = yes ]; then
	sleep 1
	prog_ids >"$tmp/progs.after"
	left=$(comm -13 "$tmp/progs.before" "$tmp/progs.after")
	if [ -z "$left" ]; then
		printf '\nBPF programs: none left loaded by the benchmarks (bpftool prog list before/after)\n'
	else
		printf '\nBPF programs loaded now that were not before (the benchmarks'"'"' processes have all exited, so these belong to others):\n'
		for id in $left; do
			bpftool prog show id "$id" 2>/dev/null | head -n 1 | sed 's/^/  /'
			bpftool prog show id "$id" 2>/dev/null | sed -n 's/^[[:space:]]*pids /    pids /p'
		done
	fi
fi
exit 0
