#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build every prefix of the series, in order and incrementally (-j2), and
# check each patch with sparse (C=2) and W=1 on the C files it adds or
# changes: compared with the same files before the patch, no new warning
# may appear. One KTAP line per patch for each of the two checks.
. "$(dirname "$0")/common.sh"

H=$TOP/harness
head=$("$H/apply-series.sh") || exit 1
N=$(series_count)
need_tool sparse
fail=0

# Warnings of make output on stdin, without line/column numbers, sorted.
warnings() {
	grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error):' |
		sed -E 's/^([^ :]+):[0-9]+(:[0-9]+)?:/\1:/' | sort
}

for K in $(seq 1 "$N"); do
	commit=$(git -C "$SRC" rev-parse "$head~$((N - K))")
	name=$(sed -n "${K}p" "$PATCHES/series")
	cfiles=$(git -C "$SRC" diff --name-only --diff-filter=AM "$commit^" "$commit" -- '*.c')
	# Objects the configured kernel builds (the .o exists after a build).
	before_objs= after_objs=
	for f in $cfiles; do
		git -C "$SRC" cat-file -e "$commit^:$f" 2>/dev/null &&
			[ -f "$B/out/test/${f%.c}.o" ] && before_objs="$before_objs ${f%.c}.o"
	done
	: >"$STATE/sparse-before"
	if [ -n "$before_objs" ]; then
		ONLY="C=2 W=1 $before_objs" "$H/build-kernel.sh" "$commit^" test bisect |
			warnings >"$STATE/sparse-before"
	fi
	# Each prefix is staged as build/kernels/prefix-K, so that later steps
	# (the A/B proof) can boot it without building it again.
	if "$H/build-kernel.sh" "$commit" test "prefix-$K" >"$STATE/bisect.log" 2>&1; then
		echo "ok - bisect build $name"
	else
		sed 's/^/# /' "$STATE/bisect.log" | tail -n 5
		echo "not ok - bisect build $name"
		fail=1
		continue
	fi
	for f in $cfiles; do
		[ -f "$B/out/test/${f%.c}.o" ] && after_objs="$after_objs ${f%.c}.o"
	done
	[ -n "$after_objs" ] || continue
	ONLY="C=2 W=1 $after_objs" "$H/build-kernel.sh" "$commit" test bisect | warnings >"$STATE/sparse-after"
	new=$(comm -13 "$STATE/sparse-before" "$STATE/sparse-after")
	if [ -z "$new" ]; then
		echo "ok - sparse and W=1 add no warning:$after_objs ($name)"
	else
		echo "$new" | sed 's/^/# /'
		echo "not ok - sparse and W=1 add no warning:$after_objs ($name)"
		fail=1
	fi
done
exit $fail
