#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
usage() {
	cat <<USAGE
usage: shell.sh [--cpus N] [--mem MB] [--dry-run] NAME

Boot the staged kernel build/kernels/NAME (see build-kernel.sh) with the
harness initramfs and give an interactive shell on its serial console, in
this terminal. The guest has the kernel's modules, its kselftests under
/kselftest and the harness's test programs under /tests (run one with
/tests/NAME). 'exit' in the guest ends it (QEMU runs with -no-reboot); Ctrl-A X
kills QEMU.

  --cpus N    vCPUs (default 2)
  --mem MB    guest memory (default 1024)
  --dry-run   print the QEMU command, run nothing
  -h, --help  this text
USAGE
}
. "$(dirname "$0")/common.sh"

cpus=2 mem=1024 dry=0 name=
while [ $# -gt 0 ]; do
	case $1 in
	--cpus) cpus=$2; shift ;;
	--mem) mem=$2; shift ;;
	--dry-run) dry=1 ;;
	-h | --help) usage; exit 0 ;;
	-*) die "unknown option '$1'" "see harness/shell.sh --help" ;;
	*) [ -z "$name" ] || die "more than one kernel named" "see harness/shell.sh --help"; name=$1 ;;
	esac
	shift
done
[ -n "$name" ] || die "no kernel named" "pass the NAME of a kernel under $B/kernels ($(ls "$B/kernels" 2>/dev/null | tr '\n' ' '))"
for v in "$cpus" "$mem"; do
	case $v in '' | *[!0-9]* | 0) die "--cpus and --mem take a positive number, got '$v'" "see harness/shell.sh --help" ;; esac
done
K=$B/kernels/$name
[ -f "$K/bzImage" ] || die "no kernel $name" "build it with harness/build-kernel.sh REF CONFIG $name"
need_tool qemu-system-x86_64
case $("$TOP/harness/probe-accel.sh" "$name" 2>/dev/null) in
kvm) accel=(-accel kvm -cpu host) ;;
*) accel=(-accel tcg,thread=multi) ;;
esac
cmd=(qemu-system-x86_64 "${accel[@]}" -m "$mem" -smp "$cpus" -display none -no-reboot
	-serial mon:stdio -kernel "$K/bzImage" -initrd "$K/initramfs.cpio.gz"
	-append "console=ttyS0 panic=-1 harness.shell")
if [ $dry = 1 ]; then
	printf '%q ' "${cmd[@]}"
	echo
	exit 0
fi
"$TOP/harness/make-initramfs.sh" "$name" >/dev/null || exit 1
exec "${cmd[@]}"
