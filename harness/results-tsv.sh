#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn a run's results into one row per test case, for scripts.
#
#   results-tsv.sh ARTDIR      (writes ARTDIR/results.tsv)
#
# Reads ARTDIR/results.ktap (parse-results.sh output) and the console logs
# of its boots. Columns, tab-separated, with a header line:
#   program  case  status  program_seconds  program_console_reports
# status is pass, fail, xfail, xpass, skip or timeout (the program did not
# finish); program_seconds comes from the kernel's time stamps of the
# "harness: begin/end PROGRAM" markers (empty if the program never ended,
# and the sum over boots if it ran in more than one).
. "$(dirname "$0")/common.sh"

[ $# -eq 1 ] || die "usage: results-tsv.sh ARTDIR" "pass a directory written by run-tests.sh"
art=$1
[ -f "$art/results.ktap" ] || die "no results.ktap in $art" "pass a directory written by run-tests.sh"

cat "$art"/boot*/console.log 2>/dev/null | tr -d '\r' | awk '
	match($0, /^\[ *[0-9]+\.[0-9]+\]/) { t = substr($0, 2, RLENGTH - 2) + 0 }
	/harness: begin / { p = $NF; b[p] = t; next }
	/harness: end / { for (i = 1; i <= NF; i++) if ($i == "end") p = $(i + 1)
			  if (p in b) { s[p] += t - b[p]; delete b[p] } }
	END { for (p in s) printf "%s\t%.1f\n", p, s[p] }' >"$art/.seconds"

awk -F'\t' 'NR == FNR { secs[$1] = $2; next }
/^(not )?ok [0-9]+ / {
	bad = ($1 == "not")
	line = $0; sub(/^(not )?ok [0-9]+ /, "", line)
	prog = line; sub(/: .*/, "", prog)
	desc = line; sub(/^[^:]*: /, "", desc)
	dir = ""
	if (match(desc, / # [A-Z]+.*$/)) { dir = substr(desc, RSTART + 3); desc = substr(desc, 1, RSTART - 1) }
	if (dir ~ /^XPASS/) st = "xpass"
	else if (bad && desc ~ /did not finish/) st = "timeout"
	else if (bad) st = "fail"
	else if (dir ~ /^SKIP/) st = "skip"
	else if (dir ~ /^XFAIL/) st = "xfail"
	else st = "pass"
	if (desc ~ /^console: /) hits[prog]++
	n++; P[n] = prog; D[n] = desc; S[n] = st
}
END {
	print "program\tcase\tstatus\tprogram_seconds\tprogram_console_reports"
	for (i = 1; i <= n; i++) printf "%s\t%s\t%s\t%s\t%d\n", P[i], D[i], S[i], secs[P[i]], hits[P[i]]
}' "$art/.seconds" "$art/results.ktap" >"$art/results.tsv"
rm -f "$art/.seconds"
