#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpack Debian's linux-source-6.12 into build/linux, check that it is the
# version the series is tested on (BASE_VERSION, common.sh) and turn it into
# a git repo with one base commit, tagged base-<version>. Idempotent: an
# existing base is only verified.
. "$(dirname "$0")/common.sh"

if [ -n "$(base_tag)" ]; then
	[ "$(base_tag)" = "base-$BASE_VERSION" ] ||
		die "$SRC holds $(base_tag), but the series is tested on $BASE_VERSION" \
			"run 'make clean' (the ccache stays) and start again"
	echo "$(base_tag)"
	exit 0
fi

need_tool git tar xz make
[ -r "$SRC_TARBALL" ] || die "kernel source $SRC_TARBALL not found" "run 'make deps' (installs linux-source-6.12)"
need_disk "$B" 10

rm -rf "$SRC" "$B/unpack"
mkdir -p "$B/unpack"
log "unpacking $SRC_TARBALL"
tar -C "$B/unpack" -xJf "$SRC_TARBALL" || die "cannot unpack $SRC_TARBALL" "reinstall linux-source-6.12"
set -- "$B"/unpack/*
[ $# -eq 1 ] && [ -f "$1/Makefile" ] || die "unexpected layout in $SRC_TARBALL" "check the package"
ver=$(make -s -C "$1" kernelversion)
[ "$ver" = "$BASE_VERSION" ] ||
	die "source is Linux $ver, but the series is tested on $BASE_VERSION" \
		"run 'make deps' (installs linux-source-6.12=$BASE_PKG_VERSION), or set SRC_TARBALL"
mv "$1" "$SRC" && rmdir "$B/unpack"

pkgver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo unknown)
cd "$SRC" || exit 1
# Debian's .gitignore ignores every top-level path ("/*" then "!/debian/"),
# which would hide new files from git add; drop those two lines.
sed -i -e '\|^/\*$|d' -e '\|^!/debian/$|d' .gitignore
log "creating base commit for $ver (about a minute)"
git init -q -b base-branch .
git config gc.auto 0
# Commits made by hand in this tree carry the project identity too.
git config user.name "$PROJECT_NAME"
git config user.email "$PROJECT_EMAIL"
git add -A
GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
	git commit -q -m "Linux $ver (Debian linux-source-6.12 $pkgver)" \
	-m "Unpacked from $SRC_TARBALL; the two top-level ignore-all lines of Debian's .gitignore are dropped."
git tag -a "base-$ver" -m "Debian linux-source-6.12 $pkgver, make kernelversion: $ver"
git checkout -q --detach && git branch -q -D base-branch
echo "base-$ver"
