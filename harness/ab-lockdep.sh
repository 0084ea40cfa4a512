#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The lockdep A/B, in one run, on debug kernels: A = the series without
# the patch that makes kernfs_drain() annotate every activated node (and
# without its module exit exception), B = the whole series. Runs
# test_sysfs_lockdep.sh on both and prints its cases side by side. Prints KTAP: lockdep must report the unbind case on
# B only, and must stay quiet on the module exit cases on both.
. "$(dirname "$0")/common.sh"

H=$TOP/harness
LOCKDEP_SUBJECT=${LOCKDEP_SUBJECT:-"kernfs: tell lockdep about the drain of every activated node"}
EXCEPTION_SUBJECT=${EXCEPTION_SUBJECT:-"kernfs: do not tell lockdep about drains that module exit made safe"}
series_commit "$LOCKDEP_SUBJECT" >/dev/null || exit 1
head=$(git -C "$SRC" rev-parse harness/series)

# A: every other patch of the series. The module exit exception, where
# the series has it as a patch of its own, goes too: it only refines the
# lockdep patch.
acommit=$(series_without ab-lockdep "$LOCKDEP_SUBJECT" "$EXCEPTION_SUBJECT") || exit 1

a=$(staged_kernel debug-nolockdep "$acommit" debug) || exit 1
b=$(staged_kernel debug "$head" debug) || exit 1
"$H/run-tests.sh" "$a" test_sysfs_lockdep >"$STATE/ab-lockdep-a.ktap" 2>&1
"$H/run-tests.sh" "$b" test_sysfs_lockdep >"$STATE/ab-lockdep-b.ktap" 2>&1

# "name<TAB>result" for each case of test_sysfs_lockdep.sh.
cases() {
	sed -n 's/^\(not ok\|ok\) [0-9]* test_sysfs_lockdep: \(.*\)$/\2\t\1/p' "$1" |
		sed -E 's/^(.*) \((.*)\)\t(.*)$/\1\t\3 (\2)/'
}
cases "$STATE/ab-lockdep-a.ktap" >"$STATE/ab-lockdep-a.cases"
cases "$STATE/ab-lockdep-b.ktap" >"$STATE/ab-lockdep-b.cases"

printf '# %-90s | %-26s | %s\n' "test_sysfs_lockdep.sh case" "A: without the patch" "B: full series"
snip=$B/report/ab-lockdep.md
mkdir -p "$B/report"
{
	echo "## Lockdep A/B"
	echo
	echo "Measured $(date -u +%Y-%m-%d) on $(git -C "$TOP" rev-parse --short HEAD) with \`harness/ab-lockdep.sh\` (a step of \`make check\`):"
	echo "debug kernels; A is the series without \"$LOCKDEP_SUBJECT\" and \"$EXCEPTION_SUBJECT\", B the whole series ($(git -C "$SRC" rev-parse --short "$head"))."
	echo
	echo "| test_sysfs_lockdep.sh case | A | B |"
	echo "|---|---|---|"
} >"$snip"
n=0 fail=0
while IFS="$(printf '\t')" read -r name b; do
	a=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$STATE/ab-lockdep-a.cases")
	printf '# %-90s | %-26s | %s\n' "$name" "${a:-missing}" "$b"
	echo "| $name | ${a:-missing} | $b |" >>"$snip"
	n=$((n + 1))
	# The module exit cases pass on both; the unbind case fails on A
	# (lockdep says nothing) and passes on B.
	case "$name|$a|$b" in
	*": reported|not ok (lockdep said nothing)|ok" | *": no report|ok|ok")
		echo "ok $n lockdep A/B: $name" ;;
	*)
		echo "not ok $n lockdep A/B: $name"
		fail=1 ;;
	esac
done <"$STATE/ab-lockdep-b.cases"
if [ $n -eq 0 ]; then
	echo "not ok 1 lockdep A/B: no case found in the B run (see $STATE/ab-lockdep-b.ktap)"
	exit 1
fi
exit $fail
