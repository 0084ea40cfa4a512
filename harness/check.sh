#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make check": everything CI verifies, as KTAP, ending with the line
# "N passed, N failed[, N skipped]". Exit status 0 only if nothing failed.
#
# 1. git am of patches/ on the base, the export round-trip, and
#    docs/results.md as harness/report.sh assembles it
# 2. quilt push -a on the pristine base
# 3. checkpatch --strict on every patch
# 4. every prefix builds; sparse and W=1 add no warnings
# 5. harness self-tests (bad input is reported with cause and fix)
# 6. the full series boots in QEMU and its guest tests pass
# 7. A/B: the deadlock tests deadlock before the fix patch, not after it
# 8. the touched code builds in x86_64 and i386 allmodconfig
# 9. the debug kernel (KASAN, lockdep, kmemleak, ...) passes every guest
#    test with no console report that a test did not declare
# 10. lockdep A/B: without the kernfs lockdep patch, lockdep misses the
#    unbind case; with it, lockdep reports it and stays quiet on module exit
# 11. a short zram and test_sysfs stress run on the debug kernel, and the
#    Coccinelle script on the test module
# 12. a short driver sweep: three real drivers of three subsystems loaded,
#    unbound and unloaded under sysfs readers on the full series
#
#   check.sh [--dry-run] [--reverse]
#
# --dry-run prints the steps' commands and runs none. --reverse runs the
# steps that prepare (packages, base, series, the two staged kernels)
# first, then the others in the reverse of their usual order: no step
# depends on another's side effects but those.
. "$(dirname "$0")/common.sh"

H=$TOP/harness
dry=0 reverse=0
for a in "$@"; do
	case $a in
	--dry-run) dry=1 ;;
	--reverse) reverse=1 ;;
	*) die "unknown argument '$a'" "usage: check.sh [--dry-run] [--reverse]" ;;
	esac
done
log=$B/check.log
steps=$B/state/check-steps.md
if [ $dry = 0 ]; then
	mkdir -p "$B/state" "$B/report"
	: >"$log"
	: >"$steps"
fi
pass=0 fail=0 skip=0 xfail=0 xpass=0 n=0

# tally: renumber the "ok"/"not ok" lines of a step's output, count them.
tally() {
	local line d
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			n=$((n + 1))
			d=$(echo "$line" | sed -E 's/^(not )?ok [0-9-]+ ?(- )?//')
			if [[ $line == "not ok"* ]]; then
				fail=$((fail + 1))
				[[ $d == *"# XPASS"* ]] && xpass=$((xpass + 1))
				echo "not ok $n $d"
			else
				case $d in
				*"# SKIP"*) skip=$((skip + 1)) ;;
				*"# XFAIL"*) xfail=$((xfail + 1)) ;;
				*) pass=$((pass + 1)) ;;
				esac
				echo "ok $n $d"
			fi
			;;
		"TAP version"* | 1..* | *" passed, "*" failed"* | "# "*" expected failure(s) (XFAIL)"* | "# Totals: "*) ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done
}

# run_step DESC CMD...: run one step, its output streamed as it comes (KTAP
# lines renumbered, other lines as comments). A step that fails without
# printing a failing KTAP line of its own counts as one failed case.
run_step() {
	local desc=$1 rc t0=$SECONDS out=$B/state/step.out
	local p0=$pass f0=$fail s0=$skip
	shift
	if [ $dry = 1 ]; then
		printf '%s:' "$desc"
		printf ' %s' "${@/#$TOP\//}"
		echo
		return
	fi
	echo "# --- $desc"
	tally < <({
		"$@" 2>&1
		echo $? >"$out.rc"
	} | tee "$out")
	rc=$(cat "$out.rc")
	printf '# --- %s (%d s)\n' "$desc" $((SECONDS - t0)) >>"$log"
	cat "$out" >>"$log"
	echo "# step took $((SECONDS - t0)) s"
	if ! grep -qE '^(not )?ok ' "$out"; then
		if [ "$rc" -eq 0 ]; then
			tally <<<"ok - $desc"
		else
			tally <<<"not ok - $desc"
		fi
	elif [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		tally <<<"not ok - $desc (exit status $rc)"
	fi
	printf '| %s | %d s | %d | %d | %d |\n' "$desc" $((SECONDS - t0)) \
		$((pass - p0)) $((fail - f0)) $((skip - s0)) >>"$steps"
}

# step [-p] DESC CMD...: add a step to the run (-p: one that prepares
# what others need, run first with --reverse).
prep=() rest=()
step() {
	local p=0 q
	[ "$1" = -p ] && p=1 && shift
	printf -v q '%q ' "$@"
	if [ $p = 1 ]; then prep+=("$q"); else rest+=("$q"); fi
	order+=("$q")
}
order=()
step -p "host packages installed" "$H/install-deps.sh"
step -p "base tree prepared" "$H/prepare-base.sh"
step -p "git am applies patches/ on the base" "$H/apply-series.sh"
step "patches/ is exactly what export produces" "$H/export-series.sh" --check harness/series
step "docs/results.md is generated from docs/results/" "$H/report.sh" --check
step "quilt push -a" "$H/check-quilt.sh"
step "checkpatch" "$H/check-checkpatch.sh"
step "bisect build, sparse, W=1" "$H/check-bisect.sh"
step -p "full series kernel staged" "$H/build-kernel.sh" harness/series test series
step "harness self-tests" "$H/selftest-harness.sh" series
step "guest tests on the full series" "$H/run-tests.sh" series "${TESTS:-smoke,kunit,sysfs,zram_params}"
step "A/B: deadlocks without the fix, none with it" "$H/ab.sh" deadlock
step "coccinelle: the script finds the test_sysfs deadlocks" "$H/check-cocci.sh"
step "allmodconfig builds of the touched code" "$H/check-allmod.sh"
step -p "debug kernel staged" "$H/build-kernel.sh" harness/series debug debug
step "guest tests on the debug kernel" "$H/run-tests.sh" debug \
	"${DEBUG_TESTS:-smoke,kunit,sysfs,test_sysfs_lockdep,zram_params,zram_algorithm_params}"
step "short stress on the fixed kernel (zram, test_sysfs, CPU hotplug)" env KERNEL=series "$H/stress.sh" --short
step "short driver sweep on the full series" "$H/sweep.sh" --short
step "lockdep A/B: reported without a race on unbind, quiet on module exit" "$H/ab.sh" lockdep

if [ $reverse = 1 ]; then
	order=("${prep[@]}")
	for ((i = ${#rest[@]} - 1; i >= 0; i--)); do
		order+=("${rest[i]}")
	done
fi
[ $dry = 1 ] || echo "TAP version 13"
start=$(date +%s)
for q in "${order[@]}"; do
	eval "run_step $q"
done
[ $dry = 1 ] && exit 0
echo "# make check took $(($(date +%s) - start)) s; log: $log"
# The snippet for docs/results.md (harness/report.sh).
{
	echo "## make check"
	echo
	echo "Measured $(date -u +%Y-%m-%d) on $(git -C "$TOP" rev-parse --short HEAD)" \
		"(series $(git -C "$SRC" rev-parse --short harness/series 2>/dev/null)) with \`$([ $reverse = 1 ] && echo "harness/check.sh --reverse" || echo "make check")\`:" \
		"$pass passed, $fail failed, $skip skipped in $(($(date +%s) - start)) s."
	echo
	echo "| step | time | passed | failed | skipped |"
	echo "|---|---|---|---|---|"
	cat "$steps"
} >"$B/report/check.md"
echo "1..$n"
[ $xfail -eq 0 ] || echo "# $xfail expected failure(s) (XFAIL), not counted as passed"
# As in kselftest, an XPASS is its own count in the totals and a failure
# on the last line.
echo "# Totals: pass:$pass fail:$((fail - xpass)) xfail:$xfail xpass:$xpass skip:$skip error:0"
echo "$pass passed, $fail failed$([ $skip -gt 0 ] && echo ", $skip skipped")"
[ $fail -eq 0 ]
