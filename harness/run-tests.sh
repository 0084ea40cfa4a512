#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run guest test programs on a built kernel and print KTAP plus the summary.
#
#   run-tests.sh NAME TESTS [CPUS]
#
# Boots build/kernels/NAME as often as needed: when a program leaves the
# guest unusable (it bails out, prints "# harness: reboot-needed", or the
# guest dies or times out), the remaining programs run in a fresh boot.
# Artefacts go to build/runs/<time>-NAME/ (.config, info, cmd, console and
# KTAP logs per boot, decoded traces, results.tsv with one row per case
# (parse-results.sh), and results.ktap printed from it). Exit status 0 only
# if nothing failed.
. "$(dirname "$0")/common.sh"

[ $# -ge 2 ] || die "usage: run-tests.sh NAME TESTS [CPUS]" "see harness/run-tests.sh"
name=$1 tests=$(echo "$2" | tr , ' ') cpus=${3:-2}
K=$B/kernels/$name
[ -f "$K/bzImage" ] || die "no kernel $name" "run harness/build-kernel.sh first"
"$TOP/harness/make-initramfs.sh" "$name" >/dev/null || exit 1

art=$B/runs/$(date +%Y%m%d-%H%M%S)-$name
mkdir -p "$art"
cp "$K/.config" "$K/info" "$art/"
echo "# kernel: $name, $(sed -n 's/^kernelrelease=//p' "$K/info"), $(sed -n 's/^subject=//p' "$K/info")"
echo "# accel: $("$TOP/harness/probe-accel.sh" "$name" 2>/dev/null)"

remaining=$tests boot=0 dirs=()
while [ -n "$remaining" ]; do
	boot=$((boot + 1))
	d=$art/boot$boot
	dirs+=("$d")
	list=$(echo $remaining | tr ' ' ,)
	"$TOP/harness/boot-guest.sh" "$name" "$list" "$d" "${BOOT_TIMEOUT:-600}" "$cpus" 2>"$d.err"
	[ -s "$d.err" ] && sed 's/^/# /' "$d.err"
	started=$(tr -d '\r' <"$d/ktap.log" 2>/dev/null | sed -n 's/^# harness: begin //p')
	# No progress, or more boots than tests: report the rest as not run.
	[ -n "$started" ] && [ $boot -le "$(echo $tests | wc -w)" ] || break
	left=
	for t in $remaining; do
		echo "$started" | grep -qx "$t" || left="$left $t"
	done
	remaining=${left# }
done

if grep -qE 'Call Trace:|RIP:' "${dirs[@]/%//console.log}" 2>/dev/null; then
	for d in "${dirs[@]}"; do
		# The decoder of the kernel's own source; the source path
		# only strips the build's prefix from file names.
		bash "$K/decode_stacktrace.sh" "$K/vmlinux" "$(sed -n 's/^srcdir=//p' "$K/info")" "$K/mods/lib/modules/"* \
			<"$d/console.log" >"$d/console.decoded.log" 2>/dev/null
	done
	echo "# decoded traces: $art/boot*/console.decoded.log"
fi
echo "# artefacts: $art"
"$TOP/harness/parse-results.sh" -e "$tests" -o "$art/results.tsv" "${dirs[@]}" | tee "$art/results.ktap"
exit "${PIPESTATUS[0]}"
