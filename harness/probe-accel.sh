#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Decide how QEMU runs guests: KVM if it really works here, TCG otherwise.
# Prints one line: "kvm" or "tcg", and says why on stderr. The answer is
# cached in build/state/accel; delete that file to probe again.
#
#   probe-accel.sh [KERNEL_NAME]   (a built kernel for the trial boot)
. "$(dirname "$0")/common.sh"

cache=$STATE/accel
if [ -s "$cache" ]; then
	cat "$cache"
	exit 0
fi
mkdir -p "$STATE"
answer() {
	echo "accel: $1 ($2)" >&2
	echo "$1" >"$cache"
	echo "$1"
	exit 0
}
kvm=${KVM_DEV:-/dev/kvm}
[ -w "$kvm" ] || answer tcg "$kvm missing or not writable"
grep -qwE 'vmx|svm' /proc/cpuinfo || answer tcg "$kvm exists but the CPU has no vmx/svm flag (nested PVM device)"
K=$B/kernels/${1:-base}
[ -f "$K/bzImage" ] || answer tcg "no kernel for a KVM trial boot yet"
# /dev/kvm and the flags can still lie: require a real boot to userspace.
log=$(timeout -k 2 20 qemu-system-x86_64 -accel kvm -cpu host -m 256 -display none -monitor none \
	-no-reboot -serial stdio -kernel "$K/bzImage" -append "console=ttyS0 panic=-1 rdinit=/nonexistent" 2>&1)
echo "$log" | grep -q 'Run /nonexistent as init process\|Kernel panic' &&
	answer kvm "trial boot under KVM reached init"
answer tcg "a KVM trial boot did not reach init within 20 s"
