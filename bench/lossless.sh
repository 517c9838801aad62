# Table 5 of bench/runtime.sh (sourced by it; uses its helpers and the
# printf tools of table 2): the highest rate of printf(pid, tid) events each
# tool delivers without loss. The load generator calls getppid() at a fixed
# rate (loadgen -R) for RT_RATE_SECONDS under each tool, up a ladder of
# rates (RT_RATES), the tools taking turns at each rate so that drift of the
# machine reaches all of them alike. A tool leaves the ladder at its first
# lossy run (or when the generator cannot reach the rate under it any
# more); then RT_BISECT runs bisect between its last lossless and its first
# lossy rate. A run is lossless when the output holds one line per call of
# the generator and the tool reports no loss. The whole ladder runs
# RT_LADDERS times (losses come in bursts when the consumer is not
# scheduled in time: one ladder alone is noisy on a busy 2-CPU machine).

# 1234567 -> 1.23M, 50000 -> 50k
human_rate() { awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.2fM", r / 1e6; else printf "%.0fk", r / 1e3 }'; }

# one paced run of tool KEY at RATE calls/s; appends
# "rate achieved delivered sent reported-lost" to $tmp/ll.KEY.pN.runs
# (N: the ladder, $lpass).
# Returns 0 lossless, 1 lossy, 2 the tool failed.
paced_run() {	# key rate
	pk=$1; pr=$2; res=$tmp/ll.$pk.$pr.res; err=$tmp/ll.$pk.$pr.err; po=$out/ll.$pk.out
	L=$tmp/ll.$pk.p$lpass
	rm -f "$po" "$res"
	trace_printf "$pk" "$b/loadgen -R $pr -d $rate_s -o $res" "$err" "$po"
	st=$?
	if [ $st -ne 0 ] || ! grep -q '^paced ' "$res" 2>/dev/null; then
		[ -e "$tmp/ll.$pk.fail" ] || reason "$err" $st >"$tmp/ll.$pk.fail"
		rm -f "$po"
		return 2
	fi
	pd=$(delivered "$(pid_of "$res")" "$po")
	pl=$(reported_lost "$err" "$po")
	rm -f "$po"
	# paced RATE CALLS NS ACHIEVED
	pa=$(awk '$1 == "paced" { print $5 }' "$res")
	ps=$(awk '$1 == "paced" { print $3 }' "$res")
	echo "$pr $pa $pd $ps $pl" >>"$L.runs"
	[ "$pd" = "$ps" ] && [ "$pl" = 0 ]
}

# runs KEY at RATE and files the outcome of this ladder: $L.ok (highest
# lossless rate asked for), $L.bad (lowest lossy), $L.done (off the ladder)
ladder_step() {	# key rate
	note_others lossless
	paced_run "$1" "$2"
	case $? in
	0)	ok=$(cat "$L.ok" 2>/dev/null || echo 0)
		[ "$2" -gt "$ok" ] && echo "$2" >"$L.ok"
		# the generator could not reach the rate: higher ones saturate
		tail -n 1 "$L.runs" | awk '$2 < 0.9 * $1 { exit 0 } { exit 1 }' &&
			echo "the load generator reached no more under it" >"$L.done"
		;;
	1)	bad=$(cat "$L.bad" 2>/dev/null || echo 0)
		{ [ "$bad" = 0 ] || [ "$2" -lt "$bad" ]; } && echo "$2" >"$L.bad"
		echo lossy >"$L.done" ;;
	*)	echo failed >"$L.done" ;;
	esac
	return 0
}

lpass=1
while [ $lpass -le "$ladders" ]; do
	for rate in $rates; do
		echo "$printf_tools" | while IFS='|' read -r k label; do
			[ -n "$(printf_skip "$k")" ] && continue
			[ -e "$tmp/ll.$k.p$lpass.done" ] && continue
			ladder_step "$k" "$rate"
		done
	done
	echo "$printf_tools" | while IFS='|' read -r k label; do
		L=$tmp/ll.$k.p$lpass
		[ -s "$L.bad" ] || continue
		i=0
		while [ $i -lt "$bisect" ]; do
			lo=$(cat "$L.ok" 2>/dev/null || echo 0)
			hi=$(cat "$L.bad")
			mid=$(( (lo + hi) / 2 / 10000 * 10000 ))
			[ "$mid" -le "$lo" ] && break
			[ "$mid" -ge "$hi" ] && break
			ladder_step "$k" "$mid"
			i=$((i + 1))
		done
	done
	lpass=$((lpass + 1))
done

printf '\n5. printf per event (pid, tid): highest rate delivered without loss (getppid() paced in 1 ms slots for %s s per run; ladder %s; %s bisection steps; %s ladders; ring buffers of %s bytes)\n\n' \
	"$rate_s" "$(for r in $rates; do human_rate "$r"; printf ' '; done | sed 's/ $//')" "$bisect" "$ladders" "${rb_bytes:-1048576}"
row "tool	highest lossless rate, median of the ladders (achieved calls/s)	per ladder: highest lossless; lowest lossy (asked, achieved: lost, reported by tool)	overhead ns/event (table 2)	runs (rate asked: delivered / sent)"
row "---	---	---	---	---"
# one ladder's cells of tool K: "best<TAB>best; lossy<TAB>runs" (best 0: none)
ladder_cells() {	# k pass
	L=$tmp/ll.$1.p$2
	[ -s "$L.runs" ] || { printf '0\tno run\t-'; return; }
	# best: the highest achieved rate of a lossless run
	best=$(awk '$3 == $4 && $5 == 0 && $2 > m { m = $2 } END { print m + 0 }' "$L.runs")
	if [ "$best" = 0 ]; then
		bestc="none"
	else
		bestc=$(human_rate "$best")
		[ -s "$L.bad" ] || bestc="$bestc or more ($(cat "$L.done" 2>/dev/null || echo "no loss up to the ladder's top"))"
	fi
	badc="no loss"
	if [ -s "$L.bad" ]; then
		set -- $(awk -v r="$(cat "$L.bad")" '$1 == r { print; exit }' "$L.runs")
		badc="$(human_rate "$1"), $(human_rate "$2"): $(awk -v d="$3" -v s="$4" -v l="$5" 'BEGIN { printf "%.1f%%, %d", s ? 100 * (s - d) / s : 0, l }')"
	fi
	runs=$(sort -n "$L.runs" | while read -r r a d s l; do
		printf '%s: %s/%s%s, ' "$(human_rate "$r")" "$d" "$s" \
			"$(awk -v r="$r" -v a="$a" 'BEGIN { if (a < 0.95 * r) printf " (achieved %s)", (a >= 1e6 ? sprintf("%.2fM", a / 1e6) : sprintf("%.0fk", a / 1e3)) }')"
	done | sed 's/, $//')
	printf '%s\t%s; %s\t%s' "$best" "$bestc" "$badc" "$runs"
}
echo "$printf_tools" | while IFS='|' read -r k label; do
	sk=$(printf_skip "$k")
	if [ -n "$sk" ]; then
		row "$label	$sk	-	-	-"; continue
	fi
	if ! ls "$tmp"/ll.$k.p*.runs >/dev/null 2>&1; then
		row "$label	fails: $(cat "$tmp/ll.$k.fail" 2>/dev/null)	-	-	-"; continue
	fi
	: >"$tmp/ll.bests.$k"; per=; runs=
	p=1
	while [ $p -le "$ladders" ]; do
		c=$(ladder_cells "$k" $p)
		echo "$c" | cut -f 1 >>"$tmp/ll.bests.$k"
		per="$per${per:+ | }$(echo "$c" | cut -f 2)"
		runs="$runs${runs:+ | }$(echo "$c" | cut -f 3)"
		p=$((p + 1))
	done
	[ -s "$tmp/ll.$k.fail" ] && per="$per; a run failed: $(cat "$tmp/ll.$k.fail")"
	med=$(median <"$tmp/ll.bests.$k" | awk '{ printf "%.0f", $1 }')
	ovh=$(cut -d' ' -f1 "$tmp/printf.verdict.$k" 2>/dev/null)
	row "$label	$(human_rate "$med")	$(printf '%s' "$per" | sed 's/|/;/g')	${ovh:--}	$(printf '%s' "$runs" | sed 's/ | /; /g')"
	echo "$med" >"$tmp/ll.best.$k"
done
printf '\n'
print_others lossless
printf 'target (issue 3): events/s delivered without loss at least as good as bpftrace: '
if [ -s "$tmp/ll.best.bstap" ] && [ -s "$tmp/ll.best.bpftrace" ]; then
	awk -v a="$(cat "$tmp/ll.best.bstap")" -v b="$(cat "$tmp/ll.best.bpftrace")" 'BEGIN {
		printf "%s (medians: bstap %.2fM/s, bpftrace %.2fM/s)\n", (a >= b ? "met" : "not met"), a / 1e6, b / 1e6 }'
else
	echo "not measured (bstap or bpftrace missing)"
fi
