#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compile what the series touches in x86_64 and i386 allmodconfig builds
# (CONFIG_WERROR=y): every C file the series adds or changes, and every C
# file that uses struct kernfs_open_file or struct kernfs_ops, whose header
# the series changes (cgroup, resctrl, blk-cgroup, sysfs, ...). The touched
# files are also built with W=1. One KTAP line per architecture.
#
#   check-allmod.sh [REF]      REF defaults to the applied series
#
# Runs in the harness worktree, in build/out/allmod-ARCH; the first run of
# each architecture spends most of its time in "make prepare".
. "$(dirname "$0")/common.sh"

H=$TOP/harness
require_base
need_tool make gcc flex bison bc ccache
need_disk "$B" 6
if [ -n "$1" ]; then
	head=$(git -C "$SRC" rev-parse --verify -q "$1^{commit}") || die "unknown ref '$1'" "use a commit of $SRC"
else
	head=$("$H/apply-series.sh") || exit 1
fi
ktree_checkout "$head"

touched=$(git -C "$SRC" diff --name-only --diff-filter=AM "$BASE" "$head" -- '*.c')
users=$(git -C "$KTREE" grep -l -E 'kernfs_open_file|struct kernfs_ops' -- '*.c')
# objs FILE.c...: the objects kbuild builds from them; a file that another
# one #includes (kernel/sched/psi.c, ...) is not named in its Makefile.
objs() {
	local f o
	for f in "$@"; do
		o=${f%.c}.o
		grep -qw "${o##*/}" "$KTREE/$(dirname "$f")/Makefile" && echo "$o"
	done | sort -u | tr '\n' ' '
}
fail=0
for arch in x86_64 i386; do
	O=$B/out/allmod-$arch
	mk="make -C $KTREE O=$O ARCH=$arch LOCALVERSION= -j${JOBS:-2}"
	mkdir -p "$O"
	if [ "$(cat "$STATE/allmod-$arch" 2>/dev/null)" != "$head" ] || [ ! -f "$O/.config" ]; then
		$mk -s allmodconfig >"$O/config.log" 2>&1 || die "allmodconfig failed for $arch" "see $O/config.log"
		echo "$head" >"$STATE/allmod-$arch"
	fi
	want=$(objs $touched $users)
	start=$(date +%s)
	if $mk CC="ccache gcc" $want >"$O/build.log" 2>&1 &&
		$mk CC="ccache gcc" W=1 $(objs $touched) >"$O/w1.log" 2>&1; then
		nw=$(grep -c ': warning:' "$O/build.log" "$O/w1.log" | awk -F: '{s += $2} END {print s}')
		if [ "$nw" = 0 ]; then
			echo "ok - allmodconfig $arch: $(echo $want | wc -w) files, touched ones with W=1, no warning ($(($(date +%s) - start)) s)"
			continue
		fi
		grep -h ': warning:' "$O/build.log" "$O/w1.log" | head -n 5 | sed 's/^/# /'
	else
		grep -hE 'error|Error' "$O/build.log" "$O/w1.log" 2>/dev/null | head -n 5 | sed 's/^/# /'
	fi
	echo "not ok - allmodconfig $arch (see $O/build.log and $O/w1.log)"
	fail=1
done
exit $fail
