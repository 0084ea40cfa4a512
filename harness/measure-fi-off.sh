#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Show that the kernfs fault injection hooks cost nothing when
# CONFIG_FAIL_KERNFS is off: build fs/kernfs/file.o at the base and at the
# fault injection patch, with the option off, and compare "size" and the
# disassembly. Prints one KTAP line.
. "$(dirname "$0")/common.sh"

SUBJECT=${SUBJECT:-"kernfs: add fault injection wait points to file operations"}
require_base
fi_commit=$(series_commit "$SUBJECT") || exit 1

O=$B/out/fi-off
mkdir -p "$O"
# test config without the option; only the one object is built.
for ref in "$BASE" "$fi_commit"; do
	ktree_checkout "$(git -C "$SRC" rev-parse "$ref^{commit}")" "$ref"
	make -s -C "$KTREE" O="$O" LOCALVERSION= tinyconfig >/dev/null
	"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "$TOP/config/base.config" >/dev/null 2>&1
	echo "# CONFIG_FAIL_KERNFS is not set" >>"$O/.config"
	make -s -C "$KTREE" O="$O" LOCALVERSION= olddefconfig >/dev/null
	grep -q '^CONFIG_FAIL_KERNFS=y' "$O/.config" && die "CONFIG_FAIL_KERNFS is on" "check config/base.config"
	make -s -j"${JOBS:-2}" -C "$KTREE" O="$O" LOCALVERSION= CC="ccache gcc" KBUILD_BUILD_TIMESTAMP=@0 \
		fs/kernfs/file.o >/dev/null 2>&1 || die "cannot build fs/kernfs/file.o at $ref" "see $O"
	size "$O/fs/kernfs/file.o" | tail -n 1 | awk '{print $1, $2, $3}' >"$O/size-${ref:0:12}"
	objdump -d --no-show-raw-insn "$O/fs/kernfs/file.o" | tail -n +4 >"$O/dis-${ref:0:12}"
done
a=$(cat "$O/size-${BASE:0:12}") b=$(cat "$O/size-${fi_commit:0:12}")
echo "# fs/kernfs/file.o text data bss, CONFIG_FAIL_KERNFS=n: base $a, with the wait points $b"
if [ "$a" = "$b" ] && cmp -s "$O/dis-${BASE:0:12}" "$O/dis-${fi_commit:0:12}"; then
	echo "ok - fs/kernfs/file.o is identical (size and disassembly) with CONFIG_FAIL_KERNFS=n"
else
	diff "$O/dis-${BASE:0:12}" "$O/dis-${fi_commit:0:12}" | head -n 10 | sed 's/^/# /'
	echo "not ok - fs/kernfs/file.o is identical (size and disassembly) with CONFIG_FAIL_KERNFS=n"
	exit 1
fi
