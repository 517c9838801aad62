#!/bin/sh
# Installs every Debian 12 package bstap needs to build and test.
# Idempotent and quiet: packages already present are left alone.
set -eu

packages="build-essential autoconf automake pkg-config
	llvm-19-dev clang-19 libclang-rt-19-dev
	libbpf-dev libdw-dev libelf-dev zlib1g-dev libzstd-dev
	bison flex systemtap-sdt-dev bpftool python3 dwz"

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
