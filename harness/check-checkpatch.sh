#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run scripts/checkpatch.pl --strict on every patch of patches/series and
# print one KTAP line per patch. A finding passes only if
# config/checkpatch-allow lists its patch and type, with a reason.
. "$(dirname "$0")/common.sh"

require_base
# The checkpatch.pl of the applied series, in the tree only apply-series.sh
# moves.
"$TOP/harness/apply-series.sh" >/dev/null || exit 1
[ -x "$STREE/scripts/checkpatch.pl" ] || die "no checkpatch.pl in $STREE" "rm -rf $STREE and run harness/apply-series.sh"
allow=$TOP/config/checkpatch-allow
spell=
dict=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
[ -f "$dict" ] && spell="--codespell --codespellfile $dict"
fail=0
for p in $(series_files); do
	f=$(basename "$p")
	out=$(cd "$STREE" && ./scripts/checkpatch.pl --strict --show-types --no-summary $spell "$p" 2>&1)
	bad=$(echo "$out" | grep -E '^(ERROR|WARNING|CHECK):' | while IFS=: read -r level type msg; do
		grep -v '^#' "$allow" | while read -r glob atype _; do
			# shellcheck disable=SC2053
			[[ $f == $glob && $type == "$atype" ]] && echo allowed
		done | grep -q allowed || echo "$level:$type:$msg"
	done)
	if [ -z "$bad" ]; then
		echo "ok - checkpatch --strict $f"
	else
		echo "$bad" | sed 's/^/# /'
		echo "not ok - checkpatch --strict $f"
		fail=1
	fi
done
exit $fail
