#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export a kernel branch back to patches/ with git format-patch, so that
# the same branch always gives byte-identical files.
#
#   export-series.sh [--check] [REF]     (REF defaults to branch "series")
#
# The cover letter's subject and text are kept from the current
# patches/0000-cover-letter.patch; git regenerates its shortlog, diffstat
# and base-commit, and its Date is set to the last patch's. With --check,
# nothing is written: the exit status says whether patches/ matches.
. "$(dirname "$0")/common.sh"

check=
if [ "$1" = --check ]; then
	check=1
	shift
fi
ref=${1:-series}
require_base
git -C "$SRC" rev-parse -q --verify "$ref" >/dev/null || die "no branch '$ref' in $SRC" "run 'make worktree' first"
cover=$PATCHES/0000-cover-letter.patch
[ -f "$cover" ] || die "no $cover to take the cover text from" "restore it from git"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$SRC" -c core.abbrev=12 -c diff.renames=true format-patch -q --zero-commit --no-signature \
	--base="$BASE" --cover-letter --cover-from-description=none -o "$tmp/out" "$BASE..$ref" ||
	die "git format-patch failed" "check branch '$ref' in $SRC"

# Subject and text of the current cover letter, in place of git's
# placeholders; the Date of the last patch, so the output is stable.
subject=$(sed -n 's/^Subject: \[PATCH[^]]*\] //p' "$cover" | head -n 1)
awk -v name="$PROJECT_NAME" '
	!body && /^$/ { body = 1; next }
	body && index($0, name " (") == 1 { exit }
	body { print }' "$cover" >"$tmp/blurb"
last=$(ls "$tmp"/out/*.patch | tail -n 1)
date=$(sed -n 's/^Date: //p' "$last" | head -n 1)
awk -v subject="$subject" -v date="$date" -v blurbf="$tmp/blurb" '
	/^Date: / && !d { print "Date: " date; d = 1; next }
	/^Subject: / && !s { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject); print; s = 1; next }
	/^\*\*\* BLURB HERE \*\*\*$/ {
		n = 0
		while ((getline l < blurbf) > 0) lines[++n] = l
		while (n > 0 && lines[n] == "") n--	# the shortlog follows one blank line
		for (i = 1; i <= n; i++) print lines[i]
		next
	}
	{ print }' "$tmp/out/0000-cover-letter.patch" >"$tmp/cover" && mv "$tmp/cover" "$tmp/out/0000-cover-letter.patch"
(cd "$tmp/out" && ls | grep -v '^0000-cover-letter.patch$') >"$tmp/series" && mv "$tmp/series" "$tmp/out/"

if [ -n "$check" ]; then
	if ! diff -r "$PATCHES" "$tmp/out" >"$tmp/diff"; then
		head -n 20 "$tmp/diff" >&2
		die "patches/ differs from what '$ref' exports" "run 'make export' (or fix the branch) and commit patches/"
	fi
	exit 0
fi
find "$PATCHES" -maxdepth 1 -name '*.patch' -delete
cp "$tmp"/out/* "$PATCHES/"
echo "exported $(grep -c . "$PATCHES/series") patches from $ref to $PATCHES"
