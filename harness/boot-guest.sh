#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a built kernel once in QEMU and run test programs in it.
#
#   boot-guest.sh [--dry-run] NAME TESTS ARTDIR [TIMEOUT_S] [CPUS]
#
# --dry-run prints the QEMU command and runs nothing.
# TESTS is a comma-separated list of guest programs (guest/tests/*).
# ARTDIR receives console.log (ttyS0, the kernel console), ktap.log (ttyS1,
# the programs' KTAP) and cmd (the exact QEMU command). The run is bounded
# by TIMEOUT_S (default 300); on timeout QEMU is killed, the last 50 console
# lines are shown, and the exit status is 124. QEMU's own exit status is not
# meaningful (it is 0 after a panic too): judge runs by ktap.log.
# QEMU_EXTRA adds QEMU arguments (split on blanks). With "-icount ..." in it
# the guest runs under single-threaded TCG, which icount requires.
# GUEST_MEM is QEMU's -m (default 1024). With MONITOR_RELAY=1 the guest can
# drive QEMU's monitor: each "# harness: monitor CMD" line a guest program
# prints is passed to the monitor as CMD (device_add, device_del, ...); the
# monitor's answers go to ARTDIR/monitor.log. The guest waits for the
# effect itself, with a bound.
. "$(dirname "$0")/common.sh"

dry=0
[ "$1" = --dry-run ] && dry=1 && shift
[ $# -ge 3 ] || die "usage: boot-guest.sh [--dry-run] NAME TESTS ARTDIR [TIMEOUT_S] [CPUS]" "see harness/boot-guest.sh"
K=$B/kernels/$1 tests=$2 art=$3 tmo=${4:-300} cpus=${5:-2}
need_tool qemu-system-x86_64 timeout
[ $dry = 1 ] || [ -f "$K/initramfs.cpio.gz" ] || die "no initramfs in $K" "run harness/make-initramfs.sh $1"
[ $dry = 1 ] || mkdir -p "$art"

accel=$("$TOP/harness/probe-accel.sh" "$1" 2>/dev/null)
case $accel in
kvm) accel_opts="-accel kvm -cpu host" ;;
*) accel_opts="-accel tcg,thread=multi" ;;
esac
case " $QEMU_EXTRA " in
*" -icount "*) accel_opts="-accel tcg,thread=single" ;;
esac
monitor=none
if [ "${MONITOR_RELAY:-0}" = 1 ] && [ $dry = 1 ]; then
	monitor=pipe:$art/monitor
elif [ "${MONITOR_RELAY:-0}" = 1 ]; then
	rm -f "$art/monitor.in" "$art/monitor.out"
	mkfifo "$art/monitor.in" "$art/monitor.out" || die "cannot create the monitor FIFOs in $art" "check $art"
	monitor=pipe:$art/monitor
fi
cmd=(qemu-system-x86_64 $accel_opts -m "${GUEST_MEM:-1024}" -smp "$cpus" -display none -monitor "$monitor" -no-reboot
	-serial "file:$art/console.log" -serial "file:$art/ktap.log"
	-kernel "$K/bzImage" -initrd "$K/initramfs.cpio.gz" $QEMU_EXTRA
	-append "console=ttyS0 panic=-1 reboot=t loglevel=7 harness.tests=$tests harness.timeout=${GUEST_TEST_TIMEOUT:-$tmo} $EXTRA_APPEND")
if [ $dry = 1 ]; then
	printf '%q ' timeout -k 5 "$tmo" "${cmd[@]}"
	echo
	exit 0
fi
printf '%q ' timeout -k 5 "$tmo" "${cmd[@]}" >"$art/cmd"
echo >>"$art/cmd"
start=$(date +%s.%N)
if [ "$monitor" = none ]; then
	timeout -k 5 "$tmo" "${cmd[@]}" </dev/null >"$art/qemu.log" 2>&1
	rc=$?
else
	: >"$art/ktap.log"
	timeout -k 5 "$tmo" "${cmd[@]}" </dev/null >"$art/qemu.log" 2>&1 &
	qpid=$!
	# QEMU opens both FIFOs read-write, so neither side blocks on open;
	# the answers are drained so that QEMU never blocks on a full pipe.
	cat "$art/monitor.out" >"$art/monitor.log" &
	drain=$!
	# sed -u: no buffering between the guest's line and the monitor.
	tail -n +1 --pid=$qpid -F "$art/ktap.log" 2>/dev/null |
		sed -u -n -e 's/\r$//' -e 's/^# harness: monitor //p' | while read -r mcmd; do
		echo "$(date +%T) $mcmd" >>"$art/monitor.sent"
		echo "$mcmd" >"$art/monitor.in"
	done &
	relay=$!
	wait $qpid
	rc=$?
	kill $drain $relay 2>/dev/null
	wait $drain $relay 2>/dev/null
fi
end=$(date +%s.%N)
echo "$(echo "$end - $start" | bc)" >"$art/boot-seconds"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "guest timed out after ${tmo}s; QEMU killed. Last 50 console lines:" >&2
	tail -n 50 "$art/console.log" >&2
	exit 124
fi
if [ -s "$art/qemu.log" ] && ! grep -q '^# harness: poweroff' "$art/ktap.log" 2>/dev/null; then
	head -n 3 "$art/qemu.log" >&2
fi
exit 0
