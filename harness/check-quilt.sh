#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Check that "quilt push -a" applies patches/series cleanly on the pristine
# base. Only the files the series touches are taken from the base, which
# is all quilt (patch -p1) reads.
. "$(dirname "$0")/common.sh"

require_base
need_tool quilt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files=$(sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' $(series_files) | sort -u)
existing=$(git -C "$SRC" ls-tree -r --name-only "$BASE" -- $files)
[ -z "$existing" ] || git -C "$SRC" archive "$BASE" -- $existing | tar -C "$tmp" -x
cd "$tmp" || exit 1
if QUILT_PATCHES=$PATCHES QUILT_PC=.pc quilt push -a -q >"$tmp.log" 2>&1; then
	echo "ok - quilt push -a applies $(series_count) patches on $BASE"
	rm -f "$tmp.log"
else
	sed 's/^/# /' "$tmp.log" | tail -n 10
	rm -f "$tmp.log"
	echo "not ok - quilt push -a applies $(series_count) patches on $BASE"
	exit 1
fi
