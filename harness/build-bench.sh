#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest's sysfs benchmark, harness/bench/sysfs-bench.c, as a
# static binary, build/tools/sysfs-bench. Does nothing if the binary is
# newer than its source. Prints the binary's path.
#
#   build-bench.sh
. "$(dirname "$0")/common.sh"

[ $# -eq 0 ] || die "usage: build-bench.sh (no arguments)" "see harness/build-bench.sh"
src=$TOP/harness/bench/sysfs-bench.c
out=$B/tools/sysfs-bench
[ -f "$src" ] || die "no $src" "restore it with git checkout harness/bench"
if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
	need_tool gcc
	mkdir -p "$B/tools"
	gcc -O2 -static -pthread -Wall -o "$out.$$" "$src" ||
		die "cannot build $src" "install the static C library (apt-get install libc6-dev) or fix the compiler error above"
	mv "$out.$$" "$out"
fi
echo "$out"
