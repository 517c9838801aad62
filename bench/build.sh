#!/bin/sh
# Build the runtime benchmarks' helpers into DIR (default bench/.build):
# the load generator, the start-up timer, and the hand-written libbpf
# reference programs (clang -target bpf) with their loader (gcc + libbpf).
# Not part of `make` or `make check`. Prints what it could not build and
# exits 1 if anything is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/.build}
cc=${CC:-gcc}
mkdir -p "$dir" || exit 1
status=0

bpf_clang=${BPF_CLANG:-}
if [ -z "$bpf_clang" ]; then
	for c in clang-19 clang; do
		if command -v "$c" >/dev/null 2>&1; then bpf_clang=$c; break; fi
	done
fi

stale() {	# target sources...: true when target is missing or older
	t=$1; shift
	[ -e "$t" ] || return 0
	for s in "$@"; do [ "$s" -nt "$t" ] && return 0; done
	return 1
}

for p in loadgen tfirst; do
	if stale "$dir/$p" "$here/$p.c"; then
		$cc -O2 -Wall -o "$dir/$p" "$here/$p.c" || { echo "build.sh: $p failed" >&2; status=1; }
	fi
done

if stale "$dir/loader" "$here/libbpf/loader.c"; then
	$cc -O2 -Wall -o "$dir/loader" "$here/libbpf/loader.c" -lbpf ||
		{ echo "build.sh: loader failed (libbpf-dev?)" >&2; status=1; }
fi

# syscall number of getppid for the raw sys_enter filters
nr=$(printf '#include <sys/syscall.h>\nSYS_getppid\n' | $cc -E -P - 2>/dev/null | tail -n 1)
case $nr in ''|*[!0-9]*) echo "build.sh: cannot find SYS_getppid" >&2; nr=110; status=1 ;; esac
multiarch=$($cc -print-multiarch 2>/dev/null)

if [ -z "$bpf_clang" ]; then
	echo "build.sh: no clang for -target bpf" >&2
	status=1
else
	for src in "$here"/libbpf/*.bpf.c; do
		o=$dir/$(basename "$src" .c).o
		if stale "$o" "$src"; then
			$bpf_clang -g -O2 -target bpf -mcpu=v3 -DNR_GETPPID="$nr" \
				${multiarch:+-I/usr/include/$multiarch} \
				-c "$src" -o "$o" || { echo "build.sh: $src failed" >&2; status=1; }
		fi
	done
fi
exit $status
