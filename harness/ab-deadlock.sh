#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The A/B proof of the fix, in one run: boot A = the series up to, not
# including, the kernfs fix, and B = the whole series, run the sysfs
# selftests on both with every deadlock case on (TEST_SYSFS_DEADLOCK=1),
# and print the deadlock cases side by side. Prints KTAP: for every deadlock case, A must report
# the deadlock and B must not (or must declare it a known limitation).
. "$(dirname "$0")/common.sh"

H=$TOP/harness
FIX_SUBJECT=${FIX_SUBJECT:-"kernfs: enter the owning module around file operations"}
fix=$(series_commit "$FIX_SUBJECT") || exit 1
head=$(git -C "$SRC" rev-parse harness/series)

a=$(staged_kernel ab-base "$(git -C "$SRC" rev-parse "$fix^")" test) || exit 1
b=$(staged_kernel series "$head" test) || exit 1
EXTRA_APPEND="${EXTRA_APPEND:+$EXTRA_APPEND }harness.env.TEST_SYSFS_DEADLOCK=1"
export EXTRA_APPEND
"$H/run-tests.sh" "$a" sysfs >"$STATE/ab-a.ktap" 2>&1
"$H/run-tests.sh" "$b" sysfs >"$STATE/ab-b.ktap" 2>&1

# "name<TAB>result" for each test_sysfs case that names a removal race
# with a lock: module exit, unbind, control store, rmmod first.
cases() {
	sed -n 's/^\(not ok\|ok\) [0-9]* sysfs: test_sysfs.sh: \(.*\(under the mutex\|under rtnl\|holds the mutex\).*\)$/\2\t\1/p' "$1" |
		sed -E 's/^(.*) # (.*)\t(.*)$/\1\t\3 # \2/'
}
cases "$STATE/ab-a.ktap" >"$STATE/ab-a.cases"
cases "$STATE/ab-b.ktap" >"$STATE/ab-b.cases"

printf '# %-72s | %-22s | %s\n' "deadlock case" "A: base+tests" "B: full series"
snip=$B/report/ab-deadlock.md
mkdir -p "$B/report"
{
	echo "## A/B: the deadlock cases without and with the fix"
	echo
	echo "Measured $(date -u +%Y-%m-%d) on $(git -C "$TOP" rev-parse --short HEAD) with \`harness/ab-deadlock.sh\` (a step of \`make check\`):"
	echo "A is the series up to, not including, \"$FIX_SUBJECT\" ($(git -C "$SRC" rev-parse --short "$fix^")), B the whole series ($(git -C "$SRC" rev-parse --short "$head")), both test kernels with \`TEST_SYSFS_DEADLOCK=1\`."
	echo
	echo "| deadlock case | A | B |"
	echo "|---|---|---|"
} >"$snip"
n=0 fail=0
while IFS="$(printf '\t')" read -r name a; do
	b=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$STATE/ab-b.cases")
	printf '# %-72s | %-22s | %s\n' "$name" "$a" "${b:-missing}"
	echo "| $name | $a | ${b:-missing} |" >>"$snip"
	n=$((n + 1))
	case "$a|$b" in
	"not ok # deadlock|ok" | "not ok # deadlock|ok # XFAIL"*)
		echo "ok $n A/B: $name" ;;
	*)
		echo "not ok $n A/B: $name"
		fail=1 ;;
	esac
done <"$STATE/ab-a.cases"
if [ $n -eq 0 ]; then
	echo "not ok 1 A/B: no deadlock case found in the A run (see $STATE/ab-a.ktap)"
	exit 1
fi
exit $fail
