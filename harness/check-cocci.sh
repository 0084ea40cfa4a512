#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run scripts/coccinelle/locks/sysfs_remove_deadlock.cocci of the applied
# series (the series worktree build/stree) in report mode on fs/kernfs and lib/test_sysfs.c, and print KTAP
# lines: the test_sysfs mutex scenario is reported, the RTNL scenario is
# reported, and the run stays under a time bound.
#
# COCCI=<file> and TEST_SYSFS=<file> check another semantic patch or
# another copy of test_sysfs.c; COCCI_MAX_SECONDS sets the bound (120).
# The run covers a handful of files, so it does not take the CPU lock.
. "$(dirname "$0")/common.sh"

need_tool spatch bc
"$TOP/harness/apply-series.sh" >/dev/null || exit 1
[ -d "$STREE/fs/kernfs" ] || die "no series worktree at $STREE" "rm -rf $STREE and run harness/apply-series.sh"
COCCI=${COCCI:-$STREE/scripts/coccinelle/locks/sysfs_remove_deadlock.cocci}
TEST_SYSFS=${TEST_SYSFS:-$STREE/lib/test_sysfs.c}
max=${COCCI_MAX_SECONDS:-120}
[ -f "$COCCI" ] || die "no semantic patch $COCCI" "apply the series patch that adds scripts/coccinelle/locks/sysfs_remove_deadlock.cocci, or set COCCI=<file>"
[ -f "$TEST_SYSFS" ] || die "no $TEST_SYSFS" "apply the series patch that adds lib/test_sysfs.c, or set TEST_SYSFS=<file>"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One file per group: the script reasons about one file at a time.
{
	for f in "$STREE"/fs/kernfs/*.c "$TEST_SYSFS"; do
		printf '%s\n\n' "$f"
	done
} >"$tmp/groups"

start=$(date +%s.%N)
(cd "$tmp" && spatch -D report --very-quiet --no-includes --include-headers \
	--cocci-file "$COCCI" --file-groups "$tmp/groups") >"$tmp/out" 2>"$tmp/err"
rc=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
grep -v '^warning:' "$tmp/err" | sed 's/^/# /'
sed 's/^/# /' "$tmp/out"
[ $rc -eq 0 ] || echo "# spatch exit status $rc"

# A report on the test_sysfs file naming the lock, a removal call and the
# handlers of the scenario.
scenario() {
	local lock=$1 handler=$2
	[ $rc -eq 0 ] && grep -F "$(basename "$TEST_SYSFS"):" "$tmp/out" |
		grep -F "WARNING: $lock held across " |
		grep -E '(del_gendisk|misc_deregister)\(\)' | grep -qF "$handler"
}

fail=0
# check OK DESC: print the KTAP line of one assertion.
check() {
	if [ "$1" = 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		fail=1
	fi
}
scenario "&test_sysfs_mutex" "mutex_int_"
check $? "cocci: test_sysfs mutex scenario reported"
scenario "RTNL" "rtnl_int_"
check $? "cocci: test_sysfs rtnl scenario reported"
[ $rc -eq 0 ] && [ "$(echo "$secs < $max" | bc)" = 1 ]
check $? "cocci: ran in $(printf '%.1f' "$secs")s, bound ${max}s"
exit $fail
