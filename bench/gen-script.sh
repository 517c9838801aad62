#!/bin/sh
# Writes a SystemTap-language script of about LINES lines (default 2000) to
# stdout: blocks of globals, a function and probes on tapset aliases
# (scheduler, syscalls) and timers, like a large hand-written tool.
# usage: bench/gen-script.sh [LINES]
lines=${1:-2000}
blocks=$(( (lines + 29) / 30 ))
awk -v blocks="$blocks" 'BEGIN {
	for (i = 0; i < blocks; i++) {
		printf "global switches_%d, sizes_%d, names_%d, total_%d = %d\n", i, i, i, i, i
		printf "\n"
		printf "function weigh_%d:long (value:long, label:string)\n", i
		printf "{\n"
		printf "\tif (value > %d)\n", i * 10
		printf "\t\treturn value * 2 + strlen(label)\n"
		printf "\treturn value - %d\n", i
		printf "}\n"
		printf "\n"
		printf "probe scheduler.ctxswitch\n"
		printf "{\n"
		printf "\tswitches_%d[prev_task_name, next_pid]++\n", i
		printf "\tsizes_%d <<< weigh_%d(prev_pid, next_task_name)\n", i, i
		printf "\tif (next_pid == 0 && prev_pid != %d)\n", i
		printf "\t\tnext\n"
		printf "}\n"
		printf "\n"
		printf "probe syscall.read, syscall.write\n"
		printf "{\n"
		printf "\tnames_%d[execname()] = sprintf(\"%%s:%%d\", name, fd)\n", i
		printf "\ttry { total_%d += count / (fd + 1) } catch (msg) { println(msg) }\n", i
		printf "}\n"
		printf "\n"
		printf "probe timer.s(%d)\n", i % 10 + 1
		printf "{\n"
		printf "\tforeach ([task, p] in switches_%d- limit 5)\n", i
		printf "\t\tprintf(\"%%s %%d %%d\\n\", task, p, switches_%d[task, p])\n", i
		printf "\tprint(@hist_log(sizes_%d))\n", i
		printf "\tdelete switches_%d\n", i
		printf "}\n"
	}
}'
