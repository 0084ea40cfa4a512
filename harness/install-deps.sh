#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt, every host package the harness needs. Only missing
# packages are installed, so a re-run is a no-op. rsync is used by the
# kselftest install (make -C tools/testing/selftests install), tmux by the
# self-test of harness/shell.sh, libpython3-dev by spatch (Debian's
# coccinelle loads Python through the unversioned libpython3.11.so, which
# only the -dev package ships; without it spatch exits 255 before it reads
# the script). linux-source-6.12 is installed at the version the series is
# tested on (BASE_PKG_VERSION in common.sh), also when another version is
# installed already: apt's newest one moves on.
. "$(dirname "$0")/common.sh"

PKGS="qemu-system-x86 busybox-static cpio kmod flex bison bc
libelf-dev libssl-dev dwarves sparse quilt ccache gcc make git xz-utils perl
python3 libpython3-dev coccinelle ocaml-nox rsync tmux"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ "$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null)" = "$BASE_PKG_VERSION" ] ||
	missing="$missing linux-source-6.12=$BASE_PKG_VERSION"
[ -z "$missing" ] && exit 0

command -v apt-get >/dev/null || die "apt-get not found, cannot install:$missing" "install them by hand"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
log "apt-get install$missing"
$SUDO apt-get update -qq >/dev/null || die "apt-get update failed" "check the network / apt sources"
case $missing in
*linux-source-6.12=*)
	apt-cache madison linux-source-6.12 2>/dev/null | grep -qF "| $BASE_PKG_VERSION |" ||
		die "linux-source-6.12 $BASE_PKG_VERSION is not in the apt sources" \
			"enable bookworm-security in /etc/apt/sources.list, or set BASE_PKG_VERSION to a listed version (untested)"
	;;
esac
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --allow-downgrades $missing >/dev/null ||
	die "apt-get install failed for:$missing" "run it by hand to see why"
