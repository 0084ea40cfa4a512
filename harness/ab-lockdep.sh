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

# A: every other patch of the series, in order, picked onto the base with a
# fixed committer date, so that a re-run gives the same commit and
# rebuilds nothing. The module exit exception, where the series has it as
# a patch of its own, goes too: it only refines the lockdep patch.
picks=$(git -C "$SRC" log --reverse --format='%H %s' "$BASE..$head" |
	awk -v a="$LOCKDEP_SUBJECT" -v b="$EXCEPTION_SUBJECT" '{ s = substr($0, 42) } s != a && s != b { print $1 }')
ktree_checkout "$(git -C "$SRC" rev-parse "$BASE")"
# shellcheck disable=SC2086 # one commit id per word
GIT_COMMITTER_DATE=$BASE_DATE git -C "$KTREE" cherry-pick $picks >"$STATE/ab-lockdep-pick.log" 2>&1 ||
	{
		git -C "$KTREE" cherry-pick --abort 2>/dev/null
		die "the series does not apply without '$LOCKDEP_SUBJECT'" "see $STATE/ab-lockdep-pick.log"
	}
acommit=$(git -C "$KTREE" rev-parse HEAD)

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
n=0 fail=0
while IFS="$(printf '\t')" read -r name b; do
	a=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$STATE/ab-lockdep-a.cases")
	printf '# %-90s | %-26s | %s\n' "$name" "${a:-missing}" "$b"
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
