#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Prove the dependency list: run the README's commands in a minimal Debian
# 12 that has nothing but what install-deps.sh installs.
usage() {
	cat <<EOF
usage: check-fresh.sh [--check] [--keep]

Debootstraps a minimal Debian 12 (bookworm, variant minbase, with the
apt sources of a default install: bookworm, bookworm-updates and
bookworm-security) into build/fresh/root, installs make (the one package
the README asks for before its commands), clones this repository (its
committed HEAD) into /root/sysfs-modpin, and runs
"make run" there as root, in a chroot with /proc, /sys and /dev mounted.
Everything else the run needs must come from harness/install-deps.sh.

  --check     also run "make check" (about an hour on 2 cores, cold)
  --keep      keep build/fresh afterwards (it is removed otherwise)
  -h, --help  this text

Needs root, the network and about 15 GB under build/. debootstrap is
installed on the host with apt if missing. The log of each command is
build/fresh/<command>.log; the summary lines are printed, and the exit
status is that of the last command. The result, with its date, commit and
command, goes to build/report/check-fresh.md (make report puts it in
docs/results.md), with the step table of make check when it ran.
EOF
}
. "$(dirname "$0")/common.sh"

cmds="run" keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--check) cmds="run check" ;;
	--keep) keep=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown option '$1'" "see harness/check-fresh.sh --help" ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || die "check-fresh.sh needs root (debootstrap and chroot)" "run it with sudo"
need_disk "$B" 15
if ! command -v debootstrap >/dev/null; then
	log "apt-get install debootstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null ||
		die "cannot install debootstrap" "apt-get install debootstrap"
fi

F=$B/fresh
R=$F/root
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mounted=
cleanup() {
	local m
	for m in $mounted; do
		umount -l "$R/$m" 2>/dev/null
	done
	[ $keep = 1 ] || rm -rf "$F"
}
trap cleanup EXIT
rm -rf "$F" && mkdir -p "$F"

t0=$SECONDS
log "debootstrap bookworm (minbase) into $R"
debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$F/debootstrap.log" 2>&1 ||
	die "debootstrap failed" "see $F/debootstrap.log (network? mirror: DEBIAN_MIRROR)"
cat >"$R/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$R/etc/resolv.conf"
for m in proc sys dev dev/pts; do
	case $m in
	proc) mount -t proc proc "$R/proc" ;;
	sys) mount -t sysfs sys "$R/sys" ;;
	*) mount --bind "/$m" "$R/$m" ;;
	esac || die "cannot mount /$m in $R" "check that this runs as root outside a container"
	mounted="$m $mounted"
done
in_root() {
	chroot "$R" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb /bin/bash -c "$1"
}
in_root 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make' \
	>"$F/make.log" 2>&1 || die "cannot install make in $R" "see $F/make.log"
head=$(git -C "$TOP" rev-parse --short HEAD)
git clone -q "$TOP" "$R/root/sysfs-modpin" ||
	die "cannot clone the repository into $R" "check 'git -C $TOP status'"
log "minimal system ready after $((SECONDS - t0)) s"

rc=0 rows=
for c in $cmds; do
	t1=$SECONDS
	log "make $c in $R (log: $F/$c.log)"
	in_root "cd /root/sysfs-modpin && make $c" >"$F/$c.log" 2>&1
	rc=$?
	last=$(tail -n 1 "$F/$c.log")
	echo "# make $c: exit $rc after $((SECONDS - t1)) s; its last line: $last"
	rows="$rows| make $c | $rc | $((SECONDS - t1)) s | $last |
"
	[ $rc -eq 0 ] || break
done

# The snippet for docs/results.md (harness/report.sh).
src=$(in_root "dpkg-query -W -f '\${Version}' linux-source-6.12" 2>/dev/null)
mkdir -p "$B/report"
{
	echo "## make check-fresh"
	echo
	echo "A minimal Debian 12 (debootstrap, variant minbase) with only \`make\`" \
		"installed, then the README's commands in a clone; everything else came" \
		"from \`harness/install-deps.sh\` (linux-source-6.12 ${src:-not installed})."
	echo
	echo "Measured $(date -u +%Y-%m-%d) on $head" \
		"with \`harness/check-fresh.sh$([ "$cmds" = run ] || echo ' --check')\`:" \
		"exit $rc after $((SECONDS - t0)) s."
	echo
	echo "| command | exit | time | its last line |"
	echo "|---|---|---|---|"
	printf '%s' "$rows"
	if [ -f "$R/root/sysfs-modpin/build/report/check.md" ]; then
		echo
		echo "The steps of that make check:"
		echo
		sed -n '/^| step/,$p' "$R/root/sysfs-modpin/build/report/check.md"
	fi
} >"$B/report/check-fresh.md"
exit $rc
