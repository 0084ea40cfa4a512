#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Pack build/kernels/NAME/initramfs.cpio.gz: static busybox, the kernel's
# modules, its installed kselftests, the KTAP shell helpers of its source, the
# harness's guest/ programs and the sysfs benchmark (harness/build-bench.sh).
#
#   make-initramfs.sh NAME
. "$(dirname "$0")/common.sh"

[ $# -eq 1 ] || die "usage: make-initramfs.sh NAME" "NAME is a directory under $B/kernels"
K=$B/kernels/$1
[ -f "$K/bzImage" ] || die "no kernel in $K" "run harness/build-kernel.sh first"
need_tool cpio gzip
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "no $BUSYBOX" "run 'make deps' (installs busybox-static)"
BENCH=$("$TOP/harness/build-bench.sh") || exit 1

R=$K/initramfs.root
rm -rf "$R"
mkdir -p "$R"/{bin,dev,proc,sys,tmp,lib,tests}
cp "$BUSYBOX" "$R/bin/busybox"
cp -a "$K/mods/lib/modules" "$R/lib/"
[ -d "$K/kselftest" ] && cp -a "$K/kselftest" "$R/kselftest"
[ -f "$K/ktap_helpers.sh" ] || die "kernel $1 was staged without its ktap_helpers.sh" "stage it again with harness/build-kernel.sh"
cp "$K/ktap_helpers.sh" "$R/lib/"
cp "$TOP/guest/init" "$R/init"
cp "$TOP/guest/splat-patterns" "$R/lib/splat-patterns"
mkdir -p "$R/usr/bin" && cp "$TOP/guest/timeout" "$R/usr/bin/timeout"
cp "$BENCH" "$R/usr/bin/sysfs-bench"
cp "$TOP"/guest/tests/* "$R/tests/"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$K/initramfs.cpio.gz.new" ||
	die "cannot pack initramfs" "see $R"
mv "$K/initramfs.cpio.gz.new" "$K/initramfs.cpio.gz"
rm -rf "$R"
echo "$K/initramfs.cpio.gz"
