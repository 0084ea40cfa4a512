#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Parse one or more guest runs, once, into one row per test case, and
# print KTAP from those rows.
#
#   parse-results.sh [-e "TEST..."] [-o TSV] ARTDIR...
#
# Each ARTDIR holds console.log and ktap.log; -e lists the programs that
# should have run, so one that never started is reported as failed; -o
# keeps the rows in TSV (run-tests.sh: ARTDIR/../results.tsv).
#
# Every test case line of every program becomes one numbered case named
# "PROGRAM: description". The kernel console is scanned for splats; a hit
# while PROGRAM was running adds a failing case, unless PROGRAM printed
# "# harness-expect: PATTERN" for it. Programs that did not finish, or that
# printed fewer results than their plan, add failing cases too.
#
# The rows, tab-separated, with a header line: kind (case, or note for a
# diagnostic line, kept so that the KTAP can be printed from the rows
# alone), program, case (the note's text), status (pass, fail, xfail,
# xpass, skip, timeout: the program did not finish), directive (the
# KTAP "# SKIP ..." or "# XFAIL ..." text), program_seconds (from the
# kernel's time stamps of the "harness: begin/end PROGRAM" markers, summed
# over boots; empty if it never ended) and program_console_reports.
#
# The KTAP ends with "# Totals: pass:N fail:N xfail:N xpass:N skip:N
# error:0" and the line "N passed, N failed" (", N skipped" when any were
# skipped), where an XPASS counts as failed, as in kselftest.h, and an
# XFAIL is counted on its own line before it. Exit status: 0 if nothing
# failed.
. "$(dirname "$0")/common.sh"

expected= tsv=
while [ $# -gt 0 ]; do
	case $1 in
	-e) expected=$2; shift 2 ;;
	-o) tsv=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || die "usage: parse-results.sh ARTDIR..." "pass the run directories"
args=()
for a in "$@"; do
	[ -f "$a/ktap.log" ] || die "no ktap.log in $a" "pass a directory written by boot-guest.sh"
	args+=("$a/console.log" "$a/ktap.log")
done

# The console splats, one fixed string per line (shared with the guest).
pats=$(grep -v '^#' "$TOP/guest/splat-patterns" | grep . | paste -sd'|')
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
awk -v expected="$expected" -v pats="$pats" '
BEGIN {
	npat = split(pats, pat, "|")
	nr = 0
	print "kind\tprogram\tcase\tstatus\tdirective\tprogram_seconds\tprogram_console_reports"
}
function clean(t) { gsub(/\t/, " ", t); return t }
# A row for a case of program P. An XPASS (a case expected to fail
# passed) is a failure, as in kselftest.h; a program that never ended is
# a timeout.
function emit(ok, p, d, extra,   st) {
	if (ok && extra ~ /# XPASS/) st = "xpass"
	else if (extra ~ /# SKIP/) st = "skip"
	else if (ok && extra ~ /# XFAIL/) st = "xfail"
	else if (ok) st = "pass"
	else if (d ~ /did not finish/) st = "timeout"
	else st = "fail"
	nr++; K[nr] = "case"; P[nr] = p; D[nr] = clean(d); S[nr] = st; X[nr] = clean(extra)
}
# A row for a diagnostic line, printed as it is.
function note(t) { nr++; K[nr] = "note"; P[nr] = prog; D[nr] = clean(t); S[nr] = X[nr] = "" }
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
	if (!subgot && !subplan) emit(isok, prog, d, x)
	else if (subplan > subgot) emit(0, prog, subname (subplan - subgot) " of " subplan " planned results missing", "")
	else if (!isok && !subfail) emit(0, prog, d " (failed without a failing case)", "")
	sub_reset()
}
FILENAME ~ /console\.log$/ {
	sub(/\r$/, "")
	if (match($0, /^\[ *[0-9]+\.[0-9]+\]/)) t = substr($0, 2, RLENGTH - 2) + 0
	if (match($0, /harness: begin [^ ]+/)) { cur = substr($0, RSTART + 15, RLENGTH - 15); began[cur] = t; next }
	if (match($0, /harness: end [^ ]+/)) {
		if (cur in began) { secs[cur] += t - began[cur]; ended[cur] = 1; delete began[cur] }
		cur = ""; next
	}
	for (i = 1; i <= npat; i++)
		if (index($0, pat[i])) {
			w = (cur == "" ? "(outside tests)" : cur)
			nh[w]++; hit[w, nh[w]] = $0; hpat[w, nh[w]] = pat[i]
			break
		}
	next
}
{ sub(/\r$/, "") }
/^# harness: begin / { prog = $4; inblk = 1; plan = 0; got = 0; sub_reset(); ran[prog] = 1; delete expect; next }
/^# harness: end / {
	rc = $5; sub(/^rc=/, "", rc)
	if (subgot) top_result(0, "(no result line)", "")
	if (plan > got) emit(0, prog, (plan - got) " of " plan " planned results missing (rc=" rc ")", "")
	else if (got == 0 && rc == 4) emit(1, prog, "", " # SKIP")
	else if (got == 0 && rc != 0) emit(0, prog, "exited " rc " without results", "")
	ok = 0
	for (i = 1; i <= nh[prog]; i++) {
		ok = 0
		for (p in expect) if (index(hpat[prog, i], p) || index(hit[prog, i], p)) ok = 1
		if (!ok) { emit(0, prog, "console: " hit[prog, i], ""); break }
	}
	if (ok) note("# " prog ": " nh[prog] " expected console report(s)")
	done_blk[prog] = 1; inblk = 0; next
}
/^# harness:/ { next }
!inblk { next }
/^(# )*harness-expect: / { p = $0; sub(/^(# )*harness-expect: /, "", p); expect[p] = 1; note($0); next }
/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
/^# 1\.\.[0-9]+/ { subplan = substr($2, 4) + 0; next }
/^# selftests: / { subname = $NF ": "; note($0); next }
/^# (not )?ok [0-9]+/ {
	line = substr($0, 3)
	parse(line)
	subgot++
	if (!isok && x !~ /# SKIP/) subfail++
	emit(isok, prog, subname d, x)
	next
}
/^(not )?ok [0-9]+/ {
	got++
	parse($0)
	top_result(isok, d, x)
	next
}
# The totals a program prints itself: the KTAP printed from the rows has
# one line of totals, for all programs.
/^TAP version|^KTAP version|^# TAP version|^# KTAP version|^# Totals: / { next }
{ note($0) }
END {
	ne = split(expected, exp_t, /[ ,]+/)
	for (i = 1; i <= ne; i++) if (exp_t[i] != "" && !(exp_t[i] in ran)) emit(0, exp_t[i], "did not run", "")
	for (p in ran) if (!(p in done_blk)) emit(0, p, "did not finish (guest died or timed out)", "")
	if ("(outside tests)" in nh) emit(0, "(outside tests)", "console: " hit["(outside tests)", 1], "")
	for (i = 1; i <= nr; i++)
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", K[i], P[i], D[i], S[i], X[i],
			(K[i] == "case" && P[i] in ended) ? sprintf("%.1f", secs[P[i]]) : "", nh[P[i]]
}' "${args[@]}" >"$rows"
[ -n "$tsv" ] && cp "$rows" "$tsv"

# The KTAP, from the rows alone.
awk -F'\t' '
BEGIN { print "TAP version 13" }
NR == 1 { next }
$1 == "note" { print $3; next }
{
	n++; c[$4]++
	printf "%s %d %s%s%s\n", ($4 == "pass" || $4 == "xfail" || $4 == "skip") ? "ok" : "not ok", n,
		$2, $3 == "" ? "" : ": " $3, $5
}
END {
	printf "1..%d\n", n
	if (c["xfail"]) printf "# %d expected failure(s) (XFAIL), not counted as passed\n", c["xfail"]
	printf "# Totals: pass:%d fail:%d xfail:%d xpass:%d skip:%d error:0\n",
		c["pass"], c["fail"] + c["timeout"], c["xfail"], c["xpass"], c["skip"]
	bad = c["fail"] + c["timeout"] + c["xpass"]
	printf "%d passed, %d failed%s\n", c["pass"], bad, c["skip"] ? ", " c["skip"] " skipped" : ""
	exit bad != 0
}' "$rows"
