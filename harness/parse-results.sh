#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn one or more guest runs into flat KTAP plus a summary line.
#
#   parse-results.sh [-e "TEST..."] ARTDIR...
#
# Each ARTDIR holds console.log and ktap.log; -e lists the programs that
# should have run, so one that never started is reported as failed.
#
# Every test case line of every program becomes one numbered case named
# "PROGRAM: description". The kernel console is scanned for splats; a hit
# while PROGRAM was running adds a failing case, unless PROGRAM printed
# "# harness-expect: PATTERN" for it. Programs that did not finish, or that
# printed fewer results than their plan, add failing cases too.
# Exit status: 0 if nothing failed. The last line is "N passed, N failed"
# (", N skipped" when any were skipped); XFAIL cases are counted on the
# line before it, XPASS cases fail.
. "$(dirname "$0")/common.sh"

expected=
if [ "$1" = -e ]; then
	expected=$2
	shift 2
fi
[ $# -ge 1 ] || die "usage: parse-results.sh ARTDIR..." "pass the run directories"
args=()
for a in "$@"; do
	[ -f "$a/ktap.log" ] || die "no ktap.log in $a" "pass a directory written by boot-guest.sh"
	args+=("$a/console.log" "$a/ktap.log")
done

# The console splats, one fixed string per line (shared with the guest).
pats=$(grep -v '^#' "$TOP/guest/splat-patterns" | grep . | paste -sd'|')
awk -v expected="$expected" -v pats="$pats" '
BEGIN {
	npat = split(pats, pat, "|")
	n = 0; pass = 0; fail = 0; skip = 0; xfail = 0
	print "TAP version 13"
}
# An XFAIL is counted on its own, neither passed nor failed; an XPASS (a
# case expected to fail passed) is a failure, as in kselftest.h.
function emit(ok, desc, extra) {
	n++
	if (ok && extra ~ /# XPASS/) ok = 0
	printf "%s %d %s%s\n", ok ? "ok" : "not ok", n, desc, extra
	if (extra ~ /# SKIP/) skip++
	else if (ok && extra ~ /# XFAIL/) xfail++
	else if (ok) pass++
	else fail++
}
function parse(line) {
	isok = (line ~ /^ok/)
	d = line; sub(/^(not )?ok [0-9]+ ?-? ?/, "", d)
	x = ""
	if (match(d, / # [A-Za-z]+.*$/)) { x = substr(d, RSTART); d = substr(d, 1, RSTART - 1) }
	if (toupper(x) ~ /# SKIP/) x = " # SKIP" substr(x, 8)
}
function sub_reset() { subgot = 0; subfail = 0; subplan = 0; subname = "" }
# A program-level result of a runner (run_kselftest.sh) that nests the
# program output as "# " lines: its cases were counted already, so it
# only adds a failure when cases are missing or it failed without one.
function top_result(isok, d, x) {
	if (!subgot && !subplan) emit(isok, prog ": " d, x)
	else if (subplan > subgot) emit(0, prog ": " subname (subplan - subgot) " of " subplan " planned results missing", "")
	else if (!isok && !subfail) emit(0, prog ": " d " (failed without a failing case)", "")
	sub_reset()
}
FILENAME ~ /console\.log$/ {
	sub(/\r$/, "")
	if (match($0, /harness: begin [^ ]+/)) { cur = substr($0, RSTART + 15, RLENGTH - 15); next }
	if (match($0, /harness: end [^ ]+/)) { cur = ""; next }
	for (i = 1; i <= npat; i++)
		if (index($0, pat[i])) {
			t = (cur == "" ? "(outside tests)" : cur)
			nh[t]++; hit[t, nh[t]] = $0; hpat[t, nh[t]] = pat[i]
			if (!(t in seen_t)) { seen_t[t] = 1; order[++no] = t }
			break
		}
	next
}
{ sub(/\r$/, "") }
/^# harness: begin / { prog = $4; inblk = 1; plan = 0; got = 0; sub_reset(); ran[prog] = 1; delete expect; next }
/^# harness: end / {
	rc = $5; sub(/^rc=/, "", rc)
	if (subgot) top_result(0, "(no result line)", "")
	if (plan > got) emit(0, prog ": " (plan - got) " of " plan " planned results missing (rc=" rc ")", "")
	else if (got == 0 && rc == 4) emit(1, prog, " # SKIP")
	else if (got == 0 && rc != 0) emit(0, prog ": exited " rc " without results", "")
	ok = 0
	for (i = 1; i <= nh[prog]; i++) {
		ok = 0
		for (p in expect) if (index(hpat[prog, i], p) || index(hit[prog, i], p)) ok = 1
		if (!ok) { emit(0, prog ": console: " hit[prog, i], ""); break }
	}
	if (ok) print "# " prog ": " nh[prog] " expected console report(s)"
	done_blk[prog] = 1; inblk = 0; next
}
/^# harness:/ { next }
!inblk { next }
/^(# )*harness-expect: / { p = $0; sub(/^(# )*harness-expect: /, "", p); expect[p] = 1; print; next }
/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
/^# 1\.\.[0-9]+/ { subplan = substr($2, 4) + 0; next }
/^# selftests: / { subname = $NF ": "; print; next }
/^# (not )?ok [0-9]+/ {
	line = substr($0, 3)
	parse(line)
	subgot++
	if (!isok && x !~ /# SKIP/) subfail++
	emit(isok, prog ": " subname d, x)
	next
}
/^(not )?ok [0-9]+/ {
	got++
	parse($0)
	top_result(isok, d, x)
	next
}
/^TAP version|^KTAP version|^# TAP version|^# KTAP version/ { next }
{ print }
END {
	ne = split(expected, exp_t, /[ ,]+/)
	for (i = 1; i <= ne; i++) if (exp_t[i] != "" && !(exp_t[i] in ran)) emit(0, exp_t[i] ": did not run", "")
	for (t in ran) if (!(t in done_blk)) emit(0, t ": did not finish (guest died or timed out)", "")
	if ("(outside tests)" in nh) emit(0, "console outside tests: " hit["(outside tests)", 1], "")
	printf "1..%d\n", n
	if (xfail) printf "# %d expected failure(s) (XFAIL), not counted as passed\n", xfail
	printf "%d passed, %d failed%s\n", pass, fail, skip ? ", " skip " skipped" : ""
	exit fail != 0
}' "${args[@]}"
