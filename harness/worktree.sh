#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Give the developer a kernel tree to edit with plain git: build/linux on
# branch "series" = base tag + patches/ applied with git am. Edit, commit
# (--fixup, rebase -i, ...), then "make export" writes patches/ back.
#
# An existing branch is kept when it already exports to patches/; one that
# holds unexported work is never overwritten unless FORCE=1.
. "$(dirname "$0")/common.sh"

require_base
cd "$SRC" || exit 1
if git rev-parse -q --verify series >/dev/null; then
	if "$TOP/harness/export-series.sh" --check series 2>/dev/null; then
		[ "$(git symbolic-ref -q --short HEAD)" = series ] || git checkout -q series
		echo "$SRC: branch series matches patches/"
		exit 0
	fi
	[ "${FORCE:-0}" = 1 ] || die "branch series in $SRC differs from patches/ (unexported work?)" \
		"run 'make export' to keep it, or 'make worktree FORCE=1' to reset it to patches/"
fi
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	die "$SRC has uncommitted changes" "commit or stash them first"
git checkout -q -B series "$BASE" || die "cannot reset branch series" "check $SRC"
files=$(series_files)
if [ -n "$files" ] && ! git am -q $files; then
	git am --abort
	die "patches/ does not apply on $BASE" "see harness/apply-series.sh for the failing patch"
fi
echo "$SRC: branch series = $BASE + $(series_count) patches"
