#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One A/B check of harness/ab.tsv, in one run: builds (or finds) its two
# kernels, runs its guest program on both, and holds each case's result on
# each kernel to what the data file expects. Prints KTAP.
usage() {
	cat <<EOF
usage: ab.sh [--dry-run | --table] NAME

NAME is a check of harness/ab.tsv: $(ab_names | paste -sd' ').
Kernels A and B are the commits the check's "a" and "b" lines name, both
built with its config; its program runs on each (with its env), and every
case that matches one of its patterns must give, on A and on B, one of
the results listed for it. A case missing on either kernel fails.

  --dry-run   print the commits, kernels and runs; run nothing
  --table     run nothing; judge the last runs of NAME again
  -h, --help  this text

The side-by-side table goes to build/report/ab-NAME.md (make report puts
it in docs/results.md). Exit status 0 only if every case passed and the
run had at least one.
EOF
}
. "$(dirname "$0")/common.sh"

H=$TOP/harness
dry=0 table=0
case $1 in
-h | --help) usage; exit 0 ;;
--dry-run) dry=1; shift ;;
--table) table=1; shift ;;
esac
[ $# -eq 1 ] || die "usage: ab.sh [--dry-run | --table] NAME" "see harness/ab.sh --help"
name=$1
ab_names | grep -qx "$name" || die "no A/B check '$name' in harness/ab.tsv" "use one of: $(ab_names | paste -sd' ')"
config=$(ab_val "$name" config)
prog=$(ab_val "$name" program)
[ -n "$config" ] && [ -n "$prog" ] || die "check '$name' of harness/ab.tsv has no config or program line" "add them"

# resolve SIDE: REF_<SIDE> and DESC_<SIDE> for line "a" or "b" of the check.
resolve() {
	local spec kind ref desc subj=()
	spec=$(ab_val "$name" "$1")
	kind=${spec%%$'\t'*}
	[ "$kind" = "$spec" ] || IFS=$'\t' read -ra subj <<<"${spec#*$'\t'}"
	case $kind in
	series)
		ref=$("$H/apply-series.sh") || exit 1
		desc="the whole series" ;;
	before)
		[ ${#subj[@]} -eq 1 ] || die "'$1' of check '$name': before takes one subject" "fix harness/ab.tsv"
		ref=$(series_commit "${subj[0]}") || exit 1
		ref=$(git -C "$SRC" rev-parse "$ref^")
		desc="the series up to, not including, \"${subj[0]}\"" ;;
	without)
		[ ${#subj[@]} -ge 1 ] || die "'$1' of check '$name': without takes subjects" "fix harness/ab.tsv"
		ref=$(series_without "ab-$name" "${subj[@]}") || exit 1
		desc="the series without $(printf '"%s" and ' "${subj[@]}")"
		desc=${desc% and } ;;
	*) die "'$1' of check '$name' is '$kind'" "use series, before or without in harness/ab.tsv" ;;
	esac
	printf -v "REF_$1" %s "$ref"
	printf -v "DESC_$1" %s "$desc"
}
meta=$STATE/ab-$name.meta
if [ $table = 0 ]; then
	resolve a
	resolve b
	append=${EXTRA_APPEND:-}
	for e in $(ab_val "$name" env); do
		append="${append:+$append }harness.env.$e"
	done
	if [ $dry = 1 ]; then
		for s in a b; do
			ref=REF_$s desc=DESC_$s
			echo "$s: $(git -C "$SRC" rev-parse --short "${!ref}") (${!desc}), config $config"
			echo "   EXTRA_APPEND='$append' harness/run-tests.sh <kernel $s> $prog"
		done
		exit 0
	fi
	mkdir -p "$STATE"
	rm -f "$meta"
	for s in a b; do
		ref=REF_$s
		k=$(staged_kernel "ab-$name-$s" "${!ref}" "$config") || exit 1
		EXTRA_APPEND=$append "$H/run-tests.sh" "$k" "$prog" >"$STATE/ab-$name-$s.ktap" 2>&1
		art=$(sed -n 's/^# artefacts: //p' "$STATE/ab-$name-$s.ktap")
		[ -f "$art/results.tsv" ] || die "the $s run of '$name' left no results.tsv" "see $STATE/ab-$name-$s.ktap"
		cp "$art/results.tsv" "$STATE/ab-$name-$s.tsv"
	done
	{
		echo "date=$(date -u +%Y-%m-%d)"
		echo "commit=$(git -C "$TOP" rev-parse --short HEAD)"
		echo "append=$append"
		for s in a b; do
			ref=REF_$s desc=DESC_$s
			echo "ref_$s=$(git -C "$SRC" rev-parse --short "${!ref}")"
			echo "desc_$s=${!desc}"
		done
	} >"$meta"
fi
[ -f "$meta" ] || die "no run of A/B check '$name' recorded" "run harness/ab.sh $name first"
m() { sed -n "s/^$1=//p" "$meta"; }

# One line per case of either run that a pattern selects: name, A's
# result, B's result, and "ok" or "not ok" (tab-separated), in the order
# of A's run, then B's.
awk -F'\t' -v name="$name" -v prog="$prog" '
	FILENAME == ARGV[1] {
		if ($1 == name && $2 == "case") { np++; pat[np] = $3; wa[np] = $4; wb[np] = $5 }
		next
	}
	FNR == 1 || $1 != "case" || $2 != prog { next }
	{
		c = $3; remark = ""
		if (match(c, / \([^()]*\)$/)) { remark = substr(c, RSTART + 1); c = substr(c, 1, RSTART - 1) }
		for (i = 1; i <= np; i++) if (c ~ pat[i]) break
		if (i > np) next
		side = (FILENAME == ARGV[2]) ? "a" : "b"
		if (!((c) in which)) { which[c] = i; order[++n] = c }
		word = $5; sub(/^ *# */, "", word); sub(/ .*/, "", word)
		st[side, c] = $4; wd[side, c] = word
		shown[side, c] = (($4 == "pass" || $4 == "xfail" || $4 == "skip") ? "ok" : "not ok") \
			(remark == "" ? "" : " " remark) $5
	}
	# accepts SIDE CASE LIST: the result of CASE on SIDE is one of LIST.
	function accepts(side, c, list,   k, alt, m) {
		if (!((side, c) in st)) return 0
		m = split(list, alt, "|")
		for (k = 1; k <= m; k++)
			if (alt[k] == st[side, c] || alt[k] == st[side, c] ":" wd[side, c]) return 1
		return 0
	}
	END {
		for (j = 1; j <= n; j++) {
			c = order[j]; i = which[c]
			ok = accepts("a", c, wa[i]) && accepts("b", c, wb[i])
			printf "%s\t%s\t%s\t%s\n", c, ("a", c) in shown ? shown["a", c] : "missing",
				("b", c) in shown ? shown["b", c] : "missing", ok ? "ok" : "not ok"
		}
	}' "$AB_DATA" "$STATE/ab-$name-a.tsv" "$STATE/ab-$name-b.tsv" >"$STATE/ab-$name.cases"

snip=$B/report/ab-$name.md
mkdir -p "$B/report"
{
	echo "## $(ab_val "$name" title)"
	echo
	echo "Measured $(m date) on $(m commit) with \`harness/ab.sh $name\` (a step of \`make check\`):" \
		"$config kernels; A is $(m desc_a) ($(m ref_a)), B $(m desc_b) ($(m ref_b))$([ -n "$(m append)" ] && echo ", booted with \`$(m append)\`")."
	echo
	echo "| $prog case | A | B |"
	echo "|---|---|---|"
} >"$snip"
printf '# %-80s | %-26s | %s\n' "$prog case" "A" "B"
n=0 fail=0
while IFS=$'\t' read -r c a b verdict; do
	n=$((n + 1))
	printf '# %-80s | %-26s | %s\n' "$c" "$a" "$b"
	echo "| $c | $a | $b |" >>"$snip"
	echo "$verdict $n A/B $name: $c"
	[ "$verdict" = ok ] || fail=1
done <"$STATE/ab-$name.cases"
if [ $n -eq 0 ]; then
	echo "not ok 1 A/B $name: no case of harness/ab.tsv found in the runs (see $STATE/ab-$name-a.ktap)"
	exit 1
fi
exit $fail
