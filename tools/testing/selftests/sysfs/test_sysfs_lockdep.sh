#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What lockdep says about a remover that holds a lock which a show() or
# store() of the removed file takes. Such a removal waits for the handler
# in kernfs_drain() while the handler waits for the lock (test_sysfs.sh
# makes it happen). kernfs tells lockdep about the drain of every file
# that was ever active, so a PROVE_LOCKING kernel reports the pattern as
# soon as both halves have run once, here a store that takes the lock and,
# later, the removal under it, without any race. When the removal comes
# from the exit of the module that defines the file, rmmod waits for the
# handlers before the exit runs, which makes the deadlock impossible, and
# lockdep must stay quiet.
#
# The quiet cases run by default where rmmod_waits.sh shows that rmmod
# waits for the operations in flight; elsewhere the module exit is a real
# deadlock, which lockdep reports, so they are skipped. The case whose pass
# condition is a report only runs with TEST_SYSFS_LOCKDEP_REPORT=1: lockdep
# stops at its first report, and checks nothing else until the next boot.
# A default run therefore never makes lockdep report anything. The test
# skips when an earlier report has turned lockdep off.

DIR=$(dirname "$0")
. "$DIR/../kselftest/ktap_helpers.sh"

MOD=test_sysfs
CTL=/sys/class/misc/test_sysfs
DRV=/sys/bus/platform/drivers/test_sysfs_sync
STATS=/proc/lockdep_stats
REPORT="possible circular locking dependency"

ktap_print_header

if [ ! -r $STATS ]; then
	ktap_skip_all "no $STATS: needs CONFIG_PROVE_LOCKING"
	exit "$KSFT_SKIP"
fi
if ! modprobe -q $MOD 2>/dev/null; then
	ktap_skip_all "module $MOD not found: needs CONFIG_TEST_SYSFS=m"
	exit "$KSFT_SKIP"
fi
rmmod $MOD

lockdep_on() {
	grep -qE '^ *debug_locks: +1$' $STATS
}

if ! lockdep_on; then
	ktap_skip_all "lockdep is off after an earlier report; run in a fresh boot"
	exit "$KSFT_SKIP"
fi

reports() {
	dmesg | grep -c "$REPORT"
}

# store_then_remove KIND LOCK TRIGGER: load the module, add the KIND test
# device, write its attribute whose store takes LOCK and let the store
# return; then remove the device under LOCK, by module exit (rmmod) or by
# driver unbind (unbind, then rmmod). Nothing overlaps, nothing can block.
store_then_remove() {
	kind=$1 lock=$2 trigger=$3
	[ "$kind" = misc ] && dev=/sys/class/misc/test_sysfs_misc ||
		dev=/sys/block/test_sysfs_blk
	[ "$kind" = misc ] && pdev=test_sysfs_sync.0 || pdev=test_sysfs_sync.1
	modprobe $MOD || return 1
	echo "$lock" >$CTL/remove_lock &&
		echo 1 >"$CTL/${kind}_device" &&
		echo 3 >"$dev/${lock}_int" || { rmmod $MOD; return 1; }
	if [ "$trigger" = unbind ]; then
		timeout 30 sh -c "echo $pdev >$DRV/unbind" || { rmmod $MOD; return 1; }
	fi
	timeout 30 rmmod $MOD
}

# test_quiet NAME KIND LOCK: module exit under the lock reports nothing.
test_quiet() {
	before=$(reports)
	if ! store_then_remove "$2" "$3" rmmod; then
		ktap_test_fail "$1 (could not run the sequence)"
	elif [ "$(reports)" != "$before" ] || ! lockdep_on; then
		ktap_print_msg "$(dmesg | grep -A 12 "$REPORT" | tail -n 12)"
		ktap_test_fail "$1 (lockdep reported it)"
	else
		ktap_test_pass "$1"
	fi
}

"$DIR/rmmod_waits.sh"
waits=$?

# quiet NAME KIND LOCK: test_quiet, where rmmod waits for the operations.
quiet() {
	case $waits in
	0) test_quiet "$@" ;;
	1) ktap_test_skip "$1 (rmmod does not wait for operations in flight here)" ;;
	*) ktap_test_skip "$1 (cannot tell whether rmmod waits for operations in flight)" ;;
	esac
}

ktap_set_plan 4

quiet "misc: store under the mutex, then module exit removes the device under it: no report" \
	misc mutex
quiet "blk: store under the mutex, then module exit removes the disk under it: no report" \
	blk mutex
quiet "misc: store under rtnl, then module exit removes the device under it: no report" \
	misc rtnl

name="misc: store under the mutex, then unbind removes the device under it: reported"
before=$(reports)
if [ "${TEST_SYSFS_LOCKDEP_REPORT:-0}" != 1 ]; then
	ktap_test_skip "$name (ends lockdep for this boot; TEST_SYSFS_LOCKDEP_REPORT=1 runs it)"
elif ! store_then_remove misc mutex unbind; then
	ktap_test_fail "$name (could not run the sequence)"
elif [ "$(reports)" = "$before" ]; then
	ktap_test_fail "$name (lockdep said nothing)"
else
	log=$(mktemp)
	dmesg | grep -A 30 "$REPORT" >"$log"
	ktap_print_msg "$(grep -A 1 -E 'acquire lock|holding lock' "$log" | head -n 5)"
	if grep -q 'kn->active' "$log" && grep -q test_sysfs_mutex "$log"; then
		ktap_test_pass "$name"
	else
		ktap_test_fail "$name (the report is not about kn->active and test_sysfs_mutex)"
	fi
	rm -f "$log"
fi

ktap_finished
