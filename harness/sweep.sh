#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The driver sweep: real drivers (guest/tests/sweep.list, built by
# config/drivers.config) loaded, unbound, removed through their own knobs
# and unloaded while readers read their sysfs files, on up to three kernels
# in one run, with a table of the figures.
usage() {
	cat <<EOF
usage: sweep.sh [options]

  --kernels LIST    which kernels, comma-separated (default base,series,debug):
                    base    the series without the kernfs fix (the prefix
                            before "$FIX_SUBJECT")
                    series  the whole series
                    debug   the whole series, debug config (KASAN,
                            lockdep, kmemleak)
  --cycles N        cycles per module on the whole series (default 100)
  --base-cycles N   cycles per module on base (default 20)
  --debug-cycles N  cycles per module on the debug kernel (default 20)
  --modules LIST    comma-separated subset of guest/tests/sweep.list
  --short           the make check version: brd, dummy and gpio_mockup,
                    5 cycles, on the whole series
  --dry-run         print the builds and boots, run nothing
  --table           run nothing; write the table again from the last runs
                    of the kernels named by --kernels
  -h, --help        this text

A module fails on a hang, a kernel log report or an unload that does not
succeed within 10 s; on the series kernels (not base) also when an rmmod
fails at its first attempt. The table, with the date, commit and command,
is printed and goes to build/report/sweep.md: sweep-short.md for --short,
sweep-debug.md for --kernels debug (a run of some kernels has its own).
Each kernel's artefacts are under build/runs/. Exit status 0 only if no
module failed on the series kernels; failures on base are reported, for
triage, but do not fail.
EOF
}
. "$(dirname "$0")/common.sh"

FIX_SUBJECT="kernfs: enter the owning module around file operations"
cmdline="$*"
kernels=base,series,debug cycles=100 bcycles=20 dcycles=20 modules= dry=0 table=0 short=
while [ $# -gt 0 ]; do
	case $1 in
	--kernels) kernels=$2; shift ;;
	--cycles) cycles=$2; shift ;;
	--base-cycles) bcycles=$2; shift ;;
	--debug-cycles) dcycles=$2; shift ;;
	--modules) modules=$2; shift ;;
	--short) kernels=series cycles=5 modules=brd,dummy,gpio_mockup short=-short ;;
	--dry-run) dry=1 ;;
	--table) table=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown option '$1'" "see harness/sweep.sh --help" ;;
	esac
	shift
done
for n in "$cycles" "$bcycles" "$dcycles"; do
	case $n in
	'' | *[!0-9]* | 0) die "cycles must be a positive number, got '$n'" "pass --cycles N" ;;
	esac
done
for k in ${kernels//,/ }; do
	case $k in
	base | series | debug) ;;
	*) die "unknown kernel '$k'" "use base, series and/or debug" ;;
	esac
done
list=$TOP/guest/tests/sweep.list
for m in ${modules//,/ }; do
	grep -q "^${m}[[:space:]]" "$list" || die "module '$m' is not in guest/tests/sweep.list" "pick from that list"
done

head=$("$TOP/harness/apply-series.sh") || exit 1
fix=$(series_commit "$FIX_SUBJECT") || exit 1
run_one() {
	local k=$1 ref cfg name n
	case $k in
	base) ref=$(git -C "$SRC" rev-parse "$fix^") cfg=test+drivers name=sweep-base n=$bcycles ;;
	series) ref=$head cfg=test+drivers name=sweep-series n=$cycles ;;
	debug) ref=$head cfg=debug+drivers name=sweep-debug n=$dcycles ;;
	esac
	local env="harness.env.SWEEP_CYCLES=$n${modules:+ harness.env.SWEEP_MODULES=$modules}"
	[ "$k" = base ] || env="$env harness.env.SWEEP_FIRST=1"
	# KASAN and lockdep make single steps (a modprobe, one pass over the
	# files) several times slower: a longer no-progress bound.
	[ "$k" = debug ] && env="$env harness.env.STRESS_STALL_S=60"
	# A cycle takes about 1 s on the test kernel and 16 s on the debug
	# kernel under TCG (brd and loop, 20 cycles in 321 and 338 s); the
	# bound leaves about three times that.
	local per=3
	[ "$k" = debug ] && per=45
	local nmod
	nmod=$(if [ -n "$modules" ]; then echo "${modules//,/ }" | wc -w; else grep -cv '^\(#\|$\)' "$list"; fi)
	local tmo=$((300 + nmod * n * per))
	if [ $dry = 1 ]; then
		echo "harness/build-kernel.sh $(git -C "$SRC" rev-parse --short "$ref") $cfg $name"
		echo "EXTRA_APPEND='$env' BOOT_TIMEOUT=$tmo harness/run-tests.sh $name sweep"
		return 0
	fi
	name=$(staged_kernel "$name" "$ref" "$cfg") || return 1
	log "sweep on $name: $nmod modules x $n cycles (bound $tmo s)"
	EXTRA_APPEND="${EXTRA_APPEND:+$EXTRA_APPEND }$env" BOOT_TIMEOUT=$tmo \
		"$TOP/harness/run-tests.sh" "$name" sweep >"$STATE/sweep$short-$k.ktap" 2>&1
	local rc=$?
	sed -n 's/^# artefacts: //p' "$STATE/sweep$short-$k.ktap" >"$STATE/sweep$short-$k.art"
	echo "$(date -u +%Y-%m-%d) $(git -C "$TOP" rev-parse --short HEAD) $n harness/sweep.sh $cmdline" >"$STATE/sweep$short-$k.meta"
	# The cases of the run, named after the kernel; on base, where
	# failures are for triage, as comments.
	sed -n -E "s/^((not )?ok) [0-9]+ sweep: (.*)$/\1 - sweep on $k: \3/p" "$STATE/sweep$short-$k.ktap" |
		if [ "$k" = base ]; then sed 's/^/# /'; else cat; fi
	return $rc
}

mkdir -p "$STATE" "$B/report"
fail=0 ran=
if [ $table = 1 ]; then
	for k in ${kernels//,/ }; do
		[ -d "$(cat "$STATE/sweep$short-$k.art" 2>/dev/null)" ] && ran="$ran $k"
	done
	[ -n "$ran" ] || die "no sweep run recorded for $kernels" "run harness/sweep.sh first"
	kernels=
fi
for k in ${kernels//,/ }; do
	run_one "$k"
	rc=$?
	[ $dry = 1 ] && continue
	ran="$ran $k"
	if [ $rc -ne 0 ]; then
		if [ "$k" = base ]; then
			log "failures on base are for triage: see $(cat "$STATE/sweep$short-$k.art")"
		else
			fail=1
		fi
	fi
done
[ $dry = 1 ] && exit 0

# The table: one row per module and kernel, from the "# sweep:" lines.
# The short version (make check) keeps its own snippet, so that it never
# replaces the table of a full sweep.
out=$B/report/sweep$short.md
# A run of some of the kernels keeps its own snippet too (sweep-debug.md,
# ...), so that it does not replace the others' rows.
[ -z "$short" ] && [ "$(echo $ran)" != "base series debug" ] &&
	out=$B/report/sweep-$(echo $ran | tr ' ' '-').md
title="Driver sweep"
[ -n "$short" ] && title="$title, the short version of make check"
[ "$out" = "$B/report/sweep$short.md" ] || title="$title: $(echo $ran | sed 's/ /, /g') only"
{
	echo "## $title"
	echo
	for k in $ran; do
		cut -d' ' -f4- "$STATE/sweep$short-$k.meta" | sed 's/ *$//'
	done | sort -u | sed 's/^\(.*\)$/Command: `\1`./'
	echo
	echo "Per kernel, the date, the repository commit the run was made from, the cycles per module and the kernel's commit:"
	echo
	for k in $ran; do
		read -r d c n cmd <"$STATE/sweep$short-$k.meta"
		art=$(cat "$STATE/sweep$short-$k.art")
		# A boot that ended early (killed, timed out) has fewer
		# "# sweep:" lines than its plan has modules: say so.
		planned=$(tr -d '\r' <"$art/boot1/ktap.log" 2>/dev/null | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
		got=$(cat "$art"/boot*/ktap.log 2>/dev/null | grep -c '^# sweep: ')
		partial=
		[ -n "$planned" ] && [ "$got" -lt "$planned" ] && partial="; only $got of its $planned modules ran, the boot ended first"
		echo "- $k: $d, $c, $n cycles, kernel $(sed -n 's/^commit=//p' "$art/info" | cut -c1-12) ($(sed -n 's/^config=//p' "$art/info"))$partial"
	done
	echo
	echo "| module | subsystem | kernel | cycles | rmmod first attempt | EWOULDBLOCK/EBUSY | unload median | unbind (fail) | knob | writes | hangs | reports |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	for k in $ran; do
		art=$(cat "$STATE/sweep$short-$k.art")
		tr -d '\r' <"$art"/boot*/ktap.log 2>/dev/null | sed -n 's/^# sweep: //p' | while read -r line; do
			v_known=0
			eval "$(echo "$line" | tr ' ' '\n' | sed -n 's/^\([a-z_]*\)=\([A-Za-z0-9_.-]*\)$/v_\1=\2/p')"
			pct=0
			[ "$v_cycles" -gt 0 ] && pct=$((100 * v_first / v_cycles))
			echo "| $v_module | $v_subsys | $k | $v_cycles | $pct % | $v_ewouldblock/$v_ebusy | $v_unload_med_ms ms | $v_unbind ($v_unbind_fail) | $v_knob | $v_writes | $v_hangs | $v_reports$([ "${v_known:-0}" = 1 ] && echo " (known)") |"
		done
	done
} >"$out"
cat "$out"
echo "# table: $out"
exit $fail
