#!/bin/sh
# Generate ./configure from a git checkout.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
# automake ships the TAP driver but does not copy it on its own.
for d in /usr/share/automake-*; do
	if [ -f "$d/tap-driver.sh" ]; then
		cp -f "$d/tap-driver.sh" build-aux/tap-driver.sh
		break
	fi
done
test -f build-aux/tap-driver.sh || {
	echo "autogen.sh: automake's tap-driver.sh not found; install automake" >&2
	exit 1
}
