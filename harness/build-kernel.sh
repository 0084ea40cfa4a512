#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build one test kernel and stage what a guest needs.
#
#   build-kernel.sh REF CONFIG NAME
#
# REF     a commit of build/linux (base tag, a series prefix, ...)
# CONFIG  "test" (tinyconfig + base fragment + selftest configs), "debug"
#         (test plus kernel/configs/debug.config and config/debug.config) or
#         "real" (x86_64_defconfig + kvm_guest.config + debug.config, a
#         real configuration's debug kernel), optionally followed by
#         "+VARIANT" for each extra fragment config/VARIANT.config to merge
#         last ("test+drivers", "real+hotplug+drivers")
# NAME    where the result goes: build/kernels/NAME/{bzImage,vmlinux,
#         System.map,.config,mods/,kselftest/,ktap_helpers.sh,
#         decode_stacktrace.sh,info}; with STAGE=0 the kernel is only built
#         (bisect builds)
#
# Builds happen in the build worktree build/ktree, in build/out/CONFIG, so
# a rebuild after switching REF only recompiles what REF changed. A staged
# kernel carries what the later steps need from its own source (the KTAP
# helpers for the initramfs, the trace decoder), so they never read the
# worktree, which the next build moves.
. "$(dirname "$0")/common.sh"

[ $# -eq 3 ] || die "usage: build-kernel.sh REF CONFIG NAME" "see the header of harness/build-kernel.sh"
ref=$1 cfg=$2 name=$3
require_base
need_tool make gcc flex bison bc ccache
need_disk "$B" 3
commit=$(git -C "$SRC" rev-parse --verify -q "$ref^{commit}") || die "unknown ref '$ref'" "use a commit of $SRC"

# Selftest targets whose config fragment and tests the kernel gets.
SELFTESTS=${SELFTESTS:-sysfs zram}

ktree_checkout "$commit" "$ref"

O=$B/out/$cfg
K=$B/kernels/$name
mkdir -p "$O" "$STATE"

start=tinyconfig
frags="$TOP/config/base.config"
case ${cfg%%+*} in
test | debug) ;;
real)
	start=x86_64_defconfig
	frags="$KTREE/kernel/configs/kvm_guest.config $KTREE/kernel/configs/debug.config"
	;;
*) die "unknown CONFIG '$cfg'" "use test, debug or real, with +VARIANT suffixes" ;;
esac
frags="$frags $TOP/config/series.config"
for t in $SELFTESTS; do
	f=$KTREE/tools/testing/selftests/$t/config
	[ -f "$f" ] && frags="$frags $f"
done
[ "${cfg%%+*}" = debug ] && frags="$frags $KTREE/kernel/configs/debug.config $TOP/config/debug.config"
variants=${cfg#"${cfg%%+*}"}
for v in ${variants//+/ }; do
	[ -f "$TOP/config/$v.config" ] || die "unknown config variant '$v'" "add config/$v.config or drop +$v"
	frags="$frags $TOP/config/$v.config"
done

# Regenerate .config only when the fragments or the tree changed.
key=$( (echo "$commit $start"; cat $frags) | sha256sum | cut -c1-16)
if [ "$(cat "$STATE/config-$cfg" 2>/dev/null)" != "$key" ] || [ ! -f "$O/.config" ]; then
	log "configuring $cfg for $ref"
	make -s -C "$KTREE" O="$O" $start >/dev/null || die "make $start failed" "see $O"
	"$KTREE/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" $frags >"$O/merge.log" 2>&1 ||
		die "merge_config.sh failed" "see $O/merge.log"
	make -s -C "$KTREE" O="$O" olddefconfig >/dev/null || die "make olddefconfig failed" "see $O"
	echo "$key" >"$STATE/config-$cfg"
fi

MAKEFLAGS_K="-C $KTREE O=$O LOCALVERSION= CC=ccache\ gcc KBUILD_BUILD_TIMESTAMP=@0 KBUILD_BUILD_USER=harness KBUILD_BUILD_HOST=qemu"
# ONLY="make arguments": build just those (e.g. "C=2 W=1 fs/kernfs/file.o")
# at REF, print make's output and stage nothing.
if [ -n "$ONLY" ]; then
	eval make -j"${JOBS:-2}" $MAKEFLAGS_K "$ONLY" 2>&1
	exit
fi
log "building $name ($cfg, $(git -C "$SRC" log -1 --format='%h %s' "$commit"))"
eval make -s -j"${JOBS:-2}" $MAKEFLAGS_K bzImage modules >"$O/build.log" 2>&1 || {
	grep -E 'error|Error' "$O/build.log" | head -n 5 >&2
	die "kernel build of $ref failed" "see $O/build.log"
}

[ "${STAGE:-1}" = 0 ] && exit 0
rm -rf "$K.new" && mkdir -p "$K.new"
# Copies, not links: the next build may rewrite these files in place.
	cp "$O/arch/x86/boot/bzImage" "$O/vmlinux" "$O/System.map" "$K.new/"
cp "$O/.config" "$K.new/.config"
cp "$KTREE/tools/testing/selftests/kselftest/ktap_helpers.sh" "$KTREE/scripts/decode_stacktrace.sh" "$K.new/"
eval make -s $MAKEFLAGS_K INSTALL_MOD_PATH="$K.new/mods" INSTALL_MOD_STRIP=1 modules_install >/dev/null ||
	die "modules_install failed" "see $O"
targets=
for t in $SELFTESTS; do
	[ -d "$KTREE/tools/testing/selftests/$t" ] && targets="$targets $t"
done
if [ -n "$targets" ]; then
	make -s -C "$KTREE/tools/testing/selftests" O="$O/kselftest" TARGETS="${targets# }" \
		KHDR_INCLUDES="-isystem $O/usr/include" LDFLAGS=-static INSTALL_PATH="$K.new/kselftest" install \
		>"$O/kselftest.log" 2>&1 || die "kselftest install failed" "see $O/kselftest.log"
fi
{
	echo "ref=$ref"
	echo "commit=$commit"
	echo "config=$cfg"
	echo "kernelrelease=$(make -s -C "$KTREE" O="$O" LOCALVERSION= kernelrelease)"
	echo "base=$BASE"
	echo "subject=$(git -C "$SRC" log -1 --format=%s "$commit")"
	echo "srcdir=$KTREE"
	echo "staged=2"
} >"$K.new/info"
rm -rf "$K" && mv "$K.new" "$K"
echo "$K"
