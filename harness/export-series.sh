#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export a kernel branch back to patches/ with git format-patch, so that
# the same branch always gives byte-identical files.
#
#   export-series.sh [--check] [REF]     (REF defaults to branch "series")
#   AUTHOR="Name <email>" export-series.sh [REF]
#
# The cover letter's subject and text are kept from the current
# patches/0000-cover-letter.patch; git regenerates its shortlog and
# diffstat (no base-commit: the base is a Debian tarball, which the text
# names), and its Date is set to the last patch's. The version in
# that subject ("[PATCH v2 00/14]") is kept for every patch: bump it there.
# The files the series adds are written too, in their final state, at
# their kernel paths under the repository root (fs/, lib/, tools/, ...),
# listed in patches/added-files. With --check, nothing is written: the
# exit status says whether patches/ and those files match.
#
# With AUTHOR, the series is exported for sending instead: to
# build/outgoing/, with AUTHOR as the author and in place of the project
# identity's Signed-off-by. patches/ keeps the project identity.
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

if [ -n "$AUTHOR" ]; then
	[ -z "$check" ] || die "AUTHOR and --check do not go together" "drop one of them"
	re='^[^<>@]+ <[^<> ]+@[^<> ]+>$'
	[[ $AUTHOR =~ $re ]] ||
		die "AUTHOR='$AUTHOR' is not 'Name <email>'" "use e.g. AUTHOR=\"Jane Doe <jane@example.com>\""
fi
ver=$(sed -n 's/^Subject: \[PATCH \(v[0-9][0-9]*\) .*/\1/p' "$cover" | head -n 1)
prefix=()
[ -z "$ver" ] || prefix=(--subject-prefix="PATCH $ver")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$SRC" -c core.abbrev=12 -c diff.renames=true format-patch -q --zero-commit --no-signature \
	"${prefix[@]}" --cover-letter --cover-from-description=none -o "$tmp/out" "$BASE..$ref" ||
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

# To: and Cc: of each patch from scripts/get_maintainer.pl and the
# MAINTAINERS file of the exported branch itself (the series adds to it):
# maintainers in To:, reviewers and lists in Cc:. The cover letter goes to
# everyone any patch goes to.
git -C "$SRC" show "$ref:MAINTAINERS" >"$tmp/MAINTAINERS" || die "no MAINTAINERS in '$ref'" "check branch '$ref'"
gm() {
	(cd "$SRC" && ./scripts/get_maintainer.pl --mpath "$tmp/MAINTAINERS" --no-tree --no-git \
		--no-git-fallback --no-rolestats "$@" 2>/dev/null)
}
# header NAME FILE: "NAME: a,\n b" from the addresses in FILE, one a line.
header() {
	awk -v name="$1" 'NF { a[++n] = $0 } END {
		for (i = 1; i <= n; i++) printf "%s%s%s\n", i == 1 ? name ": " : " ", a[i], i < n ? "," : "" }' "$2"
}
: >"$tmp/all.to"; : >"$tmp/all.cc"
while read -r f; do
	gm --nol --nor "$tmp/out/$f" >"$tmp/to"
	gm --nom "$tmp/out/$f" >"$tmp/cc"
	cat "$tmp/to" >>"$tmp/all.to"
	cat "$tmp/cc" >>"$tmp/all.cc"
	{ header To "$tmp/to"; header Cc "$tmp/cc"; } >"$tmp/hdr"
	awk -v hf="$tmp/hdr" '!done && /^$/ { while ((getline l < hf) > 0) print l; done = 1 } { print }' \
		"$tmp/out/$f" >"$tmp/p" && mv "$tmp/p" "$tmp/out/$f"
done <"$tmp/out/series"
awk '!seen[$0]++' "$tmp/all.to" >"$tmp/to"
awk 'NR == FNR { to[$0] = 1; next } !(($0 in to) || seen[$0]++)' "$tmp/to" "$tmp/all.cc" >"$tmp/cc"
{ header To "$tmp/to"; header Cc "$tmp/cc"; } >"$tmp/hdr"
awk -v hf="$tmp/hdr" '!done && /^$/ { while ((getline l < hf) > 0) print l; done = 1 } { print }' \
	"$tmp/out/0000-cover-letter.patch" >"$tmp/p" && mv "$tmp/p" "$tmp/out/0000-cover-letter.patch"

if [ -n "$AUTHOR" ]; then
	me="$PROJECT_NAME <$PROJECT_EMAIL>"
	out=$B/outgoing
	rm -rf "$out" && mkdir -p "$out"
	for f in "$tmp"/out/*.patch; do
		awk -v me="$me" -v who="$AUTHOR" -v name="$PROJECT_NAME" '
			$0 == "From: " me { $0 = "From: " who }
			$0 == "Signed-off-by: " me { $0 = "Signed-off-by: " who }
			index($0, name " (") == 1 { n = who; sub(/ <.*/, "", n); $0 = n substr($0, length(name) + 1) }
			{ print }' "$f" >"$out/$(basename "$f")"
	done
	cp "$tmp/out/series" "$out/"
	echo "exported $(grep -c . "$out/series") patches from $ref to $out as $AUTHOR"
	exit 0
fi

# The files the series adds, in their final state, at their kernel paths
# under the repository root, so that readers and tools can open them;
# patches/added-files lists them. Files the series only modifies stay in
# the patches: the repository carries no copy of an upstream file.
git -C "$SRC" diff --no-renames --diff-filter=A --name-only "$BASE" "$ref" >"$tmp/out/added-files"
mkdir -p "$tmp/tree"
while read -r f; do
	mkdir -p "$tmp/tree/$(dirname "$f")"
	git -C "$SRC" show "$ref:$f" >"$tmp/tree/$f"
	[ "$(git -C "$SRC" ls-tree "$ref" -- "$f" | cut -c1-6)" != 100755 ] || chmod +x "$tmp/tree/$f"
done <"$tmp/out/added-files"

if [ -n "$check" ]; then
	if ! diff -r "$PATCHES" "$tmp/out" >"$tmp/diff"; then
		head -n 20 "$tmp/diff" >&2
		die "patches/ differs from what '$ref' exports" "run 'make export' (or fix the branch) and commit patches/"
	fi
	while read -r f; do
		cmp -s "$TOP/$f" "$tmp/tree/$f" ||
			die "$f is not what the series adds" "edit it in build/linux (branch series), then run 'make export'"
		a=0 b=0
		[ ! -x "$TOP/$f" ] || a=1
		[ ! -x "$tmp/tree/$f" ] || b=1
		[ $a = $b ] || die "$f has the wrong mode" "run 'make export'"
	done <"$tmp/out/added-files"
	exit 0
fi
find "$PATCHES" -maxdepth 1 -name '*.patch' -delete
if [ -f "$PATCHES/added-files" ]; then
	while read -r f; do
		rm -f "$TOP/$f"
		rmdir -p --ignore-fail-on-non-empty "$(dirname "$TOP/$f")" 2>/dev/null
	done <"$PATCHES/added-files"
fi
cp "$tmp"/out/* "$PATCHES/"
cp -a "$tmp/tree/." "$TOP/"
echo "exported $(grep -c . "$PATCHES/series") patches from $ref to $PATCHES, and $(grep -c . "$PATCHES/added-files") files it adds"
