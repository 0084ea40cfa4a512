#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tell whether delete_module() of the running kernel waits for the sysfs
# operations in flight in a module before it calls the module's exit
# function. test_sysfs.sh and test_sysfs_lockdep.sh use this to run by
# default only the cases that cannot deadlock, or report, on this kernel.
#
# A store to an attribute of test_sysfs that takes no lock is parked at the
# kernfs wait point after its active reference, then rmmod starts. Where
# rmmod does not wait, the module's exit removes the control device at once
# and then waits for the store in kernfs_drain(). Where it waits, neither
# happens. Either way the store is released 0.2 s after rmmod has entered
# delete_module(), and the module unloads: nothing here can deadlock.
#
# Exit status: 0 rmmod waits, 1 it does not, 4 cannot tell (no test_sysfs,
# no CONFIG_FAIL_KERNFS, or test_sysfs already loaded).

MOD=test_sysfs
CTL=/sys/class/misc/test_sysfs
ATTR=/sys/class/misc/test_sysfs_misc/int_val
FI=/sys/kernel/debug/fail_kernfs

# now_cs: set NOW to the uptime in hundredths of a second.
now_cs() {
	read -r up _ </proc/uptime
	NOW=${up%.*}${up#*.}
}

# poll CS CMD: evaluate CMD until it is true, for at most CS hundredths of
# a second. The helpers below run no other program, so that a poll costs
# little even on a slow debug kernel.
poll() {
	now_cs
	end=$((NOW + $1))
	shift
	while ! eval "$@"; do
		now_cs
		[ "$NOW" -lt "$end" ] || return 1
		sleep 0.02
	done
}

gone() {
	[ -r "/proc/$1/stat" ] || return 0
	read -r st <"/proc/$1/stat"
	case ${st##*) } in
	Z*) return 0 ;;
	esac
	return 1
}

in_stack() {
	while read -r l; do
		case $l in
		*"$2"*) return 0 ;;
		esac
	done 2>/dev/null <"/proc/$1/stack"
	return 1
}

waiting() {
	read -r w <$FI/waiting
	[ "$w" = 1 ]
}

[ -d $FI ] || exit 4
! lsmod | grep -q "^$MOD " || exit 4
modprobe -q $MOD 2>/dev/null || exit 4

echo 1 >$CTL/misc_device
echo 100 >$FI/probability
echo 1 >$FI/interval
echo 0 >$FI/verbose
echo Y >$FI/task-filter
echo 10000 >$FI/timeout_ms
echo 1 >$FI/times
echo int_val >$FI/name
echo Y >$FI/wait_write_active
sh -c "echo 1 >/proc/self/make-it-fail; echo 1 >$ATTR" 2>/dev/null &
store=$!

# The store is parked from here until the release below: keep it short.
rc=4 rm=
if poll 1000 waiting; then
	rmmod $MOD 2>/dev/null &
	rm=$!
	if poll 1000 "in_stack $rm delete_module || gone $rm"; then
		if poll 20 "in_stack $rm kernfs_drain || [ ! -e $CTL ]"; then
			rc=1
		elif ! gone $rm; then
			rc=0
		fi
	fi
fi

echo N >$FI/wait_write_active
echo 1 >$FI/release
echo >$FI/name
echo 0 >$FI/probability
wait $store
[ -z "$rm" ] || wait $rm
! lsmod | grep -q "^$MOD " || rmmod $MOD

case $rc in
0) echo "# rmmod waits for the sysfs operations in flight" ;;
1) echo "# rmmod does not wait for the sysfs operations in flight" ;;
*) echo "# cannot tell whether rmmod waits for the sysfs operations in flight" ;;
esac
exit $rc
