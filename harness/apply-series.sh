#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Apply patches/series with "git am" on top of the base tag, in the series
# worktree build/stree (which only this script moves), and point branch
# harness/series at the result.
# Skipped when patches/ is unchanged since the last application, so a warm
# "make run" does not touch the tree. Committer = author (identity and
# date), so the same patches always give the same commit ids.
#
#   apply-series.sh [PATCHDIR]    (default: patches/)
. "$(dirname "$0")/common.sh"

PATCHES=${1:-$PATCHES}
require_base
[ -f "$PATCHES/series" ] || die "no $PATCHES/series" "create it (one patch file name per line)"
files=$(series_files)
for f in $files; do
	[ -f "$f" ] || die "patches/series lists $(basename "$f"), which does not exist" "fix $PATCHES/series"
done
hash=$( (echo "$BASE"; cat "$PATCHES/series" $files) | sha256sum | cut -c1-16)
if [ "$(cat "$STATE/applied" 2>/dev/null)" = "$hash" ] && [ -e "$STREE/.git" ] &&
	git -C "$SRC" rev-parse -q --verify harness/series >/dev/null; then
	git -C "$SRC" rev-parse harness/series
	exit 0
fi

if [ ! -e "$STREE/.git" ]; then
	log "creating series worktree $STREE"
	git -C "$SRC" worktree prune
	git -C "$SRC" worktree add -q --detach "$STREE" "$BASE" || die "cannot create $STREE" "rm -rf $STREE and retry"
fi
mkdir -p "$STATE"
cd "$STREE" || exit 1
git am --abort >/dev/null 2>&1
git checkout -q -f --detach "$BASE" || die "cannot check out $BASE in $STREE" "rm -rf $STREE and retry"
if [ -n "$files" ] && ! git am -q --committer-date-is-author-date $files >"$STATE/am.log" 2>&1; then
	bad=$(git am --show-current-patch=raw 2>/dev/null | sed -n 's/^Subject: \(\[[^]]*\] \)\{0,1\}//p' | head -n 1)
	num=$(( $(git rev-list --count "$BASE"..HEAD) + 1 ))
	file=$(sed -n 's/^error: patch failed: \([^:]*\):.*/\1/p; s/^error: \([^:]*\): does not exist in index/\1/p; s/^error: \([^:]*\): already exists in index/\1/p; s/^error: \([^:]*\): patch does not apply/\1/p' "$STATE/am.log" | head -n 1)
	git am --abort >/dev/null 2>&1
	die "patch $(echo "$files" | sed -n "${num}p" | xargs basename) ($bad) does not apply on $BASE at ${file:-?}" \
		"rebase the series (make worktree, fix, make export); details in $STATE/am.log"
fi
git branch -f harness/series HEAD
echo "$hash" >"$STATE/applied"
git rev-parse HEAD
